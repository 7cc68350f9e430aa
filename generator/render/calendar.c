#include "render/calendar.h"

#include <stdlib.h>

#include "core/buf.h"
#include "core/xalloc.h"
#include "render/data.h"
#include "render/i18n.h"

/* A month's label for headings and links (令和3年2月（2021年2月）): the text, and its HTML in
 * *html (a new string too). A new string; the caller frees both. */
static char *month_title(const struct view *v, int year, int month, char **html)
{
    const struct i18n *words = view_words(v);
    struct buf t, h, b, bh;
    buf_init(&t);
    buf_init(&h);
    buf_init(&b);
    buf_init(&bh);
    i18n_month(words, year, month, &t, &h);
    char y[8], m[4];
    snprintf(y, sizeof y, "%d", year);
    snprintf(m, sizeof m, "%d", month);
    struct i18n_arg args[] = {
        {"month_text", t.data ? t.data : "", h.data}, {"year", y, NULL}, {"month", m, NULL}};
    i18n_format(words, "calendar.title", args, 3, &b, &bh);
    buf_release(&t);
    buf_release(&h);
    *html = buf_detach(&bh, NULL);
    return buf_detach(&b, NULL);
}

/* events/2021/02/ in the view's language. A new string. */
static char *month_url(const struct view *v, int m)
{
    return xasprintf("%sevents/%04d/%02d/", view_language(v)->prefix, m / 12, m % 12 + 1);
}

static int month_index(int year, int month)
{
    return year * 12 + month - 1;
}

/* A session in a calendar month, with its event. */
struct month_session {
    const struct entry *e;
    const struct body *b;
    const struct session *ss;
    int moved; /* ss is the new date of a postponed event */
};

/* The sessions of events (in the site's order) that touch the month from first to last;
 * returns how many, in a new array *out the caller frees. */
static size_t month_sessions(const struct view *v, struct date first, struct date last,
                             struct month_session **out)
{
    const struct site *s = view_site(v);
    size_t n = 0, cap = 0;
    *out = NULL;
    for (size_t i = 0; i < s->n_kind[KIND_EVENT]; i++) {
        const struct entry *e = s->kind[KIND_EVENT][i];
        for (size_t k = 0; k <= e->n_sessions; k++) {
            const struct session *ss = k < e->n_sessions ? &e->sessions[k] : &e->postponed;
            if (k == e->n_sessions && !e->has_postponed)
                break;
            if (date_compare(ss->start.date, last) > 0 || date_compare(ss->end.date, first) < 0)
                continue;
            XALLOC_GROW(*out, n + 1, cap);
            (*out)[n++] = (struct month_session){e, view_body(v, e), ss, k == e->n_sessions};
        }
    }
    return n;
}

static json_t *day_events(const struct view *v, struct date day, const struct month_session *m,
                          size_t n)
{
    const struct site *s = view_site(v);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct entry *e = m[i].e;
        const struct body *b = m[i].b;
        const struct session *ss = m[i].ss;
        if (date_compare(ss->start.date, day) > 0 || date_compare(ss->end.date, day) < 0)
            continue;
        json_t *o = json_object();
        data_set_str(o, "title", body_title(b, e));
        data_set_str(o, "url", e->url);
        data_set_str(o, "label", m[i].moved ? view_moved_label(v) : ss->label);
        if (e->lang && e->lang != view_language(v)) {
            json_t *f = json_object();
            data_set_str(f, "code", e->lang->code);
            json_object_set_new(o, "foreign", f);
        }
        if (m[i].moved) {
            json_object_set_new(o, "moved", json_true());
        } else if (e->status != EVENT_SCHEDULED) {
            json_object_set_new(o, "status", view_status(v, e));
        }
        struct buf t;
        buf_init(&t);
        if (date_compare(ss->start.date, day) == 0 && !ss->all_day)
            date_format_time(&t, ss->start);
        data_set_buf(o, "time", &t);
        buf_release(&t);
        json_object_set_new(o, "past", json_boolean(site_event_is_past(s, e)));
        json_object_set_new(o, "draft", json_boolean(e->draft));
        json_array_append_new(list, o);
    }
    return list;
}

/* One page per month from the first event (or the build's month, whichever is earlier) to the
 * last (or the build's month), so the events list can always link to "this month". */
