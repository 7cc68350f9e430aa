/* Unit tests of the template engine beyond the spec: every load-time error with its position,
 * inheritance as themes use it, rendering from many threads, the strict report, deep nesting. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "harness.h"
#include "markup/template.h"

/* A theme in memory: pairs of name and source, ending with NULL. */
struct files {
    const char *const *pairs;
    int fail; /* the loader reports an I/O error for this name */
    const char *fail_name;
};

static int load(const char *name, struct buf *src, char **path, void *userdata)
{
    const struct files *f = userdata;
    if (f->fail_name && strcmp(name, f->fail_name) == 0) {
        *path = xasprintf("themes/t/templates/%s.mustache", name);
        return -1;
    }
    for (const char *const *p = f->pairs; p[0]; p += 2) {
        if (strcmp(p[0], name) == 0) {
            buf_puts(src, p[1]);
            *path = xasprintf("themes/t/templates/%s.mustache", name);
            return 0;
        }
    }
    return 1;
}

/* Compiles `main` from the pairs and returns the messages it produced (caller frees). */
static char *load_errors(const char *const *pairs)
{
    struct diag d;
    diag_init(&d);
    struct files f = {pairs, 0, NULL};
    struct template_set *s = template_set_new(&d, load, &f);
    const struct template *t = template_set_get(s, "main");
    char *msg = harness_diag_text(&d);
    if (t && diag_error_count(&d) > 0)
        harness_fails_now++; /* errors must come with NULL */
    template_set_free(s);
    diag_release(&d);
    return msg;
}

/* Renders `main` from the pairs against the JSON text data; returns the output (caller frees)
 * or NULL when it failed to load. */
static char *render(const char *const *pairs, const char *data)
{
    struct diag d;
    diag_init(&d);
    struct files f = {pairs, 0, NULL};
    struct template_set *s = template_set_new(&d, load, &f);
    const struct template *t = template_set_get(s, "main");
    char *result = NULL;
    json_t *json = json_loads(data, 0, NULL);
    CHECK(json != NULL);
    if (t) {
        struct buf out;
        buf_init(&out);
        CHECK_INT(template_render(t, json, &out), 0);
        result = buf_detach(&out, NULL);
    }
    if (diag_error_count(&d)) {
        char *m = harness_diag_text(&d);
        fprintf(stderr, "%s", m);
        free(m);
    }
    json_decref(json);
    template_set_free(s);
    diag_release(&d);
    return result;
}

#define CHECK_ERRORS(want, ...)                                                                    \
    do {                                                                                           \
        static const char *const pairs_[] = {__VA_ARGS__, NULL};                                   \
        char *got_ = load_errors(pairs_);                                                          \
        CHECK_STR(got_, want);                                                                     \
        free(got_);                                                                                \
    } while (0)

#define CHECK_RENDER(data, want, ...)                                                              \
    do {                                                                                           \
        static const char *const pairs_[] = {__VA_ARGS__, NULL};                                   \
        char *got_ = render(pairs_, data);                                                         \
        CHECK_STR(got_, want);                                                                     \
        free(got_);                                                                                \
    } while (0)

#define P "themes/t/templates/"

static void error_unclosed_section(void)
{
    CHECK_ERRORS(P "main.mustache:3:5: error: {{#items}} is never closed (expected {{/items}} "
                   "after it)\n",
                 "main", "<ul>\n\n    {{#items}}\n<li>{{title}}</li>\n");
}

static void error_mismatched_close(void)
{
    CHECK_ERRORS(P "main.mustache:2:15: error: {{/item}} does not match {{#items}} from line 1 "
                   "(expected {{/items}})\n",
                 "main", "{{#items}}\n<li>{{.}}</li>{{/item}}\n");
    CHECK_ERRORS(P "main.mustache:1:25: error: {{/a}} does not match {{$b}} from line 1 "
                   "(expected {{/b}})\n",
                 "main", "{{<layout}}{{$a}}x{{$b}}{{/a}}{{/b}}{{/layout}}", "layout", "");
}

static void error_close_without_open(void)
{
    CHECK_ERRORS(P "main.mustache:1:7: error: {{/items}} closes a section that was never "
                   "opened\n",
                 "main", "Hello {{/items}}");
}

