#!/bin/sh
# Messages in two languages: every message in the source is marked for translation and has a
# Japanese translation in po/ja.po (none missing, empty or fuzzy; placeholders that match), and
# kairan speaks Japanese when the locale says so (LC_ALL, LC_MESSAGES, LANG) and English
# otherwise, finding its catalogue beside itself or through KAIRAN_LOCALEDIR. The checks that
# read the sources are shown able to fail on a copy with one thing wrong.
. tests/lib.sh

python=$(python_with)
[ -n "$python" ] || skip_suite messages "python3 is not installed"
for tool in xgettext msgmerge msgattrib msgfmt; do
    command -v $tool >/dev/null 2>&1 || { fail "$tool is missing (make installs gettext)"; finish; }
done

# Every call that prints a message has its format marked, _() or ngettext().
"$python" tests/tools/messages.py generator >"$tmp/marked" 2>&1
add_results "$tmp/marked"
cp -R generator "$tmp/gen"
sed -i 's/_("cannot open folder")/"cannot open folder"/' "$tmp/gen/core/fs.c"
"$python" tests/tools/messages.py "$tmp/gen" >"$tmp/out" 2>&1
check "an unmarked message is found" grep -q 'core/fs.c:.*cannot open folder' "$tmp/out"

# catalogue_gaps SOURCES PO: the messages of the sources (the same xgettext as make update-po)
# that PO leaves untranslated, empty or fuzzy, one per line; nothing when it has them all.
catalogue_gaps() {
    rm -f "$tmp/all.pot" "$tmp/merged.po"
    # shellcheck disable=SC2046 # the list of sources
    xgettext --language=C --from-code=UTF-8 --keyword= --keyword=_ --keyword=N_ \
        --keyword=ngettext:1,2 --msgid-bugs-address=x -o "$tmp/all.pot" \
        $(find "$1" -name '*.[ch]' | sort) 2>"$tmp/xgettext.err" || {
        cat "$tmp/xgettext.err"
        echo "xgettext failed"
        return
    }
    msgmerge --quiet --no-fuzzy-matching -o "$tmp/merged.po" "$2" "$tmp/all.pot" || {
        echo "msgmerge failed"
        return
    }
    msgattrib --untranslated --no-obsolete --no-wrap "$tmp/merged.po" | grep '^msgid "..*"'
    msgattrib --only-fuzzy --no-obsolete --no-wrap "$tmp/merged.po" | grep '^msgid "..*"'
    msgattrib --only-fuzzy --no-obsolete --no-wrap "$2" | grep '^msgid "..*"'
}
gaps=$(catalogue_gaps generator po/ja.po)
check "every message of the source is translated in po/ja.po${gaps:+; not:
$gaps}" [ -z "$gaps" ]
count=$(msgfmt --statistics -o /dev/null po/ja.po 2>&1)
check "po/ja.po compiles with its placeholders checked ($count)" \
    msgfmt --check -o "$tmp/ja.mo" po/ja.po
echo "measured: po/ja.po: $count"
# ... and the check fails on a new message, an empty translation and a fuzzy one.
printf 'void messages_probe(void);\nvoid messages_probe(void) { (void)_("a brand new message"); }\n' \
    >"$tmp/gen/probe.c"
gaps=$(catalogue_gaps "$tmp/gen" po/ja.po)
check "a message missing from po/ja.po is found" \
    sh -c 'echo "$1" | grep -q "a brand new message"' sh "$gaps"
awk '/^msgid "the disk is read-only"$/ { print; getline; print "msgstr \"\""; next } { print }' \
    po/ja.po >"$tmp/empty.po"
gaps=$(catalogue_gaps generator "$tmp/empty.po")
check "an empty translation is found" sh -c 'echo "$1" | grep -q "the disk is read-only"' sh "$gaps"
awk '/^msgid "the disk is read-only"$/ { print "#, fuzzy" } { print }' po/ja.po >"$tmp/fuzzy.po"
gaps=$(catalogue_gaps generator "$tmp/fuzzy.po")
check "a fuzzy translation is found" sh -c 'echo "$1" | grep -q "the disk is read-only"' sh "$gaps"

# The language follows the locale. The catalogue is found beside the program (build/locale).
check "the catalogue is built into $BUILD/locale" [ -s "$BUILD/locale/ja/LC_MESSAGES/kairan.mo" ]
has_locale=$(locale -a 2>/dev/null | grep -x 'ja_JP.utf8')
check "the locale ja_JP.UTF-8 is there (make generates it)" [ -n "$has_locale" ]
help_in() { env -u LC_ALL -u LANG -u LC_MESSAGES -u LANGUAGE "$@" "$KAIRAN" --help 2>&1; }
check "LC_ALL=ja_JP.UTF-8 gives Japanese" \
    sh -c 'echo "$1" | grep -q "使い方:"' sh "$(help_in LC_ALL=ja_JP.UTF-8)"
check "LANG=ja_JP.UTF-8 gives Japanese" \
    sh -c 'echo "$1" | grep -q "使い方:"' sh "$(help_in LANG=ja_JP.UTF-8)"
