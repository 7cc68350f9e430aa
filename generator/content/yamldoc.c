#include "content/yamldoc.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/buf.h"
#include "core/fs.h"
#include "core/intl.h"
#include "core/strmap.h"
#include "core/text.h"
#include "core/xalloc.h"

#define NONE SIZE_MAX
#define STD_TAG "tag:yaml.org,2002:"
/* After this many problems in one file the rest are mostly echoes of the first ones. */
#define MAX_ERRORS 50

/* The index: one entry per path, numbered as the map of paths numbers them. */

struct entry {
    size_t raw; /* offset in strings of the text as written, or NONE */
    struct yamldoc_pos key, value;
};

struct yamldoc_index {
    struct strmap paths; /* every path; entry i belongs to the path numbered i */
    struct buf strings;  /* every raw text, each NUL-terminated */
    struct entry *entries;
    size_t cap;
};

static size_t index_find(const struct yamldoc_index *ix, const char *path, size_t n)
{
    return ix ? strmap_find(&ix->paths, path, n) : NONE;
}

/* Adds an entry for path and returns it, or returns NULL if path already has one (the first
 * wins: a duplicate key is reported against the first). */
static struct entry *index_add(struct yamldoc_index *ix, const char *path, size_t n)
{
    int added;
    size_t i = strmap_add(&ix->paths, path, n, NULL, &added);
    if (!added)
        return NULL;
    XALLOC_GROW(ix->entries, i + 1, ix->cap);
    struct entry *en = &ix->entries[i];
    en->raw = NONE;
    return en;
}

static void index_free(struct yamldoc_index *ix)
{
    if (!ix)
        return;
    strmap_release(&ix->paths);
    buf_release(&ix->strings);
    free(ix->entries);
    free(ix);
}

/* The parser: libyaml's events build the tree with an explicit stack, so nesting depth costs
 * heap, never C stack. A container is attached to its parent when it ends. */

struct frame {
    json_t *value; /* owned until the frame ends */
    int is_map;
    int is_key;   /* a list or block written where a field name belongs: dropped at its end */
    int want_key; /* map: the next node is a field name */
    char *key;    /* map: the pending field name (owned); NULL drops the pending value */
    struct yamldoc_pos key_pos;
    size_t index;    /* list: the number of the next item */
    size_t path_len; /* length of this container's path in parser.path */
    char *anchor;    /* owned, or NULL */
    struct yamldoc_pos pos;
    size_t nodes, bytes, height; /* the size of this subtree, for alias budgets */
};

struct anchor {
    json_t *value; /* owned; NULL while its block is still open or when the value was bad */
    size_t nodes, bytes, height;
};

struct parser {
    struct diag *d;
    const char *file;
    const char *text;
    size_t len;
    unsigned first_line;
    struct yamldoc_index *ix;
    struct frame *stack;
    size_t depth, cap;
    struct buf path; /* the path of the node being read */
    json_t *root;
    struct yamldoc_pos root_pos;
    json_t *anchor_names; /* name -> index in anchors */
    struct anchor *anchors;
    size_t nanchors, anchors_cap;
    size_t nodes, alias_nodes, alias_bytes;
    int documents;
    int errors;
    int stop; /* set after a problem that makes the rest of the file unreadable */
};

static struct yamldoc_pos pos_of(const struct parser *p, yaml_mark_t m)
{
    struct yamldoc_pos pos = {(unsigned)m.line + p->first_line, (unsigned)m.column + 1};
    return pos;
}

