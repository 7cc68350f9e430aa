/* form: what the editor's forms are made from. Each kind's fields as the build checks them
 * (entry_schema, in entry_field_order), with their Japanese labels, help and choices and
 * whether a translation has the original's, and the districts, categories and languages of
 * site.yaml, as one JSON document for the page's script. The
 * labels are the schema's own (the words kairan's messages use); the help sentences live here. */
#ifndef KAIRAN_FORM_H
#define KAIRAN_FORM_H

#include <jansson.h>

#include "content/config.h"
#include "content/schema.h"

/* The description of every kind's form (a field a translation cannot change is marked
 * shared), with cfg's districts, categories and languages (cfg may be NULL when site.yaml
 * cannot be read: the lists are then empty). Returns a new reference. */
json_t *form_describe(const struct site_config *cfg);

#endif
