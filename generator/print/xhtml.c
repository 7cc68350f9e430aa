#include "print/xhtml.h"

#include <libxml/parser.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

struct validation {
    struct diag *d;
    const char *path;
    int errors;
};

static void validation_error(void *userdata, xmlErrorPtr e)
{
    xmlParserCtxtPtr ctxt = userdata;
    struct validation *v = ctxt->_private;
    if (e->level < XML_ERR_ERROR)
        return;
    char *msg = xstrdup(e->message ? e->message : "invalid XHTML");
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    diag_error(v->d, v->path, e->line > 0 ? (unsigned)e->line : 0,
               e->int2 > 0 ? (unsigned)e->int2 : 0, "the print edition is not valid XHTML 1.1: %s",
               msg);
    free(msg);
    v->errors++;
}

int xhtml_validate(struct diag *d, const char *path, const char *xhtml, size_t len)
{
    struct validation v = {d, path, 0};
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    ctxt->_private = &v;
    ctxt->sax->serror = validation_error;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, xhtml, len > INT_MAX ? INT_MAX : (int)len, path, NULL,
                                      XML_PARSE_DTDLOAD | XML_PARSE_DTDVALID | XML_PARSE_NONET |
                                          XML_PARSE_NOENT);
    if (!doc && v.errors == 0) {
        diag_error(d, path, 0, 0, "the print edition could not be read as XHTML");
        v.errors++;
    }
    if (doc && !ctxt->valid && v.errors == 0) {
        diag_error(d, path, 0, 0, "the print edition is not valid XHTML 1.1");
        v.errors++;
    }
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return v.errors ? -1 : 0;
}