void calendar_plan(struct pages *ps)
{
    /* Every language has the months of the site's own: its switch leads to the same month. */
    const struct site *s = view_site(ps->view);
    if (s->base)
        s = s->base;
    int first = month_index(s->now.date.year, s->now.date.month), last = first;
    for (size_t i = 0; i < s->n_kind[KIND_EVENT]; i++) {
        const struct entry *e = s->kind[KIND_EVENT][i];
        for (size_t k = 0; k < e->n_sessions + (size_t)e->has_postponed; k++) {
            const struct session *ss = k < e->n_sessions ? &e->sessions[k] : &e->postponed;
            int a = month_index(ss->start.date.year, ss->start.date.month);
            int z = month_index(ss->end.date.year, ss->end.date.month);
            first = a < first ? a : first;
            last = z > last ? z : last;
        }
    }
    ps->first_month = first;
    ps->last_month = last;
    for (int m = first; m <= last; m++) {
        struct page *p = page_new(ps, "calendar");
        p->month = m;
        p->url = month_url(ps->view, m);
        p->out = xasprintf("%sindex.html", p->url);
        p->root = view_root_of(ps->view, p->url); /* made before the workers start */
    }
}

/* Sets up the calendar page of month m (year * 12 + month - 1). */
void calendar_page(struct pages *ps, int m)
{
    const struct view *v = ps->view;
    const struct site *s = view_site(v);
    int first = ps->first_month, last = ps->last_month;
    enum date_week_start start = s->cfg->week_starts_monday ? DATE_WEEK_MONDAY : DATE_WEEK_SUNDAY;
    int year = m / 12, month = m % 12 + 1;
    struct date_month_grid g;
    date_month_grid(&g, year, month, start);
    char *url = month_url(v, m);
    char *title_html;
    char *title = month_title(v, year, month, &title_html);
    struct i18n_arg targ = {"title", title, NULL};
    char *page_title = i18n_text(view_words(v), "calendar.page_title", &targ, 1);
    json_t *ctx = page_add(ps, "calendar", url, "calendar", page_title, NULL, NULL);
    json_t *cal = json_object();
    data_set_str(cal, "title", title);
    data_set_str(cal, "title_html", title_html);
    json_object_set_new(cal, "year", json_integer(year));
    json_object_set_new(cal, "month", json_integer(month));
    json_t *weekdays = json_array();
    for (int c = 0; c < 7; c++) {
        json_t *w = json_object();
        data_set_str(w, "name", i18n_weekday(view_words(v), g.weekday[c]));
        data_set_str(w, "key", date_weekday_key(g.weekday[c]));
        json_array_append_new(weekdays, w);
    }
    json_object_set_new(cal, "weekdays", weekdays);
    struct month_session *sessions;
    size_t n_sessions =
        month_sessions(v, (struct date){year, month, 1},
                       (struct date){year, month, date_days_in_month(year, month)}, &sessions);
    for (size_t i = 0; i < n_sessions; i++) /* their titles, states and labels */
        page_reads(ps, site_index_of(s, sessions[i].e));
    json_t *weeks = json_array(), *flat = json_array();
    for (int row = 0; row < g.rows; row++) {
        json_t *days = json_array();
        for (int c = 0; c < 7; c++) {
            json_t *d = json_object();
            if (g.day[row][c]) {
                struct date day = {year, month, g.day[row][c]};
                json_object_set_new(d, "day", json_integer(g.day[row][c]));
                data_set_str(d, "weekday", date_weekday_key(g.weekday[c]));
                json_object_set_new(d, "today", json_boolean(date_compare(day, s->now.date) == 0));
                json_t *evs = day_events(v, day, sessions, n_sessions);
                if (json_array_size(evs)) {
                    json_t *entry = json_object();
                    struct buf b, h;
                    buf_init(&b);
                    buf_init(&h);
                    i18n_date(view_words(v), day, DATE_WEEKDAY | DATE_NO_YEAR, &b, &h);
                    data_set_buf(entry, "date", &b);
                    data_set_buf(entry, "date_html", &h);
                    buf_release(&b);
                    buf_release(&h);
                    json_object_set(entry, "events", evs);
                    json_array_append_new(flat, entry);
                }
                json_object_set_new(d, "events", evs);
            } else {
                json_object_set_new(d, "blank", json_true());
            }
            json_array_append_new(days, d);
        }
        json_t *week = json_object();
        json_object_set_new(week, "days", days);
        json_array_append_new(weeks, week);
    }
    json_object_set_new(cal, "weeks", weeks);
    json_object_set_new(cal, "days_with_events", flat);
    for (int side = 0; side < 2; side++) {
        int other = side ? m + 1 : m - 1;
        if (other < first || other > last)
            continue;
        json_t *o = json_object();
        char *ou = month_url(v, other);
        char *oh;
        char *ot = month_title(v, other / 12, other % 12 + 1, &oh);
        data_set_str(o, "url", ou);
        data_set_str(o, "title", ot);
        free(ou);
        free(ot);
        free(oh);
        json_object_set_new(cal, side ? "next" : "prev", o);
    }
    json_object_set_new(ctx, "calendar", cal);
    char *crumb = i18n_text(view_words(v), "crumbs.events", NULL, 0);
    json_object_set_new(ctx, "breadcrumbs", page_crumbs(ps, crumb, "events/"));
    free(crumb);
    free(sessions);
    free(url);
    free(title);
    free(title_html);
    free(page_title);
}
