#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

void diag_init(struct diag *d)
{
    memset(d, 0, sizeof *d);
    pthread_mutex_init(&d->lock, NULL);
}

void diag_release(struct diag *d)
{
    for (size_t i = 0; i < d->len; i++) {
        free(d->msgs[i].path);
        free(d->msgs[i].text);
    }
    free(d->msgs);
    pthread_mutex_destroy(&d->lock);
}

static void add(struct diag *d, enum diag_level level, enum diag_kind kind, const char *path,
                unsigned line, unsigned col, const char *fmt, va_list ap)
{
    struct buf text;
    buf_init(&text);
    buf_vprintf(&text, fmt, ap);

    pthread_mutex_lock(&d->lock);
    if (level == DIAG_WARNING && d->werror)
        level = DIAG_ERROR;
    if (d->len == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->msgs = xrealloc(d->msgs, d->cap * sizeof *d->msgs);
    }
    struct diag_msg *m = &d->msgs[d->len];
    m->path = path ? xstrdup(path) : NULL;
    m->line = line;
    m->col = line ? col : 0;
    m->level = level;
    m->kind = kind;
    m->seq = d->len++;
    m->text = buf_detach(&text, NULL);
    if (level == DIAG_ERROR) {
        d->errors++;
        if (kind == DIAG_IO)
            d->io_errors++;
    } else {
        d->warnings++;
    }
    pthread_mutex_unlock(&d->lock);
}

void diag_error(struct diag *d, const char *path, unsigned line, unsigned col, const char *fmt,
                ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, DIAG_ERROR, DIAG_INPUT, path, line, col, fmt, ap);
    va_end(ap);
}

void diag_warning(struct diag *d, const char *path, unsigned line, unsigned col, const char *fmt,
                  ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, DIAG_WARNING, DIAG_INPUT, path, line, col, fmt, ap);
    va_end(ap);
}

void diag_io_error(struct diag *d, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, DIAG_ERROR, DIAG_IO, path, 0, 0, fmt, ap);
    va_end(ap);
}

size_t diag_error_count(struct diag *d)
{
    pthread_mutex_lock(&d->lock);
    size_t n = d->errors;
    pthread_mutex_unlock(&d->lock);
    return n;
}

static int cmp(const void *pa, const void *pb)
{
    const struct diag_msg *a = pa, *b = pb;
    /* Messages about no file come first: they usually explain the rest. */
    if (!a->path != !b->path)
        return a->path ? 1 : -1;
    int c = a->path ? strcmp(a->path, b->path) : 0;
    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

char *diag_format(const struct diag_msg *m)
{
    struct buf b;
    buf_init(&b);
    buf_puts(&b, m->path ? m->path : "kairan");
    if (m->line)
        buf_printf(&b, ":%u", m->line);
    if (m->line && m->col)
        buf_printf(&b, ":%u", m->col);
    buf_printf(&b, ": %s: %s", m->level == DIAG_ERROR ? "error" : "warning", m->text);
    return buf_detach(&b, NULL);
}

void diag_print(struct diag *d, FILE *out)
{
    pthread_mutex_lock(&d->lock);
    if (d->len > 1)
        qsort(d->msgs, d->len, sizeof *d->msgs, cmp);
    for (size_t i = 0; i < d->len; i++) {
        char *line = diag_format(&d->msgs[i]);
        fprintf(out, "%s\n", line);
        free(line);
    }
    pthread_mutex_unlock(&d->lock);
}
