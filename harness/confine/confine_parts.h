/* confine_parts.h: what the files of harness/confine/ share among themselves (not for other folders). */
#ifndef HEAPKIT_CONFINE_PARTS_H
#define HEAPKIT_CONFINE_PARTS_H

#include "confine.h"

/* The environment every confined command gets: PATH=/usr/bin:/bin, LANG=C, TMPDIR=<dir>. */
enum { CONFINE_ENV_TMPDIR_MAX = 4200 };

/* The argument vector of one bwrap run: bwrap's options, then "--", then cmd->argv. dir may be NULL
 * (the probe's run: nothing bound read-write). info_fd: the descriptor bwrap writes its JSON to
 * (the sandbox's first process, "child-pid"), or -1. with_proc: mount the sandbox's own /proc. */
struct confine_bwrap_args {
    char **argv;               /* malloc'ed; NULL when out of memory */
    char links[8][256];        /* the targets of /bin, /lib, ... when they are symbolic links */
    char info_fd[16];
};

bool confine_bwrap_args_make(struct confine_bwrap_args *a, const char *bwrap, const struct confine_cmd *cmd,
                             int info_fd, bool with_proc);
void confine_bwrap_args_release(struct confine_bwrap_args *a);

/* How one run is made: under bwrap (its path) or directly (bwrap NULL), with /proc or not, as uid. */
struct confine_how {
    const char *bwrap;
    bool with_proc;
    uid_t uid;
};

/* confine_run's body, also used by the probe to try bwrap out. */
void confine_run_how(const struct confine_cmd *cmd, const struct confine_how *how, struct confine_result *res);

/* Whether the probe found that bwrap needs no /proc to be left out (some containers refuse it). */
bool confine_bwrap_with_proc(void);

#endif
