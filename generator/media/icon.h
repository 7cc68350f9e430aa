/* icon: the square app icons that a web app manifest names (192 and 512 pixels), made from one
 * picture, the theme's icon. The picture is decoded as image_decode decodes a photo (PNG, JPEG
 * and the other formats it reads; oriented, in sRGB), cut to its centre square when it is not
 * square, resized in linear light and written as PNG, transparency kept. Nothing is cached: an
 * icon is small and made only by a build that changed something. Owns nothing between calls;
 * fails (-1) after reporting the problem at the picture's path. */
#ifndef KAIRAN_ICON_H
#define KAIRAN_ICON_H

#include "core/buf.h"
#include "core/diag.h"

/* The largest side an icon may be asked for. */
#define ICON_MAX_SIZE 4096

/* Appends the PNG file of the picture at path as a size × size icon to out. A picture smaller
 * than size is enlarged (with a warning: it looks soft). Returns 0, or -1 after reporting. */
int icon_png(struct diag *d, const char *path, unsigned size, struct buf *out);

#endif
