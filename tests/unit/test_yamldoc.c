/* Unit tests of yamldoc: core-schema typing, positions, every error message, limits. */
#include <stdlib.h>
#include <unistd.h>

#include "content/yamldoc.h"
#include "core/buf.h"
#include "core/diag.h"
#include "core/fs.h"
#include "core/xalloc.h"
#include "harness.h"

static int parse(struct diag *d, const char *text, unsigned first_line, struct yamldoc *doc)
{
    return yamldoc_parse(d, "f.md", text, strlen(text), first_line, doc);
}

/* Parses `v: <value>` and returns the value of v dumped as JSON (or the messages). */
static char *typed(const char *value)
{
    struct diag d;
    diag_init(&d);
    struct yamldoc doc;
    char *text = xasprintf("v: %s\n", value);
    char *out;
    if (parse(&d, text, 1, &doc) == 0)
        out = json_dumps(json_object_get(doc.root, "v"), JSON_ENCODE_ANY);
    else
        out = harness_diag_text_trimmed(&d);
    free(text);
    yamldoc_release(&doc);
    diag_release(&d);
    return out;
}

static void core_schema_typing(void)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        /* null */
        {"", "null"},
        {"~", "null"},
        {"null", "null"},
        {"Null", "null"},
        {"NULL", "null"},
        /* booleans */
        {"true", "true"},
        {"True", "true"},
        {"TRUE", "true"},
        {"false", "false"},
        {"False", "false"},
        {"FALSE", "false"},
        /* integers */
        {"0", "0"},
        {"42", "42"},
        {"-17", "-17"},
        {"+5", "5"},
        {"007", "7"},
        {"0o17", "15"},
        {"0x1F", "31"},
        {"0xff", "255"},
        {"9223372036854775807", "9223372036854775807"},
        {"-9223372036854775808", "-9223372036854775808"},
        {"0x7FFFFFFFFFFFFFFF", "9223372036854775807"},
        /* floats */
        {"1.5", "1.5"},
        {"-0.25", "-0.25"},
        {".5", "0.5"},
        {"1.", "1.0"},
        {"1e3", "1000.0"},
        {"6.5E+2", "650.0"},
        {"+1.5", "1.5"},
        {"-.5e1", "-5.0"},
        /* text that other YAML versions would have typed */
        {"2021-02-19", "\"2021-02-19\""},
        {"2021-02-19 13:30", "\"2021-02-19 13:30\""},
        {"13:30", "\"13:30\""},
        {"yes", "\"yes\""},
        {"no", "\"no\""},
        {"on", "\"on\""},
        {"off", "\"off\""},
        {"Yes", "\"Yes\""},
        {"nULL", "\"nULL\""},
        {"tRUE", "\"tRUE\""},
        {"1_000", "\"1_000\""},
        {"0b101", "\"0b101\""},
        {"0x", "\"0x\""},
        {"0o8", "\"0o8\""},
        {"-0x1", "\"-0x1\""},
        {"1e", "\"1e\""},
        {"e5", "\"e5\""},
        {"1.2.3", "\"1.2.3\""},
        {".", "\".\""},
        {"+", "\"+\""},
        {"0235-57-2111", "\"0235-57-2111\""},
        {"研修会", "\"研修会\""},
        {"inf", "\"inf\""},
        {"-.nan", "\"-.nan\""},
        /* quoted and block scalars are always text */
        {"\"true\"", "\"true\""},
        {"'123'", "\"123\""},
        {"\"null\"", "\"null\""},
        {"''", "\"\""},
        {"\"a\\tb\\u3042\"", "\"a\\tbあ\""},
        {"'it''s'", "\"it's\""},
        {"|\n  12\n  34\n", "\"12\\n34\\n\""},
        {">-\n  a\n  b\n", "\"a b\""},
        /* explicit tags */
        {"!!str 12", "\"12\""},
        {"!!str true", "\"true\""},
        {"!!str", "\"\""},
        {"! 12", "\"12\""},
        {"!!int \"12\"", "12"},
        {"!!int 0x10", "16"},
        {"!!float 3", "3.0"},
        {"!!float '2.5'", "2.5"},
        {"!!bool \"false\"", "false"},
        {"!!null ''", "null"},
        {"!!null", "null"},
        /* collections */
        {"[1, a, \"2\", ~]", "[1, \"a\", \"2\", null]"},
        {"{a: 1, b: [x]}", "{\"a\": 1, \"b\": [\"x\"]}"},
        {"\n  - 1\n  - two\n", "[1, \"two\"]"},
        {"!!seq [1]", "[1]"},
        {"!!map {k: v}", "{\"k\": \"v\"}"},
        {"[]", "[]"},
        {"{}", "{}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = typed(cases[i].in);
        int ok = got && strcmp(got, cases[i].want) == 0;
        if (!ok)
            fprintf(stderr, "typing of '%s': got %s, want %s\n", cases[i].in, got, cases[i].want);
        if (!ok)
            harness_fails_now++;
        free(got);
    }
}

