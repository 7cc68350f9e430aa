/* Unit tests of plot (markup/plot.c): round ticks for any range, and the palette's promises:
 * neighbouring series PLOT_LIGHTNESS_STEP or more apart in lightness in greyscale and as
 * people with protanopia, deuteranopia and tritanopia see them, lines that stand out from the
 * page, numbers that read on their fills. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "markup/plot.h"

static int is_round(double step)
{
    double power = pow(10, floor(log10(step)));
    double f = step / power;
    return fabs(f - 1) < 1e-9 || fabs(f - 2) < 1e-9 || fabs(f - 5) < 1e-9 || fabs(f - 10) < 1e-9;
}

static void ticks(void)
{
    double first, last, step;
    plot_ticks(0, 49, &first, &last, &step);
    CHECK(first == 0 && last == 50 && step == 10);
    plot_ticks(0, 1528, &first, &last, &step);
    CHECK(first == 0 && last == 2000 && step == 500);
    plot_ticks(0, 0, &first, &last, &step); /* nothing but zeros: still an axis */
    CHECK(first == 0 && last > 0 && step > 0);
    plot_ticks(-3, 7, &first, &last, &step);
    CHECK(first <= -3 && first > -3 - step && last >= 7 && last < 7 + step);
    plot_ticks(0, 0.37, &first, &last, &step);
    CHECK(fabs(step - 0.1) < 1e-12 || fabs(step - 0.2) < 1e-12);
    /* Any range: round steps, three to six ticks from 0 (seven across it), every number
     * inside. */
    unsigned seed = 7;
    for (int i = 0; i < 2000; i++) {
        seed = seed * 1103515245u + 12345u;
        double hi = (double)(seed % 100000) / pow(10, seed % 7);
        seed = seed * 1103515245u + 12345u;
        double lo = seed % 3 == 0 ? -hi * (double)(seed % 97) / 100 : 0;
        plot_ticks(lo, hi, &first, &last, &step);
        double n = (last - first) / step + 1;
        int ok = is_round(step) && first <= lo + 1e-9 && last >= hi - 1e-9 && n >= 2.999 &&
                 n <= (lo < 0 ? 7.001 : 6.001);
        if (!ok)
            fprintf(stderr, "  %g..%g: ticks %g..%g by %g\n", lo, hi, first, last, step);
        CHECK(ok);
    }
}

/* ---- The palette ---------------------------------------------------------------------------- */

static double channel(const char *hex, int i)
{
    char two[3] = {hex[1 + 2 * i], hex[2 + 2 * i], '\0'};
    double c = (double)strtol(two, NULL, 16) / 255;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(const double rgb[3])
{
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
}

static double lightness(double y)
{
    return y > 216.0 / 24389 ? 116 * cbrt(y) - 16 : 24389.0 / 27 * y;
}

static double contrast(double a, double b)
{
    return (fmax(a, b) + 0.05) / (fmin(a, b) + 0.05);
}

/* Colours as people with each kind of dichromacy see them (Machado, Oliveira and Fernandes
 * 2009, severity 1), applied to linear RGB; the first is ordinary vision (and greyscale). */
static const double vision[4][3][3] = {
    {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}},
    {{0.152286, 1.052583, -0.204868},
     {0.114503, 0.786281, 0.099216},
     {-0.003882, -0.048116, 1.051998}},
    {{0.367322, 0.860646, -0.227968},
     {0.280085, 0.672501, 0.047413},
     {-0.011820, 0.042940, 0.968881}},
    {{1.255528, -0.076749, -0.178779},
     {-0.078411, 0.930809, 0.147602},
     {0.004733, 0.691367, 0.303900}},
};

static double seen_lightness(const char *hex, int v)
{
    double rgb[3], seen[3];
    for (int i = 0; i < 3; i++)
        rgb[i] = channel(hex, i);
    for (int r = 0; r < 3; r++) {
        seen[r] = 0;
        for (int c = 0; c < 3; c++)
            seen[r] += vision[v][r][c] * rgb[c];
        seen[r] = fmin(1, fmax(0, seen[r]));
    }
    return lightness(luminance(seen));
}

static void palette(void)
{
    static const char *const names[] = {"ordinary vision and greyscale", "protanopia",
                                        "deuteranopia", "tritanopia"};
    for (size_t s = 0; s < PLOT_SERIES; s++) {
        const char *fill = plot_series_colour(s), *ink = plot_series_text_colour(s);
        double rgb[3], text[3];
        for (int i = 0; i < 3; i++) {
            rgb[i] = channel(fill, i);
            text[i] = channel(ink, i);
        }
        /* A line in the colour stands out from the page; a number written on it reads. */
        CHECK(contrast(luminance(rgb), 1.0) >= 3.0);
        CHECK(contrast(luminance(rgb), luminance(text)) >= 4.5);
        for (int v = 0; v < 4 && s + 1 < PLOT_SERIES; v++) {
            double step =
                fabs(seen_lightness(fill, v) - seen_lightness(plot_series_colour(s + 1), v));
            if (step < PLOT_LIGHTNESS_STEP)
                fprintf(stderr, "  series %zu and %zu differ by %.1f in L* with %s\n", s + 1, s + 2,
                        step, names[v]);
            CHECK(step >= PLOT_LIGHTNESS_STEP);
        }
    }
    CHECK_INT(PLOT_LIGHTNESS_STEP, 20);
    CHECK_STR(plot_series_colour(PLOT_SERIES), plot_series_colour(0));
}

int main(void)
{
    RUN(ticks);
    RUN(palette);
    return HARNESS_DONE();
}
