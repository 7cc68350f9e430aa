/* Unit tests of markdown (md4c to the tree) and of the dom passes it runs (sanitising, ids,
 * summaries, outputs): the dom is only ever made by markdown, so its tests start there too.
 * The spec cases are tests/markdown/NAME.md with the expected NAME.html, and where present
 * NAME.xhtml and NAME.diag (the warnings and errors, one per line; none when absent); with
 * ACCEPT=1 in the environment they are written from what the test got. */
#include <fcntl.h>
#include <libxml/HTMLparser.h>
#include <md4c-html.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/diag.h"
#include "core/fs.h"
#include "core/strv.h"
#include "core/xalloc.h"
#include "harness.h"
#include "markup/dom.h"
#include "markup/dom_tree.h"
#include "markup/markdown.h"
#include "print/xhtml.h"

#define SPEC_DIR "tests/markdown"

static struct dom *parse(struct diag *d, const char *text)
{
    return markdown_parse(d, "body.md", 1, text, strlen(text), NULL);
}

/* Returns the HTML5 of text (diagnostics go to a throwaway diag); the caller frees it. */
static char *html_of(const char *text)
{
    struct diag d;
    diag_init(&d);
    struct dom *doc = parse(&d, text);
    char *html = dom_html(doc);
    dom_free(doc);
    diag_release(&d);
    return html;
}

/* Reads an expected file; returns 0, or -1 when it does not exist. One final newline (which
 * editors add) is not part of the expectation. */
static int read_expected(const char *path, struct buf *out)
{
    if (!fs_is_file(path))
        return -1;
    struct diag d;
    diag_init(&d);
    int rc = fs_read_file(&d, path, out);
    diag_release(&d);
    if (rc == 0 && out->len > 0 && out->data[out->len - 1] == '\n')
        buf_truncate(out, out->len - 1);
    return rc;
}

static int same(const char *name, const char *what, const char *got, const char *want)
{
    if (strcmp(got, want) == 0)
        return 1;
    fprintf(stderr, "%s: %s differs\n  got:  %s\n  want: %s\n", name, what, got, want);
    return 0;
}

static void spec_cases(void)
{
    struct diag d;
    diag_init(&d);
    struct strv files = STRV_INIT;
    fs_list(&d, SPEC_DIR, SPEC_DIR, ".md", &files);
    CHECK(files.len >= 9);
    for (size_t i = 0; i < files.len; i++) {
        const char *name = files.v[i];
        size_t stem = strlen(name) - 3;
        char *path = xasprintf("%s/%s", SPEC_DIR, name);
        struct buf in, want;
        buf_init(&in);
        buf_init(&want);
        fs_read_file(&d, path, &in);
        struct diag cd;
        diag_init(&cd);
        struct dom *doc = markdown_parse(&cd, name, 1, in.data, in.len, NULL);
        int ok = 1;

        char *html = dom_html(doc);
        char *exp = xasprintf("%s/%.*s.html", SPEC_DIR, (int)stem, name);
        harness_accept(exp, html);
        ok &= read_expected(exp, &want) == 0 && same(name, "HTML", html, want.data);
        free(exp);
        free(html);

        char *xhtml = dom_xhtml(doc);
        exp = xasprintf("%s/%.*s.xhtml", SPEC_DIR, (int)stem, name);
        buf_reset(&want);
        if (fs_is_file(exp))
            harness_accept(exp, xhtml);
        if (read_expected(exp, &want) == 0)
            ok &= same(name, "XHTML", xhtml, want.data);
        free(exp);

        /* Every print fragment must be valid XHTML 1.1 inside a page. */
        char *page = xasprintf(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.1//EN\" "
            "\"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd\">\n"
            "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"ja\"><head><title>t</title>"
            "</head><body><div>%s</div></body></html>\n",
            xhtml);
        struct diag vd;
        diag_init(&vd);
        if (xhtml_validate(&vd, name, page, strlen(page)) != 0) {
            char *why = harness_diag_text(&vd);
            fprintf(stderr, "%s: XHTML not valid:\n%s", name, why);
            free(why);
            ok = 0;
        }
        diag_release(&vd);
        free(page);
        free(xhtml);

        char *got = harness_diag_text(&cd);
        exp = xasprintf("%s/%.*s.diag", SPEC_DIR, (int)stem, name);
        if (*got)
            harness_accept(exp, got);
        else if (harness_accepting())
            unlink(exp); /* no messages: no .diag file */
        buf_reset(&want);
        if (read_expected(exp, &want) == 0) {
            buf_putc(&want, '\n');
            ok &= same(name, "diagnostics", got, want.data);
        } else {
            ok &= same(name, "diagnostics", got, "");
        }
        free(exp);
        free(got);

        char *case_name = xasprintf("spec/%s", name);
        harness_case(case_name, ok);
        free(case_name);
        dom_free(doc);
        diag_release(&cd);
        buf_release(&in);
        buf_release(&want);
        free(path);
    }
    strv_release(&files);
    CHECK_INT(diag_error_count(&d), 0);
    diag_release(&d);
}

/* Summaries, text, table of contents */

static char *summary_of(const char *text, size_t max)
{
    struct diag d;
    diag_init(&d);
    struct dom *doc = parse(&d, text);
    char *s = dom_summary(doc, max);
    dom_free(doc);
    diag_release(&d);
    return s;
}

static void summaries(void)
{
    char *s = summary_of("# 見出し\n\n短い{本文|ほんぶん}です。\n\n二段落目。", 120);
    CHECK_STR(s, "短い本文です。");
    free(s);

    s = summary_of("", 120);
    CHECK_STR(s, "");
    free(s);

    /* Cut after the last sentence end within the limit. */
    s = summary_of("一文目です。二文目です。三文目はとても長いので入りません。", 14);
    CHECK_STR(s, "一文目です。二文目です。");
    free(s);

    /* A closing bracket after the sentence end goes with it. */
    s = summary_of("「こんにちは。」と言いました。続きがあります。", 10);
    CHECK_STR(s, "「こんにちは。」");
    free(s);
    s = summary_of("「こんにちは。」と言いました。続きがあります。", 16);
    CHECK_STR(s, "「こんにちは。」と言いました。");
    free(s);

    /* A sentence end a little past the limit beats cutting mid-sentence. */
    s = summary_of("とても長い一文目がここまで続きます。二文目。", 16);
    CHECK_STR(s, "とても長い一文目がここまで続きます。");
    free(s);

    /* No sentence end near the limit: cut between words, never inside one. */
    s = summary_of("The quick brown fox jumps over the lazy dog", 12);
    CHECK_STR(s, "The quick…");
    free(s);

    s = summary_of("句点のない長い文章が続いていて終わりが見えない", 10);
    CHECK_STR(s, "句点のない長い文章が…");
    free(s);

    /* Characters, not bytes: exactly at the limit stays whole. */
    s = summary_of("あいうえおかきくけこ", 10);
    CHECK_STR(s, "あいうえおかきくけこ");
    free(s);

    /* Markup is not text: no tag is ever cut. */
    s = summary_of("これは**とても大事な**お知らせで、最後まで読んでください", 12);
    CHECK_STR(s, "これはとても大事なお知ら…");
    free(s);

    /* Wrapped lines in the first paragraph join without spaces. */
    s = summary_of("日本語の\n段落です。", 120);
    CHECK_STR(s, "日本語の段落です。");
    free(s);
}

