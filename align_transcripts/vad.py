"""Speech activity from the signal alone: where someone is talking, whatever the transcript says.

Energy in 20 ms frames against an adaptive noise floor (a low percentile of the whole
recording), with short holes filled and blips dropped. Good enough to find speech that no
transcript word covers and silences that are really silent; not a speaker detector.
"""
from __future__ import annotations

import numpy as np

from .audio import RATE

FRAME_MS = 20
MARGIN_DB = 12  # speech is this far above the noise floor...
MIN_SPEECH_DB = -55  # ...and above this absolute level (dBFS), so near-digital silence is never speech
FILL_MS = 300  # holes shorter than this inside speech are pauses between words, not silence
MIN_RUN_MS = 200  # louder blips shorter than this are clicks, not speech


def frame_energy_db(samples: np.ndarray) -> np.ndarray:
    """dBFS per FRAME_MS frame, computed a minute at a time so a long file needs no float copy."""
    n = FRAME_MS * RATE // 1000
    k = len(samples) // n
    out = np.empty(k, dtype=np.float32)
    step = 3000  # frames per block (60 s)
    for a in range(0, k, step):
        b = min(k, a + step)
        x = samples[a * n: b * n].astype(np.float32).reshape(b - a, n) / 32768.0
        out[a:b] = 10 * np.log10((x * x).mean(axis=1) + 1e-10)
    return out


def speech_regions(samples: np.ndarray) -> list[tuple[int, int]]:
    """(start ms, end ms) of each stretch of speech, in order."""
    e = frame_energy_db(samples)
    if not len(e):
        return []
    floor = np.percentile(e, 10)
    active = e > max(floor + MARGIN_DB, MIN_SPEECH_DB)
    runs = _runs(active)
    # fill short holes, then drop short blips
    merged: list[list[int]] = []
    for a, b in runs:
        if merged and (a - merged[-1][1]) * FRAME_MS < FILL_MS:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    return [(a * FRAME_MS, b * FRAME_MS) for a, b in merged if (b - a) * FRAME_MS >= MIN_RUN_MS]


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.nonzero(d == 1)[0].tolist(), np.nonzero(d == -1)[0].tolist()))
