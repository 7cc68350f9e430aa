/* editor_page: the editor's own page, script and stylesheet (generator/serve/editor/), built
 * into the program by the Makefile, so that kairan serve needs no installed files for them. */
#ifndef KAIRAN_EDITOR_PAGE_H
#define KAIRAN_EDITOR_PAGE_H

#include <stddef.h>

struct editor_file {
    const char *name; /* "index.html", "editor.js", "editor.css" */
    const unsigned char *data;
    size_t len;
};

/* The file called name, or NULL when there is none. Static data. */
const struct editor_file *editor_page_file(const char *name);

#endif