static void text_and_reading_time(void)
{
    struct diag d;
    diag_init(&d);
    struct dom *doc = parse(
        &d, "# 題\n\n本文の{漢字|かんじ}。\n\n- 一\n- 二\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
    char *t = dom_text(doc);
    CHECK_STR(t, "題\n本文の漢字。\n一\n二\na b\n1 2");
    free(t);
    CHECK_INT(dom_reading_minutes(doc), 1);
    dom_free(doc);
    doc = parse(&d, "");
    CHECK_INT(dom_reading_minutes(doc), 0);
    t = dom_text(doc);
    CHECK_STR(t, "");
    free(t);
    dom_free(doc);
    /* A picture reads as its alt text: a title made of one is not empty. */
    doc = parse(&d, "<img src=\"x.png\" alt=\"茶の間\"> と <b>喫茶</b>![写真](a.jpg)");
    t = dom_text(doc);
    CHECK_STR(t, "茶の間 と 喫茶写真");
    free(t);
    dom_free(doc);
    diag_release(&d);
}

/* Search reads the text, then each line with ruby again with the readings in place. */
static void search_text_with_readings(void)
{
    struct diag d;
    diag_init(&d);
    struct dom *doc = parse(&d, "# {櫛引|くしびき}の会\n\n本文です。\n\n{大網|おおあみ}の{雪下|ゆきお}ろし。"
                                "\n\n- <ruby><b>月</b><rt>つき</rt></ruby>に一度\n");
    char *t = dom_search_text(doc);
    CHECK_STR(t, "櫛引の会\n本文です。\n大網の雪下ろし。\n月に一度\n"
                 "くしびきの会\nおおあみのゆきおろし。\nつきに一度");
    free(t);
    dom_free(doc);
    doc = parse(&d, "ルビのない本文。\n");
    t = dom_search_text(doc);
    CHECK_STR(t, "ルビのない本文。");
    free(t);
    dom_free(doc);
    doc = parse(&d, "");
    t = dom_search_text(doc);
    CHECK_STR(t, "");
    free(t);
    dom_free(doc);
    CHECK_INT(d.len, 0);
    diag_release(&d);
}

static void table_of_contents(void)
{
    struct diag d;
    diag_init(&d);
    struct dom *doc =
        parse(&d, "# 題\n\n## 一 {#one}\n\n### 一の一\n\n## {二|に}\n\n#### 深い\n\n## 三\n");
    json_t *toc = dom_toc(doc);
    char *s = json_dumps(toc, JSON_COMPACT);
    CHECK_STR(s, "[{\"level\":1,\"id\":\"題\",\"text\":\"題\",\"html\":\"題\",\"children\":["
                 "{\"level\":2,\"id\":\"one\",\"text\":\"一\",\"html\":\"一\",\"children\":["
                 "{\"level\":3,\"id\":\"一の一\",\"text\":\"一の一\",\"html\":\"一の一\","
                 "\"children\":[]}]},"
                 "{\"level\":2,\"id\":\"二\",\"text\":\"二\",\"html\":"
                 "\"<ruby>二<rp>(</rp><rt>に</rt><rp>)</rp></ruby>\",\"children\":["
                 "{\"level\":4,\"id\":\"深い\",\"text\":\"深い\",\"html\":\"深い\","
                 "\"children\":[]}]},"
                 "{\"level\":2,\"id\":\"三\",\"text\":\"三\",\"html\":\"三\",\"children\":[]}]}]");
    free(s);
    json_decref(toc);
    dom_free(doc);
    doc = parse(&d, "no headings");
    toc = dom_toc(doc);
    CHECK_INT(json_array_size(toc), 0);
    json_decref(toc);
    dom_free(doc);
    diag_release(&d);
}

/* Hooks: links to entries and pictures */

struct fake_site {
    struct diag *d;
    int link_calls, image_calls;
};

static char *fake_link(const char *target, unsigned line, unsigned col, void *userdata)
{
    struct fake_site *site = userdata;
    site->link_calls++;
    if (strcmp(target, "../events/kenshu.md") == 0)
        return xstrdup("/events/kenshu/");
    if (strcmp(target, "../events/kenshu.md#apply") == 0)
        return xstrdup("/events/kenshu/#apply");
    size_t n = strlen(target);
    if (n > 3 && strcmp(target + n - 3, ".md") == 0)
        diag_error(site->d, "entry.md", line, col, "the link '%s' names no entry", target);
    return NULL;
}

static int fake_image(const char *src, unsigned line, unsigned col, struct markdown_image *out,
                      void *userdata)
{
    struct fake_site *site = userdata;
    site->image_calls++;
    if (strcmp(src, "missing.jpg") == 0) {
        diag_error(site->d, "entry.md", line, col, "the picture '%s' does not exist", src);
        return -1;
    }
    out->src = xasprintf("/img/%s", src);
    out->srcset = xasprintf("/img/480/%s 480w, /img/960/%s 960w", src, src);
    out->sizes = xstrdup("(max-width: 40em) 100vw, 40em");
    out->width = 960;
    out->height = 720;
    out->full = strcmp(src, "big.jpg") == 0 ? xstrdup("/img/full/big.jpg") : NULL;
    return 0;
}

static void hooks_links_and_images(void)
{
    struct diag d;
    diag_init(&d);
    struct fake_site site = {&d, 0, 0};
    struct markdown_hooks hooks = {.link = fake_link, .image = fake_image, .userdata = &site};
    const char *text = "[研修会](../events/kenshu.md) [申込](../events/kenshu.md#apply)\n"
                       "[ない](../events/nai.md) [外](https://example.jp/) [節](#x)\n\n"
                       "![写真](a.jpg \"説明\")\n\n"
                       "![大きい](big.jpg)\n\n"
                       "![ない](missing.jpg)\n\n"
                       "<img src=\"raw.jpg\" alt=\"生\">\n";
    struct dom *doc = markdown_parse(&d, "entry.md", 10, text, strlen(text), &hooks);
    char *html = dom_html(doc);
    CHECK_STR(html,
              "<p><a href=\"/events/kenshu/\">研修会</a> <a href=\"/events/kenshu/#apply\">申込</a>"
              "<a href=\"../events/nai.md\">ない</a> <a href=\"https://example.jp/\" "
              "rel=\"noopener\">外</a> <a href=\"#x\">節</a></p>"
              "<figure><img src=\"/img/a.jpg\" alt=\"写真\" width=\"960\" height=\"720\" "
              "srcset=\"/img/480/a.jpg 480w, /img/960/a.jpg 960w\" "
              "sizes=\"(max-width: 40em) 100vw, 40em\"><figcaption>説明</figcaption></figure>"
              "<figure><a href=\"/img/full/big.jpg\"><img src=\"/img/big.jpg\" alt=\"大きい\" "
              "width=\"960\" height=\"720\" srcset=\"/img/480/big.jpg 480w, /img/960/big.jpg "
              "960w\" sizes=\"(max-width: 40em) 100vw, 40em\" loading=\"lazy\" "
              "decoding=\"async\"></a></figure>"
              "<img alt=\"生\" src=\"/img/raw.jpg\" width=\"960\" height=\"720\" "
              "srcset=\"/img/480/raw.jpg 480w, /img/960/raw.jpg 960w\" "
              "sizes=\"(max-width: 40em) 100vw, 40em\" loading=\"lazy\" decoding=\"async\">");
    free(html);
    /* The line break between 申込 and ない joins two Japanese words: no space. */
    CHECK_INT(site.link_calls, 3);
    CHECK_INT(site.image_calls, 4);
    char *msgs = harness_diag_text(&d);
    CHECK_STR(msgs, "entry.md:11:6: error: the link '../events/nai.md' names no entry\n"
                    "entry.md:17:7: error: the picture 'missing.jpg' does not exist\n");
    free(msgs);
    dom_free(doc);
    diag_release(&d);
}

/* Raw HTML: script vectors */

static int url_is_safe(const char *url)
{
    char clean[256];
    size_t n = 0;
    for (const char *p = url; *p && n < sizeof clean - 1; p++)
        if ((unsigned char)*p > ' ')
            clean[n++] = *p;
    clean[n] = '\0';
    const char *colon = strchr(clean, ':');
    const char *stop = strpbrk(clean, "/?#");
    if (!colon || (stop && stop < colon))
        return 1;
    return strncasecmp(clean, "http:", 5) == 0 || strncasecmp(clean, "https:", 6) == 0 ||
           strncasecmp(clean, "mailto:", 7) == 0 || strncasecmp(clean, "tel:", 4) == 0;
}

/* Reads our HTML back the way a browser would and looks for anything that can run code. */
static int html_is_safe(const char *html, char *why, size_t why_len)
{
    static const char *const allowed[] = {
        "html",   "body",  "a",     "abbr",  "b",   "blockquote", "br",    "caption", "cite",
        "code",   "dd",    "del",   "details", "dfn", "div", "dl", "dt",   "em",      "figcaption",
        "summary",
        "figure", "h1",    "h2",    "h3",    "h4",  "h5",         "h6",    "hr",      "i",
        "img",    "input", "ins",   "kbd",   "li",  "mark",       "ol",    "p",       "pre",
        "q",      "rp",    "rt",    "ruby",  "s",   "samp",       "small", "span",    "strong",
        "sub",    "sup",   "table", "tbody", "td",  "tfoot",      "th",    "thead",   "time",
        "tr",     "u",     "ul",    "var"};
    char *page = xasprintf("<html><body>%s</body></html>", html);
    htmlDocPtr doc = htmlReadMemory(page, (int)strlen(page), NULL, "UTF-8",
                                    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    free(page);
    int safe = 1;
    for (xmlNodePtr n = xmlDocGetRootElement(doc); n && safe;) {
        if (n->type == XML_ELEMENT_NODE) {
            int ok = 0;
            for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
                ok |= strcasecmp((const char *)n->name, allowed[i]) == 0;
            if (!ok) {
                snprintf(why, why_len, "element <%s>", (const char *)n->name);
                safe = 0;
            }
            for (xmlAttrPtr a = n->properties; a && safe; a = a->next) {
                const char *name = (const char *)a->name;
                xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
                if (strncasecmp(name, "on", 2) == 0 || strcasecmp(name, "style") == 0 ||
                    strcasecmp(name, "srcdoc") == 0 || strcasecmp(name, "formaction") == 0 ||
                    ((strcasecmp(name, "href") == 0 || strcasecmp(name, "src") == 0 ||
                      strcasecmp(name, "cite") == 0) &&
                     !url_is_safe((const char *)v))) {
                    snprintf(why, why_len, "attribute %s=\"%s\"", name, (const char *)v);
                    safe = 0;
                }
                xmlFree(v);
            }
        }
        if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            continue;
        }
        while (n && !n->next)
            n = n->parent;
        if (n)
            n = n->next;
    }
    xmlFreeDoc(doc);
    return safe;
}

static void sanitiser_payloads(void)
{
    static const char *const payloads[] = {
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        "text <script>alert(1)</script> inline",
        "<img src=x onerror=alert(1)>",
        "inline <img src=x onerror=\"alert(1)\"> image",
        "<svg onload=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        "<body onload=alert(1)>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<iframe srcdoc=\"&lt;script&gt;alert(1)&lt;/script&gt;\"></iframe>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
        "<a href=\"java&#x09;script:alert(1)\">x</a>",
        "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1)\">x</a>",
        "<a href=\" javascript:alert(1)\">x</a>",
        "<a href=\"vbscript:msgbox(1)\">x</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
        "[x](javascript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](<javascript:alert(1)>)",
        "![x](javascript:alert(1))",
        "[x][r]\n\n[r]: javascript:alert(1)",
        "<javascript:alert(1)>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<p style=\"width: expression(alert(1))\">x</p>",
        "<style>@import 'https://evil.example/x.css';</style>",
        "<link rel=stylesheet href=https://evil.example/x.css>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<object data=\"javascript:alert(1)\"></object>",
        "<embed src=\"javascript:alert(1)\">",
        "<form action=\"javascript:alert(1)\"><button>x</button></form>",
        "<button formaction=\"javascript:alert(1)\">x</button>",
        "<input onfocus=alert(1) autofocus>",
        "<details open ontoggle=alert(1)>",
        "<video><source onerror=\"alert(1)\"></video>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<scr<script>ipt>alert(1)</script>",
        "<div><script>alert(1)</script></div>",
        "<base href=\"javascript:alert(1)//\">",
        "<a href=\"#\" onclick=\"alert(1)\">x</a>",
        "<img src=\"x\" alt=\"\" onmouseover=alert(1)>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
        "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
        "<span xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
        "xlink:href=\"javascript:alert(1)\">x</span>",
        "<template><script>alert(1)</script></template>",
        "<textarea><script>alert(1)</script></textarea>",
        "<blockquote cite=\"javascript:alert(1)\">x</blockquote>",
        "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
        "<a href=\"javascript&colon;alert(1)\">x</a>",
        "<<script>script>alert(1)<</script>/script>",
    };
    size_t n = sizeof payloads / sizeof *payloads;
    CHECK(n >= 30);
    for (size_t i = 0; i < n; i++) {
        struct diag d;
        diag_init(&d);
        struct dom *doc = parse(&d, payloads[i]);
        char *html = dom_html(doc);
        char *xhtml = dom_xhtml(doc);
        char why[300] = "";
        int ok = html_is_safe(html, why, sizeof why) && html_is_safe(xhtml, why, sizeof why);
        /* The page never carries script text either. */
        ok &= strstr(html, "<script") == NULL && strstr(html, "<SCRIPT") == NULL;
        char *name = xasprintf("xss/%zu", i + 1);
        if (!ok)
            fprintf(stderr, "payload %s gave %s (%s)\n", payloads[i], html, why);
        harness_case(name, ok);
        free(name);
        free(html);
        free(xhtml);
        dom_free(doc);
        diag_release(&d);
    }
}

static void sanitiser_keeps_safe_markup(void)
{
    char *html =
        html_of("<span class=\"note\" title=\"t\">x</span> <abbr title=\"NPO\">NPO</abbr>");
    CHECK_STR(html,
              "<p><span class=\"note\" title=\"t\">x</span> <abbr title=\"NPO\">NPO</abbr></p>");
    free(html);
    /* Raw elements close with their end tag, or with the Markdown element around them. */
    html = html_of("*a <b>b* c</b> d");
    CHECK_STR(html, "<p><em>a <b>b</b></em> c d</p>");
    free(html);
    /* A lone <iframe> line without its end tag takes nothing else with it. */
    html = html_of("<iframe src=\"https://example.jp/\">\n\nstill here\n\n<object>\n");
    CHECK_STR(html, "<p>still here</p>");
    free(html);
    html = html_of("<div class=\"box\">\n\n- 一\n- 二\n\n</div>\n\nafter");
    CHECK_STR(html, "<div class=\"box\"><ul><li>一</li><li>二</li></ul></div><p>after</p>");
    free(html);
}

static void sanitiser_messages(void)
{
    struct diag d;
    diag_init(&d);
    const char *text = "intro\n\n<p onclick=\"x()\">a</p>\n\ntext <script>x</script> and "
                       "<a href=\"javascript:x\">y</a>\n\n<script>again()</script>\n";
    struct dom *doc = markdown_parse(&d, "entry.md", 5, text, strlen(text), NULL);
    char *msgs = harness_diag_text(&d);
    CHECK_STR(msgs,
              "entry.md:7:1: warning: HTML attribute 'onclick' on <p> is not allowed and was "
              "removed\n"
              "entry.md:9:6: warning: HTML element <script> is not allowed and was removed "
              "together with its content\n"
              "entry.md:9:29: warning: the address 'javascript:x' in <a> is not allowed and was "
              "removed (use http, https, mailto or tel addresses, or paths within the site)\n");
    free(msgs);
    char *html = dom_html(doc);
    CHECK_STR(html, "<p>intro</p><p>a</p><p>text  and <a>y</a></p>");
    free(html);
    dom_free(doc);
    diag_release(&d);
}

/* Limits */

static void deep_nesting(void)
{
    static const char *const units[] = {">",  "*",  "[",   "<div>", "<span>",
                                        "- ", "**", "1. ", "<b><i>"};
    for (size_t u = 0; u < sizeof units / sizeof *units; u++) {
        struct buf b;
        buf_init(&b);
        for (int i = 0; i < 10000; i++)
            buf_puts(&b, units[u]);
        buf_puts(&b, " 深い text\n");
        struct diag d;
        diag_init(&d);
        struct dom *doc = markdown_parse(&d, "deep.md", 1, b.data, b.len, NULL);
        char *html = dom_html(doc);
        char *xhtml = dom_xhtml(doc);
        char *text = dom_text(doc);
        if (!strstr(html, "深い"))
            fprintf(stderr, "unit %s lost the text\n", units[u]);
        CHECK(strstr(html, "深い") != NULL);
        CHECK(strstr(xhtml, "深い") != NULL);
        CHECK(strstr(text, "深い") != NULL);
        /* The tree is never deeper than the limit, whatever the input. */
        int depth = 0, max = 0;
        for (const char *p = html; *p; p++) {
            if (p[0] == '<' && p[1] == '/')
                depth--;
            else if (p[0] == '<' && strncmp(p, "<br", 3) && strncmp(p, "<hr", 3))
                max = ++depth > max ? depth : max;
        }
        CHECK(max <= 110);
        if (strcmp(units[u], ">") == 0) {
            char *msgs = harness_diag_text(&d);
            CHECK_STR(msgs, "deep.md:1:1: warning: the text is nested more than 100 levels deep; "
                            "the deeper levels were flattened\n");
            free(msgs);
        }
        free(html);
        free(xhtml);
        free(text);
        dom_free(doc);
        diag_release(&d);
        buf_release(&b);
    }
}

static void big_body(void)
{
    struct buf b;
    buf_init(&b);
    size_t paragraphs = 0;
    while (b.len < 5 * 1024 * 1024) {
        buf_printf(&b,
                   "## 第%zu節\n\n地域の{支|ささ}え合い活動を紹介します。毎週火曜日に"
                   "**公民館**で体操と\nお茶会を開いています。[詳しく](https://example.jp/%zu)\n\n",
                   paragraphs, paragraphs);
        paragraphs++;
    }
    struct diag d;
    diag_init(&d);
    struct dom *doc = markdown_parse(&d, "big.md", 1, b.data, b.len, NULL);
    char *html = dom_html(doc);
    CHECK(strlen(html) > b.len);
    char *last = xasprintf("<h2 id=\"第%zu節\">第%zu節</h2>", paragraphs - 1, paragraphs - 1);
    CHECK(strstr(html, last) != NULL);
    CHECK(strstr(html, "体操とお茶会") != NULL);
    CHECK_INT(d.len, 0);
    json_t *toc = dom_toc(doc);
    CHECK_INT(json_array_size(toc), paragraphs);
    json_decref(toc);
    free(last);
    free(html);
    dom_free(doc);
    diag_release(&d);
    buf_release(&b);
}

static void unbalanced_md4c_events(void)
{
    /* md4c 0.4.8 reports the end of links it never started here: nothing may close early. */
    char *html = html_of("**a ![]([)]() b** c");
    CHECK_STR(html, "<p><strong>a <img src=\"%5B\" alt=\"\"> b</strong> c</p>");
    free(html);
}

static void null_body(void)
{
    struct diag d;
    diag_init(&d);
    struct dom *doc = markdown_parse(&d, "empty.md", 1, NULL, 0, NULL);
    char *html = dom_html(doc);
    CHECK_STR(html, "");
    free(html);
    dom_free(doc);
    dom_free(NULL);
    diag_release(&d);
}

static void short_autolink(void)
{
    /* md4c makes the href longer than the whole input: it must survive the size checks. */
    char *html = html_of("www.a.jp");
    CHECK_STR(html, "<p><a href=\"http://www.a.jp\" rel=\"noopener\">www.a.jp</a></p>");
    free(html);
}

static void odd_bytes(void)
{
    /* NUL, invalid UTF-8 and lone continuation bytes pass through without harm. */
    static const char text[] = "a\0b \xFF\xFE {\xE6\xBC|\x80} \xE3\x81\n\xE3\x81\x82";
    struct diag d;
    diag_init(&d);
    struct dom *doc = markdown_parse(&d, "odd.md", 1, text, sizeof text - 1, NULL);
    char *html = dom_html(doc);
    CHECK(strstr(html, "a\xEF\xBF\xBD"
                       "b") != NULL);
    free(html);
    dom_free(doc);
    diag_release(&d);
}

/* md4c's own renderer and our tree agree on the text of plain CommonMark. */

static void collect(const MD_CHAR *text, MD_SIZE size, void *userdata)
{
    buf_add(userdata, text, size);
}

static char *squeeze(const char *s)
{
    struct buf out;
    buf_init(&out);
    int space = 0;
    for (; *s; s++) {
        if (*s == ' ' || *s == '\n' || *s == '\t') {
            space = out.len > 0;
            continue;
        }
        if (space)
            buf_putc(&out, ' ');
        space = 0;
        buf_putc(&out, *s);
    }
    return buf_detach(&out, NULL);
}

static void md4c_equivalence(void)
{
    static const char *const inputs[] = {
        "Hello *world*, this is **bold** and `code`.",
        "# Title\n\nSome text\nwrapped over lines.\n\n## Sub\n\nMore.",
        "- one\n- two\n  - nested\n\n1. first\n2. second",
        "> quoted\n> > deeper\n\nafter",
        "```\ncode block\n  indented\n```\n\n    indented code",
        "Hard  \nbreak and\\\nbackslash break",
        "Entities: &amp; &copy; &#35; &#x41; &nosuch;",
        "Escapes: \\* \\_ \\` \\\\ \\# \\[ \\{",
        "[link](https://example.jp/) and <https://example.com> and www.example.org",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "~~struck~~ text",
        "- [ ] task\n- [x] done",
        "Setext\n======\n\ntext\n\n***\n\nmore",
        "日本語の文章です。**強調**もあります。",
        "Mixed 日本語 and English in one line.",
        "Image ![alt text](a.png) inline.",
        "*a **b** c* _d_ __e__",
        "1) paren list\n2) second",
        "",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        struct buf ref;
        buf_init(&ref);
        md_html(inputs[i], (MD_SIZE)strlen(inputs[i]), collect, &ref, MD_DIALECT_GITHUB, 0);
        char *page = xasprintf("<html><body>%s</body></html>", ref.data);
        htmlDocPtr doc = htmlReadMemory(page, (int)strlen(page), NULL, "UTF-8",
                                        HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
        /* The text a reader gets: a picture by its alt text, as dom_text gives it. */
        struct buf content;
        buf_init(&content);
        xmlNodePtr root = xmlDocGetRootElement(doc);
        for (xmlNodePtr n = root; n; n = dom_walk_next(n, root, 0)) {
            if (n->type == XML_TEXT_NODE)
                buf_puts(&content, (const char *)n->content);
            xmlChar *alt = dom_is_element(n, "img") ? xmlGetProp(n, BAD_CAST "alt") : NULL;
            if (alt)
                buf_puts(&content, (const char *)alt);
            xmlFree(alt);
        }
        char *want = squeeze(content.data);
        struct diag d;
        diag_init(&d);
        struct dom *ours = parse(&d, inputs[i]);
        char *text = dom_text(ours);
        char *got = squeeze(text);
        char *name = xasprintf("md4c-equivalence/%zu", i + 1);
        harness_case(name, same(name, "text", got, want));
        free(name);
        free(got);
        free(text);
        dom_free(ours);
        diag_release(&d);
        free(want);
        buf_release(&content);
        xmlFreeDoc(doc);
        free(page);
        buf_release(&ref);
    }
}

/* A title is written with its value, whatever the value: only boolean attributes (a task list's
 * checkbox) are written by name alone. */
static void link_titles_keep_their_value(void)
{
    char *h = html_of("[a](/uri \"title\") [b][r] - [ ] x\n\n[r]: /r \"title\"\n\n- [x] done");
    CHECK_STR(h, "<p><a href=\"/uri\" title=\"title\">a</a> <a href=\"/r\" title=\"title\">b</a>"
                 " - [ ] x</p><ul><li class=\"task\"><input type=\"checkbox\" disabled checked> "
                 "done</li></ul>");
    free(h);
}

/* Every name HTML has is a character, in text and in addresses and titles; a name it does not
 * have stays as written. */
static void every_named_character(void)
{
    char *h = html_of("&Dcaron; &HilbertSpace; &DifferentialD; &ClockwiseContourIntegral; &ngE; "
                      "&nosuch; &copy; &#x1F600; [a](/&auml; \"&Dcaron;\")");
    CHECK_STR(h, "<p>\xC4\x8E \xE2\x84\x8B \xE2\x85\x86 \xE2\x88\xB2 \xE2\x89\xA7\xCC\xB8 "
                 "&amp;nosuch; \xC2\xA9 \xF0\x9F\x98\x80 <a href=\"/\xC3\xA4\" "
                 "title=\"\xC4\x8E\">a</a></p>");
    free(h);
}

/* Raw HTML is read as it stands: text in an HTML block gets no paragraph around it, every
 * named character HTML has is read, an address is made valid, and a tag written over several
 * lines is one tag. */
static void raw_html_as_written(void)
{
    char *h = html_of("</div>\n*foo*");
    CHECK_STR(h, "\n*foo*");
    free(h);
    h = html_of("<span title=\"&Dcaron; &amp;\">&ngE; &lt;b&gt; &copy; &nosuch;</span>\n\n"
                "<q cite=\"a b\">q</q>\n\n<div title=\"&ngE;\">&Dcaron;&lt;&LT;i&GT;</div>");
    CHECK_STR(h, "<p><span title=\"\xC4\x8E &amp;\">\xE2\x89\xA7\xCC\xB8 &lt;b&gt; \xC2\xA9 "
                 "&amp;nosuch;</span></p><p><q cite=\"a%20b\">q</q></p>"
                 "<div title=\"\xE2\x89\xA7\xCC\xB8\">\xC4\x8E&lt;&lt;i&gt;</div>");
    free(h);
    h = html_of("<abbr title=\"a>\nb\">x</abbr><span\ntitle='<c>'>y</span>");
    CHECK_STR(h, "<p><abbr title=\"a&gt;&#10;b\">x</abbr><span title=\"&lt;c&gt;\">y</span></p>");
    free(h);
    h = html_of("<a href=\"foo  \nbar\" title=\"a\nb\">x</a> and <span\nclass=\"c\">y</span>");
    CHECK_STR(h, "<p><a title=\"a&#10;b\" href=\"foo%20%20bar\">x</a> and <span class=\"c\">y</span>"
                 "</p>");
    free(h);
}

/* Every element is written closed, empty list items too: read as XML, "- foo\n-\n- bar" is
 * one list of three items, not items nested in the empty one. */
static void empty_items_are_closed(void)
{
    struct diag d;
    diag_init(&d);
    struct dom *doc = parse(&d, "- foo\n-\n- bar\n\n1. a\n2.\n\n- [ ] \n- x\n\n  -\n");
    char *html = dom_html(doc), *xhtml = dom_xhtml(doc);
    size_t starts = 0, ends = 0;
    for (const char *p = html; (p = strstr(p, "<li")) != NULL; p++)
        starts++;
    for (const char *p = html; (p = strstr(p, "</li>")) != NULL; p++)
        ends++;
    CHECK_INT(starts, 8);
    CHECK_INT(ends, 8);
    char *xml = xasprintf("<div>%s</div>", xhtml);
    xmlDocPtr x = xmlReadMemory(xml, (int)strlen(xml), NULL, "UTF-8", XML_PARSE_NOERROR);
    xmlNodePtr root = x ? xmlDocGetRootElement(x) : NULL;
    CHECK(root != NULL);
    int lists = 0, items = 0;
    for (xmlNodePtr l = root ? root->children : NULL; l; l = l->next, lists++)
        for (xmlNodePtr li = l->children; li; li = li->next)
            items += dom_is_element(li, "li");
    CHECK_INT(lists, 3);
    CHECK_INT(items, 7);
    xmlFreeDoc(x);
    free(xml);
    free(html);
    free(xhtml);
    dom_free(doc);
    diag_release(&d);
}

/* Every id in a body is one word and unique in the page, apart from the theme's own: ids
 * written in the text (raw HTML, {#id}) first, in the order they come, then headings' slugs. */
static void ids_unique_and_valid(void)
{
    struct strv theme = STRV_INIT;
    strv_push(&theme, "main");
    strv_push(&theme, "toc");
    struct markdown_hooks hooks = {.reserved_ids = &theme};
    const char *text = "## Main\n\n"
                       "<a id=\"usage\"></a>\n\n"
                       "## Usage\n\n"
                       "<p id=\"Usage and Policy Errors\">x</p>\n\n"
                       "## 目次 {#toc}\n\n"
                       "<span id=\"usage\">again</span> <b id=\"a.b\">ok</b>\n\n"
                       "## Main\n\n"
                       "<p id=\" ! \">e</p>\n";
    struct diag d;
    diag_init(&d);
    struct dom *doc = markdown_parse(&d, "ids.md", 1, text, strlen(text), &hooks);
    char *h = dom_html(doc);
    CHECK_STR(h, "<h2 id=\"main-2\">Main</h2><p><a id=\"usage\"></a></p>"
                 "<h2 id=\"usage-3\">Usage</h2><p id=\"Usage-and-Policy-Errors\">x</p><h2 id=\"toc-2\">目次</h2>"
                 "<p><span id=\"usage-2\">again</span> <b id=\"a.b\">ok</b></p>"
                 "<h2 id=\"main-3\">Main</h2><p>e</p>");
    char *msgs = harness_diag_text(&d);
    CHECK_STR(msgs,
              "ids.md:7:1: warning: the id 'Usage and Policy Errors' is not one word; it became "
              "'Usage-and-Policy-Errors' (an id has no spaces or punctuation)\n"
              "ids.md:9:7: warning: the heading id 'toc' is the theme's own (its pages use it); "
              "this one became 'toc-2'\n"
              "ids.md:11:1: warning: the id 'usage' is used twice in this page; this one became "
              "'usage-2'\n"
              "ids.md:15:1: warning: the id ' ! ' has no letters or digits and was removed\n");
    free(msgs);
    free(h);
    dom_free(doc);
    diag_release(&d);
    strv_release(&theme);
}

/* A link or picture whose address has an entity or an escape is reported where it is written,
 * not where the text before it is. */
static void addresses_with_entities_placed(void)
{
    struct diag d;
    diag_init(&d);
    struct fake_site site = {&d, 0, 0};
    struct markdown_hooks hooks = {.link = fake_link, .image = fake_image, .userdata = &site};
    const char *text = "段落の文。\n\n"
                       "本文 ![写真](missing&#46;jpg)\n\n"
                       "- [ない](nai&period;md)\n"
                       "- ![x](missing\\.jpg \"&amp;\")\n";
    struct dom *doc = markdown_parse(&d, "entry.md", 10, text, strlen(text), &hooks);
    char *msgs = harness_diag_text(&d);
    CHECK_STR(msgs, "entry.md:12:10: error: the picture 'missing.jpg' does not exist\n"
                    "entry.md:14:8: error: the link 'nai.md' names no entry\n"
                    "entry.md:15:8: error: the picture 'missing.jpg' does not exist\n");
    free(msgs);
    dom_free(doc);
    diag_release(&d);
}

/* Many documents at once on many threads give what one thread gives. */

static const char *const thread_input =
    "# 見出し\n\n{漢字|かんじ}の\n文章。<span class=\"x\" onclick=\"y\">raw</span>\n\n"
    "![写真](a.jpg \"説明\")\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<div>\n<p>block</p>\n</div>\n";

static void *thread_main(void *arg)
{
    char **out = arg;
    for (int i = 0; i < 200; i++) {
        struct diag d;
        diag_init(&d);
        struct dom *doc = parse(&d, thread_input);
        char *html = dom_html(doc);
        char *xhtml = dom_xhtml(doc);
        if (i == 0) {
            out[0] = html;
            out[1] = xhtml;
        } else {
            if (strcmp(html, out[0]) != 0 || strcmp(xhtml, out[1]) != 0)
                out[2] = "differs";
            free(html);
            free(xhtml);
        }
        dom_free(doc);
        diag_release(&d);
    }
    return NULL;
}

static void threads(void)
{
    char *want = html_of(thread_input);
    enum { N = 8 };
    pthread_t t[N];
    char *out[N][3];
    memset(out, 0, sizeof out);
    for (int i = 0; i < N; i++)
        pthread_create(&t[i], NULL, thread_main, out[i]);
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        CHECK_STR(out[i][0], want);
        CHECK(out[i][2] == NULL);
        free(out[i][0]);
        free(out[i][1]);
    }
    free(want);
}

static void xhtml_id_prefix(void)
{
    struct diag d;
    diag_init(&d);
    struct dom *doc = parse(&d, "## 概要 {#about}\n\n[上へ](#about) [外](https://example.jp/#x)");
    char *x = dom_xhtml_prefixed(doc, "e12-");
    CHECK_STR(x, "<h2 id=\"e12-about\">概要</h2><p><a href=\"#e12-about\">上へ</a> "
                 "<a href=\"https://example.jp/#x\" rel=\"noopener\">外</a></p>");
    free(x);
    x = dom_html(doc);
    CHECK(strstr(x, "id=\"about\"") != NULL); /* the tree itself is unchanged */
    free(x);
    dom_free(doc);
    diag_release(&d);
}

/* Vertical writing: numbers of one or two digits stand upright; longer numbers, numbers
 * joined to letters, code and ruby readings are left alone. */
static void xhtml_upright_digits(void)
{
    struct diag d;
    diag_init(&d);
    struct dom *doc = parse(&d, "第5号は12月、2021年に31人。9:30開始、A4判、1,000円。"
                                "`42`と{十|10}、**7**日");
    char *x = dom_xhtml_print(doc, NULL, 1);
    CHECK_STR(x, "<p>第<span class=\"tcy\">5</span>号は<span class=\"tcy\">12</span>月、2021年に"
                 "<span class=\"tcy\">31</span>人。9:30開始、A4判、1,000円。<code>42</code>と"
                 "<ruby><rb>十</rb><rp>(</rp><rt>10</rt><rp>)</rp></ruby>、<strong>"
                 "<span class=\"tcy\">7</span></strong>日</p>");
    free(x);
    x = dom_xhtml_print(doc, NULL, 0);
    CHECK(strstr(x, "tcy") == NULL);
    free(x);
    dom_free(doc);
    diag_release(&d);
}

/* Texts that end inside a link's address, put right before memory that cannot be read: md4c
 * reads a byte past the end of such a text, so markdown_parse must not hand it the caller's. */
static void text_ending_in_a_link_is_read_within_bounds(void)
{
    static const char *const ends[] = {"[](", "[](x", "本文\n\n[写真](photos/a", "[a]: <b"};
    long page = sysconf(_SC_PAGESIZE);
    int zero = open("/dev/zero", O_RDWR);
    char *m = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE, zero, 0);
    close(zero);
    CHECK(m != MAP_FAILED);
    if (m == MAP_FAILED)
        return;
    CHECK_INT(mprotect(m + page, (size_t)page, PROT_NONE), 0);
    for (size_t i = 0; i < sizeof ends / sizeof *ends; i++) {
        size_t n = strlen(ends[i]);
        char *at = m + page - n;
        memcpy(at, ends[i], n);
        struct diag d;
        diag_init(&d);
        struct dom *doc = markdown_parse(&d, "x.md", 1, at, n, NULL);
        char *html = dom_html(doc);
        CHECK(html != NULL);
        free(html);
        dom_free(doc);
        diag_release(&d);
    }
    munmap(m, (size_t)page * 2);
}

