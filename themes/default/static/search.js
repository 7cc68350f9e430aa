/* Site search (検索). The index was made when the site was built (kairan's render/search.c and
 * render/ngram.c describe it); this script folds the query the way the build folded the text,
 * loads the few parts of the index the query needs and the texts of the results it shows, and
 * finds exactly the entries whose lines hold the query. Every file is loaded as a <script>
 * that hands its data to kairanSearch, so that search works from a USB stick (file://), where
 * a page may not fetch JSON. Nothing is asked of any other host.
 *
 * It runs on the search page (site.js shows the header's search box on every page): it reads
 * the query from the address (?q=…&kind=…&district=…&p=…), shows the results 20 at a time and
 * says how many there are in a live region. */
(function () {
  "use strict";
  var K = window.kairanSearch = window.kairanSearch || {};
  var PER_PAGE = 20;

  /* ---- Folding: the same steps as kairan's core/fold.c ---------------------------------- */

  var SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/g;

  /* Full case folding of one character. toUpperCase then toLowerCase is Unicode's folding for
   * every character but these: dotless i stays, capital sharp s is ss, and Cherokee folds to
   * its capitals (tests/search.test.sh compares every character with kairan's). */
  function foldChar(c, cp) {
    if (cp === 0x131) return c;
    if (cp === 0x1e9e) return "ss";
    if ((cp >= 0x13a0 && cp <= 0x13f5) || (cp >= 0x13f8 && cp <= 0x13fd) ||
        (cp >= 0xab70 && cp <= 0xabbf))
      return c.toUpperCase();
    return c.toUpperCase().toLowerCase();
  }

  function caseFold(s) {
    var out = "";
    for (var i = 0; i < s.length;) {
      var cp = s.codePointAt(i), c = String.fromCodePoint(cp);
      i += c.length;
      out += foldChar(c, cp);
    }
    return out;
  }

  function hiragana(s) {
    var out = "";
    for (var i = 0; i < s.length;) {
      var cp = s.codePointAt(i);
      i += cp > 0xffff ? 2 : 1;
      if ((cp >= 0x30a1 && cp <= 0x30f6) || cp === 0x30fd || cp === 0x30fe) out += String.fromCharCode(cp - 0x60);
      else if (cp >= 0x30f7 && cp <= 0x30fa) out += String.fromCharCode(cp - 0x30f7 + 0x308f, 0x3099);
      else out += String.fromCodePoint(cp);
    }
    return out;
  }

  /* NFKC with full case folding (as libunistring's u8_casefold with NFKC), no white space,
   * katakana as hiragana. */
  function fold(s) {
    s = String(s).replace(SPACE, "");
    s = caseFold(caseFold(s.normalize("NFKD")).normalize("NFKD")).normalize("NFKC");
    var t = s.replace(SPACE, "");
    if (t !== s) s = t.normalize("NFKC");
    return hiragana(s);
  }
  K.fold = fold;

  function codePoints(s) {
    var out = [];
    for (var i = 0; i < s.length;) {
      var cp = s.codePointAt(i);
      out.push(cp);
      i += cp > 0xffff ? 2 : 1;
    }
    return out;
  }

  /* ---- Loading the files ----------------------------------------------------------------- */

  var root = "", separator = "・";
  var loading = {};
  var meta = null, metaWaiting = [];
  var parts = {}, texts = {};
  K.loaded = [];

  /* Loads root + path once, as a script; resolves when it has run. */
  function load(path) {
    if (!loading[path]) {
      loading[path] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = root + path;
        s.onload = function () { resolve(); };
        s.onerror = function () { reject(new Error(path)); };
        document.head.appendChild(s);
      });
      K.loaded.push(path);
    }
    return loading[path];
  }

  K.meta = function (m) {
    meta = K.info = m;
    metaWaiting.forEach(function (f) { f(m); });
    metaWaiting = [];
  };
  /* A part of an index: its keys (front-coded) and their lists, one string of bits. Notes
   * where each key's list starts. */
  K.part = function (name, b, keys, bits) {
    var map = new Map(), r = new Bits(bits), prev = [];
    for (var i = 0; i < keys.length;) {
      var head = keys.charCodeAt(i++) - 48, len = head % 3 + 1;
      var cps = prev.slice(0, (head - len + 1) / 3);
      while (cps.length < len) {
        var cp = keys.codePointAt(i);
        i += cp > 0xffff ? 2 : 1;
        cps.push(cp);
      }
      map.set(String.fromCodePoint.apply(null, cps), r.pos());
      if (len < 3) docsOf(r); else eachPlace(r, function () {});
      prev = cps;
    }
    parts[name + b] = { map: map, bits: bits };
  };
  K.texts = function (g, docs) { texts[g] = docs; };

  function whenMeta() {
    return meta ? Promise.resolve(meta) : new Promise(function (resolve) { metaWaiting.push(resolve); });
  }

  /* The bucket of a key: FNV-1a over its UTF-8 bytes, as the build computed it. */
  function bucket(key, n) {
    var h = 0x811c9dc5;
    var bytes = unescape(encodeURIComponent(key));
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes.charCodeAt(i);
      h = Math.imul(h, 16777619) >>> 0;
    }
    return h & (n - 1);
  }

  /* A reader at the list of a key in index name ("k" or "t"), or undefined when no entry
   * has the key. */
  function list(name, key) {
    var b = bucket(key, meta[name].n);
    return load("search/" + name + b + "." + meta[name].h[b] + ".js").then(function () {
      var part = parts[name + b], at = part.map.get(key);
      if (at === undefined) return undefined;
      var r = new Bits(part.bits);
      r.seek(at);
      return r;
    });
  }

  /* ---- Reading lists --------------------------------------------------------------------- */

  var B64 = {};
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".split("").forEach(function (c, i) { B64[c] = i; });

  function Bits(s) { this.s = s; this.i = 0; this.acc = 0; this.n = 0; }
  Bits.prototype.pos = function () { return this.i * 6 - this.n; };
  Bits.prototype.seek = function (pos) {
    this.i = Math.floor(pos / 6);
    this.n = 0;
    if (pos % 6) {
      this.acc = B64[this.s.charAt(this.i++)];
      this.n = 6 - pos % 6;
    }
  };
  Bits.prototype.bit = function () {
    if (!this.n) { this.acc = B64[this.s.charAt(this.i++)]; this.n = 6; }
    this.n--;
    return (this.acc >> this.n) & 1;
  };
  Bits.prototype.bits = function (k) {
    var v = 0;
    while (k--) v = v * 2 + this.bit();
    return v;
  };
  Bits.prototype.gamma = function () {
    var n = 0;
    while (!this.bit()) n++;
    var v = 1;
    while (n--) v = v * 2 + this.bit();
    return v;
  };
  Bits.prototype.rice = function (k) {
    var q = 0;
    while (this.bit()) q++;
    return q * Math.pow(2, k) + this.bits(k);
  };

  /* The Rice parameter of a list of count documents: the largest k with
   * count * 2^(k+1) <= 0.69 * documents, as the build chose it. */
  function docK(count) {
    var k = 0;
    while (k < 30 && count * Math.pow(2, k + 1) * 100 <= meta.n * 69) k++;
    return k;
  }

  /* The documents of a key of one or two characters (r reads its list). */
  function docsOf(r) {
    var out = [];
    if (r === undefined) return out;
    if (r.bit()) {
      for (var d = 0; d < meta.n; d++) if (r.bit()) out.push(d);
      return out;
    }
    var count = r.gamma(), k = docK(count), doc = -1;
    for (var i = 0; i < count; i++) {
      doc = i ? doc + 1 + r.rice(k) : r.rice(k);
      out.push(doc);
    }
    return out;
  }

  /* Each place of a key of three characters: f(document, position). */
  function eachPlace(r, f) {
    var docs = r.gamma(), kp = r.bits(4), kd = docK(docs), doc = -1;
    for (var i = 0; i < docs; i++) {
      doc = i ? doc + 1 + r.rice(kd) : r.rice(kd);
      var n = r.gamma(), pos = -1;
      for (var j = 0; j < n; j++) {
        pos = j ? pos + 1 + r.rice(kp) : r.rice(kp);
        f(doc, pos);
      }
    }
  }

  /* How many documents a list of places names (it comes first). */
  function docCount(r) {
    var at = r.pos(), n = r.gamma();
    r.seek(at);
    return n;
  }

  /* ---- Queries --------------------------------------------------------------------------- */

  /* The documents (in increasing order) whose lines in index name hold the folded query q:
   * for one or two characters their list; for more, three characters at 0, 3, 6, … and at
   * the end, each where the query puts it. */
  function find(name, q) {
    var cps = codePoints(q), m = cps.length;
    if (!m) return Promise.resolve([]);
    if (m <= 2) return list(name, q).then(docsOf);
    var offsets = [];
    for (var o = 0; o + 3 <= m; o += 3) offsets.push(o);
    if (offsets[offsets.length - 1] !== m - 3) offsets.push(m - 3);
    return Promise.all(offsets.map(function (o) {
      return list(name, String.fromCodePoint(cps[o], cps[o + 1], cps[o + 2]));
    })).then(function (lists) {
      if (lists.some(function (l) { return l === undefined; })) return [];
      /* Start from the shortest list: where the query may start, by document. */
      var order = offsets.map(function (o, i) { return i; });
      var sizes = lists.map(docCount);
      order.sort(function (a, b) { return sizes[a] - sizes[b] || a - b; });
      var starts = new Map();
      eachPlace(lists[order[0]], function (doc, pos) {
        var at = pos - offsets[order[0]];
        if (at < 0) return;
        if (!starts.has(doc)) starts.set(doc, new Set());
        starts.get(doc).add(at);
      });
      for (var i = 1; i < order.length && starts.size; i++) {
        var o = offsets[order[i]], kept = new Map();
        eachPlace(lists[order[i]], function (doc, pos) {
          var s = starts.get(doc);
          if (s && s.has(pos - o)) {
            if (!kept.has(doc)) kept.set(doc, new Set());
            kept.get(doc).add(pos - o);
          }
        });
        starts = kept;
      }
      return Array.from(starts.keys()).sort(function (a, b) { return a - b; });
    });
  }

  /* A small site has no index: every text is read and each line folded (once). Resolves to
   * [documents with a line that holds q, documents whose title or reading holds it]. */
  var foldedLines = null;
  function scan(q) {
    var all = [];
    for (var d = 0; d < meta.n; d++) all.push(d);
    var done = K.documents(all).then(function (docs) {
      if (!foldedLines) foldedLines = docs.map(function (doc) { return doc[7].map(fold); });
      var found = [], inTitle = [];
      if (!q) return [found, inTitle];
      docs.forEach(function (doc, d) {
        var lines = foldedLines[d], at = -1;
        for (var i = 0; i < lines.length && at < 0; i++) if (lines[i].indexOf(q) >= 0) at = i;
        if (at < 0) return;
        found.push(d);
        if (at < doc[6]) inTitle.push(d);
      });
      return [found, inTitle];
    });
    return [done.then(function (r) { return r[0]; }), done.then(function (r) { return r[1]; })];
  }

  /* A document's kind (0 activity, 1 event, 2 issue, 3 page) and district (0: none). */
  function docInfo(d) {
    var v;
    if (meta.dw === 1) {
      v = B64[meta.docs.charAt(d)];
      return { kind: v >> 4, district: v & 15 };
    }
    v = B64[meta.docs.charAt(2 * d)] * 64 + B64[meta.docs.charAt(2 * d + 1)];
    return { kind: v >> 10, district: v & 1023 };
  }

  /* Runs a query: resolves to {query (folded), ids (every match, best first: title matches,
   * then the rest, newest first within each), total}. opts: kind (0-3) and district (1-…)
   * filters, either may be absent. */
  K.query = function (text, opts) {
    opts = opts || {};
    return whenMeta().then(function () {
      var q = fold(text);
      return Promise.all(meta.scan ? scan(q) : [find("k", q), find("t", q)]).then(function (found) {
        var inTitle = new Set(found[1]);
        var keep = function (d) {
          var info = docInfo(d);
          return (opts.kind === undefined || info.kind === opts.kind) &&
                 (opts.district === undefined || info.district === opts.district);
        };
        var first = found[1].filter(keep).reverse();
        var rest = found[0].filter(function (d) { return !inTitle.has(d) && keep(d); }).reverse();
        var ids = first.concat(rest);
        return { query: q, ids: ids, total: ids.length };
      });
    });
  };

  /* The texts of documents: resolves to an array of [url, title, kind, district, date,
   * title lines, title and reading lines, lines] in the order of ids. */
  K.documents = function (ids) {
    return whenMeta().then(function () {
      var g = meta.x.g;
      var need = {};
      ids.forEach(function (d) { need[Math.floor(d / g)] = true; });
      return Promise.all(Object.keys(need).map(function (p) {
        return load("search/x" + p + "." + meta.x.h[p] + ".js");
      })).then(function () {
        return ids.map(function (d) { return texts[Math.floor(d / g)][d % g]; });
      });
    });
  };

  /* ---- Where the query is in a line, for the snippet ------------------------------------- */

  var JOINS = /[\p{M}\uff9e\uff9f\u309b\u309c]/u;

  /* The first place in line where the folded query q is: {start, end} in the line's own
   * characters, or null. The line is folded a cluster at a time (a character and the marks
   * that join it) to know where each folded character came from. */
  function locate(line, q) {
    if (!q) return null;
    var folded = "", from = [], to = [];
    var i = 0;
    while (i < line.length) {
      var j = i + (line.codePointAt(i) > 0xffff ? 2 : 1);
      while (j < line.length) {
        var c = String.fromCodePoint(line.codePointAt(j));
        if (!JOINS.test(c)) break;
        j += c.length;
      }
      var f = fold(line.slice(i, j));
      for (var k = 0; k < f.length; k++) {
        from.push(i);
        to.push(j);
      }
      folded += f;
      i = j;
    }
    var at = folded.indexOf(q);
    if (at < 0) return null;
    return { start: from[at], end: to[at + q.length - 1] };
  }
  K.locate = locate;

  /* ---- The page -------------------------------------------------------------------------- */

  function el(name, cls, text) {
    var e = document.createElement(name);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /* line with the part at [start, end) marked, cut to about 90 characters around it. */
  function marked(line, place) {
    var frag = document.createDocumentFragment();
    var from = Math.max(0, place.start - 30), to = Math.min(line.length, place.end + 60);
    if (from > 0) frag.appendChild(document.createTextNode("…"));
    frag.appendChild(document.createTextNode(line.slice(from, place.start)));
    frag.appendChild(el("mark", "", line.slice(place.start, place.end)));
    frag.appendChild(document.createTextNode(line.slice(place.end, to)));
    if (to < line.length) frag.appendChild(document.createTextNode("…"));
    return frag;
  }

  function resultItem(doc, q, index) {
    var url = doc[0], title = doc[1], kind = doc[2], district = doc[3], date = doc[4];
    var nTitle = doc[5], lines = doc[7];
    var li = el("li", "search-result");
    var h = el("h2", "search-result-title");
    var a = el("a");
    a.href = root + url + (meta.portable ? "index.html" : "");
    var place = locate(title, q);
    if (place) {
      a.appendChild(document.createTextNode(title.slice(0, place.start)));
      a.appendChild(el("mark", "", title.slice(place.start, place.end)));
      a.appendChild(document.createTextNode(title.slice(place.end)));
    } else {
      a.textContent = title;
    }
    h.appendChild(a);
    li.appendChild(h);
    var facts = el("p", "search-result-facts");
    var words = [meta.kinds[kind]];
    if (district) words.push(meta.districts[district - 1][1]);
    if (date) words.push(date);
    facts.textContent = words.join(separator);
    li.appendChild(facts);
    for (var i = nTitle; i < lines.length; i++) {
      var p = locate(lines[i], q);
      if (p) {
        var snippet = el("p", "search-result-snippet");
        snippet.appendChild(marked(lines[i], p));
        li.appendChild(snippet);
        break;
      }
    }
    return li;
  }

  function params() {
    var out = {};
    location.search.replace(/^\?/, "").split("&").forEach(function (pair) {
      if (!pair) return;
      var kv = pair.split("=");
      try {
        out[decodeURIComponent(kv[0])] = decodeURIComponent((kv[1] || "").replace(/\+/g, " "));
      } catch (e) { /* a broken escape: that parameter is left out */ }
    });
    return out;
  }

  function href(state, page) {
    var q = "?q=" + encodeURIComponent(state.q);
    if (state.kind) q += "&kind=" + encodeURIComponent(state.kind);
    if (state.district) q += "&district=" + encodeURIComponent(state.district);
    if (page > 1) q += "&p=" + page;
    return q;
  }

  var KINDS = ["activity", "event", "issue", "page"];

  /* What the script says, in Japanese unless the page gives its words in its language
   * (data-words-NAME, from the theme's catalogue): %q, %n and the like stand for values. */
  var WORDS = {
    empty: "調べることばを入れてください。", searching: "「%q」を探しています…",
    "not-found": "「%q」は見つかりませんでした。", found: "「%q」の検索結果：%n件",
    "found-part": "（%from〜%to件目）", results: "検索結果", pages: "検索結果のページ",
    prev: "前の%per件", next: "次の%per件", at: "%page / %pagesページ",
    failed: "検索の準備ができませんでした。ページを読み込み直してください。", separator: "・"
  };

  function say(box, name, values) {
    var text = box.getAttribute("data-words-" + name);
    if (text === null) text = WORDS[name];
    return text.replace(/%(from|pages|page|per|to|q|n)/g, function (all, key) {
      return values && key in values ? String(values[key]) : all;
    });
  }

  function setUp(box) {
    root = box.getAttribute("data-root") || "";
    separator = say(box, "separator");
    var form = box.querySelector("[data-search-form]");
    var status = box.querySelector("[data-search-status]");
    var results = box.querySelector("[data-search-results]");
    var nojs = box.querySelector("[data-search-nojs]");
    if (nojs) nojs.hidden = true;
    form.hidden = false;
    var serial = 0;

    function show(state, focusResults) {
      var mine = ++serial;
      form.elements.q.value = state.q;
      form.elements.kind.value = state.kind || "";
      form.elements.district.value = state.district || "";
      results.textContent = "";
      if (!fold(state.q)) {
        status.textContent = state.q ? say(box, "empty") : "";
        return;
      }
      status.textContent = say(box, "searching", { q: state.q });
      whenMeta().then(function () {
        var opts = {};
        var kind = KINDS.indexOf(state.kind);
        if (kind >= 0) opts.kind = kind;
        meta.districts.forEach(function (d, i) { if (d[0] === state.district) opts.district = i + 1; });
        return K.query(state.q, opts);
      }).then(function (found) {
        var pages = Math.max(1, Math.ceil(found.total / PER_PAGE));
        var page = Math.min(Math.max(1, parseInt(state.p, 10) || 1), pages);
        var ids = found.ids.slice((page - 1) * PER_PAGE, page * PER_PAGE);
        return K.documents(ids).then(function (docs) {
          if (mine !== serial) return;
          if (!found.total) {
            status.textContent = say(box, "not-found", { q: state.q });
            return;
          }
          var from = (page - 1) * PER_PAGE + 1, to = from + ids.length - 1;
          status.textContent = say(box, "found", { q: state.q, n: found.total }) +
            (found.total > ids.length ? say(box, "found-part", { from: from, to: to }) : "");
          var ol = el("ol", "search-results");
          ol.start = from;
          ol.setAttribute("aria-label", say(box, "results"));
          ol.tabIndex = -1;
          docs.forEach(function (doc, i) { ol.appendChild(resultItem(doc, found.query, from + i)); });
          results.appendChild(ol);
          if (pages > 1) results.appendChild(pager(state, page, pages));
          if (focusResults) ol.focus();
        });
      }).catch(function () {
        if (mine === serial) status.textContent = say(box, "failed");
      });
    }

    function pager(state, page, pages) {
      var nav = el("nav", "pager search-pager");
      nav.setAttribute("aria-label", say(box, "pages"));
      var ul = el("ul");
      function link(label, p, rel) {
        var li = el("li"), a = el("a", "", label);
        a.href = href(state, p);
        a.rel = rel;
        a.addEventListener("click", function (ev) {
          ev.preventDefault();
          var next = { q: state.q, kind: state.kind, district: state.district, p: String(p) };
          history.pushState(next, "", href(next, p));
          show(next, true);
        });
        li.appendChild(a);
        ul.appendChild(li);
      }
      if (page > 1) link(say(box, "prev", { per: PER_PAGE }), page - 1, "prev");
      ul.appendChild(el("li", "search-pager-at", say(box, "at", { page: page, pages: pages })));
      if (page < pages) link(say(box, "next", { per: PER_PAGE }), page + 1, "next");
      nav.appendChild(ul);
      return nav;
    }

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var state = { q: form.elements.q.value, kind: form.elements.kind.value,
                    district: form.elements.district.value, p: "1" };
      history.pushState(state, "", href(state, 1));
      show(state, false);
    });
    form.addEventListener("change", function (ev) {
      if (ev.target.name === "kind" || ev.target.name === "district") form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    });
    window.addEventListener("popstate", function () {
      var p = params();
      show({ q: p.q || "", kind: p.kind || "", district: p.district || "", p: p.p || "1" }, false);
    });
    var p = params();
    show({ q: p.q || "", kind: p.kind || "", district: p.district || "", p: p.p || "1" }, false);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var page = document.querySelector("[data-search-page]");
    if (page) setUp(page);
  });
})();
