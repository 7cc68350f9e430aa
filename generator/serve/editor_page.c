#include "serve/editor_page.h"

#include <string.h>

/* Generated from generator/serve/editor/ by the Makefile: an array for each file, then
 * files[], one struct editor_file each. */
#include "serve/editor_files.inc"

const struct editor_file *editor_page_file(const char *name)
{
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        if (strcmp(files[i].name, name) == 0)
            return &files[i];
    return NULL;
}
