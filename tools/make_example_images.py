#!/usr/bin/python3
"""Draw the photos and illustrations of the example magazine (assets/photos, assets/illustrations).

Every picture is painted from shapes, gradients and seeded noise, so the output is the same on
every run and nothing comes from a camera or another author. The scenes are busy on purpose: the
image pipeline should have real detail to resize and compress. One photo is stored turned on its
side with EXIF orientation 6, so the pipeline's rotation handling has something to do.

Usage (from the repository root; needs Debian's python3-pil):
    /usr/bin/python3 tools/make_example_images.py [OUTPUT_ASSETS_DIR]
"""

import math
import os
import random
import sys

from PIL import Image, ImageChops, ImageDraw, ImageFilter

W, H = 1600, 1200
QUALITY = 85

SKIN = [(236, 200, 170), (226, 186, 152), (214, 172, 138), (240, 210, 182)]
HAIR_OLD = [(205, 205, 205), (180, 180, 178), (150, 150, 150), (230, 230, 228), (120, 116, 110)]
HAIR_YOUNG = [(40, 32, 28), (60, 44, 34), (30, 26, 24), (82, 60, 40)]
CLOTHES = [(70, 96, 140), (150, 60, 60), (90, 120, 80), (200, 170, 110), (110, 90, 130),
           (60, 60, 70), (180, 120, 140), (220, 200, 170), (100, 130, 150), (160, 110, 70),
           (230, 150, 70), (90, 150, 170), (140, 140, 150)]
TROUSERS = [(50, 52, 64), (80, 74, 66), (40, 44, 56), (110, 100, 90), (70, 70, 74)]


# ---------------------------------------------------------------- small helpers

def mix(a, b, t):
    return tuple(int(round(a[i] + (b[i] - a[i]) * t)) for i in range(3))


def shade(c, f):
    return tuple(max(0, min(255, int(v * f))) for v in c)


def vgradient(img, box, top, bottom):
    x0, y0, x1, y1 = box
    d = ImageDraw.Draw(img)
    n = max(1, y1 - y0)
    for i in range(n):
        d.line([(x0, y0 + i), (x1, y0 + i)], fill=mix(top, bottom, i / n))


def noise_layer(rng, size, scale=1):
    """Uniform grey noise from the seeded generator (Image.effect_noise is not seedable)."""
    w, h = (size[0] + scale - 1) // scale, (size[1] + scale - 1) // scale
    n = Image.frombytes("L", (w, h), rng.randbytes(w * h))
    if scale > 1:
        n = n.resize(size, Image.BICUBIC)
    return n


def add_grain(img, rng, amount):
    """Film grain: noise laid over the picture with an overlay blend, mixed in lightly."""
    n = noise_layer(rng, img.size).filter(ImageFilter.GaussianBlur(0.6))
    n = Image.merge("RGB", (n, n, n))
    return Image.blend(img, ImageChops.overlay(img, n), amount)


def vignette(img, strength=0.35):
    w, h = img.size
    small = Image.new("L", (64, 48))
    px = small.load()
    for y in range(48):
        for x in range(64):
            dx, dy = (x - 31.5) / 32, (y - 23.5) / 24
            r = math.sqrt(dx * dx + dy * dy) / math.sqrt(2)
            px[x, y] = int(255 * (1 - strength * r ** 2.2))
    mask = small.resize((w, h), Image.BICUBIC)
    dark = Image.new("RGB", (w, h), (0, 0, 0))
    return Image.composite(img, dark, mask)


def light_pool(img, cx, cy, radius, color, strength):
    """A soft patch of light (window light on a floor, a lamp)."""
    w, h = img.size
    m = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(m)
    d.ellipse([cx - radius, cy - radius * 0.6, cx + radius, cy + radius * 0.6],
              fill=int(255 * strength))
    m = m.filter(ImageFilter.GaussianBlur(radius / 2.5))
    return Image.composite(Image.new("RGB", (w, h), color), img, m)


def shadow(img, box, strength=0.35, blur=10):
    m = Image.new("L", img.size, 0)
    ImageDraw.Draw(m).ellipse(box, fill=int(255 * strength))
    m = m.filter(ImageFilter.GaussianBlur(blur))
    return Image.composite(Image.new("RGB", img.size, (20, 18, 16)), img, m)


def mottle(img, rng, amount):
    """Uneven light: broad soft blotches, as walls and floors never light evenly."""
    n = noise_layer(rng, img.size, scale=80).filter(ImageFilter.GaussianBlur(30))
    n = Image.merge("RGB", (n, n, n))
    return Image.blend(img, ImageChops.soft_light(img, n), amount)


def finish(img, rng, grain=0.09, vig=0.35, blur=0.7):
    img = img.filter(ImageFilter.GaussianBlur(blur))
    img = mottle(img, rng, 0.5)
    img = vignette(img, vig)
    img = add_grain(img, rng, grain)
    return img


# ---------------------------------------------------------------- people and furniture

def person(d, x, feet, h, rng, pose="stand", old=True, clothes=None, apron=None, facing=0,
           child=False):
    """A simple figure: feet at (x, feet), height h. pose: stand, sit, arms_up, walk, back."""
    skin = rng.choice(SKIN)
    hair = rng.choice(HAIR_OLD if old else HAIR_YOUNG)
    top = clothes or rng.choice(CLOTHES)
    legs = rng.choice(TROUSERS)
    head_r = h * (0.085 if not child else 0.11)
    if pose == "sit":
        hip_y = feet - h * 0.27
        knee_x = x + h * 0.16 * (1 if facing >= 0 else -1)
        d.line([(x, hip_y), (knee_x, hip_y)], fill=legs, width=int(h * 0.1))
        d.line([(knee_x, hip_y), (knee_x, feet)], fill=legs, width=int(h * 0.085))
        d.ellipse([knee_x - h * 0.05, feet - h * 0.03, knee_x + h * 0.07, feet + h * 0.01],
                  fill=(40, 36, 34))
        torso_top = hip_y - h * 0.36
    else:
        hip_y = feet - h * 0.46
        spread = h * (0.06 if pose != "walk" else 0.12)
        d.line([(x - h * 0.04, hip_y), (x - spread, feet)], fill=legs, width=int(h * 0.085))
        d.line([(x + h * 0.04, hip_y), (x + spread, feet)], fill=legs, width=int(h * 0.085))
        for fx in (x - spread, x + spread):
            d.ellipse([fx - h * 0.05, feet - h * 0.025, fx + h * 0.05, feet + h * 0.012],
                      fill=(36, 32, 30))
        torso_top = hip_y - h * 0.36
    tw = h * (0.13 if not child else 0.11)
    d.rounded_rectangle([x - tw, torso_top, x + tw, hip_y + h * 0.04], radius=int(h * 0.05),
                        fill=top)
    if apron:
        d.rectangle([x - tw * 0.8, torso_top + h * 0.07, x + tw * 0.8, hip_y + h * 0.1],
                    fill=apron)
    # arms
    sh_y = torso_top + h * 0.05
    aw = int(h * 0.05)
    if pose == "arms_up":
        d.line([(x - tw, sh_y), (x - tw - h * 0.08, sh_y - h * 0.3)], fill=top, width=aw)
        d.line([(x + tw, sh_y), (x + tw + h * 0.08, sh_y - h * 0.3)], fill=top, width=aw)
        for hx in (x - tw - h * 0.08, x + tw + h * 0.08):
            d.ellipse([hx - aw * 0.6, sh_y - h * 0.3 - aw * 0.6, hx + aw * 0.6,
                       sh_y - h * 0.3 + aw * 0.6], fill=skin)
    elif pose == "arms_side":
        d.line([(x - tw, sh_y), (x - tw - h * 0.22, sh_y + h * 0.02)], fill=top, width=aw)
        d.line([(x + tw, sh_y), (x + tw + h * 0.22, sh_y + h * 0.02)], fill=top, width=aw)
    else:
        d.line([(x - tw, sh_y), (x - tw - h * 0.03, sh_y + h * 0.3)], fill=top, width=aw)
        d.line([(x + tw, sh_y), (x + tw + h * 0.03, sh_y + h * 0.3)], fill=top, width=aw)
        for hx in (x - tw - h * 0.03, x + tw + h * 0.03):
            d.ellipse([hx - aw * 0.55, sh_y + h * 0.3 - aw * 0.5, hx + aw * 0.55,
                       sh_y + h * 0.3 + aw * 0.6], fill=skin)
    # neck and head
    hy = torso_top - head_r * 0.9
    d.rectangle([x - head_r * 0.35, hy, x + head_r * 0.35, torso_top + 2], fill=skin)
    if pose == "back":
        d.ellipse([x - head_r, hy - head_r, x + head_r, hy + head_r], fill=hair)
    else:
        d.ellipse([x - head_r, hy - head_r, x + head_r, hy + head_r], fill=skin)
        d.chord([x - head_r * 1.05, hy - head_r * 1.08, x + head_r * 1.05, hy + head_r * 0.7],
                start=180 + facing * 20, end=360 + facing * 20, fill=hair)
        # eyes hint
        ex = head_r * 0.38 + facing * head_r * 0.25
        for s in (-1, 1):
            d.ellipse([x + s * head_r * 0.38 + facing * head_r * 0.25 - 2, hy,
                       x + s * head_r * 0.38 + facing * head_r * 0.25 + 2, hy + 4],
                      fill=(60, 46, 40))
        del ex
    return hy - head_r


