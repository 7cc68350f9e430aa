#include "print/print.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/fingerprint.h"
#include "core/fs.h"
#include "core/hash.h"
#include "core/intl.h"
#include "markup/markdown.h"
#include "markup/plot.h"
#include "media/qr.h"
#include "core/strv.h"
#include "core/xalloc.h"
#include "render/data.h"
#include "render/i18n.h"
#include "print/xhtml.h"

/* Margins leave room for the running head above and the page number below. Horizontal text
 * sets two columns on A4 and B5 (about 26 and 22 characters of 9 pt to a line) and one on A5;
 * vertical text, as Japanese magazines set it, four tiers (段) on A4, three on B5 and two on A5,
 * each about 18 to 26 characters high. */
/* Room beside a chart in a tier of vertical text for its title (three lines of 9.5 pt) and
 * its margins. */
#define CHART_TITLE_MM 20.0
#define PX_PER_MM (96 / 25.4)

static const struct print_format formats[] = {
    {"A4", 210, 297, 22, 24, 20, 18, 2, 4, 6},
    {"B5", 182, 257, 20, 22, 18, 16, 2, 3, 5},
    {"A5", 148, 210, 16, 19, 15, 13, 1, 2, 5},
};

const struct print_format *print_format(const char *name)
{
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
        if (name && strcmp(formats[i].name, name) == 0)
            return &formats[i];
    return &formats[0];
}

void print_grid(struct print_grid *out, const struct print_format *f, const char *writing)
{
    memset(out, 0, sizeof *out);
    out->vertical = writing && strcmp(writing, "vertical") == 0;
    out->columns = out->vertical ? f->tiers : f->columns;
    out->text_width = f->width - f->inner - f->outer;
    out->text_height = f->height - f->top - f->bottom;
    out->gap = f->gap;
    double across = out->vertical ? out->text_height : out->text_width;
    out->measure = (across - out->gap * (out->columns - 1)) / out->columns;
    out->picture = out->columns > 1 ? out->measure : out->measure * 2 / 3;
    out->picture_height = out->picture * 0.6;
    out->chart_width = out->text_width - CHART_TITLE_MM;
}

/* One build's print edition: the view it reads and where it writes. */
struct printer {
    struct view *v;
    const struct site *site;
    const struct print_options *opt;
    struct view_root *root; /* the data at the root "" */
    struct print_grid grid;
    /* The edition's writing and binding: site.yaml's for the site's language; an edition in
     * another language is a leaflet set horizontally, whatever the magazine is. */
    const char *writing, *binding;
    /* In vertical text, the tier a chart is drawn for, in CSS pixels: a tier's height, and
     * grid.chart_width (its title is a vertical line of its own beside it). */
    struct plot_tier chart_tier;
};

/* Where the document of an issue goes: print/5/5.xhtml, en/print/5/5.xhtml. A new string. */
static char *print_path(const struct printer *pr, const struct entry *issue)
{
    char *rel = site_print_path(issue);
    char *path = xasprintf("%s%s", view_language(pr->v)->prefix, rel);
    free(rel);
    return path;
}

/* The name a file about an issue has among those of every language (5, en-5). A new string. */
static char *issue_name(const struct printer *pr, const struct entry *issue)
{
    const struct language *l = view_language(pr->v);
    return l->key ? xasprintf("%s-%s", l->key, issue->slug) : xstrdup(issue->slug);
}

/* One Markdown document converted for one issue's print file: the issue's own text, an entry
 * of it, or the back page. */
struct piece {
    const struct printer *pr;
    const struct entry *e;
    size_t index;         /* of e in site->all */
    char *id;             /* "activity-salon": the piece's id in the document */
    char *xhtml;          /* the body */
    struct strv pictures; /* pairs: file name under img/, then its cached file */
    struct strv charts;   /* pairs: file name under img/, then the SVG document */
    int feature;          /* the issue's first article (特集): its photo spans the columns */
    const char *brk;      /* where it starts: "page", "spread", "right", or NULL to run on */
    int brk_general;      /* brk is print.entry_break's, not asked for by the entry or issue */
    int has_photo;        /* the entry's image:, placed at a column's width or across all */
    struct media_print photo;
    double photo_mm; /* its placed width */
    int wants_qr;    /* an article: a QR code of its web page beside it */
    char *qr;        /* that code as SVG */
    int failed;
};

static void add_picture(struct piece *p, const struct media_print *mp)
{
    for (size_t i = 0; i < p->pictures.len; i += 2)
        if (strcmp(p->pictures.v[i], mp->name) == 0)
            return;
    strv_push(&p->pictures, mp->name);
    strv_push(&p->pictures, mp->cache_path);
}

/* The folder of an entry's file, which its picture paths are relative to; a new string. */
static char *entry_dir(const struct entry *e)
{
    const char *slash = strrchr(e->source, '/');
    return slash ? xstrndup(e->source, (size_t)(slash - e->source)) : xstrdup(".");
}

