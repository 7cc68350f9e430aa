/* Unit tests of the worker pool: every index runs exactly once, whatever the thread count. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "core/pool.h"
#include "core/xalloc.h"
#include "harness.h"

struct counts {
    atomic_uint *hits;
};

static void count(size_t i, void *userdata)
{
    struct counts *c = userdata;
    atomic_fetch_add(&c->hits[i], 1);
}

/* Runs a loop of n on a pool of t threads twice (the second reuses the workers) and checks that
 * each index was hit exactly twice. */
static void check_exactly_once(unsigned t, size_t n)
{
    struct pool *p = pool_new(t);
    struct counts c = {xcalloc(n ? n : 1, sizeof *c.hits)};
    pool_for(p, n, count, &c);
    pool_for(p, n, count, &c);
    size_t wrong = 0;
    for (size_t i = 0; i < n; i++)
        wrong += atomic_load(&c.hits[i]) != 2;
    if (wrong)
        fprintf(stderr, "threads %u, n %zu: %zu indexes not run exactly once per loop\n", t, n,
                wrong);
    CHECK_INT(wrong, 0);
    free(c.hits);
    pool_free(p);
}

static void every_index_once(void)
{
    unsigned threads[] = {0, 1, 2, 8};
    size_t sizes[] = {0, 1, 2, 10000};
    for (size_t a = 0; a < sizeof threads / sizeof *threads; a++)
        for (size_t b = 0; b < sizeof sizes / sizeof *sizes; b++)
            check_exactly_once(threads[a], sizes[b]);
}

static void many_loops_reuse_workers(void)
{
    struct pool *p = pool_new(4);
    enum { LOOPS = 2000, N = 7 };
    struct counts c = {xcalloc(N, sizeof *c.hits)};
    for (int k = 0; k < LOOPS; k++)
        pool_for(p, N, count, &c);
    for (size_t i = 0; i < N; i++)
        CHECK_INT(atomic_load(&c.hits[i]), LOOPS);
    free(c.hits);
    pool_free(p);
}

static void thread_counts(void)
{
    struct pool *p = pool_new(0);
    CHECK_INT(pool_threads(p), 1);
    pool_free(p);
    p = pool_new(3);
    CHECK_INT(pool_threads(p), 3);
    pool_free(p);
    CHECK(pool_default_threads() >= 1);
    pool_free(NULL);
}

/* Results go into per-index slots: the same input gives the same array for any thread count. */
static void square(size_t i, void *userdata)
{
    unsigned long *out = userdata;
    out[i] = (unsigned long)i * i + 7;
}

static void output_independent_of_threads(void)
{
    enum { N = 5000 };
    unsigned long *want = xcalloc(N, sizeof *want);
    unsigned long *got = xcalloc(N, sizeof *got);
    struct pool *one = pool_new(1);
    pool_for(one, N, square, want);
    pool_free(one);
    struct pool *many = pool_new(8);
    pool_for(many, N, square, got);
    pool_free(many);
    CHECK(memcmp(want, got, N * sizeof *want) == 0);
    CHECK_INT(want[N - 1], (unsigned long)(N - 1) * (N - 1) + 7);
    free(want);
    free(got);
}

/* A loop body that itself calls pool_for on the same pool: the inner loop runs inline. */
struct nested {
    struct pool *p;
    atomic_uint *hits; /* 10 x 10 */
    size_t outer;
};

struct inner {
    struct nested *n;
    size_t row;
};

static void inner_body(size_t i, void *userdata)
{
    struct inner *in = userdata;
    atomic_fetch_add(&in->n->hits[in->row * 10 + i], 1);
}

static void outer_body(size_t i, void *userdata)
{
    struct nested *n = userdata;
    struct inner in = {n, i};
    pool_for(n->p, 10, inner_body, &in);
}

static void nested_use_runs_inline(void)
{
    struct nested n = {pool_new(4), xcalloc(100, sizeof(atomic_uint)), 0};
    pool_for(n.p, 10, outer_body, &n);
    for (size_t i = 0; i < 100; i++)
        CHECK_INT(atomic_load(&n.hits[i]), 1);
    free(n.hits);
    pool_free(n.p);
}

/* Two threads sharing one pool at the same time both get every index run. */
struct shared {
    struct pool *p;
    struct counts c;
};

static void *share(void *arg)
{
    struct shared *s = arg;
    for (int k = 0; k < 50; k++)
        pool_for(s->p, 100, count, &s->c);
    return NULL;
}

static void concurrent_callers(void)
{
    struct pool *p = pool_new(4);
    struct shared a = {p, {xcalloc(100, sizeof(atomic_uint))}};
    struct shared b = {p, {xcalloc(100, sizeof(atomic_uint))}};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, share, &a);
    pthread_create(&tb, NULL, share, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    for (size_t i = 0; i < 100; i++) {
        CHECK_INT(atomic_load(&a.c.hits[i]), 50);
        CHECK_INT(atomic_load(&b.c.hits[i]), 50);
    }
    free(a.c.hits);
    free(b.c.hits);
    pool_free(p);
}

/* Workers must not take SIGINT/SIGTERM away from the thread that handles them. */
struct masks {
    pthread_t caller;
    atomic_uint workers_seen, workers_unblocked;
};

static void look_at_mask(size_t i, void *userdata)
{
    struct masks *m = userdata;
    /* Slow enough that the workers get a share of the indexes. */
    struct timespec ts = {0, 200000};
    nanosleep(&ts, NULL);
    if (pthread_equal(pthread_self(), m->caller))
        return;
    sigset_t now;
    pthread_sigmask(SIG_BLOCK, NULL, &now);
    atomic_fetch_add(&m->workers_seen, 1);
    if (!sigismember(&now, SIGINT) || !sigismember(&now, SIGTERM) || !sigismember(&now, SIGHUP))
        atomic_fetch_add(&m->workers_unblocked, 1);
}

static void workers_block_termination_signals(void)
{
    struct pool *p = pool_new(4);
    struct masks m = {.caller = pthread_self()};
    pool_for(p, 200, look_at_mask, &m);
    CHECK(atomic_load(&m.workers_seen) > 0);
    CHECK_INT(atomic_load(&m.workers_unblocked), 0);
    /* The caller's own mask is left as it was. */
    sigset_t now;
    pthread_sigmask(SIG_BLOCK, NULL, &now);
    CHECK(!sigismember(&now, SIGINT));
    pool_free(p);
}

int main(void)
{
    RUN(every_index_once);
    RUN(many_loops_reuse_workers);
    RUN(thread_counts);
    RUN(output_independent_of_threads);
    RUN(nested_use_runs_inline);
    RUN(concurrent_callers);
    RUN(workers_block_termination_signals);
    return HARNESS_DONE();
}
