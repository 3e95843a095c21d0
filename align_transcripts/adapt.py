"""Adaptation to the recording: the acoustic model's means moved to fit its channel and voices.

The en-us model was trained on wideband read speech. A telephone line (300-3400 Hz, 8 kHz,
mu-law), a room, or voices far from the training speakers move every feature; cepstral mean
removal undoes only a constant offset. The words then match worse than the phone loops that
absorb untranscribed audio, and whole turns go unplaced (bench/degrade.py phone: 107 of 884
words). One MLLR mean transform per feature stream (mu' = A mu + b, Leggetter and Woodland's
maximum-likelihood linear regression, one regression class) moves all 16,128 Gaussians at
once, so a minute of speech is enough to estimate it. It is estimated from the words a first
pass placed with confidence (the Viterbi path of each run of them through the model's states
gives every frame's senone, each density's share of the frame follows from its weight and
likelihood), and PocketSphinx applies it as it loads the model (its -mllr file).
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np

from . import dictionary
from .acoustic.chain import ChainWord, best_path, chain_states
from .acoustic.features import cepstra, features
from .acoustic.model import AcousticModel
from .acoustic.scores import density_scores, mixture_scores
from .audio import RATE
from .grammar import chain
from .search import Search, place
from .types import Job, Placed, Token

__all__ = ["Transform", "estimate", "heard", "read", "runs"]

TRUST_SCORE = 0.75  # a word scoring this well was heard (the chain pass's own bar: chain.MIN_MEAN_SCORE)
MIN_RUN = 3  # words in a row: a run's path through the states is pinned by its words, not by one word's edges
EDGE_MS = 50  # the audio a run reaches past its first and last word (the silence states there)
MIN_FRAMES = 1000  # 10 s of trusted speech: enough for 3 x 13 x 14 parameters; less, and nothing is adapted
MAX_FRAMES = 6000  # a minute of it is plenty: the estimate's cost stops there
RIDGE = 1e-3  # a pull towards the unadapted means, relative to the statistics' scale: numerical safety only


@dataclass(frozen=True, eq=False)
class Transform:
    """One mean transform per feature stream, and what it was estimated from."""

    a: np.ndarray = field(repr=False)  # (stream, dim, dim)
    b: np.ndarray = field(repr=False)  # (stream, dim)
    frames: int  # how many frames of trusted speech
    gain: float  # log-likelihood gained per frame on those frames (nats)

    def means(self, model: AcousticModel) -> np.ndarray:
        """The model's means, transformed (codebook, stream, density, dim)."""
        out = np.einsum("sij,csdj->csdi", self.a, model.means.astype(np.float64)) + self.b[None, :, None, :]
        return out.astype(np.float32)

    def apply(self, model: AcousticModel) -> AcousticModel:
        """The model with its means transformed (for the numpy scorer; PocketSphinx reads `write`'s file)."""
        return replace(model, means=self.means(model))  # the variances are not adapted

    def write(self, path: str) -> None:
        """PocketSphinx's MLLR file: classes, streams, then per stream its length and A (rows), b, and
        the variance scales (1: unchanged)."""
        n_streams, dim, _ = self.a.shape
        lines = ["1", str(n_streams)]
        for s in range(n_streams):
            lines.append(str(dim))
            lines += [" ".join(f"{v:.8g}" for v in row) for row in self.a[s]]
            lines.append(" ".join(f"{v:.8g}" for v in self.b[s]))
            lines.append(" ".join("1" for _ in range(dim)))
        tmp = f"{path}.part"
        with open(tmp, "w", encoding="ascii") as fh:
            fh.write("\n".join(lines) + "\n")
        os.replace(tmp, path)


def read(path: str) -> Transform:
    """A transform `Transform.write` wrote (one class): what a worker process is handed."""
    with open(path, encoding="ascii") as fh:
        values = fh.read().split()
    n_streams = int(values[1])
    pos, a, b = 2, [], []
    for _ in range(n_streams):
        dim = int(values[pos])
        nums = np.array(values[pos + 1: pos + 1 + dim * dim + 2 * dim], dtype=np.float64)
        a.append(nums[:dim * dim].reshape(dim, dim))
        b.append(nums[dim * dim: dim * dim + dim])
        pos += 1 + dim * dim + 2 * dim
    return Transform(np.stack(a), np.stack(b), 0, 0.0)


