#include "content/frontmatter.h"

#include <string.h>
#include <sys/stat.h>

#include "core/fs.h"
#include "core/intl.h"
#include "core/text.h"

/* Whether the line at s (up to its LF or end) is a --- delimiter; trailing blanks are allowed
 * because editors leave them and nobody can see them. */
static int is_delimiter(const char *s, const char *end)
{
    if (end - s < 3 || memcmp(s, "---", 3) != 0)
        return 0;
    for (s += 3; s < end && *s != '\n'; s++)
        if (*s != ' ' && *s != '\t')
            return 0;
    return 1;
}

static const char *next_line(const char *s, const char *end)
{
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    return nl ? nl + 1 : end;
}

static int is_blank_line(const char *s, const char *end)
{
    for (; s < end && *s != '\n'; s++)
        if (*s != ' ' && *s != '\t')
            return 0;
    return 1;
}

int frontmatter_split(struct diag *d, const char *path, const char *text, size_t len,
                      struct frontmatter *out)
{
    memset(out, 0, sizeof *out);
    if (text_check(d, path, text, len, 1) != 0)
        return -1;
    const char *end = text + len;
    if (!is_delimiter(text, end)) {
        /* Blank lines above the --- are the one mistake we can name precisely. */
        const char *s = text;
        while (s < end && is_blank_line(s, end) && next_line(s, end) != s)
            s = next_line(s, end);
        if (s != text && s < end && is_delimiter(s, end))
            diag_error(d, path, 1, 1,
                       _("the front matter must start on the very first line: remove the empty "
                         "lines above ---"));
        else
            diag_error(d, path, 1, 1,
                       _("this file has no front matter: it must start with a line ---, then "
                         "fields such as title: ..., then another line ---"));
        return -1;
    }
    const char *yaml = next_line(text, end);
    unsigned line = 2;
    for (const char *s = yaml; s < end; s = next_line(s, end), line++) {
        if (is_delimiter(s, end)) {
            out->yaml = yaml;
            out->yaml_len = (size_t)(s - yaml);
            out->yaml_line = 2;
            out->body = next_line(s, end);
            out->body_len = (size_t)(end - out->body);
            out->body_line = line + 1;
            return 0;
        }
    }
    diag_error(d, path, 1, 1,
               _("the front matter that starts on line 1 is never closed: add a line with --- "
                 "after the last field"));
    return -1;
}

int frontmatter_read(struct diag *d, const char *path, struct buf *text, struct frontmatter *out)
{
    return frontmatter_read_as(d, path, path, text, out);
}

int frontmatter_read_as(struct diag *d, const char *file, const char *path, struct buf *text,
                        struct frontmatter *out)
{
    memset(out, 0, sizeof *out);
    struct stat st;
    if (stat(file, &st) == 0 && st.st_size > FRONTMATTER_MAX_BYTES) {
        diag_error(d, path, 0, 0,
                   _("this file is %lld MB, too large for an entry (at most %d MB of text): was "
                     "something pasted into it by mistake? Pictures go in assets/ and are named in "
                     "the text"),
                   (long long)((st.st_size + (1 << 20) - 1) >> 20), FRONTMATTER_MAX_BYTES >> 20);
        return -1;
    }
    if (fs_read_file(d, file, text) != 0)
        return -1;
    text_normalise(text);
    return frontmatter_split(d, path, text->data, text->len, out);
}