static void error_unclosed_tag(void)
{
    CHECK_ERRORS(P "main.mustache:2:3: error: '{{' opens a tag that is never closed (expected "
                   "'}}')\n",
                 "main", "ok\n  {{title\n}");
    CHECK_ERRORS(P "main.mustache:1:1: error: '{{' opens a tag that is never closed (expected "
                   "'}}}')\n",
                 "main", "{{{body}}");
    CHECK_ERRORS(P "main.mustache:1:12: error: '<%' opens a tag that is never closed (expected "
                   "'%>')\n",
                 "main", "{{=<% %>=}}<%title}}");
}

static void error_names(void)
{
    CHECK_ERRORS(P "main.mustache:1:3: error: '{{# }}' has no name (expected something like "
                   "{{#title}})\n",
                 "main", "a {{# }}{{/x}}");
    CHECK_ERRORS(P "main.mustache:1:1: error: '{{first name}}': a name cannot contain spaces\n",
                 "main", "{{first name}}");
    /* A forgotten }} is quoted up to its line's end, so the message stays on one line. */
    CHECK_ERRORS(P "main.mustache:2:5: error: '{{entry.title</h1>' opens a tag that is not "
                   "closed on its line (expected '}}' after the name)\n",
                 "main", "<p>\n<h1>{{entry.title</h1>\n{{/x}}");
    /* A name may still be written on a line of its own. */
    CHECK_ERRORS("", "main", "{{\ntitle\n}}");
    CHECK_ERRORS(P "main.mustache:1:1: error: 'site..title' is not a valid name (a dot goes "
                   "between two names, like {{site.title}})\n",
                 "main", "{{site..title}}");
    CHECK_ERRORS(P "main.mustache:1:4: error: 'a.' is not a valid name (a dot goes between two "
                   "names, like {{site.title}})\n",
                 "main", "ok {{#a.}}{{/a.}}");
}

static void error_delimiters(void)
{
    CHECK_ERRORS(P "main.mustache:1:1: error: '{{=<%%>=}}' does not set new delimiters (expected "
                   "two delimiters with a space between, like {{=<% %>=}})\n",
                 "main", "{{=<%%>=}}");
    CHECK_ERRORS(P "main.mustache:1:1: error: '{{=< % >=}}' does not set new delimiters (expected "
                   "two delimiters with a space between, like {{=<% %>=}})\n",
                 "main", "{{=< % >=}}");
}

/* Columns count characters, not bytes, so Japanese text before a tag reads right. */
static void error_column_counts_characters(void)
{
    CHECK_ERRORS(P "main.mustache:1:6: error: {{/名前}} closes a section that was never "
                   "opened\n",
                 "main", "お知らせ {{/名前}}");
}

static void error_unknown_partial_and_parent(void)
{
    CHECK_ERRORS(P "main.mustache:2:3: error: there is no template 'partials/hed' to include\n",
                 "main", "<html>\n  {{> partials/hed}}\n</html>\n");
    CHECK_ERRORS(P "main.mustache:1:1: error: there is no template 'layot' to extend\n", "main",
                 "{{<layot}}{{$body}}x{{/body}}{{/layot}}");
    /* Both partials are reported, each where it is named. */
    CHECK_ERRORS(P "main.mustache:1:1: error: there is no template 'a' to include\n" P
                   "main.mustache:1:8: error: there is no template 'b' to include\n",
                 "main", "{{>a}} {{>b}}");
    /* An error in a partial is reported in the partial, and main fails with it. */
    CHECK_ERRORS(P "head.mustache:1:8: error: {{#x}} is never closed (expected {{/x}} after "
                   "it)\n",
                 "main", "{{>head}}", "head", "<title>{{#x}}");
}

static void error_unknown_template(void)
{
    CHECK_ERRORS("kairan: error: the theme has no template 'main' (a file "
                 "templates/main.mustache), and every theme needs one\n",
                 "other", "");
}

static void error_loader_failure_is_not_repeated(void)
{
    static const char *const pairs[] = {"main", "{{>head}}", NULL};
    struct diag d;
    diag_init(&d);
    struct files f = {pairs, 0, "head"};
    struct template_set *s = template_set_new(&d, load, &f);
    CHECK(template_set_get(s, "main") == NULL);
    CHECK(template_set_get(s, "main") == NULL); /* asked again: still NULL, nothing new */
    CHECK_INT(diag_error_count(&d), 0);         /* the loader reported it, not us */
    template_set_free(s);
    diag_release(&d);
}

