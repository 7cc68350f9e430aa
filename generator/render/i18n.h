/* i18n: the theme's own words in one language, and dates as that language writes them.
 * A catalogue is themes/NAME/i18n/CODE.yaml, merged key by key along the theme's folders (the
 * site's own copy of a theme first, a child theme before its parent), with kairan's copy of
 * the default theme's ja.yaml as the last resort for Japanese. A message is text with
 * {{name}} (escaped), {{{name_html}}}, {{>partial}} and {漢字|かんじ} for furigana; templates
 * include it as the partial t/KEY (furigana as ruby), x/KEY (in print) or plain/KEY (for
 * attributes and <title>),
 * and kairan's own words (list titles, status badges, calendar months) are made from it here.
 * Dates follow date.style: wareki (令和3年2月19日（金）), wareki_western (令和3年（2021年）…, the
 * era with furigana in HTML) or pattern (date.format and the names of months and weekdays).
 * A struct i18n owns what it read; every problem is reported at the file's line and column, and
 * a message kairan or a template needs that the catalogue lacks is an error naming the key and
 * the file. */
#ifndef KAIRAN_I18N_H
#define KAIRAN_I18N_H

#include <jansson.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/diag.h"
#include "core/hash.h"
#include "core/strv.h"

struct i18n;

/* Reads the catalogue of language code from the folders dirs (most specific first), each's
 * i18n/CODE.yaml. Returns a new catalogue (i18n_free frees it), or NULL after reporting that
 * there is none; a catalogue with mistakes (reported) is returned too, i18n_failed true, so
 * that the templates can name the messages they miss in the same run. */
struct i18n *i18n_load(struct diag *d, const struct strv *dirs, const char *code);
void i18n_free(struct i18n *c);
const char *i18n_code(const struct i18n *c);
int i18n_failed(const struct i18n *c);
/* What the catalogue was read from: its code and the identity on disk of each of its files
 * (kairan's own words are the program's). Equal identities, equal words. */
struct hash i18n_identity(const struct i18n *c);

/* For the template loader: the Mustache text of a template named t/KEY (HTML, furigana as ruby),
 * x/KEY (XHTML 1.1 for the print edition: ruby with <rb>) or plain/KEY (furigana left out, for
 * attributes and <title>): appends it to src, sets *path to a new string naming the
 * catalogue file. Returns 0; 1 when name is neither (a template of the theme's folders); -1
 * after reporting a key the catalogue lacks. */
int i18n_template(const struct i18n *c, struct diag *d, const char *name, struct buf *src,
                  char **path);

/* A value of a message's {{name}}: the text, and HTML when it is not only that text escaped
 * (furigana), else NULL. */
struct i18n_arg {
    const char *name, *text, *html;
};

/* Message key with its {{name}}s filled from args (n of them): appends the plain text (no
 * furigana) to text and the HTML to html (either may be NULL). The message is one kairan
 * checked for when the catalogue was read. */
void i18n_format(const struct i18n *c, const char *key, const struct i18n_arg *args, size_t n,
                 struct buf *text, struct buf *html);
/* The same as a new string of plain text; the caller frees it. */
char *i18n_text(const struct i18n *c, const char *key, const struct i18n_arg *args, size_t n);

/* Dates in the language: a day (with DATE_WEEKDAY, DATE_NO_YEAR), a month (for headings), a
 * session (start to end, end NULL for an open end; all_day: the dates only), and a weekday's
 * short name (0 Sunday). Each appends text and HTML (either buffer may be NULL). */
void i18n_date(const struct i18n *c, struct date d, unsigned flags, struct buf *text,
               struct buf *html);
void i18n_month(const struct i18n *c, int year, int month, struct buf *text, struct buf *html);
void i18n_session(const struct i18n *c, struct datetime start, const struct datetime *end,
                  int all_day, struct buf *text, struct buf *html);
const char *i18n_weekday(const struct i18n *c, int wd);
/* Whether activities are listed under the rows of the 50音 table (Japanese), rather than in the
 * order of their titles. */
int i18n_kana_order(const struct i18n *c);

#endif
