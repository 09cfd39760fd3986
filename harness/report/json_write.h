/* json_write.h: writing a C string as a JSON string, for the reports and the HTML demos. */
#ifndef HEAPKIT_JSON_WRITE_H
#define HEAPKIT_JSON_WRITE_H

#include <stdio.h>

/* Writes s (NULL as "") as a quoted JSON string. Quotes, backslashes and control bytes are escaped,
 * bytes above ASCII are written as \u00XX (read as Latin-1: a submission's output need not be UTF-8),
 * and < > & ' are escaped too, so the string is also safe inside an HTML <script> element. Whatever
 * the text holds, it cannot break, or add to, the document around it. */
void json_write_string(FILE *out, const char *s);

#endif
