"""Inline transcriber notes such as `[inaudible 00:07:06]`, `[crosstalk]`, `[laughter]`."""
from __future__ import annotations

import re

from ..timefmt import parse_clock
from ..types import Marker

# A bracketed note: a few words, optionally followed by a clock time. `[Elon Musk]`-style
# speaker notes also match; they are kept as markers of kind "elon musk", which is harmless.
MARKER = re.compile(
    r"\[(?P<kind>[A-Za-z][A-Za-z'’ -]{0,40}?)"
    r"(?:\s*[,:-]?\s*(?P<time>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?))?\s*\]"
)


def find_markers(text: str, line: int) -> list[Marker]:
    """Every marker in one paragraph, in order."""
    out = []
    for m in MARKER.finditer(text):
        time = m.group("time")
        out.append(
            Marker(
                kind=" ".join(m.group("kind").lower().split()),
                time=parse_clock(time.replace(",", ".")) if time else None,
                line=line,
                raw=m.group(0),
            )
        )
    return out


def strip_marker_times(text: str) -> str:
    """`[inaudible 00:07:06]` -> `[inaudible]`: what captions and word lists show."""
    return MARKER.sub(lambda m: "[" + " ".join(m.group("kind").lower().split()) + "]", text)
