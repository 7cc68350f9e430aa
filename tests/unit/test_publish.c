/* Unit tests of publish: staging, unchanged files, the swap, the lock, failures and signals.
 * Each test works in a fresh folder under /tmp (the current folder while it runs) and compares
 * whole trees through a listing of every path, mode and content hash. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/diag.h"
#include "core/fs.h"
#include "core/hash.h"
#include "core/pool.h"
#include "core/strv.h"
#include "core/xalloc.h"
#include "harness.h"
#include "publish/publish.h"

/* ---- helpers ---- */

struct sandbox {
    char home[PATH_MAX];
    char dir[64];
};

static void sandbox_enter(struct sandbox *s)
{
    CHECK(getcwd(s->home, sizeof s->home) != NULL);
    CHECK_INT(harness_tmpdir(s->dir, "publish"), 0);
    CHECK(chdir(s->dir) == 0);
}

static void sandbox_leave(struct sandbox *s)
{
    CHECK(chdir(s->home) == 0);
    harness_remove_tree(s->dir);
}

static void walk(struct buf *out, struct strv *lines, const char *root, const char *rel)
{
    char *path = *rel ? fs_join(root, rel) : xstrdup(root);
    DIR *dir = opendir(path);
    struct dirent *e;
    while (dir && (e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *child_rel = *rel ? fs_join(rel, e->d_name) : xstrdup(e->d_name);
        char *child = fs_join(root, child_rel);
        struct stat st;
        lstat(child, &st);
        if (S_ISDIR(st.st_mode)) {
            strv_push_owned(lines, xasprintf("%s/ %o", child_rel, st.st_mode & 07777));
            walk(out, lines, root, child_rel);
        } else {
            struct buf data;
            buf_init(&data);
            struct diag d;
            diag_init(&d);
            fs_read_file(&d, child, &data);
            diag_release(&d);
            char hex[33];
            strv_push_owned(lines, xasprintf("%s %o %zu %s", child_rel, st.st_mode & 07777,
                                             data.len, hash_hex(hash_bytes(data.data, data.len),
                                                                hex)));
            buf_release(&data);
        }
        free(child);
        free(child_rel);
    }
    if (dir)
        closedir(dir);
    free(path);
}

/* Returns a new string listing every path below root with its mode and content hash, sorted;
 * "(missing)" if root does not exist. The caller frees it. */
static char *listing(const char *root)
{
    struct stat st;
    if (lstat(root, &st) != 0)
        return xstrdup("(missing)");
    struct strv lines = STRV_INIT;
    struct buf out;
    buf_init(&out);
    buf_printf(&out, "%o\n", st.st_mode & 07777);
    walk(&out, &lines, root, "");
    strv_sort(&lines);
    for (size_t i = 0; i < lines.len; i++)
        buf_printf(&out, "%s\n", lines.v[i]);
    strv_release(&lines);
    return buf_detach(&out, NULL);
}

/* Counts the entries of the current folder whose name starts with prefix. */
static int count_prefixed(const char *prefix)
{
    int n = 0;
    DIR *dir = opendir(".");
    struct dirent *e;
    while (dir && (e = readdir(dir)) != NULL)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    if (dir)
        closedir(dir);
    return n;
}

static const struct publish_options quiet = {.no_signals = 1};

static int write_str(struct publish *p, const char *rel, const char *text)
{
    return publish_write(p, rel, text, strlen(text));
}

/* Publishes a small site (three pages) into public/. */
static void publish_first_version(void)
{
    struct diag d;
    diag_init(&d);
    struct publish *p = publish_begin(&d, "public", &quiet);
    CHECK(p != NULL);
    if (p) {
        CHECK_INT(write_str(p, "index.html", "<p>top</p>\n"), 0);
        CHECK_INT(write_str(p, "about/index.html", "two"), 0);
        CHECK_INT(write_str(p, "old/index.html", "going away"), 0);
        CHECK_INT(publish_commit(p), 0);
    }
    CHECK_INT(diag_error_count(&d), 0);
    diag_release(&d);
}

/* ---- tests ---- */

static void first_publish(void)
{
    struct sandbox sb;
    sandbox_enter(&sb);
    mode_t mask = umask(077); /* the published files are readable by the web server anyway */
    harness_put(NULL, "src/photo.jpg", "JPEGDATA");
    struct diag d;
    diag_init(&d);
    struct publish *p = publish_begin(&d, "public/", NULL);
    CHECK(p != NULL);
    CHECK_INT(count_prefixed(".public.staging-"), 1);
    CHECK_INT(write_str(p, "index.html", "hello"), 0);
    CHECK_INT(write_str(p, "events/2026/kenshu/index.html", "event"), 0);
    CHECK_INT(publish_write(p, "empty.txt", "", 0), 0);
    CHECK_INT(publish_file(p, "img/photo.jpg", "src/photo.jpg"), 0);
    CHECK_INT(fs_is_dir("public"), 0); /* nothing visible before the commit */
    CHECK_INT(publish_commit(p), 0);
    umask(mask);
    CHECK_INT(diag_error_count(&d), 0);

    char *got = listing("public");
    char want[1024], h1[33], h2[33], h3[33], h4[33];
    snprintf(want, sizeof want,
             "755\n"
             "empty.txt 644 0 %s\n"
             "events/ 755\n"
             "events/2026/ 755\n"
             "events/2026/kenshu/ 755\n"
             "events/2026/kenshu/index.html 644 5 %s\n"
             "img/ 755\n"
             "img/photo.jpg 644 8 %s\n"
             "index.html 644 5 %s\n",
             hash_hex(hash_bytes("", 0), h1), hash_hex(hash_bytes("event", 5), h2),
             hash_hex(hash_bytes("JPEGDATA", 8), h3), hash_hex(hash_bytes("hello", 5), h4));
    CHECK_STR(got, want);
    free(got);
    CHECK_INT(count_prefixed(".public.staging-"), 0);
    CHECK(fs_is_file(".public.lock"));
    diag_release(&d);
    sandbox_leave(&sb);
}

static void republish_keeps_unchanged_files(void)
{
    struct sandbox sb;
    sandbox_enter(&sb);
    harness_put(NULL, "src/a.css", "body{}");
    publish_first_version();
    struct diag d;
    diag_init(&d);
    /* A static file placed by publish_file, first build. */
    struct publish *p = publish_begin(&d, "public", &quiet);
    CHECK_INT(write_str(p, "index.html", "<p>top</p>\n"), 0);
    CHECK_INT(write_str(p, "about/index.html", "two"), 0);
    CHECK_INT(write_str(p, "old/index.html", "going away"), 0);
    CHECK_INT(publish_file(p, "a.css", "src/a.css"), 0);
    CHECK_INT(publish_commit(p), 0);

    struct stat index1, about1, css1, index2, about2, css2;
    CHECK_INT(stat("public/index.html", &index1), 0);
    CHECK_INT(stat("public/about/index.html", &about1), 0);
    CHECK_INT(stat("public/a.css", &css1), 0);
    struct timespec pause = {0, 20000000};
    nanosleep(&pause, NULL); /* a rewritten file would get a visibly later mtime */

    p = publish_begin(&d, "public", &quiet);
    CHECK_INT(write_str(p, "index.html", "<p>top</p>\n"), 0); /* same bytes */
    CHECK_INT(write_str(p, "about/index.html", "TWO"), 0);     /* same size, new bytes */
    CHECK_INT(publish_file(p, "a.css", "src/a.css"), 0);        /* same bytes */
    CHECK_INT(write_str(p, "new/index.html", "fresh"), 0);
    CHECK_INT(publish_commit(p), 0);
    CHECK_INT(diag_error_count(&d), 0);

    CHECK_INT(stat("public/index.html", &index2), 0);
    CHECK_INT(stat("public/about/index.html", &about2), 0);
    CHECK_INT(stat("public/a.css", &css2), 0);
    CHECK(index1.st_ino == index2.st_ino);
    CHECK(index1.st_mtim.tv_sec == index2.st_mtim.tv_sec &&
          index1.st_mtim.tv_nsec == index2.st_mtim.tv_nsec);
    CHECK(css1.st_ino == css2.st_ino);
    CHECK(css1.st_mtim.tv_nsec == css2.st_mtim.tv_nsec);
    CHECK(about1.st_ino != about2.st_ino);
    CHECK(about1.st_mtim.tv_sec != about2.st_mtim.tv_sec ||
          about1.st_mtim.tv_nsec != about2.st_mtim.tv_nsec);
    CHECK_INT(index2.st_nlink, 1); /* the previous tree is gone */

    struct buf b;
    buf_init(&b);
    CHECK_INT(fs_read_file(&d, "public/about/index.html", &b), 0);
    CHECK_STR(b.data, "TWO");
    buf_release(&b);
    CHECK(!fs_is_dir("public/old"));
    CHECK(fs_is_file("public/new/index.html"));
    CHECK_INT(count_prefixed(".public."), 1); /* only the lock */
    diag_release(&d);
    sandbox_leave(&sb);
}

static void unchanged_needs_mode_0644(void)
{
    struct sandbox sb;
    sandbox_enter(&sb);
    publish_first_version();
    chmod("public/index.html", 0600);
    struct stat before, after;
    stat("public/index.html", &before);
    struct diag d;
    diag_init(&d);
    struct publish *p = publish_begin(&d, "public", &quiet);
    CHECK_INT(write_str(p, "index.html", "<p>top</p>\n"), 0);
    CHECK_INT(publish_commit(p), 0);
    stat("public/index.html", &after);
    CHECK(before.st_ino != after.st_ino);
    CHECK_INT(after.st_mode & 07777, 0644);
    diag_release(&d);
    sandbox_leave(&sb);
}

/* Links someone put into the output are never followed, neither to compare nor to write. */
static void links_in_the_output_are_not_followed(void)
{
    struct sandbox sb;
    sandbox_enter(&sb);
    publish_first_version();
    harness_put(NULL, "secret.txt", "secret");
    harness_put(NULL, "outside/x.html", "outside");
    CHECK_INT(symlink("../secret.txt", "public/leak.html"), 0);
    CHECK_INT(symlink("../outside", "public/dir"), 0);
    char *outside = listing("outside");
    struct diag d;
    diag_init(&d);
    struct publish *p = publish_begin(&d, "public", &quiet);
    CHECK_INT(write_str(p, "leak.html", "secret"), 0);
    CHECK_INT(write_str(p, "dir/x.html", "outside"), 0);
    CHECK_INT(publish_commit(p), 0);
    CHECK_INT(diag_error_count(&d), 0);
    struct stat st, secret;
    CHECK(lstat("public/leak.html", &st) == 0 && S_ISREG(st.st_mode));
    CHECK(stat("secret.txt", &secret) == 0 && secret.st_ino != st.st_ino);
    CHECK_INT(secret.st_nlink, 1);
    CHECK(lstat("public/dir", &st) == 0 && S_ISDIR(st.st_mode));
    char *after = listing("outside");
    CHECK_STR(after, outside);
    free(after);
    free(outside);
    diag_release(&d);
    sandbox_leave(&sb);
}

static void abort_leaves_output_untouched(void)
{
    struct sandbox sb;
    sandbox_enter(&sb);
    publish_first_version();
    char *before = listing("public");
    struct diag d;
    diag_init(&d);
    struct publish *p = publish_begin(&d, "public", &quiet);
    CHECK_INT(write_str(p, "index.html", "changed"), 0);
    CHECK_INT(write_str(p, "about/index.html", "two"), 0);
    CHECK_INT(write_str(p, "brand/new/page.html", "x"), 0);
    publish_abort(p);
    publish_abort(NULL);
    char *after = listing("public");
    CHECK_STR(after, before);
    free(after);
    CHECK_INT(count_prefixed(".public.staging-"), 0);

    /* A commit after a failed write refuses, removes staging and changes nothing. */
    p = publish_begin(&d, "public", &quiet);
    CHECK_INT(write_str(p, "index.html", "changed"), 0);
    CHECK_INT(write_str(p, "../escape.html", "x"), -1);
    CHECK_INT(publish_commit(p), -1);
    after = listing("public");
    CHECK_STR(after, before);
    free(after);
    CHECK_INT(count_prefixed(".public.staging-"), 0);
    CHECK(!fs_is_file("escape.html"));
    CHECK_INT(diag_error_count(&d), 1);
    free(before);
    diag_release(&d);
    sandbox_leave(&sb);
}

/* Every path that fs_rel_problem refuses (tested in test_fs) is refused as a bug, named in
 * the message with its problem, and nothing is written anywhere. */
static void unsafe_paths_refused(void)
{
    static const struct {
        const char *rel, *problem;
    } cases[] = {
        {"", "an empty path"},
        {"/etc/passwd", "an absolute path"},
        {"a/../../up.html", "a '..' part"},
        {"a//b.html", "an empty part"},
        {"a\nb.html", "a control character"},
        {"a\x7f.html", "a control character"},
    };
    struct sandbox sb;
    sandbox_enter(&sb);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct diag d;
        diag_init(&d);
        struct publish *p = publish_begin(&d, "public", &quiet);
        CHECK_INT(write_str(p, cases[i].rel, "x"), -1);
        char *got = harness_diag_text(&d);
        char *shown = xstrdup(cases[i].rel);
        for (char *s = shown; *s; s++)
            if (*s == '\n' || *s == 0x7f)
                *s = '?';
        char *want = xasprintf("kairan: error: internal error: refusing to write '%s' (%s); "
                               "this is a bug in kairan, please report it\n",
                               shown, cases[i].problem);
        CHECK_STR(got, want);
        free(got);
        free(want);
        free(shown);
        publish_abort(p);
        diag_release(&d);
    }
    CHECK(!fs_is_dir("public"));
    CHECK_INT(count_prefixed(".public.staging-"), 0);
    sandbox_leave(&sb);
}

