#include "content/fmwrite.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/yamldoc.h"
#include "core/diag.h"
#include "core/xalloc.h"

/* How values are written: pretty (plain text where it reads back the same, | blocks for text
 * of several lines) or safe (every text in double quotes), the fallback should a pretty
 * form ever read back differently. */
enum style { PRETTY, SAFE };

/* ---- Scalars. ---- */

static int all_in(const char *s, const char *set)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!strchr(set, *s))
            return 0;
    return 1;
}

/* Digits, then optionally '.' and digits, then an exponent: the YAML 1.2 core schema's
 * numbers (without the sign, already taken). */
static int is_decimal(const char *s)
{
    int digits = 0;
    while (*s >= '0' && *s <= '9') {
        s++;
        digits++;
    }
    if (*s == '.') {
        s++;
        while (*s >= '0' && *s <= '9') {
            s++;
            digits++;
        }
    }
    if (!digits)
        return 0;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

/* Whether the core schema would read s, unquoted, as something other than text. */
static int resolves_to_non_text(const char *s)
{
    static const char *const words[] = {"null", "Null", "NULL", "~", "true", "True", "TRUE",
                                        "false", "False", "FALSE", ".nan", ".NaN", ".NAN", NULL};
    for (const char *const *w = words; *w; w++)
        if (strcmp(s, *w) == 0)
            return 1;
    if (strncmp(s, "0x", 2) == 0 && all_in(s + 2, "0123456789abcdefABCDEF"))
        return 1;
    if (strncmp(s, "0o", 2) == 0 && all_in(s + 2, "01234567"))
        return 1;
    const char *t = s + (*s == '+' || *s == '-');
    if (strcmp(t, ".inf") == 0 || strcmp(t, ".Inf") == 0 || strcmp(t, ".INF") == 0)
        return 1;
    return is_decimal(t);
}

/* Whether s can be written without quotes as the value of a field or list item. */
static int plain_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || s[0] == ' ' || s[n - 1] == ' ' || s[n - 1] == ':')
        return 0;
    if (strchr("-?:,[]{}#&*!|>'\"%@`", s[0]))
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return 0;
        if ((*p == ':' && p[1] == ' ') || (*p == ' ' && p[1] == '#'))
            return 0;
    }
    /* U+2028, U+2029 and U+0085 are line breaks to some readers. */
    if (strstr(s, "\xe2\x80\xa8") || strstr(s, "\xe2\x80\xa9") || strstr(s, "\xc2\x85"))
        return 0;
    return !resolves_to_non_text(s);
}

static void quoted(struct buf *out, const char *s)
{
    buf_putc(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            buf_puts(out, "\\\"");
            break;
        case '\\':
            buf_puts(out, "\\\\");
            break;
        case '\n':
            buf_puts(out, "\\n");
            break;
        case '\t':
            buf_puts(out, "\\t");
            break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                buf_printf(out, "\\x%02x", *p);
            else
                buf_putc(out, (char)*p);
        }
    }
    buf_putc(out, '"');
}

void fmwrite_scalar(struct buf *out, const char *value)
{
    if (plain_ok(value))
        buf_puts(out, value);
    else
        quoted(out, value);
}

/* Whether s (text of several lines) can be a literal block (|): no line starts with a space
 * where the first does (the indentation is read from it), no control characters but line
 * breaks, no trailing spaces, and at most one line break at the end. */
static int block_ok(const char *s)
{
    size_t n = strlen(s);
    if (!strchr(s, '\n') || s[0] == ' ' || s[0] == '\n' || (n >= 2 && s[n - 1] == '\n' &&
                                                           s[n - 2] == '\n'))
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
            return 0;
        if (*p == ' ' && (p[1] == '\n' || p[1] == '\0'))
            return 0;
    }
    return !(strstr(s, "\xe2\x80\xa8") || strstr(s, "\xe2\x80\xa9") || strstr(s, "\xc2\x85"));
}

static void indent(struct buf *out, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        buf_putc(out, ' ');
}

/* Writes a text value after "key:" or "-" (the space before it included); ind is the column
 * of that key. */
