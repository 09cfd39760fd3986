/* demo.c: heapkit demo, the lecture's sequences as heap pictures, in the terminal or as one HTML file.
 *
 *   heapkit demo [--stage N] [--sequence NAME | --file TRACE] [--html OUT.html] [--step]
 *                [--colour auto|always|never] [--width COLUMNS] [--list] [--lecture [--captions]]
 *
 * Each run of a sequence on a stage happens in its own child process (demo_model.c); this file reads
 * the options, picks the stages and the sequence, and hands the runs to the terminal or HTML writer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "demo_beyond.h"
#include "demo_html.h"
#include "demo_model.h"
#include "demo_sequences.h"
#include "demo_text.h"
#include "stages.h"
#include "submission.h"
#include "tracefile.h"

enum { DEFAULT_WIDTH = 100 };

struct demo_options {
    int stage;                   /* 0 = every stage linked in */
    const char *sequence;
    const char *file;
    const char *html;
    const char *src;             /* a student's heapmgr.c, drawn as stage N (built for the lab: submission.h) */
    bool step, list;
    bool lecture;                /* --lecture: the slide's units and captions, exact growth */
    bool captions;               /* --captions: the captions alone, one line per op */
    bool present;                /* --present: the HTML page opens in projector mode */
    int colour;                  /* -1 auto, 0 never, 1 always */
    int width;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: heapkit demo [--stage N [--src FILE]] [--sequence NAME | --file TRACE] [--html OUT.html]\n"
            "                    [--step] [--colour auto|always|never] [--width COLUMNS] [--list]\n"
            "                    [--lecture [--captions]] [--present]\n"
            "\n"
            "Replays a sequence of mallocs and frees on a stage and draws the heap after each one: the\n"
            "chunks to scale, the free lists or bins, the system calls made, and what happened.\n"
            "  --stage N       the stage (1-6); without it, every stage one after another (or, with\n"
            "                  --html, side by side on one page)\n"
            "  --sequence NAME a built-in sequence (see --list); default: the lecture's 'default'\n"
            "  --src FILE      draw FILE (your heapmgr.c) as stage N\n"
            "  --file TRACE    a script in the trace format (tests/traces/README.md): four header lines\n"
            "                  (a suggested heap size, the number of ids, the number of operations, a\n"
            "                  weight: e.g. 0, 2, 3, 1), then one operation a line: a id bytes, f id,\n"
            "                  r id bytes; lines starting with # are comments (grade --dump\n"
            "                  writes its failing tests so)\n"
            "  --html OUT      write one self-contained HTML page instead of drawing in the terminal\n"
            "  --step          wait for Enter between operations\n"
            "  --list          list the built-in sequences\n"
            "  --lecture       as the slide draws it: sizes in the slide's units, a heap that grows by\n"
            "                  exactly what is missing, and the slide's caption under each picture\n"
            "  --captions      with --lecture: print only the captions, one line per operation\n"
            "  --present       with --html: open the page in projector mode (large type, one stage\n"
            "                  per screen; PageDown/PageUp step)\n");
}

static int parse_options(int argc, char **argv, struct demo_options *o)
{
    *o = (struct demo_options){.sequence = "default", .colour = -1, .width = DEFAULT_WIDTH};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes_value = true;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 1;
        } else if (strcmp(a, "--step") == 0) {
            o->step = true;
            takes_value = false;
        } else if (strcmp(a, "--list") == 0) {
            o->list = true;
            takes_value = false;
        } else if (strcmp(a, "--lecture") == 0) {
            o->lecture = true;
            takes_value = false;
        } else if (strcmp(a, "--captions") == 0) {
            o->captions = true;
            takes_value = false;
        } else if (strcmp(a, "--present") == 0) {
            o->present = true;
            takes_value = false;
        } else if (value == NULL) {
            fprintf(stderr, "heapkit demo: %s needs a value\n", a);
            return 2;
        } else if (strcmp(a, "--stage") == 0) {
            if (value[0] != '\0' && (o->stage = stage_parse(value)) == 0) {
                fprintf(stderr, "heapkit demo: '%s' names no stage (1-6)\n", value);
                return 2;
            }
        } else if (strcmp(a, "--sequence") == 0) {
            o->sequence = value;
        } else if (strcmp(a, "--src") == 0) {
            o->src = value;
        } else if (strcmp(a, "--file") == 0) {
            o->file = value[0] != '\0' ? value : NULL;
        } else if (strcmp(a, "--html") == 0) {
            o->html = value[0] != '\0' ? value : NULL;
        } else if (strcmp(a, "--colour") == 0 || strcmp(a, "--color") == 0) {
            o->colour = strcmp(value, "always") == 0 ? 1 : strcmp(value, "never") == 0 ? 0 : -1;
            if (o->colour == -1 && strcmp(value, "auto") != 0) {
                fprintf(stderr, "heapkit demo: --colour takes auto, always or never, not '%s'\n", value);
                return 2;
            }
        } else if (strcmp(a, "--width") == 0) {
            o->width = atoi(value);
            if (o->width < 40 || o->width > 400) {
                fprintf(stderr, "heapkit demo: --width takes 40 to 400 columns, not '%s'\n", value);
                return 2;
            }
        } else {
            fprintf(stderr, "heapkit demo: unknown option '%s'\n", a);
            usage(stderr);
            return 2;
        }
        if (takes_value)
            i++;
    }
    if (o->present && o->html == NULL) {
        fprintf(stderr, "heapkit demo: --present needs --html OUT.html (projector mode is the page's)\n");
        return 2;
    }
    if (o->captions && !o->lecture) {
        fprintf(stderr, "heapkit demo: --captions needs --lecture (the captions are the slide's)\n");
        return 2;
    }
    return 0;
}