static void error_inheritance_cycle(void)
{
    CHECK_ERRORS(P "main.mustache:1:1: error: {{>main}} makes templates include each other "
                   "forever (main → main)\n",
                 "main", "{{>main}}");
    CHECK_ERRORS(P "page.mustache:1:1: error: {{>main}} makes templates include each other "
                   "forever (main → layout → page → main)\n",
                 "main", "{{<layout}}{{/layout}}", "layout", "<html>\n{{<page}}{{/page}}", "page",
                 "{{>main}}");
    /* Inside a section or a block the loop may end (the data or an override stops it). */
    CHECK_ERRORS("", "main", "{{#children}}{{>main}}{{/children}}");
    CHECK_ERRORS("", "main", "{{$tail}}{{>main}}{{/tail}}");
}

static void warning_content_outside_blocks(void)
{
    /* The spec ignores it; a theme author most likely meant it to show. Once per parent tag. */
    CHECK_ERRORS(P "main.mustache:2:3: warning: this is ignored: inside {{<layout}} only "
                   "{{$block}} tags count (put it in a block the template 'layout' has)\n",
                 "main",
                 "{{<layout}}\n  <h1>{{title}}</h1>\n  {{$main}}x{{/main}}\n  <p>more</p>\n"
                 "{{! comments are fine }}\n{{/layout}}\n",
                 "layout", "{{$main}}{{/main}}");
    CHECK_ERRORS(P "main.mustache:1:31: warning: this is ignored: inside {{<layout}} only "
                   "{{$block}} tags count (put it in a block the template 'layout' has)\n",
                 "main", "{{<layout}}{{$main}}x{{/main}}{{#list}}{{/list}}{{/layout}}", "layout",
                 "{{$main}}{{/main}}");
}

static void error_dynamic_parent(void)
{
    CHECK_ERRORS(P "main.mustache:1:1: error: {{<*layout}}: the template a page extends is "
                   "named in the template, not taken from data\n",
                 "main", "{{<*layout}}{{/*layout}}");
}

static void error_nesting_too_deep_at_load(void)
{
    struct buf src;
    buf_init(&src);
    for (int i = 0; i <= TEMPLATE_MAX_DEPTH; i++)
        buf_puts(&src, "{{#a}}");
    for (int i = 0; i <= TEMPLATE_MAX_DEPTH; i++)
        buf_puts(&src, "{{/a}}");
    const char *pairs[] = {"main", src.data, NULL};
    char *got = load_errors(pairs);
    CHECK_STR(got, P "main.mustache:1:601: error: sections are nested more than 100 deep here\n");
    free(got);
    buf_release(&src);
}

static void error_nesting_too_deep_at_render(void)
{
    static const char *const pairs[] = {"main", "{{>node}}", "node",
                                        "[{{#child}}\n  {{>node}}\n{{/child}}]", NULL};
    struct diag d;
    diag_init(&d);
    struct files f = {pairs, 0, NULL};
    struct template_set *s = template_set_new(&d, load, &f);
    const struct template *t = template_set_get(s, "main");
    CHECK(t != NULL);

    /* 30 levels of data render; 200 stop with one error at the tag that went too deep. The
     * innermost child is false, or the lookup would find its parent's 'child' again. */
    for (int levels = 30; levels <= 200; levels += 170) {
        json_t *root = json_object(), *cur = root;
        for (int i = 0; i < levels; i++) {
            json_t *child = json_object();
            json_object_set_new(cur, "child", child);
            cur = child;
        }
        json_object_set_new(cur, "child", json_false());
        struct buf out;
        buf_init(&out);
        int rc = template_render(t, root, &out);
        if (levels == 30) {
            CHECK_INT(rc, 0);
            /* Each level indents the next by the partial tag's two blanks. */
            CHECK(strncmp(out.data, "[\n  [\n    [\n      [", 19) == 0);
            CHECK_INT(diag_error_count(&d), 0);
        } else {
            CHECK_INT(rc, -1);
            CHECK_INT(diag_error_count(&d), 1);
        }
        buf_release(&out);
        json_decref(root);
    }
    char *got = harness_diag_text(&d);
    CHECK_STR(got, P "node.mustache:2:3: error: templates are nested more than 100 levels deep "
                     "here, so the page stops (does a template include itself with no end?)\n");
    free(got);
    template_set_free(s);
    diag_release(&d);
}

