/* manifest: the record a build with a manifest leaves in the cache of what it published: for
 * every file of the output its caller's key, the hash of its bytes and its identity on disk
 * (inode, size, mtime) and whether the spare version beside it holds the same file, the mtime
 * of every folder, the spare's files and the key of the whole build. This module reads and writes that text; publish decides what it means. Reading never
 * fails: what does not hold for the folders as they are now is left out, so a missing, old or
 * damaged manifest only means a slower build. The tables own copies of their paths. */
#ifndef KAIRAN_MANIFEST_H
#define KAIRAN_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/hash.h"
#include "core/strmap.h"
#include "core/strv.h"

/* One file (or folder) of an output, as the manifest records it. */
struct manifest_record {
    const char *rel; /* the table's copy */
    struct hash key; /* the caller's key; all zero when there is none */
    struct hash sum; /* of the file's bytes (hash_bytes): what publish_digest adds up */
    uint64_t ino, size;
    int64_t mtime; /* nanoseconds since the epoch */
    int lazy;      /* placed while nothing was staged: to be linked when staging begins */
    /* The spare version holds this very file (the same inode at the same path): staging that
     * begins as the spare already has it. Written as a "k" line instead of "f"; read only
     * with the spare known. */
    int shared;
};

/* Records by path: record i belongs to the path numbered i in rels. */
struct manifest_table {
    struct strmap rels;
    struct manifest_record *v;
    size_t len, cap;
};

/* The record of rel, or NULL. */
struct manifest_record *manifest_table_find(const struct manifest_table *t, const char *rel);
/* Adds rel (a copy) with a record of zeros and returns its index; the caller made sure it is
 * not there yet. */
size_t manifest_table_add(struct manifest_table *t, const char *rel);
void manifest_table_release(struct manifest_table *t);

/* A folder as the manifest names it: by device and inode. */
struct manifest_folder {
    int exists;
    uint64_t dev, ino;
};

/* What a manifest says that still holds. */
struct manifest {
    struct hash build;       /* the key of the build that wrote it; all zero when it names none */
    unsigned long counts[2]; /* the two numbers noted with it (entries, pictures) */
    int output_known;        /* it describes the output folder given: files and dirs are complete */
    struct manifest_table files, dirs; /* the output's files; its folders ("." itself) */
    int spare_known;   /* it describes the spare folder given as well: spare is complete */
    struct strv spare; /* the spare's files */
};

/* Reads the manifest text (len bytes) against the folders as they are now: the output's files
 * and folders count only when the text names output as the output folder and lists "."; the
 * spare's files only when it names spare as well. Fills m (release it with manifest_release). */
void manifest_parse(struct manifest *m, const char *text, size_t len, struct manifest_folder output,
                    struct manifest_folder spare);
void manifest_release(struct manifest *m);

/* Appends the manifest of an output: the build's key and counts (none when the key is all
 * zero), the output folder, the spare folder (none when it does not exist), every file
 * (sorted by path here, so files' index is stale afterwards), every folder and, when spare is
 * not NULL, the spare's files. */
void manifest_format(struct buf *out, struct hash build, const unsigned long counts[2],
                     struct manifest_folder output, struct manifest_folder spare_folder,
                     struct manifest_table *files, const struct manifest_table *dirs,
                     const struct strv *spare);

#endif
