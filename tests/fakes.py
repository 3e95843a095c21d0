"""A search without audio, for testing pass logic the way ffsubsync tests its aligner on bitstrings.

The "recording" is a list of heard words with their times (what a perfect acoustic model
would hear); a search over a window takes the words inside it and finds the cheapest path
through the grammar that says them all: a word arc costs nothing when it says the heard word,
a garbage phone (or filler) may absorb any heard word at the price its arc carries (-log of its
probability; a filler taking a word that is no "uh", "um" or "hm" scores POOR), epsilon arcs
(sentence skips) cost theirs, and any heard word may pass as
silence at any state for SILENCE_COST, dearer than any of those (PocketSphinx's optional
silence: a plain chain forced over an untranscribed aside puts silence on it). No path: None.
"""
from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

from align_transcripts.grammar import FILLERS, GARBAGE_PREFIX, Grammar, Hit

SILENCE_COST = 40.0
SPOKEN_FILLERS = ("uh", "um", "hm")  # what a filler arc matches well; any other word it takes scores POOR
POOR = 0.5


@dataclass(frozen=True)
class Heard:
    word: str
    start: int
    end: int
    score: float = 0.9


@dataclass
class FakeSearch:
    heard: list[Heard]
    end: int = 60_000
    calls: list[tuple[str, int, int, bool]] = field(default_factory=list)  # (grammar name, lo, hi, wide)

    @property
    def duration(self) -> int:
        return self.end

    def __call__(self, grammar: Grammar, lo: int, hi: int, wide: bool = False) -> list[Hit] | None:
        self.calls.append((grammar.name, lo, hi, wide))
        hi = min(hi, self.end)
        said = [h for h in self.heard if h.start >= lo and h.end <= hi]
        out: dict[int, list] = {}
        for a in grammar.arcs:
            out.setdefault(a.src, []).append(a)
        # Dijkstra over (heard words consumed, state)
        best = {(0, 0): 0.0}
        back: dict[tuple[int, int], tuple[tuple[int, int], str | None]] = {}
        todo = [(0.0, 0, 0)]
        while todo:
            cost, p, s = heapq.heappop(todo)
            if cost > best.get((p, s), math.inf):
                continue
            if p == len(said) and s == grammar.final:
                return self._path(back, (p, s), said)
            moves = [(SILENCE_COST, (p + 1, s), "<sil>")] if p < len(said) else []
            for a in out.get(s, ()):
                price = -math.log(a.prob)
                if a.label is None:
                    nxt, label = (p, a.dst), None
                elif p < len(said) and (a.label == said[p].word or a.label.startswith(GARBAGE_PREFIX)):
                    nxt, label = (p + 1, a.dst), a.label
                else:
                    continue
                moves.append((price, nxt, label))
            for price, nxt, label in moves:
                if cost + price < best.get(nxt, math.inf):
                    best[nxt] = cost + price
                    back[nxt] = ((p, s), label)
                    heapq.heappush(todo, (cost + price, *nxt))
        return None

    @staticmethod
    def _path(back, node, said) -> list[Hit]:
        hits = []
        while node in back:
            prev, label = back[node]
            if label is not None:
                h = said[prev[0]]
                score = POOR if label in FILLERS and h.word not in SPOKEN_FILLERS else h.score
                hits.append(Hit(label, h.start, h.end, score))
            node = prev
        return hits[::-1]


def recording(text: str, start: int = 0, word_ms: int = 300, gap_ms: int = 0, score: float = 0.9) -> list[Heard]:
    """Words said one after another from `start`, each word_ms long, gap_ms apart."""
    out, t = [], start
    for w in text.split():
        out.append(Heard(w, t, t + word_ms, score))
        t += word_ms + gap_ms
    return out


def regions_of(heard: list[Heard], join_ms: int = 200) -> list[tuple[int, int]]:
    """The speech regions a detector would find: heard words merged across short gaps."""
    out: list[list[int]] = []
    for h in sorted(heard, key=lambda h: h.start):
        if out and h.start - out[-1][1] <= join_ms:
            out[-1][1] = max(out[-1][1], h.end)
        else:
            out.append([h.start, h.end])
    return [(a, b) for a, b in out]
