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
from dataclasses import dataclass

import numpy as np

from .captions import Cue
from .report import word_counts
from .text import counted, is_tag
from .timefmt import seconds
from .transcript.encoding import normalise
from .transcript.rev import HEADER_SHAPE
from .types import Finding, Segment, Transcript, Word

EMBED_AUDIO_MAX = 25 * 1024 * 1024  # larger recordings are linked by a relative path instead
PALETTE = ["#2f6db5", "#c2571a", "#2e8b57", "#8e44ad", "#b8860b", "#c0392b", "#16a085", "#7f8c8d",
           "#d35400", "#2c3e50", "#e84393"]


WAVE_PER_SECOND = 50  # peaks per second: 20 ms is finer than a word; 2 hours is 360 kB
EDITABLE_FORMATS = ("rev", "plain", "srt", "vtt")  # line-based files an edit can touch in place


def waveform(samples: np.ndarray, rate: int = 16000, per_second: int = WAVE_PER_SECOND) -> str:
    """Peak level per 1/per_second s as one byte each (square-root scaled, so quiet speech shows), base64."""
    hop = rate // per_second
    n = len(samples) // hop
    if n == 0:
        return ""
    blocks = samples[: n * hop].reshape(n, hop)  # a view: no copy of an hour's samples (a widened one was 240 MB)
    peaks = np.maximum(blocks.max(axis=1).astype(np.float64), -blocks.min(axis=1).astype(np.float64))
    top = float(np.percentile(peaks, 99.5)) or 1.0
    scaled = np.clip(np.sqrt(peaks / top), 0, 1) * 255
    return base64.b64encode(scaled.astype(np.uint8).tobytes()).decode("ascii")


@dataclass(frozen=True)
class Source:
    """The transcript as written, so the page can edit it in place and hand it back."""

    raw: str  # decoded, not normalised: untouched lines download exactly as they were
    name: str  # the file name the corrected copy is offered under
    transcript: Transcript


def _word_places(lines: list[str], transcript: Transcript, words: list[Word]) -> list[list[int] | None]:
    """Each word's [line, column] in the source's (normalised) lines, found in order inside its turn's
    paragraphs; None where the reader changed the token (a marker's time dropped) or no line holds it."""
    turns = {t.line: t for t in transcript.turns}
    out: list[list[int] | None] = []
    cursor: dict[int, tuple[int, int]] = {}  # per turn line: (paragraph index, column) searched from
    for w in words:
        turn = turns.get(w.line) if w.line is not None else None
        k, col = cursor.get(turn.line, (0, 0)) if turn else (0, 0)
        found = None
        while turn and k < len(turn.paragraphs) and found is None:
            number = turn.paragraphs[k].line
            at = lines[number - 1].find(w.word, col) if 0 < number <= len(lines) else -1
            if at >= 0:
                found, col = [number, at], at + len(w.word)
                cursor[turn.line] = (k, col)
            else:
                k, col = k + 1, 0
        out.append(found)
    return out


def _stamp_places(lines: list[str], segments: tuple[Segment, ...]) -> dict[int, list]:
    """Segment -> [line, column, text] of the stamp inside its Rev header, by the reader's own HEADER_SHAPE."""
    out: dict[int, list] = {}
    for s in segments:
        m = HEADER_SHAPE.match(lines[s.line - 1]) if s.stamp is not None and 0 < s.line <= len(lines) else None
        if m:
            out[s.index] = [s.line, m.start("stamp"), m.group("stamp")]
    return out


def editable(src: Source | None, segments: tuple[Segment, ...], words: list[Word]) -> dict | None:
    """What the page may edit: the raw text, each word's place, and where each Rev header's stamp is
    (columns of the normalised lines; the page finds the same text at or after them in the raw line)."""
    if src is None or src.transcript.format not in EDITABLE_FORMATS:
        return None
    lines = normalise(src.raw).split("\n")
    stamps = _stamp_places(lines, segments) if src.transcript.format == "rev" else {}
    return {"raw": src.raw, "name": src.name, "stamps": stamps, "places": _word_places(lines, src.transcript, words)}


