#include "core/intl.h"

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef KAIRAN_LOCALEDIR
#define KAIRAN_LOCALEDIR "/usr/local/share/locale"
#endif

#define DOMAIN "kairan"

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* locale/ beside the running program, when there is one: the build tree's catalogue. */
static int beside_program(char *out, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    if ((size_t)snprintf(out, size, "%s/locale", exe) >= size)
        return -1;
    return is_dir(out) ? 0 : -1;
}

void intl_init(void)
{
    /* Only the messages' category follows the user. Text is UTF-8 everywhere in kairan, so the
     * characters' category is C.UTF-8 whatever the locale says (where the system has it): the
     * catalogue's and the C library's messages (strerror) then arrive as UTF-8, and nothing
     * else changes, unlike a whole locale, which would also change number formats. */
    setlocale(LC_MESSAGES, "");
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        setlocale(LC_CTYPE, "C.utf8");
    char chosen[PATH_MAX]; /* bindtextdomain keeps a copy */
    const char *env = getenv("KAIRAN_LOCALEDIR");
    if (env && *env)
        snprintf(chosen, sizeof chosen, "%s", env);
    else if (beside_program(chosen, sizeof chosen) != 0)
        snprintf(chosen, sizeof chosen, "%s", KAIRAN_LOCALEDIR);
    bindtextdomain(DOMAIN, chosen);
    bind_textdomain_codeset(DOMAIN, "UTF-8");
    textdomain(DOMAIN);
}

const char *intl_catalogue(void)
{
    /* The empty msgid is gettext's convention for the catalogue's header. */
    return gettext("");
}
