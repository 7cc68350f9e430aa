/* Read-aloud (読み上げ): the browser's own speech synthesis reads an entry to the reader in
 * Japanese, the title first and then the article in the order of the page, one sentence at a
 * time, and marks the sentence being read. What it reads:
 *   - text as it stands, with ruby read by its reading (「櫛引（くしびき）」 is read くしびき, once);
 *   - a table row by row, each cell after its column's header (「地区、櫛引。電話、…」);
 *   - a chart by its description, then its table;
 *   - not navigation (nav), buttons, the control itself, nor what the page hides.
 * The control (partials/speech.mustache) is written hidden; site.js marks
 * <html data-can-speak> where the browser can speak, and the stylesheet shows the control
 * then. Nothing is sent anywhere: the voices are the device's own. */
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  if (!synth || !window.SpeechSynthesisUtterance) return;

  var SKIP = "nav, button, [data-speech], [data-speech-skip], [hidden], [aria-hidden='true'], script, style, template, noscript, img, rp";
  var BLOCK = /^(ADDRESS|ARTICLE|ASIDE|BLOCKQUOTE|BR|DD|DIV|DL|DT|FIGCAPTION|FIGURE|FOOTER|H[1-6]|HEADER|HR|LI|OL|P|PRE|SECTION|UL)$/;
  var END = /[。．！？!?]+[」』）)〕】]*/g;

  function skipped(el) {
    return el.matches(SKIP) || getComputedStyle(el).display === "none";
  }

  /* What an element says: its text with each ruby read by its reading. */
  function spoken(node) {
    if (node.nodeType === 3) return node.data;
    if (node.nodeType !== 1 || node.tagName === "RT" || skipped(node)) return "";
    if (node.tagName === "RUBY") return reading(node);
    var out = "";
    for (var c = node.firstChild; c; c = c.nextSibling) out += spoken(c);
    return out;
  }

  /* A ruby's reading: its rt texts together; its base when it has none. */
  function reading(ruby) {
    var rt = "", base = "";
    for (var c = ruby.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 1 && c.tagName === "RT") rt += c.textContent;
      else if (c.nodeType === 3 || c.tagName !== "RP") base += c.textContent;
    }
    return rt.trim() ? rt : base;
  }

  function clean(s) { return s.replace(/\s+/g, " ").trim(); }

  /* The sentences to read from root: [{text, range, block}]. Text is gathered a block at a
   * time into pieces that know which part of the page they stand for, then cut into
   * sentences. */
  function sentences(root) {
    var out = [], cur = null;

    function flush() {
      if (!cur) return;
      var c = cur;
      cur = null;
      var cuts = [0], m;
      END.lastIndex = 0;
      while ((m = END.exec(c.text))) cuts.push(m.index + m[0].length);
      cuts.push(c.text.length);
      for (var i = 0; i + 1 < cuts.length; i++) {
        var text = clean(c.text.slice(cuts[i], cuts[i + 1]));
        if (text) out.push({ text: text, range: rangeOf(c.pieces, cuts[i], cuts[i + 1]), block: c.block });
      }
    }
    /* Adds text standing for node: a text node from start (each character stands for itself),
     * or a whole element (a ruby read by its reading). */
    function add(text, node, start) {
      if (!cur) cur = { text: "", pieces: [], block: blockOf(node) };
      cur.pieces.push({ at: cur.text.length, len: text.length, node: node, start: start });
      cur.text += text;
    }
    function whole(text, node) {
      flush();
      text = clean(text);
      if (text) {
        var r = document.createRange();
        r.selectNode(node);
        out.push({ text: text, range: r, block: node });
      }
    }
    function walk(node) {
      if (node.nodeType === 3) {
        if (node.data) add(node.data, node, 0);
        return;
      }
      if (node.nodeType !== 1 || skipped(node)) return;
      var tag = node.tagName;
      if (tag === "RUBY") return add(reading(node), node, -1);
      if (tag === "TABLE") return table(node);
      if (tag.toLowerCase() === "svg") {
        var desc = node.querySelector("desc");
        if (node.getAttribute("role") === "img") whole(desc ? desc.textContent : node.getAttribute("aria-label") || "", node);
        return;
      }
      var block = BLOCK.test(tag);
      if (block) flush();
      for (var c = node.firstChild; c; c = c.nextSibling) walk(c);
      if (block) flush();
    }
    /* A table: its caption, then each row as one sentence, every cell after its header. */
    function table(t) {
      flush();
      if (t.caption) whole(spoken(t.caption), t.caption);
      var heads = [];
      var headRow = t.tHead && t.tHead.rows.length ? t.tHead.rows[t.tHead.rows.length - 1] : null;
      if (!headRow && t.rows.length && !t.rows[0].querySelector("td")) headRow = t.rows[0];
      if (headRow)
        for (var i = 0; i < headRow.cells.length; i++) {
          var span = headRow.cells[i].colSpan || 1, h = clean(spoken(headRow.cells[i]));
          while (span--) heads.push(h);
        }
      for (var r = 0; r < t.rows.length; r++) {
        var row = t.rows[r];
        if (row === headRow || (t.tHead && row.parentNode === t.tHead)) continue;
        var parts = [], col = 0;
        for (var k = 0; k < row.cells.length; k++) {
          var cell = row.cells[k], text = clean(spoken(cell));
          var head = heads[col];
          col += cell.colSpan || 1;
          if (!text) continue;
          parts.push(head && head !== text ? head + "、" + text : text);
        }
        if (parts.length) whole(parts.join("。") + "。", row);
      }
    }

    var title = root.querySelector("h1");
    if (title) {
      walk(title);
      flush();
    }
    (function rest(node) {
      for (var c = node.firstChild; c; c = c.nextSibling) {
        if (c === title) continue;
        if (c.nodeType === 1 && title && c.contains(title) && !skipped(c)) {
          var block = BLOCK.test(c.tagName);
          if (block) flush();
          rest(c);
          if (block) flush();
        } else {
          walk(c);
        }
      }
    })(root);
    flush();
    return out;
  }

  function blockOf(node) {
    var el = node.nodeType === 1 ? node : node.parentNode;
    while (el.parentNode && !BLOCK.test(el.tagName) && el.tagName !== "BODY") el = el.parentNode;
    return el;
  }

  /* The part of the page that the characters [from, to) of a block's text stand for. */
  function rangeOf(pieces, from, to) {
    var r = document.createRange(), first = null, last = null;
    for (var i = 0; i < pieces.length; i++) {
      var p = pieces[i];
      if (p.at + p.len > from && !first) first = p;
      if (p.at < to) last = p;
    }
    first = first || pieces[0];
    last = last || pieces[pieces.length - 1];
    if (first.start < 0) r.setStartBefore(first.node);
    else r.setStart(first.node, Math.max(0, from - first.at));
    if (last.start < 0) r.setEndAfter(last.node);
    else r.setEnd(last.node, Math.min(last.len, to - last.at));
    return r;
  }

  /* ---- The player ------------------------------------------------------------------------- */

  var SLOW = 0.7;

  function setUp(box) {
    var root = box.closest("article") || document.querySelector("main") || document.body;
    var play = box.querySelector("[data-speech-play]");
    var pause = box.querySelector("[data-speech-pause]");
    var stop = box.querySelector("[data-speech-stop]");
    var slow = box.querySelector("[data-speech-slow]");
    var list = [], at = 0, current = null, state = "stopped", marked = null;
    var highlight = window.Highlight && window.CSS && CSS.highlights ? new Highlight() : null;

    function voice() {
      var voices = synth.getVoices ? synth.getVoices() : [];
      for (var i = 0; i < voices.length; i++) if (/^ja([-_]|$)/i.test(voices[i].lang)) return voices[i];
      return null;
    }
    function show(s) {
      if (state === "stopped") s = null;
      if (highlight) {
        highlight.clear();
        if (s) highlight.add(s.range);
        if (s) CSS.highlights.set("kairan-speech", highlight);
        else CSS.highlights.delete("kairan-speech");
      }
      if (marked) marked.removeAttribute("data-speech-now");
      marked = s ? s.block : null;
      if (marked) {
        marked.setAttribute("data-speech-now", "");
        if (marked.scrollIntoView) marked.scrollIntoView({ block: "nearest" });
      }
      play.disabled = state === "playing";
      pause.disabled = state !== "playing";
      stop.disabled = state === "stopped";
      box.setAttribute("data-state", state);
    }
    function say(i) {
      if (i >= list.length) return end();
      at = i;
      var u = new SpeechSynthesisUtterance(list[i].text);
      u.lang = "ja-JP";
      var v = voice();
      if (v) u.voice = v;
      u.rate = slow.getAttribute("aria-pressed") === "true" ? SLOW : 1;
      u.onend = function () { if (current === u) say(i + 1); };
      u.onerror = function (ev) {
        if (current === u && ev.error !== "interrupted" && ev.error !== "canceled") end();
      };
      current = u;
      show(list[i]);
      synth.speak(u);
    }
    function end() {
      current = null;
      state = "stopped";
      at = 0;
      synth.cancel();
      show(null);
    }

    play.addEventListener("click", function () {
      if (state === "paused") {
        state = "playing";
        synth.resume();
        show(list[at]);
        pause.focus();
        return;
      }
      list = sentences(root);
      state = "playing";
      synth.cancel();
      say(0);
      if (state === "playing") pause.focus(); /* play is disabled while it reads */
    });
    pause.addEventListener("click", function () {
      if (state !== "playing") return;
      state = "paused";
      synth.pause();
      show(list[at]);
      play.focus();
    });
    stop.addEventListener("click", function () {
      end();
      play.focus();
    });
    slow.addEventListener("click", function () {
      slow.setAttribute("aria-pressed", String(slow.getAttribute("aria-pressed") !== "true"));
      if (state === "stopped") return;
      /* The new speed takes effect from the sentence being read, read again. */
      current = null;
      synth.cancel();
      state = "playing";
      say(at);
    });
    window.addEventListener("pagehide", function () { if (state !== "stopped") end(); });
    show(null);
  }

  window.kairanSpeech = { sentences: function (root) {
    return sentences(root).map(function (s) { return s.text; });
  } };

  function start() {
    var boxes = document.querySelectorAll("[data-speech]");
    for (var i = 0; i < boxes.length; i++) setUp(boxes[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
