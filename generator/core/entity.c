#include "core/entity.h"

#include <string.h>

struct entity {
    const char *name;
    uint32_t first, second;
};

static const struct entity table[] = {
#include "core/entity_table.inc"
};

/* Compares name[0..len) with a NUL-terminated name, in byte order as the table is sorted. */
static int compare(const char *name, size_t len, const char *with)
{
    size_t n = strlen(with);
    int c = memcmp(name, with, len < n ? len : n);
    if (c != 0)
        return c;
    return len < n ? -1 : len > n;
}

int entity_named(const char *name, size_t len, uint32_t cp[2])
{
    size_t lo = 0, hi = sizeof table / sizeof *table;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = compare(name, len, table[mid].name);
        if (c == 0) {
            cp[0] = table[mid].first;
            cp[1] = table[mid].second;
            return cp[1] ? 2 : 1;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}

size_t entity_count(void)
{
    return sizeof table / sizeof *table;
}
