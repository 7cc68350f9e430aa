#include "media/qr.h"

#include <qrencode.h>
#include <string.h>

#include "core/buf.h"

/* The light margin a reader needs around the code, in modules (ISO/IEC 18004). */
#define QUIET 4

char *qr_svg(const char *text)
{
    if (!text || !*text)
        return NULL;
    QRcode *code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
    if (!code)
        return NULL; /* too long (ERANGE); libqrencode's allocations failing are the same to us */
    int n = code->width, side = n + 2 * QUIET;
    struct buf b;
    buf_init(&b);
    buf_printf(&b,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 %d %d\" "
               "width=\"%d\" height=\"%d\" shape-rendering=\"crispEdges\">\n"
               "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n"
               "<path fill=\"#000000\" d=\"",
               side, side, side, side, side, side);
    /* Each row's runs of dark modules as one rectangle: bit 0 of a module's byte is dark. */
    for (int y = 0; y < n; y++) {
        const unsigned char *row = code->data + (size_t)y * (size_t)n;
        for (int x = 0; x < n;) {
            if (!(row[x] & 1)) {
                x++;
                continue;
            }
            int run = 1;
            while (x + run < n && (row[x + run] & 1))
                run++;
            buf_printf(&b, "M%d %dh%dv1h-%dz", x + QUIET, y + QUIET, run, run);
            x += run;
        }
    }
    buf_puts(&b, "\"/>\n</svg>\n");
    QRcode_free(code);
    return buf_detach(&b, NULL);
}
