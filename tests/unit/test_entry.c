/* Unit tests of entry: what a loaded entry keeps (where its front matter is, the title's and
 * image's positions, the body's hash) and what later stages get back from it (positions in
 * messages, the body read again, a file that changed during the build refused). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "content/config.h"
#include "content/entry.h"
#include "core/buf.h"
#include "core/diag.h"
#include "core/fs.h"
#include "core/xalloc.h"
#include "harness.h"

struct sandbox {
    char dir[64];
    struct site_config cfg;
};

static void site_open(struct sandbox *s)
{
    CHECK_INT(harness_tmpdir(s->dir, "entry"), 0);
    harness_put(s->dir, "content/site.yaml",
          "title: 和と輪つるおか\nbase_url: https://example.jp/\n"
          "districts:\n  - {slug: haguro, name: 羽黒, reading: はぐろ}\n");
    struct diag d;
    diag_init(&d);
    CHECK_INT(config_load(&d, s->dir, &s->cfg), 0);
    diag_release(&d);
}

static void site_close(struct sandbox *s)
{
    config_release(&s->cfg);
    harness_remove_tree(s->dir);
}

static const char page[] = "---\n"
                           "title: 連絡先\n"
                           "menu: true\n"
                           "image: photos/desk.jpg\n"
                           "---\n"
                           "各地区の**相談窓口**です。\n";

/* A site with the page above, loaded into e (d collects the messages). */
static void load_page(struct sandbox *s, struct diag *d, struct entry *e)
{
    site_open(s);
    harness_put(s->dir, "content/pages/contacts.md", page);
    diag_init(d);
    CHECK_INT(entry_load(d, &s->cfg, s->dir, "pages/contacts.md", e), 0);
}

/* What --strict may find on no page: the fields some entry can leave out, by the names
 * templates use; never one that every kind having it requires. */
static void optional_fields_follow_the_schemas(void)
{
    struct strv names = STRV_INIT;
    entry_optional_fields(&names);
    static const char *const optional[] = {"schedule",    "contact",   "contact.url",
                                           "contact.fax", "reading",   "status",
                                           "sessions",    "sessions.label", "sessions.end",
                                           "program.time", "apply.deadline", "editor", NULL};
    for (const char *const *n = optional; *n; n++)
        harness_case(*n, strv_contains(&names, *n));
    static const char *const required[] = {"title", "number", "sessions.start", "program.title",
                                           "venues.name", NULL};
    for (const char *const *n = required; *n; n++)
        harness_case(*n, !strv_contains(&names, *n));
    size_t len = names.len;
    entry_optional_fields(&names);
    CHECK_INT(names.len, len); /* each name once */
    strv_release(&names);
}

static void keeps_what_later_stages_need(void)
{
    struct sandbox s;
    struct diag d;
    struct entry e;
    load_page(&s, &d, &e);
    CHECK_INT(d.len, 0);
    CHECK_STR(e.title, "連絡先");
    CHECK_INT(e.title_pos.line, 2);
    CHECK_INT(e.title_pos.col, 8);
    CHECK_INT(e.image_pos.line, 4);
    CHECK_INT(e.image_pos.col, 8);
    CHECK_INT(e.fm_line, 2);
    CHECK_INT(e.fm_len, strlen("title: 連絡先\nmenu: true\nimage: photos/desk.jpg\n"));
    CHECK(e.fm_text == NULL); /* read back from the file when a message needs it */
    CHECK_INT(e.body_line, 6);

    /* The body, read again, is the one loaded. */
    struct buf text;
    buf_init(&text);
    const char *body = NULL;
    CHECK_INT(entry_read_body(&d, &e, &text, &body), 0);
    CHECK(body && e.body_len == strlen("各地区の**相談窓口**です。\n") &&
          memcmp(body, "各地区の**相談窓口**です。\n", e.body_len) == 0);
    buf_release(&text);
    CHECK_INT(d.len, 0);

    /* A later stage's message finds its field in the front matter parsed again. */
    entry_error(&d, &e, "menu", "an example");
    CHECK_INT(d.len, 1);
    if (d.len == 1) {
        CHECK_INT(d.msgs[0].line, 3);
        CHECK_INT(d.msgs[0].col, 7);
    }
    /* A field that is not there: the first line. */
    entry_error(&d, &e, "weight", "another");
    CHECK_INT(d.len, 2);
    if (d.len == 2)
        CHECK_INT(d.msgs[1].line, 1);

    entry_release(&e);
    diag_release(&d);
    site_close(&s);
}

