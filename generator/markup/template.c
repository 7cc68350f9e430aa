#include "markup/template.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/intl.h"
#include "core/strmap.h"
#include "core/strv.h"
#include "core/xalloc.h"

/*
 * A template compiles in four passes over its source:
 *   scan       finds the tags (following {{=| |=}} delimiter changes) with their line:col;
 *   match      pairs every section, block and parent with its closing tag;
 *   standalone marks tags alone on their line, which take the whole line with them;
 *   build      writes the program: a flat array of ops where a section's body is the ops up to
 *              its `end`, so rendering is a loop with recursion only into bodies.
 * Indentation follows the spec's text model ("prepend the indentation to each line of the
 * partial") without re-parsing: every op that starts a source line carries a flag, and the
 * renderer writes the current indentation (a stack, as partials nest) before it. Standalone
 * blocks are dedented at compile time and re-indented where they are expanded.
 */

enum tag_kind {
    TAG_VAR,
    TAG_RAW,
    TAG_SECTION,
    TAG_INVERTED,
    TAG_CLOSE,
    TAG_COMMENT,
    TAG_DELIM,
    TAG_PARTIAL,
    TAG_DYNAMIC,
    TAG_PARENT,
    TAG_BLOCK,
};

struct tag {
    enum tag_kind kind;
    int standalone;      /* alone on its line: its indentation applies to what it expands */
    uint32_t start, end; /* the tag, delimiters included */
    uint32_t lo, hi;     /* the source it removes: the tag, or its whole line when standalone */
    uint32_t name, name_len;
    uint32_t line, col;
    uint32_t match; /* openers: index of the closing tag; closing tags: of the opener */
};

enum op_kind {
    OP_TEXT,
    OP_INDENT,
    OP_VAR,
    OP_RAW,
    OP_SECTION,
    OP_INVERTED,
    OP_PARTIAL,
    OP_DYNAMIC,
    OP_PARENT,
    OP_BLOCK,
};

struct op {
    unsigned char kind;
    unsigned char indent_first; /* OP_TEXT: the text starts a line; write the indentation first */
    uint32_t end;               /* sections, parents, blocks: the op after the body */
    uint32_t off, len;          /* OP_TEXT: the text; partials, parents, blocks: indentation */
    uint32_t key, nkeys;        /* names: first part in keys, number of parts (0 is {{.}}) */
    uint32_t ref;               /* OP_PARTIAL, OP_PARENT: index in refs */
    uint32_t name, name_len;    /* the name as written in src, for blocks and messages */
    uint32_t line, col;
};

/* Bits of template.seen, one byte per op: looked up, found, and how far a dotted name got in
 * its best lookup (bit SEEN_PARTS << (k - 1) once some lookup found its first k parts, k from 1
 * to SEEN_MAX_PARTS). */
enum { SEEN_LOOKED_UP = 1, SEEN_FOUND = 2, SEEN_PARTS = 4, SEEN_MAX_PARTS = 6 };

enum template_state { ST_PENDING, ST_OK, ST_FAILED, ST_MISSING };

struct ref {
    struct template *to;
    uint32_t op;
    int unconditional; /* outside any section or block: always expanded when the template is */
};

struct template {
    const char *name; /* the set's copy */
    char *path;
    size_t name_len;
    struct template_set *set;
    char *src;
    size_t src_len;
    struct op *ops;
    uint32_t nops;
    char *keys; /* the parts of dotted names: each a uint32_t length, the bytes and a NUL */
    struct ref *refs;
    size_t nrefs;
    /* Written by renders on any thread (relaxed atomics), read by the strict report. */
    _Atomic unsigned char *seen;
    enum template_state state;
    int mark; /* cycle check colour; load time only */
};

struct template_set {
    struct diag *d;
    template_load_fn load;
    void *userdata;
    int allow_missing;
    struct strv optional; /* names the data may leave out on every page (for --strict) */
    struct strmap names; /* name -> template, in the order first named; read-only while
                          * rendering */
    struct template **pending; /* named but not compiled yet */
    size_t npending, pending_cap;
};

/* ---- the set's names ---- */

/* The template first named i-th. */
static struct template *set_at(const struct template_set *s, size_t i)
{
    return strmap_value(&s->names, i);
}

static struct template *set_find(const struct template_set *s, const char *name, size_t n)
{
    return strmap_get(&s->names, name, n);
}

/* Returns the set's template of that name, creating it (pending) if new. */
static struct template *set_named(struct template_set *s, const char *name, size_t n)
{
    struct template *t = set_find(s, name, n);
    if (t)
        return t;
    t = xcalloc(1, sizeof *t);
    size_t i = strmap_add(&s->names, name, n, t, NULL);
    t->name = strmap_key(&s->names, i);
    t->name_len = n;
    t->set = s;
    t->state = ST_PENDING;
    XALLOC_GROW(s->pending, s->npending + 1, s->pending_cap);
    s->pending[s->npending++] = t;
    return t;
}

/* ---- compiling one template ---- */

