#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* renameat2(RENAME_EXCHANGE): the one-step swap; elsewhere two renames */
#endif

#include "publish/publish.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/fs.h"
#include "core/intl.h"
#include "core/strmap.h"
#include "core/strv.h"
#include "core/xalloc.h"
#include "publish/manifest.h"

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
    uint64_t old_dev; /* its device */
    int had_old; /* the output existed when the build began */

    /* Read-held by every write and by the swap; the signal thread takes it for writing, so
     * nothing is half-written in staging when it removes the folder. Shared by all threads. */
    pthread_rwlock_t ops;
    atomic_int interrupted; /* the signal that arrived, 0 before; shared */
    atomic_int failed;      /* a write failed: commit refuses; shared */
    atomic_int broken;      /* an I/O error: later writes fail without repeating it; shared */

    /* With a manifest (publish_options.manifest): */
    char *manifest;        /* its path, or NULL */
    char *spare_name;      /* ".public.spare": the version before the current one */
    struct manifest_table old;      /* the current output's files, as the manifest recorded them */
    struct manifest_table old_dirs; /* its folders and their mtimes ("" is the output itself) */
    int old_known;         /* the manifest describes the current output: old is complete */
    struct strv spare_files; /* the spare's files, when spare_known */
    int spare_known;
    pthread_mutex_t lock; /* guards placed, staged and from_spare; shared by all threads */
    struct manifest_table placed;  /* what this build placed, with keys and identities */
    int staged;           /* the staging folder exists (from the start without a manifest) */
    int old_sorted;       /* old.v is sorted by path: 1, it is not: -1, not looked yet: 0 */
    int from_spare;       /* staging began as the spare: any file in it may be out of date */
    struct hash old_build, new_build; /* publish_set_build's key: the manifest's, this build's */
    struct hash digest; /* the sum of every placed file's fingerprint (publish_digest); lock */
    unsigned long old_counts[2], new_counts[2];

    /* The process's umask keeps 0644 and 0755 as they are (read once): files and folders are
     * created with their modes, without a chmod each. */
    int exact_modes;
    struct pool *pool; /* publish_options.pool, or NULL */

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

static void io_error(struct publish *p, const char *path, const char *what, int err)
{
    diag_errno(p->d, path, err, "%s", what);
    atomic_store(&p->broken, 1);
}

/* ---- the manifest ---- */

