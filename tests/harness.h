/* The unit-test harness: a test is a function, a check records a failure and goes on.
 * A test passes when none of its checks failed; main() ends with HARNESS_DONE(), which prints
 * "N passed, N failed" for tests/run.sh to add up. Below the checks, the helpers that several
 * unit tests need: a struct diag's messages as text, a scratch folder, a file written into it.
 * Each test program is tests/unit/test_MODULE.c for the module generator/…/MODULE.c it tests. */
#ifndef KAIRAN_HARNESS_H
#define KAIRAN_HARNESS_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/diag.h"
#include "core/fs.h"

static int harness_passed, harness_failed, harness_fails_now;
static const char *harness_test;

#define CHECK(cond)                                                                               \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            harness_fails_now++;                                                                  \
            fprintf(stderr, "%s:%d: %s: check failed: %s\n", __FILE__, __LINE__, harness_test,    \
                    #cond);                                                                       \
        }                                                                                         \
    } while (0)

#define CHECK_STR(got, want)                                                                      \
    do {                                                                                          \
        const char *g_ = (got), *w_ = (want);                                                     \
        if (!g_ || !w_ || strcmp(g_, w_) != 0) {                                                  \
            harness_fails_now++;                                                                  \
            fprintf(stderr, "%s:%d: %s: %s\n  got:  \"%s\"\n  want: \"%s\"\n", __FILE__,          \
                    __LINE__, harness_test, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)");        \
        }                                                                                         \
    } while (0)

#define CHECK_INT(got, want)                                                                      \
    do {                                                                                          \
        long long g_ = (long long)(got), w_ = (long long)(want);                                  \
        if (g_ != w_) {                                                                           \
            harness_fails_now++;                                                                  \
            fprintf(stderr, "%s:%d: %s: %s is %lld, want %lld\n", __FILE__, __LINE__,             \
                    harness_test, #got, g_, w_);                                                  \
        }                                                                                         \
    } while (0)

/* Records a part of a suite that could not run (say, a folder of cases that is not there): one
 * line "NAME: skipped (WHY)" that tests/run.sh shows; it counts as neither passed nor failed. */
static inline void harness_skip(const char *name, const char *why)
{
    printf("%s: skipped (%s)\n", name, why);
}

/* Records the outcome of one named case (for table-driven suites such as the Mustache spec). */
static inline void harness_case(const char *name, int ok)
{
    if (ok) {
        harness_passed++;
    } else {
        harness_failed++;
        fprintf(stderr, "FAIL %s\n", name);
    }
}

static inline void harness_run(const char *name, void (*fn)(void))
{
    harness_test = name;
    harness_fails_now = 0;
    fn();
    harness_case(name, harness_fails_now == 0);
}

#define RUN(fn) harness_run(#fn, fn)
#define HARNESS_DONE() (printf("%d passed, %d failed\n", harness_passed, harness_failed), \
                        harness_failed != 0)

/* Every message in d as diag_print writes it, each line ending in a newline; "" when there are
 * none. Returns a new string; the caller frees it. */
static inline char *harness_diag_text(struct diag *d)
{
    /* diag_print hands qsort a NULL array when there is nothing, which UBSan rejects. */
    if (d->len == 0)
        return strdup("");
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (!f)
        abort();
    diag_print(d, f);
    fclose(f);
    return out;
}

/* The same without the newline after the last line, for expectations written as one string per
 * case. Returns a new string; the caller frees it. */
static inline char *harness_diag_text_trimmed(struct diag *d)
{
    char *out = harness_diag_text(d);
    size_t len = strlen(out);
    if (len && out[len - 1] == '\n')
        out[len - 1] = '\0';
    return out;
}

/* Whether expected output is being accepted (ACCEPT=1 make test): a fixture whose output changed
 * on purpose then gets what the test produced as its new expected file. */
static inline int harness_accepting(void)
{
    const char *a = getenv("ACCEPT");
    return a && *a;
}

/* When accepting, writes text as the expected file path, with a final newline (which
 * editors add; readers of expected files leave one out). */
static inline void harness_accept(const char *path, const char *text)
{
    if (!harness_accepting())
        return;
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        size_t n = strlen(text);
        fputs(text, f);
        if (n == 0 || text[n - 1] != '\n')
            fputc('\n', f);
        CHECK(fclose(f) == 0);
    }
}

/* Makes a new empty folder /tmp/kairan-NAME-XXXXXX and writes its path into dir. Returns 0, or
 * -1 with a message when it cannot (a test program then stops: it has nowhere to work). */
static inline int harness_tmpdir(char dir[64], const char *name)
{
    snprintf(dir, 64, "/tmp/kairan-%s-XXXXXX", name);
    if (mkdtemp(dir))
        return 0;
    perror(dir);
    return -1;
}

/* Removes path and everything below it, like rm -rf, also folders a test made read-only or
 * unreadable; never follows a symbolic link. A missing path is not an error. */
static inline void harness_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    chmod(path, 0700);
    DIR *dir = opendir(path);
    struct dirent *e;
    while (dir && (e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *child = fs_join(path, e->d_name);
        harness_remove_tree(child);
        free(child);
    }
    if (dir)
        closedir(dir);
    rmdir(path);
}

/* Writes text to dir/rel (rel alone when dir is NULL) in place, as an editor saves a file,
 * making the folders it needs; a check fails when it cannot. */
static inline void harness_put(const char *dir, const char *rel, const char *text)
{
    char *path = dir ? fs_join(dir, rel) : strdup(rel);
    for (char *slash = strchr(path + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        mkdir(path, 0755);
        *slash = '/';
    }
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        CHECK(fclose(f) == 0);
    }
    free(path);
}

#endif
