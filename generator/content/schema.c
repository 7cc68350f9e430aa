#include "content/schema.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/intl.h"
#include "core/url.h"
#include "core/xalloc.h"

static void report(struct schema_ctx *c, int error, const char *path, int key, const char *fmt,
                   va_list ap)
{
    struct yamldoc_pos pos = {c->fallback_line, 0};
    if (path) {
        int found =
            key ? yamldoc_key_pos(c->doc, path, &pos) : yamldoc_value_pos(c->doc, path, &pos);
        if (found != 0 && yamldoc_key_pos(c->doc, path, &pos) != 0)
            pos = (struct yamldoc_pos){c->fallback_line, 0};
    }
    diag_vreport(c->d, error ? DIAG_ERROR : DIAG_WARNING, DIAG_INPUT, c->path, pos.line, pos.col,
                 fmt, ap);
    if (error)
        c->failed = 1;
}

void schema_verror(struct schema_ctx *c, const char *path, int key, const char *fmt, va_list ap)
{
    report(c, 1, path, key, fmt, ap);
}

void schema_error(struct schema_ctx *c, const char *path, int key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(c, 1, path, key, fmt, ap);
    va_end(ap);
}

void schema_warning(struct schema_ctx *c, const char *path, int key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(c, 0, path, key, fmt, ap);
    va_end(ap);
}

unsigned schema_distance(const char *a, const char *b)
{
    /* Levenshtein distance with adjacent transposition, on short names only. */
    size_t n = strlen(a), m = strlen(b);
    if (n > 30 || m > 30)
        return 3;
    unsigned d[32][32];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            unsigned cost = a[i - 1] != b[j - 1];
            unsigned v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[n][m] > 3 ? 3 : d[n][m];
}

/* What a field of type t should hold, as a noun phrase in the user's language. */
static const char *type_words(enum schema_type t)
{
    switch (t) {
    case SCHEMA_STRING:
        return _("text");
    case SCHEMA_INT:
        return _("a whole number");
    case SCHEMA_BOOL:
        return _("true or false");
    case SCHEMA_DATE:
        return _("a date (YYYY-MM-DD, like 2021-02-19)");
    case SCHEMA_DATETIME:
        return _("a date and time (YYYY-MM-DD HH:MM, like 2021-02-19 13:30)");
    case SCHEMA_WHEN:
        return _("a date, or a date and time (like 2021-02-19 or 2021-02-19 13:30)");
    case SCHEMA_STRINGS:
        return _("a list of texts");
    case SCHEMA_OBJECT:
        return _("a group of fields");
    case SCHEMA_LIST:
        return _("a list");
    case SCHEMA_PHONE:
        return _("a phone number in half-width digits and hyphens, like 0235-00-1400");
    case SCHEMA_EMAIL:
        return _("an e-mail address, like sasaeai@example.jp");
    case SCHEMA_WEB:
        return _("a web address starting with https:// or http:// (like "
                 "https://example.jp/salon/)");
    case SCHEMA_ANY:
        break;
    }
    return _("a value");
}

/* Half-width digits with hyphens, spaces or brackets between them, and a '+' only in front:
 * what a tel: link can be made from without guessing. */
static int is_phone(const char *s)
{
    size_t digits = 0;
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (!(*p == '-' || *p == ' ' || *p == '(' || *p == ')' || (*p == '+' && p == s)))
            return 0;
    }
    return digits >= 6 && digits <= 15;
}

/* One '@' with something before it and a domain with a dot inside after it; no spaces, no
 * characters that would end a mailto: link or need quoting. */
static int is_email(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@'))
        return 0;
    const char *dot = strchr(at + 1, '.');
    if (!dot || dot == at + 1 || s[strlen(s) - 1] == '.')
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == 0x7f || strchr("<>()[]\\,;:\"", *p))
            return 0;
    return 1;
}