def heard(search: Search, jobs: list[Job], budget: int) -> dict[int, Placed]:
    """What a plain chain places in turns spread evenly over the recording (every k-th job, about
    `budget` ms of their slots: every voice and every part of the channel has its say), each
    searched alone over its window, the next turn's first words after it. No pass's trust tests:
    `runs` keeps only words that match well, in runs, wherever the rest of the turn went."""
    total = sum(j.slot_end - j.slot_start for j in jobs)
    step = max(1, -(-total // budget)) if total > 0 else 1
    out: dict[int, Placed] = {}
    for k in range(0, len(jobs), step):
        job = jobs[k]
        mine = {t.index for t in job.tokens}
        got = place(search, chain(job.tokens, jobs[k + 1].tokens if k + 1 < len(jobs) else ()), job.start, job.end)
        out.update({i: p for i, p in (got or {}).items() if i in mine})
    return out


Run = tuple[int, int, tuple[tuple[str, ...], ...]]  # start ms, end ms, each word's phones


def runs(tokens: Iterable[Token], placed: dict[int, Placed]) -> list[Run]:
    """The runs of MIN_RUN or more tokens in a row, in one turn, each placed with a score of
    TRUST_SCORE or in the better half of the placements', and said with dictionary words: the
    speech an adaptation can trust. The bar is lowered to the recording's own: over a telephone
    line words placed right score 0.64 (median), where clean speech scores 0.85."""
    scores = sorted(p.score for p in placed.values())
    bar = min(TRUST_SCORE, scores[len(scores) // 2]) if scores else TRUST_SCORE
    out: list[Run] = []
    cur: list[tuple[Placed, tuple[str, ...]]] = []
    last: Token | None = None

    def close() -> None:
        if len(cur) >= MIN_RUN:
            out.append((cur[0][0].start, cur[-1][0].end, tuple(ph for _, ph in cur)))
        cur.clear()

    for t in tokens:
        p = placed.get(t.index)
        phones = tuple(ph for w in t.spoken for ph in dictionary.pronunciation(w).split())
        ok = p is not None and p.score >= bar and bool(phones) and bool(t.spoken)
        if not ok or (last is not None and (last.segment != t.segment or last.index + 1 != t.index)):
            close()
        if ok:
            assert p is not None
            cur.append((p, phones))
        last = t
    close()
    return out


def estimate(model: AcousticModel, samples: np.ndarray, spans: list[Run]) -> Transform | None:
    """The transform that best fits the runs' speech (None: under MIN_FRAMES of it)."""
    known = model.phone_index
    occ = np.zeros(model.means.shape[:3])  # (codebook, stream, density)
    first = np.zeros(model.means.shape)  # (codebook, stream, density, dim)
    frames: list[tuple[np.ndarray, np.ndarray]] = []
    for start, end, words in spans:
        if any(p not in known for w in words for p in w):
            continue
        lo = max(0, (start - EDGE_MS) * RATE // 1000)
        hi = min(len(samples), (end + EDGE_MS) * RATE // 1000)
        feats = features(cepstra(samples[lo:hi]))
        states = chain_states(model, [ChainWord(k, w) for k, w in enumerate(words)])
        if len(feats) < len(states.senone) // 3:
            continue
        uniq, inverse = np.unique(states.senone, return_inverse=True)
        path = best_path(states, mixture_scores(model, feats, uniq)[:, inverse])
        if path is not None:
            frames.append((feats, states.senone[path]))
            if sum(len(f) for f, _ in frames) >= MAX_FRAMES:
                break
    total = sum(len(f) for f, _ in frames)
    if total < MIN_FRAMES:
        return None
    for f, s in frames:
        _accumulate(model, f, s, occ, first)
    rotation, bias, gain = _solve(model, occ, first)
    return Transform(rotation, bias, total, gain / total)


def _accumulate(model: AcousticModel, feats: np.ndarray, senones: np.ndarray, occ: np.ndarray,
                first: np.ndarray) -> None:
    """Add each density's share of every frame (its occupancy, given the frame's senone) to occ, and
    the frames weighted by it to first."""
    n_cb, n_streams, _, dim = model.means.shape
    books = model.sen2cb[senones]
    for c in np.unique(books):
        rows = np.nonzero(books == c)[0]
        for s in range(n_streams):
            o = feats[rows, s * dim:(s + 1) * dim].astype(np.float64)
            ll = density_scores(model, o, int(c), s) + model.log_mixw[s][:, senones[rows]].T
            share = np.exp(ll - ll.max(axis=1, keepdims=True))
            share /= share.sum(axis=1, keepdims=True)
            occ[c, s] += share.sum(axis=0)
            first[c, s] += share.T @ o


def _solve(model: AcousticModel, occ: np.ndarray, first: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Per stream, row by row: w_i = G_i^-1 k_i, with the extended means xi = [1, mu] (diagonal variances
    make the rows independent); and what the transform gains over none on EM's auxiliary function
    (w.k - w'Gw/2 per row: a lower bound of the log-likelihood gained, in nats, with no second pass)."""
    _, n_streams, _, dim = model.means.shape
    a = np.zeros((n_streams, dim, dim))
    b = np.zeros((n_streams, dim))
    gain = 0.0
    for s in range(n_streams):
        mu = model.means[:, s].reshape(-1, dim).astype(np.float64)
        iv = model.inv_var[:, s].reshape(-1, dim).astype(np.float64)
        g = occ[:, s].reshape(-1)
        x = first[:, s].reshape(-1, dim)
        xi = np.concatenate([np.ones((len(mu), 1)), mu], axis=1)
        for i in range(dim):
            gram = (xi * (g * iv[:, i])[:, None]).T @ xi
            k = xi.T @ (iv[:, i] * x[:, i])
            lam = RIDGE * np.trace(gram) / len(gram)
            prior = np.zeros(dim + 1)
            prior[i + 1] = 1.0  # the identity: no change
            w = np.linalg.solve(gram + lam * np.eye(dim + 1), k + lam * prior)
            b[s, i], a[s, i] = w[0], w[1:]
            gain += float(w @ k - 0.5 * w @ gram @ w - (prior @ k - 0.5 * prior @ gram @ prior))
    return a, b, gain

