/* offline: what makes the web site a magazine that can be installed like an app and read
 * without a connection, and that tells a returning reader of a new issue:
 *   manifest.webmanifest  the web app manifest (names, language, the theme's colours, start
 *                         and scope at the site's path, icons of 192 and 512 pixels that the
 *                         image module makes from the theme's static/icon.png);
 *   latest.json           the newest issue's number, title and address, which site.js compares
 *                         with the last one the reader saw;
 *   sw.js                 the service worker: this build's version and the pages to keep from
 *                         the start, then the theme's static/worker.js, which does the work.
 * The worker's version is the publisher's fingerprint of every other file the build published,
 * so sw.js is written last and changes (and browsers drop the old caches) whenever anything
 * published does. None of these is written with --portable (a site opened from files can
 * have no worker, and its pages link none of them); kairan serve's preview has no worker.
 * Everything is built from the view and handed to the publisher; problems are reported through
 * the options' diag. */
#ifndef KAIRAN_OFFLINE_H
#define KAIRAN_OFFLINE_H

#include <jansson.h>

#include "core/diag.h"
#include "publish/publish.h"
#include "render/view.h"

/* The app's files at the site's root, as templates find them in site.app. */
#define OFFLINE_MANIFEST "manifest.webmanifest"
#define OFFLINE_LATEST "latest.json"
#define OFFLINE_WORKER "sw.js"
/* The page the worker shows for a page it does not have, and the theme's worker script. */
#define OFFLINE_PAGE "offline/"
#define OFFLINE_WORKER_STATIC "worker.js"
#define OFFLINE_ICON_STATIC "icon.png"

/* What templates find in site.app: {manifest, latest, worker}, each the file's path from the
 * site's root; latest only when the site has an issue, worker only when worker is true. A new
 * object. */
json_t *offline_app_json(const struct site *s, int worker);

/* The pages a reader has offline from the first visit, as [{url, title, pictures}] with urls
 * relative to the site's root, in this order: the home page, the newest issue and every
 * article in its contents (these with pictures: true: their pictures are kept too), the
 * activities in 50音 order (activities/), and the contacts page (the page whose slug is
 * contacts, else the page print.back_page names, when there is one). A new array. */
json_t *offline_pages(const struct view *v);

/* Writes the icons, manifest.webmanifest and (when the site has an issue) latest.json. A
 * theme without static/icon.png gets a manifest without icons and a warning: browsers then do
 * not offer to install the site. Returns 0, or -1 after reporting. */
int offline_write_app(const struct view *v, struct diag *d, struct publish *pub);

/* Writes sw.js for the pages (offline_pages' array), naming the theme's worker script; call it
 * after every other file of the build has been handed to pub. Returns 0, or -1 after
 * reporting. */
int offline_write_worker(const struct view *v, struct diag *d, struct publish *pub,
                         const json_t *pages);

#endif