static void same_path_twice_is_an_error(void)
{
    struct sandbox sb;
    sandbox_enter(&sb);
    publish_first_version();
    struct diag d;
    diag_init(&d);
    struct publish *p = publish_begin(&d, "public", &quiet);
    CHECK_INT(write_str(p, "x/index.html", "one"), 0);
    CHECK_INT(write_str(p, "x/index.html", "two"), -1);
    /* Unchanged bytes take the hard-link road: the same check applies. */
    CHECK_INT(write_str(p, "index.html", "<p>top</p>\n"), 0);
    CHECK_INT(write_str(p, "index.html", "<p>top</p>\n"), -1);
    /* A file where a folder is, and a folder where a file is. */
    CHECK_INT(write_str(p, "x", "file"), -1);
    CHECK_INT(write_str(p, "index.html/inner.html", "y"), -1);
    char *got = harness_diag_text(&d);
    CHECK_STR(got, "public/index.html: error: two pages of the site would both be written to "
                   "this file; give one of them another name (slug)\n"
                   "public/index.html/inner.html: error: would be inside a folder that is also "
                   "a file; give one of the pages another name (slug)\n"
                   "public/x: error: would be both a file and a folder; give one of the pages "
                   "another name (slug)\n"
                   "public/x/index.html: error: two pages of the site would both be written to "
                   "this file; give one of them another name (slug)\n");
    free(got);
    /* These are content errors, not a broken disk: other writes still go through. */
    CHECK_INT(write_str(p, "y.html", "fine"), 0);
    CHECK_INT(publish_commit(p), -1);
    diag_release(&d);
    sandbox_leave(&sb);
}

