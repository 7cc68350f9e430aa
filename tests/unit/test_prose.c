/* Unit tests of prose: the sentences and kanji of a Markdown body as a reader reads them, with
 * their places in the file, for the checks of やさしい日本語. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "markup/prose.h"
#include "harness.h"

/* Each span as "line:col chars start", a line each. */
static void note(const struct prose_span *s, void *userdata)
{
    buf_printf(userdata, "%u:%u %zu %s\n", s->line, s->col, s->chars, s->start);
}

static char *sentences(const char *md, size_t max)
{
    struct buf b;
    buf_init(&b);
    prose_long_sentences(md, strlen(md), 10, max, note, &b);
    return buf_detach(&b, NULL);
}

static char *bare(const char *md)
{
    struct buf b;
    buf_init(&b);
    prose_bare_kanji(md, strlen(md), 1, note, &b);
    return buf_detach(&b, NULL);
}

static void long_sentences_are_found_where_they_start(void)
{
    /* Ten characters, then fifteen: only the second is over ten. The readings of furigana,
     * the marks of emphasis and a link's address are not read; spaces are not counted. */
    char *got = sentences("あいうえおかきくけ。{明日|あした}は **みんなで** [かい](../x.md)に いきます。\n",
                          10);
    CHECK_STR(got, "10:11 15 明日は みんなで かいに いきます\n");
    free(got);
    /* A paragraph ends a sentence even without a full stop; a soft line break does not. */
    got = sentences("みじかい\n\nながい ながい ぶんが\nつづきます\n", 10);
    CHECK_STR(got, "12:1 14 ながい ながい ぶんがつづきます\n");
    free(got);
    /* A heading, a list item and a table cell are each a sentence of their own; code and
     * pictures are not read. */
    got = sentences("## あいうえおかきくけこさ\n- あいう\n- えお\n\n```\nあいうえおかきくけこさしす\n```\n"
                    "![あいうえおかきくけこさしすせそ](x.jpg)\n\n| あいうえおかきくけこさ | い |\n|---|---|\n",
                    10);
    CHECK_STR(got, "10:4 11 あいうえおかきくけこさ\n19:3 11 あいうえおかきくけこさ \n");
    free(got);
    got = sentences("", 10);
    CHECK_STR(got, "");
    free(got);
}

static void kanji_without_readings(void)
{
    char *got = bare("{地域|ちいき}の 活動です。{明日|あした}は 公民館へ。\n## 案内\n");
    CHECK_STR(got, "1:11 2 活動\n1:26 3 公民館\n2:4 2 案内\n");
    free(got);
    got = bare("ひらがな だけ。`code 漢字` は よみます。\n");
    CHECK_STR(got, "1:15 2 漢字\n");
    free(got);
}

int main(void)
{
    RUN(long_sentences_are_found_where_they_start);
    RUN(kanji_without_readings);
    return HARNESS_DONE();
}