struct compiler {
    struct template_set *s;
    struct template *t;
    const char *src;
    uint32_t n;
    struct tag *tags;
    size_t ntags, tags_cap;
    struct op *ops;
    size_t nops, ops_cap;
    struct buf keys;
    struct ref *refs;
    size_t nrefs, refs_cap;
};

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* The sigil written before a name in messages: {{#items}}, {{/items}}. */
static const char *tag_sigil(enum tag_kind k)
{
    switch (k) {
    case TAG_SECTION:
        return "#";
    case TAG_INVERTED:
        return "^";
    case TAG_CLOSE:
        return "/";
    case TAG_PARTIAL:
        return ">";
    case TAG_DYNAMIC:
        return ">*";
    case TAG_PARENT:
        return "<";
    case TAG_BLOCK:
        return "$";
    case TAG_RAW:
        return "&";
    default:
        return "";
    }
}

static void error_at(struct compiler *c, uint32_t line, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void error_at(struct compiler *c, uint32_t line, uint32_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(c->s->d, DIAG_ERROR, DIAG_INPUT, c->t->path, line, col, fmt, ap);
    va_end(ap);
}

/* Position of the first `c` (0: none) immediately followed by delim at or after from, or -1. */
static int64_t find_close(const char *src, uint32_t n, uint32_t from, char c, const char *delim,
                          size_t dlen)
{
    size_t skip = c ? 1 : 0;
    char first = c ? c : delim[0];
    for (size_t i = from; i + skip + dlen <= n; i++) {
        const char *p = memchr(src + i, first, n - i - skip - dlen + 1);
        if (!p)
            return -1;
        i = (size_t)(p - src);
        if (memcmp(src + i + skip, delim, dlen) == 0)
            return (int64_t)i;
    }
    return -1;
}

static void add_tag(struct compiler *c, const struct tag *g)
{
    XALLOC_GROW(c->tags, c->ntags + 1, c->tags_cap);
    c->tags[c->ntags++] = *g;
}

/* Shows at most the first 40 bytes of a tag in a message. */
static int shown_len(uint32_t len)
{
    return len > 40 ? 40 : (int)len;
}

static int scan(struct compiler *c)
{
    const char *src = c->src;
    const char *open = "{{", *close = "}}";
    size_t olen = 2, clen = 2;
    uint32_t pos = 0, walked = 0, line = 1, col = 1;
    for (;;) {
        int64_t found = find_close(src, c->n, pos, '\0', open, olen);
        if (found < 0)
            return 0;
        struct tag g = {0};
        g.start = (uint32_t)found;
        for (; walked < g.start; walked++) {
            if (src[walked] == '\n') {
                line++;
                col = 1;
            } else if (((unsigned char)src[walked] & 0xC0) != 0x80) {
                col++;
            }
        }
        g.line = line;
        g.col = col;
        uint32_t q = g.start + (uint32_t)olen;
        while (q < c->n && is_ws(src[q]))
            q++;
        char sigil = q < c->n ? src[q] : '\0';
        int64_t e;
        uint32_t after; /* first byte after the tag */
        if (sigil == '{' || sigil == '=') {
            char want = sigil == '{' ? '}' : '=';
            e = find_close(src, c->n, q + 1, want, close, clen);
            after = (uint32_t)(e + 1 + (int64_t)clen);
        } else {
            /* The closing delimiter starts after the sigil, even when it begins like one. */
            int has_sigil = sigil != '\0' && strchr("#^/!<$>&", sigil) != NULL;
            e = find_close(src, c->n, q + (has_sigil ? 1 : 0), '\0', close, clen);
            after = (uint32_t)(e + (int64_t)clen);
        }
        if (e < 0) {
            error_at(c, g.line, g.col,
                     _("'%.*s' opens a tag that is never closed (expected '%s%.*s')"), (int)olen,
                     open,
                     sigil == '{'   ? "}"
                     : sigil == '=' ? "="
                                    : "",
                     (int)clen, close);
            return -1;
        }
        g.end = after;
        uint32_t a = q, b = (uint32_t)e;
        switch (sigil) {
        case '{':
        case '&':
            g.kind = TAG_RAW;
            a++;
            break;
        case '#':
            g.kind = TAG_SECTION;
            a++;
            break;
        case '^':
            g.kind = TAG_INVERTED;
            a++;
            break;
        case '/':
            g.kind = TAG_CLOSE;
            a++;
            break;
        case '!':
            g.kind = TAG_COMMENT;
            a++;
            break;
        case '=':
            g.kind = TAG_DELIM;
            a++;
            break;
        case '<':
            g.kind = TAG_PARENT;
            a++;
            break;
        case '$':
            g.kind = TAG_BLOCK;
            a++;
            break;
        case '>':
            g.kind = TAG_PARTIAL;
            a++;
            while (a < b && is_ws(src[a]))
                a++;
            if (a < b && src[a] == '*') {
                g.kind = TAG_DYNAMIC;
                a++;
            }
            break;
        default:
            g.kind = TAG_VAR;
            break;
        }
        while (a < b && is_ws(src[a]))
            a++;
        while (b > a && is_ws(src[b - 1]))
            b--;
        g.name = a;
        g.name_len = b - a;
        int whole = shown_len(g.end - g.start);
        if (g.kind == TAG_DELIM) {
            uint32_t m = a;
            while (m < b && !is_ws(src[m]))
                m++;
            uint32_t m2 = m;
            while (m2 < b && is_ws(src[m2]))
                m2++;
            int bad = m == a || m2 == m || m2 == b;
            for (uint32_t i = m2; i < b && !bad; i++)
                bad = is_ws(src[i]);
            for (uint32_t i = a; i < b && !bad; i++)
                bad = src[i] == '=';
            if (bad) {
                error_at(c, g.line, g.col,
                         _("'%.*s' does not set new delimiters (expected two delimiters with a "
                           "space between, like {{=<%% %%>=}})"),
                         whole, src + g.start);
                return -1;
            }
            open = src + a;
            olen = m - a;
            close = src + m2;
            clen = b - m2;
        } else if (g.kind != TAG_COMMENT) {
            if (g.name_len == 0) {
                error_at(c, g.line, g.col,
                         _("'%.*s' has no name (expected something like {{%stitle}})"), whole,
                         src + g.start, tag_sigil(g.kind));
                return -1;
            }
            for (uint32_t i = a; i < b; i++) {
                if (!is_ws(src[i]))
                    continue;
                /* A name broken by a line end is a tag whose end was forgotten: quote it up to
                 * that line end, not the whole stretch to some later closing delimiter. */
                const char *nl = memchr(src + g.start, '\n', g.end - g.start);
                if (nl && nl < src + b)
                    error_at(c, g.line, g.col,
                             _("'%.*s' opens a tag that is not closed on its line (expected '%.*s' "
                               "after the name)"),
                             shown_len((uint32_t)(nl - (src + g.start))), src + g.start,
                             (int)clen, close);
                else
                    error_at(c, g.line, g.col, _("'%.*s': a name cannot contain spaces"), whole,
                             src + g.start);
                return -1;
            }
        }
        add_tag(c, &g);
        pos = g.end;
    }
}

static int is_opener(enum tag_kind k)
{
    return k == TAG_SECTION || k == TAG_INVERTED || k == TAG_PARENT || k == TAG_BLOCK;
}

static int match(struct compiler *c)
{
    uint32_t *stack = xmalloc((TEMPLATE_MAX_DEPTH + 1) * sizeof *stack);
    size_t depth = 0;
    int rc = 0;
    for (size_t k = 0; k < c->ntags && rc == 0; k++) {
        struct tag *g = &c->tags[k];
        if (is_opener(g->kind)) {
            if (depth == TEMPLATE_MAX_DEPTH) {
                error_at(c, g->line, g->col, _("sections are nested more than %d deep here"),
                         TEMPLATE_MAX_DEPTH);
                rc = -1;
                break;
            }
            stack[depth++] = (uint32_t)k;
        } else if (g->kind == TAG_CLOSE) {
            if (depth == 0) {
                error_at(c, g->line, g->col, _("{{/%.*s}} closes a section that was never opened"),
                         shown_len(g->name_len), c->src + g->name);
                rc = -1;
                break;
            }
            struct tag *o = &c->tags[stack[depth - 1]];
            if (o->name_len != g->name_len ||
                memcmp(c->src + o->name, c->src + g->name, g->name_len) != 0) {
                error_at(c, g->line, g->col,
                         _("{{/%.*s}} does not match {{%s%.*s}} from line %u (expected {{/%.*s}})"),
                         shown_len(g->name_len), c->src + g->name, tag_sigil(o->kind),
                         shown_len(o->name_len), c->src + o->name, (unsigned)o->line,
                         shown_len(o->name_len), c->src + o->name);
                rc = -1;
                break;
            }
            o->match = (uint32_t)k;
            g->match = stack[--depth];
        }
    }
    if (rc == 0 && depth > 0) {
        struct tag *o = &c->tags[stack[depth - 1]];
        error_at(c, o->line, o->col, _("{{%s%.*s}} is never closed (expected {{/%.*s}} after it)"),
                 tag_sigil(o->kind), shown_len(o->name_len), c->src + o->name,
                 shown_len(o->name_len), c->src + o->name);
        rc = -1;
    }
    free(stack);
    return rc;
}

/* The start of the line when only blanks stand between it and pos, else -1. */
static int64_t blank_before(const char *src, uint32_t pos)
{
    while (pos > 0 && is_blank(src[pos - 1]))
        pos--;
    return pos == 0 || src[pos - 1] == '\n' ? (int64_t)pos : -1;
}

/* After the end of the line when only blanks follow pos on it, else -1; *eol is where the line
 * break (\n or \r\n) starts. */
static int64_t blank_after(const char *src, uint32_t n, uint32_t pos, uint32_t *eol)
{
    while (pos < n && is_blank(src[pos]))
        pos++;
    *eol = pos;
    if (pos == n)
        return pos;
    if (src[pos] == '\n')
        return pos + 1;
    if (src[pos] == '\r' && pos + 1 < n && src[pos + 1] == '\n')
        return pos + 2;
    return -1;
}

static int can_stand_alone(enum tag_kind k)
{
    return k != TAG_VAR && k != TAG_RAW;
}

/* Two adjacent tags may together stand alone on a line (the inheritance spec):
 * {{<p}}{{/p}}, {{<p}}{{$b}}, {{/b}}{{/p}} and {{$b}}{{/b}}. */
static int is_pair(const struct compiler *c, size_t k)
{
    const struct tag *g = &c->tags[k], *h = &c->tags[k + 1];
    if (g->end != h->start)
        return 0;
    if (g->kind == TAG_PARENT)
        return (h->kind == TAG_CLOSE && h->match == k) || h->kind == TAG_BLOCK;
    if (g->kind == TAG_BLOCK)
        return h->kind == TAG_CLOSE && h->match == k;
    if (g->kind == TAG_CLOSE && h->kind == TAG_CLOSE)
        return c->tags[g->match].kind == TAG_BLOCK && c->tags[h->match].kind == TAG_PARENT;
    return 0;
}

static void mark_standalone(struct compiler *c)
{
    for (size_t k = 0; k < c->ntags; k++) {
        struct tag *g = &c->tags[k];
        g->lo = g->start;
        g->hi = g->end;
        if (!can_stand_alone(g->kind))
            continue;
        uint32_t eol;
        int64_t b = blank_before(c->src, g->start);
        int64_t a = b < 0 ? -1 : blank_after(c->src, c->n, g->end, &eol);
        if (a >= 0) {
            g->standalone = 1;
            g->lo = (uint32_t)b;
            g->hi = (uint32_t)a;
            continue;
        }
        if (b < 0 || k + 1 == c->ntags || !is_pair(c, k))
            continue;
        struct tag *h = &c->tags[k + 1];
        a = blank_after(c->src, c->n, h->end, &eol);
        if (a < 0)
            continue;
        g->lo = (uint32_t)b;
        h->lo = h->start;
        h->hi = (uint32_t)a;
        g->standalone = 1;
        h->standalone = 1;
        if (g->kind == TAG_BLOCK)
            h->hi = eol; /* an empty block keeps its line break (spec) */
        k++;
    }
}

static uint32_t add_op(struct compiler *c, enum op_kind kind, const struct tag *g)
{
    XALLOC_GROW(c->ops, c->nops + 1, c->ops_cap);
    struct op *op = &c->ops[c->nops];
    memset(op, 0, sizeof *op);
    op->kind = (unsigned char)kind;
    if (g) {
        op->name = g->name;
        op->name_len = g->name_len;
        op->line = g->line;
        op->col = g->col;
    }
    return (uint32_t)c->nops++;
}

static int at_line_start(const struct compiler *c, uint32_t pos)
{
    return pos == 0 || c->src[pos - 1] == '\n';
}

/* Emits the text [a, b) a line at a time, removing up to strip blanks from each line start. */
static void emit_text(struct compiler *c, uint32_t a, uint32_t b, uint32_t strip)
{
    while (a < b) {
        uint32_t e = a;
        while (e < b && c->src[e] != '\n')
            e++;
        if (e < b)
            e++;
        uint32_t s = a;
        int indent = 0;
        if (at_line_start(c, a)) {
            for (uint32_t w = 0; s < e && w < strip && is_blank(c->src[s]); w++)
                s++;
            /* An empty line gets no indentation. */
            indent = !(e - s == 1 && c->src[s] == '\n') &&
                     !(e - s == 2 && c->src[s] == '\r' && c->src[s + 1] == '\n');
        }
        if (s < e) {
            uint32_t i = add_op(c, OP_TEXT, NULL);
            c->ops[i].off = s;
            c->ops[i].len = e - s;
            c->ops[i].indent_first = (unsigned char)indent;
        } else if (indent) {
            add_op(c, OP_INDENT, NULL);
        }
        a = e;
    }
}

/* Stores the parts of a dotted name in the key pool; reports a malformed name. */
static int add_keys(struct compiler *c, const struct tag *g, struct op *op)
{
    const char *name = c->src + g->name;
    uint32_t len = g->name_len;
    op->key = (uint32_t)c->keys.len;
    op->nkeys = 0;
    if (len == 1 && name[0] == '.')
        return 0;
    uint32_t part = 0;
    for (uint32_t i = 0; i <= len; i++) {
        if (i < len && name[i] != '.')
            continue;
        if (i == part || memchr(name + part, '\0', i - part)) {
            error_at(c, g->line, g->col,
                     _("'%.*s' is not a valid name (a dot goes between two names, like "
                       "{{site.title}})"),
                     shown_len(len), name);
            return -1;
        }
        uint32_t part_len = i - part;
        buf_add(&c->keys, &part_len, sizeof part_len);
        buf_add(&c->keys, name + part, part_len);
        buf_putc(&c->keys, '\0');
        op->nkeys++;
        part = i + 1;
    }
    return 0;
}

static void add_ref(struct compiler *c, const struct tag *g, uint32_t op, int unconditional)
{
    XALLOC_GROW(c->refs, c->nrefs + 1, c->refs_cap);
    struct ref *r = &c->refs[c->nrefs];
    r->to = set_named(c->s, c->src + g->name, g->name_len);
    r->op = op;
    r->unconditional = unconditional;
    c->ops[op].ref = (uint32_t)c->nrefs++;
}

/* The indentation of a standalone tag: the blanks before it, less what dedenting removed. */
static void set_indent(struct compiler *c, uint32_t op, const struct tag *g, uint32_t strip)
{
    if (!g->standalone)
        return;
    uint32_t from = g->lo + strip;
    if (from < g->start) {
        c->ops[op].off = from;
        c->ops[op].len = g->start - from;
    }
}

/* A standalone block's body [a, b) is dedented like text: the blanks common to its non-blank
 * lines go, and come back as the indentation of wherever the block is expanded. Returns that
 * margin, counted from the line start (so it includes outer's). */
static uint32_t block_margin(const struct compiler *c, uint32_t a, uint32_t b, uint32_t outer)
{
    uint32_t margin = UINT32_MAX;
    for (uint32_t p = a; p < b;) {
        uint32_t w = 0;
        while (p + w < b && is_blank(c->src[p + w]))
            w++;
        uint32_t q = p + w;
        if (q < b && c->src[q] != '\n' &&
            !(c->src[q] == '\r' && q + 1 < b && c->src[q + 1] == '\n'))
            margin = w < margin ? w : margin;
        while (q < b && c->src[q] != '\n')
            q++;
        p = q + 1;
    }
    if (margin == UINT32_MAX || margin < outer)
        margin = outer;
    return margin;
}

static int first_line_has_text(const struct compiler *c, uint32_t a, uint32_t b)
{
    while (a < b && is_blank(c->src[a]))
        a++;
    return a < b && c->src[a] != '\n' && c->src[a] != '\r';
}

/* The line and column of a byte of the source, for the rare message that needs them. */
static void position(const struct compiler *c, uint32_t pos, uint32_t *line, uint32_t *col)
{
    *line = 1;
    *col = 1;
    for (uint32_t i = 0; i < pos; i++) {
        if (c->src[i] == '\n') {
            ++*line;
            *col = 1;
        } else if (((unsigned char)c->src[i] & 0xC0) != 0x80) {
            ++*col;
        }
    }
}

/* Inside {{<layout}} ... {{/layout}} only blocks count (spec); anything else there is most
 * likely a page meant to go in a block, so say so, once per parent tag. */
static void warn_ignored(struct compiler *c, uint32_t pos, uint32_t parent_op, int *warned)
{
    if (*warned)
        return;
    *warned = 1;
    uint32_t line, col;
    position(c, pos, &line, &col);
    const struct op *p = &c->ops[parent_op];
    diag_warning(c->s->d, c->t->path, line, col,
                 _("this is ignored: inside {{<%.*s}} only {{$block}} tags count (put it in a "
                   "block the template '%.*s' has)"),
                 shown_len(p->name_len), c->src + p->name, shown_len(p->name_len),
                 c->src + p->name);
}

struct open {
    uint32_t op;
    uint32_t strip;
    enum tag_kind kind;
};

static int build(struct compiler *c)
{
    struct open stack[TEMPLATE_MAX_DEPTH + 1];
    size_t depth = 0;
    uint32_t strip = 0, prev = 0;
    int in_parent = 0; /* directly inside {{<parent}}: only {{$block}} tags count */
    int warned = 0;    /* about something ignored inside the innermost parent tag */
    for (size_t k = 0; k < c->ntags; k++) {
        struct tag *g = &c->tags[k];
        if (!in_parent) {
            emit_text(c, prev, g->lo, strip);
        } else {
            for (uint32_t p = prev; p < g->lo; p++) {
                if (!is_ws(c->src[p])) {
                    warn_ignored(c, p, stack[depth - 1].op, &warned);
                    break;
                }
            }
        }
        prev = g->hi;
        if (in_parent && g->kind != TAG_BLOCK && g->kind != TAG_CLOSE) {
            if (g->kind != TAG_COMMENT && g->kind != TAG_DELIM)
                warn_ignored(c, g->start, stack[depth - 1].op, &warned);
            if (is_opener(g->kind)) {
                k = g->match;
                prev = c->tags[k].hi;
            }
            continue;
        }
        if (!g->standalone && !in_parent && at_line_start(c, g->start))
            add_op(c, OP_INDENT, NULL);
        uint32_t i;
        switch (g->kind) {
        case TAG_VAR:
        case TAG_RAW:
            i = add_op(c, g->kind == TAG_VAR ? OP_VAR : OP_RAW, g);
            if (add_keys(c, g, &c->ops[i]) < 0)
                return -1;
            break;
        case TAG_COMMENT:
        case TAG_DELIM:
            break;
        case TAG_SECTION:
        case TAG_INVERTED:
        case TAG_BLOCK:
        case TAG_PARENT:
            i = add_op(c,
                       g->kind == TAG_SECTION    ? OP_SECTION
                       : g->kind == TAG_INVERTED ? OP_INVERTED
                       : g->kind == TAG_BLOCK    ? OP_BLOCK
                                                 : OP_PARENT,
                       g);
            stack[depth].op = i;
            stack[depth].strip = strip;
            stack[depth].kind = g->kind;
            if (g->kind == TAG_SECTION || g->kind == TAG_INVERTED) {
                if (add_keys(c, g, &c->ops[i]) < 0)
                    return -1;
            } else if (g->kind == TAG_PARENT) {
                if (g->name_len > 0 && c->src[g->name] == '*') {
                    error_at(c, g->line, g->col,
                             _("{{<%.*s}}: the template a page extends is named in the template, "
                               "not taken from data"),
                             shown_len(g->name_len), c->src + g->name);
                    return -1;
                }
                add_ref(c, g, i, depth == 0);
                set_indent(c, i, g, strip);
            } else if (g->standalone) {
                const struct tag *h = &c->tags[g->match];
                uint32_t body = g->hi, line = g->lo;
                uint32_t margin = block_margin(c, body, h->lo, strip);
                /* The block's own indentation is what dedenting took from its first line, or
                 * else the blanks before the tag. */
                if (margin > strip && first_line_has_text(c, body, h->lo)) {
                    c->ops[i].off = body + strip;
                    c->ops[i].len = margin - strip;
                } else if (line + strip < g->start) {
                    c->ops[i].off = line + strip;
                    c->ops[i].len = g->start - line - strip;
                }
                strip = margin;
            }
            depth++;
            in_parent = g->kind == TAG_PARENT;
            if (in_parent)
                warned = 0;
            break;
        case TAG_CLOSE:
            depth--;
            c->ops[stack[depth].op].end = (uint32_t)c->nops;
            strip = stack[depth].strip;
            in_parent = depth > 0 && stack[depth - 1].kind == TAG_PARENT;
            break;
        case TAG_PARTIAL:
            i = add_op(c, OP_PARTIAL, g);
            add_ref(c, g, i, depth == 0);
            set_indent(c, i, g, strip);
            break;
        case TAG_DYNAMIC:
            i = add_op(c, OP_DYNAMIC, g);
            if (add_keys(c, g, &c->ops[i]) < 0)
                return -1;
            set_indent(c, i, g, strip);
            break;
        }
    }
    emit_text(c, prev, c->n, strip);
    return 0;
}

/* Loads and compiles t; templates it names are added to the set as pending. */
static void compile(struct template_set *s, struct template *t)
{
    struct buf src;
    buf_init(&src);
    char *path = NULL;
    int rc = s->load(t->name, &src, &path, s->userdata);
    if (rc == 1) {
        t->state = ST_MISSING;
        buf_release(&src);
        free(path);
        return;
    }
    t->path = path ? path : xstrdup(t->name);
    t->src = buf_detach(&src, &t->src_len);
    t->state = ST_FAILED;
    if (rc < 0)
        return;
    if (t->src_len >= UINT32_MAX / 2) {
        diag_error(s->d, t->path, 0, 0, _("this template is too large (over 2 GB)"));
        return;
    }
    struct compiler c = {0};
    c.s = s;
    c.t = t;
    c.src = t->src;
    c.n = (uint32_t)t->src_len;
    buf_init(&c.keys);
    if (scan(&c) == 0 && match(&c) == 0) {
        mark_standalone(&c);
        if (build(&c) == 0)
            t->state = ST_OK;
    }
    free(c.tags);
    if (t->state == ST_OK) {
        t->ops = c.ops;
        t->nops = (uint32_t)c.nops;
        t->keys = buf_detach(&c.keys, NULL);
        t->refs = c.refs;
        t->nrefs = c.nrefs;
        t->seen = xmalloc((c.nops ? c.nops : 1) * sizeof *t->seen);
        for (size_t i = 0; i < c.nops; i++)
            atomic_init(&t->seen[i], 0);
    } else {
        free(c.ops);
        free(c.refs);
        buf_release(&c.keys);
    }
}

/* ---- the set ---- */

struct template_set *template_set_new(struct diag *d, template_load_fn load, void *userdata)
{
    struct template_set *s = xcalloc(1, sizeof *s);
    s->d = d;
    s->load = load;
    s->userdata = userdata;
    return s;
}

void template_set_allow_missing(struct template_set *s)
{
    s->allow_missing = 1;
}

void template_set_optional(struct template_set *s, const char *name)
{
    if (*name && !strv_contains(&s->optional, name))
        strv_push(&s->optional, name);
}

void template_set_free(struct template_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < strmap_len(&s->names); i++) {
        struct template *t = set_at(s, i);
        free(t->path);
        free(t->src);
        free(t->ops);
        free(t->keys);
        free(t->refs);
        free(t->seen);
        free(t);
    }
    strmap_release(&s->names);
    strv_release(&s->optional);
    free(s->pending);
    free(s);
}

const char *template_name(const struct template *t)
{
    return t->name;
}

const char *template_path(const struct template *t)
{
    return t->path;
}

static const char *ref_sigil(const struct template *t, const struct ref *r)
{
    return t->ops[r->op].kind == OP_PARENT ? "<" : ">";
}

struct dfs {
    struct template *t;
    size_t next;
};

/* Finds templates that include each other unconditionally (outside any section or block), which
 * could never finish rendering; reports each such loop once and fails the template closing it. */
static void check_cycles(struct template_set *s, size_t first)
{
    for (size_t i = 0; i < strmap_len(&s->names); i++)
        set_at(s, i)->mark = i < first ? 2 : 0;
    struct dfs *stack = xmalloc((strmap_len(&s->names) - first + 1) * sizeof *stack);
    for (size_t i = first; i < strmap_len(&s->names); i++) {
        struct template *root = set_at(s, i);
        if (root->mark || root->state != ST_OK)
            continue;
        size_t sp = 0;
        stack[sp++] = (struct dfs){root, 0};
        root->mark = 1;
        while (sp) {
            struct dfs *top = &stack[sp - 1];
            struct template *u = top->t;
            if (top->next == u->nrefs) {
                u->mark = 2;
                sp--;
                continue;
            }
            const struct ref *r = &u->refs[top->next++];
            struct template *v = r->to;
            if (!r->unconditional || v->state != ST_OK || v->mark == 2)
                continue;
            if (v->mark == 0) {
                v->mark = 1;
                stack[sp++] = (struct dfs){v, 0};
                continue;
            }
            struct buf chain;
            buf_init(&chain);
            size_t from = 0;
            while (stack[from].t != v)
                from++;
            for (size_t j = from; j < sp; j++)
                buf_printf(&chain, "%s → ", stack[j].t->name);
            buf_puts(&chain, v->name);
            const struct op *op = &u->ops[r->op];
            diag_error(s->d, u->path, op->line, op->col,
                       _("{{%s%s}} makes templates include each other forever (%s)"),
                       ref_sigil(u, r), v->name, chain.data);
            buf_release(&chain);
            u->state = ST_FAILED;
        }
    }
    free(stack);
}

const struct template *template_set_get(struct template_set *s, const char *name)
{
    struct template *want = set_find(s, name, strlen(name));
    if (want)
        return want->state == ST_OK ? want : NULL;
    size_t first = strmap_len(&s->names);
    want = set_named(s, name, strlen(name));
    while (s->npending) {
        struct template *t = s->pending[--s->npending];
        compile(s, t);
    }
    if (want->state == ST_MISSING)
        diag_error(s->d, NULL, 0, 0, _("the theme has no template '%s' (a file "
                                       "templates/%s.mustache), and every theme needs one"),
                   name, name);

    /* Partials and parents that do not exist: the spec renders nothing, kairan reports. */
    for (size_t i = first; i < strmap_len(&s->names); i++) {
        struct template *t = set_at(s, i);
        for (size_t j = 0; t->state != ST_MISSING && j < t->nrefs; j++) {
            const struct ref *r = &t->refs[j];
            if (r->to->state != ST_MISSING || s->allow_missing)
                continue;
            const struct op *op = &t->ops[r->op];
            diag_error(s->d, t->path, op->line, op->col,
                       op->kind == OP_PARENT ? _("there is no template '%s' to extend")
                                             : _("there is no template '%s' to include"),
                       r->to->name);
            t->state = ST_FAILED;
        }
    }
    check_cycles(s, first);

    /* A template that uses a broken one fails too. */
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t i = first; i < strmap_len(&s->names); i++) {
            struct template *t = set_at(s, i);
            for (size_t j = 0; t->state == ST_OK && j < t->nrefs; j++) {
                enum template_state st = t->refs[j].to->state;
                if (st == ST_FAILED || (st == ST_MISSING && !s->allow_missing)) {
                    t->state = ST_FAILED;
                    changed = 1;
                }
            }
        }
    }
    return want->state == ST_OK ? want : NULL;
}

