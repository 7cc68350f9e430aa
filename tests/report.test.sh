#!/bin/sh
# The example site tells the report's facts. content/ is built from 「令和2年度 鶴岡市生活支援
# 体制整備事業報告」: the 研修会, the 担い手養成研修, the three 地域ケア推進会議, the three
# activities the report names and its figures must appear on the built pages and, for the entries
# of issue 5, in its print edition, written as the report gives them; the invented entries they
# replaced must be gone.
# Run by tests/run.sh with KAIRAN set; cwd is the repository root.
. tests/lib.sh

"$KAIRAN" build -s . -o "$tmp/out" --now "$NOW" --quiet --cache-dir "$tmp/cache"
check "the example builds" [ $? -eq 0 ]
doc="$tmp/out/print/5/5.xhtml"

# flat FILE: the file's text on one line, tags and line ends turned into single spaces, so that a
# table row reads "地域支援：協議 190 213" and a fact "日時 令和2年8月7日（金）14:00〜16:00".
flat() {
    tr '\n' ' ' <"$1" | sed 's/<[^>]*>/ /g' | tr -s ' '
}
# has WHAT FILE TEXT...: each TEXT is in FILE's flattened text (fixed strings).
has() {
    what=$1
    flat "$2" >"$tmp/flat"
    shift 2
    for t in "$@"; do
        check "$what: $t" grep -qF -- "$t" "$tmp/flat"
    done
}

# ③ 地域支え合い活動研修会, on its page and in print.
page="$tmp/out/events/2021-kenshukai/index.html"
has "研修会 (web)" "$page" \
    "令和2年度 鶴岡市地域支え合い活動研修会 〜住み続けたい そんな想いをかたちに〜" \
    "日時 令和3年2月19日（金）13:30〜16:00" \
    "主会場 鶴岡市総合保健福祉センター にこふる" \
    "中継会場 櫛引生涯学習センター" "中継会場 温海ふれあいセンターホール" \
    "第1部 基調講演「新型コロナウイルス感染症に負けない〜地域のつながり・支え合いの役割〜」 講師：武田 真理子（東北公益文科大学大学院公益学研究科 教授）" \
    "第2部 地域での実践活動発表「買い物支援で地域を元気に」 講師：鈴木 正（産直さんぜ 代表）" \
    "参加者数：152人"
has "研修会 (print)" "$doc" \
    "令和2年度 鶴岡市地域支え合い活動研修会 〜住み続けたい そんな想いをかたちに〜" \
    "令和3年2月19日（金） 13:30〜16:00 鶴岡市総合保健福祉センター にこふる" \
    "主会場 鶴岡市総合保健福祉センター にこふる" \
    "中継会場 櫛引生涯学習センター" "温海ふれあいセンターホール" \
    "第1部 基調講演「新型コロナウイルス感染症に負けない〜地域のつながり・支え合いの役割〜」（講師：武田 真理子・東北公益文科大学大学院公益学研究科 教授）" \
    "第2部 地域での実践活動発表「買い物支援で地域を元気に」（講師：鈴木 正・産直さんぜ 代表）" \
    "参加者 152人"

# ④ 担い手養成研修: every day the report gives, as a session; the place, the completers, and why
# it was held once.
page="$tmp/out/events/2020-ninaite-yosei/index.html"
days="令和2年11月17日（火） 令和2年11月18日（水） 令和2年12月4日（金） 令和2年12月7日（月）
令和2年12月10日（木） 令和2年12月14日（月） 令和2年12月15日（火） 令和2年12月18日（金）
令和3年1月20日（水） 令和3年2月4日（木）"
sed -n '/<ul class="sessions">/,/<\/ul>/p' "$page" >"$tmp/sessions.html"
web_days=0
print_days=0
for d in $days; do
    grep -qF ">$d" "$tmp/sessions.html" && web_days=$((web_days + 1))
    grep -qF "<td class=\"schedule-date\">$d</td>" "$doc" && print_days=$((print_days + 1))
done
check "担い手養成研修 (web): the 10 days of the report are its sessions ($web_days)" \
    [ "$web_days" -eq 10 ]
check "担い手養成研修 (print): the 10 days are in the schedule ($print_days)" [ "$print_days" -eq 10 ]
check "担い手養成研修 (web): no other session" \
    [ "$(grep -c '<li>' "$tmp/sessions.html")" -eq 10 ]
for where in "$page" "$doc"; do
    case $where in *.xhtml) w=print ;; *) w=web ;; esac
    has "担い手養成研修 ($w)" "$where" \
        "令和2年度 鶴岡市担い手養成研修" "鶴岡市総合保健福祉センター にこふる" \
        "講習 令和2年11月17日（火）、11月18日（水）、12月18日（金）" \
        "通いの場見学 令和2年12月4日（金）、7日（月）、10日（木）、14日（月）、15日（火）" \
        "見学補講 令和3年1月20日（水）、2月4日（木）" \
        "修了した方は18人です" "一般市民" \
        "新型コロナウイルス感染症の影響で、2回の予定を1回に減らして開きました。"
done
has "担い手養成研修 (web)" "$page" \
    "新型コロナウイルス感染症の影響により、予定していた2回の開催を1回に変更しました。"

