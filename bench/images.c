/* The photo benchmark (make bench): 20 generated 4000x3000 phone-like JPEGs, each made into
 * the default three web widths (1280/640/320 at quality 82), on one core and on two, timed
 * against vipsthumbnail doing the same job on the same files when it is installed (as root it
 * is installed from Debian's libvips-tools). Reports ms per photo, the ratio, and peak RSS.
 *   build/bench/images [PHOTOS] [THREADS...]   defaults: 20 photos, 1 and 2 threads */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/diag.h"
#include "core/fs.h"
#include "core/xalloc.h"
#include "media/image.h"
#include "media/jpeg.h"
#include "media/raster.h"

#define PHOTO_W 4000
#define PHOTO_H 3000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint32_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (uint32_t)(*s >> 16);
}

/* A landscape: sky gradient, rolling hills, a sun, leafy texture and sensor grain, so the
 * JPEG is as large and as hard to compress as a phone photo (3-5 MB at 4000x3000). Smaller
 * sizes paint the same scene (coordinates scaled). */
static struct raster *paint_sized(unsigned seed, unsigned width, unsigned height)
{
    struct raster *r = raster_new(width, height, RASTER_RGB);
    uint64_t s = 0x9E3779B97F4A7C15ull * (seed + 1);
    double phase = seed * 0.7, sunx = 600 + seed * 150 % 2800, suny = 500 + seed * 37 % 400;
    double sx = (double)PHOTO_W / width, sy = (double)PHOTO_H / height;
    for (unsigned yy = 0; yy < height; yy++) {
        for (unsigned xx = 0; xx < width; xx++) {
            double x = xx * sx, y = yy * sy;
            double hill = 1500 + 300 * __builtin_sin(x / 400.0 + phase) +
                          120 * __builtin_sin(x / 97.0 + 2 * phase);
            double c[3];
            if (y < hill) {
                double t = y / hill;
                c[0] = 90 + 100 * t, c[1] = 140 + 80 * t, c[2] = 230 - 20 * t;
                double dx = x - sunx, dy = y - suny, d2 = dx * dx + dy * dy;
                if (d2 < 40000)
                    c[0] = c[1] = 255, c[2] = 230;
            } else {
                double leaf = 40 * __builtin_sin(x / 3.1 + y / 5.3) * __builtin_sin(y / 2.7);
                c[0] = 60 + leaf + (y - hill) / 30, c[1] = 120 + leaf, c[2] = 50 + leaf / 2;
            }
            unsigned char *p = r->px + ((size_t)yy * width + xx) * 3;
            uint32_t n = next(&s);
            for (int k = 0; k < 3; k++) {
                double v = c[k] + (int)((n >> (8 * k)) & 31) - 16;
                p[k] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
            }
        }
    }
    return r;
}

static struct raster *paint(unsigned seed)
{
    return paint_sized(seed, PHOTO_W, PHOTO_H);
}

/* images --paint DIR N [WIDTH HEIGHT]: writes DIR/photo000.jpg... for the site benchmark's
 * corpus (bench/corpus.py), 1600x1200 unless told. */
static int paint_only(int argc, char **argv)
{
    if (argc < 4)
        return 2;
    unsigned n = (unsigned)atoi(argv[3]);
    unsigned w = argc > 5 ? (unsigned)atoi(argv[4]) : 1600;
    unsigned h = argc > 5 ? (unsigned)atoi(argv[5]) : 1200;
    struct diag d;
    diag_init(&d);
    int rc = w && h && w <= PHOTO_W && h <= PHOTO_H ? fs_mkdirs(&d, argv[2]) : -1;
    for (unsigned i = 0; rc == 0 && i < n; i++) {
        struct raster *r = paint_sized(i, w, h);
        struct buf b;
        buf_init(&b);
        const char *why;
        rc = jpeg_encode(r, 88, 0, &b, &why);
        raster_free(r);
        char *path = xasprintf("%s/photo%03u.jpg", argv[2], i);
        if (rc == 0)
            rc = fs_write_file(&d, path, b.data, b.len);
        free(path);
        buf_release(&b);
    }
    diag_print(&d, stderr);
    diag_release(&d);
    return rc == 0 ? 0 : 1;
}