/* Each input must fail with exactly these messages (sorted, one per line). */
static void every_error_message(void)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"a: 1\n\tb: 2\n", "f.md:3:1: error: tabs cannot be used to indent YAML; use spaces"},
        {"a:\n  b: |\n    x\n\ty\n",
         "f.md:5:1: error: tabs cannot be used to indent YAML; use spaces"},
        {"title: x\ntitle: y\n",
         "f.md:3:1: error: 'title' appears twice in this block (first on line 2)"},
        {"c:\n  n: 1\n  p: 2\n  n: 3\n",
         "f.md:5:3: error: 'n' appears twice in this block (first on line 3)"},
        {"title: \"abc\nb: 1\n", "f.md:2:8: error: this quoted text is never closed (missing \")"},
        {"title: 'abc\nb: 1\n", "f.md:2:8: error: this quoted text is never closed (missing ')"},
        {"a: 1\n  b: 2\n",
         "f.md:3:3: error: this line is indented differently from the lines around it"},
        {"a:\n  b: 1\n c: 2\n",
         "f.md:4:2: error: this line is indented differently from the lines around it"},
        {"a:\n  - x\n - y\n",
         "f.md:4:2: error: this line is indented differently from the lines around it"},
        {"title: 研修会: 第1回\n",
         "f.md:2:11: error: this value contains ': ', which YAML reads as the start of a field; "
         "put the whole value in quotes"},
        {"title: x\nsummary:text\n",
         "f.md:3:1: error: this line is not a field: write it as name: value, with a space after "
         "the colon"},
        {"a: [x, y\nb: 1\n",
         "f.md:2:4: error: this list is never closed: add ] after its last item"},
        {"a: {x: 1\n",
         "f.md:2:4: error: these fields in { } are never closed: add } after the last one"},
        {"a: \"x\\qy\"\n",
         "f.md:2:6: error: '\\q' is not allowed between double quotes; write \\\\ for a "
         "backslash, or use single quotes"},
        {"a: \"C:\\Users\"\n",
         "f.md:2:7: error: '\\U' between double quotes must be followed by a character code; "
         "write \\\\ for a backslash, or use single quotes"},
        {"a: \"\\uD800\"\n",
         "f.md:2:5: error: '\\u' between double quotes must be followed by a character code; "
         "write \\\\ for a backslash, or use single quotes"},
        {"a: 1\n]\n", "f.md:3:1: error: there is a ']' here without a '[' before it"},
        {"a: 1\n...\n# note\nb: 2\n",
         "f.md:5:1: error: the line ... above ends the YAML, so nothing may follow it; remove "
         "that line"},
        {"\"a\" b\n",
         "f.md:2:5: error: unexpected text after the value; if it all belongs to the value, put "
         "the whole value in quotes"},
        {"a: @home\n",
         "f.md:2:4: error: '@' cannot start a value in YAML; put the whole value in quotes"},
        {"note: *要予約\n",
         "f.md:2:7: error: '*' at the start of a value has a special meaning in YAML; put the "
         "whole value in quotes"},
        {"a: &\n",
         "f.md:2:4: error: '&' at the start of a value has a special meaning in YAML; put the "
         "whole value in quotes"},
        {"note: *abc\n",
         "f.md:2:7: error: '*abc' refers to an anchor &abc that is not defined above it; if the "
         "* is part of the text, put the whole value in quotes"},
        {"a: &x [1, *x]\n",
         "f.md:2:11: error: '*x' is used inside the block it repeats (&x), which would never end"},
        {"a: \"x\" y\n",
         "f.md:2:8: error: unexpected text after the value; if it all belongs to the value, put "
         "the whole value in quotes"},
        {"a: - x\n",
         "f.md:2:4: error: a list item (- ...) cannot start on the same line as its field name; "
         "put each item on its own line below, indented"},
        {"a: |x\n  y\n",
         "f.md:2:5: error: only a number, + or - may follow | or > on its line; start the text "
         "on the next line"},
        {"a: {b: [}\n", "f.md:2:9: error: a value is missing here"},
        {": x\n", "f.md:2:1: error: this field has no name before its ':'"},
        {"\"\": x\n", "f.md:2:1: error: this field has no name before its ':'"},
        {"a: !重要\n",
         "f.md:2:4: error: '!' at the start of a value has a special meaning in YAML; put the "
         "whole value in quotes"},
        {"a: !important\n",
         "f.md:2:4: error: '!important' is read as a YAML tag; if the ! is part of the text, put "
         "the whole value in quotes"},
        {"a: !x!y z\n",
         "f.md:2:4: error: '!' at the start of a value has a special meaning in YAML; put the "
         "whole value in quotes"},
        {"a: !!timestamp 2021-02-19\n",
         "f.md:2:4: error: the tag !!timestamp is not supported here; use !!str, !!int, !!float, "
         "!!bool or !!null, or remove it"},
        {"a: !!str [1]\n", "f.md:2:4: error: the tag !!str cannot be used on a list"},
        {"a: !!seq {b: 1}\n", "f.md:2:4: error: the tag !!seq cannot be used on a block of fields"},
        {"!!int a: 1\n",
         "f.md:2:1: error: the tag !!int is not supported here; use !!str, !!int, !!float, "
         "!!bool or !!null, or remove it"},
        {"a: !!int 1.5\n", "f.md:2:4: error: '1.5' is not a whole number, but it is marked !!int"},
        {"a: !!float abc\n", "f.md:2:4: error: 'abc' is not a number, but it is marked !!float"},
        {"a: !!bool yes\n", "f.md:2:4: error: 'yes' is not true or false, but it is marked !!bool"},
        {"a: !!null x\n", "f.md:2:4: error: 'x' is not empty, but it is marked !!null"},
        {"id: 99999999999999999999\n",
         "f.md:2:5: error: '99999999999999999999' is too large a number (the largest is "
         "9223372036854775807); if it is not a number but a code or ID, put it in quotes"},
        {"id: -9223372036854775809\n",
         "f.md:2:5: error: '-9223372036854775809' is too large a number (the largest is "
         "9223372036854775807); if it is not a number but a code or ID, put it in quotes"},
        {"id: 0x10000000000000000\n",
         "f.md:2:5: error: '0x10000000000000000' is too large a number (the largest is "
         "9223372036854775807); if it is not a number but a code or ID, put it in quotes"},
        {"x: 1e999\n",
         "f.md:2:4: error: '1e999' is too large a number; if it is not a number, put it in quotes"},
        {"x: .inf\n",
         "f.md:2:4: error: '.inf' (infinity) cannot be used as a value; if you mean the text, put "
         "it in quotes"},
        {"x: -.Inf\n",
         "f.md:2:4: error: '-.Inf' (infinity) cannot be used as a value; if you mean the text, "
         "put it in quotes"},
        {"x: .NaN\n",
         "f.md:2:4: error: '.NaN' (not a number) cannot be used as a value; if you mean the "
         "text, put it in quotes"},
        {"<<: {a: 1}\n",
         "f.md:2:1: error: merging fields with '<<' is not supported; write the fields out in "
         "full"},
        {"[a, b]: 1\n", "f.md:2:1: error: a field name must be a single word or text, not a list"},
        {"? {a: 1}\n: x\n",
         "f.md:2:3: error: a field name must be a single word or text, not a block of fields"},
        {"x: &k a\n*k : 1\n", "f.md:3:1: error: a field name cannot be an alias (*k)"},
        {"a: \"x\\0y\"\n",
         "f.md:2:4: error: this text contains a NUL character (written \\0), which is not allowed"},
        {"a: x\x01y\n",
         "f.md:2:5: error: this text contains an invisible control character (U+0001) that YAML "
         "does not allow; delete it"},
        {"title: 日本\x1b\n",
         "f.md:2:10: error: this text contains an invisible control character (U+001B) that YAML "
         "does not allow; delete it"},
        {"a: 1\n---\nb: 2\n",
         "f.md:3:1: error: a second YAML document starts here, but a file can hold only one: "
         "remove this line or what follows it"},
        {"%YAML 1.3\n---\na: 1\n",
         "f.md:2:1: error: this file asks for a YAML version kairan cannot read; remove the "
         "%YAML line"},
        {"- a\n- b\n",
         "f.md:2:1: error: the top level must be fields written as name: value, one per line, "
         "but here it is a list"},
        {"just a title\n",
         "f.md:2:1: error: the top level must be fields written as name: value, one per line, "
         "but here it is a single value"},
        {"a: \x82\xa0\n",
         "f.md:2:4: error: the text here is not valid UTF-8 (a byte that can only continue a "
         "character starts one): save the file as UTF-8, not Shift_JIS"},
        /* several problems in one go, sorted by position */
        {"a: 1\na: 2\nb: !!bool x\nb: 3\n",
         "f.md:3:1: error: 'a' appears twice in this block (first on line 2)\n"
         "f.md:4:4: error: 'x' is not true or false, but it is marked !!bool\n"
         "f.md:5:1: error: 'b' appears twice in this block (first on line 4)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct diag d;
        diag_init(&d);
        struct yamldoc doc;
        int rc = parse(&d, cases[i].in, 2, &doc);
        char *got = harness_diag_text_trimmed(&d);
        int ok = rc == -1 && doc.root == NULL && strcmp(got, cases[i].want) == 0;
        if (!ok)
            fprintf(stderr, "input:\n%s\ngot (rc %d):\n%s\nwant:\n%s\n", cases[i].in, rc, got,
                    cases[i].want);
        if (!ok)
            harness_fails_now++;
        free(got);
        yamldoc_release(&doc);
        diag_release(&d);
    }
}

