#include "media/icon.h"

#include <stdlib.h>

#include "core/fs.h"
#include "core/intl.h"
#include "media/image.h"
#include "media/raster.h"

/* Icons come from small pictures: anything larger than this is not an icon. */
enum { ICON_MAX_MEGAPIXELS = 64 };

/* The centre square of r: r itself when it is square, else a new raster (the caller frees). */
static struct raster *centre_square(struct raster *r)
{
    unsigned side = r->width < r->height ? r->width : r->height;
    if (r->width == r->height)
        return r;
    struct raster *sq = raster_new(side, side, r->kind);
    size_t x0 = (r->width - side) / 2, y0 = (r->height - side) / 2;
    size_t row = (size_t)side * r->channels, stride = (size_t)r->width * r->channels;
    for (size_t y = 0; y < side; y++) {
        const unsigned char *from = r->px + (y0 + y) * stride + x0 * r->channels;
        unsigned char *to = sq->px + y * row;
        for (size_t i = 0; i < row; i++)
            to[i] = from[i];
    }
    return sq;
}

int icon_png(struct diag *d, const char *path, unsigned size, struct buf *out)
{
    if (size == 0 || size > ICON_MAX_SIZE) {
        diag_error(d, path, 0, 0, _("internal error: an icon of %u pixels was asked for"), size);
        return -1;
    }
    struct buf data;
    buf_init(&data);
    if (fs_read_file(d, path, &data) != 0) {
        buf_release(&data);
        return -1;
    }
    struct raster *r = image_decode(d, path, data.data, data.len, 0, ICON_MAX_MEGAPIXELS);
    buf_release(&data);
    if (!r)
        return -1;
    int rc = 0;
    struct raster *sq = centre_square(r);
    if (sq->width < size)
        diag_warning(d, path, 0, 0,
                     _("is %u pixels square and is enlarged to %u for the app's icon, which looks "
                       "soft; give the theme an icon of at least %u × %u pixels"),
                     sq->width, size, size, size);
    struct raster *sized = sq->width == size ? sq : raster_resize(sq, size, size);
    const char *why;
    if (raster_encode_png(sized, out, &why) != 0) {
        diag_error(d, path, 0, 0, _("cannot be written as the app's icon: %s"), why);
        rc = -1;
    }
    if (sized != sq)
        raster_free(sized);
    if (sq != r)
        raster_free(sq);
    raster_free(r);
    return rc;
}
