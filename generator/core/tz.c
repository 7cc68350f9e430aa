#include "core/tz.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/intl.h"
#include "core/xalloc.h"

#define ZONEINFO "/usr/share/zoneinfo"
/* The largest zone file tzdata ships is a few kilobytes; anything near this is not one. */
#define MAX_TZIF (1 << 20)

/* A day of the year in a POSIX rule: Jn (1-365, never counting Feb 29), n (0-365, counting
 * it) or Mm.w.d (weekday d of week w, 5 meaning the last, of month m), at a local time. */
struct rule_day {
    char kind; /* 'J', 'N' or 'M' */
    int n, month, week, weekday;
    int32_t time; /* seconds after local midnight; may be negative or past 24h */
};

struct rule {
    struct tz_info std, dst;
    int has_dst;
    struct rule_day start, end; /* start in standard time, end in daylight time */
};

struct tz {
    char *name;
    size_t ntimes;
    int64_t *times;       /* ascending UTC instants of the listed changes */
    unsigned char *which; /* the type that starts at each of times */
    size_t ntypes;
    struct tz_info *types; /* types[0] also holds before the first change */
    int has_rule;          /* the footer decides after the last change (or always) */
    struct rule rule;
};

/* ---- POSIX TZ rules ---- */

struct scan {
    const char *s;
    size_t len, i;
};

static int peek(const struct scan *sc)
{
    return sc->i < sc->len ? (unsigned char)sc->s[sc->i] : -1;
}

static int scan_number(struct scan *sc, int max_digits, int max, int *out)
{
    int v = 0, n = 0;
    while (n < max_digits && peek(sc) >= '0' && peek(sc) <= '9') {
        v = v * 10 + (peek(sc) - '0');
        sc->i++;
        n++;
    }
    if (n == 0 || v > max)
        return -1;
    *out = v;
    return 0;
}

/* An abbreviation: three or more letters, or <...> of letters, digits and signs. */
static int scan_abbr(struct scan *sc, char out[16])
{
    size_t n = 0;
    if (peek(sc) == '<') {
        sc->i++;
        while (peek(sc) != '>') {
            int c = peek(sc);
            if (c < 0 || !(isalnum(c) || c == '+' || c == '-') || n >= 15)
                return -1;
            out[n++] = (char)c;
            sc->i++;
        }
        sc->i++;
    } else {
        while (peek(sc) >= 0 && isalpha(peek(sc))) {
            if (n >= 15)
                return -1;
            out[n++] = (char)peek(sc);
            sc->i++;
        }
    }
    out[n] = '\0';
    return n >= 3 ? 0 : -1;
}

/* [+-]hh[:mm[:ss]] with hours up to max_hours; returns seconds. */
static int scan_hms(struct scan *sc, int max_hours, int32_t *out)
{
    int sign = 1, h, m = 0, s = 0;
    if (peek(sc) == '+' || peek(sc) == '-') {
        sign = peek(sc) == '-' ? -1 : 1;
        sc->i++;
    }
    if (scan_number(sc, 3, max_hours, &h) != 0)
        return -1;
    if (peek(sc) == ':') {
        sc->i++;
        if (scan_number(sc, 2, 59, &m) != 0)
            return -1;
        if (peek(sc) == ':') {
            sc->i++;
            if (scan_number(sc, 2, 59, &s) != 0)
                return -1;
        }
    }
    *out = sign * (h * 3600 + m * 60 + s);
    return 0;
}

static int scan_rule_day(struct scan *sc, struct rule_day *r)
{
    memset(r, 0, sizeof *r);
    if (peek(sc) == 'J') {
        sc->i++;
        r->kind = 'J';
        if (scan_number(sc, 3, 365, &r->n) != 0 || r->n < 1)
            return -1;
    } else if (peek(sc) == 'M') {
        sc->i++;
        r->kind = 'M';
        if (scan_number(sc, 2, 12, &r->month) != 0 || r->month < 1 || peek(sc) != '.')
            return -1;
        sc->i++;
        if (scan_number(sc, 1, 5, &r->week) != 0 || r->week < 1 || peek(sc) != '.')
            return -1;
        sc->i++;
        if (scan_number(sc, 1, 6, &r->weekday) != 0)
            return -1;
    } else {
        r->kind = 'N';
        if (scan_number(sc, 3, 365, &r->n) != 0)
            return -1;
    }
    r->time = 2 * 3600;
    if (peek(sc) == '/') {
        sc->i++;
        /* RFC 8536 lets the time run from -167 to 167 hours. */
        if (scan_hms(sc, 167, &r->time) != 0)
            return -1;
    }
    return 0;
}

