/* Unit tests of 50音 rows and sort keys. */
#include <stdlib.h>

#include "core/kana.h"
#include "harness.h"

static int before(const char *a, const char *b)
{
    char *ka = kana_sort_key(a), *kb = kana_sort_key(b);
    int r = strcmp(ka, kb) < 0;
    free(ka);
    free(kb);
    return r;
}

static void rows(void)
{
    CHECK_INT(kana_row("あさひ"), 0);
    CHECK_INT(kana_row("くしびき"), 1);
    CHECK_INT(kana_row("ごみだし"), 1);  /* voiced: its plain row */
    CHECK_INT(kana_row("ぱん"), 5);
    CHECK_INT(kana_row("ゆきかき"), 7);
    CHECK_INT(kana_row("わかば"), 9);
    CHECK_INT(kana_row("んー"), 9);
    CHECK_INT(kana_row("サロン"), 2);    /* katakana */
    CHECK_INT(kana_row("ゃ"), 7);        /* small kana: its large form */
    CHECK_INT(kana_row("NPO"), -1);
    CHECK_INT(kana_row(""), -1);
    CHECK_INT(kana_row("漢字"), -1);
    CHECK_STR(kana_row_label(1), "か");
    CHECK_STR(kana_row_label(-1), "その他");
}

static void order(void)
{
    CHECK(before("あさひ", "いなか"));
    CHECK(before("かき", "がき"));        /* plain before voiced when otherwise equal */
    CHECK(before("がき", "かく"));        /* but voiced sorts with its plain form */
    CHECK(before("はは", "ぱぱ"));
    CHECK(before("サロン", "しお"));       /* katakana among hiragana */
    CHECK(before("きって", "きつね"));     /* っ as つ: きつて < きつね */
    CHECK(before("カード", "かかし"));      /* ー repeats the vowel: かあど before かかし */
    CHECK(before("わかば", "NPO"));        /* anything not kana comes last */
    CHECK(before("ん", "漢字"));
}

int main(void)
{
    RUN(rows);
    RUN(order);
    return HARNESS_DONE();
}
