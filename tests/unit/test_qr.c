/* Unit tests of qr: a web address as a QR code drawn in SVG. The drawing is read back into a
 * grid of modules and checked for what every QR code has: its size for its version, the three
 * finder patterns with their white separators, the timing patterns and the quiet zone. (That
 * the code decodes to the address is checked on the printed PDF with zbarimg: make check-slow.) */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "media/qr.h"

#define MAX_SIDE 200

/* The drawing read back: side modules (the quiet zone included) and which are dark. */
struct grid {
    int side;
    unsigned char dark[MAX_SIDE][MAX_SIDE];
};

/* Reads the viewBox and the path's runs ("M x yh n v1 h-n z") into g. Returns 0, or -1 when the
 * SVG is not shaped as qr_svg promises. */
static int read_svg(const char *svg, struct grid *g)
{
    memset(g, 0, sizeof *g);
    const char *vb = strstr(svg, "viewBox=\"0 0 ");
    if (!vb || sscanf(vb, "viewBox=\"0 0 %d", &g->side) != 1 || g->side <= 0 ||
        g->side > MAX_SIDE)
        return -1;
    const char *d = strstr(svg, " d=\"");
    if (!d)
        return -1;
    d += 4;
    while (*d == 'M') {
        int x, y, n, used = 0;
        if (sscanf(d, "M%d %dh%dv1h-%*dz%n", &x, &y, &n, &used) != 3 || used == 0)
            return -1;
        if (x < 0 || y < 0 || n <= 0 || x + n > g->side || y >= g->side)
            return -1;
        for (int i = 0; i < n; i++)
            g->dark[y][x + i] = 1;
        d += used;
    }
    return *d == '"' ? 0 : -1;
}

/* A finder pattern at module (x, y) of the code (the quiet zone q around it): a dark 7x7
 * square ring, a light ring, a dark 3x3 centre, and a light separator outside it. */
static int finder_at(const struct grid *g, int q, int x, int y)
{
    for (int r = -1; r <= 7; r++)
        for (int c = -1; c <= 7; c++) {
            int rr = y + r + q, cc = x + c + q;
            int ring = r == 0 || r == 6 || c == 0 || c == 6;
            int centre = r >= 2 && r <= 4 && c >= 2 && c <= 4;
            int outside = r < 0 || r > 6 || c < 0 || c > 6;
            int want = !outside && (ring || centre);
            if (g->dark[rr][cc] != want)
                return 0;
        }
    return 1;
}

static void an_address_becomes_a_qr_code(void)
{
    const char *url = "https://example.jp/watowa/activities/kushibiki-otokojuku/";
    char *svg = qr_svg(url);
    CHECK(svg != NULL);
    if (!svg)
        return;
    const char *head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<svg xmlns=\"http://www.w3.org/2000/svg\"";
    CHECK(strncmp(svg, head, strlen(head)) == 0);
    static struct grid g;
    CHECK_INT(read_svg(svg, &g), 0);
    /* 57 bytes at level M: version 4, 33 modules, and 4 of quiet zone on each side. */
    CHECK_INT(g.side, 33 + 8);
    int q = 4, n = g.side - 2 * q;
    CHECK(finder_at(&g, q, 0, 0));
    CHECK(finder_at(&g, q, n - 7, 0));
    CHECK(finder_at(&g, q, 0, n - 7));
    /* No finder in the fourth corner. */
    CHECK(!finder_at(&g, q, n - 7, n - 7));
    /* Timing patterns: row and column 6 alternate between the finders. */
    int timing = 1;
    for (int i = 8; i < n - 8; i++)
        timing &= g.dark[q + 6][q + i] == (i % 2 == 0) && g.dark[q + i][q + 6] == (i % 2 == 0);
    CHECK(timing);
    /* The quiet zone is light. */
    int quiet = 1;
    for (int i = 0; i < g.side; i++)
        for (int k = 0; k < q; k++)
            quiet &= !g.dark[k][i] && !g.dark[g.side - 1 - k][i] && !g.dark[i][k] &&
                     !g.dark[i][g.side - 1 - k];
    CHECK(quiet);
    free(svg);
}

static void the_same_address_draws_the_same_code(void)
{
    char *a = qr_svg("https://example.jp/watowa/events/2021-kenshukai/");
    char *b = qr_svg("https://example.jp/watowa/events/2021-kenshukai/");
    char *c = qr_svg("https://example.jp/watowa/events/2020-kenshukai/");
    CHECK(a && b && c);
    if (a && b && c) {
        CHECK_STR(a, b);
        CHECK(strcmp(a, c) != 0);
    }
    free(a);
    free(b);
    free(c);
}

static void a_longer_address_takes_a_larger_code(void)
{
    char long_url[400];
    snprintf(long_url, sizeof long_url, "https://example.jp/%0300d/", 0);
    char *small = qr_svg("https://example.jp/");
    char *large = qr_svg(long_url);
    static struct grid gs, gl;
    CHECK(small && large);
    if (small && large) {
        CHECK_INT(read_svg(small, &gs), 0);
        CHECK_INT(read_svg(large, &gl), 0);
        /* 19 bytes: version 2 (25 modules); 319 bytes at level M: version 13 (69 modules). */
        CHECK_INT(gs.side, 25 + 8);
        CHECK_INT(gl.side, 69 + 8);
    }
    free(small);
    free(large);
}

static void an_address_too_long_for_any_code_is_refused(void)
{
    size_t n = 5000;
    char *url = malloc(n + 1);
    memset(url, 'a', n);
    url[n] = '\0';
    CHECK(qr_svg(url) == NULL);
    CHECK(qr_svg("") == NULL);
    free(url);
}

int main(void)
{
    RUN(an_address_becomes_a_qr_code);
    RUN(the_same_address_draws_the_same_code);
    RUN(a_longer_address_takes_a_larger_code);
    RUN(an_address_too_long_for_any_code_is_refused);
    return HARNESS_DONE();
}
