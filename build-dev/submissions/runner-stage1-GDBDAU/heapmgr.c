/* does not compile */
#include "heapmgr.h"
void *heapmgr_malloc(size_t n) { return n +; }