static void a_file_changed_during_the_build_is_refused(void)
{
    struct sandbox s;
    struct diag d;
    struct entry e;
    load_page(&s, &d, &e);

    /* Same length, same lines, one character different. */
    char *edited = xstrdup(page);
    char *at = strstr(edited, "相談");
    memcpy(at, "連絡", strlen("連絡"));
    harness_put(s.dir, "content/pages/contacts.md", edited);
    struct buf text;
    buf_init(&text);
    const char *body = NULL;
    CHECK_INT(entry_read_body(&d, &e, &text, &body), -1);
    buf_release(&text);
    CHECK_INT(d.len, 1);
    if (d.len == 1) {
        char *msg = diag_format(&d.msgs[0]);
        char *want = xasprintf("%s/content/pages/contacts.md: error: the file changed while "
                               "kairan was building the site; build again",
                               s.dir);
        CHECK_STR(msg, want);
        free(want);
        free(msg);
    }

    /* Gone altogether: the same. */
    char *path = fs_join(s.dir, "content/pages/contacts.md");
    CHECK_INT(unlink(path), 0);
    free(path);
    buf_init(&text);
    CHECK_INT(entry_read_body(&d, &e, &text, &body), -1);
    buf_release(&text);
    CHECK_INT(d.len, 2);

    free(edited);
    entry_release(&e);
    diag_release(&d);
    site_close(&s);
}

/* Each kind's writing order names every field of its schema once, and nothing else. */
static void the_field_order_covers_each_schema(void)
{
    for (int k = 0; k < KIND_COUNT; k++) {
        const char *const *order = entry_field_order((enum entry_kind)k);
        size_t n_order = 0, n_schema = 0;
        while (order[n_order])
            n_order++;
        for (const struct schema_field *f = entry_schema((enum entry_kind)k); f->name; f++) {
            n_schema++;
            int seen = 0;
            for (size_t i = 0; i < n_order; i++)
                seen += strcmp(order[i], f->name) == 0;
            if (seen != 1)
                fprintf(stderr, "%s: %s is in the order %d times\n",
                        entry_kind_name((enum entry_kind)k), f->name, seen);
            CHECK_INT(seen, 1);
        }
        CHECK_INT(n_order, n_schema);
        CHECK_STR(entry_kind_name(entry_kind_from_name(entry_kind_name((enum entry_kind)k))),
                  entry_kind_name((enum entry_kind)k));
    }
    CHECK_INT(entry_kind_from_name("events"), KIND_COUNT);
    CHECK_STR(entry_kind_folder(KIND_EVENT), "events");
}

static const char event[] = "---\n"
                            "title: 研修会\n"
                            "reading: けんしゅうかい\n"
                            "district: haguro\n"
                            "start: 2021-02-19 13:30\n"
                            "end: 2021-02-19 16:00\n"
                            "venues:\n"
                            "  - {id: hall, name: 中央会館, address: 鶴岡市1-1, role: main}\n"
                            "  - {id: web, name: オンライン, role: remote}\n"
                            "program:\n"
                            "  - {title: 講演, speaker: 佐藤}\n"
                            "participants: 152\n"
                            "---\n"
                            "研修会を開きました。\n";

/* A translation: the original's fields with its own over them (a group field by field, a list
 * of groups item by item), its own body, the original's address under the language's folder;
 * the fields that place the entry stay the original's. */