/* Phone numbers in the text become links that call them; numbers that only look alike do not,
 * nor numbers already in a link, in code or in a ruby reading. */
static void phone_numbers_become_links(void)
{
    struct diag d;
    diag_init(&d);
    struct dom *doc = parse(&d, "電話 0235-00-1400（平日）、携帯090-1234-5678、0120-123-456。"
                                "2021-02-19、0235-00-14000、A0235-00-1400、0235-0-1400、"
                                "鶴岡市山王町0-1、`0235-00-1400`、[0235-00-1400](https://example.jp/)、"
                                "{本|0235-00-1400}\n\n| 電話 |\n|---|\n| 0235-00-1200 |");
    dom_link_phones(doc);
    char *h = dom_html(doc);
    CHECK(strstr(h, "電話 <a href=\"tel:0235001400\" class=\"tel\">0235-00-1400</a>（平日）") !=
          NULL);
    CHECK(strstr(h, "携帯<a href=\"tel:09012345678\" class=\"tel\">090-1234-5678</a>") != NULL);
    CHECK(strstr(h, "<a href=\"tel:0120123456\" class=\"tel\">0120-123-456</a>。") != NULL);
    CHECK(strstr(h, "<td><a href=\"tel:0235001200\" class=\"tel\">0235-00-1200</a></td>") !=
          NULL);
    /* Exactly those four: the rest only look like numbers to call. */
    size_t links = 0;
    for (const char *p = h; (p = strstr(p, "href=\"tel:")) != NULL; p++)
        links++;
    CHECK_INT(links, 4);
    CHECK(strstr(h, "2021-02-19、0235-00-14000、A0235-00-1400、0235-0-1400、鶴岡市山王町0-1、") !=
          NULL);
    CHECK(strstr(h, "<code>0235-00-1400</code>") != NULL);
    CHECK(strstr(h, "<a href=\"https://example.jp/\" rel=\"noopener\">0235-00-1400</a>") != NULL);
    CHECK(strstr(h, "<rt>0235-00-1400</rt>") != NULL);
    free(h);
    dom_free(doc);
    diag_release(&d);
}