/* On paper a link cannot be followed: links to entries become the web site's full address. */
static char *print_link(const char *target, unsigned line, unsigned col, void *userdata)
{
    struct piece *p = userdata;
    const struct entry *to;
    char *rel;
    if (!site_link_entry(p->pr->site, p->e, target, &to, &rel))
        return NULL;
    free(rel);
    if (!to)
        return NULL; /* reported when the site's pages were made */
    const char *hash = strchr(target, '#');
    return xasprintf("%s%s%s", p->pr->site->cfg->base_url, to->url, hash ? hash : "");
}

/* The width a picture is printed at. Horizontal text: a column's width, or less for a picture
 * that would be higher than grid.picture_height (a photo of 4:3 is 0.8 of the width); a picture
 * that spans the columns as wide as its pixels allow at the print dpi, from a column's width up
 * to the text block's. Vertical text: a picture stands in one tier, as tall as the tier, so its
 * width follows its shape (never wider than the text block). */
static double placed_width(const struct printer *pr, const struct media_image *im, int span)
{
    const struct print_grid *g = &pr->grid;
    if (g->vertical) {
        double w = im->src_height > 0 ? g->measure * im->src_width / im->src_height : g->measure;
        return w < g->text_width ? w : g->text_width;
    }
    if (!span) {
        double w = im->src_height > 0 ? g->picture_height * im->src_width / im->src_height
                                      : g->picture;
        return w < g->picture ? w : g->picture;
    }
    double w = im->src_width * 25.4 / view_theme(pr->v)->images.print_dpi;
    return w < g->picture ? g->picture : w > g->text_width ? g->text_width : w;
}

/* Makes the print file of picture src, named in entry e, for its place. */
static int place_picture(const struct printer *pr, const struct entry *e, const char *src,
                         unsigned line, unsigned col, int span, struct media_print *out,
                         double *placed_mm)
{
    char *dir = entry_dir(e);
    struct media_image im = {0};
    /* The picture's shape decides its width; the bodies' conversion already made its web
     * sizes, so this is a look-up. */
    int rc = media_use(pr->opt->media, e->source, dir, src, line, col, &im);
    double mm = placed_width(pr, &im, span);
    if (placed_mm)
        *placed_mm = mm;
    if (rc == 0)
        rc = media_print(pr->opt->media, e->source, dir, src, line, col, mm, out);
    free(dir);
    return rc;
}

static int print_image(const char *src, unsigned line, unsigned col, struct markdown_image *out,
                       void *userdata)
{
    struct piece *p = userdata;
    struct media_print mp;
    int rc = place_picture(p->pr, p->e, src, line, col, 0, &mp, NULL);
    if (rc != 0) {
        p->failed = 1;
        return -1;
    }
    add_picture(p, &mp);
    out->src = xasprintf("img/%s", mp.name);
    out->width = mp.width;
    out->height = mp.height;
    return 0;
}

/* A chart goes beside the document as an SVG file, named for its content: XHTML 1.1 has no
 * SVG of its own, and an image keeps it vector graphics on paper. */
static char *print_chart(const char *svg, size_t len, void *userdata)
{
    struct piece *p = userdata;
    char hex[33];
    hash_hex(hash_bytes(svg, len), hex);
    char *name = xasprintf("chart-%.16s.svg", hex);
    if (!strv_contains(&p->charts, name)) {
        strv_push(&p->charts, name);
        strv_push_owned(&p->charts, xstrndup(svg, len));
    }
    char *src = xasprintf("img/%s", name);
    free(name);
    return src;
}

static void piece_convert(size_t i, void *userdata)
{
    struct piece *p = ((struct piece **)userdata)[i];
    const struct printer *pr = p->pr;
    const struct entry *e = p->e;
    /* The text was checked when the site's pages were made: its messages are not repeated. */
    struct buf text;
    buf_init(&text);
    const char *markdown;
    if (entry_read_body(pr->opt->d, e, &text, &markdown) != 0) {
        buf_release(&text);
        p->failed = 1;
        return;
    }
    struct diag quiet;
    diag_init(&quiet);
    struct markdown_hooks hooks = {.link = print_link,
                                   .image = print_image,
                                   .chart = print_chart,
                                   .userdata = p,
                                   .chart_tier = pr->grid.vertical ? &pr->chart_tier : NULL};
    struct dom *dom =
        markdown_parse(&quiet, e->source, e->body_line, markdown, e->body_len, &hooks);
    buf_release(&text);
    char *prefix = xasprintf("%s.", p->id);
    p->xhtml = dom_xhtml_print(dom, prefix, strcmp(pr->writing, "vertical") == 0);
    free(prefix);
    dom_free(dom);
    diag_release(&quiet);

    if (p->wants_qr) {
        char *permalink = view_permalink(pr->v, e->url);
        p->qr = qr_svg(permalink);
        if (!p->qr) {
            diag_error(pr->opt->d, e->source, 0, 0,
                       _("the address of this entry's page, %s, is too long for a QR code in "
                         "print; give the entry a shorter slug"),
                       permalink);
            p->failed = 1;
        }
        free(permalink);
    }
    if (e->image && e->kind != KIND_ISSUE) {
        if (place_picture(pr, e, e->image, e->image_pos.line, e->image_pos.col, p->feature,
                          &p->photo, &p->photo_mm) == 0) {
            p->has_photo = 1;
            add_picture(p, &p->photo);
        } else {
            p->failed = 1;
        }
    }
}