# ⑤ 地域ケア推進会議, three meetings: date and time, room, attendance, agenda.
n=0
for m in "2020-08-07|令和2年8月7日（金）14:00〜16:00|鶴岡市総合保健福祉センター にこふる 3階大会議室|12|第2層生活支援コーディネーターの活動から見えてきた課題|認知症見守りラベルシール「どこシル伝言板」" \
    "2020-11-24|令和2年11月24日（火）13:30〜15:30|鶴岡市役所 別棟2号館 21、22、23号会議室|13|鶴岡市のひきこもり支援の現状|8050問題の事例紹介" \
    "2021-02-08|令和3年2月8日（月）13:30〜15:30|鶴岡市役所 別棟2号館 21、22、23号会議室|13|生活支援体制整備事業における第2層生活支援コーディネーターの役割|長沼・八栄島地区デマンド交通の取り組み"; do
    n=$((n + 1))
    IFS='|' read -r _ when room people item1 item2 <<EOF
$m
EOF
    page="$tmp/out/events/2020-suishin-kaigi-$n/index.html"
    has "推進会議 $n (web)" "$page" "令和2年度 第${n}回 鶴岡市地域ケア推進会議（第1層協議体）" \
        "日時 $when" "会場 $room" "出席委員：${people}名" "$item1" "$item2"
    time=${when#*）}
    has "推進会議 $n (print)" "$doc" "${when%%）*}） $time $room 令和2年度 第${n}回 鶴岡市地域ケア推進会議" \
        "出席委員：${people}名" "$item1" "$item2"
done

# The three activities the report names, under their names and districts.
for a in "kyoden-sasaeai-plan|地域支え合いプラン 検討委員会|京田" "daini-fureai-homon|ふれあい訪問|第二学区" \
    "kushibiki-otokojuku|くしびき男塾|櫛引"; do
    IFS='|' read -r slug name district <<EOF
$a
EOF
    page="$tmp/out/activities/$slug/index.html"
    check "$name (web): its page is titled so" grep -qF "<h1>$name</h1>" "$page"
    check "$name (web): in $district" \
        grep -qF "<span class=\"vh\">地区：</span>$district</a>" "$page"
    # In print an article stands in its district's section, under the section's band.
    section=$(sed -n "/<h2 class=\"entry-title\">$name<\/h2>/q; s/^<h1 class=\"section-title\">\(.*\)<\/h1>$/\1/p" "$doc" |
        tail -n 1)
    check "$name (print): in issue 5, in $district ($section)" [ "$section" = "$district" ]
done

# The figures page: ① the year's results, the completers, the coordinators' monthly record.
page="$tmp/out/figures/index.html"
has "figures" "$page" \
    " 地域の支え合い活動の把握件数 352件 " " 新たな生活支援の取り組み創出件数 7件 " \
    " 新たな移送支援の取り組み創出件数 0件 " \
    " 平成28年度 44人 平成29年度 40人 平成30年度 49人 令和元年度 30人 令和2年度 18人 計 181人 "
# The monthly record as the report prints it: one column per item (25), one row per year.
flat "$page" >"$tmp/flat"
check "figures: the record's 25 column heads, in the report's order" grep -qF \
    " 年度 個別支援：関係形成 個別支援：直接支援 個別支援：連絡調整 地域支援：関係形成 地域支援：協議 地域支援：調査・情報収集 地域支援：立ち上げ支援 地域支援：支援 地域支援：地域への働きかけ 地域支援：サービス創出 地域支援：担い手養成 地域支援：マッチング 地域支援：ネットワーク化 地域支援：情報発信 連絡調整 事業実施 地域ケア会議：個別ケア 地域ケア会議：自立支援型 地域ケア会議：ネットワーク 地域ケア会議：推進会議 包括・法人内部会議 SC定例会 その他会議 研修参加 資料作成等事務 " "$tmp/flat"
check "figures: 令和元年度's 25 counts" grep -qF " 令和元年度 58 69 52 536 190 582 456 477 535 67 289 109 3 338 310 132 137 88 125 56 144 119 326 269 659 " "$tmp/flat"
check "figures: 令和2年度's 25 counts" grep -qF " 令和2年度 45 50 17 608 213 685 104 599 244 8 22 47 7 389 466 176 28 11 105 70 225 154 357 166 1528 " "$tmp/flat"
grep -o '<th[^>]*>年度</th><th[^>]*>個別支援：関係形成.*' "$page" | sed 's#</table>.*##' >"$tmp/record"
check "figures: the record has two rows under its head, one per year" [ "$(grep -o "<tr>" "$tmp/record" | wc -l)" -eq 2 ]

# The coordinators as the report places them; the magazine's print run.
has "about" "$tmp/out/about/index.html" " 第1層 鶴岡市 地域包括ケア推進室 " \
    " 第2層 各地域包括支援センター " "5,000部"
has "issue 5 (print)" "$doc" " 発行部数 5000部 "

# Issue 5 holds the report's entries; issue 6 none of them.
for id in activity-kyoden-sasaeai-plan activity-daini-fureai-homon activity-kushibiki-otokojuku \
    event-2021-kenshukai event-2020-ninaite-yosei event-2020-suishin-kaigi-1 \
    event-2020-suishin-kaigi-2 event-2020-suishin-kaigi-3; do
    check "issue 5 prints $id" grep -q "toc-item\"><a href=\"#$id\"" "$doc"
    check "issue 6 does not print $id" sh -c "! grep -q 'id=\"$id\"' '$tmp/out/print/6/6.xhtml'"
done

# What the report replaced: the invented seminar programme and venues, course and councils
# (names are looked for with their spaces taken out).
find "$tmp/out" -name '*.html' -o -name '*.xhtml' -o -name '*.xml' -o -name '*.ics' | sort |
    xargs cat >"$tmp/all"
for gone in 藤島庁舎 大川恵子 親父塾 本間正義 生活支援サポーター 第1層協議体会議 見つける・つなぐ・ひろげる; do
    check "nothing on the site or in print says $gone" sh -c "! tr -d ' ' <'$tmp/all' | grep -qF '$gone'"
done

finish