static char *photo_path(const char *dir, unsigned i)
{
    return xasprintf("%s/photo%02u.jpg", dir, i);
}

/* Same seeds, same files: the photos are made once and reused until the build folder goes. */
static int make_photos(struct diag *d, const char *dir, unsigned n)
{
    if (fs_mkdirs(d, dir) != 0)
        return -1;
    for (unsigned i = 0; i < n; i++) {
        char *path = photo_path(dir, i);
        if (!fs_is_file(path)) {
            struct raster *r = paint(i);
            struct buf b;
            buf_init(&b);
            const char *why;
            int rc = jpeg_encode(r, 92, 0, &b, &why);
            raster_free(r);
            if (rc == 0)
                rc = fs_write_file(d, path, b.data, b.len);
            buf_release(&b);
            if (rc != 0) {
                free(path);
                return -1;
            }
        }
        free(path);
    }
    return 0;
}

struct run {
    struct image_ctx *ctx;
    const char *dir;
    unsigned n;
    atomic_uint next;
    atomic_int failed;
};

static void *worker(void *arg)
{
    struct run *run = arg;
    unsigned i;
    while ((i = atomic_fetch_add(&run->next, 1)) < run->n) {
        char *path = photo_path(run->dir, i);
        struct image_result res;
        if (image_process(run->ctx, path, NULL, 0, 0, &res) != 0)
            atomic_store(&run->failed, 1);
        image_result_release(&res);
        free(path);
    }
    return NULL;
}

static void pin(unsigned cpus)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    for (unsigned c = 0; c < cpus; c++)
        CPU_SET(c, &set);
    sched_setaffinity(0, sizeof set, &set);
}

/* Runs the job in a child process on `threads` cores, so that its peak memory is its own. */
static double cpu_of(const struct rusage *ru)
{
    return ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6 + ru->ru_stime.tv_sec +
           ru->ru_stime.tv_usec / 1e6;
}

static int time_kairan(const char *photos, const char *cache, unsigned n, unsigned threads,
                       double *seconds, double *cpu, long *rss_kb)
{
    struct diag d;
    diag_init(&d);
    image_cache_clean(&d, cache);
    diag_release(&d);
    double t0 = now();
    pid_t pid = fork();
    if (pid == 0) {
        pin(threads);
        struct diag cd;
        diag_init(&cd);
        struct image_config cfg;
        image_config_init(&cfg);
        cfg.cache_dir = cache;
        struct run run = {image_ctx_new(&cfg, &cd), photos, n, 0, 0};
        pthread_t t[16];
        for (unsigned k = 0; k < threads; k++)
            pthread_create(&t[k], NULL, worker, &run);
        for (unsigned k = 0; k < threads; k++)
            pthread_join(t[k], NULL);
        struct image_stats st;
        image_ctx_stats(run.ctx, &st);
        diag_print(&cd, stderr);
        _exit(run.failed || st.decoded != n ? 1 : 0);
    }
    int status;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
        return -1;
    *seconds = now() - t0;
    *cpu = cpu_of(&ru);
    *rss_kb = ru.ru_maxrss;
    return 0;
}

static int have_vips(void)
{
    if (system("command -v vipsthumbnail >/dev/null 2>&1") == 0)
        return 1;
    if (getuid() != 0)
        return 0;
    fprintf(stderr, "bench: installing libvips-tools to compare with vipsthumbnail\n");
    return system("DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "
                  "libvips-tools >/dev/null 2>&1") == 0 &&
           system("command -v vipsthumbnail >/dev/null 2>&1") == 0;
}

