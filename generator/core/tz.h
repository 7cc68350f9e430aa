/* tz: time zones from the system's TZif files (/usr/share/zoneinfo, Debian package tzdata).
 * A struct tz owns its transition table and the POSIX rule from the file's footer, which
 * decides times after the last listed change (Debian's "slim" files rely on it). After loading
 * it is read-only: threads share one freely; nothing here uses TZ, setenv or localtime.
 * Loading reports through diag at the place the caller names (site.yaml's timezone line);
 * lookups never fail. */
#ifndef KAIRAN_TZ_H
#define KAIRAN_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/diag.h"

struct tz;

/* The local time in effect at some instant. */
struct tz_info {
    int32_t offset; /* seconds east of UTC: 32400 for +09:00 */
    int is_dst;
    char abbr[16]; /* "JST", "CEST", "+09"; "" when the data gives none */
};

struct tz_transition {
    int64_t at; /* the UTC instant of the change */
    struct tz_info before, after;
};

/* How a wall time maps to instants (see tz_to_utc). */
enum tz_fold {
    TZ_UNIQUE,    /* exactly one instant */
    TZ_AMBIGUOUS, /* twice, when clocks go back: the first (earlier) instant was taken */
    TZ_GAP        /* never, when clocks go forward: read with the offset before the change */
};

/* Loads a zone such as "Asia/Tokyo" from /usr/share/zoneinfo. Returns a new zone (free with
 * tz_free), or NULL after reporting at file:line:col, e.g.
 *     'Asia/Tokio' is not a known time zone (did you mean Asia/Tokyo?)
 * Names with "..", a leading '/' or characters no zone uses are refused the same way. */
struct tz *tz_load(struct diag *d, const char *name, const char *file, unsigned line, unsigned col);
/* The same from another zoneinfo folder (tests). */
struct tz *tz_load_dir(struct diag *d, const char *dir, const char *name, const char *file,
                       unsigned line, unsigned col);
/* Reads TZif data (versions 1-4; the 64-bit part and footer when present). name is kept as the
 * zone's name; a damaged file is reported as an I/O error on path. Returns a new zone or NULL. */
struct tz *tz_from_tzif(struct diag *d, const char *name, const void *data, size_t len,
                        const char *path);
/* A zone from a POSIX TZ rule alone, e.g. "CET-1CEST,M3.5.0,M10.5.0/3" (its name is the rule).
 * Returns a new zone, or NULL after reporting at file:line:col. */
struct tz *tz_from_posix(struct diag *d, const char *rule, const char *file, unsigned line,
                         unsigned col);
void tz_free(struct tz *z);

const char *tz_name(const struct tz *z);
void tz_lookup(const struct tz *z, int64_t t, struct tz_info *out);
int32_t tz_offset_at(const struct tz *z, int64_t t);
struct datetime tz_to_local(const struct tz *z, int64_t t);
/* The instant of a wall time. When clocks go back the wall time happens twice and the first
 * is taken (the earlier offset, as RFC 5545 reads DTSTART); when clocks go forward it never
 * happens and is read with the offset before the change, so 02:30 on Berlin's spring night
 * becomes 03:30 CEST. fold (may be NULL) says which case it was, to let the caller warn. */
int64_t tz_to_utc(const struct tz *z, struct datetime local, enum tz_fold *fold);
/* Sets *out to a new array (caller frees) of the changes of offset, DST flag or abbreviation
 * in [from, to), in order, and returns how many. */
size_t tz_transitions(const struct tz *z, int64_t from, int64_t to, struct tz_transition **out);

/* Parses --now: "@1613709000", or a date or date and time in zone z (a date alone is its
 * 00:00). Returns 0, or -1 and fills why (may be NULL) as date_parse does. */
int tz_parse_now(int64_t *out, const struct tz *z, const char *s, size_t len, struct date_why *why);
/* Appends RFC 3339 local time with offset: 2021-02-19T13:30:00+09:00 (in UTC with Z for the
 * rare offsets that are not whole minutes). */
void tz_format_rfc3339(struct buf *out, const struct tz *z, int64_t t);

#endif
