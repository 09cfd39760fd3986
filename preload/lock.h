/* lock.h: the one lock of the preload library.
 *
 * Every entry into the stage (heapmgr_*) and the seam (os_*) happens while the calling thread holds
 * this lock, because neither is thread-safe by itself. The lock is taken around fork() and released
 * in both processes, so a child never inherits a heap that another thread was halfway through changing.
 */
#ifndef HEAPKIT_PRELOAD_LOCK_H
#define HEAPKIT_PRELOAD_LOCK_H

void preload_lock(void);
void preload_unlock(void);

#endif
