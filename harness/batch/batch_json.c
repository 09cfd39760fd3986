/* batch_json.c: a small recursive-descent JSON reader (see batch_json.h). */
#include "batch_json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_DEPTH = 64 };

struct reader {
    const char *text;
    size_t len;
    size_t pos;
    char *error;
    size_t error_cap;
    bool failed;
};

static bool fail(struct reader *r, const char *what)
{
    if (!r->failed && r->error_cap > 0)
        snprintf(r->error, r->error_cap, "at byte %zu: %s", r->pos, what);
    r->failed = true;
    return false;
}

static void skip_space(struct reader *r)
{
    while (r->pos < r->len && strchr(" \t\r\n", r->text[r->pos]) != NULL)
        r->pos++;
}

static bool take(struct reader *r, const char *word)
{
    size_t n = strlen(word);
    if (r->len - r->pos < n || memcmp(r->text + r->pos, word, n) != 0)
        return false;
    r->pos += n;
    return true;
}

/* A node of the given type; NULL (and the reader fails) when out of memory. */
static struct bjson *new_node(struct reader *r, enum bjson_type type)
{
    struct bjson *node = calloc(1, sizeof *node);
    if (node == NULL) {
        fail(r, "out of memory");
        return NULL;
    }
    node->type = type;
    return node;
}

