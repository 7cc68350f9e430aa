/* Unit tests of entrycache: an entry kept and given back is the entry loading gave (its front
 * matter with its keys' order, the fields derived from it, event sessions with their labels and
 * venues, the warnings loading gave); a record stands only for a file of the same identity and
 * for the same salt; a damaged file is a cache without the damaged records; saving appends
 * what changed and writes the file anew when most of it stands for nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "content/config.h"
#include "content/entry.h"
#include "content/entrycache.h"
#include "core/buf.h"
#include "core/diag.h"
#include "core/fs.h"
#include "core/xalloc.h"
#include "harness.h"

struct sandbox {
    char dir[64];
    char *cache;
    struct site_config cfg;
};

static void site_open(struct sandbox *s)
{
    CHECK_INT(harness_tmpdir(s->dir, "entrycache"), 0);
    harness_put(s->dir, "content/site.yaml",
                "title: 和と輪つるおか\nbase_url: https://example.jp/\n"
                "districts:\n  - {slug: haguro, name: 羽黒, reading: はぐろ}\n"
                "categories:\n  - {slug: salon, name: サロン}\n");
    struct diag d;
    diag_init(&d);
    CHECK_INT(config_load(&d, s->dir, &s->cfg), 0);
    diag_release(&d);
    s->cache = fs_join(s->dir, "cache/entries.bin");
}

static void site_close(struct sandbox *s)
{
    config_release(&s->cfg);
    free(s->cache);
    harness_remove_tree(s->dir);
}

static const char event[] = "---\n"
                            "title: 羽黒 研修会\n"
                            "reading: はぐろけんしゅうかい\n"
                            "district: haguro\n"
                            "categories: [salon]\n"
                            "summary: 年に一度の研修会です。\n"
                            "draft: true\n"
                            "venues:\n"
                            "  - {id: hall, name: 公民館}\n"
                            "  - {id: web, name: オンライン, role: remote}\n"
                            "sessions:\n"
                            "  - {start: 2027-02-19 13:30, end: 2027-02-19 16:00, label: 後半,"
                            " venue: web}\n"
                            "  - {start: 2027-02-18 13:30, end: 2027-02-18 16:00}\n"
                            "status: postponed\n"
                            "postponed_to: 2027-03-01\n"
                            "capacity: 40\n"
                            "---\n"
                            "研修会の**案内**です。\n";

static struct hash identity_of(const struct sandbox *s, const char *rel)
{
    char *content = fs_join(s->dir, "content");
    char *path = fs_join(content, rel);
    struct stat st;
    CHECK_INT(stat(path, &st), 0);
    free(path);
    free(content);
    return fs_identity(&st);
}

/* Loads rel the long way, notes it in a new cache at s->cache and saves that. The entry and
 * the text of its warnings are left in e and *warnings. */
static void parse_and_keep(struct sandbox *s, const char *rel, struct entry *e, char **warnings)
{
    struct diag d;
    diag_init(&d);
    struct hash id = identity_of(s, rel);
    CHECK_INT(entry_load(&d, &s->cfg, s->dir, rel, e), 0);
    *warnings = diag_save_warnings(&d, 0);
    struct entrycache *c = entrycache_open(s->cache, entrycache_salt(&s->cfg));
    entrycache_note(c, e, id, *warnings);
    struct entry *list[] = {e};
    CHECK_INT(entrycache_save(c, list, 1), 0);
    entrycache_free(c);
    diag_release(&d);
}

static int same_session(const struct session *a, const struct session *b)
{
    return date_compare_datetime(a->start, b->start) == 0 &&
           date_compare_datetime(a->end, b->end) == 0 && a->all_day == b->all_day &&
           (a->label == b->label || (a->label && b->label && strcmp(a->label, b->label) == 0)) &&
           (a->venue == b->venue || (a->venue && b->venue && strcmp(a->venue, b->venue) == 0));
}