def folding_chair(d, x, floor, s, color=(110, 112, 118), seat=(60, 80, 110)):
    leg = max(2, int(4 * s))
    d.line([(x - 22 * s, floor), (x - 18 * s, floor - 48 * s)], fill=color, width=leg)
    d.line([(x + 22 * s, floor), (x + 18 * s, floor - 48 * s)], fill=color, width=leg)
    d.line([(x - 20 * s, floor - 48 * s), (x - 20 * s, floor - 110 * s)], fill=color, width=leg)
    d.line([(x + 20 * s, floor - 48 * s), (x + 20 * s, floor - 110 * s)], fill=color, width=leg)
    d.rounded_rectangle([x - 26 * s, floor - 56 * s, x + 26 * s, floor - 44 * s],
                        radius=int(4 * s), fill=seat)
    d.rounded_rectangle([x - 24 * s, floor - 112 * s, x + 24 * s, floor - 86 * s],
                        radius=int(4 * s), fill=seat)


def table(d, x0, x1, top_y, depth, leg_h, color=(196, 170, 130), cloth=None):
    d.polygon([(x0, top_y), (x1, top_y), (x1 + depth * 0.2, top_y + depth),
               (x0 - depth * 0.2, top_y + depth)], fill=cloth or color)
    d.rectangle([x0 - depth * 0.2, top_y + depth, x1 + depth * 0.2, top_y + depth + 8],
                fill=shade(cloth or color, 0.75))
    for lx in (x0 - depth * 0.1, x1 + depth * 0.1):
        d.rectangle([lx - 4, top_y + depth + 8, lx + 4, top_y + depth + leg_h], fill=(90, 90, 96))


def cup(d, x, y, s, color=(240, 236, 226)):
    d.rounded_rectangle([x - 9 * s, y - 16 * s, x + 9 * s, y], radius=int(3 * s), fill=color)
    d.ellipse([x - 9 * s, y - 19 * s, x + 9 * s, y - 13 * s], fill=(120, 150, 80))


# ---------------------------------------------------------------- rooms and landscapes

def hall(img, rng, horizon=470, wall=(226, 218, 200), floor_c=(176, 134, 90), windows=True,
         curtain=(120, 150, 120)):
    """A community hall: wall with windows, wooden floor in perspective."""
    d = ImageDraw.Draw(img)
    vgradient(img, (0, 0, W, horizon), shade(wall, 0.92), wall)
    d.rectangle([0, 40, W, 60], fill=shade(wall, 0.8))
    if windows:
        for i in range(5):
            x0 = 80 + i * 310
            d.rectangle([x0, 110, x0 + 210, 380], fill=(150, 156, 160))
            vgradient(img, (x0 + 10, 120, x0 + 200, 370), (226, 236, 244), (196, 214, 226))
            d.line([(x0 + 105, 120), (x0 + 105, 370)], fill=(150, 156, 160), width=8)
            d.line([(x0 + 10, 245), (x0 + 200, 245)], fill=(150, 156, 160), width=6)
            d.rectangle([x0 - 20, 100, x0 + 20, 390], fill=curtain)
            d.rectangle([x0 + 190, 100, x0 + 230, 390], fill=curtain)
    d.rectangle([0, horizon - 30, W, horizon], fill=shade(wall, 0.7))
    vgradient(img, (0, horizon, W, H), shade(floor_c, 0.85), floor_c)
    vp = (W / 2, horizon - 260)
    for i in range(-40, 41):
        bx = W / 2 + i * 70
        t = (horizon - vp[1]) / (H - vp[1])
        tx = vp[0] + (bx - vp[0]) * t
        d.line([(tx, horizon), (bx, H)], fill=shade(floor_c, 0.88), width=2)
    y = horizon
    step = 8
    while y < H:
        d.line([(0, y), (W, y)], fill=shade(floor_c, 0.93), width=1)
        step *= 1.18
        y += step
    if windows:
        for i in range(5):
            img.paste(light_pool(img, 185 + i * 310 + 120, horizon + 170, 230,
                                 (250, 240, 214), 0.35).crop((0, horizon, W, H)), (0, horizon))
    return d


def meeting_room(img, rng, horizon=500):
    d = ImageDraw.Draw(img)
    vgradient(img, (0, 0, W, horizon), (214, 216, 210), (232, 230, 222))
    # ceiling lights
    for i in range(4):
        d.rectangle([200 + i * 340, 10, 420 + i * 340, 30], fill=(250, 250, 244))
    # whiteboard with sticky notes
    d.rectangle([430, 120, 1170, 430], fill=(120, 124, 130))
    d.rectangle([440, 130, 1160, 420], fill=(246, 247, 248))
    colors = [(255, 236, 120), (255, 190, 200), (180, 220, 255), (190, 240, 180)]
    for col in range(6):
        for row in range(4):
            if rng.random() < 0.8:
                x = 470 + col * 112 + rng.randint(-6, 6)
                y = 150 + row * 66 + rng.randint(-5, 5)
                d.rectangle([x, y, x + 80, y + 52], fill=rng.choice(colors))
                for k in range(3):
                    d.line([(x + 8, y + 12 + k * 12), (x + 8 + rng.randint(30, 64),
                                                        y + 12 + k * 12)],
                           fill=(90, 90, 100), width=2)
    d.line([(700, 140), (700, 410)], fill=(40, 90, 160), width=3)
    d.rectangle([0, horizon - 24, W, horizon], fill=(180, 176, 168))
    vgradient(img, (0, horizon, W, H), (120, 126, 132), (150, 156, 160))
    for k in range(0, W, 48):
        d.line([(k, horizon), (W / 2 + (k - W / 2) * 2.2, H)], fill=(132, 138, 144), width=1)
    return d


def snowy_sky(img, top=(196, 204, 214), bottom=(232, 234, 238), horizon=520):
    vgradient(img, (0, 0, W, horizon), top, bottom)


