/* The service worker's work, for reading the magazine without a connection. Each build writes
 * sw.js at the site's root: it sets self.kairanWorker = {version, keep, offline} and then loads
 * this script. kairan's render/offline.c describes what it says:
 *   version  a fingerprint of every file the build published: a new build gives a new one;
 *   keep     the pages kept from the start ([{url, pictures}], from the site's root): the
 *            home page, the newest issue and its articles (pictures: true), the activities in
 *            50音 order and the contacts page;
 *   offline  the page shown for any other page that was never read here.
 * On install every page to keep is fetched and stored with the stylesheets, scripts and icons
 * it names (and, for the pages, its pictures); once the new worker runs, the caches of
 * older builds of this site are removed. Pages are asked of the network first and stored as
 * they are read; files under static/ and img/ (whose names change with their contents) come
 * from the cache first. Nothing outside the site's own address is touched, and nothing is
 * asked of any other host. */
(function () {
  "use strict";
  var config = self.kairanWorker;
  var scope = self.registration.scope;
  var prefix = "kairan:" + new URL(scope).pathname + ":";
  var CACHE = prefix + config.version;
  var offline = new URL(config.offline, scope).href;

  function ours(url) {
    return url.origin === location.origin && url.href.indexOf(scope) === 0;
  }
  function fixedName(url) {
    var rest = url.pathname.slice(new URL(scope).pathname.length);
    return /^(static|img)\//.test(rest);
  }

  /* The files a page names that the page needs to be read: stylesheets, icons, scripts and,
   * with pictures, every <img>'s src. Addresses as found, made absolute, ours only. */
  function parts(html, base, pictures) {
    var found = [], tags = /<(img|link|script)\b[^>]*>/gi, m;
    while ((m = tags.exec(html))) {
      var tag = m[0], name = m[1].toLowerCase();
      if (name === "img" && !pictures) continue;
      if (name === "link" && !/\srel="(stylesheet|icon|apple-touch-icon)"/i.test(tag)) continue;
      var v = new RegExp("\\s" + (name === "link" ? "href" : "src") + '="([^"]*)"', "i").exec(tag);
      if (!v) continue;
      var url = new URL(v[1].replace(/&amp;/g, "&"), base);
      if (ours(url)) found.push(url.href);
    }
    return found;
  }

  self.addEventListener("install", function (ev) {
    var pages = config.keep.concat([{ url: config.offline }]);
    ev.waitUntil(caches.open(CACHE).then(function (cache) {
      return Promise.all(pages.map(function (page) {
        var url = new URL(page.url, scope).href;
        return fetch(url, { cache: "no-cache" }).then(function (r) {
          if (!r.ok) throw new Error(url + ": " + r.status);
          return r.clone().text().then(function (html) {
            return cache.put(url, r).then(function () { return parts(html, url, page.pictures); });
          });
        });
      })).then(function (lists) {
        var seen = {}, all = [];
        lists.forEach(function (list) {
          list.forEach(function (u) { if (!seen[u]) { seen[u] = true; all.push(u); } });
        });
        return cache.addAll(all);
      });
    }).then(function () { return self.skipWaiting(); }));
  });

  self.addEventListener("activate", function (ev) {
    ev.waitUntil(caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) {
        return n.indexOf(prefix) === 0 && n !== CACHE;
      }).map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); }));
  });

  function keep(ev, response) {
    if (response.ok && response.type === "basic") {
      var copy = response.clone();
      ev.waitUntil(caches.open(CACHE).then(function (c) { return c.put(ev.request, copy); }));
    }
    return response;
  }

  /* A page: from the network, kept as read; without a connection the kept copy (the folder's
   * address and its index.html are the same page), else the offline page. */
  function page(ev) {
    return fetch(ev.request).then(function (r) { return keep(ev, r); }).catch(function () {
      return caches.open(CACHE).then(function (c) {
        var url = new URL(ev.request.url);
        url.hash = "";
        url.search = "";
        var other = /\/index\.html$/.test(url.pathname) ? url.href.replace(/index\.html$/, "")
                                                        : url.href.replace(/\/?$/, "/index.html");
        return c.match(url.href).then(function (hit) {
          return hit || c.match(other);
        }).then(function (hit) {
          return hit || c.match(offline);
        });
      });
    });
  }

  /* A file whose name changes with its contents: from the cache, else the network (kept).
   * Without a connection a picture kept at another width stands in for the one asked for
   * (img/NAME-640.jpg for img/NAME-1280.jpg). */
  function fixed(ev) {
    return caches.open(CACHE).then(function (c) {
      return c.match(ev.request).then(function (hit) {
        if (hit) return hit;
        return fetch(ev.request).then(function (r) { return keep(ev, r); }).catch(function (err) {
          var m = /^(.*-)\d+(\.[a-z]+)$/.exec(new URL(ev.request.url).pathname);
          if (!m) throw err;
          return c.keys().then(function (reqs) {
            for (var i = 0; i < reqs.length; i++) {
              var p = new URL(reqs[i].url).pathname;
              if (p.indexOf(m[1]) === 0 && /^\d+\.[a-z]+$/.test(p.slice(m[1].length)) &&
                  p.slice(-m[2].length) === m[2])
                return c.match(reqs[i]);
            }
            throw err;
          });
        });
      });
    });
  }

  self.addEventListener("fetch", function (ev) {
    var req = ev.request;
    if (req.method !== "GET") return;
    var url = new URL(req.url);
    if (!ours(url)) return;
    if (req.mode === "navigate") ev.respondWith(page(ev));
    else if (fixedName(url)) ev.respondWith(fixed(ev));
    /* Anything else (latest.json, the search files, the feed) goes to the network as usual. */
  });
})();
