"""review.html: one self-contained page to check an alignment by ear and eye (no network).

An audio player with the captions, a timeline of the turns coloured by speaker with the
findings marked on it, the findings as a table, and the transcript word by word; clicking any
of them seeks the player, and the current caption and word are highlighted as it plays.
Everything (styles, script, data, and the audio itself when it is small) is inside the file.
"""
from __future__ import annotations

import base64
import html
import json
import mimetypes
import os

from .captions import Cue
from .report import word_counts
from .text import counted
from .timefmt import seconds
from .types import Finding, Segment, Word

EMBED_AUDIO_MAX = 25 * 1024 * 1024  # larger recordings are linked by a relative path instead
PALETTE = ["#2f6db5", "#c2571a", "#2e8b57", "#8e44ad", "#b8860b", "#c0392b", "#16a085", "#7f8c8d",
           "#d35400", "#2c3e50", "#e84393"]


def _audio_src(audio_path: str, out_dir: str) -> str:
    size = os.path.getsize(audio_path)
    if size <= EMBED_AUDIO_MAX:
        mime = mimetypes.guess_type(audio_path)[0] or "audio/mpeg"
        if mime == "audio/mp4a-latm":
            mime = "audio/mp4"
        return f"data:{mime};base64," + base64.b64encode(open(audio_path, "rb").read()).decode("ascii")
    return os.path.relpath(os.path.abspath(audio_path), os.path.abspath(out_dir)).replace(os.sep, "/")


def page_data(title: str, segments: tuple[Segment, ...], words: list[Word], findings: list[Finding],
              cues: list[Cue], duration: int) -> dict:
    speakers = list(dict.fromkeys(s.speaker for s in segments))
    counts = word_counts(words)
    by_severity = {sev: sum(f.severity == sev for f in findings) for sev in ("error", "warning", "info")}
    stats = (f"{counted(len(segments), 'turn')} · {counted(len(speakers), 'speaker')} · "
             f"{counts['aligned']} of {counted(counts['words'], 'word')} aligned · {counted(len(cues), 'caption')} · "
             f"findings: {counted(by_severity['error'], 'error')}, {counted(by_severity['warning'], 'warning')}, "
             f"{counted(by_severity['info'], 'note')}")
    return {
        "title": title,
        "stats": stats,
        "duration": seconds(duration),
        "speakers": [{"name": n, "color": PALETTE[i % len(PALETTE)]} for i, n in enumerate(speakers)],
        "segments": [[s.index, speakers.index(s.speaker), seconds(s.start), seconds(s.end), s.line] for s in segments],
        "words": [[w.word, seconds(w.start), seconds(w.end), w.segment, int(w.aligned)] for w in words],
        "findings": [{"kind": f.kind, "severity": f.severity, "line": f.line, "start": seconds(f.start),
                      "end": seconds(f.end), "speaker": f.speaker, "message": f.message} for f in findings],
        "cues": [[seconds(c.start), seconds(c.end), c.text] for c in cues],
    }