static void piece_release(struct piece *p)
{
    free(p->qr);
    free(p->id);
    free(p->xhtml);
    strv_release(&p->pictures);
    strv_release(&p->charts);
}

/* ---- The document's data ------------------------------------------------------------------ */

static void set_mm(json_t *o, const char *key, double mm)
{
    char text[32];
    snprintf(text, sizeof text, "%gmm", mm);
    json_object_set_new(o, key, json_string(text));
}

/* Pages a binding needs the page count to be a multiple of: a saddle-stitched booklet is
 * folded sheets of four pages; a perfect-bound book and a leaflet need whole leaves. */
static int page_multiple(const char *binding)
{
    return strcmp(binding, "saddle") == 0 ? 4 : 2;
}

static json_t *print_settings(const struct printer *pr)
{
    const struct print_config *pc = &pr->site->cfg->print;
    const struct print_format *f = print_format(pc->size);
    const struct print_grid *g = &pr->grid;
    json_t *o = json_object();
    data_set_str(o, "size", f->name);
    set_mm(o, "width", f->width);
    set_mm(o, "height", f->height);
    set_mm(o, "margin_top", f->top);
    set_mm(o, "margin_bottom", f->bottom);
    set_mm(o, "margin_inner", f->inner);
    set_mm(o, "margin_outer", f->outer);
    json_object_set_new(o, "columns", json_integer(g->columns));
    set_mm(o, "column_gap", g->gap);
    set_mm(o, "column_measure", g->measure);
    set_mm(o, "picture_width", g->picture);
    set_mm(o, "picture_height", g->picture_height);
    set_mm(o, "text_width", g->text_width);
    set_mm(o, "text_height", g->text_height);
    set_mm(o, "chart_width", g->chart_width);
    data_set_str(o, "bleed", pc->bleed);
    data_set_str(o, "marks", pc->marks);
    data_set_str(o, "writing", pr->writing);
    json_object_set_new(o, "vertical", json_boolean(g->vertical));
    data_set_str(o, "entry_break", pc->entry_break);
    data_set_str(o, "section_break", pc->section_break);
    data_set_str(o, "feature", pc->feature);
    data_set_str(o, "binding", pr->binding);
    int multiple = page_multiple(pr->binding);
    json_object_set_new(o, "page_multiple", json_integer(multiple));
    /* The blank pages a renderer may need before the back cover to reach the multiple; each
     * stays hidden until the renderer, having counted the pages, shows as many as are missing
     * (generator/print/print-pdf.sh). */
    json_t *extra = json_array();
    for (int i = 1; i < multiple; i++) {
        json_t *page = json_object();
        json_object_set_new(page, "n", json_integer(i));
        json_array_append_new(extra, page);
    }
    json_object_set_new(o, "extra_pages", extra);
    return o;
}

static json_t *picture_json(const struct media_print *mp, const char *alt)
{
    json_t *o = json_object();
    char *src = xasprintf("img/%s", mp->name);
    data_set_str(o, "src", src);
    free(src);
    data_set_str(o, "alt", alt ? alt : "");
    json_object_set_new(o, "width", json_integer(mp->width));
    json_object_set_new(o, "height", json_integer(mp->height));
    return o;
}

/* Where the body's first paragraph at the top level ends in xhtml (as dom_xhtml_print writes
 * it: elements, text and entities, no comments), or 0 when there is none. The print templates
 * place an article's photo there, so that its heading is followed by text, which may start at
 * the foot of a column, rather than by a picture that may not fit. */
static size_t first_paragraph_end(const char *xhtml)
{
    int depth = 0, in_p = 0;
    for (const char *s = xhtml; (s = strchr(s, '<')) != NULL;) {
        const char *end = strchr(s, '>');
        if (!end)
            return 0;
        if (s[1] == '/') {
            depth--;
            if (depth == 0 && in_p)
                return (size_t)(end + 1 - xhtml);
        } else if (end[-1] != '/') {
            if (depth == 0)
                in_p = s[1] == 'p' && (s[2] == '>' || s[2] == ' ');
            depth++;
        }
        s = end + 1;
    }
    return 0;
}

/* An entry as the print templates see it: the site's data for it, with the XHTML title and
 * body, its id in the document and its print picture. Returns a new object. */