static void check_pos(const struct yamldoc *doc, const char *path, unsigned kl, unsigned kc,
                      unsigned vl, unsigned vc)
{
    struct yamldoc_pos k = {0, 0}, v = {0, 0};
    int rk = yamldoc_key_pos(doc, path, &k), rv = yamldoc_value_pos(doc, path, &v);
    if (rk || rv || k.line != kl || k.col != kc || v.line != vl || v.col != vc) {
        harness_fails_now++;
        fprintf(stderr, "%s: key %u:%u value %u:%u, want key %u:%u value %u:%u\n", path, k.line,
                k.col, v.line, v.col, kl, kc, vl, vc);
    }
}

static void nested_positions_with_offset(void)
{
    const char *text = "title: 研修会のお知らせ\n"             /* line 5 */
                       "contact:\n"                            /* 6 */
                       "  name: 佐藤\n"                        /* 7 */
                       "  phone: \"0235-57-2111\"\n"           /* 8 */
                       "sessions:\n"                           /* 9 */
                       "  - start: 2021-02-19 13:30\n"         /* 10 */
                       "    venue: hall\n"                     /* 11 */
                       "  -   start: 2021-02-20 09:00\n"       /* 12 */
                       "      label: 二日目\n"                 /* 13 */
                       "tags: [サロン, 体操]\n"                /* 14 */
                       "empty:\n"                              /* 15 */
                       "nested: {a: {b: [1, {c: 日本語}]}}\n"; /* 16 */
    struct diag d;
    diag_init(&d);
    struct yamldoc doc;
    CHECK_INT(parse(&d, text, 5, &doc), 0);
    CHECK_INT(d.len, 0);
    check_pos(&doc, "", 5, 1, 5, 1);
    check_pos(&doc, "title", 5, 1, 5, 8);
    check_pos(&doc, "contact", 6, 1, 7, 3);
    check_pos(&doc, "contact.name", 7, 3, 7, 9);
    check_pos(&doc, "contact.phone", 8, 3, 8, 10);
    check_pos(&doc, "sessions", 9, 1, 10, 3);
    check_pos(&doc, "sessions.0", 10, 5, 10, 5);
    check_pos(&doc, "sessions.0.start", 10, 5, 10, 12);
    check_pos(&doc, "sessions.0.venue", 11, 5, 11, 12);
    check_pos(&doc, "sessions.1", 12, 7, 12, 7);
    check_pos(&doc, "sessions.1.start", 12, 7, 12, 14);
    /* columns count characters: 二日目 is three columns, not nine */
    check_pos(&doc, "sessions.1.label", 13, 7, 13, 14);
    check_pos(&doc, "tags", 14, 1, 14, 7);
    check_pos(&doc, "tags.1", 14, 13, 14, 13);
    check_pos(&doc, "empty", 15, 1, 15, 7);
    check_pos(&doc, "nested.a.b.1.c", 16, 22, 16, 25);
    struct yamldoc_pos p;
    CHECK_INT(yamldoc_value_pos(&doc, "sessions.2", &p), -1);
    CHECK_INT(yamldoc_key_pos(&doc, "nope", &p), -1);
    CHECK_INT(yamldoc_value_pos(&doc, "contact.", &p), -1);
    CHECK_STR(json_string_value(json_object_get(json_object_get(doc.root, "contact"), "phone")),
              "0235-57-2111");
    CHECK(json_is_null(json_object_get(doc.root, "empty")));
    yamldoc_release(&doc);
    CHECK(doc.root == NULL);
    diag_release(&d);
}

