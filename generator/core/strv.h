/* strv: a growable vector of owned strings. */
#ifndef KAIRAN_STRV_H
#define KAIRAN_STRV_H

#include <stddef.h>

struct strv {
    char **v;
    size_t len, cap;
};

#define STRV_INIT {NULL, 0, 0}

/* Takes ownership of s. */
void strv_push_owned(struct strv *sv, char *s);
/* Pushes a copy of s. */
void strv_push(struct strv *sv, const char *s);
/* Sorts by byte order (which is code point order for UTF-8). */
void strv_sort(struct strv *sv);
/* True when sv holds a string equal to s. */
int strv_contains(const struct strv *sv, const char *s);
void strv_release(struct strv *sv);

#endif
