/* url: what kind of address a link, picture or setting holds, decided in one place.
 * Every module that asks "does this address have a scheme, which one, may a page use it"
 * gets the same answer here: schemes are compared ASCII-case-insensitively, leading spaces and
 * control characters are skipped and tabs and newlines inside are ignored, as browsers do.
 * Nothing here fails; url_tel_href and url_percent_encode allocate their results, the rest
 * allocate nothing and read NUL-terminated strings. */
#ifndef KAIRAN_URL_H
#define KAIRAN_URL_H

#include <stddef.h>

enum url_scheme {
    URL_NONE,   /* no scheme: a path, query or fragment of the site, or "//host/..." */
    URL_HTTP,
    URL_HTTPS,
    URL_MAILTO,
    URL_TEL,
    URL_OTHER,  /* any other scheme (javascript:, data:, ftp:), or a colon that makes one */
};

/* The scheme of s. A colon before any '/', '?' or '#' makes what precedes it a scheme, even
 * one that is not well formed (":x", "java script:x"): such addresses count as URL_OTHER rather
 * than as relative, since some readers would take them for a scheme. */
enum url_scheme url_scheme(const char *s);
/* Whether s has a scheme (url_scheme(s) != URL_NONE), as opposed to a path within the site. */
int url_has_scheme(const char *s);
/* Whether a page may link to s: http, https, mailto, tel or no scheme. */
int url_link_allowed(const char *s);
/* Whether a page may show a picture from s: http, https or no scheme. */
int url_image_allowed(const char *s);
/* Whether s starts with "//" (a host with the page's own scheme). */
int url_is_network_path(const char *s);
/* When s is written as a full web address, "http://" or "https://" (any case) then the rest,
 * with nothing before it: returns the rest (where the host begins). Otherwise NULL. */
const char *url_web_rest(const char *s);
/* Whether s is a full web address with a host: "https://example.jp/..." (any case), not
 * "https://" or "https:///path". */
int url_is_web(const char *s);
/* The tel: address of a phone number as people write it ("0235-00-1400", "+81 235 00 1400"),
 * len bytes: "tel:" and its digits, a leading '+' kept. A new string; the caller frees it. */
char *url_tel_href(const char *phone, size_t len);
/* s made safe as one value of a query ("?query=..."): every byte but the ASCII letters, digits
 * and "-._~" becomes %XX (upper-case hex), so a space is %20 and 鶴 is %E9%B6%B4. A new string;
 * the caller frees it. */
char *url_percent_encode(const char *s);

#endif
