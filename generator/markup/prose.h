/* prose: what a reader reads of a Markdown body, character by character with its place in the
 * file, for the checks of やさしい日本語: sentences longer than a limit, and kanji written without
 * furigana. It reads the Markdown source the way a reader sees the page (code blocks, pictures,
 * addresses, HTML tags, marks of emphasis and the readings of {漢字|かんじ} are not read; a blank
 * line, a heading or a table cell ends a sentence) rather than parsing it: kairan's Markdown
 * module builds the page. Nothing here allocates what it hands out beyond the call, and nothing
 * fails. */
#ifndef KAIRAN_PROSE_H
#define KAIRAN_PROSE_H

#include <stddef.h>

/* A sentence, or a run of kanji: where it starts (line in the file, column in characters), how
 * many characters it has (spaces not counted), and its first characters (up to 20, for a
 * message; a NUL-terminated string valid during the call). */
struct prose_span {
    unsigned line, col;
    size_t chars;
    const char *start;
};

typedef void (*prose_fn)(const struct prose_span *span, void *userdata);

/* Calls fn for every sentence of text[0..len) longer than max characters (a sentence ends at
 * 。．！？!? or with its paragraph, heading, list item or cell). first_line is the text's first
 * line in its file. */
void prose_long_sentences(const char *text, size_t len, unsigned first_line, size_t max,
                          prose_fn fn, void *userdata);
/* Calls fn for every run of kanji (with 々) in text[0..len) that has no reading over it. */
void prose_bare_kanji(const char *text, size_t len, unsigned first_line, prose_fn fn,
                      void *userdata);

#endif