/* What the editor wrote instead, as a noun phrase in the user's language. */
static const char *json_words(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return _("a group of fields");
    case JSON_ARRAY:
        return _("a list");
    case JSON_STRING:
        return _("text");
    case JSON_INTEGER:
        return _("a number");
    case JSON_REAL:
        return _("a number with a decimal point");
    case JSON_TRUE:
    case JSON_FALSE:
        return _("true/false");
    case JSON_NULL:
        return _("empty");
    }
    return _("a value");
}

char *schema_field_words(const struct schema_field *f)
{
    if (!f->label)
        return xasprintf("'%s'", f->name);
    /* TRANSLATORS: a field as messages name it: its key as the editor wrote it, then the label
     * the editor form shows. The English leaves the label out (%.0s prints nothing); a
     * translation shows it, like '%s'（%s）. */
    return xasprintf(_("'%s'%.0s"), f->name, f->label);
}

static char *join_path(const char *prefix, const char *name)
{
    return *prefix ? xasprintf("%s.%s", prefix, name) : xstrdup(name);
}

/* t is SCHEMA_DATE, SCHEMA_DATETIME or SCHEMA_WHEN (either form). */
static void check_date(struct schema_ctx *c, const char *path, const char *name, const char *s,
                       enum schema_type t)
{
    struct datetime dt;
    struct date_why why;
    int has_time;
    if (date_parse_either(&dt, &has_time, s, strlen(s), &why) != 0) {
        /* TRANSLATORS: the field, then why its value is not a date (from the date reader). */
        schema_error(c, path, 0,
                     t == SCHEMA_DATE ? _("%s is not a date (YYYY-MM-DD, like 2021-02-19): %s")
                     : t == SCHEMA_DATETIME ? _("%s is not a date and time (YYYY-MM-DD HH:MM, like "
                                                "2021-02-19 13:30): %s")
                                            : _("%s is not a date, or a date and time (like "
                                                "2021-02-19 or 2021-02-19 13:30): %s"),
                     name, why.text);
        return;
    }
    if (t == SCHEMA_WHEN)
        return;
    int with_time = t == SCHEMA_DATETIME;
    if (with_time && !has_time)
        schema_error(c, path, 0, _("%s needs a time as well as a date (YYYY-MM-DD HH:MM, like %s "
                                   "13:30)"),
                     name, s);
    else if (!with_time && has_time)
        schema_error(c, path, 0, _("%s is a date only; leave out the time (YYYY-MM-DD)"), name);
}

static void check_value(struct schema_ctx *c, json_t *parent, const char *key, json_t *v,
                        const struct schema_field *f, const char *path);
static int check_fields(struct schema_ctx *c, json_t *obj, const struct schema_field *fields,
                        const char *prefix, const struct schema_field *closed);

static void check_choices(struct schema_ctx *c, const char *path, const struct schema_field *f,
                          const char *s)
{
    if (!f->choices)
        return;
    for (const char *const *ch = f->choices; *ch; ch++)
        if (strcmp(*ch, s) == 0)
            return;
    struct buf list;
    buf_init(&list);
    for (const char *const *ch = f->choices; *ch; ch++)
        buf_printf(&list, "%s%s", ch == f->choices ? "" : ", ", *ch);
    char *fw = schema_field_words(f);
    schema_error(c, path, 0, _("%s cannot be '%s' (use one of: %s)"), fw, s, list.data);
    free(fw);
    buf_release(&list);
}

