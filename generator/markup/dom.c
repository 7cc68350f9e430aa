/* dom: serialising the body tree, the passes that read it, and the raw HTML sanitiser. */
#include "markup/dom.h"

#include <ctype.h>
#include <libxml/catalog.h>
#include <libxml/parser.h>
#include <libxml/xmlIO.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/cjk.h"
#include "core/url.h"
#include "core/xalloc.h"
#include "markup/dom_tree.h"

#define NAME(n) ((const char *)(n)->name)

static char *xml_strdup(const char *s)
{
    return xstrdup(s);
}

void dom_global_init(void)
{
    /* libxml2 then never sees a failed allocation: running out of memory aborts, as elsewhere. */
    xmlMemSetup(free, xmalloc, xrealloc, xml_strdup);
    xmlInitParser();
    /* The catalog (where the XHTML 1.1 DTD is found) sets itself up on first use, which is not
     * safe on several threads at once: the print edition validates its issues in parallel. */
    xmlInitializeCatalog();
}

struct dom *dom_new(void)
{
    struct dom *doc = xcalloc(1, sizeof *doc);
    doc->doc = xmlNewDoc(BAD_CAST "1.0");
    /* With an encoding set, libxml2 writes non-ASCII text as UTF-8 rather than &#x...;. */
    doc->doc->encoding = xmlStrdup(BAD_CAST "UTF-8");
    doc->root = xmlNewDocNode(doc->doc, NULL, BAD_CAST "div", NULL);
    xmlDocSetRootElement(doc->doc, doc->root);
    return doc;
}

void dom_free(struct dom *doc)
{
    if (!doc)
        return;
    xmlFreeDoc(doc->doc);
    free(doc);
}

int dom_is_element(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp(NAME(n), name) == 0;
}

xmlNodePtr dom_walk_next(xmlNodePtr n, xmlNodePtr top, int skip)
{
    if (!skip && n->type == XML_ELEMENT_NODE && n->children)
        return n->children;
    while (n && n != top) {
        if (n->next)
            return n->next;
        n = n->parent;
    }
    return NULL;
}

/* Serialisation */

/* Writes the children of top as HTML5 (xhtml = 0) or XHTML (xhtml = 1): void elements have
 * no end tag (written <br> or <br />), every other element has one. Escaping is libxml2's:
 * xmlEscapeContent for text, its attribute serialiser for attribute values. Markup of our
 * own making (names, brackets) collects in tags and goes over in one write before each
 * escaped piece: libxml2's output buffer is slow for many tiny writes. */
struct writer {
    xmlOutputBufferPtr out;
    xmlBufferPtr scratch;
    xmlDocPtr doc;
    struct buf tags;
    int xhtml;
};

static void writer_flush(struct writer *w)
{
    if (w->tags.len > 0)
        xmlOutputBufferWrite(w->out, (int)w->tags.len, w->tags.data);
    buf_reset(&w->tags);
}

/* The boolean attributes the tree can hold. */
static int is_boolean(const xmlChar *name)
{
    return xmlStrEqual(name, BAD_CAST "checked") || xmlStrEqual(name, BAD_CAST "disabled") ||
           xmlStrEqual(name, BAD_CAST "open");
}

static void write_attrs(struct writer *w, xmlNodePtr n)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        buf_putc(&w->tags, ' ');
        if (a->ns && a->ns->prefix) {
            buf_puts(&w->tags, (const char *)a->ns->prefix);
            buf_putc(&w->tags, ':');
        }
        buf_puts(&w->tags, (const char *)a->name);
        /* HTML writes boolean attributes (checked="checked") by name alone; any other
         * attribute keeps its value, even one that reads like its name (title="title"). */
        if (!w->xhtml && is_boolean(a->name) && a->children && a->children->type == XML_TEXT_NODE &&
            xmlStrEqual(a->children->content, a->name))
            continue;
        buf_add(&w->tags, "=\"", 2);
        xmlBufferEmpty(w->scratch);
        if (a->children && a->children->type == XML_TEXT_NODE && !a->children->next) {
            xmlAttrSerializeTxtContent(w->scratch, w->doc, a, a->children->content);
        } else {
            xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
            xmlAttrSerializeTxtContent(w->scratch, w->doc, a, v ? v : BAD_CAST "");
            xmlFree(v);
        }
        buf_add(&w->tags, xmlBufferContent(w->scratch), (size_t)xmlBufferLength(w->scratch));
        buf_putc(&w->tags, '"');
    }
}

/* Whether n is an <rt> of a <ruby> whose neighbour on that side is not an <rp>: then the
 * writer adds the parenthesis that readers without ruby support see. The tree leaves them
 * out, which keeps a third of the nodes of a ruby-heavy page away. */
static int rt_needs_rp(xmlNodePtr n, xmlNodePtr neighbour)
{
    return strcmp(NAME(n), "rt") == 0 && n->parent && dom_is_element(n->parent, "ruby") &&
           !dom_is_element(neighbour, "rp");
}

static void write_end(struct writer *w, xmlNodePtr n)
{
    buf_add(&w->tags, "</", 2);
    buf_puts(&w->tags, NAME(n));
    buf_putc(&w->tags, '>');
    if (NAME(n)[0] == 'r' && rt_needs_rp(n, n->next))
        buf_puts(&w->tags, "<rp>)</rp>");
}

