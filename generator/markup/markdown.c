/* markdown: md4c callbacks that build the libxml2 tree directly, with kairan's extensions. */
#include "markup/markdown.h"

#include <limits.h>
#include <md4c.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/cjk.h"
#include "core/entity.h"
#include "core/intl.h"
#include "markup/chart.h"
#include "markup/dom_tree.h"
#include "markup/sanitiser.h"
#include "core/strmap.h"
#include "core/strv.h"
#include "core/url.h"
#include "core/xalloc.h"

/* Span types are told from block types in frame.md by this offset. */
#define SPAN 100

/* Deeper nesting is flattened: the tree stays shallow enough for every recursive walk in
 * libxml2 and the browsers that read our pages. */
#define MAX_DEPTH 100

enum frame_kind {
    FRAME_MD,       /* an element opened by md4c */
    FRAME_FLAT,     /* an md4c element left out (too deep, or inside dropped HTML) */
    FRAME_RAW,      /* an element opened by raw HTML, closed by its end tag */
    FRAME_SUPPRESS, /* dropped raw HTML whose content is dropped too (script, style, ...) */
};

struct frame {
    enum frame_kind kind;
    int md;          /* the md4c block (or SPAN + span) type that opened it; -1 for raw HTML */
    xmlNodePtr node; /* where children go */
    char name[16];   /* raw HTML: the tag name its end tag must match */
    char *href;      /* links: the target as written, and its position */
    char *title;
    size_t off;
};

/* A stretch of run[] that came from one place in the source, for positions inside a run. */
struct origin {
    size_t run, src; /* src is SIZE_MAX when md4c handed over text not in the source */
};

struct heading {
    xmlNodePtr node;
    char *id; /* the explicit {#id}, or NULL */
    size_t off;
};

struct builder {
    struct diag *d;
    const char *path;
    unsigned first_line;
    const char *src;
    size_t len;
    const struct markdown_hooks *hooks;
    struct dom *dom;
    struct strv reported; /* warnings given once per document */

    struct frame *frames;
    size_t depth, cap;
    size_t elements; /* frames that made an element (the tree's depth) */
    int suppress;    /* FRAME_SUPPRESS frames open */
    int warned_depth;

    /* Text waiting for the next element boundary, where ruby and line breaks are decided. */
    struct buf run;
    struct buf seg; /* emit_rich's scratch */
    size_t *esc;    /* offsets in run of bytes that are literal (escaped or from entities) */
    size_t esc_len, esc_cap;
    struct origin *origins;
    size_t origins_len, origins_cap;
    const char *last_end; /* end of the previous text chunk, to tell backslash escapes */
    size_t last_off;      /* source offset of the latest text seen, for positions */
    int in_code;
    uint32_t last_cp;   /* the last character emitted in this block */
    xmlNodePtr sb_node; /* a text node ending in a line break's space not yet decided */
    uint32_t sb_prev;

    /* Image being read: md4c hands its alt text as ordinary text. */
    int img_depth;
    struct buf alt;
    char *img_src, *img_title;
    size_t img_off;
    unsigned images;
    xmlNodePtr *captioned; /* images whose figcaption waits in _private */
    size_t captioned_len, captioned_cap;
    int link_depth;
    int in_cell;

    int in_html_block;
    struct buf html;
    size_t html_off;
    struct buf tag; /* an inline tag md4c hands over in parts (one per line), and where */
    size_t tag_off;

    struct heading *headings;
    size_t headings_len, headings_cap;
    struct heading *raw_ids; /* raw HTML elements with an id (id unused), and where */
    size_t raw_ids_len, raw_ids_cap;

    size_t *lines; /* offsets of line starts, built on the first diagnostic */
    size_t lines_len;
    struct chart_reader *charts; /* tables and the chart lines that mark them */
};

/* Positions */

