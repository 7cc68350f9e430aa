#!/usr/bin/python3
"""make-icon.py OUT.png [SIZE] -- draw the default theme's app icon (themes/default/static/icon.png).

The same picture as favicon.svg, two linked rings (支え合い, people holding on to each other) on
the masthead green, drawn on a 64-unit grid. It is drawn four times larger and scaled down so
the curves are smooth. Needs Debian's python3-pil.
"""
import sys

from PIL import Image, ImageDraw

GREEN = (0x14, 0x45, 0x2F, 255)
WHITE = (0xFF, 0xFF, 0xFF, 255)
YELLOW = (0xFF, 0xD8, 0x4A, 255)


def ring(draw, unit, cx, cy, r, width, colour):
    box = [(cx - r - width / 2) * unit, (cy - r - width / 2) * unit,
           (cx + r + width / 2) * unit, (cy + r + width / 2) * unit]
    draw.ellipse(box, outline=colour, width=round(width * unit))


def main():
    out = sys.argv[1]
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 512
    big = size * 4
    unit = big / 64
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    # App icons are often masked to a circle or squircle, so the background fills the square
    # and the rings stay inside the central safe zone.
    draw.rectangle([0, 0, big, big], fill=GREEN)
    ring(draw, unit, 25, 32, 13, 5.5, WHITE)
    ring(draw, unit, 39, 32, 13, 5.5, YELLOW)
    img = img.resize((size, size), Image.LANCZOS).convert("RGB")
    img.save(out, optimize=True)


if __name__ == "__main__":
    main()