/* Every table goes in a box of its own that scrolls sideways, which a keyboard can reach and a
 * screen reader names: after the table's caption, else the heading before it, else 表. Cells
 * with a short number or a short text are marked to stay on one line; a table of many columns
 * is marked wide, as in print. */
static void tables_fit_a_phone(void)
{
    struct diag d;
    diag_init(&d);
    struct dom *doc = parse(&d, "| 前 |\n|---|\n| 1 |\n\n"
                                "## 年度ごとの{推移|すいい}\n\n"
                                "| 年度 | 活動の数 | 説明 |\n|---|---:|---|\n"
                                "| 平成28年度 | 1,234 | 集落ごとに集まりの場が生まれました |\n\n"
                                "| 二つめ |\n|---|\n| 2人 |\n\n"
                                "<table><caption>月ごとの<b>記録</b></caption>"
                                "<tr><td>4月</td></tr></table>\n\n"
                                "- | 入れ子 |\n  |---|\n  | 3 |\n");
    dom_fit_tables(doc);
    char *h = dom_html(doc);
    static const char *const opens[] = {
        "<div class=\"table-scroll\" role=\"region\" aria-label=\"表\" tabindex=\"0\"><table>",
        "<div class=\"table-scroll\" role=\"region\" aria-label=\"年度ごとの推移\" tabindex=\"0\">"
        "<table>",
        "<div class=\"table-scroll\" role=\"region\" aria-label=\"年度ごとの推移（2）\" "
        "tabindex=\"0\"><table>",
        "<div class=\"table-scroll\" role=\"region\" aria-label=\"月ごとの記録\" tabindex=\"0\">"
        "<table><caption>",
        "<li><div class=\"table-scroll\" role=\"region\" aria-label=\"年度ごとの推移（3）\" "
        "tabindex=\"0\"><table>",
    };
    for (size_t i = 0; i < sizeof opens / sizeof *opens; i++) {
        if (strstr(h, opens[i]) == NULL)
            fprintf(stderr, "  missing: %s\n  in: %s\n", opens[i], h);
        CHECK(strstr(h, opens[i]) != NULL);
    }
    size_t boxes = 0;
    for (const char *p = h; (p = strstr(p, "table-scroll")) != NULL; p++)
        boxes++;
    CHECK_INT(boxes, 5);
    CHECK(strstr(h, "</table></div>") != NULL);
    CHECK(strstr(h, "<td class=\"short\">平成28年度</td>") != NULL);
    CHECK(strstr(h, "<td class=\"num\">2人</td>") != NULL);
    CHECK(strstr(h, "<td style=\"text-align: right\" class=\"num\">1,234</td>") != NULL);
    CHECK(strstr(h, "<td>集落ごとに集まりの場が生まれました</td>") != NULL);
    CHECK(strstr(h, "<th class=\"short\">年度</th>") != NULL);
    CHECK(strstr(h, "<th style=\"text-align: right\" class=\"short\">活動の数</th>") != NULL);
    CHECK(strstr(h, "<td class=\"num\">4月</td>") != NULL);
    free(h);
    dom_free(doc);
    diag_release(&d);
}

