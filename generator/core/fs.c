#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* syscall(): openat2 has no wrapper in older C libraries */
#endif

#include "core/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <linux/openat2.h>
#include <sys/syscall.h>
#endif

#include "core/intl.h"
#include "core/xalloc.h"

int fs_read_file(struct diag *d, const char *path, struct buf *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        diag_errno(d, path, errno, _("cannot open"));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        diag_io_error(d, path, _("is a folder, not a file"));
        close(fd);
        return -1;
    }
    /* Room for the whole file and the read that finds its end: a buffer grown by 64 KiB per
     * file would keep that much per entry for the length of the build. */
    if (st.st_size > 0)
        buf_grow(out, (size_t)st.st_size + 1);
    for (;;) {
        if (out->len + 1 >= out->cap)
            buf_grow(out, 4096);
        ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            diag_errno(d, path, errno, _("cannot read"));
            close(fd);
            return -1;
        }
        if (n == 0)
            break;
        out->len += (size_t)n;
    }
    out->data[out->len] = '\0';
    close(fd);
    return 0;
}

int fs_mkdirs(struct diag *d, const char *path)
{
    char *p = xstrdup(path);
    int rc = 0;
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            diag_errno(d, p, errno, _("cannot create folder"));
            rc = -1;
            break;
        }
        *s = c;
        if (c == '\0')
            break;
    }
    free(p);
    return rc;
}

/* Creates the folder path goes in, unless it is there. */
static int make_parent(struct diag *d, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return 0;
    char *dir = xstrndup(path, (size_t)(slash - path));
    int rc = fs_is_dir(dir) ? 0 : fs_mkdirs(d, dir);
    free(dir);
    return rc;
}

/* Writes len bytes to fd and closes it; returns 0, or the errno of the first failure. */
/* Writes all of data to fd; returns 0 or the errno of the failure. */
static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int write_and_close(int fd, const void *data, size_t len)
{
    int err = write_all(fd, data, len);
    if (close(fd) != 0 && !err)
        err = errno;
    return err;
}

int fs_write_file(struct diag *d, const char *path, const void *data, size_t len)
{
    if (make_parent(d, path) != 0)
        return -1;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        diag_errno(d, path, errno, _("cannot create"));
        return -1;
    }
    int err = write_and_close(fd, data, len);
    if (err) {
        diag_errno(d, path, err, _("cannot write"));
        return -1;
    }
    return 0;
}

struct fs_atomic {
    struct diag *d;
    char *path, *tmp;
    int fd;
    int err; /* the first failure's errno, 0 while there is none */
};

struct fs_atomic *fs_atomic_open(struct diag *d, const char *path)
{
    if (make_parent(d, path) != 0)
        return NULL;
    struct fs_atomic *a = xcalloc(1, sizeof *a);
    a->d = d;
    a->path = xstrdup(path);
    a->tmp = xasprintf("%s.XXXXXX", path);
    a->fd = mkstemp(a->tmp);
    if (a->fd < 0) {
        diag_errno(d, path, errno, _("cannot create"));
        free(a->tmp);
        free(a->path);
        free(a);
        return NULL;
    }
    /* mkstemp makes private files; what kairan writes must be readable by the web server. */
    fchmod(a->fd, 0644);
    return a;
}

void fs_atomic_write(struct fs_atomic *a, const void *data, size_t len)
{
    if (!a->err)
        a->err = write_all(a->fd, data, len);
}

int fs_atomic_commit(struct fs_atomic *a)
{
    int err = a->err;
    if (close(a->fd) != 0 && !err)
        err = errno;
    if (!err && rename(a->tmp, a->path) != 0)
        err = errno;
    if (err) {
        diag_errno(a->d, a->path, err, _("cannot write"));
        unlink(a->tmp);
    }
    free(a->tmp);
    free(a->path);
    free(a);
    return err ? -1 : 0;
}

int fs_write_atomic(struct diag *d, const char *path, const void *data, size_t len)
{
    struct fs_atomic *a = fs_atomic_open(d, path);
    if (!a)
        return -1;
    fs_atomic_write(a, data, len);
    return fs_atomic_commit(a);
}

int fs_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int fs_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *fs_join(const char *a, const char *b)
{
    size_t n = strlen(a);
    /* "." joins to b alone, so that messages name content/x.md, not ./content/x.md. */
    if (n == 0 || (strcmp(a, ".") == 0 && *b))
        return xstrdup(b);
    return xasprintf("%s%s%s", a, a[n - 1] == '/' ? "" : "/", b);
}

static int inside(const char *root_real, const char *path)
{
    char *real = realpath(path, NULL);
    if (!real)
        return 0;
    size_t n = strlen(root_real);
    int ok = strncmp(real, root_real, n) == 0 && (real[n] == '/' || real[n] == '\0');
    free(real);
    return ok;
}

