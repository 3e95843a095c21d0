"""Clips: a selection (speakers, turns, a time range, quotes) -> audio cut cleanly, with captions.

Only the audio around what is selected is decoded and aligned, so cutting three minutes out of
a two-hour recording costs about three minutes' work. Cuts come from the aligned words, padded,
never into another speaker's words, and moved to the quietest point nearby so no word is
clipped; short fades avoid clicks. pydub cuts and encodes at the source's own rate and channels.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import time
import unicodedata
from dataclasses import dataclass, replace

import numpy as np

from .aligner import align_words
from .audio import RATE, Audio, SourceFormat, decode, probe_duration, read_native, source_format
from .captions import build_cues, estimated_words
from .check import speaker_key
from .errors import InputError
from .formats.edl import EdlEvent, to_edl
from .formats.tables import audacity_labels
from .formats.vtt import to_webvtt
from .output import dumps, make_folder, write_atomic
from .reconcile import Reconciled
from .text import bare, is_tag
from .timefmt import clock, parse_clock, seconds
from .types import Segment, Word
from .warp.dtw import NoPath

__all__ = ["Clip", "Selection", "plan_clips", "write_clips", "resolve_speakers", "parse_segments"]

CONTEXT_MS = 6000  # audio decoded around a selection, so its neighbours' words can be found too
EXPORT = {  # extension -> (pydub/ffmpeg format, codec)
    "wav": ("wav", None), "flac": ("flac", None), "mp3": ("mp3", "libmp3lame"), "ogg": ("ogg", "libvorbis"),
    "m4a": ("ipod", "aac"), "opus": ("opus", "libopus"),
}
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


@dataclass(frozen=True)
class Selection:
    """What to cut. Kinds combine by intersection; values within a kind by union."""

    speakers: tuple[str, ...] = ()
    segments: frozenset[int] = frozenset()
    start: int | None = None
    end: int | None = None
    quotes: tuple[str, ...] = ()
    regex: bool = False
    join: bool = False


@dataclass(frozen=True)
class Clip:
    """One planned clip: its span in the source, its words, and where it came from."""

    start: int
    end: int
    speaker: str
    segments: tuple[int, ...]
    words: tuple[Word, ...]
    text: str
    pieces: tuple[tuple[int, int], ...] = ()  # for a joined clip: the source spans, in order


# --- choosing what to cut ---------------------------------------------------------------

def parse_segments(text: str, count: int) -> frozenset[int]:
    """`3,5-9` -> {3, 5, 6, 7, 8, 9}; raises ValueError naming what is wrong."""
    out: set[int] = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        m = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", part)
        if not m:
            raise ValueError(f"{part!r} is not a turn number or range (use e.g. 3,5-9)")
        a, b = int(m.group(1)), int(m.group(2) or m.group(1))
        if a > b:
            raise ValueError(f"range {part!r} runs backwards")
        if a < 1 or b > count:
            raise ValueError(f"{part!r} is outside 1-{count} (the transcript has {count} turns)")
        out.update(range(a, b + 1))
    if not out:
        raise ValueError("no turn numbers given")
    return frozenset(out)


def resolve_speakers(names: tuple[str, ...], segments: tuple[Segment, ...]) -> tuple[str, ...]:
    """Each name -> the transcript's label it means; an unknown or ambiguous name is an InputError.

    Case, spacing and punctuation are ignored. A name that is no label exactly may be part of
    one: its words the first words of the label ("maya" -> "Maya Okonkwo"), or any of its whole
    words ("Okonkwo"), as long as one speaker answers to it.
    """
    labels = list(dict.fromkeys(s.speaker for s in segments))
    out: list[str] = []
    for name in names:
        key = speaker_key(name)
        want = [speaker_key(w) for w in name.split() if speaker_key(w)]
        hits = [lab for lab in labels if speaker_key(lab) == key]
        for rule in (_starts_with, _has_words):
            if hits or not want:
                break
            hits = [lab for lab in labels if rule([speaker_key(w) for w in lab.split()], want)]
        if not hits:
            raise InputError(None, f"no speaker {name!r} in the transcript; speakers are: {', '.join(sorted(labels))}")
        if len({speaker_key(h) for h in hits}) > 1:
            raise InputError(None, f"speaker {name!r} is ambiguous: it could be {', '.join(hits)}; "
                                   "give more of the name")
        out += [h for h in hits if h not in out]
    return tuple(out)


def _starts_with(label_words: list[str], want: list[str]) -> bool:
    return label_words[: len(want)] == want


def _has_words(label_words: list[str], want: list[str]) -> bool:
    return any(label_words[k: k + len(want)] == want for k in range(len(label_words)))


def find_quotes(seg_words: list[Word], quotes: tuple[str, ...], regex: bool) -> list[tuple[int, int]]:
    """(i, j) word spans in one segment's words matching any quote (case and punctuation ignored)."""
    norm = [bare(w.word) for w in seg_words]
    spans = []
    for q in quotes:
        if regex:
            text, starts = "", []
            for t in norm:
                starts.append(len(text))
                text += t + " "
            for m in re.finditer(q, text, flags=re.IGNORECASE):
                if m.end() == m.start():
                    continue
                idx = [k for k, a in enumerate(starts) if a < m.end() and a + len(norm[k]) > m.start()]
                if idx:
                    spans.append((idx[0], idx[-1] + 1))
        else:
            want = [t for t in (bare(x) for x in q.split()) if t]
            if not want:
                continue
            for i in range(len(norm) - len(want) + 1):
                if norm[i: i + len(want)] == want:
                    spans.append((i, i + len(want)))
    return sorted(set(spans))


