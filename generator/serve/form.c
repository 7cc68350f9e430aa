#include "serve/form.h"

#include <stdlib.h>
#include <string.h>

#include "content/entry.h"
#include "core/xalloc.h"

struct label {
    const char *path, *label, *help;
};

/* By path; the help is one sentence for a coordinator, or NULL. */
static const struct label labels[] = {
    {"kind", "種類", NULL},
    {"slug", "URL用の名前", "半角の小文字・数字・ハイフンだけで書きます（例: kushibiki-salon）。"},
    {"title", "題名", "ふりがなは {漢字|かんじ} と書きます。"},
    {"reading", "よみがな", "ひらがなで。50音順の並びに使います。"},
    {"district", "地区", NULL},
    {"categories", "分類", "一つ以上選びます。"},
    {"summary", "ひとことで", "一覧やお知らせに出る一行の紹介文です。"},
    {"schedule", "ふだんの日程", "例: 毎週火曜 10:00〜12:00"},
    {"place", "場所", NULL},
    {"organizer", "主催", NULL},
    {"contact", "連絡先", "名前だけでも書けます。"},
    {"contact.name", "名前", NULL},
    {"contact.phone", "電話番号", "半角の数字とハイフンで（例: 0235-00-0000）。"},
    {"contact.email", "メールアドレス", NULL},
    {"contact.fax", "ファクス番号", "半角の数字とハイフンで。"},
    {"contact.url", "ウェブページ", "https:// で始まるアドレス"},
    {"fee", "参加費", "例: 100円（お茶代）"},
    {"audience", "対象", "例: どなたでも"},
    {"image", "表紙の写真", "写真のファイル名。写真を追加すると選べます。"},
    {"image_alt", "表紙の写真の説明", "目の不自由な方の読み上げに使います。"},
    {"issue", "掲載号", "この記事が載った号の番号"},
    {"date", "公開日", NULL},
    {"updated", "更新日", NULL},
    {"draft", "下書き", "下書きのあいだはサイトに出ません（プレビューには出ます）。"},
    {"print_break", "印刷での改ページ", NULL},
    {"pictures", "写真の記録（肖像の同意）", "同意のない写真は公開されません。"},
    {"pictures.file", "ファイル", NULL},
    {"pictures.alt", "写真の説明", NULL},
    {"pictures.consent", "写っている人の同意", NULL},
    {"start", "開始", "1回だけの催しの日時。複数回なら下の「日程」を使います。"},
    {"end", "終了", NULL},
    {"sessions", "日程", "2日以上・2回以上の催しは、回ごとに追加します。"},
    {"sessions.start", "開始", NULL},
    {"sessions.end", "終了", NULL},
    {"sessions.label", "回の名前", "例: 1日目"},
    {"sessions.venue", "会場", "下の「会場」のIDを選びます。"},
    {"status", "開催の状況", NULL},
    {"postponed_to", "延期後の日付", "延期のときだけ。"},
    {"venues", "会場", NULL},
    {"venues.id", "会場ID", "日程から選ぶための短い名前（例: main）"},
    {"venues.name", "会場名", NULL},
    {"venues.address", "住所", "書くと「地図で見る」が出ます。"},
    {"venues.role", "会場の役割", NULL},
    {"venues.url", "ウェブページ", "オンライン会場の案内など"},
    {"program", "プログラム", NULL},
    {"program.title", "内容", NULL},
    {"program.speaker", "話す人", NULL},
    {"program.affiliation", "所属", NULL},
    {"program.time", "時間", "例: 13:30〜14:30"},
    {"capacity", "定員", NULL},
    {"apply", "申し込み", NULL},
    {"apply.deadline", "締め切り", NULL},
    {"apply.how", "申し込み方法", NULL},
    {"participants", "参加者数", "催しのあとで"},
    {"note", "備考", NULL},
    {"number", "号数", NULL},
    {"cover", "表紙の写真", NULL},
    {"cover_alt", "表紙の写真の説明", NULL},
    {"copies", "発行部数", NULL},
    {"editor", "編集", NULL},
    {"contents", "掲載順", "記事のURL用の名前を、印刷の順に一行ずつ。"},
    {"weight", "メニューの順番", "小さい数ほど先に出ます。"},
    {"menu", "メニューに出す", NULL},
};

struct choice {
    const char *value, *label;
};

static const struct choice choice_labels[] = {
    {"activity", "支え合い活動"},
    {"event", "催し（研修会・会議）"},
    {"issue", "号"},
    {"page", "ページ"},
    {"scheduled", "予定どおり"},
    {"cancelled", "中止"},
    {"postponed", "延期"},
    {"written", "書面開催"},
    {"online", "オンライン開催"},
    {"main", "主会場"},
    {"remote", "中継・オンライン"},
    {"page", "新しいページから"},
    {"spread", "見開きから"},
    {"yes", "同意を得た"},
    {"no", "同意を得ていない（公開できません）"},
    {"nobody", "人は写っていない"},
};

