/* fs: the file system, with errors reported through diag.
 * Each fallible function returns 0 or -1; on -1 it has already reported an I/O error naming
 * the path, so callers pass the failure up without a message of their own. */
#ifndef KAIRAN_FS_H
#define KAIRAN_FS_H

#include <stddef.h>
#include <sys/stat.h>

#include "core/buf.h"
#include "core/diag.h"
#include "core/hash.h"
#include "core/strv.h"

/* Appends the whole file to out. */
int fs_read_file(struct diag *d, const char *path, struct buf *out);
/* Creates or replaces path with the given bytes (creating parent directories). */
int fs_write_file(struct diag *d, const char *path, const void *data, size_t len);
/* Like fs_write_file, but readers see either the old file or the whole new one, never a part:
 * the bytes go to a temporary file in the same folder, which is then renamed over path (the
 * file is 0644 whatever the umask). A build stopped half-way leaves no half-written file. */
int fs_write_atomic(struct diag *d, const char *path, const void *data, size_t len);
/* fs_write_atomic in parts, for a file too big to make in memory first: fs_atomic_open makes
 * the temporary file beside path (NULL after reporting), fs_atomic_write adds bytes (a failure
 * is kept for the commit), and fs_atomic_commit puts the file in place, or removes it and
 * reports the first failure; it frees a. Returns 0 or -1. */
struct fs_atomic;
struct fs_atomic *fs_atomic_open(struct diag *d, const char *path);
void fs_atomic_write(struct fs_atomic *a, const void *data, size_t len);
int fs_atomic_commit(struct fs_atomic *a);
/* Like mkdir -p. */
int fs_mkdirs(struct diag *d, const char *path);
/* Appends to out every regular file below dir whose name ends in suffix (NULL: all), as paths
 * relative to dir, sorted; hidden files and folders (a leading '.') are skipped. A symbolic
 * link is followed only when it stays inside root; one that leaves it is an error. */
int fs_list(struct diag *d, const char *root, const char *dir, const char *suffix,
            struct strv *out);
int fs_is_dir(const char *path);
int fs_is_file(const char *path);
/* Removes path and everything below it, like rm -rf; a missing path is not an error. Never
 * follows symbolic links. */
int fs_remove_tree(struct diag *d, const char *path);
/* The same for name below the folder dirfd (or AT_FDCWD), reporting nothing: returns 0, or -1
 * with errno set by the first failure, for callers whose messages say more. */
int fs_remove_tree_at(int dirfd, const char *name);
/* Opens rel, a relative path, below the folder dirfd so that nothing outside it can be reached:
 * a symbolic link anywhere on the way, an absolute path or a ".." part is refused (ELOOP,
 * EXDEV). flags are open(2)'s for the last part (O_NOFOLLOW and O_CLOEXEC are added; parts
 * before it must be folders). Uses openat2 with RESOLVE_BENEATH where the kernel has it, else
 * goes one part at a time. Returns a new descriptor, which the caller closes, or -1 with errno
 * set; reports nothing. */
int fs_open_beneath(int dirfd, const char *rel, int flags);
/* Opens the folder rel below root (a folder path) with fs_open_beneath, creating each missing
 * part (0755) on the way and following no symbolic link; rel "" is root itself. Returns a new
 * descriptor (O_DIRECTORY), which the caller closes, or -1 with errno set; reports nothing. */
int fs_mkdirs_beneath(const char *root, const char *rel);
/* Like fs_write_atomic for rel below the folder root, reached as fs_mkdirs_beneath reaches it:
 * no part of the way is a symbolic link, and none of it leaves root. A link at rel itself is
 * replaced, not followed. Returns 0, or -1 after reporting. */
int fs_write_atomic_beneath(struct diag *d, const char *root, const char *rel, const void *data,
                            size_t len);
/* Moves the file from (below root) to to (below root, its folders made as needed), neither
 * reached through a symbolic link; an existing file at to is not replaced (EEXIST). Returns 0,
 * or -1 with errno set; reports nothing. */
int fs_move_beneath(const char *root, const char *from, const char *to);
/* Checks that rel is a path that stays inside the folder it is relative to, written plainly:
 * not empty, not absolute, parts separated by one '/', none of them "." or "..", and no
 * backslash or control character. Returns NULL when it is, else a static description of the
 * problem ("a '..' part") for a message. */
const char *fs_rel_problem(const char *rel);
/* Returns a new string "a/b" (no doubled slash; "." and "" as a give b alone); the caller frees
 * it. */
char *fs_join(const char *a, const char *b);
/* A file's identity on disk, from its stat: size, inode, device and the modification and
 * change times. Any write to a file changes it (no program can set the change time back) and a
 * file saved by replacing it is another inode, so the same identity stands for the same bytes
 * without reading them; a file touched but not changed only gets a new one. */
struct hash fs_identity(const struct stat *st);

#endif
