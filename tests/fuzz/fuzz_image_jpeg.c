/* Fuzzes the JPEG decode path as image_process runs it: metadata (EXIF, ICC chunks, Adobe
 * marker), libjpeg-turbo with DCT scaling, colour conversion and orientation, under a small
 * megapixel limit so that the fuzzer hunts crashes rather than allocating huge pictures. */
#include <stdint.h>
#include <stdlib.h>

#include "core/diag.h"
#include "media/image.h"
#include "media/raster.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3 || data[0] != 0xFF || data[1] != 0xD8 || data[2] != 0xFF)
        return 0;
    struct diag d;
    diag_init(&d);
    /* Once reduced by the decoder's DCT scaling, once at full size. */
    static const unsigned widths[2] = {16, 0};
    for (int i = 0; i < 2; i++) {
        struct raster *r = image_decode(&d, "fuzz.jpg", data, size, widths[i], 4);
        if (r && (r->width == 0 || r->height == 0 || r->kind != RASTER_RGB))
            abort(); /* the pipeline promises non-empty sRGB RGB */
        raster_free(r);
    }
    diag_release(&d);
    return 0;
}
