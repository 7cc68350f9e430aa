/* template: the Mustache engine themes are written in (the spec, minus lambdas, plus
 * inheritance and dynamic partial names).
 * A template_set owns every template it compiled: each is parsed once, with the partials and
 * parents it names, into a compact program; a syntax error, an unknown partial or a template
 * that includes itself forever is reported through diag with file:line:col at load time.
 * Rendering is read-only on the set, so many threads may render at once without locks. */
#ifndef KAIRAN_TEMPLATE_H
#define KAIRAN_TEMPLATE_H

#include <jansson.h>

#include "core/buf.h"
#include "core/diag.h"
#include "core/hash.h"

/* Partials, parents and sections may nest this deep; deeper is an error. */
#define TEMPLATE_MAX_DEPTH 100
/* One render runs at most this many steps (a big page takes well under a million), so that
 * lists nested in lists cannot keep a build busy for ever. */
#define TEMPLATE_MAX_STEPS 10000000

struct template;
struct template_set;

/* Finds a template's source by name ("layout", "partials/head"): appends it to src, sets *path
 * to a new string naming the file for diagnostics (the set takes it); returns 0 found, 1 not
 * found (nothing reported), -1 failed (already reported). */
typedef int (*template_load_fn)(const char *name, struct buf *src, char **path, void *userdata);

/* Returns a new, empty set; the caller frees it with template_set_free(). Errors found while
 * loading or rendering are reported to d, which must outlive the set. */
struct template_set *template_set_new(struct diag *d, template_load_fn load, void *userdata);
void template_set_free(struct template_set *s);

/* The Mustache spec renders an unknown partial or parent as nothing; kairan reports it as an
 * error. Call this (before any template_set_get) to follow the spec instead. */
void template_set_allow_missing(struct template_set *s);

/* Compiles name and everything it references (partials, parents) on first use. Returns the
 * compiled template, owned by the set, or NULL after reporting errors (also on later calls).
 * Call it from one thread only, and never while another thread renders from the set. */
const struct template *template_set_get(struct template_set *s, const char *name);

/* Renders t against data, appending to out. Read-only on the set: many threads may render at
 * once. A dynamic partial ({{>*name}}) finds only templates the set has already compiled.
 * Returns 0, or -1 (reported) when templates nest deeper than TEMPLATE_MAX_DEPTH or the page
 * takes more than TEMPLATE_MAX_STEPS; out then holds a partial page. */
int template_render(const struct template *t, const json_t *data, struct buf *out);

/* The name and file a template was loaded as; owned by the set. */
const char *template_name(const struct template *t);
const char *template_path(const struct template *t);

/* For --strict: declares that the data may leave name out on every page ("status", a field
 * only some entries have; "contact.url", a part of one). The report then spares a name that
 * is name itself, ends with it or goes on beneath it ({{status}}, {{entry.status}},
 * {{#status.cancelled}}, {{entry.contact.url}}) as long as no page had a value for name and
 * some page had one for what stands before it. A misspelt name is still reported, and so is a
 * misspelt part beneath name once some page has name ({{status.canceled}}). A name of more
 * than 6 parts is always reported. The set keeps a copy; call before rendering. */
void template_set_optional(struct template_set *s, const char *name);

/* For --strict: after all renders, warns once about each variable, section or dynamic partial
 * name that was looked up in some render but never found in any, unless template_set_optional
 * declared it. */
void template_set_report_unresolved(struct template_set *s, struct diag *d);

/* A hash of everything that decides what t renders from given data: its source and that of
 * every template it can reach (partials, parents; every template of the set when a dynamic
 * partial is among them). Two renders with equal identities and equal data write equal bytes.
 * Call after the set has compiled everything it will render (as template_set_get requires). */
struct hash template_identity(const struct template *t);

/* True when some compiled template of the set uses name as a part of a variable or section
 * name ({{name}}, {{#a.name}}): data under a key no template mentions cannot reach a page. */
int template_set_mentions(const struct template_set *s, const char *name);

#endif
