/* theme: finds a theme's files and compiles its templates.
 * A theme is themes/NAME/ with theme.yaml (name, description, extends, images, optional),
 * templates/ and static/ (published with content-hashed names, except print.css, which the
 * print edition places beside its documents). A file is looked up first under the site's own
 * themes/NAME/, then the kairan installation's themes/NAME/, then the same for each parent
 * named by `extends:`. The theme owns its template set, told which names the data may leave
 * out (for --strict), and its list of static files with their content-hashed names. */
#ifndef KAIRAN_THEME_H
#define KAIRAN_THEME_H

#include <jansson.h>
#include <stddef.h>

#include "core/diag.h"
#include "core/strv.h"
#include "markup/template.h"
#include "media/image.h"
#include "render/i18n.h"

struct theme_static {
    char *name;   /* as the theme names it: style.css, icons/app.png */
    char *path;   /* the file on disk */
    char *hashed; /* where it is published: static/style.3f2a9c1b.css */
};

/* The theme in one language: its words (i18n/CODE.yaml) and the templates compiled with them
 * (a message is the template t/KEY or plain/KEY). */
struct theme_language {
    struct theme *theme;
    struct i18n *words;
    struct template_set *templates;
};

struct theme {
    struct strv dirs;            /* theme folders, most specific first */
    struct template_set *templates; /* the first language's (langs[0].templates) */
    struct theme_language *langs;   /* one per language of the site, the default first */
    size_t n_langs;
    struct theme_static *statics;
    size_t n_statics;
    json_t *static_map;          /* {"style_css": "static/style.3f2a9c1b.css", ...} */
    json_t *config;              /* the merged theme.yaml settings (child wins) */
    struct image_config images;  /* theme.yaml's images: over the image module's defaults */
    const char *image_sizes;     /* the sizes attribute of pictures; points into config */
    struct strv optional;        /* theme.yaml's optional: of every theme in the chain */
    /* Every id the web templates give an element as written (id="main"), sorted, once each:
     * the ids no entry body may take. Ids made by a tag (id="{{id}}") are not known here. */
    struct strv ids;
    struct diag *d;
};

/* Loads theme NAME for the site at source, also searching system_dir (the installed themes,
 * may be NULL), with the words of every language in codes (n of them, the site's default
 * first). Compiles every template named in required (NULL-terminated) in each language.
 * Returns 0, or -1 after reporting. */
int theme_load(struct diag *d, struct theme *t, const char *source, const char *system_dir,
               const char *name, const char *const *required, const char *const *codes,
               size_t n);
void theme_release(struct theme *t);
/* Finds a theme file by its path inside the theme ("templates/print/issue.mustache"); returns
 * a new path string, or NULL when no theme in the chain has it. */
char *theme_find(const struct theme *t, const char *rel);

#endif