def _audio_src(audio_path: str, out_dir: str) -> str:
    size = os.path.getsize(audio_path)
    if size <= EMBED_AUDIO_MAX:
        mime = mimetypes.guess_type(audio_path)[0] or "audio/mpeg"
        if mime == "audio/mp4a-latm":
            mime = "audio/mp4"
        return f"data:{mime};base64," + base64.b64encode(open(audio_path, "rb").read()).decode("ascii")
    return os.path.relpath(os.path.abspath(audio_path), os.path.abspath(out_dir)).replace(os.sep, "/")


def page_data(title: str, segments: tuple[Segment, ...], words: list[Word], findings: list[Finding],
              cues: list[Cue], duration: int, wave: str = "", source: Source | None = None, joiner: str = " ") -> dict:
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
        "words": [[w.word, seconds(w.start), seconds(w.end), w.segment, int(w.aligned), int(is_tag(w.word)),
                   int(w.suspect), int(w.overlapped)] for w in words],
        "findings": [{"kind": f.kind, "severity": f.severity, "line": f.line, "start": seconds(f.start),
                      "end": seconds(f.end), "speaker": f.speaker, "message": f.message} for f in findings],
        "cues": [[seconds(c.start), seconds(c.end), c.text] for c in cues],
        "wave": {"per_second": WAVE_PER_SECOND, "peaks": wave},
        "edit": editable(source, segments, words),
        "joiner": joiner,  # between words in the transcript view: "" for Chinese and Japanese
    }