/* Parses "std offset [dst [offset] [,start[/time],end[/time]]]". POSIX offsets count hours
 * west of Greenwich, so they are negated into seconds east. */
static int rule_parse(struct rule *r, const char *s, size_t len)
{
    struct scan sc = {s, len, 0};
    int32_t west;
    memset(r, 0, sizeof *r);
    if (scan_abbr(&sc, r->std.abbr) != 0 || scan_hms(&sc, 24, &west) != 0)
        return -1;
    r->std.offset = -west;
    if (sc.i == len)
        return 0;
    if (scan_abbr(&sc, r->dst.abbr) != 0)
        return -1;
    r->has_dst = 1;
    r->dst.is_dst = 1;
    r->dst.offset = r->std.offset + 3600;
    if (peek(&sc) != ',' && sc.i < len) {
        if (scan_hms(&sc, 24, &west) != 0)
            return -1;
        r->dst.offset = -west;
    }
    if (sc.i == len) {
        /* No dates given: the United States rule, as other readers assume. */
        r->start = (struct rule_day){'M', 0, 3, 2, 0, 7200};
        r->end = (struct rule_day){'M', 0, 11, 1, 0, 7200};
        return 0;
    }
    if (peek(&sc) != ',')
        return -1;
    sc.i++;
    if (scan_rule_day(&sc, &r->start) != 0 || peek(&sc) != ',')
        return -1;
    sc.i++;
    if (scan_rule_day(&sc, &r->end) != 0)
        return -1;
    return sc.i == len ? 0 : -1;
}

/* Days since 1970-01-01 of a rule's day in a year. */
static int64_t rule_date(const struct rule_day *r, int year)
{
    int64_t jan1 = date_to_days((struct date){year, 1, 1});
    if (r->kind == 'J')
        return jan1 + r->n - 1 + (date_is_leap_year(year) && r->n >= 60);
    if (r->kind == 'N')
        return jan1 + r->n;
    struct date first = {year, r->month, 1};
    int day = 1 + (r->weekday - date_weekday(first) + 7) % 7 + (r->week - 1) * 7;
    while (day > date_days_in_month(year, r->month))
        day -= 7;
    return date_to_days(first) + day - 1;
}

/* The UTC instant of a rule change in a year, given the offset in effect before it. */
static int64_t rule_instant(const struct rule_day *r, int year, int32_t offset_before)
{
    return rule_date(r, year) * 86400 + r->time - offset_before;
}

static const struct tz_info *rule_lookup(const struct rule *r, int64_t t)
{
    if (!r->has_dst)
        return &r->std;
    /* Keeps the arithmetic below in range; the calendar is clamped long before this. */
    const int64_t far = INT64_C(1) << 60;
    t = t > far ? far : t < -far ? -far : t;
    int year = date_from_seconds(t + r->std.offset).date.year;
    int64_t start = rule_instant(&r->start, year, r->std.offset);
    int64_t end = rule_instant(&r->end, year, r->dst.offset);
    int dst = start < end ? t >= start && t < end : !(t >= end && t < start);
    return dst ? &r->dst : &r->std;
}

/* ---- lookups ---- */