static json_t *piece_json(const struct printer *pr, const struct piece *p)
{
    const struct entry *e = p->e;
    json_t *data = view_entry(pr->v, pr->root, p->index, NULL);
    json_t *o = json_copy(data);
    json_decref(data);
    char *title = body_title_xhtml(e);
    data_set_str(o, "title_html", title);
    free(title);
    data_set_str(o, "body_html", p->xhtml);
    size_t cut = first_paragraph_end(p->xhtml);
    char *opening = xstrndup(p->xhtml, cut);
    data_set_str(o, "body_opening_html", opening);
    free(opening);
    data_set_str(o, "body_rest_html", p->xhtml + cut);
    data_set_str(o, "print_id", p->id);
    char *permalink = view_permalink(pr->v, e->url);
    data_set_str(o, "permalink", permalink);
    free(permalink);
    char *is_kind = xasprintf("is_%s", entry_kind_name(e->kind));
    json_object_set_new(o, is_kind, json_true());
    free(is_kind);
    json_object_del(o, "image");
    json_object_del(o, "cover");
    if (p->has_photo) {
        const char *alt = json_string_value(json_object_get(e->fm, "image_alt"));
        json_t *photo = picture_json(&p->photo, alt ? alt : e->title);
        /* span is false rather than absent, which Mustache would look up further out. */
        int span = p->feature && !pr->grid.vertical;
        json_object_set_new(photo, "span", json_boolean(span));
        if (span)
            set_mm(photo, "placed_width", p->photo_mm);
        json_object_set_new(o, "image", photo);
    }
    /* false rather than absent: Mustache would find a section's print_break instead. */
    if (p->brk)
        data_set_str(o, "print_break", p->brk);
    else
        json_object_set_new(o, "print_break", json_false());
    json_object_set_new(o, "is_feature", json_boolean(p->feature));
    if (p->qr) {
        json_t *qr = json_object();
        char *src = xasprintf("qr/%s.svg", p->id);
        data_set_str(qr, "src", src);
        free(src);
        char *alt = i18n_text(view_words(pr->v), "print.qr_alt", NULL, 0);
        data_set_str(qr, "alt", alt);
        free(alt);
        json_object_set_new(o, "qr", qr);
    }
    return o;
}

/* "13:30〜16:00" for a session within one day, else the whole range. A new string. */
static json_t *schedule_row(const struct printer *pr, const json_t *event, const json_t *session)
{
    json_t *start = json_object_get(session, "start"), *end = json_object_get(session, "end");
    json_t *row = json_object();
    data_set_str(row, "date", json_string_value(json_object_get(start, "text")));
    data_set_str(row, "datetime", json_string_value(json_object_get(start, "datetime")));
    const char *day0 = json_string_value(json_object_get(start, "iso"));
    const char *day1 = json_string_value(json_object_get(end, "iso"));
    if (json_is_true(json_object_get(session, "all_day"))) {
        /* Whole days: the date column says it all for one day; a span needs its dates. */
        data_set_str(row, "time", day0 && day1 && strcmp(day0, day1) == 0
                                      ? "—"
                                      : json_string_value(json_object_get(session, "range")));
    } else if (day0 && day1 && strcmp(day0, day1) == 0) {
        const char *t0 = json_string_value(json_object_get(start, "time"));
        const char *t1 = json_string_value(json_object_get(end, "time"));
        struct i18n_arg args[] = {{"start", t0 ? t0 : "", NULL},
                                  {"end", t1 && t0 && strcmp(t0, t1) != 0 ? t1 : "", NULL}};
        char *time = i18n_text(view_words(pr->v), "print.time_range", args, 2);
        data_set_str(row, "time", time);
        free(time);
    } else {
        data_set_str(row, "time", json_string_value(json_object_get(session, "range")));
    }
    const json_t *venue = json_object_get(session, "venue");
    json_t *venues = json_object_get(event, "venues");
    for (size_t v = 0; !venue && v < json_array_size(venues); v++)
        if (json_is_true(json_object_get(json_array_get(venues, v), "is_main")))
            venue = json_array_get(venues, v);
    data_set_str(row, "venue", json_string_value(json_object_get(venue, "name")));
    data_set_str(row, "what", json_string_value(json_object_get(event, "title")));
    data_set_str(row, "label", json_string_value(json_object_get(session, "label")));
    data_set_str(row, "print_id", json_string_value(json_object_get(event, "print_id")));
    json_t *status = json_object_get(event, "status");
    if (status)
        json_object_set(row, "status", status);
    return row;
}

/* ---- One issue ----------------------------------------------------------------------------- */

struct issue_doc {
    const struct entry *issue;
    struct piece *intro;   /* the issue's own text */
    struct piece *entries; /* in print order */
    size_t n_entries;
    struct piece *back; /* the back page, or NULL */
    int has_cover;
    struct media_print cover;
    long long pdf_bytes; /* the size of its PDF, published beside it, or 0 */
    struct hash key;     /* what it is made from (render/deps) */
    int kept;            /* made from what the last build's was: its files are kept */
};

static void piece_init(struct piece *p, const struct printer *pr, const struct entry *e)
{
    memset(p, 0, sizeof *p);
    p->pr = pr;
    p->e = e;
    p->index = site_index_of(pr->site, e);
    p->id = xasprintf("%s-%s", entry_kind_name(e->kind), e->slug);
}

/* Where the article at position i of an issue starts, from the most particular wish to the
 * most general: the entry's own print_break, the issue's print_break list, the feature's
 * opening (site.yaml print.feature), then print.entry_break. Sections that start a new page
 * (print.section_break) are the template's to break. */
static void piece_break(struct piece *p, const struct entry *issue, size_t i)
{
    const struct print_config *pc = &p->pr->site->cfg->print;
    const char *own = json_string_value(json_object_get(p->e->fm, "print_break"));
    json_t *listed = json_object_get(issue->fm, "print_break");
    int in_list = 0;
    for (size_t k = 0; k < json_array_size(listed) && !in_list; k++) {
        const char *slug = json_string_value(json_array_get(listed, k));
        in_list = slug && strcmp(slug, p->e->slug) == 0;
    }
    p->feature = i == 0 && strcmp(pc->feature, "none") != 0;
    if (own)
        p->brk = own;
    else if (in_list)
        p->brk = "page";
    else if (p->feature)
        p->brk = pc->feature;
    else if (strcmp(pc->entry_break, "none") != 0) {
        p->brk = pc->entry_break;
        p->brk_general = 1;
    }
}