static void bad_output_folders_refused(void)
{
    struct sandbox sb;
    sandbox_enter(&sb);
    harness_put(NULL, "afile", "x");
    CHECK_INT(mkdir("real", 0755), 0);
    CHECK_INT(symlink("real", "linked"), 0);
    CHECK_INT(mkdir("site", 0755), 0);
    CHECK_INT(mkdir("site/content", 0755), 0);
    CHECK_INT(mkdir("site/themes", 0755), 0);
    CHECK_INT(mkdir("site/themes/default", 0755), 0);
    static const char *const keep[] = {"site", NULL};
    static const char *const sources[] = {"site/content", "site/themes", NULL};
    struct publish_options opt = {.no_signals = 1, .keep = keep, .sources = sources};
    static const struct {
        const char *out, *want;
    } cases[] = {
        {"afile", "afile: error: is a file, not a folder; move it away or choose another output "
                  "folder\n"},
        {"linked", "linked: error: is a link to another folder; kairan replaces the output "
                   "folder on every build, so it must be a real folder (remove the link, or give "
                   "the real folder's path)\n"},
        {".", ".: error: cannot be the output folder: kairan replaces the output folder on "
              "every build, so give it a folder of its own, like public\n"},
        {"site/..", "site/..: error: cannot be the output folder: kairan replaces the output "
                    "folder on every build, so give it a folder of its own, like public\n"},
        {"/", "/: error: cannot be the output folder: kairan replaces the output folder on "
              "every build, so give it a folder of its own, like public\n"},
        {"", "kairan: error: cannot be the output folder: kairan replaces the output folder on "
             "every build, so give it a folder of its own, like public\n"},
        {"site", "site: error: cannot be the output folder: it holds site, and kairan "
                 "replaces the output folder on every build; choose another one, like public\n"},
        {"site/themes/default", "site/themes/default: error: cannot be the output folder: it "
                                "is inside site/themes/, which kairan reads the site from; "
                                "choose a folder outside it, like public\n"},
        {"site/content/www", "site/content/www: error: cannot be the output folder: it is "
                             "inside site/content/, which kairan reads the site from; choose a "
                             "folder outside it, like public\n"},
        {"site/content/", "site/content: error: cannot be the output folder: kairan reads the "
                          "site from it, and replaces the output folder on every build; choose "
                          "another one, like public\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct diag d;
        diag_init(&d);
        CHECK(publish_begin(&d, cases[i].out, &opt) == NULL);
        char *got = harness_diag_text(&d);
        CHECK_STR(got, cases[i].want);
        free(got);
        diag_release(&d);
    }
    CHECK(fs_is_file("afile"));
    CHECK(fs_is_dir("site/content"));
    struct stat st;
    CHECK(lstat("linked", &st) == 0 && S_ISLNK(st.st_mode));
    /* A read-only output is refused by its permissions (so also for root), before anything. */
    struct diag d;
    diag_init(&d);
    CHECK_INT(mkdir("locked", 0555), 0);
    CHECK(publish_begin(&d, "locked", &opt) == NULL);
    char *got = harness_diag_text(&d);
    CHECK_STR(got, "locked: error: is read-only (its permissions let no one write to it); make it "
                   "writable, or remove it, and build again\n");
    free(got);
    CHECK_INT(d.io_errors, 1);
    diag_release(&d);
    CHECK(fs_is_dir("locked"));
    /* The output may live anywhere else, including in a folder that does not exist yet. */
    diag_init(&d);
    struct publish *p = publish_begin(&d, "site/out/public", &opt);
    CHECK(p != NULL);
    CHECK_INT(write_str(p, "index.html", "x"), 0);
    CHECK_INT(publish_commit(p), 0);
    CHECK(fs_is_file("site/out/public/index.html"));
    CHECK(fs_is_file("site/out/.public.lock"));
    diag_release(&d);
    sandbox_leave(&sb);
}

static void write_page(size_t i, void *userdata)
{
    struct publish *p = userdata;
    char rel[64], text[64];
    snprintf(rel, sizeof rel, "s%zu/p%zu.html", i / 50, i);
    snprintf(text, sizeof text, "page %zu", i * 7919 % 1000);
    CHECK_INT(write_str(p, rel, text), 0);
}

static void deterministic_whatever_the_threads(void)
{
    enum { N = 300 };
    struct sandbox sb;
    sandbox_enter(&sb);
    char *trees[3];
    unsigned threads[3] = {1, 8, 3};
    for (int t = 0; t < 3; t++) {
        if (t < 2)
            harness_remove_tree("public"); /* from scratch, then once over an existing output */
        struct diag d;
        diag_init(&d);
        struct publish *p = publish_begin(&d, "public", &quiet);
        struct pool *pool = pool_new(threads[t]);
        pool_for(pool, N, write_page, p);
        pool_free(pool);
        CHECK_INT(publish_commit(p), 0);
        CHECK_INT(diag_error_count(&d), 0);
        diag_release(&d);
        trees[t] = listing("public");
    }
    CHECK_STR(trees[1], trees[0]);
    CHECK_STR(trees[2], trees[0]);
    CHECK(strstr(trees[0], "s5/p299.html 644 8 ") != NULL);
    for (int t = 0; t < 3; t++)
        free(trees[t]);
    sandbox_leave(&sb);
}

static void missing_source_file(void)
{
    struct sandbox sb;
    sandbox_enter(&sb);
    CHECK_INT(mkdir("src", 0755), 0);
    struct diag d;
    diag_init(&d);
    struct publish *p = publish_begin(&d, "public", &quiet);
    CHECK_INT(publish_file(p, "a.png", "src/missing.png"), -1);
    CHECK_INT(publish_file(p, "b.png", "src"), -1);
    char *got = harness_diag_text(&d);
    CHECK_STR(got, "src: error: is a folder, not a file\n"
                   "src/missing.png: error: cannot open: No such file or directory\n");
    free(got);
    CHECK_INT(publish_commit(p), -1);
    CHECK(!fs_is_dir("public"));
    diag_release(&d);
    sandbox_leave(&sb);
}

static void leftovers_of_a_killed_build_are_cleaned(void)
{
    struct sandbox sb;
    sandbox_enter(&sb);
    publish_first_version();
    char *before = listing("public");
    struct diag d;
    diag_init(&d);

    /* A staging folder of a build killed with SIGKILL, and a link named like one. */
    harness_put(NULL, ".public.staging-99999/deep/er/page.html", "half");
    harness_put(NULL, "elsewhere/keep.txt", "must survive");
    CHECK_INT(symlink("elsewhere", ".public.staging-12"), 0);
    struct publish *p = publish_begin(&d, "public", &quiet);
    CHECK(p != NULL);
    CHECK_INT(count_prefixed(".public.staging-"), 1); /* our own */
    publish_abort(p);
    CHECK_INT(count_prefixed(".public.staging-"), 0);
    CHECK(fs_is_file("elsewhere/keep.txt"));

    /* Killed between the two renames of the fallback swap: the output is put back. */
    CHECK_INT(rename("public", ".public.old-4242"), 0);
    p = publish_begin(&d, "public", &quiet);
    CHECK(p != NULL);
    publish_abort(p);
    char *after = listing("public");
    CHECK_STR(after, before);
    free(after);
    CHECK_INT(count_prefixed(".public.old-"), 0);

    /* Killed after both renames: the old tree is just removed. */
    harness_put(NULL, ".public.old-7/x.html", "old");
    p = publish_begin(&d, "public", &quiet);
    publish_abort(p);
    after = listing("public");
    CHECK_STR(after, before);
    free(after);
    CHECK_INT(count_prefixed(".public.old-"), 0);
    CHECK_INT(diag_error_count(&d), 0);
    free(before);
    diag_release(&d);
    sandbox_leave(&sb);
}

/* The lock: a second build fails at once (no_wait) or waits with one line, then goes on. */
struct waiter {
    struct publish *p;
    struct diag d;
    FILE *notice;
};

static void *wait_for_lock(void *arg)
{
    struct waiter *w = arg;
    struct publish_options opt = {.no_signals = 1, .notice = w->notice};
    w->p = publish_begin(&w->d, "public", &opt);
    return NULL;
}

static void second_build_waits_for_the_lock(void)
{
    struct sandbox sb;
    sandbox_enter(&sb);
    publish_first_version();
    int ready[2], go[2], notice[2];
    CHECK(pipe(ready) == 0 && pipe(go) == 0 && pipe(notice) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        struct diag d;
        diag_init(&d);
        struct publish *p = publish_begin(&d, "public", &quiet);
        int ok = p && write_str(p, "index.html", "from the first build") == 0;
        char c = 'r';
        ok = ok && write(ready[1], &c, 1) == 1 && read(go[0], &c, 1) == 1;
        ok = ok && publish_commit(p) == 0;
        _exit(ok ? 0 : 1);
    }
    char c;
    CHECK_INT(read(ready[0], &c, 1), 1);

    struct diag d;
    diag_init(&d);
    struct publish_options no_wait = {.no_wait = 1, .no_signals = 1};
    CHECK(publish_begin(&d, "public", &no_wait) == NULL);
    char *got = harness_diag_text(&d);
    CHECK_STR(got, "public: error: another build is writing to this folder right now; try again "
                   "when it has finished\n");
    free(got);
    diag_release(&d);

    struct waiter w = {.notice = fdopen(notice[1], "w")};
    diag_init(&w.d);
    pthread_t t;
    pthread_create(&t, NULL, wait_for_lock, &w);
    char line[200] = "";
    FILE *in = fdopen(notice[0], "r");
    CHECK(fgets(line, sizeof line, in) != NULL);
    CHECK_STR(line, "kairan: waiting for another build writing to public/ to finish\n");
    CHECK_INT(write(go[1], "g", 1), 1); /* now let the first build finish */
    pthread_join(t, NULL);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(w.p != NULL);
    if (w.p) {
        /* The first build was committed before the second got the lock. */
        struct buf b;
        buf_init(&b);
        CHECK_INT(fs_read_file(&w.d, "public/index.html", &b), 0);
        CHECK_STR(b.data, "from the first build");
        buf_release(&b);
        CHECK_INT(write_str(w.p, "index.html", "from the second build"), 0);
        CHECK_INT(publish_commit(w.p), 0);
    }
    CHECK_INT(diag_error_count(&w.d), 0);
    diag_release(&w.d);
    fclose(w.notice);
    fclose(in);
    close(ready[0]);
    close(ready[1]);
    close(go[0]);
    close(go[1]);
    sandbox_leave(&sb);
}

/* Runs publish_begin as a user who may not write in the current folder (nobody, when the tests
 * run as root) and returns its messages as a new string; the caller frees it. */
static char *begin_without_write_permission(void)
{
    int out[2];
    CHECK(pipe(out) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(out[0]);
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(2);
        struct diag d;
        diag_init(&d);
        struct publish *p = publish_begin(&d, "public", &quiet);
        if (p)
            publish_abort(p);
        char *text = harness_diag_text(&d);
        ssize_t n = write(out[1], text, strlen(text));
        _exit(n == (ssize_t)strlen(text) ? 0 : 3);
    }
    close(out[1]);
    struct buf b;
    buf_init(&b);
    char chunk[512];
    ssize_t n;
    while ((n = read(out[0], chunk, sizeof chunk)) > 0)
        buf_add(&b, chunk, (size_t)n);
    close(out[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return buf_detach(&b, NULL);
}

static void unwritable_folder(void)
{
    struct sandbox sb;
    sandbox_enter(&sb);
    publish_first_version();
    char *before = listing("public");
    CHECK_INT(chmod(".", 0555), 0);
    char *got = begin_without_write_permission();
    CHECK_STR(got, ".public.lock: error: cannot open the lock file that keeps two builds apart: "
                   "Permission denied (kairan is not allowed to: check the permissions, or ask "
                   "whoever set up this folder)\n");
    free(got);

    /* The lock can be taken, but the folder for the new version cannot be made. */
    CHECK_INT(chmod(".public.lock", 0666), 0);
    got = begin_without_write_permission();
    CHECK_STR(got, "public: error: cannot create the new version of the site next to this "
                   "folder: Permission denied (kairan is not allowed to: check the permissions, "
                   "or ask whoever set up this folder)\n");
    free(got);
    char *after = listing("public");
    CHECK_STR(after, before);
    free(after);
    free(before);
    CHECK_INT(count_prefixed(".public.staging-"), 0);
    sandbox_leave(&sb);
}

/* A full disk, simulated with a file size limit: write() fails with EFBIG. */
static void disk_full(void)
{
    struct sandbox sb;
    sandbox_enter(&sb);
    publish_first_version();
    char *before = listing("public");
    struct diag d;
    diag_init(&d);
    struct publish *p = publish_begin(&d, "public", &quiet);
    CHECK_INT(write_str(p, "index.html", "new front page"), 0);

    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = 4096;
    struct sigaction ign = {.sa_handler = SIG_IGN}, prev;
    sigaction(SIGXFSZ, &ign, &prev);
    char *big = xcalloc(1, 10000);
    CHECK_INT(setrlimit(RLIMIT_FSIZE, &lim), 0);
    CHECK_INT(publish_write(p, "img/big.bin", big, 10000), -1);
    setrlimit(RLIMIT_FSIZE, &old);
    sigaction(SIGXFSZ, &prev, NULL);
    free(big);

    /* After an I/O error the rest of the build fails quietly instead of repeating it. */
    CHECK_INT(write_str(p, "later.html", "x"), -1);
    char *got = harness_diag_text(&d);
    CHECK_STR(got, "public/img/big.bin: error: cannot write: File too large (the file is larger "
                   "than this system allows here)\n");
    free(got);
    CHECK_INT(d.io_errors, 1);
    CHECK_INT(publish_commit(p), -1);
    char *after = listing("public");
    CHECK_STR(after, before);
    free(after);
    free(before);
    CHECK_INT(count_prefixed(".public.staging-"), 0);
    diag_release(&d);
    sandbox_leave(&sb);
}

/* ---- killing a build at random moments ---- */

enum { KILL_FILES = 60 };

struct slow_job {
    struct publish *p;
    int version;
    int progress; /* a pipe that gets one byte per page written, -1: none */
};

static void slow_page(size_t i, void *userdata)
{
    struct slow_job *job = userdata;
    if (publish_interrupted(job->p))
        return;
    char rel[64], text[128];
    /* Version 1 has pages version 0 lacks, and the other way round. */
    snprintf(rel, sizeof rel, "v%zu/p%zu.html", (i + (size_t)job->version) % 4, i);
    snprintf(text, sizeof text, "version %d page %zu %s", job->version, i,
             i % 3 ? "same length" : "same LENGTH");
    struct timespec pause = {0, 150000};
    nanosleep(&pause, NULL);
    publish_write(job->p, rel, text, strlen(text));
    if (job->progress >= 0 && write(job->progress, "", 1) != 1)
        _exit(4); /* the parent keeps the pipe open until this process has ended */
}

/* The child: publishes one version with four workers, slowly, and exits 0 once committed. */
static void publish_version_slowly(int version, int progress)
{
    struct diag d;
    diag_init(&d);
    struct publish *p = publish_begin(&d, "public", NULL);
    if (!p)
        _exit(1);
    struct pool *pool = pool_new(4);
    struct slow_job job = {p, version, progress};
    pool_for(pool, KILL_FILES, slow_page, &job);
    pool_free(pool);
    _exit(publish_commit(p) == 0 ? 0 : 1);
}

static char *publish_version(int version)
{
    harness_remove_tree("public");
    pid_t pid = fork();
    if (pid == 0)
        publish_version_slowly(version, -1);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return listing("public");
}

static void killed_builds_leave_the_output_whole(void)
{
    struct sandbox sb;
    sandbox_enter(&sb);
    char *versions[2] = {publish_version(0), publish_version(1)};
    CHECK(strcmp(versions[0], versions[1]) != 0);
    int current = 1;
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    static const int sigs[] = {SIGINT, SIGTERM, SIGKILL};
    int outcomes[2] = {0, 0}; /* rounds where the old, the new version stayed */
    for (int round = 0; round < 30; round++) {
        int sig = sigs[round % 3];
        int next = 1 - current;
        int progress[2];
        CHECK(pipe(progress) == 0);
        pid_t pid = fork();
        if (pid == 0) {
            close(progress[0]);
            publish_version_slowly(next, progress[1]);
        }
        close(progress[1]);
        /* The moment to kill is counted in pages written, so that it spreads over the whole
         * build however busy the machine is: before the first page, between any two, or up
         * to 2 ms after the last (during or after the commit). */
        long pages = (long)((unsigned)rand_r(&seed) % (KILL_FILES + 8));
        long delay = 0;
        char byte;
        for (long k = 0; k < pages && k < KILL_FILES; k++)
            if (read(progress[0], &byte, 1) != 1)
                break;
        if (pages >= KILL_FILES) {
            delay = (long)((unsigned)rand_r(&seed) % 2000) * 1000;
            struct timespec pause = {0, delay};
            nanosleep(&pause, NULL);
        }
        kill(pid, sig);
        int status = 0;
        waitpid(pid, &status, 0);
        close(progress[0]);
        int finished = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (!finished && !(WIFSIGNALED(status) && WTERMSIG(status) == sig)) {
            fprintf(stderr, "round %d (seed %u): child status %#x after signal %d\n", round, seed,
                    status, sig);
            CHECK(0);
        }

        char *now = listing("public");
        int whole = strcmp(now, versions[current]) == 0 || strcmp(now, versions[next]) == 0;
        if (!whole || (finished && strcmp(now, versions[next]) != 0)) {
            fprintf(stderr, "round %d (seed %u, signal %d, after %ld pages + %ld us): output "
                            "is neither version:\n%s",
                    round, seed, sig, pages, delay / 1000, now);
            CHECK(0);
        }
        outcomes[strcmp(now, versions[next]) == 0]++;
        if (strcmp(now, versions[next]) == 0)
            current = next;
        free(now);
        if (sig != SIGKILL)
            CHECK_INT(count_prefixed(".public.staging-"), 0);

        /* The lock is free again and whatever a SIGKILL left is cleaned up. */
        struct diag d;
        diag_init(&d);
        struct publish_options opt = {.no_wait = 1, .no_signals = 1};
        struct publish *p = publish_begin(&d, "public", &opt);
        CHECK(p != NULL);
        CHECK_INT(count_prefixed(".public.staging-"), 1);
        publish_abort(p);
        CHECK_INT(count_prefixed(".public.staging-"), 0);
        diag_release(&d);
    }
    /* Most kills land during the build, so the old version stayed at least once. */
    CHECK(outcomes[0] > 0);
    free(versions[0]);
    free(versions[1]);
    sandbox_leave(&sb);
}

int main(void)
{
    RUN(first_publish);
    RUN(republish_keeps_unchanged_files);
    RUN(unchanged_needs_mode_0644);
    RUN(links_in_the_output_are_not_followed);
    RUN(abort_leaves_output_untouched);
    RUN(unsafe_paths_refused);
    RUN(same_path_twice_is_an_error);
    RUN(bad_output_folders_refused);
    RUN(deterministic_whatever_the_threads);
    RUN(missing_source_file);
    RUN(leftovers_of_a_killed_build_are_cleaned);
    RUN(second_build_waits_for_the_lock);
    RUN(unwritable_folder);
    RUN(disk_full);
    RUN(killed_builds_leave_the_output_whole);
    return HARNESS_DONE();
}
