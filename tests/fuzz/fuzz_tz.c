/* Fuzzes the TZif reader with whole files, then every lookup on what it accepted: offsets,
 * transitions in order, wall time round trips, and a calendar with the zone's VTIMEZONE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/diag.h"
#include "core/ical.h"
#include "core/tz.h"
#include "core/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag d;
    diag_init(&d);
    struct tz *z = tz_from_tzif(&d, "Fuzz/Zone", data, size, "fuzz");
    if (!z) {
        if (d.len != 1)
            abort();
        diag_release(&d);
        return 0;
    }
    static const int64_t probes[] = {INT64_MIN,  -4000000000000, -2840140800,  0,        1613709000,
                                     2147483647, 4109878800,     253402300799, INT64_MAX};
    for (size_t i = 0; i < sizeof probes / sizeof *probes; i++) {
        struct tz_info info;
        tz_lookup(z, probes[i], &info);
        if (info.offset < -89999 || info.offset > 93599)
            abort();
    }
    struct tz_transition *tr;
    size_t n = tz_transitions(z, -2840140800, 4109878800, &tr);
    for (size_t i = 0; i < n; i++)
        if ((i + 1 < n && tr[i].at >= tr[i + 1].at) || tr[i].at < -2840140800)
            abort();
    free(tr);
    for (int64_t t = 0; t < 2000000000; t += 86400 * 97 + 3607) {
        struct datetime local = tz_to_local(z, t);
        enum tz_fold fold;
        int64_t back = tz_to_utc(z, local, &fold);
        if (fold == TZ_UNIQUE && back != t)
            abort();
    }
    struct buf b;
    buf_init(&b);
    struct ical_event ev = {
        "uid", "s", NULL, NULL, NULL, {{2021, 2, 19}, 13, 30, 0}, {{2022, 3, 1}, 9, 0, 0}, 0, NULL};
    ical_write(&b, "-//fuzz//fuzz//EN", NULL, z, &ev, 1, 1613709000);
    buf_release(&b);
    tz_free(z);
    diag_release(&d);
    return 0;
}