def render(title: str, audio_path: str, out_dir: str, segments: tuple[Segment, ...], words: list[Word],
           findings: list[Finding], cues: list[Cue], duration: int, samples: np.ndarray | None = None,
           source: Source | None = None, joiner: str = " ") -> str:
    """The page; samples (16 kHz) give the waveform, source the transcript the page can correct,
    joiner what stands between words (the captions' rules say: none for Chinese and Japanese)."""
    wave = waveform(samples) if samples is not None else ""
    src = _audio_src(audio_path, out_dir)
    info = page_data(title, segments, words, findings, cues, duration, wave, source, joiner)
    info["linked"] = None if src.startswith("data:") else {
        "path": src, "mb": round(os.path.getsize(audio_path) / 2**20, 1), "limit_mb": EMBED_AUDIO_MAX // 2**20}
    data = json.dumps(info, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return PAGE.replace("__TITLE__", html.escape(title)).replace("__AUDIO__", html.escape(src, quote=True)) \
        .replace("__DATA__", data)


PAGE = r"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><title>__TITLE__ - align review</title>
<style>
:root{--bg:#fafaf8;--fg:#1d1d1f;--muted:#6b6b70;--line:#e3e3e0;--accent:#2f6db5}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:var(--bg);color:var(--fg)}
header{padding:14px 22px;border-bottom:1px solid var(--line);background:#fff;position:sticky;top:0;z-index:5}
h1{font-size:18px;margin:0 0 8px}.stats{color:var(--muted);font-size:13px}
#player{display:flex;gap:16px;align-items:center;margin-top:8px}
audio{width:420px;max-width:100%}
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
.w.on{background:#ffe27a}.w.ov{font-style:italic}.w.sus{background:#fde2d3;box-shadow:inset 0 -2px #c2571a}.w.edited,.when.edited{background:#dff3e4;outline:1px dashed #2e8b57}
#wavebox{margin-top:8px;display:flex;gap:6px;align-items:center}#wave{flex:1;height:64px;width:100%;background:#fff;border:1px solid var(--line);border-radius:4px;cursor:pointer;min-width:0}
#wavebox button,#tools button{font-size:12px;padding:2px 7px}
#tools{display:flex;gap:10px;flex-wrap:wrap;align-items:center;font-size:13px;margin:0 0 8px}
#notice{display:none;margin-top:8px;padding:6px 10px;border-radius:4px;background:#fff4d6;border:1px solid #e9c46a;font-size:13px}
.turn.hide{display:none}.when .stamp{cursor:text;border-bottom:1px dotted var(--muted)}
input.fix{font:inherit;font-size:13px;width:8em}
@media (max-width:760px){header{position:static;padding:10px 12px}main{grid-template-columns:minmax(0,1fr);padding:10px 12px}
#player{flex-direction:column;align-items:stretch}audio{width:100%}#findings,#transcript{max-height:none}
th:nth-child(4),td:nth-child(4){display:none}td,th{padding:4px 5px}.sev{white-space:nowrap}td:nth-child(2){overflow-wrap:anywhere}}
</style></head>
<body>
<header>
  <h1>__TITLE__</h1>
  <div class="stats" id="stats"></div>
  <div id="player">
    <audio id="media" controls preload="metadata" src="__AUDIO__"></audio>
    <div id="now" aria-live="polite"></div>
  </div>
  <div id="notice" role="status"></div>
  <div id="timeline" title="Click to seek"><div id="playhead"></div></div>
  <div id="wavebox"><canvas id="wave" height="64" title="Click to seek; wheel or +/- to zoom"></canvas>
    <button id="zin" title="Zoom in">+</button><button id="zout" title="Zoom out">&minus;</button><button id="zfit" title="Whole recording">fit</button></div>
  <div class="legend" id="legend"></div>
</header>
<main>
  <section><h2>Findings</h2>
    <select id="filter"><option value="">all severities</option><option>error</option><option>warning</option><option>info</option></select>
    <div id="findings"><table><thead><tr><th>severity</th><th>kind</th><th>time</th><th>line</th><th>message</th></tr></thead><tbody id="ftable"></tbody></table></div>
  </section>
  <section><h2>Transcript</h2>
    <div id="tools"><label><input type="checkbox" id="onlyun"> only turns with unplaced or suspect words</label>
      <span id="unplaced"></span><button id="download" disabled>download corrected transcript</button><span id="edits"></span></div>
    <div id="transcript"></div></section>
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
track.mode = "hidden";  // an audio player shows no captions: the panel beside it does

// linked audio: say so, and say what went wrong when it cannot be found
const notice = document.getElementById("notice");
function say(text) { notice.textContent = text; notice.style.display = "block"; }
if (D.linked) say(`The audio (${D.linked.mb} MB) is linked, not embedded (over ${D.linked.limit_mb} MB): this page plays ${D.linked.path} from where the page is. Move the page and the audio together.`);
media.addEventListener("error", () => say(`The audio could not be loaded from ${media.getAttribute("src").startsWith("data:") ? "the page" : media.getAttribute("src")}: ` +
  (D.linked ? "put the recording back at that path relative to this page." : "this browser cannot play its format.")));

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
const E = D.edit, stamps = E ? E.stamps : {};
tx.innerHTML = D.segments.map(([idx, sp, a, b, line]) =>
  `<div class="turn" id="turn${idx}"><span class="who" data-t="${a}" style="color:${D.speakers[sp].color}">${esc(D.speakers[sp].name)}</span>` +
  `<span class="when" id="when${idx}">` + (stamps[idx] ? `<span class="stamp" data-seg="${idx}" title="Double-click to correct the stamp">${fmt(a)}</span>` : fmt(a)) +
  ` · line ${line}</span><div>` +
  (byseg.get(idx) || []).map(i => `<span class="w${D.words[i][4] || D.words[i][5] ? "" : " un"}${D.words[i][6] ? " sus" : ""}${D.words[i][7] ? " ov" : ""}" id="w${i}" data-t="${D.words[i][1]}">${esc(D.words[i][0])}</span>`).join(D.joiner) +
  `</div></div>`).join("");
tx.addEventListener("click", e => { const t = e.target.dataset.t; if (t !== undefined) seek(+t); });

// unplaced words: counted, and the turns that have them on their own
const unplaced = D.words.filter(w => !w[4] && !w[5]);  // sound tags are never placed: not counted
const suspect = D.words.filter(w => w[6]);
const unTurns = new Set(unplaced.concat(suspect).map(w => w[3])), nUn = unplaced.length, nSus = suspect.length;
const nOv = D.words.filter(w => w[7]).length;
document.getElementById("unplaced").textContent = (nUn ? `${nUn} unplaced word${nUn > 1 ? "s" : ""} (underlined)` : "every word placed") +
  (nSus ? ` · ${nSus} suspect (shaded)` : "") + (nOv ? ` · ${nOv} said over another speaker (italic)` : "");
document.getElementById("onlyun").addEventListener("change", e => {
  for (const [idx] of D.segments) document.getElementById("turn" + idx).classList.toggle("hide", e.target.checked && !unTurns.has(idx)); });

// fix and export: a stamp or a word corrected here, the transcript handed back with only those lines changed
const lines = E ? E.raw.split("\n") : [];
const changes = new Map();  // "w<i>" or "s<seg>" -> new text
function editIn(el, value, done) {
  const box = document.createElement("input"); box.className = "fix"; box.value = value;
  el.replaceWith(box); box.focus(); box.select();
  let over = false;
  const finish = keep => { if (over) return; over = true; box.replaceWith(el); if (keep && box.value.trim() && box.value.trim() !== value) done(box.value.trim()); };
  box.addEventListener("keydown", e => { if (e.key === "Enter") finish(true); if (e.key === "Escape") finish(false); });
  box.addEventListener("blur", () => finish(true));
}
const STAMP = /^(\d{1,2}:)?[0-5]?\d:[0-5]\d$/;
tx.addEventListener("dblclick", e => {
  if (!E) return;
  const el = e.target;
  if (el.classList.contains("stamp")) {
    editIn(el, el.textContent, v => {
      if (!STAMP.test(v)) { say(`"${v}" is not a stamp: use HH:MM:SS or MM:SS.`); return; }
      const parts = v.split(":").map(Number); while (parts.length < 3) parts.unshift(0);
      el.textContent = parts.map(n => String(n).padStart(2, "0")).join(":");
      changes.set("s" + el.dataset.seg, el.textContent); el.parentNode.classList.add("edited"); changed(); });
  } else if (el.classList.contains("w") && E.places[+el.id.slice(1)]) {
    editIn(el, el.textContent, v => { el.textContent = v.replace(/\s+/g, " "); changes.set(el.id, el.textContent); el.classList.add("edited"); changed(); });
  }
});
function changed() {
  const b = document.getElementById("download"); b.disabled = changes.size === 0;
  document.getElementById("edits").textContent = changes.size ? `${changes.size} change${changes.size > 1 ? "s" : ""}` : "";
}
function corrected() {
  // every edit is [line, column, old text, new text]: a word where the reader found it, a stamp inside its header
  const edits = [...changes].map(([key, text]) => key[0] === "w"
    ? [...E.places[+key.slice(1)], D.words[+key.slice(1)][0], text] : [...stamps[key.slice(1)], text]);
  const out = lines.slice();
  for (const [ln, col, old, text] of edits.sort((x, y) => y[1] - x[1])) {  // right to left: columns stay put
    const at = out[ln - 1].indexOf(old, col);  // the raw line keeps what normalising removed: at col or after
    if (at >= 0) out[ln - 1] = out[ln - 1].slice(0, at) + text + out[ln - 1].slice(at + old.length);
  }
  return out.join("\n");
}
document.getElementById("download").addEventListener("click", () => {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([corrected()], {type: "text/plain;charset=utf-8"}));
  a.download = E.name; document.body.appendChild(a); a.click(); a.remove();
});
if (!E) document.getElementById("download").style.display = "none";

// waveform: peaks computed once in Python, drawn for the part in view; words drawn on it when zoomed in
const wave = document.getElementById("wave"), wctx = wave.getContext("2d");
const peaks = Uint8Array.from(atob(D.wave.peaks || ""), c => c.charCodeAt(0)), pps = D.wave.per_second;
let v0 = 0, v1 = dur;
function drawWave() {
  const w = wave.clientWidth || 600, h = wave.height; if (wave.width !== w) wave.width = w;
  wctx.clearRect(0, 0, w, h);
  const span = v1 - v0, mid = h / 2;
  wctx.fillStyle = "#7d93b2";
  for (let x = 0; x < w; x++) {
    const a = Math.floor((v0 + span * x / w) * pps), b = Math.max(a + 1, Math.floor((v0 + span * (x + 1) / w) * pps));
    let m = 0; for (let k = a; k < b && k < peaks.length; k++) if (peaks[k] > m) m = peaks[k];
    const y = m / 255 * (mid - 2); wctx.fillRect(x, mid - y, 1, Math.max(1, 2 * y));
  }
  if (span <= 60) {  // word boundaries, and their text when there is room
    wctx.font = "11px system-ui"; wctx.textBaseline = "top";
    for (const [text, a, b, , ok] of D.words) {
      if (!ok || b < v0 || a > v1) continue;
      const xa = Math.round((a - v0) / span * w), xb = Math.round((b - v0) / span * w);  // whole pixels: crisp lines
      wctx.fillStyle = "rgba(47,109,181,.12)"; wctx.fillRect(xa, 0, xb - xa, h);
      wctx.fillStyle = "#2f6db5"; wctx.fillRect(xa, 0, 1, h);
      if (span <= 20 && xb - xa > 14) { wctx.fillStyle = "#1d1d1f"; wctx.fillText(text, xa + 2, 2, xb - xa - 3); }
    }
  }
  const t = media.currentTime;
  if (t >= v0 && t <= v1) { wctx.fillStyle = "#000"; wctx.fillRect((t - v0) / span * w, 0, 2, h); }
}
function zoom(f, at) {
  const span = Math.min(dur, Math.max(2, (v1 - v0) * f)); at = at ?? media.currentTime;
  const r = (at - v0) / (v1 - v0 || 1);
  v0 = Math.max(0, Math.min(dur - span, at - span * (isFinite(r) ? r : .5))); v1 = v0 + span; drawWave();
}
document.getElementById("zin").addEventListener("click", () => zoom(0.25));
document.getElementById("zout").addEventListener("click", () => zoom(4));
document.getElementById("zfit").addEventListener("click", () => { v0 = 0; v1 = dur; drawWave(); });
wave.addEventListener("wheel", e => { e.preventDefault(); const r = wave.getBoundingClientRect();
  zoom(e.deltaY < 0 ? 0.8 : 1.25, v0 + (e.clientX - r.left) / r.width * (v1 - v0)); }, {passive: false});
wave.addEventListener("click", e => { const r = wave.getBoundingClientRect(); seek(v0 + (e.clientX - r.left) / r.width * (v1 - v0)); });
window.addEventListener("resize", drawWave);
drawWave();

// follow the playback: current caption, word and turn
// by start time: words said over another speaker's start before the words before them end
const order = D.words.map((w, i) => i).sort((a, b) => D.words[a][1] - D.words[b][1]);
const starts = order.map(i => D.words[i][1]);
const segStarts = D.segments.map(s => s[2]);
function find(arr, t) { let lo = 0, hi = arr.length - 1, ans = -1; while (lo <= hi) { const m = (lo + hi) >> 1; if (arr[m] <= t) { ans = m; lo = m + 1; } else hi = m - 1; } return ans; }
let curWord = -1, curSeg = -1;
const now = document.getElementById("now"), head = document.getElementById("playhead");
function follow() {
  const t = media.currentTime;
  if (t > v1 || t < v0) { const span = v1 - v0; v0 = Math.max(0, Math.min(dur - span, t - span * 0.1)); v1 = v0 + span; }
  drawWave();
  head.style.left = (t / dur * 100) + "%";
  const cue = track.activeCues && track.activeCues.length ? track.activeCues[0].text : "";
  if (now.textContent !== cue) now.textContent = cue;
  const k = find(starts, t), wi = k >= 0 ? order[k] : -1;
  const w = wi >= 0 && t <= D.words[wi][2] + 0.15 ? wi : -1;
  if (w !== curWord) {
    // ?.: a word being corrected is an input box for the while, not in the page
    if (curWord >= 0) document.getElementById("w" + curWord)?.classList.remove("on");
    if (w >= 0) document.getElementById("w" + w)?.classList.add("on");
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