static void report(struct parser *p, struct yamldoc_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report(struct parser *p, struct yamldoc_pos pos, const char *fmt, ...)
{
    if (p->stop)
        return;
    if (++p->errors > MAX_ERRORS) {
        diag_error(p->d, p->file, pos.line, pos.col,
                   _("there are too many problems in this file: fix the ones above first"));
        p->stop = 1;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(p->d, DIAG_ERROR, DIAG_INPUT, p->file, pos.line, pos.col, fmt, ap);
    va_end(ap);
}

/* A short, quoted rendering of a value for a message: long values are cut at a character
 * boundary, so a 20 MB scalar does not become a 20 MB message. */
static char *shown(const char *s, size_t n)
{
    size_t cut = n;
    const char *nl = memchr(s, '\n', n);
    if (nl)
        cut = (size_t)(nl - s);
    if (cut > 40) {
        cut = 40;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
    }
    return xasprintf("'%.*s%s'", (int)cut, s, cut < n ? "..." : "");
}

static struct frame *top(struct parser *p)
{
    return p->depth ? &p->stack[p->depth - 1] : NULL;
}

/* Extends parser.path with the segment of the node about to be read, and registers it. */
static struct entry *enter(struct parser *p, struct yamldoc_pos pos)
{
    struct frame *f = top(p);
    if (f) {
        if (f->path_len)
            buf_putc(&p->path, '.');
        if (f->is_map)
            buf_puts(&p->path, f->key ? f->key : "");
        else
            buf_printf(&p->path, "%zu", f->index);
    }
    struct entry *en = index_add(p->ix, p->path.data, p->path.len);
    if (en) {
        en->key = f && f->is_map ? f->key_pos : pos;
        en->value = pos;
    }
    return en;
}

static void define_anchor(struct parser *p, const char *name, json_t *value, size_t nodes,
                          size_t bytes, size_t height)
{
    json_t *slot = json_object_get(p->anchor_names, name);
    struct anchor *a;
    if (slot) {
        a = &p->anchors[json_integer_value(slot)];
        json_decref(a->value);
    } else {
        XALLOC_GROW(p->anchors, p->nanchors + 1, p->anchors_cap);
        json_object_set_new(p->anchor_names, name, json_integer((json_int_t)p->nanchors));
        a = &p->anchors[p->nanchors++];
    }
    a->value = json_incref(value);
    a->nodes = nodes;
    a->bytes = bytes;
    a->height = height;
}

/* Hands a finished node (owned; NULL after a reported problem) to its parent. */
static void leave(struct parser *p, json_t *value, struct yamldoc_pos pos, const char *anchor,
                  size_t nodes, size_t bytes, size_t height)
{
    struct frame *f = top(p);
    buf_truncate(&p->path, f ? f->path_len : 0);
    if (!value)
        value = json_null();
    if (anchor)
        define_anchor(p, anchor, value, nodes, bytes, height);
    if (!f) {
        json_decref(p->root);
        p->root = value;
        p->root_pos = pos;
        return;
    }
    if (f->is_map) {
        if (f->key)
            json_object_set_new(f->value, f->key, value);
        else
            json_decref(value);
        free(f->key);
        f->key = NULL;
        f->want_key = 1;
    } else {
        json_array_append_new(f->value, value);
        f->index++;
    }
    f->nodes += nodes;
    f->bytes += bytes;
    if (height + 1 > f->height)
        f->height = height + 1;
}

/* The YAML 1.2 core schema: what a plain scalar's text makes it. */

enum kind { K_STR, K_NULL, K_BOOL, K_INT, K_FLOAT, K_INF, K_NAN };

static int is_digit(char c, int base)
{
    if (base == 8)
        return c >= '0' && c <= '7';
    if (base == 16 && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
        return 1;
    return c >= '0' && c <= '9';
}

static int is_digits(const char *s, size_t n, int base)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i], base))
            return 0;
    return 1;
}

static int one_of(const char *s, size_t n, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == n && memcmp(*words, s, n) == 0)
            return 1;
    return 0;
}

static int is_float(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    size_t int_digits = 0, frac_digits = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++, int_digits++;
    int dot = i < n && s[i] == '.';
    if (dot) {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++, frac_digits++;
    }
    /* [0-9]+(\.[0-9]*)? or \.[0-9]+ */
    if (int_digits == 0 && frac_digits == 0)
        return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+'))
            i++;
        size_t exp_digits = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++, exp_digits++;
        if (exp_digits == 0)
            return 0;
    }
    return i == n;
}

static enum kind classify(const char *s, size_t n)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
    static const char *const bools[] = {"true", "True", "TRUE", "false", "False", "FALSE", NULL};
    static const char *const infs[] = {".inf", ".Inf", ".INF", NULL};
    static const char *const nans[] = {".nan", ".NaN", ".NAN", NULL};
    if (one_of(s, n, nulls))
        return K_NULL;
    if (one_of(s, n, bools))
        return K_BOOL;
    if (n > 2 && s[0] == '0' && s[1] == 'o' && is_digits(s + 2, n - 2, 8))
        return K_INT;
    if (n > 2 && s[0] == '0' && s[1] == 'x' && is_digits(s + 2, n - 2, 16))
        return K_INT;
    size_t sign = n > 0 && (s[0] == '-' || s[0] == '+');
    if (is_digits(s + sign, n - sign, 10))
        return K_INT;
    if (is_float(s, n))
        return K_FLOAT;
    if (one_of(s + sign, n - sign, infs))
        return K_INF;
    if (!sign && one_of(s, n, nans))
        return K_NAN;
    return K_STR;
}

/* Reads an integer that classify() accepted; returns -1 if it does not fit in 64 bits. */
static int parse_int(const char *s, size_t n, json_int_t *out)
{
    int base = 10, neg = 0;
    size_t i = 0;
    if (n > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
        base = s[1] == 'o' ? 8 : 16;
        i = 2;
    } else if (s[0] == '-' || s[0] == '+') {
        neg = s[0] == '-';
        i = 1;
    }
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, v = 0;
    for (; i < n; i++) {
        char c = s[i];
        unsigned dv = c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
        if (v > (limit - dv) / (unsigned)base)
            return -1;
        v = v * (unsigned)base + dv;
    }
    if (neg)
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(json_int_t)v;
    else
        *out = (json_int_t)v;
    return 0;
}