def render(title: str, audio_path: str, out_dir: str, segments: tuple[Segment, ...], words: list[Word],
           findings: list[Finding], cues: list[Cue], duration: int) -> str:
    data = json.dumps(page_data(title, segments, words, findings, cues, duration), ensure_ascii=False,
                      separators=(",", ":")).replace("</", "<\\/")
    src = _audio_src(audio_path, out_dir)
    return PAGE.replace("__TITLE__", html.escape(title)).replace("__AUDIO__", html.escape(src, quote=True)) \
        .replace("__DATA__", data)


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><title>__TITLE__ - align review</title>
<style>
:root{--bg:#fafaf8;--fg:#1d1d1f;--muted:#6b6b70;--line:#e3e3e0;--accent:#2f6db5}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:var(--bg);color:var(--fg)}
header{padding:14px 22px;border-bottom:1px solid var(--line);background:#fff;position:sticky;top:0;z-index:5}
h1{font-size:18px;margin:0 0 8px}.stats{color:var(--muted);font-size:13px}
#player{display:flex;gap:16px;align-items:center;margin-top:8px}
video{width:520px;height:110px;background:#111;border-radius:6px}
#now{flex:1;min-height:48px;font-size:17px;padding:6px 10px;border-left:3px solid var(--accent);white-space:pre-line}
#timeline{position:relative;height:46px;margin:12px 0 0;background:#f0f0ec;border-radius:4px;cursor:pointer}
#timeline .seg{position:absolute;top:14px;height:26px;border-radius:2px;opacity:.85}
#timeline .seg:hover{opacity:1;outline:1px solid #000}
#timeline .fnd{position:absolute;top:0;width:3px;height:12px;border-radius:1px}
#playhead{position:absolute;top:0;bottom:0;width:2px;background:#000;pointer-events:none}
.legend{display:flex;gap:14px;flex-wrap:wrap;font-size:13px;margin-top:6px}.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px}
main{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.1fr);gap:20px;padding:16px 22px}
section h2{font-size:15px;margin:0 0 8px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
table{width:100%;border-collapse:collapse;font-size:13px;background:#fff}
th,td{padding:5px 7px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
tbody tr{cursor:pointer}tbody tr:hover{background:#eef3fb}
.sev{font-weight:600;font-size:12px;padding:1px 6px;border-radius:8px;color:#fff}
.error{background:#c0392b}.warning{background:#d68910}.info{background:#7f8c8d}
#findings,#transcript{max-height:62vh;overflow:auto;border:1px solid var(--line);border-radius:6px;background:#fff}
#filter{margin-bottom:8px;font-size:13px}
.turn{padding:8px 12px;border-bottom:1px solid var(--line)}.turn.cur{background:#f4f8fe}
.who{font-weight:600;font-size:13px;cursor:pointer}.when{color:var(--muted);font-size:12px;margin-left:6px}
.w{cursor:pointer;border-radius:3px;padding:0 1px}.w:hover{background:#e2ebf8}.w.un{color:#b03a2e;text-decoration:underline dotted}
.w.on{background:#ffe27a}
</style></head>
<body>
<header>
  <h1>__TITLE__</h1>
  <div class="stats" id="stats"></div>
  <div id="player">
    <video id="media" controls preload="metadata" src="__AUDIO__"></video>
    <div id="now" aria-live="polite"></div>
  </div>
  <div id="timeline" title="Click to seek"><div id="playhead"></div></div>
  <div class="legend" id="legend"></div>
</header>
<main>
  <section><h2>Findings</h2>
    <select id="filter"><option value="">all severities</option><option>error</option><option>warning</option><option>info</option></select>
    <div id="findings"><table><thead><tr><th>severity</th><th>kind</th><th>time</th><th>line</th><th>message</th></tr></thead><tbody id="ftable"></tbody></table></div>
  </section>
  <section><h2>Transcript</h2><div id="transcript"></div></section>
</main>
<script type="application/json" id="data">__DATA__</script>
<script>
"use strict";
const D = JSON.parse(document.getElementById("data").textContent);
const media = document.getElementById("media");
const fmt = t => { if (t == null) return ""; t = Math.max(0, t); const h = Math.floor(t / 3600), m = Math.floor(t % 3600 / 60), s = Math.floor(t % 60);
  return (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" + String(s).padStart(2, "0"); };
const esc = s => String(s).replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));
function seek(t) { if (t == null) return; media.currentTime = Math.max(0, t); }

// captions: a track of the cues align wrote
const track = media.addTextTrack("captions", "Captions", "en");
for (const [a, b, text] of D.cues) track.addCue(new VTTCue(a, b, text));
track.mode = "showing";

const dur = D.duration || 1;
document.getElementById("stats").textContent = D.stats;
document.getElementById("legend").innerHTML = D.speakers.map(s => `<span><i style="background:${s.color}"></i>${esc(s.name)}</span>`).join("");

// timeline
const tl = document.getElementById("timeline");
let parts = [];
for (const [idx, sp, a, b] of D.segments)
  parts.push(`<div class="seg" data-t="${a}" style="left:${a / dur * 100}%;width:${Math.max(0.05, (b - a) / dur * 100)}%;background:${D.speakers[sp].color}" title="${esc(D.speakers[sp].name)} ${fmt(a)}"></div>`);
const sevColor = {error: "#c0392b", warning: "#d68910", info: "#7f8c8d"};
for (const f of D.findings) if (f.start != null)
  parts.push(`<div class="fnd" data-t="${f.start}" style="left:${f.start / dur * 100}%;background:${sevColor[f.severity]}" title="${esc(f.kind)}: ${esc(f.message)}"></div>`);
tl.insertAdjacentHTML("beforeend", parts.join(""));
tl.addEventListener("click", e => {
  const t = e.target.dataset.t;
  if (t !== undefined) return seek(+t);
  const r = tl.getBoundingClientRect(); seek((e.clientX - r.left) / r.width * dur);
});

// findings table
const ftable = document.getElementById("ftable");
function drawFindings() {
  const want = document.getElementById("filter").value;
  ftable.innerHTML = D.findings.map((f, i) => (want && f.severity !== want) ? "" :
    `<tr data-t="${f.start ?? ""}" data-i="${i}" class="finding"><td><span class="sev ${f.severity}">${f.severity}</span></td><td>${esc(f.kind)}</td>` +
    `<td>${fmt(f.start)}</td><td>${f.line ?? ""}</td><td>${esc(f.message)}</td></tr>`).join("");
}
drawFindings();
document.getElementById("filter").addEventListener("change", drawFindings);
ftable.addEventListener("click", e => { const tr = e.target.closest("tr"); if (tr && tr.dataset.t !== "") seek(+tr.dataset.t); });

// transcript, word by word
const byseg = new Map();
D.words.forEach((w, i) => { if (!byseg.has(w[3])) byseg.set(w[3], []); byseg.get(w[3]).push(i); });
const tx = document.getElementById("transcript");
tx.innerHTML = D.segments.map(([idx, sp, a, b, line]) =>
  `<div class="turn" id="turn${idx}"><span class="who" data-t="${a}" style="color:${D.speakers[sp].color}">${esc(D.speakers[sp].name)}</span>` +
  `<span class="when">${fmt(a)} · line ${line}</span><div>` +
  (byseg.get(idx) || []).map(i => `<span class="w${D.words[i][4] ? "" : " un"}" id="w${i}" data-t="${D.words[i][1]}">${esc(D.words[i][0])}</span>`).join(" ") +
  `</div></div>`).join("");
tx.addEventListener("click", e => { const t = e.target.dataset.t; if (t !== undefined) seek(+t); });

// follow the playback: current caption, word and turn
const starts = D.words.map(w => w[1]);
const segStarts = D.segments.map(s => s[2]);
function find(arr, t) { let lo = 0, hi = arr.length - 1, ans = -1; while (lo <= hi) { const m = (lo + hi) >> 1; if (arr[m] <= t) { ans = m; lo = m + 1; } else hi = m - 1; } return ans; }
let curWord = -1, curSeg = -1;
const now = document.getElementById("now"), head = document.getElementById("playhead");
function follow() {
  const t = media.currentTime;
  head.style.left = (t / dur * 100) + "%";
  const cue = track.activeCues && track.activeCues.length ? track.activeCues[0].text : "";
  if (now.textContent !== cue) now.textContent = cue;
  const wi = find(starts, t);
  const w = wi >= 0 && t <= D.words[wi][2] + 0.15 ? wi : -1;
  if (w !== curWord) {
    if (curWord >= 0) document.getElementById("w" + curWord).classList.remove("on");
    if (w >= 0) { const el = document.getElementById("w" + w); el.classList.add("on"); }
    curWord = w;
  }
  const si = find(segStarts, t);
  if (si !== curSeg) {
    if (curSeg >= 0) document.getElementById("turn" + D.segments[curSeg][0]).classList.remove("cur");
    if (si >= 0) { const el = document.getElementById("turn" + D.segments[si][0]); el.classList.add("cur");
      if (!media.paused) el.scrollIntoView({block: "nearest"}); }
    curSeg = si;
  }
}
media.addEventListener("timeupdate", follow);
media.addEventListener("seeked", follow);
(function loop() { if (!media.paused) follow(); requestAnimationFrame(loop); })();
</script>
</body></html>
"""
