"""Subtitles re-synced, cue for cue: the same cues, their text untouched, at the times their words are said.

For a user who only wants their subtitles in sync (another cut of the video, another frame rate,
a constant offset: what alass and ffsubsync do), re-cutting the captions would be too much. Each
cue is a turn of the transcript (align_transcripts.transcript.subtitles); its new start is its
first placed word's start and its new end its last placed word's end. A cue with no placed word
keeps its length and moves by as much as the cue before it moved (or the one after, at the
start): it is never given times heard from someone else's speech. Cues stay in order and never
overlap. The file is read again with the library that reads it (pysubs2 for SRT, webvtt-py for
WebVTT), only the times are changed, and it is written back with the library of the output's
format, so styling and voices survive where the format keeps them.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from .errors import InputError
from .timefmt import clock
from .types import Segment, Word

__all__ = ["Retimed", "retime", "write_resynced"]

MIN_CUE_MS = 200  # a cue squeezed by its neighbours keeps at least this long


@dataclass(frozen=True)
class Retimed:
    """A cue's times before and after, and whether its words were heard (else it was moved with its neighbours)."""

    start: int
    end: int
    old_start: int
    old_end: int
    heard: bool


def retime(segments: tuple[Segment, ...], cue_ends: list[int | None], words: list[Word]) -> list[Retimed]:
    """New times for every cue (segment), in order. cue_ends: each cue's end as written."""
    by_seg: dict[int, list[Word]] = {}
    for w in words:
        if w.aligned:
            by_seg.setdefault(w.segment, []).append(w)
    rows: list[tuple[int | None, int | None, int, int]] = []
    for s, end in zip(segments, cue_ends):
        old_start = s.stamp if s.stamp is not None else s.start
        old_end = end if end is not None else s.end
        ws = by_seg.get(s.index)
        rows.append((ws[0].start, ws[-1].end, old_start, old_end) if ws else (None, None, old_start, old_end))
    out: list[Retimed] = []
    for k, (start, end, old_start, old_end) in enumerate(rows):
        if start is not None and end is not None:
            out.append(Retimed(start, end, old_start, old_end, True))
            continue
        moved = next((r[0] - r[2] for r in reversed(rows[:k]) if r[0] is not None), None)
        if moved is None:
            moved = next((r[0] - r[2] for r in rows[k + 1:] if r[0] is not None), 0)
        out.append(Retimed(old_start + moved, old_end + moved, old_start, old_end, False))
    fixed: list[Retimed] = []
    for k, r in enumerate(out):  # in order, no overlap: a cue ends before the next begins
        start = max(r.start, fixed[-1].end if fixed else 0, 0)
        end = r.end
        if k + 1 < len(out):
            end = min(end, max(out[k + 1].start, start + MIN_CUE_MS))
        fixed.append(Retimed(start, max(end, start + MIN_CUE_MS), r.old_start, r.old_end, r.heard))
    return fixed


def write_resynced(source_text: str, source_format: str, times: list[Retimed], out_kind: str, path: str) -> str:
    """The source subtitle file with every cue at its new times, as text in the output's format
    (".srt" or ".vtt"); raises InputError when the source is not a subtitle file."""
    if source_format not in ("srt", "vtt"):
        raise InputError(path, "--keep-cues re-syncs subtitles: the transcript must be an SRT or WebVTT file "
                               f"(this one was read as {source_format})")
    if source_format == "vtt":
        import webvtt

        vtt = webvtt.from_buffer(io.StringIO(source_text))
        cues = [(c.raw_text if out_kind == ".vtt" else c.text) for c in vtt.captions]
        if out_kind == ".vtt":
            for c, t in zip(vtt.captions, times):
                c.start, c.end = clock(t.start, True), clock(t.end, True)
            return vtt.content
    else:
        import pysubs2

        subs = pysubs2.SSAFile.from_string(source_text, format_="srt")
        events = [e for e in subs if not e.is_comment]
        if out_kind == ".srt":
            for e, t in zip(events, times):
                e.start, e.end = t.start, t.end
            return subs.to_string("srt")
        cues = [e.plaintext for e in events]
    if out_kind == ".srt":
        import pysubs2

        subs = pysubs2.SSAFile()
        for text, t in zip(cues, times):
            subs.append(pysubs2.SSAEvent(start=t.start, end=t.end, text=text.replace("\n", "\\N")))
        return subs.to_string("srt")
    from webvtt import Caption, WebVTT

    out = WebVTT(captions=[Caption(clock(t.start, True), clock(t.end, True), text) for text, t in zip(cues, times)])
    return out.content
