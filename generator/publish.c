#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* renameat2(RENAME_EXCHANGE): the one-step swap; elsewhere two renames */
#endif

#include "publish.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fs.h"
#include "xalloc.h"

enum { CHUNK = 65536 };

struct publish {
    struct diag *d;
    char *shown;        /* the output folder as the user wrote it, no trailing '/': "public" */
    char *parent;       /* the folder that holds it: "." for "public" */
    char *name;         /* "public" */
    char *staging_name; /* ".public.staging-PID", in parent */
    int parent_fd;
    int lock_fd;
    int staging_fd;
    int old_fd;  /* the current output, -1 on a first build; only read */
    int had_old; /* the output existed when the build began */

    /* Read-held by every write and by the swap; the signal thread takes it for writing, so
     * nothing is half-written in staging when it removes the folder. Shared by all threads. */
    pthread_rwlock_t ops;
    atomic_int interrupted; /* the signal that arrived, 0 before; shared */
    atomic_int failed;      /* a write failed: commit refuses; shared */
    atomic_int broken;      /* an I/O error: later writes fail without repeating it; shared */

    int signals_armed;
    sigset_t sigs;     /* the signals the watcher waits for */
    sigset_t old_mask; /* the calling thread's mask before publish_begin */
    pthread_t watcher;
};

/* What the file is, for the error message that names it. */
static char *shown_path(const struct publish *p, const char *rel)
{
    return fs_join(p->shown, rel);
}

static char *shown_sibling(const struct publish *p, const char *name)
{
    return strcmp(p->parent, ".") == 0 ? xstrdup(name) : fs_join(p->parent, name);
}

/* A hint after strerror() for the failures an editor can do something about. */
static const char *hint(int err)
{
    switch (err) {
    case ENOSPC:
    case EDQUOT:
        return " (the disk is full: free some space and build again)";
    case EFBIG:
        return " (the file is larger than this system allows here)";
    case EROFS:
        return " (the disk is read-only)";
    case EACCES:
    case EPERM:
        return " (kairan may not write here: check the folder's permissions)";
    default:
        return "";
    }
}

static void io_error(struct publish *p, const char *path, const char *what, int err)
{
    diag_io_error(p->d, path, "%s: %s%s", what, strerror(err), hint(err));
    atomic_store(&p->broken, 1);
}

const char *publish_path_problem(const char *rel)
{
    if (!rel || !*rel)
        return "an empty path";
    for (const unsigned char *s = (const unsigned char *)rel; *s; s++) {
        if (*s == '\\')
            return "a backslash";
        if (*s < 0x20 || *s == 0x7f)
            return "a control character";
    }
    if (rel[0] == '/')
        return "an absolute path";
    for (const char *s = rel;;) {
        const char *end = strchr(s, '/');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        if (n == 0)
            return "an empty part";
        if (n == 1 && s[0] == '.')
            return "a '.' part";
        if (n == 2 && s[0] == '.' && s[1] == '.')
            return "a '..' part";
        if (!end)
            return NULL;
        s = end + 1;
    }
}

/* Removes name below dirfd and everything in it, never following a symbolic link. A missing
 * name is not an error. Returns 0 or -1 with errno set. */
static int remove_tree(int dirfd, const char *name)
{
    if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return -1;
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    DIR *dir = fdopendir(fd);
    if (!dir) {
        close(fd);
        return -1;
    }
    int rc = 0, saved = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (remove_tree(fd, e->d_name) != 0 && !saved) {
            saved = errno;
            rc = -1;
        }
    }
    closedir(dir);
    if (unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT && !saved) {
        saved = errno;
        rc = -1;
    }
    errno = saved;
    return rc;
}

/* ---- signals ---- */

/* Runs on its own thread with the termination signals blocked everywhere: takes one, makes sure
 * no write is in flight, removes staging and ends the process by that signal. */
