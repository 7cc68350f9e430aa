#!/usr/bin/python3
"""Check the example magazine against the content schema, independently of the C generator.

Parses content/site.yaml and every entry's front matter, and reports: missing required fields,
districts and categories not declared in site.yaml, readings that are not hiragana, malformed
dates, images (front matter and Markdown figures) that do not exist, internal links to entries
that do not exist or are drafts, issue numbers without an issue, unknown slugs in an issue's
contents, sessions naming an undeclared venue, and images over the size budget.

Usage (from the repository root; needs Debian's python3-yaml):
    /usr/bin/python3 tests/tools/check_example_content.py [SITE_DIR]
Prints one line per problem and exits 1 if there were any.
"""

import datetime
import os
import re
import sys

import yaml

KINDS = {"activities": "activity", "events": "event", "issues": "issue", "pages": "page"}
REQUIRED = {
    "activity": ["title", "reading", "district", "categories"],
    "event": ["title"],
    "issue": ["number", "title", "date"],
    "page": ["title"],
}
KNOWN = {
    "activity": {"title", "reading", "district", "categories", "summary", "schedule", "place",
                 "organizer", "contact", "fee", "audience", "image", "image_alt", "issue", "date",
                 "updated", "draft", "kind", "slug"},
    "issue": {"number", "title", "date", "cover", "cover_alt", "copies", "editor", "summary",
              "contents", "kind", "slug"},
    "page": {"title", "summary", "date", "updated", "weight", "menu", "draft", "kind", "slug"},
}
KNOWN["event"] = KNOWN["activity"] | {"start", "end", "sessions", "venues", "program", "capacity",
                                      "apply", "participants", "note", "status", "postponed_to"}
STATUSES = ("scheduled", "cancelled", "postponed", "written", "online")
READING = re.compile(r"^[\u3041-\u309f\u30fc・ 　]+$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WHEN = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?$")  # a date (a whole day), or a date and time
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
PHOTO_MAX = 400 * 1024
ASSETS_TOTAL_MAX = 6 * 1000 * 1000


class Checker:
    def __init__(self, root):
        self.root = root
        self.problems = []

    def fail(self, path, msg):
        self.problems.append("%s: %s" % (os.path.relpath(path, self.root), msg))

    def image_exists(self, md_path, ref):
        local = os.path.normpath(os.path.join(os.path.dirname(md_path), ref))
        return os.path.isfile(local) or os.path.isfile(os.path.join(self.root, "assets", ref))


