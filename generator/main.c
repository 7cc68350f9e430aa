/* kairan's command line: parses arguments, runs one command, maps the outcome to an exit code.
 * Exit codes: 0 ok, 1 errors in content or theme, 2 usage errors, 3 file system errors. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "core/diag.h"
#include "core/fs.h"
#include "scaffold.h"
#include "serve/serve.h"
#include "core/version.h"
#include "core/xalloc.h"

enum { EXIT_OK = 0, EXIT_CONTENT = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

struct command {
    const char *name;
    const char *synopsis;
    const char *help;
};

static const struct command commands[] = {
    {"build", "kairan build [-s DIR] [-o DIR] [-j N] [--drafts] [--portable] [--now DATETIME]"
              " [--strict] [--quiet] [--no-wait]",
     "Builds the site from DIR (default: the current folder) into DIR/public.\n"
     "Nothing in the output changes unless the whole build succeeds.\n"
     "\n"
     "  -s, --source DIR    the site folder (with content/, themes/, assets/)\n"
     "  -o, --output DIR    where to write the site (default: SOURCE/public)\n"
     "  -j, --jobs N        worker threads (default: one per core)\n"
     "      --drafts        include entries marked draft: true\n"
     "      --portable      relative links, so the site also works opened from a disk\n"
     "      --now DATETIME  the build date, for upcoming/past events (YYYY-MM-DD HH:MM);\n"
     "                      SOURCE_DATE_EPOCH is honoured too\n"
     "      --cache-dir DIR image cache (default: SOURCE/.cache/kairan)\n"
     "      --strict        treat warnings as errors\n"
     "      --quiet         print only errors and warnings\n"
     "      --no-wait       if another build is writing to the same output, stop at once\n"
     "                      instead of waiting for it to finish\n"},
    {"serve", "kairan serve [-s DIR] [-p PORT] [--bind ADDRESS] [--no-drafts] [-o DIR]",
     "Builds the site and shows it in your web browser while you edit: open the address it\n"
     "prints (http://127.0.0.1:8088/ and the site's own path). Every time you save a file in\n"
     "content/, themes/ or assets/, the site is built again and open pages reload by\n"
     "themselves. When a file has a mistake, every page shows it at the top, with the file,\n"
     "line and column, until you fix it. Drafts (draft: true) are shown, marked 下書き.\n"
     "The preview is written to the cache folder (SOURCE/.cache/kairan/preview), never to\n"
     "public/. Press Ctrl-C to stop.\n"
     "\n"
     "  -s, --source DIR    the site folder (with content/, themes/, assets/)\n"
     "  -p, --port PORT     the port to listen on (default: 8088)\n"
     "      --bind ADDRESS  the address to listen on (default: 127.0.0.1, this computer only)\n"
     "      --no-drafts     leave out entries marked draft: true, as a build does\n"
     "  -o, --output DIR    where to write the preview (default: the cache folder's preview/)\n"
     "      --now DATETIME  the build date, for upcoming/past events (YYYY-MM-DD HH:MM)\n"
     "      --cache-dir DIR image cache (default: SOURCE/.cache/kairan)\n"
     "      --strict        treat warnings as errors\n"},
    {"check", "kairan check [-s DIR] [--drafts] [--now DATETIME] [--strict]",
     "Reads and checks every file like a build would, and writes nothing.\n"
     "Prints every problem found as FILE:LINE:COLUMN: error: MESSAGE.\n"
     "With --strict, warnings count as errors and template variables that no page ever\n"
     "fills are reported.\n"},
    {"new", "kairan new KIND SLUG [-s DIR]",
     "Creates content/KIND-FOLDER/SLUG.md from the kind's template, dated today.\n"
     "KIND is one of: activity, event, issue, page. SLUG uses a-z, 0-9 and '-'.\n"},
    {"clean", "kairan clean [-s DIR] [--cache]",
     "Removes the built site; with --cache also the image cache.\n"},
    {"version", "kairan version", "Prints the version.\n"},
    {"help", "kairan help [COMMAND]", "Explains a command.\n"},
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
    fprintf(out, "kairan %s: builds a community magazine's web site and print edition\n\n",
            KAIRAN_VERSION);
    fprintf(out, "Usage:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %s\n", commands[i].synopsis);
    fprintf(out, "\nRun 'kairan help COMMAND' for more about one command.\n");
}

static void command_help(const struct command *c)
{
    printf("Usage: %s\n\n%s", c->synopsis, c->help);
}

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "kairan %s: ", cmd);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nRun 'kairan help %s' for the options.\n", cmd);
    return EXIT_USAGE;
}

/* Options shared by the commands; each command accepts the subset it documents. */
struct cli {
    struct build_options build;
    int cache;
    int no_drafts;
    const char *port;
    const char *bind;
    const char *positional[2];
    int n_positional;
};

/* Matches "-x", "--long" and "--long=value"; *value gets the option's argument if it takes one.
 * Returns 1 matched, 0 not this option, -1 missing argument. */
static int opt_match(char **argv, int *i, int argc, const char *shrt, const char *lng,
                     const char **value)
{
    const char *a = argv[*i];
    size_t n = strlen(lng);
    if (value && strncmp(a, lng, n) == 0 && a[n] == '=') {
        *value = a + n + 1;
        return 1;
    }
    if (!((shrt && strcmp(a, shrt) == 0) || strcmp(a, lng) == 0))
        return 0;
    if (!value)
        return 1;
    if (*i + 1 >= argc)
        return -1;
    *value = argv[++*i];
    return 1;
}

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