static void write_children(struct writer *w, xmlNodePtr top)
{
    xmlNodePtr n = top->children;
    while (n) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content[0]) {
                writer_flush(w);
                xmlOutputBufferWriteEscape(w->out, n->content, NULL);
            }
        } else if (n->type == XML_ELEMENT_NODE) {
            if (NAME(n)[0] == 'r' && rt_needs_rp(n, n->prev))
                buf_puts(&w->tags, "<rp>(</rp>");
            buf_putc(&w->tags, '<');
            buf_puts(&w->tags, NAME(n));
            write_attrs(w, n);
            if (dom_is_void(NAME(n))) {
                buf_puts(&w->tags, w->xhtml ? " />" : ">");
            } else {
                buf_putc(&w->tags, '>');
                xmlNodePtr first = n->children;
                /* An HTML parser drops one newline right after <pre>: write a spare one. */
                if (!w->xhtml && first && first->type == XML_TEXT_NODE &&
                    first->content[0] == '\n' && strcmp(NAME(n), "pre") == 0)
                    buf_putc(&w->tags, '\n');
                if (first) {
                    n = first;
                    continue;
                }
                write_end(w, n);
            }
        }
        while (n != top && !n->next) {
            n = n->parent;
            if (n != top)
                write_end(w, n);
        }
        n = n == top ? NULL : n->next;
    }
    writer_flush(w);
}

static char *save_children(xmlNodePtr parent, int xhtml)
{
    struct writer w = {
        xmlAllocOutputBuffer(NULL), xmlBufferCreate(), parent->doc, {NULL, 0, 0}, xhtml};
    buf_init(&w.tags);
    write_children(&w, parent);
    size_t len = xmlOutputBufferGetSize(w.out);
    char *s = xstrndup((const char *)xmlOutputBufferGetContent(w.out), len);
    xmlOutputBufferClose(w.out);
    xmlBufferFree(w.scratch);
    buf_release(&w.tags);
    return s;
}

char *dom_html(const struct dom *doc)
{
    return save_children(doc->root, 0);
}

static void add_class(xmlNodePtr n, const char *cls)
{
    xmlChar *old = xmlGetProp(n, BAD_CAST "class");
    if (old) {
        char *both = xasprintf("%s %s", (const char *)old, cls);
        xmlSetProp(n, BAD_CAST "class", BAD_CAST both);
        free(both);
        xmlFree(old);
    } else {
        xmlSetProp(n, BAD_CAST "class", BAD_CAST cls);
    }
}

static void rename_with_class(xmlNodePtr n, const char *name, const char *cls)
{
    xmlNodeSetName(n, BAD_CAST name);
    if (cls)
        add_class(n, cls);
}

/* XHTML 1.1 has only simple ruby: one <rb> and one <rt> per <ruby>. Each base run with its
 * annotations (rp rt rp) becomes a ruby element of its own, inserted where the old one was. */
static void xhtml_ruby(xmlNodePtr ruby)
{
    xmlNodePtr c = ruby->children;
    while (c) {
        xmlNodePtr group = xmlNewDocNode(ruby->doc, NULL, BAD_CAST "ruby", NULL);
        xmlNodePtr rb = xmlNewChild(group, NULL, BAD_CAST "rb", NULL);
        int annotated = 0;
        while (c && !dom_is_element(c, "rt") && !dom_is_element(c, "rp")) {
            xmlNodePtr next = c->next;
            xmlUnlinkNode(c);
            xmlAddChild(rb, c);
            c = next;
        }
        while (c && (dom_is_element(c, "rt") || dom_is_element(c, "rp"))) {
            xmlNodePtr next = c->next;
            annotated |= dom_is_element(c, "rt");
            xmlUnlinkNode(c);
            xmlAddChild(group, c);
            c = next;
        }
        if (annotated) {
            xmlAddPrevSibling(ruby, group);
        } else {
            /* Base text without a reading is just text. */
            while (rb->children) {
                xmlNodePtr k = rb->children;
                xmlUnlinkNode(k);
                xmlAddPrevSibling(ruby, k);
            }
            xmlFreeNode(group);
        }
    }
}

/* Whether n holds only text and inline elements (what a <p> may hold). */
static int only_inline(xmlNodePtr n)
{
    static const char *const blocks[] = {
        "address", "blockquote", "details", "div", "dl", "figure", "h1",      "h2",    "h3", "h4",
        "h5",      "h6",         "hr",      "ol",  "p",  "pre",    "summary", "table", "ul"};
    for (xmlNodePtr c = n->children; c; c = dom_walk_next(c, n, 0))
        if (c->type == XML_ELEMENT_NODE)
            for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++)
                if (strcmp(NAME(c), blocks[i]) == 0)
                    return 0;
    return 1;
}

/* Whether n is an element whose content is text and inline elements only (a paragraph, a
 * heading, emphasis, a link): a block inside it is not valid XHTML. */
static int is_phrasing(xmlNodePtr n)
{
    static const char *const phrasing[] = {
        "a",    "abbr", "b",    "cite",  "code", "del",    "dfn",  "em",  "h1",   "h2", "h3",
        "h4",   "h5",   "h6",   "i",     "ins",  "kbd",    "mark", "p",   "q",    "rb", "rt",
        "ruby", "s",    "samp", "small", "span", "strong", "sub",  "sup", "time", "u",  "var"};
    for (size_t i = 0; n && n->type == XML_ELEMENT_NODE && i < sizeof phrasing / sizeof *phrasing;
         i++)
        if (strcmp(NAME(n), phrasing[i]) == 0)
            return 1;
    return 0;
}