static void plain_text_keeps_what_was_written(void)
{
    const char *text = "phone: 0235572111\nflag: True\nnothing: ~\ntitle: x\nq: \"12\"\n"
                       "list: [007]\n";
    struct diag d;
    diag_init(&d);
    struct yamldoc doc;
    CHECK_INT(parse(&d, text, 1, &doc), 0);
    CHECK_INT(json_integer_value(json_object_get(doc.root, "phone")), 235572111);
    CHECK_STR(yamldoc_plain_text(&doc, "phone"), "0235572111");
    CHECK_STR(yamldoc_plain_text(&doc, "flag"), "True");
    CHECK_STR(yamldoc_plain_text(&doc, "nothing"), "~");
    CHECK_STR(yamldoc_plain_text(&doc, "list.0"), "007");
    CHECK(yamldoc_plain_text(&doc, "title") == NULL);
    CHECK(yamldoc_plain_text(&doc, "q") == NULL);
    CHECK(yamldoc_plain_text(&doc, "list") == NULL);
    CHECK(yamldoc_plain_text(&doc, "missing") == NULL);
    yamldoc_release(&doc);
    diag_release(&d);
}

static void same_key_in_different_blocks_is_fine(void)
{
    const char *text = "a:\n  name: x\nb:\n  name: y\nlist:\n  - name: 1\n  - name: 2\n";
    struct diag d;
    diag_init(&d);
    struct yamldoc doc;
    CHECK_INT(parse(&d, text, 1, &doc), 0);
    CHECK_INT(d.len, 0);
    char *s = json_dumps(doc.root, JSON_COMPACT);
    CHECK_STR(s, "{\"a\":{\"name\":\"x\"},\"b\":{\"name\":\"y\"},\"list\":[{\"name\":1},"
                 "{\"name\":2}]}");
    free(s);
    yamldoc_release(&doc);
    diag_release(&d);
}