def mountains(img, rng, base, color, peak=0.55, jag=40, x_peak=None):
    d = ImageDraw.Draw(img)
    pts = [(0, H)]
    xp = x_peak if x_peak is not None else W * 0.55
    for x in range(0, W + 20, 20):
        h = base - (1 - abs(x - xp) / W) ** 2 * base * peak + rng.uniform(-jag, jag) * 0.3
        pts.append((x, h))
    pts.append((W, H))
    d.polygon(pts, fill=color)
    return pts


def house(d, x, ground, w, h, rng, wall=None, roof=None, snow=0):
    wall = wall or rng.choice([(214, 206, 190), (190, 176, 150), (226, 222, 214), (170, 160, 150)])
    roof = roof or rng.choice([(70, 74, 84), (120, 60, 50), (60, 80, 100), (96, 90, 84)])
    d.rectangle([x, ground - h, x + w, ground], fill=wall)
    d.polygon([(x - w * 0.1, ground - h), (x + w / 2, ground - h - w * 0.36),
               (x + w * 1.1, ground - h)], fill=roof)
    if snow:
        d.polygon([(x - w * 0.12, ground - h - 2), (x + w / 2, ground - h - w * 0.36 - snow),
                   (x + w * 1.12, ground - h - 2), (x + w * 1.12, ground - h + snow * 0.3),
                   (x - w * 0.12, ground - h + snow * 0.3)], fill=(246, 248, 252))
    for i in range(2):
        wx = x + w * (0.15 + i * 0.45)
        d.rectangle([wx, ground - h * 0.75, wx + w * 0.28, ground - h * 0.4],
                    fill=(110, 130, 150))
        d.line([(wx + w * 0.14, ground - h * 0.75), (wx + w * 0.14, ground - h * 0.4)],
               fill=wall, width=3)
    d.rectangle([x + w * 0.42, ground - h * 0.35, x + w * 0.58, ground], fill=shade(wall, 0.6))


def falling_snow(img, rng, count=900):
    d = ImageDraw.Draw(img)
    for _ in range(count):
        x, y = rng.uniform(0, W), rng.uniform(0, H)
        r = rng.choice([1, 1, 2, 2, 3, 4])
        d.ellipse([x - r, y - r, x + r, y + r], fill=(250, 252, 255))


def van(d, x, ground, s, body=(236, 238, 240), stripe=(60, 140, 90), open_side=False, rng=None):
    d.rounded_rectangle([x, ground - 260 * s, x + 520 * s, ground - 40 * s], radius=int(24 * s),
                        fill=body)
    d.polygon([(x + 520 * s, ground - 200 * s), (x + 610 * s, ground - 150 * s),
               (x + 620 * s, ground - 40 * s), (x + 520 * s, ground - 40 * s)], fill=body)
    d.polygon([(x + 530 * s, ground - 190 * s), (x + 596 * s, ground - 150 * s),
               (x + 596 * s, ground - 110 * s), (x + 530 * s, ground - 110 * s)],
              fill=(120, 150, 170))
    d.rectangle([x, ground - 110 * s, x + 620 * s, ground - 90 * s], fill=stripe)
    for wx in (x + 110 * s, x + 500 * s):
        d.ellipse([wx - 48 * s, ground - 92 * s, wx + 48 * s, ground + 4 * s], fill=(30, 30, 32))
        d.ellipse([wx - 22 * s, ground - 66 * s, wx + 22 * s, ground - 22 * s],
                  fill=(150, 150, 156))
    if open_side and rng is not None:
        d.rectangle([x + 30 * s, ground - 240 * s, x + 470 * s, ground - 120 * s],
                    fill=(90, 80, 70))
        for row in range(3):
            yy = ground - 240 * s + row * 40 * s
            d.line([(x + 30 * s, yy + 38 * s), (x + 470 * s, yy + 38 * s)], fill=(200, 200, 196),
                   width=3)
            for k in range(14):
                px_ = x + 44 * s + k * 30 * s
                c = rng.choice([(220, 60, 50), (240, 200, 80), (90, 160, 70), (240, 240, 230),
                                (200, 120, 60), (120, 70, 140), (250, 160, 60)])
                d.rectangle([px_, yy + 14 * s, px_ + 22 * s, yy + 36 * s], fill=c)
        # awning
        d.polygon([(x + 20 * s, ground - 262 * s), (x + 480 * s, ground - 262 * s),
                   (x + 520 * s, ground - 310 * s), (x - 20 * s, ground - 310 * s)],
                  fill=(220, 90, 70))
        for k in range(0, 12, 2):
            d.polygon([(x - 20 * s + k * 45 * s, ground - 310 * s),
                       (x + 25 * s + k * 45 * s, ground - 310 * s),
                       (x + 65 * s + k * 38 * s, ground - 262 * s),
                       (x + 20 * s + k * 38 * s, ground - 262 * s)], fill=(246, 240, 232))


def crate(d, x, y, w, h, rng, kind):
    d.rectangle([x, y, x + w, y + h], fill=(150, 110, 70))
    for k in range(1, 4):
        d.line([(x, y + h * k / 4), (x + w, y + h * k / 4)], fill=(120, 86, 52), width=3)
    if kind == "daikon":
        for k in range(7):
            cx = x + 14 + k * (w - 28) / 6
            d.polygon([(cx - 10, y + 6), (cx + 10, y + 6), (cx + 3, y - 70), (cx - 3, y - 70)],
                      fill=(244, 244, 236))
            d.polygon([(cx - 3, y - 70), (cx - 24, y - 120), (cx + 20, y - 118), (cx + 3, y - 70)],
                      fill=(80, 150, 60))
        return
    palette = {"tomato": [(214, 50, 40), (230, 70, 50), (196, 36, 36)],
               "cabbage": [(150, 196, 110), (130, 180, 96), (170, 210, 130)],
               "carrot": [(240, 130, 40), (230, 110, 30)],
               "apple": [(200, 40, 50), (220, 80, 60), (190, 60, 40)],
               "potato": [(190, 150, 100), (170, 130, 90)]}[kind]
    r = {"tomato": 18, "cabbage": 34, "carrot": 12, "apple": 20, "potato": 16}[kind]
    for _ in range(int(w * 1.1 / r)):
        cx = rng.uniform(x + r, x + w - r)
        cy = rng.uniform(y - r * 1.2, y + r * 0.3)
        c = rng.choice(palette)
        if kind == "carrot":
            d.polygon([(cx - 8, cy - 10), (cx + 8, cy - 10), (cx + 1, cy + 40)], fill=c)
            d.line([(cx, cy - 10), (cx, cy - 26)], fill=(70, 140, 50), width=4)
        else:
            d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=c)
            d.ellipse([cx - r * 0.5, cy - r * 0.6, cx - r * 0.1, cy - r * 0.25],
                      fill=mix(c, (255, 255, 255), 0.4))


# ---------------------------------------------------------------- the scenes

def scene_otokojuku(rng):
    img = Image.new("RGB", (W, H))
    hall(img, rng, floor_c=(190, 148, 100))
    img = img.filter(ImageFilter.GaussianBlur(1.6))
    d = ImageDraw.Draw(img)
    person(d, 800, 600, 300, rng, pose="arms_side", old=False, clothes=(40, 110, 180))
    for row, (feet, h) in enumerate([(760, 340), (960, 420), (1180, 520)]):
        n = 5 - row
        for i in range(n):
            x = 160 + (i + 0.5) * (W - 320) / n + rng.uniform(-30, 30)
            img = shadow(img, [x - h * 0.2, feet - 10, x + h * 0.25, feet + 16])
            d = ImageDraw.Draw(img)
            person(d, x, feet, h, rng, pose="arms_up" if (i + row) % 2 else "arms_side",
                   facing=0, clothes=rng.choice(CLOTHES[:6]))
    return img


