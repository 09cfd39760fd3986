/* kit_contract.c: reading common/contract.list (kit_contract.h). */
#include "kit_contract.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* A name that is one plain file name or C identifier: letters, digits, '_', '-', '.', not starting
 * with '.', so that it can never climb out of common/. */
static bool plain_name(const char *name)
{
    if (name[0] == '\0' || name[0] == '.' || strlen(name) >= KIT_NAME_MAX)
        return false;
    for (const char *p = name; *p != '\0'; p++) {
        bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
                  *p == '-' || *p == '.';
        if (!ok)
            return false;
    }
    return true;
}

static bool add_name(char (*names)[KIT_NAME_MAX], size_t *count, const char *name)
{
    if (*count == KIT_CONTRACT_NAMES)
        return false;
    snprintf(names[(*count)++], KIT_NAME_MAX, "%s", name);
    return true;
}

bool kit_contract_read(const char *root, struct kit_contract *c, char *why, size_t why_cap)
{
    memset(c, 0, sizeof *c);
    char path[4200];
    snprintf(path, sizeof path, "%s/common/contract.list", root);
    FILE *f = fopen(path, "re");
    if (f == NULL) {
        snprintf(why, why_cap, "cannot read %s: %s", path, strerror(errno));
        return false;
    }
    char line[256];
    int number = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f) != NULL) {
        number++;
        char kind[16], name[KIT_NAME_MAX + 1], extra[2];
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[strspn(line, " \t")] == '\0')
            continue;
        int fields = sscanf(line, "%15s %64s %1s", kind, name, extra);
        bool added = false;
        if (fields == 2 && plain_name(name)) {
            if (strcmp(kind, "header") == 0)
                added = add_name(c->headers, &c->header_count, name);
            else if (strcmp(kind, "source") == 0)
                added = add_name(c->sources, &c->source_count, name);
            else if (strcmp(kind, "export") == 0)
                added = add_name(c->exports, &c->export_count, name);
        }
        if (!added) {
            snprintf(why, why_cap, "%s:%d: expected \"header|source|export NAME\" (at most %d of each), got \"%.80s\"",
                     path, number, KIT_CONTRACT_NAMES, line);
            ok = false;
        }
    }
    fclose(f);
    if (ok && (c->header_count == 0 || c->export_count == 0)) {
        snprintf(why, why_cap, "%s names no header or no export", path);
        ok = false;
    }
    return ok;
}
