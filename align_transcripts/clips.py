"""Clips: a selection (speakers, turns, a time range, quotes) -> audio cut cleanly, with captions.

Only the audio around what is selected is decoded and aligned, so cutting three minutes out of
a two-hour recording costs about three minutes' work. Cuts come from the aligned words, padded,
never into another speaker's words, and moved to the quietest point nearby so no word is
clipped; short fades avoid clicks. pydub cuts and encodes at the source's own rate and channels.
"""
from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from dataclasses import dataclass, replace

import numpy as np

from .aligner import align_words
from .audio import RATE, decode, ffmpeg_binary, probe_duration, read_native
from .captions import build_cues, estimated_words
from .check import speaker_key
from .errors import InputError
from .export import to_webvtt
from .output import dumps, make_folder, write_atomic
from .reconcile import Reconciled
from .text import bare
from .timefmt import clock, parse_clock, seconds
from .types import Segment, Word

CONTEXT_MS = 6000  # audio decoded around a selection, so its neighbours' words can be found too
SNAP_MS = 300  # a cut may move this far to reach a quiet point
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
    """Match names tolerant of case, spacing and punctuation; unknown names are an InputError."""
    known: dict[str, str] = {}
    for s in segments:
        known.setdefault(speaker_key(s.speaker), s.speaker)
    out = []
    for name in names:
        key = speaker_key(name)
        hits = sorted({label for k, label in known.items() if k == key})
        if not hits:
            listing = ", ".join(sorted(set(known.values())))
            raise InputError(None, f"no speaker {name!r} in the transcript; speakers are: {listing}")
        out += hits
    return tuple(out)


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


# --- aligning only what is needed ------------------------------------------------------

def local_words(audio_path: str, segs: tuple[Segment, ...], wanted: list[Segment], duration: int,
                align: bool = True) -> dict[int, list[Word]]:
    """Words of the wanted segments and their neighbours, aligned on just the audio around them.

    Falls back to times estimated from the segments where the audio cannot be aligned.
    """
    by_index = {s.index: s for s in segs}
    need = sorted({k for s in wanted for k in (s.index - 1, s.index, s.index + 1) if k in by_index})
    groups: list[list[int]] = []
    for k in need:  # contiguous runs of turns share one decode
        if groups and k == groups[-1][-1] + 1:
            groups[-1].append(k)
        else:
            groups.append([k])
    rate = _rate(segs)
    out: dict[int, list[Word]] = {}
    for g in groups:
        chunk = [by_index[k] for k in g]
        est = estimated_words(chunk, rate)
        if not align:
            for w in est:
                out.setdefault(w.segment, []).append(w)
            continue
        lo = max(0, chunk[0].start - CONTEXT_MS)
        hi = min(duration, chunk[-1].end + CONTEXT_MS)
        try:
            audio = decode(audio_path, lo, hi - lo)
            shifted = tuple(replace(s, start=s.start - lo, end=s.end - lo, group=(s.group[0] - lo, s.group[1] - lo))
                            for s in chunk)
            words = [replace(w, start=w.start + lo, end=w.end + lo)
                     for w in align_words(shifted, audio, workers=1)]
        except InputError:
            words = est
        for w in words:
            out.setdefault(w.segment, []).append(w)
    return out


def _rate(segs: tuple[Segment, ...]) -> float:
    from .text import text_syllables

    total_syl = sum(text_syllables(s.text) for s in segs)
    total_ms = sum(s.end - s.start for s in segs if s.text.strip()) or 1
    return max(2.0, min(7.0, total_syl / (total_ms / 1000)))


# --- cut points --------------------------------------------------------------------------