static int walk(struct diag *d, const char *root_real, const char *base, const char *rel,
                const char *suffix, struct strv *out)
{
    char *dirpath = *rel ? fs_join(base, rel) : xstrdup(base);
    DIR *dir = opendir(dirpath);
    if (!dir) {
        diag_errno(d, dirpath, errno, _("cannot open folder"));
        free(dirpath);
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(e->d_name), m = suffix ? strlen(suffix) : 0;
        int wanted = !suffix || (n >= m && strcmp(e->d_name + n - m, suffix) == 0);
        /* What the folder says of a plain file is enough: the stats are for links and for
         * folders that do not say (a big site's content/ holds thousands of files). */
        if (e->d_type == DT_REG && !wanted)
            continue;
        char *child_rel = *rel ? fs_join(rel, e->d_name) : xstrdup(e->d_name);
        if (e->d_type == DT_REG) {
            strv_push_owned(out, child_rel);
            continue;
        }
        char *child = fs_join(base, child_rel);
        struct stat lst, st;
        if (lstat(child, &lst) == 0 && S_ISLNK(lst.st_mode) && stat(child, &st) != 0 &&
            errno == ENOENT) {
            diag_error(d, child, 0, 0, _("this link points to a file that does not exist; remove "
                                         "the link, or copy the file in instead"));
            rc = -1;
        } else if (lstat(child, &lst) != 0 || stat(child, &st) != 0) {
            diag_errno(d, child, errno, _("cannot read"));
            rc = -1;
        } else if (S_ISLNK(lst.st_mode) && !inside(root_real, child)) {
            diag_error(d, child, 0, 0, _("this link points outside the site folder; copy the file "
                                         "in instead"));
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            if (walk(d, root_real, base, child_rel, suffix, out))
                rc = -1;
        } else if (S_ISREG(st.st_mode) && wanted) {
            strv_push_owned(out, child_rel);
            child_rel = NULL;
        }
        free(child_rel);
        free(child);
    }
    closedir(dir);
    free(dirpath);
    return rc;
}

int fs_list(struct diag *d, const char *root, const char *dir, const char *suffix,
            struct strv *out)
{
    char *root_real = realpath(root, NULL);
    if (!root_real) {
        diag_errno(d, root, errno, _("cannot open folder"));
        return -1;
    }
    size_t before = out->len;
    int rc = walk(d, root_real, dir, "", suffix, out);
    free(root_real);
    struct strv tail = {out->v + before, out->len - before, 0};
    strv_sort(&tail);
    return rc;
}

int fs_remove_tree_at(int dirfd, const char *name)
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
    int saved = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (fs_remove_tree_at(fd, e->d_name) != 0 && !saved)
            saved = errno;
    }
    closedir(dir);
    if (unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT && !saved)
        saved = errno;
    errno = saved;
    return saved ? -1 : 0;
}

int fs_remove_tree(struct diag *d, const char *path)
{
    if (fs_remove_tree_at(AT_FDCWD, path) != 0) {
        diag_errno(d, path, errno, _("cannot remove"));
        return -1;
    }
    return 0;
}

/* Whether rel may be opened below a folder at all: relative, with no ".." part. */
static int beneath_ok(const char *rel)
{
    if (rel[0] == '/' || rel[0] == '\0')
        return 0;
    for (const char *s = rel;;) {
        const char *end = strchr(s, '/');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        if (n == 2 && s[0] == '.' && s[1] == '.')
            return 0;
        if (!end)
            return 1;
        s = end + 1;
    }
}

int fs_open_beneath(int dirfd, const char *rel, int flags)
{
    if (!beneath_ok(rel)) {
        errno = *rel ? EXDEV : ENOENT;
        return -1;
    }
    flags |= O_NOFOLLOW | O_CLOEXEC;
#if defined(__linux__) && defined(SYS_openat2) && defined(RESOLVE_NO_SYMLINKS)
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (uint64_t)flags;
    how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    int got = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
    /* Anything but "the kernel cannot do this" is the answer; else part by part below. */
    if (got >= 0 || (errno != ENOSYS && errno != EPERM && errno != E2BIG && errno != EINVAL))
        return got;
#endif
    char *copy = xstrdup(rel);
    int at = dirfd;
    int fd = -1;
    for (char *part = copy;;) {
        char *slash = strchr(part, '/');
        if (slash)
            *slash = '\0';
        int f = slash ? O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | (flags & O_NONBLOCK)
                      : flags;
        fd = openat(at, *part ? part : ".", f);
        int saved = errno;
        if (at != dirfd)
            close(at);
        errno = saved;
        if (fd < 0 || !slash)
            break;
        at = fd;
        part = slash + 1;
    }
    free(copy);
    return fd;
}