static void position(struct builder *b, size_t off, unsigned *line, unsigned *col)
{
    if (off == SIZE_MAX || off > b->len)
        off = b->last_off <= b->len ? b->last_off : 0;
    if (!b->lines) {
        size_t cap = 64;
        b->lines = xmalloc(cap * sizeof *b->lines);
        b->lines[b->lines_len++] = 0;
        for (const char *p = b->src; (p = memchr(p, '\n', (size_t)(b->src + b->len - p)));) {
            p++;
            XALLOC_GROW(b->lines, b->lines_len + 1, cap);
            b->lines[b->lines_len++] = (size_t)(p - b->src);
        }
    }
    size_t lo = 0, hi = b->lines_len;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (b->lines[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    *line = b->first_line + (unsigned)lo;
    *col = (unsigned)cjk_count(b->src + b->lines[lo], off - b->lines[lo]) + 1;
}

static void chart_position(void *userdata, size_t off, unsigned *line, unsigned *col)
{
    position(userdata, off, line, col);
}

/* md4c hands over pointers into the source, or into buffers of its own. */
static size_t src_offset(struct builder *b, const char *p)
{
    uintptr_t at = (uintptr_t)p, start = (uintptr_t)b->src;
    if (at >= start && at - start <= b->len)
        return (size_t)(at - start);
    return SIZE_MAX;
}

static size_t run_to_src(struct builder *b, size_t run_off)
{
    size_t src = SIZE_MAX;
    for (size_t i = 0; i < b->origins_len && b->origins[i].run <= run_off; i++)
        src = b->origins[i].src == SIZE_MAX ? SIZE_MAX
                                            : b->origins[i].src + run_off - b->origins[i].run;
    return src;
}

static struct sanitiser_source sanitiser_source_at(struct builder *b, size_t off)
{
    struct sanitiser_source s = {b->d, b->path, 0, 0, &b->reported};
    position(b, off, &s.line, &s.col);
    return s;
}

/* Text decoding */

static void append_cp(struct buf *out, uint32_t cp)
{
    char enc[4];
    buf_add(out, enc, cjk_encode(cp, enc));
}

static void append_entity(struct buf *out, const char *e, size_t n)
{
    if (n >= 4 && e[1] == '#') {
        int hex = e[2] == 'x' || e[2] == 'X';
        uint32_t cp = 0;
        for (size_t i = hex ? 3 : 2; i < n - 1; i++) {
            char c = e[i];
            unsigned v = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                         : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                                                : (unsigned)(c - 'A' + 10);
            cp = cp * (hex ? 16 : 10) + v;
            if (cp > 0x10FFFF)
                cp = 0x110000;
        }
        append_cp(out, cp == 0 || cp > 0x10FFFF ? 0xFFFD : cp);
        return;
    }
    uint32_t cp[2];
    int count = n >= 3 ? entity_named(e + 1, n - 2, cp) : 0;
    for (int i = 0; i < count; i++)
        append_cp(out, cp[i]);
    if (count == 0)
        buf_add(out, e, n); /* not a name HTML has: the text as written */
}

/* Returns the attribute's text with entities decoded; a new string, the caller frees it.
 * An attribute longer than limit (the input, and "http://" md4c adds to www. links) can only
 * be md4c's mistake: it reads as empty. */
static char *attribute_text(const MD_ATTRIBUTE *a, size_t limit)
{
    struct buf out;
    buf_init(&out);
    if (a->size > limit)
        return buf_detach(&out, NULL);
    for (size_t i = 0; a->substr_offsets[i] < a->size; i++) {
        const char *s = a->text + a->substr_offsets[i];
        size_t n = a->substr_offsets[i + 1] - a->substr_offsets[i];
        if (a->substr_types[i] == MD_TEXT_ENTITY)
            append_entity(&out, s, n);
        else if (a->substr_types[i] == MD_TEXT_NULLCHAR)
            append_cp(&out, 0xFFFD);
        else
            buf_add(&out, s, n);
    }
    return buf_detach(&out, NULL);
}

/* The run: ruby and CJK line breaks */

static void run_mark_literal(struct builder *b, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        XALLOC_GROW(b->esc, b->esc_len + 1, b->esc_cap);
        b->esc[b->esc_len++] = i;
    }
}

static void run_origin(struct builder *b, size_t src)
{
    XALLOC_GROW(b->origins, b->origins_len + 1, b->origins_cap);
    b->origins[b->origins_len++] = (struct origin){b->run.len, src};
}

/* Reading a run, with which of its bytes are literal. */
struct run_view {
    const char *s;
    size_t len;
    const size_t *esc;
    size_t esc_len;
};

static int is_literal(const struct run_view *v, size_t i)
{
    size_t lo = 0, hi = v->esc_len;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v->esc[mid] < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < v->esc_len && v->esc[lo] == i;
}

static int is_syntax(const struct run_view *v, size_t i, char c)
{
    return v->s[i] == c && !is_literal(v, i);
}

#define MAX_READINGS 64

struct ruby {
    size_t start, end; /* the whole {…} in the run */
    size_t base, base_len;
    size_t reading[MAX_READINGS], reading_len[MAX_READINGS];
    size_t readings;
};

/* Parses {base|reading} or {base|r1|r2|...} at run offset i. Returns 1 if it is ruby, 0 if
 * the braces are just text; -1 if it looks like ruby but the readings do not match the base
 * characters (the caller warns). */
static int ruby_parse(const struct run_view *v, size_t i, struct ruby *r)
{
    if (!is_syntax(v, i, '{'))
        return 0;
    r->start = i;
    r->base = i + 1;
    r->readings = 0;
    size_t part = i + 1;
    for (size_t j = i + 1; j < v->len; j++) {
        if (is_literal(v, j))
            continue;
        char c = v->s[j];
        if (c == '{' || c == '\n' || (c == ' ' && part != r->base))
            return 0; /* readings have no spaces: {a|b and c|d} is text, not ruby */
        if (c != '|' && c != '}')
            continue;
        if (j == part)
            return 0; /* an empty base or reading */
        if (part == r->base) {
            r->base_len = j - part;
        } else {
            if (r->readings == MAX_READINGS)
                return 0;
            r->reading[r->readings] = part;
            r->reading_len[r->readings++] = j - part;
        }
        part = j + 1;
        if (c == '}') {
            r->end = j + 1;
            if (r->readings == 0)
                return 0;
            if (r->readings > 1 && cjk_count(v->s + r->base, r->base_len) != r->readings)
                return -1;
            return 1;
        }
    }
    return 0;
}

static uint32_t first_cp(const char *s, size_t n)
{
    size_t len;
    return n ? cjk_decode(s, n, &len) : 0;
}

/* Decides a pending line break now that the next character is known. */
static void softbreak_resolve(struct builder *b, uint32_t next)
{
    if (!b->sb_node)
        return;
    if (cjk_is_wide(b->sb_prev) && cjk_is_wide(next)) {
        size_t n = xmlStrlen(b->sb_node->content);
        if (n > 0 && b->sb_node->content[n - 1] == ' ')
            b->sb_node->content[n - 1] = '\0';
    }
    b->sb_node = NULL;
}

static xmlNodePtr current(struct builder *b)
{
    return b->depth ? b->frames[b->depth - 1].node : b->dom->root;
}

static void emit_text(struct builder *b, xmlNodePtr parent, struct buf *seg, int pending_space)
{
    if (seg->len == 0)
        return;
    softbreak_resolve(b, first_cp(seg->data, seg->len));
    xmlNodePtr t = xmlNewDocTextLen(b->dom->doc, BAD_CAST seg->data, (int)seg->len);
    t = xmlAddChild(parent, t);
    if (pending_space) {
        b->sb_node = t;
        b->sb_prev = b->last_cp;
    } else {
        b->last_cp = cjk_decode_last(seg->data, seg->len);
    }
    buf_reset(seg);
}

static void add_text_element(xmlDocPtr doc, xmlNodePtr parent, const char *name, const char *s,
                             size_t n)
{
    xmlNodePtr e = xmlNewDocNode(doc, NULL, BAD_CAST name, NULL);
    xmlAddChild(e, xmlNewDocTextLen(doc, BAD_CAST s, (int)n));
    xmlAddChild(parent, e);
}

/* The <ruby> element of r, under parent. */
static void add_ruby(xmlNodePtr parent, const struct run_view *v, const struct ruby *r)
{
    xmlNodePtr ruby = xmlNewDocNode(parent->doc, NULL, BAD_CAST "ruby", NULL);
    size_t at = r->base;
    for (size_t k = 0; k < r->readings; k++) {
        size_t n = r->base_len;
        if (r->readings > 1)
            cjk_decode(v->s + at, r->base + r->base_len - at, &n);
        /* No <rp>: the writer adds the parentheses (see dom.c). */
        xmlAddChild(ruby, xmlNewDocTextLen(parent->doc, BAD_CAST v->s + at, (int)n));
        add_text_element(parent->doc, ruby, "rt", v->s + r->reading[k], r->reading_len[k]);
        at += n;
    }
    xmlAddChild(parent, ruby);
}

/* Emits text with ruby and CJK-aware line breaks ('\n' not literal) under parent. */
static void emit_rich(struct builder *b, xmlNodePtr parent, const struct run_view *v)
{
    struct buf seg = b->seg; /* reused: this runs at every element boundary */
    buf_reset(&seg);
    struct ruby r;
    size_t i = 0;
    while (i < v->len) {
        /* Plain text up to the next brace or line break goes over in one piece. */
        size_t j = i + strcspn(v->s + i, "{\n"); /* v->s is NUL-terminated, with no NUL inside */
        if (j > v->len)
            j = v->len;
        buf_add(&seg, v->s + i, j - i);
        i = j;
        if (i == v->len)
            break;
        char c = v->s[i];
        if (is_literal(v, i)) {
            buf_putc(&seg, c);
            i++;
        } else if (c == '{') {
            int ok = ruby_parse(v, i, &r);
            if (ok == 1) {
                emit_text(b, parent, &seg, 0);
                softbreak_resolve(b, first_cp(v->s + r.base, r.base_len));
                add_ruby(parent, v, &r);
                b->last_cp = cjk_decode_last(v->s + r.base, r.base_len);
                i = r.end;
                continue;
            }
            if (ok < 0) {
                unsigned line, col;
                position(b, run_to_src(b, i), &line, &col);
                diag_warning(b->d, b->path, line, col,
                             _("ruby '%.*s' has %zu readings for %zu characters; give one reading "
                               "for the whole word, or one per character"),
                             (int)(r.end - r.start), v->s + r.start, r.readings,
                             cjk_count(v->s + r.base, r.base_len));
            }
            buf_putc(&seg, c);
            i++;
        } else {
            uint32_t prev = seg.len ? cjk_decode_last(seg.data, seg.len) : b->last_cp;
            i++;
            if (i == v->len) {
                /* The next character comes after an element boundary: decide later. */
                buf_putc(&seg, ' ');
                b->last_cp = prev;
                emit_text(b, parent, &seg, 1);
                break;
            }
            uint32_t next;
            if (ruby_parse(v, i, &r) == 1)
                next = first_cp(v->s + r.base, r.base_len);
            else
                next = first_cp(v->s + i, v->len - i);
            if (!(cjk_is_wide(prev) && cjk_is_wide(next)))
                buf_putc(&seg, ' ');
        }
    }
    emit_text(b, parent, &seg, 0);
    b->seg = seg;
}

static void run_clear(struct builder *b)
{
    buf_reset(&b->run);
    b->esc_len = 0;
    b->origins_len = 0;
}

static void flush(struct builder *b)
{
    if (b->run.len == 0)
        return;
    xmlNodePtr parent = current(b);
    if (b->in_code) {
        softbreak_resolve(b, first_cp(b->run.data, b->run.len));
        xmlAddChild(parent, xmlNewDocTextLen(b->dom->doc, BAD_CAST b->run.data, (int)b->run.len));
        b->last_cp = cjk_decode_last(b->run.data, b->run.len);
    } else {
        struct run_view v = {b->run.data, b->run.len, b->esc, b->esc_len};
        emit_rich(b, parent, &v);
    }
    run_clear(b);
}

/* Frames */

static struct frame *push(struct builder *b, enum frame_kind kind, int md, xmlNodePtr node)
{
    XALLOC_GROW(b->frames, b->depth + 1, b->cap);
    struct frame *f = &b->frames[b->depth++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->md = md;
    f->node = node;
    f->off = SIZE_MAX;
    if (kind == FRAME_MD || kind == FRAME_RAW)
        b->elements++;
    if (kind == FRAME_SUPPRESS)
        b->suppress++;
    return f;
}

static void pop(struct builder *b)
{
    struct frame *f = &b->frames[--b->depth];
    if (f->kind == FRAME_MD || f->kind == FRAME_RAW)
        b->elements--;
    if (f->kind == FRAME_SUPPRESS)
        b->suppress--;
    free(f->href);
    free(f->title);
}

static int too_deep(struct builder *b)
{
    if (b->elements < MAX_DEPTH)
        return 0;
    if (!b->warned_depth) {
        unsigned line, col;
        position(b, b->last_off, &line, &col);
        diag_warning(b->d, b->path, line, col,
                     _("the text is nested more than %d levels deep; the deeper levels were "
                       "flattened"),
                     MAX_DEPTH);
        b->warned_depth = 1;
    }
    return 1;
}

/* Opens an element under the current one; returns it, or NULL when it was left out (the
 * frame then keeps children in the current element). */
static xmlNodePtr open_element(struct builder *b, const char *name, int md)
{
    flush(b);
    if (b->suppress || too_deep(b)) {
        push(b, FRAME_FLAT, md, current(b));
        return NULL;
    }
    xmlNodePtr e = xmlNewDocNode(b->dom->doc, NULL, BAD_CAST name, NULL);
    xmlAddChild(current(b), e);
    push(b, FRAME_MD, md, e);
    return e;
}

/* The innermost frame md4c opened, or NULL when it is not of type md: md4c 0.4.8 can report
 * the end of a link it never reported the start of ("![]([)]()"), and such an event must not
 * close anything. */
static struct frame *md_frame(struct builder *b, int md)
{
    size_t i = b->depth;
    while (i > 0 && (b->frames[i - 1].kind == FRAME_RAW || b->frames[i - 1].kind == FRAME_SUPPRESS))
        i--;
    return i > 0 && b->frames[i - 1].md == md ? &b->frames[i - 1] : NULL;
}

/* Closes raw HTML left open inside the md4c element being closed. */
static void pop_raw(struct builder *b)
{
    while (b->depth > 0 && (b->frames[b->depth - 1].kind == FRAME_RAW ||
                            b->frames[b->depth - 1].kind == FRAME_SUPPRESS))
        pop(b);
}

/* Links and images */

static void set_prop(xmlNodePtr n, const char *name, const char *value)
{
    if (value)
        xmlSetProp(n, BAD_CAST name, BAD_CAST value);
}

/* Sets an address attribute, written as a valid URL string. */
static void set_url(xmlNodePtr n, const char *name, const char *url)
{
    char *valid = url_normalise(url);
    set_prop(n, name, valid);
    free(valid);
}

/* An address on the web rather than in the site: it gets rel="noopener". */
static int is_web_url(const char *url)
{
    return url_web_rest(url) || url_is_network_path(url);
}

/* Moves n's children to its place and frees n. */
static void unwrap(xmlNodePtr n)
{
    while (n->children) {
        xmlNodePtr c = n->children;
        xmlUnlinkNode(c);
        xmlAddPrevSibling(n, c);
    }
    xmlUnlinkNode(n);
    xmlFreeNode(n);
}

/* Sets a's href from a target as written; returns 0, or -1 when the target is not allowed
 * and a was unwrapped (freed). */
static int link_apply(struct builder *b, xmlNodePtr a, const char *href, size_t off)
{
    if (!url_link_allowed(href)) {
        unsigned line, col;
        position(b, off, &line, &col);
        diag_warning(b->d, b->path, line, col,
                     _("the link address '%s' is not allowed and was removed (use http, https, "
                       "mailto or tel links, or paths within the site)"),
                     href);
        unwrap(a);
        return -1;
    }
    if (url_has_scheme(href) || is_web_url(href)) {
        set_url(a, "href", href);
        if (is_web_url(href))
            set_prop(a, "rel", "noopener");
        return 0;
    }
    char *url = NULL;
    if (b->hooks && b->hooks->link && href[0] != '#' && href[0] != '\0') {
        unsigned line, col;
        position(b, off, &line, &col);
        url = b->hooks->link(href, line, col, b->hooks->userdata);
    }
    set_url(a, "href", url ? url : href);
    free(url);
    return 0;
}

/* Fills img from src as written (through the image hook); returns -1 when the image must be
 * left out (not allowed, or missing: already reported). */
static int image_apply(struct builder *b, xmlNodePtr img, const char *src, const char *alt,
                       size_t off)
{
    unsigned line, col;
    if (!url_image_allowed(src)) {
        position(b, off, &line, &col);
        diag_warning(b->d, b->path, line, col,
                     _("the image address '%s' is not allowed and was removed (use a picture file "
                       "of the site, or an http or https address)"),
                     src);
        return -1;
    }
    struct markdown_image im = {0};
    int resolved = 0;
    if (!url_has_scheme(src) && !is_web_url(src) && b->hooks && b->hooks->image) {
        position(b, off, &line, &col);
        if (b->hooks->image(src, line, col, &im, b->hooks->userdata) != 0) {
            free(im.src), free(im.srcset), free(im.sizes), free(im.full);
            return -1;
        }
        resolved = 1;
    }
    if (alt && alt[0] == '\0') {
        position(b, off, &line, &col);
        diag_warning(b->d, b->path, line, col,
                     _("the image '%s' has no alt text: describe it for readers who cannot see it, "
                       "like ![a short description](%s)"),
                     src, src);
    }
    set_url(img, "src", resolved && im.src ? im.src : src);
    if (alt)
        set_prop(img, "alt", alt);
    if (im.width > 0 && im.height > 0) {
        char num[16];
        snprintf(num, sizeof num, "%d", im.width);
        set_prop(img, "width", num);
        snprintf(num, sizeof num, "%d", im.height);
        set_prop(img, "height", num);
    }
    set_prop(img, "srcset", im.srcset);
    set_prop(img, "sizes", im.sizes);
    /* The first picture is likely on screen when the page opens: load it at once. */
    if (b->images++ > 0) {
        set_prop(img, "loading", "lazy");
        set_prop(img, "decoding", "async");
    }
    if (im.full && b->link_depth == 0) {
        xmlNodePtr a = xmlNewDocNode(b->dom->doc, NULL, BAD_CAST "a", NULL);
        set_url(a, "href", im.full);
        xmlReplaceNode(img, a);
        xmlAddChild(a, img);
    }
    free(im.src), free(im.srcset), free(im.sizes), free(im.full);
    return 0;
}

/* Alt text is plain: ruby keeps its base ({漢字|かんじ} reads as 漢字). */
static void alt_plain(struct buf *alt)
{
    struct run_view v = {alt->data, alt->len, NULL, 0};
    struct ruby r;
    size_t w = 0;
    for (size_t i = 0; i < v.len;) {
        if (v.s[i] == '{' && ruby_parse(&v, i, &r) == 1) {
            size_t at = r.base;
            memmove(alt->data + w, v.s + at, r.base_len);
            w += r.base_len;
            i = r.end;
            continue;
        }
        alt->data[w++] = v.s[i++];
    }
    buf_truncate(alt, w);
}

/* A chart's title (chart.h) under parent: text, and <ruby> where braces make ruby. */
static void chart_ruby(xmlNodePtr parent, const char *text, void *userdata)
{
    struct run_view v = {text, strlen(text), NULL, 0};
    struct ruby r;
    for (size_t i = 0, from = 0; i <= v.len; i++) {
        int ruby = i < v.len && v.s[i] == '{' && ruby_parse(&v, i, &r) == 1;
        if ((ruby || i == v.len) && i > from)
            xmlNodeAddContentLen(parent, BAD_CAST v.s + from, (int)(i - from));
        if (ruby) {
            add_ruby(parent, &v, &r);
            from = r.end;
            i = r.end - 1;
        }
    }
}

/* Where the address of the link or picture ending now is written, when md4c handed it over
 * from a buffer of its own (it had an entity or an escape): after the "](" that follows the
 * text read last (the label), within the paragraph. SIZE_MAX when there is none (a reference,
 * [x][ref]: position() then gives the label's place). */
static size_t destination_offset(const struct builder *b)
{
    size_t i = b->last_end ? (size_t)(b->last_end - b->src) : b->last_off;
    for (; i + 1 < b->len; i++) {
        if (b->src[i] == '\n' && b->src[i + 1] == '\n')
            break;
        if (b->src[i] != ']' || b->src[i + 1] != '(')
            continue;
        for (i += 2; i < b->len && (b->src[i] == ' ' || b->src[i] == '\t' || b->src[i] == '\n');)
            i++;
        return i < b->len && b->src[i] == '<' ? i + 1 : i;
    }
    return SIZE_MAX;
}

static void image_finish(struct builder *b)
{
    if (b->img_off == SIZE_MAX)
        b->img_off = destination_offset(b);
    alt_plain(&b->alt);
    char *alt = buf_detach(&b->alt, NULL);
    /* Trim: md4c keeps the spaces inside the brackets. */
    size_t n = strlen(alt), s = 0;
    while (n > 0 && alt[n - 1] == ' ')
        alt[--n] = '\0';
    while (alt[s] == ' ')
        s++;
    xmlNodePtr parent = current(b);
    xmlNodePtr img = xmlNewDocNode(b->dom->doc, NULL, BAD_CAST "img", NULL);
    xmlAddChild(parent, img);
    if (b->suppress || image_apply(b, img, b->img_src, alt + s, b->img_off) != 0) {
        xmlUnlinkNode(img);
        xmlFreeNode(img);
    } else {
        softbreak_resolve(b, 0);
        b->last_cp = 0;
        if (b->img_title && b->img_title[0]) {
            /* The caption may use ruby and wrap lines like body text. */
            xmlNodePtr cap = xmlNewDocNode(b->dom->doc, NULL, BAD_CAST "figcaption", NULL);
            struct run_view v = {b->img_title, strlen(b->img_title), NULL, 0};
            uint32_t saved = b->last_cp;
            b->last_cp = 0;
            emit_rich(b, cap, &v);
            softbreak_resolve(b, 0);
            b->last_cp = saved;
            img->_private = cap;
            XALLOC_GROW(b->captioned, b->captioned_len + 1, b->captioned_cap);
            b->captioned[b->captioned_len++] = img;
        }
    }
    free(alt);
    free(b->img_src);
    free(b->img_title);
    b->img_src = b->img_title = NULL;
    buf_init(&b->alt);
}

/* An image that does not become a figure keeps its caption as a tooltip. */
static void caption_to_title(xmlNodePtr img)
{
    xmlNodePtr cap = img->_private;
    if (!cap)
        return;
    struct buf text;
    buf_init(&text);
    dom_text_of(cap, &text);
    xmlSetProp(img, BAD_CAST "title", BAD_CAST text.data);
    buf_release(&text);
    xmlFreeNode(cap);
    img->_private = NULL;
}

static int is_blank_text(xmlNodePtr n)
{
    if (n->type != XML_TEXT_NODE)
        return 0;
    for (const xmlChar *c = n->content; *c; c++)
        if (*c != ' ' && *c != '\n')
            return 0;
    return 1;
}

/* The picture inside n if n is a picture (img, or a link around one img), else NULL. */
static xmlNodePtr picture_of(xmlNodePtr n)
{
    if (n->type != XML_ELEMENT_NODE)
        return NULL;
    if (strcmp((const char *)n->name, "img") == 0)
        return n;
    if (strcmp((const char *)n->name, "a") != 0)
        return NULL;
    xmlNodePtr img = NULL;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (is_blank_text(c))
            continue;
        if (img || c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "img") != 0)
            return NULL;
        img = c;
    }
    return img;
}

