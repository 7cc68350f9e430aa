#include "print/xhtml.h"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/parserInternals.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/intl.h"
#include "core/xalloc.h"

struct validation {
    struct diag *d;
    const char *path;
    int errors;
    int no_dtd; /* the DTD could not be loaded (not in the catalog, and no network) */
};

/* Errors libxml2 raises without a parser context (an external entity that cannot be loaded)
 * would go to its own handler, which prints them; here they are noted instead. */
static void contextless_error(void *userdata, xmlErrorPtr e)
{
    struct validation *v = userdata;
    if (e->domain == XML_FROM_IO)
        v->no_dtd = 1;
}

static void validation_error(void *userdata, xmlErrorPtr e)
{
    xmlParserCtxtPtr ctxt = userdata;
    struct validation *v = ctxt->_private;
    if (e->level < XML_ERR_ERROR)
        return;
    if (e->code == XML_DTD_NO_DTD && v->no_dtd) {
        diag_error(v->d, v->path, 0, 0,
                   _("the print edition cannot be checked: the XHTML 1.1 DTD is not in the XML "
                     "catalog (on Debian, install the package w3c-sgml-lib)"));
        v->errors++;
        return;
    }
    char *msg = xstrdup(e->message ? e->message : "invalid XHTML");
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    diag_error(v->d, v->path, e->line > 0 ? (unsigned)e->line : 0,
               e->int2 > 0 ? (unsigned)e->int2 : 0,
               _("the print edition is not valid XHTML 1.1: %s"), msg);
    free(msg);
    v->errors++;
}

/* libxml2 finds the DTD and its modules through the XML catalog, whose lookups keep a depth
 * count in the shared catalog without a lock: issues validated on several workers at once can
 * make it drift until every lookup fails ("Detected recursion in catalog") and the DTD cannot be
 * loaded. So external entities are opened one at a time; the rest of the parse and the
 * validation still run in parallel. */
static pthread_mutex_t loader_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t loader_once = PTHREAD_ONCE_INIT;
static xmlExternalEntityLoader catalog_loader;

static xmlParserInputPtr load_one_at_a_time(const char *url, const char *id,
                                            xmlParserCtxtPtr ctxt)
{
    pthread_mutex_lock(&loader_lock);
    xmlParserInputPtr in = catalog_loader(url, id, ctxt);
    pthread_mutex_unlock(&loader_lock);
    return in;
}

static void install_loader(void)
{
    catalog_loader = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(load_one_at_a_time);
}

int xhtml_validate(struct diag *d, const char *path, const char *xhtml, size_t len)
{
    pthread_once(&loader_once, install_loader);
    struct validation v = {d, path, 0, 0};
    /* libxml2's handlers are the thread's own: this reaches only this validation. */
    xmlSetStructuredErrorFunc(&v, contextless_error);
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    ctxt->_private = &v;
    ctxt->sax->serror = validation_error;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, xhtml, len > INT_MAX ? INT_MAX : (int)len, path, NULL,
                                      XML_PARSE_DTDLOAD | XML_PARSE_DTDVALID | XML_PARSE_NONET |
                                          XML_PARSE_NOENT);
    if (!doc && v.errors == 0) {
        diag_error(d, path, 0, 0, _("the print edition could not be read as XHTML"));
        v.errors++;
    }
    if (doc && !ctxt->valid && v.errors == 0) {
        diag_error(d, path, 0, 0, _("the print edition is not valid XHTML 1.1"));
        v.errors++;
    }
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    xmlSetStructuredErrorFunc(NULL, NULL);
    return v.errors ? -1 : 0;
}