const char *fs_rel_problem(const char *rel)
{
    if (!rel || !*rel)
        return _("an empty path");
    for (const unsigned char *s = (const unsigned char *)rel; *s; s++) {
        if (*s == '\\')
            return _("a backslash");
        if (*s < 0x20 || *s == 0x7f)
            return _("a control character");
    }
    if (rel[0] == '/')
        return _("an absolute path");
    for (const char *s = rel;;) {
        const char *end = strchr(s, '/');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        if (n == 0)
            return _("an empty part");
        if (n == 1 && s[0] == '.')
            return _("a '.' part");
        if (n == 2 && s[0] == '.' && s[1] == '.')
            return _("a '..' part");
        if (!end)
            return NULL;
        s = end + 1;
    }
}

int fs_mkdirs_beneath(const char *root, const char *rel)
{
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || !*rel)
        return fd;
    if (fs_rel_problem(rel)) {
        close(fd);
        errno = EXDEV;
        return -1;
    }
    char *copy = xstrdup(rel);
    for (char *part = copy;;) {
        char *slash = strchr(part, '/');
        if (slash)
            *slash = '\0';
        if (mkdirat(fd, part, 0755) != 0 && errno != EEXIST) {
            int saved = errno;
            close(fd);
            free(copy);
            errno = saved;
            return -1;
        }
        int next = fs_open_beneath(fd, part, O_RDONLY | O_DIRECTORY);
        int saved = errno;
        close(fd);
        fd = next;
        errno = saved;
        if (fd < 0 || !slash)
            break;
        part = slash + 1;
    }
    free(copy);
    return fd;
}

/* Splits rel into its folder (a new string, "" for none) and its last part (pointing into
 * rel). */
static char *split_last(const char *rel, const char **name)
{
    const char *slash = strrchr(rel, '/');
    *name = slash ? slash + 1 : rel;
    return slash ? xstrndup(rel, (size_t)(slash - rel)) : xstrdup("");
}

int fs_write_atomic_beneath(struct diag *d, const char *root, const char *rel, const void *data,
                            size_t len)
{
    char *shown = fs_join(root, rel);
    const char *problem = fs_rel_problem(rel);
    if (problem) {
        diag_io_error(d, shown, _("cannot be written: the path has %s"), problem);
        free(shown);
        return -1;
    }
    const char *name;
    char *dir = split_last(rel, &name);
    int dirfd = fs_mkdirs_beneath(root, dir);
    free(dir);
    if (dirfd < 0) {
        diag_errno(d, shown, errno, _("cannot create the folder of"));
        free(shown);
        return -1;
    }
    int err = 0, fd = -1;
    char tmp[80];
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    for (unsigned i = 0; fd < 0 && i < 100; i++) {
        /* Hidden, so that a build listing the folder meanwhile never reads it. */
        snprintf(tmp, sizeof tmp, ".kairan-%ld-%ld-%u.tmp", (long)getpid(), (long)now.tv_nsec,
                 i);
        fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0)
        err = errno;
    else
        err = write_and_close(fd, data, len);
    if (!err && renameat(dirfd, tmp, dirfd, name) != 0)
        err = errno;
    if (err) {
        diag_errno(d, shown, err, _("cannot write"));
        if (fd >= 0)
            unlinkat(dirfd, tmp, 0);
    }
    close(dirfd);
    free(shown);
    return err ? -1 : 0;
}

int fs_move_beneath(const char *root, const char *from, const char *to)
{
    if (fs_rel_problem(from) || fs_rel_problem(to)) {
        errno = EXDEV;
        return -1;
    }
    const char *from_name, *to_name;
    char *from_dir = split_last(from, &from_name);
    char *to_dir = split_last(to, &to_name);
    int rc = -1, saved = 0;
    int root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int a = -1, b = -1;
    if (root_fd < 0)
        goto done;
    a = *from_dir ? fs_open_beneath(root_fd, from_dir, O_RDONLY | O_DIRECTORY)
                  : fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
    b = a < 0 ? -1 : fs_mkdirs_beneath(root, to_dir);
    if (b < 0)
        goto done;
    /* A hard link and an unlink: the file is never replaced at to, and never lost. */
    struct stat st;
    if (fstatat(a, from_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        goto done;
    if (!S_ISREG(st.st_mode)) {
        errno = EINVAL;
        goto done;
    }
    if (linkat(a, from_name, b, to_name, 0) != 0)
        goto done;
    if (unlinkat(a, from_name, 0) != 0) {
        saved = errno;
        unlinkat(b, to_name, 0);
        errno = saved;
        goto done;
    }
    rc = 0;
done:
    saved = errno;
    if (a >= 0)
        close(a);
    if (b >= 0)
        close(b);
    if (root_fd >= 0)
        close(root_fd);
    free(from_dir);
    free(to_dir);
    errno = saved;
    return rc;
}

struct hash fs_identity(const struct stat *st)
{
    int64_t v[5] = {(int64_t)st->st_size, (int64_t)st->st_ino, (int64_t)st->st_dev,
                    (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec,
                    (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec};
    return hash_bytes(v, sizeof v);
}
