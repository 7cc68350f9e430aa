#include "core/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"

int fs_read_file(struct diag *d, const char *path, struct buf *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        diag_errno(d, path, errno, "cannot open");
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        diag_io_error(d, path, "is a folder, not a file");
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
            diag_errno(d, path, errno, "cannot read");
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
            diag_errno(d, p, errno, "cannot create folder");
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

int fs_write_file(struct diag *d, const char *path, const void *data, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (slash && slash != path) {
        char *dir = xstrndup(path, (size_t)(slash - path));
        int rc = fs_is_dir(dir) ? 0 : fs_mkdirs(d, dir);
        free(dir);
        if (rc)
            return -1;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        diag_errno(d, path, errno, "cannot create");
        return -1;
    }
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            diag_errno(d, path, errno, "cannot write");
            close(fd);
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    if (close(fd) != 0) {
        diag_errno(d, path, errno, "cannot write");
        return -1;
    }
    return 0;
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
        diag_errno(d, dirpath, errno, "cannot open folder");
        free(dirpath);
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *child_rel = *rel ? fs_join(rel, e->d_name) : xstrdup(e->d_name);
        char *child = fs_join(base, child_rel);
        struct stat lst, st;
        if (lstat(child, &lst) == 0 && S_ISLNK(lst.st_mode) && stat(child, &st) != 0 &&
            errno == ENOENT) {
            diag_error(d, child, 0, 0, "this link points to a file that does not exist; remove "
                                       "the link, or copy the file in instead");
            rc = -1;
        } else if (lstat(child, &lst) != 0 || stat(child, &st) != 0) {
            diag_errno(d, child, errno, "cannot read");
            rc = -1;
        } else if (S_ISLNK(lst.st_mode) && !inside(root_real, child)) {
            diag_error(d, child, 0, 0, "this link points outside the site folder; "
                                       "copy the file in instead");
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            if (walk(d, root_real, base, child_rel, suffix, out))
                rc = -1;
        } else if (S_ISREG(st.st_mode)) {
            size_t n = strlen(e->d_name), m = suffix ? strlen(suffix) : 0;
            if (!suffix || (n >= m && strcmp(e->d_name + n - m, suffix) == 0)) {
                strv_push_owned(out, child_rel);
                child_rel = NULL;
            }
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
        diag_errno(d, root, errno, "cannot open folder");
        return -1;
    }
    size_t before = out->len;
    int rc = walk(d, root_real, dir, "", suffix, out);
    free(root_real);
    struct strv tail = {out->v + before, out->len - before, 0};
    strv_sort(&tail);
    return rc;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return type == FTW_DP ? rmdir(path) : unlink(path);
}

int fs_remove_tree(struct diag *d, const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : (diag_errno(d, path, errno, "cannot remove"), -1);
    if (nftw(path, remove_entry, 32, FTW_DEPTH | FTW_PHYS) != 0) {
        diag_errno(d, path, errno, "cannot remove");
        return -1;
    }
    return 0;
}
