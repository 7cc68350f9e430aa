/* Unit tests of the search fold: what residents type meets what editors wrote, and the fast
 * path for kana, kanji and ASCII gives exactly what the library gives. (That the search page's
 * script folds the same way is tests/search.test.sh's job.) */
#include <stdint.h>
#include <stdlib.h>

#include "core/cjk.h"
#include "core/fold.h"
#include "harness.h"

static char *folded(const char *s)
{
    struct buf b;
    buf_init(&b);
    fold_utf8(&b, s, strlen(s));
    return buf_detach(&b, NULL);
}

#define CHECK_FOLD(in, want)                                                                      \
    do {                                                                                          \
        char *got_ = folded(in);                                                                  \
        CHECK_STR(got_, want);                                                                    \
        free(got_);                                                                               \
    } while (0)

static void meets(void)
{
    /* Half-width, full-width, katakana and hiragana: one form. */
    CHECK_FOLD("ｶﾞｲﾄﾞ", "がいど");
    CHECK_FOLD("ガイド", "がいど");
    CHECK_FOLD("がいど", "がいど");
    CHECK_FOLD("サロン", "さろん");
    CHECK_FOLD("ヽヾ", "ゝゞ");
    CHECK_FOLD("Ｓａｌｏｎ　１２３", "salon123");
    CHECK_FOLD("（例）", "(例)");
    /* Spaces of every kind are not there. */
    CHECK_FOLD("大網 雪下ろし", "大網雪下ろし");
    CHECK_FOLD("大網　雪下ろし", "大網雪下ろし");
    CHECK_FOLD("\t改\n行\r\n", "改行");
    /* Case, fully folded. */
    CHECK_FOLD("STRASSE", "strasse");
    CHECK_FOLD("Straße", "strasse");
    CHECK_FOLD("STRAẞE", "strasse");
    CHECK_FOLD("ΣΑΣ σας", "σασσασ");
    CHECK_FOLD("İ", "i\xcc\x87");
    /* Compatibility characters become what they stand for. */
    CHECK_FOLD("①②", "12");
    CHECK_FOLD("㍻", "平成");
    CHECK_FOLD("㈱", "(株)");
    CHECK_FOLD("ﬁ", "fi");
    CHECK_FOLD("Ⅻ", "xii");
    CHECK_FOLD("㋐㌀", "ああぱーと");
    /* Voiced marks: composed when they can be, the same however they were typed. */
    CHECK_FOLD("か\xe3\x82\x99", "が");
    CHECK_FOLD("か゛", "が");
    CHECK_FOLD("カ\xe3\x82\x99", "が");
    CHECK_FOLD("ヷ", "わ\xe3\x82\x99");
    CHECK_FOLD("ﾜﾞ", "わ\xe3\x82\x99");
    CHECK_FOLD("わ゛", "わ\xe3\x82\x99");
    CHECK_FOLD("", "");
    CHECK_FOLD(" 　\t", "");
    /* Bytes that are not UTF-8 fold as U+FFFD, one byte each. */
    CHECK_FOLD("a\xff" "b", "a\xef\xbf\xbd" "b");
}

static int same_both_ways(const char *s, size_t n)
{
    struct fold_cps fast = {0}, slow = {0};
    fold_append(&fast, s, n);
    fold_append_slow(&slow, s, n);
    int same = fast.len == slow.len &&
               (fast.len == 0 || memcmp(fast.v, slow.v, fast.len * sizeof *fast.v) == 0);
    free(fast.v);
    free(slow.v);
    return same;
}

/* Every character of the Basic Multilingual Plane alone, and after kana (where a combining
 * mark would join it): the fast path never differs from the library. */
static void fast_is_slow_per_character(void)
{
    int bad = 0;
    for (uint32_t cp = 1; cp < 0x10000 && bad < 5; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        char s[16];
        size_t n = cjk_encode(cp, s);
        if (!same_both_ways(s, n)) {
            fprintf(stderr, "U+%04X alone folds differently on the fast path\n", (unsigned)cp);
            bad++;
        }
        memcpy(s, "カ", 3);
        n = 3 + cjk_encode(cp, s + 3);
        if (!same_both_ways(s, n)) {
            fprintf(stderr, "カ U+%04X folds differently on the fast path\n", (unsigned)cp);
            bad++;
        }
    }
    CHECK_INT(bad, 0);
}

/* Random texts from characters that meet at the edges of the fast path: plain ones, combining
 * marks, spaces, compatibility forms, half-width kana. */
static void fast_is_slow_in_texts(void)
{
    static const char *const pieces[] = {
        "か", "カ", "ｶ", "ﾞ", "\xe3\x82\x99", "\xe3\x82\x9a", "゛", "ヷ", "ﾜ", "a", "A", "Ａ",
        "\xcc\x88", "\xcc\x81", " ", "　", "ß", "ẞ", "Σ", "ς", "①", "㍻", "漢", "。", "（",
        "ー", "・", "ヽ", "ゝ", "\xe3\x80\xaa", "e", "i", "İ", "ﬁ", "\t", "※", "〜", "ー",
    };
    const size_t n_pieces = sizeof pieces / sizeof *pieces;
    unsigned seed = 20;
    int bad = 0;
    for (int t = 0; t < 20000 && bad < 5; t++) {
        char s[128];
        size_t n = 0;
        int len = 1 + (int)(rand_r(&seed) % 10);
        for (int k = 0; k < len; k++) {
            const char *p = pieces[rand_r(&seed) % n_pieces];
            memcpy(s + n, p, strlen(p));
            n += strlen(p);
        }
        if (!same_both_ways(s, n)) {
            fprintf(stderr, "'%.*s' folds differently on the fast path\n", (int)n, s);
            bad++;
        }
    }
    CHECK_INT(bad, 0);
}

/* For tests/search.test.sh, which holds the search page's script to this module: with
 * --chars, the fold of every code point ("HEX: HEX HEX ..." a line); with --lines, the fold of
 * each line of standard input. */
static int dump(const char *mode)
{
    if (strcmp(mode, "--chars") == 0) {
        for (uint32_t cp = 1; cp < 0x110000; cp++) {
            if (cp >= 0xD800 && cp <= 0xDFFF)
                continue;
            char s[4];
            struct fold_cps out = {0};
            fold_append(&out, s, cjk_encode(cp, s));
            printf("%X:", (unsigned)cp);
            for (size_t i = 0; i < out.len; i++)
                printf(" %X", (unsigned)out.v[i]);
            putchar('\n');
            free(out.v);
        }
        return 0;
    }
    if (strcmp(mode, "--lines") == 0) {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        while ((n = getline(&line, &cap, stdin)) > 0) {
            if (line[n - 1] == '\n')
                n--;
            char *f = NULL;
            struct buf b;
            buf_init(&b);
            fold_utf8(&b, line, (size_t)n);
            f = buf_detach(&b, NULL);
            printf("%s\n", f);
            free(f);
        }
        free(line);
        return 0;
    }
    fprintf(stderr, "test_fold: unknown option %s\n", mode);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return dump(argv[1]);
    RUN(meets);
    RUN(fast_is_slow_per_character);
    RUN(fast_is_slow_in_texts);
    return HARNESS_DONE();
}
