/* Rendering one 12 KB Japanese entry: Markdown to tree to HTML5, best of many runs.
 * The target is well under 100 µs per page on one core. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/diag.h"
#include "markup/dom.h"
#include "markup/markdown.h"

/* A typical entry, built from distinct sentences so that it repeats nothing: headings,
 * paragraphs wrapped the way editors wrap Japanese, a little ruby, emphasis, links, a list, a
 * table, a quotation and photos with captions. */
static const char *const sentences[] = {
    "毎週火曜日の午前中、{櫛引|くしびき}公民館の和室で「いきいき百歳体操」を行っています。",
    "参加者は七十代から九十代までの二十名ほどで、毎回にぎやかに集まります。",
    "おもりを使った筋力運動のあとは、お茶を飲みながらおしゃべりを楽しみます。",
    "**初めての方も歓迎**です。見学だけでもお気軽にどうぞ。",
    "地域の支え合いは、特別なことではありません。",
    "ごみ出しのついでに声をかける、回覧板を届けるときに様子を見る。",
    "そうした日々の小さな関わりが、いざというときの安心につながります。",
    "生活支援コーディネーターは、活動を地域の皆さんと一緒に考えています。",
    "必要な情報や人をつなぐのも、コーディネーターの大切な役目です。",
    "詳しくは[研修会のお知らせ](../events/kenshu.md)もご覧ください。",
    "冬の間は雪道が心配なので、近所の方が送り迎えを引き受けてくれています。",
    "送迎の担い手が足りないときは、社会福祉協議会に相談してください。",
    "{温海|あつみ}地区では、買い物支援の移動販売が月に二回来ています。",
    "野菜や日用品のほか、注文すれば薬局の品物も届けてもらえます。",
    "移動販売の日は、集会所の前に自然と人が集まり、立ち話の輪ができます。",
    "「顔を見ると安心する」という声が、あちこちから聞かれました。",
    "手芸の得意な方が先生になって、小物づくりの会も始まりました。",
    "作った作品は、秋の地区文化祭で展示する予定です。",
    "子どもたちとの交流会では、昔の遊びを教えてもらいました。",
    "お手玉やおはじきに、子どもたちは夢中になっていました。",
    "季節の行事に合わせて、郷土料理を作る日もあります。",
    "笹巻きや麦切りの作り方を、若い世代に伝えています。",
    "困りごとがあるときは、*一人で抱え込まずに*声をかけてください。",
    "民生委員や地域包括支援センターも、相談にのってくれます。",
    "活動の様子は、市の[ホームページ](https://example.jp/tsuruoka/)でも紹介しています。",
    "雨の日は体操の代わりに、脳トレのクイズ大会をしています。",
    "参加費は一回百円で、お茶とお菓子の代金にあてています。",
    "送り迎えが必要な方は、前日までに世話人へ連絡してください。",
    "{朝日|あさひ}地区の集落では、雪かきの助け合いが続いています。",
    "高齢の世帯の玄関先を、若手の消防団員が見回ってくれます。",
};

static void entry_text(struct buf *out)
{
    size_t k = 0, section = 1;
    const size_t n = sizeof sentences / sizeof *sentences;
    buf_puts(out, "# 支え合いの{輪|わ}を広げよう\n\n");
    while (out->len < 12 * 1024) {
        buf_printf(out, "## 第%zu回 地域の通いの場から\n\n", section);
        for (int p = 0; p < 2; p++) {
            for (int i = 0; i < 4; i++, k++)
                buf_printf(out, "%s%s", sentences[k % n], i == 1 ? "\n" : "");
            buf_puts(out, "\n\n");
        }
        switch (section % 4) {
        case 0:
            buf_printf(out, "![活動の様子 %zu](photos/katsudo-%zu.jpg \"第%zu回の活動の様子\")\n\n",
                       section, section, section);
            break;
        case 1:
            buf_puts(out, "- 持ち物：タオル、飲み物、動きやすい服装\n- 参加費：一回百円（お茶代）\n"
                          "- 問い合わせ：社会福祉協議会 <https://example.jp/contact>\n\n");
            break;
        case 2:
            buf_puts(out, "| 曜日 | 時間 | 場所 |\n|------|------|------|\n"
                          "| 火曜 | 10:00〜11:30 | 櫛引公民館 和室 |\n"
                          "| 金曜 | 13:30〜15:00 | 黒川地区集会所 |\n\n");
            break;
        default:
            buf_printf(out, "> %s\n> （参加者の声）\n\n", sentences[(k + 15) % n]);
            break;
        }
        section++;
    }
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static double best_of(const char *text, size_t len, int xhtml, int runs)
{
    double best = 1e30;
    for (int r = 0; r < runs; r++) {
        struct diag d;
        diag_init(&d);
        double t0 = now_us();
        struct dom *doc = markdown_parse(&d, "bench.md", 1, text, len, NULL);
        char *out = xhtml ? dom_xhtml(doc) : dom_html(doc);
        double t = now_us() - t0;
        free(out);
        dom_free(doc);
        diag_release(&d);
        if (t < best)
            best = t;
    }
    return best;
}

int main(void)
{
    dom_global_init();
    struct buf text;
    buf_init(&text);
    entry_text(&text);
    double html = best_of(text.data, text.len, 0, 2000);
    double xhtml = best_of(text.data, text.len, 1, 500);
    printf("bench_markdown: %zu-byte Japanese entry: %.1f us per page to HTML5 (best of 2000), "
           "%.1f us to XHTML 1.1\n",
           text.len, html, xhtml);
    buf_release(&text);
    return 0;
}
