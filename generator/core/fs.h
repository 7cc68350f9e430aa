/* fs: the file system, with errors reported through diag.
 * Each fallible function returns 0 or -1; on -1 it has already reported an I/O error naming
 * the path, so callers pass the failure up without a message of their own. */
#ifndef KAIRAN_FS_H
#define KAIRAN_FS_H

#include <stddef.h>

#include "core/buf.h"
#include "core/diag.h"
#include "core/strv.h"

/* Appends the whole file to out. */
int fs_read_file(struct diag *d, const char *path, struct buf *out);
/* Creates or replaces path with the given bytes (creating parent directories). */
int fs_write_file(struct diag *d, const char *path, const void *data, size_t len);
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
/* Returns a new string "a/b" (no doubled slash; "." and "" as a give b alone); the caller frees
 * it. */
char *fs_join(const char *a, const char *b);

#endif
