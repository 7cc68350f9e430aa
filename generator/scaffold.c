#include "scaffold.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "content/config.h"
#include "core/date.h"
#include "core/fs.h"
#include "core/intl.h"
#include "core/tz.h"
#include "core/xalloc.h"

struct archetype {
    const char *kind, *folder, *text;
};

static const struct archetype archetypes[] = {
    {"activity", "activities",
     "---\n"
     "title: 活動の名前\n"
     "reading: かつどうのなまえ\n"
     "district: {{district}}\n"
     "categories:\n"
     "  - {{category}}\n"
     "summary: 一行の紹介文\n"
     "schedule: 毎週火曜 10:00〜12:00\n"
     "place: 会場\n"
     "organizer: 主催\n"
     "contact:\n"
     "  name: 連絡先の名前\n"
     "  phone: 0235-00-0000\n"
     "date: {{date}}\n"
     "draft: true\n"
     "---\n\n"
     "ここに活動の紹介を書きます。\n"},
    {"event", "events",
     "---\n"
     "title: 催しの名前\n"
     "summary: 一行の紹介文\n"
     "start: {{date}} 13:30\n"
     "end: {{date}} 16:00\n"
     "venues:\n"
     "  - id: main\n"
     "    name: 会場の名前\n"
     "    address: 住所\n"
     "    role: main\n"
     "program:\n"
     "  - title: 内容\n"
     "    speaker: 話す人\n"
     "apply:\n"
     "  deadline: {{date}}\n"
     "  how: 申し込みの方法\n"
     "date: {{date}}\n"
     "draft: true\n"
     "---\n\n"
     "ここに催しの案内を書きます。\n"},
    {"issue", "issues",
     "---\n"
     "number: 1\n"
     "title: 号の題\n"
     "date: {{date}}\n"
     "copies: 5000\n"
     "editor: 編集\n"
     "draft: true\n"
     "---\n\n"
     "ここに号のあいさつを書きます。\n"},
    {"page", "pages",
     "---\n"
     "title: ページの題\n"
     "date: {{date}}\n"
     "draft: true\n"
     "---\n\n"
     "ここに本文を書きます。\n"},
};

/* Replaces {{name}} for each name in names[0], values[0], ...; other text is copied. */
static void fill(struct buf *out, const char *text, const char *const *names,
                 const char *const *values)
{
    for (const char *p = text; *p;) {
        size_t i = 0;
        for (; names[i]; i++) {
            size_t n = strlen(names[i]);
            if (p[0] == '{' && p[1] == '{' && strncmp(p + 2, names[i], n) == 0 &&
                strncmp(p + 2 + n, "}}", 2) == 0) {
                buf_puts(out, values[i]);
                p += n + 4;
                break;
            }
        }
        if (!names[i])
            buf_putc(out, *p++);
    }
}

int scaffold_new(struct diag *d, const struct build_options *opt, const char *kind,
                 const char *slug)
{
    const struct archetype *a = NULL;
    for (size_t i = 0; i < sizeof archetypes / sizeof *archetypes; i++)
        if (strcmp(archetypes[i].kind, kind) == 0)
            a = &archetypes[i];
    if (!a) {
        diag_error(d, NULL, 0, 0, _("'%s' is not a kind of entry (use activity, event, issue or "
                                    "page)"),
                   kind);
        return -1;
    }
    if (!config_is_slug(slug)) {
        diag_error(d, NULL, 0, 0, _("'%s' cannot be used as a file name and web address: use only "
                                    "a-z, 0-9 and '-' (like kushibiki-salon)"),
                   slug);
        return -1;
    }
    const char *source = strcmp(opt->source, ".") == 0 ? "" : opt->source;

    /* Today in the site's time zone (Asia/Tokyo unless site.yaml says otherwise). */
    struct site_config cfg;
    if (config_load(d, source, &cfg) != 0)
        return -1;
    struct tz *zone =
        tz_load(d, cfg.timezone, cfg.timezone_file, cfg.timezone_pos.line, cfg.timezone_pos.col);
    /* A new entry names the first district and category so that it builds as it is. */
    char *district = xstrdup(cfg.n_districts ? cfg.districts[0].slug : "");
    char *category = xstrdup(cfg.n_categories ? cfg.categories[0].slug : "");
    config_release(&cfg);
    if (!zone) {
        free(district);
        free(category);
        return -1;
    }
    int64_t now = (int64_t)time(NULL);
    struct datetime today = tz_to_local(zone, now);
    tz_free(zone);
    struct buf date;
    buf_init(&date);
    date_format_iso(&date, today.date);

    char *rel = xasprintf("content/%s/%s.md", a->folder, slug);
    char *path = fs_join(source, rel);
    char *custom_rel = xasprintf("archetypes/%s.md", kind);
    char *custom = fs_join(source, custom_rel);
    int rc = -1;
    struct buf tmpl, out;
    buf_init(&tmpl);
    buf_init(&out);
    if (fs_is_file(path)) {
        diag_error(d, path, 0, 0, _("this file already exists; choose another slug or edit it"));
        goto done;
    }
    if (fs_is_file(custom)) {
        if (fs_read_file(d, custom, &tmpl) != 0)
            goto done;
    } else {
        buf_puts(&tmpl, a->text);
    }
    const char *names[] = {"date", "slug", "district", "category", NULL};
    const char *values[] = {date.data, slug, district, category};
    fill(&out, tmpl.data, names, values);
    if (fs_write_file(d, path, out.data, out.len) != 0)
        goto done;
    printf(_("kairan: created %s (a draft: set draft: false to publish it)\n"), path);
    rc = 0;
done:
    buf_release(&tmpl);
    buf_release(&out);
    buf_release(&date);
    free(rel);
    free(path);
    free(custom_rel);
    free(custom);
    free(district);
    free(category);
    return rc;
}