/* Makes the jansson value of a plain scalar of the given kind, or reports why it cannot. */
static json_t *typed_value(struct parser *p, enum kind k, const char *s, size_t n,
                           struct yamldoc_pos pos)
{
    json_int_t iv;
    char *show;
    switch (k) {
    case K_NULL:
        return json_null();
    case K_BOOL:
        return json_boolean(s[0] == 't' || s[0] == 'T');
    case K_INT:
        if (parse_int(s, n, &iv) == 0)
            return json_integer(iv);
        show = shown(s, n);
        report(p, pos,
               _("%s is too large a number (the largest is 9223372036854775807); if it is not a "
                 "number but a code or ID, put it in quotes"),
               show);
        free(show);
        return NULL;
    case K_FLOAT: {
        char *z = xstrndup(s, n);
        double v = strtod(z, NULL);
        free(z);
        if (isfinite(v))
            return json_real(v);
        show = shown(s, n);
        report(p, pos, _("%s is too large a number; if it is not a number, put it in quotes"),
               show);
        free(show);
        return NULL;
    }
    case K_INF:
    case K_NAN:
        show = shown(s, n);
        if (k == K_INF)
            report(p, pos,
                   _("%s (infinity) cannot be used as a value; if you mean the text, put it in "
                     "quotes"),
                   show);
        else
            report(p, pos,
                   _("%s (not a number) cannot be used as a value; if you mean the text, put it in "
                     "quotes"),
                   show);
        free(show);
        return NULL;
    case K_STR:
        break;
    }
    return json_stringn(s, n);
}

/* How a tag is shown to the editor: !!int for the standard ones, as written otherwise. */
static char *tag_name(const char *tag)
{
    if (strncmp(tag, STD_TAG, strlen(STD_TAG)) == 0)
        return xasprintf("!!%s", tag + strlen(STD_TAG));
    return xstrdup(tag);
}

static void report_tag(struct parser *p, const char *tag, struct yamldoc_pos pos)
{
    char *name = tag_name(tag);
    if (name[0] == '!' && name[1] == '!')
        report(p, pos,
               _("the tag %s is not supported here; use !!str, !!int, !!float, !!bool or !!null, "
                 "or remove it"),
               name);
    else
        report(p, pos,
               _("'%s' is read as a YAML tag; if the ! is part of the text, put the whole value in "
                 "quotes"),
               name);
    free(name);
}

static json_t *scalar_value(struct parser *p, const yaml_event_t *e, struct yamldoc_pos pos,
                            int *plain_typed)
{
    const char *s = (const char *)e->data.scalar.value;
    size_t n = e->data.scalar.length;
    const char *tag = (const char *)e->data.scalar.tag;
    int plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    *plain_typed = 0;
    if (memchr(s, '\0', n)) {
        report(p, pos, _("this text contains a NUL character (written \\0), which is not allowed"));
        return NULL;
    }
    if (!tag) {
        if (!plain)
            return json_stringn(s, n);
        enum kind k = classify(s, n);
        *plain_typed = k != K_STR;
        return typed_value(p, k, s, n, pos);
    }
    if (strcmp(tag, "!") == 0 || strcmp(tag, STD_TAG "str") == 0)
        return json_stringn(s, n);
    static const struct {
        const char *tag, *expected;
    } tags[] = {{STD_TAG "int", N_("a whole number")},
                {STD_TAG "float", N_("a number")},
                {STD_TAG "bool", N_("true or false")},
                {STD_TAG "null", N_("empty")}};
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        if (strcmp(tag, tags[i].tag) != 0)
            continue;
        enum kind k = classify(s, n);
        int ok = (i == 0 && k == K_INT) ||
                 (i == 1 && (k == K_INT || k == K_FLOAT || k == K_INF || k == K_NAN)) ||
                 (i == 2 && k == K_BOOL) || (i == 3 && k == K_NULL);
        if (!ok) {
            char *show = shown(s, n), *name = tag_name(tag);
            /* TRANSLATORS: the value, what its tag wants ("a whole number"), the tag. */
            report(p, pos, _("%s is not %s, but it is marked %s"), show, _(tags[i].expected),
                   name);
            free(show);
            free(name);
            return NULL;
        }
        json_t *v = typed_value(p, k, s, n, pos);
        if (v && i == 1 && json_is_integer(v)) {
            json_t *r = json_real((double)json_integer_value(v));
            json_decref(v);
            v = r;
        }
        return v;
    }
    report_tag(p, tag, pos);
    return NULL;
}