/* vipsthumbnail makes one size per run, over all the files, pinned to one core. */
static int time_vips(const char *photos, const char *out, unsigned n, double *seconds, double *cpu)
{
    static const unsigned widths[] = {1280, 640, 320};
    struct diag d;
    diag_init(&d);
    fs_mkdirs(&d, out);
    diag_release(&d);
    /* vipsthumbnail takes a relative -o as relative to each input file's folder. */
    char *abs_out = realpath(out, NULL);
    if (!abs_out)
        return -1;
    double t0 = now();
    *cpu = 0;
    for (size_t w = 0; w < 3; w++) {
        pid_t pid = fork();
        if (pid == 0) {
            pin(1);
            setenv("VIPS_CONCURRENCY", "1", 1);
            char **argv = xcalloc(n + 6, sizeof *argv);
            int a = 0;
            argv[a++] = "vipsthumbnail";
            argv[a++] = "-s";
            argv[a++] = xasprintf("%ux", widths[w]);
            argv[a++] = "-o";
            argv[a++] = xasprintf("%s/%%s-%u.jpg[Q=82,strip]", abs_out, widths[w]);
            for (unsigned i = 0; i < n; i++)
                argv[a++] = photo_path(photos, i);
            execvp(argv[0], argv);
            _exit(127);
        }
        int status;
        struct rusage ru;
        if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0) {
            free(abs_out);
            return -1;
        }
        *cpu += cpu_of(&ru);
    }
    *seconds = now() - t0;
    free(abs_out);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--paint") == 0)
        return paint_only(argc, argv);
    unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 20;
    unsigned threads[8] = {1, 2};
    size_t nthreads = 2;
    if (argc > 2) {
        nthreads = 0;
        for (int i = 2; i < argc && nthreads < 8; i++)
            threads[nthreads++] = (unsigned)atoi(argv[i]);
    }
    char *self = xstrdup(argv[0]);
    char *slash = strrchr(self, '/');
    const char *dir = slash ? (*slash = '\0', self) : ".";
    char *photos = fs_join(dir, "photos");
    char *cache = fs_join(dir, "cache");
    char *vips_out = fs_join(dir, "vips");

    struct diag d;
    diag_init(&d);
    double t0 = now();
    if (n == 0 || make_photos(&d, photos, n) != 0) {
        diag_print(&d, stderr);
        return 1;
    }
    printf("images: %u photos of %ux%u ready in %.1f s (%s)\n", n, PHOTO_W, PHOTO_H, now() - t0,
           photos);

    /* CPU time is what one core costs, and stays meaningful on a busy machine; wall time
     * shows how well the threads scale. */
    double one_cpu = 0, one_wall = 0;
    for (size_t i = 0; i < nthreads; i++) {
        double s, cpu;
        long rss;
        if (time_kairan(photos, cache, n, threads[i], &s, &cpu, &rss) != 0) {
            fprintf(stderr, "images: kairan failed\n");
            return 1;
        }
        if (i == 0)
            one_cpu = cpu, one_wall = s;
        printf("images: kairan, %u thread%s: %.0f ms/photo wall (%.2f s), %.0f ms/photo CPU, "
               "wall speed-up %.2fx, peak RSS %ld MB\n",
               threads[i], threads[i] == 1 ? "" : "s", 1000 * s / n, s, 1000 * cpu / n,
               one_wall / s, rss / 1024);
    }
    if (have_vips()) {
        double s, cpu;
        if (time_vips(photos, vips_out, n, &s, &cpu) == 0)
            printf("images: vipsthumbnail, 1 core: %.0f ms/photo wall (%.2f s), %.0f ms/photo "
                   "CPU; kairan is %.2fx faster (CPU time, one core)\n",
                   1000 * s / n, s, 1000 * cpu / n, cpu / one_cpu);
        else
            printf("images: vipsthumbnail failed; no comparison\n");
    } else {
        printf("images: vipsthumbnail is not installed (run as root to install it); no "
               "comparison\n");
    }
    diag_release(&d);
    free(photos);
    free(cache);
    free(vips_out);
    free(self);
    return 0;
}
