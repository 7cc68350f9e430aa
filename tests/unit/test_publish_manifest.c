/* Unit tests of publish with a manifest: files kept by key without being written, a build that
 * changes nothing swapping nothing, the previous version reused as staging (and cleaned of
 * what the new version lacks), the checks that make a kept file trustworthy, and the digest of
 * the published files whether they were written, copied or kept. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/diag.h"
#include "core/fs.h"
#include "core/strv.h"
#include "core/xalloc.h"
#include "harness.h"
#include "publish/publish.h"

static char home[4096], dir[64];

static struct hash key(const char *s)
{
    return hash_bytes(s, strlen(s));
}

static struct publish *begin(struct diag *d)
{
    struct publish_options o = {.no_signals = 1, .manifest = "cache/manifest.txt"};
    struct publish *p = publish_begin(d, "out", &o);
    CHECK(p != NULL);
    return p;
}

static ino_t inode(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_ino : 0;
}

static char *slurp(const char *path)
{
    struct diag d;
    diag_init(&d);
    struct buf b;
    buf_init(&b);
    if (fs_read_file(&d, path, &b) != 0) {
        buf_release(&b);
        diag_release(&d);
        return NULL;
    }
    diag_release(&d);
    return buf_detach(&b, NULL);
}

static void check_file(const char *path, const char *want)
{
    char *got = slurp(path);
    CHECK_STR(got, want);
    free(got);
}

/* A first build: a.html, sub/b.html and c.html. */
static void first(struct diag *d)
{
    struct publish *p = begin(d);
    CHECK_INT(publish_write_keyed(p, "a.html", key("A1"), "a1", 2), 0);
    CHECK_INT(publish_write_keyed(p, "sub/b.html", key("B1"), "b1", 2), 0);
    CHECK_INT(publish_write(p, "c.html", "c1", 2), 0);
    CHECK_INT(publish_commit(p), 0);
}

static void keep_and_nothing_changed(void)
{
    struct diag d;
    diag_init(&d);
    first(&d);
    ino_t out = inode("out"), a = inode("out/a.html");

    struct publish *p = begin(&d);
    CHECK_INT(publish_keep(p, "a.html", key("A1")), 0);
    CHECK_INT(publish_keep(p, "sub/b.html", key("other")), 1); /* another key: write it */
    CHECK_INT(publish_keep(p, "c.html", key("c1")), 1);        /* written without a key */
    CHECK_INT(publish_keep(p, "none.html", key("A1")), 1);
    CHECK_INT(publish_write_keyed(p, "sub/b.html", key("B1"), "b1", 2), 0); /* same bytes */
    CHECK_INT(publish_write(p, "c.html", "c1", 2), 0);
    CHECK_INT(publish_commit(p), 0);
    /* Nothing changed: the output folder itself stayed, and nothing was staged. */
    CHECK(inode("out") == out && inode("out/a.html") == a);
    CHECK(access(".out.spare", F_OK) != 0);

    /* The last build is recorded with its key. */
    p = begin(&d);
    unsigned long n1 = 0, n2 = 0;
    CHECK_INT(publish_up_to_date(p, key("build"), &n1, &n2), 0);
    CHECK_INT(publish_keep(p, "a.html", key("A1")), 0);
    CHECK_INT(publish_keep(p, "sub/b.html", key("B1")), 0);
    CHECK_INT(publish_write(p, "c.html", "c1", 2), 0);
    publish_set_build(p, key("build"), 3, 7);
    CHECK_INT(publish_commit(p), 0);
    p = begin(&d);
    CHECK_INT(publish_up_to_date(p, key("build"), &n1, &n2), 1);
    CHECK_INT(n1, 3);
    CHECK_INT(n2, 7);
    CHECK_INT(publish_up_to_date(p, key("another"), &n1, &n2), 0);
    publish_abort(p);

    /* A file changed by hand is no longer kept, nor is the output up to date. */
    sleep(0); /* the mtime differs by nanoseconds at least */
    CHECK_INT(fs_write_file(&d, "out/a.html", "A!", 2), 0);
    p = begin(&d);
    CHECK_INT(publish_up_to_date(p, key("build"), &n1, &n2), 0);
    CHECK_INT(publish_keep(p, "a.html", key("A1")), 1);
    publish_abort(p);
    /* A file added by hand: not up to date either. */
    CHECK_INT(fs_write_file(&d, "out/a.html", "a1", 2), 0);
    CHECK_INT(fs_write_file(&d, "out/sub/extra.html", "x", 1), 0);
    p = begin(&d);
    CHECK_INT(publish_up_to_date(p, key("build"), &n1, &n2), 0);
    publish_abort(p);
    CHECK_INT(d.len, 0);
    diag_release(&d);
}

