/* Unit tests of form: every field of every kind's schema has a Japanese label (the schema's, as
 * messages use it), the form shows that label, and the forms' description follows the writing order with site.yaml's districts. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content/entry.h"
#include "core/xalloc.h"
#include "harness.h"
#include "serve/form.h"

static void label_all(const struct schema_field *fields, const char *prefix)
{
    for (const struct schema_field *f = fields; f->name; f++) {
        char *path = *prefix ? xasprintf("%s.%s", prefix, f->name) : xstrdup(f->name);
        if (!f->label || !*f->label)
            fprintf(stderr, "no label for %s\n", path);
        CHECK(f->label != NULL && *f->label);
        if (f->fields)
            label_all(f->fields, path);
        free(path);
    }
}

static void every_field_has_a_label(void)
{
    for (int k = 0; k < KIND_COUNT; k++)
        label_all(entry_schema((enum entry_kind)k), "");
}

static void the_description_follows_the_order(void)
{
    struct taxon districts[] = {{"kushibiki", "櫛引", "くしびき", NULL, NULL}};
    struct site_config cfg = {0};
    cfg.districts = districts;
    cfg.n_districts = 1;
    json_t *d = form_describe(&cfg);
    json_t *kinds = json_object_get(d, "kinds");
    CHECK_INT(json_array_size(kinds), KIND_COUNT);
    json_t *event = json_array_get(kinds, KIND_EVENT);
    CHECK_STR(json_string_value(json_object_get(event, "label")), "催し（研修会・会議）");
    /* The form's label for a field is the one messages name it by. */
    for (size_t i = 0; i < json_array_size(json_object_get(event, "fields")); i++) {
        json_t *f = json_array_get(json_object_get(event, "fields"), i);
        if (strcmp(json_string_value(json_object_get(f, "name")), "start") == 0)
            CHECK_STR(json_string_value(json_object_get(f, "label")), "開始日時");
    }
    json_t *fields = json_object_get(event, "fields");
    const char *const *order = entry_field_order(KIND_EVENT);
    size_t n = 0;
    while (order[n])
        n++;
    CHECK_INT(json_array_size(fields), n);
    for (size_t i = 0; i < json_array_size(fields) && i < n; i++)
        CHECK_STR(json_string_value(json_object_get(json_array_get(fields, i), "name")), order[i]);
    json_t *district = json_array_get(json_object_get(d, "districts"), 0);
    CHECK_STR(json_string_value(json_object_get(district, "name")), "櫛引");
    json_decref(d);
    d = form_describe(NULL);
    CHECK_INT(json_array_size(json_object_get(d, "districts")), 0);
    json_decref(d);
}

int main(void)
{
    RUN(every_field_has_a_label);
    RUN(the_description_follows_the_order);
    return HARNESS_DONE();
}
