#include "markup/sanitiser.h"

#include <ctype.h>
#include <limits.h>
#include <libxml/HTMLparser.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/entity.h"
#include "core/intl.h"
#include "core/url.h"
#include "core/xalloc.h"
#include "markup/dom_tree.h"

#define NAME(n) ((const char *)(n)->name)

static int in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0)
            return 1;
    return 0;
}
#define IN_LIST(name, list) in_list((name), (list), sizeof(list) / sizeof *(list))

/* Elements an editor may paste: text markup, lists, tables, ruby, figures, details that open
 * and close (FAQs). Nothing that runs code, loads other documents, takes input or restyles the
 * page. */
static const char *const allowed_elements[] = {
    "a",   "abbr",    "b",     "blockquote", "br",    "caption", "cite",   "code",       "dd",
    "del", "details", "dfn",   "div",        "dl",    "dt",      "em",     "figcaption", "figure",
    "h1",  "h2",      "h3",    "h4",         "h5",    "h6",      "hr",     "i",          "img",
    "ins", "kbd",     "li",    "mark",       "ol",    "p",       "pre",    "q",          "rp",
    "rt",  "ruby",    "s",     "samp",       "small", "span",    "strong", "sub",        "summary",
    "sup", "table",   "tbody", "td",         "tfoot", "th",      "thead",  "time",       "tr",
    "u",   "ul",      "var",
};

/* Elements whose content is code, another document or form data, not text for the reader. */
static const char *const dropped_with_content[] = {
    "applet",   "audio",    "base",      "canvas", "embed",   "frame",    "frameset", "head",
    "iframe",   "link",     "math",      "meta",   "noembed", "noframes", "noscript", "object",
    "option",   "param",    "plaintext", "script", "select",  "source",   "style",    "svg",
    "template", "textarea", "title",     "track",  "video",   "xmp",
};

enum sanitiser_drop sanitiser_element_policy(const char *name)
{
    if (IN_LIST(name, allowed_elements))
        return SANITISER_KEPT;
    if (IN_LIST(name, dropped_with_content))
        return SANITISER_DROP_CONTENT;
    return SANITISER_DROP_TAG;
}

static int attr_allowed(const char *el, const char *attr)
{
    static const char *const global[] = {"class", "dir", "id", "lang", "title"};
    if (IN_LIST(attr, global))
        return 1;
    static const struct {
        const char *el, *attr;
    } specific[] = {
        {"a", "href"},          {"img", "src"},       {"img", "alt"},      {"img", "width"},
        {"img", "height"},      {"td", "colspan"},    {"td", "rowspan"},   {"th", "colspan"},
        {"th", "rowspan"},      {"ol", "start"},      {"li", "value"},     {"q", "cite"},
        {"blockquote", "cite"}, {"del", "cite"},      {"ins", "cite"},     {"del", "datetime"},
        {"ins", "datetime"},    {"time", "datetime"}, {"details", "open"},
    };
    for (size_t i = 0; i < sizeof specific / sizeof *specific; i++)
        if (strcmp(el, specific[i].el) == 0 && strcmp(attr, specific[i].attr) == 0)
            return 1;
    return 0;
}

