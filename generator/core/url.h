/* url: what kind of address a link, picture or setting holds, decided in one place.
 * Every module that asks "does this address have a scheme, which one, may a page use it"
 * gets the same answer here: schemes are compared ASCII-case-insensitively, leading spaces and
 * control characters are skipped and tabs and newlines inside are ignored, as browsers do.
 * Nothing here fails; url_normalise, url_tel_href and url_percent_encode allocate their
 * results, the rest allocate nothing and read NUL-terminated strings. */
#ifndef KAIRAN_URL_H
#define KAIRAN_URL_H

#include <stddef.h>

enum url_scheme {
    URL_NONE,   /* no scheme: a path, query or fragment of the site, or "//host/..." */
    URL_HTTP,
    URL_HTTPS,
    URL_MAILTO,
    URL_TEL,
    URL_OTHER,  /* any other scheme (javascript:, data:, ftp:) */
};

/* The scheme of s, as the URL standard reads it: a letter, then letters, digits, '+', '-' or
 * '.', then ':'. What precedes a colon is no scheme unless it is written so ("foo):", ":x",
 * "java script:x" are paths, which a browser resolves against the page). */
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
/* Returns s written as a valid URL string, a new string the caller frees: spaces and control
 * characters at either end and tabs and newlines inside left out (as browsers do), and
 * percent-encoded (UTF-8) what the URL standard does not allow: spaces, control characters,
 * " < > \ ^ ` { | }, a second '#', a '%' that does not start an encoded byte, '[' and ']'
 * outside a host, and bytes that are not UTF-8 or are a control or noncharacter. Everything
 * else is kept as written, Japanese too; a valid address comes back unchanged. */
char *url_normalise(const char *s);
/* The tel: address of a phone number as people write it ("0235-00-1400", "+81 235 00 1400"),
 * len bytes: "tel:" and its digits, a leading '+' kept. A new string; the caller frees it. */
char *url_tel_href(const char *phone, size_t len);
/* s made safe as one value of a query ("?query=..."): every byte but the ASCII letters, digits
 * and "-._~" becomes %XX (upper-case hex), so a space is %20 and 鶴 is %E9%B6%B4. A new string;
 * the caller frees it. */
char *url_percent_encode(const char *s);

#endif