def scene_mimamori(rng):
    img = Image.new("RGB", (W, H))
    vgradient(img, (0, 0, W, 600), (130, 170, 214), (214, 226, 236))
    mountains(img, rng, 560, (120, 140, 150), peak=0.25)
    d = ImageDraw.Draw(img)
    vgradient(img, (0, 620, W, H), (130, 130, 128), (96, 96, 98))
    d.rectangle([0, 600, W, 640], fill=(110, 130, 90))
    for i, x in enumerate([-60, 330, 760, 1180]):
        house(d, x, 700, 380, 260, rng)
    img = img.filter(ImageFilter.GaussianBlur(1.4))
    d = ImageDraw.Draw(img)
    # block fence and gate
    for k in range(0, W, 60):
        d.rectangle([k, 700, k + 56, 800], fill=(186, 182, 174))
        d.line([(k, 750), (k + 56, 750)], fill=(160, 156, 150), width=2)
    d.rectangle([820, 690, 1000, 820], fill=(96, 96, 96))
    d.line([(300, 120), (300, 900)], fill=(110, 100, 92), width=22)
    d.line([(120, 200), (1600, 240)], fill=(40, 40, 40), width=3)
    d.line([(120, 230), (1600, 270)], fill=(40, 40, 40), width=3)
    img = shadow(img, [820, 1010, 1080, 1050])
    d = ImageDraw.Draw(img)
    person(d, 900, 1030, 420, rng, old=True)
    person(d, 1030, 1040, 440, rng, old=False, clothes=(230, 150, 70), facing=-1)
    d.rounded_rectangle([1090, 880, 1150, 950], radius=6, fill=(200, 60, 60))
    return img


def scene_iinkai(rng):
    img = Image.new("RGB", (W, H))
    meeting_room(img, rng)
    img = img.filter(ImageFilter.GaussianBlur(1.0))
    d = ImageDraw.Draw(img)
    person(d, 1240, 760, 300, rng, old=False, clothes=(60, 80, 120))
    for i in range(5):
        x = 200 + i * 170
        person(d, x, 760, 250, rng, pose="sit", facing=1)
    table(d, 120, 1020, 700, 60, 80, color=(210, 196, 170))
    for i in range(5):
        x = 200 + i * 170
        d.rectangle([x + 10, 712, x + 80, 740], fill=(250, 250, 248))
        cup(d, x + 100, 740, 1.0)
    for i in range(4):
        x = 230 + i * 330
        img = shadow(img, [x - 80, 1150, x + 110, 1190])
        d = ImageDraw.Draw(img)
        person(d, x, 1180, 420, rng, pose="back")
    return img


def scene_salon(rng):
    img = Image.new("RGB", (W, H))
    hall(img, rng, wall=(236, 226, 206), floor_c=(200, 160, 110), curtain=(200, 150, 120))
    d = ImageDraw.Draw(img)
    # a banner of paper flowers on the wall
    for k in range(14):
        x = 120 + k * 100
        d.ellipse([x, 60, x + 60, 110], fill=rng.choice([(240, 150, 160), (250, 220, 120),
                                                         (170, 210, 240)]))
    img = img.filter(ImageFilter.GaussianBlur(1.3))
    d = ImageDraw.Draw(img)
    cx, cy, rx, ry = 800, 860, 520, 200
    seats = []
    for k in range(10):
        a = 2 * math.pi * k / 10 + 0.3
        seats.append((cx + rx * math.cos(a), cy + ry * math.sin(a)))
    seats.sort(key=lambda p: p[1])
    table(d, 620, 980, 800, 70, 70, cloth=(236, 220, 200))
    for k in range(6):
        cup(d, 650 + k * 60, 850, 1.0)
    d.ellipse([780, 790, 840, 840], fill=(200, 120, 60))
    for x, y in seats:
        s = 0.8 + (y - 660) / 400 * 0.9
        img = shadow(img, [x - 40 * s, y - 8, x + 60 * s, y + 14])
        d = ImageDraw.Draw(img)
        folding_chair(d, x, y, s)
        person(d, x, y, 250 * s, rng, pose="sit", facing=1 if x < cx else -1)
    return img


def scene_kaimono(rng):
    img = Image.new("RGB", (W, H))
    vgradient(img, (0, 0, W, 560), (120, 166, 220), (210, 226, 240))
    d = ImageDraw.Draw(img)
    # supermarket building
    d.rectangle([100, 200, 1500, 620], fill=(232, 230, 224))
    d.rectangle([100, 200, 1500, 270], fill=(60, 130, 80))
    for k in range(8):
        x = 200 + k * 160
        d.rectangle([x, 330, x + 130, 600], fill=(150, 180, 196))
        vgradient(img, (x + 6, 336, x + 124, 594), (200, 220, 232), (150, 176, 190))
    d = ImageDraw.Draw(img)
    vgradient(img, (0, 620, W, H), (110, 110, 112), (80, 80, 84))
    for k in range(-6, 12):
        d.line([(200 + k * 200, 640), (k * 300 - 100, H)], fill=(230, 230, 230), width=6)
    img = img.filter(ImageFilter.GaussianBlur(1.8))
    d = ImageDraw.Draw(img)
    img = shadow(img, [180, 1000, 900, 1070], 0.45, 14)
    d = ImageDraw.Draw(img)
    van(d, 200, 1030, 1.1, body=(226, 230, 236), stripe=(200, 120, 40))
    for x, clothes in [(1000, None), (1170, (150, 60, 60)), (1330, None)]:
        img = shadow(img, [x - 60, 1100, x + 100, 1136])
        d = ImageDraw.Draw(img)
        person(d, x, 1120, 440, rng, clothes=clothes)
        d.rounded_rectangle([x + 50, 950, x + 110, 1040], radius=8, fill=(246, 246, 240))
        d.arc([x + 58, 920, x + 102, 970], 180, 360, fill=(220, 220, 214), width=4)
        for _ in range(3):
            c = rng.choice([(90, 160, 70), (220, 70, 50), (240, 210, 90)])
            yy = rng.randint(940, 960)
            xx = rng.randint(x + 58, x + 95)
            d.ellipse([xx - 10, yy - 10, xx + 10, yy + 10], fill=c)
    return img


def scene_yuki(rng):
    img = Image.new("RGB", (W, H))
    snowy_sky(img)
    mountains(img, rng, 520, (200, 208, 218), peak=0.4)
    d = ImageDraw.Draw(img)
    vgradient(img, (0, 560, W, H), (236, 238, 244), (250, 251, 253))
    for x in [-80, 280, 650, 1020, 1380]:
        house(d, x, 720, 320, 230, rng, snow=70)
    img = img.filter(ImageFilter.GaussianBlur(1.5))
    d = ImageDraw.Draw(img)
    # snow banks beside a cleared lane
    d.polygon([(0, 760), (560, 760), (700, H), (0, H)], fill=(244, 246, 250))
    d.polygon([(1000, 760), (W, 760), (W, H), (900, H)], fill=(240, 243, 248))
    d.polygon([(560, 760), (1000, 760), (900, H), (700, H)], fill=(176, 180, 190))
    for k in range(40):
        y = 780 + k * 11
        d.line([(560 + (700 - 560) * (y - 760) / 440, y),
                (1000 - (1000 - 900) * (y - 760) / 440, y)],
               fill=(196 + rng.randint(-10, 10),) * 3, width=2)
    for x, feet, h in [(480, 1000, 380), (1120, 1060, 420), (820, 880, 280)]:
        img = shadow(img, [x - 60, feet - 8, x + 90, feet + 18], 0.3)
        d = ImageDraw.Draw(img)
        person(d, x, feet, h, rng, clothes=rng.choice([(200, 50, 50), (40, 70, 130),
                                                          (60, 110, 80)]))
        d.line([(x + h * 0.16, feet - h * 0.62), (x + h * 0.4, feet - h * 0.02)],
               fill=(120, 90, 60), width=int(h * 0.025))
        d.polygon([(x + h * 0.32, feet - h * 0.05), (x + h * 0.5, feet - h * 0.08),
                   (x + h * 0.52, feet + h * 0.04), (x + h * 0.34, feet + h * 0.05)],
                  fill=(230, 160, 40))
    falling_snow(img, rng, 1100)
    return img


