"""Praat TextGrid of the word timings, through praatio: what phoneticians and MFA users open.

One interval tier of words per speaker (as MFA writes "speaker - words"), a "turns" tier with each
turn's text over the span its placed words cover, and a "sound tags" point tier. Only words placed
on the audio become intervals: an unaligned word's times are interpolated, not heard, so it stays
out (words.json and the CSV list it); its turn's interval still carries its text.
"""
from __future__ import annotations

import os
import tempfile

from praatio import textgrid

from ..text import is_tag
from ..types import Word
from .tables import turn_spans

__all__ = ["to_textgrid"]


def _intervals(spans: list[tuple[int, int, str]]) -> list[tuple[float, float, str]]:
    """Spans in time order with no overlap (a tier's intervals may not overlap); emptied ones dropped."""
    out: list[tuple[float, float, str]] = []
    last = 0
    for start, end, label in sorted(spans, key=lambda s: (s[0], s[1])):
        start = max(start, last)
        if end > start:
            out.append((start / 1000, end / 1000, label))
            last = end
    return out


def to_textgrid(words: list[Word], duration: int) -> str:
    """Words -> a long-form TextGrid from 0 to the recording's end (ms)."""
    end = max([duration] + [w.end for w in words if w.aligned]) / 1000
    tg = textgrid.Textgrid(0, end)
    speakers = list(dict.fromkeys(w.speaker for w in words))
    for sp in speakers:
        spans = [(w.start, w.end, w.word) for w in words if w.speaker == sp and w.aligned and not is_tag(w.word)]
        tg.addTier(textgrid.IntervalTier(f"{sp} - words", _intervals(spans), 0, end))
    tg.addTier(textgrid.IntervalTier("turns", _intervals(turn_spans(words)), 0, end))
    tags = sorted({w.start: w.word for w in words if is_tag(w.word) and 0 <= w.start <= end * 1000}.items())
    tg.addTier(textgrid.PointTier("sound tags", [(t / 1000, label) for t, label in tags], 0, end))
    with tempfile.TemporaryDirectory() as tmp:  # praatio writes files only; the caller writes ours atomically
        path = os.path.join(tmp, "words.TextGrid")
        tg.save(path, format="long_textgrid", includeBlankSpaces=True, minimumIntervalLength=None)
        with open(path, encoding="utf-8") as fh:
            return fh.read()