static int check_collection_tag(struct parser *p, const yaml_char_t *tag, const char *std,
                                struct yamldoc_pos pos)
{
    const char *t = (const char *)tag;
    if (!t || strcmp(t, "!") == 0 || strcmp(t, std) == 0)
        return 0;
    static const char *const known[] = {
        STD_TAG "str",  STD_TAG "int", STD_TAG "float", STD_TAG "bool",
        STD_TAG "null", STD_TAG "map", STD_TAG "seq",   NULL};
    if (one_of(t, strlen(t), known)) {
        char *name = tag_name(t);
        if (strcmp(std, STD_TAG "map") == 0)
            report(p, pos, _("the tag %s cannot be used on a block of fields"), name);
        else
            report(p, pos, _("the tag %s cannot be used on a list"), name);
        free(name);
    } else {
        report_tag(p, t, pos);
    }
    return -1;
}

/* Whether name is the anchor of a block that is still being read. */
static int anchor_is_open(const struct parser *p, const char *name)
{
    assert(p->stack); /* allocated by yamldoc_parse before any event */
    for (size_t i = 0; i < p->depth; i++)
        if (p->stack[i].anchor && strcmp(p->stack[i].anchor, name) == 0)
            return 1;
    return 0;
}

static int count_node(struct parser *p, size_t n, struct yamldoc_pos pos)
{
    p->nodes += n;
    if (p->nodes <= YAMLDOC_MAX_NODES)
        return 0;
    report(p, pos, _("this file holds too many values (more than %d)"), YAMLDOC_MAX_NODES);
    p->stop = 1;
    return -1;
}

static void on_key(struct parser *p, struct frame *f, const yaml_event_t *e)
{
    struct yamldoc_pos pos = pos_of(p, e->start_mark);
    const char *s = (const char *)e->data.scalar.value;
    size_t n = e->data.scalar.length;
    const char *tag = (const char *)e->data.scalar.tag;
    f->want_key = 0;
    f->key_pos = pos;
    if (tag && strcmp(tag, "!") != 0 && strcmp(tag, STD_TAG "str") != 0) {
        report_tag(p, tag, pos);
        return;
    }
    if (n == 0) {
        report(p, pos, _("this field has no name before its ':'"));
        return;
    }
    if (memchr(s, '\0', n)) {
        report(p, pos, _("this field name contains a NUL character (written \\0)"));
        return;
    }
    if (e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && strcmp(s, "<<") == 0) {
        report(p, pos,
               _("merging fields with '<<' is not supported; write the fields out in full"));
        return;
    }
    if (e->data.scalar.anchor) {
        json_t *k = json_stringn(s, n);
        define_anchor(p, (const char *)e->data.scalar.anchor, k, 1, n, 0);
        json_decref(k);
    }
    if (json_object_get(f->value, s)) {
        size_t saved = p->path.len;
        if (f->path_len)
            buf_putc(&p->path, '.');
        buf_puts(&p->path, s);
        size_t first = index_find(p->ix, p->path.data, p->path.len);
        buf_truncate(&p->path, saved);
        char *show = shown(s, n);
        if (first != NONE)
            report(p, pos, _("%s appears twice in this block (first on line %u)"), show,
                   p->ix->entries[first].key.line);
        else
            report(p, pos, _("%s appears twice in this block"), show);
        free(show);
        return; /* the value is read but dropped: the first one stays */
    }
    f->key = xstrndup(s, n);
}

static void on_scalar(struct parser *p, const yaml_event_t *e)
{
    struct frame *f = top(p);
    if (f && f->is_map && f->want_key) {
        on_key(p, f, e);
        return;
    }
    struct yamldoc_pos pos = pos_of(p, e->start_mark);
    if (count_node(p, 1, pos) != 0)
        return;
    int plain_typed;
    json_t *v = scalar_value(p, e, pos, &plain_typed);
    struct entry *en = enter(p, pos);
    if (en && plain_typed) {
        en->raw = p->ix->strings.len;
        buf_add(&p->ix->strings, e->data.scalar.value, e->data.scalar.length);
        buf_putc(&p->ix->strings, '\0');
    }
    leave(p, v, pos, (const char *)e->data.scalar.anchor, 1, e->data.scalar.length, 0);
}

/* Registers the positions of everything inside an alias's copy: all at the alias. */
static void enter_copy(struct parser *p, json_t *v, struct yamldoc_pos pos)
{
    size_t base = p->path.len;
    if (json_is_object(v)) {
        const char *k;
        json_t *c;
        json_object_foreach(v, k, c)
        {
            buf_truncate(&p->path, base);
            if (base)
                buf_putc(&p->path, '.');
            buf_puts(&p->path, k);
            struct entry *en = index_add(p->ix, p->path.data, p->path.len);
            if (en)
                en->key = en->value = pos;
            enter_copy(p, c, pos);
        }
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            buf_truncate(&p->path, base);
            if (base)
                buf_putc(&p->path, '.');
            buf_printf(&p->path, "%zu", i);
            struct entry *en = index_add(p->ix, p->path.data, p->path.len);
            if (en)
                en->key = en->value = pos;
            enter_copy(p, json_array_get(v, i), pos);
        }
    }
    buf_truncate(&p->path, base);
}