def scene_hyakusai(rng):
    img = Image.new("RGB", (W, H))
    hall(img, rng, wall=(230, 224, 212), floor_c=(186, 150, 110))
    d = ImageDraw.Draw(img)
    d.rectangle([680, 300, 920, 440], fill=(30, 30, 34))
    vgradient(img, (692, 312, 908, 428), (120, 170, 210), (80, 130, 90))
    d = ImageDraw.Draw(img)
    d.rectangle([760, 440, 840, 540], fill=(60, 60, 64))
    img = img.filter(ImageFilter.GaussianBlur(1.4))
    d = ImageDraw.Draw(img)
    for row, (feet, s) in enumerate([(720, 0.85), (900, 1.2), (1130, 1.6)]):
        n = 6 - row
        for i in range(n):
            x = 180 + (i + 0.5) * (W - 360) / n
            img = shadow(img, [x - 36 * s, feet - 6, x + 56 * s, feet + 14])
            d = ImageDraw.Draw(img)
            folding_chair(d, x, feet, s)
            person(d, x, feet, 250 * s, rng, pose="back" if row == 2 else "sit",
                   facing=0)
            if row < 2 and (i + row) % 2 == 0:
                hy = feet - 250 * s * 0.7
                d.line([(x - 40 * s, hy), (x - 60 * s, hy - 90 * s)], fill=(240, 210, 180),
                       width=int(10 * s))
    return img


def scene_chanoma(rng):
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    vgradient(img, (0, 0, W, 520), (224, 210, 180), (236, 224, 196))
    # shoji: paper panels with a wooden grid, lit from behind
    d.rectangle([140, 60, 1460, 500], fill=(120, 90, 60))
    vgradient(img, (150, 70, 1450, 490), (252, 248, 236), (240, 232, 210))
    d = ImageDraw.Draw(img)
    for k in range(0, 1300, 65):
        d.line([(150 + k, 70), (150 + k, 490)], fill=(150, 116, 80), width=4)
    for k in range(0, 420, 60):
        d.line([(150, 70 + k), (1450, 70 + k)], fill=(150, 116, 80), width=4)
    for k in range(4):
        d.line([(150 + k * 325, 60), (150 + k * 325, 500)], fill=(110, 80, 52), width=12)
    # tatami floor
    vgradient(img, (0, 520, W, H), (196, 190, 130), (214, 206, 150))
    d = ImageDraw.Draw(img)
    for k in range(0, 700, 4):
        d.line([(0, 520 + k), (W, 520 + k)], fill=(190 + rng.randint(-8, 8),
                                                    184 + rng.randint(-8, 8), 126), width=1)
    for y in (640, 860):
        d.line([(0, y), (W, y)], fill=(60, 70, 60), width=10)
    d.line([(800, 520), (800, 640)], fill=(60, 70, 60), width=10)
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    img = light_pool(img, 800, 700, 500, (255, 246, 220), 0.25)
    d = ImageDraw.Draw(img)
    # low table with tea things
    for x, y in [(460, 740), (1140, 740)]:
        person(d, x, y, 330, rng, pose="sit", facing=1 if x < 800 else -1)
    person(d, 800, 700, 300, rng, pose="sit")
    img = shadow(img, [420, 900, 1200, 980], 0.4, 18)
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([440, 780, 1160, 900], radius=20, fill=(110, 60, 36))
    d.rectangle([440, 860, 1160, 900], fill=(80, 42, 26))
    for k in range(5):
        cup(d, 520 + k * 130, 830, 1.5, color=(236, 230, 214))
    d.ellipse([740, 790, 860, 850], fill=(70, 80, 70))
    d.arc([760, 760, 840, 820], 180, 360, fill=(60, 60, 56), width=6)
    d.ellipse([600, 840, 720, 870], fill=(240, 240, 236))
    for k in range(6):
        d.ellipse([612 + k * 16, 836, 632 + k * 16, 854], fill=(230, 190, 110))
    # zabuton in the foreground
    for x in (300, 1300):
        d.rounded_rectangle([x - 170, 1020, x + 170, 1180], radius=26, fill=(150, 50, 60))
    return img


def scene_idohanbai(rng):
    img = Image.new("RGB", (W, H))
    vgradient(img, (0, 0, W, 560), (150, 190, 230), (220, 232, 240))
    mountains(img, rng, 520, (110, 140, 120), peak=0.35)
    d = ImageDraw.Draw(img)
    vgradient(img, (0, 560, W, H), (150, 150, 146), (110, 110, 110))
    house(d, 1100, 640, 420, 280, rng)
    d.rectangle([0, 560, W, 600], fill=(100, 140, 80))
    img = img.filter(ImageFilter.GaussianBlur(1.8))
    d = ImageDraw.Draw(img)
    img = shadow(img, [100, 820, 900, 880], 0.45, 14)
    d = ImageDraw.Draw(img)
    van(d, 120, 850, 1.25, body=(240, 240, 236), stripe=(40, 120, 200), open_side=True, rng=rng)
    for x, clothes in [(1000, None), (1150, (120, 90, 140)), (1310, None)]:
        img = shadow(img, [x - 60, 962, x + 100, 990])
        d = ImageDraw.Draw(img)
        person(d, x, 975, 400, rng, clothes=clothes, facing=-1)
    kinds = ["daikon", "tomato", "cabbage", "carrot", "apple", "potato"]
    for k, kind in enumerate(kinds):
        x = 60 + k * 255
        crate(d, x, 1070, 220, 110, rng, kind)
    return img


def scene_gomidashi(rng):
    img = Image.new("RGB", (W, H))
    vgradient(img, (0, 0, W, 560), (176, 196, 220), (226, 232, 236))
    d = ImageDraw.Draw(img)
    for x in [-40, 420, 900, 1320]:
        house(d, x, 640, 360, 240, rng, snow=30)
    vgradient(img, (0, 640, W, H), (150, 150, 150), (120, 120, 124))
    img = img.filter(ImageFilter.GaussianBlur(1.6))
    d = ImageDraw.Draw(img)
    # collection box with a green net
    d.rectangle([200, 700, 900, 1000], fill=(70, 120, 80))
    for k in range(0, 700, 20):
        d.line([(200 + k, 700), (200 + k, 1000)], fill=(40, 90, 60), width=2)
    for k in range(0, 300, 20):
        d.line([(200, 700 + k), (900, 700 + k)], fill=(40, 90, 60), width=2)
    for _ in range(12):
        x = rng.uniform(240, 860)
        y = rng.uniform(880, 980)
        r = rng.uniform(40, 70)
        d.ellipse([x - r, y - r, x + r, y + r * 0.9], fill=(236 + rng.randint(-10, 10),) * 3)
        d.line([(x - r * 0.3, y - r * 0.2), (x + r * 0.2, y + r * 0.3)], fill=(200, 200, 200),
               width=2)
        d.polygon([(x - 10, y - r), (x + 10, y - r), (x, y - r - 20)], fill=(230, 230, 230))
    d.rectangle([200, 690, 900, 712], fill=(60, 60, 60))
    for x, old in [(1100, True), (1300, False)]:
        img = shadow(img, [x - 60, 1080, x + 100, 1110])
        d = ImageDraw.Draw(img)
        person(d, x, 1095, 460, rng, old=old, facing=-1)
    d.ellipse([1200, 930, 1280, 1000], fill=(240, 240, 236))
    d.polygon([(1230, 930), (1250, 930), (1240, 905)], fill=(232, 232, 230))
    return img


