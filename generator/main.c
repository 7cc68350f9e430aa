/* kairan's command line: parses arguments, runs one command, maps the outcome to an exit code.
 * Exit codes: 0 ok, 1 errors in content or theme, 2 usage errors, 3 file system errors. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "core/buf.h"
#include "core/date.h"
#include "core/diag.h"
#include "core/fs.h"
#include "core/intl.h"
#include "core/version.h"
#include "core/xalloc.h"
#include "scaffold.h"
#include "serve/serve.h"

enum { EXIT_OK = 0, EXIT_CONTENT = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

/* Every option of every command, as getopt_long reads them: -jN, -j N, --jobs=N, --jobs N. */
enum option_id {
    OPT_SOURCE, OPT_OUTPUT, OPT_JOBS, OPT_DRAFTS, OPT_PORTABLE, OPT_NOW, OPT_CACHE_DIR,
    OPT_STRICT, OPT_QUIET, OPT_NO_WAIT, OPT_PORT, OPT_BIND, OPT_NO_DRAFTS, OPT_CACHE, OPT_EDIT,
    OPT_HELP, OPT_COUNT
};

/* getopt_long's value for an option without a letter: past every character. */
#define LONG_ONLY 256

static const struct {
    const char *name;
    int has_arg;
    char letter; /* 0: long form only */
} options[OPT_COUNT] = {
    [OPT_SOURCE] = {"source", required_argument, 's'},
    [OPT_OUTPUT] = {"output", required_argument, 'o'},
    [OPT_JOBS] = {"jobs", required_argument, 'j'},
    [OPT_DRAFTS] = {"drafts", no_argument, 0},
    [OPT_PORTABLE] = {"portable", no_argument, 0},
    [OPT_NOW] = {"now", required_argument, 0},
    [OPT_CACHE_DIR] = {"cache-dir", required_argument, 0},
    [OPT_STRICT] = {"strict", no_argument, 0},
    [OPT_QUIET] = {"quiet", no_argument, 'q'},
    [OPT_NO_WAIT] = {"no-wait", no_argument, 0},
    [OPT_PORT] = {"port", required_argument, 'p'},
    [OPT_BIND] = {"bind", required_argument, 0},
    [OPT_NO_DRAFTS] = {"no-drafts", no_argument, 0},
    [OPT_CACHE] = {"cache", no_argument, 0},
    [OPT_EDIT] = {"edit", no_argument, 0},
    [OPT_HELP] = {"help", no_argument, 'h'},
};

#define O(name) (1u << OPT_##name)

struct command {
    const char *name;
    unsigned options;    /* the options it takes, O(SOURCE) | ... */
    unsigned positional; /* how many words besides options */
    const char *synopsis;
    const char *help;
};

/* Each command's help is one text, so that a translation can be whole: the option lines that
 * several commands share are repeated in each. The synopses are commands, not prose, and stay
 * as they are. */
