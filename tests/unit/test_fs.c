/* Unit tests of fs: joining paths, the atomic writer, removing a tree (by path and below a folder) and opening
 * a path so that nothing outside a folder can be reached. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/diag.h"
#include "core/fs.h"
#include "core/xalloc.h"
#include "harness.h"

static char root[64];

static void sandbox_open(void)
{
    CHECK_INT(harness_tmpdir(root, "fs"), 0);
}

static void sandbox_close(void)
{
    harness_remove_tree(root);
}

/* root/rel, a new string. */
static char *at(const char *rel)
{
    return fs_join(root, rel);
}

static void put(const char *rel, const char *text)
{
    harness_put(root, rel, text);
}

/* The file's text, a new string ("" when it cannot be read). */
static char *text_of(const char *rel)
{
    struct diag d;
    diag_init(&d);
    struct buf b;
    buf_init(&b);
    char *path = at(rel);
    fs_read_file(&d, path, &b);
    free(path);
    diag_release(&d);
    return buf_detach(&b, NULL);
}

static size_t count_entries(const char *rel)
{
    char *path = at(rel);
    DIR *dir = opendir(path);
    free(path);
    size_t n = 0;
    for (struct dirent *e; dir && (e = readdir(dir)) != NULL;)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (dir)
        closedir(dir);
    return n;
}

static void write_atomic_creates_and_replaces(void)
{
    sandbox_open();
    struct diag d;
    diag_init(&d);
    char *path = at("a/b/index.tsv");
    mode_t old = umask(077);
    CHECK_INT(fs_write_atomic(&d, path, "one\n", 4), 0);
    umask(old);
    char *got = text_of("a/b/index.tsv");
    CHECK_STR(got, "one\n");
    free(got);
    struct stat st;
    CHECK_INT(stat(path, &st), 0);
    CHECK_INT(st.st_mode & 0777, 0644);
    CHECK_INT(fs_write_atomic(&d, path, "two", 3), 0);
    got = text_of("a/b/index.tsv");
    CHECK_STR(got, "two");
    free(got);
    CHECK_INT(fs_write_atomic(&d, path, "", 0), 0);
    got = text_of("a/b/index.tsv");
    CHECK_STR(got, "");
    free(got);
    /* No temporary file is left beside it. */
    CHECK_INT(count_entries("a/b"), 1);
    CHECK_INT(diag_error_count(&d), 0);
    free(path);
    diag_release(&d);
    sandbox_close();
}

static void write_atomic_failures_keep_the_old_file(void)
{
    sandbox_open();
    put("file", "x");
    struct diag d;
    diag_init(&d);
    /* The folder it would go in is a file. */
    char *path = at("file/index.tsv");
    CHECK_INT(fs_write_atomic(&d, path, "y", 1), -1);
    CHECK_INT(diag_error_count(&d), 1);
    free(path);
    /* The target is a folder: the rename fails, the folder and no temporary file stay. */
    char *dir = at("dir");
    CHECK_INT(mkdir(dir, 0755), 0);
    put("dir/keep", "k");
    CHECK_INT(fs_write_atomic(&d, dir, "y", 1), -1);
    CHECK_INT(diag_error_count(&d), 2);
    CHECK(fs_is_dir(dir));
    CHECK_INT(count_entries(""), 2);
    free(dir);
    diag_release(&d);
    sandbox_close();
}

static void remove_tree_never_follows_links(void)
{
    sandbox_open();
    put("keep/precious", "p");
    put("gone/a/b/c", "c");
    put("gone/a/file", "f");
    char *keep = at("keep");
    char *link = at("gone/a/b/link");
    CHECK_INT(symlink(keep, link), 0);
    char *gone = at("gone");
    struct diag d;
    diag_init(&d);
    CHECK_INT(fs_remove_tree(&d, gone), 0);
    CHECK(!fs_is_dir(gone));
    char *precious = text_of("keep/precious");
    CHECK_STR(precious, "p");
    free(precious);
    /* Missing is no error; a single file and a link go too. */
    CHECK_INT(fs_remove_tree(&d, gone), 0);
    char *file = at("keep/precious");
    CHECK_INT(fs_remove_tree(&d, file), 0);
    CHECK(!fs_is_file(file));
    CHECK_INT(symlink(keep, gone), 0);
    CHECK_INT(fs_remove_tree(&d, gone), 0);
    CHECK(fs_is_dir(keep));
    CHECK_INT(diag_error_count(&d), 0);
    diag_release(&d);
    free(file);
    free(gone);
    free(link);
    free(keep);
    sandbox_close();
}

