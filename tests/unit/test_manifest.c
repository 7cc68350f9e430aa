/* Unit tests of manifest: the text a build leaves of what it published, written and read back,
 * and what reading keeps of a manifest that no longer matches or is damaged. (How publish uses
 * it is tested in test_publish_manifest.) */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"
#include "harness.h"
#include "publish/manifest.h"

static const struct manifest_folder output = {1, 2049, 1001}, spare_folder = {1, 2049, 1002};
static const struct manifest_folder none = {0, 0, 0};

/* A manifest of two files in two folders (index.html also the spare's) and a spare of one
 * file, with a build key. */
static char *sample(void)
{
    struct manifest_table files = {0}, dirs = {0};
    size_t i = manifest_table_add(&files, "index.html");
    files.v[i] = (struct manifest_record){files.v[i].rel, {1, 2}, {5, 6}, 11, 120,
                                             1700000000123456789, 0, 1};
    i = manifest_table_add(&files, "events/x/index.html");
    files.v[i] = (struct manifest_record){files.v[i].rel, {3, 4}, {7, 8}, 12, 99, 5, 0, 0};
    i = manifest_table_add(&dirs, ".");
    dirs.v[i].mtime = 7;
    i = manifest_table_add(&dirs, "events/x");
    dirs.v[i].mtime = 8;
    struct strv spare = STRV_INIT;
    strv_push(&spare, "old.html");
    struct buf b;
    buf_init(&b);
    unsigned long counts[2] = {25, 63};
    manifest_format(&b, (struct hash){0xabc, 0xdef}, counts, output, spare_folder, &files, &dirs,
                    &spare);
    manifest_table_release(&files);
    manifest_table_release(&dirs);
    strv_release(&spare);
    return buf_detach(&b, NULL);
}

static void written_sorted_and_read_back(void)
{
    char *text = sample();
    CHECK(strncmp(text, "kairan-manifest 2\nbuild ", 24) == 0);
    CHECK(strstr(text, "output 2049 1001\nspare 2049 1002\n") != NULL);
    /* Files by path: events/ before index.html. */
    const char *events = strstr(text, " events/x/index.html\n");
    const char *index = strstr(text, " index.html\n");
    CHECK(events && index && events < index);
    /* The file the spare shares is a k line, the other an f line. */
    const char *k = strstr(text, "\nk "), *f = strstr(text, "\nf ");
    const char *k_end = k ? strchr(k + 1, '\n') : NULL, *f_end = f ? strchr(f + 1, '\n') : NULL;
    CHECK(k_end && k_end - k > 11 && strncmp(k_end - 11, " index.html", 11) == 0);
    CHECK(f_end && f_end - f > 20 && strncmp(f_end - 20, " events/x/index.html", 20) == 0);
    struct manifest m;
    manifest_parse(&m, text, strlen(text), output, spare_folder);
    CHECK(m.output_known);
    CHECK(m.spare_known);
    CHECK(m.build.lo == 0xabc && m.build.hi == 0xdef);
    CHECK_INT(m.counts[0], 25);
    CHECK_INT(m.counts[1], 63);
    CHECK_INT(m.files.len, 2);
    const struct manifest_record *r = manifest_table_find(&m.files, "index.html");
    CHECK(r != NULL);
    if (r) {
        CHECK(r->key.lo == 1 && r->key.hi == 2);
        CHECK(r->sum.lo == 5 && r->sum.hi == 6);
        CHECK_INT(r->ino, 11);
        CHECK_INT(r->size, 120);
        CHECK(r->mtime == 1700000000123456789);
        CHECK(r->shared);
    }
    r = manifest_table_find(&m.files, "events/x/index.html");
    CHECK(r && !r->shared);
    CHECK(manifest_table_find(&m.dirs, "events/x") != NULL);
    CHECK_INT(m.spare.len, 1);
    CHECK_STR(m.spare.len ? m.spare.v[0] : "", "old.html");
    manifest_release(&m);
    free(text);
}

/* Another output folder (or none), another spare: what the text says of them is left out. */
static void only_what_still_holds(void)
{
    char *text = sample();
    struct manifest m;
    const struct manifest_folder other = {1, 2049, 9999};
    manifest_parse(&m, text, strlen(text), other, spare_folder);
    CHECK(!m.output_known);
    CHECK(!m.spare_known);
    CHECK_INT(m.files.len, 0);
    CHECK_INT(m.spare.len, 0);
    CHECK(m.build.lo == 0xabc); /* the build's key is no folder's */
    manifest_release(&m);
    manifest_parse(&m, text, strlen(text), none, none);
    CHECK(!m.output_known);
    manifest_release(&m);
    manifest_parse(&m, text, strlen(text), output, other);
    CHECK(m.output_known);
    CHECK(!m.spare_known);
    CHECK_INT(m.files.len, 2);
    /* Another spare shares nothing with the output. */
    const struct manifest_record *r = manifest_table_find(&m.files, "index.html");
    CHECK(r && !r->shared);
    CHECK_INT(m.spare.len, 0);
    manifest_release(&m);
    free(text);
}

static void damaged_text(void)
{
    const char *cases[] = {
        "",
        /* Another version of the format: the next one's, or the one before the bytes' hash. */
        "kairan-manifest 3\noutput 2049 1001\nd 7 .\n",
        "kairan-manifest 1\noutput 2049 1001\nd 7 .\n"
        "f 0000000000000000000000000000000a 1 2 3 a.html\n",
        "not a manifest at all\n",
        /* No line for the output itself ("."): not complete. */
        "kairan-manifest 2\noutput 2049 1001\n"
        "f 0000000000000000000000000000000a 0000000000000000000000000000000b 1 2 3 a.html\n",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct manifest m;
        manifest_parse(&m, cases[i], strlen(cases[i]), output, spare_folder);
        CHECK(!m.output_known);
        CHECK_INT(m.files.len, 0);
        manifest_release(&m);
    }
    /* Bad lines are left out, the rest is kept; a last line cut short is not read. */
#define SUM "0000000000000000000000000000000b "
    const char *text = "kairan-manifest 2\n"
                       "output 2049 1001\n"
                       "d 7 .\n"
                       "f 0000000000000000000000000000000a " SUM "1 2 3 good.html\n"
                       "f 0000000000000000000000000000000X " SUM "1 2 3 badkey.html\n"
                       "f 0000000000000000000000000000000a 0000000000000000000000000000000Y "
                       "1 2 3 badsum.html\n"
                       "f 0000000000000000000000000000000a 1 2 3 nosum.html\n"
                       "f 0000000000000000000000000000000a " SUM "1 2 3 ../escape.html\n"
                       "f 0000000000000000000000000000000a " SUM "1 2 3 /etc/passwd\n"
                       "f 0000000000000000000000000000000a " SUM "1 2 3 good.html\n"
                       "f 0000000000000000000000000000000a " SUM "1 2\n"
                       "s spare-without-its-folder.html\n"
                       "f 0000000000000000000000000000000a " SUM "1 2 3 cut.html";
#undef SUM
    struct manifest m;
    manifest_parse(&m, text, strlen(text), output, spare_folder);
    CHECK(m.output_known);
    CHECK_INT(m.files.len, 1);
    CHECK(manifest_table_find(&m.files, "good.html") != NULL);
    CHECK(manifest_table_find(&m.files, "cut.html") == NULL);
    CHECK(!m.spare_known);
    manifest_release(&m);
}

int main(void)
{
    RUN(written_sorted_and_read_back);
    RUN(only_what_still_holds);
    RUN(damaged_text);
    return HARNESS_DONE();
}
