#include "publish/manifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fs.h"
#include "core/xalloc.h"

/* The text, one line each:
 *     kairan-manifest 1
 *     build KEY ENTRIES PICTURES   the build's key and its two numbers, when it has a key
 *     output DEV INO               the output folder it describes
 *     spare DEV INO                the spare folder, when there is one
 *     f KEY INO SIZE MTIME REL     each file of the output
 *     d MTIME REL                  each folder of the output ("." for the output itself)
 *     s REL                        each file of the spare
 * A line counts only after the folder it belongs to was named and found to be the same. */
#define MANIFEST_HEADER "kairan-manifest 2\n"

struct manifest_record *manifest_table_find(const struct manifest_table *t, const char *rel)
{
    size_t i = strmap_find(&t->rels, rel, strlen(rel));
    return i == STRMAP_NONE ? NULL : &t->v[i];
}

size_t manifest_table_add(struct manifest_table *t, const char *rel)
{
    size_t i = strmap_add(&t->rels, rel, strlen(rel), NULL, NULL);
    XALLOC_GROW(t->v, i + 1, t->cap);
    memset(&t->v[i], 0, sizeof t->v[i]);
    t->v[i].rel = strmap_key(&t->rels, i);
    t->len = i + 1;
    return i;
}

void manifest_table_release(struct manifest_table *t)
{
    strmap_release(&t->rels);
    free(t->v);
    memset(t, 0, sizeof *t);
}

/* Reads 32 hex digits (as hash_hex writes them, hi first) followed by a space. */
static int parse_key(const char *hex, struct hash *out)
{
    uint64_t part[2] = {0, 0};
    for (int i = 0; i < 32; i++) {
        char c = hex[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0)
            return -1;
        part[i / 16] = part[i / 16] << 4 | (uint64_t)v;
    }
    out->hi = part[0];
    out->lo = part[1];
    return hex[32] == ' ' ? 0 : -1;
}

/* Reads a decimal number (with a '-' before it when sign) and the space after it, moving *p
 * past both. Returns 0, or -1 when there is no such number there. A manifest of a big site has
 * hundreds of thousands of lines: sscanf would take most of a build with nothing to do. */
static int take_number(const char **p, int sign, long long *out)
{
    const char *s = *p;
    int minus = sign && *s == '-';
    s += minus;
    if (*s < '0' || *s > '9')
        return -1;
    unsigned long long v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (unsigned long long)(*s++ - '0');
    if (*s != ' ')
        return -1;
    /* Negated as unsigned: no overflow for any digits (a damaged file may have too many). */
    *out = (long long)(minus ? 0ULL - v : v);
    *p = s + 1;
    return 0;
}

/* Adds rel to t unless it is there already: returns its record, or NULL when it was. */
static struct manifest_record *add_once(struct manifest_table *t, const char *rel)
{
    int added;
    size_t i = strmap_add(&t->rels, rel, strlen(rel), NULL, &added);
    if (!added)
        return NULL;
    XALLOC_GROW(t->v, i + 1, t->cap);
    memset(&t->v[i], 0, sizeof t->v[i]);
    t->v[i].rel = strmap_key(&t->rels, i);
    t->len = i + 1;
    return &t->v[i];
}

static int same_folder(struct manifest_folder f, unsigned long long dev, unsigned long long ino)
{
    return f.exists && f.dev == dev && f.ino == ino;
}