/* A summary becomes <p class="summary"><strong>…</strong></p> (a span inside a paragraph),
 * or a <div class="summary"> when it holds blocks (a heading), which a paragraph cannot. */
static void xhtml_summary(xmlNodePtr n)
{
    if (!only_inline(n)) {
        rename_with_class(n, "div", "summary");
        return;
    }
    rename_with_class(n, is_phrasing(n->parent) ? "span" : "p", "summary");
    xmlNodePtr strong = xmlNewDocNode(n->doc, NULL, BAD_CAST "strong", NULL);
    while (n->children) {
        xmlNodePtr c = n->children;
        xmlUnlinkNode(c);
        xmlAddChild(strong, c);
    }
    xmlAddChild(n, strong);
}

/* Prefixes n's id, or its in-page link target, with prefix. */
static void prefix_ids(xmlNodePtr n, const char *prefix)
{
    xmlChar *id = xmlGetProp(n, BAD_CAST "id");
    if (id) {
        char *v = xasprintf("%s%s", prefix, (const char *)id);
        xmlSetProp(n, BAD_CAST "id", BAD_CAST v);
        free(v);
        xmlFree(id);
    }
    xmlChar *href = strcmp(NAME(n), "a") == 0 ? xmlGetProp(n, BAD_CAST "href") : NULL;
    if (href && href[0] == '#' && href[1]) {
        char *v = xasprintf("#%s%s", prefix, (const char *)href + 1);
        xmlSetProp(n, BAD_CAST "href", BAD_CAST v);
        free(v);
    }
    xmlFree(href);
}

/* Tables of this many columns or more are wide: in print, which cannot scroll, they are set
 * smaller; on a phone their columns of text keep a width of their own. */
#define TABLE_WIDE 8
#define TABLE_VERY_WIDE 14

/* The number of columns of a table: the cells of its first row, with their colspans (0 when
 * it has no row). Rows of a table inside it do not count. */
static long table_columns(xmlNodePtr table)
{
    for (xmlNodePtr n = table->children; n;
         n = dom_walk_next(n, table, dom_is_element(n, "table"))) {
        if (!dom_is_element(n, "tr"))
            continue;
        long cols = 0;
        for (xmlNodePtr c = n->children; c; c = c->next) {
            if (!dom_is_element(c, "td") && !dom_is_element(c, "th"))
                continue;
            long span = 1;
            xmlChar *colspan = xmlGetProp(c, BAD_CAST "colspan");
            if (colspan) {
                long v = strtol((const char *)colspan, NULL, 10);
                span = v > 1 && v <= 1000 ? v : 1;
                xmlFree(colspan);
            }
            cols += span;
        }
        return cols;
    }
    return 0;
}

/* Marks a table of many columns: class wide from TABLE_WIDE columns on, very-wide from
 * TABLE_VERY_WIDE. */
static void table_width_class(xmlNodePtr table)
{
    long cols = table_columns(table);
    if (cols >= TABLE_VERY_WIDE)
        add_class(table, "very-wide");
    else if (cols >= TABLE_WIDE)
        add_class(table, "wide");
}

static void xhtml_element(xmlNodePtr n, const char *prefix)
{
    if (prefix)
        prefix_ids(n, prefix);
    const char *name = NAME(n);
    if (strcmp(name, "figure") == 0) {
        rename_with_class(n, "div", "figure");
    } else if (strcmp(name, "figcaption") == 0) {
        rename_with_class(n, "div", "figcaption");
    } else if (strcmp(name, "mark") == 0) {
        rename_with_class(n, "span", "mark"); /* not name: renaming frees it */
    } else if (strcmp(name, "u") == 0) {
        rename_with_class(n, "span", "u");
    } else if (strcmp(name, "time") == 0) {
        xmlUnsetProp(n, BAD_CAST "datetime");
        rename_with_class(n, "span", "time");
    } else if (strcmp(name, "s") == 0) {
        xmlNodeSetName(n, BAD_CAST "del");
    } else if (strcmp(name, "img") == 0) {
        static const char *const html5_only[] = {"loading", "decoding", "srcset", "sizes"};
        for (size_t i = 0; i < sizeof html5_only / sizeof *html5_only; i++)
            xmlUnsetProp(n, BAD_CAST html5_only[i]);
        if (!xmlHasProp(n, BAD_CAST "alt"))
            xmlSetProp(n, BAD_CAST "alt", BAD_CAST "");
    } else if (strcmp(name, "table") == 0) {
        table_width_class(n);
    } else if (strcmp(name, "details") == 0) {
        /* XHTML 1.1 has no details: paper shows it open, its summary a bold paragraph (in a
         * paragraph, both are spans). */
        xmlUnsetProp(n, BAD_CAST "open");
        rename_with_class(n, is_phrasing(n->parent) ? "span" : "div", "details");
    } else if (strcmp(name, "summary") == 0) {
        xhtml_summary(n);
    } else if (strcmp(name, "ol") == 0) {
        xmlUnsetProp(n, BAD_CAST "start");
    } else if (strcmp(name, "li") == 0) {
        xmlUnsetProp(n, BAD_CAST "value");
    }
    /* XHTML 1.1 knows only xml:lang, and libxml2's XHTML output would write lang next to it
     * (the XHTML 1.0 compatibility rule), so the language of a passage is left out; so is what
     * only a screen or a screen reader uses (a chart table's scrolling box). */
    static const char *const screen_only[] = {"lang", "role", "tabindex", "aria-label"};
    for (size_t i = 0; i < sizeof screen_only / sizeof *screen_only; i++)
        xmlUnsetProp(n, BAD_CAST screen_only[i]);
}