static const struct tz_info *lookup(const struct tz *z, int64_t t)
{
    if (z->ntimes == 0)
        return z->has_rule ? rule_lookup(&z->rule, t) : &z->types[0];
    if (t < z->times[0])
        return &z->types[0];
    /* From the last listed change on, the footer decides (RFC 8536 3.3); starting at the change
     * itself means a footer that disagrees with the last type still changes at a listed
     * instant, one that tz_transitions reports. */
    if (t >= z->times[z->ntimes - 1] && z->has_rule)
        return rule_lookup(&z->rule, t);
    size_t lo = 0, hi = z->ntimes; /* times[lo] <= t < times[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->times[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return &z->types[z->which[lo]];
}

const char *tz_name(const struct tz *z)
{
    return z->name;
}

void tz_lookup(const struct tz *z, int64_t t, struct tz_info *out)
{
    *out = *lookup(z, t);
}

int32_t tz_offset_at(const struct tz *z, int64_t t)
{
    return lookup(z, t)->offset;
}

struct datetime tz_to_local(const struct tz *z, int64_t t)
{
    return date_from_seconds(t + tz_offset_at(z, t));
}

static int same_info(const struct tz_info *a, const struct tz_info *b)
{
    return a->offset == b->offset && a->is_dst == b->is_dst && strcmp(a->abbr, b->abbr) == 0;
}

struct instants {
    int64_t *v;
    size_t len, cap;
};

static void instants_push(struct instants *in, int64_t t)
{
    XALLOC_GROW(in->v, in->len + 1, in->cap);
    in->v[in->len++] = t;
}

static int cmp_instant(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

size_t tz_transitions(const struct tz *z, int64_t from, int64_t to, struct tz_transition **out)
{
    struct instants in = {NULL, 0, 0};
    for (size_t i = 0; i < z->ntimes; i++)
        if (z->times[i] >= from && z->times[i] < to)
            instants_push(&in, z->times[i]);
    if (z->has_rule && z->rule.has_dst && from < to) {
        const struct rule *r = &z->rule;
        int64_t after = z->ntimes ? z->times[z->ntimes - 1] : INT64_MIN;
        int first = date_from_seconds(from > after ? from : after).date.year - 1;
        int last = date_from_seconds(to).date.year + 1;
        /* A range beyond any calendar anyone reads would only burn time. */
        if (last - first > 20000)
            first = last - 20000;
        for (int y = first; y <= last; y++) {
            int64_t s = rule_instant(&r->start, y, r->std.offset);
            int64_t e = rule_instant(&r->end, y, r->dst.offset);
            if (s > after && s >= from && s < to)
                instants_push(&in, s);
            if (e > after && e >= from && e < to)
                instants_push(&in, e);
            /* rule_lookup reads each year on its own: when a rule's two days swap order from
             * one year to the next (both in one month, say), the state changes at New Year. */
            int64_t ny = date_to_days((struct date){y, 1, 1}) * 86400 - r->std.offset;
            if (ny > after && ny >= from && ny < to)
                instants_push(&in, ny);
        }
    }
    if (in.len > 1)
        qsort(in.v, in.len, sizeof *in.v, cmp_instant);
    struct tz_transition *list = in.len ? xmalloc(in.len * sizeof *list) : NULL;
    size_t n = 0;
    for (size_t i = 0; i < in.len; i++) {
        int64_t t = in.v[i];
        if (i > 0 && t == in.v[i - 1])
            continue;
        struct tz_transition tr = {t, *lookup(z, t == INT64_MIN ? t : t - 1), *lookup(z, t)};
        if (!same_info(&tr.before, &tr.after))
            list[n++] = tr;
    }
    free(in.v);
    *out = list;
    return n;
}

int64_t tz_to_utc(const struct tz *z, struct datetime local, enum tz_fold *fold)
{
    int64_t wall = date_to_seconds(local);
    /* Offsets stay within a day or so, so every instant that could show this wall time lies
     * in this window. */
    int64_t from = wall - 2 * 86400, to = wall + 2 * 86400;
    struct tz_transition *tr;
    size_t n = tz_transitions(z, from, to, &tr);
    /* Segment k runs from tr[k-1].at (or the window's start) to tr[k].at with one offset. */
    int found = 0;
    int64_t result = 0;
    for (size_t k = 0; k <= n; k++) {
        int32_t off = k == 0 ? tz_offset_at(z, from) : tr[k - 1].after.offset;
        int64_t t = wall - off;
        if ((k == 0 || t >= tr[k - 1].at) && (k == n || t < tr[k].at)) {
            if (!found)
                result = t;
            found++;
        }
    }
    enum tz_fold f = found > 1 ? TZ_AMBIGUOUS : TZ_UNIQUE;
    if (!found) {
        f = TZ_GAP;
        result = wall - tz_offset_at(z, wall);
        for (size_t k = 0; k < n; k++) {
            if (wall - tr[k].before.offset >= tr[k].at && wall - tr[k].after.offset < tr[k].at) {
                result = wall - tr[k].before.offset;
                break;
            }
        }
    }
    free(tr);
    if (fold)
        *fold = f;
    return result;
}

