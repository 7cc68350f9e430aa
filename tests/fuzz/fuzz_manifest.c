/* Fuzzes the manifest reader (publish/manifest) with whole files: whatever it keeps must be
 * safe to act on (plain relative paths, nothing of a folder it does not know, nothing shared
 * with a spare it does not know), and writing what it read and reading that again must give
 * the same records. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/fs.h"
#include "publish/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct manifest_folder output = {1, 2049, 1001}, spare = {1, 2049, 1002};

static int same_record(const struct manifest_record *a, const struct manifest_record *b)
{
    return strcmp(a->rel, b->rel) == 0 && a->key.lo == b->key.lo && a->key.hi == b->key.hi &&
           a->sum.lo == b->sum.lo && a->sum.hi == b->sum.hi && a->ino == b->ino &&
           a->size == b->size && a->mtime == b->mtime && a->shared == b->shared;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct manifest m;
    manifest_parse(&m, (const char *)data, size, output, spare);
    if (!m.output_known && (m.files.len || m.dirs.len))
        abort();
    if (!m.spare_known && m.spare.len)
        abort();
    for (size_t i = 0; i < m.files.len; i++) {
        if (fs_rel_problem(m.files.v[i].rel) || (m.files.v[i].shared && !m.spare_known))
            abort();
        if (manifest_table_find(&m.files, m.files.v[i].rel) != &m.files.v[i])
            abort(); /* a path twice */
    }
    for (size_t i = 0; i < m.spare.len; i++)
        if (fs_rel_problem(m.spare.v[i]))
            abort();
    if (m.output_known) {
        /* Written back and read again: the same files, folders and spare. */
        struct buf text;
        buf_init(&text);
        manifest_format(&text, m.build, m.counts, output, m.spare_known ? spare : output,
                        &m.files, &m.dirs, m.spare_known ? &m.spare : NULL);
        struct manifest again;
        manifest_parse(&again, text.data, text.len, output, spare);
        if (!again.output_known || again.files.len != m.files.len ||
            again.dirs.len != m.dirs.len || again.spare_known != m.spare_known ||
            again.spare.len != m.spare.len)
            abort();
        for (size_t i = 0; i < m.files.len; i++) {
            const struct manifest_record *r = manifest_table_find(&again.files, m.files.v[i].rel);
            if (!r || !same_record(r, &m.files.v[i]))
                abort();
        }
        manifest_release(&again);
        buf_release(&text);
    }
    manifest_release(&m);
    return 0;
}
