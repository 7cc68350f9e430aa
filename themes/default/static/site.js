/* Text-size (標準/大/特大) and furigana (表示/非表示) switches. Loaded in <head> so a saved
 * choice applies before the page is drawn; the buttons appear only when this script runs,
 * so without JavaScript every page reads at the standard size with furigana shown.
 * Also, where the page's <script> names them (data-worker, data-latest): registers the
 * service worker (over http and https only) for reading offline, and tells a returning reader
 * once that a new issue is out (「新しい号が出ました」). */
(function () {
  "use strict";
  var root = document.documentElement;
  var script = document.currentScript;
  root.setAttribute("data-js", ""); /* shows what needs JavaScript (the search box) at once */
  /* The read-aloud control (speech.js) shows where the browser can speak. */
  if (window.speechSynthesis && window.SpeechSynthesisUtterance) root.setAttribute("data-can-speak", "");
  var prefs = { size: ["normal", "large", "xlarge"], ruby: ["on", "off"] };
  function load(key) {
    try { return localStorage.getItem("kairan-" + key); } catch (e) { return null; }
  }
  function save(key, value) {
    try { localStorage.setItem("kairan-" + key, value); } catch (e) { /* private mode: no memory */ }
  }
  function apply(key, value) {
    if (prefs[key].indexOf(value) < 0) return;
    if (value === prefs[key][0]) root.removeAttribute("data-" + key);
    else root.setAttribute("data-" + key, value);
    var buttons = document.querySelectorAll("[data-switches] button[data-" + key + "]");
    for (var i = 0; i < buttons.length; i++)
      buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-" + key) === value));
  }
  apply("size", load("size"));
  apply("ruby", load("ruby"));

  /* The newest issue (latest.json, asked of the server each time) against the last one this
   * browser saw on this site: the first visit only notes it; a newer one is announced once. */
  function issueNotice(latest) {
    var box = document.querySelector("[data-issue-notice]");
    if (!box || !window.fetch) return;
    var key = "issue:" + new URL(".", latest).pathname;
    fetch(latest, { cache: "no-cache" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (issue) {
      if (!issue || typeof issue.number !== "number") return;
      var seen = parseInt(load(key), 10);
      save(key, String(issue.number));
      var url = new URL(issue.url, latest);
      if (isNaN(seen) || issue.number <= seen || url.pathname === location.pathname) return;
      var link = box.querySelector("[data-issue-link]");
      link.href = url.href;
      link.textContent = issue.title + "を読む";
      box.querySelector("[data-issue-close]").addEventListener("click", function () { box.hidden = true; });
      box.hidden = false;
    }).catch(function () { /* offline, or no such file: nothing to say */ });
  }

  var worker = script && script.getAttribute("data-worker");
  if (worker && "serviceWorker" in navigator && /^https?:$/.test(location.protocol))
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(worker).catch(function () { /* the site still works */ });
    });

  document.addEventListener("DOMContentLoaded", function () {
    var latest = script && script.getAttribute("data-latest");
    if (latest && /^https?:$/.test(location.protocol)) issueNotice(new URL(latest, location.href).href);
    var box = document.querySelector("[data-switches]");
    if (!box) return;
    apply("size", load("size") || "normal");
    apply("ruby", load("ruby") || "on");
    box.addEventListener("click", function (ev) {
      var b = ev.target.closest("button");
      if (!b) return;
      for (var key in prefs) {
        var value = b.getAttribute("data-" + key);
        if (!value) continue;
        apply(key, value);
        save(key, value);
      }
    });
    box.hidden = false;
  });
})();