int tz_parse_now(int64_t *out, const struct tz *z, const char *s, size_t len, struct date_why *why)
{
    struct date_moment m;
    if (date_parse_moment(&m, s, len, why) != 0)
        return -1;
    *out = m.is_epoch ? m.epoch : tz_to_utc(z, m.local, NULL);
    return 0;
}

void tz_format_rfc3339(struct buf *out, const struct tz *z, int64_t t)
{
    int32_t off = tz_offset_at(z, t);
    if (off % 60 != 0)
        date_format_rfc3339_utc(out, t);
    else
        date_format_rfc3339(out, date_from_seconds(t + off), off);
}

/* ---- TZif ---- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct header {
    int version; /* 1, 2, 3, 4... */
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static int read_header(const unsigned char *p, size_t len, struct header *h)
{
    if (len < 44 || memcmp(p, "TZif", 4) != 0)
        return -1;
    h->version = p[4] == 0 ? 1 : p[4] - '0';
    if (h->version < 1)
        return -1;
    h->isutcnt = be32(p + 20);
    h->isstdcnt = be32(p + 24);
    h->leapcnt = be32(p + 28);
    h->timecnt = be32(p + 32);
    h->typecnt = be32(p + 36);
    h->charcnt = be32(p + 40);
    return 0;
}

static uint64_t block_size(const struct header *h, unsigned timesize)
{
    return (uint64_t)h->timecnt * (timesize + 1) + (uint64_t)h->typecnt * 6 + h->charcnt +
           (uint64_t)h->leapcnt * (timesize + 4) + h->isstdcnt + h->isutcnt;
}

static struct tz *bad_file(struct diag *d, const char *path, struct tz *z, const char *what)
{
    diag_io_error(d, path,
                  _("not a valid time zone file (%s); reinstalling the Debian package tzdata "
                    "should repair it"),
                  what);
    tz_free(z);
    return NULL;
}

struct tz *tz_from_tzif(struct diag *d, const char *name, const void *data, size_t len,
                        const char *path)
{
    const unsigned char *p = data;
    struct header h;
    if (read_header(p, len, &h) != 0)
        return bad_file(d, path, NULL, _("it does not start like one"));
    unsigned timesize = 4;
    if (h.version >= 2) {
        uint64_t skip = 44 + block_size(&h, 4);
        if (skip > len || read_header(p + skip, len - skip, &h) != 0)
            return bad_file(d, path, NULL, _("its 64-bit part is missing"));
        p += skip;
        len -= skip;
        timesize = 8;
    }
    if (h.typecnt == 0 || h.typecnt > 256 || h.charcnt == 0 ||
        (h.isutcnt && h.isutcnt != h.typecnt) || (h.isstdcnt && h.isstdcnt != h.typecnt))
        return bad_file(d, path, NULL, _("its counts do not agree"));
    if (h.leapcnt)
        return bad_file(d, path, NULL, _("it counts leap seconds"));
    if (44 + block_size(&h, timesize) > len)
        return bad_file(d, path, NULL, _("it is cut short"));

    struct tz *z = xcalloc(1, sizeof *z);
    z->name = xstrdup(name);
    const unsigned char *times = p + 44;
    const unsigned char *idx = times + (size_t)h.timecnt * timesize;
    const unsigned char *types = idx + h.timecnt;
    const unsigned char *chars = types + (size_t)h.typecnt * 6;
    const unsigned char *end = chars + h.charcnt + (size_t)h.isstdcnt + h.isutcnt;

    z->ntimes = h.timecnt;
    z->times = xmalloc((h.timecnt ? h.timecnt : 1) * sizeof *z->times);
    z->which = xmalloc(h.timecnt ? h.timecnt : 1);
    for (size_t i = 0; i < h.timecnt; i++) {
        z->times[i] = timesize == 8 ? be64(times + 8 * i) : (int32_t)be32(times + 4 * i);
        z->which[i] = idx[i];
        if (idx[i] >= h.typecnt)
            return bad_file(d, path, z, _("a change names a missing type"));
        if (i > 0 && z->times[i] <= z->times[i - 1])
            return bad_file(d, path, z, _("its changes are out of order"));
    }
    z->ntypes = h.typecnt;
    z->types = xcalloc(h.typecnt, sizeof *z->types);
    for (size_t i = 0; i < h.typecnt; i++) {
        const unsigned char *t = types + 6 * i;
        int32_t off = (int32_t)be32(t);
        if (off < -89999 || off > 93599 || t[4] > 1 || t[5] >= h.charcnt)
            return bad_file(d, path, z, _("a local time type is out of range"));
        z->types[i].offset = off;
        z->types[i].is_dst = t[4];
        /* Abbreviations go into calendars and pages: keep only the characters zones use. */
        size_t n = 0;
        for (size_t c = t[5]; c < h.charcnt && chars[c] && n < 15; c++)
            if (isalnum(chars[c]) || chars[c] == '+' || chars[c] == '-')
                z->types[i].abbr[n++] = (char)chars[c];
    }

    if (timesize == 8) {
        size_t rest = len - (size_t)(end - (const unsigned char *)p);
        if (rest == 0 || end[0] != '\n')
            return bad_file(d, path, z, _("its footer is missing"));
        const unsigned char *nl = memchr(end + 1, '\n', rest - 1);
        if (!nl)
            return bad_file(d, path, z, _("its footer is not finished"));
        size_t flen = (size_t)(nl - end - 1);
        if (flen > 0) {
            if (rule_parse(&z->rule, (const char *)end + 1, flen) != 0)
                return bad_file(d, path, z, _("its rule for future times cannot be read"));
            z->has_rule = 1;
        }
    }
    return z;
}