static void empty_documents_give_an_empty_object(void)
{
    static const char *const texts[] = {"",    "\n\n",  "# only a comment\n",
                                        "~\n", "---\n", "---\n...\n"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct diag d;
        diag_init(&d);
        struct yamldoc doc;
        CHECK_INT(parse(&d, texts[i], 2, &doc), 0);
        CHECK(json_is_object(doc.root) && json_object_size(doc.root) == 0);
        struct yamldoc_pos p = {0, 0};
        CHECK_INT(yamldoc_value_pos(&doc, "", &p), 0);
        CHECK_INT(p.line, 2);
        yamldoc_release(&doc);
        diag_release(&d);
    }
}

static void aliases_copy_with_positions(void)
{
    const char *text = "base: &hall {name: 公民館, room: 2}\n"
                       "first: *hall\n"
                       "list: [*hall, &n 5, *n]\n";
    struct diag d;
    diag_init(&d);
    struct yamldoc doc;
    CHECK_INT(parse(&d, text, 1, &doc), 0);
    char *s = json_dumps(doc.root, JSON_COMPACT);
    CHECK_STR(s, "{\"base\":{\"name\":\"公民館\",\"room\":2},\"first\":{\"name\":\"公民館\","
                 "\"room\":2},\"list\":[{\"name\":\"公民館\",\"room\":2},5,5]}");
    free(s);
    /* a copy is independent of its anchor */
    CHECK(json_object_get(doc.root, "first") != json_object_get(doc.root, "base"));
    check_pos(&doc, "first", 2, 1, 2, 8);
    check_pos(&doc, "first.room", 2, 8, 2, 8);
    check_pos(&doc, "list.0.name", 3, 8, 3, 8);
    check_pos(&doc, "list.2", 3, 21, 3, 21);
    check_pos(&doc, "base.room", 1, 25, 1, 31);
    yamldoc_release(&doc);
    diag_release(&d);
}