static void error_too_many_steps(void)
{
    /* 12 lists of 10 nested in each other would run for 10^12 steps. */
    struct buf src;
    buf_init(&src);
    for (int i = 0; i < 12; i++)
        buf_puts(&src, "{{#l}}");
    buf_puts(&src, "{{x}}");
    for (int i = 0; i < 12; i++)
        buf_puts(&src, "{{/l}}");
    const char *pairs[] = {"main", src.data, NULL};
    struct diag d;
    diag_init(&d);
    struct files f = {pairs, 0, NULL};
    struct template_set *s = template_set_new(&d, load, &f);
    const struct template *t = template_set_get(s, "main");
    CHECK(t != NULL);
    json_t *data = json_loads("{\"l\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}", 0, NULL);
    struct buf out;
    buf_init(&out);
    CHECK_INT(template_render(t, data, &out), -1);
    char *got = harness_diag_text(&d);
    CHECK(strstr(got, "main.mustache:1:") != NULL);
    CHECK(strstr(got, ": error: the page stopped here after 10 million steps (do lists repeat "
                      "inside each other too often?)\n") != NULL);
    free(got);
    buf_release(&out);
    json_decref(data);
    template_set_free(s);
    diag_release(&d);
    buf_release(&src);
}

static void render_basics(void)
{
    /* Escaping covers the apostrophe too (attribute values may use single quotes). */
    CHECK_RENDER("{\"t\": \"<a href='x'>&\\\"</a>\"}",
                 "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt; "
                 "<a href='x'>&\"</a>",
                 "main", "{{t}} {{{t}}}");
    /* Empty strings are false; 0 and {} are true. */
    CHECK_RENDER("{\"e\": \"\", \"z\": 0, \"o\": {}}", "empty:no zero:yes obj:yes", "main",
                 "empty:{{#e}}yes{{/e}}{{^e}}no{{/e}} zero:{{#z}}yes{{/z}} "
                 "obj:{{#o}}yes{{/o}}");
    /* A closing delimiter that looks like a sigil does not close the tag at its sigil. */
    CHECK_RENDER("{\"x\": 1}", "[1]", "main", "{{=< >=}}<>p>", "p", "[{{x}}]");
    /* Numbers: integers whole, reals shortest, booleans by name. */
    CHECK_RENDER("{\"i\": 9007199254740993, \"r\": 0.1, \"big\": 1e300, \"t\": true}",
                 "9007199254740993 0.1 1e+300 true", "main", "{{i}} {{r}} {{big}} {{t}}");
}

/* Long strings take the eight-bytes-at-a-time path: put every special character at every
 * offset of a word, between Japanese text, ASCII and digits, and compare with a plain escape. */
static void render_escapes_long_strings(void)
{
    static const char *const pairs[] = {"main", "{{s}}", NULL};
    const char *pieces[] = {"&", "<", ">", "\"", "'", "支え合い", "abc", "12:30/", " "};
    struct buf in, want;
    buf_init(&in);
    buf_init(&want);
    for (int i = 0; i < 300; i++) {
        const char *p = pieces[(i * 7 + i / 9) % 9];
        buf_puts(&in, p);
        buf_puts(&want, strcmp(p, "&") == 0    ? "&amp;"
                        : strcmp(p, "<") == 0  ? "&lt;"
                        : strcmp(p, ">") == 0  ? "&gt;"
                        : strcmp(p, "\"") == 0 ? "&quot;"
                        : strcmp(p, "'") == 0  ? "&#39;"
                                               : p);
    }
    json_t *data = json_pack("{s:s}", "s", in.data);
    char *text = json_dumps(data, 0);
    char *got = render(pairs, text);
    CHECK_STR(got, want.data);
    free(got);
    free(text);
    json_decref(data);
    buf_release(&in);
    buf_release(&want);
}

