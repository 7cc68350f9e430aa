#include "serve/watch.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fs.h"
#include "core/intl.h"
#include "core/strv.h"
#include "core/xalloc.h"

/* Whole-file events only: IN_MODIFY would fire for every write of a half-saved file, while
 * IN_CLOSE_WRITE and IN_MOVED_TO (an editor's atomic save) come once it is complete. */
#define WATCH_MASK                                                                              \
    (IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB |         \
     IN_ONLYDIR | IN_DONT_FOLLOW)

struct watched {
    int wd;
    char *path;
    int top; /* the site folder itself: only the names asked for count */
};

struct watch {
    int fd;
    struct strv names; /* the names that count in the site folder */
    struct watched *v;
    size_t len, cap;
};

int watch_name_relevant(const char *name)
{
    size_t n = strlen(name);
    return n > 0 && name[0] != '.' && name[n - 1] != '~' && strcmp(name, "4913") != 0;
}

static struct watched *find(struct watch *w, int wd)
{
    for (size_t i = 0; i < w->len; i++)
        if (w->v[i].wd == wd)
            return &w->v[i];
    return NULL;
}

static int add_one(struct watch *w, struct diag *d, const char *path, int top)
{
    int wd = inotify_add_watch(w->fd, path, WATCH_MASK);
    if (wd < 0) {
        /* A folder removed while we walked is not a problem: its parent reports that. */
        if (errno == ENOENT && !top)
            return 0;
        if (errno == ENOSPC)
            diag_io_error(d, path, _("cannot watch this folder for changes: the system's limit of "
                                     "watched folders is reached (raise "
                                     "fs.inotify.max_user_watches)"));
        else
            diag_io_error(d, path, _("cannot watch this folder for changes: %s"), strerror(errno));
        return -1;
    }
    struct watched *old = find(w, wd);
    if (old) {
        free(old->path);
        old->path = xstrdup(path);
        return 0;
    }
    XALLOC_GROW(w->v, w->len + 1, w->cap);
    w->v[w->len++] = (struct watched){wd, xstrdup(path), top};
    return 0;
}

/* Watches path and every folder below it, skipping hidden folders and symbolic links as the
 * build does. */
static int add_tree(struct watch *w, struct diag *d, const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return 0;
    if (add_one(w, d, path, 0) != 0)
        return -1;
    DIR *dir = opendir(path);
    if (!dir)
        return 0;
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(dir))) {
        if (de->d_name[0] == '.')
            continue;
        char *sub = fs_join(path, de->d_name);
        if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
            rc |= add_tree(w, d, sub);
        free(sub);
    }
    closedir(dir);
    return rc ? -1 : 0;
}

struct watch *watch_new(struct diag *d, const char *root, const char *const *names)
{
    struct watch *w = xcalloc(1, sizeof *w);
    w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->fd < 0) {
        diag_io_error(d, root, _("cannot watch the site for changes: %s"), strerror(errno));
        free(w);
        return NULL;
    }
    int rc = add_one(w, d, root, 1);
    for (size_t i = 0; rc == 0 && names[i]; i++) {
        strv_push(&w->names, names[i]);
        char *path = fs_join(root, names[i]);
        rc = add_tree(w, d, path);
        free(path);
    }
    if (rc != 0) {
        watch_free(w);
        return NULL;
    }
    return w;
}

int watch_fd(const struct watch *w)
{
    return w->fd;
}

static int wanted_at_top(const struct watch *w, const char *name)
{
    for (size_t i = 0; i < w->names.len; i++)
        if (strcmp(w->names.v[i], name) == 0)
            return 1;
    return 0;
}

static void note(struct watch_change *c, const char *path, int css)
{
    if (c->count++ == 0)
        snprintf(c->first, sizeof c->first, "%s", path);
    if (css)
        c->css++;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int handle(struct watch *w, struct diag *d, const struct inotify_event *ev,
                  struct watch_change *c)
{
    if (ev->mask & IN_Q_OVERFLOW) {
        /* Events were lost: anything may have changed. */
        note(c, _("(many files)"), 0);
        return 0;
    }
    struct watched *at = find(w, ev->wd);
    if (!at)
        return 0;
    if (ev->mask & IN_IGNORED) {
        free(at->path);
        *at = w->v[--w->len];
        return 0;
    }
    if (ev->len == 0 || !ev->name[0] || !watch_name_relevant(ev->name))
        return 0;
    if (at->top && !wanted_at_top(w, ev->name))
        return 0;
    char *path = fs_join(at->path, ev->name);
    int rc = 0;
    if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO)))
        rc = add_tree(w, d, path);
    note(c, path, !(ev->mask & IN_ISDIR) && ends_with(ev->name, ".css"));
    free(path);
    return rc;
}

int watch_read(struct watch *w, struct diag *d, struct watch_change *change)
{
    char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
    int rc = 0;
    for (;;) {
        ssize_t n = read(w->fd, buf, sizeof buf);
        if (n <= 0)
            break;
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)(void *)p;
            rc |= handle(w, d, ev, change);
            p += sizeof *ev + ev->len;
        }
    }
    return rc ? -1 : 0;
}

void watch_free(struct watch *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    for (size_t i = 0; i < w->len; i++)
        free(w->v[i].path);
    free(w->v);
    strv_release(&w->names);
    free(w);
}