/* A paragraph of nothing but pictures becomes one figure per picture. */
static void paragraph_figures(xmlNodePtr p)
{
    int pictures = 0;
    for (xmlNodePtr c = p->children; c; c = c->next) {
        if (is_blank_text(c))
            continue;
        if (!picture_of(c))
            return;
        pictures++;
    }
    if (pictures == 0) {
        /* Emptied by a picture that was left out: no empty paragraph either. */
        for (xmlNodePtr c = p->children; c; c = c->next)
            if (!is_blank_text(c))
                return;
        xmlUnlinkNode(p);
        xmlFreeNode(p);
        return;
    }
    while (p->children) {
        xmlNodePtr c = p->children;
        xmlUnlinkNode(c);
        if (is_blank_text(c)) {
            xmlFreeNode(c);
            continue;
        }
        xmlNodePtr img = picture_of(c);
        xmlNodePtr fig = xmlNewDocNode(p->doc, NULL, BAD_CAST "figure", NULL);
        xmlAddChild(fig, c);
        if (img->_private) {
            xmlAddChild(fig, img->_private);
            img->_private = NULL;
        }
        xmlAddPrevSibling(p, fig);
    }
    xmlUnlinkNode(p);
    xmlFreeNode(p);
}

/* Raw HTML */

/* Links and pictures that came in raw HTML go through the same checks as Markdown ones. */
static void raw_fixup(struct builder *b, xmlNodePtr top, size_t off)
{
    xmlNodePtr n = top;
    while (n) {
        /* The next node is found first: n may be replaced or freed below. */
        xmlNodePtr next = NULL;
        if (n->type == XML_ELEMENT_NODE && n->children) {
            next = n->children;
        } else {
            for (xmlNodePtr k = n; k && k != top; k = k->parent)
                if (k->next) {
                    next = k->next;
                    break;
                }
        }
        if (n->type == XML_ELEMENT_NODE && xmlHasProp(n, BAD_CAST "id")) {
            XALLOC_GROW(b->raw_ids, b->raw_ids_len + 1, b->raw_ids_cap);
            b->raw_ids[b->raw_ids_len++] = (struct heading){n, NULL, off};
        }
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, "a") == 0) {
            xmlChar *href = xmlGetProp(n, BAD_CAST "href");
            if (href) {
                xmlUnsetProp(n, BAD_CAST "href");
                if (url_link_allowed((const char *)href))
                    link_apply(b, n, (const char *)href, off);
                xmlFree(href);
            }
        } else if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, "img") == 0) {
            xmlChar *src = xmlGetProp(n, BAD_CAST "src");
            xmlChar *alt = xmlGetProp(n, BAD_CAST "alt");
            int drop = !src;
            if (src) {
                xmlUnsetProp(n, BAD_CAST "src");
                drop = image_apply(b, n, (const char *)src, alt ? (const char *)alt : "", off);
            }
            if (drop) {
                xmlUnlinkNode(n);
                xmlFreeNode(n);
            }
            xmlFree(src);
            xmlFree(alt);
        }
        n = next;
    }
}

