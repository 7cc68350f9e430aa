#include "core/url.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"

static int is_ignored(unsigned char c)
{
    return c == '\t' || c == '\n' || c == '\r';
}

enum url_scheme url_scheme(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p && *p <= ' ')
        p++;
    /* Long enough for the longest scheme we name; a longer one is URL_OTHER either way. */
    char scheme[8];
    size_t n = 0;
    for (; *p; p++) {
        if (is_ignored(*p))
            continue; /* browsers drop these, so "java\tscript:" is javascript: */
        if (*p == '/' || *p == '?' || *p == '#')
            return URL_NONE;
        if (*p == ':')
            break;
        if (n < sizeof scheme)
            scheme[n] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        n++;
    }
    if (!*p)
        return URL_NONE;
    if (n == 4 && memcmp(scheme, "http", 4) == 0)
        return URL_HTTP;
    if (n == 5 && memcmp(scheme, "https", 5) == 0)
        return URL_HTTPS;
    if (n == 6 && memcmp(scheme, "mailto", 6) == 0)
        return URL_MAILTO;
    if (n == 3 && memcmp(scheme, "tel", 3) == 0)
        return URL_TEL;
    return URL_OTHER;
}

int url_has_scheme(const char *s)
{
    return url_scheme(s) != URL_NONE;
}

int url_link_allowed(const char *s)
{
    return url_scheme(s) != URL_OTHER;
}

int url_image_allowed(const char *s)
{
    enum url_scheme k = url_scheme(s);
    return k == URL_NONE || k == URL_HTTP || k == URL_HTTPS;
}

int url_is_network_path(const char *s)
{
    return s[0] == '/' && s[1] == '/';
}

const char *url_web_rest(const char *s)
{
    if (strncasecmp(s, "http://", 7) == 0)
        return s + 7;
    if (strncasecmp(s, "https://", 8) == 0)
        return s + 8;
    return NULL;
}

int url_is_web(const char *s)
{
    const char *rest = url_web_rest(s);
    return rest && *rest && *rest != '/';
}

char *url_tel_href(const char *phone, size_t len)
{
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "tel:");
    for (size_t i = 0; i < len; i++)
        if ((phone[i] >= '0' && phone[i] <= '9') || (phone[i] == '+' && b.len == 4))
            buf_putc(&b, phone[i]);
    return buf_detach(&b, NULL);
}

char *url_percent_encode(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    struct buf b;
    buf_init(&b);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            buf_putc(&b, (char)*p);
        } else {
            buf_putc(&b, '%');
            buf_putc(&b, hex[*p >> 4]);
            buf_putc(&b, hex[*p & 15]);
        }
    }
    return buf_detach(&b, NULL);
}