void manifest_parse(struct manifest *m, const char *text, size_t len, struct manifest_folder output,
                    struct manifest_folder spare)
{
    memset(m, 0, sizeof *m);
    m->spare = (struct strv)STRV_INIT;
    /* A copy to cut into lines. */
    char *copy = xmalloc(len + 1);
    if (len)
        memcpy(copy, text, len);
    copy[len] = '\0';
    char *line = copy, *end = copy + len;
    int header = len >= strlen(MANIFEST_HEADER) &&
                 strncmp(line, MANIFEST_HEADER, strlen(MANIFEST_HEADER)) == 0;
    int spare_ok = 0;
    while (header && line < end) {
        char *nl = memchr(line, '\n', (size_t)(end - line));
        if (!nl)
            break; /* a last line cut short */
        *nl = '\0';
        unsigned long long a, b;
        long long ino, size, t;
        struct hash key, sum;
        const char *p = line + 2;
        struct manifest_record *r;
        if ((line[0] == 'f' || line[0] == 'k') && line[1] == ' ') {
            /* The files first: nearly every line is one. */
            if (m->output_known && strlen(line) > 68 && parse_key(line + 2, &key) == 0 &&
                parse_key(line + 35, &sum) == 0 && (p = line + 68, take_number(&p, 0, &ino) == 0) &&
                take_number(&p, 0, &size) == 0 && take_number(&p, 1, &t) == 0 &&
                !fs_rel_problem(p) && (r = add_once(&m->files, p)) != NULL) {
                r->key = key;
                r->sum = sum;
                r->ino = (uint64_t)ino;
                r->size = (uint64_t)size;
                r->mtime = t;
                r->shared = line[0] == 'k' && spare_ok;
            }
        } else if (line[0] == 'd' && line[1] == ' ') {
            if (m->output_known && take_number(&p, 1, &t) == 0 &&
                (r = add_once(&m->dirs, p)) != NULL)
                r->mtime = t;
        } else if (line[0] == 's' && line[1] == ' ') {
            if (spare_ok && !fs_rel_problem(line + 2))
                strv_push(&m->spare, line + 2);
        } else if (strncmp(line, "build ", 6) == 0 && strlen(line) > 39 &&
                   parse_key(line + 6, &key) == 0 && sscanf(line + 39, "%llu %llu", &a, &b) == 2) {
            m->build = key;
            m->counts[0] = (unsigned long)a;
            m->counts[1] = (unsigned long)b;
        } else if (sscanf(line, "output %llu %llu", &a, &b) == 2) {
            m->output_known = same_folder(output, a, b);
        } else if (sscanf(line, "spare %llu %llu", &a, &b) == 2) {
            spare_ok = same_folder(spare, a, b);
        }
        line = nl + 1;
    }
    free(copy);
    if (!m->output_known || !manifest_table_find(&m->dirs, ".")) {
        m->output_known = 0;
        manifest_table_release(&m->files);
        manifest_table_release(&m->dirs);
    }
    m->spare_known = spare_ok && m->output_known;
    if (!m->spare_known) {
        strv_release(&m->spare);
        for (size_t i = 0; i < m->files.len; i++)
            m->files.v[i].shared = 0;
    }
}

void manifest_release(struct manifest *m)
{
    manifest_table_release(&m->files);
    manifest_table_release(&m->dirs);
    strv_release(&m->spare);
}

static int by_rel(const void *a, const void *b)
{
    return strcmp(((const struct manifest_record *)a)->rel,
                  ((const struct manifest_record *)b)->rel);
}

void manifest_format(struct buf *out, struct hash build, const unsigned long counts[2],
                     struct manifest_folder output, struct manifest_folder spare_folder,
                     struct manifest_table *files, const struct manifest_table *dirs,
                     const struct strv *spare)
{
    char hex[33];
    buf_puts(out, MANIFEST_HEADER);
    if (build.lo || build.hi)
        buf_printf(out, "build %s %lu %lu\n", hash_hex(build, hex), counts[0], counts[1]);
    buf_printf(out, "output %llu %llu\n", (unsigned long long)output.dev,
               (unsigned long long)output.ino);
    if (spare && spare_folder.exists)
        buf_printf(out, "spare %llu %llu\n", (unsigned long long)spare_folder.dev,
                   (unsigned long long)spare_folder.ino);
    qsort(files->v, files->len, sizeof *files->v, by_rel);
    for (size_t i = 0; i < files->len; i++) {
        const struct manifest_record *r = &files->v[i];
        char sum[33];
        buf_printf(out, "%c %s %s %llu %llu %lld %s\n", r->shared && spare ? 'k' : 'f',
                   hash_hex(r->key, hex), hash_hex(r->sum, sum),
                   (unsigned long long)r->ino, (unsigned long long)r->size, (long long)r->mtime,
                   r->rel);
    }
    for (size_t i = 0; i < dirs->len; i++)
        buf_printf(out, "d %lld %s\n", (long long)dirs->v[i].mtime, dirs->v[i].rel);
    for (size_t i = 0; spare && i < spare->len; i++)
        buf_printf(out, "s %s\n", spare->v[i]);
}
