/* xalloc: allocation that never returns NULL, and the growable array.
 * Running out of memory is not an input error, so it has no error path: these functions print
 * one line and abort. Every function returns new memory that the caller frees with free();
 * XALLOC_GROW grows an array in place, which stays the caller's. */
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

/* Makes the array x, which has room for alloc elements, big enough for n: when n > alloc, x is
 * reallocated to the next capacity that doubles alloc (at least 8) and holds n, and alloc is
 * updated. Pushing one element: XALLOC_GROW(v, len + 1, cap); v[len++] = item. x and alloc are
 * evaluated more than once. x stays the caller's; an empty array is x = NULL, alloc = 0. */
#define XALLOC_GROW(x, n, alloc)                                                                  \
    do {                                                                                          \
        if ((n) > (alloc)) {                                                                      \
            (alloc) = xalloc_grow_count((alloc), (n), sizeof *(x));                              \
            (x) = xrealloc((x), (alloc) * sizeof *(x));                                           \
        }                                                                                         \
    } while (0)

/* Says that n bytes could not be had and aborts: for a library that allocates on its own and
 * returned NULL. */
void xalloc_fail(size_t n) __attribute__((noreturn));

/* The capacity XALLOC_GROW moves to: alloc doubled (at least 8) until it holds n elements of
 * size bytes; aborts when that many bytes cannot be counted in a size_t. */
size_t xalloc_grow_count(size_t alloc, size_t n, size_t size);

#endif
