/* Fuzzes the decode path of every format but JPEG as image_process runs it: format sniffing,
 * PNG chunk reading (iCCP, eXIf), the header size check, stb_image, inflating the colour
 * profile, colour conversion and orientation, under a small megapixel limit. */
#include <stdint.h>
#include <stdlib.h>

#include "core/diag.h"
#include "media/image.h"
#include "media/raster.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 2 && data[0] == 0xFF && data[1] == 0xD8)
        return 0; /* JPEG has its own target */
    struct diag d;
    diag_init(&d);
    struct raster *r = image_decode(&d, "fuzz.tga", data, size, 0, 4);
    if (r && (r->width == 0 || r->height == 0 || (r->kind != RASTER_RGB && r->kind != RASTER_RGBA)))
        abort(); /* the pipeline promises non-empty sRGB RGB or RGBA */
    raster_free(r);
    diag_release(&d);
    return 0;
}
