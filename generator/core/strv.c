#include "core/strv.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

void strv_push_owned(struct strv *sv, char *s)
{
    XALLOC_GROW(sv->v, sv->len + 1, sv->cap);
    sv->v[sv->len++] = s;
}

void strv_push(struct strv *sv, const char *s)
{
    strv_push_owned(sv, xstrdup(s));
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void strv_sort(struct strv *sv)
{
    if (sv->len > 1)
        qsort(sv->v, sv->len, sizeof *sv->v, cmp);
}

int strv_contains(const struct strv *sv, const char *s)
{
    for (size_t i = 0; i < sv->len; i++)
        if (strcmp(sv->v[i], s) == 0)
            return 1;
    return 0;
}

void strv_release(struct strv *sv)
{
    for (size_t i = 0; i < sv->len; i++)
        free(sv->v[i]);
    free(sv->v);
    sv->v = NULL;
    sv->len = sv->cap = 0;
}
