/* entity: HTML's named character references, all of them.
 * The table (entity_table.inc) is every name the HTML standard lists with its semicolon, written
 * by tests/tools/make_entities.py from the standard's list and committed. Nothing here
 * allocates or fails; the table is read-only and may be used from any thread. */
#ifndef KAIRAN_ENTITY_H
#define KAIRAN_ENTITY_H

#include <stddef.h>
#include <stdint.h>

/* (Not entity_lookup: libmd4c-html, which the tests link, exports a function of that name.)
 * Looks up the name of a reference, name[0..len) without its & and ; ("Dcaron"; names are
 * case-sensitive). Sets cp[0] and cp[1] and returns how many code points the name stands for
 * (one, or two as in "ngE"), or returns 0 when HTML has no such name. */
int entity_named(const char *name, size_t len, uint32_t cp[2]);
/* How many names the table holds (2,125). */
size_t entity_count(void);

#endif
