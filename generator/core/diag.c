#include "core/diag.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/intl.h"
#include "core/xalloc.h"

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

/* Adds a message with text (taken over: add frees it with the diag). */
static void add(struct diag *d, enum diag_level level, enum diag_kind kind, const char *path,
                unsigned line, unsigned col, struct buf *text)
{
    pthread_mutex_lock(&d->lock);
    if (level == DIAG_WARNING && d->werror)
        level = DIAG_ERROR;
    XALLOC_GROW(d->msgs, d->len + 1, d->cap);
    struct diag_msg *m = &d->msgs[d->len];
    m->path = path ? xstrdup(path) : NULL;
    m->line = line;
    m->col = line ? col : 0;
    m->level = level;
    m->kind = kind;
    m->seq = d->len++;
    m->text = buf_detach(text, NULL);
    if (level == DIAG_ERROR) {
        d->errors++;
        if (kind == DIAG_IO)
            d->io_errors++;
    } else {
        d->warnings++;
    }
    pthread_mutex_unlock(&d->lock);
}

void diag_vreport(struct diag *d, enum diag_level level, enum diag_kind kind, const char *path,
                  unsigned line, unsigned col, const char *fmt, va_list ap)
{
    struct buf text;
    buf_init(&text);
    buf_vprintf(&text, fmt, ap);
    add(d, level, kind, path, line, col, &text);
}

/* What an editor can do about a failed read or write, said after strerror(); NULL when there
 * is nothing to add. */
static const char *errno_hint(int err)
{
    switch (err) {
    case EACCES:
    case EPERM:
        return _("kairan is not allowed to: check the permissions, or ask whoever set up this "
                 "folder");
    case ENOSPC:
    case EDQUOT:
        return _("the disk is full: free some space and build again");
    case EFBIG:
        return _("the file is larger than this system allows here");
    case EROFS:
        return _("the disk is read-only");
    default:
        return NULL;
    }
}

void diag_errno(struct diag *d, const char *path, int err, const char *fmt, ...)
{
    struct buf text;
    buf_init(&text);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&text, fmt, ap);
    va_end(ap);
    char *what = buf_detach(&text, NULL);
    const char *hint = errno_hint(err);
    buf_init(&text);
    if (hint)
        /* TRANSLATORS: what failed ("cannot write"), the system's reason, what to do. */
        buf_printf(&text, _("%s: %s (%s)"), what, strerror(err), hint);
    else
        /* TRANSLATORS: what failed ("cannot write") and the system's reason. */
        buf_printf(&text, _("%s: %s"), what, strerror(err));
    free(what);
    add(d, DIAG_ERROR, DIAG_IO, path, 0, 0, &text);
}

void diag_error(struct diag *d, const char *path, unsigned line, unsigned col, const char *fmt,
                ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(d, DIAG_ERROR, DIAG_INPUT, path, line, col, fmt, ap);
    va_end(ap);
}

void diag_warning(struct diag *d, const char *path, unsigned line, unsigned col, const char *fmt,
                  ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(d, DIAG_WARNING, DIAG_INPUT, path, line, col, fmt, ap);
    va_end(ap);
}

void diag_io_error(struct diag *d, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(d, DIAG_ERROR, DIAG_IO, path, 0, 0, fmt, ap);
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
    /* The place stays as it is, for the tools that read it (editors, tests); the level and
     * the message are in the user's language. */
    buf_printf(&b, ": %s: %s", m->level == DIAG_ERROR ? _("error") : _("warning"), m->text);
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

/* Fields are separated by tabs; a backslash, tab or line end inside one is escaped. */
static void put_field(struct buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\')
            buf_puts(b, "\\\\");
        else if (*s == '\t')
            buf_puts(b, "\\t");
        else if (*s == '\n')
            buf_puts(b, "\\n");
        else
            buf_putc(b, *s);
    }
}

char *diag_save_warnings(struct diag *d, size_t first)
{
    struct buf b;
    buf_init(&b);
    pthread_mutex_lock(&d->lock);
    for (size_t i = first; i < d->len; i++) {
        const struct diag_msg *m = &d->msgs[i];
        if (m->level != DIAG_WARNING)
            continue;
        buf_printf(&b, "warning\t%u\t%u\t", m->line, m->col);
        put_field(&b, m->path ? m->path : ""); /* no path: empty, which no file's path is */
        buf_putc(&b, '\t');
        put_field(&b, m->text);
        buf_putc(&b, '\n');
    }
    pthread_mutex_unlock(&d->lock);
    return buf_detach(&b, NULL);
}

/* Reads one field up to a tab or the line's end, undoing put_field. Returns where it stopped,
 * or NULL for a bad escape. */
static const char *get_field(const char *p, const char *end, struct buf *out)
{
    while (p < end && *p != '\t' && *p != '\n') {
        if (*p != '\\') {
            buf_putc(out, *p++);
            continue;
        }
        if (++p == end)
            return NULL;
        char c = *p++;
        if (c == '\\')
            buf_putc(out, '\\');
        else if (c == 't')
            buf_putc(out, '\t');
        else if (c == 'n')
            buf_putc(out, '\n');
        else
            return NULL;
    }
    return p;
}

/* Reads digits and the tab after them. Returns where it stopped, or NULL. */
static const char *get_number(const char *p, const char *end, unsigned *out)
{
    unsigned long v = 0;
    const char *start = p;
    while (p < end && *p >= '0' && *p <= '9' && v <= 0xffffffffUL / 10)
        v = v * 10 + (unsigned long)(*p++ - '0');
    if (p == start || p == end || *p != '\t' || v > 0xffffffffUL)
        return NULL;
    *out = (unsigned)v;
    return p + 1;
}

int diag_load_warnings(struct diag *d, const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    struct diag read;
    diag_init(&read);
    struct buf path, msg;
    buf_init(&path);
    buf_init(&msg);
    int rc = 0;
    while (p < end && rc == 0) {
        unsigned line, col;
        buf_reset(&path);
        buf_reset(&msg);
        static const char tag[] = "warning\t";
        if ((size_t)(end - p) < sizeof tag - 1 || memcmp(p, tag, sizeof tag - 1) != 0 ||
            !(p = get_number(p + sizeof tag - 1, end, &line)) ||
            !(p = get_number(p, end, &col))) {
            rc = -1;
            break;
        }
        p = get_field(p, end, &path);
        if (!p || p == end || *p != '\t') {
            rc = -1;
            break;
        }
        p = get_field(p + 1, end, &msg);
        if (!p || p == end || *p != '\n') {
            rc = -1;
            break;
        }
        p++;
        diag_warning(&read, path.len ? path.data : NULL, line, col, "%s", msg.data ? msg.data : "");
    }
    for (size_t i = 0; rc == 0 && i < read.len; i++) {
        const struct diag_msg *m = &read.msgs[i];
        diag_warning(d, m->path, m->line, m->col, "%s", m->text);
    }
    buf_release(&path);
    buf_release(&msg);
    diag_release(&read);
    return rc;
}

void diag_forward(struct diag *to, const struct diag *from)
{
    for (size_t i = 0; i < from->len; i++) {
        const struct diag_msg *m = &from->msgs[i];
        if (m->kind == DIAG_IO)
            diag_io_error(to, m->path, "%s", m->text);
        else if (m->level == DIAG_ERROR)
            diag_error(to, m->path, m->line, m->col, "%s", m->text);
        else
            diag_warning(to, m->path, m->line, m->col, "%s", m->text);
    }
}
