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
  /* A part of an index: its keys (front-coded, each with the length of its entry in bits) and
   * the entries, one string of bits. Notes where each key's entry starts. */
  K.part = function (shard, b, keys, bits) {
    var map = new Map(), prev = [], at = 0;
    for (var i = 0; i < keys.length;) {
      var shared = B64[keys.charAt(i++)], len = B64[keys.charAt(i++)];
      var n = 0, scale = 1, v;
      do {
        v = B64[keys.charAt(i++)];
        n += (v & 31) * scale;
        scale *= 32;
      } while (v & 32);
      var cps = prev.slice(0, shared);
      while (cps.length < len) {
        var cp = keys.codePointAt(i);
        i += cp > 0xffff ? 2 : 1;
        cps.push(cp);
      }
      map.set(String.fromCodePoint.apply(null, cps), at);
      at += n;
      prev = cps;
    }
    parts[shard + "-" + b] = { map: map, bits: bits, places: new Map() };
  };
  K.texts = function (g, docs) { texts[g] = docs; };

  function whenMeta() {
    return meta ? Promise.resolve(meta) : new Promise(function (resolve) { metaWaiting.push(resolve); });
  }

  /* The bucket of a string: FNV-1a over its UTF-8 bytes, as the build computed it. */
  function bucket(key, n) {
    var h = 0x811c9dc5;
    var bytes = unescape(encodeURIComponent(key));
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes.charCodeAt(i);
      h = Math.imul(h, 16777619) >>> 0;
    }
    return h & (n - 1);
  }

  /* The part of index shard sh that holds string key, loaded. */
  function part(sh, key) {
    var k = meta.k[sh], b = bucket(key, k.n);
    return load("search/k" + sh + "-" + b + "." + k.h.substr(b * 8, 8) + ".js").then(function () {
      return parts[sh + "-" + b];
    });
  }

  /* ---- Reading entries (the format is described in kairan's render/ngram.h) ------------- */

  var B64 = {};
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".split("").forEach(function (c, i) { B64[c] = i; });

  function Bits(s, pos) {
    this.s = s;
    this.i = Math.floor(pos / 6);
    this.n = 0;
    this.acc = 0;
    if (pos % 6) {
      this.acc = B64[s.charAt(this.i++)];
      this.n = 6 - pos % 6;
    }
  }
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

  /* K(c, n): the largest k with c * 2^(k+1) <= 0.69 n, as the build chose it. */
  function riceK(c, n) {
    var k = 0;
    if (!c) return 0;
    while (k < 30 && c * Math.pow(2, k + 1) * 100 <= n * 69) k++;
    return k;
  }

  /* A SUBSET of n items: the indexes of the items in it, in order. */
  function subset(r, n) {
    var mode = r.bits(2), out = [], i;
    if (mode === 0) {
      for (i = 0; i < n; i++) out.push(i);
      return out;
    }
    if (mode === 3) {
      r.gamma();
      for (i = 0; i < n; i++) if (r.bit()) out.push(i);
      return out;
    }
    var s = r.gamma() - 1, k = r.bits(5), listed = [], at = 0;
    for (i = 0; i < s; i++) {
      at = i ? at + 1 + r.rice(k) : r.rice(k);
      listed.push(at);
    }
    if (mode === 1) return listed;
    var j = 0;
    for (i = 0; i < n; i++) {
      if (j < listed.length && listed[j] === i) j++;
      else out.push(i);
    }
    return out;
  }

  /* DOCS of a shard of n documents: {d: documents, t: 1 where it is in a title line}. */
  function readDocs(r, n) {
    var d = subset(r, n), t = new Uint8Array(d.length);
    subset(r, d.length).forEach(function (i) { t[i] = 1; });
    return { d: d, t: t };
  }

  /* PLACES: {d: document, p: place, t: 1 in a title line}, one of each for each place. */
  function readPlaces(r, n) {
    var nd = r.gamma(), kp = r.bits(4), one = r.bit(), titled = r.bit(), kd = riceK(nd, n);
    var d = [], p = [], starts = [], doc = 0;
    for (var j = 0; j < nd; j++) {
      doc = j ? doc + 1 + r.rice(kd) : r.rice(kd);
      var count = one ? 1 : r.gamma(), pos = 0;
      starts.push(d.length);
      for (var x = 0; x < count; x++) {
        pos = x ? pos + 1 + r.rice(kp) : r.rice(kp);
        d.push(doc);
        p.push(pos);
      }
    }
    var t = new Uint8Array(d.length);
    if (titled) {
      subset(r, nd).forEach(function (j) {
        for (var c = r.gamma(), y = 0; y < c; y++) t[starts[j] + y] = 1;
      });
    }
    return { d: d, p: p, t: t };
  }

  function str(cps, from, to) {
    return String.fromCodePoint.apply(null, cps.slice(from, to));
  }

  /* The kind of key's entry in part: -1 none, else the two bits a key of three or more starts
   * with (0 places, 1 a subset of places, 2 common, 3 a pointer). */
  function kind(pt, key) {
    var at = pt.map.get(key);
    return at === undefined ? -1 : new Bits(pt.bits, at).bits(2);
  }

  /* The places of a rare key in part pt (an index of n documents), or null. */
  function placesOf(pt, key, n) {
    if (pt.places.has(key)) return pt.places.get(key);
    var at = pt.map.get(key), out = null;
    if (at === undefined) return null;
    var r = new Bits(pt.bits, at), type = r.bits(2);
    if (type === 0) {
      out = readPlaces(r, n);
    } else if (type === 1) {
      var head = r.bit(), cps = codePoints(key);
      var base = placesOf(pt, head ? str(cps, 0, cps.length - 1) : str(cps, 1), n);
      if (!base) return null;
      var shift = head ? 0 : 1;
      out = { d: [], p: [], t: [] };
      subset(r, base.d.length).forEach(function (i) {
        out.d.push(base.d[i]);
        out.p.push(base.p[i] - shift);
        out.t.push(base.t[i]);
      });
    }
    pt.places.set(key, out);
    return out;
  }

  /* The documents of a key of one or two characters, or of a common one, whose entry is in
   * part pt: resolves to {d, t} (as readDocs), or null. */
  function docsOf(sh, pt, key, n) {
    var at = pt.map.get(key), cps = codePoints(key);
    if (at === undefined) return Promise.resolve(null);
    var r = new Bits(pt.bits, at);
    if (cps.length <= 2) return Promise.resolve(readDocs(r, n));
    if (r.bits(2) !== 2) return Promise.resolve(null);
    if (r.bit()) return Promise.resolve(readDocs(r, n));
    return part(sh, key).then(function (own) { return docsOf(sh, own, key, n); });
  }

  /* ---- Queries --------------------------------------------------------------------------- */

  /* From place i of the query q (code points), the first rare key: resolves to {part, key,
   * end} (the key is q[i..end)), to {common: part} when q[i..] is common, or to null when q is
   * found nowhere. */
  function walk(sh, q, i) {
    var root = str(q, i, i + 3);
    return part(sh, root).then(function (pt) {
      var type = kind(pt, root);
      if (type < 0) return null;
      if (type !== 2) return { part: pt, key: root, end: i + 3 };
      for (var f = i + 3; f < q.length; f++) {
        var key = str(q, i, f + 1);
        type = kind(pt, key);
        if (type < 0) return null;
        if (type === 2) continue;
        if (type === 3) {
          var r = new Bits(pt.bits, pt.map.get(key));
          r.bits(2);
          var end = f + 1;
          return part(sh, str(q, i + r.gamma() - 1, end)).then(function (there) {
            return kind(there, key) < 0 ? null : { part: there, key: key, end: end };
          });
        }
        return { part: pt, key: key, end: f + 1 };
      }
      return { common: pt };
    });
  }

  /* The documents of index shard sh whose lines hold the folded query q (code points):
   * resolves to {d: documents in order, t: 1 where a title or reading holds it}. */
  function findIn(sh, q) {
    var m = q.length, n = Math.min(meta.s, meta.n - sh * meta.s), none = { d: [], t: [] };
    if (!m) return Promise.resolve(none);
    if (m <= 2) {
      return part(sh, str(q, 0, m)).then(function (pt) { return docsOf(sh, pt, str(q, 0, m), n); })
        .then(function (r) { return r || none; });
    }
    /* Where the query may start ((document << 32) + place, in order) and whether that is in a
     * title line: narrowed by each rare key in turn, at its place in the query. */
    var starts = null, titled = null;
    function narrow(off, places) {
      var v = [], t = [];
      for (var x = 0; x < places.d.length; x++) {
        var s = places.p[x] - off;
        if (s < 0) continue;
        v.push(places.d[x] * 4294967296 + s);
        t.push(places.t[x]);
      }
      if (starts) {
        var kept = [], kt = [], a = 0, b = 0;
        while (a < starts.length && b < v.length) {
          if (starts[a] < v[b]) a++;
          else if (starts[a] > v[b]) b++;
          else { kept.push(starts[a]); kt.push(titled[a]); a++; b++; }
        }
        v = kept;
        t = kt;
      }
      starts = v;
      titled = t;
      return v.length > 0;
    }
    function result() {
      var d = [], t = [];
      for (var x = 0; x < starts.length; x++) {
        var doc = Math.floor(starts[x] / 4294967296);
        if (d.length && d[d.length - 1] === doc) t[t.length - 1] |= titled[x];
        else { d.push(doc); t.push(titled[x]); }
      }
      return { d: d, t: t };
    }
    /* Covered up to `covered`: the next rare key from there (or from the last three). */
    function step(covered) {
      if (covered >= m) return result();
      var i = Math.min(covered, m - 3);
      return walk(sh, q, i).then(function (w) {
        if (!w) return none;
        if (!w.common) return narrow(i, placesOf(w.part, w.key, n)) ? step(w.end) : none;
        if (!i) return docsOf(sh, w.common, str(q, 0, m), n).then(function (r) { return r || none; });
        return back(i - 1);
      });
    }
    /* q[j + 1..] is common: the rare key q[j..], or further back. */
    function back(j) {
      return walk(sh, q, j).then(function (w) {
        if (!w) return none;
        if (w.common) return back(j - 1);
        var places = w.end === m ? placesOf(w.part, w.key, n) : placesOf(w.part, str(q, j, m), n);
        return places && narrow(j, places) ? result() : none;
      });
    }
    return step(0);
  }

  /* Every shard's documents (numbered on from the shards before): [documents, the ones among
   * them whose title or reading holds q]. */
  function find(q) {
    var cps = codePoints(q);
    return Promise.all(meta.k.map(function (k, sh) { return findIn(sh, cps); })).then(function (all) {
      var found = [], inTitle = [];
      all.forEach(function (r, sh) {
        r.d.forEach(function (d, x) {
          found.push(sh * meta.s + d);
          if (r.t[x]) inTitle.push(sh * meta.s + d);
        });
      });
      return [found, inTitle];
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
      return (meta.scan ? Promise.all(scan(q)) : find(q)).then(function (found) {
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
        return load("search/x" + p + "." + meta.x.h.substr(p * 8, 8) + ".js");
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
