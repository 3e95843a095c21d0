"""Word spotting: where in minutes of audio a short run of transcript words is said, if anywhere.

What anchoring (align_transcripts.anchor) asks when a turn is not near its stamp. Each probe is
a plain chain (acoustic.chain) that may begin at any frame and end at any frame; every frame is
scored as the chain's senone less the best context-independent phone in that frame (what a free
phone loop would score there) plus a bonus, so that frames that sound like the words add and
frames that do not subtract: the best path is the stretch of audio that sounds most like the
probe (a local alignment, as Smith-Waterman's over text). One forward pass carries each path's
start, so no back-pointers are kept and memory does not grow with the window; several probes
are searched in the same pass over the same scores, computed 1,000 frames at a time.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .chain import NEG, ChainWord, _skip_sources, chain_states
from .features import FRAME_MS, cepstra, features
from .model import ci_senones, load_model
from .scores import MIX_CHUNK, mixture_scores
from .search import BOUNDARY_SHIFT_MS

__all__ = ["Spot", "spot"]

# Nats per frame added to every word frame's gap to the free phone loop: right words score about
# -1.5 below the loop and wrong ones about -5 (acoustic.search.SCORE_SCALE's fit), so a frame of
# the right words gains and a frame of other speech loses. 3.0 let a 12 s tone (-2.4 a frame,
# everything scores badly there) outweigh 3 s of the right words: the bonus decides how long a
# mediocre match may grow.
BONUS = 2.0


@dataclass(frozen=True)
class Spot:
    """Where a probe was heard best (absolute ms) and how well: its mean gap to the free phone loop per frame."""

    start: int
    end: int
    gap: float  # nats per frame below the free phone loop (about -1.5 for the right words, -5 for others)

    @property
    def frames(self) -> int:
        return (self.end - self.start) // FRAME_MS


def spot(samples: np.ndarray, offset: int, probes: list[list[tuple[str, ...]]], every: int = 1,
         confirm: tuple[float, float] | None = None) -> list[Spot | None]:
    """For each probe (its words' phones, in order), its best stretch in the samples (which begin
    `offset` ms into the recording), or None when the samples are too short to hold it.

    every: the senones are scored in one frame of this many, each score held for the next ones
    (PocketSphinx's `-ds`): the path still moves frame by frame, for a fraction of the scoring.
    The best stretch each probe found so, when its gap lies in the `confirm` band (None: always),
    is then searched again on every frame within CONFIRM_MS of it, and reported as the full
    scoring has it: a caller's threshold inside the band judges the full scoring's gap."""
    feats = features(cepstra(samples))
    found = _best_stretches(feats, probes, every)
    if every > 1:
        margin = CONFIRM_MS // FRAME_MS
        for k, f in enumerate(found):
            if f is not None and (confirm is None or confirm[0] <= f[2] <= confirm[1]):
                a, b = max(0, f[0] - margin), min(len(feats), f[1] + 1 + margin)
                fine = _best_stretches(feats[a:b], [probes[k]], 1)[0]
                found[k] = None if fine is None else (fine[0] + a, fine[1] + a, fine[2])
    return [None if f is None else Spot(offset + f[0] * FRAME_MS + BOUNDARY_SHIFT_MS,
                                        offset + (f[1] + 1) * FRAME_MS + BOUNDARY_SHIFT_MS, f[2]) for f in found]


CONFIRM_MS = 500  # a stretch found on coarse scores is searched again on every frame this far either side


def _best_stretches(feats: np.ndarray, probes: list[list[tuple[str, ...]]],
                    every: int) -> list[tuple[int, int, float] | None]:
    """Per probe: the first and last frame of its best stretch and its gap per frame, or None."""
    model = load_model()
    parts = [chain_states(model, [ChainWord(k, w) for k, w in enumerate(words)]) for words in probes]
    sizes = [len(p.senone) for p in parts]
    base = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    senone = np.concatenate([p.senone for p in parts])
    stay = np.concatenate([p.stay for p in parts])
    enter = np.concatenate([p.enter for p in parts])
    skip = np.concatenate([p.skip for p in parts])
    src = np.concatenate([np.where(_skip_sources(p) >= 0, _skip_sources(p) + b, -1) for p, b in zip(parts, base)])
    enter[base] = NEG  # a probe's first state is not entered from the probe before it
    first = base + 3  # the first word's first state: entered afresh at any frame
    last = base + np.array(sizes) - 4  # the last word's last state
    ok = src >= 0
    bonus = np.where(np.concatenate([p.word for p in parts]) >= 0, BONUS, 0.0)  # silence earns nothing: a path
    #                                                       must not grow through pauses for their bonus
    if len(feats) < max(sizes):
        return [None] * len(probes)
    best, best_start, best_end = _forward(feats, model, senone, stay, enter, np.where(ok, skip, NEG),
                                          np.maximum(src, 0), first, last, bonus, every)
    out: list[tuple[int, int, float] | None] = []
    for p in range(len(parts)):
        if best[p] <= NEG / 2:
            out.append(None)
            continue
        frames = int(best_end[p] - best_start[p] + 1)
        out.append((int(best_start[p]), int(best_end[p]), float(best[p]) / frames - BONUS))
    return out


def _forward(feats: np.ndarray, model, senone: np.ndarray, stay: np.ndarray, enter: np.ndarray,
             skip: np.ndarray, src: np.ndarray, first: np.ndarray, last: np.ndarray,
             bonus: np.ndarray, every: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The forward pass over every frame: per probe, its best end score, and the frames its best
    path began and ended in. acoustic.chain.step's arithmetic (stay, step in, skip; ties to the
    earlier), written into buffers kept across frames, with each state's path start carried
    along instead of back-pointers."""
    uniq, inverse = np.unique(senone, return_inverse=True)
    wanted = np.concatenate([uniq, ci_senones(model)])
    n = len(senone)
    score = np.full(n, NEG)
    begun = np.zeros(n, dtype=np.int64)  # the frame each state's best path began in
    best = np.full(len(first), NEG)
    best_start = np.zeros(len(first), dtype=np.int64)
    best_end = np.zeros(len(first), dtype=np.int64)
    a, b, c = np.empty(n), np.full(n, NEG), np.empty(n)
    came = np.empty(n, dtype=np.int64)
    step = MIX_CHUNK - MIX_CHUNK % every  # chunks start on a scored frame
    for f0 in range(0, len(feats), step):
        chunk = feats[f0:f0 + step]
        sc = mixture_scores(model, chunk[::every], wanted)
        if every > 1:
            sc = np.repeat(sc, every, axis=0)[:len(chunk)]
        emit = sc[:, inverse] - sc[:, len(uniq):].max(axis=1, keepdims=True) + bonus
        for k in range(len(emit)):
            np.add(score, stay, out=a)
            np.add(score[:-1], enter[1:], out=b[1:])
            np.take(score, src, out=c)
            c += skip
            came[0] = begun[0]
            came[1:] = begun[:-1]
            np.copyto(came, begun, where=b <= a)
            np.maximum(a, b, out=a)
            np.copyto(came, begun[src], where=c > a)
            np.maximum(a, c, out=a)
            fresh = first[a[first] < 0.0]
            a[fresh] = 0.0
            came[fresh] = f0 + k
            begun, came = came, begun
            np.add(a, emit[k], out=score)
            ends = score[last]
            better = ends > best
            if better.any():
                best[better] = ends[better]
                best_start[better] = begun[last[better]]
                best_end[better] = f0 + k
    return best, best_start, best_end
