#!/bin/sh
# The bad-input suite: every folder tests/bad/cases/NAME is one mistake an editor, a theme author
# or the machine can make. Run by tests/run.sh with KAIRAN set; cwd is the repository root.
#
# A case folder holds files laid over the small site tests/bad/base (content/, themes/, assets/
# as in a real site), an optional `setup` (sh -e, run in the site folder before the build, with
# REPO set to the repository: for inputs too large to commit, removals, permissions, links) and
# an `expect` file:
#     # what the case is about
#     exit 1                  the exit code of `kairan build`
#     args --strict           more options for the build (optional)
#     user nobody             run the build as an unprivileged user (optional)
#     filesize 2              ulimit -f for the build, in 512-byte blocks (optional)
#     --
#     content/x.md:2:8: error: ...   the exact lines the build prints (it runs with --quiet),
#     -- ja                          in English (LC_ALL=C), then in Japanese
#     content/x.md:2:8: エラー: ...   (LC_ALL=ja_JP.UTF-8)
# Each case runs once in each language. For each run the runner starts from the base site already built into public/, records every
# published file (bytes, mtime, inode), applies the case, builds, and checks: the exit code, the
# exact messages, no crash (no signal, no sanitizer report), public/ exactly as it was, and no
# staging folder left behind. A case with `exit 0` is input kairan handles with a warning: then
# the build must succeed and publish a whole site instead.
#
#   BAD_CASES="name1 name2" sh tests/bad.test.sh   runs only these cases
#   ACCEPT=1 ...                                     writes the messages printed (in both
#                                                    languages) into the cases' expect files
#                                                    (review the diff!)
. tests/lib.sh
cases=tests/bad/cases
only=${BAD_CASES:-}

# As root, permissions do not stop the build: the cases that need them run as nobody (65534),
# which must be able to reach the program and the site.
chmod 755 "$tmp"
cp "$KAIRAN" "$tmp/kairan"
kairan=$tmp/kairan
# The Japanese catalogue, where the copy (and nobody) finds it.
cp -R "$BUILD/locale" "$tmp/locale"
unset LANGUAGE
if ! locale -a 2>/dev/null | grep -qx 'ja_JP.utf8'; then
    fail "the locale ja_JP.UTF-8 is missing (make generates it): the Japanese runs cannot run"
fi
as_root=0
[ "$(id -u)" = 0 ] && as_root=1

# The base site, built once; every case starts from a copy of it (cp -a keeps mtimes).
base=$tmp/base
mkdir -p "$base/themes" "$base/assets/photos"
cp -R tests/bad/base/content "$base/"
cp -R themes/default "$base/themes/"
cp assets/photos/salon.jpg "$base/assets/photos/"
(cd "$base" && LC_ALL=C KAIRAN_THEMES_DIR=/nonexistent "$kairan" build --quiet --now "$NOW") \
    >"$tmp/base.out" 2>&1
if [ $? -eq 0 ] && [ ! -s "$tmp/base.out" ] && [ -s "$base/public/index.html" ]; then
    ok
else
    cat "$tmp/base.out"
    fail "the base site builds cleanly"
    finish
fi

# Every file and folder of public/ with its inode, mtime, mode and size, then every file's hash.
snapshot() {
    (cd "$1" && find . -printf '%p %y %i %T@ %m %s\n' | sort && find . -type f -exec sha256sum {} + |
        sort)
}

# Reads a case's expect file: the settings into want_*, the expected messages into $work/want.C
# (English) and $work/want.ja (Japanese).
read_expect() {
    want_exit="" want_args="" want_user="" want_fsize=""
    while IFS= read -r line; do
        case $line in
        --) break ;;
        "exit "*) want_exit=${line#exit } ;;
        "args "*) want_args=${line#args } ;;
        "user "*) want_user=${line#user } ;;
        "filesize "*) want_fsize=${line#filesize } ;;
        esac
    done <"$1"
    sed '1,/^--$/d' "$1" | sed '/^-- ja$/,$d' >"$work/want.C"
    sed '1,/^-- ja$/d' "$1" >"$work/want.ja"
}