/* Opens a raw HTML element from its start tag. In a paragraph (inline) a dropped element's
 * content goes up to its end tag; a lone start tag as a block (block) drops nothing more,
 * or a forgotten </iframe> would swallow the rest of the page. */
static void raw_open(struct builder *b, const char *tag, size_t len, size_t off, int block)
{
    flush(b);
    struct sanitiser_source s = sanitiser_source_at(b, off);
    char name[16];
    enum sanitiser_drop drop;
    xmlNodePtr el = sanitiser_clean_tag(&s, b->dom->doc, tag, len, name, &drop);
    int closed = len >= 2 && tag[len - 2] == '/';
    if (!el) {
        if (drop == SANITISER_DROP_CONTENT && !closed && !dom_is_void(name) && !block) {
            struct frame *f = push(b, FRAME_SUPPRESS, -1, current(b));
            snprintf(f->name, sizeof f->name, "%s", name);
        }
        return;
    }
    if (b->suppress || too_deep(b)) {
        xmlFreeNode(el);
        return;
    }
    xmlAddChild(current(b), el);
    int is_void = dom_is_void(name);
    raw_fixup(b, el, off);
    if (!closed && !is_void) {
        struct frame *f = push(b, FRAME_RAW, -1, el);
        snprintf(f->name, sizeof f->name, "%s", name);
    }
}