static void on_alias(struct parser *p, const yaml_event_t *e)
{
    struct yamldoc_pos pos = pos_of(p, e->start_mark);
    const char *name = (const char *)e->data.alias.anchor;
    struct frame *f = top(p);
    if (f && f->is_map && f->want_key) {
        report(p, pos, _("a field name cannot be an alias (*%s)"), name);
        f->want_key = 0;
        f->key_pos = pos;
        return;
    }
    json_t *slot = json_object_get(p->anchor_names, name);
    struct anchor *a = slot ? &p->anchors[json_integer_value(slot)] : NULL;
    if (anchor_is_open(p, name)) {
        report(p, pos, _("'*%s' is used inside the block it repeats (&%s), which would never end"),
               name, name);
        a = NULL;
    } else if (!a) {
        report(p, pos,
               _("'*%s' refers to an anchor &%s that is not defined above it; if the * is part of "
                 "the text, put the whole value in quotes"),
               name, name);
    } else if (p->alias_nodes + a->nodes > YAMLDOC_MAX_ALIAS_NODES ||
               p->alias_bytes + a->bytes > YAMLDOC_MAX_ALIAS_BYTES) {
        report(p, pos,
               _("the aliases (*name) in this file repeat too much (more than %d values or %u MB "
                 "of text); write the values out instead"),
               YAMLDOC_MAX_ALIAS_NODES, YAMLDOC_MAX_ALIAS_BYTES >> 20);
        p->stop = 1;
        return;
    } else if (p->depth + a->height > YAMLDOC_MAX_DEPTH) {
        report(p, pos, _("lists and fields are nested more than %d levels deep here"),
               YAMLDOC_MAX_DEPTH);
        p->stop = 1;
        return;
    }
    json_t *copy = NULL;
    size_t nodes = 1, bytes = 0, height = 0;
    if (a && a->value) {
        nodes = a->nodes;
        bytes = a->bytes;
        height = a->height;
        p->alias_nodes += nodes;
        p->alias_bytes += bytes;
        if (count_node(p, nodes, pos) != 0)
            return;
        copy = json_deep_copy(a->value);
    }
    enter(p, pos);
    if (copy)
        enter_copy(p, copy, pos);
    leave(p, copy, pos, NULL, nodes, bytes, height);
}

static void on_start(struct parser *p, const yaml_event_t *e, int is_map)
{
    struct yamldoc_pos pos = pos_of(p, e->start_mark);
    if (p->depth >= YAMLDOC_MAX_DEPTH) {
        report(p, pos, _("lists and fields are nested more than %d levels deep here"),
               YAMLDOC_MAX_DEPTH);
        p->stop = 1;
        return;
    }
    if (count_node(p, 1, pos) != 0)
        return;
    const yaml_char_t *tag = is_map ? e->data.mapping_start.tag : e->data.sequence_start.tag;
    const yaml_char_t *anchor =
        is_map ? e->data.mapping_start.anchor : e->data.sequence_start.anchor;
    check_collection_tag(p, tag, is_map ? STD_TAG "map" : STD_TAG "seq", pos);
    struct frame *parent = top(p);
    int is_key = parent && parent->is_map && parent->want_key;
    if (is_key) {
        if (is_map)
            report(p, pos, _("a field name must be a single word or text, not a block of fields"));
        else
            report(p, pos, _("a field name must be a single word or text, not a list"));
        parent->want_key = 0;
        parent->key_pos = pos;
    }
    enter(p, pos);
    assert(p->stack && p->cap > 0);
    XALLOC_GROW(p->stack, p->depth + 1, p->cap);
    struct frame *f = &p->stack[p->depth++];
    memset(f, 0, sizeof *f);
    f->value = is_map ? json_object() : json_array();
    f->is_map = is_map;
    f->is_key = is_key;
    f->want_key = is_map;
    f->path_len = p->path.len;
    f->anchor = anchor ? xstrdup((const char *)anchor) : NULL;
    f->pos = pos;
    f->nodes = 1;
    if (anchor)
        define_anchor(p, f->anchor, NULL, 0, 0, 0);
}

static void on_end(struct parser *p)
{
    struct frame f = p->stack[--p->depth];
    free(f.key);
    if (f.is_key) {
        buf_truncate(&p->path, top(p) ? top(p)->path_len : 0);
        json_decref(f.value);
    } else {
        leave(p, f.value, f.pos, f.anchor, f.nodes, f.bytes, f.height);
    }
    free(f.anchor);
}

/* libyaml's own errors, rewritten for editors. Marks are 0-based; text offsets are bytes. */

