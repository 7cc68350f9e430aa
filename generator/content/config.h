/* config: the site's settings from content/site.yaml.
 * config_load() reads and checks the file and fills a struct site_config that it owns (release
 * with config_release). Errors name the field's line:col; the build stops before any content
 * is read when the config is wrong. */
#ifndef KAIRAN_CONFIG_H
#define KAIRAN_CONFIG_H

#include <jansson.h>
#include <stddef.h>

#include "core/diag.h"
#include "content/yamldoc.h"

/* A district or a category: declared once, named by slug in entries. */
struct taxon {
    const char *slug;    /* ASCII, used in URLs */
    const char *name;    /* 櫛引 */
    const char *reading; /* くしびき, for 50音 order; may be NULL */
    /* A district's contact (its 地域包括支援センター): {name, phone, fax, email, address,
     * hours, url} as checked, borrowed from the config's raw JSON; NULL when none. */
    json_t *contact;
    /* Its name in other languages, by language code ({en: Kushibiki}), borrowed like
     * contact; NULL when none. */
    json_t *names;
};

/* The map search used when site.yaml names none. */
#define CONFIG_MAP_SEARCH "https://www.google.com/maps/search/?api=1&query="

struct print_config {
    const char *size;    /* A4 | B5 | A5 */
    const char *bleed;   /* a CSS length in millimetres, 3mm */
    double bleed_mm;     /* the same as a number */
    const char *marks;   /* "crop cross" | "none" */
    const char *writing; /* horizontal | vertical */
    const char *back_page; /* slug of the page on the back cover, or NULL */
    const char *entry_break;   /* none | page | right: where each entry starts */
    const char *section_break; /* none | page | right: where each section starts */
    const char *feature;       /* page | spread | none: where an issue's first article opens */
    const char *binding;       /* saddle (pages by 4) | perfect | leaflet (pages by 2) */
};

/* A language the site is published in (site.yaml's languages:). The default language's pages
 * are at the root; every other language's under its folder (/en/, /easy/), and a translation
 * of content/activities/x.md is content/activities/x.en.md, named by the same key. */
struct language {
    const char *code;   /* BCP 47: ja, ja-x-easy, en, zh-Hans, pt-BR */
    const char *name;   /* in its own script: 日本語, English; NULL for a site of one language */
    const char *key;    /* the folder and file suffix (en, easy); NULL for the default */
    char *prefix;       /* "" for the default, else "en/" (owned): before every address */
    const char *title, *subtitle, *description, *publisher; /* the site's, in this language */
    unsigned sentence_length; /* warn about longer sentences in its bodies (0: never) */
    size_t index;       /* in site_config.languages; 0 is the default */
};

/* search: in site.yaml. */
enum config_search {
    CONFIG_SEARCH_AUTO,  /* a small site's search page reads every text; a bigger one an index */
    CONFIG_SEARCH_INDEX, /* an index, however small the site */
    CONFIG_SEARCH_NONE   /* no search page and no search box */
};

struct site_config {
    const char *title, *subtitle, *description;
    const char *short_title; /* the installed app's name under its icon; NULL: the title */
    const char *base_url;  /* absolute, ends with '/' */
    const char *base_path; /* the path part of base_url: "/" or "/watowa/" (owned) */
    const char *language, *timezone, *theme, *publisher;
    char *timezone_file;               /* site.yaml's path, for messages about the zone */
    struct yamldoc_pos timezone_pos;   /* where timezone: was written (0 if not) */
    const char *cache_dir; /* relative to the site folder, or NULL for .cache/kairan */
    /* The start of a map search address; a place's address, percent-encoded, completes it.
     * NULL when site.yaml says map_search: none. */
    const char *map_search;
    int week_starts_monday;
    enum config_search search;
    unsigned per_page;
    struct taxon *districts;
    size_t n_districts;
    struct taxon *categories;
    size_t n_categories;
    struct print_config print;
    /* Every language the site is published in, the default first (one, when site.yaml has
     * no languages:). */
    struct language *languages;
    size_t n_languages;
    int hide_untranslated; /* untranslated: hide; else an entry not translated is listed in
                              its own language on the other languages' pages */
    json_t *raw; /* the checked file as read, for templates (site.params); the strings above
                    point into it */
};

/* Reads SOURCE/content/site.yaml. Returns 0, or -1 after reporting. */
int config_load(struct diag *d, const char *source, struct site_config *out);
void config_release(struct site_config *c);
/* Finds a district or category by slug; NULL when there is none. */
const struct taxon *config_district(const struct site_config *c, const char *slug);
const struct taxon *config_category(const struct site_config *c, const char *slug);
/* t's name in language l (names: in site.yaml), else its own name. */
const char *config_taxon_name(const struct taxon *t, const struct language *l);
/* The language whose key (file suffix and folder) is the n bytes at key; NULL when none. */
const struct language *config_language_key(const struct site_config *c, const char *key,
                                           size_t n);
/* True for an ASCII slug: a-z, 0-9 and -, not starting with -. */
int config_is_slug(const char *s);

#endif
