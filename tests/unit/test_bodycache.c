/* Unit tests of the body cache: records round-trip exactly, anything damaged is a miss, and
 * records nothing uses are dropped once they outweigh the rest. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/diag.h"
#include "core/fs.h"
#include "core/strv.h"
#include "harness.h"
#include "render/bodycache.h"

static char dir[64];

static struct hash key_of(const char *s)
{
    return hash_bytes(s, strlen(s));
}

static void fill(struct bodycache_record *rec)
{
    memset(rec, 0, sizeof *rec);
    rec->html = strdup("<p>本文 with\nnewlines\n\nand 12: colons</p>");
    rec->summary = strdup("");
    rec->title_html = strdup("<ruby>羽黒<rt>はぐろ</rt></ruby>");
    rec->title_text = strdup("羽黒");
    rec->toc = strdup("[{\"id\":\"a\",\"title\":\"A\"}]");
    rec->search = strdup("本文 with\nnewlines\nand 12: colons");
    rec->title_search = strdup("羽黒\nはぐろ");
    rec->minutes = 3;
    bodycache_add_link(rec, "../events/x.md#top", "/watowa/events/x/#top");
    bodycache_add_link(rec, "notes.pdf", NULL);
    struct bodycache_image img = {"photos/a.jpg", 7, 3, "assets/photos/a.jpg", 42, 1000,
                                  1700000000123456789LL,
                                  {"/img/a-640.jpg", "/img/a-320.jpg 320w", "100vw", 640, 480,
                                   NULL}};
    bodycache_add_image(rec, &img);
}

static void check_same(const struct bodycache_record *got, const struct bodycache_record *rec)
{
    CHECK_STR(got->html, rec->html);
    CHECK_STR(got->summary, "");
    CHECK_STR(got->title_html, rec->title_html);
    CHECK_STR(got->title_text, rec->title_text);
    CHECK_STR(got->toc, rec->toc);
    CHECK_STR(got->search, rec->search);
    CHECK_STR(got->title_search, rec->title_search);
    CHECK_INT(got->minutes, 3);
    CHECK_INT(got->n_links, 2);
    if (got->n_links == 2) {
        CHECK_STR(got->links[0].target, "../events/x.md#top");
        CHECK_STR(got->links[0].url, "/watowa/events/x/#top");
        CHECK_STR(got->links[1].target, "notes.pdf");
        CHECK(got->links[1].url == NULL);
    }
    CHECK_INT(got->n_images, 1);
    if (got->n_images == 1) {
        const struct bodycache_image *m = &got->images[0];
        CHECK_STR(m->src, "photos/a.jpg");
        CHECK_INT(m->line, 7);
        CHECK_INT(m->col, 3);
        CHECK_STR(m->path, "assets/photos/a.jpg");
        CHECK_INT(m->ino, 42);
        CHECK_INT(m->size, 1000);
        CHECK_INT(m->mtime, 1700000000123456789LL);
        CHECK_STR(m->out.src, "/img/a-640.jpg");
        CHECK_STR(m->out.srcset, "/img/a-320.jpg 320w");
        CHECK_STR(m->out.sizes, "100vw");
        CHECK_INT(m->out.width, 640);
        CHECK_INT(m->out.height, 480);
        CHECK(m->out.full == NULL);
    }
}

/* Written in one build, read in the same build and in the next. */
static void round_trip(void)
{
    struct bodycache_record rec, got;
    fill(&rec);
    struct bodycache *c = bodycache_open(dir);
    CHECK_INT(bodycache_read(c, key_of("one"), &got), -1);
    CHECK_INT(bodycache_write(c, key_of("one"), &rec), 0);
    CHECK_INT(bodycache_write(c, key_of("two"), &rec), 0);
    CHECK_INT(bodycache_read(c, key_of("one"), &got), 0);
    check_same(&got, &rec);
    bodycache_record_release(&got);
    bodycache_close(c);

    c = bodycache_open(dir);
    CHECK_INT(bodycache_read(c, key_of("two"), &got), 0);
    check_same(&got, &rec);
    bodycache_record_release(&got);
    /* The search text alone, as search reads it back. */
    char *search = bodycache_read_search(c, key_of("two"));
    CHECK_STR(search, rec.search);
    free(search);
    CHECK(bodycache_read_search(c, key_of("three")) == NULL);
    CHECK_INT(bodycache_read(c, key_of("three"), &got), -1);
    CHECK(got.html == NULL);
    bodycache_close(c);
    bodycache_record_release(&rec);
    CHECK(rec.html == NULL && rec.n_links == 0);
}

/* The path of the one pack file in dir. */
static char *pack_path(void)
{
    struct strv files = STRV_INIT;
    struct diag d;
    diag_init(&d);
    fs_list(&d, dir, dir, ".bin", &files);
    diag_release(&d);
    char *path = files.len == 1 ? fs_join(dir, files.v[0]) : NULL;
    CHECK_INT(files.len, 1);
    strv_release(&files);
    return path;
}