static void text_value(struct buf *out, const char *s, unsigned ind, enum style st)
{
    if (st == PRETTY && block_ok(s)) {
        size_t n = strlen(s);
        buf_puts(out, s[n - 1] == '\n' ? " |\n" : " |-\n");
        for (const char *line = s; *line;) {
            const char *end = strchr(line, '\n');
            size_t len = end ? (size_t)(end - line) : strlen(line);
            if (len) {
                indent(out, ind + 2);
                buf_add(out, line, len);
            }
            buf_putc(out, '\n');
            if (!end)
                break;
            line = end + 1;
        }
        return;
    }
    buf_putc(out, ' ');
    if (st == PRETTY)
        fmwrite_scalar(out, s);
    else
        quoted(out, s);
    buf_putc(out, '\n');
}

static int key_plain(const char *k)
{
    if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || *k == '_'))
        return 0;
    return all_in(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") &&
           !resolves_to_non_text(k);
}

static void key_text(struct buf *out, const char *k)
{
    if (key_plain(k))
        buf_puts(out, k);
    else
        quoted(out, k);
}

static int value(struct buf *out, const json_t *v, unsigned ind, enum style st);

/* The items of a list, each "- " at column ind. */
static int items(struct buf *out, const json_t *list, unsigned ind, enum style st)
{
    size_t i;
    const json_t *item;
    json_array_foreach(list, i, item) {
        indent(out, ind);
        buf_putc(out, '-');
        if (json_is_object(item) && json_object_size(item)) {
            /* The first field on the dash's line, the others lined up with it. */
            const char *k;
            const json_t *f;
            int first = 1;
            json_object_foreach((json_t *)item, k, f) {
                if (json_is_null(f))
                    continue;
                if (first)
                    buf_putc(out, ' ');
                else
                    indent(out, ind + 2);
                first = 0;
                key_text(out, k);
                buf_putc(out, ':');
                if (value(out, f, ind + 2, st) != 0)
                    return -1;
            }
            if (first)
                buf_puts(out, " {}\n");
        } else if (value(out, item, ind, st) != 0) {
            return -1;
        }
    }
    return 0;
}

/* Writes v after "key:" or "-" (which sit at column ind), ending the line(s). */
static int value(struct buf *out, const json_t *v, unsigned ind, enum style st)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        if (memchr(json_string_value(v), '\0', json_string_length(v)))
            return -1;
        text_value(out, json_string_value(v), ind, st);
        return 0;
    case JSON_INTEGER:
        buf_printf(out, " %" JSON_INTEGER_FORMAT "\n", json_integer_value(v));
        return 0;
    case JSON_REAL: {
        double x = json_real_value(v);
        if (!isfinite(x))
            return -1;
        char num[40];
        snprintf(num, sizeof num, "%.17g", x);
        buf_printf(out, " %s%s\n", num, strpbrk(num, ".e") ? "" : ".0");
        return 0;
    }
    case JSON_TRUE:
        buf_puts(out, " true\n");
        return 0;
    case JSON_FALSE:
        buf_puts(out, " false\n");
        return 0;
    case JSON_NULL:
        buf_putc(out, '\n');
        return 0;
    case JSON_ARRAY:
        if (!json_array_size(v)) {
            buf_puts(out, " []\n");
            return 0;
        }
        buf_putc(out, '\n');
        return items(out, v, ind + 2, st);
    case JSON_OBJECT: {
        const char *k;
        const json_t *f;
        size_t written = 0;
        json_object_foreach((json_t *)v, k, f) {
            if (json_is_null(f))
                continue;
            if (!written++)
                buf_putc(out, '\n');
            indent(out, ind + 2);
            key_text(out, k);
            buf_putc(out, ':');
            if (value(out, f, ind + 2, st) != 0)
                return -1;
        }
        if (!written)
            buf_puts(out, " {}\n");
        return 0;
    }
    }
    return -1;
}

/* ---- The old file's fields, as written. ---- */

struct block {
    char *key;
    const char *lead; /* comment and blank lines above the field */
    size_t lead_len;
    const char *text; /* the field's own lines */
    size_t len;
};

struct old_file {
    json_t *root;
    struct block *blocks;
    size_t n;
    const char *head, *tail; /* lines before the first field and after the last one's value */
    size_t head_len, tail_len;
};

static int line_is(const char *line, size_t len, int (*pred)(char))
{
    return len > 0 && pred(line[0]);
}

static int continues(char c)
{
    return c == ' ' || c == '-';
}

static int starts_comment(const char *line, size_t len)
{
    size_t i = 0;
    while (i < len && line[i] == ' ')
        i++;
    return i == len || line[i] == '#';
}

/* The top-level key a line at column 0 starts, or NULL: name up to ':' and a space or the
 * end. Returns a new string. */
