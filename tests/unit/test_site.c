/* Unit tests of site: what the model answers about addresses: the index of an entry, the prefix
 * that leads back to the root, links between entries as editors write them, and where an
 * issue's print document goes. (Ordering and conflicts are covered by the site suites.) */
#include <stdlib.h>
#include <string.h>

#include "content/site.h"
#include "harness.h"

/* Three entries, sorted by path as site_index sorts them. */
static struct entry entries[] = {
    {.rel = "activities/salon.md", .slug = "salon", .url = "activities/salon/"},
    {.rel = "events/2021-kenshukai.md", .slug = "2021-kenshukai", .url = "events/2021-kenshukai/"},
    {.rel = "issues/5.md", .kind = KIND_ISSUE, .slug = "5", .url = "issues/5/"},
};
static struct entry *all[] = {&entries[0], &entries[1], &entries[2]};
static struct site_config cfg = {.base_path = "/watowa/"};
static struct site site = {.cfg = &cfg, .all = all, .n_all = 3};

static void index_of_every_entry(void)
{
    for (size_t i = 0; i < 3; i++)
        CHECK_INT(site_index_of(&site, all[i]), i);
}

static void root_prefix(void)
{
    const char *cases[][3] = {
        /* url, portable ("1") or not, prefix */
        {"", "", "/watowa/"},        {"events/2021-kenshukai/", "", "/watowa/"}, {"", "1", ""},
        {"activities/", "1", "../"}, {"activities/page/2/", "1", "../../../"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = site_root_for(&site, cases[i][0], cases[i][1][0] == '1');
        CHECK_STR(got, cases[i][2]);
        free(got);
    }
}

/* One link as written in from's body: what site_link_entry says of it. */
static void check_link(const struct entry *from, const char *target, int want_rc,
                       const struct entry *want_to, const char *want_rel)
{
    const struct entry *to = &entries[0];
    char *rel = (char *)"unset";
    CHECK_INT(site_link_entry(&site, from, target, &to, &rel), want_rc);
    CHECK(to == want_to);
    if (want_rel)
        CHECK_STR(rel ? rel : "(null)", want_rel);
    else
        CHECK(rel == NULL);
    free(rel);
}

static void links_between_entries(void)
{
    const struct entry *salon = &entries[0], *kenshu = &entries[1];
    check_link(salon, "../events/2021-kenshukai.md", 1, kenshu, "events/2021-kenshukai.md");
    check_link(salon, "../events/2021-kenshukai.md#apply", 1, kenshu, "events/2021-kenshukai.md");
    check_link(salon, "./../issues/./5.md", 1, &entries[2], "issues/5.md");
    check_link(kenshu, "../activities/salon.md", 1, salon, "activities/salon.md");
    /* A file that is no entry: resolved, but to nothing (the caller reports it). */
    check_link(salon, "nothing.md", 1, NULL, "activities/nothing.md");
    /* Climbing above content/ names no file at all. */
    check_link(salon, "../../../x.md", 1, NULL, NULL);
    /* Anything else is kept as written. */
    check_link(salon, "https://example.jp/a.md", 0, NULL, NULL);
    check_link(salon, "HTTPS://example.jp/", 0, NULL, NULL);
    check_link(salon, "/watowa/events/", 0, NULL, NULL);
    check_link(salon, "#apply", 0, NULL, NULL);
    check_link(salon, "?q=1", 0, NULL, NULL);
    check_link(salon, "", 0, NULL, NULL);
    check_link(salon, "photo.jpg", 0, NULL, NULL);
    check_link(salon, "notes.mdx", 0, NULL, NULL);
}

static void print_path_of_an_issue(void)
{
    char *got = site_print_path(&entries[2]);
    CHECK_STR(got, "print/5/5.xhtml");
    free(got);
}

int main(void)
{
    RUN(index_of_every_entry);
    RUN(root_prefix);
    RUN(links_between_entries);
    RUN(print_path_of_an_issue);
    return HARNESS_DONE();
}