static void raw_close(struct builder *b, const char *tag, size_t len)
{
    char name[16];
    size_t n = 0;
    for (size_t i = 2; i < len && n < sizeof name - 1; i++) {
        char c = tag[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-'))
            break;
        name[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c);
    }
    name[n] = '\0';
    /* Only raw elements above the innermost Markdown element can be closed. */
    for (size_t i = b->depth; i > 0; i--) {
        struct frame *f = &b->frames[i - 1];
        if (f->kind != FRAME_RAW && f->kind != FRAME_SUPPRESS)
            return;
        if (strcmp(f->name, name) == 0) {
            flush(b);
            while (b->depth >= i)
                pop(b);
            return;
        }
    }
}

static void raw_inline(struct builder *b, const char *html, size_t len, size_t off)
{
    if (len < 3 || html[0] != '<' || html[1] == '!' || html[1] == '?')
        return; /* comments, declarations, processing instructions: nothing to show */
    if (html[1] == '/')
        raw_close(b, html, len);
    else
        raw_open(b, html, len, off, 0);
}

/* Handles the inline tag read so far, whole or not (md4c went on to something else). */
static void raw_tag_flush(struct builder *b)
{
    if (b->tag.len == 0)
        return;
    raw_inline(b, b->tag.data, b->tag.len, b->tag_off);
    buf_reset(&b->tag);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* An HTML block that is a lone start tag, or only end tags, opens or closes an element
 * around the Markdown blocks that follow, like <div class="note"> ... </div>. */
static void raw_block(struct builder *b)
{
    const char *s = b->html.data;
    size_t n = b->html.len;
    while (n > 0 && is_space(s[n - 1]))
        n--;
    while (n > 0 && is_space(*s))
        s++, n--;
    if (n == 0)
        return;
    size_t off = b->html_off;
    const char *lt = memchr(s + 1, '<', n - 1);
    if (s[0] == '<' && s[n - 1] == '>' && !lt && s[1] != '/' && s[1] != '!' && s[1] != '?') {
        raw_open(b, s, n, off, 1);
        return;
    }
    int only_end_tags = 1;
    for (size_t i = 0; i < n && only_end_tags;) {
        if (is_space(s[i])) {
            i++;
            continue;
        }
        const char *gt = memchr(s + i, '>', n - i);
        if (i + 1 >= n || s[i] != '<' || s[i + 1] != '/' || !gt ||
            memchr(s + i + 1, '<', (size_t)(gt - s) - i - 1))
            only_end_tags = 0;
        else
            i = (size_t)(gt - s) + 1;
    }
    if (only_end_tags) {
        for (size_t i = 0; i < n;) {
            if (s[i] != '<') {
                i++;
                continue;
            }
            const char *gt = memchr(s + i, '>', n - i);
            raw_close(b, s + i, (size_t)(gt - s) - i + 1);
            i = (size_t)(gt - s) + 1;
        }
        return;
    }
    /* A block that starts with tags it leaves open ("<details>\n<summary>Q</summary>") opens
     * them around the blocks that follow, as a lone start tag does. */
    size_t ends[8];
    size_t open = sanitiser_leading_open(s, n, ends, sizeof ends / sizeof *ends);
    for (size_t i = 0, from = 0; i < open; from = ends[i++]) {
        while (is_space(s[from]))
            from++;
        raw_open(b, s + from, ends[i] - from, off, 1);
    }
    if (open > 0) {
        s += ends[open - 1];
        n -= ends[open - 1];
    }
    if (b->suppress)
        return;
    xmlNodePtr parent = current(b);
    xmlNodePtr last = parent->last;
    struct sanitiser_source src = sanitiser_source_at(b, off);
    sanitiser_import_html(&src, b->dom->doc, parent, s, n, (int)(MAX_DEPTH - b->elements));
    for (xmlNodePtr k = last ? last->next : parent->children; k;) {
        xmlNodePtr next = k->next;
        raw_fixup(b, k, off);
        k = next;
    }
}

/* md4c callbacks */

static int on_enter_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    struct builder *b = userdata;
    raw_tag_flush(b);
    flush(b);
    b->sb_node = NULL;
    b->last_cp = 0;
    if (b->img_depth)
        return 0;
    xmlNodePtr e = NULL;
    switch (type) {
    case MD_BLOCK_DOC:
        break;
    case MD_BLOCK_QUOTE:
        open_element(b, "blockquote", (int)type);
        break;
    case MD_BLOCK_UL:
        open_element(b, "ul", (int)type);
        break;
    case MD_BLOCK_OL: {
        const MD_BLOCK_OL_DETAIL *ol = detail;
        e = open_element(b, "ol", (int)type);
        if (e && ol->start != 1) {
            char num[16];
            snprintf(num, sizeof num, "%u", ol->start);
            set_prop(e, "start", num);
        }
        break;
    }
    case MD_BLOCK_LI: {
        const MD_BLOCK_LI_DETAIL *li = detail;
        e = open_element(b, "li", (int)type);
        if (e && li->is_task) {
            set_prop(e, "class", "task");
            xmlNodePtr box = xmlNewChild(e, NULL, BAD_CAST "input", NULL);
            set_prop(box, "type", "checkbox");
            set_prop(box, "disabled", "disabled");
            if (li->task_mark != ' ')
                set_prop(box, "checked", "checked");
            xmlAddChild(e, xmlNewDocText(b->dom->doc, BAD_CAST " "));
        }
        break;
    }
    case MD_BLOCK_HR:
        open_element(b, "hr", (int)type);
        break;
    case MD_BLOCK_H: {
        const MD_BLOCK_H_DETAIL *h = detail;
        char name[3] = {'h', (char)('0' + h->level), '\0'};
        e = open_element(b, name, (int)type);
        if (e) {
            XALLOC_GROW(b->headings, b->headings_len + 1, b->headings_cap);
            b->headings[b->headings_len++] = (struct heading){e, NULL, SIZE_MAX};
        }
        break;
    }
    case MD_BLOCK_CODE: {
        const MD_BLOCK_CODE_DETAIL *code = detail;
        open_element(b, "pre", (int)type);
        e = open_element(b, "code", (int)type);
        if (e && code->lang.size > 0) {
            char *lang = attribute_text(&code->lang, b->len + 16);
            char *cls = xasprintf("language-%s", lang);
            set_prop(e, "class", cls);
            free(cls);
            free(lang);
        }
        b->in_code++;
        break;
    }
    case MD_BLOCK_HTML:
        b->in_html_block = 1;
        buf_reset(&b->html);
        b->html_off = SIZE_MAX;
        break;
    case MD_BLOCK_P:
        open_element(b, "p", (int)type);
        chart_reader_paragraph(b->charts);
        break;
    case MD_BLOCK_TABLE:
        e = open_element(b, "table", (int)type);
        chart_reader_table(b->charts, e, ((const MD_BLOCK_TABLE_DETAIL *)detail)->col_count);
        break;
    case MD_BLOCK_THEAD:
        open_element(b, "thead", (int)type);
        break;
    case MD_BLOCK_TBODY:
        open_element(b, "tbody", (int)type);
        break;
    case MD_BLOCK_TR:
        open_element(b, "tr", (int)type);
        chart_reader_row(b->charts);
        break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD: {
        const MD_BLOCK_TD_DETAIL *td = detail;
        e = open_element(b, type == MD_BLOCK_TH ? "th" : "td", (int)type);
        b->in_cell = 1;
        chart_reader_cell(b->charts, e);
        static const char *const align[] = {NULL, "text-align: left", "text-align: center",
                                            "text-align: right"};
        if (e && td->align > MD_ALIGN_DEFAULT && td->align <= MD_ALIGN_RIGHT)
            set_prop(e, "style", align[td->align]);
        break;
    }
    }
    return 0;
}

/* Takes a trailing {#id} off a heading's last text. */
static void heading_id(struct builder *b)
{
    struct run_view v = {b->run.data, b->run.len, b->esc, b->esc_len};
    size_t n = v.len;
    while (n > 0 && v.s[n - 1] == ' ')
        n--;
    if (n < 4 || !is_syntax(&v, n - 1, '}'))
        return;
    size_t open = n - 1;
    while (open > 0 && !is_syntax(&v, open - 1, '{'))
        open--;
    if (open == 0 || open + 1 >= n - 1 || v.s[open] != '#')
        return;
    for (size_t i = open + 1; i < n - 1; i++)
        if (is_space(v.s[i]) || v.s[i] == '{' || v.s[i] == '}' || v.s[i] == '"')
            return;
    struct heading *h = &b->headings[b->headings_len - 1];
    h->id = xstrndup(v.s + open + 1, n - 2 - open);
    h->off = run_to_src(b, open - 1);
    set_prop(h->node, "id", h->id);
    size_t cut = open - 1;
    while (cut > 0 && v.s[cut - 1] == ' ')
        cut--;
    buf_truncate(&b->run, cut);
    while (b->esc_len > 0 && b->esc[b->esc_len - 1] >= cut)
        b->esc_len--;
}

/* Closes the element md4c opened for md; returns 0, or -1 when the innermost one is not of
 * that type (then nothing is closed). */
static int close_md(struct builder *b, int md)
{
    flush(b);
    if (!md_frame(b, md))
        return -1;
    pop_raw(b);
    pop(b);
    return 0;
}

static int on_leave_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
    struct builder *b = userdata;
    raw_tag_flush(b);
    if (b->img_depth)
        return 0;
    if (type == MD_BLOCK_H && b->headings_len > 0 && b->depth > 0 &&
        b->frames[b->depth - 1].kind == FRAME_MD &&
        b->frames[b->depth - 1].node == b->headings[b->headings_len - 1].node)
        heading_id(b);
    flush(b);
    b->sb_node = NULL;
    b->last_cp = 0;
    switch (type) {
    case MD_BLOCK_DOC:
        while (b->depth > 0)
            pop(b);
        break;
    case MD_BLOCK_HTML:
        b->in_html_block = 0;
        raw_block(b);
        break;
    case MD_BLOCK_CODE:
        if (close_md(b, (int)type) == 0 && close_md(b, (int)type) == 0)
            b->in_code--;
        break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
        close_md(b, (int)type);
        b->in_cell = 0;
        break;
    case MD_BLOCK_TABLE:
        close_md(b, (int)type);
        chart_reader_table_end(b->charts);
        break;
    case MD_BLOCK_P: {
        struct frame *f = md_frame(b, (int)type);
        xmlNodePtr p = f && f->kind == FRAME_MD ? f->node : NULL;
        if (close_md(b, (int)type) == 0 && p &&
            !chart_reader_paragraph_end(b->charts, p, b->last_off))
            paragraph_figures(p);
        break;
    }
    default:
        close_md(b, (int)type);
        break;
    }
    return 0;
}