static const struct command commands[] = {
    {"build",
     O(SOURCE) | O(OUTPUT) | O(JOBS) | O(DRAFTS) | O(PORTABLE) | O(NOW) | O(CACHE_DIR) |
         O(STRICT) | O(QUIET) | O(NO_WAIT) | O(HELP),
     0,
     "kairan build [-s DIR] [-o DIR] [-j N] [--drafts] [--portable] [--now DATETIME]"
     " [--cache-dir DIR] [--strict] [--quiet] [--no-wait]",
     N_("Builds the site from DIR (default: the current folder) into DIR/public.\n"
        "Nothing in the output changes unless the whole build succeeds.\n"
        "\n"
        "  -s, --source DIR    the site folder (with content/, themes/, assets/)\n"
        "  -o, --output DIR    where to write the site (default: SOURCE/public)\n"
        "  -j, --jobs N        worker threads (default: one per core)\n"
        "      --drafts        include entries marked draft: true\n"
        "      --portable      relative links, so the site also works opened from a disk\n"
        "      --now DATETIME  the build's clock, for upcoming and past events: 2026-11-22 09:00\n"
        "                      in the site's time zone, 2026-11-22T09:00:00+09:00 (as\n"
        "                      date -Iseconds prints it) or @SECONDS; SOURCE_DATE_EPOCH too\n"
        "      --cache-dir DIR image cache (default: SOURCE/.cache/kairan)\n"
        "      --strict        treat warnings as errors, and report template names that no page\n"
        "                      ever has a value for\n"
        "  -q, --quiet         print only errors and warnings\n"
        "      --no-wait       if another build is writing to the same output, stop at once\n"
        "                      instead of waiting for it to finish\n"
        "\n"
        "An option's value may follow it or be joined to it: -j 2, -j2, --jobs 2, --jobs=2.\n")},
    {"serve",
     O(SOURCE) | O(PORT) | O(BIND) | O(EDIT) | O(NO_DRAFTS) | O(OUTPUT) | O(NOW) |
         O(CACHE_DIR) | O(STRICT) | O(HELP),
     0,
     "kairan serve [-s DIR] [-p PORT] [--bind ADDRESS] [--edit] [--no-drafts] [-o DIR]"
     " [--now DATETIME] [--cache-dir DIR] [--strict]",
     N_("Builds the site and shows it in your web browser while you edit: open the address it\n"
        "prints (http://127.0.0.1:8088/ and the site's own path). Every time you save a file in\n"
        "content/, themes/ or assets/, the site is built again and open pages reload by\n"
        "themselves. When a file has a mistake, every page shows it at the top, with the file,\n"
        "line and column, until you fix it. Drafts (draft: true) are shown, marked 下書き.\n"
        "The preview is written to the cache folder (SOURCE/.cache/kairan/preview), never to\n"
        "public/. Press Ctrl-C to stop.\n"
        "It also prints the address of the editor (/__kairan/edit/?token=...), where entries\n"
        "can be written in forms in the browser (ブラウザで書く).\n"
        "\n"
        "  -s, --source DIR    the site folder (with content/, themes/, assets/)\n"
        "  -p, --port PORT     the port to listen on (default: 8088)\n"
        "      --bind ADDRESS  the address to listen on (default: 127.0.0.1, this computer only)\n"
        "      --edit          keep the editor on with a --bind address other computers reach\n"
        "                      (it is on by itself only for this computer's own addresses)\n"
        "      --no-drafts     leave out entries marked draft: true, as a build does\n"
        "  -o, --output DIR    where to write the preview (default: the cache folder's preview/)\n"
        "      --now DATETIME  the build's clock, for upcoming and past events: 2026-11-22 09:00\n"
        "                      in the site's time zone, 2026-11-22T09:00:00+09:00 (as\n"
        "                      date -Iseconds prints it) or @SECONDS; SOURCE_DATE_EPOCH too\n"
        "      --cache-dir DIR image cache (default: SOURCE/.cache/kairan)\n"
        "      --strict        treat warnings as errors, and report template names that no page\n"
        "                      ever has a value for\n"
        "\n"
        "An option's value may follow it or be joined to it: -j 2, -j2, --jobs 2, --jobs=2.\n")},
    {"check",
     O(SOURCE) | O(JOBS) | O(DRAFTS) | O(NOW) | O(CACHE_DIR) | O(STRICT) | O(QUIET) | O(HELP), 0,
     "kairan check [-s DIR] [-j N] [--drafts] [--now DATETIME] [--cache-dir DIR] [--strict]"
     " [--quiet]",
     N_("Reads and checks every file like a build would, and writes nothing.\n"
        "Prints every problem found as FILE:LINE:COLUMN: error: MESSAGE.\n"
        "\n"
        "  -s, --source DIR    the site folder (with content/, themes/, assets/)\n"
        "  -j, --jobs N        worker threads (default: one per core)\n"
        "      --drafts        include entries marked draft: true\n"
        "      --now DATETIME  the build's clock, for upcoming and past events: 2026-11-22 09:00\n"
        "                      in the site's time zone, 2026-11-22T09:00:00+09:00 (as\n"
        "                      date -Iseconds prints it) or @SECONDS; SOURCE_DATE_EPOCH too\n"
        "      --cache-dir DIR image cache (default: SOURCE/.cache/kairan)\n"
        "      --strict        treat warnings as errors, and report template names that no page\n"
        "                      ever has a value for\n"
        "  -q, --quiet         print only errors and warnings\n"
        "\n"
        "An option's value may follow it or be joined to it: -j 2, -j2, --jobs 2, --jobs=2.\n")},
    {"new", O(SOURCE) | O(HELP), 2, "kairan new KIND SLUG [-s DIR]",
     N_("Creates content/KIND-FOLDER/SLUG.md from the kind's template, dated today.\n"
        "KIND is one of: activity, event, issue, page. SLUG uses a-z, 0-9 and '-'.\n"
        "\n"
        "  -s, --source DIR    the site folder (with content/, themes/, assets/)\n")},
    {"clean", O(SOURCE) | O(OUTPUT) | O(CACHE_DIR) | O(CACHE) | O(HELP), 0,
     "kairan clean [-s DIR] [-o DIR] [--cache] [--cache-dir DIR]",
     N_("Removes the built site; with --cache also the image cache.\n"
        "\n"
        "  -s, --source DIR    the site folder (with content/, themes/, assets/)\n"
        "  -o, --output DIR    the built site to remove (default: SOURCE/public)\n"
        "      --cache         remove the image cache too\n"
        "      --cache-dir DIR image cache (default: SOURCE/.cache/kairan)\n")},
    {"version", O(HELP), 0, "kairan version", N_("Prints the version.\n")},
    {"help", O(HELP), 1, "kairan help [COMMAND]", N_("Explains a command.\n")},
};

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void usage(FILE *out)
{
    fprintf(out, _("kairan %s: builds a community magazine's web site and print edition\n"),
            KAIRAN_VERSION);
    fprintf(out, "\n%s\n", _("Usage:"));
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %s\n", commands[i].synopsis);
    fprintf(out, "\n%s\n", _("Run 'kairan help COMMAND' for more about one command."));
}