static size_t offset_of(const struct parser *p, yaml_mark_t m)
{
    size_t off = 0;
    for (size_t line = 0; line < m.line && off < p->len; line++) {
        const char *nl = memchr(p->text + off, '\n', p->len - off);
        off = nl ? (size_t)(nl - p->text) + 1 : p->len;
    }
    for (size_t col = 0; col < m.column && off < p->len && p->text[off] != '\n'; col++) {
        size_t k = text_utf8_len(p->text + off, p->len - off);
        off += k ? k : 1;
    }
    return off;
}

/* The first tab in the indentation of the mark's line, if any. */
static int find_indent_tab(const struct parser *p, yaml_mark_t m, struct yamldoc_pos *out)
{
    yaml_mark_t start = m;
    start.column = 0;
    size_t off = offset_of(p, start);
    for (unsigned col = 1; off < p->len && (p->text[off] == ' ' || p->text[off] == '\t');
         off++, col++) {
        if (p->text[off] == '\t') {
            out->line = (unsigned)m.line + p->first_line;
            out->col = col;
            return 1;
        }
    }
    return 0;
}

/* Whether the mark is at the first character of its line that is not a space. */
static int starts_line(const struct parser *p, yaml_mark_t m)
{
    yaml_mark_t start = m;
    start.column = 0;
    size_t off = offset_of(p, start), at = offset_of(p, m);
    while (off < at && p->text[off] == ' ')
        off++;
    return off == at;
}

/* Whether the ':' at the mark is the first ": " of its line (a field that is indented wrongly)
 * rather than a later one (a value that contains ": "). */
static int first_colon_of_line(const struct parser *p, yaml_mark_t m)
{
    yaml_mark_t start = m;
    start.column = 0;
    size_t off = offset_of(p, start), at = offset_of(p, m);
    for (; off < at; off++)
        if (p->text[off] == ':' && off + 1 < p->len &&
            (p->text[off + 1] == ' ' || p->text[off + 1] == '\t'))
            return 0;
    return 1;
}

/* Whether the last line before the mark's line that is neither blank nor a comment is the
 * document end marker "...". */
static int after_document_end(const struct parser *p, yaml_mark_t m)
{
    yaml_mark_t start = m;
    start.column = 0;
    size_t end = offset_of(p, start), last = 0, last_len = 0;
    for (size_t off = 0; off < end;) {
        const char *nl = memchr(p->text + off, '\n', end - off);
        size_t next = nl ? (size_t)(nl - p->text) + 1 : end, n = next - off;
        while (n > 0 && (p->text[off + n - 1] == '\n' || p->text[off + n - 1] == ' '))
            n--;
        if (n > 0 && p->text[off] != '#') {
            last = off;
            last_len = n;
        }
        off = next;
    }
    return last_len == 3 && memcmp(p->text + last, "...", 3) == 0;
}

static char char_at(const struct parser *p, yaml_mark_t m)
{
    size_t off = offset_of(p, m);
    return off < p->len ? p->text[off] : '\0';
}

static void report_reader_error(struct parser *p, const yaml_parser_t *yp)
{
    struct yamldoc_pos pos;
    size_t off = yp->problem_offset < p->len ? yp->problem_offset : p->len;
    text_position(p->text, off, p->first_line, &pos.line, &pos.col);
    if (strstr(yp->problem, "control characters") && yp->problem_value == 0)
        report(p, pos, _("this text contains a NUL byte (an invisible zero character); delete it"));
    else if (strstr(yp->problem, "control characters"))
        report(p, pos,
               _("this text contains an invisible control character (U+%04X) that YAML does not "
                 "allow; delete it"),
               (unsigned)yp->problem_value);
    else
        report(p, pos,
               _("the text here is not valid UTF-8: save the file as UTF-8, not Shift_JIS"));
}