const char *form_label(const char *path)
{
    for (size_t i = 0; i < sizeof labels / sizeof *labels; i++)
        if (strcmp(labels[i].path, path) == 0)
            return labels[i].label;
    return NULL;
}

static const char *help_of(const char *path)
{
    for (size_t i = 0; i < sizeof labels / sizeof *labels; i++)
        if (strcmp(labels[i].path, path) == 0)
            return labels[i].help;
    return NULL;
}

/* A choice's label; print_break's "page" is not the kind "page". */
static const char *choice_label(const char *field, const char *value)
{
    int skip_kind = strcmp(field, "kind") != 0 && strcmp(value, "page") == 0;
    for (size_t i = 0; i < sizeof choice_labels / sizeof *choice_labels; i++)
        if (strcmp(choice_labels[i].value, value) == 0 && !(skip_kind && i < 4))
            return choice_labels[i].label;
    return value;
}

static const char *type_name(enum schema_type t)
{
    switch (t) {
    case SCHEMA_STRING:
        return "text";
    case SCHEMA_INT:
        return "number";
    case SCHEMA_BOOL:
        return "bool";
    case SCHEMA_DATE:
        return "date";
    case SCHEMA_DATETIME:
        return "datetime";
    case SCHEMA_WHEN:
        return "when";
    case SCHEMA_STRINGS:
        return "texts";
    case SCHEMA_OBJECT:
        return "group";
    case SCHEMA_LIST:
        return "groups";
    case SCHEMA_PHONE:
        return "phone";
    case SCHEMA_EMAIL:
        return "email";
    case SCHEMA_WEB:
        return "web";
    case SCHEMA_ANY:
        break;
    }
    return "any";
}

static json_t *describe_field(const struct schema_field *f, const char *prefix)
{
    char *path = *prefix ? xasprintf("%s.%s", prefix, f->name) : xstrdup(f->name);
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(f->name));
    json_object_set_new(o, "type", json_string(type_name(f->type)));
    const char *label = form_label(path);
    json_object_set_new(o, "label", json_string(label ? label : f->name));
    if (help_of(path))
        json_object_set_new(o, "help", json_string(help_of(path)));
    if (f->flags & SCHEMA_REQUIRED)
        json_object_set_new(o, "required", json_true());
    if (f->choices) {
        json_t *list = json_array();
        for (const char *const *c = f->choices; *c; c++) {
            json_t *ch = json_object();
            json_object_set_new(ch, "value", json_string(*c));
            json_object_set_new(ch, "label", json_string(choice_label(f->name, *c)));
            json_array_append_new(list, ch);
        }
        json_object_set_new(o, "choices", list);
    }
    if (f->fields) {
        json_t *list = json_array();
        for (const struct schema_field *g = f->fields; g->name; g++)
            json_array_append_new(list, describe_field(g, path));
        json_object_set_new(o, "fields", list);
    }
    free(path);
    return o;
}

static json_t *taxa(const struct taxon *v, size_t n)
{
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *t = json_object();
        json_object_set_new(t, "slug", json_string(v[i].slug));
        json_object_set_new(t, "name", json_string(v[i].name ? v[i].name : v[i].slug));
        if (v[i].reading)
            json_object_set_new(t, "reading", json_string(v[i].reading));
        json_array_append_new(list, t);
    }
    return list;
}

json_t *form_describe(const struct site_config *cfg)
{
    json_t *kinds = json_array();
    for (int k = 0; k < KIND_COUNT; k++) {
        const struct schema_field *schema = entry_schema((enum entry_kind)k);
        json_t *fields = json_array();
        for (const char *const *name = entry_field_order((enum entry_kind)k); *name; name++)
            for (const struct schema_field *f = schema; f->name; f++)
                if (strcmp(f->name, *name) == 0)
                    json_array_append_new(fields, describe_field(f, ""));
        json_t *kind = json_object();
        json_object_set_new(kind, "kind", json_string(entry_kind_name((enum entry_kind)k)));
        json_object_set_new(kind, "label",
                            json_string(choice_label("kind", entry_kind_name((enum entry_kind)k))));
        json_object_set_new(kind, "folder", json_string(entry_kind_folder((enum entry_kind)k)));
        json_object_set_new(kind, "fields", fields);
        json_array_append_new(kinds, kind);
    }
    json_t *out = json_object();
    json_object_set_new(out, "kinds", kinds);
    json_object_set_new(out, "districts",
                        cfg ? taxa(cfg->districts, cfg->n_districts) : json_array());
    json_object_set_new(out, "categories",
                        cfg ? taxa(cfg->categories, cfg->n_categories) : json_array());
    return out;
}