static void render_indented_partials(void)
{
    CHECK_RENDER("{\"items\": [\"a\", \"b\"]}", "<ul>\n    <li>a</li>\n    <li>b</li>\n</ul>\n",
                 "main", "<ul>\n  {{> item}}\n</ul>\n", "item",
                 "{{#items}}\n  <li>{{.}}</li>\n{{/items}}\n");
    /* Empty lines get no trailing blanks. */
    CHECK_RENDER("{}", "<div>\n  <p>a</p>\n\n  <p>b</p>\n</div>\n", "main",
                 "<div>\n  {{>p}}\n</div>\n", "p", "<p>a</p>\n\n<p>b</p>\n");
}

static void inheritance_layout_and_page(void)
{
    CHECK_RENDER(
        "{\"site\": {\"title\": \"和と輪\"}, \"title\": \"研修会\", \"body\": \"<p>x</p>\"}",
        "<html>\n"
        "<head>\n"
        "  <title>研修会 | 和と輪</title>\n"
        "</head>\n"
        "<body>\n"
        "  <main>\n"
        "    <h1>研修会</h1>\n"
        "    <p>x</p>\n"
        "  </main>\n"
        "  <footer>和と輪</footer>\n"
        "</body>\n"
        "</html>\n",
        "main",
        "{{<layout}}\n"
        "{{$title}}{{title}} | {{site.title}}{{/title}}\n"
        "{{$main}}\n"
        "<h1>{{title}}</h1>\n"
        "{{{body}}}\n"
        "{{/main}}\n"
        "{{/layout}}\n",
        "layout",
        "<html>\n"
        "{{>head}}\n"
        "<body>\n"
        "  <main>\n"
        "    {{$main}}\n"
        "    <p>default</p>\n"
        "    {{/main}}\n"
        "  </main>\n"
        "  {{$footer}}<footer>{{site.title}}</footer>{{/footer}}\n"
        "</body>\n"
        "</html>\n",
        "head",
        "<head>\n"
        "  <title>{{$title}}{{site.title}}{{/title}}</title>\n"
        "</head>\n");
}

static void inheritance_multi_level(void)
{
    /* page extends section-layout extends base: the outermost override wins, and a block the
     * middle layout fills in shows unless the page overrides it too. */
    CHECK_RENDER("{}", "[page title|list nav|page body]", "main",
                 "{{<list}}{{$title}}page title{{/title}}{{$body}}page body{{/body}}{{/list}}",
                 "list", "{{<base}}{{$nav}}list nav{{/nav}}{{$title}}list title{{/title}}{{/base}}",
                 "base", "[{{$title}}base{{/title}}|{{$nav}}base nav{{/nav}}|{{$body}}{{/body}}]");
}

struct job {
    const struct template *t;
    const json_t *data;
    const char *want;
    int ok;
};

static void *render_many(void *arg)
{
    struct job *j = arg;
    j->ok = 1;
    struct buf out;
    buf_init(&out);
    for (int i = 0; i < 300; i++) {
        buf_reset(&out);
        if (template_render(j->t, j->data, &out) != 0 || strcmp(out.data, j->want) != 0)
            j->ok = 0;
    }
    buf_release(&out);
    return NULL;
}