static void report_syntax_error(struct parser *p, const yaml_parser_t *yp)
{
    if (yp->error == YAML_READER_ERROR) {
        report_reader_error(p, yp);
        return;
    }
    const char *problem = yp->problem ? yp->problem : "";
    const char *context = yp->context ? yp->context : "";
    yaml_mark_t pm = yp->problem_mark, cm = yp->context_mark;
    struct yamldoc_pos at = pos_of(p, pm), ctx = pos_of(p, cm), tab;
    char c = char_at(p, pm);

    if (strstr(problem, "tab character") || find_indent_tab(p, pm, &tab)) {
        if (!find_indent_tab(p, pm, &tab))
            tab = at;
        report(p, tab, _("tabs cannot be used to indent YAML; use spaces"));
    } else if (strstr(context, "quoted scalar") &&
               (strstr(problem, "end of stream") || strstr(problem, "document indicator"))) {
        report(p, ctx, _("this quoted text is never closed (missing %c)"), char_at(p, cm));
    } else if (strstr(problem, "unknown escape character")) {
        size_t off = offset_of(p, pm);
        char e = off + 1 < p->len ? p->text[off + 1] : '?';
        report(p, at,
               _("'\\%c' is not allowed between double quotes; write \\\\ for a backslash, or use "
                 "single quotes"),
               e);
    } else if (strstr(problem, "Unicode character escape") ||
               strstr(problem, "hexdecimal number")) {
        /* libyaml points into the code; the editor needs the backslash that starts it */
        size_t off = offset_of(p, pm);
        unsigned back = 0;
        while (off > 0 && p->text[off] != '\\' && p->text[off] != '\n')
            off--, back++;
        char e = off + 1 < p->len ? p->text[off + 1] : '?';
        if (p->text[off] == '\\' && back <= at.col - 1)
            at.col -= back;
        report(p, at,
               _("'\\%c' between double quotes must be followed by a character code; write \\\\ "
                 "for a backslash, or use single quotes"),
               e);
    } else if (strstr(problem, "mapping values are not allowed")) {
        if (first_colon_of_line(p, pm) && pm.column >= 1024) {
            report(p, at,
                   _("this field name is too long (YAML allows at most 1024 characters before the "
                     "':')"));
        } else if (first_colon_of_line(p, pm)) {
            yaml_mark_t s = pm;
            s.column = 0;
            size_t off = offset_of(p, s), col = 1;
            while (off < p->len && p->text[off] == ' ')
                off++, col++;
            struct yamldoc_pos line_start = {at.line, (unsigned)col};
            report(p, line_start, _("this line is indented differently from the lines around it"));
        } else {
            report(p, at,
                   _("this value contains ': ', which YAML reads as the start of a field; put the "
                     "whole value in quotes"));
        }
    } else if (strstr(problem, "could not find expected ':'")) {
        report(p, ctx,
               _("this line is not a field: write it as name: value, with a space after the "
                 "colon"));
    } else if (strstr(problem, "did not find expected key") ||
               strstr(problem, "did not find expected '-' indicator")) {
        if (c == ':')
            report(p, at, _("this field has no name before its ':'"));
        else if (c == ']' || c == '}')
            report(p, at, _("there is a '%c' here without a '%c' before it"), c,
                   c == ']' ? '[' : '{');
        else if (starts_line(p, pm))
            report(p, at, _("this line is indented differently from the lines around it"));
        else
            report(p, at,
                   _("unexpected text after the value; if it all belongs to the value, put the "
                     "whole value in quotes"));
    } else if (strstr(problem, "block sequence entries are not allowed")) {
        report(p, at,
               _("a list item (- ...) cannot start on the same line as its field name; put each "
                 "item on its own line below, indented"));
    } else if (strstr(problem, "expected ',' or ']'")) {
        report(p, ctx, _("this list is never closed: add ] after its last item"));
    } else if (strstr(problem, "expected ',' or '}'")) {
        report(p, ctx, _("these fields in { } are never closed: add } after the last one"));
    } else if (strstr(context, "anchor") || strstr(context, "alias") ||
               strstr(context, "scanning a tag")) {
        report(p, ctx,
               _("'%c' at the start of a value has a special meaning in YAML; put the whole value "
                 "in quotes"),
               char_at(p, cm));
    } else if (strstr(problem, "undefined tag handle")) {
        report(p, at,
               _("'!' at the start of a value has a special meaning in YAML; put the whole value "
                 "in quotes"));
    } else if (strstr(problem, "cannot start any token") && c) {
        report(p, at, _("'%c' cannot start a value in YAML; put the whole value in quotes"), c);
    } else if (strstr(problem, "comment or line break") && strstr(context, "block scalar")) {
        report(p, at,
               _("only a number, + or - may follow | or > on its line; start the text on the next "
                 "line"));
    } else if (strstr(problem, "comment or line break")) {
        report(p, at,
               _("unexpected text after the value; if it all belongs to the value, put the whole "
                 "value in quotes"));
    } else if (strstr(problem, "expected <document start>") && after_document_end(p, pm)) {
        report(p, at,
               _("the line ... above ends the YAML, so nothing may follow it; remove that line"));
    } else if (strstr(problem, "expected <document start>")) {
        report(p, at,
               _("unexpected text after the value; if it all belongs to the value, put the whole "
                 "value in quotes"));
    } else if (strstr(problem, "expected node content")) {
        report(p, at, _("a value is missing here"));
    } else if (strstr(problem, "incompatible YAML document")) {
        report(p, at,
               _("this file asks for a YAML version kairan cannot read; remove the %%YAML line"));
    } else {
        /* TRANSLATORS: libyaml's own English words about the problem. */
        report(p, at, _("this is not valid YAML here (%s%s%s)"), problem, *context ? " " : "",
               context);
    }
}

