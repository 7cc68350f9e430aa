/* scaffold: `kairan new KIND SLUG` writes a new entry from the kind's template, dated today.
 * The template is archetypes/KIND.md in the site folder when there is one, else kairan's own;
 * {{slug}} and {{date}} in it are filled in. Never overwrites a file. */
#ifndef KAIRAN_SCAFFOLD_H
#define KAIRAN_SCAFFOLD_H

#include "build.h"
#include "core/diag.h"

/* Returns 0 after printing the new file's path, or -1 after reporting. */
int scaffold_new(struct diag *d, const struct build_options *opt, const char *kind,
                 const char *slug);

#endif