static void spare_is_staged_in(void)
{
    struct diag d;
    diag_init(&d);
    fs_remove_tree(&d, "out");
    fs_remove_tree(&d, "cache");
    first(&d);
    /* Build 2 changes a.html: the old version becomes the spare. */
    struct publish *p = begin(&d);
    CHECK_INT(publish_write_keyed(p, "a.html", key("A2"), "a2", 2), 0);
    CHECK_INT(publish_keep(p, "sub/b.html", key("B1")), 0);
    CHECK_INT(publish_write(p, "c.html", "c1", 2), 0);
    CHECK_INT(publish_commit(p), 0);
    check_file("out/a.html", "a2");
    check_file(".out.spare/a.html", "a1");
    ino_t spare = inode(".out.spare");
    CHECK(spare != 0);

    /* Build 3 stages in the spare: drops sub/b.html and c.html, adds d/e.html. */
    p = begin(&d);
    CHECK_INT(publish_keep(p, "a.html", key("A2")), 0);
    CHECK_INT(publish_write_keyed(p, "d/e.html", key("E"), "e", 1), 0);
    CHECK_INT(publish_commit(p), 0);
    CHECK(inode("out") == spare);
    check_file("out/a.html", "a2");
    check_file("out/d/e.html", "e");
    CHECK(access("out/sub", F_OK) != 0);
    CHECK(access("out/c.html", F_OK) != 0);
    /* The version before is kept, untouched. */
    check_file(".out.spare/sub/b.html", "b1");

    /* Build 4 fails: the output stays as it was; the spare is gone (it was being changed). */
    p = begin(&d);
    CHECK_INT(publish_write_keyed(p, "a.html", key("A3"), "a3", 2), 0);
    publish_abort(p);
    check_file("out/a.html", "a2");
    check_file("out/d/e.html", "e");
    CHECK(access(".out.staging", F_OK) != 0);

    /* A damaged manifest only means a full staging. */
    CHECK_INT(fs_write_file(&d, "cache/manifest.txt", "kairan-manifest 1\nf junk\n", 24), 0);
    p = begin(&d);
    CHECK_INT(publish_keep(p, "a.html", key("A2")), 1);
    CHECK_INT(publish_write_keyed(p, "a.html", key("A2"), "a2", 2), 0);
    CHECK_INT(publish_commit(p), 0);
    check_file("out/a.html", "a2");
    CHECK(access("out/d/e.html", F_OK) != 0);

    /* kairan clean: the output and the spare go. */
    CHECK_INT(publish_remove(&d, "out"), 0);
    CHECK(access("out", F_OK) != 0 && access(".out.spare", F_OK) != 0);
    CHECK_INT(d.errors, 0);
    diag_release(&d);
}

/* Writing one path twice is an error even when both writes are lazy keeps. */
static void twice_is_an_error(void)
{
    struct diag d;
    diag_init(&d);
    fs_remove_tree(&d, "out");
    fs_remove_tree(&d, "cache");
    first(&d);
    struct publish *p = begin(&d);
    CHECK_INT(publish_keep(p, "a.html", key("A1")), 0);
    CHECK_INT(publish_write_keyed(p, "a.html", key("A1"), "a1", 2), -1);
    CHECK_INT(publish_commit(p), -1);
    CHECK_INT(d.errors, 1);
    char *msg = d.len ? diag_format(&d.msgs[0]) : NULL;
    CHECK_STR(msg, "out/a.html: error: two pages of the site would both be written to this "
                   "file; give one of them another name (slug)");
    free(msg);
    check_file("out/a.html", "a1");
    diag_release(&d);
}

/* The digest: of paths and bytes, whatever the order, the keys, or whether a file was kept. */
static void digest(void)
{
    struct diag d;
    diag_init(&d);
    fs_remove_tree(&d, "out");
    fs_remove_tree(&d, "cache");
    CHECK_INT(fs_write_file(&d, "src.txt", "c1", 2), 0);
    first(&d);
    struct publish *p = begin(&d);
    CHECK_INT(publish_keep(p, "a.html", key("A1")), 0);
    CHECK_INT(publish_write_keyed(p, "sub/b.html", key("another key"), "b1", 2), 0);
    CHECK_INT(publish_file(p, "c.html", "src.txt"), 0);
    struct hash kept = publish_digest(p);
    publish_abort(p);

    /* Without a manifest, in another order, with other keys: the same. */
    struct publish_options o = {.no_signals = 1};
    p = publish_begin(&d, "other", &o);
    CHECK(p != NULL);
    CHECK_INT(publish_write(p, "c.html", "c1", 2), 0);
    CHECK_INT(publish_write(p, "sub/b.html", "b1", 2), 0);
    struct hash two = publish_digest(p);
    CHECK_INT(publish_write_keyed(p, "a.html", key("A2"), "a1", 2), 0);
    CHECK(hash_equal(publish_digest(p), kept));
    CHECK(!hash_equal(two, kept));
    publish_abort(p);

    /* One byte, or one name, changed: another digest. */
    p = publish_begin(&d, "other", &o);
    CHECK_INT(publish_write(p, "c.html", "c1", 2), 0);
    CHECK_INT(publish_write(p, "sub/b.html", "b2", 2), 0);
    CHECK_INT(publish_write(p, "a.html", "a1", 2), 0);
    CHECK(!hash_equal(publish_digest(p), kept));
    publish_abort(p);
    p = publish_begin(&d, "other", &o);
    CHECK_INT(publish_write(p, "c.html", "c1", 2), 0);
    CHECK_INT(publish_write(p, "sub/B.html", "b1", 2), 0);
    CHECK_INT(publish_write(p, "a.html", "a1", 2), 0);
    CHECK(!hash_equal(publish_digest(p), kept));
    publish_abort(p);
    CHECK_INT(d.len, 0);
    diag_release(&d);
}

int main(void)
{
    if (!getcwd(home, sizeof home))
        return 1;
    strcpy(dir, "/tmp/kairan-manifest-XXXXXX");
    if (!mkdtemp(dir) || chdir(dir) != 0)
        return 1;
    RUN(keep_and_nothing_changed);
    RUN(spare_is_staged_in);
    RUN(twice_is_an_error);
    RUN(digest);
    if (chdir(home) != 0)
        return 1;
    struct diag d;
    diag_init(&d);
    fs_remove_tree(&d, dir);
    diag_release(&d);
    return HARNESS_DONE();
}