check "LC_MESSAGES=ja_JP.UTF-8 gives Japanese" \
    sh -c 'echo "$1" | grep -q "使い方:"' sh "$(help_in LC_MESSAGES=ja_JP.UTF-8)"
check "LC_ALL=C over LANG=ja_JP.UTF-8 gives English" \
    sh -c 'echo "$1" | grep -q "^Usage:"' sh "$(help_in LANG=ja_JP.UTF-8 LC_ALL=C)"
check "no locale at all gives English" sh -c 'echo "$1" | grep -q "^Usage:"' sh "$(help_in)"
# A copy elsewhere has no catalogue beside it: KAIRAN_LOCALEDIR names one.
cp "$KAIRAN" "$tmp/kairan"
out=$(env LC_ALL=ja_JP.UTF-8 "$tmp/kairan" --help 2>&1)
check "a copy without a catalogue beside it speaks English" \
    sh -c 'echo "$1" | grep -q "^Usage:"' sh "$out"
out=$(env LC_ALL=ja_JP.UTF-8 KAIRAN_LOCALEDIR="$BUILD/locale" "$tmp/kairan" --help 2>&1)
check "KAIRAN_LOCALEDIR names the catalogue" sh -c 'echo "$1" | grep -q "使い方:"' sh "$out"

# A message as the editor sees it: the place stays machine-readable, the rest is Japanese, the
# field is named by its key and its label.
site=$tmp/site
mkdir -p "$site/content/events"
printf 'title: 和と輪\nbase_url: https://example.jp/watowa/\n' >"$site/content/site.yaml"
printf -- '---\ntitle: 研修会\nstart: 2021-02-30 13:30\nsumary: x\n---\n本文\n' \
    >"$site/content/events/r2-kenshukai.md"
(cd "$site" && LC_ALL=ja_JP.UTF-8 KAIRAN_THEMES_DIR="$repo" "$KAIRAN" check --now "$NOW") \
    >"$tmp/ja.out" 2>&1
check "a mistake is reported in Japanese (exit 1)" [ $? -eq 1 ]
check "the message: place, エラー, field with its label, the reason" grep -qx \
    "content/events/r2-kenshukai.md:3:8: エラー: 'start'（開始日時）の日付が正しくありません（日付か日付と時刻、例: 2021-02-19 や 2021-02-19 13:30）: 2021年2月は28日までです" \
    "$tmp/ja.out"
check "a warning says 警告 and names the field it resembles" grep -qx \
    "content/events/r2-kenshukai.md:4:1: 警告: 'sumary' という項目はありません。'summary'（概要）のことですか？" \
    "$tmp/ja.out"
# The system's own words (strerror) come in Japanese too.
mkdir "$tmp/ro" && chmod 500 "$tmp/ro"
if [ "$(id -u)" != 0 ]; then
    out=$(cd "$site" && LC_ALL=ja_JP.UTF-8 KAIRAN_THEMES_DIR="$repo" "$KAIRAN" build \
        --now "$NOW" -o "$tmp/ro/public" 2>&1)
    check "a system error is explained in Japanese" \
        sh -c 'echo "$1" | grep -q "エラー: .*許可がありません"' sh "$out"
fi

# Warnings kept for a build with nothing to do are said again in the language of the run.
printf -- '---\ntitle: 研修会\nstart: 2021-02-19 13:30\nsumary: x\n---\n本文\n' \
    >"$site/content/events/r2-kenshukai.md"
build() { (cd "$site" && env "$@" KAIRAN_THEMES_DIR="$repo" "$KAIRAN" build --now "$NOW" 2>&1); }
build LC_ALL=C >"$tmp/first" && build LC_ALL=C >"$tmp/again" &&
    build LC_ALL=ja_JP.UTF-8 >"$tmp/ja-again"
check "the build with nothing to do repeats the warning" grep -q "warning: unknown field 'sumary'" \
    "$tmp/again"
check "in Japanese, the same warning in Japanese" grep -q "警告: 'sumary' という項目はありません" \
    "$tmp/ja-again"

# The Japanese manual page names every option and environment variable the English one does,
# and groff reads it.
for word in $(grep -oE '\\-\\-[a-z]+(\\-[a-z]+)*|^\.B[R]? [A-Z_]+' generator/kairan.1 | sed 's/^\.BR* //' |
    sort -u); do
    grep -qF -- "$word" generator/kairan.ja.1 || missing="${missing:-} $word"
done
check "generator/kairan.ja.1 has what generator/kairan.1 has${missing:+; not:$missing}" \
    [ -z "${missing:-}" ]
if command -v groff >/dev/null 2>&1 && command -v preconv >/dev/null 2>&1; then
    preconv generator/kairan.ja.1 | groff -man -Tutf8 >"$tmp/man.txt" 2>/dev/null
    check "groff renders the Japanese manual page" grep -q "終了ステータス" "$tmp/man.txt"
else
    skip "the Japanese manual page through groff" "groff is not installed"
fi

finish
