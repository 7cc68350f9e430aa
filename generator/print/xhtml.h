/* xhtml: the check that a print edition document is valid XHTML 1.1.
 * The DTD comes from the system XML catalog (set up by dom_global_init), never the network.
 * Problems are reported as errors on the document with their line; the caller decides what an
 * invalid document means for the build. */
#ifndef KAIRAN_XHTML_H
#define KAIRAN_XHTML_H

#include <stddef.h>

#include "core/diag.h"

/* Validates a complete XHTML 1.1 document (with its DOCTYPE) of len bytes. Returns 0 if valid;
 * else reports every problem as an error on path and returns -1. Safe on several threads at
 * once. */
int xhtml_validate(struct diag *d, const char *path, const char *xhtml, size_t len);

#endif
