"""A search over a recording: a grammar and a window (ms) in, the tokens it placed out.

The passes (align_transcripts.passes) see the audio only through a `Search`: a callable taking
a grammar, a window and whether to widen the beams, and returning the best path's hits in
absolute milliseconds (None when no path fits). `SphinxSearch` runs PocketSphinx over the
samples; tests give the passes a search of their own (hits written by hand), so pass logic is
tested without audio.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from .audio import RATE
from .grammar import Grammar, Hit, bind
from .types import Placed

__all__ = ["Search", "SphinxSearch", "place"]

MAX_WORD_MS = 2500  # no real word lasts this long: a longer one was stretched over other audio


class Search(Protocol):
    """What the passes need of a recording."""

    @property
    def duration(self) -> int:
        """Where the searchable audio ends (ms)."""
        ...

    def __call__(self, grammar: Grammar, lo: int, hi: int, wide: bool = False) -> list[Hit] | None: ...


@dataclass(frozen=True)
class SphinxSearch:
    """PocketSphinx over samples that begin `offset` ms into the recording (its model adapted by `mllr`)."""

    samples: np.ndarray = field(repr=False)
    offset: int = 0
    mllr: str | None = None  # the model adapted to the recording by this file (align_transcripts.adapt)

    @property
    def duration(self) -> int:
        return self.offset + len(self.samples) * 1000 // RATE

    def __call__(self, grammar: Grammar, lo: int, hi: int, wide: bool = False) -> list[Hit] | None:
        from .decoder import search

        a = max(0, (lo - self.offset) * RATE // 1000)
        b = max(0, (hi - self.offset) * RATE // 1000)
        hits = search(self.samples[a:b], grammar, wide, self.mllr)
        start = self.offset + a * 1000 // RATE
        return None if hits is None else [Hit(h.word, h.start + start, h.end + start, h.score) for h in hits]


def place(search: Search, grammar: Grammar, lo: int, hi: int, wide: bool = False) -> dict[int, Placed] | None:
    """Token index -> Placed for the tokens the search heard in [lo, hi) (None: no path at all).

    A token stretched past any real word's length was pulled over other audio: left out.
    """
    hits = search(grammar, lo, hi, wide)
    if hits is None:
        return None
    return {k: p for k, p in bind(hits, grammar).items() if p.end - p.start <= MAX_WORD_MS * grammar.parts[k]}