/* ---- rendering ---- */

/* One render of a template: where the text goes and the state of the walk. */
struct run {
    struct buf *out;
    struct buf indent;                         /* of the line being written, as partials nest */
    const json_t *ctx[TEMPLATE_MAX_DEPTH + 2]; /* the context stack; the top is last */
    unsigned nctx;
    unsigned depth;
    uint64_t steps; /* ops run so far, against TEMPLATE_MAX_STEPS */
};

/* The {{$block}} overrides of the {{<parent}} tags being expanded, innermost first. */
struct frame {
    const struct frame *up;
    const struct template *t;
    uint32_t first, end; /* the parent tag's body: only OP_BLOCK ops */
};

static int run(struct run *r, const struct template *t, uint32_t i, uint32_t end,
               const struct frame *ov);

static void note(const struct template *t, uint32_t i, unsigned char bits)
{
    /* A plain load first: after the first renders the flags are set and stay unwritten, so
     * threads do not fight over the cache line. */
    if ((atomic_load_explicit(&t->seen[i], memory_order_relaxed) & bits) != bits)
        atomic_fetch_or_explicit(&t->seen[i], bits, memory_order_relaxed);
}

static const json_t *lookup(const struct run *r, const struct template *t, uint32_t i)
{
    const struct op *op = &t->ops[i];
    if (op->nkeys == 0)
        return r->ctx[r->nctx - 1];
    const char *key = t->keys + op->key;
    uint32_t len;
    memcpy(&len, key, sizeof len);
    const json_t *v = NULL;
    for (unsigned j = r->nctx; j-- > 0;) {
        if (json_is_object(r->ctx[j]) &&
            (v = json_object_getn(r->ctx[j], key + sizeof len, len)) != NULL)
            break;
    }
    uint32_t parts = v ? 1 : 0;
    for (uint32_t part = 1; v && part < op->nkeys; part++) {
        key += sizeof len + len + 1;
        memcpy(&len, key, sizeof len);
        v = json_is_object(v) ? json_object_getn(v, key + sizeof len, len) : NULL;
        parts += v != NULL;
    }
    unsigned char bits = v ? SEEN_LOOKED_UP | SEEN_FOUND : SEEN_LOOKED_UP;
    for (uint32_t k = 1; k <= parts && k <= SEEN_MAX_PARTS; k++)
        bits |= (unsigned char)(SEEN_PARTS << (k - 1));
    note(t, i, bits);
    return v;
}

