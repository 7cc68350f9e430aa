/* Text-size (標準/大/特大) and furigana (表示/非表示) switches. Loaded in <head> so a saved
 * choice applies before the page is drawn; the buttons appear only when this script runs,
 * so without JavaScript every page reads at the standard size with furigana shown. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.setAttribute("data-js", ""); /* shows what needs JavaScript (the search box) at once */
  /* The read-aloud control (speech.js) shows where the browser can speak. */
  if (window.speechSynthesis && window.SpeechSynthesisUtterance) root.setAttribute("data-can-speak", "");
  var prefs = { size: ["normal", "large", "xlarge"], ruby: ["on", "off"] };
  function load(key) {
    try { return localStorage.getItem("kairan-" + key); } catch (e) { return null; }
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
  document.addEventListener("DOMContentLoaded", function () {
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
        try { localStorage.setItem("kairan-" + key, value); } catch (e) { /* private mode: no memory */ }
      }
    });
    box.hidden = false;
  });
})();