def scene_shokudo(rng):
    img = Image.new("RGB", (W, H))
    hall(img, rng, wall=(240, 232, 216), floor_c=(200, 170, 126), curtain=(240, 200, 120))
    d = ImageDraw.Draw(img)
    for k in range(16):
        x = 60 + k * 95
        d.polygon([(x, 70), (x + 80, 70), (x + 40, 120)],
                  fill=rng.choice([(240, 120, 110), (120, 180, 230), (250, 210, 90),
                                   (140, 200, 120)]))
    img = img.filter(ImageFilter.GaussianBlur(1.4))
    d = ImageDraw.Draw(img)
    for x, child in [(260, True), (420, False), (600, True), (780, False), (960, True),
                     (1130, False), (1310, True)]:
        person(d, x, 820, 230 if child else 300, rng, pose="sit", old=not child, child=child)
    table(d, 150, 1450, 760, 120, 60, cloth=(250, 246, 236))
    for k in range(9):
        x = 240 + k * 135
        d.ellipse([x - 40, 800, x + 40, 840], fill=(250, 250, 250))
        d.ellipse([x - 30, 806, x + 30, 832], fill=rng.choice([(230, 180, 80), (200, 120, 70),
                                                              (120, 170, 90)]))
        d.rounded_rectangle([x + 46, 790, x + 80, 836], radius=6, fill=(150, 60, 50))
    for k in range(5):
        x = 220 + k * 300
        img = shadow(img, [x - 70, 1150, x + 110, 1190])
        d = ImageDraw.Draw(img)
        person(d, x, 1175, 330 if k % 2 else 440, rng, pose="back", old=k % 2 == 0,
               child=k % 2 == 1)
    return img


def scene_aruko(rng):
    img = Image.new("RGB", (W, H))
    vgradient(img, (0, 0, W, 560), (100, 150, 214), (200, 220, 236))
    d = ImageDraw.Draw(img)
    for _ in range(6):
        cx, cy = rng.uniform(0, W), rng.uniform(60, 300)
        for k in range(6):
            r = rng.uniform(40, 90)
            d.ellipse([cx + k * 50 - r, cy - r * 0.5, cx + k * 50 + r, cy + r * 0.5],
                      fill=(244, 246, 250))
    img = img.filter(ImageFilter.GaussianBlur(6))
    # 月山-like long ridge with snow at the top, and nearer green hills
    pts = mountains(img, rng, 470, (120, 140, 170), peak=0.35, jag=10, x_peak=W * 0.6)
    d = ImageDraw.Draw(img)
    snow_pts = [p for p in pts[1:-1] if p[1] < 360]
    if len(snow_pts) > 2:
        d.polygon(snow_pts + [(snow_pts[-1][0], 380), (snow_pts[0][0], 380)],
                  fill=(236, 240, 246))
    mountains(img, rng, 560, (70, 110, 70), peak=0.12, jag=30, x_peak=W * 0.2)
    d = ImageDraw.Draw(img)
    vgradient(img, (0, 560, W, H), (120, 170, 80), (90, 150, 60))
    d = ImageDraw.Draw(img)
    # rice rows converging
    for k in range(-60, 60):
        d.line([(W / 2 + k * 12, 560), (W / 2 + k * 90, H)], fill=(80, 140, 50), width=3)
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    d = ImageDraw.Draw(img)
    d.polygon([(760, 560), (840, 560), (1260, H), (340, H)], fill=(176, 166, 150))
    for _ in range(600):
        x = rng.uniform(340, 1260)
        y = rng.uniform(600, H)
        d.point((x, y), fill=(140, 130, 120))
    for k, (x, feet, h) in enumerate([(820, 640, 90), (800, 690, 130), (840, 760, 190),
                                      (760, 860, 270), (900, 1000, 380)]):
        person(d, x, feet, h, rng, pose="walk", clothes=rng.choice(
            [(240, 200, 60), (200, 60, 60), (60, 120, 190), (230, 140, 180), (90, 150, 90)]))
    return img


def scene_kenshukai(rng):
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    vgradient(img, (0, 0, W, 600), (200, 196, 188), (220, 214, 204))
    d.rectangle([380, 80, 1220, 520], fill=(248, 248, 250))
    vgradient(img, (400, 100, 1200, 500), (40, 90, 150), (60, 120, 170))
    d = ImageDraw.Draw(img)
    d.rectangle([440, 140, 1160, 200], fill=(250, 250, 250))
    for k in range(4):
        d.rectangle([470, 240 + k * 60, 470 + rng.randint(300, 620), 262 + k * 60],
                    fill=(230, 236, 244))
    # a circle diagram of people joining hands, the idea of 輪
    for k in range(8):
        a = 2 * math.pi * k / 8
        x, y = 1030 + 70 * math.cos(a), 360 + 70 * math.sin(a)
        d.ellipse([x - 12, y - 12, x + 12, y + 12], fill=(250, 200, 80))
    d.rectangle([0, 590, W, 620], fill=(120, 110, 100))
    vgradient(img, (0, 620, W, H), (110, 96, 86), (140, 120, 100))
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    d = ImageDraw.Draw(img)
    d.rectangle([1260, 470, 1400, 660], fill=(120, 80, 50))
    person(d, 1330, 660, 300, rng, old=False, clothes=(50, 56, 70))
    d.rectangle([1260, 500, 1400, 660], fill=(130, 86, 54))
    for row in range(5):
        feet = 760 + row * 110
        s = 0.6 + row * 0.25
        n = 9 - row
        for i in range(n):
            x = 80 + (i + 0.5) * (W - 160) / n + rng.uniform(-12, 12)
            person(d, x, feet, 300 * s, rng, pose="back", old=rng.random() < 0.7)
    return img


def scene_yosei(rng):
    img = Image.new("RGB", (W, H))
    meeting_room(img, rng, horizon=460)
    img = img.filter(ImageFilter.GaussianBlur(1.3))
    d = ImageDraw.Draw(img)
    person(d, 800, 560, 240, rng, old=False, clothes=(200, 80, 80), pose="arms_side")
    for row in range(3):
        y = 660 + row * 190
        s = 1 + row * 0.35
        for i in range(3 - (row == 2)):
            x0 = 80 + i * 520 + row * 30
            for k in range(2):
                person(d, x0 + 120 + k * 200 * s, y + 60 * s, 230 * s, rng, pose="back")
            table(d, x0, x0 + 420 * s, y, 40 * s, 40, color=(216, 204, 180))
            for k in range(2):
                d.polygon([(x0 + 80 + k * 200 * s, y + 10), (x0 + 160 + k * 200 * s, y + 6),
                           (x0 + 168 + k * 200 * s, y + 30 * s), (x0 + 86 + k * 200 * s,
                                                                   y + 32 * s)],
                          fill=(250, 250, 246))
    return img


def scene_kyogitai(rng):
    img = Image.new("RGB", (W, H))
    meeting_room(img, rng, horizon=480)
    img = img.filter(ImageFilter.GaussianBlur(1.4))
    d = ImageDraw.Draw(img)
    for i in range(6):
        x = 240 + i * 225
        person(d, x, 700, 250, rng, pose="sit", old=rng.random() < 0.6)
    table(d, 120, 1480, 640, 70, 40, color=(190, 176, 150), cloth=(90, 110, 140))
    for i in range(6):
        x = 240 + i * 225
        d.polygon([(x - 50, 700), (x + 50, 700), (x + 44, 660), (x - 44, 660)],
                  fill=(250, 250, 250))
        d.rectangle([x - 30, 674, x + 30, 686], fill=(60, 60, 70))
        cup(d, x + 80, 700, 1.0)
    for i, x in enumerate([300, 800, 1300]):
        table(d, x - 200, x + 200, 900, 60, 200, color=(200, 186, 160))
        img = shadow(img, [x - 150, 1160, x + 200, 1195])
        d = ImageDraw.Draw(img)
        person(d, x, 1190, 440, rng, pose="back", old=i != 1)
    return img