static void alias_bomb_is_refused(void)
{
    /* "billion laughs": nine levels of nine aliases each would make 9^9 values. */
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 10; i++) {
        buf_printf(&b, "a%d: &a%d [", i, i);
        for (int j = 0; j < 9; j++)
            buf_printf(&b, "%s*a%d", j ? ", " : "", i - 1);
        buf_puts(&b, "]\n");
    }
    struct diag d;
    diag_init(&d);
    struct yamldoc doc;
    CHECK_INT(parse(&d, b.data, 2, &doc), -1);
    char *got = harness_diag_text_trimmed(&d);
    /* a3 holds 9 copies of a2 (91 values each): the budget of 10000 runs out in line 6 */
    CHECK_STR(got, "f.md:6:10: error: the aliases (*name) in this file repeat too much (more "
                   "than 10000 values or 16 MB of text); write the values out instead");
    free(got);
    yamldoc_release(&doc);
    diag_release(&d);

    /* the same with a big text instead of many values */
    buf_reset(&b);
    buf_puts(&b, "big: &b \"");
    for (int i = 0; i < (1 << 20); i++)
        buf_putc(&b, 'x');
    buf_puts(&b, "\"\n");
    for (int i = 0; i < 17; i++)
        buf_printf(&b, "c%d: *b\n", i);
    diag_init(&d);
    CHECK_INT(parse(&d, b.data, 1, &doc), -1);
    got = harness_diag_text_trimmed(&d);
    CHECK_STR(got, "f.md:18:6: error: the aliases (*name) in this file repeat too much (more "
                   "than 10000 values or 16 MB of text); write the values out instead");
    free(got);
    diag_release(&d);
    buf_release(&b);
}