static char *top_key(const char *line, size_t len)
{
    size_t i = 0;
    while (i < len && line[i] != ':' && line[i] != ' ' && line[i] != '"' && line[i] != '\'')
        i++;
    if (i == 0 || i >= len || line[i] != ':' || (i + 1 < len && line[i + 1] != ' '))
        return NULL;
    return xstrndup(line, i);
}

static void old_release(struct old_file *o)
{
    for (size_t i = 0; i < o->n; i++)
        free(o->blocks[i].key);
    free(o->blocks);
    json_decref(o->root);
    memset(o, 0, sizeof *o);
}

/* Splits the old front matter into its fields' lines. Returns 0, or -1 when it cannot be read
 * or split (nothing of it is kept then). */
static int old_read(struct old_file *o, const char *text, size_t len)
{
    memset(o, 0, sizeof *o);
    if (!text || text[len ? len - 1 : 0] != '\n')
        return len ? -1 : 0;
    struct diag quiet;
    diag_init(&quiet);
    struct yamldoc doc;
    int rc = yamldoc_parse(&quiet, "old", text, len, 1, &doc);
    diag_release(&quiet);
    if (rc != 0)
        return -1;
    o->root = json_incref(doc.root);
    yamldoc_release(&doc);

    size_t cap = 0;
    const char *pending = text; /* start of comment lines not yet given to a field */
    o->head = text;
    for (const char *line = text; line < text + len;) {
        const char *end = memchr(line, '\n', (size_t)(text + len - line));
        size_t n = (size_t)(end - line);
        char *key = NULL;
        if (starts_comment(line, n)) {
            /* belongs to what follows */
        } else if (line_is(line, n, continues) && o->n) {
            struct block *b = &o->blocks[o->n - 1];
            b->len = (size_t)(end + 1 - b->text);
            pending = end + 1;
        } else if ((key = top_key(line, n)) != NULL) {
            if (o->n == cap) {
                cap = cap ? cap * 2 : 16;
                o->blocks = xrealloc(o->blocks, cap * sizeof *o->blocks);
            }
            if (!o->n)
                o->head_len = (size_t)(pending - text);
            struct block *b = &o->blocks[o->n++];
            b->key = key;
            b->lead = o->n == 1 ? line : pending;
            b->lead_len = (size_t)(line - b->lead);
            b->text = line;
            b->len = n + 1;
            pending = end + 1;
        } else {
            old_release(o);
            return -1;
        }
        line = end + 1;
    }
    if (!o->n)
        o->head_len = len;
    o->tail = pending;
    o->tail_len = (size_t)(text + len - pending);
    /* A comment line before the first field stays at the top, not with that field. */
    if (o->n) {
        o->head_len = (size_t)(o->blocks[0].text - text);
        o->blocks[0].lead = o->blocks[0].text;
        o->blocks[0].lead_len = 0;
    }
    return 0;
}

static const struct block *old_block(const struct old_file *o, const char *key)
{
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->blocks[i].key, key) == 0)
            return &o->blocks[i];
    return NULL;
}

/* Only the comment lines of lead (blank lines too), for a field written anew. */
static void lead_comments(struct buf *out, const struct block *b)
{
    buf_add(out, b->lead, b->lead_len);
}

/* ---- The order. ---- */

static size_t rank(const char *const *order, const char *key)
{
    size_t i = 0;
    for (; order && order[i]; i++)
        if (strcmp(order[i], key) == 0)
            return i;
    return (size_t)-1 / 2 + 1; /* after every named field, in their own order */
}

/* The keys of fields to write, in order: the old file's order for the fields it had, each new
 * field after the last one written that comes before it in order. Returns a new array of
 * borrowed keys (*n of them); the caller frees the array. */
