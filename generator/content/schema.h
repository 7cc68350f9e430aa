/* schema: checks YAML-sourced values against tables of fields, in editors' words.
 * Used by site.yaml, theme.yaml and every entry's front matter. A check reports each problem at
 * the line:col of the offending key or value (wrong type, missing field, value not allowed,
 * misspelt field name with a "did you mean") and carries on, so one run shows them all. */
#ifndef KAIRAN_SCHEMA_H
#define KAIRAN_SCHEMA_H

#include <jansson.h>
#include <stdarg.h>

#include "core/diag.h"
#include "content/yamldoc.h"

enum schema_type {
    SCHEMA_ANY,
    SCHEMA_STRING,   /* text; numbers are accepted and kept as text (phone: 0235-00-0000) */
    SCHEMA_INT,      /* a whole number, >= 0 */
    SCHEMA_BOOL,     /* true or false */
    SCHEMA_DATE,     /* YYYY-MM-DD */
    SCHEMA_DATETIME, /* YYYY-MM-DD HH:MM */
    SCHEMA_WHEN,     /* either: a whole day (YYYY-MM-DD) or a moment (YYYY-MM-DD HH:MM) */
    SCHEMA_STRINGS,  /* a list of texts; a single text is accepted as a list of one */
    SCHEMA_OBJECT,   /* nested fields */
    SCHEMA_LIST,     /* a list of objects with the nested fields */
    SCHEMA_PHONE,    /* text: a phone number in half-width digits (0235-00-1400) */
    SCHEMA_EMAIL,    /* text: an e-mail address */
    SCHEMA_WEB,      /* text: a web address, http:// or https:// */
};

#define SCHEMA_REQUIRED 1u
/* For an OBJECT: a field it does not list is an error rather than the editor's own (for
 * groups whose every field kairan shows, where a misspelt one would silently go missing). */
#define SCHEMA_CLOSED 2u

struct schema_field {
    const char *name; /* the key, as editors write it */
    enum schema_type type;
    unsigned flags;
    const struct schema_field *fields; /* for OBJECT and LIST; ends with a NULL name */
    const char *const *choices;        /* for STRING: the allowed values, NULL-terminated */
    /* What the editor form calls the field, in Japanese (開始日時 for start): messages in
     * Japanese show it after the key. NULL: the key alone. */
    const char *label;
};

struct schema_ctx {
    struct diag *d;
    const char *path;           /* the file, for messages */
    const struct yamldoc *doc; /* positions */
    unsigned fallback_line;     /* where to point when a value has no position (the --- line) */
    int failed;
};

/* Checks obj (a JSON object) against fields; prefix is obj's path in the document ("" for the
 * root, "contact", "sessions.2"). Strings given for SCHEMA_STRINGS are wrapped in a list, and
 * numbers given for SCHEMA_STRING are turned into text, in place. Returns 0, or -1 after
 * reporting. Unknown fields are left alone unless they look like a misspelt known one. */
int schema_check(struct schema_ctx *c, json_t *obj, const struct schema_field *fields,
                 const char *prefix);
/* Reports an error at the value (or key when key is set) found at path in c's document. */
void schema_error(struct schema_ctx *c, const char *path, int key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void schema_warning(struct schema_ctx *c, const char *path, int key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* schema_error with the arguments as a va_list. */
void schema_verror(struct schema_ctx *c, const char *path, int key, const char *fmt, va_list ap);
/* The field as messages name it: 'start' in English, 'start'（開始日時） in Japanese. Returns a
 * new string; the caller frees it. */
char *schema_field_words(const struct schema_field *f);
/* Edit distance between two short ASCII names, capped at 3. */
unsigned schema_distance(const char *a, const char *b);

#endif