static void gives_back_the_loaded_entry(void)
{
    struct sandbox s;
    site_open(&s);
    harness_put(s.dir, "content/events/kenshu.md", event);
    struct entry a, b;
    char *warnings;
    parse_and_keep(&s, "events/kenshu.md", &a, &warnings);

    struct entrycache *c = entrycache_open(s.cache, entrycache_salt(&s.cfg));
    struct diag d;
    diag_init(&d);
    CHECK_INT(entrycache_load(c, &d, s.dir, "events/kenshu.md",
                              identity_of(&s, "events/kenshu.md"), &b),
              0);
    CHECK_INT(d.len, 0);
    CHECK_STR(b.source, a.source);
    CHECK_STR(b.rel, a.rel);
    CHECK_STR(b.url, a.url);
    CHECK_STR(b.out, a.out);
    CHECK_STR(b.slug, a.slug);
    CHECK_STR(b.title, a.title);
    CHECK_STR(b.reading, a.reading);
    CHECK_STR(b.district, a.district);
    CHECK_STR(b.sort_key, a.sort_key);
    CHECK_INT(b.kind, a.kind);
    CHECK_INT(b.draft, 1);
    CHECK_INT(b.status, EVENT_POSTPONED);
    CHECK_INT(b.has_postponed, 1);
    CHECK_INT(date_compare_datetime(b.postponed.start, a.postponed.start), 0);
    CHECK_INT(b.body_len, a.body_len);
    CHECK_INT(b.body_line, a.body_line);
    CHECK(hash_equal(b.body_hash, a.body_hash));
    CHECK(hash_equal(b.fm_hash, a.fm_hash));
    CHECK_INT(b.fm_line, a.fm_line);
    CHECK_INT(b.fm_len, a.fm_len);
    CHECK_INT(b.title_pos.line, a.title_pos.line);
    CHECK_INT(b.mtime, a.mtime);
    CHECK(json_equal(b.fm, a.fm));
    /* The keys in the order they were written: templates that list them see that order. */
    char *fa = json_dumps(a.fm, JSON_COMPACT), *fb = json_dumps(b.fm, JSON_COMPACT);
    CHECK_STR(fb, fa);
    free(fa);
    free(fb);
    CHECK_INT(b.n_sessions, 2);
    for (size_t i = 0; i < b.n_sessions && i < a.n_sessions; i++)
        CHECK(same_session(&b.sessions[i], &a.sessions[i]));
    CHECK_STR(b.sessions[1].label, "後半");
    CHECK_STR(b.sessions[1].venue, "web");
    /* Its labels point into its own front matter, which it owns. */
    CHECK(b.sessions[1].label ==
          json_string_value(json_object_get(
              json_array_get(json_object_get(b.fm, "sessions"), 0), "label")));
    CHECK(b.fm_text == NULL);
    /* A later message finds the field's place in the file again. */
    entry_error(&d, &b, "capacity", "an example");
    char *text = harness_diag_text(&d);
    CHECK(strstr(text, "kenshu.md:16:11: error: an example") != NULL);
    free(text);
    size_t hits, noted;
    entrycache_counts(c, &hits, &noted);
    CHECK_INT(hits, 1);
    CHECK_INT(noted, 0);
    diag_release(&d);
    entrycache_free(c);
    entry_release(&a);
    entry_release(&b);
    free(warnings);
    site_close(&s);
}

/* The warnings loading gave come again with the entry, at the same place. */
static void gives_back_the_warnings(void)
{
    struct sandbox s;
    site_open(&s);
    harness_put(s.dir, "content/activities/salon.md",
                "---\ntitle: サロン\nreading: Salon\ndistrict: haguro\ncategories: [salon]\n"
                "---\n本文\n");
    struct entry a, b;
    char *warnings;
    parse_and_keep(&s, "activities/salon.md", &a, &warnings);
    CHECK(strstr(warnings, "'reading' should be written in kana") != NULL);
    struct entrycache *c = entrycache_open(s.cache, entrycache_salt(&s.cfg));
    struct diag d;
    diag_init(&d);
    CHECK_INT(entrycache_load(c, &d, s.dir, "activities/salon.md",
                              identity_of(&s, "activities/salon.md"), &b),
              0);
    char *again = diag_save_warnings(&d, 0);
    CHECK_STR(again, warnings);
    CHECK_INT(d.warnings, 1);
    free(again);
    diag_release(&d);
    entrycache_free(c);
    entry_release(&a);
    entry_release(&b);
    free(warnings);
    site_close(&s);
}