static void command_help(const struct command *c)
{
    printf("%s %s\n\n%s", _("Usage:"), c->synopsis, _(c->help));
}

static int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct buf text;
    buf_init(&text);
    buf_vprintf(&text, fmt, ap);
    va_end(ap);
    /* TRANSLATORS: the command ("build") and what was wrong with its words. */
    fprintf(stderr, _("kairan %s: %s\n"), cmd, text.data);
    fprintf(stderr, _("Run 'kairan help %s' for the options.\n"), cmd);
    buf_release(&text);
    return EXIT_USAGE;
}

/* What the command line said. */
struct cli {
    struct build_options build;
    int cache;
    int no_drafts;
    int edit;
    const char *port;
    const char *bind;
    const char *positional[2];
    int n_positional;
    int help;
};

static int parse_unsigned(const char *s, unsigned max, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || v > max || s[0] == '-')
        return -1;
    *out = (unsigned)v;
    return 0;
}

/* The option as the user wrote it, for messages: "--jobs" (from "--jobs=x"), or "-j". */
static const char *written(const char *word, int letter, char *buf, size_t size)
{
    if (strncmp(word, "--", 2) == 0)
        snprintf(buf, size, "%.*s", (int)strcspn(word, "="), word);
    else
        snprintf(buf, size, "-%c", letter);
    return buf;
}

/* The option that letter or --name names, in any command, or -1. */
static int find_option(int letter, const char *name)
{
    for (int k = 0; k < OPT_COUNT; k++)
        if ((letter && options[k].letter == letter) || (name && !strcmp(name, options[k].name)))
            return k;
    return -1;
}

/* Reads argv (the words after the command's name) with getopt_long, accepting the options
 * cmd takes; a value given is checked here, so that a mistyped one is a usage error. */