/* A table of a few columns whose cells hold sentences is stacked on a phone: class stack and
 * each body cell labelled with its column's heading. Short cells, many columns, spans or a
 * second heading row leave a table as it is; print never has the labels. */
static void sentence_tables_stack(void)
{
    static const char *const long_text =
        "感染対策で活動が限られ、はじめに考えた方法では地域のニーズや資源の様子をつかめなかったので、"
        "アンケート調査の準備までとしました。";
    struct buf md;
    buf_init(&md);
    buf_printf(&md, "| 項目 | 評価 | <b>根拠</b> |\n|---|---|---|\n| ア | 記載なし | %s |\n"
                    "| イ | B | 短い |\n\n",
               long_text);
    buf_puts(&md, "| 年度 | 数 |\n|---|---|\n| 平成28年度 | 44人 |\n\n");
    buf_printf(&md, "<table><tr><td colspan=\"2\">%s</td></tr></table>\n\n", long_text);
    buf_printf(&md, "| a | b | c | d | e | f | g |\n|---|---|---|---|---|---|---|\n"
                    "| %s | 2 | 3 | 4 | 5 | 6 | 7 |\n",
               long_text);
    struct diag d;
    diag_init(&d);
    struct dom *doc = parse(&d, md.data);
    char *x = dom_xhtml_print(doc, NULL, 0);
    CHECK(strstr(x, "data-label") == NULL);
    CHECK(strstr(x, "stack") == NULL);
    free(x);
    dom_fit_tables(doc);
    char *h = dom_html(doc);
    CHECK(strstr(h, "<table class=\"stack\"><thead>") != NULL);
    CHECK(strstr(h, "<td class=\"short\" data-label=\"項目\">ア</td>") != NULL);
    CHECK(strstr(h, "<td class=\"short\" data-label=\"評価\">B</td>") != NULL);
    CHECK(strstr(h, "<td data-label=\"根拠\">感染対策") != NULL); /* the heading's text alone */
    size_t stacked = 0;
    for (const char *p = h; (p = strstr(p, "class=\"stack\"")) != NULL; p++)
        stacked++;
    CHECK_INT(stacked, 1);
    free(h);
    dom_free(doc);
    diag_release(&d);
    buf_release(&md);
}

