/* kairan serve's editor: the list of entries, a form per kind made from the schema the build
 * checks (GET /__kairan/api/schema), the preview of unsaved text, pictures and saving. It talks
 * to the server only through /__kairan/api/, sending the session's token in X-Kairan-Token.
 * Never part of a built site. */
(function () {
  "use strict";

  var API = "/__kairan/api/";
  var PREVIEW_PAUSE_MS = 200;
  var $ = function (id) { return document.getElementById(id); };

  /* The token arrives once in the address (?token=...); it is kept for this tab only and taken
   * out of the address, so that it is not left in the history or shown on the screen. */
  var params = new URLSearchParams(location.search);
  var token = params.get("token") || sessionStorage.getItem("kairan-token") || "";
  if (params.get("token")) {
    sessionStorage.setItem("kairan-token", token);
    history.replaceState(null, "", location.pathname + location.hash);
  }

  var schema = null;         /* GET schema */
  var entries = [];          /* GET entries */
  /* {kind, slug, lang (a translation's language code, else null), version, isNew, extra (fields
   * the form has no place for); for a translation, original: the original's {fields, body}} */
  var current = null;
  var root = null;           /* the form's top component */
  var previewTimer = 0, previewSerial = 0, lastTyped = 0;
  var pendingPicture = null;

  function api(method, path, body, headers) {
    var h = { "X-Kairan-Token": token };
    if (body !== undefined && !(body instanceof Blob)) h["Content-Type"] = "application/json";
    Object.keys(headers || {}).forEach(function (k) { h[k] = headers[k]; });
    return fetch(API + path, {
      method: method, headers: h, cache: "no-store",
      body: body === undefined ? undefined : body instanceof Blob ? body : JSON.stringify(body)
    }).then(function (r) {
      return r.text().then(function (t) {
        var data = null;
        try { data = JSON.parse(t); } catch (e) { data = { message: t }; }
        return { status: r.status, data: data };
      });
    });
  }

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }

  var ids = 0;
  function newId(prefix) { ids += 1; return prefix + "-" + ids; }

  function say(text) { $("status").textContent = text; }

  /* ---- 和暦 ---- */

  var eras = [["令和", 2019, "2019-05-01"], ["平成", 1989, "1989-01-08"], ["昭和", 1926, "1926-12-25"]];

  function wareki(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    if (!m) return "";
    var d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    if (isNaN(d.getTime())) return "";
    try {
      return new Intl.DateTimeFormat("ja-JP-u-ca-japanese", {
        era: "long", year: "numeric", month: "long", day: "numeric", weekday: "short", timeZone: "UTC"
      }).format(d);
    } catch (e) { return ""; }
  }

  /* 令和3年2月19日, R3.2.19, 令和元年5月1日 → 2021-02-19; "" when it is not such a date. */
  function fromWareki(text) {
    var t = (text || "").replace(/[０-９]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xfee0); })
      .replace(/\s/g, "");
    var m = /^(令和|平成|昭和|R|H|S)(元|\d{1,2})[年.\/-](\d{1,2})[月.\/-](\d{1,2})日?$/i.exec(t);
    if (!m) return "";
    var name = { R: "令和", H: "平成", S: "昭和" }[m[1].toUpperCase()] || m[1];
    var era = eras.filter(function (e) { return e[0] === name; })[0];
    var year = era[1] + (m[2] === "元" ? 1 : +m[2]) - 1;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var iso = year + "-" + pad(+m[3]) + "-" + pad(+m[4]);
    var d = new Date(iso + "T00:00:00Z");
    return isNaN(d.getTime()) || d.getUTCDate() !== +m[4] ? "" : iso;
  }

  /* ---- よみがな → URL用の名前 ---- */

  var kana = {
    "あ": "a", "い": "i", "う": "u", "え": "e", "お": "o", "か": "ka", "き": "ki", "く": "ku", "け": "ke", "こ": "ko",
    "さ": "sa", "し": "shi", "す": "su", "せ": "se", "そ": "so", "た": "ta", "ち": "chi", "つ": "tsu", "て": "te", "と": "to",
    "な": "na", "に": "ni", "ぬ": "nu", "ね": "ne", "の": "no", "は": "ha", "ひ": "hi", "ふ": "fu", "へ": "he", "ほ": "ho",
    "ま": "ma", "み": "mi", "む": "mu", "め": "me", "も": "mo", "や": "ya", "ゆ": "yu", "よ": "yo",
    "ら": "ra", "り": "ri", "る": "ru", "れ": "re", "ろ": "ro", "わ": "wa", "を": "o", "ん": "n",
    "が": "ga", "ぎ": "gi", "ぐ": "gu", "げ": "ge", "ご": "go", "ざ": "za", "じ": "ji", "ず": "zu", "ぜ": "ze", "ぞ": "zo",
    "だ": "da", "ぢ": "ji", "づ": "zu", "で": "de", "ど": "do", "ば": "ba", "び": "bi", "ぶ": "bu", "べ": "be", "ぼ": "bo",
    "ぱ": "pa", "ぴ": "pi", "ぷ": "pu", "ぺ": "pe", "ぽ": "po", "ぁ": "a", "ぃ": "i", "ぅ": "u", "ぇ": "e", "ぉ": "o", "ゔ": "vu"
  };
  var small = { "ゃ": "ya", "ゅ": "yu", "ょ": "yo" };

  function romaji(reading) {
    var s = (reading || "").replace(/[\u30a1-\u30f6]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0x60); });
    var out = "", double = false;
    for (var i = 0; i < s.length; i++) {
      var c = s[i], r;
      if (c === "っ") { double = true; continue; }
      if (c === "ー") continue;
      if (small[s[i + 1]] && kana[c]) {
        var base = kana[c];
        r = (/^(shi|chi|ji)$/.test(base) ? base.slice(0, -1) + small[s[i + 1]].slice(1) : base.slice(0, -1) + small[s[i + 1]]);
        i++;
      } else if (kana[c]) {
        r = kana[c];
      } else if (/[a-z0-9]/i.test(c)) {
        r = c.toLowerCase();
      } else {
        r = "-";
      }
      if (double && /^[a-z]/.test(r)) r = (r.slice(0, 2) === "ch" ? "t" : r[0]) + r;
      double = false;
      out += r;
    }
    return out.replace(/n(?=[bmp])/g, "m").replace(/-+/g, "-").replace(/^-|-$/g, "").slice(0, 60);
  }

  /* ---- Languages and translations. ---- */

  function langOf(code) { return (schema.languages || []).filter(function (l) { return l.code === code; })[0]; }
  function langName(code) { var l = langOf(code); return l ? l.name : code; }
  function translating() { return !!(current && current.lang); }

  /* The original's value at a field's path ("venues.0.name"), for a translation's form. */
  function originalAt(path) {
    var v = current && current.original ? current.original.fields : undefined;
    path.split(".").forEach(function (p) { v = v === undefined || v === null ? undefined : v[p]; });
    return v;
  }

  /* A translation's form leaves out what places or counts the entry (the original's). */
  function ownFields(fields) {
    return translating() ? fields.filter(function (g) { return !g.shared; }) : fields;
  }

  /* ---- Components: one per field, made from the schema. ---- */

  function fieldWrap(f, id, control, path) {
    var help = f.help ? el("p", { "class": "help", id: id + "-help", text: f.help }) : null;
    var msg = el("p", { "class": "msg", id: id + "-msg" });
    /* A translation may leave anything out: the original's then shows. */
    var required = f.required && !translating();
    var label = el("label", { "for": id, text: f.label }, [required ? el("span", { "class": "required", text: "（必須）" }) : null]);
    control.setAttribute("aria-describedby", (help ? id + "-help " : "") + id + "-msg");
    var box = el("div", { "class": "field", "data-path": path }, [label, control, help, msg]);
    return { box: box, msg: msg, focus: control };
  }

  function setMsg(comp, text) {
    comp.msg.textContent = text || "";
    if (comp.focus) {
      if (text) comp.focus.setAttribute("aria-invalid", "true");
      else comp.focus.removeAttribute("aria-invalid");
    }
  }

  function textish(f, path, value, type) {
    var id = newId("f-" + f.name);
    var input;
    if (f.choices) {
      input = el("select", { id: id }, [el("option", { value: "", text: "（なし）" })].concat(f.choices.map(function (c) {
        return el("option", { value: c.value, text: c.label });
      })));
    } else if (f.name === "district" && path === "district") {
      input = el("select", { id: id }, [el("option", { value: "", text: "（なし）" })].concat(schema.districts.map(function (d) {
        return el("option", { value: d.slug, text: d.name });
      })));
    } else if (f.name === "note" || f.name === "summary" || f.name === "how") {
      input = el("textarea", { id: id, rows: f.name === "note" ? 3 : 2 });
    } else {
      input = el("input", { id: id, type: type, autocomplete: "off" });
    }
    if (f.required && !translating()) input.setAttribute("aria-required", "true");
    if (translating() && input.tagName !== "SELECT" && type !== "number") {
      /* Left empty, the original's words show: they are the placeholder. */
      var was = originalAt(path);
      if (typeof was === "string" || typeof was === "number") input.setAttribute("placeholder", String(was));
      input.setAttribute("lang", current.lang);
    }
    var w = fieldWrap(f, id, input, path);
    var comp = {
      box: w.box, msg: w.msg, focus: input, path: path,
      set: function (v) {
        var s = v === undefined || v === null ? "" : String(v);
        if (input.tagName === "SELECT" && s && !Array.prototype.some.call(input.options, function (o) { return o.value === s; })) {
          input.appendChild(el("option", { value: s, text: s }));
        }
        input.value = s;
      },
      get: function () {
        if (type === "number") {
          if (input.value.trim() === "") return undefined;
          var n = Number(input.value);
          return Number.isInteger(n) ? n : input.value;
        }
        return input.value.trim() === "" ? undefined : input.value.replace(/\r\n/g, "\n");
      }
    };
    if (type === "number") { input.setAttribute("min", "0"); input.setAttribute("inputmode", "numeric"); }
    comp.set(value);
    return comp;
  }

  function boolField(f, path, value) {
    var id = newId("f-" + f.name);
    var input = el("input", { id: id, type: "checkbox" });
    var w = fieldWrap(f, id, input, path);
    w.box.classList.add("check");
    w.box.insertBefore(input, w.box.firstChild);
    var had = value !== undefined && value !== null;
    input.checked = value === true;
    return {
      box: w.box, msg: w.msg, focus: input, path: path,
      get: function () { return input.checked ? true : had || f.name === "draft" ? false : undefined; }
    };
  }

  /* date, datetime or when: a date picker with its 和暦, a field that takes 和暦, and for
   * datetime and when a time picker. */
  function dateField(f, path, value) {
    var id = newId("f-" + f.name);
    var date = el("input", { id: id, type: "date" });
    var timeId = id + "-time";
    var time = f.type === "date" ? null : el("input", { id: timeId, type: "time", step: "60" });
    var wa = el("input", { id: id + "-wa", type: "text", inputmode: "text", placeholder: "令和3年2月19日", size: "16" });
    var shown = el("span", { "class": "wareki", "aria-live": "polite" });
    var row = el("div", { "class": "when" }, [date,
      time ? el("label", { "for": timeId, text: f.type === "when" ? "時刻（なくても可）" : "時刻" }) : null, time,
      el("label", { "for": id + "-wa", text: "和暦で入力" }), wa, shown]);
    var w = fieldWrap(f, id, row, path);
    date.setAttribute("aria-describedby", (f.help ? id + "-help " : "") + id + "-msg");
    row.removeAttribute("aria-describedby");
    function update() { shown.textContent = wareki(date.value); }
    date.addEventListener("input", update);
    wa.addEventListener("change", function () {
      var iso = fromWareki(wa.value);
      if (iso) { date.value = iso; wa.value = ""; update(); schedulePreview(); }
      else if (wa.value) shown.textContent = "和暦として読めません（例: 令和3年2月19日）";
    });
    var m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}))?$/.exec(value || "");
    if (m) { date.value = m[1]; if (time && m[2]) time.value = m[2]; }
    else if (value) { date.type = "text"; date.value = value; } /* kept as written: the checks say what is wrong */
    update();
    return {
      box: w.box, msg: w.msg, focus: date, path: path,
      get: function () {
        if (!date.value) return undefined;
        if (time && time.value) return date.value + " " + time.value.slice(0, 5);
        return date.value;
      }
    };
  }

  function textsField(f, path, value) {
    var list = Array.isArray(value) ? value : value ? [value] : [];
    if (f.name === "categories") {
      var id = newId("f-categories");
      var boxes = schema.categories.map(function (c) {
        var cid = newId("cat");
        var input = el("input", { type: "checkbox", id: cid, value: c.slug });
        input.checked = list.indexOf(c.slug) >= 0;
        return el("label", { "for": cid }, [input, document.createTextNode(" " + c.name)]);
      });
      var msg = el("p", { "class": "msg", id: id + "-msg" });
      var fs = el("fieldset", { "class": "checks", "data-path": path, id: id, "aria-describedby": id + "-msg" },
        [el("legend", { text: f.label + (f.required ? "（必須）" : "") })].concat(boxes, [msg]));
      var unknown = list.filter(function (s) { return !schema.categories.some(function (c) { return c.slug === s; }); });
      return {
        box: fs, msg: msg, focus: boxes.length ? boxes[0].firstChild : fs, path: path,
        get: function () {
          var got = boxes.filter(function (b) { return b.firstChild.checked; }).map(function (b) { return b.firstChild.value; })
            .concat(unknown);
          return got.length ? got : undefined;
        }
      };
    }
    var tid = newId("f-" + f.name);
    var area = el("textarea", { id: tid, rows: "3" });
    area.value = list.join("\n");
    var w = fieldWrap(f, tid, area, path);
    return {
      box: w.box, msg: w.msg, focus: area, path: path,
      get: function () {
        var got = area.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
        return got.length ? got : undefined;
      }
    };
  }

  function groupField(f, path, value) {
    var msg = el("p", { "class": "msg" });
    var fs = el("fieldset", { "data-path": path }, [el("legend", { text: f.label })]);
    if (f.help) fs.appendChild(el("p", { "class": "help", text: f.help }));
    var own = ownFields(f.fields);
    var kids = own.map(function (g) {
      var c = component(g, path + "." + g.name, value ? value[g.name] : undefined);
      c.name = g.name;
      fs.appendChild(c.box);
      return c;
    });
    fs.appendChild(msg);
    var extra = {};
    Object.keys(value || {}).forEach(function (k) {
      if (!own.some(function (g) { return g.name === k; })) extra[k] = value[k];
    });
    return {
      box: fs, msg: msg, focus: kids[0] ? kids[0].focus : fs, path: path, kids: kids,
      get: function () {
        var o = {}, any = false;
        Object.keys(extra).forEach(function (k) { o[k] = extra[k]; any = true; });
        kids.forEach(function (c, i) { var v = c.get(); if (v !== undefined) { o[own[i].name] = v; any = true; } });
        return any ? o : undefined;
      }
    };
  }

  /* A list of groups (sessions, venues, program, pictures): each item a fieldset with a
   * button that removes it, and a button that adds one. A translation's has the original's
   * items, in its order, and neither button: it gives only their words. */
  function groupsField(f, path, value) {
    var fixed = translating();
    var own = ownFields(f.fields);
    var msg = el("p", { "class": "msg" });
    var items = el("div");
    var add = el("button", { type: "button", text: f.label + "を追加" });
    var fs = el("fieldset", { "data-path": path }, [el("legend", { text: f.label })]);
    if (f.help && !fixed) fs.appendChild(el("p", { "class": "help", text: f.help }));
    if (fixed) fs.appendChild(el("p", { "class": "help", text: "元の記事と同じ数・同じ順です。訳す言葉だけを書きます（空の欄は元の記事のまま）。" }));
    fs.appendChild(items);
    if (!fixed) fs.appendChild(add);
    fs.appendChild(msg);
    var comp = { box: fs, msg: msg, focus: add, path: path, list: [] };
    function renumber() {
      comp.list.forEach(function (it, i) {
        it.legend.textContent = f.label + " " + (i + 1);
        if (it.remove) it.remove.textContent = f.label + " " + (i + 1) + "を削除";
      });
    }
    function addItem(v, focus) {
      var legend = el("legend");
      var box = el("fieldset", { "class": "item" }, [legend]);
      var it = { box: box, legend: legend, kids: [] };
      it.kids = own.map(function (g) {
        var c = component(g, path + "." + comp.list.length + "." + g.name, v ? v[g.name] : undefined);
        c.name = g.name;
        box.appendChild(c.box);
        return c;
      });
      it.extra = {};
      Object.keys(v || {}).forEach(function (k) {
        if (!own.some(function (g) { return g.name === k; })) it.extra[k] = v[k];
      });
      items.appendChild(box);
      comp.list.push(it);
      if (fixed) { renumber(); return it; }
      it.remove = el("button", { type: "button", "class": "danger" });
      it.remove.addEventListener("click", function () {
        var i = comp.list.indexOf(it);
        comp.list.splice(i, 1);
        box.remove();
        renumber();
        (comp.list[i] || comp.list[i - 1] || { kids: [{ focus: add }] }).kids[0].focus.focus();
        schedulePreview();
      });
      box.appendChild(it.remove);
      renumber();
      if (focus && it.kids[0]) it.kids[0].focus.focus();
      return it;
    }
    var list = Array.isArray(value) ? value : [];
    var count = list.length;
    if (fixed) {
      var was = originalAt(path);
      count = Math.max(count, Array.isArray(was) ? was.length : 0);
    }
    for (var n = 0; n < count; n++) addItem(list[n], false);
    if (fixed && !count) fs.hidden = true; /* the original has none: nothing to translate */
    add.addEventListener("click", function () { addItem(null, true); schedulePreview(); });
    comp.add = addItem;
    comp.get = function () {
      var got = comp.list.map(function (it) {
        var o = {}, any = false;
        Object.keys(it.extra).forEach(function (k) { o[k] = it.extra[k]; any = true; });
        it.kids.forEach(function (c, i) { var v = c.get(); if (v !== undefined) { o[own[i].name] = v; any = true; } });
        return any ? o : null;
      });
      /* A translation keeps every item in its place ({} takes the original's); a list with
       * nothing written is left out. */
      if (fixed) return got.some(Boolean) ? got.map(function (o) { return o || {}; }) : undefined;
      got = got.filter(Boolean);
      return got.length ? got : undefined;
    };
    return comp;
  }

  function component(f, path, value) {
    switch (f.type) {
      case "number": return textish(f, path, value, "number");
      case "bool": return boolField(f, path, value);
      case "date": case "datetime": case "when": return dateField(f, path, value);
      case "texts": return textsField(f, path, value);
      case "group": return groupField(f, path, value);
      case "groups": return groupsField(f, path, value);
      case "phone": return textish(f, path, value, "tel");
      case "email": return textish(f, path, value, "email");
      case "web": return textish(f, path, value, "url");
      default:
        if (path === "contact.phone" || path === "contact.fax") return textish(f, path, value, "tel");
        if (path === "contact.email") return textish(f, path, value, "email");
        if (/(^|\.)url$/.test(path)) return textish(f, path, value, "url");
        return textish(f, path, value, "text");
    }
  }

  /* Every component below c, with its path as it is now (list items renumbered). */
  function walk(c, path, cb) {
    cb(c, path);
    (c.kids || []).forEach(function (k) { walk(k, path ? path + "." + k.name : k.name, cb); });
    (c.list || []).forEach(function (it, i) {
      it.kids.forEach(function (k) { walk(k, path + "." + i + "." + k.name, cb); });
    });
  }

  /* ---- The form of one entry. ---- */

  function kindOf(name) { return schema.kinds.filter(function (k) { return k.kind === name; })[0]; }

  function buildForm(kind, fields, body) {
    var k = kindOf(kind);
    var holder = $("fields");
    holder.textContent = "";
    var top = { kids: [], get: null };
    var known = {};
    ownFields(k.fields).forEach(function (f) {
      known[f.name] = true;
      if (f.name === "kind") return;
      if (f.name === "slug") {
        var c = slugField(f, fields.slug);
        c.name = "slug";
        holder.appendChild(c.box);
        top.kids.push(c);
        return;
      }
      var comp = component(f, f.name, fields[f.name]);
      comp.name = f.name;
      holder.appendChild(comp.box);
      top.kids.push(comp);
    });
    current.extra = {};
    Object.keys(fields).forEach(function (n) { if (!known[n] || n === "kind") current.extra[n] = fields[n]; });
    top.get = function () {
      var o = {};
      Object.keys(current.extra).forEach(function (n) { o[n] = current.extra[n]; });
      top.kids.forEach(function (c) { var v = c.get(); if (v !== undefined) o[c.name] = v; });
      return o;
    };
    root = top;
    $("body").value = (body || "").replace(/^\n/, "");
    if (translating()) $("body").setAttribute("lang", current.lang); else $("body").removeAttribute("lang");
    $("entry-form").hidden = false;
    $("delete").hidden = current.isNew;
    /* A translation has the original's pictures: it adds none of its own. */
    $("drop").hidden = translating();
    document.querySelector(".toolbar [data-do=picture]").hidden = translating();
    var ob = $("original-body");
    ob.hidden = !translating() || !current.original;
    $("original-body-text").textContent = current.original ? String(current.original.body || "").replace(/^\n/, "") : "";
    showTranslations();
    clearMessages();
  }

  /* The slug: chosen for a new entry (from the reading, or typed), fixed afterwards. */
  function slugField(f, value) {
    var id = newId("f-slug");
    var input = el("input", { id: id, type: "text", autocomplete: "off", pattern: "[a-z0-9][a-z0-9-]*", spellcheck: "false" });
    var w = fieldWrap({ label: "URL用の名前（アドレスの一部）", help: current.isNew
      ? "よみがなから作ります。半角の小文字・数字・ハイフンで変えられます（保存のあとは変えられません）。"
      : "保存したあとは変えられません。", required: true }, id, input, "slug");
    input.value = value || current.slug || "";
    input.readOnly = !current.isNew;
    var touched = false;
    input.addEventListener("input", function () { touched = true; });
    return {
      box: w.box, msg: w.msg, focus: input, path: "slug", input: input,
      suggest: function (reading, start) {
        if (!current.isNew || touched) return;
        var s = romaji(reading);
        var year = /^(\d{4})/.exec(start || "");
        if (s && year && current.kind === "event") s = year[1] + "-" + s;
        input.value = s;
      },
      get: function () { return undefined; } /* named by the address, not written as a field */
    };
  }

  function formSlug() {
    var c = root.kids.filter(function (k) { return k.name === "slug"; })[0];
    return c ? c.input.value.trim() : current.slug;
  }

  function payload() {
    var p = { kind: current.kind, slug: current.isNew ? formSlug() : current.slug, fields: root.get(),
              body: "\n" + $("body").value.replace(/\r\n/g, "\n"), version: current.version };
    if (current.lang) p.lang = current.lang;
    return p;
  }

  /* The API's address of the entry open (a translation's with ?lang=). */
  function address(kind, slug, lang) {
    return "entries/" + kind + "/" + slug + (lang ? "?lang=" + encodeURIComponent(lang) : "");
  }

  function clearMessages() {
    if (root) walk(root, "", function (c) { if (c.msg) setMsg(c, ""); });
    $("body-msg").textContent = "";
    $("body").removeAttribute("aria-invalid");
    $("summary").hidden = true;
    $("summary").textContent = "";
  }

  /* Shows the build's messages next to their fields, and all of them in the summary. */
  function showMessages(list, heading) {
    clearMessages();
    if (!list || !list.length) return;
    var byPath = {};
    walk(root, "", function (c, p) { if (c.msg) byPath[p] = c; });
    var ul = el("ul");
    list.forEach(function (m) {
      var target = null, p = m.field || "";
      while (p && !(target = byPath[p])) p = p.replace(/\.?[^.]*$/, "");
      var words = (m.level === "error" ? "誤り: " : "注意: ") + m.text;
      var li = el("li");
      if (m.field === "body") {
        $("body-msg").textContent = words;
        $("body").setAttribute("aria-invalid", "true");
        li.appendChild(el("a", { href: "#body", text: "本文: " + words }));
      } else if (target) {
        setMsg(target, (target.msg.textContent ? target.msg.textContent + " / " : "") + words);
        var a = el("a", { href: "#" + (target.focus.id || ""), text: words });
        a.addEventListener("click", function (e) { e.preventDefault(); target.focus.focus(); });
        li.appendChild(a);
      } else {
        li.textContent = words;
      }
      ul.appendChild(li);
    });
    var s = $("summary");
    s.appendChild(el("p", { text: heading }));
    s.appendChild(ul);
    s.hidden = false;
  }

  /* ---- The preview: built from the form as it is, after a pause in typing. ---- */

  function schedulePreview() {
    if (!current) return;
    lastTyped = performance.now();
    clearTimeout(previewTimer);
    previewTimer = setTimeout(runPreview, PREVIEW_PAUSE_MS);
    var slugC = root && root.kids.filter(function (k) { return k.name === "slug"; })[0];
    if (slugC && current.isNew) {
      var f = root.get();
      slugC.suggest(f.reading || "", f.start || (f.sessions && f.sessions[0] && f.sessions[0].start) || "");
    }
  }

  /* opened: the entry was just opened, nothing typed (no time to tell). */
  function runPreview(opened) {
    var serial = ++previewSerial;
    var typed = opened === true ? 0 : lastTyped;
    var p = payload();
    if (!p.slug) { $("preview-status").textContent = "URL用の名前を入れると表示します。"; return; }
    api("POST", "preview", p).then(function (r) {
      if (serial !== previewSerial) return;
      if (r.status !== 200) { $("preview-status").textContent = r.data.message || "表示できませんでした。"; return; }
      if (!r.data.built) {
        var m = (r.data.messages || [])[0];
        $("preview-status").textContent = "表示を更新できません: " + (m ? m.text : r.data.problem || "");
        return;
      }
      var frame = $("preview");
      var y = 0;
      try { y = frame.contentWindow.scrollY; } catch (e) { y = 0; }
      frame.onload = function () {
        try { frame.contentWindow.scrollTo(0, y); } catch (e) { /* another page */ }
        frame.setAttribute("data-serial", String(serial));
        if (!typed) { $("preview-status").textContent = "保存してある内容を表示しています。"; return; }
        var ms = Math.round(performance.now() - typed);
        frame.setAttribute("data-shown-ms", String(ms));
        $("preview-status").textContent = "表示を更新しました（入力が止まってから " + ms + " ミリ秒）";
      };
      frame.src = r.data.url + "?v=" + serial;
    });
  }

  /* ---- Opening, saving, deleting. ---- */

  function plainTitle(t) { return String(t || "").replace(/\{([^|{}]+)\|[^{}]*\}/g, "$1"); }

  /* Opens an entry, or (lang set) its translation into that language. */
  function openEntry(kind, slug, lang) {
    return api("GET", address(kind, slug, lang)).then(function (r) {
      if (r.status !== 200) { say(r.data.message || "開けませんでした。"); return; }
      if (!r.data.fields) {
        showProblem("このファイルは項目として読めません。テキストエディタで直してください: " +
          ((r.data.messages || [])[0] || {}).message);
        return;
      }
      var tr = !!r.data.translation;
      current = { kind: kind, slug: slug, lang: tr ? r.data.lang : null, version: r.data.version, isNew: false,
                  original: tr ? r.data.original || null : null, translations: r.data.translations || [] };
      $("form-title").textContent = tr
        ? langName(current.lang) + "の翻訳「" + plainTitle(r.data.fields.title || (current.original && current.original.fields.title) || slug) + "」を直す"
        : (kindOf(kind).label) + "「" + plainTitle(r.data.fields.title || slug) + "」を直す";
      buildForm(kind, r.data.fields, r.data.body);
      markCurrent();
      say("");
      runPreview(true);
    });
  }

  function showProblem(text) {
    var s = $("summary");
    s.textContent = text;
    s.hidden = false;
  }

  function newEntry(kind) {
    current = { kind: kind, slug: "", lang: null, version: null, isNew: true, translations: [] };
    $("form-title").textContent = "新しい" + kindOf(kind).label + "を書く";
    var today = new Date();
    var iso = today.getFullYear() + "-" + String(today.getMonth() + 1).padStart(2, "0") + "-" +
      String(today.getDate()).padStart(2, "0");
    buildForm(kind, { draft: true, date: iso }, "\n");
    markCurrent();
    $("form-area").focus();
    root.kids.filter(function (k) { return k.name === "title"; })[0].focus.focus();
  }

  function save(asCopy) {
    var p = payload();
    if (asCopy) {
      var base = p.slug.replace(/-copy(-\d+)?$/, "");
      p.slug = base + "-copy";
      var n = 2;
      while (entries.some(function (e) { return e.kind === p.kind && e.slug === p.slug; })) p.slug = base + "-copy-" + n++;
      delete p.version;
    }
    var isNew = current.isNew || asCopy;
    var req = isNew ? api("POST", "entries", p) : api("PUT", address(current.kind, current.slug, current.lang), p);
    say("保存しています…");
    return req.then(function (r) {
      if (r.status === 409 && !isNew) { say(""); return conflict(); }
      if (r.status === 409) { showProblem(r.data.message); say(""); return; }
      if (r.status === 200 || r.status === 201 || r.status === 422) {
        current.kind = r.data.kind;
        current.slug = r.data.slug;
        current.version = r.data.version;
        current.isNew = false;
        if (isNew) {
          return loadList().then(function () { return openEntry(current.kind, current.slug, current.lang); }).then(function () {
            after(r);
          });
        }
        after(r);
        return loadList();
      }
      showProblem(r.data.message || "保存できませんでした。");
      say("");
    });
  }

  function after(r) {
    if (r.status === 422) {
      showMessages(r.data.messages, r.data.forced_draft
        ? "下書きとして保存しました。次のところを直すと公開できます。"
        : "保存しました。次のところを直してください。");
      say("下書きとして保存しました（直すところがあります）。");
      var dr = root.kids.filter(function (k) { return k.name === "draft"; })[0];
      if (dr && r.data.forced_draft) dr.focus.checked = true;
    } else {
      showMessages((r.data.messages || []).filter(function (m) { return m.level !== "error"; }), "保存しました。注意があります。");
      say("保存しました。");
    }
  }

  function conflict() {
    var d = $("conflict-dialog");
    d.returnValue = "";
    /* A translation's name is its original's: it has no other name to be saved under. */
    d.querySelector("button[value=copy]").hidden = translating();
    d.showModal();
    d.addEventListener("close", function once() {
      d.removeEventListener("close", once);
      if (d.returnValue === "reload") openEntry(current.kind, current.slug, current.lang);
      else if (d.returnValue === "copy") save(true);
    });
  }

  function remove() {
    if (!current || current.isNew) return;
    var what = translating() ? "「" + current.slug + "」の" + langName(current.lang) + "の翻訳" : "「" + current.slug + "」";
    if (!confirm(what + "をごみ箱（content/.trash）へ移します。よろしいですか？")) return;
    api("DELETE", address(current.kind, current.slug, current.lang), undefined, { "If-Match": current.version })
      .then(function (r) {
        if (r.status === 409) return conflict();
        if (r.status !== 200) { showProblem(r.data.message); return; }
        say("ごみ箱へ移しました（" + r.data.trash + "）。");
        current = null;
        root = null;
        $("entry-form").hidden = true;
        $("translations").hidden = true;
        $("form-title").textContent = "記事を選ぶか、新しく書いてください";
        loadList();
      });
  }

  /* ---- The list. ---- */

  function loadList() {
    return api("GET", "entries").then(function (r) {
      if (r.status !== 200) { $("no-token").hidden = r.status !== 401 && r.status !== 403; say(r.data.message || ""); return; }
      entries = r.data;
      showList();
    });
  }

  /* One button of the list: an original, or (e.lang set) a translation, shown in its language. */
  function entryButton(e, orphan) {
    var k = kindOf(e.kind);
    var label = e.translation ? langName(e.lang) + (orphan ? "・元の記事なし" : "") : (k ? k.label : e.kind);
    var attrs = { type: "button", "data-kind": e.kind, "data-slug": e.slug };
    if (e.translation) attrs["data-lang"] = e.lang;
    var b = el("button", attrs, [
      el("span", { "class": "kind", text: label + (e.ok ? "" : "・要修正") }),
      e.translation ? el("span", { lang: e.lang, text: plainTitle(e.title || e.slug) })
                    : document.createTextNode(plainTitle(e.title || e.slug)),
      e.draft ? el("span", { "class": "draft", text: "（下書き）" }) : null
    ]);
    b.addEventListener("click", function () { openEntry(e.kind, e.slug, e.translation ? e.lang : null); });
    return b;
  }

  function showList() {
    var q = $("filter-q").value.trim(), kind = $("filter-kind").value, district = $("filter-district").value,
      draft = $("filter-draft").value;
    var ul = $("entry-list");
    ul.textContent = "";
    function fits(e) {
      return (!kind || e.kind === kind) && (!district || e.district === district) &&
        (!draft || String(e.draft) === draft) &&
        (!q || (e.title || "").indexOf(q) >= 0 || e.slug.indexOf(q) >= 0);
    }
    /* Each original with its translations under it. */
    var of = {}, originals = {};
    entries.forEach(function (e) {
      var key = e.kind + "/" + e.slug;
      if (e.translation) (of[key] = of[key] || []).push(e); else originals[key] = true;
    });
    var shown = 0, shownTr = 0;
    entries.forEach(function (e) {
      var key = e.kind + "/" + e.slug;
      if (e.translation && originals[key]) return;
      var trs = e.translation ? [] : of[key] || [];
      if (!fits(e) && !trs.some(fits)) return;
      var li = el("li", {}, [entryButton(e, e.translation)]);
      if (trs.length) {
        li.appendChild(el("ul", { "class": "translations", "aria-label": "翻訳" }, trs.map(function (t) {
          return el("li", {}, [entryButton(t, false)]);
        })));
        shownTr += trs.length;
      }
      ul.appendChild(li);
      shown += 1;
    });
    $("entry-count").textContent = shown + " 件" + (shownTr ? "（翻訳 " + shownTr + " 件）" : "");
    markCurrent();
  }

  function markCurrent() {
    Array.prototype.forEach.call(document.querySelectorAll("#entry-list button"), function (b) {
      var on = current && !current.isNew && b.getAttribute("data-kind") === current.kind &&
        b.getAttribute("data-slug") === current.slug && (b.getAttribute("data-lang") || null) === (current.lang || null);
      if (on) b.setAttribute("aria-current", "true"); else b.removeAttribute("aria-current");
    });
  }

  /* ---- Translations of the entry open. ---- */

  /* Under the title: an original's translations (and 「翻訳を作る」 for the languages without
   * one), or a translation's original. */
  function showTranslations() {
    var box = $("translations"), list = $("translation-list"), make = $("translation-new");
    var others = (schema.languages || []).filter(function (l) { return !l["default"]; });
    list.textContent = "";
    box.hidden = !current || current.isNew || !others.length;
    if (box.hidden) return;
    if (translating()) {
      $("translations-title").textContent = "元の記事";
      var o = current.original;
      var b = el("button", { type: "button", "class": "link" }, [document.createTextNode(
        plainTitle(o && o.fields ? o.fields.title : current.slug))]);
      b.addEventListener("click", function () { openEntry(current.kind, current.slug, null); });
      list.appendChild(el("li", {}, [b]));
      make.hidden = true;
      return;
    }
    $("translations-title").textContent = "ほかの言葉の版（翻訳）";
    var have = {};
    current.translations.forEach(function (t) {
      have[t.lang] = true;
      var b = el("button", { type: "button", "class": "link" }, [
        document.createTextNode(langName(t.lang) + ": "),
        el("span", { lang: t.lang, text: plainTitle(t.title || t.path) })]);
      b.addEventListener("click", function () { openEntry(current.kind, current.slug, t.lang); });
      list.appendChild(el("li", {}, [b]));
    });
    if (!current.translations.length) list.appendChild(el("li", { text: "まだありません。" }));
    var sel = $("translation-lang");
    sel.textContent = "";
    others.filter(function (l) { return !have[l.code]; }).forEach(function (l) {
      sel.appendChild(el("option", { value: l.code, text: l.name }));
    });
    make.hidden = !sel.options.length;
  }

  /* 翻訳を作る: the translation's file, with the original's title to translate, kept as a draft
   * until it is translated. */
  function makeTranslation() {
    var lang = $("translation-lang").value;
    if (!current || current.isNew || translating() || !lang) return;
    var title = root.kids.filter(function (k) { return k.name === "title"; })[0];
    var p = { kind: current.kind, slug: current.slug, lang: lang,
              fields: { title: (title && title.get()) || current.slug, draft: true }, body: "\n" };
    say("翻訳を作っています…");
    api("POST", "entries", p).then(function (r) {
      if (r.status !== 201 && r.status !== 422) { say(""); showProblem(r.data.message || "翻訳を作れませんでした。"); return; }
      var kind = current.kind, slug = current.slug;
      return loadList().then(function () { return openEntry(kind, slug, lang); }).then(function () {
        say(langName(lang) + "の翻訳を作りました（下書き）。タイトルと本文を訳し、できたら「下書き」のチェックを外して保存してください。");
        var t = root.kids.filter(function (k) { return k.name === "title"; })[0];
        if (t) t.focus.focus();
      });
    });
  }

  /* ---- The body's toolbar. ---- */

  function edit(before, after, placeholder) {
    var t = $("body");
    var s = t.selectionStart, e = t.selectionEnd;
    var sel = t.value.slice(s, e) || placeholder;
    t.setRangeText(before + sel + after, s, e, "end");
    t.focus();
    schedulePreview();
  }

  function linePrefix(prefix) {
    var t = $("body");
    var s = t.value.lastIndexOf("\n", t.selectionStart - 1) + 1;
    var e = t.value.indexOf("\n", t.selectionEnd);
    if (e < 0) e = t.value.length;
    var lines = t.value.slice(s, e).split("\n").map(function (l, i) {
      return (typeof prefix === "function" ? prefix(i) : prefix) + l.replace(/^(#+ |- |\d+\. )/, "");
    });
    t.setRangeText(lines.join("\n"), s, e, "end");
    t.focus();
    schedulePreview();
  }

  function toolbar(action) {
    if (action === "heading") linePrefix("## ");
    else if (action === "list") linePrefix("- ");
    else if (action === "numbers") linePrefix(function (i) { return (i + 1) + ". "; });
    else if (action === "link") {
      var url = prompt("リンク先のアドレス（https://…）、またはほかの記事（例: ../events/2021-kenshukai.md）");
      if (url) edit("[", "](" + url + ")", "リンクの文字");
    } else if (action === "ruby") {
      var t = $("body");
      var word = t.value.slice(t.selectionStart, t.selectionEnd);
      var reading = prompt("「" + (word || "漢字") + "」のよみがな（ひらがな）");
      if (reading) edit("{", "|" + reading + "}", "漢字");
    } else if (action === "picture") {
      $("picture-file").click();
    }
  }

  /* ---- Pictures. ---- */

  function askPicture(file) {
    if (!current) return;
    pendingPicture = file;
    $("picture-name").textContent = file.name + "（" + Math.round(file.size / 1024) + " KB）";
    $("picture-alt").value = "";
    Array.prototype.forEach.call(document.querySelectorAll("input[name=consent]"), function (r) { r.checked = false; });
    $("picture-msg").textContent = "";
    $("picture-dialog").showModal();
    $("picture-alt").focus();
  }

  function sendPicture(alt, consent) {
    var file = pendingPicture;
    var slug = current.isNew ? formSlug() : current.slug;
    var q = "pictures?kind=" + encodeURIComponent(current.kind) + "&slug=" + encodeURIComponent(slug) +
      "&name=" + encodeURIComponent(file.name) + "&alt=" + encodeURIComponent(alt) + "&consent=" + consent;
    say("写真を送っています…");
    return api("POST", q, file).then(function (r) {
      if (r.status !== 201) { say(""); showProblem(r.data.message || "写真を追加できませんでした。"); return; }
      var pics = root.kids.filter(function (k) { return k.name === "pictures"; })[0];
      if (pics) pics.add(r.data.record, false);
      if (consent === "no") {
        say("写真を保存し、同意なしとして記録しました。同意がないので本文には入れていません。");
      } else {
        var t = $("body");
        t.setRangeText("\n" + r.data.markdown + "\n", t.selectionStart, t.selectionEnd, "end");
        say("写真を追加しました: " + r.data.src);
      }
      schedulePreview();
    });
  }

  /* ---- Start. ---- */

  function init() {
    if (!token) { $("no-token").hidden = false; return; }
    api("GET", "schema").then(function (r) {
      if (r.status !== 200) { $("no-token").hidden = false; say(r.data.message || ""); return; }
      schema = r.data;
      $("site-title").textContent = schema.site_title ? "—" + schema.site_title : "";
      schema.kinds.forEach(function (k) {
        $("new-kind").appendChild(el("option", { value: k.kind, text: k.label }));
        $("filter-kind").appendChild(el("option", { value: k.kind, text: k.label }));
      });
      $("new-kind").value = "event";
      schema.districts.forEach(function (d) { $("filter-district").appendChild(el("option", { value: d.slug, text: d.name })); });
      return loadList();
    });
    ["filter-q", "filter-kind", "filter-district", "filter-draft"].forEach(function (id) {
      $(id).addEventListener("input", showList);
    });
    $("new-form").addEventListener("submit", function (e) { e.preventDefault(); newEntry($("new-kind").value); });
    $("entry-form").addEventListener("input", schedulePreview);
    $("entry-form").addEventListener("change", schedulePreview);
    $("entry-form").addEventListener("submit", function (e) { e.preventDefault(); save(false); });
    $("delete").addEventListener("click", remove);
    $("make-translation").addEventListener("click", makeTranslation);
    document.querySelector(".toolbar").addEventListener("click", function (e) {
      var b = e.target.closest("button[data-do]");
      if (b) toolbar(b.getAttribute("data-do"));
    });
    var drop = $("drop");
    ["dragenter", "dragover"].forEach(function (n) {
      drop.addEventListener(n, function (e) { e.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (n) {
      drop.addEventListener(n, function () { drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (e) {
      e.preventDefault();
      if (e.dataTransfer.files.length) askPicture(e.dataTransfer.files[0]);
    });
    $("picture-file").addEventListener("change", function () {
      if (this.files.length) askPicture(this.files[0]);
      this.value = "";
    });
    $("picture-form").addEventListener("submit", function (e) {
      var chosen = document.querySelector("input[name=consent]:checked");
      if (e.submitter && e.submitter.value === "cancel") return;
      var alt = $("picture-alt").value.trim();
      if (!alt || !chosen) {
        e.preventDefault();
        $("picture-msg").textContent = !alt ? "写真の説明を書いてください。" : "同意について選んでください。";
        (!alt ? $("picture-alt") : document.querySelector("input[name=consent]")).focus();
        return;
      }
      sendPicture(alt, chosen.value);
    });
  }

  window.kairanEditor = { romaji: romaji, wareki: wareki, fromWareki: fromWareki };
  init();
})();
