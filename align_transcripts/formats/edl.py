"""The clip list as a CMX 3600 EDL, the edit list Premiere, Resolve and Avid import.

Each clip is one event (a joined clip one event per piece) cutting the source file (reel AX, named
in a FROM CLIP NAME comment) onto a record timeline laid end to end, with a locator naming the
speaker. Timecode comes from ttconv's SMPTE time code (drop-frame at 29.97 and 59.94). Written
here: OpenTimelineIO's CMX adapter writes only a single video track, and these are audio cuts.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from ttconv.time_code import SmpteTimeCode

__all__ = ["FRAME_RATES", "EdlEvent", "to_edl"]

FRAME_RATES = {"23.976": Fraction(24000, 1001), "24": Fraction(24), "25": Fraction(25),
               "29.97": Fraction(30000, 1001), "30": Fraction(30), "50": Fraction(50),
               "59.94": Fraction(60000, 1001), "60": Fraction(60)}


@dataclass(frozen=True)
class EdlEvent:
    """A span of the source (ms) and what to call it."""

    start: int
    end: int
    name: str
    note: str  # speaker and text, as a comment and a locator


def _frames(ms: int, rate: Fraction, up: bool) -> int:
    exact = Fraction(ms, 1000) * rate
    return math.ceil(exact) if up else math.floor(exact)


DROP_FRAME = {"29.97", "59.94"}  # SMPTE drop-frame exists only for these; 23.976 counts 24 a second


def _tc(frames: int, rate: Fraction, drop: bool) -> str:
    return str(SmpteTimeCode.from_frames(frames, rate, drop))


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_edl(title: str, source: str, events: list[EdlEvent], fps: str = "25", channels: str = "AA") -> str:
    """Events -> EDL text. channels: "A" for a mono source, "AA" for two audio channels."""
    rate = FRAME_RATES[fps]
    drop = fps in DROP_FRAME
    out = [f"TITLE: {_one_line(title, 70)}", f"FCM: {'DROP FRAME' if drop else 'NON-DROP FRAME'}", ""]
    record = 0
    for n, ev in enumerate(events, 1):
        a = _frames(ev.start, rate, False)
        b = max(_frames(ev.end, rate, True), a + 1)  # in rounded down, out up: whole words, never empty
        out.append(f"{n:03d}  AX       {channels:<6}C        {_tc(a, rate, drop)} {_tc(b, rate, drop)} "
                   f"{_tc(record, rate, drop)} {_tc(record + b - a, rate, drop)}")
        out.append(f"* FROM CLIP NAME: {_one_line(source)}")
        out.append(f"* COMMENT: {_one_line(ev.name)}: {_one_line(ev.note)}")
        out.append(f"* LOC: {_tc(a, rate, drop)} BLUE    {_one_line(ev.note, 60)}")
        out.append("")
        record += b - a
    return "\n".join(out)
