/* commands.h: the harness's subcommands, one file each. Each takes the arguments after the
 * command name (argv[0] is the command) and returns the process exit status:
 * 0 success, 1 a test or check failed, 2 usage, input or compile error. */
#ifndef HEAPKIT_COMMANDS_H
#define HEAPKIT_COMMANDS_H

int cmd_grade(int argc, char **argv);   /* grade.c  */
int cmd_trace(int argc, char **argv);   /* trace.c  */
int cmd_bench(int argc, char **argv);   /* bench.c  */
int cmd_demo(int argc, char **argv);    /* demo.c   */
int cmd_run(int argc, char **argv);     /* run.c    */

#endif