static void *watch(void *arg)
{
    struct publish *p = arg;
    int sig = 0;
    while (sigwait(&p->sigs, &sig) != 0)
        ;
    /* From here on the cleanup must finish: publish_commit/abort cancel this thread only
     * while it waits above. */
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
    atomic_store(&p->interrupted, sig);
    pthread_rwlock_wrlock(&p->ops);
    /* Before the swap this is the unfinished new tree, after it the previous one that
     * publish_commit may be removing at the same moment: either way it goes. */
    remove_tree(p->parent_fd, p->staging_name);
    close(p->lock_fd);

    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    pthread_sigmask(SIG_UNBLOCK, &one, NULL);
    raise(sig);
    /* Not reached: the default action of these signals ends the process. */
    _exit(128 + sig);
}

static void arm_signals(struct publish *p)
{
    static const int wanted[] = {SIGINT, SIGTERM, SIGHUP};
    sigemptyset(&p->sigs);
    for (size_t i = 0; i < sizeof wanted / sizeof *wanted; i++) {
        struct sigaction now;
        /* A signal the caller ignores (nohup, a background job) stays ignored. */
        if (sigaction(wanted[i], NULL, &now) == 0 && now.sa_handler == SIG_IGN)
            continue;
        sigaddset(&p->sigs, wanted[i]);
    }
    pthread_sigmask(SIG_BLOCK, &p->sigs, &p->old_mask);
    if (pthread_create(&p->watcher, NULL, watch, p) != 0) {
        pthread_sigmask(SIG_SETMASK, &p->old_mask, NULL);
        return; /* no cleanup on a signal then; the next build removes the staging folder */
    }
    p->signals_armed = 1;
}

static void disarm_signals(struct publish *p)
{
    if (!p->signals_armed)
        return;
    pthread_cancel(p->watcher);
    /* If a signal already arrived, the watcher ends the process during this join. */
    pthread_join(p->watcher, NULL);
    p->signals_armed = 0;
    pthread_sigmask(SIG_SETMASK, &p->old_mask, NULL);
}

/* ---- begin ---- */

static void publish_free(struct publish *p)
{
    if (p->staging_fd >= 0)
        close(p->staging_fd);
    if (p->old_fd >= 0)
        close(p->old_fd);
    if (p->lock_fd >= 0)
        close(p->lock_fd);
    if (p->parent_fd >= 0)
        close(p->parent_fd);
    pthread_rwlock_destroy(&p->ops);
    free(p->shown);
    free(p->parent);
    free(p->name);
    free(p->staging_name);
    free(p);
}

/* How a path to keep is named in a message: "." is the site folder itself. */
static const char *kept_name(const char *k)
{
    return strcmp(k, ".") == 0 || !*k ? "the site folder" : k;
}

/* Refuses an output folder that is, or holds, one of the paths to keep, or that lies inside one
 * of the folders the build reads. */
static int check_keep(struct publish *p, const char *const *keep, const char *const *sources)
{
    if (!keep && !sources)
        return 0;
    char *parent_real = realpath(p->parent, NULL);
    if (!parent_real)
        return 0; /* the parent does not exist yet, so it holds nothing and is in nothing */
    char *out_real = fs_join(parent_real, p->name);
    free(parent_real);
    size_t n = strlen(out_real);
    int rc = 0;
    for (int list = 0; list < 2 && rc == 0; list++) {
        const char *const *paths = list == 0 ? keep : sources;
        for (size_t i = 0; paths && paths[i] && rc == 0; i++) {
            char *k = realpath(paths[i], NULL);
            size_t kn = k ? strlen(k) : 0;
            if (k && list == 1 && strcmp(k, out_real) == 0) {
                diag_error(p->d, p->shown, 0, 0,
                           "cannot be the output folder: kairan reads the site from it, and "
                           "replaces the output folder on every build; choose another one, "
                           "like public");
                rc = -1;
            } else if (k && strncmp(k, out_real, n) == 0 && (k[n] == '\0' || k[n] == '/')) {
                diag_error(p->d, p->shown, 0, 0,
                           "cannot be the output folder: it holds %s, and kairan replaces the "
                           "output folder on every build; choose another one, like public",
                           kept_name(paths[i]));
                rc = -1;
            } else if (k && list == 1 && strncmp(out_real, k, kn) == 0 && out_real[kn] == '/') {
                diag_error(p->d, p->shown, 0, 0,
                           "cannot be the output folder: it is inside %s/, which kairan reads "
                           "the site from; choose a folder outside it, like public",
                           paths[i]);
                rc = -1;
            }
            free(k);
        }
    }
    free(out_real);
    return rc;
}