/* Missing, null, false, "" and [] are false; everything else (0 too) is true. */
static int truthy(const json_t *v)
{
    if (!v)
        return 0;
    switch (json_typeof(v)) {
    case JSON_NULL:
    case JSON_FALSE:
        return 0;
    case JSON_ARRAY:
        return json_array_size(v) > 0;
    case JSON_STRING:
        return json_string_length(v) > 0;
    default:
        return 1;
    }
}

/* buf_add with the common case (room to spare) inlined: rendering is mostly small appends. */
static inline void put(struct buf *out, const char *p, size_t n)
{
    if (out->len + n < out->cap) {
        memcpy(out->data + out->len, p, n);
        out->len += n;
        out->data[out->len] = '\0';
    } else {
        buf_add(out, p, n);
    }
}

/* For each byte: 0 when it is written as is, else the index of its entity in entities. */
static const unsigned char escape_index[256] = {
    ['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5};
static const char *const entities[] = {"", "&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
static const unsigned char entity_len[] = {0, 5, 4, 4, 6, 5};

static void put_escaped(struct buf *out, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t run_start = 0, i = 0;
    while (i < n) {
        /* Every byte that needs escaping is below 0x40, and UTF-8 outside ASCII is all above
         * 0x7F: eight bytes none of which has its top two bits clear go through untouched. */
        if (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, u + i, sizeof w);
            uint64_t x = w & 0xC0C0C0C0C0C0C0C0u;
            if (!((x - 0x0101010101010101u) & ~x & 0x8080808080808080u)) {
                i += 8;
                continue;
            }
        }
        for (size_t stop = i + 8 < n ? i + 8 : n; i < stop; i++) {
            unsigned e = escape_index[u[i]];
            if (!e)
                continue;
            put(out, s + run_start, i - run_start);
            put(out, entities[e], entity_len[e]);
            run_start = i + 1;
        }
    }
    put(out, s + run_start, n - run_start);
}

/* Reals in the shortest form that reads back as the same number: 1.21, not 1.2099999999999999. */
static void put_real(struct buf *out, double v)
{
    char tmp[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    buf_puts(out, tmp);
}

static void put_value(struct buf *out, const json_t *v, int escape)
{
    char tmp[32];
    switch (json_typeof(v)) {
    case JSON_STRING:
        if (escape)
            put_escaped(out, json_string_value(v), json_string_length(v));
        else
            put(out, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        snprintf(tmp, sizeof tmp, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        buf_puts(out, tmp);
        break;
    case JSON_REAL:
        put_real(out, json_real_value(v));
        break;
    case JSON_TRUE:
        buf_add(out, "true", 4);
        break;
    case JSON_FALSE:
        buf_add(out, "false", 5);
        break;
    default:
        break;
    }
}

static int too_deep(const struct template *t, const struct op *op)
{
    diag_error(t->set->d, t->path, op->line, op->col,
               _("templates are nested more than %d levels deep here, so the page stops (does a "
                 "template include itself with no end?)"),
               TEMPLATE_MAX_DEPTH);
    return -1;
}

/* Renders ops [first, end) of t with indentation ind added to every line. */
static int expand(struct run *r, const struct template *t, uint32_t first, uint32_t end,
                  const struct frame *ov, const char *ind, size_t ind_len)
{
    size_t saved = r->indent.len;
    buf_add(&r->indent, ind, ind_len);
    r->depth++;
    int rc = run(r, t, first, end, ov);
    r->depth--;
    buf_truncate(&r->indent, saved);
    return rc;
}

static int section(struct run *r, const struct template *t, uint32_t i, const json_t *v,
                   const struct frame *ov)
{
    const struct op *op = &t->ops[i];
    int rc = 0;
    r->depth++;
    if (json_is_array(v)) {
        for (size_t j = 0; j < json_array_size(v) && rc == 0; j++) {
            r->ctx[r->nctx++] = json_array_get(v, j);
            rc = run(r, t, i + 1, op->end, ov);
            r->nctx--;
        }
    } else {
        r->ctx[r->nctx++] = v;
        rc = run(r, t, i + 1, op->end, ov);
        r->nctx--;
    }
    r->depth--;
    return rc;
}

/* The override for a block: the outermost parent tag that gives one wins. */
static const struct op *find_override(const struct frame *ov, const struct template *t,
                                      const struct op *site, const struct template **from)
{
    const struct op *found = NULL;
    for (const struct frame *f = ov; f; f = f->up) {
        for (uint32_t j = f->first; j < f->end; j = f->t->ops[j].end) {
            const struct op *b = &f->t->ops[j];
            if (b->name_len == site->name_len &&
                memcmp(f->t->src + b->name, t->src + site->name, b->name_len) == 0) {
                found = b;
                *from = f->t;
                break;
            }
        }
    }
    return found;
}

static int run(struct run *r, const struct template *t, uint32_t i, uint32_t end,
               const struct frame *ov)
{
    struct buf *out = r->out;
    while (i < end) {
        const struct op *op = &t->ops[i];
        if (++r->steps > TEMPLATE_MAX_STEPS) {
            diag_error(t->set->d, t->path, op->line, op->col,
                       _("the page stopped here after %d million steps (do lists repeat inside "
                         "each other too often?)"),
                       TEMPLATE_MAX_STEPS / 1000000);
            return -1;
        }
        switch ((enum op_kind)op->kind) {
        case OP_TEXT:
            if (op->indent_first && r->indent.len)
                put(out, r->indent.data, r->indent.len);
            put(out, t->src + op->off, op->len);
            i++;
            break;
        case OP_INDENT:
            if (r->indent.len)
                buf_add(out, r->indent.data, r->indent.len);
            i++;
            break;
        case OP_VAR:
        case OP_RAW: {
            const json_t *v = lookup(r, t, i);
            if (v)
                put_value(out, v, op->kind == OP_VAR);
            i++;
            break;
        }
        case OP_SECTION:
        case OP_INVERTED: {
            const json_t *v = lookup(r, t, i);
            int yes = truthy(v);
            if (yes || op->kind == OP_INVERTED) {
                if (r->depth >= TEMPLATE_MAX_DEPTH)
                    return too_deep(t, op);
            }
            if (op->kind == OP_SECTION && yes) {
                if (section(r, t, i, v, ov) < 0)
                    return -1;
            } else if (op->kind == OP_INVERTED && !yes) {
                r->depth++;
                int rc = run(r, t, i + 1, op->end, ov);
                r->depth--;
                if (rc < 0)
                    return -1;
            }
            i = op->end;
            break;
        }
        case OP_PARTIAL:
        case OP_DYNAMIC: {
            const struct template *to;
            if (op->kind == OP_PARTIAL) {
                to = t->refs[op->ref].to;
            } else {
                const json_t *v = lookup(r, t, i);
                to = json_is_string(v)
                         ? set_find(t->set, json_string_value(v), json_string_length(v))
                         : NULL;
            }
            if (to && to->state == ST_OK) {
                if (r->depth >= TEMPLATE_MAX_DEPTH)
                    return too_deep(t, op);
                if (expand(r, to, 0, to->nops, ov, t->src + op->off, op->len) < 0)
                    return -1;
            }
            i++;
            break;
        }
        case OP_PARENT: {
            const struct template *to = t->refs[op->ref].to;
            if (to->state == ST_OK) {
                if (r->depth >= TEMPLATE_MAX_DEPTH)
                    return too_deep(t, op);
                struct frame f = {ov, t, i + 1, op->end};
                if (expand(r, to, 0, to->nops, &f, t->src + op->off, op->len) < 0)
                    return -1;
            }
            i = op->end;
            break;
        }
        case OP_BLOCK: {
            if (r->depth >= TEMPLATE_MAX_DEPTH)
                return too_deep(t, op);
            const struct template *from = t;
            const struct op *b = find_override(ov, t, op, &from);
            if (!b)
                b = op;
            uint32_t first = (uint32_t)(b - from->ops) + 1;
            if (expand(r, from, first, b->end, ov, t->src + op->off, op->len) < 0)
                return -1;
            i = op->end;
            break;
        }
        }
    }
    return 0;
}

int template_render(const struct template *t, const json_t *data, struct buf *out)
{
    struct run r;
    r.out = out;
    buf_init(&r.indent);
    r.ctx[0] = data;
    r.nctx = 1;
    r.depth = 0;
    r.steps = 0;
    int rc = run(&r, t, 0, t->nops, NULL);
    buf_release(&r.indent);
    return rc;
}

/* ---- the strict report ---- */

/* How many leading parts of the op's name some lookup found, from the seen bits. */
static uint32_t parts_found(unsigned char seen)
{
    uint32_t n = 0;
    for (uint32_t k = 1; k <= SEEN_MAX_PARTS; k++)
        if (seen & (SEEN_PARTS << (k - 1)))
            n = k;
    return n;
}

/* A name as the report reads it: the names of the sections around an op in its template,
 * outermost first, then the op's own name; {{#contact}}{{email}} reads contact.email. */
#define REPORT_MAX_PARTS 32
struct report_name {
    const char *part[REPORT_MAX_PARTS];
    uint32_t len[REPORT_MAX_PARTS];
    uint32_t n;
};

/* Appends op's parts to name; returns -1 when they do not fit. */
static int report_name_add(struct report_name *name, const struct template *t, const struct op *op)
{
    const char *key = t->keys + op->key;
    for (uint32_t k = 0; k < op->nkeys; k++) {
        if (name->n == REPORT_MAX_PARTS)
            return -1;
        memcpy(&name->len[name->n], key, sizeof name->len[name->n]);
        name->part[name->n] = key + sizeof name->len[name->n];
        key += sizeof name->len[name->n] + name->len[name->n] + 1;
        name->n++;
    }
    return 0;
}

/* Whether a declared optional name (dotted, like "contact.url") covers a name of which the
 * first found parts were found on some page: it is a run of the name's parts, everything
 * before that run was found, and the run itself never was. So {{entry.contact.url}} is spared
 * while no entry has a contact url, and {{entry.status.canceled}} is not once some page has a
 * status. */
static int optional_covers(const struct report_name *name, uint32_t found, const char *declared)
{
    for (uint32_t start = 0; start < name->n && start <= found; start++) {
        const char *d = declared;
        uint32_t k = start;
        while (k < name->n) {
            size_t dl = strcspn(d, ".");
            if (dl != name->len[k] || memcmp(d, name->part[k], dl) != 0)
                break;
            k++;
            d += dl;
            if (*d == '\0')
                break;
            d++;
        }
        if (*d == '\0' && k > start && found < k)
            return 1;
    }
    return 0;
}

/* Whether a declared optional name spares op j of t, whose lookups found the first `found`
 * parts of its name at best. The sections around it were entered when it was looked up, so
 * their parts count as found. */
static int spared(const struct template_set *s, const struct template *t, uint32_t j,
                  uint32_t found)
{
    /* The seen bits count found parts only so far: a deeper name is always reported. */
    if (t->ops[j].nkeys > SEEN_MAX_PARTS || s->optional.len == 0)
        return 0;
    struct report_name name;
    name.n = 0;
    for (uint32_t k = 0; k < j; k++) {
        if (t->ops[k].kind == OP_SECTION && t->ops[k].end > j &&
            report_name_add(&name, t, &t->ops[k]) != 0)
            return 0;
    }
    found += name.n;
    if (report_name_add(&name, t, &t->ops[j]) != 0)
        return 0;
    for (size_t k = 0; k < s->optional.len; k++)
        if (optional_covers(&name, found, s->optional.v[k]))
            return 1;
    return 0;
}

void template_set_report_unresolved(struct template_set *s, struct diag *d)
{
    for (size_t i = 0; i < strmap_len(&s->names); i++) {
        const struct template *t = set_at(s, i);
        if (t->state != ST_OK)
            continue;
        for (uint32_t j = 0; j < t->nops; j++) {
            unsigned char seen = atomic_load_explicit(&t->seen[j], memory_order_relaxed);
            if (!(seen & SEEN_LOOKED_UP) || (seen & SEEN_FOUND))
                continue;
            const struct op *op = &t->ops[j];
            if (spared(s, t, j, parts_found(seen)))
                continue;
            const char *open = op->kind == OP_SECTION    ? "{{#"
                               : op->kind == OP_INVERTED ? "{{^"
                               : op->kind == OP_DYNAMIC  ? "{{>*"
                               : op->kind == OP_RAW      ? "{{{"
                                                         : "{{";
            diag_warning(d, t->path, op->line, op->col,
                         _("'%s%.*s%s' never has a value on any page (is the name spelled right?)"),
                         open, (int)op->name_len, t->src + op->name,
                         op->kind == OP_RAW ? "}}}" : "}}");
        }
    }
}

/* ---- identity ---- */

static int by_template_name(const void *a, const void *b)
{
    return strcmp((*(const struct template *const *)a)->name,
                  (*(const struct template *const *)b)->name);
}

static int has_dynamic(const struct template *t)
{
    for (uint32_t i = 0; t->state == ST_OK && i < t->nops; i++)
        if (t->ops[i].kind == OP_DYNAMIC)
            return 1;
    return 0;
}

struct hash template_identity(const struct template *t)
{
    const struct template_set *s = t->set;
    /* The templates t can reach, found by a walk over the references. */
    const struct template **reach = xmalloc((strmap_len(&s->names) + 1) * sizeof *reach);
    unsigned char *seen = xcalloc(strmap_len(&s->names) + 1, 1);
    size_t n = 0, at = 0;
    int dynamic = 0;
    reach[n++] = t;
    for (size_t i = 0; i < strmap_len(&s->names); i++)
        if (set_at(s, i) == t)
            seen[i] = 1;
    while (at < n) {
        const struct template *u = reach[at++];
        dynamic |= has_dynamic(u);
        for (size_t j = 0; u->state == ST_OK && j < u->nrefs; j++) {
            for (size_t i = 0; i < strmap_len(&s->names); i++) {
                if (set_at(s, i) == u->refs[j].to && !seen[i]) {
                    seen[i] = 1;
                    reach[n++] = set_at(s, i);
                }
            }
        }
    }
    if (dynamic) {
        n = 0;
        for (size_t i = 0; i < strmap_len(&s->names); i++)
            reach[n++] = set_at(s, i);
    }
    qsort(reach, n, sizeof *reach, by_template_name);
    struct hasher h;
    hash_init(&h, 0x74656d706c617465ULL);
    hash_update(&h, t->name, t->name_len + 1);
    hash_update(&h, &s->allow_missing, sizeof s->allow_missing);
    for (size_t i = 0; i < n; i++) {
        const struct template *u = reach[i];
        uint64_t len = u->src ? (uint64_t)u->src_len : 0;
        unsigned char state = (unsigned char)u->state;
        hash_update(&h, u->name, u->name_len + 1);
        hash_update(&h, &state, 1);
        hash_update(&h, &len, sizeof len);
        if (u->src)
            hash_update(&h, u->src, u->src_len);
    }
    free(reach);
    free(seen);
    return hash_final(&h);
}

int template_set_mentions(const struct template_set *s, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < strmap_len(&s->names); i++) {
        const struct template *t = set_at(s, i);
        for (uint32_t k = 0; t->state == ST_OK && k < t->nops; k++) {
            const char *key = t->keys + t->ops[k].key;
            for (uint32_t part = 0; part < t->ops[k].nkeys; part++) {
                uint32_t len;
                memcpy(&len, key, sizeof len);
                if (len == n && memcmp(key + sizeof len, name, n) == 0)
                    return 1;
                key += sizeof len + len + 1;
            }
        }
    }
    return 0;
}
