/* kit_contract.h: common/contract.list read into C: the public headers a submission is built
 * beside, the kit's sources compiled with it, and the contract's exported functions. */
#ifndef HEAPKIT_KIT_CONTRACT_H
#define HEAPKIT_KIT_CONTRACT_H

#include <stdbool.h>
#include <stddef.h>

enum { KIT_CONTRACT_NAMES = 16, KIT_NAME_MAX = 64 };

struct kit_contract {
    char headers[KIT_CONTRACT_NAMES][KIT_NAME_MAX];   /* file names in common/: "heapmgr.h" */
    size_t header_count;
    char sources[KIT_CONTRACT_NAMES][KIT_NAME_MAX];   /* file names in common/: "alloc_extra.c" */
    size_t source_count;
    char exports[KIT_CONTRACT_NAMES][KIT_NAME_MAX];   /* function names: "heapmgr_malloc" */
    size_t export_count;
};

/* Reads <root>/common/contract.list. False (with why) when it cannot be read, or a line is not
 * "header|source|export NAME" with NAME a plain file or C name. */
bool kit_contract_read(const char *root, struct kit_contract *c, char *why, size_t why_cap);

#endif