static int on_enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    struct builder *b = userdata;
    raw_tag_flush(b);
    if (b->img_depth) {
        b->img_depth += type == MD_SPAN_IMG;
        return 0;
    }
    switch (type) {
    case MD_SPAN_EM:
        open_element(b, "em", SPAN + (int)type);
        break;
    case MD_SPAN_STRONG:
        open_element(b, "strong", SPAN + (int)type);
        break;
    case MD_SPAN_DEL:
        open_element(b, "del", SPAN + (int)type);
        break;
    case MD_SPAN_CODE:
        open_element(b, "code", SPAN + (int)type);
        b->in_code++;
        break;
    case MD_SPAN_A: {
        const MD_SPAN_A_DETAIL *a = detail;
        xmlNodePtr e = open_element(b, "a", SPAN + (int)type);
        struct frame *f = &b->frames[b->depth - 1];
        if (e) {
            f->href = attribute_text(&a->href, b->len + 16);
            f->title = a->title.size ? attribute_text(&a->title, b->len + 16) : NULL;
            f->off = src_offset(b, a->href.text); /* SIZE_MAX: found when the link ends */
        }
        b->link_depth++;
        break;
    }
    case MD_SPAN_IMG: {
        const MD_SPAN_IMG_DETAIL *img = detail;
        flush(b);
        b->img_depth = 1;
        buf_reset(&b->alt);
        b->img_src = attribute_text(&img->src, b->len + 16);
        b->img_title = img->title.size ? attribute_text(&img->title, b->len + 16) : NULL;
        b->img_off = src_offset(b, img->src.text); /* SIZE_MAX: found when it ends */
        break;
    }
    default: /* extensions we do not enable */
        open_element(b, "span", SPAN + (int)type);
        break;
    }
    return 0;
}