static const char **key_order(const json_t *fields, const char *const *order,
                              const struct old_file *o, size_t *n)
{
    size_t cap = json_object_size(fields) + 1;
    const char **keys = xcalloc(cap, sizeof *keys);
    size_t len = 0;
    for (size_t i = 0; i < o->n; i++) {
        json_t *v = json_object_get(fields, o->blocks[i].key);
        if (v && !json_is_null(v))
            keys[len++] = json_object_iter_key(json_object_iter_at((json_t *)fields,
                                                                   o->blocks[i].key));
    }
    /* The new ones, by rank (a stable insertion sort keeps fields' own order among equals). */
    const char **fresh = xcalloc(cap, sizeof *fresh);
    size_t nf = 0;
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)fields, k, v) {
        if (json_is_null(v) || (o->n && old_block(o, k)))
            continue;
        size_t at = nf;
        while (at > 0 && rank(order, fresh[at - 1]) > rank(order, k)) {
            fresh[at] = fresh[at - 1];
            at--;
        }
        fresh[at] = k;
        nf++;
    }
    for (size_t i = 0; i < nf; i++) {
        size_t r = rank(order, fresh[i]);
        size_t at = 0; /* after the last key ranked at or before it */
        for (size_t j = 0; j < len; j++)
            if (rank(order, keys[j]) <= r)
                at = j + 1;
        memmove(keys + at + 1, keys + at, (len - at) * sizeof *keys);
        keys[at] = fresh[i];
        len++;
    }
    free(fresh);
    *n = len;
    return keys;
}

/* ---- The file. ---- */

/* fields without its null values (at any depth in objects), as written files hold them. */
static json_t *without_nulls(const json_t *v)
{
    if (json_is_object(v)) {
        json_t *o = json_object();
        const char *k;
        const json_t *f;
        json_object_foreach((json_t *)v, k, f) {
            if (!json_is_null(f))
                json_object_set_new(o, k, without_nulls(f));
        }
        return o;
    }
    if (json_is_array(v)) {
        json_t *a = json_array();
        size_t i;
        const json_t *item;
        json_array_foreach(v, i, item) json_array_append_new(a, without_nulls(item));
        return a;
    }
    return json_deep_copy(v);
}

/* Writes the front matter (without the --- lines); keep: reuse the old lines of unchanged
 * fields. Returns 0, or -1 for a value that cannot be written. */
static int yaml_text(struct buf *out, const json_t *fields, const struct fmwrite_options *opt,
                     const struct old_file *o, int keep, enum style st)
{
    static const struct old_file none;
    const struct old_file *use = keep ? o : &none;
    if (keep)
        buf_add(out, o->head, o->head_len);
    size_t n;
    const char **keys = key_order(fields, opt->order, use, &n);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const json_t *v = json_object_get(fields, keys[i]);
        const struct block *b = old_block(use, keys[i]);
        json_t *clean = without_nulls(v);
        if (b && json_equal(json_object_get(use->root, keys[i]), clean)) {
            buf_add(out, b->lead, b->lead_len);
            buf_add(out, b->text, b->len);
        } else {
            if (b)
                lead_comments(out, b);
            key_text(out, keys[i]);
            buf_putc(out, ':');
            rc = value(out, v, 0, st);
        }
        json_decref(clean);
    }
    free(keys);
    if (keep && rc == 0)
        buf_add(out, o->tail, o->tail_len);
    return rc;
}

/* Whether yaml reads back as want. */
static int reads_back(const char *yaml, size_t len, const json_t *want)
{
    struct diag quiet;
    diag_init(&quiet);
    struct yamldoc doc;
    int ok = 0;
    if (yamldoc_parse(&quiet, "written", yaml, len, 1, &doc) == 0) {
        ok = json_equal(doc.root, want);
        yamldoc_release(&doc);
    }
    diag_release(&quiet);
    return ok;
}

int fmwrite_entry(struct buf *out, const json_t *fields, const char *body,
                  const struct fmwrite_options *opt)
{
    struct old_file old;
    int have_old = old_read(&old, opt->old_yaml, opt->old_len) == 0 && old.root;
    json_t *want = without_nulls(fields);
    struct buf yaml;
    buf_init(&yaml);
    int ok = 0;
    /* The nicest form first; each next one gives up something should the one before not read
     * back the same. */
    static const struct {
        int keep;
        enum style st;
    } tries[] = {{1, PRETTY}, {0, PRETTY}, {0, SAFE}};
    for (size_t t = 0; !ok && t < sizeof tries / sizeof *tries; t++) {
        if (tries[t].keep && !have_old)
            continue;
        buf_reset(&yaml);
        if (yaml_text(&yaml, fields, opt, &old, tries[t].keep, tries[t].st) != 0)
            break;
        ok = reads_back(yaml.data ? yaml.data : "", yaml.len, want);
    }
    if (ok) {
        buf_puts(out, "---\n");
        buf_add(out, yaml.data, yaml.len);
        buf_puts(out, "---\n");
        if (body)
            buf_puts(out, body);
    }
    buf_release(&yaml);
    json_decref(want);
    if (have_old)
        old_release(&old);
    return ok ? 0 : -1;
}
