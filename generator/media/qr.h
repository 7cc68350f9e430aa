/* qr: a web address as a QR code, drawn as SVG for print.
 * qr_svg() encodes the text with libqrencode (8-bit mode, error correction level M, the smallest
 * version that holds it) and draws the dark modules as one path in a square viewBox of whole
 * modules, with the quiet zone of 4 modules around the code; the size on paper is the
 * document's to set. Only this module touches libqrencode. Owns nothing between calls. */
#ifndef KAIRAN_QR_H
#define KAIRAN_QR_H

/* Returns a new SVG document (UTF-8, NUL-terminated) that the caller frees, or NULL when the
 * text is empty or too long for any QR code (more than 2331 bytes at level M). */
char *qr_svg(const char *text);

#endif
