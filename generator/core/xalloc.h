/* xalloc: allocation that never returns NULL.
 * Running out of memory is not an input error, so it has no error path: these functions print
 * one line and abort. Every function returns new memory that the caller frees with free(). */
#ifndef KAIRAN_XALLOC_H
#define KAIRAN_XALLOC_H

#include <stddef.h>

#define XALLOC_NONNULL __attribute__((returns_nonnull))

void *xmalloc(size_t n) XALLOC_NONNULL;
void *xcalloc(size_t count, size_t size) XALLOC_NONNULL;
void *xrealloc(void *p, size_t n) XALLOC_NONNULL;
/* Returns a copy of s; the caller frees it. */
char *xstrdup(const char *s) XALLOC_NONNULL;
/* Returns a NUL-terminated copy of the first n bytes of s; the caller frees it. */
char *xstrndup(const char *s, size_t n) XALLOC_NONNULL;
/* Returns a new formatted string; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2))) XALLOC_NONNULL;

#endif