def split_front_matter(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if not text.startswith("---\n"):
        return None, text
    end = text.index("\n---\n", 4)
    return yaml.safe_load(text[4:end]), text[end + 5:]


def as_text(v):
    """PyYAML turns dates into date objects; the schema reads them as text."""
    if isinstance(v, datetime.datetime):
        return v.strftime("%Y-%m-%d %H:%M")
    if isinstance(v, datetime.date):
        return v.isoformat()
    return str(v)


def check_date(c, path, field, v, pattern):
    if not pattern.match(as_text(v)):
        c.fail(path, "'%s' is not in the expected form: %r" % (field, v))


def check_span(c, path, what, start, end):
    """An end is written like its start (both whole days or both with a time) and is not before
    it; a whole day may end on the day it starts, a time must end after it."""
    s, e = as_text(start), as_text(end)
    if len(s) != len(e):
        c.fail(path, "%s: 'end' is not written like 'start' (%r, %r)" % (what, s, e))
    elif e < s or (e == s and len(s) > 10):
        c.fail(path, "%s: 'end' is not after 'start' (%r, %r)" % (what, s, e))


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    c = Checker(root)
    content = os.path.join(root, "content")
    site_path = os.path.join(content, "site.yaml")
    with open(site_path, encoding="utf-8") as f:
        site = yaml.safe_load(f)
    for key in ("title", "base_url", "districts", "categories", "print"):
        if key not in site:
            c.fail(site_path, "missing '%s'" % key)
    districts = {d["slug"] for d in site["districts"]}
    categories = {d["slug"] for d in site["categories"]}
    for group in ("districts", "categories"):
        for d in site[group]:
            if not SLUG.match(d["slug"]) or not READING.match(d["reading"]) or not d.get("name"):
                c.fail(site_path, "bad %s entry %r" % (group, d))

    entries = {}
    for folder, kind in KINDS.items():
        for name in sorted(os.listdir(os.path.join(content, folder))):
            if not name.endswith(".md"):
                continue
            path = os.path.join(content, folder, name)
            fm, body = split_front_matter(path)
            if fm is None:
                c.fail(path, "no front matter")
                continue
            slug = fm.get("slug", name[:-3])
            if not SLUG.match(str(slug)):
                c.fail(path, "slug %r is not lowercase ASCII with hyphens" % slug)
            entries[os.path.normpath(path)] = (kind, str(slug), fm, body)

    issues = {fm["number"] for kind, _, fm, _ in entries.values() if kind == "issue"}
    slugs = {slug: (kind, fm) for kind, slug, fm, _ in entries.values() if kind != "issue"}
    for path, (kind, slug, fm, body) in sorted(entries.items()):
        for key in REQUIRED[kind]:
            if key not in fm:
                c.fail(path, "missing required '%s'" % key)
        for key in fm:
            if key not in KNOWN[kind]:
                c.fail(path, "field '%s' is not in the schema for a %s" % (key, kind))
        if kind == "event" and "start" not in fm and "sessions" not in fm:
            c.fail(path, "an event needs 'start' or 'sessions'")
        if "reading" in fm and not READING.match(fm["reading"]):
            c.fail(path, "'reading' is not hiragana: %r" % fm["reading"])
        if "district" in fm and fm["district"] not in districts:
            c.fail(path, "district '%s' is not declared in site.yaml" % fm["district"])
        for cat in fm.get("categories", []):
            if cat not in categories:
                c.fail(path, "category '%s' is not declared in site.yaml" % cat)
        for field in ("date", "updated"):
            if field in fm:
                check_date(c, path, field, fm[field], DATE)
        for field in ("start", "end", "postponed_to"):
            if field in fm:
                check_date(c, path, field, fm[field], WHEN)
        if fm.get("status", "scheduled") not in STATUSES:
            c.fail(path, "status %r is none of %s" % (fm["status"], ", ".join(STATUSES)))
        if "postponed_to" in fm and fm.get("status") != "postponed":
            c.fail(path, "'postponed_to' without 'status: postponed'")
        if "apply" in fm:
            check_date(c, path, "apply.deadline", fm["apply"]["deadline"], DATE)
        venue_ids = {v["id"] for v in fm.get("venues", [])}
        for v in fm.get("venues", []):
            if v.get("role", "main") not in ("main", "remote"):
                c.fail(path, "venue role %r" % v.get("role"))
        for s in fm.get("sessions", []):
            check_date(c, path, "sessions.start", s["start"], WHEN)
            if "end" in s:
                check_date(c, path, "sessions.end", s["end"], WHEN)
                check_span(c, path, "session %s" % as_text(s["start"]), s["start"], s["end"])
            if s.get("venue") and s["venue"] not in venue_ids:
                c.fail(path, "session venue '%s' is not in venues" % s["venue"])
        if "start" in fm and "end" in fm:
            check_span(c, path, "the event", fm["start"], fm["end"])
        if "issue" in fm and fm["issue"] not in issues:
            c.fail(path, "issue %r has no file in content/issues/" % fm["issue"])
        for ref in [fm.get("image"), fm.get("cover")] + IMAGE.findall(body):
            if ref and not c.image_exists(path, ref):
                c.fail(path, "image '%s' not found" % ref)
        for ref in fm.get("contents", []):
            if ref not in slugs:
                c.fail(path, "contents names '%s', which is no activity, event or page" % ref)
            elif slugs[ref][0] != "page" and slugs[ref][1].get("issue") != fm["number"]:
                c.fail(path, "contents names '%s', which is not in this issue" % ref)
        for ref in LINK.findall(body):
            if "://" in ref or ref.startswith("#") or ref.startswith("mailto:"):
                continue
            target = os.path.normpath(os.path.join(os.path.dirname(path), ref.split("#")[0]))
            if target not in entries:
                c.fail(path, "link target '%s' does not exist" % ref)
            elif entries[target][2].get("draft") and not fm.get("draft"):
                c.fail(path, "links to a draft: '%s'" % ref)
        for m in re.finditer(r"\{([^{}|]+)\|([^{}]+)\}", body + " " + str(fm.get("title", ""))):
            if not all(READING.match(r) for r in m.group(2).split("|")):
                c.fail(path, "ruby reading is not hiragana: %s" % m.group(0))

    total = 0
    for folder in ("photos", "illustrations"):
        if not os.path.isdir(os.path.join(root, "assets", folder)):
            continue  # a site without pictures
        for name in os.listdir(os.path.join(root, "assets", folder)):
            path = os.path.join(root, "assets", folder, name)
            total += os.path.getsize(path)
            if os.path.getsize(path) > PHOTO_MAX:
                c.fail(path, "%d bytes, over %d" % (os.path.getsize(path), PHOTO_MAX))
    if total > ASSETS_TOTAL_MAX:
        c.fail(os.path.join(root, "assets"), "images total %d bytes, over %d" %
               (total, ASSETS_TOTAL_MAX))

    for p in c.problems:
        print(p)
    counts = {}
    for kind, _, fm, _ in entries.values():
        counts[kind] = counts.get(kind, 0) + 1
    print("checked %s; %d problem(s)" % (", ".join("%d %s" % (n, k) for k, n in
                                                    sorted(counts.items())), len(c.problems)))
    return 1 if c.problems else 0


if __name__ == "__main__":
    sys.exit(main())
