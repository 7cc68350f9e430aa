#include "render/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "content/yamldoc.h"
#include "core/fs.h"
#include "core/intl.h"
#include "core/strmap.h"
#include "core/xalloc.h"

/* The default theme's Japanese words, built into the program (the Makefile writes the array
 * from themes/default/i18n/ja.yaml): a theme of its own that has no catalogue still builds a
 * Japanese site, as it did before kairan had catalogues. */
#include "render/i18n_builtin.inc"

enum part_kind { PART_TEXT, PART_RUBY, PART_VAR, PART_RAW, PART_PARTIAL };

struct part {
    enum part_kind kind;
    char *a; /* text, ruby base, or the name */
    char *b; /* ruby reading */
};

struct message {
    char *key;
    const char *file; /* the catalogue it came from (owned by the catalogue's files) */
    unsigned line, col;
    json_t *value;    /* as read: a string, or a list for date.weekdays and date.months */
    struct part *parts;
    size_t n_parts;
};

enum date_style { STYLE_WAREKI, STYLE_WAREKI_WESTERN, STYLE_PATTERN };

struct i18n {
    char *code;
    struct strmap map;       /* key -> struct message */
    struct strv files;       /* the catalogue files read, most specific first */
    char *first_file;        /* where a missing message belongs */
    int failed;              /* a mistake was reported: the build stops once every one is */
    enum date_style style;
    const char *weekdays[7]; /* borrowed from the messages' values */
    const char *months[12];
};

/* What kairan itself asks of every catalogue, and the {{names}} each of its messages may use. */
static const struct {
    const char *key, *args;
} wanted[] = {
    {"date.style", ""},
    {"date.weekdays", ""},
    {"crumbs.home", ""},
    {"crumbs.activities", ""},
    {"crumbs.events", ""},
    {"crumbs.issues", ""},
    {"list.activities.title", ""},
    {"list.activities.description", ""},
    {"list.events.title", ""},
    {"list.issues.title", ""},
    {"list.upcoming", ""},
    {"list.past", ""},
    {"list.page", " title page "},
    {"list.district.activities", " name "},
    {"list.district.events", " name "},
    {"list.district.both", " name "},
    {"list.category.activities", " name "},
    {"list.category.events", " name "},
    {"list.category.both", " name "},
    {"list.districts", ""},
    {"list.categories", ""},
    {"list.other_row", ""},
    {"calendar.title", " month_text year month "},
    {"calendar.page_title", " title "},
    {"calendar.moved", ""},
    {"status.cancelled", ""},
    {"status.postponed", ""},
    {"status.written", ""},
    {"status.online", ""},
    {"ics.status", " label title "},
    {"ics.session", " title label "},
    {"issue.section.events", ""},
    {"issue.section.other", ""},
    {"page.notfound", ""},
    {"page.search", ""},
    {"search.kind.activity", ""},
    {"search.kind.event", ""},
    {"search.kind.issue", ""},
    {"search.kind.page", ""},
    {"print.qr_alt", ""},
    {"print.time_range", " start end "},
};

/* Messages of date.style: pattern. */
static const struct {
    const char *key, *args;
} pattern_wanted[] = {
    {"date.months", ""},
    {"date.format", " day month m year weekday "},
    {"date.format_no_year", " day month m weekday "},
    {"date.format_month", " month m year "},
    {"date.session", " date start end "},
    {"date.session_open", " date start "},
    {"date.session_days", " start_date start end_date end "},
    {"date.days", " start_date end_date "},
};

static void escape_text(struct buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&':
            buf_puts(out, "&amp;");
            break;
        case '<':
            buf_puts(out, "&lt;");
            break;
        case '>':
            buf_puts(out, "&gt;");
            break;
        case '"':
            buf_puts(out, "&quot;");
            break;
        default:
            buf_putc(out, s[i]);
        }
    }
}

static void put_ruby(struct buf *out, const char *base, const char *reading)
{
    buf_puts(out, "<ruby>");
    escape_text(out, base, strlen(base));
    buf_puts(out, "<rp>(</rp><rt>");
    escape_text(out, reading, strlen(reading));
    buf_puts(out, "</rt><rp>)</rp></ruby>");
}

/* Ruby as XHTML 1.1 has it (the base in <rb>), for the print edition. */
static void put_ruby_xhtml(struct buf *out, const char *base, const char *reading)
{
    buf_puts(out, "<ruby><rb>");
    escape_text(out, base, strlen(base));
    buf_puts(out, "</rb><rp>(</rp><rt>");
    escape_text(out, reading, strlen(reading));
    buf_puts(out, "</rt><rp>)</rp></ruby>");
}

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '-' || c == '/';
}