static void parser_release(struct parser *p)
{
    while (p->depth) {
        struct frame *f = &p->stack[--p->depth];
        json_decref(f->value);
        free(f->key);
        free(f->anchor);
    }
    free(p->stack);
    for (size_t i = 0; i < p->nanchors; i++)
        json_decref(p->anchors[i].value);
    free(p->anchors);
    json_decref(p->anchor_names);
    buf_release(&p->path);
}

void yamldoc_init(struct yamldoc *doc)
{
    doc->root = NULL;
    doc->index = NULL;
}

void yamldoc_release(struct yamldoc *doc)
{
    json_decref(doc->root);
    index_free(doc->index);
    yamldoc_init(doc);
}

int yamldoc_parse(struct diag *d, const char *path, const char *text, size_t len,
                  unsigned first_line, struct yamldoc *doc)
{
    yamldoc_init(doc);
    if (text_check(d, path, text, len, first_line) != 0)
        return -1;
    struct parser p;
    memset(&p, 0, sizeof p);
    p.d = d;
    p.file = path;
    p.text = text;
    p.len = len;
    p.first_line = first_line ? first_line : 1;
    p.cap = 16;
    p.stack = xmalloc(p.cap * sizeof *p.stack);
    p.ix = xcalloc(1, sizeof *p.ix);
    buf_init(&p.ix->strings);
    buf_init(&p.path);
    p.anchor_names = json_object();

    yaml_parser_t yp;
    yaml_parser_initialize(&yp);
    yaml_parser_set_input_string(&yp, (const unsigned char *)(text ? text : ""), len);
    yaml_parser_set_encoding(&yp, YAML_UTF8_ENCODING);
    while (!p.stop) {
        yaml_event_t e;
        if (!yaml_parser_parse(&yp, &e)) {
            report_syntax_error(&p, &yp);
            break;
        }
        int done = e.type == YAML_STREAM_END_EVENT;
        switch (e.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (p.documents++ > 0) {
                report(&p, pos_of(&p, e.start_mark),
                       _("a second YAML document starts here, but a file can hold only one: remove "
                         "this line or what follows it"));
                p.stop = 1;
            }
            break;
        case YAML_SCALAR_EVENT:
            on_scalar(&p, &e);
            break;
        case YAML_ALIAS_EVENT:
            on_alias(&p, &e);
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            on_start(&p, &e, e.type == YAML_MAPPING_START_EVENT);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            on_end(&p);
            break;
        default:
            break;
        }
        yaml_event_delete(&e);
        if (done)
            break;
    }
    yaml_parser_delete(&yp);

    if (p.errors == 0 && p.root && !json_is_object(p.root) && !json_is_null(p.root))
        report(&p, p.root_pos,
               json_is_array(p.root)
                   ? _("the top level must be fields written as name: value, one per line, but "
                       "here it is a list")
                   : _("the top level must be fields written as name: value, one per line, but "
                       "here it is a single value"));
    if (p.errors == 0 && (!p.root || json_is_null(p.root))) {
        json_decref(p.root);
        p.root = json_object();
        /* an empty document is where it starts, not where libyaml saw nothing */
        size_t i = index_find(p.ix, "", 0);
        struct entry *en = i == NONE ? index_add(p.ix, "", 0) : &p.ix->entries[i];
        en->key = en->value = (struct yamldoc_pos){p.first_line, 1};
    }
    parser_release(&p);
    if (p.errors) {
        json_decref(p.root);
        index_free(p.ix);
        return -1;
    }
    doc->root = p.root;
    doc->index = p.ix;
    return 0;
}

int yamldoc_load_file(struct diag *d, const char *path, struct yamldoc *doc)
{
    yamldoc_init(doc);
    struct buf text;
    buf_init(&text);
    int rc = fs_read_file(d, path, &text);
    if (rc == 0) {
        text_normalise(&text);
        rc = yamldoc_parse(d, path, text.data, text.len, 1, doc);
    }
    buf_release(&text);
    return rc;
}

static const struct entry *lookup(const struct yamldoc *doc, const char *path)
{
    size_t i = index_find(doc->index, path, strlen(path));
    return i == NONE ? NULL : &doc->index->entries[i];
}

int yamldoc_value_pos(const struct yamldoc *doc, const char *path, struct yamldoc_pos *out)
{
    const struct entry *en = lookup(doc, path);
    if (!en)
        return -1;
    *out = en->value;
    return 0;
}

int yamldoc_key_pos(const struct yamldoc *doc, const char *path, struct yamldoc_pos *out)
{
    const struct entry *en = lookup(doc, path);
    if (!en)
        return -1;
    *out = en->key;
    return 0;
}

const char *yamldoc_plain_text(const struct yamldoc *doc, const char *path)
{
    const struct entry *en = lookup(doc, path);
    return en && en->raw != NONE ? doc->index->strings.data + en->raw : NULL;
}
