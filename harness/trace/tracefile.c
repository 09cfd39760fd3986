/* tracefile.c: loading and validating traces in the CS:APP Malloc Lab text format (see tracefile.h).
 *
 * The loader checks everything a replay relies on, so a replay never has to: the header's id and op
 * counts, each op's letter, id and size, and that every free and realloc names a block that is live
 * at that point of the trace. Each problem is reported once, as "FILE:LINE: what is wrong", at the
 * first line where it shows.
 *
 * Block lifetimes (the rules a valid trace follows):
 *   a id n   id must not be live; afterwards it is live (even when n is 0: malloc(0) may return a
 *            unique pointer, which the trace frees later)
 *   r id n   id must be live; with n == 0 it is freed (C's realloc(p, 0)), otherwise it stays live
 *   f id     id must be live; afterwards it is not
 */
#include "tracefile.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Limits beyond which a header or a size is taken for a mistake rather than a workload. */
enum {
    TRACE_MAX_IDS = 10 * 1000 * 1000,
    TRACE_MAX_OPS = 100 * 1000 * 1000,
};
static const size_t TRACE_MAX_BYTES = (size_t)1 << 30;   /* 1 GiB per request */

struct reader {
    const char *path;
    char *text;                /* the whole file, NUL-terminated */
    char *at;                  /* the next unread line */
    unsigned line;             /* number of the line last read */
    char *err;
    size_t err_cap;
};