static int parse_args(const struct command *cmd, int argc, char **argv, struct cli *cli)
{
    struct option longs[OPT_COUNT + 1];
    char shorts[2 * OPT_COUNT + 2] = ":";
    size_t nl = 0, ns = 1;
    for (int k = 0; k < OPT_COUNT; k++) {
        if (!(cmd->options & 1u << k))
            continue;
        int val = options[k].letter ? options[k].letter : LONG_ONLY + k;
        longs[nl++] = (struct option){options[k].name, options[k].has_arg, NULL, val};
        if (options[k].letter) {
            shorts[ns++] = options[k].letter;
            if (options[k].has_arg == required_argument)
                shorts[ns++] = ':';
        }
    }
    longs[nl] = (struct option){NULL, 0, NULL, 0};
    shorts[ns] = '\0';

    const char *jobs = NULL;
    char as[64];
    opterr = 0;
    optind = 1;
    for (int c; (c = getopt_long(argc, argv, shorts, longs, NULL)) != -1;) {
        int id = -1;
        for (int k = 0; k < OPT_COUNT && id < 0; k++)
            if (c == (options[k].letter ? options[k].letter : LONG_ONLY + k))
                id = k;
        if (c == ':')
            return usage_error(cmd->name, _("'%s' needs a value"),
                               written(argv[optind - 1], optopt, as, sizeof as));
        if (c == '?') {
            const char *word = argv[optind - 1];
            int known = 0; /* an option of this command, given a value it does not take */
            for (size_t k = 0; optopt && k < nl; k++)
                known |= longs[k].val == optopt;
            if (known)
                return usage_error(cmd->name, _("'%s' takes no value"),
                                   written(word, optopt, as, sizeof as));
            /* An unknown letter (optopt), maybe in a group like -qx, or an unknown --name. */
            written(optopt ? "-" : word, optopt, as, sizeof as);
            if (find_option(optopt, optopt ? NULL : as + 2) >= 0)
                return usage_error(cmd->name, _("'%s' is not an option of kairan %s"), as,
                                   cmd->name);
            return usage_error(cmd->name, _("unknown option '%s'"), optopt ? as : word);
        }
        switch (id) {
        case OPT_SOURCE:
            cli->build.source = optarg;
            break;
        case OPT_OUTPUT:
            cli->build.output = optarg;
            break;
        case OPT_JOBS:
            jobs = optarg;
            break;
        case OPT_DRAFTS:
            cli->build.drafts = 1;
            break;
        case OPT_PORTABLE:
            cli->build.portable = 1;
            break;
        case OPT_NOW:
            cli->build.now_text = optarg;
            break;
        case OPT_CACHE_DIR:
            cli->build.cache = optarg;
            break;
        case OPT_STRICT:
            cli->build.strict = 1;
            break;
        case OPT_QUIET:
            cli->build.quiet = 1;
            break;
        case OPT_NO_WAIT:
            cli->build.no_wait = 1;
            break;
        case OPT_PORT:
            cli->port = optarg;
            break;
        case OPT_BIND:
            cli->bind = optarg;
            break;
        case OPT_NO_DRAFTS:
            cli->no_drafts = 1;
            break;
        case OPT_EDIT:
            cli->edit = 1;
            break;
        case OPT_CACHE:
            cli->cache = 1;
            break;
        case OPT_HELP:
            cli->help = 1;
            break;
        }
    }
    for (int i = optind; i < argc; i++) {
        if (cli->n_positional == (int)cmd->positional)
            return usage_error(cmd->name, _("unexpected argument '%s'"), argv[i]);
        cli->positional[cli->n_positional++] = argv[i];
    }
    if (jobs && (parse_unsigned(jobs, 256, &cli->build.jobs) || cli->build.jobs == 0))
        return usage_error(cmd->name, _("'%s' is not a number of jobs from 1 to 256"), jobs);
    struct date_moment moment;
    struct date_why why;
    const char *now = cli->build.now_text;
    if (now && date_parse_moment(&moment, now, strlen(now), &why) != 0)
        return usage_error(cmd->name, _("--now '%s' is not a date and time: %s"), now, why.text);
    return EXIT_OK;
}

/* serve's build: one build_run with the options serve_preview filled. */
static int serve_build(struct diag *d, void *userdata)
{
    return build_run(d, userdata);
}

/* The editor's builds: the site with the overlay's entries, drafts included; into output
 * with relative links (the preview of unsaved text, in one language when language is set), or
 * only checked when output is NULL. */
static int serve_overlay_build(struct diag *d, const char *overlay, const char *output,
                               const char *language, void *userdata)
{
    struct build_options bo = *(const struct build_options *)userdata;
    bo.overlay = overlay;
    bo.language = language;
    bo.drafts = 1;
    bo.output = output;
    bo.write = output != NULL;
    bo.portable = 1;
    return build_run(d, &bo);
}

/* `kairan serve`: each build writes the preview folder (--output, else the cache folder's
 * preview/), quietly, leaving the signals to serve. */
static void serve_preview(struct diag *d, const struct build_options *cli_build,
                          const struct serve_options *cli_serve)
{
    struct serve_options serve = *cli_serve, *so = &serve;
    struct build_options bo = *cli_build;
    if (!bo.source || !*bo.source)
        bo.source = ".";
    bo.no_signals = 1;
    bo.quiet = 1;
    bo.preview = 1; /* no service worker: it would keep pages that change with every save */
    bo.write = 1;
    char *output;
    char *cache = build_cache_dir(&bo);
    if (bo.output)
        output = xstrdup(bo.output);
    else
        output = fs_join(cache, "preview");
    char *work = fs_join(cache, "editor");
    free(cache);
    bo.output = output;
    so->source = bo.source;
    so->output = output;
    so->strict = bo.strict;
    so->drafts = bo.drafts;
    so->build = serve_build;
    so->overlay_build = serve_overlay_build;
    so->work = work;
    so->userdata = &bo;
    serve_run(d, so);
    free(output);
    free(work);
}