static int parse_args(const char *cmd, int argc, char **argv, struct cli *cli)
{
    const char *jobs = NULL;
    const struct {
        const char *shrt, *lng;
        const char **dest;
    } values[] = {
        {"-s", "--source", &cli->build.source},   {"-o", "--output", &cli->build.output},
        {NULL, "--cache-dir", &cli->build.cache}, {"-j", "--jobs", &jobs},
        {NULL, "--now", &cli->build.now_text},    {"-p", "--port", &cli->port},
        {NULL, "--bind", &cli->bind},
    };
    const struct {
        const char *shrt, *lng;
        int *dest;
    } flags[] = {
        {NULL, "--drafts", &cli->build.drafts}, {NULL, "--portable", &cli->build.portable},
        {NULL, "--strict", &cli->build.strict}, {"-q", "--quiet", &cli->build.quiet},
        {NULL, "--cache", &cli->cache},         {NULL, "--no-drafts", &cli->no_drafts},
        {NULL, "--no-wait", &cli->build.no_wait},
    };
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || strcmp(a, "-") == 0) {
            if (cli->n_positional == 2)
                return usage_error(cmd, "unexpected argument '%s'", a);
            cli->positional[cli->n_positional++] = a;
            continue;
        }
        int matched = 0;
        for (size_t k = 0; !matched && k < sizeof values / sizeof *values; k++) {
            int m = opt_match(argv, &i, argc, values[k].shrt, values[k].lng, values[k].dest);
            if (m < 0)
                return usage_error(cmd, "'%s' needs a value", a);
            matched = m;
        }
        for (size_t k = 0; !matched && k < sizeof flags / sizeof *flags; k++) {
            if (opt_match(argv, &i, argc, flags[k].shrt, flags[k].lng, NULL)) {
                *flags[k].dest = 1;
                matched = 1;
            }
        }
        if (!matched)
            return usage_error(cmd, "unknown option '%s'", a);
    }
    if (jobs && (parse_unsigned(jobs, 256, &cli->build.jobs) || cli->build.jobs == 0))
        return usage_error(cmd, "'%s' is not a number of jobs from 1 to 256", jobs);
    return EXIT_OK;
}

/* serve's build: one build_run with the options serve_preview filled. */
static int serve_build(struct diag *d, void *userdata)
{
    return build_run(d, userdata);
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
    bo.write = 1;
    char *output;
    if (bo.output) {
        output = xstrdup(bo.output);
    } else {
        char *cache = build_cache_dir(&bo);
        output = fs_join(cache, "preview");
        free(cache);
    }
    bo.output = output;
    so->source = bo.source;
    so->output = output;
    so->strict = bo.strict;
    so->drafts = bo.drafts;
    so->build = serve_build;
    so->userdata = &bo;
    serve_run(d, so);
    free(output);
}

static int exit_code(struct diag *d)
{
    if (d->io_errors)
        return EXIT_IO;
    return d->errors ? EXIT_CONTENT : EXIT_OK;
}

int main(int argc, char **argv)
{
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
        fprintf(stderr, "kairan: '%s' is not a command\n\n", name);
        usage(stderr);
        return EXIT_USAGE;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            command_help(cmd);
            return EXIT_OK;
        }
    }

    struct cli cli = {0};
    cli.build.source = ".";
    cli.build.write = 1;
    cli.build.epoch_text = getenv("SOURCE_DATE_EPOCH");
    cli.build.themes_dir = getenv("KAIRAN_THEMES_DIR");
    int rc = parse_args(name, argc - 2, argv + 2, &cli);
    if (rc != EXIT_OK)
        return rc;
    const char *hold = getenv("KAIRAN_HOLD_ENTRIES");
    unsigned held = 0;
    if (hold && *hold && (parse_unsigned(hold, 100000000, &held) || held == 0))
        return usage_error(name, "KAIRAN_HOLD_ENTRIES='%s' is not a number of entries from 1 on",
                           hold);
    cli.build.hold_entries = held;

    if (strcmp(name, "help") == 0) {
        if (cli.n_positional == 0) {
            usage(stdout);
            return EXIT_OK;
        }
        const struct command *c = find_command(cli.positional[0]);
        if (!c)
            return usage_error("help", "'%s' is not a command", cli.positional[0]);
        command_help(c);
        return EXIT_OK;
    }
    if (strcmp(name, "version") == 0) {
        printf("kairan %s\n", KAIRAN_VERSION);
        return EXIT_OK;
    }
    if (strcmp(name, "new") != 0 && cli.n_positional > 0)
        return usage_error(name, "unexpected argument '%s'", cli.positional[0]);

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
            return usage_error("new", "%s", "needs a KIND and a SLUG, like: kairan new event "
                                            "2027-kenshukai");
        }
        scaffold_new(&d, &cli.build, cli.positional[0], cli.positional[1]);
    } else if (strcmp(name, "serve") == 0) {
        struct serve_options so = {.bind = cli.bind, .port = 8088};
        struct build_options bo = cli.build;
        bo.drafts = !cli.no_drafts;
        if (cli.port && (parse_unsigned(cli.port, 65535, &so.port) || so.port == 0)) {
            diag_release(&d);
            return usage_error("serve", "'%s' is not a port number from 1 to 65535", cli.port);
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
