"""Verification: is each turn heard where the warp put it?

The warp compares phone posteriors, and on them any speech fits a reading nearly as well as the
right speech does: with 30 s of Spanish inserted into a German reading, the warp's path cost 2.73
nats a coarse frame on the Spanish and 2.71 on the German, while passing the Spanish over in a
pause cost 1.3 more. So audio nobody transcribed is spread over the words around it, and they are
placed seconds off (docs/languages.md). The English acoustic model tells the two apart on a
sequence of phones: each turn's first words (and last, in a longer turn), as the language's
espeak-ng voice says them, mapped onto the model's ARPAbet phones (pronounce.ipa_to_arpabet), are
spotted (acoustic.spot) where the warp put them. Where the turn is, its words score -1.4 to -4.4
nats a frame below the free phone loop on the DEV readings (de, es, fr, zh; a few turns worse,
-5 to -9.6: a word the voice's rules say otherwise than the speaker, a short Chinese turn) and
overhang where they are heard by at most 1.2 s; where the warp spread an insertion over them,
-4.5 to -10.5, or by up to 5.8 s. A turn is not where it was put when its words overhang by more
than SPREAD_MS, or, scoring under HEARD_GAP there, when they are heard well and clearly better
elsewhere (spotted together with the other turns not clearly heard, between the turns heard
before and after them); heard poorly everywhere, the warp's place stands. The caller
(engine.align_warp) warps such turns again, or leaves their words unaligned: never claimed.
"""
from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..anchor import MIN_PROBE_PHONES, PROBE_WORDS
from ..audio import RATE
from ..types import Word

__all__ = ["ELSEWHERE", "HEARD_GAP", "POOR_GAP", "SPREAD_MS", "Heard", "heard_gaps", "unheard"]

HEARD_GAP = -4.5  # nats a frame below the free phone loop: a turn's words scoring this well where they were put are there
ELSEWHERE = 1.0  # ... scoring worse, they are not when heard this much better elsewhere (OFF_MS away or more)
OFF_MS = 500
# where they were put overhangs where they were heard by more than this (DEV clean readings: at most
# 1.2 s, 39 turns; where an insertion was spread over them, up to 5.8 s)
SPREAD_MS = 1500
# two turns in a row scoring worse than this where put are not there (DEV: right turns -1.4 to
# -4.4, one German line -6.8 alone; turns whose text was cut from the recording -6.5 to -11.1)
POOR_GAP = -6.0
REACH_MS = 300  # where they were put: this far either side of the span the warp gave them
NEAR_MS = 40_000  # elsewhere: this far either side at most


@functools.lru_cache(maxsize=20_000)
def phones(said: str, voice: str) -> tuple[str, ...]:
    """The model's phones for what the synthesizer reads for a word, by the voice's own rules."""
    from ..espeak import espeak
    from ..pronounce import ipa_to_arpabet

    return tuple(ipa_to_arpabet(espeak().ipa(said, voice)).split()) if said.strip() else ()


@dataclass(frozen=True)
class Heard:
    """How some of a turn's words match the recording where the warp put them, and nearby."""

    gap: float  # where they were put (nats a frame below the free phone loop)
    best: float  # the best stretch within NEAR_MS (gap itself when not searched)
    moved: int  # ms from where they were put to that best stretch
    part: str = "first"  # which of the turn's words: its "first" ones, or its "last" ones (a longer turn)
    spread: int = 0  # ms by which where they were put overhangs where they were heard there, at either end

    @property
    def elsewhere(self) -> bool:
        """Heard clearly elsewhere: well (HEARD_GAP), ELSEWHERE better than where put, OFF_MS away or more.
        (A line heard poorly everywhere finds a less poor stretch somewhere: the German DEV reading
        nine times over put one 15 s on at -5.3 against -6.8 where it was, in every copy.)"""
        return self.best >= HEARD_GAP and self.best - self.gap >= ELSEWHERE and abs(self.moved) >= OFF_MS

    def why_not_there(self, strict: bool = False) -> str | None:
        """Why these words are not where the warp put them, or None when they are. Heard poorly
        everywhere near, where put no worse than anywhere else, they are (a word the voice's rules
        say otherwise than the speaker, a voice far from the model). strict: heard clearly (HEARD_GAP)."""
        if self.spread > SPREAD_MS:
            return (f"its {self.part} words are heard in a stretch {self.spread / 1000:.1f} s shorter than where "
                    f"the warp put them: untranscribed audio may be spread over them")
        if self.elsewhere:
            return (f"its {self.part} words are heard {self.moved / 1000:+.1f} s from where the warp put them "
                    f"({self.best:.1f} against {self.gap:.1f} nats a frame there): untranscribed audio may be "
                    f"spread over them")
        if strict and self.gap < HEARD_GAP:
            return (f"its {self.part} words are not heard clearly where put again ({self.gap:.1f} nats a frame, "
                    f"under {HEARD_GAP})")
        return None