static int fail(struct reader *r, unsigned line, const char *fmt, ...)
{
    int n = line == 0 ? snprintf(r->err, r->err_cap, "%s: ", r->path)
                      : snprintf(r->err, r->err_cap, "%s:%u: ", r->path, line);
    if (n >= 0 && (size_t)n < r->err_cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->err + n, r->err_cap - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Reads the whole file into anonymous pages of its own, NUL-terminated; NULL with errno set when it
 * cannot. The text never passes through the C library's heap: the C library is measured in the same
 * program, and a freed megabyte of trace text left in its heap would flatter its footprint. */
static char *read_file(const char *path, size_t *map_bytes)
{
    errno = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int error = errno;
        if (error == 0 || fstat(fd, &st) == 0)
            error = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        close(fd);
        errno = error;
        return NULL;
    }
    size_t len = (size_t)st.st_size;
    *map_bytes = len + 1;
    char *text = mmap(NULL, *map_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (text == MAP_FAILED) {
        close(fd);
        return NULL;
    }
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, text + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (got < len) {
        munmap(text, *map_bytes);
        errno = EIO;
        return NULL;
    }
    text[len] = '\0';
    if (memchr(text, '\0', len) != NULL) {       /* a binary file: report it as such */
        munmap(text, *map_bytes);
        errno = EILSEQ;
        return NULL;
    }
    return text;
}

/* The next line that is neither blank nor a comment, with its surrounding blanks removed, or NULL
 * at the end of the file. r->line is its line number. */
static char *next_line(struct reader *r)
{
    while (*r->at != '\0') {
        char *line = r->at;
        char *end = strchr(line, '\n');
        if (end != NULL) {
            *end = '\0';
            r->at = end + 1;
        } else {
            r->at = line + strlen(line);
        }
        r->line++;
        while (isspace((unsigned char)*line))
            line++;
        size_t len = strlen(line);
        while (len > 0 && isspace((unsigned char)line[len - 1]))
            line[--len] = '\0';
        if (len > 0 && line[0] != '#')
            return line;
    }
    return NULL;
}

/* Takes the next whitespace-separated word from *s; NULL when there is none. */
static char *next_word(char **s)
{
    char *p = *s;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '\0')
        return NULL;
    char *word = p;
    while (*p != '\0' && !isspace((unsigned char)*p))
        p++;
    if (*p != '\0')
        *p++ = '\0';
    *s = p;
    return word;
}

enum number_status { NUMBER_OK, NUMBER_NEGATIVE, NUMBER_NOT, NUMBER_HUGE };

/* Parses a decimal whole number; only digits, optionally after a sign. */
static enum number_status parse_number(const char *word, unsigned long long *out)
{
    const char *p = word;
    bool negative = false;
    if (*p == '-' || *p == '+')
        negative = *p++ == '-';
    if (*p == '\0')
        return NUMBER_NOT;
    unsigned long long value = 0;
    for (; *p != '\0'; p++) {
        if (!isdigit((unsigned char)*p))
            return NUMBER_NOT;
        unsigned digit = (unsigned)(*p - '0');
        if (value > (ULLONG_MAX - digit) / 10)
            return negative ? NUMBER_NEGATIVE : NUMBER_HUGE;
        value = value * 10 + digit;
    }
    if (negative && value != 0)
        return NUMBER_NEGATIVE;
    *out = value;
    return NUMBER_OK;
}

/* Reads the four header numbers, which may share lines or stand one per line. */
static int read_header(struct reader *r, unsigned long long header[4])
{
    static const char *const names[4] = {"suggested heap size", "number of ids", "number of ops", "weight"};
    int have = 0;
    while (have < 4) {
        char *line = next_line(r);
        if (line == NULL)
            return fail(r, r->line == 0 ? 1 : r->line,
                        "truncated header: expected four numbers, the file ends before the %s", names[have]);
        char *word;
        while (have < 4 && (word = next_word(&line)) != NULL) {
            enum number_status status = parse_number(word, &header[have]);
            if (status == NUMBER_NOT)
                return fail(r, r->line, "header: the %s is '%s', not a whole number", names[have], word);
            if (status == NUMBER_NEGATIVE)
                return fail(r, r->line, "header: the %s is negative (%s)", names[have], word);
            if (status == NUMBER_HUGE)
                return fail(r, r->line, "header: the %s (%s) is absurdly large", names[have], word);
            have++;
        }
        if (have == 4 && next_word(&line) != NULL)
            return fail(r, r->line, "header: unexpected text after the four numbers");
    }
    if (header[1] > TRACE_MAX_IDS)
        return fail(r, r->line, "header: %llu ids is absurd (at most %d)", header[1], TRACE_MAX_IDS);
    if (header[2] > TRACE_MAX_OPS)
        return fail(r, r->line, "header: %llu ops is absurd (at most %d)", header[2], TRACE_MAX_OPS);
    return 0;
}

/* Parses the id and, for a and r, the size of one op line (the letter already taken off). */
static int parse_op(struct reader *r, char *rest, char kind, unsigned ids, struct trace_op *op)
{
    char *id_word = next_word(&rest);
    if (id_word == NULL)
        return fail(r, r->line, "'%c' without an id", kind);
    unsigned long long id;
    enum number_status status = parse_number(id_word, &id);
    if (status == NUMBER_NOT)
        return fail(r, r->line, "id '%s' is not a whole number", id_word);
    if (status == NUMBER_NEGATIVE)
        return fail(r, r->line, "id %s out of range: ids are 0 .. %u", id_word, ids == 0 ? 0 : ids - 1);
    if (status == NUMBER_HUGE || id >= ids)
        return fail(r, r->line, "id %s out of range: the header declares %u ids (0 .. %u)", id_word, ids,
                    ids == 0 ? 0 : ids - 1);
    op->kind = kind;
    op->id = (unsigned)id;
    op->bytes = 0;
    op->line = r->line;
    if (kind != TRACE_FREE) {
        char *size_word = next_word(&rest);
        if (size_word == NULL)
            return fail(r, r->line, "'%c %s' without a size", kind, id_word);
        unsigned long long bytes;
        status = parse_number(size_word, &bytes);
        if (status == NUMBER_NOT)
            return fail(r, r->line, "size '%s' is not a whole number", size_word);
        if (status == NUMBER_NEGATIVE)
            return fail(r, r->line, "negative size %s", size_word);
        if (status == NUMBER_HUGE || bytes > TRACE_MAX_BYTES)
            return fail(r, r->line, "absurd size %s (at most %zu bytes per request)", size_word, TRACE_MAX_BYTES);
        op->bytes = (size_t)bytes;
    }
    if (next_word(&rest) != NULL)
        return fail(r, r->line, "unexpected text after the op");
    return 0;
}

/* Applies the lifetime rules of the file comment to one op. */
static int check_lifetime(struct reader *r, const struct trace_op *op, bool *live)
{
    switch (op->kind) {
    case TRACE_ALLOC:
        if (live[op->id])
            return fail(r, r->line, "allocation of id %u, which is still live", op->id);
        live[op->id] = true;
        return 0;
    case TRACE_REALLOC:
        if (!live[op->id])
            return fail(r, r->line, "realloc of id %u, which is not live", op->id);
        live[op->id] = op->bytes != 0;
        return 0;
    default:
        if (!live[op->id])
            return fail(r, r->line, "free of id %u, which is not live", op->id);
        live[op->id] = false;
        return 0;
    }
}

static int parse_ops(struct reader *r, struct trace *t)
{
    bool *live = calloc(t->ids == 0 ? 1 : t->ids, sizeof *live);
    if (live == NULL)
        return fail(r, 0, "out of memory for %u ids", t->ids);
    size_t count = 0;
    int status = 0;
    char *line;
    while (status == 0 && (line = next_line(r)) != NULL) {
        if (count == t->op_count) {
            status = fail(r, r->line, "op count mismatch: the header declares %zu ops, this is op %zu",
                          t->op_count, count + 1);
            break;
        }
        char *letter = next_word(&line);
        if (strlen(letter) != 1 || strchr("afr", letter[0]) == NULL) {
            status = fail(r, r->line, "unknown op '%s' (expected a, f or r)", letter);
            break;
        }
        struct trace_op *op = &t->ops[count];
        status = parse_op(r, line, letter[0], t->ids, op);
        if (status == 0)
            status = check_lifetime(r, op, live);
        count++;
    }
    if (status == 0 && count < t->op_count)
        status = fail(r, r->line == 0 ? 1 : r->line,
                      "truncated file: the header declares %zu ops, the file ends after %zu", t->op_count, count);
    free(live);
    return status;
}

int trace_load(const char *path, struct trace *out, char *err, size_t err_cap)
{
    memset(out, 0, sizeof *out);
    struct reader r = {.path = path, .err = err, .err_cap = err_cap};
    size_t map_bytes = 0;
    r.text = read_file(path, &map_bytes);
    if (r.text == NULL)
        return fail(&r, 0, "cannot read: %s", strerror(errno));
    r.at = r.text;

    unsigned long long header[4];
    int status = read_header(&r, header);
    if (status == 0) {
        out->ids = (unsigned)header[1];
        out->op_count = (size_t)header[2];
        out->name = strdup(path);
        if (trace_alloc_ops(out, out->op_count) != 0 || out->name == NULL)
            status = fail(&r, 0, "out of memory for %zu ops", out->op_count);
    }
    if (status == 0)
        status = parse_ops(&r, out);
    munmap(r.text, map_bytes);
    if (status != 0)
        trace_free(out);
    return status;
}

int trace_alloc_ops(struct trace *t, size_t count)
{
    size_t bytes = (count == 0 ? 1 : count) * sizeof *t->ops;
    void *ops = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ops == MAP_FAILED)
        return -1;
    t->ops = ops;                                /* zero-filled, as calloc's would be */
    t->ops_map_bytes = bytes;
    return 0;
}

void trace_free(struct trace *t)
{
    free(t->name);
    if (t->ops_map_bytes != 0)
        munmap(t->ops, t->ops_map_bytes);
    else
        free(t->ops);
    memset(t, 0, sizeof *t);
}