static json_t *document_json(const struct printer *pr, const struct issue_doc *doc)
{
    const struct site *s = pr->site;
    json_t *ctx = json_object();
    json_object_set(ctx, "site", view_root_site(pr->root));
    json_object_set_new(ctx, "print", print_settings(pr));
    data_set_str(ctx, "lang", view_language(pr->v)->code);

    json_t *issue = piece_json(pr, doc->intro);
    if (doc->has_cover) {
        const char *alt = json_string_value(json_object_get(doc->issue->fm, "cover_alt"));
        json_object_set_new(issue, "cover", picture_json(&doc->cover, alt));
    }
    json_object_set_new(ctx, "issue", issue);

    json_t *sections = json_array();
    json_t *current = NULL;
    const char *current_name = NULL;
    for (size_t i = 0; i < doc->n_entries; i++) {
        const struct piece *p = &doc->entries[i];
        const char *name = view_issue_section(pr->v, p->e);
        if (!current || strcmp(name, current_name) != 0) {
            current = json_object();
            data_set_str(current, "title", name);
            char *id = xasprintf("section-%zu", json_array_size(sections) + 1);
            data_set_str(current, "id", id);
            free(id);
            json_object_set_new(current, "entries", json_array());
            json_object_set_new(current, "timetable", json_array());
            json_array_append_new(sections, current);
            current_name = name;
        }
        json_t *entry = piece_json(pr, p);
        if (json_array_size(json_object_get(current, "entries")) == 0) {
            /* A section starts where its first article asks to, or as print.section_break
             * says: the break moves to the section, so that its heading goes with it. */
            const char *brk = json_string_value(json_object_get(entry, "print_break"));
            if ((!brk || p->brk_general) && strcmp(s->cfg->print.section_break, "none") != 0)
                brk = s->cfg->print.section_break;
            if (brk)
                data_set_str(current, "print_break", brk);
            json_object_set_new(entry, "print_break", json_false());
        }
        json_t *sessions = json_object_get(entry, "sessions");
        json_t *schedule = json_object_get(current, "timetable");
        for (size_t k = 0; k < json_array_size(sessions); k++)
            json_array_append_new(schedule, schedule_row(pr, entry, json_array_get(sessions, k)));
        json_object_set_new(current, "has_schedule", json_boolean(json_array_size(schedule)));
        json_array_append_new(json_object_get(current, "entries"), entry);
    }
    json_object_set_new(ctx, "sections", sections);
    if (doc->back)
        json_object_set_new(ctx, "back", piece_json(pr, doc->back));
    return ctx;
}

/* Keeps a document that failed validation where the editor can read it, so that the line
 * numbers in the messages lead somewhere. Returns the path (a new string) or NULL. */
static char *keep_invalid(const struct printer *pr, const struct entry *issue,
                          const struct buf *out)
{
    if (!pr->opt->cache_dir)
        return NULL;
    char *dir = fs_join(pr->opt->cache_dir, "print");
    char *base = issue_name(pr, issue);
    char *name = xasprintf("%s.xhtml", base);
    free(base);
    char *path = fs_join(dir, name);
    free(name);
    struct diag quiet;
    diag_init(&quiet);
    int rc = fs_mkdirs(&quiet, dir) == 0 ? fs_write_file(&quiet, path, out->data, out->len) : -1;
    diag_release(&quiet);
    free(dir);
    if (rc != 0) {
        free(path);
        return NULL;
    }
    return path;
}

static int publish_pictures(struct publish *pub, const char *folder, const struct piece *p,
                            struct strv *done)
{
    int rc = 0;
    for (size_t i = 0; i < p->pictures.len; i += 2) {
        if (strv_contains(done, p->pictures.v[i]))
            continue;
        strv_push(done, p->pictures.v[i]);
        char *rel = xasprintf("%s/img/%s", folder, p->pictures.v[i]);
        rc |= publish_file(pub, rel, p->pictures.v[i + 1]);
        free(rel);
    }
    for (size_t i = 0; i < p->charts.len; i += 2) {
        if (strv_contains(done, p->charts.v[i]))
            continue;
        strv_push(done, p->charts.v[i]);
        char *rel = xasprintf("%s/img/%s", folder, p->charts.v[i]);
        rc |= publish_write(pub, rel, p->charts.v[i + 1], strlen(p->charts.v[i + 1]));
        free(rel);
    }
    return rc;
}

/* Publishes the document (unless key is NULL: the output keeps it), its stylesheet and its
 * pictures. */
