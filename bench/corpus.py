#!/usr/bin/python3
"""Writes a reproducible synthetic site for benchmarks: N activities, N/10 events and N/200 issues
in Japanese, with the example magazine's settings, districts, categories and front matter, and
bodies of 3-8 paragraphs with headings, lists and tables.

    corpus.py N OUT_DIR [--photos COUNT PAINTER]

With --photos, PAINTER (build/bench/images) paints COUNT photos into OUT_DIR/assets/photos/;
activities, events and issues then show them (as image:, cover: and in bodies). The same
arguments always give the same files (fixed seeds); the example's site.yaml and themes are
copied so that the corpus builds with the default theme (site.yaml without its other
languages)."""
import os
import random
import shutil
import subprocess
import sys

WORDS = ("地域 支え合い 見守り サロン 買い物 除雪 男性 集い 健康 体操 お茶 交流 送迎 相談 "
         "ボランティア 協議体 研修会 通いの場 高齢者 子ども 食堂 散歩 声かけ 生活支援 "
         "コーディネーター 町内会 自治会 公民館 集会所 手づくり 季節 野菜 雪囲い").split()
DISTRICTS = ["daiichi", "daini", "kyoden", "fujishima", "haguro", "kushibiki", "asahi", "atsumi"]
CATEGORIES = ["salon", "visiting", "shopping", "snow", "mens", "health", "transport", "chores"]
EVENT_CATEGORIES = ["training", "council"]
KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわ"
NAMES = ["佐藤 光男", "加藤 博之", "渡部 勝利", "森 孝之", "齋藤 和子", "菅原 恵子", "本間 修"]


def sentence(rng):
    words = rng.sample(WORDS, rng.randint(4, 8))
    return "、".join(words[:2]) + "の" + "と".join(words[2:4]) + "を" + "".join(words[4:]) + "しています。"


def paragraph(rng):
    return "".join(sentence(rng) for _ in range(rng.randint(2, 5)))


def body(rng, photo=None):
    parts = []
    for i in range(rng.randint(3, 8)):
        if i % 3 == 1:
            parts.append("## " + rng.choice(WORDS) + "について")
        parts.append(paragraph(rng))
        if i == 1 and photo:
            parts.append(f"![{rng.choice(WORDS)}の様子]({photo})")
        if i == 2:
            parts.append("\n".join("- " + sentence(rng) for _ in range(rng.randint(2, 4))))
        if i == 4:
            parts.append("| 項目 | 内容 |\n|---|---|\n" +
                         "\n".join(f"| {rng.choice(WORDS)} | {sentence(rng)} |" for _ in range(3)))
    return "\n\n".join(parts) + "\n"


def reading(rng):
    return "".join(rng.choice(KANA) for _ in range(rng.randint(4, 9)))


def contact(rng, email=False):
    text = (f"contact:\n  name: {rng.choice(NAMES)}\n"
            f"  phone: 0235-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}\n")
    return text + ("  email: sasaeai@example.jp\n" if email else "")


def activity(rng, i, photos, issues):
    photo = photos[i % len(photos)] if photos and i < 2 * len(photos) else None
    cats = rng.sample(CATEGORIES, rng.randint(1, 3))
    text = ("---\n"
            f"title: {rng.choice(WORDS)}の{rng.choice(WORDS)}会 その{i}\n"
            f"reading: {reading(rng)}\n"
            f"district: {rng.choice(DISTRICTS)}\n"
            f"categories: [{', '.join(cats)}]\n"
            f"summary: {sentence(rng)}\n"
            f"schedule: 毎週{rng.choice('月火水木金')}曜 10:00〜12:00\n"
            f"place: {rng.choice(WORDS)}集会所\n"
            f"organizer: {rng.choice(WORDS)}の会（例）\n"
            + contact(rng) +
            f"fee: 1回 {rng.choice([0, 100, 200, 300])}円\n"
            f"audience: {rng.choice(WORDS)}に関心のある方\n")
    if photo:
        text += f"image: {photo}\nimage_alt: {rng.choice(WORDS)}の様子\n"
    if issues and i % 10 == 0:
        text += f"issue: {rng.randint(1, issues)}\n"
    text += f"date: 2021-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n"
    if i % 7 == 0:
        text += f"updated: 2022-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n"
    in_body = photos[(i * 7 + 3) % len(photos)] if photo and i % 2 == 0 else None
    return text + "---\n" + body(rng, in_body)