static void add_part(struct message *m, enum part_kind kind, const char *a, size_t na,
                     const char *b, size_t nb)
{
    m->parts = xrealloc(m->parts, (m->n_parts + 1) * sizeof *m->parts);
    struct part *p = &m->parts[m->n_parts++];
    p->kind = kind;
    p->a = xstrndup(a, na);
    p->b = b ? xstrndup(b, nb) : NULL;
}

/* Splits a message's text into parts. Returns 0, or -1 with *why set and *at the byte offset
 * of the problem. */
static int parse_message(struct message *m, const char *s, const char **why, size_t *at)
{
    size_t n = strlen(s), i = 0, text = 0;
    while (i < n) {
        if (s[i] == '{' && i + 1 < n && s[i + 1] == '{') {
            if (i > text)
                add_part(m, PART_TEXT, s + text, i - text, NULL, 0);
            int raw = i + 2 < n && s[i + 2] == '{';
            size_t j = i + (raw ? 3 : 2);
            enum part_kind kind = raw ? PART_RAW : PART_VAR;
            if (!raw && j < n && s[j] == '>') {
                kind = PART_PARTIAL;
                j++;
            } else if (!raw && j < n && strchr("#^/!=$<&", s[j])) {
                *why = N_("a message holds no sections or other tags: only {{name}}, "
                          "{{{name_html}}} and {{>partial}}");
                *at = i;
                return -1;
            }
            while (j < n && s[j] == ' ')
                j++;
            size_t from = j;
            while (j < n && is_name_char(s[j]))
                j++;
            size_t to = j;
            while (j < n && s[j] == ' ')
                j++;
            const char *close = raw ? "}}}" : "}}";
            if (to == from || strncmp(s + j, close, strlen(close)) != 0) {
                *why = raw ? N_("this {{{ is not closed by }}} after a name")
                           : N_("this {{ is not closed by }} after a name");
                *at = i;
                return -1;
            }
            if (raw && (to - from < 5 || strncmp(s + to - 5, "_html", 5) != 0)) {
                *why = N_("only names ending in _html go in triple braces {{{...}}}: write "
                          "{{name}} for text");
                *at = i;
                return -1;
            }
            add_part(m, kind, s + from, to - from, NULL, 0);
            i = text = j + strlen(close);
            continue;
        }
        if (s[i] == '{') {
            /* {漢字|かんじ}: furigana; any other brace is text. */
            const char *bar = memchr(s + i + 1, '|', n - i - 1);
            const char *end = memchr(s + i + 1, '}', n - i - 1);
            if (bar && end && bar < end && bar > s + i + 1 && end > bar + 1 &&
                !memchr(bar + 1, '|', (size_t)(end - bar - 1)) &&
                !memchr(s + i + 1, '{', (size_t)(end - s - i - 1))) {
                if (i > text)
                    add_part(m, PART_TEXT, s + text, i - text, NULL, 0);
                add_part(m, PART_RUBY, s + i + 1, (size_t)(bar - s - i - 1), bar + 1,
                         (size_t)(end - bar - 1));
                i = text = (size_t)(end - s) + 1;
                continue;
            }
        }
        i++;
    }
    if (n > text)
        add_part(m, PART_TEXT, s + text, n - text, NULL, 0);
    return 0;
}