static int issue_publish(const struct printer *pr, const struct issue_doc *doc,
                         const struct buf *out, const struct hash *key)
{
    char *path = print_path(pr, doc->issue);
    char *folder = xstrndup(path, (size_t)(strrchr(path, '/') - path));
    int rc = key ? publish_write_keyed(pr->opt->pub, path, *key, out->data, out->len) : 0;
    char *css = theme_find(view_theme(pr->v), "static/print.css");
    char *css_rel = xasprintf("%s/print.css", folder);
    if (css)
        rc |= publish_file(pr->opt->pub, css_rel, css);
    free(css);
    free(css_rel);
    struct strv done = STRV_INIT;
    rc |= publish_pictures(pr->opt->pub, folder, doc->intro, &done);
    for (size_t i = 0; i < doc->n_entries; i++) {
        const struct piece *p = &doc->entries[i];
        rc |= publish_pictures(pr->opt->pub, folder, p, &done);
        if (p->qr) {
            char *rel = xasprintf("%s/qr/%s.svg", folder, p->id);
            rc |= publish_write(pr->opt->pub, rel, p->qr, strlen(p->qr));
            free(rel);
        }
    }
    if (doc->back)
        rc |= publish_pictures(pr->opt->pub, folder, doc->back, &done);
    strv_release(&done);
    free(folder);
    free(path);
    return rc ? -1 : 0;
}

/* Publishes the issue's PDF when make print-pdf made it from exactly this document (out): a
 * PDF of an older text is left out rather than published with a text that is not the site's.
 * Returns 0, or -1 after a failed write. */
