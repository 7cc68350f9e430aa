#include "core/url.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"

static int is_ignored(unsigned char c)
{
    return c == '\t' || c == '\n' || c == '\r';
}

static int is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
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
        if (*p == ':')
            break;
        if (!is_alpha(*p) && (n == 0 || !(is_digit(*p) || *p == '+' || *p == '-' || *p == '.')))
            return URL_NONE;
        if (n < sizeof scheme)
            scheme[n] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        n++;
    }
    if (!*p || n == 0)
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

static int is_hex(unsigned char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* How many bytes of p (n left) make one character the URL standard allows outside ASCII: from
 * U+00A0 up, no surrogate, no noncharacter; 0 when they do not (the lead byte is encoded). */
static size_t allowed_utf8(const unsigned char *p, size_t n)
{
    size_t len = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;
    if (len == 0 || len > n || p[0] > 0xF4)
        return 0;
    uint32_t cp = p[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    int shortest = len == 2 || (len == 3 && cp >= 0x800) || (len == 4 && cp >= 0x10000);
    int noncharacter = (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
    if (!shortest || cp < 0xA0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF || noncharacter)
        return 0;
    return len;
}

char *url_normalise(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    while (n > 0 && p[n - 1] <= ' ')
        n--;
    while (n > 0 && *p <= ' ')
        p++, n--;
    /* The host, where '[' and ']' hold an IPv6 address: after "//" at the start or after the
     * scheme, up to the next '/', '?' or '#'. */
    size_t host = SIZE_MAX, host_end = 0;
    const unsigned char *slashes = (const unsigned char *)strstr((const char *)p, "//");
    if (slashes && (size_t)(slashes - p) < n &&
        (slashes == p || (url_has_scheme((const char *)p) &&
                          memchr(p, ':', (size_t)(slashes - p)) == slashes - 1))) {
        host = (size_t)(slashes - p) + 2;
        host_end = host;
        while (host_end < n && !strchr("/?#", p[host_end]))
            host_end++;
    }
    static const char hex[] = "0123456789ABCDEF";
    struct buf b;
    buf_init(&b);
    int fragment = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        size_t len = 1;
        int keep;
        if (is_ignored(c)) {
            i++;
            continue;
        }
        if (c >= 0x80) {
            len = allowed_utf8(p + i, n - i);
            keep = len > 0;
            len += !keep;
        } else if (c == '%') {
            keep = i + 2 < n && is_hex(p[i + 1]) && is_hex(p[i + 2]);
        } else if (c == '#') {
            keep = !fragment;
            fragment = 1;
        } else if (c == '[' || c == ']') {
            keep = host != SIZE_MAX && i >= host && i < host_end;
        } else {
            keep = is_alpha(c) || is_digit(c) ||
                   (c > ' ' && c < 0x7F && strchr("!$&'()*+,-./:;=?@_~", c));
        }
        if (keep) {
            buf_add(&b, (const char *)p + i, len);
        } else {
            char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
            buf_add(&b, enc, 3);
        }
        i += len;
    }
    return buf_detach(&b, NULL);
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
