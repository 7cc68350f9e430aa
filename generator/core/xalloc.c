#include "core/xalloc.h"

#include "core/intl.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *check(void *p, size_t n)
{
    if (p == NULL && n != 0) {
        fprintf(stderr, _("kairan: out of memory (%zu bytes)\n"), n);
        abort();
    }
    return p;
}

void xalloc_fail(size_t n)
{
    check(NULL, n ? n : 1);
    abort();
}

void *xmalloc(size_t n)
{
    return check(malloc(n ? n : 1), n);
}

void *xcalloc(size_t count, size_t size)
{
    if (size != 0 && count > (size_t)-1 / size)
        check(NULL, (size_t)-1);
    return check(calloc(count ? count : 1, size ? size : 1), count * size);
}

void *xrealloc(void *p, size_t n)
{
    return check(realloc(p, n ? n : 1), n);
}

size_t xalloc_grow_count(size_t alloc, size_t n, size_t size)
{
    size_t cap = alloc < 8 ? 8 : alloc;
    while (cap < n) {
        if (cap > (size_t)-1 / 2)
            check(NULL, (size_t)-1);
        cap *= 2;
    }
    if (size != 0 && cap > (size_t)-1 / size)
        check(NULL, (size_t)-1);
    return cap;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *r = xmalloc(n + 1);
    memcpy(r, s, n);
    r[n] = '\0';
    return r;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        check(NULL, (size_t)-1);
    char *r = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(r, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return r;
}