def selected_segments(segs: tuple[Segment, ...], sel: Selection) -> list[Segment]:
    """The turns a selection can draw words from (a range keeps every turn it touches)."""
    out = []
    for s in segs:
        if sel.speakers and s.speaker not in sel.speakers:
            continue
        if sel.segments and s.index not in sel.segments:
            continue
        if sel.start is not None and s.end <= sel.start:
            continue
        if sel.end is not None and s.start >= sel.end:
            continue
        out.append(s)
    return out


def in_range(w: Word, start: int | None, end: int | None) -> bool:
    """A word is inside a time range when its middle is: an edge word goes to the side holding most of it."""
    mid = (w.start + w.end) // 2
    return (start is None or mid >= start) and (end is None or mid < end)


def select_units(timeline: list[Word], wanted: list[Segment], sel: Selection) -> list[tuple[int, int]]:
    """The clips before cutting: (i, j) spans of the timeline, one per turn or per quote, in order.

    Sound tags at a span's edges are dropped (they are not speech to cut around); a span of
    nothing but tags is no clip.
    """
    keep = {s.index for s in wanted}
    by_seg: dict[int, list[int]] = {}
    for k, w in enumerate(timeline):
        if w.segment in keep and in_range(w, sel.start, sel.end):
            by_seg.setdefault(w.segment, []).append(k)
    spans: list[tuple[int, int]] = []
    for s in wanted:
        idx = by_seg.get(s.index, [])
        runs: list[list[int]] = []  # a range may cut a turn into one run; keep contiguous runs apart
        for k in idx:
            if runs and k == runs[-1][-1] + 1:
                runs[-1].append(k)
            else:
                runs.append([k])
        for run in runs:
            if sel.quotes:
                ws = [timeline[k] for k in run]
                spans += [(run[0] + i, run[0] + j) for i, j in find_quotes(ws, sel.quotes, sel.regex)]
            else:
                spans.append((run[0], run[-1] + 1))
    out = []
    for i, j in sorted(set(spans)):
        while i < j and is_tag(timeline[i].word):
            i += 1
        while j > i and is_tag(timeline[j - 1].word):
            j -= 1
        if i < j:
            out.append((i, j))
    return out


