#include "content/schema.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/url.h"
#include "core/xalloc.h"

static void report(struct schema_ctx *c, int error, const char *path, int key, const char *fmt,
                   va_list ap)
{
    struct yamldoc_pos pos = {c->fallback_line, 0};
    if (path) {
        int found = key ? yamldoc_key_pos(c->doc, path, &pos) : yamldoc_value_pos(c->doc, path, &pos);
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

static const char *type_words(enum schema_type t)
{
    switch (t) {
    case SCHEMA_STRING:
        return "text";
    case SCHEMA_INT:
        return "a whole number";
    case SCHEMA_BOOL:
        return "true or false";
    case SCHEMA_DATE:
        return "a date (YYYY-MM-DD, like 2021-02-19)";
    case SCHEMA_DATETIME:
        return "a date and time (YYYY-MM-DD HH:MM, like 2021-02-19 13:30)";
    case SCHEMA_WHEN:
        return "a date, or a date and time (like 2021-02-19 or 2021-02-19 13:30)";
    case SCHEMA_STRINGS:
        return "a list of texts";
    case SCHEMA_OBJECT:
        return "a group of fields";
    case SCHEMA_LIST:
        return "a list";
    case SCHEMA_PHONE:
        return "a phone number in half-width digits and hyphens, like 0235-00-1400";
    case SCHEMA_EMAIL:
        return "an e-mail address, like sasaeai@example.jp";
    case SCHEMA_WEB:
        return "a web address starting with https:// or http:// (like https://example.jp/salon/)";
    case SCHEMA_ANY:
        break;
    }
    return "a value";
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

static const char *json_words(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "a group of fields";
    case JSON_ARRAY:
        return "a list";
    case JSON_STRING:
        return "text";
    case JSON_INTEGER:
        return "a number";
    case JSON_REAL:
        return "a number with a decimal point";
    case JSON_TRUE:
    case JSON_FALSE:
        return "true/false";
    case JSON_NULL:
        return "empty";
    }
    return "a value";
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
        schema_error(c, path, 0, "'%s' is not %s: %s", name, type_words(t), why.text);
        return;
    }
    if (t == SCHEMA_WHEN)
        return;
    int with_time = t == SCHEMA_DATETIME;
    if (with_time && !has_time)
        schema_error(c, path, 0, "'%s' needs a time as well as a date (YYYY-MM-DD HH:MM, like "
                                 "%s 13:30)",
                     name, s);
    else if (!with_time && has_time)
        schema_error(c, path, 0, "'%s' is a date only; leave out the time (YYYY-MM-DD)", name);
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
    schema_error(c, path, 0, "'%s' cannot be '%s' (use one of: %s)", f->name, s, list.data);
    buf_release(&list);
}

static void check_value(struct schema_ctx *c, json_t *parent, const char *key, json_t *v,
                        const struct schema_field *f, const char *path)
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
            schema_error(c, path, 0, "'%s' should be %s, not %s", f->name, type_words(f->type),
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
            schema_error(c, path, 0, "'%s' should be %s, not a number (write the hyphens, or "
                                     "put it in quotes)",
                         f->name, type_words(f->type));
            return;
        }
        if (!json_is_string(v)) {
            schema_error(c, path, 0, "'%s' should be %s, not %s", f->name, type_words(f->type),
                         json_words(v));
            return;
        }
        if (!(f->type == SCHEMA_PHONE  ? is_phone(json_string_value(v))
              : f->type == SCHEMA_EMAIL ? is_email(json_string_value(v))
                                        : url_is_web(json_string_value(v))))
            schema_error(c, path, 0, "'%s' should be %s", f->name, type_words(f->type));
        return;
    case SCHEMA_INT:
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            schema_error(c, path, 0, "'%s' should be a whole number (like 152), not %s",
                         f->name, json_is_integer(v) ? "a negative number" : json_words(v));
        return;
    case SCHEMA_BOOL:
        if (!json_is_boolean(v))
            schema_error(c, path, 0, "'%s' should be true or false, not %s", f->name,
                         json_words(v));
        return;
    case SCHEMA_DATE:
    case SCHEMA_DATETIME:
    case SCHEMA_WHEN:
        if (!json_is_string(v)) {
            schema_error(c, path, 0, "'%s' should be %s, not %s", f->name, type_words(f->type),
                         json_words(v));
            return;
        }
        check_date(c, path, f->name, json_string_value(v), f->type);
        return;
    case SCHEMA_STRINGS:
        if (json_is_string(v)) {
            json_t *list = json_array();
            json_array_append(list, v);
            json_object_set_new(parent, key, list);
            return;
        }
        if (!json_is_array(v)) {
            schema_error(c, path, 0, "'%s' should be %s, not %s", f->name, type_words(f->type),
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
                schema_error(c, ip, 0, "each item of '%s' should be text, not %s", f->name,
                             json_words(item));
                free(ip);
            }
        }
        return;
    case SCHEMA_OBJECT:
        if (!json_is_object(v)) {
            schema_error(c, path, 0, "'%s' should be %s (indented lines under it), not %s",
                         f->name, type_words(f->type), json_words(v));
            return;
        }
        check_fields(c, v, f->fields, path, f->flags & SCHEMA_CLOSED ? f : NULL);
        return;
    case SCHEMA_LIST:
        if (!json_is_array(v)) {
            schema_error(c, path, 0, "'%s' should be a list (lines starting with '- '), not %s",
                         f->name, json_words(v));
            return;
        }
        for (size_t i = 0; i < json_array_size(v); i++) {
            json_t *item = json_array_get(v, i);
            char *ip = xasprintf("%s.%zu", path, i);
            if (json_is_object(item))
                schema_check(c, item, f->fields, ip);
            else
                schema_error(c, ip, 0, "each item of '%s' should be a group of fields, not %s",
                             f->name, json_words(item));
            free(ip);
        }
        return;
    }
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
            if (best)
                schema_error(c, path, 1, "'%s' is not a field of a %s; did you mean '%s'? (a %s "
                                         "has %s)",
                             key, closed->name, best->name, closed->name, names.data);
            else
                schema_error(c, path, 1, "'%s' is not a field of a %s (a %s has %s)", key,
                             closed->name, closed->name, names.data);
            buf_release(&names);
        } else if (best) {
            schema_warning(c, path, 1, "unknown field '%s': did you mean '%s'?", key, best->name);
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
                if (*prefix)
                    schema_error(c, where, 0, "'%s' is missing here: it is required", f->name);
                else
                    schema_error(c, NULL, 0, "'%s' is missing: every entry of this kind needs "
                                             "one",
                                 f->name);
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