static int64_t mtime_ns(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

/* True when st (of a file of the current output) is the file r records. */
static int same_as_record(const struct publish *p, const struct manifest_record *r,
                          const struct stat *st)
{
    return S_ISREG(st->st_mode) && (st->st_mode & 07777) == 0644 &&
           (uint64_t)st->st_dev == p->old_dev && (uint64_t)st->st_ino == r->ino &&
           (uint64_t)st->st_size == r->size && mtime_ns(st) == r->mtime;
}

static int is_zero(struct hash h)
{
    return h.lo == 0 && h.hi == 0;
}

/* The identity of the folder name in parent_fd (a folder, not a link), for the manifest. */
static struct manifest_folder folder_at(int parent_fd, const char *name)
{
    struct manifest_folder f = {0, 0, 0};
    struct stat st;
    if (fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
        f = (struct manifest_folder){1, (uint64_t)st.st_dev, (uint64_t)st.st_ino};
    return f;
}

/* Reads the manifest; what does not match the folders as they are now is ignored, so a
 * missing, old or damaged manifest only means a slower build. */
static void manifest_load(struct publish *p)
{
    struct diag quiet;
    diag_init(&quiet);
    struct buf text;
    buf_init(&text);
    if (fs_is_file(p->manifest))
        fs_read_file(&quiet, p->manifest, &text);
    diag_release(&quiet);
    struct manifest_folder output = {0, 0, 0};
    struct stat st;
    if (p->old_fd >= 0 && fstat(p->old_fd, &st) == 0) {
        output = (struct manifest_folder){1, (uint64_t)st.st_dev, (uint64_t)st.st_ino};
        p->old_dev = (uint64_t)st.st_dev;
    }
    struct manifest_folder spare = folder_at(p->parent_fd, p->spare_name);
    struct manifest m;
    manifest_parse(&m, text.data, text.len, output, spare);
    buf_release(&text);
    p->old_build = m.build;
    p->old_counts[0] = m.counts[0];
    p->old_counts[1] = m.counts[1];
    p->old_known = m.output_known;
    p->old = m.files;
    p->old_dirs = m.dirs;
    p->spare_known = m.spare_known;
    p->spare_files = m.spare;
    /* A spare the manifest does not describe cannot be trusted to stage in. */
    if (spare.exists && !p->spare_known && fs_remove_tree_at(p->parent_fd, p->spare_name) != 0) {
        char *shown = shown_sibling(p, p->spare_name);
        io_error(p, shown, _("cannot remove the previous version of the site"), errno);
        free(shown);
    }
}

/* Writes the manifest of the output as this build left it (files in placed, folders in dirs)
 * and of the spare (files in spare, or none). Failing to write it only slows the next build
 * down, so it is a warning. */
static void manifest_save(struct publish *p, struct manifest_table *dirs, const struct strv *spare)
{
    struct manifest_folder output = folder_at(p->parent_fd, p->name);
    if (!output.exists)
        return;
    struct manifest_folder spare_folder = {0, 0, 0};
    if (spare)
        spare_folder = folder_at(p->parent_fd, p->spare_name);
    struct buf b;
    buf_init(&b);
    manifest_format(&b, p->new_build, p->new_counts, output, spare_folder, &p->placed, dirs,
                    spare);
    /* The index of placed is stale after the sort; nothing looks it up any more. */
    struct diag quiet;
    diag_init(&quiet);
    if (fs_write_atomic(&quiet, p->manifest, b.data, b.len) != 0)
        diag_warning(p->d, p->manifest, 0, 0,
                     _("cannot save the list of what was built; the next build will take longer"));
    diag_release(&quiet);
    buf_release(&b);
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
    fs_remove_tree_at(p->parent_fd, p->staging_name);
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
    pthread_mutex_destroy(&p->lock);
    manifest_table_release(&p->old);
    manifest_table_release(&p->old_dirs);
    manifest_table_release(&p->placed);
    strv_release(&p->spare_files);
    free(p->manifest);
    free(p->spare_name);
    free(p->shown);
    free(p->parent);
    free(p->name);
    free(p->staging_name);
    free(p);
}

/* How a path to keep is named in a message: "." is the site folder itself. */
static const char *kept_name(const char *k)
{
    return strcmp(k, ".") == 0 || !*k ? _("the site folder") : k;
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
                           _("cannot be the output folder: kairan reads the site from it, and "
                             "replaces the output folder on every build; choose another one, like "
                             "public"));
                rc = -1;
            } else if (k && strncmp(k, out_real, n) == 0 && (k[n] == '\0' || k[n] == '/')) {
                diag_error(p->d, p->shown, 0, 0,
                           _("cannot be the output folder: it holds %s, and kairan replaces the "
                             "output folder on every build; choose another one, like public"),
                           kept_name(paths[i]));
                rc = -1;
            } else if (k && list == 1 && strncmp(out_real, k, kn) == 0 && out_real[kn] == '/') {
                diag_error(p->d, p->shown, 0, 0,
                           _("cannot be the output folder: it is inside %s/, which kairan reads "
                             "the site from; choose a folder outside it, like public"),
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
        io_error(p, shown, _("cannot open the lock file that keeps two builds apart"), errno);
        free(shown);
        free(lock_name);
        return -1;
    }
    free(lock_name);
    if (flock(p->lock_fd, LOCK_EX | LOCK_NB) == 0)
        return 0;
    if (errno != EWOULDBLOCK) {
        io_error(p, p->shown, _("cannot lock the output folder"), errno);
        return -1;
    }
    if (opt->no_wait) {
        diag_io_error(p->d, p->shown,
                      _("another build is writing to this folder right now; try again when it has "
                        "finished"));
        return -1;
    }
    if (opt->notice) {
        fprintf(opt->notice, _("kairan: waiting for another build writing to %s/ to finish\n"),
                p->shown);
        fflush(opt->notice);
    }
    while (flock(p->lock_fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            io_error(p, p->shown, _("cannot lock the output folder"), errno);
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
        io_error(p, p->parent, _("cannot open folder"), errno);
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
        if (fs_remove_tree_at(p->parent_fd, stale.v[i]) != 0) {
            char *shown = shown_sibling(p, stale.v[i]);
            io_error(p, shown, _("cannot remove what an interrupted build left behind"), errno);
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
        io_error(p, p->shown, _("cannot open folder"), errno);
        return -1;
    }
    if (S_ISLNK(st.st_mode)) {
        diag_error(p->d, p->shown, 0, 0,
                   _("is a link to another folder; kairan replaces the output folder on every "
                     "build, so it must be a real folder (remove the link, or give the real "
                     "folder's path)"));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        diag_error(p->d, p->shown, 0, 0,
                   _("is a file, not a folder; move it away or choose another output folder"));
        return -1;
    }
    if (fstat(p->parent_fd, &parent_st) == 0 && parent_st.st_dev != st.st_dev) {
        diag_error(p->d, p->shown, 0, 0,
                   _("is a separate disk (a mount point); kairan replaces the output folder on "
                     "every build, so give a folder inside it"));
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
                      _("is read-only (its permissions let no one write to it); make it writable, "
                        "or remove it, and build again"));
        return -1;
    }
    if (mkdirat(p->parent_fd, p->staging_name, 0700) != 0) {
        io_error(p, p->shown, _("cannot create the new version of the site next to this folder"),
                 errno);
        return -1;
    }
    p->staging_fd =
        openat(p->parent_fd, p->staging_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (p->staging_fd < 0 || fchmod(p->staging_fd, mode) != 0) {
        char *shown = shown_sibling(p, p->staging_name);
        io_error(p, shown, _("cannot open folder"), errno);
        free(shown);
        return -1;
    }
    p->staged = 1;
    return 0;
}

static void open_old(struct publish *p)
{
    if (p->had_old)
        p->old_fd =
            openat(p->parent_fd, p->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
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
                   _("cannot be the output folder: kairan replaces the output folder on every "
                     "build, so give it a folder of its own, like public"));
        return -1;
    }
    return 0;
}

/* Whether the umask takes nothing from 0644 and 0755, from /proc/self/status (which says it
 * without changing it, as umask(2) would for every thread). 0 when it cannot tell. */
static int umask_keeps_modes(void)
{
    FILE *f = fopen("/proc/self/status", "re");
    if (!f)
        return 0;
    char line[256];
    unsigned mask = 07777;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Umask: %o", &mask) == 1)
            break;
    fclose(f);
    return (mask & 0755) == 0;
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
    pthread_mutex_init(&p->lock, NULL);
    atomic_init(&p->interrupted, 0);
    atomic_init(&p->failed, 0);
    atomic_init(&p->broken, 0);

    if (split_output(p, out_dir) != 0 || check_keep(p, opt->keep, opt->sources) != 0)
        goto fail;
    if (!fs_is_dir(p->parent) && fs_mkdirs(d, p->parent) != 0)
        goto fail;
    p->parent_fd = open(p->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (p->parent_fd < 0) {
        io_error(p, p->parent, _("cannot open folder"), errno);
        goto fail;
    }
    if (take_lock(p, opt) != 0 || recover(p) != 0 || check_output(p) != 0)
        goto fail;
    p->exact_modes = umask_keeps_modes();
    p->pool = opt->pool;
    open_old(p);
    p->spare_name = xasprintf(".%s.spare", p->name);
    if (opt->manifest) {
        p->manifest = xstrdup(opt->manifest);
        manifest_load(p);
        if (atomic_load(&p->broken))
            goto fail;
    }
    /* Held so that a signal arriving from now on waits until the staging folder exists. */
    p->staging_name = xasprintf(".%s.staging-%ld", p->name, (long)getpid());
    pthread_rwlock_rdlock(&p->ops);
    if (!opt->no_signals)
        arm_signals(p);
    /* With a manifest that knows the current output, staging waits for the first change. */
    int rc = p->old_known ? 0 : make_staging(p);
    pthread_rwlock_unlock(&p->ops);
    if (rc != 0) {
        fs_remove_tree_at(p->parent_fd, p->staging_name);
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

/* Opens the folder of rel below base, creating the missing ones in staging (create 1; 2 also
 * replaces files that are in the way), made 0755 whatever the umask unless exact (the umask
 * keeps it). Never follows a symbolic link. Returns 0; -1 with errno set (ENOTDIR: a part is a
 * file). */
static int open_spot(int base, const char *rel, int create, int exact, struct spot *out)
{
    out->dir_fd = -1;
    const char *last = strrchr(rel, '/');
    if (last) {
        char *parent = xstrndup(rel, (size_t)(last - rel));
        out->dir_fd = fs_open_beneath(base, parent, O_RDONLY | O_DIRECTORY);
        free(parent);
        if (out->dir_fd >= 0) {
            out->leaf = last + 1;
            return 0;
        }
    }
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
        if (next < 0 && (errno == ENOTDIR || errno == ELOOP) && create == 2 &&
            unlinkat(cur, part, 0) == 0)
            errno = ENOENT; /* a file the spare had where a folder goes now */
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
        if (made && !exact)
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
    if (p->old_fd < 0 || open_spot(p->old_fd, rel, 0, 1, old) != 0)
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

/* The hash of the len bytes of the file fd (read from its start). Returns 0, or -1 with errno
 * set. */
static int hash_fd(int fd, size_t len, struct hash *out)
{
    struct hasher h;
    hash_init(&h, 0);
    char *buf = xmalloc(CHUNK);
    int rc = 0;
    for (size_t off = 0; rc == 0 && off < len; off += CHUNK) {
        size_t n = len - off < CHUNK ? len - off : CHUNK;
        rc = read_at(fd, buf, n, (off_t)off);
        if (rc == 0)
            hash_update(&h, buf, n);
        else if (errno == 0)
            errno = EIO; /* the file got shorter while we read it */
    }
    free(buf);
    if (rc == 0)
        *out = hash_final(&h);
    return rc;
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
                   _("two pages of the site would both be written to this file; give one of them "
                     "another name (slug)"));
    else if (err == EEXIST || err == EISDIR)
        diag_error(p->d, shown, 0, 0,
                   _("would be both a file and a folder; give one of the pages another name "
                     "(slug)"));
    else
        io_error(p, shown, _("cannot create"), err);
    free(shown);
}

/* Puts rel into staging: a hard link to the current output's file when old is given (its bytes
 * are the ones wanted), else src's bytes in a new file. When staging began as the spare, what
 * the spare has at rel is replaced (or left, when it already is that very file). Fills st with
 * the placed file's identity. Returns 0, or -1 after reporting. */
static int stage(struct publish *p, const char *rel, const struct source *src, const char *from,
                 const struct spot *old, const struct stat *old_st, struct stat *st)
{
    struct spot dst;
    int replace = p->from_spare;
    if (open_spot(p->staging_fd, rel, replace ? 2 : 1, p->exact_modes, &dst) != 0) {
        int err = errno;
        char *shown = shown_path(p, rel);
        if (err == ENOTDIR || err == EEXIST)
            diag_error(p->d, shown, 0, 0,
                       _("would be inside a folder that is also a file; give one of the pages "
                         "another name (slug)"));
        else
            io_error(p, shown, _("cannot create folder"), err);
        free(shown);
        return -1;
    }

    int rc = -1;
    struct source copy = {NULL, -1, 0};
    if (replace) {
        struct stat cur;
        if (fstatat(dst.dir_fd, dst.leaf, &cur, AT_SYMLINK_NOFOLLOW) == 0) {
            if (old && S_ISREG(cur.st_mode) && cur.st_dev == old_st->st_dev &&
                cur.st_ino == old_st->st_ino) {
                *st = *old_st;
                rc = 0;
                goto done;
            }
            /* Never write into the spare's file: it may be a link to a published one. */
            int gone = S_ISDIR(cur.st_mode) ? fs_remove_tree_at(dst.dir_fd, dst.leaf)
                                            : unlinkat(dst.dir_fd, dst.leaf, 0);
            if (gone != 0 && errno != ENOENT) {
                char *shown = shown_path(p, rel);
                io_error(p, shown, _("cannot replace the previous version of"), errno);
                free(shown);
                goto done;
            }
        }
    }
    if (old && linkat(old->dir_fd, old->leaf, dst.dir_fd, dst.leaf, 0) == 0) {
        *st = *old_st;
        rc = 0;
        goto done;
    }
    if (old && errno == EEXIST) {
        report_conflict(p, rel, dst.dir_fd, dst.leaf, EEXIST);
        goto done;
    }
    if (!src) {
        /* Kept, but it cannot be linked (too many links): copy the current file. */
        copy.fd = openat(old->dir_fd, old->leaf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        copy.len = (size_t)old_st->st_size;
        if (copy.fd < 0) {
            char *shown = shown_path(p, rel);
            io_error(p, shown, _("cannot read"), errno);
            free(shown);
            goto done;
        }
        src = &copy;
        from = p->shown;
    }
    /* A new file (or one that cannot be linked: then a copy with the old times). */
    int fd = openat(dst.dir_fd, dst.leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    0644);
    if (fd < 0) {
        report_conflict(p, rel, dst.dir_fd, dst.leaf, errno);
        goto done;
    }
    int read_failed = 0;
    if ((!p->exact_modes && fchmod(fd, 0644) != 0) || copy_into(fd, src, &read_failed) != 0) {
        int err = errno;
        close(fd);
        char *shown = read_failed ? xstrdup(from) : shown_path(p, rel);
        io_error(p, shown, read_failed ? _("cannot read") : _("cannot write"), err);
        free(shown);
        goto done;
    }
    if (old) {
        struct timespec times[2] = {old_st->st_atim, old_st->st_mtim};
        futimens(fd, times);
    }
    if (fstat(fd, st) != 0 || close(fd) != 0) {
        char *shown = shown_path(p, rel);
        io_error(p, shown, _("cannot write"), errno);
        free(shown);
        goto done;
    }
    rc = 0;

done:
    if (copy.fd >= 0)
        close(copy.fd);
    close(dst.dir_fd);
    return rc;
}

/* Without a manifest: a file whose bytes are unchanged is linked, any other is written. */
static int place(struct publish *p, const char *rel, const struct source *src, const char *from)
{
    struct spot old;
    struct stat old_st, st;
    int unchanged = find_unchanged(p, rel, src, &old, &old_st) == 0;
    int rc = stage(p, rel, src, from, unchanged ? &old : NULL, &old_st, &st);
    if (unchanged)
        close(old.dir_fd);
    return rc;
}

static void set_identity(struct manifest_record *r, const struct stat *st)
{
    r->ino = (uint64_t)st->st_ino;
    r->size = (uint64_t)st->st_size;
    r->mtime = mtime_ns(st);
}

/* Creates the staging folder once a build changes something: the spare when the manifest
 * knows it, else a new folder; then links in what was kept before. Returns 0, or -1 after
 * reporting. */
static int materialize(struct publish *p)
{
    pthread_mutex_lock(&p->lock);
    int rc = 0;
    if (!p->staged) {
        if (p->spare_known &&
            renameat(p->parent_fd, p->spare_name, p->parent_fd, p->staging_name) == 0) {
            p->staging_fd = openat(p->parent_fd, p->staging_name,
                                   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (p->staging_fd < 0) {
                char *shown = shown_sibling(p, p->staging_name);
                io_error(p, shown, _("cannot open folder"), errno);
                free(shown);
                rc = -1;
            } else {
                p->staged = p->from_spare = 1;
            }
        } else {
            rc = make_staging(p);
        }
        for (size_t i = 0; rc == 0 && i < p->placed.len; i++) {
            struct manifest_record *r = &p->placed.v[i];
            if (!r->lazy)
                continue;
            const struct manifest_record *was = manifest_table_find(&p->old, r->rel);
            if (p->from_spare && was && was->shared) {
                r->lazy = 0; /* the spare holds this very file */
                continue;
            }
            struct spot old;
            struct stat old_st, st;
            if (open_spot(p->old_fd, r->rel, 0, 1, &old) != 0 ||
                fstatat(old.dir_fd, old.leaf, &old_st, AT_SYMLINK_NOFOLLOW) != 0) {
                char *shown = shown_path(p, r->rel);
                io_error(p, shown, _("cannot open"), errno);
                free(shown);
                rc = -1;
                if (old.dir_fd >= 0)
                    close(old.dir_fd);
                break;
            }
            rc = stage(p, r->rel, NULL, NULL, &old, &old_st, &st);
            close(old.dir_fd);
            if (rc == 0) { /* st is only filled when the file was staged */
                r->lazy = 0;
                set_identity(r, &st);
            }
        }
    }
    pthread_mutex_unlock(&p->lock);
    return rc;
}

/* Opens the folder of the current output's file rel, kept as *st says, to link it: fills
 * old. Returns 0, or -1 after reporting that it is no longer that file. */
static int open_kept(struct publish *p, const char *rel, struct spot *old, const struct stat *st)
{
    struct stat now;
    if (open_spot(p->old_fd, rel, 0, 1, old) == 0 &&
        fstatat(old->dir_fd, old->leaf, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
        now.st_dev == st->st_dev && now.st_ino == st->st_ino)
        return 0;
    if (old->dir_fd >= 0)
        close(old->dir_fd);
    old->dir_fd = -1;
    char *shown = shown_path(p, rel);
    diag_io_error(p->d, shown, _("the file changed while kairan was building the site; build "
                                 "again"));
    free(shown);
    return -1;
}

/* With a manifest: places rel (src NULL: the current output's file, which the caller found
 * unchanged, as kept_st says; kept->dir_fd is its folder, or -1 to be opened only if it must
 * be linked) and records it with key. While nothing has changed, an unchanged file is
 * only noted, to be linked if staging begins. Returns 0, or -1 after reporting. */
static int place_tracked(struct publish *p, const char *rel, const struct source *src,
                         const char *from, struct hash key, struct hash sum, struct spot *kept,
                         const struct stat *kept_st)
{
    pthread_mutex_lock(&p->lock);
    if (manifest_table_find(&p->placed, rel)) {
        pthread_mutex_unlock(&p->lock);
        char *shown = shown_path(p, rel);
        diag_error(p->d, shown, 0, 0,
                   _("two pages of the site would both be written to this file; give one of them "
                     "another name (slug)"));
        free(shown);
        return -1;
    }
    size_t at = manifest_table_add(&p->placed, rel);
    p->placed.v[at].key = key;
    p->placed.v[at].sum = sum;
    pthread_mutex_unlock(&p->lock);

    struct spot old = {-1, NULL};
    struct stat old_st;
    int unchanged;
    if (kept) {
        old = *kept;
        old_st = *kept_st;
        unchanged = 1;
    } else {
        unchanged = find_unchanged(p, rel, src, &old, &old_st) == 0;
    }
    const struct manifest_record *was = p->old_known ? manifest_table_find(&p->old, rel) : NULL;

    pthread_mutex_lock(&p->lock);
    /* Kept while nothing is staged: linked if staging begins. Kept with staging begun as the
     * spare, which holds this very file: already in place. */
    int in_place = unchanged && was && p->staged && p->from_spare && was->shared;
    if ((unchanged && was && !p->staged) || in_place) {
        p->placed.v[at].lazy = !p->staged;
        set_identity(&p->placed.v[at], &old_st);
        pthread_mutex_unlock(&p->lock);
        if (old.dir_fd >= 0)
            close(old.dir_fd);
        return 0;
    }
    pthread_mutex_unlock(&p->lock);
    if (unchanged && old.dir_fd < 0 && open_kept(p, rel, &old, &old_st) != 0)
        return -1;
    struct stat st;
    int rc = materialize(p);
    if (rc == 0)
        rc = stage(p, rel, src, from, unchanged ? &old : NULL, &old_st, &st);
    if (unchanged)
        close(old.dir_fd);
    if (rc == 0) {
        pthread_mutex_lock(&p->lock);
        set_identity(&p->placed.v[at], &st);
        pthread_mutex_unlock(&p->lock);
    }
    return rc;
}

/* Adds a placed file to the digest: its path and the hash of its bytes. A sum, so that the
 * order the workers place files in is no matter. */
static void add_to_digest(struct publish *p, const char *rel, struct hash bytes)
{
    struct hasher h;
    hash_init(&h, 0x6b616972616e6467ULL);
    hash_update(&h, rel, strlen(rel) + 1);
    hash_update(&h, &bytes, sizeof bytes);
    struct hash one = hash_final(&h);
    pthread_mutex_lock(&p->lock);
    p->digest.lo += one.lo;
    p->digest.hi += one.hi;
    pthread_mutex_unlock(&p->lock);
}

/* Runs one placement with the checks every write shares; sum is the hash of the file's
 * bytes. */
static int guarded_place(struct publish *p, const char *rel, const struct source *src,
                         const char *from, struct hash key, struct spot *kept,
                         const struct stat *kept_st, struct hash sum)
{
    const char *problem = fs_rel_problem(rel);
    if (problem) {
        char *shown = xstrdup(rel ? rel : "");
        for (char *s = shown; *s; s++)
            if ((unsigned char)*s < 0x20 || *s == 0x7f)
                *s = '?';
        diag_error(p->d, NULL, 0, 0,
                   _("internal error: refusing to write '%s' (%s); this is a bug in kairan, please "
                     "report it"),
                   shown, problem);
        free(shown);
        atomic_store(&p->failed, 1);
        if (kept && kept->dir_fd >= 0)
            close(kept->dir_fd);
        return -1;
    }
    pthread_rwlock_rdlock(&p->ops);
    int rc = -1;
    if (!atomic_load(&p->interrupted) && !atomic_load(&p->broken))
        rc = p->manifest ? place_tracked(p, rel, src, from, key, sum, kept, kept_st)
                         : place(p, rel, src, from);
    else if (kept && kept->dir_fd >= 0)
        close(kept->dir_fd);
    pthread_rwlock_unlock(&p->ops);
    if (rc != 0)
        atomic_store(&p->failed, 1);
    else
        add_to_digest(p, rel, sum);
    return rc;
}

static const struct hash no_key = {0, 0};

int publish_write(struct publish *p, const char *rel, const void *data, size_t len)
{
    return publish_write_keyed(p, rel, no_key, data, len);
}

int publish_write_keyed(struct publish *p, const char *rel, struct hash key, const void *data,
                        size_t len)
{
    struct source src = {data, -1, len};
    return guarded_place(p, rel, &src, NULL, key, NULL, NULL, hash_bytes(data, len));
}

int publish_keep(struct publish *p, const char *rel, struct hash key)
{
    if (!p->manifest || !p->old_known || is_zero(key) || fs_rel_problem(rel))
        return 1;
    const struct manifest_record *r = manifest_table_find(&p->old, rel);
    if (!r || r->key.lo != key.lo || r->key.hi != key.hi)
        return 1;
    /* One look through the whole path: the file must be the very one recorded (its inode on
     * the output's device), so no folder on the way can lead anywhere else. Its folder is
     * opened only if it has to be linked into staging. */
    struct spot old = {-1, NULL};
    struct stat st;
    if (fstatat(p->old_fd, rel, &st, AT_SYMLINK_NOFOLLOW) != 0 || !same_as_record(p, r, &st))
        return 1;
    return guarded_place(p, rel, NULL, NULL, key, &old, &st, r->sum);
}

int publish_keep_as_before(struct publish *p, const char *rel)
{
    if (!p->manifest || !p->old_known || fs_rel_problem(rel))
        return 1;
    const struct manifest_record *r = manifest_table_find(&p->old, rel);
    return r ? publish_keep(p, rel, r->key) : 1;
}

/* The records of the current output whose paths start with prefix: [*from, *to) in old.v,
 * which the manifest keeps sorted by path (checked once; a search through all else). Returns
 * 0, or -1 when they are not together. */
static int old_range(struct publish *p, const char *prefix, size_t *from, size_t *to)
{
    const struct manifest_table *t = &p->old;
    if (p->old_sorted == 0) {
        p->old_sorted = 1;
        for (size_t i = 1; i < t->len && p->old_sorted == 1; i++)
            if (strcmp(t->v[i - 1].rel, t->v[i].rel) >= 0)
                p->old_sorted = -1;
    }
    if (p->old_sorted < 0)
        return -1;
    size_t n = strlen(prefix), lo = 0, hi = t->len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(t->v[mid].rel, prefix) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *from = lo;
    while (lo < t->len && strncmp(t->v[lo].rel, prefix, n) == 0)
        lo++;
    *to = lo;
    return 0;
}

/* True when the current output's file at r->rel is the one the manifest recorded; then, when
 * old is not NULL, fills it and st (the caller closes old->dir_fd). */
static int as_recorded(struct publish *p, const struct manifest_record *r, struct spot *old,
                       struct stat *st)
{
    struct spot here;
    struct stat seen;
    if (open_spot(p->old_fd, r->rel, 0, 1, &here) != 0)
        return 0;
    int same = fstatat(here.dir_fd, here.leaf, &seen, AT_SYMLINK_NOFOLLOW) == 0 &&
               same_as_record(p, r, &seen);
    if (same && old) {
        *old = here;
        *st = seen;
    } else {
        close(here.dir_fd);
    }
    return same;
}

/* Whether rel ends in suffix (NULL: any). */
static int ends_in(const char *rel, const char *suffix)
{
    size_t n = strlen(rel), m = suffix ? strlen(suffix) : 0;
    return n >= m && strcmp(rel + n - m, suffix ? suffix : "") == 0;
}

int publish_keep_folder_as_before(struct publish *p, const char *prefix, const char *suffix)
{
    size_t from, to, n = strlen(prefix);
    char *folder = xstrndup(prefix, n ? n - 1 : 0);
    int plain = n > 1 && prefix[n - 1] == '/' && !fs_rel_problem(folder);
    free(folder);
    if (!p->manifest || !p->old_known || !plain || old_range(p, prefix, &from, &to) != 0)
        return 1;
    size_t found = 0;
    for (size_t i = from; i < to; i++) {
        if (!ends_in(p->old.v[i].rel, suffix))
            continue;
        if (!as_recorded(p, &p->old.v[i], NULL, NULL))
            return 1;
        found++;
    }
    if (!found)
        return 1;
    /* Files published without a key (a picture, a stylesheet) are kept too: the caller would
     * make them again as they are. */
    for (size_t i = from; i < to; i++) {
        const struct manifest_record *r = &p->old.v[i];
        struct spot old;
        struct stat st;
        if (!ends_in(r->rel, suffix))
            continue;
        if (!as_recorded(p, r, &old, &st)) {
            /* Changed between the look and the keeping: the rest cannot be made now. */
            char *shown = shown_path(p, r->rel);
            diag_io_error(p->d, shown, _("the file changed while kairan was building the site; "
                                         "build again"));
            free(shown);
            atomic_store(&p->failed, 1);
            return -1;
        }
        if (guarded_place(p, r->rel, NULL, NULL, r->key, &old, &st, r->sum) != 0)
            return -1;
    }
    return 0;
}

int publish_file(struct publish *p, const char *rel, const char *src_path)
{
    return publish_file_keyed(p, rel, no_key, src_path);
}

int publish_file_keyed(struct publish *p, const char *rel, struct hash key, const char *src_path)
{
    int kept = publish_keep(p, rel, key);
    if (kept <= 0)
        return kept;
    int fd = open(src_path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int err = fd < 0 ? errno : EISDIR;
        if (fd >= 0)
            close(fd);
        if (err == EISDIR)
            diag_io_error(p->d, src_path, _("is a folder, not a file"));
        else
            diag_errno(p->d, src_path, err, _("cannot open"));
        atomic_store(&p->failed, 1);
        return -1;
    }
    struct source src = {NULL, fd, (size_t)st.st_size};
    struct hash bytes;
    if (hash_fd(fd, src.len, &bytes) != 0) {
        diag_errno(p->d, src_path, errno, _("cannot read"));
        atomic_store(&p->failed, 1);
        close(fd);
        return -1;
    }
    int rc = guarded_place(p, rel, &src, src_path, key, NULL, NULL, bytes);
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
        fs_remove_tree_at(p->parent_fd, p->staging_name);
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
            fs_remove_tree_at(p->parent_fd, old_name);
        errno = err;
    }
    free(old_name);
    return rc;
}

/* True when every folder of the current output still has the mtime the manifest recorded:
 * nothing was added to it or removed from it since. */
static int dirs_unchanged(const struct publish *p)
{
    for (size_t i = 0; i < p->old_dirs.len; i++) {
        struct stat st;
        if (fstatat(p->old_fd, p->old_dirs.v[i].rel, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISDIR(st.st_mode) || mtime_ns(&st) != p->old_dirs.v[i].mtime)
            return 0;
    }
    return 1;
}

/* True when this build recorded some file differently from the manifest. */
static int records_changed(const struct publish *p)
{
    if (p->old_build.lo != p->new_build.lo || p->old_build.hi != p->new_build.hi ||
        p->old_counts[0] != p->new_counts[0] || p->old_counts[1] != p->new_counts[1])
        return 1;
    for (size_t i = 0; i < p->placed.len; i++) {
        const struct manifest_record *a = &p->placed.v[i],
                                     *b = manifest_table_find(&p->old, a->rel);
        if (!b || a->key.lo != b->key.lo || a->key.hi != b->key.hi || a->ino != b->ino ||
            a->size != b->size || a->mtime != b->mtime)
            return 1;
    }
    return 0;
}

/* Staging began as the spare: removes its files that this build did not place, and the
 * folders that leaves empty. */
static void prune_spare(struct publish *p)
{
    struct strv dirs = STRV_INIT;
    for (size_t i = 0; i < p->spare_files.len; i++) {
        const char *rel = p->spare_files.v[i];
        if (manifest_table_find(&p->placed, rel))
            continue;
        /* A folder there now holds files of this build. */
        if (unlinkat(p->staging_fd, rel, 0) != 0 && errno != ENOENT && errno != EISDIR &&
            errno != ENOTDIR) {
            char *shown = shown_sibling(p, p->staging_name);
            io_error(p, shown, _("cannot remove an old file from"), errno);
            free(shown);
            atomic_store(&p->failed, 1);
        }
        const char *slash = strrchr(rel, '/');
        if (slash)
            strv_push_owned(&dirs, xstrndup(rel, (size_t)(slash - rel)));
    }
    /* Each emptied folder goes, then its parents while they are empty too; a folder still in
     * use stays (ENOTEMPTY). */
    for (size_t i = 0; i < dirs.len; i++) {
        char *dir = dirs.v[i], *slash;
        while (unlinkat(p->staging_fd, dir, AT_REMOVEDIR) == 0 && (slash = strrchr(dir, '/')))
            *slash = '\0';
    }
    strv_release(&dirs);
}

/* The folders the placed files are in ("." for the output itself), with their mtimes as the
 * output has them now. */
static void collect_dirs(struct publish *p, struct manifest_table *dirs)
{
    int out_fd = openat(p->parent_fd, p->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    manifest_table_add(dirs, ".");
    for (size_t i = 0; i < p->placed.len; i++) {
        const char *rel = p->placed.v[i].rel;
        for (const char *s = strchr(rel, '/'); s; s = strchr(s + 1, '/')) {
            char *dir = xstrndup(rel, (size_t)(s - rel));
            if (!manifest_table_find(dirs, dir))
                manifest_table_add(dirs, dir);
            free(dir);
        }
    }
    for (size_t i = 0; i < dirs->len; i++) {
        struct stat st;
        dirs->v[i].mtime = out_fd >= 0 && fstatat(out_fd, dirs->v[i].rel, &st,
                                                  AT_SYMLINK_NOFOLLOW) == 0
                               ? mtime_ns(&st)
                               : -1;
    }
    if (out_fd >= 0)
        close(out_fd);
}

int publish_commit(struct publish *p)
{
    pthread_rwlock_rdlock(&p->ops);
    if (atomic_load(&p->interrupted)) {
        pthread_rwlock_unlock(&p->ops);
        finish(p);
        return -1;
    }
    if (!atomic_load(&p->failed) && p->manifest && !p->staged) {
        if (p->placed.len == p->old.len && dirs_unchanged(p)) {
            /* Every file kept and nothing else there: the output already is this build. */
            if (records_changed(p)) {
                /* The output and the spare stay as they were, and so does what they share. */
                for (size_t i = 0; i < p->placed.len; i++) {
                    const struct manifest_record *was =
                        manifest_table_find(&p->old, p->placed.v[i].rel);
                    p->placed.v[i].shared = was && was->shared;
                }
                manifest_save(p, &p->old_dirs, p->spare_known ? &p->spare_files : NULL);
            }
            pthread_rwlock_unlock(&p->ops);
            finish(p);
            return 0;
        }
        materialize(p);
    }
    if (!atomic_load(&p->failed) && p->from_spare)
        prune_spare(p);
    if (atomic_load(&p->failed) || atomic_load(&p->broken)) {
        /* Each failed write has been reported; the output stays as it was. */
        fs_remove_tree_at(p->parent_fd, p->staging_name);
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
        fs_remove_tree_at(p->parent_fd, p->staging_name);
        pthread_rwlock_unlock(&p->ops);
        io_error(p, p->shown, _("cannot put the new version of the site in place"), err);
        finish(p);
        return -1;
    }
    /* The previous version becomes the spare the next build stages in, when the manifest knows
     * what it holds. */
    int spared = p->manifest && p->had_old && p->old_known &&
                 renameat(p->parent_fd, p->staging_name, p->parent_fd, p->spare_name) == 0;
    pthread_rwlock_unlock(&p->ops);

    if (p->had_old && !spared && fs_remove_tree_at(p->parent_fd, p->staging_name) != 0) {
        char *shown = shown_sibling(p, p->staging_name);
        diag_warning(p->d, shown, 0, 0,
                     _("the site was published, but its previous version could not be removed "
                       "(%s); the next build will try again"),
                     strerror(errno));
        free(shown);
    }
    if (p->manifest) {
        struct manifest_table dirs = {0};
        collect_dirs(p, &dirs);
        struct strv spare = STRV_INIT;
        for (size_t i = 0; spared && i < p->old.len; i++)
            strv_push(&spare, p->old.v[i].rel);
        /* The previous output is the spare now: a file kept from it is the same file there. */
        for (size_t i = 0; spared && i < p->placed.len; i++) {
            struct manifest_record *r = &p->placed.v[i];
            const struct manifest_record *was = manifest_table_find(&p->old, r->rel);
            r->shared = was && was->ino == r->ino && was->size == r->size &&
                        was->mtime == r->mtime;
        }
        manifest_save(p, &dirs, spared ? &spare : NULL);
        strv_release(&spare);
        manifest_table_release(&dirs);
    }
    finish(p);
    return 0;
}

void publish_set_build(struct publish *p, struct hash key, unsigned long entries,
                       unsigned long pictures)
{
    p->new_build = key;
    p->new_counts[0] = entries;
    p->new_counts[1] = pictures;
}

/* Looks at the current output's folders and files in parts, on the pool: each part sets
 * changed when one of its folders or files is not as the manifest recorded it. */
enum { LOOK_PART = 512 };

struct look_job {
    const struct publish *p;
    atomic_int changed;
};

static void look_part(size_t k, void *userdata)
{
    struct look_job *job = userdata;
    const struct publish *p = job->p;
    size_t n_dirs = p->old_dirs.len, total = n_dirs + p->old.len;
    for (size_t i = k * LOOK_PART; i < total && i < (k + 1) * LOOK_PART; i++) {
        if (atomic_load(&job->changed))
            return;
        struct stat st;
        if (i < n_dirs) {
            const struct manifest_record *r = &p->old_dirs.v[i];
            if (fstatat(p->old_fd, r->rel, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
                !S_ISDIR(st.st_mode) || mtime_ns(&st) != r->mtime)
                atomic_store(&job->changed, 1);
            continue;
        }
        const struct manifest_record *r = &p->old.v[i - n_dirs];
        /* A folder on the way replaced by a link would have changed its parent's mtime. */
        if (fstatat(p->old_fd, r->rel, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
            (st.st_mode & 07777) != 0644 || (uint64_t)st.st_ino != r->ino ||
            (uint64_t)st.st_size != r->size || mtime_ns(&st) != r->mtime)
            atomic_store(&job->changed, 1);
    }
}

int publish_up_to_date(struct publish *p, struct hash key, unsigned long *entries,
                       unsigned long *pictures)
{
    if (!p->old_known || is_zero(key) || key.lo != p->old_build.lo || key.hi != p->old_build.hi)
        return 0;
    struct look_job job = {p, 0};
    atomic_init(&job.changed, 0);
    size_t parts = (p->old_dirs.len + p->old.len + LOOK_PART - 1) / LOOK_PART;
    if (p->pool)
        pool_for(p->pool, parts, look_part, &job);
    else
        for (size_t k = 0; k < parts; k++)
            look_part(k, &job);
    if (atomic_load(&job.changed))
        return 0;
    *entries = p->old_counts[0];
    *pictures = p->old_counts[1];
    return 1;
}

int publish_remove(struct diag *d, const char *out_dir)
{
    size_t n = strlen(out_dir);
    while (n > 1 && out_dir[n - 1] == '/')
        n--;
    char *out = xstrndup(out_dir, n);
    const char *slash = strrchr(out, '/');
    char *spare = slash ? xasprintf("%.*s/.%s.spare", (int)(slash - out), out, slash + 1)
                        : xasprintf(".%s.spare", out);
    int rc = fs_remove_tree(d, out);
    rc |= fs_remove_tree(d, spare);
    free(spare);
    free(out);
    return rc ? -1 : 0;
}

struct hash publish_digest(struct publish *p)
{
    pthread_mutex_lock(&p->lock);
    struct hash h = p->digest;
    pthread_mutex_unlock(&p->lock);
    return h;
}

int publish_interrupted(const struct publish *p)
{
    return atomic_load(&p->interrupted) != 0;
}
