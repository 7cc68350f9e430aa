#include "render/pages.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"
#include "render/calendar.h"
#include "render/data.h"
#include "render/i18n.h"
#include "render/page.h"
#include "render/plan.h"

struct render_job {
    struct pages *ps;
    const struct pages_options *opt;
    int *failed;
};

/* The page's key: everything its bytes depend on. */
static struct hash page_key(const struct page *p, const struct body *b)
{
    struct hasher h;
    hash_init(&h, 0x6b616972616e7067ULL);
    hash_update(&h, p->out, strlen(p->out) + 1);
    hash_update(&h, &p->identity, sizeof p->identity);
    struct hash data = fingerprint_json(p->ctx, p->memo);
    hash_update(&h, &data, sizeof data);
    if (b)
        hash_update(&h, &b->html_hash, sizeof b->html_hash);
    return hash_final(&h);
}

/* Renders one set-up page and hands it to the publisher, unless the publisher keeps it as the
 * last build made it. b is the entry's body on an entry's page, else NULL. Returns 0 or -1. */
static int render_page(const struct render_job *job, struct page *p, const struct body *b)
{
    struct hash key = page_key(p, b);
    struct publish *pub = job->opt->pub;
    if (pub && job->opt->incremental) {
        int kept = publish_keep(pub, p->out, key);
        if (kept <= 0)
            return kept;
    }
    if (b) {
        char *html = view_body_html(job->ps->view, p->entry);
        if (!html)
            return -1;
        data_set_str(json_object_get(p->ctx, "entry"), "content", html);
        free(html);
    }
    struct buf out;
    buf_init(&out);
    int rc = 0;
    if (!p->compiled || template_render(p->compiled, p->ctx, &out) != 0)
        rc = -1;
    else if (pub && publish_write_keyed(pub, p->out, key, out.data, out.len) != 0)
        rc = -1;
    buf_release(&out);
    return rc;
}

static void render_one(size_t i, void *userdata)
{
    struct render_job *job = userdata;
    struct page *p = &job->ps->v[i];
    if (p->unchanged) {
        /* Made from the same as the last build's: kept, unless its file is not as that build
         * left it (then it is made again below). */
        int kept = publish_keep_as_before(job->opt->pub, p->out);
        if (kept <= 0) {
            job->failed[i] = kept < 0;
            return;
        }
    }
    if (p->ctx) {
        job->failed[i] = render_page(job, p, NULL) != 0;
        json_decref(p->ctx);
        p->ctx = NULL;
        fingerprint_memo_free(p->memo);
        p->memo = NULL;
        return;
    }
    /* An entry's page, a list's or a month's, set up here in a private page list. */
    struct pages own = *job->ps;
    own.v = NULL;
    own.len = own.cap = 0;
    own.lists = NULL;
    own.n_lists = own.lists_cap = 0;
    const struct body *b = NULL;
    if (p->list) {
        plan_list_page(&own, p->list, p->list_page);
    } else if (p->month) {
        calendar_page(&own, p->month);
    } else {
        plan_entry_page(&own, p->entry);
        b = view_body(own.view, view_site(own.view)->all[p->entry]);
    }
    struct page *built = &own.v[0];
    built->compiled = p->compiled;
    built->identity = p->identity;
    built->entry = p->entry;
    job->failed[i] = render_page(job, built, b) != 0;
    if (job->opt->deps && !job->failed[i])
        deps_note(job->opt->deps, i, built);
    page_release(built);
    free(own.v);
}

int pages_render(struct view *v, const struct pages_options *opt)
{
    const struct site *s = view_site(v);

    struct pages ps = {.view = v};
    for (size_t i = 0; i < s->n_kind[KIND_EVENT] && ps.n_upcoming < 5; i++)
        if (!site_event_is_past(s, s->kind[KIND_EVENT][i]))
            ps.upcoming[ps.n_upcoming++] = s->kind[KIND_EVENT][i];
    plan_home_page(&ps);
    for (size_t i = 0; i < s->n_all; i++)
        if (!s->all[i]->lang || s->all[i]->lang == view_language(v))
            plan_entry_later(&ps, i); /* the others have their page in their language */
    plan_lists(&ps);
    calendar_plan(&ps);
    const struct language *lang = view_language(v);
    if (lang->index == 0) { /* one page for every address the server knows not */
        char *title = i18n_text(view_words(v), "page.notfound", NULL, 0);
        page_add(&ps, "404", "", "404", title, NULL, NULL);
        free(title);
    }
    if (opt->search) {
        char *title = i18n_text(view_words(v), "page.search", NULL, 0);
        char *url = xasprintf("%ssearch/", lang->prefix);
        json_t *ctx = page_add(&ps, "search", url, "search", title, NULL, NULL);
        free(url);
        free(title);
        json_t *search = json_object();
        data_set_str(search, "meta", opt->search);
        json_object_set_new(ctx, "search", search);
        json_object_set_new(ctx, "breadcrumbs", page_crumbs(&ps, NULL, NULL));
        /* search.js says its words in Japanese unless the page gives them. */
        if (strcmp(lang->code, "ja") != 0)
            json_object_set_new(json_object_get(ctx, "page"), "search_words", json_true());
    }
    if (opt->offline && lang->index == 0) { /* one, as the worker is the default language's */
        json_t *ctx = page_add(&ps, "offline", "offline/", "offline",
                                "インターネットにつながっていません", NULL, NULL);
        json_t *offline = json_object();
        json_object_set_new(offline, "pages", json_deep_copy(opt->offline));
        json_object_set_new(ctx, "offline", offline);
    }

    /* Templates compile on first use, which is not thread-safe: look them all up first. */
    const struct template *seen[16];
    struct hash ids[16];
    size_t n_seen = 0;
    for (size_t i = 0; i < ps.len; i++) {
        struct page *p = &ps.v[i];
        p->compiled = template_set_get(view_templates(v), p->template);
        size_t k = 0;
        while (k < n_seen && seen[k] != p->compiled)
            k++;
        if (k == n_seen && p->compiled && n_seen < 16) {
            seen[n_seen] = p->compiled;
            ids[n_seen++] = template_identity(p->compiled);
        }
        if (p->compiled && k < n_seen)
            p->identity = ids[k];
        else if (p->compiled)
            p->identity = template_identity(p->compiled);
    }
    /* The pages made from what the last build's were made from. */
    if (opt->deps) {
        deps_begin(opt->deps, ps.len);
        for (size_t i = 0; opt->incremental && opt->pub && i < ps.len; i++)
            ps.v[i].unchanged = !ps.v[i].ctx && deps_unchanged(opt->deps, i, &ps.v[i]);
    }
    struct render_job job = {&ps, opt, xcalloc(ps.len ? ps.len : 1, sizeof(int))};
    pool_for(opt->pool, ps.len, render_one, &job);
    int rc = 0;
    for (size_t i = 0; i < ps.len; i++) {
        if (job.failed[i])
            rc = -1;
        page_release(&ps.v[i]);
    }
    free(job.failed);
    free(ps.v);
    plan_free_lists(&ps);
    /* The pages are done with the roots; the print edition makes the few it needs. */
    view_drop_roots(v);
    return rc;
}