/* Appends the code point cp to out as UTF-8. */
static size_t put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static bool read_hex4(struct reader *r, uint32_t *value)
{
    if (r->len - r->pos < 4)
        return fail(r, "a \\u escape needs four hex digits");
    *value = 0;
    for (int i = 0; i < 4; i++) {
        char c = r->text[r->pos++];
        uint32_t digit;
        if (c >= '0' && c <= '9')
            digit = (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            digit = (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            digit = (uint32_t)(c - 'A' + 10);
        else
            return fail(r, "a \\u escape needs four hex digits");
        *value = *value << 4 | digit;
    }
    return true;
}

/* Reads a string whose opening quote is at r->pos; returns the decoded text (malloc'ed) or NULL. */
static char *read_string(struct reader *r)
{
    r->pos++;                                       /* the opening quote */
    /* Decoded text is never longer than its source (an escape of 6 bytes gives at most 4). */
    char *out = malloc(r->len - r->pos + 1);
    if (out == NULL) {
        fail(r, "out of memory");
        return NULL;
    }
    size_t n = 0;
    while (r->pos < r->len) {
        char c = r->text[r->pos++];
        if (c == '"') {
            out[n] = '\0';
            return out;
        }
        if ((unsigned char)c < 0x20)
            break;                                  /* a raw control character: not JSON */
        if (c != '\\') {
            out[n++] = c;
            continue;
        }
        if (r->pos >= r->len)
            break;
        char e = r->text[r->pos++];
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
        const char *hit = strchr(from, e);
        if (e != '\0' && hit != NULL) {
            out[n++] = to[hit - from];
        } else if (e == 'u') {
            uint32_t cp, low;
            if (!read_hex4(r, &cp))
                break;
            if (cp >= 0xD800 && cp < 0xDC00 && take(r, "\\u")) {
                if (!read_hex4(r, &low))
                    break;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            }
            n += put_utf8(out + n, cp);
        } else {
            fail(r, "an unknown escape in a string");
            break;
        }
    }
    free(out);
    fail(r, "a string is not closed");             /* unless an earlier failure said why */
    return NULL;
}

static struct bjson *read_value(struct reader *r, int depth);

/* Reads the elements or members of an array or object whose opening bracket is at r->pos. */
static struct bjson *read_container(struct reader *r, int depth, bool is_object)
{
    char close = is_object ? '}' : ']';
    struct bjson *node = new_node(r, is_object ? BJSON_OBJECT : BJSON_ARRAY);
    if (node == NULL)
        return NULL;
    struct bjson **tail = &node->child;
    r->pos++;
    skip_space(r);
    if (r->pos < r->len && r->text[r->pos] == close) {
        r->pos++;
        return node;
    }
    for (;;) {
        char *key = NULL;
        if (is_object) {
            skip_space(r);
            if (r->pos >= r->len || r->text[r->pos] != '"') {
                fail(r, "an object member must start with a quoted name");
                break;
            }
            key = read_string(r);
            if (key == NULL)
                break;
            skip_space(r);
            if (r->pos >= r->len || r->text[r->pos] != ':') {
                free(key);
                fail(r, "a member's name must be followed by ':'");
                break;
            }
            r->pos++;
        }
        struct bjson *item = read_value(r, depth + 1);
        if (item == NULL) {
            free(key);
            break;
        }
        item->key = key;
        *tail = item;
        tail = &item->next;
        skip_space(r);
        if (r->pos < r->len && r->text[r->pos] == ',') {
            r->pos++;
            continue;
        }
        if (r->pos < r->len && r->text[r->pos] == close) {
            r->pos++;
            return node;
        }
        fail(r, is_object ? "expected ',' or '}'" : "expected ',' or ']'");
        break;
    }
    bjson_free(node);
    return NULL;
}

static struct bjson *read_number(struct reader *r)
{
    const char *start = r->text + r->pos;
    size_t n = 0;
    while (r->pos + n < r->len && strchr("+-0123456789.eE", start[n]) != NULL)
        n++;
    char buf[64];
    if (n == 0 || n >= sizeof buf) {
        fail(r, "expected a value");
        return NULL;
    }
    memcpy(buf, start, n);
    buf[n] = '\0';
    char *end;
    double value = strtod(buf, &end);
    if (*end != '\0') {
        fail(r, "a malformed number");
        return NULL;
    }
    struct bjson *node = new_node(r, BJSON_NUMBER);
    if (node == NULL)
        return NULL;
    node->number = value;
    r->pos += n;
    return node;
}

static struct bjson *read_value(struct reader *r, int depth)
{
    if (depth > MAX_DEPTH) {
        fail(r, "nested too deeply");
        return NULL;
    }
    skip_space(r);
    if (r->pos >= r->len) {
        fail(r, "the text ends where a value should be");
        return NULL;
    }
    char c = r->text[r->pos];
    if (c == '{' || c == '[')
        return read_container(r, depth, c == '{');
    if (c == '"') {
        char *text = read_string(r);
        if (text == NULL)
            return NULL;
        struct bjson *node = new_node(r, BJSON_STRING);
        if (node == NULL) {
            free(text);
            return NULL;
        }
        node->string = text;
        return node;
    }
    struct bjson *node = NULL;
    if (take(r, "true") || take(r, "false")) {
        node = new_node(r, BJSON_BOOL);
        if (node != NULL)
            node->boolean = r->text[r->pos - 1] == 'e' && r->text[r->pos - 2] == 'u';
    } else if (take(r, "null")) {
        node = new_node(r, BJSON_NULL);
    } else {
        return read_number(r);
    }
    return node;
}

/* A reader at the start of text, with no error yet. */
static struct reader start_reading(const char *text, size_t len, char *error, size_t error_cap)
{
    if (error_cap > 0)
        error[0] = '\0';
    return (struct reader){ text, len, 0, error, error_cap, false };
}

struct bjson *bjson_parse(const char *text, size_t len, char *error, size_t error_cap)
{
    struct reader r = start_reading(text, len, error, error_cap);
    struct bjson *root = read_value(&r, 0);
    if (root == NULL)
        return NULL;
    skip_space(&r);
    if (r.pos != r.len) {
        fail(&r, "text follows the value");
        bjson_free(root);
        return NULL;
    }
    return root;
}

struct bjson *bjson_parse_prefix(const char *text, size_t len, char *error, size_t error_cap)
{
    struct reader r = start_reading(text, len, error, error_cap);
    return read_value(&r, 0);
}

void bjson_free(struct bjson *node)
{
    while (node != NULL) {
        struct bjson *next = node->next;
        bjson_free(node->child);
        free(node->string);
        free(node->key);
        free(node);
        node = next;
    }
}

const struct bjson *bjson_get(const struct bjson *node, const char *key)
{
    if (node == NULL || node->type != BJSON_OBJECT)
        return NULL;
    for (const struct bjson *m = node->child; m != NULL; m = m->next)
        if (m->key != NULL && strcmp(m->key, key) == 0)
            return m;
    return NULL;
}

double bjson_number(const struct bjson *node, const char *key, double fallback)
{
    const struct bjson *m = bjson_get(node, key);
    return m != NULL && m->type == BJSON_NUMBER ? m->number : fallback;
}

const char *bjson_string(const struct bjson *node, const char *key, const char *fallback)
{
    const struct bjson *m = bjson_get(node, key);
    return m != NULL && m->type == BJSON_STRING ? m->string : fallback;
}