def scene_ryori(rng):
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    vgradient(img, (0, 0, W, 560), (230, 232, 228), (214, 218, 216))
    # wall tiles
    for x in range(0, W, 40):
        d.line([(x, 160), (x, 560)], fill=(196, 200, 200), width=1)
    for y in range(160, 560, 40):
        d.line([(0, y), (W, y)], fill=(196, 200, 200), width=1)
    d.rectangle([0, 0, W, 150], fill=(200, 190, 170))
    for k in range(5):
        d.rectangle([60 + k * 310, 20, 300 + k * 310, 130], fill=(170, 150, 120))
    vgradient(img, (0, 560, W, H), (170, 170, 172), (140, 140, 146))
    img = img.filter(ImageFilter.GaussianBlur(1.4))
    d = ImageDraw.Draw(img)
    for i, x in enumerate([280, 620, 980, 1320]):
        person(d, x, 760, 430, rng, apron=rng.choice([(60, 80, 140), (40, 110, 80),
                                                       (140, 60, 60)]))
    # counter with pots, a chopping board and vegetables
    d.rectangle([60, 640, 1540, 700], fill=(190, 192, 196))
    d.rectangle([60, 700, 1540, 1000], fill=(130, 130, 136))
    for k in range(6):
        d.line([(60 + k * 296, 700), (60 + k * 296, 1000)], fill=(110, 110, 116), width=3)
    for x in (300, 1000):
        d.ellipse([x - 110, 560, x + 110, 620], fill=(70, 70, 76))
        d.rectangle([x - 110, 590, x + 110, 650], fill=(80, 80, 88))
        d.ellipse([x - 110, 630, x + 110, 670], fill=(70, 70, 76))
        for k in range(6):
            r = rng.uniform(10, 22)
            sx = x + rng.uniform(-70, 70)
            d.ellipse([sx - r, 520 - k * 14 - r, sx + r, 520 - k * 14 + r], fill=(236, 236, 236))
    d.rectangle([560, 610, 840, 650], fill=(214, 190, 150))
    for k in range(8):
        d.ellipse([580 + k * 30, 614, 604 + k * 30, 640], fill=(240, 140, 50))
    crate(d, 1180, 640, 240, 0, rng, "cabbage")
    return img


def scene_sogei(rng):
    img = Image.new("RGB", (W, H))
    vgradient(img, (0, 0, W, 560), (140, 180, 224), (220, 230, 238))
    mountains(img, rng, 520, (96, 120, 110), peak=0.3)
    d = ImageDraw.Draw(img)
    vgradient(img, (0, 600, W, H), (130, 126, 120), (100, 98, 96))
    house(d, 700, 700, 700, 400, rng, wall=(206, 196, 176), roof=(80, 80, 90))
    d.rectangle([0, 580, W, 620], fill=(110, 150, 80))
    img = img.filter(ImageFilter.GaussianBlur(1.6))
    d = ImageDraw.Draw(img)
    img = shadow(img, [80, 990, 760, 1050], 0.5, 14)
    d = ImageDraw.Draw(img)
    van(d, 60, 1010, 1.05, body=(250, 250, 246), stripe=(230, 160, 50))
    img = shadow(img, [860, 1020, 1160, 1060])
    d = ImageDraw.Draw(img)
    person(d, 920, 1040, 420, rng, old=True, clothes=(160, 110, 140))
    person(d, 1060, 1040, 450, rng, old=False, clothes=(60, 120, 180), facing=-1)
    d.line([(880, 880), (860, 1040)], fill=(90, 70, 50), width=8)
    return img


# ---------------------------------------------------------------- covers and illustrations

def ring_of_people(d, cx, cy, r, n, rng, size, colors):
    """Figures standing in a ring, hands joined: the 輪 of the magazine's title."""
    pos = []
    for k in range(n):
        a = 2 * math.pi * k / n - math.pi / 2
        pos.append((cx + r * math.cos(a), cy + r * 0.45 * math.sin(a), a))
    for k in range(n):
        x0, y0, _ = pos[k]
        x1, y1, _ = pos[(k + 1) % n]
        d.line([(x0, y0 - size * 0.55), (x1, y1 - size * 0.55)], fill=(250, 220, 180),
               width=max(3, int(size * 0.05)))
    for x, y, a in sorted(pos, key=lambda p: p[1]):
        c = colors[int((a + math.pi) * 10) % len(colors)]
        s = size * (0.85 + 0.25 * (y - cy + r * 0.45) / (r * 0.9))
        d.rounded_rectangle([x - s * 0.16, y - s * 0.75, x + s * 0.16, y], radius=int(s * 0.12),
                            fill=c)
        d.ellipse([x - s * 0.13, y - s * 1.02, x + s * 0.13, y - s * 0.76], fill=(244, 214, 186))


def cover(rng, season):
    img = Image.new("RGB", (W, H))
    if season == "spring":
        vgradient(img, (0, 0, W, H), (150, 200, 236), (250, 236, 226))
        hill, field = (110, 160, 110), (180, 210, 120)
    else:
        vgradient(img, (0, 0, W, H), (240, 190, 120), (250, 236, 200))
        hill, field = (150, 120, 80), (220, 180, 80)
    d = ImageDraw.Draw(img)
    d.ellipse([1180, 90, 1400, 310], fill=(255, 246, 210) if season == "spring"
              else (255, 220, 150))
    img = img.filter(ImageFilter.GaussianBlur(10))
    pts = mountains(img, rng, 560, (120, 136, 170), peak=0.4, jag=12, x_peak=W * 0.38)
    d = ImageDraw.Draw(img)
    snow_pts = [p for p in pts[1:-1] if p[1] < 420]
    if len(snow_pts) > 2:
        d.polygon(snow_pts + [(snow_pts[-1][0], 436), (snow_pts[0][0], 436)],
                  fill=(244, 246, 250))
    mountains(img, rng, 660, hill, peak=0.15, jag=20, x_peak=W * 0.8)
    d = ImageDraw.Draw(img)
    vgradient(img, (0, 700, W, H), field, shade(field, 0.8))
    d = ImageDraw.Draw(img)
    for k in range(30):
        y = 700 + k * k * 0.6
        d.line([(0, y), (W, y)], fill=shade(field, 0.9), width=2)
    if season == "spring":
        for _ in range(260):
            x, y = rng.uniform(0, W), rng.uniform(0, H)
            r = rng.uniform(4, 11)
            d.ellipse([x - r, y - r * 0.7, x + r, y + r * 0.7],
                      fill=rng.choice([(250, 206, 220), (246, 186, 204), (255, 226, 234)]))
    else:
        for _ in range(120):
            x, y = rng.uniform(0, W), rng.uniform(700, H)
            d.line([(x, y), (x + rng.uniform(-8, 8), y - rng.uniform(30, 60))],
                   fill=(200, 150, 50), width=3)
    ring_of_people(d, 800, 960, 380, 14, rng, 170,
                   [(230, 90, 80), (80, 140, 200), (250, 190, 60), (100, 170, 100),
                    (200, 120, 170), (90, 90, 140)])
    return img


# A cover fills an A4 page and its 3 mm bleed (216 x 303 mm) at 300 dpi: the landscape scene,
# enlarged, stands under a tall sky that leaves room for the title.
COVER_W, COVER_H = 2600, 3650