/* The column of byte offset at in value s, counted in characters, from col. */
static unsigned column_at(const char *s, size_t at, unsigned col)
{
    for (size_t i = 0; i < at && s[i]; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            col++;
    return col;
}

static void message_free(struct message *m)
{
    for (size_t i = 0; i < m->n_parts; i++) {
        free(m->parts[i].a);
        free(m->parts[i].b);
    }
    free(m->parts);
    free(m->key);
    json_decref(m->value);
    free(m);
}

/* Adds the messages of value (at path key) to c unless a more specific file gave them. */
static int add_messages(struct diag *d, struct i18n *c, const char *file,
                        const struct yamldoc *doc, const char *key, json_t *value)
{
    int rc = 0;
    if (json_is_object(value)) {
        const char *k;
        json_t *v;
        json_object_foreach(value, k, v) {
            char *sub = *key ? xasprintf("%s.%s", key, k) : xstrdup(k);
            rc |= add_messages(d, c, file, doc, sub, v);
            free(sub);
        }
        return rc;
    }
    struct yamldoc_pos pos = {1, 1};
    yamldoc_value_pos(doc, key, &pos);
    if (strmap_find(&c->map, key, strlen(key)) != STRMAP_NONE)
        return 0;
    if (!json_is_string(value) && !json_is_array(value)) {
        diag_error(d, file, pos.line, pos.col,
                   _("the message '%s' should be text (put it in quotes if it is a number)"), key);
        return -1;
    }
    for (size_t i = 0; json_is_array(value) && i < json_array_size(value); i++) {
        if (!json_is_string(json_array_get(value, i))) {
            diag_error(d, file, pos.line, pos.col,
                       _("every item of '%s' should be text (a name, like Mon)"), key);
            return -1;
        }
    }
    struct message *m = xcalloc(1, sizeof *m);
    m->key = xstrdup(key);
    m->file = file;
    m->line = pos.line;
    m->col = pos.col;
    m->value = json_incref(value);
    if (json_is_string(value)) {
        /* A block (|) ends with a line break that the page must not get. */
        char *text = xstrdup(json_string_value(value));
        size_t len = strlen(text);
        while (len && text[len - 1] == '\n')
            text[--len] = '\0';
        const char *why;
        size_t at;
        if (parse_message(m, text, &why, &at) != 0) {
            diag_error(d, file, pos.line, column_at(text, at, pos.col), _("in the message '%s': %s"),
                       key, _(why));
            rc = -1;
        }
        free(text);
    }
    strmap_add(&c->map, key, strlen(key), m, NULL);
    return rc;
}

static const struct message *find(const struct i18n *c, const char *key)
{
    return strmap_get(&c->map, key, strlen(key));
}

static const char *str_of(const struct i18n *c, const char *key)
{
    const struct message *m = find(c, key);
    return m ? json_string_value(m->value) : NULL;
}

/* Whether message m uses only {{names}} among args (" a b "). Reports the first other. */
static int check_args(struct diag *d, const struct message *m, const char *args)
{
    for (size_t i = 0; i < m->n_parts; i++) {
        const struct part *p = &m->parts[i];
        if (p->kind == PART_TEXT || p->kind == PART_RUBY)
            continue;
        char *word = xasprintf(" %s ", p->a);
        int known = p->kind != PART_PARTIAL && strstr(args, word) != NULL;
        free(word);
        if (!known) {
            if (*args == '\0')
                diag_error(d, m->file, m->line, m->col,
                           _("the message '%s' is plain text: it has no {{%s}}"), m->key, p->a);
            else {
                /* " title page " becomes "{{title}}, {{page}}". */
                struct buf names;
                buf_init(&names);
                for (const char *w = args; *w;) {
                    w += strspn(w, " ");
                    size_t len = strcspn(w, " ");
                    if (len)
                        buf_printf(&names, "%s{{%.*s}}", names.len ? ", " : "", (int)len, w);
                    w += len;
                }
                diag_error(d, m->file, m->line, m->col,
                           _("the message '%s' has no {{%s}}; it may use %s"), m->key, p->a,
                           names.data);
                buf_release(&names);
            }
            return -1;
        }
    }
    return 0;
}

static int want(struct diag *d, struct i18n *c, const char *key, const char *args)
{
    const struct message *m = find(c, key);
    if (!m) {
        diag_error(d, c->first_file, 0, 0,
                   _("the message '%s' is missing: kairan needs it for every page in %s; add it "
                   "to this file"),
                   key, c->code);
        return -1;
    }
    if (json_is_string(m->value))
        return check_args(d, m, args);
    return 0;
}

/* A list of n names under key. */
static int names_list(struct diag *d, struct i18n *c, const char *key, const char **out,
                      size_t n)
{
    const struct message *m = find(c, key);
    for (size_t i = 0; i < n; i++)
        out[i] = "";
    if (!m)
        return -1; /* reported by want() */
    if (json_array_size(m->value) != n) {
        diag_error(d, m->file, m->line, m->col, _("'%s' should be a list of %zu names"), key, n);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = json_string_value(json_array_get(m->value, i));
    return 0;
}

/* Reads one catalogue file into c. Returns 0, or -1 after reporting. */
static int read_file(struct diag *d, struct i18n *c, const char *path, const char *text,
                     size_t len)
{
    struct yamldoc doc;
    int rc = text ? yamldoc_parse(d, path, text, len, 1, &doc) : yamldoc_load_file(d, path, &doc);
    if (rc != 0)
        return -1;
    strv_push(&c->files, path);
    rc = add_messages(d, c, c->files.v[c->files.len - 1], &doc, "", doc.root);
    yamldoc_release(&doc);
    return rc;
}

struct i18n *i18n_load(struct diag *d, const struct strv *dirs, const char *code)
{
    struct i18n *c = xcalloc(1, sizeof *c);
    c->code = xstrdup(code);
    strmap_init(&c->map);
    int rc = 0;
    char *name = xasprintf("i18n/%s.yaml", code);
    for (size_t i = 0; i < dirs->len; i++) {
        char *path = fs_join(dirs->v[i], name);
        if (!c->first_file)
            c->first_file = xstrdup(path);
        if (fs_is_file(path))
            rc |= read_file(d, c, path, NULL, 0);
        free(path);
    }
    if (!c->files.len && strcmp(code, "ja") == 0)
        rc |= read_file(d, c, "(kairan's own themes/default/i18n/ja.yaml)",
                        (const char *)i18n_builtin_ja, sizeof i18n_builtin_ja);
    if (!c->first_file)
        c->first_file = xstrdup(name);
    free(name);
    if (!c->files.len && rc == 0) {
        diag_error(d, c->first_file, 0, 0,
                   _("the theme has no words for the language '%s': write this file (copy the "
                   "theme's i18n/en.yaml or ja.yaml and translate it)"),
                   code);
        i18n_free(c);
        return NULL;
    }
    for (size_t i = 0; i < sizeof wanted / sizeof *wanted; i++)
        rc |= want(d, c, wanted[i].key, wanted[i].args);
    const char *style = str_of(c, "date.style");
    if (style && strcmp(style, "wareki") == 0) {
        c->style = STYLE_WAREKI;
    } else if (style && strcmp(style, "wareki_western") == 0) {
        c->style = STYLE_WAREKI_WESTERN;
    } else if (style && strcmp(style, "pattern") == 0) {
        c->style = STYLE_PATTERN;
        int missing = 0;
        for (size_t i = 0; i < sizeof pattern_wanted / sizeof *pattern_wanted; i++)
            missing |= want(d, c, pattern_wanted[i].key, pattern_wanted[i].args);
        if (missing || names_list(d, c, "date.months", c->months, 12) != 0)
            rc = -1;
    } else if (style) {
        const struct message *m = find(c, "date.style");
        diag_error(d, m->file, m->line, m->col,
                   _("'%s' is not a style of dates: use wareki (令和3年2月19日（金）), "
                   "wareki_western (令和3年（2021年）2月19日（金）) or pattern (your own, with "
                   "date.format)"),
                   style);
        rc = -1;
    }
    if (names_list(d, c, "date.weekdays", c->weekdays, 7) != 0)
        rc = -1;
    /* Every mistake is reported in one go: the templates are compiled with the words there
     * are, so that the messages they miss are named too, and the build stops after. */
    c->failed = rc != 0;
    return c;
}

void i18n_free(struct i18n *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < strmap_len(&c->map); i++)
        message_free(strmap_value(&c->map, i));
    strmap_release(&c->map);
    strv_release(&c->files);
    free(c->first_file);
    free(c->code);
    free(c);
}

const char *i18n_code(const struct i18n *c)
{
    return c->code;
}

int i18n_failed(const struct i18n *c)
{
    return c->failed;
}

struct hash i18n_identity(const struct i18n *c)
{
    struct hasher h;
    hash_init(&h, 0x6b616972616e6931ULL);
    hash_update(&h, c->code, strlen(c->code) + 1);
    for (size_t i = 0; i < c->files.len; i++) {
        struct stat st;
        struct hash id = stat(c->files.v[i], &st) == 0 ? fs_identity(&st) : (struct hash){0, 0};
        hash_update(&h, c->files.v[i], strlen(c->files.v[i]) + 1);
        hash_update(&h, &id, sizeof id);
    }
    return hash_final(&h);
}

int i18n_template(const struct i18n *c, struct diag *d, const char *name, struct buf *src,
                  char **path)
{
    int plain = strncmp(name, "plain/", 6) == 0, xhtml = strncmp(name, "x/", 2) == 0;
    if (!plain && !xhtml && strncmp(name, "t/", 2) != 0)
        return 1;
    const char *key = strchr(name, '/') + 1;
    const struct message *m = find(c, key);
    if (!m || !json_is_string(m->value)) {
        diag_error(d, c->first_file, 0, 0,
                   _("the message '%s' is missing: the theme's templates use it ({{>%s}}); add "
                   "it to this file"),
                   key, name);
        return -1;
    }
    for (size_t i = 0; i < m->n_parts; i++) {
        const struct part *p = &m->parts[i];
        switch (p->kind) {
        case PART_TEXT:
            escape_text(src, p->a, strlen(p->a));
            break;
        case PART_RUBY:
            if (plain)
                escape_text(src, p->a, strlen(p->a));
            else if (xhtml)
                put_ruby_xhtml(src, p->a, p->b);
            else
                put_ruby(src, p->a, p->b);
            break;
        case PART_VAR:
            buf_printf(src, "{{%s}}", p->a);
            break;
        case PART_RAW:
            buf_printf(src, "{{{%s}}}", p->a);
            break;
        case PART_PARTIAL:
            buf_printf(src, "{{>%s}}", p->a);
            break;
        }
    }
    *path = xstrdup(m->file);
    return 0;
}

void i18n_format(const struct i18n *c, const char *key, const struct i18n_arg *args, size_t n,
                 struct buf *text, struct buf *html)
{
    const struct message *m = find(c, key);
    for (size_t i = 0; m && i < m->n_parts; i++) {
        const struct part *p = &m->parts[i];
        if (p->kind == PART_TEXT || p->kind == PART_RUBY) {
            if (text)
                buf_puts(text, p->a);
            if (html && p->kind == PART_RUBY)
                put_ruby(html, p->a, p->b);
            else if (html)
                escape_text(html, p->a, strlen(p->a));
            continue;
        }
        for (size_t k = 0; k < n; k++) {
            if (strcmp(args[k].name, p->a) != 0)
                continue;
            if (text)
                buf_puts(text, args[k].text);
            if (html && args[k].html)
                buf_puts(html, args[k].html);
            else if (html)
                escape_text(html, args[k].text, strlen(args[k].text));
        }
    }
}

char *i18n_text(const struct i18n *c, const char *key, const struct i18n_arg *args, size_t n)
{
    struct buf b;
    buf_init(&b);
    i18n_format(c, key, args, n, &b, NULL);
    return buf_detach(&b, NULL);
}

const char *i18n_weekday(const struct i18n *c, int wd)
{
    return c->weekdays[((wd % 7) + 7) % 7];
}

int i18n_kana_order(const struct i18n *c)
{
    return strcmp(c->code, "ja") == 0 || strncmp(c->code, "ja-", 3) == 0;
}

/* ---- Dates ------------------------------------------------------------------------------- */

/* The HTML of a Japanese date's text: escaped, each era name with its reading over it
 * (date.era_readings) in the wareki_western style. */
static void wareki_html(const struct i18n *c, const char *text, struct buf *html)
{
    const char *p = text;
    while (*p) {
        const char *best = NULL;
        const char *base = NULL, *reading = NULL;
        for (size_t i = 0; c->style == STYLE_WAREKI_WESTERN && i < strmap_len(&c->map); i++) {
            const struct message *m = strmap_value(&c->map, i);
            if (strncmp(m->key, "date.era_readings.", 18) != 0 || !json_is_string(m->value))
                continue;
            const char *era = m->key + 18;
            const char *at = strstr(p, era);
            if (at && (!best || at < best)) {
                best = at;
                base = era;
                reading = json_string_value(m->value);
            }
        }
        if (!best) {
            escape_text(html, p, strlen(p));
            return;
        }
        escape_text(html, p, (size_t)(best - p));
        put_ruby(html, base, reading);
        p = best + strlen(base);
    }
}

/* Appends a Japanese text to text and its HTML to html. */
static void put_wareki(const struct i18n *c, struct buf *tmp, struct buf *text, struct buf *html)
{
    if (text)
        buf_puts(text, tmp->data ? tmp->data : "");
    if (html)
        wareki_html(c, tmp->data ? tmp->data : "", html);
    buf_truncate(tmp, 0);
}

static unsigned ja_flags(const struct i18n *c, unsigned flags)
{
    return c->style == STYLE_WAREKI_WESTERN ? flags | DATE_BOTH_YEARS : flags;
}

/* The arguments of date.format for d. */
static void pattern_date(const struct i18n *c, struct date d, unsigned flags, struct buf *text,
                         struct buf *html)
{
    char day[4], m[4], year[8];
    snprintf(day, sizeof day, "%d", d.day);
    snprintf(m, sizeof m, "%d", d.month);
    snprintf(year, sizeof year, "%d", d.year);
    struct i18n_arg args[] = {{"day", day, NULL},
                              {"month", c->months[d.month - 1], NULL},
                              {"m", m, NULL},
                              {"year", year, NULL},
                              {"weekday", i18n_weekday(c, date_weekday(d)), NULL}};
    const char *key = flags & DATE_NO_YEAR ? "date.format_no_year" : "date.format";
    i18n_format(c, key, args, 5, text, html);
}

void i18n_date(const struct i18n *c, struct date d, unsigned flags, struct buf *text,
               struct buf *html)
{
    if (c->style == STYLE_PATTERN) {
        pattern_date(c, d, flags, text, html);
        return;
    }
    struct buf tmp;
    buf_init(&tmp);
    date_format_ja(&tmp, d, ja_flags(c, flags));
    put_wareki(c, &tmp, text, html);
    buf_release(&tmp);
}

void i18n_month(const struct i18n *c, int year, int month, struct buf *text, struct buf *html)
{
    if (c->style == STYLE_PATTERN) {
        char m[4], y[8];
        snprintf(m, sizeof m, "%d", month);
        snprintf(y, sizeof y, "%d", year);
        struct i18n_arg args[] = {
            {"month", c->months[month - 1], NULL}, {"m", m, NULL}, {"year", y, NULL}};
        i18n_format(c, "date.format_month", args, 3, text, html);
        return;
    }
    struct buf tmp;
    buf_init(&tmp);
    date_format_ja_month(&tmp, year, month, ja_flags(c, 0));
    put_wareki(c, &tmp, text, html);
    buf_release(&tmp);
}

/* A date's text and HTML as arguments of a pattern (held by two buffers). */
static void date_arg(const struct i18n *c, struct date d, struct buf *t, struct buf *h,
                     const char *name, struct i18n_arg *arg)
{
    pattern_date(c, d, 0, t, h);
    *arg = (struct i18n_arg){name, t->data ? t->data : "", h->data ? h->data : ""};
}

void i18n_session(const struct i18n *c, struct datetime start, const struct datetime *end,
                  int all_day, struct buf *text, struct buf *html)
{
    if (c->style != STYLE_PATTERN) {
        struct buf tmp;
        buf_init(&tmp);
        if (all_day)
            date_format_ja_day_range(&tmp, start.date, end ? end->date : start.date,
                                     ja_flags(c, DATE_WEEKDAY));
        else
            date_format_ja_range(&tmp, start, end, ja_flags(c, DATE_WEEKDAY));
        put_wareki(c, &tmp, text, html);
        buf_release(&tmp);
        return;
    }
    struct buf t0, h0, t1, h1, s0, s1;
    buf_init(&t0);
    buf_init(&h0);
    buf_init(&t1);
    buf_init(&h1);
    buf_init(&s0);
    buf_init(&s1);
    struct i18n_arg args[4];
    date_format_time(&s0, start);
    if (end)
        date_format_time(&s1, *end);
    int same_day = !end || date_compare(start.date, end->date) == 0;
    if (all_day && same_day) {
        pattern_date(c, start.date, 0, text, html);
    } else if (all_day) {
        date_arg(c, start.date, &t0, &h0, "start_date", &args[0]);
        date_arg(c, end->date, &t1, &h1, "end_date", &args[1]);
        i18n_format(c, "date.days", args, 2, text, html);
    } else if (!end) {
        date_arg(c, start.date, &t0, &h0, "date", &args[0]);
        args[1] = (struct i18n_arg){"start", s0.data, NULL};
        i18n_format(c, "date.session_open", args, 2, text, html);
    } else if (same_day) {
        date_arg(c, start.date, &t0, &h0, "date", &args[0]);
        args[1] = (struct i18n_arg){"start", s0.data, NULL};
        args[2] = (struct i18n_arg){"end", s1.data, NULL};
        i18n_format(c, "date.session", args, 3, text, html);
    } else {
        date_arg(c, start.date, &t0, &h0, "start_date", &args[0]);
        args[1] = (struct i18n_arg){"start", s0.data, NULL};
        date_arg(c, end->date, &t1, &h1, "end_date", &args[2]);
        args[3] = (struct i18n_arg){"end", s1.data, NULL};
        i18n_format(c, "date.session_days", args, 4, text, html);
    }
    buf_release(&t0);
    buf_release(&h0);
    buf_release(&t1);
    buf_release(&h1);
    buf_release(&s0);
    buf_release(&s1);
}
