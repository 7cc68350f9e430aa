/* entrycache: what a build needs of each entry, kept between builds by the identity of its file
 * (fs_identity), so that an entry whose file did not change is neither read nor parsed again:
 * its checked front matter in a binary form that becomes JSON without parsing, the fields
 * entry_load derived from it, where its body is and its hash, and the warnings loading gave.
 * Every record is in one file of the cache folder, read whole when the cache is opened and
 * written again (atomically) by entrycache_save when a record changed. A record also stands
 * for what loading read besides the file (the program, the site's districts and categories:
 * the salt). Nothing here reports: a missing, old or damaged file only means entries are parsed
 * again. The cache owns its records; the entries it fills own what they hold. */
#ifndef KAIRAN_ENTRYCACHE_H
#define KAIRAN_ENTRYCACHE_H

#include <stddef.h>

#include "content/config.h"
#include "content/entry.h"
#include "core/diag.h"
#include "core/hash.h"

struct entrycache;

/* What a record depends on apart from its file: the program (its identity on disk) and the
 * districts, categories and languages site.yaml declares, which loading checks entries
 * against. */
struct hash entrycache_salt(const struct site_config *cfg);
/* Opens the cache kept at path (the file need not exist) for records made with salt. Returns a
 * new cache; entrycache_free frees it. */
struct entrycache *entrycache_open(const char *path, struct hash salt);
void entrycache_free(struct entrycache *c);
/* Fills e with the entry content/REL below source when the cache has it for a file of this
 * identity, and adds the warnings its loading gave to d. Returns 0; -1 when there is no such
 * record (e is then zeroed). Safe on any thread. */
int entrycache_load(struct entrycache *c, struct diag *d, const char *source, const char *rel,
                    struct hash identity, struct entry *e);
/* Notes e, loaded from a file of this identity without an error, with the warnings its loading
 * gave (text from diag_save_warnings, or NULL), for entrycache_save. Safe on any thread. */
void entrycache_note(struct entrycache *c, const struct entry *e, struct hash identity,
                     const char *warnings);
/* Writes the records of the n entries given (those loaded from the cache or noted; any other is
 * left out) when they are not what the file holds, and lets the file's bytes go: call it once
 * every entry is loaded, and load none after it. Returns 0, or -1 when the file could not be
 * written (the next build then parses again). */
int entrycache_save(struct entrycache *c, struct entry *const *entries, size_t n);
/* How many entries came from the cache and how many were noted, for the build's report. */
void entrycache_counts(const struct entrycache *c, size_t *hits, size_t *noted);

#endif