struct tz *tz_from_posix(struct diag *d, const char *rule, const char *file, unsigned line,
                         unsigned col)
{
    struct rule r;
    if (rule_parse(&r, rule, strlen(rule)) != 0) {
        diag_error(d, file, line, col,
                   _("'%s' is not a time zone rule (expected a rule like JST-9 or "
                     "CET-1CEST,M3.5.0,M10.5.0/3)"),
                   rule);
        return NULL;
    }
    struct tz *z = xcalloc(1, sizeof *z);
    z->name = xstrdup(rule);
    z->ntypes = 1;
    z->types = xcalloc(1, sizeof *z->types);
    z->types[0] = r.std;
    z->has_rule = 1;
    z->rule = r;
    return z;
}

void tz_free(struct tz *z)
{
    if (!z)
        return;
    free(z->name);
    free(z->times);
    free(z->which);
    free(z->types);
    free(z);
}

/* ---- loading by name ---- */

/* Zone names use letters, digits, '_', '-', '+' and '/' between non-empty parts; refusing
 * everything else also refuses "..", hidden files and absolute paths. */
static int name_is_plausible(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 100 || name[0] == '/' || name[n - 1] == '/' || strstr(name, "//"))
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!(isalnum(c) || c == '_' || c == '-' || c == '+' || c == '/'))
            return 0;
    }
    /* Variants that count leap seconds would put every time off by half a minute. */
    return strncmp(name, "right/", 6) != 0;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Case-blind edit distance, for suggesting a zone; names are short. */
static int distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    int row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int best = diag + (lower(a[i - 1]) != lower(b[j - 1]));
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static const char *last_part(const char *name)
{
    const char *slash = strrchr(name, '/');
    return slash ? slash + 1 : name;
}

struct suggestion {
    const char *want;
    char *best;
    int score;
};

static void consider(struct suggestion *s, const char *zone)
{
    int full = distance(s->want, zone);
    int part = distance(last_part(s->want), last_part(zone));
    int score = full < part ? full : part;
    int limit = (int)strlen(last_part(s->want)) / 3;
    if (score > (limit < 2 ? limit : 2))
        return;
    /* Prefer the closest; then Region/City names over old aliases like "Japan"; then order. */
    if (s->best) {
        int region = strchr(zone, '/') != NULL, best_region = strchr(s->best, '/') != NULL;
        int better = score != s->score       ? score < s->score
                     : region != best_region ? region
                                             : strcmp(zone, s->best) < 0;
        if (!better)
            return;
        free(s->best);
    }
    s->best = xstrdup(zone);
    s->score = score;
}

