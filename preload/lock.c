/* lock.c: one mutex around the whole allocator, and the fork handlers that keep it consistent.
 *
 * One lock is the simplest correct answer for a teaching allocator: the stages keep global state
 * (a break, a free list, bins) and were written single-threaded, as on the slides.
 *
 * The mutex checks errors: if the thread that holds it asks for it again -- a stage or the seam
 * calling malloc from inside malloc -- the process stops with a message instead of hanging forever.
 *
 * Fork: POSIX copies only the calling thread into the child. If another thread held the lock at that
 * moment, the child would inherit a locked mutex and a half-changed heap. So the prepare handler takes
 * the lock (no thread is inside the allocator while fork copies memory), the parent releases it, and
 * the child makes it new: an error-checking mutex records its owner's thread id, which is a different
 * number in the child, so the child re-initialises it rather than unlocking.
 */
#define _GNU_SOURCE
#include "lock.h"

#include "fatal.h"

#include <errno.h>
#include <pthread.h>

static pthread_mutex_t heap_lock = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;

void preload_lock(void)
{
    int err = pthread_mutex_lock(&heap_lock);
    if (err == EDEADLK)
        preload_die("malloc", "called again from inside the allocator (a stage or the seam called "
                             "the C library's malloc)");
}

void preload_unlock(void)
{
    pthread_mutex_unlock(&heap_lock);
}

static void lock_before_fork(void)
{
    preload_lock();
}

static void unlock_in_parent(void)
{
    preload_unlock();
}

static void renew_in_child(void)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&heap_lock, &attr);
    pthread_mutexattr_destroy(&attr);
}

/* Runs when the library is loaded, before the program's main. */
__attribute__((constructor)) static void install_fork_handlers(void)
{
    pthread_atfork(lock_before_fork, unlock_in_parent, renew_in_child);
}
