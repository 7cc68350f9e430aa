#include "render/data.h"

#include <string.h>

void data_set_str(json_t *obj, const char *key, const char *s)
{
    if (s)
        json_object_set_new(obj, key, json_string(s));
}

void data_set_str_from(json_t *obj, const char *key, const char *s, const json_t *fm,
                       const char *field)
{
    json_t *v = json_object_get(fm, field);
    if (s && json_is_string(v) && strcmp(json_string_value(v), s) == 0)
        json_object_set(obj, key, v);
    else
        data_set_str(obj, key, s);
}

void data_set_buf(json_t *obj, const char *key, struct buf *b)
{
    json_object_set_new(obj, key, json_stringn(b->data, b->len));
    buf_reset(b);
}
