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

__all__ = ["mixture_scores"]


def _weights(model: AcousticModel, stream: int) -> tuple[np.ndarray, np.ndarray]:
    """(2*dim, codebooks*densities) matrix and the constant row, for one stream."""
    mu = model.means[:, stream]  # (cb, dens, dim)
    iv = model.inv_var[:, stream]
    cb, dens, dim = mu.shape
    w = np.concatenate([(-0.5 * iv).reshape(cb * dens, dim).T, (mu * iv).reshape(cb * dens, dim).T])
    const = (model.log_norm[:, stream] - 0.5 * (mu * mu * iv).sum(axis=-1)).reshape(cb * dens)
    return w.astype(np.float32), const.astype(np.float32)


MIX_CHUNK = 1000  # frames scored at a time by mixture_scores
MIX_FLOOR = -30.0  # densities this far (nats) below their codebook's best add nothing measurable; clipped, exp stays fast


def mixture_scores(model: AcousticModel, feats: np.ndarray, senones: np.ndarray) -> np.ndarray:
    """(frames, len(senones)) log-likelihoods over every density of each senone's codebook: per
    stream, one matrix product gives every needed codebook's densities, one exp
    their weights, and per codebook one small product the mixture (exp(ll - max) @ weights), so
    the cost is BLAS's and no per-senone gather is needed."""
    senones = np.asarray(senones)
    if len(feats) > MIX_CHUNK:  # bounded memory: the densities of every codebook are 21 MB per 1,000 frames
        return np.concatenate([mixture_scores(model, feats[a:a + MIX_CHUNK], senones)
                               for a in range(0, len(feats), MIX_CHUNK)])
    t = len(feats)
    n_cb, n_streams, n_dens, dim = model.means.shape
    cbs = model.sen2cb[senones]
    books = np.unique(cbs)
    cols = None if len(books) == n_cb else (books[:, None] * n_dens + np.arange(n_dens)[None, :]).ravel()
    groups = [(k, np.nonzero(cbs == c)[0]) for k, c in enumerate(books)]
    total = np.zeros((t, len(senones)), dtype=np.float32)
    cached = _cached(model)
    ones = np.ones((t, 1), dtype=np.float32)
    for s in range(n_streams):
        w, mixw = cached[s]
        x = feats[:, s * dim:(s + 1) * dim]
        ll = (np.concatenate([x * x, x, ones], axis=1) @ (w if cols is None else w[:, cols])).reshape(t, len(books), n_dens)
        peak = ll.max(axis=2)  # (T, books)
        ll -= peak[:, :, None]  # in place: a fresh array per step cost more than the arithmetic here
        np.maximum(ll, MIX_FLOOR, out=ll)
        p = np.exp(ll, out=ll)
        for k, mine in groups:
            with np.errstate(divide="ignore"):
                total[:, mine] += np.log(p[:, k, :] @ mixw[:, senones[mine]]) + peak[:, k:k + 1]
    return total


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
