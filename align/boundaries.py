"""Word edges at pauses, refined on the signal: where speech energy rises out of (or falls into) silence.

The acoustic model places boundaries between words well, but edges next to a pause less so
(silence models blur them by 20-30 ms). Where a word starts after, or ends before, a pause,
the edge is moved to where the short-time energy crosses a level between the local noise floor
and the word's own loudness, within a small search span.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .audio import RATE
from .types import Word

PAUSE_MS = 30  # a gap at least this long between two aligned words is a pause
SEARCH_MS = 60  # an edge may move this far into the word
REACH_MS = 400  # ...and this far out of it, where the sound goes on (a tail the pause model took)
QUIET_MS = 40  # a pause is at least this long below the crossing level
HOP_MS = 2
WIN_MS = 8
LEVEL = 0.4  # the crossing level, as a fraction of the way from noise floor to speech level (dB); measured best of 0.1-0.6
MIN_CONTRAST_DB = 12  # below this, silence and speech cannot be told apart: leave the edge alone


def _energy_db(samples: np.ndarray, start_ms: int, end_ms: int) -> tuple[np.ndarray, int]:
    """Short-time energy (dB) on a HOP_MS grid from start_ms; returns (energies, grid start ms)."""
    start_ms = max(0, start_ms)
    a = start_ms * RATE // 1000
    b = min(len(samples), end_ms * RATE // 1000)
    x = samples[a:b].astype(np.float64)
    hop, win = HOP_MS * RATE // 1000, WIN_MS * RATE // 1000
    if len(x) < win + hop:
        return np.zeros(0), start_ms
    n = (len(x) - win) // hop + 1
    idx = np.arange(win)[None, :] + hop * np.arange(n)[:, None]
    e = (x[idx] ** 2).mean(axis=1)
    return 10 * np.log10(e + 1.0), start_ms


def _levels(e: np.ndarray, quiet: np.ndarray, loud: np.ndarray) -> float | None:
    """The crossing level between a quiet and a loud stretch, or None when they cannot be told apart."""
    if len(quiet) < 5 or len(loud) < 5:
        return None
    floor, speech = np.percentile(quiet, 20), np.percentile(loud, 80)
    if speech - floor < MIN_CONTRAST_DB:
        return None
    return floor + LEVEL * (speech - floor)


def _refine_start(samples: np.ndarray, w: Word, lo: int) -> int:
    """The end of the last real pause (QUIET_MS below the level) before the word's sound begins."""
    e, t0 = _energy_db(samples, max(lo, w.start - REACH_MS), min(w.end, w.start + 160))
    if not len(e):
        return w.start
    times = t0 + np.arange(len(e)) * HOP_MS + WIN_MS // 2
    level = _levels(e, e[times < w.start - 10], e[(times >= w.start) & (times < min(w.end, w.start + 150))])
    if level is None:
        return w.start
    quiet = e < level
    need = QUIET_MS // HOP_MS
    # scan back from the latest allowed start for a quiet run long enough to be a pause
    i = int(np.searchsorted(times, w.start + SEARCH_MS))
    i = min(i, len(e) - 1)
    run = 0
    while i >= 0:
        run = run + 1 if quiet[i] else 0
        if run >= need:
            onset = i + run
            return int(times[min(onset, len(e) - 1)] - WIN_MS // 2)
        i -= 1
    return w.start


def _refine_end(samples: np.ndarray, w: Word, hi: int) -> int:
    """The start of the first real pause after the word's sound, searched from a little before its end."""
    e, t0 = _energy_db(samples, max(w.start, w.end - 160), min(hi, w.end + REACH_MS))
    if not len(e):
        return w.end
    times = t0 + np.arange(len(e)) * HOP_MS + WIN_MS // 2
    level = _levels(e, e[times > w.end + 10], e[(times <= w.end) & (times > max(w.start, w.end - 150))])
    if level is None:
        return w.end
    quiet = e < level
    need = QUIET_MS // HOP_MS
    i = int(np.searchsorted(times, w.end - SEARCH_MS))
    run = 0
    while i < len(e):
        run = run + 1 if quiet[i] else 0
        if run >= need:
            offset = i - run + 1
            return int(times[offset] - WIN_MS // 2)
        i += 1
    return w.end


def refine_pause_edges(words: list[Word], samples: np.ndarray) -> list[Word]:
    """Words with their pause-side edges moved onto the signal; order and non-overlap are kept."""
    out = list(words)
    aligned = [i for i, w in enumerate(out) if w.aligned]
    for n, i in enumerate(aligned):
        w = out[i]
        prev_end = out[aligned[n - 1]].end if n else 0
        next_start = out[aligned[n + 1]].start if n + 1 < len(aligned) else w.end + 1000
        start, end = w.start, w.end
        if w.start - prev_end >= PAUSE_MS:
            start = max(prev_end, _refine_start(samples, w, prev_end))
        if next_start - w.end >= PAUSE_MS:
            end = min(next_start, _refine_end(samples, w, next_start))
        if end - start >= 20 and (start, end) != (w.start, w.end):
            out[i] = replace(w, start=start, end=end)
    return out