static void walk(const char *root, const char *rel, int depth, struct suggestion *s)
{
    char *dir = *rel ? xasprintf("%s/%s", root, rel) : xstrdup(root);
    DIR *dp = opendir(dir);
    if (!dp) {
        free(dir);
        return;
    }
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        const char *n = e->d_name;
        int top_level_extra =
            depth == 0 && (!strcmp(n, "posix") || !strcmp(n, "right") || !strcmp(n, "posixrules") ||
                           !strcmp(n, "localtime") || !strcmp(n, "Factory"));
        if (n[0] == '.' || strchr(n, '.') || top_level_extra)
            continue;
        char *child = *rel ? xasprintf("%s/%s", rel, n) : xstrdup(n);
        char *full = xasprintf("%s/%s", root, child);
        struct stat st;
        if (stat(full, &st) == 0) {
            if (S_ISDIR(st.st_mode) && depth < 3)
                walk(root, child, depth + 1, s);
            else if (S_ISREG(st.st_mode))
                consider(s, child);
        }
        free(full);
        free(child);
    }
    closedir(dp);
    free(dir);
}

static void report_unknown(struct diag *d, const char *dir, const char *name, const char *file,
                           unsigned line, unsigned col)
{
    /* The name goes into a one-line message: cut it short and hide control characters. */
    char shown[64];
    size_t n = 0;
    for (size_t i = 0; name[i] && n < sizeof shown - 1; i++)
        shown[n++] = (unsigned char)name[i] < 0x20 || name[i] == 0x7f ? '?' : name[i];
    shown[n] = '\0';

    int upper = n >= 2 && n <= 5;
    for (size_t i = 0; i < n; i++)
        upper &= shown[i] >= 'A' && shown[i] <= 'Z';
    if (name[0] == '+' || name[0] == '-' || (name[0] >= '0' && name[0] <= '9')) {
        diag_error(d, file, line, col,
                   _("'%s' is not a known time zone (write a zone name like Asia/Tokyo, not an "
                     "offset)"),
                   shown);
        return;
    }
    if (upper) {
        /* JST, CET...: abbreviations, not the zone names tzdata files are called by. */
        diag_error(d, file, line, col,
                   _("'%s' is not a known time zone (write a zone name like Asia/Tokyo, not an "
                     "abbreviation)"),
                   shown);
        return;
    }
    struct suggestion s = {name, NULL, 0};
    if (strlen(name) <= 64)
        walk(dir, "", 0, &s);
    if (s.best)
        diag_error(d, file, line, col, _("'%s' is not a known time zone (did you mean %s?)"), shown,
                   s.best);
    else
        diag_error(d, file, line, col, _("'%s' is not a known time zone (for example Asia/Tokyo)"),
                   shown);
    free(s.best);
}

struct tz *tz_load_dir(struct diag *d, const char *dir, const char *name, const char *file,
                       unsigned line, unsigned col)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        diag_error(d, file, line, col,
                   _("time zones are not installed on this computer (%s is missing; install the "
                     "Debian package tzdata), so '%s' cannot be used"),
                   dir, name);
        return NULL;
    }
    if (!name_is_plausible(name)) {
        report_unknown(d, dir, name, file, line, col);
        return NULL;
    }
    char *path = xasprintf("%s/%s", dir, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        if (fd < 0 && err != ENOENT && err != ENOTDIR)
            diag_errno(d, path, err, _("cannot be read"));
        else if (fd >= 0 && S_ISDIR(st.st_mode))
            diag_error(d, file, line, col,
                       _("'%s' is a region, not a time zone (write Region/City, like Asia/Tokyo)"),
                       name);
        else
            report_unknown(d, dir, name, file, line, col);
        free(path);
        return NULL;
    }
    if (st.st_size > MAX_TZIF) {
        close(fd);
        struct tz *none = bad_file(d, path, NULL, _("it is far too large"));
        free(path);
        return none;
    }
    size_t size = (size_t)st.st_size, got = 0;
    unsigned char *data = xmalloc(size ? size : 1);
    while (got < size) {
        ssize_t r = read(fd, data + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    int err = errno;
    close(fd);
    struct tz *z = NULL;
    if (got < size)
        diag_io_error(d, path, _("cannot be read: %s"), got ? "it is cut short" : strerror(err));
    else
        z = tz_from_tzif(d, name, data, size, path);
    free(data);
    free(path);
    return z;
}

struct tz *tz_load(struct diag *d, const char *name, const char *file, unsigned line, unsigned col)
{
    return tz_load_dir(d, ZONEINFO, name, file, line, col);
}