static void stands_only_for_the_same_file_and_salt(void)
{
    struct sandbox s;
    site_open(&s);
    harness_put(s.dir, "content/events/kenshu.md", event);
    struct entry a, b;
    char *warnings;
    parse_and_keep(&s, "events/kenshu.md", &a, &warnings);
    struct diag d;
    diag_init(&d);
    struct hash id = identity_of(&s, "events/kenshu.md");

    struct entrycache *c = entrycache_open(s.cache, entrycache_salt(&s.cfg));
    struct hash other = id;
    other.lo ^= 1;
    CHECK_INT(entrycache_load(c, &d, s.dir, "events/kenshu.md", other, &b), -1);
    CHECK_INT(entrycache_load(c, &d, s.dir, "events/other.md", id, &b), -1);
    CHECK_INT(d.len, 0); /* a miss says nothing */
    entrycache_free(c);

    /* Another district list: the records were made against other checks. */
    struct hash salt = entrycache_salt(&s.cfg);
    struct taxon *t = (struct taxon *)&s.cfg.districts[0];
    const char *was = t->slug;
    t->slug = "kushibiki";
    CHECK(!hash_equal(entrycache_salt(&s.cfg), salt));
    c = entrycache_open(s.cache, entrycache_salt(&s.cfg));
    CHECK_INT(entrycache_load(c, &d, s.dir, "events/kenshu.md", id, &b), -1);
    entrycache_free(c);
    t->slug = was;

    /* A damaged byte in the record: the record is not used. */
    struct buf bytes;
    buf_init(&bytes);
    CHECK_INT(fs_read_file(&d, s.cache, &bytes), 0);
    bytes.data[bytes.len - 3] ^= 0x20;
    CHECK_INT(fs_write_file(&d, s.cache, bytes.data, bytes.len), 0);
    c = entrycache_open(s.cache, entrycache_salt(&s.cfg));
    CHECK_INT(entrycache_load(c, &d, s.dir, "events/kenshu.md", id, &b), -1);
    entrycache_free(c);
    /* Cut short: the same. */
    CHECK_INT(fs_write_file(&d, s.cache, bytes.data, bytes.len / 2), 0);
    c = entrycache_open(s.cache, entrycache_salt(&s.cfg));
    CHECK_INT(entrycache_load(c, &d, s.dir, "events/kenshu.md", id, &b), -1);
    entrycache_free(c);
    CHECK_INT(d.len, 0);
    buf_release(&bytes);
    diag_release(&d);
    entry_release(&a);
    free(warnings);
    site_close(&s);
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Twenty pages, kept; then one changed: its record is appended, and the file read again has
 * the new one. Then most of them gone: the file is written anew, smaller. */
static void appends_and_compacts(void)
{
    struct sandbox s;
    site_open(&s);
    enum { N = 20 };
    struct entry e[N];
    struct entry *list[N];
    char rel[N][32];
    struct diag d;
    diag_init(&d);
    struct entrycache *c = entrycache_open(s.cache, entrycache_salt(&s.cfg));
    for (int i = 0; i < N; i++) {
        snprintf(rel[i], sizeof rel[i], "pages/p%02d.md", i);
        char text[128];
        snprintf(text, sizeof text, "---\ntitle: ページ %d\n---\n本文 %d\n", i, i);
        char path[48];
        snprintf(path, sizeof path, "content/%s", rel[i]);
        harness_put(s.dir, path, text);
        CHECK_INT(entry_load(&d, &s.cfg, s.dir, rel[i], &e[i]), 0);
        entrycache_note(c, &e[i], identity_of(&s, rel[i]), NULL);
        list[i] = &e[i];
    }
    CHECK_INT(entrycache_save(c, list, N), 0);
    entrycache_free(c);
    long whole = file_size(s.cache);

    /* Nothing new: nothing written. */
    c = entrycache_open(s.cache, entrycache_salt(&s.cfg));
    for (int i = 0; i < N; i++) {
        entry_release(&e[i]);
        CHECK_INT(entrycache_load(c, &d, s.dir, rel[i], identity_of(&s, rel[i]), &e[i]), 0);
    }
    struct stat before, after;
    CHECK_INT(stat(s.cache, &before), 0);
    CHECK_INT(entrycache_save(c, list, N), 0);
    CHECK_INT(stat(s.cache, &after), 0);
    CHECK(before.st_ino == after.st_ino && before.st_size == after.st_size);
    entrycache_free(c);

    /* One page changed: appended. */
    harness_put(s.dir, "content/pages/p03.md", "---\ntitle: 新しい題\n---\n本文\n");
    c = entrycache_open(s.cache, entrycache_salt(&s.cfg));
    for (int i = 0; i < N; i++) {
        entry_release(&e[i]);
        if (entrycache_load(c, &d, s.dir, rel[i], identity_of(&s, rel[i]), &e[i]) != 0) {
            CHECK_INT(i, 3);
            CHECK_INT(entry_load(&d, &s.cfg, s.dir, rel[i], &e[i]), 0);
            entrycache_note(c, &e[i], identity_of(&s, rel[i]), NULL);
        }
    }
    CHECK_INT(entrycache_save(c, list, N), 0);
    entrycache_free(c);
    CHECK(file_size(s.cache) > whole && file_size(s.cache) < whole + whole / 10);
    c = entrycache_open(s.cache, entrycache_salt(&s.cfg));
    struct entry p;
    CHECK_INT(entrycache_load(c, &d, s.dir, rel[3], identity_of(&s, rel[3]), &p), 0);
    CHECK_STR(p.title, "新しい題");
    entry_release(&p);
    entrycache_free(c);

    /* Three pages left: the rest stands for nothing, so the file is written anew. */
    c = entrycache_open(s.cache, entrycache_salt(&s.cfg));
    for (int i = 0; i < 3; i++) {
        entry_release(&e[i]);
        CHECK_INT(entrycache_load(c, &d, s.dir, rel[i], identity_of(&s, rel[i]), &e[i]), 0);
    }
    CHECK_INT(entrycache_save(c, list, 3), 0);
    entrycache_free(c);
    CHECK(file_size(s.cache) < whole / 4);
    c = entrycache_open(s.cache, entrycache_salt(&s.cfg));
    CHECK_INT(entrycache_load(c, &d, s.dir, rel[2], identity_of(&s, rel[2]), &p), 0);
    entry_release(&p);
    CHECK_INT(entrycache_load(c, &d, s.dir, rel[10], identity_of(&s, rel[10]), &p), -1);
    entrycache_free(c);
    CHECK_INT(d.len, 0);
    for (int i = 0; i < N; i++)
        entry_release(&e[i]);
    diag_release(&d);
    site_close(&s);
}

int main(void)
{
    RUN(gives_back_the_loaded_entry);
    RUN(gives_back_the_warnings);
    RUN(stands_only_for_the_same_file_and_salt);
    RUN(appends_and_compacts);
    return HARNESS_DONE();
}
