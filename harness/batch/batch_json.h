/* batch_json.h: a small JSON reader for the grader's own reports (docs/grading.md), used by the
 * batch grader to read each student's `heapkit grade --format json`.
 *
 * It parses one complete value into a tree of nodes; objects keep their members in order. Strings
 * are decoded (\uXXXX to UTF-8). It accepts standard JSON only and reports where it stopped.
 */
#ifndef HEAPKIT_BATCH_JSON_H
#define HEAPKIT_BATCH_JSON_H

#include <stdbool.h>
#include <stddef.h>

enum bjson_type { BJSON_NULL, BJSON_BOOL, BJSON_NUMBER, BJSON_STRING, BJSON_ARRAY, BJSON_OBJECT };

struct bjson {
    enum bjson_type type;
    bool boolean;
    double number;
    char *string;                /* BJSON_STRING: the decoded text, NUL-terminated */
    char *key;                   /* the member's name when this node is a member of an object */
    struct bjson *child;         /* first element or member (arrays, objects) */
    struct bjson *next;          /* next sibling */
};

/* Parses text[0..len) as one JSON value followed only by white space. Returns NULL on a syntax
 * error and writes "at byte N: what" into error[0..error_cap). */
struct bjson *bjson_parse(const char *text, size_t len, char *error, size_t error_cap);

/* As bjson_parse, but text may go on after the value. */
struct bjson *bjson_parse_prefix(const char *text, size_t len, char *error, size_t error_cap);

void bjson_free(struct bjson *node);

/* The member named key of an object, or NULL (also when node is NULL or not an object). */
const struct bjson *bjson_get(const struct bjson *node, const char *key);

/* Typed reads of a member, with a fallback when it is missing or of another type. */
double bjson_number(const struct bjson *node, const char *key, double fallback);
const char *bjson_string(const struct bjson *node, const char *key, const char *fallback);

#endif
