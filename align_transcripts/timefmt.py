"""Times are integer milliseconds inside; these are the only conversions to and from text."""
from __future__ import annotations

import re

# H:MM:SS, or MM:SS where the minutes may run past 59 ("75:30", as ffmpeg reads it)
_CLOCK = re.compile(r"^(?:(\d+):([0-5]?\d)|(\d+)):([0-5]\d)(?:[.,](\d{1,3}))?$")
_SECONDS = re.compile(r"^\d+(?:\.\d{1,3})?$")


def parse_clock(text: str) -> int:
    """`HH:MM:SS[.mmm]`, `MM:SS[.mmm]` (any number of minutes) or plain seconds `83.5` -> ms. Raises ValueError."""
    text = text.strip()
    if _SECONDS.match(text):
        return round(float(text) * 1000)
    m = _CLOCK.match(text)
    if not m:
        raise ValueError(f"not a time: {text!r} (use HH:MM:SS[.mmm], MM:SS or seconds)")
    hours, minutes, only_minutes, seconds, frac = m.groups()
    minutes = minutes if only_minutes is None else only_minutes
    ms = int((frac or "0").ljust(3, "0"))
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + ms


def clock(ms: int, millis: bool = False, sep: str = ".") -> str:
    """Milliseconds -> `HH:MM:SS` (or `HH:MM:SS.mmm`). Negative times clamp to zero."""
    ms = max(0, int(ms))
    s, milli = divmod(ms, 1000)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    out = f"{h:02d}:{m:02d}:{s:02d}"
    return f"{out}{sep}{milli:03d}" if millis else out


def seconds(ms: int | None) -> float | None:
    """Milliseconds -> seconds with 3 decimals, the JSON convention."""
    return None if ms is None else round(ms / 1000, 3)