static int issue_pdf(const struct printer *pr, struct issue_doc *doc, const struct buf *out)
{
    if (!pr->opt->pub || !pr->opt->pdf_dir)
        return 0;
    const char *slug = doc->issue->slug;
    char *base = issue_name(pr, doc->issue);
    char *name = xasprintf("%s.xhtml", base);
    char *made_from = fs_join(pr->opt->pdf_dir, name);
    free(name);
    name = xasprintf("%s.pdf", base);
    free(base);
    char *pdf = fs_join(pr->opt->pdf_dir, name);
    free(name);
    struct buf was;
    buf_init(&was);
    struct diag quiet;
    diag_init(&quiet);
    struct stat st;
    int rc = 0;
    if (fs_is_file(made_from) && fs_read_file(&quiet, made_from, &was) == 0 &&
        was.len == out->len && memcmp(was.data, out->data, out->len) == 0 &&
        stat(pdf, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        char *rel = xasprintf("%sprint/%s/%s.pdf", view_language(pr->v)->prefix, slug, slug);
        rc = publish_file(pr->opt->pub, rel, pdf);
        free(rel);
        if (rc == 0)
            doc->pdf_bytes = (long long)st.st_size;
    }
    diag_release(&quiet);
    buf_release(&was);
    free(made_from);
    free(pdf);
    return rc;
}

/* Removes the control characters XML 1.0 cannot hold in any form (all below U+0020 except tab,
 * line feed and carriage return): an entry may contain them, and HTML lets them pass. */
static void drop_xml_controls(struct buf *b)
{
    size_t k = 0;
    for (size_t i = 0; i < b->len; i++) {
        unsigned char c = (unsigned char)b->data[i];
        if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
            b->data[k++] = b->data[i];
    }
    b->len = k;
    if (b->data)
        b->data[k] = '\0';
}

/* Renders, validates and publishes one issue's document. */
static int issue_finish(const struct printer *pr, const struct template *t, struct issue_doc *doc)
{
    json_t *ctx = document_json(pr, doc);
    struct buf out;
    buf_init(&out);
    int rc = template_render(t, ctx, &out);
    json_decref(ctx);
    drop_xml_controls(&out);
    /* A document the last build validated and published, byte for byte, is kept as it is. */
    struct hash key = hash_bytes(out.data, out.len);
    int changed = 1;
    if (rc == 0 && pr->opt->pub && pr->opt->incremental) {
        char *path = print_path(pr, doc->issue);
        changed = publish_keep(pr->opt->pub, path, key);
        free(path);
        if (changed < 0)
            rc = -1;
    }
    if (rc == 0 && changed) {
        struct diag found;
        diag_init(&found);
        char *path = print_path(pr, doc->issue);
        if (xhtml_validate(&found, path, out.data, out.len) != 0) {
            /* The messages name the kept copy, or the document's place in the output. */
            char *kept = keep_invalid(pr, doc->issue, &out);
            for (size_t i = 0; i < found.len; i++) {
                const struct diag_msg *m = &found.msgs[i];
                diag_error(pr->opt->d, kept ? kept : path, m->line, m->col, "%s", m->text);
            }
            free(kept);
            rc = -1;
        }
        free(path);
        diag_release(&found);
    }
    if (rc == 0 && pr->opt->pub)
        rc = issue_publish(pr, doc, &out, changed ? &key : NULL);
    if (rc == 0)
        rc = issue_pdf(pr, doc, &out);
    buf_release(&out);
    return rc;
}

struct finish_job {
    const struct printer *pr;
    const struct template *t;
    struct issue_doc *docs;
    int *rc; /* each issue's result */
};

static void finish_one(size_t k, void *userdata)
{
    struct finish_job *job = userdata;
    job->rc[k] = job->docs[k].kept ? 0 : issue_finish(job->pr, job->t, &job->docs[k]);
}

/* The folder of an issue's print edition in the printer's language: "print/5/", "en/print/5/".
 * A new string. */
static char *issue_folder(const struct printer *pr, const struct entry *issue)
{
    return xasprintf("%sprint/%s/", view_language(pr->v)->prefix, issue->slug);
}

/* What an issue's print edition is made from: the settings and the site's shape, its
 * template, the site object it is rendered with, the issue, its entries and the back page,
 * and the files make print-pdf left for it. */
static struct hash issue_key(const struct printer *pr, const struct template *t,
                             const struct issue_doc *doc)
{
    const struct deps *d = pr->opt->deps;
    struct hasher h;
    hash_init(&h, 0x6b616972616e7072ULL);
    struct hash parts[3] = {deps_base(d), template_identity(t),
                            fingerprint_json(view_root_site(pr->root), view_root_memo(pr->root))};
    hash_update(&h, parts, sizeof parts);
    const struct piece *pieces[] = {doc->intro, doc->back};
    for (size_t i = 0; i < 2; i++) {
        struct hash e = pieces[i] ? deps_entry(d, pieces[i]->index) : (struct hash){0, 0};
        hash_update(&h, &e, sizeof e);
    }
    for (size_t i = 0; i < doc->n_entries; i++) {
        struct hash e = deps_entry(d, doc->entries[i].index);
        hash_update(&h, &e, sizeof e);
    }
    char *base = issue_name(pr, doc->issue);
    for (int pdf = 0; pr->opt->pdf_dir && pdf < 2; pdf++) {
        char *name = xasprintf("%s.%s", base, pdf ? "pdf" : "xhtml");
        char *path = fs_join(pr->opt->pdf_dir, name);
        struct stat st;
        struct hash id = stat(path, &st) == 0 ? fs_identity(&st) : (struct hash){0, 0};
        hash_update(&h, &id, sizeof id);
        free(path);
        free(name);
    }
    free(base);
    return hash_final(&h);
}

/* Keeps the issues made from what the last build's were: every file of their folders. */
static int keep_unchanged(const struct printer *pr, struct issue_doc *docs, size_t n)
{
    int rc = 0;
    for (size_t k = 0; k < n; k++) {
        char *folder = issue_folder(pr, docs[k].issue);
        struct hash last;
        long long bytes;
        const char *text;
        if (deps_group_last(pr->opt->deps, folder, &last, &bytes, &text) &&
            hash_equal(last, docs[k].key)) {
            int kept = publish_keep_folder_as_before(pr->opt->pub, folder, NULL);
            if (kept < 0)
                rc = -1;
            docs[k].kept = kept == 0;
            docs[k].pdf_bytes = kept == 0 ? bytes : 0;
        }
        free(folder);
    }
    return rc;
}

/* The warnings the last build's print edition gave about the pieces of the issues kept now,
 * said again. */
static void repeat_warnings(const struct printer *pr, const struct issue_doc *docs, size_t n)
{
    struct hash key;
    long long count;
    const char *text;
    if (!deps_group_last(pr->opt->deps, "print", &key, &count, &text) || !text)
        return;
    struct diag last;
    diag_init(&last);
    diag_load_warnings(&last, text, strlen(text));
    for (size_t i = 0; i < last.len; i++) {
        const struct diag_msg *m = &last.msgs[i];
        int about = 0;
        for (size_t k = 0; m->path && !about && k < n; k++) {
            const struct issue_doc *doc = &docs[k];
            if (!doc->kept)
                continue;
            about = strcmp(m->path, doc->issue->source) == 0 ||
                    (doc->back && strcmp(m->path, doc->back->e->source) == 0);
            for (size_t j = 0; !about && j < doc->n_entries; j++)
                about = strcmp(m->path, doc->entries[j].e->source) == 0;
        }
        if (about)
            diag_warning(pr->opt->d, m->path, m->line, m->col, "%s", m->text);
    }
    diag_release(&last);
}

int print_issues(struct view *v, const struct print_options *opt)
{
    const struct site *s = view_site(v);
    size_t n_issues = s->n_kind[KIND_ISSUE];
    if (n_issues == 0)
        return 0;
    const struct template *t = template_set_get(view_templates(v), "print/issue");
    if (!t)
        return -1;
    const struct site_config *cfg = s->cfg;
    int other = view_language(v)->index != 0;
    struct printer printer = {v, s, opt, view_root(v, ""), {0}, other ? "horizontal" :
                              cfg->print.writing, other ? "leaflet" : cfg->print.binding, {0, 0}};
    print_grid(&printer.grid, print_format(cfg->print.size), printer.writing);
    /* Tenths of a pixel, rounded down, so that the chart is never taller than the tier. */
    printer.chart_tier.height = floor(printer.grid.measure * PX_PER_MM * 10) / 10;
    printer.chart_tier.max_width =
        floor(printer.grid.chart_width * PX_PER_MM * 10) / 10;
    const struct printer *pr = &printer;
    const struct entry *back =
        cfg->print.back_page ? site_find_slug(s, KIND_PAGE, cfg->print.back_page) : NULL;

    struct issue_doc *docs = xcalloc(n_issues, sizeof *docs);
    size_t n_pieces = 0;
    size_t n_docs = 0;
    for (size_t k = 0; k < n_issues; k++) {
        struct issue_doc *doc = &docs[n_docs];
        doc->issue = s->kind[KIND_ISSUE][k];
        struct entry **list;
        doc->n_entries = site_issue_entries(s, doc->issue, &list);
        /* Another language's edition holds the issue's entries written in it, and is made
         * only when there are some. */
        size_t kept = 0;
        for (size_t i = 0; i < doc->n_entries; i++)
            if (!other || list[i]->lang == view_language(v))
                list[kept++] = list[i];
        doc->n_entries = kept;
        if (other && !kept) {
            free(list);
            continue;
        }
        n_docs++;
        doc->intro = xcalloc(1, sizeof *doc->intro);
        piece_init(doc->intro, pr, doc->issue);
        doc->entries = xcalloc(doc->n_entries ? doc->n_entries : 1, sizeof *doc->entries);
        for (size_t i = 0; i < doc->n_entries; i++) {
            piece_init(&doc->entries[i], pr, list[i]);
            doc->entries[i].wants_qr = 1;
            piece_break(&doc->entries[i], doc->issue, i);
        }
        free(list);
        if (back) {
            doc->back = xcalloc(1, sizeof *doc->back);
            piece_init(doc->back, pr, back);
        }
        n_pieces += 1 + doc->n_entries + (back != NULL);
    }

    /* The issues made from what the last build's were are kept as they are. */
    size_t first_message = opt->d->len;
    int rc = 0;
    for (size_t k = 0; opt->deps && k < n_docs; k++)
        docs[k].key = issue_key(pr, t, &docs[k]);
    if (opt->deps && opt->pub && opt->incremental) {
        rc = keep_unchanged(pr, docs, n_docs);
        repeat_warnings(pr, docs, n_docs);
    }

    /* Every piece of every other issue converts in parallel; pictures too. */
    struct piece **all = xcalloc(n_pieces, sizeof *all);
    size_t n = 0;
    for (size_t k = 0; k < n_docs; k++) {
        if (docs[k].kept)
            continue;
        all[n++] = docs[k].intro;
        for (size_t i = 0; i < docs[k].n_entries; i++)
            all[n++] = &docs[k].entries[i];
        if (docs[k].back)
            all[n++] = docs[k].back;
    }
    pool_for(opt->pool, n, piece_convert, all);
    for (size_t i = 0; i < n; i++)
        rc |= all[i]->failed ? -1 : 0;
    free(all);

    int converted = rc;
    /* The cover photo fills the first page and its bleed (CSS background-size: cover), so it
     * is placed at the page's width or wider, when it is wider than the page's shape. */
    const struct print_format *f = print_format(cfg->print.size);
    double bleed = cfg->print.bleed_mm;
    for (size_t k = 0; k < n_docs; k++) {
        const struct entry *issue = docs[k].issue;
        const struct body *b = view_body(v, issue);
        if (docs[k].kept || !issue->image || !b->has_image)
            continue;
        double placed = f->width + 2 * bleed;
        double fill = (f->height + 2 * bleed) * b->image.src_width / b->image.src_height;
        if (fill > placed)
            placed = fill;
        char *dir = entry_dir(issue);
        if (media_print(pr->opt->media, issue->source, dir, issue->image, issue->image_pos.line,
                        issue->image_pos.col, placed, &docs[k].cover) == 0) {
            docs[k].has_cover = 1;
            add_picture(docs[k].intro, &docs[k].cover); /* published with the issue's text */
        } else {
            rc = -1;
        }
        free(dir);
    }

    /* Every issue is checked, so that one build reports every problem. */
    if (converted == 0) {
        struct finish_job job = {pr, t, docs, xcalloc(n_docs, sizeof *job.rc)};
        pool_for(opt->pool, n_docs, finish_one, &job);
        for (size_t k = 0; k < n_docs; k++) {
            rc |= job.rc[k];
            char *doc_url = print_path(pr, docs[k].issue);
            view_set_print_url(v, docs[k].issue, doc_url);
            free(doc_url);
            if (opt->deps) {
                char *folder = issue_folder(pr, docs[k].issue);
                deps_group_note(opt->deps, folder, docs[k].key, docs[k].pdf_bytes, NULL);
                free(folder);
            }
            if (docs[k].pdf_bytes) {
                char *url = xasprintf("%sprint/%s/%s.pdf", view_language(v)->prefix,
                                      docs[k].issue->slug, docs[k].issue->slug);
                view_set_print_pdf(v, docs[k].issue, url, docs[k].pdf_bytes);
                free(url);
            }
        }
        free(job.rc);
    }
    if (opt->deps) {
        /* Said again by the next build for the issues it keeps. */
        char *said = diag_save_warnings(opt->d, first_message);
        deps_group_note(opt->deps, "print", (struct hash){0, 0}, 0, said);
        free(said);
    }

    for (size_t k = 0; k < n_docs; k++) {
        piece_release(docs[k].intro);
        free(docs[k].intro);
        for (size_t i = 0; i < docs[k].n_entries; i++)
            piece_release(&docs[k].entries[i]);
        free(docs[k].entries);
        if (docs[k].back) {
            piece_release(docs[k].back);
            free(docs[k].back);
        }
    }
    free(docs);
    return rc;
}