static void a_translation_is_merged_over_its_original(void)
{
    struct sandbox s;
    CHECK_INT(harness_tmpdir(s.dir, "entry"), 0);
    harness_put(s.dir, "content/site.yaml",
                "title: 和と輪つるおか\nbase_url: https://example.jp/\n"
                "districts:\n  - {slug: haguro, name: 羽黒, reading: はぐろ}\n"
                "languages:\n  - {code: ja, name: 日本語}\n"
                "  - {code: en, name: English, key: en}\n"
                "  - {code: ja-x-easy, name: やさしい日本語, key: easy}\n");
    struct diag d;
    diag_init(&d);
    CHECK_INT(config_load(&d, s.dir, &s.cfg), 0);
    CHECK_INT(s.cfg.n_languages, 3);
    CHECK_STR(s.cfg.languages[1].prefix, "en/");
    CHECK_INT(s.cfg.languages[2].sentence_length, 50);
    CHECK_INT(s.cfg.languages[1].sentence_length, 0);
    harness_put(s.dir, "content/events/kenshu.md", event);
    harness_put(s.dir, "content/events/kenshu.en.md",
                "---\ntitle: Training day\n"
                "start: 2021-02-19 13:30\n" /* the same as the original's: allowed */
                "venues:\n  - {name: Central Hall}\n  - {name: Online}\n"
                "---\nWe met.\n");
    char *orig_rel = NULL;
    const struct language *l = entry_translation_of(&s.cfg, "events/kenshu.en.md", &orig_rel);
    CHECK(l == &s.cfg.languages[1]);
    CHECK_STR(orig_rel, "events/kenshu.md");
    free(orig_rel);
    CHECK(entry_translation_of(&s.cfg, "events/kenshu.md", &orig_rel) == NULL);
    CHECK(entry_translation_of(&s.cfg, "events/kenshu.fr.md", &orig_rel) == NULL);

    struct entry o, t;
    CHECK_INT(entry_load(&d, &s.cfg, s.dir, "events/kenshu.md", &o), 0);
    CHECK_INT(entry_load_translation(&d, &s.cfg, s.dir, "events/kenshu.en.md", NULL, l, &o, &t),
              0);
    CHECK_INT((int)d.len, 0);
    CHECK_STR(t.title, "Training day");
    CHECK_STR(t.url, "en/events/kenshu/");
    CHECK_STR(t.out, "en/events/kenshu/index.html");
    CHECK_STR(t.slug, "kenshu");
    CHECK_STR(t.district, "haguro");
    CHECK(t.kind == KIND_EVENT && t.original == &o && t.lang == l);
    CHECK_INT((int)t.n_sessions, 1);
    CHECK_INT(t.sessions[0].end.hour, 16);
    json_t *venue = json_array_get(json_object_get(t.fm, "venues"), 0);
    CHECK_STR(json_string_value(json_object_get(venue, "name")), "Central Hall");
    CHECK_STR(json_string_value(json_object_get(venue, "address")), "鶴岡市1-1");
    CHECK_STR(json_string_value(json_object_get(venue, "id")), "hall");
    json_t *talk = json_array_get(json_object_get(t.fm, "program"), 0);
    CHECK_STR(json_string_value(json_object_get(talk, "speaker")), "佐藤");
    CHECK_INT((int)json_integer_value(json_object_get(t.fm, "participants")), 152);
    CHECK(o.lang == &s.cfg.languages[0] && o.original == NULL);
    /* The original is as it was. */
    CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(o.fm, "venues"), 0),
                                                "name")),
              "中央会館");

    /* A venue's id and the number of participants are the original's. */
    struct entry bad;
    harness_put(s.dir, "content/events/kenshu.easy.md",
                "---\nvenues:\n  - {id: main}\n  - {name: オンライン}\nparticipants: 15\n"
                "---\n");
    CHECK_INT(entry_load_translation(&d, &s.cfg, s.dir, "events/kenshu.easy.md", NULL,
                                     &s.cfg.languages[2], &o, &bad),
              -1);
    char *got = harness_diag_text(&d);
    CHECK(strstr(got, "kenshu.easy.md:3:6: error: 'venues.0.id' comes from the original") != NULL);
    CHECK(strstr(got, "kenshu.easy.md:5:1: error: 'participants' comes from the original") != NULL);
    free(got);
    entry_release(&bad);
    entry_release(&t);
    entry_release(&o);
    diag_release(&d);
    site_close(&s);
}

int main(void)
{
    RUN(a_translation_is_merged_over_its_original);
    RUN(the_field_order_covers_each_schema);
    RUN(optional_fields_follow_the_schemas);
    RUN(keeps_what_later_stages_need);
    RUN(a_file_changed_during_the_build_is_refused);
    return HARNESS_DONE();
}
