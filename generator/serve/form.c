#include "serve/form.h"

#include <stdlib.h>
#include <string.h>

#include "content/entry.h"
#include "core/xalloc.h"

struct help {
    const char *path, *help;
};

/* By path: one sentence for a coordinator, shown under the field. The labels themselves are
 * the schema's (content/entry.c), the same words kairan's messages use. */
static const struct help helps[] = {
    {"slug", "半角の小文字・数字・ハイフンだけで書きます（例: kushibiki-salon）。"},
    {"title", "ふりがなは {漢字|かんじ} と書きます。"},
    {"reading", "ひらがなで。50音順の並びに使います。"},
    {"categories", "一つ以上選びます。"},
    {"summary", "一覧やお知らせに出る一行の紹介文です。"},
    {"schedule", "例: 毎週火曜 10:00〜12:00"},
    {"contact", "名前だけでも書けます。"},
    {"contact.phone", "半角の数字とハイフンで（例: 0235-00-0000）。"},
    {"contact.fax", "半角の数字とハイフンで。"},
    {"contact.url", "https:// で始まるアドレス"},
    {"fee", "例: 100円（お茶代）"},
    {"audience", "例: どなたでも"},
    {"image", "写真のファイル名。写真を追加すると選べます。"},
    {"image_alt", "目の不自由な方の読み上げに使います。"},
    {"issue", "この記事が載った号の番号"},
    {"draft", "下書きのあいだはサイトに出ません（プレビューには出ます）。"},
    {"pictures", "同意のない写真は公開されません。"},
    {"start", "1回だけの催しの日時。複数回なら下の「開催回」を使います。"},
    {"sessions", "2日以上・2回以上の催しは、回ごとに追加します。"},
    {"sessions.label", "例: 1日目"},
    {"sessions.venue", "下の「会場」の記号を選びます。"},
    {"postponed_to", "延期のときだけ。"},
    {"venues.id", "開催回の会場として選ぶための短い名前（例: main）"},
    {"venues.address", "書くと「地図で見る」が出ます。"},
    {"venues.url", "オンライン会場の案内など"},
    {"program.time", "例: 13:30〜14:30"},
    {"participants", "催しのあとで"},
    {"contents", "記事のURL用の名前を、印刷の順に一行ずつ。"},
    {"weight", "小さい数ほど先に出ます。"},
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

static const char *help_of(const char *path)
{
    for (size_t i = 0; i < sizeof helps / sizeof *helps; i++)
        if (strcmp(helps[i].path, path) == 0)
            return helps[i].help;
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

/* probe is prefix with a list's items numbered ("sessions.0" for "sessions"), as
 * entry_field_shared takes paths. */
static json_t *describe_field(const struct schema_field *f, const char *prefix, const char *probe)
{
    char *path = *prefix ? xasprintf("%s.%s", prefix, f->name) : xstrdup(f->name);
    char *probe_path = *probe ? xasprintf("%s.%s", probe, f->name) : xstrdup(f->name);
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(f->name));
    json_object_set_new(o, "type", json_string(type_name(f->type)));
    json_object_set_new(o, "label", json_string(f->label ? f->label : f->name));
    if (help_of(path))
        json_object_set_new(o, "help", json_string(help_of(path)));
    if (f->flags & SCHEMA_REQUIRED)
        json_object_set_new(o, "required", json_true());
    if (entry_field_shared(probe_path))
        json_object_set_new(o, "shared", json_true());
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
        char *item = f->type == SCHEMA_LIST ? xasprintf("%s.0", probe_path) : xstrdup(probe_path);
        json_t *list = json_array();
        for (const struct schema_field *g = f->fields; g->name; g++)
            json_array_append_new(list, describe_field(g, path, item));
        json_object_set_new(o, "fields", list);
        free(item);
    }
    free(path);
    free(probe_path);
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
                    json_array_append_new(fields, describe_field(f, "", ""));
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
    json_t *langs = json_array();
    for (size_t k = 0; cfg && k < cfg->n_languages; k++) {
        const struct language *l = &cfg->languages[k];
        json_t *lang = json_object();
        json_object_set_new(lang, "code", json_string(l->code));
        json_object_set_new(lang, "name", json_string(l->name ? l->name : l->code));
        json_object_set_new(lang, "key", l->key ? json_string(l->key) : json_null());
        json_object_set_new(lang, "default", json_boolean(k == 0));
        json_array_append_new(langs, lang);
    }
    json_object_set_new(out, "languages", langs);
    return out;
}
