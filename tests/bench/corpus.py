#!/usr/bin/python3
"""Writes a reproducible synthetic site for benchmarks: N activities and N/10 events in Japanese,
with the example magazine's settings, districts and categories, and bodies of 3-8 paragraphs
with headings, lists and tables.

    corpus.py N OUT_DIR

The same N always gives the same files (a fixed seed); the example's site.yaml and themes are
copied so that the corpus builds with the default theme."""
import os
import random
import shutil
import sys

WORDS = ("地域 支え合い 見守り サロン 買い物 除雪 男性 集い 健康 体操 お茶 交流 送迎 相談 "
         "ボランティア 協議体 研修会 通いの場 高齢者 子ども 食堂 散歩 声かけ 生活支援 "
         "コーディネーター 町内会 自治会 公民館 集会所 手づくり 季節 野菜 雪囲い").split()
DISTRICTS = ["daiichi", "daini", "kyoden", "fujishima", "haguro", "kushibiki", "asahi", "atsumi"]
CATEGORIES = ["salon", "visiting", "shopping", "snow", "mens", "health", "transport", "chores"]
KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわ"


def sentence(rng):
    words = rng.sample(WORDS, rng.randint(4, 8))
    return "、".join(words[:2]) + "の" + "と".join(words[2:4]) + "を" + "".join(words[4:]) + "しています。"


def paragraph(rng):
    return "".join(sentence(rng) for _ in range(rng.randint(2, 5)))


def body(rng):
    parts = []
    for i in range(rng.randint(3, 8)):
        if i % 3 == 1:
            parts.append("## " + rng.choice(WORDS) + "について")
        parts.append(paragraph(rng))
        if i == 2:
            parts.append("\n".join("- " + sentence(rng) for _ in range(rng.randint(2, 4))))
        if i == 4:
            parts.append("| 項目 | 内容 |\n|---|---|\n" +
                         "\n".join(f"| {rng.choice(WORDS)} | {sentence(rng)} |" for _ in range(3)))
    return "\n\n".join(parts) + "\n"


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", ".."))
    rng = random.Random(20211219)
    shutil.rmtree(out, ignore_errors=True)
    for folder in ("activities", "events", "pages"):
        os.makedirs(os.path.join(out, "content", folder))
    shutil.copy(os.path.join(root, "content", "site.yaml"), os.path.join(out, "content"))
    shutil.copytree(os.path.join(root, "themes"), os.path.join(out, "themes"))
    with open(os.path.join(out, "content", "pages", "contacts.md"), "w") as f:
        f.write("---\ntitle: 連絡先\nmenu: true\n---\n各地区の相談窓口です。\n")
    for i in range(n):
        reading = "".join(rng.choice(KANA) for _ in range(rng.randint(4, 9)))
        cats = rng.sample(CATEGORIES, rng.randint(1, 3))
        with open(os.path.join(out, "content", "activities", f"act-{i:05d}.md"), "w") as f:
            f.write("---\n"
                    f"title: {rng.choice(WORDS)}の{rng.choice(WORDS)}会 その{i}\n"
                    f"reading: {reading}\n"
                    f"district: {rng.choice(DISTRICTS)}\n"
                    f"categories: [{', '.join(cats)}]\n"
                    f"summary: {sentence(rng)}\n"
                    f"schedule: 毎週{rng.choice('月火水木金')}曜 10:00〜12:00\n"
                    f"place: {rng.choice(WORDS)}集会所\n"
                    "contact:\n  name: 担当\n  phone: 0235-00-0000\n"
                    f"date: 2021-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n"
                    "---\n" + body(rng))
    for i in range(max(1, n // 10)):
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        with open(os.path.join(out, "content", "events", f"ev-{i:05d}.md"), "w") as f:
            f.write("---\n"
                    f"title: {rng.choice(WORDS)}研修会 第{i}回\n"
                    f"start: 2022-{month:02d}-{day:02d} 13:30\n"
                    f"end: 2022-{month:02d}-{day:02d} 16:00\n"
                    "venues:\n  - id: main\n    name: 中央公民館\n    role: main\n"
                    f"capacity: {rng.randint(20, 200)}\n"
                    "---\n" + body(rng))


main()
