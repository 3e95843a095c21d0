"""Acoustic scores: features -> log-likelihoods of the senones a search asks for.

Each stream's Gaussians of every needed codebook are evaluated for all frames as one matrix
product (log N = x^2 . (-iv/2) + x . (mu iv) + const); a senone's score is then, per stream, the
log of its mixture over all 128 densities of its codebook (not PocketSphinx's top 4: gathering
the top densities' weights cost three times the whole mixture done as matrix products,
bench/engine.py), summed over the three streams.
"""
from __future__ import annotations

import functools

import numpy as np

from .model import AcousticModel

__all__ = ["density_scores", "mixture_scores"]


def _weights(model: AcousticModel, stream: int) -> tuple[np.ndarray, np.ndarray]:
    """(2*dim, codebooks*densities) matrix and the constant row, for one stream."""
    mu = model.means[:, stream]  # (cb, dens, dim)
    iv = model.inv_var[:, stream]
    cb, dens, dim = mu.shape
    w = np.concatenate([(-0.5 * iv).reshape(cb * dens, dim).T, (mu * iv).reshape(cb * dens, dim).T])
    const = (model.log_norm[:, stream] - 0.5 * (mu * mu * iv).sum(axis=-1)).reshape(cb * dens)
    return w.astype(np.float32), const.astype(np.float32)


MIX_CHUNK = 1000  # frames scored at a time by mixture_scores


def _peaks(ll: np.ndarray) -> np.ndarray:
    """(T, books) best density of each codebook from (T, books, densities). np.fmax, which need
    not propagate NaN, reduces with SIMD: 0.6 ms per audio second where ndarray.max took 2.1."""
    return np.fmax.reduce(ll, axis=2)


def mixture_scores(model: AcousticModel, feats: np.ndarray, senones: np.ndarray) -> np.ndarray:
    """(frames, len(senones)) log-likelihoods over every density of each senone's codebook: per
    stream, one matrix product gives every needed codebook's densities, one exp
    their weights, and per codebook one small product the mixture (exp(ll - max) @ weights), so
    the cost is BLAS's and no per-senone gather is needed. MIX_CHUNK frames at a time, into one
    buffer reused by every chunk and stream (a fresh 21 MB array each time cost page faults)."""
    senones = np.asarray(senones)
    n_cb, n_streams, n_dens, dim = model.means.shape
    order = np.argsort(model.sen2cb[senones], kind="stable")  # by codebook: each book's senones a slice
    mine = senones[order]
    books, starts = np.unique(model.sen2cb[mine], return_index=True)
    bounds = list(zip(starts, [*starts[1:], len(mine)]))
    cols = None if len(books) == n_cb else (books[:, None] * n_dens + np.arange(n_dens)[None, :]).ravel()
    streams = [(w if cols is None else w[:, cols], mixw[:, mine]) for w, mixw in _cached(model)]
    total = np.zeros((len(feats), len(mine)), dtype=np.float32)
    buf = np.empty((min(len(feats), MIX_CHUNK), len(books) * n_dens), dtype=np.float32)
    x3 = np.ones((len(buf), 2 * dim + 1), dtype=np.float32)  # [x*x, x, 1]
    for lo in range(0, len(feats), MIX_CHUNK):
        t = min(MIX_CHUNK, len(feats) - lo)
        for s, (w, weights) in enumerate(streams):
            x = feats[lo:lo + t, s * dim:(s + 1) * dim]
            np.multiply(x, x, out=x3[:t, :dim])
            x3[:t, dim:2 * dim] = x
            ll = np.matmul(x3[:t], w, out=buf[:t]).reshape(t, len(books), n_dens)
            peak = _peaks(ll)  # (T, books)
            ll -= peak[:, :, None]
            p = np.exp(ll, out=ll)  # far densities underflow to 0 at no cost (no clipping pass needed)
            out = total[lo:lo + t]
            for k, (a, b) in enumerate(bounds):
                with np.errstate(divide="ignore"):
                    out[:, a:b] += np.log(p[:, k, :] @ weights[:, a:b]) + peak[:, k:k + 1]
    return total[:, np.argsort(order)]


def density_scores(model: AcousticModel, x: np.ndarray, book: int, stream: int) -> np.ndarray:
    """(frames, densities) log-likelihoods of one codebook's densities in one stream, for that
    stream's features x (frames, dim), in float64: the terms mixture_scores sums, for a caller that
    needs each density's share of a frame (align_transcripts.adapt)."""
    n_dens, dim = model.means.shape[2:]
    w = _cached(model)[stream][0][:, book * n_dens:(book + 1) * n_dens].astype(np.float64)
    x = x.astype(np.float64)
    return np.hstack([x * x, x, np.ones((len(x), 1))]) @ w


@functools.lru_cache(maxsize=2)
def _cached(model: AcousticModel) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per stream: the (2*dim + 1, codebooks*densities) matrix whose last row is the constant, and the
    mixture weights as probabilities (density, senone); computed once per model."""
    out = []
    for s in range(model.means.shape[1]):
        w, const = _weights(model, s)
        out.append((np.ascontiguousarray(np.vstack([w, const[None, :]]), dtype=np.float32),
                    np.ascontiguousarray(np.exp(model.log_mixw[s]), dtype=np.float32)))
    return out
