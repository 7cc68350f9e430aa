/* pool: a fixed set of worker threads that run one loop body over many indexes.
 * pool_for() hands out the indexes through an atomic counter and returns when all are done, so
 * callers write results into per-index slots and the output never depends on the thread count.
 * Workers block SIGINT, SIGTERM and SIGHUP, leaving them to the thread that handles them
 * (publish). Nothing here fails: a thread that cannot be started just means fewer workers. */
#ifndef KAIRAN_POOL_H
#define KAIRAN_POOL_H

#include <stddef.h>

typedef void (*pool_fn)(size_t index, void *userdata);

struct pool;

/* Returns a new pool of `threads` workers counting the caller, who works too; threads <= 1 runs
 * everything inline with no thread at all. The caller frees it with pool_free(). */
struct pool *pool_new(unsigned threads);
/* Runs fn(i, userdata) once for every i in [0, n) and returns when all calls have returned.
 * The order of calls is unspecified. A pool runs one loop at a time: a pool_for() on a pool that
 * is already busy (called from inside fn, or from another thread meanwhile) runs its loop inline
 * in the calling thread, which is correct but not parallel. */
void pool_for(struct pool *p, size_t n, pool_fn fn, void *userdata);
/* Waits for nothing (pool_for has already returned) and joins the workers; NULL is allowed. */
void pool_free(struct pool *p);
/* The number of online processors, at least 1: the default for -j. */
unsigned pool_default_threads(void);
/* The number of threads that share the work, counting the caller. */
unsigned pool_threads(const struct pool *p);

#endif
