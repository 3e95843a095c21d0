"""16 kHz samples -> the 39-dimensional features the en-us model was trained on, with numpy.

The model's `feat.params` fixes the front end: 100 frames a second, 25.6 ms Hamming windows
over pre-emphasised speech (0.97), a 512-point power spectrum, 25 triangular mel filters of unit
area from 130 to 6800 Hz (edges rounded to FFT bins), the natural log, an orthonormal DCT-II to
13 cepstra liftered by 22, the mean of each cepstrum removed over the stretch ("cmn batch"), and
deltas over +-2 frames and double deltas over +-3 ("1s_c_d_dd"). PocketSphinx's spectral noise
removal is not reproduced (bench/engine.py measures the engine without it, on clean DEV speech
only; noisy recordings are still to be measured).
"""
from __future__ import annotations

import functools

import numpy as np

__all__ = ["FRAME_MS", "features", "cepstra"]

RATE = 16_000
FRAME_MS = 10
SHIFT = RATE * FRAME_MS // 1000  # 160 samples
WINDOW = 410  # 0.025625 s
NFFT = 512
ALPHA = 0.97
N_FILTERS, LOWER_HZ, UPPER_HZ = 25, 130.0, 6800.0
N_CEP, LIFTER = 13, 22
LOG_FLOOR = 1e-4


def _mel(hz: np.ndarray | float) -> np.ndarray:
    return 2595.0 * np.log10(1.0 + np.asarray(hz) / 700.0)


def _melinv(mel: np.ndarray | float) -> np.ndarray:
    return 700.0 * (10.0 ** (np.asarray(mel) / 2595.0) - 1.0)


@functools.lru_cache(maxsize=1)
def _filterbank() -> np.ndarray:
    """(NFFT/2+1, N_FILTERS) weights: triangles of unit area on the mel scale, edges on FFT bins."""
    step = RATE / NFFT
    mel_lo, mel_hi = _mel(LOWER_HZ), _mel(UPPER_HZ)
    width = (mel_hi - mel_lo) / (N_FILTERS + 1)
    bank = np.zeros((NFFT // 2 + 1, N_FILTERS))
    hz = np.arange(NFFT // 2 + 1) * step
    for i in range(N_FILTERS):
        left, centre, right = (np.floor(_melinv(mel_lo + (i + j) * width) / step + 0.5) * step for j in range(3))
        inside = (hz >= left) & (hz <= right)
        lo = (hz - left) / (centre - left) * 2 / (right - left)
        hi = (right - hz) / (right - centre) * 2 / (right - left)
        bank[inside, i] = np.minimum(lo, hi)[inside]
    return bank.astype(np.float32)


@functools.lru_cache(maxsize=1)
def _dct() -> np.ndarray:
    """(N_FILTERS, N_CEP): the orthonormal DCT-II, liftered."""
    j = np.arange(N_FILTERS)
    basis = np.cos(np.pi / N_FILTERS * np.arange(N_CEP)[None, :] * (j[:, None] + 0.5))
    basis[:, 0] = np.sqrt(1.0 / N_FILTERS)
    basis[:, 1:] *= np.sqrt(2.0 / N_FILTERS)
    lifter = 1 + LIFTER / 2 * np.sin(np.arange(N_CEP) * np.pi / LIFTER)
    return (basis * lifter[None, :]).astype(np.float32)


@functools.lru_cache(maxsize=1)
def _hamming() -> np.ndarray:
    n = np.arange(WINDOW)
    return (0.54 - 0.46 * np.cos(2 * np.pi * n / (WINDOW - 1))).astype(np.float32)


def n_frames(n_samples: int) -> int:
    return 0 if n_samples < WINDOW else (n_samples - WINDOW) // SHIFT + 1


def cepstra(samples: np.ndarray) -> np.ndarray:
    """(frames, 13) liftered mel cepstra of int16 (or float, same scale) samples; no mean removed.

    float32 throughout, frames as a strided view of the samples: a third of the cost of gathering
    frames and transforming in float64, the same cepstra to 5e-4 (bench/engine.py)."""
    x = np.asarray(samples, dtype=np.float32)
    t = n_frames(len(x))
    if t == 0:
        return np.zeros((0, N_CEP), dtype=np.float32)
    emph = np.empty_like(x)
    emph[0] = x[0]
    emph[1:] = x[1:] - np.float32(ALPHA) * x[:-1]
    out = np.empty((t, N_CEP), dtype=np.float32)
    bank, dct, win = _filterbank(), _dct(), _hamming()
    frames = np.lib.stride_tricks.sliding_window_view(emph, WINDOW)[::SHIFT]
    step = 4000  # frames at a time (40 s): bounded memory on a long recording
    for a in range(0, t, step):
        spec = np.fft.rfft(frames[a:a + step] * win, NFFT)
        power = spec.real * spec.real + spec.imag * spec.imag
        out[a:a + step] = np.log(power @ bank + np.float32(LOG_FLOOR)) @ dct
    return out


def features(cep: np.ndarray) -> np.ndarray:
    """(frames, 39): cepstra less their mean, deltas (+-2 frames), double deltas (+-3)."""
    c = cep - cep.mean(axis=0, keepdims=True)
    pad = np.concatenate([np.repeat(c[:1], 3, axis=0), c, np.repeat(c[-1:], 3, axis=0)])
    t = len(c)
    d = pad[5:5 + t] - pad[1:1 + t]  # c[t+2] - c[t-2]
    dd = (pad[6:6 + t] - pad[2:2 + t]) - (pad[4:4 + t] - pad[0:t])  # (c[t+3]-c[t-1]) - (c[t+1]-c[t-3])
    return np.concatenate([c, d, dd], axis=1).astype(np.float32)
