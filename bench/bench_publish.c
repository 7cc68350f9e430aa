/* How long publishing takes: 5000 pages of 8 KiB into a fresh output, again unchanged (every
 * file compared and hard-linked), and again with every page changed, on 1 thread and on all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/diag.h"
#include "core/pool.h"
#include "core/xalloc.h"
#include "publish/publish.h"

enum { PAGES = 5000, SIZE = 8192 };

struct job {
    struct publish *p;
    int version;
};

static void page(size_t i, void *userdata)
{
    struct job *job = userdata;
    char rel[64], text[SIZE];
    snprintf(rel, sizeof rel, "section%zu/page%zu/index.html", i % 50, i);
    memset(text, 'a' + (int)(i % 26), sizeof text);
    snprintf(text, 32, "v%d page %zu", job->version, i);
    publish_write(job->p, rel, text, sizeof text);
}

static double run(struct pool *pool, int version)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct diag d;
    diag_init(&d);
    struct publish_options opt = {.no_signals = 1};
    struct job job = {publish_begin(&d, "public", &opt), version};
    if (!job.p) {
        diag_print(&d, stderr);
        exit(1);
    }
    pool_for(pool, PAGES, page, &job);
    if (publish_commit(job.p) != 0) {
        diag_print(&d, stderr);
        exit(1);
    }
    diag_release(&d);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
}

int main(void)
{
    char dir[] = "/tmp/kairan-bench-publish-XXXXXX";
    char home[4096];
    if (!mkdtemp(dir) || !getcwd(home, sizeof home) || chdir(dir) != 0)
        return 1;
    unsigned counts[2] = {1, pool_default_threads()};
    for (int c = 0; c < 2; c++) {
        struct pool *pool = pool_new(counts[c]);
        double fresh = run(pool, 0);
        double same = run(pool, 0);
        double changed = run(pool, 1);
        printf("publish %d pages x 8 KiB, -j%u: new %.0f ms, unchanged %.0f ms, all changed "
               "%.0f ms\n",
               PAGES, counts[c], fresh, same, changed);
        pool_free(pool);
        char *cmd = xasprintf("rm -rf %s/public", dir);
        if (system(cmd) != 0)
            return 1;
        free(cmd);
    }
    if (chdir(home) != 0)
        return 1;
    char *cmd = xasprintf("rm -rf %s", dir);
    int rc = system(cmd);
    free(cmd);
    return rc != 0;
}
