/* watch: tells when the site's sources change, through Linux inotify.
 * A watch owns one inotify descriptor and a watch on every folder below the folders it was
 * given; folders created or moved in later are added as they appear. Symbolic links are never
 * followed. Setting up reports a folder that cannot be watched through the diag once and
 * returns NULL; afterwards only an overflowing event queue is special, and it counts as a
 * change of everything. */
#ifndef KAIRAN_WATCH_H
#define KAIRAN_WATCH_H

#include "core/diag.h"

struct watch;

/* What changed, added up over calls to watch_read. */
struct watch_change {
    unsigned count;  /* relevant events; 0: nothing that the build reads changed */
    unsigned css;    /* how many of them were to .css files (all: a stylesheet swap will do) */
    char first[256]; /* the first changed path (root/name/...), for the terminal; may be cut */
};

/* Watches root itself for the given names appearing or going (NULL-terminated, like
 * "content", "themes", "assets"), and everything below each of them that is a folder.
 * Names that do not exist yet are fine. Returns a new watch (watch_free frees it), or NULL
 * after reporting. */
struct watch *watch_new(struct diag *d, const char *root, const char *const *names);

/* The descriptor to poll for reading: readable when events are waiting. */
int watch_fd(const struct watch *w);

/* Reads every waiting event without blocking and adds the relevant ones to *change (start it
 * zeroed). Hidden files and editors' backup files (a leading '.', a trailing '~', vim's 4913)
 * are not relevant: builds never read them. A new folder that cannot be watched is reported
 * through d (-1); the change is recorded all the same. Returns 0 or -1. */
int watch_read(struct watch *w, struct diag *d, struct watch_change *change);

void watch_free(struct watch *w);

/* True if a change to the file called name (no folder part) may affect the build. */
int watch_name_relevant(const char *name);

#endif
