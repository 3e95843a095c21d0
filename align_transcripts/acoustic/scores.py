"""Acoustic scores: features -> log-likelihoods of senones, computed once and shared by searches.

Each stream's Gaussians of every codebook are evaluated for all frames as one matrix product
(log N = x^2 . (-iv/2) + x . (mu iv) + const), the best `TOPN` densities of each codebook kept
(as PocketSphinx does, but exactly rather than from the previous frame's list); a senone's score
is then, per stream, the log-sum over those densities of its mixture weight plus the density,
summed over the three streams. Senones are scored on demand: a search asks only for its own.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .model import AcousticModel

__all__ = ["TOPN", "Densities", "densities", "senone_scores"]

TOPN = 4  # densities kept per codebook and stream (PocketSphinx's -topn default)


@dataclass(frozen=True, eq=False)
class Densities:
    """The best densities of every codebook in every frame: what senone scores are made from."""

    index: np.ndarray = field(repr=False)  # (frames, streams, codebooks, TOPN) uint8
    value: np.ndarray = field(repr=False)  # same shape, float32 log-likelihoods

    @property
    def frames(self) -> int:
        return self.index.shape[0]


def _weights(model: AcousticModel, stream: int) -> tuple[np.ndarray, np.ndarray]:
    """(2*dim, codebooks*densities) matrix and the constant row, for one stream."""
    mu = model.means[:, stream]  # (cb, dens, dim)
    iv = model.inv_var[:, stream]
    cb, dens, dim = mu.shape
    w = np.concatenate([(-0.5 * iv).reshape(cb * dens, dim).T, (mu * iv).reshape(cb * dens, dim).T])
    const = (model.log_norm[:, stream] - 0.5 * (mu * mu * iv).sum(axis=-1)).reshape(cb * dens)
    return w.astype(np.float32), const.astype(np.float32)


def densities(model: AcousticModel, feats: np.ndarray, topn: int = TOPN,
              codebooks: np.ndarray | None = None) -> Densities:
    """Top-N densities per codebook and stream for every frame of (frames, 39) features.

    codebooks: only these (a search that needs only some base phones); the others score -inf.
    """
    t = len(feats)
    n_cb, n_streams, n_dens, dim = model.means.shape
    cbs = np.arange(n_cb) if codebooks is None else np.unique(codebooks)
    index = np.zeros((t, n_streams, n_cb, topn), dtype=np.uint8)
    value = np.full((t, n_streams, n_cb, topn), -np.inf, dtype=np.float32)
    cols = (cbs[:, None] * n_dens + np.arange(n_dens)[None, :]).ravel()
    for s in range(n_streams):
        w, const = _weights(model, s)
        x = feats[:, s * dim:(s + 1) * dim]
        ll = (np.concatenate([x * x, x], axis=1) @ w[:, cols] + const[cols]).reshape(t, len(cbs), n_dens)
        top = np.argpartition(ll, n_dens - topn, axis=2)[:, :, n_dens - topn:]
        index[:, s, cbs] = top
        value[:, s, cbs] = np.take_along_axis(ll, top, axis=2)
    return Densities(index, value)


def senone_scores(model: AcousticModel, dens: Densities, senones: np.ndarray) -> np.ndarray:
    """(frames, len(senones)) log-likelihoods of the given senones."""
    senones = np.asarray(senones)
    cbs = model.sen2cb[senones]  # (S,)
    total = np.zeros((dens.frames, len(senones)), dtype=np.float32)
    for s in range(dens.index.shape[1]):
        idx = dens.index[:, s][:, cbs, :].astype(np.intp)  # (T, S, N): the densities of each senone's codebook
        val = dens.value[:, s][:, cbs, :]
        w = model.log_mixw[s][idx, senones[None, :, None]]  # (T, S, N) mixture weights of those densities
        z = w + val
        peak = z.max(axis=2)
        safe = np.where(np.isfinite(peak), peak, 0)  # a codebook not computed: all -inf, and stays so
        with np.errstate(divide="ignore"):
            total += peak + np.log(np.exp(z - safe[:, :, None]).sum(axis=2))
    return total


MIX_CHUNK = 1000  # frames scored at a time by mixture_scores
MIX_FLOOR = -30.0  # densities this far (nats) below their codebook's best add nothing measurable; clipped, exp stays fast


def mixture_scores(model: AcousticModel, feats: np.ndarray, senones: np.ndarray) -> np.ndarray:
    """(frames, len(senones)) log-likelihoods over every density of each senone's codebook (not
    the top N): per stream, one matrix product gives every needed codebook's densities, one exp
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


def _cached(model: AcousticModel) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per stream: the (2*dim + 1, codebooks*densities) matrix whose last row is the constant, and the
    mixture weights as probabilities (density, senone); computed once per model."""
    out = _CACHE.get(id(model))
    if out is None:
        out = []
        for s in range(model.means.shape[1]):
            w, const = _weights(model, s)
            out.append((np.ascontiguousarray(np.vstack([w, const[None, :]]), dtype=np.float32),
                        np.ascontiguousarray(np.exp(model.log_mixw[s]), dtype=np.float32)))
        _CACHE[id(model)] = out
    return out


_CACHE: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
