"""Subtitles as transcripts: SRT through pysubs2, WebVTT through webvtt-py.

Every cue is a turn: its start is a weak stamp (to the millisecond, but from another cut of the
video, another frame rate or a constant offset, as often as not), its end is kept for writing
the cues back re-synced. The speaker is the cue's WebVTT voice (`<v Name>`, as Zoom, Teams and
YouTube export it), else a `Name:` label that recurs, else the previous cue's when the cue
continues its sentence, else unnamed.
"""
from __future__ import annotations

import io
import re

from ..errors import InputError
from ..timefmt import parse_clock
from ..types import Paragraph, Transcript, Turn
from .markers import find_markers
from .speakers import UNNAMED, recurring, split_label

TIMING = re.compile(r"^\s*(?P<start>\d[\d:.,]*)\s*-->\s*(?P<end>\d[\d:.,]*)")
NAMES = {"vtt": "WebVTT", "srt": "SubRip (SRT)"}
DASH = re.compile(r"^[-‐–—]\s*")  # "- Yes." "- No.": two speakers in one cue


def looks_like_vtt(text: str) -> bool:
    return text.lstrip().startswith("WEBVTT")


def looks_like_srt(text: str) -> bool:
    return any(TIMING.match(line) for line in text.split("\n")[:50])


def _timing_lines(text: str) -> list[tuple[int, int]]:
    """(line number, start ms) of every cue timing line, in file order: how cues find their lines."""
    out = []
    for number, line in enumerate(text.split("\n"), start=1):
        m = TIMING.match(line)
        if m:
            try:
                out.append((number, parse_clock(m.group("start").replace(",", "."))))
            except ValueError:
                continue
    return out


def _turns(path: str, text: str, fmt: str, cues: list[tuple[int, int, str, str | None]]) -> Transcript:
    """(start, end, text, voice) cues -> a Transcript with the cues' own line numbers."""
    timings = _timing_lines(text)
    k = 0
    rows = []
    for start, end, body, voice in cues:
        while k < len(timings) and timings[k][1] != start:
            k += 1
        line = timings[k][0] if k < len(timings) else None
        k += 1
        lines = [" ".join(DASH.sub("", x).split()) for x in body.split("\n")]
        dialogue = sum(bool(DASH.match(x.strip())) for x in body.split("\n")) >= 2  # two speakers, unnamed
        rows.append((start, end, [x for x in lines if x], voice or (UNNAMED if dialogue else None), line))
    if not rows:
        raise InputError(path, f"no cues found in this {NAMES[fmt]} file (a cue is a line `start --> end`, then its text)")
    names = recurring([r[2][0] for r in rows if r[2]])
    turns: list[Turn] = []
    for start, end, lines, voice, line in rows:
        speaker = voice
        if lines and (label := split_label(lines[0])) and label[0] in names:
            speaker = speaker or label[0]
            lines[0] = label[1]
        if speaker is None:
            prev = turns[-1] if turns else None
            speaker = prev.speaker if prev and not _ends_sentence(prev) else UNNAMED
        first = line + 1 if line else 0
        paras = tuple(Paragraph(x, first + i) for i, x in enumerate(lines))
        markers = tuple(mk for p in paras for mk in find_markers(p.text, p.line))
        turns.append(Turn(speaker, start, line or 0, paras, markers, end))
    return Transcript(tuple(turns), path, fmt)


def _ends_sentence(turn: Turn) -> bool:
    return not turn.paragraphs or turn.paragraphs[-1].text.rstrip("\"'”’)]").endswith((".", "?", "!", "…"))


def parse_vtt(text: str, path: str = "<transcript>") -> Transcript:
    import webvtt
    from webvtt.errors import MalformedFileError

    try:
        vtt = webvtt.from_buffer(io.StringIO(text))
    except MalformedFileError as e:
        raise InputError(path, f"not a readable WebVTT file: {e}") from None
    cues = []
    for c in vtt.captions:
        try:
            cues.append((parse_clock(c.start), parse_clock(c.end), c.text, c.voice or None))
        except ValueError as e:
            raise InputError(path, f"a cue's time is unreadable: {e}") from None
    return _turns(path, text, "vtt", cues)


def parse_srt(text: str, path: str = "<transcript>") -> Transcript:
    import pysubs2

    try:
        subs = pysubs2.SSAFile.from_string(text, format_="srt")
    except Exception as e:  # pysubs2 raises its own and plain errors alike
        raise InputError(path, f"not a readable SRT file: {e}") from None
    return _turns(path, text, "srt", [(e.start, e.end, e.plaintext, None) for e in subs if not e.is_comment])
