"""SBV (YouTube's SubViewer captions): `H:MM:SS.mmm,H:MM:SS.mmm`, the lines, a blank line.

No maintained library writes it (pysubs2 does not know it; webvtt-py only reads it), and it is
plain text with no styling or escaping, so it is written here.
"""
from __future__ import annotations

from ..captions import Cue

__all__ = ["to_sbv"]


def sbv_time(ms: int) -> str:
    ms = max(0, ms)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h}:{m:02d}:{s:02d}.{ms:03d}"


def to_sbv(cues: list[Cue]) -> str:
    # a blank line ends a caption, so a line of its own never is one
    blocks = [f"{sbv_time(c.start)},{sbv_time(c.end)}\n" + "\n".join(line for line in c.lines if line.strip())
              for c in cues]
    return "\n\n".join(blocks) + "\n" if blocks else ""