static void list_sequences(void)
{
    printf("built-in sequences (heapkit demo --sequence NAME):\n");
    for (size_t i = 0; i < demo_sequence_count; i++) {
        const struct demo_sequence *s = &demo_sequences[i];
        printf("  %-10s %-72s stages %s\n", s->name, s->title, s->stages);
    }
}

int cmd_demo(int argc, char **argv)
{
    struct demo_options o;
    int status = parse_options(argc, argv, &o);
    if (status != 0)
        return status == 1 ? 0 : status;
    if (o.list) {
        list_sequences();
        return 0;
    }
    if (o.src != NULL) {                        /* the lab built with the file as its stage, then this again */
        if (o.stage == 0 || o.stage > STAGE_LAST) {
            fprintf(stderr, "heapkit demo: --src needs --stage 1-6: which stage is %s?\n", o.src);
            return 2;
        }
        return submission_exec(argc, argv, o.src, o.stage, true);
    }

    /* the sequence */
    struct trace trace = {0};
    struct demo_sequence from_file;
    const struct demo_sequence *seq;
    if (o.file != NULL) {
        char err[512];
        if (trace_load(o.file, &trace, err, sizeof err) != 0) {
            fprintf(stderr, "heapkit demo: %s\n", err);
            return 2;
        }
        from_file = demo_sequence_from_trace(&trace);
        seq = &from_file;
    } else if ((seq = demo_sequence_find(o.sequence)) == NULL) {
        fprintf(stderr, "heapkit demo: no sequence called '%s'\n", o.sequence);
        list_sequences();
        return 2;
    }

    if (o.stage > STAGE_LAST)                   /* buddy and slab draw their own pictures */
        return stage_get(o.stage) != NULL ? demo_beyond(stage_get(o.stage), seq) : 2;

    /* the stages */
    const struct stage *stages[STAGE_LAST + 1];
    size_t stage_count = 0;
    for (int n = STAGE_FIRST; n <= STAGE_LAST; n++)
        if ((o.stage == 0 || o.stage == n) && stage_get(n) != NULL)
            stages[stage_count++] = stage_get(n);
    if (stage_count == 0) {
        fprintf(stderr, "heapkit demo: stage %d is not built into this program\n", o.stage);
        trace_free(&trace);
        return 2;
    }

    struct demo_run runs[STAGE_LAST + 1];
    size_t run_count = 0;
    struct demo_run_options run_opts = {.unit_bytes = 1};
    if (o.lecture)
        run_opts = demo_lecture_options(seq);
    for (size_t i = 0; i < stage_count; i++) {
        if (demo_run_sequence_with(stages[i], seq, &run_opts, &runs[run_count]) != 0) {
            fprintf(stderr, "heapkit demo: could not start a child process for stage %d\n", stages[i]->number);
            status = 2;
            break;
        }
        if (runs[run_count].failure[0] != '\0')
            status = 1;
        run_count++;
    }

    if (status != 2 && o.html != NULL) {
        struct demo_html_options h = {.present = o.present};
        if (demo_html_write_with(o.html, runs, run_count, &h) != 0) {
            fprintf(stderr, "heapkit demo: cannot write %s\n", o.html);
            status = 2;
        } else {
            printf("wrote %s: %zu stage%s, %zu steps\n", o.html, run_count, run_count == 1 ? "" : "s",
                   seq->op_count);
        }
        for (size_t i = 0; i < run_count; i++)
            if (runs[i].failure[0] != '\0')
                fprintf(stderr, "heapkit demo: %s\n", runs[i].failure);
    } else if (status != 2 && o.captions) {
        for (size_t i = 0; i < run_count; i++)
            demo_text_print_captions(stdout, &runs[i]);
    } else if (status != 2) {
        struct demo_text_options t = {
            .colour = o.colour == 1 || (o.colour == -1 && isatty(STDOUT_FILENO)),
            .step = o.step,
            .pause_from = stdin,
            .width = o.width,
        };
        for (size_t i = 0; i < run_count; i++) {
            if (i > 0)
                printf("\n\n");
            demo_text_print(stdout, &runs[i], &t);
        }
    }
    for (size_t i = 0; i < run_count; i++)
        demo_run_free(&runs[i]);
    trace_free(&trace);
    return status;
}
