/* entry: one content file (content/KIND/SLUG.md), read, checked against its kind's schema and
 * placed at a URL. entry_load() fills a struct entry that owns its file text, front matter and
 * derived fields (release with entry_release). Every problem is reported with file:line:col;
 * loading carries on after an error so that one run lists all of a file's mistakes. */
#ifndef KAIRAN_ENTRY_H
#define KAIRAN_ENTRY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "content/config.h"
#include "core/date.h"
#include "core/hash.h"
#include "core/diag.h"
#include "core/strv.h"
#include "content/schema.h"
#include "content/yamldoc.h"

struct tz;

enum entry_kind { KIND_ACTIVITY, KIND_EVENT, KIND_ISSUE, KIND_PAGE, KIND_COUNT };

/* What became of an event (status: in its front matter). */
enum event_status {
    EVENT_SCHEDULED, /* held as planned (the default) */
    EVENT_CANCELLED, /* 中止 */
    EVENT_POSTPONED, /* 延期: a new date in postponed_to when known */
    EVENT_WRITTEN,   /* 書面開催: decided in writing, nobody gathers */
    EVENT_ONLINE,    /* オンライン開催: moved online */
    EVENT_STATUS_COUNT
};

struct session {
    struct datetime start, end; /* all_day: only the dates count (times are 0) */
    int all_day;                /* given as dates without a time */
    const char *label; /* 補講, 通いの場見学; NULL when none */
    const char *venue; /* a venue id of the event, or NULL for the main venue */
};

struct entry {
    char *source;           /* path for messages: SOURCE/content/events/x.md */
    char *rel;              /* relative to content/: events/x.md (how links name it) */
    char *file;             /* the file read, when not source (kairan serve's editor reads an
                               unsaved entry from a copy outside content/); else NULL */
    enum entry_kind kind;
    const char *slug;       /* ASCII; points into fm or rel_slug */
    char *url;              /* relative to the site root: events/x/ */
    char *out;              /* output file relative to the output root: events/x/index.html */
    json_t *fm;             /* the checked front matter (owned) */
    /* The front matter as written, from line fm_line, or NULL: a later stage that reports a
     * field reads the front matter back from the file (when it is still fm_len bytes from
     * fm_line) and parses it again for the field's position. Positions of every field, or the
     * text, kept for every entry would take more memory than the entry's data. */
    char *fm_text;
    size_t fm_len;
    unsigned fm_line;
    struct hash fm_hash; /* of the front matter as written: with the program, it stands for fm */
    struct yamldoc_pos title_pos, image_pos; /* of title: and of image: (issue: cover:) */
    /* The Markdown body is not held (for a big site it would be most of the memory): the
     * stages that convert it read it again with entry_read_body, which checks its hash. */
    struct hash body_hash;
    size_t body_len;
    unsigned body_line;

    const char *title;
    const char *reading;    /* kana, or NULL */
    const char *district;   /* slug, or NULL */
    const char *image;      /* as written, or NULL (issue: its cover) */
    struct datetime date;   /* publication date; has_date 0 when not given */
    int has_date;
    int64_t mtime;          /* the file's last change, seconds since 1970 UTC (0 if unknown):
                               what the feed dates an entry without date: by */
    int draft;
    long number;            /* issue: its number; others: the issue they appeared in, or 0 */
    long weight;            /* page: menu order */
    int menu;               /* page: shown in the navigation */
    struct session *sessions; /* event: sorted by start */
    size_t n_sessions;
    enum event_status status;  /* event: EVENT_SCHEDULED unless status: says otherwise */
    struct session postponed;  /* event, EVENT_POSTPONED: the new date, when has_postponed */
    int has_postponed;
    char *sort_key;         /* 50音 key of reading (or title) */
    char *rel_slug;         /* slug derived from the file name, when no slug: field */
    /* The language it is written in: the site's own for an original, another for a
     * translation (content/activities/x.en.md), whose fields are the original's with its own
     * over them and whose address is the original's under the language's folder. */
    const struct language *lang;
    struct entry *original; /* a translation: the entry it translates (borrowed); else NULL */
    /* An original: its versions to publish by language index (0 itself; NULL where there is
     * none), set by site_versions; owned. NULL when it has no translation. */
    struct entry **versions;
};