static char *nesting(int levels, const char *open, const char *close)
{
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "v: ");
    for (int i = 0; i < levels; i++)
        buf_puts(&b, open);
    buf_puts(&b, "1");
    for (int i = 0; i < levels; i++)
        buf_puts(&b, close);
    buf_putc(&b, '\n');
    return buf_detach(&b, NULL);
}

/* A list nested levels deep around an alias of a list 10 levels deep. */
static char *alias_nesting(int levels)
{
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "a: &d [[[[[[[[[[1]]]]]]]]]]\nv: ");
    for (int i = 0; i < levels; i++)
        buf_putc(&b, '[');
    buf_puts(&b, "*d");
    for (int i = 0; i < levels; i++)
        buf_putc(&b, ']');
    buf_putc(&b, '\n');
    return buf_detach(&b, NULL);
}

static void deep_nesting_is_refused(void)
{
    static const char *const forms[][2] = {{"[", "]"}, {"{a: ", "}"}};
    for (size_t i = 0; i < 2; i++) {
        /* 99 levels inside the top-level block make 100, which is fine; 101 is too many */
        for (int levels = 99; levels <= 100; levels++) {
            char *text = nesting(levels, forms[i][0], forms[i][1]);
            struct diag d;
            diag_init(&d);
            struct yamldoc doc;
            CHECK_INT(parse(&d, text, 1, &doc), levels == 99 ? 0 : -1);
            yamldoc_release(&doc);
            diag_release(&d);
            free(text);
        }
    }
    char *text = nesting(10000, "[", "]");
    struct diag d;
    diag_init(&d);
    struct yamldoc doc;
    CHECK_INT(parse(&d, text, 1, &doc), -1);
    char *got = harness_diag_text_trimmed(&d);
    CHECK_STR(got, "f.md:1:103: error: lists and fields are nested more than 100 levels deep "
                   "here");
    free(got);
    diag_release(&d);
    free(text);

    /* block style: "- - - - ..." */
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "v:\n");
    for (int i = 0; i < 10000; i++)
        buf_puts(&b, "- ");
    buf_puts(&b, "x\n");
    diag_init(&d);
    CHECK_INT(parse(&d, b.data, 1, &doc), -1);
    got = harness_diag_text_trimmed(&d);
    CHECK_STR(got, "f.md:2:199: error: lists and fields are nested more than 100 levels deep "
                   "here");
    free(got);
    diag_release(&d);
    buf_release(&b);

    /* an alias whose copy would go past the limit: 1 + 90 open levels, 10 more copied */
    text = alias_nesting(90);
    diag_init(&d);
    CHECK_INT(parse(&d, text, 1, &doc), -1);
    got = harness_diag_text_trimmed(&d);
    CHECK_STR(got, "f.md:2:94: error: lists and fields are nested more than 100 levels deep "
                   "here");
    free(got);
    diag_release(&d);
    free(text);
    /* one level less fits exactly */
    text = alias_nesting(89);
    diag_init(&d);
    CHECK_INT(parse(&d, text, 1, &doc), 0);
    yamldoc_release(&doc);
    diag_release(&d);
    free(text);
}

