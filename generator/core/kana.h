/* kana: Japanese reading order (50音順) for sorting and for the あ/か/さ… headings of lists.
 * Works on readings written in hiragana or katakana; anything else sorts after kana, in code
 * point order. Nothing here allocates except kana_sort_key, and nothing fails. */
#ifndef KAIRAN_KANA_H
#define KAIRAN_KANA_H

/* The row of the first character: 0 あ, 1 か, 2 さ, 3 た, 4 な, 5 は, 6 ま, 7 や, 8 ら, 9 わ;
 * -1 when the reading does not start with kana. */
int kana_row(const char *reading);
/* The heading of a row ("あ" … "わ"), or "その他" for -1. Static strings. */
const char *kana_row_label(int row);
/* Returns a new string that sorts in 50音 order with strcmp (voiced and small kana next to
 * their plain forms, katakana as hiragana, ー as the vowel before it); the caller frees it. */
char *kana_sort_key(const char *reading);

#endif