/* A pack cut short (a full disk) or damaged reads as misses, never as part of a record. */
static void damage_is_a_miss(void)
{
    struct diag d;
    diag_init(&d);
    fs_remove_tree(&d, dir);
    struct bodycache_record rec, got;
    fill(&rec);
    struct bodycache *c = bodycache_open(dir);
    CHECK_INT(bodycache_write(c, key_of("a"), &rec), 0);
    bodycache_close(c);
    bodycache_record_release(&rec);
    char *path = pack_path();
    struct buf text;
    buf_init(&text);
    CHECK(path && fs_read_file(&d, path, &text) == 0);
    for (size_t cut = 0; path && cut < text.len; cut += 7) {
        CHECK_INT(fs_write_file(&d, path, text.data, cut), 0);
        c = bodycache_open(dir);
        if (bodycache_read(c, key_of("a"), &got) != -1) {
            harness_fails_now++;
            fprintf(stderr, "a pack cut at %zu bytes was read\n", cut);
            bodycache_record_release(&got);
        }
        bodycache_close(c);
    }
    /* A changed byte in the text shows in the lengths or in the key. */
    if (path && text.len > 20) {
        text.data[16] ^= 1;
        CHECK_INT(fs_write_file(&d, path, text.data, text.len), 0);
        c = bodycache_open(dir);
        CHECK_INT(bodycache_read(c, key_of("a"), &got), -1);
        bodycache_close(c);
    }
    /* An index of another format is an empty cache. */
    char *index = fs_join(dir, "index");
    CHECK_INT(fs_write_file(&d, index, "kairan-bodies 9\n", 16), 0);
    c = bodycache_open(dir);
    CHECK_INT(bodycache_read(c, key_of("a"), &got), -1);
    bodycache_close(c);
    free(index);
    buf_release(&text);
    free(path);
    diag_release(&d);
}

/* A search text longer than what is read first comes whole. */
static void long_search_text(void)
{
    struct bodycache_record rec;
    fill(&rec);
    free(rec.search);
    rec.search = calloc(1, 5001);
    memset(rec.search, 'y', 5000);
    struct bodycache *c = bodycache_open(dir);
    CHECK_INT(bodycache_write(c, key_of("long"), &rec), 0);
    char *search = bodycache_read_search(c, key_of("long"));
    CHECK(search && strlen(search) == 5000 && search[4999] == 'y');
    free(search);
    bodycache_close(c);
    bodycache_record_release(&rec);
}

/* Records no build uses any more go once they outweigh the ones in use. */
static void unused_records_go(void)
{
    struct diag d;
    diag_init(&d);
    fs_remove_tree(&d, dir);
    diag_release(&d);
    struct bodycache_record rec, got;
    fill(&rec);
    free(rec.html);
    rec.html = calloc(1, 100001);
    memset(rec.html, 'x', 100000);
    struct bodycache *c = bodycache_open(dir);
    char name[16];
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof name, "old%d", i);
        CHECK_INT(bodycache_write(c, key_of(name), &rec), 0);
    }
    bodycache_close(c);
    /* The next build uses one of them and writes one. */
    c = bodycache_open(dir);
    CHECK_INT(bodycache_read(c, key_of("old3"), &got), 0);
    bodycache_record_release(&got);
    CHECK_INT(bodycache_write(c, key_of("new"), &rec), 0);
    bodycache_close(c);
    c = bodycache_open(dir);
    CHECK_INT(bodycache_read(c, key_of("old3"), &got), 0);
    CHECK_INT(got.html ? strlen(got.html) : 0, 100000);
    bodycache_record_release(&got);
    CHECK_INT(bodycache_read(c, key_of("new"), &got), 0);
    bodycache_record_release(&got);
    CHECK_INT(bodycache_read(c, key_of("old4"), &got), -1);
    bodycache_close(c);
    char *path = pack_path(); /* one pack left */
    struct stat st;
    CHECK(path && stat(path, &st) == 0 && st.st_size < 300000);
    free(path);
    bodycache_record_release(&rec);
}

static void unwritable_folder(void)
{
    struct bodycache_record rec;
    fill(&rec);
    char *file = fs_join(dir, "plain");
    struct diag d;
    diag_init(&d);
    CHECK_INT(fs_mkdirs(&d, dir), 0);
    CHECK_INT(fs_write_file(&d, file, "x", 1), 0);
    /* A folder that is a file: the record is left out, quietly. */
    struct bodycache *c = bodycache_open(file);
    CHECK_INT(bodycache_write(c, key_of("one"), &rec), -1);
    bodycache_close(c);
    CHECK_INT(d.len, 0);
    diag_release(&d);
    bodycache_record_release(&rec);
    free(file);
}

int main(void)
{
    if (harness_tmpdir(dir, "bodycache") != 0)
        return 1;
    strcat(dir, "/bodies"); /* created by the first write */
    RUN(round_trip);
    RUN(damage_is_a_miss);
    RUN(long_search_text);
    RUN(unused_records_go);
    RUN(unwritable_folder);
    *strrchr(dir, '/') = '\0';
    harness_remove_tree(dir);
    return HARNESS_DONE();
}
