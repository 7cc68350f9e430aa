/* publish: writes a build into a staging folder beside the output and swaps it in at the end.
 * A publish owns the output's lock (.NAME.lock beside it), the staging folder (.NAME.staging-PID)
 * and, while it runs, SIGINT/SIGTERM/SIGHUP. Files whose bytes did not change are hard-linked
 * from the current output, so they keep their inode and mtime. With a manifest it also keeps
 * the previous version (.NAME.spare) to stage the next build in, and a build that changes
 * nothing stages nothing. Every failure (an unsafe path, a full disk, a signal) leaves the
 * current output exactly as it was; errors go to the diag once.
 * Paths are only ever resolved below the output's parent folder and never through symlinks. */
#ifndef KAIRAN_PUBLISH_H
#define KAIRAN_PUBLISH_H

#include <stddef.h>
#include <stdio.h>

#include "core/diag.h"
#include "core/hash.h"
#include "core/pool.h"

struct publish;

struct publish_options {
    /* Fail at once, instead of waiting, when another build holds the output's lock. */
    int no_wait;
    /* Where the one line "kairan: waiting for another build writing to public/ to finish"
     * goes; NULL: nowhere. */
    FILE *notice;
    /* Leave SIGINT, SIGTERM and SIGHUP alone (for embedding where the caller handles them). */
    int no_signals;
    /* NULL-terminated paths that must survive the build (the site's sources): publish_begin
     * refuses an output folder that is one of them or holds one of them. May be NULL. */
    const char *const *keep;
    /* NULL-terminated folders the build reads from (content/, themes/, assets/, the cache):
     * refused like keep, and also as a place for the output folder to be inside of. May be
     * NULL. */
    const char *const *sources;
    /* A file (in the build's cache folder) where publish records, for every output file, the
     * caller's key and the file's identity (inode, size, mtime), and the folders' mtimes. The
     * next build then keeps a file whose key is unchanged without writing it (publish_keep),
     * and stages in the previous version instead of a new folder. NULL: no manifest; every
     * build stages a complete new folder. */
    const char *manifest;
    /* Worker threads for looking at every file of the output at once (publish_up_to_date);
     * NULL: one at a time. */
    struct pool *pool;
};

/* Takes the output's lock (waiting when another build holds it, unless opt->no_wait), cleans up
 * what a killed build left behind, creates the staging folder and arms the signal handling.
 * Unless opt->no_signals, SIGINT, SIGTERM and SIGHUP are blocked in the calling thread until
 * publish_commit/publish_abort, which must be called from that same thread; a dedicated thread
 * takes them, removes the staging folder, releases the lock and ends the process by the same
 * signal (exit status 130, 143 or 129 in a shell). Threads started earlier must block these
 * signals too (the pool's workers do). One publish per process at a time.
 * opt may be NULL (defaults: wait silently, handle signals). Returns a new publish, or NULL
 * after reporting the error; publish_commit or publish_abort frees it. */
struct publish *publish_begin(struct diag *d, const char *out_dir,
                              const struct publish_options *opt);

/* Writes data as the file rel (relative to the output folder, parent folders created as needed).
 * Thread-safe. If the current output has a regular file at rel with the same bytes, that file
 * is hard-linked instead, keeping its inode and mtime. Each rel may be written only once per
 * build: a second write of the same path is an error (which one would win would depend on
 * thread timing). Unsafe paths (absolute, '.' or '..' parts, empty parts, backslashes, control
 * characters) are refused as an internal error. Returns 0, or -1 after reporting. */
int publish_write(struct publish *p, const char *rel, const void *data, size_t len);

/* Places a copy of the existing file src_path at rel, under the same rules as publish_write.
 * src_path is opened as given: the caller makes sure it is inside the sources or the cache.
 * The file is copied rather than linked so that editing a source in place can never change the
 * published site outside a build. Thread-safe. Returns 0, or -1 after reporting. */
int publish_file(struct publish *p, const char *rel, const char *src_path);

/* Places the current output's file at rel into the new version, unread, when the manifest
 * recorded it with this same key (not all zero) and it has not changed since (same inode,
 * size and mtime). Thread-safe. Returns 0 when kept; 1 when it was not, and the caller must
 * write it; -1 after reporting a failure. */
int publish_keep(struct publish *p, const char *rel, struct hash key);
/* publish_keep with the key the manifest recorded for rel, for a caller that knows by other
 * means that the file would come out as the last build made it. Returns as publish_keep; 1
 * also when the manifest recorded no key for rel. */
int publish_keep_as_before(struct publish *p, const char *rel);
/* Keeps every file the manifest recorded below the folder prefix (ending in '/') whose name
 * ends in suffix (NULL: every file), those published without a key too, for a caller that
 * would make them all as the last build did: either all are kept (0), or, when one of them is
 * not as that build left it or there are none, none is (1, and the caller writes them). -1
 * after reporting a failure. Call it from one thread at a time. */
int publish_keep_folder_as_before(struct publish *p, const char *prefix, const char *suffix);
/* publish_write and publish_file that also record key for the next build's publish_keep.
 * publish_file_keyed keeps the file when publish_keep would. */
int publish_write_keyed(struct publish *p, const char *rel, struct hash key, const void *data,
                        size_t len);
int publish_file_keyed(struct publish *p, const char *rel, struct hash key, const char *src_path);

/* The fingerprint of every file placed so far (written, copied or kept): of its path and its
 * bytes, or for a file written or kept with a key, of that key. The same files give the same
 * fingerprint whatever order they were placed in; any file changed, added or left out changes
 * it. For a file that names the build it is part of (the service worker's version). */
struct hash publish_digest(struct publish *p);

/* Notes, for the manifest, the key of everything this build read and two numbers to report
 * when a later build finds nothing changed (entries, pictures). Only a build that reported no
 * warning should call it (a later build would not repeat them). Call before publish_commit. */
void publish_set_build(struct publish *p, struct hash key, unsigned long entries,
                       unsigned long pictures);
/* True when the manifest says the last build had this key and the output is exactly as that
 * build left it (every file's identity and every folder's mtime unchanged); then fills the
 * numbers it noted. The caller then has nothing to do but publish_abort. */
int publish_up_to_date(struct publish *p, struct hash key, unsigned long *entries,
                       unsigned long *pictures);

/* Swaps the staging folder in for the output (one atomic renameat2 RENAME_EXCHANGE where the
 * file system has it, else two renames that the next build repairs if it is killed between
 * them), removes the previous output (with a manifest: keeps it as the spare and writes the
 * manifest), releases the lock and frees p. With a manifest, when every file was kept and
 * nothing else changed, the output is left as it is and nothing is swapped. Refuses (-1, the output
 * untouched, staging removed) if any write of this publish failed or a signal arrived.
 * Returns 0, or -1 after reporting. */
int publish_commit(struct publish *p);

/* Removes the staging folder, leaves the output untouched, releases the lock and frees p.
 * Safe after failed writes; NULL is allowed. */
void publish_abort(struct publish *p);

/* True once SIGINT, SIGTERM or SIGHUP arrived: long loops check it and stop early. */
int publish_interrupted(const struct publish *p);

/* Removes the output folder and the previous version kept beside it (kairan clean). A missing
 * folder is not an error. Returns 0, or -1 after reporting. */
int publish_remove(struct diag *d, const char *out_dir);

#endif