def cover_portrait(scene):
    scene = scene.crop((0, scene.height // 8, scene.width, scene.height))  # no dark top edge
    w = COVER_W
    h = scene.height * w // scene.width
    big = scene.resize((w, h), Image.LANCZOS)
    img = Image.new("RGB", (COVER_W, COVER_H))
    joint = big.getpixel((w // 2, h // 12))
    vgradient(img, (0, 0, COVER_W, COVER_H - h + h // 6), shade(joint, 0.8), joint)
    # The scene's own sky fades in, so that no seam shows.
    fade = Image.new("L", (w, h), 255)
    vgradient_l = ImageDraw.Draw(fade)
    for i in range(h // 6):
        vgradient_l.line([(0, i), (w, i)], fill=int(255 * i / (h // 6)))
    img.paste(big, (0, COVER_H - h), fade)
    return img


def illustration_ring(rng):
    size = 900
    img = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    cx = cy = size
    d.ellipse([cx - 760, cy - 760, cx + 760, cy + 760], outline=(240, 170, 60, 255), width=60)
    colors = [(230, 90, 80, 255), (80, 140, 200, 255), (250, 190, 60, 255),
              (100, 170, 100, 255), (200, 120, 170, 255), (90, 90, 140, 255)]
    n = 10
    for k in range(n):
        a = 2 * math.pi * k / n
        x, y = cx + 520 * math.cos(a), cy + 520 * math.sin(a)
        nx, ny = cx + 520 * math.cos(a + 2 * math.pi / n), cy + 520 * math.sin(a + 2 * math.pi / n)
        d.line([(x, y), (nx, ny)], fill=(244, 210, 176, 255), width=34)
    for k in range(n):
        a = 2 * math.pi * k / n
        x, y = cx + 520 * math.cos(a), cy + 520 * math.sin(a)
        hx, hy = cx + 700 * math.cos(a), cy + 700 * math.sin(a)
        c = colors[k % len(colors)]
        d.line([(x, y), (hx, hy)], fill=c, width=120)
        d.ellipse([hx - 70, hy - 70, hx + 70, hy + 70], fill=(244, 214, 186, 255))
    d.ellipse([cx - 200, cy - 200, cx + 200, cy + 200], fill=(250, 230, 160, 255))
    d.ellipse([cx - 120, cy - 120, cx + 120, cy + 120], fill=(240, 170, 60, 255))
    # Kept at the drawing size: the print edition places it 100 mm wide at 300 dpi.
    return img


def illustration_snowman(rng):
    size = 800
    img = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse([300, 1420, 1300, 1560], fill=(150, 170, 200, 110))
    d.ellipse([360, 760, 1140, 1520], fill=(250, 252, 255, 255), outline=(170, 190, 214, 255),
              width=14)
    d.ellipse([500, 320, 1000, 820], fill=(250, 252, 255, 255), outline=(170, 190, 214, 255),
              width=14)
    d.rounded_rectangle([520, 700, 980, 790], radius=40, fill=(210, 60, 60, 255))
    d.rectangle([880, 760, 960, 980], fill=(210, 60, 60, 255))
    d.polygon([(560, 350), (940, 350), (900, 150), (600, 150)], fill=(60, 110, 190, 255))
    d.ellipse([640, 500, 690, 550], fill=(40, 40, 46, 255))
    d.ellipse([810, 500, 860, 550], fill=(40, 40, 46, 255))
    d.polygon([(740, 580), (760, 580), (860, 620), (750, 630)], fill=(240, 140, 40, 255))
    for k in range(3):
        d.ellipse([725, 920 + k * 130, 775, 970 + k * 130], fill=(60, 60, 70, 255))
    # a snow shovel held at the side
    d.line([(1120, 640), (1330, 1380)], fill=(140, 100, 60, 255), width=30)
    d.polygon([(1240, 1320), (1440, 1270), (1480, 1480), (1290, 1520)], fill=(240, 170, 40, 255))
    d.line([(1140, 960), (1200, 900)], fill=(120, 80, 50, 255), width=24)
    rng_ = random.Random(7)
    for _ in range(80):
        x, y = rng_.uniform(0, 1600), rng_.uniform(0, 1300)
        r = rng_.uniform(6, 16)
        d.ellipse([x - r, y - r, x + r, y + r], fill=(200, 220, 246, 200))
    return img


# ---------------------------------------------------------------- output

PHOTOS = [
    ("otokojuku.jpg", scene_otokojuku),
    ("mimamori.jpg", scene_mimamori),
    ("iinkai.jpg", scene_iinkai),
    ("salon.jpg", scene_salon),
    ("kaimono.jpg", scene_kaimono),
    ("yukioroshi.jpg", scene_yuki),
    ("hyakusai.jpg", scene_hyakusai),
    ("chanoma.jpg", scene_chanoma),
    ("idohanbai.jpg", scene_idohanbai),
    ("gomidashi.jpg", scene_gomidashi),
    ("shokudo.jpg", scene_shokudo),
    ("aruko.jpg", scene_aruko),
    ("kenshukai.jpg", scene_kenshukai),
    ("yosei.jpg", scene_yosei),
    ("kyogitai.jpg", scene_kyogitai),
    ("ryori.jpg", scene_ryori),
    ("sogei.jpg", scene_sogei),
]

# Second shots for the body of an entry: the same kind of scene with other people in it.
VARIANTS = [
    ("otokojuku-2.jpg", scene_otokojuku),
    ("salon-2.jpg", scene_salon),
    ("kayoinoba.jpg", scene_hyakusai),
    ("remote-kaijo.jpg", scene_yosei),
    ("yukioroshi-2.jpg", scene_yuki),
    ("aruko-2.jpg", scene_aruko),
]

# Smaller second shots (1200x900), as a body figure needs less than a cover.
SMALL_VARIANTS = [
    ("mimamori-2.jpg", scene_mimamori),
    ("iinkai-2.jpg", scene_iinkai),
    ("kaimono-2.jpg", scene_kaimono),
    ("idohanbai-2.jpg", scene_idohanbai),
    ("shokudo-2.jpg", scene_shokudo),
]

# Stored turned a quarter to the left with EXIF orientation 6 ("rotate 90° clockwise to
# display"), as phones do when held upright.
ROTATED = {"ryori.jpg"}


def save_jpeg(img, path, rotated):
    if rotated:
        img = img.transpose(Image.Transpose.ROTATE_90)
        exif = Image.Exif()
        exif[0x0112] = 6
        img.save(path, "JPEG", quality=QUALITY, optimize=True, exif=exif.tobytes())
    else:
        img.save(path, "JPEG", quality=QUALITY, optimize=True)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "assets"
    photos = os.path.join(out, "photos")
    illus = os.path.join(out, "illustrations")
    os.makedirs(photos, exist_ok=True)
    os.makedirs(illus, exist_ok=True)
    for i, (name, fn) in enumerate(PHOTOS):
        rng = random.Random(1000 + i)
        img = finish(fn(rng), rng)
        save_jpeg(img, os.path.join(photos, name), name in ROTATED)
    for i, (name, fn) in enumerate(VARIANTS):
        rng = random.Random(2000 + i)
        img = finish(fn(rng), rng)
        save_jpeg(img, os.path.join(photos, name), False)
    for i, (name, fn) in enumerate(SMALL_VARIANTS):
        rng = random.Random(3000 + i)
        img = finish(fn(rng), rng).resize((1200, 900), Image.LANCZOS)
        save_jpeg(img, os.path.join(photos, name), False)
    for number, season in ((5, "spring"), (6, "autumn")):
        rng = random.Random(500 + number)
        img = cover_portrait(finish(cover(rng, season), rng, grain=0.04, vig=0.2, blur=0.9))
        save_jpeg(img, os.path.join(photos, "cover-%d.jpg" % number), False)
    illustration_ring(random.Random(1)).save(os.path.join(illus, "wa-ring.png"), optimize=True)
    illustration_snowman(random.Random(2)).save(os.path.join(illus, "yukidaruma.png"),
                                                optimize=True)


if __name__ == "__main__":
    main()