static int take_lock(struct publish *p, const struct publish_options *opt)
{
    char *lock_name = xasprintf(".%s.lock", p->name);
    p->lock_fd = openat(p->parent_fd, lock_name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (p->lock_fd < 0) {
        char *shown = shown_sibling(p, lock_name);
        io_error(p, shown, "cannot open the lock file that keeps two builds apart", errno);
        free(shown);
        free(lock_name);
        return -1;
    }
    free(lock_name);
    if (flock(p->lock_fd, LOCK_EX | LOCK_NB) == 0)
        return 0;
    if (errno != EWOULDBLOCK) {
        io_error(p, p->shown, "cannot lock the output folder", errno);
        return -1;
    }
    if (opt->no_wait) {
        diag_io_error(p->d, p->shown,
                      "another build is writing to this folder right now; try again when it "
                      "has finished");
        return -1;
    }
    if (opt->notice) {
        fprintf(opt->notice, "kairan: waiting for another build writing to %s/ to finish\n",
                p->shown);
        fflush(opt->notice);
    }
    while (flock(p->lock_fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            io_error(p, p->shown, "cannot lock the output folder", errno);
            return -1;
        }
    }
    return 0;
}

/* With the lock held, whatever a killed build left beside the output is ours to clean up: its
 * staging folder, and the previous output if it was killed between the two renames. */
static int recover(struct publish *p)
{
    char *staging_prefix = xasprintf(".%s.staging-", p->name);
    char *old_prefix = xasprintf(".%s.old-", p->name);
    size_t sn = strlen(staging_prefix), on = strlen(old_prefix);
    struct strv stale = STRV_INIT, old = STRV_INIT;
    int fd = openat(p->parent_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (!dir) {
        io_error(p, p->parent, "cannot open folder", errno);
        if (fd >= 0)
            close(fd);
        free(staging_prefix);
        free(old_prefix);
        return -1;
    }
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (strncmp(e->d_name, staging_prefix, sn) == 0)
            strv_push(&stale, e->d_name);
        else if (strncmp(e->d_name, old_prefix, on) == 0)
            strv_push(&old, e->d_name);
    }
    closedir(dir);
    strv_sort(&old);

    int rc = 0;
    struct stat st;
    for (size_t i = 0; i < old.len && rc == 0; i++) {
        if (fstatat(p->parent_fd, p->name, &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT &&
            renameat(p->parent_fd, old.v[i], p->parent_fd, p->name) == 0)
            continue;
        strv_push(&stale, old.v[i]);
    }
    for (size_t i = 0; i < stale.len && rc == 0; i++) {
        if (remove_tree(p->parent_fd, stale.v[i]) != 0) {
            char *shown = shown_sibling(p, stale.v[i]);
            io_error(p, shown, "cannot remove what an interrupted build left behind", errno);
            free(shown);
            rc = -1;
        }
    }
    strv_release(&stale);
    strv_release(&old);
    free(staging_prefix);
    free(old_prefix);
    return rc;
}

/* Checks what the output path is now: nothing yet, a folder on the same disk, or a refusal. */
static int check_output(struct publish *p)
{
    struct stat st, parent_st;
    if (fstatat(p->parent_fd, p->name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT)
            return 0;
        io_error(p, p->shown, "cannot open folder", errno);
        return -1;
    }
    if (S_ISLNK(st.st_mode)) {
        diag_error(p->d, p->shown, 0, 0,
                   "is a link to another folder; kairan replaces the output folder on every "
                   "build, so it must be a real folder (remove the link, or give the real "
                   "folder's path)");
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        diag_error(p->d, p->shown, 0, 0,
                   "is a file, not a folder; move it away or choose another output folder");
        return -1;
    }
    if (fstat(p->parent_fd, &parent_st) == 0 && parent_st.st_dev != st.st_dev) {
        diag_error(p->d, p->shown, 0, 0,
                   "is a separate disk (a mount point); kairan replaces the output folder on "
                   "every build, so give a folder inside it");
        return -1;
    }
    p->had_old = 1;
    return 0;
}

static int make_staging(struct publish *p)
{
    struct stat st;
    mode_t mode = 0755;
    if (p->had_old && fstatat(p->parent_fd, p->name, &st, AT_SYMLINK_NOFOLLOW) == 0)
        mode = st.st_mode & 07777; /* a group-writable output stays so */
    if (!(mode & S_IWUSR)) {
        /* The new version gets the output's permissions: nothing could be written into it. */
        diag_io_error(p->d, p->shown,
                      "is read-only (its permissions let no one write to it); make it "
                      "writable, or remove it, and build again");
        return -1;
    }
    if (mkdirat(p->parent_fd, p->staging_name, 0700) != 0) {
        io_error(p, p->shown, "cannot create the new version of the site next to this folder",
                 errno);
        return -1;
    }
    p->staging_fd =
        openat(p->parent_fd, p->staging_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (p->staging_fd < 0 || fchmod(p->staging_fd, mode) != 0) {
        char *shown = shown_sibling(p, p->staging_name);
        io_error(p, shown, "cannot open folder", errno);
        free(shown);
        return -1;
    }
    if (p->had_old)
        p->old_fd =
            openat(p->parent_fd, p->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    return 0;
}

/* Splits out_dir into its parent and last part; refuses names that cannot be replaced. */
static int split_output(struct publish *p, const char *out_dir)
{
    size_t n = strlen(out_dir);
    while (n > 1 && out_dir[n - 1] == '/')
        n--;
    p->shown = xstrndup(out_dir, n);
    const char *slash = strrchr(p->shown, '/');
    p->name = xstrdup(slash ? slash + 1 : p->shown);
    if (!slash)
        p->parent = xstrdup(".");
    else if (slash == p->shown)
        p->parent = xstrdup("/");
    else
        p->parent = xstrndup(p->shown, (size_t)(slash - p->shown));
    if (!*p->name || strcmp(p->name, ".") == 0 || strcmp(p->name, "..") == 0) {
        diag_error(p->d, *p->shown ? p->shown : NULL, 0, 0,
                   "cannot be the output folder: kairan replaces the output folder on every "
                   "build, so give it a folder of its own, like public");
        return -1;
    }
    return 0;
}

struct publish *publish_begin(struct diag *d, const char *out_dir,
                              const struct publish_options *opt)
{
    static const struct publish_options defaults;
    if (!opt)
        opt = &defaults;
    struct publish *p = xcalloc(1, sizeof *p);
    p->d = d;
    p->parent_fd = p->lock_fd = p->staging_fd = p->old_fd = -1;
    pthread_rwlock_init(&p->ops, NULL);
    atomic_init(&p->interrupted, 0);
    atomic_init(&p->failed, 0);
    atomic_init(&p->broken, 0);

    if (split_output(p, out_dir) != 0 || check_keep(p, opt->keep, opt->sources) != 0)
        goto fail;
    if (!fs_is_dir(p->parent) && fs_mkdirs(d, p->parent) != 0)
        goto fail;
    p->parent_fd = open(p->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (p->parent_fd < 0) {
        io_error(p, p->parent, "cannot open folder", errno);
        goto fail;
    }
    if (take_lock(p, opt) != 0 || recover(p) != 0 || check_output(p) != 0)
        goto fail;
    /* Held so that a signal arriving from now on waits until the staging folder exists. */
    p->staging_name = xasprintf(".%s.staging-%ld", p->name, (long)getpid());
    pthread_rwlock_rdlock(&p->ops);
    if (!opt->no_signals)
        arm_signals(p);
    int rc = make_staging(p);
    pthread_rwlock_unlock(&p->ops);
    if (rc != 0) {
        remove_tree(p->parent_fd, p->staging_name);
        disarm_signals(p);
        goto fail;
    }
    return p;

fail:
    publish_free(p);
    return NULL;
}

/* ---- writing ---- */

/* Where one file goes: the folder (in staging, or in the current output) and the last name. */
struct spot {
    int dir_fd; /* owned, -1 if the folder does not exist */
    const char *leaf;
};

/* Opens the folder of rel below base, creating the missing ones in staging (create set).
 * Never follows a symbolic link. Returns 0; -1 with errno set (ENOTDIR: a part is a file). */
static int open_spot(int base, const char *rel, int create, struct spot *out)
{
    out->dir_fd = -1;
    char *copy = xstrdup(rel);
    int cur = dup(base);
    if (cur < 0) {
        free(copy);
        return -1;
    }
    char *part = copy;
    for (char *slash; (slash = strchr(part, '/')) != NULL; part = slash + 1) {
        *slash = '\0';
        int made = 0;
        int next = openat(cur, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0 && errno == ENOENT && create) {
            /* Another worker may create it at the same moment: EEXIST is fine. */
            made = mkdirat(cur, part, 0755) == 0;
            if (!made && errno != EEXIST)
                goto fail;
            next = openat(cur, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (next < 0) {
            if (errno == ELOOP)
                errno = ENOTDIR;
            goto fail;
        }
        if (made)
            fchmod(next, 0755); /* whatever the umask: the web server must read it */
        close(cur);
        cur = next;
    }
    out->dir_fd = cur;
    out->leaf = rel + (part - copy);
    free(copy);
    return 0;

fail:;
    int saved = errno;
    close(cur);
    free(copy);
    errno = saved;
    return -1;
}

/* The bytes to place: in memory, or in a file read through fd. */
struct source {
    const char *data;
    int fd; /* -1 for data */
    size_t len;
};

static int read_at(int fd, char *buf, size_t n, off_t off)
{
    while (n > 0) {
        ssize_t got = pread(fd, buf, n, off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return -1;
        buf += got;
        n -= (size_t)got;
        off += got;
    }
    return 0;
}

/* Opens the current output's file at rel if it holds exactly src's bytes. Returns its folder
 * (spot) and 0, or -1 when there is no such file. Only a regular 0644 file counts. */
static int find_unchanged(struct publish *p, const char *rel, const struct source *src,
                          struct spot *old, struct stat *st)
{
    if (p->old_fd < 0 || open_spot(p->old_fd, rel, 0, old) != 0)
        return -1;
    int fd = openat(old->dir_fd, old->leaf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    int same = fd >= 0 && fstat(fd, st) == 0 && S_ISREG(st->st_mode) &&
               (st->st_mode & 07777) == 0644 && (size_t)st->st_size == src->len;
    if (same && src->len > 0) {
        char *a = xmalloc(CHUNK), *b = src->fd >= 0 ? xmalloc(CHUNK) : NULL;
        for (size_t off = 0; same && off < src->len; off += CHUNK) {
            size_t n = src->len - off < CHUNK ? src->len - off : CHUNK;
            if (read_at(fd, a, n, (off_t)off) != 0)
                same = 0;
            else if (b)
                same = read_at(src->fd, b, n, (off_t)off) == 0 && memcmp(a, b, n) == 0;
            else
                same = src->data && memcmp(a, src->data + off, n) == 0;
        }
        free(a);
        free(b);
    }
    if (fd >= 0)
        close(fd);
    if (!same) {
        close(old->dir_fd);
        old->dir_fd = -1;
        return -1;
    }
    return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Writes src's bytes into the new file fd; on failure says which side failed. */
static int copy_into(int fd, const struct source *src, int *read_failed)
{
    *read_failed = 0;
    if (src->fd < 0)
        return write_all(fd, src->data, src->len);
    char *buf = xmalloc(CHUNK);
    int rc = 0;
    for (size_t off = 0; rc == 0 && off < src->len; off += CHUNK) {
        size_t n = src->len - off < CHUNK ? src->len - off : CHUNK;
        if (read_at(src->fd, buf, n, (off_t)off) != 0) {
            *read_failed = 1;
            if (errno == 0)
                errno = EIO; /* the file got shorter while we read it */
            rc = -1;
        } else {
            rc = write_all(fd, buf, n);
        }
    }
    free(buf);
    return rc;
}

/* Explains why the new file could not be created at its spot. */
static void report_conflict(struct publish *p, const char *rel, int dir_fd, const char *leaf,
                            int err)
{
    char *shown = shown_path(p, rel);
    struct stat st;
    if (err == EEXIST && fstatat(dir_fd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        !S_ISDIR(st.st_mode))
        diag_error(p->d, shown, 0, 0,
                   "two pages of the site would both be written to this file; give one of "
                   "them another name (slug)");
    else if (err == EEXIST || err == EISDIR)
        diag_error(p->d, shown, 0, 0,
                   "would be both a file and a folder; give one of the pages another name "
                   "(slug)");
    else
        io_error(p, shown, "cannot create", err);
    free(shown);
}

static int place(struct publish *p, const char *rel, const struct source *src, const char *from)
{
    struct spot old, dst;
    struct stat old_st;
    int unchanged = find_unchanged(p, rel, src, &old, &old_st) == 0;

    if (open_spot(p->staging_fd, rel, 1, &dst) != 0) {
        int err = errno;
        char *shown = shown_path(p, rel);
        if (err == ENOTDIR || err == EEXIST)
            diag_error(p->d, shown, 0, 0,
                       "would be inside a folder that is also a file; give one of the pages "
                       "another name (slug)");
        else
            io_error(p, shown, "cannot create folder", err);
        free(shown);
        if (unchanged)
            close(old.dir_fd);
        return -1;
    }

    int rc = -1;
    if (unchanged && linkat(old.dir_fd, old.leaf, dst.dir_fd, dst.leaf, 0) == 0) {
        rc = 0;
        goto done;
    }
    if (unchanged && errno == EEXIST) {
        report_conflict(p, rel, dst.dir_fd, dst.leaf, EEXIST);
        goto done;
    }
    /* A new file (or one that cannot be linked: then a copy with the old times). */
    int fd = openat(dst.dir_fd, dst.leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    0644);
    if (fd < 0) {
        report_conflict(p, rel, dst.dir_fd, dst.leaf, errno);
        goto done;
    }
    int read_failed = 0;
    if (fchmod(fd, 0644) != 0 || copy_into(fd, src, &read_failed) != 0) {
        int err = errno;
        close(fd);
        char *shown = read_failed ? xstrdup(from) : shown_path(p, rel);
        io_error(p, shown, read_failed ? "cannot read" : "cannot write", err);
        free(shown);
        goto done;
    }
    if (unchanged) {
        struct timespec times[2] = {old_st.st_atim, old_st.st_mtim};
        futimens(fd, times);
    }
    if (close(fd) != 0) {
        char *shown = shown_path(p, rel);
        io_error(p, shown, "cannot write", errno);
        free(shown);
        goto done;
    }
    rc = 0;

done:
    if (unchanged)
        close(old.dir_fd);
    close(dst.dir_fd);
    return rc;
}

/* Runs one placement with the checks every write shares. */
static int guarded_place(struct publish *p, const char *rel, const struct source *src,
                         const char *from)
{
    const char *problem = publish_path_problem(rel);
    if (problem) {
        char *shown = xstrdup(rel ? rel : "");
        for (char *s = shown; *s; s++)
            if ((unsigned char)*s < 0x20 || *s == 0x7f)
                *s = '?';
        diag_error(p->d, NULL, 0, 0,
                   "internal error: refusing to write '%s' (%s); this is a bug in kairan, "
                   "please report it",
                   shown, problem);
        free(shown);
        atomic_store(&p->failed, 1);
        return -1;
    }
    pthread_rwlock_rdlock(&p->ops);
    int rc = -1;
    if (!atomic_load(&p->interrupted) && !atomic_load(&p->broken))
        rc = place(p, rel, src, from);
    pthread_rwlock_unlock(&p->ops);
    if (rc != 0)
        atomic_store(&p->failed, 1);
    return rc;
}

int publish_write(struct publish *p, const char *rel, const void *data, size_t len)
{
    struct source src = {data, -1, len};
    return guarded_place(p, rel, &src, NULL);
}

int publish_file(struct publish *p, const char *rel, const char *src_path)
{
    int fd = open(src_path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int err = fd < 0 ? errno : EISDIR;
        if (fd >= 0)
            close(fd);
        if (err == EISDIR)
            diag_io_error(p->d, src_path, "is a folder, not a file");
        else
            diag_io_error(p->d, src_path, "cannot open: %s", strerror(err));
        atomic_store(&p->failed, 1);
        return -1;
    }
    struct source src = {NULL, fd, (size_t)st.st_size};
    int rc = guarded_place(p, rel, &src, src_path);
    close(fd);
    return rc;
}

/* ---- the end ---- */

/* Releases everything after the build is over one way or the other. If a signal arrived, the
 * watcher is ending the process and this does not return. */
static void finish(struct publish *p)
{
    disarm_signals(p);
    publish_free(p);
}

void publish_abort(struct publish *p)
{
    if (!p)
        return;
    pthread_rwlock_rdlock(&p->ops);
    if (!atomic_load(&p->interrupted))
        remove_tree(p->parent_fd, p->staging_name);
    pthread_rwlock_unlock(&p->ops);
    finish(p);
}

/* Puts staging in place of the output; afterwards the previous output (if any) is at the
 * staging name. Returns 0, or -1 with errno set and the output as it was. */
static int swap(struct publish *p)
{
    if (!p->had_old)
        return renameat(p->parent_fd, p->staging_name, p->parent_fd, p->name);
#ifdef RENAME_EXCHANGE
    if (renameat2(p->parent_fd, p->staging_name, p->parent_fd, p->name, RENAME_EXCHANGE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        return -1;
#endif
    /* Two renames: a build killed between them leaves the old output at .NAME.old-PID, and the
     * next publish_begin moves it back (see recover). */
    char *old_name = xasprintf(".%s.old-%ld", p->name, (long)getpid());
    int rc = renameat(p->parent_fd, p->name, p->parent_fd, old_name);
    if (rc == 0) {
        rc = renameat(p->parent_fd, p->staging_name, p->parent_fd, p->name);
        int err = errno;
        if (rc != 0)
            renameat(p->parent_fd, old_name, p->parent_fd, p->name);
        else if (renameat(p->parent_fd, old_name, p->parent_fd, p->staging_name) != 0)
            remove_tree(p->parent_fd, old_name);
        errno = err;
    }
    free(old_name);
    return rc;
}

int publish_commit(struct publish *p)
{
    pthread_rwlock_rdlock(&p->ops);
    if (atomic_load(&p->interrupted)) {
        pthread_rwlock_unlock(&p->ops);
        finish(p);
        return -1;
    }
    if (atomic_load(&p->failed)) {
        /* Each failed write has been reported; the output stays as it was. */
        remove_tree(p->parent_fd, p->staging_name);
        pthread_rwlock_unlock(&p->ops);
        finish(p);
        return -1;
    }
    close(p->staging_fd);
    p->staging_fd = -1;
    if (p->old_fd >= 0) {
        close(p->old_fd);
        p->old_fd = -1;
    }
    if (swap(p) != 0) {
        int err = errno;
        remove_tree(p->parent_fd, p->staging_name);
        pthread_rwlock_unlock(&p->ops);
        io_error(p, p->shown, "cannot put the new version of the site in place", err);
        finish(p);
        return -1;
    }
    pthread_rwlock_unlock(&p->ops);

    if (p->had_old && remove_tree(p->parent_fd, p->staging_name) != 0) {
        char *shown = shown_sibling(p, p->staging_name);
        diag_warning(p->d, shown, 0, 0,
                     "the site was published, but its previous version could not be removed "
                     "(%s); the next build will try again",
                     strerror(errno));
        free(shown);
    }
    finish(p);
    return 0;
}

int publish_interrupted(const struct publish *p)
{
    return atomic_load(&p->interrupted) != 0;
}
