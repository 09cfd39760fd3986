/* lib/detach.c: a process that outlives the grader.
 * hostile_detach() forks twice with a setsid in between, so the grandchild is in a session and a
 * process group of its own and its parent is gone: true in the grandchild (which must end with
 * _exit and never return into the grader's code), false in the caller. */
#include <stdbool.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

__attribute__((unused)) static bool hostile_detach(void)
{
    pid_t child = fork();
    if (child < 0)
        return false;
    if (child > 0) {
        waitpid(child, NULL, 0);
        return false;
    }
    setsid();
    if (fork() != 0)
        _exit(0);
    return true;
}

__attribute__((unused)) static void hostile_sleep_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&t, NULL);
}

/* In a detached grandchild: waits (up to 20 s) until process pid is gone. */
__attribute__((unused)) static void hostile_wait_gone(pid_t pid)
{
    for (int i = 0; i < 1000 && kill(pid, 0) == 0; i++)
        hostile_sleep_ms(20);
}