static void report(const struct sanitiser_source *src, unsigned line, unsigned col, const char *key,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Warns once per document and key (an element or attribute name), or always when key is
 * NULL: a pasted page would otherwise give the same warning many times. */
static void report(const struct sanitiser_source *src, unsigned line, unsigned col, const char *key,
                   const char *fmt, ...)
{
    if (key && src->reported) {
        for (size_t i = 0; i < src->reported->len; i++)
            if (strcmp(src->reported->v[i], key) == 0)
                return;
        strv_push(src->reported, key);
    }
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(src->d, DIAG_WARNING, DIAG_INPUT, src->path, line, col, fmt, ap);
    va_end(ap);
}

static void report_element(const struct sanitiser_source *src, unsigned line, unsigned col,
                           const char *name, enum sanitiser_drop drop)
{
    char key[48];
    snprintf(key, sizeof key, "<%s>", name);
    if (drop == SANITISER_DROP_CONTENT)
        report(src, line, col, key,
               _("HTML element <%s> is not allowed and was removed together with its content"),
               name);
    else
        report(src, line, col, key,
               _("HTML element <%s> is not allowed and was removed (its text is kept)"), name);
}

/* Returns a new element of doc with in's allowed attributes. */
static xmlNodePtr clean_element(const struct sanitiser_source *src, xmlDocPtr doc, xmlNodePtr in,
                                const char *name, unsigned line, unsigned col)
{
    xmlNodePtr out = xmlNewDocNode(doc, NULL, BAD_CAST name, NULL);
    for (xmlAttrPtr a = in->properties; a; a = a->next) {
        char attr[40];
        snprintf(attr, sizeof attr, "%s%s%s",
                 a->ns && a->ns->prefix ? (const char *)a->ns->prefix : "",
                 a->ns && a->ns->prefix ? ":" : "", (const char *)a->name);
        for (char *c = attr; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        if (!attr_allowed(name, attr)) {
            char key[48];
            snprintf(key, sizeof key, "@%s", attr);
            report(src, line, col, key,
                   _("HTML attribute '%s' on <%s> is not allowed and was removed"), attr, name);
            continue;
        }
        xmlChar *value = xmlNodeGetContent((xmlNodePtr)a);
        const char *v = value ? (const char *)value : "";
        int url =
            strcmp(attr, "href") == 0 || strcmp(attr, "src") == 0 || strcmp(attr, "cite") == 0;
        if (url && !(strcmp(attr, "src") == 0 ? url_image_allowed(v) : url_link_allowed(v))) {
            report(src, line, col, NULL,
                   _("the address '%s' in <%s> is not allowed and was removed (use http, https, "
                     "mailto or tel addresses, or paths within the site)"),
                   v, name);
        } else if (url) {
            char *valid = url_normalise(v);
            xmlSetProp(out, BAD_CAST attr, BAD_CAST valid);
            free(valid);
        } else {
            /* A boolean attribute (open) is on by being there: its value is its name. */
            xmlSetProp(out, BAD_CAST attr, BAD_CAST(strcmp(attr, "open") == 0 ? attr : v));
        }
        xmlFree(value);
    }
    return out;
}

/* Appends html[0..len) to out with each named reference that HTML has and libxml2's older list
 * does not (&Dcaron;, &ngE;) written as numeric references, which libxml2 reads; markup
 * characters stay references either way, so nothing here can make a tag. */
static void html5_references(struct buf *out, const char *html, size_t len)
{
    size_t done = 0;
    for (size_t i = 0; i < len; i++) {
        if (html[i] != '&')
            continue;
        size_t n = 0;
        while (i + 1 + n < len && n < 40 && isalnum((unsigned char)html[i + 1 + n]))
            n++;
        if (n == 0 || i + 1 + n >= len || html[i + 1 + n] != ';')
            continue;
        char name[41];
        memcpy(name, html + i + 1, n);
        name[n] = '\0';
        uint32_t cp[2];
        int count = entity_named(name, n, cp);
        if (count == 0 || htmlEntityLookup(BAD_CAST name))
            continue;
        buf_add(out, html + done, i - done);
        for (int k = 0; k < count; k++)
            buf_printf(out, "&#x%X;", (unsigned)cp[k]);
        done = i + n + 2;
        i = done - 1;
    }
    buf_add(out, html + done, len - done);
}

static unsigned node_line(const struct sanitiser_source *src, xmlNodePtr n, unsigned *col)
{
    long l = xmlGetLineNo(n);
    if (l < 1)
        l = 1;
    *col = l == 1 ? src->col : 0;
    return src->line + (unsigned)l - 1;
}

void sanitiser_import_html(const struct sanitiser_source *src, xmlDocPtr doc, xmlNodePtr parent,
                           const char *html, size_t len, int max_depth)
{
    if (len > INT_MAX - 7)
        return;
    /* XML_PARSE_HUGE lifts libxml2's nesting limit (256), past which it would stop reading
     * and lose the rest of the text; the import below flattens deep nesting instead. */
    /* Read as the inside of a <body>: text at the start is then text, not the implied
     * paragraph libxml2 makes for text with no element open. */
    struct buf page;
    buf_init(&page);
    buf_puts(&page, "<body>");
    html5_references(&page, html, len);
    htmlDocPtr in = page.len > INT_MAX ? NULL
                                       : htmlReadMemory(page.data, (int)page.len, NULL, "UTF-8",
                                                        HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                                            HTML_PARSE_NONET | XML_PARSE_HUGE);
    buf_release(&page);
    /* The whole document, not just <body>: the parser moves <style> and the like to <head>,
     * and those must be reported too. */
    xmlNodePtr body = in ? xmlDocGetRootElement(in) : NULL;
    if (!body) {
        xmlFreeDoc(in);
        return;
    }
    /* Iterative, since pasted HTML may nest deeper than the C stack allows. The stack holds
     * the output parent for each open input element (the same one when it was unwrapped). */
    size_t cap = 16, depth = 0;
    xmlNodePtr *stack = xmalloc(cap * sizeof *stack);
    int kept_depth = 0;
    xmlNodePtr out = parent;
    xmlNodePtr n = body->children;
    while (n) {
        int descend = 0;
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            xmlAddChild(out, xmlNewDocText(doc, n->content));
        } else if (n->type == XML_ELEMENT_NODE) {
            const char *name = NAME(n);
            int frame =
                strcmp(name, "html") == 0 || strcmp(name, "head") == 0 || strcmp(name, "body") == 0;
            enum sanitiser_drop drop = frame ? SANITISER_DROP_TAG : sanitiser_element_policy(name);
            unsigned col, line = node_line(src, n, &col);
            xmlNodePtr next_out = out;
            if (drop == SANITISER_KEPT && kept_depth < max_depth) {
                next_out = clean_element(src, doc, n, name, line, col);
                xmlAddChild(out, next_out);
            } else if (drop != SANITISER_KEPT && !frame) {
                report_element(src, line, col, name, drop);
            }
            if (drop != SANITISER_DROP_CONTENT && n->children) {
                XALLOC_GROW(stack, depth + 1, cap);
                stack[depth++] = out;
                kept_depth += next_out != out;
                out = next_out;
                descend = 1;
            }
        }
        if (descend) {
            n = n->children;
            continue;
        }
        while (n && n != body) {
            if (n->next) {
                n = n->next;
                break;
            }
            n = n->parent;
            if (n != body) {
                xmlNodePtr up = stack[--depth];
                kept_depth -= up != out;
                out = up;
            }
        }
        if (n == body)
            break;
    }
    free(stack);
    xmlFreeDoc(in);
}

xmlNodePtr sanitiser_clean_tag(const struct sanitiser_source *src, xmlDocPtr doc, const char *tag,
                               size_t len, char name[16], enum sanitiser_drop *drop)
{
    size_t i = 1, n = 0;
    while (i < len && n < 15 && (isalnum((unsigned char)tag[i]) || tag[i] == '-'))
        name[n++] = (char)tolower((unsigned char)tag[i++]);
    name[n] = '\0';
    *drop = sanitiser_element_policy(name);
    if (*drop != SANITISER_KEPT) {
        report_element(src, src->line, src->col, name, *drop);
        return NULL;
    }
    struct buf text;
    buf_init(&text);
    html5_references(&text, tag, len);
    htmlDocPtr in =
        text.len > INT_MAX
            ? NULL
            : htmlReadMemory(text.data, (int)text.len, NULL, "UTF-8",
                             HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    buf_release(&text);
    xmlNodePtr found = NULL;
    for (xmlNodePtr k = in ? xmlDocGetRootElement(in) : NULL; k && !found;
         k = dom_walk_next(k, NULL, 0))
        if (dom_is_element(k, name))
            found = k;
    xmlNodePtr out;
    if (found)
        out = clean_element(src, doc, found, name, src->line, src->col);
    else
        out = xmlNewDocNode(doc, NULL, BAD_CAST name, NULL);
    xmlFreeDoc(in);
    return out;
}

/* The end of the tag, comment or declaration at html[i] ('<'), past its '>'; len when it has
 * none. A tag's '>' is the first outside quotes. */
static size_t markup_end(const char *html, size_t len, size_t i)
{
    const char *close = i + 4 <= len && memcmp(html + i, "<!--", 4) == 0 ? "-->" : ">";
    if (close[0] == '-' || html[i + 1] == '!' || html[i + 1] == '?') {
        for (size_t j = i + 2; j < len; j++)
            if (strncmp(html + j, close, strlen(close)) == 0 && j + strlen(close) <= len)
                return j + strlen(close);
        return len;
    }
    char quote = 0;
    for (size_t j = i + 1; j < len; j++) {
        if (quote)
            quote = html[j] == quote ? 0 : quote;
        else if (html[j] == '"' || html[j] == '\'')
            quote = html[j];
        else if (html[j] == '>')
            return j + 1;
    }
    return len;
}

int sanitiser_is_whole(const char *html, size_t len)
{
    if (len < 2 || html[0] != '<')
        return 0;
    if (len >= 4 && memcmp(html, "<!--", 4) == 0)
        return len >= 7 && memcmp(html + len - 3, "-->", 3) == 0;
    if (len >= 9 && memcmp(html, "<![CDATA[", 9) == 0)
        return len >= 12 && memcmp(html + len - 3, "]]>", 3) == 0;
    if (html[1] == '?')
        return len >= 4 && memcmp(html + len - 2, "?>", 2) == 0;
    char quote = 0;
    for (size_t i = 1; i < len; i++) {
        if (quote)
            quote = html[i] == quote ? 0 : quote;
        else if (html[i] == '"' || html[i] == '\'')
            quote = html[i];
        else if (html[i] == '>')
            return i == len - 1;
    }
    return 0;
}

size_t sanitiser_leading_open(const char *html, size_t len, size_t *ends, size_t max)
{
    enum { DEPTH = 64 };
    struct {
        char name[16];
        size_t end; /* past its start tag */
    } open[DEPTH];
    size_t depth = 0, lead_end = 0;
    int at_start = 1; /* only start tags and spaces so far */
    for (size_t i = 0; i < len;) {
        if (html[i] != '<' || i + 1 >= len) {
            at_start &= html[i] == ' ' || html[i] == '\t' || html[i] == '\n';
            i++;
            continue;
        }
        size_t end = markup_end(html, len, i);
        int is_end = html[i + 1] == '/';
        char name[16];
        size_t n = 0;
        for (size_t j = i + 1 + (size_t)is_end;
             j < end && n < sizeof name - 1 && (isalnum((unsigned char)html[j]) || html[j] == '-');
             j++)
            name[n++] = (char)tolower((unsigned char)html[j]);
        name[n] = '\0';
        int self_closed = end >= 2 && html[end - 2] == '/';
        if (n == 0 || is_end || self_closed || dom_is_void(name))
            at_start = 0;
        if (n > 0 && is_end) {
            size_t k = depth;
            while (k > 0 && strcmp(open[k - 1].name, name) != 0)
                k--;
            if (k > 0)
                depth = k - 1;
        } else if (n > 0 && !self_closed && !dom_is_void(name)) {
            if (depth == DEPTH || sanitiser_element_policy(name) != SANITISER_KEPT)
                return 0;
            snprintf(open[depth].name, sizeof open[depth].name, "%s", name);
            open[depth++].end = end;
            if (at_start)
                lead_end = end;
        }
        i = end;
    }
    /* What is left open must be tags the block starts with (those nest in order, so the
     * innermost being one of them makes all of them). */
    if (depth == 0 || depth > max || open[depth - 1].end > lead_end)
        return 0;
    for (size_t k = 0; k < depth; k++)
        ends[k] = open[k].end;
    return depth;
}
