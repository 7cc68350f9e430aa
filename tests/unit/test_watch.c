/* Unit tests of watch: the changes kairan serve notices in a scratch site, a folder that is not
 * there, and the editor's temporary files it passes over. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/diag.h"
#include "core/fs.h"
#include "harness.h"
#include "serve/watch.h"

static void sub(const char *dir, const char *rel)
{
    char *path = fs_join(dir, rel);
    CHECK_INT(mkdir(path, 0755), 0);
    free(path);
}

static void drain(struct watch *w, struct watch_change *c)
{
    struct diag d;
    diag_init(&d);
    memset(c, 0, sizeof *c);
    CHECK_INT(watch_read(w, &d, c), 0);
    CHECK_INT(d.len, 0);
    diag_release(&d);
}

static void watching(void)
{
    char root[64];
    if (harness_tmpdir(root, "watch") != 0) {
        CHECK(0);
        return;
    }
    sub(root, "content");
    sub(root, "content/events");
    sub(root, "themes");
    harness_put(root, "content/site.yaml", "title: x\n");
    static const char *const names[] = {"content", "themes", "assets", NULL};
    struct diag d;
    diag_init(&d);
    struct watch *w = watch_new(&d, root, names);
    CHECK(w != NULL);
    CHECK_INT(d.len, 0);
    diag_release(&d);
    if (!w)
        return;
    struct watch_change c;

    drain(w, &c);
    CHECK_INT(c.count, 0);

    /* A file deep down; first names it. */
    harness_put(root, "content/events/a.md", "---\ntitle: a\n---\n");
    drain(w, &c);
    CHECK(c.count >= 1);
    CHECK_INT(c.css, 0);
    char *want = fs_join(root, "content/events/a.md");
    CHECK_STR(c.first, want);
    free(want);

    /* Settings. */
    harness_put(root, "content/site.yaml", "title: y\n");
    drain(w, &c);
    CHECK(c.count >= 1);

    /* Hidden and backup files never count; nor do other names at the top. */
    harness_put(root, "content/.a.md.swp", "x");
    harness_put(root, "content/a.md~", "x");
    harness_put(root, "content/4913", "x");
    harness_put(root, "notes.txt", "x");
    sub(root, "public");
    drain(w, &c);
    CHECK_INT(c.count, 0);

    /* A stylesheet alone. */
    sub(root, "themes/t");
    drain(w, &c);
    CHECK_INT(c.count, 1);
    harness_put(root, "themes/t/style.css", "p{}");
    drain(w, &c);
    CHECK(c.count >= 1);
    CHECK_INT(c.css, c.count);

    /* A new folder is watched too, and so is one created at the top later. */
    sub(root, "content/new");
    drain(w, &c);
    CHECK_INT(c.count, 1);
    harness_put(root, "content/new/b.md", "x");
    drain(w, &c);
    CHECK(c.count >= 1);
    sub(root, "assets");
    sub(root, "assets/photos");
    drain(w, &c);
    CHECK(c.count >= 1);
    harness_put(root, "assets/photos/p.jpg", "x");
    drain(w, &c);
    CHECK(c.count >= 1);
    CHECK_INT(c.css, 0);

    /* Removing counts. */
    char *gone = fs_join(root, "content/events/a.md");
    CHECK_INT(unlink(gone), 0);
    free(gone);
    drain(w, &c);
    CHECK_INT(c.count, 1);

    watch_free(w);
    harness_remove_tree(root);
}

static void watch_of_a_missing_folder(void)
{
    struct diag d;
    diag_init(&d);
    static const char *const names[] = {"content", NULL};
    struct watch *w = watch_new(&d, "/nonexistent/kairan-site", names);
    CHECK(w == NULL);
    CHECK_INT(d.io_errors, 1);
    char *line = d.len ? diag_format(&d.msgs[0]) : NULL;
    CHECK_STR(line, "/nonexistent/kairan-site: error: cannot watch this folder for changes: No "
                    "such file or directory");
    free(line);
    diag_release(&d);
}

static void relevant_names(void)
{
    CHECK(watch_name_relevant("a.md"));
    CHECK(watch_name_relevant("style.css"));
    CHECK(!watch_name_relevant(""));
    CHECK(!watch_name_relevant(".a.md.swp"));
    CHECK(!watch_name_relevant(".#a.md"));
    CHECK(!watch_name_relevant("a.md~"));
    CHECK(!watch_name_relevant("4913"));
    CHECK(watch_name_relevant("49130"));
}

int main(void)
{
    RUN(watching);
    RUN(watch_of_a_missing_folder);
    RUN(relevant_names);
    return HARNESS_DONE();
}