def event(rng, i, photos):
    year = 2022 + i % 6
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    text = ("---\n"
            f"title: {rng.choice(WORDS)}研修会 第{i}回\n"
            f"reading: {reading(rng)}けんしゅうかい\n"
            f"categories: [{rng.choice(EVENT_CATEGORIES)}]\n"
            f"summary: {sentence(rng)}\n"
            f"start: {year}-{month:02d}-{day:02d} 13:30\n"
            f"end: {year}-{month:02d}-{day:02d} 16:00\n"
            "venues:\n"
            f"  - id: main\n    name: {rng.choice(WORDS)}公民館 大会議室\n"
            f"    address: 山形県鶴岡市泉町{rng.randint(1, 30)}-{rng.randint(1, 30)}\n"
            "    role: main\n")
    if i % 3 == 0:
        text += ("  - id: online\n    name: オンライン参加（申し込みの方に接続先をお知らせします）\n"
                 "    role: remote\n")
    text += ("program:\n"
             f"  - title: 講演「{rng.choice(WORDS)}と{rng.choice(WORDS)}」\n"
             f"    speaker: {rng.choice(NAMES)}\n    affiliation: {rng.choice(WORDS)}研究会（例）\n"
             f"  - title: 意見交換「{rng.choice(WORDS)}を次の世代へ」\n"
             f"organizer: 鶴岡市 長寿介護課（例）\n" + contact(rng, email=True) +
             f"audience: どなたでも\ncapacity: {rng.randint(20, 200)}\nfee: 無料\n"
             f"apply:\n  deadline: {year}-{month:02d}-{max(1, day - 7):02d}\n"
             "  how: 電話かメールでお申し込みください\n")
    if photos and i % 2 == 0:
        text += f"image: {photos[(i * 3) % len(photos)]}\n"
    return text + "---\n" + body(rng)


def issue(rng, number, slugs, photos):
    text = ("---\n"
            f"number: {number}\n"
            f"title: 第{number}号 特集「{rng.choice(WORDS)}と{rng.choice(WORDS)}」\n"
            f"date: 2022-{(number - 1) % 12 + 1:02d}-25\n")
    if photos:
        text += f"cover: {photos[number % len(photos)]}\n"
    text += (f"copies: {rng.randint(10, 50) * 100}\neditor: 編集チーム（例）\n"
             f"summary: {sentence(rng)}\ncontents:\n" +
             "".join(f"  - {s}\n" for s in slugs) + "---\n" + body(rng))
    return text


def write_settings(src, dst):
    """The example's site.yaml in the site's language alone: its languages: list, untranslated:
    and the districts' and categories' names: in other languages left out, so that the corpus
    makes the same kinds of page as the Hugo sites it is compared with."""
    out, skip, names = [], False, None
    with open(src, encoding="utf-8") as f:
        for line in f:
            indent = len(line) - len(line.lstrip(" "))
            if line[:1] not in (" ", "\n", "#"):
                skip = line.startswith(("languages:", "untranslated:"))
            if names is not None and line.strip() and indent <= names:
                names = None
            if line.strip() == "names:":
                names = indent
                continue
            if not skip and names is None:
                out.append(line)
    with open(dst, "w", encoding="utf-8") as f:
        f.writelines(out)


def main():
    args = sys.argv[1:]
    n_photos, painter = 0, None
    if "--photos" in args:
        at = args.index("--photos")
        n_photos, painter = int(args[at + 1]), args[at + 2]
        del args[at:at + 3]
    n, out = int(args[0]), args[1]
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, ".."))
    rng = random.Random(20211219)
    shutil.rmtree(out, ignore_errors=True)
    for folder in ("activities", "events", "issues", "pages"):
        os.makedirs(os.path.join(out, "content", folder))
    write_settings(os.path.join(root, "content", "site.yaml"),
                   os.path.join(out, "content", "site.yaml"))
    shutil.copytree(os.path.join(root, "themes"), os.path.join(out, "themes"))
    photos = []
    if n_photos:
        # Painted once beside the painter, then copied: painting takes a while.
        names = [f"photo{k:03d}.jpg" for k in range(n_photos)]
        painted = os.path.join(os.path.dirname(os.path.abspath(painter)), "photos-1600x1200")
        if not all(os.path.exists(os.path.join(painted, p)) for p in names):
            subprocess.run([painter, "--paint", painted, str(n_photos)], check=True)
        folder = os.path.join(out, "assets", "photos")
        os.makedirs(folder)
        for p in names:
            shutil.copy(os.path.join(painted, p), folder)
        photos = ["photos/" + p for p in names]
    with open(os.path.join(out, "content", "pages", "contacts.md"), "w") as f:
        f.write("---\ntitle: 連絡先\nmenu: true\n---\n各地区の相談窓口です。\n")
    n_issues = n // 200
    for i in range(n):
        with open(os.path.join(out, "content", "activities", f"act-{i:05d}.md"), "w") as f:
            f.write(activity(rng, i, photos, n_issues))
    for i in range(max(1, n // 10)):
        with open(os.path.join(out, "content", "events", f"ev-{i:05d}.md"), "w") as f:
            f.write(event(rng, i, photos))
    for k in range(1, n_issues + 1):
        slugs = [f"act-{(k * 37 + j * 11) % n:05d}" for j in range(10)]
        with open(os.path.join(out, "content", "issues", f"{k}.md"), "w") as f:
            f.write(issue(rng, k, slugs, photos))


main()