static int exit_code(struct diag *d)
{
    if (d->io_errors)
        return EXIT_IO;
    return d->errors ? EXIT_CONTENT : EXIT_OK;
}

int main(int argc, char **argv)
{
    intl_init();
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(name, "--version") == 0)
        name = "version";
    const struct command *cmd = find_command(name);
    if (!cmd) {
        fprintf(stderr, _("kairan: '%s' is not a command\n"), name);
        fputc('\n', stderr);
        usage(stderr);
        return EXIT_USAGE;
    }

    struct cli cli = {0};
    cli.build.source = ".";
    cli.build.write = 1;
    cli.build.epoch_text = getenv("SOURCE_DATE_EPOCH");
    cli.build.themes_dir = getenv("KAIRAN_THEMES_DIR");
    /* getopt_long reads from argv[1]: the command's name stands where the program's would. */
    int rc = parse_args(cmd, argc - 1, argv + 1, &cli);
    if (rc != EXIT_OK)
        return rc;
    if (cli.help) {
        command_help(cmd);
        return EXIT_OK;
    }
    const char *epoch = cli.build.epoch_text;
    int64_t seconds;
    struct date_why why;
    /* Read only when --now is not given, like the build does. */
    if (!cli.build.now_text && epoch && *epoch &&
        date_parse_epoch(&seconds, epoch, strlen(epoch), &why) != 0)
        return usage_error(name, _("SOURCE_DATE_EPOCH='%s' is not a number of seconds: %s"), epoch,
                           why.text);
    const char *hold = getenv("KAIRAN_HOLD_ENTRIES");
    unsigned held = 0;
    if (hold && *hold && (parse_unsigned(hold, 100000000, &held) || held == 0))
        return usage_error(name, _("KAIRAN_HOLD_ENTRIES='%s' is not a number of entries from 1 on"),
                           hold);
    cli.build.hold_entries = held;

    if (strcmp(name, "help") == 0) {
        if (cli.n_positional == 0) {
            usage(stdout);
            return EXIT_OK;
        }
        const struct command *c = find_command(cli.positional[0]);
        if (!c)
            return usage_error("help", _("'%s' is not a command"), cli.positional[0]);
        command_help(c);
        return EXIT_OK;
    }
    if (strcmp(name, "version") == 0) {
        printf("kairan %s\n", KAIRAN_VERSION);
        return EXIT_OK;
    }

    /* Past a file size limit (ulimit -f) a write should fail and be reported like a full disk,
     * not end the process with SIGXFSZ and leave a staging folder behind. */
    signal(SIGXFSZ, SIG_IGN);

    struct diag d;
    diag_init(&d);
    d.werror = cli.build.strict;

    if (strcmp(name, "build") == 0 || strcmp(name, "check") == 0) {
        cli.build.write = strcmp(name, "build") == 0;
        build_run(&d, &cli.build);
    } else if (strcmp(name, "new") == 0) {
        if (cli.n_positional != 2) {
            diag_release(&d);
            return usage_error("new", "%s", _("needs a KIND and a SLUG, like: kairan new event "
                                              "2027-kenshukai"));
        }
        scaffold_new(&d, &cli.build, cli.positional[0], cli.positional[1]);
    } else if (strcmp(name, "serve") == 0) {
        struct serve_options so = {.bind = cli.bind, .port = 8088, .edit = cli.edit};
        struct build_options bo = cli.build;
        bo.drafts = !cli.no_drafts;
        if (cli.port && (parse_unsigned(cli.port, 65535, &so.port) || so.port == 0)) {
            diag_release(&d);
            return usage_error("serve", _("'%s' is not a port number from 1 to 65535"), cli.port);
        }
        serve_preview(&d, &bo, &so);
    } else if (strcmp(name, "clean") == 0) {
        build_clean(&d, &cli.build, cli.cache);
    }
    diag_print(&d, stderr);
    rc = exit_code(&d);
    diag_release(&d);
    return rc;
}