static int on_leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
    struct builder *b = userdata;
    raw_tag_flush(b);
    if (b->img_depth) {
        if (type == MD_SPAN_IMG && --b->img_depth == 0)
            image_finish(b);
        return 0;
    }
    if (type != MD_SPAN_A) {
        if (close_md(b, SPAN + (int)type) == 0 && type == MD_SPAN_CODE)
            b->in_code--;
        return 0;
    }
    flush(b);
    if (!md_frame(b, SPAN + (int)type))
        return 0;
    b->link_depth--;
    pop_raw(b);
    struct frame *f = &b->frames[b->depth - 1];
    xmlNodePtr a = f->kind == FRAME_MD ? f->node : NULL;
    if (f->off == SIZE_MAX)
        f->off = destination_offset(b);
    if (a && f->href) {
        if (link_apply(b, a, f->href, f->off) == 0)
            set_prop(a, "title", f->title);
    }
    pop(b);
    return 0;
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *userdata)
{
    struct builder *b = userdata;
    size_t off = src_offset(b, text);
    /* md4c 0.4.8 has been seen (by fuzzing) to hand over sizes that run past the input: text
     * in the source ends with it, and text elsewhere is never longer than the input. */
    if (off != SIZE_MAX && size > b->len - off)
        size = (MD_SIZE)(b->len - off);
    else if (off == SIZE_MAX && size > b->len + 16)
        return 0;
    if (off != SIZE_MAX) {
        b->last_off = off;
        chart_reader_text(b->charts, off, b->in_cell);
    }
    const char *prev_end = b->last_end;
    if (off != SIZE_MAX)
        b->last_end = text + size;
    if (b->in_html_block) {
        if (b->html_off == SIZE_MAX)
            b->html_off = off;
        buf_add(&b->html, text, size);
        return 0;
    }
    if (b->img_depth) {
        if (type == MD_TEXT_ENTITY)
            append_entity(&b->alt, text, size);
        else if (type == MD_TEXT_NULLCHAR)
            append_cp(&b->alt, 0xFFFD);
        else if (type == MD_TEXT_BR || type == MD_TEXT_SOFTBR)
            buf_putc(&b->alt, ' ');
        else if (type != MD_TEXT_HTML)
            buf_add(&b->alt, text, size);
        return 0;
    }
    if (type == MD_TEXT_HTML) {
        if (b->tag.len == 0)
            b->tag_off = off;
        buf_add(&b->tag, text, size);
        if (sanitiser_is_whole(b->tag.data, b->tag.len))
            raw_tag_flush(b);
        return 0;
    }
    raw_tag_flush(b);
    if (b->suppress)
        return 0;
    size_t start = b->run.len;
    switch (type) {
    case MD_TEXT_NORMAL:
        run_origin(b, off);
        buf_add(&b->run, text, size);
        /* A chunk that starts right after a backslash md4c skipped is an escaped character.
         * In a table cell \| is how a bar is written at all, so there it still makes ruby. */
        if (off != SIZE_MAX && off > 0 && text[-1] == '\\' && prev_end != text &&
            !(b->in_cell && text[0] == '|'))
            run_mark_literal(b, start, start + 1);
        break;
    case MD_TEXT_NULLCHAR:
        append_cp(&b->run, 0xFFFD);
        break;
    case MD_TEXT_BR:
        flush(b);
        xmlAddChild(current(b), xmlNewDocNode(b->dom->doc, NULL, BAD_CAST "br", NULL));
        softbreak_resolve(b, 0);
        b->last_cp = 0;
        break;
    case MD_TEXT_SOFTBR:
        buf_putc(&b->run, b->in_code ? ' ' : '\n');
        break;
    case MD_TEXT_ENTITY:
        run_origin(b, off);
        append_entity(&b->run, text, size);
        run_mark_literal(b, start, b->run.len);
        break;
    default: /* code, and math we do not enable */
        run_origin(b, off);
        buf_add(&b->run, text, size);
        if (!b->in_code)
            run_mark_literal(b, start, b->run.len);
        break;
    }
    return 0;
}

