/* color: colour management with Little CMS (the only module that uses it).
 * Photos arrive in Adobe RGB or Display P3 (phones), or CMYK (designers); browsers and the
 * encoders assume sRGB, so every picture is converted to sRGB through its embedded profile.
 * Nothing here fails: a profile that cannot be used is left aside with a warning for the
 * editor, and the pixels are then taken as sRGB (CMYK by the simple ink formula). */
#ifndef KAIRAN_COLOR_H
#define KAIRAN_COLOR_H

#include <stddef.h>

#include "media/raster.h"

/* Converts *r (GRAY, RGB, RGBA or CMYK) to sRGB through the ICC profile icc (NULL: none).
 * GRAY and CMYK become RGB (*r is then replaced by a new raster; the old one is freed); RGBA
 * keeps its alpha. cmyk_inverted says the CMYK samples are stored inverted (255 = no ink), as
 * Adobe writes them. On a profile that was not used, *warning says why (a message format whose
 * %s is the picture's name, as jpeg.h's); else it is NULL. */
void color_to_srgb(struct raster **r, const void *icc, size_t icc_len, int cmyk_inverted,
                   const char **warning);
/* Returns a new sRGB ICC profile (to embed in print files); the caller frees it. */
unsigned char *color_srgb_profile(size_t *len);

#endif
