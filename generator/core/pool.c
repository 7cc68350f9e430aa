#include "core/pool.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/xalloc.h"

struct pool {
    unsigned nthreads; /* counting the caller of pool_for */
    unsigned nworkers; /* threads actually started: nthreads - 1 unless creation failed */
    pthread_t *workers;
    atomic_flag busy; /* set while a pool_for runs; a second one runs inline */

    pthread_mutex_t lock; /* guards every field below; shared by all workers */
    pthread_cond_t wake;  /* a new loop (generation) or shutdown */
    pthread_cond_t done;  /* the last worker left the current loop */
    unsigned long generation;
    unsigned running; /* workers still inside the current loop */
    int shutdown;
    pool_fn fn;
    void *userdata;
    size_t n;

    atomic_size_t next; /* the next index to hand out; shared by all workers, lock-free */
};

/* Takes indexes until none are left. */
static void drain(struct pool *p, size_t n, pool_fn fn, void *userdata)
{
    for (;;) {
        size_t i = atomic_fetch_add_explicit(&p->next, 1, memory_order_relaxed);
        if (i >= n)
            break;
        fn(i, userdata);
    }
}

static void *worker(void *arg)
{
    struct pool *p = arg;
    unsigned long seen = 0;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->shutdown && p->generation == seen)
            pthread_cond_wait(&p->wake, &p->lock);
        if (p->shutdown)
            break;
        seen = p->generation;
        pool_fn fn = p->fn;
        void *userdata = p->userdata;
        size_t n = p->n;
        pthread_mutex_unlock(&p->lock);

        drain(p, n, fn, userdata);

        pthread_mutex_lock(&p->lock);
        if (--p->running == 0)
            pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

struct pool *pool_new(unsigned threads)
{
    struct pool *p = xcalloc(1, sizeof *p);
    p->nthreads = threads ? threads : 1;
    atomic_flag_clear(&p->busy);
    atomic_init(&p->next, 0);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->done, NULL);
    if (p->nthreads == 1)
        return p;

    /* Threads inherit the creator's signal mask: block the termination signals around
     * pthread_create so that they always reach the thread that is waiting for them. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    p->workers = xcalloc(p->nthreads - 1, sizeof *p->workers);
    for (unsigned i = 0; i < p->nthreads - 1; i++) {
        if (pthread_create(&p->workers[p->nworkers], NULL, worker, p) != 0)
            break;
        p->nworkers++;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    p->nthreads = p->nworkers + 1;
    return p;
}

void pool_for(struct pool *p, size_t n, pool_fn fn, void *userdata)
{
    if (n == 0)
        return;
    if (p->nworkers == 0 || n == 1 || atomic_flag_test_and_set(&p->busy)) {
        for (size_t i = 0; i < n; i++)
            fn(i, userdata);
        return;
    }
    pthread_mutex_lock(&p->lock);
    p->fn = fn;
    p->userdata = userdata;
    p->n = n;
    atomic_store_explicit(&p->next, 0, memory_order_relaxed);
    p->running = p->nworkers;
    p->generation++;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);

    drain(p, n, fn, userdata);

    pthread_mutex_lock(&p->lock);
    while (p->running > 0)
        pthread_cond_wait(&p->done, &p->lock);
    pthread_mutex_unlock(&p->lock);
    atomic_flag_clear(&p->busy);
}

void pool_free(struct pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->shutdown = 1;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (unsigned i = 0; i < p->nworkers; i++)
        pthread_join(p->workers[i], NULL);
    free(p->workers);
    pthread_cond_destroy(&p->done);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

unsigned pool_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    return n > 1024 ? 1024 : (unsigned)n;
}

unsigned pool_threads(const struct pool *p)
{
    return p->nthreads;
}