/* Ids: each one word, unique in the page and apart from the theme's own. Ids written in the
 * text (raw HTML's id="…", a heading's {#…}) are claimed first, in the order they come, then
 * the headings' slugs. The theme's ids are in the map with a value, the page's without. */

/* Returns id, or id-2, id-3, ... whichever is not in ids yet, added to it; the string is the
 * map's. */
static const char *id_claim(struct strmap *ids, const char *id)
{
    int added;
    size_t i = strmap_add(ids, id, strlen(id), NULL, &added);
    for (unsigned n = 2; !added; n++) {
        char *claim = xasprintf("%s-%u", id, n);
        i = strmap_add(ids, claim, strlen(claim), NULL, &added);
        free(claim);
    }
    return strmap_key(ids, i);
}

/* Where the id of element n was written: its heading's {#…}, or its raw HTML. */
static size_t id_offset(const struct builder *b, xmlNodePtr n, int *heading)
{
    for (size_t i = 0; i < b->headings_len; i++)
        if (b->headings[i].node == n && b->headings[i].id) {
            *heading = 1;
            return b->headings[i].off;
        }
    *heading = 0;
    for (size_t i = b->raw_ids_len; i > 0; i--)
        if (b->raw_ids[i - 1].node == n)
            return b->raw_ids[i - 1].off;
    return SIZE_MAX;
}

/* Makes the id written on n one word and its own, or removes it, saying so. */
static void explicit_id(struct builder *b, struct strmap *ids, xmlNodePtr n)
{
    xmlChar *written = xmlGetProp(n, BAD_CAST "id");
    const char *w = (const char *)written;
    int heading;
    size_t off = id_offset(b, n, &heading);
    unsigned line, col;
    position(b, off, &line, &col);
    char *word = cjk_id(w, strlen(w));
    if (!*word) {
        diag_warning(b->d, b->path, line, col,
                     _("the id '%s' has no letters or digits and was removed"), w);
        xmlUnsetProp(n, BAD_CAST "id");
    } else {
        if (strcmp(word, w) != 0)
            diag_warning(b->d, b->path, line, col,
                         heading ? _("the heading id '%s' is not one word; it became '%s' (an id "
                                     "has no spaces or punctuation)")
                                 : _("the id '%s' is not one word; it became '%s' (an id has no "
                                     "spaces or punctuation)"),
                         w, word);
        size_t taken = strmap_find(ids, word, strlen(word));
        const char *id = id_claim(ids, word);
        if (strcmp(id, word) != 0) {
            const char *fmt =
                strmap_value(ids, taken)
                    ? (heading ? _("the heading id '%s' is the theme's own (its pages use it); "
                                   "this one became '%s'")
                               : _("the id '%s' is the theme's own (its pages use it); this one "
                                   "became '%s'"))
                    : (heading ? _("the heading id '%s' is used twice in this page; this one "
                                   "became '%s'")
                               : _("the id '%s' is used twice in this page; this one became '%s'"));
            diag_warning(b->d, b->path, line, col, fmt, word, id);
        }
        set_prop(n, "id", id);
    }
    free(word);
    xmlFree(written);
}

static void assign_ids(struct builder *b)
{
    struct strmap ids = STRMAP_INIT;
    const struct strv *theme = b->hooks ? b->hooks->reserved_ids : NULL;
    for (size_t i = 0; theme && i < theme->len; i++)
        strmap_add(&ids, theme->v[i], strlen(theme->v[i]), (void *)theme, NULL);
    xmlNodePtr root = b->dom->root;
    for (xmlNodePtr n = root->children; n; n = dom_walk_next(n, root, 0))
        if (n->type == XML_ELEMENT_NODE && xmlHasProp(n, BAD_CAST "id"))
            explicit_id(b, &ids, n);
    for (size_t i = 0; i < b->headings_len; i++) {
        struct heading *h = &b->headings[i];
        if (h->id)
            continue;
        struct buf text;
        buf_init(&text);
        dom_text_of(h->node, &text);
        char *slug = cjk_slug(text.data, text.len);
        set_prop(h->node, "id", id_claim(&ids, slug));
        free(slug);
        buf_release(&text);
    }
    strmap_release(&ids);
}

struct dom *markdown_parse(struct diag *d, const char *path, unsigned first_line, const char *text,
                           size_t len, const struct markdown_hooks *hooks)
{
    struct builder b;
    memset(&b, 0, sizeof b);
    b.d = d;
    b.path = path;
    b.first_line = first_line ? first_line : 1;
    b.src = text ? text : "";
    b.len = text ? len : 0;
    char *copy = NULL;
    b.hooks = hooks;
    struct chart_source charts = {.d = d,
                                  .path = path,
                                  .text = b.src,
                                  .len = b.len,
                                  .position = chart_position,
                                  .userdata = &b,
                                  .place = hooks ? hooks->chart : NULL,
                                  .place_userdata = hooks ? hooks->userdata : NULL,
                                  .tier = hooks ? hooks->chart_tier : NULL,
                                  .ruby = chart_ruby};
    b.charts = chart_reader_new(&charts);
    b.dom = dom_new();
    buf_init(&b.run);
    buf_init(&b.seg);
    buf_init(&b.alt);
    buf_init(&b.html);
    buf_init(&b.tag);
    if (len > INT_MAX) {
        /* libxml2 counts text in int. */
        diag_error(d, path, b.first_line, 0, _("the text is too long (more than 2 GB)"));
    } else {
        MD_PARSER parser = {
            0,
            MD_DIALECT_GITHUB,
            on_enter_block,
            on_leave_block,
            on_enter_span,
            on_leave_span,
            on_text,
            NULL,
            NULL,
        };
        /* md4c (0.4.8) reads one byte past the end of a text that ends inside a link's
         * address, like "[](" (found by fuzzing): it gets a copy with a NUL after the end. */
        copy = xmalloc(b.len + 1);
        memcpy(copy, b.src, b.len);
        copy[b.len] = '\0';
        b.src = copy;
        md_parse(b.src, (MD_SIZE)b.len, &parser, &b);
    }
    while (b.depth > 0)
        pop(&b);
    for (size_t i = 0; i < b.captioned_len; i++)
        caption_to_title(b.captioned[i]);
    chart_reader_free(b.charts); /* what charts took out of the tree, captions placed */
    assign_ids(&b);
    for (size_t i = 0; i < b.headings_len; i++)
        free(b.headings[i].id);
    free(b.headings);
    free(b.raw_ids);
    free(b.captioned);
    free(b.frames);
    free(b.esc);
    free(b.origins);
    free(b.lines);
    free(b.img_src);
    free(b.img_title);
    buf_release(&b.run);
    buf_release(&b.seg);
    buf_release(&b.alt);
    buf_release(&b.html);
    buf_release(&b.tag);
    strv_release(&b.reported);
    free(copy);
    return b.dom;
}