static void remove_tree_below_a_folder(void)
{
    sandbox_open();
    put("out/x/y", "y");
    put("outside", "o");
    int fd = open(root, O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    CHECK_INT(fs_remove_tree_at(fd, "out"), 0);
    CHECK_INT(fs_remove_tree_at(fd, "out"), 0);
    CHECK_INT(count_entries(""), 1);
    /* A file in the way of a name: reported through errno, nothing printed. */
    put("f", "x");
    CHECK_INT(fs_remove_tree_at(fd, "f/g"), -1);
    CHECK_INT(errno, ENOTDIR);
    close(fd);
    sandbox_close();
}

static void open_beneath_reaches_what_is_inside(void)
{
    sandbox_open();
    put("public/events/2026/kenshu.html", "<p>研修</p>");
    char *pub = at("public");
    int dir = open(pub, O_RDONLY | O_DIRECTORY);
    CHECK(dir >= 0);
    int fd = fs_open_beneath(dir, "events/2026/kenshu.html", O_RDONLY);
    CHECK(fd >= 0);
    char got[64] = "";
    if (fd >= 0) {
        ssize_t n = read(fd, got, sizeof got - 1);
        CHECK(n > 0);
        got[n > 0 ? n : 0] = '\0';
        close(fd);
    }
    CHECK_STR(got, "<p>研修</p>");
    fd = fs_open_beneath(dir, "events/2026", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    fd = fs_open_beneath(dir, "events//2026/./kenshu.html", O_RDONLY);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
    close(dir);
    free(pub);
    sandbox_close();
}

static void open_beneath_refuses_the_way_out(void)
{
    sandbox_open();
    put("public/index.html", "i");
    put("secret", "s");
    char *pub = at("public");
    char *secret = at("secret");
    char *link = at("public/leak");
    char *dirlink = at("public/up");
    CHECK_INT(symlink(secret, link), 0);
    CHECK_INT(symlink(root, dirlink), 0);
    int dir = open(pub, O_RDONLY | O_DIRECTORY);
    CHECK(dir >= 0);
    const char *bad[] = {"leak", "up/secret", "../secret", "index.html/..", "/etc/passwd",
                         "", "missing", "index.html/x", "a/../../secret"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int fd = fs_open_beneath(dir, bad[i], O_RDONLY);
        if (fd >= 0) {
            fprintf(stderr, "opened %s\n", bad[i]);
            close(fd);
        }
        CHECK(fd < 0);
    }
    CHECK_INT(fs_open_beneath(dir, "../secret", O_RDONLY) < 0 ? errno : 0, EXDEV);
    CHECK_INT(fs_open_beneath(dir, "missing", O_RDONLY) < 0 ? errno : 0, ENOENT);
    CHECK_INT(fs_open_beneath(dir, "", O_RDONLY) < 0 ? errno : 0, ENOENT);
    close(dir);
    free(dirlink);
    free(link);
    free(secret);
    free(pub);
    sandbox_close();
}

static void fs_join_paths(void)
{
    const char *cases[][3] = {
        {"a", "b", "a/b"},        {"a/", "b", "a/b"}, {"", "b", "b"},
        {".", "content", "content"}, {".", "", "./"},  {"/", "etc", "/etc"},
        {"./x", "y", "./x/y"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = fs_join(cases[i][0], cases[i][1]);
        CHECK_STR(got, cases[i][2]);
        free(got);
    }
}

static void rel_problems(void)
{
    const char *cases[][2] = {
        {"", "an empty path"},
        {"/etc/passwd", "an absolute path"},
        {"../up.html", "a '..' part"},
        {"a/../../up.html", "a '..' part"},
        {"a/..", "a '..' part"},
        {"a//b.html", "an empty part"},
        {"a/", "an empty part"},
        {"./a.html", "a '.' part"},
        {"a\\b.html", "a backslash"},
        {"a\nb.html", "a control character"},
        {"a\x7f.html", "a control character"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *got = fs_rel_problem(cases[i][0]);
        CHECK_STR(got ? got : "(none)", cases[i][1]);
    }
    CHECK(fs_rel_problem(NULL) != NULL);
    CHECK(fs_rel_problem("index.html") == NULL);
    CHECK(fs_rel_problem("a..b/c..html") == NULL);
    CHECK(fs_rel_problem(".well-known/security.txt") == NULL);
    CHECK(fs_rel_problem("イベント/研修会.html") == NULL);
}

int main(void)
{
    RUN(fs_join_paths);
    RUN(rel_problems);
    RUN(write_atomic_creates_and_replaces);
    RUN(write_atomic_failures_keep_the_old_file);
    RUN(remove_tree_never_follows_links);
    RUN(remove_tree_below_a_folder);
    RUN(open_beneath_reaches_what_is_inside);
    RUN(open_beneath_refuses_the_way_out);
    return HARNESS_DONE();
}