static void large_value(void)
{
    size_t n = 20u << 20;
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "title: x\nbody: \"");
    buf_grow(&b, n + 100);
    memset(b.data + b.len, 'a', n);
    b.len += n;
    buf_puts(&b, "\"\nblock: |\n  ");
    for (int i = 0; i < 100000; i++)
        buf_puts(&b, "ひらがな");
    buf_puts(&b, "\nafter: 1\n");
    struct diag d;
    diag_init(&d);
    struct yamldoc doc;
    CHECK_INT(parse(&d, b.data, 1, &doc), 0);
    CHECK_INT(json_string_length(json_object_get(doc.root, "body")), n);
    CHECK_INT(json_string_length(json_object_get(doc.root, "block")), 100000 * 12 + 1);
    check_pos(&doc, "after", 5, 1, 5, 8);
    yamldoc_release(&doc);
    diag_release(&d);

    /* the message about a long value shows only its beginning */
    buf_reset(&b);
    buf_puts(&b, "v: !!int ");
    for (int i = 0; i < 1000; i++)
        buf_puts(&b, "日");
    diag_init(&d);
    CHECK_INT(parse(&d, b.data, 1, &doc), -1);
    char *got = harness_diag_text_trimmed(&d);
    CHECK_STR(got, "f.md:1:4: error: '日日日日日日日日日日日日日...' is not a whole number, but it "
                   "is marked !!int");
    free(got);
    diag_release(&d);
    buf_release(&b);
}

static void long_field_name(void)
{
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < 1100; i++)
        buf_puts(&b, "名");
    buf_puts(&b, ": x\n");
    struct diag d;
    diag_init(&d);
    struct yamldoc doc;
    CHECK_INT(parse(&d, b.data, 1, &doc), -1);
    char *got = harness_diag_text_trimmed(&d);
    CHECK_STR(got, "f.md:1:1101: error: this field name is too long (YAML allows at most 1024 "
                   "characters before the ':')");
    free(got);
    diag_release(&d);
    buf_release(&b);
}

static void too_many_problems_stop_early(void)
{
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < 200; i++)
        buf_puts(&b, "a: 1\n");
    struct diag d;
    diag_init(&d);
    struct yamldoc doc;
    CHECK_INT(parse(&d, b.data, 1, &doc), -1);
    CHECK_INT(d.len, 51);
    char *last = diag_format(&d.msgs[50]);
    CHECK_STR(last, "f.md:52:1: error: there are too many problems in this file: fix the ones "
                    "above first");
    free(last);
    diag_release(&d);
    buf_release(&b);
}

static void load_file_normalises(void)
{
    char dir[] = "/tmp/kairan-yamldoc-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *path = xasprintf("%s/site.yaml", dir);
    struct diag d;
    diag_init(&d);
    const char *text = "\xEF\xBB\xBFtitle: 和と輪\r\nper_page: 12\r\nprint:\r\n  size: A4\r\n";
    CHECK_INT(fs_write_file(&d, path, text, strlen(text)), 0);
    struct yamldoc doc;
    CHECK_INT(yamldoc_load_file(&d, path, &doc), 0);
    CHECK_INT(d.len, 0);
    CHECK_STR(json_string_value(json_object_get(doc.root, "title")), "和と輪");
    CHECK_INT(json_integer_value(json_object_get(doc.root, "per_page")), 12);
    check_pos(&doc, "title", 1, 1, 1, 8);
    check_pos(&doc, "print.size", 4, 3, 4, 9);
    yamldoc_release(&doc);
    unlink(path);

    /* an unreadable file is an I/O error */
    CHECK_INT(yamldoc_load_file(&d, path, &doc), -1);
    CHECK_INT(d.io_errors, 1);
    char *got = harness_diag_text_trimmed(&d);
    char *want = xasprintf("%s: error: cannot open: No such file or directory", path);
    CHECK_STR(got, want);
    free(got);
    free(want);
    diag_release(&d);
    rmdir(dir);
    free(path);
}

int main(void)
{
    RUN(core_schema_typing);
    RUN(every_error_message);
    RUN(nested_positions_with_offset);
    RUN(plain_text_keeps_what_was_written);
    RUN(same_key_in_different_blocks_is_fine);
    RUN(empty_documents_give_an_empty_object);
    RUN(aliases_copy_with_positions);
    RUN(alias_bomb_is_refused);
    RUN(deep_nesting_is_refused);
    RUN(large_value);
    RUN(long_field_name);
    RUN(too_many_problems_stop_early);
    RUN(load_file_normalises);
    return HARNESS_DONE();
}
