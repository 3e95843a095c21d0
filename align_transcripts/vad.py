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


# A word drawn out ("sooooo", "mmmontreal") holds one sound: its cepstra barely change over
# HELD_LAG_MS while it is speech. Measured (10 ms cepstra, coefficients 1-12, the change's running
# median over HELD_SMOOTH frames): the DEV interview's 405 s of read speech, clean and under noise,
# babble, a telephone line or reverberation, has no run of HELD_MIN_MS; MFA's drawn-out clip
# (disfluency/mfa_long) holds one sound for 3.2 s. Spliced-in "uhhh"s hold too, which is why only
# a chain offered filler loops it did not take calls a long word drawn out (chain.first_pass).
HELD_LAG_MS = 50
HELD_CHANGE = 25.0  # Euclidean distance of cepstra 1-12, HELD_LAG_MS apart
HELD_SMOOTH = 5  # frames: a frame or two of creak or a click does not end the hold
HELD_MIN_MS = 300


def held_ms(samples: np.ndarray, offset: int, regions: list[tuple[int, int]], lo: int, hi: int) -> int:
    """How much of [lo, hi) (ms; the samples begin `offset` ms into the recording) is one sound held
    steady inside speech (`regions`), in runs of at least HELD_MIN_MS: time spent drawing a word out."""
    from .acoustic.features import FRAME_MS as CEP_MS
    from .acoustic.features import cepstra

    a = max(0, (lo - offset) * RATE // 1000)
    b = max(a, (hi - offset) * RATE // 1000)
    c = cepstra(samples[a:b])
    lag, k = HELD_LAG_MS // CEP_MS, HELD_SMOOTH
    if len(c) < lag + k:
        return 0
    change = np.linalg.norm(c[lag:, 1:] - c[:-lag, 1:], axis=1)
    change = np.median(np.lib.stride_tricks.sliding_window_view(change, k), axis=1)
    # change[i] compares the frames k // 2 + i and k // 2 + i + lag
    t = offset + (a * 1000 // RATE) + (np.arange(len(change)) + k // 2) * CEP_MS
    speech = np.zeros(len(change), dtype=bool)
    for x, y in regions:
        speech |= (t >= x) & (t + HELD_LAG_MS <= y)
    runs = _runs((change < HELD_CHANGE) & speech)
    return sum(n for x, y in runs if (n := (y - x) * CEP_MS + HELD_LAG_MS) >= HELD_MIN_MS)
