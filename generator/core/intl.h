/* intl: the language kairan speaks to the user.
 * Messages are written in English in the source; _() looks each one up in the gettext catalogue
 * kairan.mo for the user's locale (LC_ALL, LC_MESSAGES, LANG: ja_JP.UTF-8 gives Japanese) and
 * N_() marks one that is looked up later, where it is used. Only messages follow the locale:
 * numbers, dates, sorting and the built site are the same in every language. Nothing here
 * fails: without a catalogue the messages stay in English. */
#ifndef KAIRAN_INTL_H
#define KAIRAN_INTL_H

#include <libintl.h>

#define _(msgid) gettext(msgid)
#define N_(msgid) (msgid)

/* Chooses the messages' language from the environment and finds the catalogue: in the folder
 * KAIRAN_LOCALEDIR names, else in locale/ beside the program (a build tree: build/kairan and
 * build/locale/), else where `make install` put it (PREFIX/share/locale). Call once, first. */
void intl_init(void);
/* The header of the catalogue in use ("" when the messages are English): it names the language
 * and the catalogue's revision, so that messages kept between runs can tell theirs apart. */
const char *intl_catalogue(void);

#endif
