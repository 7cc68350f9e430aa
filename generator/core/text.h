/* text: the bytes of a file an editor wrote, made safe to parse.
 * Windows editors save a byte order mark and CRLF line ends: text_normalise() removes them
 * quietly. An editor set to Shift_JIS or UTF-16 saves bytes that are not UTF-8: text_check()
 * reports the first such byte (or NUL byte) at its exact line and column through diag.
 * Columns count characters (code points), not bytes, so a column in Japanese text is where an
 * editor's cursor would be. Nothing here allocates except text_normalise's caller's buffer. */
#ifndef KAIRAN_TEXT_H
#define KAIRAN_TEXT_H

#include <stddef.h>

#include "core/buf.h"
#include "core/diag.h"

/* Removes a leading UTF-8 byte order mark and turns CRLF and lone CR into LF, in place, so
 * that every later line count agrees with what the editor shows. */
void text_normalise(struct buf *b);

/* Checks that text is UTF-8 without NUL bytes. On the first problem, reports it at its
 * line:col (line numbers start at first_line) and returns -1; returns 0 if all is well. */
int text_check(struct diag *d, const char *path, const char *text, size_t len, unsigned first_line);

/* Returns the length of the valid UTF-8 sequence at s (at most n bytes), or 0 if the bytes
 * there are not valid UTF-8 (overlong forms, surrogates, values past U+10FFFF, cut short). */
size_t text_utf8_len(const char *s, size_t n);

/* The line and column of byte offset off in text (both 1-based; lines start at first_line,
 * columns count characters). */
void text_position(const char *text, size_t off, unsigned first_line, unsigned *line,
                   unsigned *col);

#endif