/* check_value, with fw naming the field in messages. */
static void check_value_as(struct schema_ctx *c, json_t *parent, const char *key, json_t *v,
                           const struct schema_field *f, const char *path, const char *fw)
{
    switch (f->type) {
    case SCHEMA_ANY:
        return;
    case SCHEMA_STRING:
        if (json_is_integer(v) || json_is_real(v)) {
            /* A house number or a phone number typed without quotes is still text. */
            char *s = json_dumps(v, JSON_ENCODE_ANY);
            json_object_set_new(parent, key, json_string(s));
            free(s);
            return;
        }
        if (!json_is_string(v)) {
            schema_error(c, path, 0, _("%s should be %s, not %s"), fw, type_words(f->type),
                         json_words(v));
            return;
        }
        check_choices(c, path, f, json_string_value(v));
        return;
    case SCHEMA_PHONE:
    case SCHEMA_EMAIL:
    case SCHEMA_WEB:
        if (f->type == SCHEMA_PHONE && (json_is_integer(v) || json_is_real(v))) {
            /* 0235001400 without quotes is read as a number, and its 0 is gone. */
            schema_error(c, path, 0, _("%s should be %s, not a number (write the hyphens, or put "
                                       "it in quotes)"),
                         fw, type_words(f->type));
            return;
        }
        if (!json_is_string(v)) {
            schema_error(c, path, 0, _("%s should be %s, not %s"), fw, type_words(f->type),
                         json_words(v));
            return;
        }
        if (!(f->type == SCHEMA_PHONE  ? is_phone(json_string_value(v))
              : f->type == SCHEMA_EMAIL ? is_email(json_string_value(v))
                                        : url_is_web(json_string_value(v))))
            schema_error(c, path, 0, _("%s should be %s"), fw, type_words(f->type));
        return;
    case SCHEMA_INT:
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            schema_error(c, path, 0, _("%s should be a whole number (like 152), not %s"),
                         fw, json_is_integer(v) ? _("a negative number") : json_words(v));
        return;
    case SCHEMA_BOOL:
        if (!json_is_boolean(v))
            schema_error(c, path, 0, _("%s should be true or false, not %s"), fw,
                         json_words(v));
        return;
    case SCHEMA_DATE:
    case SCHEMA_DATETIME:
    case SCHEMA_WHEN:
        if (!json_is_string(v)) {
            schema_error(c, path, 0, _("%s should be %s, not %s"), fw, type_words(f->type),
                         json_words(v));
            return;
        }
        check_date(c, path, fw, json_string_value(v), f->type);
        return;
    case SCHEMA_STRINGS:
        if (json_is_string(v)) {
            json_t *list = json_array();
            json_array_append(list, v);
            json_object_set_new(parent, key, list);
            return;
        }
        if (!json_is_array(v)) {
            schema_error(c, path, 0, _("%s should be %s, not %s"), fw, type_words(f->type),
                         json_words(v));
            return;
        }
        for (size_t i = 0; i < json_array_size(v); i++) {
            json_t *item = json_array_get(v, i);
            if (json_is_integer(item) || json_is_real(item)) {
                char *s = json_dumps(item, JSON_ENCODE_ANY);
                json_array_set_new(v, i, json_string(s));
                free(s);
            } else if (!json_is_string(item)) {
                char *ip = xasprintf("%s.%zu", path, i);
                schema_error(c, ip, 0, _("each item of %s should be text, not %s"), fw,
                             json_words(item));
                free(ip);
            }
        }
        return;
    case SCHEMA_OBJECT:
        if (!json_is_object(v)) {
            schema_error(c, path, 0, _("%s should be %s (indented lines under it), not %s"),
                         fw, type_words(f->type), json_words(v));
            return;
        }
        check_fields(c, v, f->fields, path, f->flags & SCHEMA_CLOSED ? f : NULL);
        return;
    case SCHEMA_LIST:
        if (!json_is_array(v)) {
            schema_error(c, path, 0, _("%s should be a list (lines starting with '- '), not %s"),
                         fw, json_words(v));
            return;
        }
        for (size_t i = 0; i < json_array_size(v); i++) {
            json_t *item = json_array_get(v, i);
            char *ip = xasprintf("%s.%zu", path, i);
            if (json_is_object(item))
                schema_check(c, item, f->fields, ip);
            else
                schema_error(c, ip, 0, _("each item of %s should be a group of fields, not %s"),
                             fw, json_words(item));
            free(ip);
        }
        return;
    }
}