/* Loads content/REL under source. Returns 0, or -1 after reporting (the entry is then still
 * safe to release). */
int entry_load(struct diag *d, const struct site_config *cfg, const char *source,
               const char *rel, struct entry *out);
/* entry_load reading the file at file (when not NULL) in place of content/REL: the entry is
 * named, placed and reported as content/REL, and its pictures are found beside that. */
int entry_load_from(struct diag *d, const struct site_config *cfg, const char *source,
                    const char *rel, const char *file, struct entry *e);
/* Loads content/REL (read from file when not NULL, as entry_load_from) as a translation into
 * lang of original (already loaded, without mistakes): its front matter over the original's
 * (groups field by field, lists of groups item by item), its own body, the original's slug
 * under lang's folder. A field that places the entry (slug, district, dates, numbers, which
 * pictures) must be the original's or left out; the kind must be the original's. original
 * NULL means there is no such file: that is reported. Returns 0, or -1 after reporting. */
int entry_load_translation(struct diag *d, const struct site_config *cfg, const char *source,
                           const char *rel, const char *file, const struct language *lang,
                           struct entry *original, struct entry *e);
/* For a file name in content/ (activities/x.en.md): the language whose key stands before .md
 * (en), or NULL for an original. When it returns one, *original_rel is a new string
 * (activities/x.md) the caller frees. */
const struct language *entry_translation_of(const struct site_config *cfg, const char *rel,
                                            char **original_rel);
void entry_release(struct entry *e);
/* The path e's text is read from: its file, else its source. */
const char *entry_file(const struct entry *e);
/* The front matter fields of a kind, as the build checks them (a table ending with a NULL
 * name), and the order kairan writes them in (NULL-terminated, every field of the schema
 * once). Static data. */
const struct schema_field *entry_schema(enum entry_kind k);
const char *const *entry_field_order(enum entry_kind k);
/* Whether the field at path ("district", "sessions.2.start": a list's items by number) places
 * or counts the entry, so that a translation has the original's value and cannot change it. */
int entry_field_shared(const char *path);
/* "activities", "events", "issues", "pages": the folder of a kind under content/. */
const char *entry_kind_folder(enum entry_kind k);
/* The kind called name ("event"), or KIND_COUNT. */
enum entry_kind entry_kind_from_name(const char *name);
/* Whether the picture src (as the entry names it) is recorded in its pictures: with
 * consent: no (肖像の同意 not given): returns that record's index, else -1. */
int entry_picture_refused(const struct entry *e, const char *src);

/* The status' name as written in front matter: "scheduled", "cancelled", "postponed",
 * "written", "online". */
const char *entry_status_name(enum event_status s);

/* The end of e's last session, or of its new date when postponed to one: the moment after
 * which the event is over (the next midnight for an all-day session). e has sessions. */
struct datetime entry_event_over(const struct entry *e);
/* Reads e's file again into text and points *body into it: body_len bytes of Markdown from
 * line body_line, as entry_load read them. A file that is not what entry_load read is an I/O
 * error (it changed during the build). Returns 0, or -1 after reporting (text is then still
 * safe to release). */
int entry_read_body(struct diag *d, const struct entry *e, struct buf *text, const char **body);
/* "activity", "event", "issue", "page". */
const char *entry_kind_name(enum entry_kind k);
/* The front matter fields some entries may leave out (every field not required of every
 * kind), by the names templates reach them with: "schedule", "contact.url" (a field inside
 * one), "sessions.label" (a field of a list's items). Appends them to out; for --strict, whose
 * report does not take a name that no page has for a misspelt one when kairan's data may leave
 * it out. */
void entry_optional_fields(struct strv *out);
/* Checks an event's session times against the site's zone: a wall time that never happens,
 * because the clocks go forward over it (02:30 on Berlin's spring night), is an error at its
 * field. A time that happens twice, when the clocks go back, is the first of the two (summer
 * time), as calendar apps read it. Returns 0, or -1 after reporting. */
int entry_check_times(struct diag *d, const struct entry *e, const struct tz *zone);
/* Reports an error at the value of field (a yaml path like "sessions.1.venue") in e; at the
 * front matter's first line when the field is not there. */
void entry_error(struct diag *d, const struct entry *e, const char *field, const char *fmt,
                 ...) __attribute__((format(printf, 4, 5)));

#endif
