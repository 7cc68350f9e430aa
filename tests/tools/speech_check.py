#!/usr/bin/python3
"""Read-aloud (読み上げ) in headless Chromium, with the browser's speech synthesis replaced by a
recorder before any page script runs: what is said, in which order, in which language and at
which speed, which sentence is marked while it is said, and the buttons.

    speech_check.py CHROMIUM HTTP_ROOT BASE    HTTP_ROOT holds a normal build of the example
                                               magazine at BASE (/watowa/), served over http

The recorder keeps every utterance and says nothing; an utterance ends when the check says so
(window.__speech.finish()), so that the sentence marked while it is "said" can be looked at.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from browser import Browser, serve, stop  # noqa: E402 (tests/browser.py)
from checks import arguments, check, done  # noqa: E402

RECORDER = r"""
(function () {
  var said = [], queue = [], current = null, paused = false;
  function Utterance(text) { this.text = text; this.lang = ""; this.rate = 1; this.voice = null; }
  function next() {
    current = queue.shift() || null;
    if (current) said.push({ text: current.text, lang: current.lang, rate: current.rate,
                             voice: current.voice ? current.voice.name : null });
  }
  var synth = {
    get speaking() { return !!current; },
    get paused() { return paused; },
    speak: function (u) { queue.push(u); if (!current) next(); },
    cancel: function () {
      var c = current;
      queue = []; current = null; paused = false;
      if (c && c.onerror) c.onerror({ error: "interrupted" });
    },
    pause: function () { paused = true; said.push("pause"); },
    resume: function () { paused = false; said.push("resume"); },
    getVoices: function () {
      return [{ name: "English", lang: "en-US" }, { name: "日本語", lang: "ja-JP" }];
    },
    addEventListener: function () {}
  };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  Object.defineProperty(window, "SpeechSynthesisUtterance", { value: Utterance, configurable: true });
  window.__speech = {
    said: said,
    finish: function () {
      var c = current;
      if (!c) return false;
      next();
      if (c.onend) c.onend({});
      return true;
    }
  };
})();
"""

NO_SPEECH = r"""
Object.defineProperty(window, "speechSynthesis", { value: undefined, configurable: true });
"""


def start(chromium, script=None, javascript=True):
    b = Browser.start(chromium, width=390, height=900, javascript=javascript)
    if b is None:
        print("speech: skipped (Chromium did not start)")
        done()
    if script:
        b.send("Page.addScriptToEvaluateOnNewDocument", {"source": script}, session=True)
    return b


def texts(b):
    return b.js("__speech.said.filter(function (s) { return typeof s === 'object'; })"
                ".map(function (s) { return s.text; })")


def read_all(b, limit=400):
    """Presses 読み上げる and lets every utterance end; returns what was said."""
    b.js("document.querySelector('[data-speech-play]').click()")
    for _ in range(limit):
        if not b.js("__speech.finish()"):
            break
    return b.js("__speech.said")


def main():
    chromium, http_root, base = arguments(__doc__, 3, 3)
    server = serve(os.path.abspath(http_root))
    web = "http://127.0.0.1:%d%s" % (server.server_address[1], base)
    url = lambda rel: web + rel

    b = start(chromium, RECORDER)

    # An event with ruby in its body (鶴岡, 櫛引, 温海), a fact box, a programme and a nav.
    b.open(url("events/2021-kenshukai/"))
    check("the control shows where the browser can speak",
          b.js("getComputedStyle(document.querySelector('[data-speech]')).display") == "flex")
    title = b.js("document.querySelector('main h1').textContent")
    said = read_all(b)
    spoken = [s for s in said if isinstance(s, dict)]
    check("something was said", len(spoken) > 10, len(spoken))
    check("the title comes first", spoken and spoken[0]["text"] == title.strip(),
          spoken[:1])
    check("every utterance is in Japanese (ja-JP)",
          all(s["lang"] == "ja-JP" for s in spoken), set(s["lang"] for s in spoken))
    check("a Japanese voice is chosen when the device has one",
          all(s["voice"] == "日本語" for s in spoken))
    check("at the normal speed", all(s["rate"] == 1 for s in spoken))
    allt = "\n".join(s["text"] for s in spoken)
    check("ruby is read by its reading",
          "くしびき生涯学習センター" in allt and "つるおか市総合保健福祉センター" in allt and
          "あつみふれあいセンターホール" in allt, allt[:300])
    ruby = [s["text"] for s in spoken if s["text"].startswith("メイン会場は")]
    check("... and its base is not read as well (nothing twice)",
          ruby == ["メイン会場はつるおか市総合保健福祉センター にこふるです。"], ruby)
    check("navigation is not read (breadcrumbs, contents, menus, other events)",
          "現在位置" not in allt and "活動一覧" not in allt and "これからのほかの催し" not in allt)
    check("the buttons are not read", "一時停止" not in allt and "ゆっくり" not in allt)
    body = b.js("document.querySelector('.prose p').textContent")
    first = [i for i, s in enumerate(spoken) if "プログラム" in s["text"]]
    later = [i for i, s in enumerate(spoken) if "参加者数" in s["text"]]
    check("the page is read in its order", first and later and first[0] < later[-1],
          (first, later))
    sentence_ends = [s["text"] for s in spoken if "。" in s["text"][:-1] and
                     not s["text"].endswith("。")]
    check("the body is read a sentence at a time",
          all(s["text"].count("。") <= 1 or "、" in s["text"] for s in spoken), sentence_ends)
    check("reading to the end leaves nothing marked and the player stopped",
          b.js("!document.querySelector('[data-speech-now]') && "
               "document.querySelector('[data-speech]').getAttribute('data-state') === 'stopped'"))

    # The sentence being read is marked: the highlight holds exactly that sentence.
    b.open(url("events/2021-kenshukai/"))
    b.js("document.querySelector('[data-speech-play]').click()")
    marks = []
    for _ in range(60):
        cur = b.js("""(function () {
            var said = __speech.said.filter(function (s) { return typeof s === 'object'; });
            var h = CSS.highlights.get('kairan-speech'), text = '';
            if (!h) return null;
            h.forEach(function (r) {
              var div = document.createElement('div');
              div.appendChild(r.cloneContents());
              div.querySelectorAll('rt, rp').forEach(function (e) { e.remove(); });
              text += div.textContent;
            });
            return [said[said.length - 1].text, text.replace(/\\s+/g, ' ').trim(),
                    !!document.querySelector('[data-speech-now]')];
        })()""")
        if cur is None:
            break
        marks.append(cur)
        if not b.js("__speech.finish()"):
            break
    ruby_mark = [m for m in marks if m[0].startswith("メイン会場は")]
    check("the sentence being read is highlighted (%d sentences looked at)" % len(marks),
          len(marks) > 10 and all(m[2] and m[1] for m in marks), marks[:3])
    check("... the highlight is that sentence, with the kanji the reading stands for",
          ruby_mark and ruby_mark[0][1] == "メイン会場は鶴岡市総合保健福祉センター にこふるです。",
          ruby_mark)

    # Pause, resume, stop, slower.
    b.open(url("events/2021-kenshukai/"))
    b.js("document.querySelector('[data-speech-play]').click()")
    b.js("__speech.finish()")
    state = lambda: b.js("[document.querySelector('[data-speech]').getAttribute('data-state'),"
                         " document.querySelector('[data-speech-play]').disabled,"
                         " document.querySelector('[data-speech-pause]').disabled,"
                         " document.querySelector('[data-speech-stop]').disabled]")
    check("while reading: 一時停止 and 停止 can be pressed, 読み上げる cannot",
          state() == ["playing", True, False, False], state())
    check("... and the focus moved to 一時停止",
          b.js("document.activeElement === document.querySelector('[data-speech-pause]')"))
    b.js("document.querySelector('[data-speech-pause]').click()")
    check("一時停止 pauses the speech", b.js("__speech.said[__speech.said.length - 1]") == "pause"
          and state() == ["paused", False, True, False], state())
    b.js("document.querySelector('[data-speech-play]').click()")
    check("読み上げる then goes on where it was",
          b.js("__speech.said[__speech.said.length - 1]") == "resume" and state()[0] == "playing")
    n = len(texts(b))
    b.js("document.querySelector('[data-speech-slow]').click()")
    slow = b.js("__speech.said[__speech.said.length - 1]")
    check("ゆっくり reads the sentence again, slower",
          isinstance(slow, dict) and slow["rate"] < 1 and slow["text"] == texts(b)[n - 1], slow)
    check("ゆっくり is pressed",
          b.js("document.querySelector('[data-speech-slow]').getAttribute('aria-pressed')") == "true")
    b.js("__speech.finish()")
    check("... and the next sentences too", b.js("__speech.said[__speech.said.length - 1].rate") < 1)
    b.js("document.querySelector('[data-speech-stop]').click()")
    check("停止 stops and unmarks", state() == ["stopped", False, True, True] and
          not b.js("!!document.querySelector('[data-speech-now]')") and
          not b.js("window.speechSynthesis.speaking"), state())
    n = len(texts(b))
    b.js("document.querySelector('[data-speech-play]').click()")
    check("読み上げる after 停止 starts again from the title",
          texts(b)[n:] == [b.js("document.querySelector('main h1').textContent").strip()])

    # Tables: row by row, each cell after its header; a title with ruby.
    b.open(url("contacts/"))
    spoken = [s["text"] for s in read_all(b) if isinstance(s, dict)]
    row = [s for s in spoken if s.startswith("地区、櫛引。")]
    check("a table is read a row at a time, each cell after its header",
          row == ["地区、櫛引。窓口、櫛引地域包括支援センター（例）。所在地、鶴岡市櫛引0-6。"
                  "電話、0235-00-1200。"], row or spoken[:20])
    check("... its header row is not read on its own",
          not any(s.startswith("地区。窓口") or s == "地区" for s in spoken))
    b.open(url("activities/atsumi-hyakusai-taiso/"))
    spoken = [s["text"] for s in read_all(b) if isinstance(s, dict)]
    check("a title with ruby is read by its reading",
          spoken and spoken[0] == "ねずがせき いきいき百歳体操の会", spoken[:1])
    # A chart: its description, then its table.
    b.open(url("figures/"))
    spoken = [s["text"] for s in read_all(b) if isinstance(s, dict)]
    at = [i for i, s in enumerate(spoken) if s.startswith("棒グラフ。")]
    check("a chart is read by its description, then its table",
          at and any("、" in s for s in spoken[at[0] + 1:at[0] + 4]), spoken[:12])
    check("the chart's own labels are not read one by one",
          not any(s in ("0", "10", "20") for s in spoken))
    b.close()

    # Without speech synthesis the control stays hidden; without JavaScript too.
    b = start(chromium, NO_SPEECH)
    b.open(url("events/2021-kenshukai/"))
    check("without speech synthesis the control stays hidden",
          b.js("getComputedStyle(document.querySelector('[data-speech]')).display") == "none")
    b.close()
    b = start(chromium, javascript=False)
    b.open(url("events/2021-kenshukai/"))
    check("without JavaScript the control stays hidden",
          b.js("getComputedStyle(document.querySelector('[data-speech]')).display") == "none")
    b.close()
    stop(server)
    done()


if __name__ == "__main__":
    main()