/* In print a wide table cannot scroll: it gets a class by its number of columns, for a smaller
 * type, and no box; the web's boxed tables get the same classes. */
static void wide_tables_in_print(void)
{
    struct buf md;
    buf_init(&md);
    for (int cols = 1; cols <= 26; cols++)
        buf_printf(&md, "| %d月 ", cols);
    buf_puts(&md, "|\n");
    for (int cols = 1; cols <= 26; cols++)
        buf_puts(&md, "|---");
    buf_puts(&md, "|\n\n| a | b | c | d | e | f | g |\n|---|---|---|---|---|---|---|\n\n"
                  "| a | b | c | d | e | f | g | h |\n|---|---|---|---|---|---|---|---|\n\n"
                  "<table><tr><td colspan=\"13\">x</td><td>y</td></tr></table>\n");
    struct diag d;
    diag_init(&d);
    struct dom *doc = parse(&d, md.data);
    char *x = dom_xhtml_print(doc, NULL, 0);
    const char *first = strstr(x, "<table");
    CHECK(first && strncmp(first, "<table class=\"very-wide\">", 25) == 0);
    const char *second = first ? strstr(first + 1, "<table") : NULL;
    CHECK(second && strncmp(second, "<table>", 7) == 0);
    const char *third = second ? strstr(second + 1, "<table") : NULL;
    CHECK(third && strncmp(third, "<table class=\"wide\">", 20) == 0);
    const char *fourth = third ? strstr(third + 1, "<table") : NULL;
    CHECK(fourth && strncmp(fourth, "<table class=\"very-wide\">", 25) == 0);
    CHECK(strstr(x, "table-scroll") == NULL);
    free(x);
    /* On the web, the same classes inside the boxes. */
    dom_fit_tables(doc);
    x = dom_html(doc);
    CHECK(strstr(x, "tabindex=\"0\"><table class=\"very-wide\"><thead>") != NULL);
    CHECK(strstr(x, "tabindex=\"0\"><table class=\"wide\"><thead>") != NULL);
    free(x);
    dom_free(doc);
    diag_release(&d);
    buf_release(&md);
}

int main(void)
{
    dom_global_init();
    RUN(spec_cases);
    RUN(sentence_tables_stack);
    RUN(text_ending_in_a_link_is_read_within_bounds);
    RUN(summaries);
    RUN(text_and_reading_time);
    RUN(search_text_with_readings);
    RUN(table_of_contents);
    RUN(hooks_links_and_images);
    RUN(sanitiser_payloads);
    RUN(sanitiser_keeps_safe_markup);
    RUN(sanitiser_messages);
    RUN(deep_nesting);
    RUN(big_body);
    RUN(unbalanced_md4c_events);
    RUN(null_body);
    RUN(short_autolink);
    RUN(odd_bytes);
    RUN(md4c_equivalence);
    RUN(link_titles_keep_their_value);
    RUN(every_named_character);
    RUN(raw_html_as_written);
    RUN(empty_items_are_closed);
    RUN(ids_unique_and_valid);
    RUN(addresses_with_entities_placed);
    RUN(threads);
    RUN(xhtml_id_prefix);
    RUN(xhtml_upright_digits);
    RUN(phone_numbers_become_links);
    RUN(tables_fit_a_phone);
    RUN(wide_tables_in_print);
    return HARNESS_DONE();
}
