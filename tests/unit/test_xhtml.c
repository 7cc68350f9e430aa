/* Unit tests of xhtml: the print edition's check against the XHTML 1.1 DTD. (Valid documents
 * are checked by test_markdown, which validates every XHTML its cases produce.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/diag.h"
#include "core/pool.h"
#include "harness.h"
#include "markup/dom.h"
#include "print/xhtml.h"

static void a_valid_document(void)
{
    struct diag d;
    diag_init(&d);
    const char *good = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.1//EN\" "
                       "\"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd\">\n"
                       "<html xmlns=\"http://www.w3.org/1999/xhtml\">"
                       "<head><title>t</title></head>\n<body><p>会報 "
                       "<ruby><rb>輪</rb><rp>(</rp><rt>わ</rt><rp>)</rp></ruby></p>"
                       "</body></html>\n";
    CHECK_INT(xhtml_validate(&d, "print/0.xhtml", good, strlen(good)), 0);
    CHECK_INT(diag_error_count(&d), 0);
    /* Not a document at all. */
    CHECK_INT(xhtml_validate(&d, "print/3.xhtml", "", 0), -1);
    CHECK_INT(diag_error_count(&d), 1);
    diag_release(&d);
}

static void invalid_documents_are_reported(void)
{
    struct diag d;
    diag_init(&d);
    const char *bad = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.1//EN\" "
                      "\"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd\">\n"
                      "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>t</title></head>\n"
                      "<body><figure></figure></body></html>\n";
    CHECK_INT(xhtml_validate(&d, "print/1.xhtml", bad, strlen(bad)), -1);
    char *msgs = harness_diag_text(&d);
    CHECK(strstr(msgs, "print/1.xhtml:4:") != NULL);
    CHECK(strstr(msgs, "error: the print edition is not valid XHTML 1.1: No declaration for "
                       "element figure") != NULL);
    free(msgs);
    diag_release(&d);
    diag_init(&d);
    const char *broken = "<html><body><p></body></html>";
    CHECK_INT(xhtml_validate(&d, "print/2.xhtml", broken, strlen(broken)), -1);
    CHECK(diag_error_count(&d) >= 1);
    diag_release(&d);
}

struct many {
    const char *doc;
    struct diag d; /* shared: diag is thread-safe */
    int *rc;
};

static void validate_one(size_t i, void *userdata)
{
    struct many *m = userdata;
    m->rc[i] = xhtml_validate(&m->d, "print/n.xhtml", m->doc, strlen(m->doc));
}

/* The print edition validates its issues on every worker at once: libxml2 resolves the DTD's
 * modules through the catalog, whose lookups may not run on two threads at the same time (they
 * then fail with "Detected recursion in catalog" and the DTD cannot be loaded). */
static void many_documents_on_many_threads(void)
{
    const char *good = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.1//EN\" "
                       "\"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd\">\n"
                       "<html xmlns=\"http://www.w3.org/1999/xhtml\">"
                       "<head><title>t</title></head>\n<body><table><tbody><tr><td>1</td></tr>"
                       "</tbody></table></body></html>\n";
    enum { N = 64 };
    int rc[N];
    struct many m;
    m.doc = good;
    m.rc = rc;
    diag_init(&m.d);
    struct pool *pool = pool_new(8);
    pool_for(pool, N, validate_one, &m);
    pool_free(pool);
    int failed = 0;
    for (size_t i = 0; i < N; i++)
        failed += rc[i] != 0;
    CHECK_INT(failed, 0);
    CHECK_INT(diag_error_count(&m.d), 0);
    if (m.d.len) {
        char *text = harness_diag_text(&m.d);
        fprintf(stderr, "%.600s", text);
        free(text);
    }
    diag_release(&m.d);
}

int main(void)
{
    dom_global_init();
    /* First: the catalog must not have been used yet. */
    RUN(many_documents_on_many_threads);
    RUN(a_valid_document);
    RUN(invalid_documents_are_reported);
    return HARNESS_DONE();
}