/* Turns a copy of the HTML5-form tree into XHTML 1.1. */
static void xhtml_transform(xmlNodePtr root, const char *prefix)
{
    xmlNodePtr n = root->children;
    while (n) {
        if (n->type != XML_ELEMENT_NODE) {
            n = dom_walk_next(n, root, 1);
            continue;
        }
        if (strcmp(NAME(n), "svg") == 0) {
            /* XHTML 1.1 has no SVG: a chart the print edition did not place as an image file is
             * left out, and its table stays. */
            xmlNodePtr after = dom_walk_next(n, root, 1);
            xmlUnlinkNode(n);
            xmlFreeNode(n);
            n = after;
            continue;
        }
        if (strcmp(NAME(n), "input") == 0) {
            /* A task list checkbox prints as a ballot box character. */
            int checked = xmlHasProp(n, BAD_CAST "checked") != NULL;
            xmlNodePtr box = xmlNewDocNode(n->doc, NULL, BAD_CAST "span", NULL);
            xmlSetProp(box, BAD_CAST "class", BAD_CAST "task");
            xmlNodeAddContent(box, BAD_CAST(checked ? "\xE2\x98\x91" : "\xE2\x98\x90"));
            xmlReplaceNode(n, box);
            xmlFreeNode(n);
            n = dom_walk_next(box, root, 1);
            continue;
        }
        if (strcmp(NAME(n), "ruby") == 0) {
            xmlNodePtr first = n->prev, parent = n->parent;
            xhtml_ruby(n);
            xmlNodePtr after = dom_walk_next(n, root, 1);
            xmlUnlinkNode(n);
            xmlFreeNode(n);
            /* The new ruby elements need the same treatment (lang, nested markup). */
            xmlNodePtr k = first ? first->next : parent->children;
            for (; k && k != after; k = k->next)
                if (k->type == XML_ELEMENT_NODE)
                    for (xmlNodePtr m = k; m; m = dom_walk_next(m, k, 0))
                        if (m->type == XML_ELEMENT_NODE && strcmp(NAME(m), "ruby") != 0)
                            xhtml_element(m, prefix);
            n = after;
            continue;
        }
        xhtml_element(n, prefix);
        n = dom_walk_next(n, root, 0);
    }
}