def join_units(timeline: list[Word], units: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """One clip's pieces from many units: units with no other speech between them become one piece."""
    pieces: list[tuple[int, int]] = []
    for i, j in units:
        if pieces and all(is_tag(w.word) for w in timeline[pieces[-1][1]: i]):
            pieces[-1] = (pieces[-1][0], max(j, pieces[-1][1]))
        else:
            pieces.append((i, j))
    return pieces


# --- aligning only what is needed ------------------------------------------------------

def decode_groups(segs: tuple[Segment, ...], wanted: list[Segment]) -> list[list[Segment]]:
    """The wanted turns and their neighbours, in contiguous runs: each run is decoded once."""
    by_index = {s.index: s for s in segs}
    need = sorted({k for s in wanted for k in (s.index - 1, s.index, s.index + 1) if k in by_index})
    groups: list[list[int]] = []
    for k in need:
        if groups and k == groups[-1][-1] + 1:
            groups[-1].append(k)
        else:
            groups.append([k])
    return [[by_index[k] for k in g] for g in groups]


def group_words(audio_path: str, chunk: list[Segment], rate: float, duration: int,
                align: bool = True, language: str = "en") -> tuple[list[Word], Audio | None, int]:
    """The words of a run of turns, aligned on just the audio around them, with that audio and
    its offset (ms) so the cuts can be found in it without decoding it again. Times estimated
    from the segments (and no audio) where it cannot be aligned."""
    est = estimated_words(chunk, rate)
    if not align:
        return est, None, 0
    lo = max(0, chunk[0].start - CONTEXT_MS)
    hi = min(duration, chunk[-1].end + CONTEXT_MS)
    try:
        audio = decode(audio_path, lo, hi - lo)
        shifted = tuple(replace(s, start=s.start - lo, end=s.end - lo, group=(s.group[0] - lo, s.group[1] - lo))
                        for s in chunk)
        if language == "en":
            placed = align_words(shifted, audio, workers=1)
        else:
            from .warp.engine import align_warp
            from .warp.languages import language as lang_of

            placed = align_warp(shifted, audio, lang_of(language))[0]
        words = [replace(w, start=w.start + lo, end=w.end + lo) for w in placed]
    except (InputError, NoPath):  # NoPath: the range is too short for its words read aloud (another language)
        return est, None, 0
    return words, audio, lo


# --- cut points --------------------------------------------------------------------------

def quietest(samples: np.ndarray, offset: int, lo: int, hi: int, target: int) -> int:
    """The quietest 10 ms point in [lo, hi] (ms), ties going to the one nearest target; always inside."""
    target = max(lo, min(hi, target))
    a = max(0, (lo - offset) * RATE // 1000)
    b = min(len(samples), (hi - offset) * RATE // 1000)
    n = RATE // 100
    k = (b - a) // n
    if hi - lo < 20 or k < 1:
        return target
    x = samples[a: a + k * n].astype(np.float32).reshape(k, n)
    energy = (x * x).mean(axis=1)
    centres = lo + np.arange(k) * 10 + 5
    quiet = np.nonzero(energy <= energy.min() * 2 + 1e-3)[0]
    best = quiet[np.argmin(np.abs(centres[quiet] - target))]
    return max(lo, min(hi, int(centres[best])))


def neighbours(timeline: list[Word], i: int, j: int) -> tuple[Word | None, Word | None]:
    """The spoken words just outside timeline[i:j], whoever speaks them (sound tags are not speech)."""
    before = next((timeline[k] for k in range(i - 1, -1, -1) if not is_tag(timeline[k].word)), None)
    after = next((timeline[k] for k in range(j, len(timeline)) if not is_tag(timeline[k].word)), None)
    return before, after


def cut_points(first: Word, last: Word, before: Word | None, after: Word | None, pad: int,
               samples: np.ndarray, offset: int, limit: tuple[int, int]) -> tuple[int, int]:
    """Cut points padded into the pauses around first..last, never into a word outside them.

    Each cut lies between the selection's edge word and the neighbouring word (whoever speaks
    it), at most `pad` from the edge word, at the quietest point there; pad 0 is the word edge.
    Where the neighbour touches or overlaps the edge word, the cut is the edge word's own edge.
    limit: the audio (or the time range asked for); padding stays inside it, whole words do not.
    """
    lo = max(min(limit[0], first.start), before.end if before else 0, first.start - pad)
    start = quietest(samples, offset, lo, first.start, first.start - pad) if lo < first.start else first.start
    hi = min(max(limit[1], last.end), after.start if after else limit[1], last.end + pad)
    end = quietest(samples, offset, last.end, hi, last.end + pad) if hi > last.end else last.end
    return start, max(end, start + 1)


# --- planning and writing ----------------------------------------------------------------

def plan_clips(rec: Reconciled, audio_path: str, sel: Selection, pad: int = 250, align: bool = True,
               duration: int | None = None, language: str = "en") -> list[Clip]:
    """The clips a selection asks for, with cut points on the audio.

    Steps: the turns the selection touches; run by run, their words (and their neighbours')
    aligned on just that audio, the units in them (a turn, a quote, a turn's part of a range),
    each cut in the pauses around it while that audio is at hand; with --join, the units made one
    clip's pieces. The audio of one run at a time is held, never the whole selection's.
    """
    duration = probe_duration(audio_path) if duration is None else duration
    wanted = selected_segments(rec.segments, sel)
    limit = (sel.start or 0, duration if sel.end is None else min(sel.end, duration))
    timeline: list[Word] = []
    units: list[tuple[int, int]] = []
    cuts: dict[tuple[int, int], tuple[int, int]] = {}
    for chunk in decode_groups(rec.segments, wanted):
        words, audio, offset = group_words(audio_path, chunk, rec.rate, duration, align, language)
        base = len(timeline)
        timeline += words
        for i, j in select_units(words, [s for s in wanted if s in chunk], sel):
            before, after = neighbours(words, i, j)
            samples, at = _around(audio_path, audio, offset, words[i].start - pad - 20, words[j - 1].end + pad + 20,
                                  duration)
            cuts[(base + i, base + j)] = cut_points(words[i], words[j - 1], before, after, pad, samples, at, limit)
            units.append((base + i, base + j))
    groups = [join_units(timeline, units)] if sel.join and units else [[u] for u in units]
    clips = []
    for pieces in groups:
        # a piece joined from several units starts where its first unit starts and ends where its last ends
        starts = {i: cuts[(i, j)][0] for i, j in units}
        ends = {j: cuts[(i, j)][1] for i, j in units}
        spans = tuple((starts[i], ends[j]) for i, j in pieces)
        ws = tuple(w for i, j in pieces for w in timeline[i:j])
        speakers = list(dict.fromkeys(w.speaker for w in ws if not is_tag(w.word)))
        clips.append(Clip(spans[0][0], spans[-1][1], " & ".join(speakers), tuple(sorted({w.segment for w in ws})),
                          ws, " ".join(w.word for w in ws), spans))
    return clips


def _around(audio_path: str, audio: Audio | None, offset: int, lo: int, hi: int,
            duration: int) -> tuple[np.ndarray, int]:
    """Samples covering [lo, hi] ms and the ms of their first one: from the run's decoded audio when
    it covers the span (it always does unless --pad reaches past its context), else decoded now."""
    lo, hi = max(0, lo), min(duration, hi)
    if audio is not None and offset <= lo and hi <= offset + audio.duration:
        return audio.samples, offset
    return decode(audio_path, lo, hi - lo).samples, lo


def slug(text: str, limit: int = 40) -> str:
    """A file-name-safe slug: ASCII, lower case, no separators, dots or reserved device names."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")
    if not s:
        s = "speaker"
    if s in _RESERVED or s.split("-")[0] in _RESERVED:
        s = "_" + s
    return s


def clip_names(clips: list[Clip], ext: str) -> list[str]:
    names, seen = [], set()
    for n, c in enumerate(clips, 1):
        base = f"{n:03d}_{slug(c.speaker)}_{clock(c.start).replace(':', '-')}"
        name, k = base, 2
        while name in seen:
            name, k = f"{base}-{k}", k + 1
        seen.add(name)
        names.append(f"{name}.{ext}")
    return names


def output_format(audio_path: str, fmt: str | None) -> str:
    if fmt:
        return fmt
    ext = os.path.splitext(audio_path)[1].lower().lstrip(".")
    return ext if ext in EXPORT else ("m4a" if ext in ("mp4", "mov", "m4v", "aac") else "wav")


LOSSY_DEFAULT_KBPS = {"mp3": 192, "ogg": 160, "m4a": 192, "opus": 128}  # when the source is lossless
MAX_KBPS = {"mp3": 320, "ogg": 500, "m4a": 512, "opus": 510}  # what each encoder accepts


def clip_bitrate(source: SourceFormat, fmt: str, asked: str | None) -> str | None:
    """The encoder bitrate: --bitrate if given, else the source's own (a lossy source is not
    re-encoded any thinner than it is), else a transparent default; None for lossless formats."""
    if fmt not in LOSSY_DEFAULT_KBPS:
        return None
    if asked:
        return asked
    lossless = source.codec.startswith("pcm") or source.codec in ("flac", "alac", "wavpack", "ape")
    kbps = LOSSY_DEFAULT_KBPS[fmt] if lossless or not source.kbps else source.kbps
    return f"{min(kbps, MAX_KBPS[fmt])}k"


def render_clip(audio_path: str, clip: Clip, fmt: str, bitrate: str | None, fade: int,
                source: SourceFormat | None = None) -> bytes:
    """Cut (only) the clip's source ranges with pydub, fade the edges, encode at the source's quality.

    source: what the file is (read once per run by the caller, not once per clip).
    """
    source = source or source_format(audio_path)
    out = None
    for a, b in clip.pieces:
        piece = read_native(audio_path, a, b - a, source)
        f = min(fade, len(piece) // 4)
        if f > 0:
            piece = piece.fade_in(f).fade_out(f)
        out = piece if out is None else out + piece
    assert out is not None
    fmt_name, codec = EXPORT[fmt]
    buf = io.BytesIO()
    out.export(buf, format=fmt_name, codec=codec, bitrate=clip_bitrate(source, fmt, bitrate))
    return buf.getvalue()


def clip_captions(clip: Clip) -> str:
    """The clip's own WebVTT, re-based to 0 (the pieces of a joined clip follow each other), every
    cue inside the clip."""
    bases, cursor = [], 0
    for a, b in clip.pieces:
        bases.append((a, b, cursor))
        cursor += b - a
    words = []
    for w in clip.words:
        a, b, base = next((p for p in bases if p[0] <= w.start < p[1]), bases[0] if w.start < bases[0][0] else bases[-1])
        start = base + min(b - a - 1, max(0, w.start - a))
        words.append(replace(w, start=start, end=max(start + 1, base + min(b - a, w.end - a))))
    return to_webvtt(build_cues(words, end=cursor), estimated=not all(w.aligned for w in clip.words))


MANIFEST_FIELDS = ["file", "speaker", "start", "end", "duration", "text", "segments"]


def _planned_rows(clips: list[Clip], names: list[str]) -> list[dict]:
    return [{"file": name, "captions": os.path.splitext(name)[0] + ".vtt", "speaker": c.speaker,
             "start": seconds(c.start), "end": seconds(c.end), "duration": seconds(sum(b - a for a, b in c.pieces)),
             "text": c.text, "segments": list(c.segments)} for c, name in zip(clips, names)]


def _previous_plan(path: str) -> dict | None:
    """The manifest a run into this folder left, if it is one of ours and readable."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("clips"), list) else None


def _edl_events(clips: list[Clip], names: list[str]) -> list[list[EdlEvent]]:
    """Per clip, its EDL events: one per source piece (a joined clip has several)."""
    return [[EdlEvent(a, b, name, f"{c.speaker}: {c.text}") for a, b in (c.pieces or ((c.start, c.end),))]
            for c, name in zip(clips, names)]


def _write_manifests(folder: str, head: dict, rows: list[dict], events: list[list[EdlEvent]],
                     channels: int) -> None:
    """clips.json (the plan, what is written), and for editors clips.csv, clips.edl and clips-labels.txt
    listing the clips written so far."""
    complete = all(r["written"] for r in rows)
    write_atomic(os.path.join(folder, "clips.json"), dumps({**head, "complete": complete, "clips": rows}))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=MANIFEST_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        if r["written"]:
            writer.writerow({**r, "segments": " ".join(map(str, r["segments"]))})
    write_atomic(os.path.join(folder, "clips.csv"), buf.getvalue())
    done = [ev for r, evs in zip(rows, events) if r["written"] for ev in evs]
    write_atomic(os.path.join(folder, "clips.edl"),
                 to_edl(f"{head['source']} clips", head["source"], done, head["settings"]["fps"],
                        "A" if channels == 1 else "AA"))
    write_atomic(os.path.join(folder, "clips-labels.txt"), audacity_labels([(e.start, e.end, e.name) for e in done]))


def write_clips(clips: list[Clip], audio_path: str, folder: str, fmt: str, bitrate: str | None = None,
                fade: int = 10, force: bool = False, fps: str = "25") -> tuple[list[dict], int]:
    """Write every clip and its captions, the manifests kept up to date as clips complete.

    The manifest lists the whole plan first, each row marked `written` once its clip and
    captions are on disk; an interrupted run re-run with the same selection finishes what is
    missing instead of refusing. Files of any other run are never replaced without force.
    Returns the rows and how many clips were already there from an interrupted run.
    """
    if fmt not in EXPORT:
        raise InputError(None, f"unknown clip format {fmt!r} (use {', '.join(EXPORT)})")
    make_folder(folder)
    names = clip_names(clips, fmt)
    rows = _planned_rows(clips, names)
    head = {"source": os.path.basename(audio_path),
            "settings": {"format": fmt, "bitrate": bitrate, "fade_ms": fade, "fps": fps}}
    events = _edl_events(clips, names)
    manifest = os.path.join(folder, "clips.json")
    old = _previous_plan(manifest)
    same = (old is not None and all(old.get(k) == v for k, v in head.items())
            and [{k: v for k, v in r.items() if k != "written"} for r in old["clips"]] == rows)
    done = {r["file"] for r in old["clips"] if r.get("written")} if same and old and not force else set()
    if not same and not force:
        targets = [os.path.join(folder, r[k]) for r in rows for k in ("file", "captions")]
        targets += [manifest] + [os.path.join(folder, n) for n in ("clips.csv", "clips.edl", "clips-labels.txt")]
        existing = [t for t in targets if os.path.exists(t)]
        if existing:
            raise InputError(existing[0], f"already exists ({len(existing)} of the outputs do, from another "
                                          "selection or source); use --force to replace them")
    for r in rows:
        r["written"] = r["file"] in done and all(os.path.exists(os.path.join(folder, r[k])) for k in ("file", "captions"))
    resumed = sum(r["written"] for r in rows)
    source = source_format(audio_path)
    _write_manifests(folder, head, rows, events, source.channels)
    last = time.monotonic()
    try:
        for clip, r in zip(clips, rows):
            if r["written"]:
                continue
            write_atomic(os.path.join(folder, r["file"]), render_clip(audio_path, clip, fmt, bitrate, fade, source))
            write_atomic(os.path.join(folder, r["captions"]), clip_captions(clip))
            r["written"] = True
            if time.monotonic() - last > 0.5:  # a long plan's manifest is not rewritten per clip
                _write_manifests(folder, head, rows, events, source.channels)
                last = time.monotonic()
    finally:  # interrupted too: the manifest says what is done, so a re-run finishes the rest
        _write_manifests(folder, head, rows, events, source.channels)
    return rows, resumed


def parse_time_option(text: str | None, name: str) -> int | None:
    if text is None:
        return None
    try:
        return parse_clock(text)
    except ValueError as exc:
        raise InputError(None, f"{name} {text!r}: {exc}") from exc
