"""ASS/SSA (SubStation Alpha: styled subtitles for video tools and fansubs), through pysubs2.

The speaker goes in each event's Name field, where Aegisub and ffmpeg show it; with word timings
each word gets a karaoke tag (`{\\k}`, centiseconds), so players highlight words as they are said.
"""
from __future__ import annotations

import pysubs2

from ..captions import Cue
from .vtt import line_words, split_label

__all__ = ["to_substation"]


def _plain(text: str) -> str:
    """Text that SubStation will not read as override blocks or escapes: it has no escape for braces."""
    return text.replace("{", "(").replace("}", ")").replace("\\", "\\\u200b")


def _karaoke(cue: Cue) -> str:
    """Lines joined by \\N, each word after a {\\kNN}: centiseconds until the next word starts."""
    per_line = line_words(cue)
    words = [w for ws in per_line for w in ws]
    starts = [max(cue.start, w.start) for w in words] + [cue.end]
    k = 0
    lines = []
    for line, ws in zip(cue.lines, per_line):
        label, spoken = split_label(line, len(ws))
        out = [_plain(t) for t in label]
        for tok in spoken:
            out.append(f"{{\\k{max(0, round((starts[k + 1] - starts[k]) / 10))}}}{_plain(tok)}")
            k += 1
        lines.append(" ".join(out))
    lead = round((starts[0] - cue.start) / 10)  # silence before the first word: nothing highlighted yet
    return (f"{{\\k{lead}}}" if lead > 0 else "") + "\\N".join(lines)


def to_substation(cues: list[Cue], fmt: str = "ass", word_timestamps: bool = False) -> str:
    """Cues -> an ASS (or SSA with fmt="ssa") script."""
    subs = pysubs2.SSAFile()
    subs.info["Title"] = "captions"
    for cue in cues:
        text = _karaoke(cue) if word_timestamps else "\\N".join(_plain(line) for line in cue.lines)
        subs.append(pysubs2.SSAEvent(start=cue.start, end=cue.end, text=text, name=" / ".join(cue.speakers)))
    return subs.to_string(fmt)
