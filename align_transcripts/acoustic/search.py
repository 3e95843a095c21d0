"""The numpy engine as a Search (align_transcripts.search): plain chains scored and searched here,
every other grammar handed to PocketSphinx. Not yet what the commands use (see SCORE_SCALE).

A chain (the turn's words, then the next turn's first words, any of which may end the path) is
one string of HMM states; its senones are scored over the window with the full mixture
(acoustic.scores.mixture_scores) and searched with one Viterbi pass. Each word's score is its
mean log-likelihood per frame less the best of the context-independent phones' senones in that
frame (what a free phone loop would score: how far the forced word is from what the audio sounds
most like), squashed to 0..1 as PocketSphinx's scores are, so the chain's trust tests read both alike.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, replace

import numpy as np

from .. import dictionary
from ..audio import RATE
from ..grammar import Grammar, Hit
from ..search import SphinxSearch
from .chain import ChainWord, States, chain_states, viterbi
from .features import FRAME_MS, SHIFT, WINDOW, cepstra, features
from .model import AcousticModel, ci_senones, load_model
from .scores import mixture_scores

__all__ = ["NumpySearch", "chain_hits"]

BOUNDARY_SHIFT_MS = 5  # frame -> ms: the median signed error on the fitting half of DEV TIMIT (bench/engine.py)
# per-frame log-likelihood gap to the free phone loop -> squashed score, exp(SCALE * gap): fitted in
# bench/engine_scores.py so that the chain pass's threshold (0.75) lies halfway between right and wrong transcripts
SCORE_SCALE = 0.089  # measured: right transcripts >= -1.47 nats per frame, wrong ones <= -4.97 (fitting half)


@dataclass(frozen=True)
class NumpySearch:
    """The numpy chain over samples that begin `offset` ms into the recording; PocketSphinx for the rest."""

    samples: np.ndarray = field(repr=False)
    offset: int = 0
    scale: float = SCORE_SCALE
    mllr: str | None = None  # the model adapted to the recording by this file (align_transcripts.adapt)

    @property
    def duration(self) -> int:
        return self.offset + len(self.samples) * 1000 // RATE

    @functools.cached_property
    def cepstra(self) -> np.ndarray:
        """The samples' cepstra, computed once: every window searched takes its frames from here."""
        return cepstra(self.samples)

    def __call__(self, grammar: Grammar, lo: int, hi: int, wide: bool = False) -> list[Hit] | None:
        """wide: no meaning for a chain here (the Viterbi pass is exact, with no beams to widen)."""
        if grammar.name != "chain":  # a turn's full search, or a chain with fillers' loops
            return SphinxSearch(self.samples, self.offset, self.mllr)(grammar, lo, hi, wide)
        # the frames wholly inside the window, on the grid of the samples' frames
        first = max(0, -(-(lo - self.offset) // FRAME_MS))
        last = max(first, ((hi - self.offset) * RATE // 1000 - WINDOW) // SHIFT + 1)
        start = self.offset + first * FRAME_MS
        hits = chain_hits(_model(self.mllr), self.cepstra[first:last], grammar, self.scale)
        return None if hits is None else [Hit(h.word, h.start + start, h.end + start, h.score) for h in hits]


def chain_hits(model: AcousticModel, cep: np.ndarray, grammar: Grammar, scale: float,
               cap: bool = True) -> list[Hit] | None:
    """The best path of a chain grammar over audio given as its cepstra (features.cepstra), as hits
    in ms from the first frame.

    cap: scores at most 1 (a triphone may beat every context-independent phone); off to fit the scale."""
    words = [a for a in grammar.arcs if a.label is not None]  # in order along the chain
    ends = {a.src for a in grammar.arcs if a.label is None and a.dst == grammar.final}  # a lookahead may end the path
    required = min(ends) if ends else len(words)
    prons = [[tuple(p.split()) for p in dictionary.pronunciations(a.label or "")] for a in words]
    if any(p not in model.phone_index for pp in prons for p in pp[0]):
        return None
    chain = [ChainWord(k, pp[0], tuple(alt for alt in pp[1:] if all(p in model.phone_index for p in alt)))
             for k, pp in enumerate(prons)]
    states = chain_states(model, chain)
    finals = states.final.copy()
    for n in ends:  # the path may end after word n - 1 (or in the silence after it)
        last = states.exits(n - 1)
        finals[[*last, last[-1] + 3]] = True
    scored = _scored(model, cep, states)
    if scored is None:
        return None
    emit, best = scored
    placed = viterbi(replace(states, final=finals), emit, list(range(len(words))), required)
    if placed is None:
        return None
    out = []
    for p in placed:
        rel = p.score - float(best[p.first:p.last + 1].mean())  # <= 0
        out.append(Hit(words[p.key].label or "", p.first * FRAME_MS + BOUNDARY_SHIFT_MS,
                       (p.last + 1) * FRAME_MS + BOUNDARY_SHIFT_MS, min(1.0, math.exp(scale * rel)) if cap else math.exp(scale * rel)))
    return out


def _scored(model: AcousticModel, cep: np.ndarray, states: States) -> tuple[np.ndarray, np.ndarray] | None:
    """Each state's log-likelihood in each frame, and per frame the best any context-independent
    phone does (what a free phone loop would score); None when the frames cannot hold the states."""
    feats = features(cep)
    if len(feats) < len(states.senone) // 3:
        return None
    uniq, inverse = np.unique(states.senone, return_inverse=True)
    scores = mixture_scores(model, feats, np.concatenate([uniq, ci_senones(model)]))  # one pass over every codebook for both
    return scores[:, inverse], scores[:, len(uniq):].max(axis=1)


@functools.lru_cache(maxsize=2)
def _model(mllr: str | None) -> AcousticModel:
    """The model as shipped, or adapted by an MLLR file."""
    if mllr is None:
        return load_model()
    from ..adapt import read

    return read(mllr).apply(load_model())