def quietest(samples: np.ndarray, offset: int, lo: int, hi: int, target: int) -> int:
    """The quietest 10 ms point in [lo, hi] (ms), ties going to the one nearest target."""
    if hi - lo < 20:
        return max(lo, min(hi, target))
    a = max(0, (lo - offset) * RATE // 1000)
    b = min(len(samples), (hi - offset) * RATE // 1000)
    n = RATE // 100
    k = (b - a) // n
    if k < 1:
        return max(lo, min(hi, target))
    x = samples[a: a + k * n].astype(np.float32).reshape(k, n)
    energy = (x * x).mean(axis=1)
    floor = energy.min()
    centres = lo + np.arange(k) * 10 + 5
    quiet = np.nonzero(energy <= floor * 2 + 1e-3)[0]
    best = quiet[np.argmin(np.abs(centres[quiet] - target))]
    return int(centres[best])


def cut_points(words: tuple[Word, ...], before: Word | None, after: Word | None, pad: int,
               samples: np.ndarray, offset: int, limit: tuple[int, int]) -> tuple[int, int]:
    """Padded cut points around words, never into a neighbouring speaker's words, snapped to quiet."""
    first, last = words[0], words[-1]
    lo_bound = max(limit[0], before.end if before else limit[0])
    hi_bound = min(limit[1], after.start if after else limit[1])
    start_target = max(lo_bound, first.start - pad)
    end_target = min(hi_bound, last.end + pad)
    start = quietest(samples, offset, max(lo_bound, start_target - SNAP_MS), min(first.start, start_target + SNAP_MS),
                     start_target)
    end = quietest(samples, offset, max(last.end, end_target - SNAP_MS), min(hi_bound, end_target + SNAP_MS),
                   end_target)
    start = max(lo_bound, min(start, first.start))
    end = min(hi_bound, max(end, last.end))
    return start, max(end, start + 1)


# --- planning and writing ----------------------------------------------------------------

def plan_clips(rec: Reconciled, audio_path: str, sel: Selection, pad: int = 250, align: bool = True,
               duration: int | None = None) -> list[Clip]:
    """The clips a selection asks for, with cut points on the audio."""
    segs = rec.segments
    duration = probe_duration(audio_path) if duration is None else duration
    wanted = selected_segments(segs, sel)
    if not wanted:
        return []
    only_range = (sel.start is not None or sel.end is not None) and not (sel.speakers or sel.segments or sel.quotes)
    words = local_words(audio_path, segs, wanted, duration, align)
    all_words = [w for s in segs for w in words.get(s.index, [])]
    lo_t = sel.start if sel.start is not None else 0
    hi_t = sel.end if sel.end is not None else duration

    units: list[tuple[tuple[Word, ...], Segment]] = []
    for s in wanted:
        ws = [w for w in words.get(s.index, []) if w.start < hi_t and w.end > lo_t]
        if sel.quotes:
            for i, j in find_quotes(ws, sel.quotes, sel.regex):
                units.append((tuple(ws[i:j]), s))
        elif ws:
            units.append((tuple(ws), s))
    if only_range:
        ws = tuple(w for w in all_words if w.start < hi_t and w.end > lo_t)
        if not ws:
            return []
        units = [(ws, wanted[0])]

    clips = []
    for ws, seg in units:
        pos = all_words.index(ws[0])
        end_pos = all_words.index(ws[-1])
        before = next((w for w in reversed(all_words[:pos]) if w.speaker != ws[0].speaker), None)
        after = next((w for w in all_words[end_pos + 1:] if w.speaker != ws[-1].speaker), None)
        limit = (lo_t, hi_t) if (sel.start is not None or sel.end is not None) else (0, duration)
        lo = max(0, ws[0].start - SNAP_MS - pad - 500)
        hi = min(duration, ws[-1].end + SNAP_MS + pad + 500)
        samples = decode(audio_path, lo, hi - lo).samples
        a, b = cut_points(ws, before, after, pad, samples, lo, limit)
        if only_range:
            a, b = max(a, lo_t) if sel.start is not None else a, min(b, hi_t) if sel.end is not None else b
        segs_in = tuple(sorted({w.segment for w in ws}))
        speakers = sorted({w.speaker for w in ws}, key=[w.speaker for w in ws].index)
        clips.append(Clip(a, b, " & ".join(speakers), segs_in, ws, " ".join(w.word for w in ws), ((a, b),)))
    if sel.join and clips:
        clips = [Clip(clips[0].start, clips[-1].end, " & ".join(dict.fromkeys(c.speaker for c in clips)),
                      tuple(sorted({k for c in clips for k in c.segments})),
                      tuple(w for c in clips for w in c.words), " ".join(c.text for c in clips),
                      tuple(p for c in clips for p in c.pieces))]
    return clips


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


def render_clip(audio_path: str, clip: Clip, fmt: str, bitrate: str | None, fade: int) -> bytes:
    """Cut (only) the clip's source ranges with pydub, fade the edges, encode."""
    ffmpeg_binary()  # points pydub at the same ffmpeg for encoding
    out = None
    for a, b in clip.pieces:
        piece = read_native(audio_path, a, b - a)
        f = min(fade, len(piece) // 4)
        if f > 0:
            piece = piece.fade_in(f).fade_out(f)
        out = piece if out is None else out + piece
    assert out is not None
    fmt_name, codec = EXPORT[fmt]
    buf = io.BytesIO()
    out.export(buf, format=fmt_name, codec=codec, bitrate=bitrate)
    return buf.getvalue()


def clip_captions(clip: Clip) -> str:
    """The clip's own WebVTT, re-based to 0 (the pieces of a joined clip follow each other)."""
    bases, cursor = [], 0
    for a, b in clip.pieces:
        bases.append((a, b, cursor))
        cursor += b - a
    words = []
    for w in clip.words:
        a, b, base = next((p for p in bases if p[0] <= w.start < p[1]), bases[0] if w.start < bases[0][0] else bases[-1])
        start = base + min(b - a - 1, max(0, w.start - a))
        words.append(replace(w, start=start, end=max(start + 1, base + min(b - a, w.end - a))))
    return to_webvtt(build_cues(words), estimated=not all(w.aligned for w in clip.words))


def write_clips(clips: list[Clip], audio_path: str, folder: str, fmt: str, bitrate: str | None = None,
                fade: int = 10, force: bool = False) -> list[dict]:
    """Write every clip, its captions and the manifests; refuse to overwrite without force."""
    if fmt not in EXPORT:
        raise InputError(None, f"unknown clip format {fmt!r} (use {', '.join(EXPORT)})")
    make_folder(folder)
    names = clip_names(clips, fmt)
    targets = [os.path.join(folder, n) for n in names]
    targets += [os.path.splitext(t)[0] + ".vtt" for t in targets[: len(names)]]
    targets += [os.path.join(folder, "clips.json"), os.path.join(folder, "clips.csv")]
    existing = [t for t in targets if os.path.exists(t)]
    if existing and not force:
        raise InputError(existing[0], f"already exists ({len(existing)} of the outputs do); use --force to replace them")
    rows = []
    for clip, name in zip(clips, names):
        path = os.path.join(folder, name)
        write_atomic(path, render_clip(audio_path, clip, fmt, bitrate, fade))
        vtt = os.path.splitext(path)[0] + ".vtt"
        write_atomic(vtt, clip_captions(clip))
        rows.append({"file": name, "captions": os.path.basename(vtt), "speaker": clip.speaker,
                     "start": seconds(clip.start), "end": seconds(clip.end),
                     "duration": seconds(sum(b - a for a, b in clip.pieces)), "text": clip.text,
                     "segments": list(clip.segments)})
    write_atomic(os.path.join(folder, "clips.json"), dumps({"source": os.path.basename(audio_path), "clips": rows}))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=["file", "speaker", "start", "end", "duration", "text", "segments"],
                            extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({**r, "segments": " ".join(map(str, r["segments"]))})
    write_atomic(os.path.join(folder, "clips.csv"), buf.getvalue())
    return rows


def parse_time_option(text: str | None, name: str) -> int | None:
    if text is None:
        return None
    try:
        return parse_clock(text)
    except ValueError as exc:
        raise InputError(None, f"{name} {text!r}: {exc}") from exc
