/* The unit-test harness: a test is a function, a check records a failure and goes on.
 * A test passes when none of its checks failed; main() ends with HARNESS_DONE(), which prints
 * "N passed, N failed" for tests/run.sh to add up. */
#ifndef KAIRAN_HARNESS_H
#define KAIRAN_HARNESS_H

#include <stdio.h>
#include <string.h>

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

#endif