char *dom_xhtml(const struct dom *doc)
{
    return dom_xhtml_prefixed(doc, NULL);
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* True inside elements whose text must stay as written. */
static int keeps_text(xmlNodePtr n)
{
    for (xmlNodePtr p = n->parent; p && p->type == XML_ELEMENT_NODE; p = p->parent) {
        const char *name = NAME(p);
        if (strcmp(name, "rt") == 0 || strcmp(name, "rp") == 0 || strcmp(name, "code") == 0 ||
            strcmp(name, "pre") == 0 || strcmp(name, "svg") == 0)
            return 1;
    }
    return 0;
}

/* Finds the first match in s[from..n): returns where it starts and sets *end past it, or
 * returns n when there is none. */
typedef size_t (*text_match_fn)(const char *s, size_t n, size_t from, size_t *end);
/* Makes the element that holds a match (the text s[0..len)). */
typedef xmlNodePtr (*text_wrap_fn)(xmlDocPtr doc, const char *s, size_t len);

/* Splits text node t around the matches of find, putting each in the element wrap makes.
 * Returns the last node made from t. Text pieces only ever follow elements: libxml2 merges
 * adjacent text nodes. */
static xmlNodePtr split_text(xmlNodePtr t, text_match_fn find, text_wrap_fn wrap)
{
    char *s = xstrdup((const char *)t->content);
    size_t n = strlen(s), start = 0, end;
    xmlNodePtr last = t;
    for (size_t i = find(s, n, 0, &end); i < n; i = find(s, n, end, &end)) {
        if (last == t)
            xmlNodeSetContentLen(t, BAD_CAST s, (int)i);
        else if (i > start)
            last = xmlAddNextSibling(
                last, xmlNewDocTextLen(t->doc, BAD_CAST(s + start), (int)(i - start)));
        last = xmlAddNextSibling(last, wrap(t->doc, s + i, end - i));
        start = end;
    }
    if (last != t && start < n)
        last = xmlAddNextSibling(last, xmlNewDocText(t->doc, BAD_CAST(s + start)));
    free(s);
    return last;
}

/* Applies split_text to every text node below root that is not inside skip_inside (or an
 * element whose text stays as written). */
static void split_texts(xmlNodePtr root, text_match_fn find, text_wrap_fn wrap,
                        const char *skip_inside)
{
    for (xmlNodePtr n = root->children; n;) {
        int made = 0;
        if (n->type == XML_TEXT_NODE && !keeps_text(n)) {
            int skip = 0;
            for (xmlNodePtr p = n->parent; skip_inside && p && p != root; p = p->parent)
                skip |= dom_is_element(p, skip_inside);
            if (!skip) {
                n = split_text(n, find, wrap);
                made = n->type == XML_ELEMENT_NODE; /* a new element: its text is done */
            }
        }
        n = dom_walk_next(n, root, made);
    }
}

/* The next number of one or two digits standing alone (not part of 2021, 1,000, 9:30 or A4). */
static size_t next_lone_number(const char *s, size_t n, size_t i, size_t *end)
{
    while (i < n) {
        if (!is_digit(s[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && (is_digit(s[j]) || ((s[j] == '.' || s[j] == ',' || s[j] == ':') &&
                                            j + 1 < n && is_digit(s[j + 1]))))
            j++;
        if (j - i <= 2 && (i == 0 || !is_alnum(s[i - 1])) && (j == n || !is_alnum(s[j]))) {
            *end = j;
            return i;
        }
        i = j;
    }
    return n;
}

static xmlNodePtr upright_span(xmlDocPtr doc, const char *s, size_t len)
{
    xmlNodePtr span = xmlNewDocNode(doc, NULL, BAD_CAST "span", NULL);
    xmlSetProp(span, BAD_CAST "class", BAD_CAST "tcy");
    xmlAddChild(span, xmlNewDocTextLen(doc, BAD_CAST s, (int)len));
    return span;
}

static void upright_digits(xmlNodePtr root)
{
    split_texts(root, next_lone_number, upright_span, NULL);
}

char *dom_xhtml_prefixed(const struct dom *doc, const char *id_prefix)
{
    return dom_xhtml_print(doc, id_prefix, 0);
}

char *dom_xhtml_print(const struct dom *doc, const char *id_prefix, int upright)
{
    xmlDocPtr copy = xmlNewDoc(BAD_CAST "1.0");
    copy->encoding = xmlStrdup(BAD_CAST "UTF-8");
    xmlNodePtr root = xmlDocCopyNode(doc->root, copy, 1);
    xmlDocSetRootElement(copy, root);
    xhtml_transform(root, id_prefix);
    if (upright)
        upright_digits(root);
    char *s = save_children(root, 1);
    xmlFreeDoc(copy);
    return s;
}

/* Plain text */

static int is_block(const char *name)
{
    switch (name[0]) {
    case 'b':
        return strcmp(name, "blockquote") == 0;
    case 'c':
        return strcmp(name, "caption") == 0;
    case 'd':
        return strcmp(name, "dd") == 0 || strcmp(name, "div") == 0 || strcmp(name, "dl") == 0 ||
               strcmp(name, "dt") == 0;
    case 'f':
        return strcmp(name, "figcaption") == 0 || strcmp(name, "figure") == 0;
    case 'h':
        return (name[1] >= '1' && name[1] <= '6' && name[2] == '\0') || strcmp(name, "hr") == 0;
    case 'l':
        return strcmp(name, "li") == 0;
    case 'o':
        return strcmp(name, "ol") == 0;
    case 'p':
        return strcmp(name, "p") == 0 || strcmp(name, "pre") == 0;
    case 't':
        return strcmp(name, "table") == 0 || strcmp(name, "tr") == 0;
    case 'u':
        return strcmp(name, "ul") == 0;
    }
    return 0;
}

static void text_newline(struct buf *out)
{
    if (out->len > 0 && out->data[out->len - 1] != '\n')
        buf_putc(out, '\n');
}

/* A picture's text is its alt text: what a reader who cannot see it is told. */
static void append_alt(xmlNodePtr img, struct buf *out)
{
    xmlChar *alt = xmlGetProp(img, BAD_CAST "alt");
    if (alt)
        buf_puts(out, (const char *)alt);
    xmlFree(alt);
}

/* Whether n is the base of a ruby (what the reading is over): a node inside <ruby> that is not
 * one of its <rt> or <rp>. */
static int is_ruby_base(xmlNodePtr n)
{
    return n->parent && dom_is_element(n->parent, "ruby") && !dom_is_element(n, "rt") &&
           !dom_is_element(n, "rp");
}

/* The text below top; with readings, each ruby's reading stands where its base was. */
static void text_of(xmlNodePtr top, struct buf *out, int readings)
{
    xmlNodePtr n = top->children;
    while (n) {
        int skip = 0;
        if (readings && is_ruby_base(n)) {
            skip = 1;
        } else if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            buf_puts(out, (const char *)n->content);
        } else if (n->type == XML_ELEMENT_NODE) {
            const char *name = NAME(n);
            /* A chart's labels repeat its table, which stays beside it. */
            if ((!readings && strcmp(name, "rt") == 0) || strcmp(name, "rp") == 0 ||
                strcmp(name, "svg") == 0)
                skip = 1;
            else if (strcmp(name, "br") == 0)
                buf_putc(out, '\n');
            else if (strcmp(name, "img") == 0)
                append_alt(n, out);
            else if (is_block(name))
                text_newline(out);
            else if ((strcmp(name, "td") == 0 || strcmp(name, "th") == 0) && n->prev)
                buf_putc(out, ' ');
        }
        /* Leaving blocks: walk_next climbs, so note each block we climb out of. */
        if (!skip && n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            continue;
        }
        while (n && n != top) {
            if (n->type == XML_ELEMENT_NODE && is_block(NAME(n)))
                text_newline(out);
            if (n->next) {
                n = n->next;
                break;
            }
            n = n->parent;
        }
        if (n == top)
            break;
    }
}

void dom_text_of(xmlNodePtr top, struct buf *out)
{
    text_of(top, out, 0);
}

/* Trims each line of out and drops blank ones: raw HTML brings its own newlines and
 * indentation. */
static void trim_lines(struct buf *out)
{
    size_t w = 0;
    for (size_t r = 0; r < out->len;) {
        size_t end = r;
        while (end < out->len && out->data[end] != '\n')
            end++;
        size_t s = r, e = end;
        while (s < e && (out->data[s] == ' ' || out->data[s] == '\t'))
            s++;
        while (e > s && (out->data[e - 1] == ' ' || out->data[e - 1] == '\t'))
            e--;
        if (e > s) {
            if (w > 0)
                out->data[w++] = '\n';
            memmove(out->data + w, out->data + s, e - s);
            w += e - s;
        }
        r = end + 1;
    }
    buf_truncate(out, w);
}

char *dom_text(const struct dom *doc)
{
    struct buf out;
    buf_init(&out);
    text_of(doc->root, &out, 0);
    trim_lines(&out);
    return buf_detach(&out, NULL);
}

/* The line of text that starts at *at (advanced past it and its newline); its length. */
static size_t next_line(const char **at, const char *end)
{
    const char *s = *at, *nl = memchr(s, '\n', (size_t)(end - s));
    size_t len = (size_t)((nl ? nl : end) - s);
    *at = nl ? nl + 1 : end;
    return len;
}

char *dom_search_text(const struct dom *doc)
{
    struct buf base, read, extra;
    buf_init(&base);
    buf_init(&read);
    buf_init(&extra);
    text_of(doc->root, &base, 0);
    trim_lines(&base);
    text_of(doc->root, &read, 1);
    trim_lines(&read);
    /* Ruby changes no line's place: the lines of the two texts correspond one to one. */
    const char *b = base.data, *b_end = base.data + base.len;
    const char *r = read.data, *r_end = read.data + read.len;
    while (r < r_end) {
        const char *line = r, *bline = b;
        size_t len = next_line(&r, r_end);
        size_t blen = b < b_end ? next_line(&b, b_end) : 0;
        if (len != blen || memcmp(line, bline, len) != 0) {
            buf_putc(&extra, '\n');
            buf_add(&extra, line, len);
        }
    }
    buf_add(&base, extra.data, extra.len);
    buf_release(&read);
    buf_release(&extra);
    return buf_detach(&base, NULL);
}

unsigned dom_reading_minutes(const struct dom *doc)
{
    char *text = dom_text(doc);
    unsigned minutes = cjk_reading_minutes(text, strlen(text));
    free(text);
    return minutes;
}

/* Summary */

static int is_word_char(uint32_t cp)
{
    return (cp < 0x80 && (isalnum((int)cp) || cp == '\'' || cp == '-')) ||
           (cp >= 0xC0 && cp < 0x2000 && cp != 0xD7 && cp != 0xF7);
}

static int is_closing(uint32_t cp)
{
    return cp == 0x300D || cp == 0x300F || cp == 0xFF09 || cp == ')' || cp == '"' || cp == 0x201D ||
           cp == 0x2019 || cp == 0x3011;
}

/* Whitespace runs become one space (none at either end). */
static void collapse_spaces(struct buf *b)
{
    size_t w = 0;
    int space = 0;
    for (size_t r = 0; r < b->len; r++) {
        char c = b->data[r];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            space = w > 0;
            continue;
        }
        if (space)
            b->data[w++] = ' ';
        space = 0;
        b->data[w++] = c;
    }
    buf_truncate(b, w);
}

char *dom_summary(const struct dom *doc, size_t max_chars)
{
    struct buf text;
    buf_init(&text);
    for (xmlNodePtr n = doc->root->children; n; n = dom_walk_next(n, doc->root, 0)) {
        if (!dom_is_element(n, "p"))
            continue;
        dom_text_of(n, &text);
        collapse_spaces(&text);
        if (text.len > 0)
            break;
    }
    if (cjk_count(text.data, text.len) <= max_chars)
        return buf_detach(&text, NULL);

    /* Candidate cuts, as byte offsets: after the last sentence end within max_chars (if it is
     * past half of it), else after the first one a little beyond; else at a word boundary. */
    size_t chars = 0, best = 0, over = 0, boundary = 0;
    size_t limit_over = max_chars + max_chars / 5;
    uint32_t prev = 0;
    for (size_t i = 0; i < text.len && chars < limit_over;) {
        size_t len;
        uint32_t cp = cjk_decode(text.data + i, text.len - i, &len);
        if (chars <= max_chars && !(is_word_char(prev) && is_word_char(cp)))
            boundary = i;
        i += len;
        chars++;
        int end = cjk_is_sentence_end(cp) ||
                  ((cp == '.' || cp == '!' || cp == '?') && (i == text.len || text.data[i] == ' '));
        if (end) {
            while (i < text.len) {
                size_t l2;
                uint32_t next = cjk_decode(text.data + i, text.len - i, &l2);
                if (!is_closing(next) && !cjk_is_sentence_end(next))
                    break;
                i += l2;
                chars++;
            }
            if (chars <= max_chars && chars * 2 >= max_chars)
                best = i;
            else if (chars > max_chars && over == 0 && best == 0)
                over = i;
        }
        prev = cp;
    }
    size_t cut = best ? best : over;
    if (cut) {
        buf_truncate(&text, cut);
        return buf_detach(&text, NULL);
    }
    if (boundary == 0) {
        /* One word longer than the limit: cut it at a character boundary after all. */
        size_t i = 0;
        for (size_t c = 0; c < max_chars && i < text.len; c++) {
            size_t len;
            cjk_decode(text.data + i, text.len - i, &len);
            i += len;
        }
        boundary = i;
    }
    while (boundary > 0 && text.data[boundary - 1] == ' ')
        boundary--;
    buf_truncate(&text, boundary);
    buf_puts(&text, "\xE2\x80\xA6");
    return buf_detach(&text, NULL);
}

/* Table of contents */

json_t *dom_toc(const struct dom *doc)
{
    json_t *toc = json_array();
    json_t *stack[7];
    int levels[7];
    int depth = 0;
    for (xmlNodePtr n = doc->root->children; n; n = dom_walk_next(n, doc->root, 0)) {
        if (n->type != XML_ELEMENT_NODE || NAME(n)[0] != 'h' || NAME(n)[1] < '1' ||
            NAME(n)[1] > '6' || NAME(n)[2] != '\0')
            continue;
        xmlChar *id = xmlGetProp(n, BAD_CAST "id");
        if (!id)
            continue;
        int level = NAME(n)[1] - '0';
        struct buf text;
        buf_init(&text);
        dom_text_of(n, &text);
        collapse_spaces(&text);
        char *html = save_children(n, 0);
        json_t *children = json_array();
        json_t *item =
            json_pack("{s:i, s:s, s:s%, s:s, s:o}", "level", level, "id", (const char *)id, "text",
                      text.data, text.len, "html", html, "children", children);
        free(html);
        buf_release(&text);
        xmlFree(id);
        while (depth > 0 && levels[depth - 1] >= level)
            depth--;
        json_array_append_new(depth > 0 ? stack[depth - 1] : toc, item);
        stack[depth] = children;
        levels[depth] = level;
        depth++;
    }
    return toc;
}

int dom_is_void(const char *name)
{
    /* Called for every element written: a switch rather than a list walk. */
    switch (name[0]) {
    case 'a':
        return strcmp(name, "area") == 0;
    case 'b':
        return strcmp(name, "br") == 0 || strcmp(name, "base") == 0;
    case 'c':
        return strcmp(name, "col") == 0;
    case 'e':
        return strcmp(name, "embed") == 0;
    case 'h':
        return strcmp(name, "hr") == 0;
    case 'i':
        return strcmp(name, "img") == 0 || strcmp(name, "input") == 0;
    case 'l':
        return strcmp(name, "link") == 0;
    case 'm':
        return strcmp(name, "meta") == 0;
    case 'p':
        return strcmp(name, "param") == 0;
    case 's':
        return strcmp(name, "source") == 0;
    case 't':
        return strcmp(name, "track") == 0;
    case 'w':
        return strcmp(name, "wbr") == 0;
    }
    return 0;
}

/* A run of digits at s[i]; returns how many (0 when none). */
static size_t digits_at(const char *s, size_t n, size_t i)
{
    size_t j = i;
    while (j < n && is_digit(s[j]))
        j++;
    return j - i;
}

/* The next Japanese phone number as people write it: three groups of digits joined by '-', the
 * first starting with 0, 10 or 11 digits in all (0235-00-1400, 090-1234-5678, 0120-123-456),
 * with no digit, letter or '-' right before or after it (so 2021-02-19 and part numbers stay). */
static size_t next_phone(const char *s, size_t n, size_t i, size_t *end)
{
    for (; i < n; i++) {
        if (s[i] != '0' || (i > 0 && (is_alnum(s[i - 1]) || s[i - 1] == '-')))
            continue;
        size_t a = digits_at(s, n, i), j = i + a;
        if (a < 2 || a > 5 || j >= n || s[j] != '-')
            continue;
        size_t b = digits_at(s, n, j + 1), k = j + 1 + b;
        if (b < 1 || b > 4 || k >= n || s[k] != '-')
            continue;
        size_t c = digits_at(s, n, k + 1), m = k + 1 + c;
        size_t total = a + b + c;
        if (c < 3 || c > 4 || (total != 10 && total != 11) ||
            (m < n && (is_alnum(s[m]) || s[m] == '-')))
            continue;
        *end = m;
        return i;
    }
    return n;
}

static xmlNodePtr tel_link(xmlDocPtr doc, const char *s, size_t len)
{
    char *href = url_tel_href(s, len);
    xmlNodePtr a = xmlNewDocNode(doc, NULL, BAD_CAST "a", NULL);
    xmlSetProp(a, BAD_CAST "href", BAD_CAST href);
    xmlSetProp(a, BAD_CAST "class", BAD_CAST "tel");
    xmlAddChild(a, xmlNewDocTextLen(doc, BAD_CAST s, (int)len));
    free(href);
    return a;
}

void dom_link_phones(struct dom *doc)
{
    split_texts(doc->root, next_phone, tel_link, "a");
}

/* Tables on a phone */

static int is_heading(xmlNodePtr n)
{
    if (n->type != XML_ELEMENT_NODE)
        return 0;
    const char *name = NAME(n);
    return name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && name[2] == '\0';
}

/* The plain text of n (ruby readings left out), its spaces collapsed, appended to out. */
static void plain_text(xmlNodePtr n, struct buf *out)
{
    dom_text_of(n, out);
    collapse_spaces(out);
}

/* How a table cell is kept together: "num" for a number and little else (2021, 1,234, 22人,
 * 4月, 13:30, 0235-00-1400: up to 12 characters, at least half of them digits or the signs
 * written between digits), "short" for any other text of up to 6 characters (第一学区,
 * 平成28年度), NULL for longer text, which may break. */
static const char *cell_class(xmlNodePtr cell)
{
    struct buf text;
    buf_init(&text);
    plain_text(cell, &text);
    size_t chars = 0, numeric = 0;
    for (size_t i = 0; i < text.len; i++) {
        unsigned char c = (unsigned char)text.data[i];
        if ((c & 0xC0) == 0x80)
            continue;
        chars++;
        numeric += (c >= '0' && c <= '9') || (c && strchr(",.:/-+%", c));
    }
    int digit = strpbrk(text.data, "0123456789") != NULL;
    buf_release(&text);
    if (digit && chars <= 12 && numeric * 2 >= chars)
        return "num";
    return chars > 0 && chars <= 6 ? "short" : NULL;
}

/* A table of a few columns whose cells hold sentences (a self-evaluation: 項目, 評価, 根拠,
 * 課題) reads badly as columns a few characters wide on a phone. Such a table gets class
 * "stack" and each body cell a data-label with its column's heading, so that a theme can set
 * each row as a block of labelled paragraphs on a narrow screen. Only a plain grid qualifies:
 * one heading row in thead, at most STACK_COLUMNS columns, no spans, some cell longer than
 * STACK_TEXT characters. */
#define STACK_COLUMNS 6
#define STACK_TEXT 40

static xmlNodePtr child_element(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (dom_is_element(c, name))
            return c;
    return NULL;
}

static size_t text_chars(xmlNodePtr n)
{
    struct buf text;
    buf_init(&text);
    plain_text(n, &text);
    size_t chars = 0;
    for (size_t i = 0; i < text.len; i++)
        chars += ((unsigned char)text.data[i] & 0xC0) != 0x80;
    buf_release(&text);
    return chars;
}

static int is_cell(xmlNodePtr c)
{
    return dom_is_element(c, "td") || dom_is_element(c, "th");
}

static void stack_table(xmlNodePtr table)
{
    xmlNodePtr head = child_element(child_element(table, "thead"), "tr");
    xmlNodePtr body = child_element(table, "tbody");
    if (!head || !body || head->next || table_columns(table) > STACK_COLUMNS)
        return;
    xmlNodePtr heads[STACK_COLUMNS];
    size_t n_heads = 0;
    for (xmlNodePtr c = head->children; c; c = c->next)
        if (is_cell(c))
            heads[n_heads++] = c;
    int long_text = 0;
    for (xmlNodePtr row = body->children; row; row = row->next) {
        if (!dom_is_element(row, "tr"))
            continue;
        size_t col = 0;
        for (xmlNodePtr c = row->children; c; c = c->next) {
            if (!is_cell(c))
                continue;
            if (col++ >= n_heads || xmlHasProp(c, BAD_CAST "colspan") ||
                xmlHasProp(c, BAD_CAST "rowspan"))
                return;
            long_text |= text_chars(c) > STACK_TEXT;
        }
    }
    if (!long_text)
        return;
    add_class(table, "stack");
    for (xmlNodePtr row = body->children; row; row = row->next) {
        size_t col = 0;
        for (xmlNodePtr c = dom_is_element(row, "tr") ? row->children : NULL; c; c = c->next) {
            if (!is_cell(c))
                continue;
            struct buf label;
            buf_init(&label);
            plain_text(heads[col++], &label);
            if (label.len)
                xmlSetProp(c, BAD_CAST "data-label", BAD_CAST label.data);
            buf_release(&label);
        }
    }
}

void dom_fit_tables(struct dom *doc)
{
    xmlNodePtr root = doc->root, heading = NULL;
    int after_heading = 0; /* tables named after the heading so far */
    for (xmlNodePtr n = root->children; n;) {
        if (is_heading(n)) {
            heading = n;
            after_heading = 0;
        }
        if (!dom_is_element(n, "table")) {
            n = dom_walk_next(n, root, is_heading(n));
            continue;
        }
        struct buf label;
        buf_init(&label);
        for (xmlNodePtr c = n->children; c && !label.len; c = c->next)
            if (dom_is_element(c, "caption"))
                plain_text(c, &label);
        if (!label.len) {
            after_heading++;
            if (heading)
                plain_text(heading, &label);
            if (!label.len)
                buf_puts(&label, "表");
            if (after_heading > 1)
                buf_printf(&label, "（%d）", after_heading);
        }
        for (xmlNodePtr c = n->children; c; c = dom_walk_next(c, n, 0)) {
            const char *keep = dom_is_element(c, "td") || dom_is_element(c, "th")
                                   ? cell_class(c)
                                   : NULL;
            if (keep)
                add_class(c, keep);
        }
        table_width_class(n);
        stack_table(n);
        xmlNodePtr box = xmlNewDocNode(doc->doc, NULL, BAD_CAST "div", NULL);
        xmlSetProp(box, BAD_CAST "class", BAD_CAST "table-scroll");
        xmlSetProp(box, BAD_CAST "role", BAD_CAST "region");
        xmlSetProp(box, BAD_CAST "aria-label", BAD_CAST label.data);
        xmlSetProp(box, BAD_CAST "tabindex", BAD_CAST "0");
        buf_release(&label);
        xmlAddPrevSibling(n, box);
        xmlUnlinkNode(n);
        xmlAddChild(box, n);
        n = dom_walk_next(box, root, 1); /* a table inside this one scrolls with it */
    }
}