# run_case DIR LANG: one case in one language (C or ja).
run_case() {
    dir=$1
    lang=$2
    name="${dir##*/} ($lang)"
    case $lang in
    ja) locale_env="LC_ALL=ja_JP.UTF-8 KAIRAN_LOCALEDIR=$tmp/locale" ;;
    *) locale_env="LC_ALL=C" ;;
    esac
    work=$tmp/case
    site=$work/site
    [ -d "$work" ] && chmod -R u+rwX "$work" && rm -rf "$work"
    mkdir "$work"
    cp -a "$base" "$site"
    snapshot "$site/public" >"$work/before"
    for f in "$dir"/* "$dir"/.[!.]*; do
        case ${f##*/} in expect|setup|'*'|'.[!.]*') continue ;; esac
        cp -R "$f" "$site/"
    done
    if [ -f "$dir/setup" ] && ! (cd "$site" && REPO=$repo sh -e "$repo/$dir/setup"); then
        fail "$name: its setup failed"
        return
    fi
    read_expect "$dir/expect"

    run=""
    if [ -n "$want_user" ] && [ "$as_root" = 1 ]; then
        chown -R 65534:65534 "$site"
        run="setpriv --reuid=65534 --regid=65534 --clear-groups"
    fi
    (
        cd "$site" || exit 99
        [ -n "$want_fsize" ] && ulimit -f "$want_fsize"
        # shellcheck disable=SC2086 # args, run and locale_env are lists of words
        exec env $locale_env KAIRAN_THEMES_DIR=/nonexistent $run "$kairan" build --quiet \
            --now "$NOW" $want_args
    ) >"$work/out" 2>"$work/err"
    status=$?
    [ -n "$want_user" ] && chmod -R u+rwX "$site"

    bad=""
    if [ "$status" -ge 128 ]; then
        bad="$bad; it crashed (exit $status, signal $((status - 128)))"
    elif [ "$status" != "$want_exit" ]; then
        bad="$bad; exit $status, expected $want_exit"
    fi
    if grep -q 'Sanitizer\|runtime error:' "$work/err"; then
        bad="$bad; a sanitizer report"
    fi
    if ! cmp -s "$work/want.$lang" "$work/err"; then
        bad="$bad; other messages than expected"
    fi
    if [ -s "$work/out" ]; then
        bad="$bad; printed to stdout"
    fi
    cp "$work/err" "$tmp/accept.$lang"
    if [ -n "${ACCEPT:-}" ] && [ "$lang" = ja ]; then
        sed -n '1,/^--$/p' "$dir/expect" >"$tmp/expect"
        { cat "$tmp/expect" "$tmp/accept.C"; echo "-- ja"; cat "$tmp/accept.ja"; } >"$dir/expect"
    fi
    if [ "$want_exit" = 0 ]; then
        [ -s "$site/public/index.html" ] && [ -s "$site/public/sitemap.xml" ] ||
            bad="$bad; no whole site was published"
    else
        snapshot "$site/public" >"$work/after"
        cmp -s "$work/before" "$work/after" || bad="$bad; public/ changed"
    fi
    for f in "$site"/.public.staging-* "$site"/.public.old-*; do
        [ -e "$f" ] && bad="$bad; ${f##*/} was left behind"
    done
    if [ -z "$bad" ]; then
        ok
    else
        fail "$name${bad}"
        diff "$work/want.$lang" "$work/err" | sed 's/^/    /' | head -n 20
        [ -f "$work/after" ] && diff "$work/before" "$work/after" | sed 's/^/    /' | head -n 10
    fi
}

n=0
for dir in "$cases"/*/; do
    dir=${dir%/}
    [ -f "$dir/expect" ] || { fail "$dir has no expect file"; continue; }
    case " $only " in "  ") ;; *" ${dir##*/} "*) ;; *) continue ;; esac
    n=$((n + 1))
    run_case "$dir" C
    run_case "$dir" ja
done
if [ -z "$only" ] && [ "$n" -lt 60 ]; then
    fail "only $n cases (at least 60 expected)"
fi

finish