@dataclass(frozen=True)
class _Probe:
    segment: int
    phones: list[tuple[str, ...]]
    start: int  # the span the warp gave its words (ms)
    end: int


def heard_gaps(words: Sequence[Word], said: Sequence[str], samples: np.ndarray,
               voice: str) -> dict[int, tuple[Heard, ...]]:
    """Segment -> how its first placed words (PROBE_WORDS of them, saying MIN_PROBE_PHONES or
    more), and its last ones in a longer turn (an insertion inside it displaces those), match the
    recording: spotted within REACH_MS of where they were placed and, for a run of them not
    clearly heard there (HEARD_GAP), all spotted at once between the words heard before and after
    the run (they cannot lie outside those; at most NEAR_MS beyond the run). said: what the
    synthesizer reads for each word."""
    from ..acoustic.spot import spot

    end = len(samples) * 1000 // RATE

    def spotted(probes: list[list[tuple[str, ...]]], lo: int, hi: int):
        lo, hi = max(0, lo), min(end, hi)
        return spot(samples[lo * RATE // 1000: hi * RATE // 1000], lo, probes, 2, (HEARD_GAP - 0.3, HEARD_GAP + 0.3))

    by_segment: dict[int, list[int]] = {}
    for k, w in enumerate(words):
        if w.aligned:
            by_segment.setdefault(w.segment, []).append(k)
    probes: list[_Probe] = []
    found: list[Heard] = []
    for segment, idx in by_segment.items():
        for part, chosen in (("first", idx[:PROBE_WORDS]), ("last", idx[-PROBE_WORDS:] if len(idx) > PROBE_WORDS else [])):
            probe = [p for p in (phones(said[k], voice) for k in chosen) if p]
            if sum(len(p) for p in probe) < MIN_PROBE_PHONES:
                continue
            a, b = words[chosen[0]].start, words[chosen[-1]].end
            (here,) = spotted([probe], a - REACH_MS, b + REACH_MS)
            if here is not None:
                probes.append(_Probe(segment, probe, a, b))
                found.append(Heard(here.gap, here.gap, 0, part, max(here.start - a, b - here.end)))
    k = 0
    while k < len(probes):
        if found[k].gap >= HEARD_GAP:
            k += 1
            continue
        j = k
        while j + 1 < len(probes) and found[j + 1].gap < HEARD_GAP:
            j += 1
        lo = max(probes[k - 1].start if k else 0, probes[k].start - NEAR_MS)
        hi = min(probes[j + 1].end if j + 1 < len(probes) else end, probes[j].end + NEAR_MS)
        for n, best in zip(range(k, j + 1), spotted([p.phones for p in probes[k:j + 1]], lo, hi)):
            if best is not None:
                found[n] = replace(found[n], best=best.gap, moved=best.start - probes[n].start)
        k = j + 1
    out: dict[int, tuple[Heard, ...]] = {}
    for p, h in zip(probes, found):
        out[p.segment] = out.get(p.segment, ()) + (h,)
    return out


NEXT_TO_UNHEARD = "next to a turn not heard where the warp put it: untranscribed audio may be spread over it"


def unheard(segments: Sequence[int], heard: dict[int, tuple[Heard, ...]], strict: bool = False) -> dict[int, str]:
    """The segments (in transcript order) whose words are not heard where they were placed, each
    with the reason, and those with nothing to verify next to one: an insertion spread over a run of
    turns leaves the short ones beside a turn it displaced as far off as that turn. strict: not
    heard clearly (HEARD_GAP) where placed is enough, whether or not heard elsewhere."""
    out: dict[int, str] = {}
    for s, hs in heard.items():
        why = next(filter(None, (h.why_not_there(strict) for h in hs)), None)
        if why:
            out[s] = why
    # heard poorly everywhere near, one turn may be a line the voice says otherwise than the speaker;
    # two in a row are text the recording does not have (a part cut out) or speech squeezed beside it
    verified = [s for s in segments if s in heard]
    worst = {s: min(h.gap for h in heard[s]) for s in verified}
    for a, b in zip(verified, verified[1:]):
        if worst[a] < POOR_GAP and worst[b] < POOR_GAP:
            for s in (a, b):
                out.setdefault(s, f"its words are heard poorly everywhere near ({worst[s]:.1f} nats a frame), as are "
                                  f"the turn's {'after' if s == a else 'before'}: text the recording does not have?")
    # a turn too short to verify takes its verified neighbours' word: the nearest before and after
    before: list[int | None] = []
    last = None
    for s in segments:
        before.append(last)
        if s in heard:
            last = s
    nxt = None
    for k in range(len(segments) - 1, -1, -1):
        s = segments[k]
        if s not in heard and (before[k] in out or nxt in out):
            out[s] = NEXT_TO_UNHEARD
        if s in heard:
            nxt = s
    return out