static void check_value(struct schema_ctx *c, json_t *parent, const char *key, json_t *v,
                        const struct schema_field *f, const char *path)
{
    char *fw = schema_field_words(f);
    check_value_as(c, parent, key, v, f, path, fw);
    free(fw);
}

/* The fields of obj that fields does not list. They are the editor's own (passed to templates)
 * and only warned about when they look like a typo; unless closed names the group they are in
 * (SCHEMA_CLOSED), where each is an error. */
static void unknown_fields(struct schema_ctx *c, json_t *obj, const struct schema_field *fields,
                           const char *prefix, const struct schema_field *closed)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        const struct schema_field *f = fields;
        while (f->name && strcmp(f->name, key) != 0)
            f++;
        if (f->name)
            continue; /* a known field: the usual case, so it is looked for first */
        const struct schema_field *best = NULL;
        unsigned best_d = 3;
        for (f = fields; f->name; f++) {
            unsigned dist = schema_distance(key, f->name);
            size_t len = strlen(key);
            if (dist < best_d && (dist == 1 || len > 4)) {
                best = f;
                best_d = dist;
            }
        }
        if (best && json_object_get(obj, best->name))
            best = NULL; /* the field it resembles is there too: not a misspelling of it */
        char *path = join_path(prefix, key);
        if (closed) {
            struct buf names;
            buf_init(&names);
            for (f = fields; f->name; f++)
                buf_printf(&names, "%s%s", f == fields ? "" : ", ", f->name);
            /* TRANSLATORS: a group of fields named as a noun in English ("a contact"): its key,
             * then the label the editor form shows, which the English leaves out (%.0s prints
             * nothing); a translation shows both, like '%s'（%s）. */
            char *group = closed->label ? xasprintf(_("%s%.0s"), closed->name, closed->label)
                                        : xstrdup(closed->name);
            char *near = best ? schema_field_words(best) : NULL;
            if (best)
                /* TRANSLATORS: the unknown key, the group ('contact'), the field it resembles,
                 * the group again and the keys it has. */
                schema_error(c, path, 1, _("'%s' is not a field of a %s; did you mean %s? (a %s "
                                           "has %s)"),
                             key, group, near, group, names.data);
            else
                schema_error(c, path, 1, _("'%s' is not a field of a %s (a %s has %s)"), key,
                             group, group, names.data);
            free(near);
            free(group);
            buf_release(&names);
        } else if (best) {
            char *near = schema_field_words(best);
            schema_warning(c, path, 1, _("unknown field '%s': did you mean %s?"), key, near);
            free(near);
        }
        free(path);
    }
}

/* schema_check, with closed naming the group obj is when its fields are all kairan's. */
static int check_fields(struct schema_ctx *c, json_t *obj, const struct schema_field *fields,
                        const char *prefix, const struct schema_field *closed)
{
    int failed_before = c->failed;
    c->failed = 0;
    for (const struct schema_field *f = fields; f->name; f++) {
        json_t *v = json_object_get(obj, f->name);
        char *path = join_path(prefix, f->name);
        if (!v || json_is_null(v)) {
            if (f->flags & SCHEMA_REQUIRED) {
                const char *where = *prefix ? prefix : NULL;
                char *fw = schema_field_words(f);
                if (*prefix)
                    schema_error(c, where, 0, _("%s is missing here: it is required"), fw);
                else
                    schema_error(c, NULL, 0, _("%s is missing: every entry of this kind needs one"),
                                 fw);
                free(fw);
            }
        } else {
            check_value(c, obj, f->name, v, f, path);
        }
        free(path);
    }

    unknown_fields(c, obj, fields, prefix, closed);
    int failed = c->failed;
    c->failed = failed_before || failed;
    return failed ? -1 : 0;
}

int schema_check(struct schema_ctx *c, json_t *obj, const struct schema_field *fields,
                 const char *prefix)
{
    return check_fields(c, obj, fields, prefix, NULL);
}