static void render_from_four_threads(void)
{
    static const char *const pairs[] = {
        "main",   "{{<layout}}{{$body}}{{#items}}{{>item}}{{/items}}{{/body}}{{/layout}}",
        "layout", "<body>\n  {{$body}}{{/body}}\n</body>\n",
        "item",   "<li>{{name}} {{missing}}{{n}}</li>\n",
        NULL};
    struct diag d;
    diag_init(&d);
    struct files f = {pairs, 0, NULL};
    struct template_set *s = template_set_new(&d, load, &f);
    const struct template *t = template_set_get(s, "main");
    CHECK(t != NULL);
    json_t *data = json_array();
    for (int i = 0; i < 50; i++)
        json_array_append_new(data, json_pack("{s:s, s:i}", "name", "<x&y>", "n", i));
    json_t *root = json_pack("{s:o}", "items", data);
    struct buf want;
    buf_init(&want);
    CHECK_INT(template_render(t, root, &want), 0);
    CHECK(strstr(want.data, "<li>&lt;x&amp;y&gt; 49</li>") != NULL);

    struct job jobs[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (struct job){t, root, want.data, 0};
        pthread_create(&th[i], NULL, render_many, &jobs[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CHECK(jobs[i].ok);
    }
    /* The flags the threads set feed the strict report. */
    template_set_report_unresolved(s, &d);
    char *got = harness_diag_text(&d);
    CHECK_STR(got, P "item.mustache:1:14: warning: '{{missing}}' never has a value on any page "
                     "(is the name spelled right?)\n");
    free(got);
    buf_release(&want);
    json_decref(root);
    template_set_free(s);
    diag_release(&d);
}

static void strict_report(void)
{
    static const char *const pairs[] = {
        "main",
        "{{title}} {{summry}}\n{{#event}}{{event.start}}{{/event}}\n{{#tags}}{{name}}{{/tags}}\n"
        "{{^draft}}{{&body}}{{/draft}}{{>*kind}}",
        NULL};
    struct diag d;
    diag_init(&d);
    struct files f = {pairs, 0, NULL};
    struct template_set *s = template_set_new(&d, load, &f);
    const struct template *t = template_set_get(s, "main");
    CHECK(t != NULL);
    /* Two pages: 'title' is given by one only, 'tags' by the other; 'event' never, so what is
     * inside it is never looked up and not reported; 'summry' is a typo. */
    const char *pages[] = {"{\"title\": \"a\", \"tags\": []}",
                           "{\"tags\": [{\"name\": \"n\"}], \"draft\": false}"};
    for (int i = 0; i < 2; i++) {
        json_t *data = json_loads(pages[i], 0, NULL);
        struct buf out;
        buf_init(&out);
        CHECK_INT(template_render(t, data, &out), 0);
        buf_release(&out);
        json_decref(data);
    }
    CHECK_INT(d.warnings, 0);
    template_set_report_unresolved(s, &d);
    char *got = harness_diag_text(&d);
    CHECK_STR(got,
              P "main.mustache:1:11: warning: '{{summry}}' never has a value on any page (is the "
                "name spelled right?)\n" P
                "main.mustache:2:1: warning: '{{#event}}' never has a value on any page (is the "
                "name spelled right?)\n" P
                "main.mustache:4:11: warning: '{{{body}}}' never has a value on any page (is the "
                "name spelled right?)\n" P
                "main.mustache:4:30: warning: '{{>*kind}}' never has a value on any page (is the "
                "name spelled right?)\n");
    free(got);
    template_set_free(s);
    diag_release(&d);
}

/* Names declared optional are spared only while they never had a value and what stands
 * before them did; misspellings around them are still reported. A name inside sections is
 * read with theirs in front ({{#contact}}{{email}} as contact.email), but not inside an
 * inverted section, which shows when its name has no value. */
static void strict_report_spares_optional_names(void)
{
    static const char *const pairs[] = {
        "main",
        "{{#status}}{{status.label}}{{/status}}|{{entry.titel}}|{{entry.status.canceled}}|"
        "{{entry.status.cancelled}}|{{entry.status.written}}|{{#entry.contact.url}}{{/entry.contact.url}}|"
        "{{contct.url}}|{{site.url}}|{{#pages}}{{#gap}}…{{/gap}}{{^gap}}{{n}}{{/gap}}{{/pages}}|"
        "{{nosuch.gap}}|{{a.b.c.d.e.f.g.h}}\n"
        "{{#entry.contact}}{{#url}}{{/url}}{{emial}}{{/entry.contact}}"
        "{{#entry}}{{#contact}}{{#email}}{{/email}}{{/contact}}{{/entry}}{{^entry.contact}}{{email}}{{/entry.contact}}",
        NULL};
    struct diag d;
    diag_init(&d);
    struct files f = {pairs, 0, NULL};
    struct template_set *s = template_set_new(&d, load, &f);
    static const char *const optional[] = {"status", "status.written", "contact.url", "gap",
                                           "g.h", "url.x", "contact.email"};
    for (size_t i = 0; i < sizeof optional / sizeof *optional; i++)
        template_set_optional(s, optional[i]);
    template_set_optional(s, "gap"); /* twice is once */
    const struct template *t = template_set_get(s, "main");
    CHECK(t != NULL);
    const char *pages[] = {
        "{\"entry\": {\"title\": \"a\"}, \"site\": {\"title\": \"s\"}, \"pages\": [{\"n\": 1}],"
        " \"a\": {\"b\": {\"c\": {\"d\": {\"e\": {\"f\": {\"g\": {}}}}}}}}",
        "{\"entry\": {\"title\": \"b\", \"status\": {\"cancelled\": true}, "
        "\"contact\": {\"phone\": \"1\"}}}"};
    for (int i = 0; i < 2; i++) {
        json_t *data = json_loads(pages[i], 0, NULL);
        CHECK(data != NULL);
        struct buf out;
        buf_init(&out);
        CHECK_INT(template_render(t, data, &out), 0);
        buf_release(&out);
        json_decref(data);
    }
    template_set_report_unresolved(s, &d);
    char *got = harness_diag_text(&d);
#define NEVER(col, name)                                                                          \
    P "main.mustache:1:" #col ": warning: '" name "' never has a value on any page (is the name "  \
      "spelled right?)\n"
    /* The last is past the depth the report can tell (6 parts), so it is always reported. */
    CHECK_STR(got, NEVER(40, "{{entry.titel}}") NEVER(56, "{{entry.status.canceled}}")
                       NEVER(179, "{{contct.url}}") NEVER(194, "{{site.url}}")
                           NEVER(266, "{{nosuch.gap}}") NEVER(281, "{{a.b.c.d.e.f.g.h}}")
                               P "main.mustache:2:35: warning: '{{emial}}' never has a value "
                                 "on any page (is the name spelled right?)\n"
                               P "main.mustache:2:144: warning: '{{email}}' never has a value "
                                 "on any page (is the name spelled right?)\n");
#undef NEVER
    free(got);
    template_set_free(s);
    diag_release(&d);
}

static void dynamic_partials_find_compiled_templates(void)
{
    static const char *const pairs[] = {"main",  "{{#blocks}}{{>*type}}{{/blocks}}",
                                        "text",  "<p>{{text}}</p>",
                                        "image", "<img src=\"{{src}}\">",
                                        NULL};
    struct diag d;
    diag_init(&d);
    struct files f = {pairs, 0, NULL};
    struct template_set *s = template_set_new(&d, load, &f);
    CHECK(template_set_get(s, "text") != NULL);
    CHECK(template_set_get(s, "image") != NULL);
    const struct template *t = template_set_get(s, "main");
    CHECK(t != NULL);
    CHECK_STR(template_name(t), "main");
    CHECK_STR(template_path(t), P "main.mustache");
    json_t *data = json_loads("{\"blocks\": [{\"type\": \"text\", \"text\": \"a\"}, "
                              "{\"type\": \"image\", \"src\": \"b.jpg\"}, {\"type\": \"video\"}]}",
                              0, NULL);
    struct buf out;
    buf_init(&out);
    CHECK_INT(template_render(t, data, &out), 0);
    CHECK_STR(out.data, "<p>a</p><img src=\"b.jpg\">");
    buf_release(&out);
    json_decref(data);
    template_set_free(s);
    diag_release(&d);
}

int main(void)
{
    RUN(error_unclosed_section);
    RUN(error_mismatched_close);
    RUN(error_close_without_open);
    RUN(error_unclosed_tag);
    RUN(error_names);
    RUN(error_delimiters);
    RUN(error_column_counts_characters);
    RUN(error_unknown_partial_and_parent);
    RUN(error_unknown_template);
    RUN(error_loader_failure_is_not_repeated);
    RUN(error_inheritance_cycle);
    RUN(warning_content_outside_blocks);
    RUN(error_dynamic_parent);
    RUN(error_nesting_too_deep_at_load);
    RUN(error_nesting_too_deep_at_render);
    RUN(error_too_many_steps);
    RUN(render_basics);
    RUN(render_escapes_long_strings);
    RUN(render_indented_partials);
    RUN(inheritance_layout_and_page);
    RUN(inheritance_multi_level);
    RUN(render_from_four_threads);
    RUN(strict_report);
    RUN(strict_report_spares_optional_names);
    RUN(dynamic_partials_find_compiled_templates);
    return HARNESS_DONE();
}
