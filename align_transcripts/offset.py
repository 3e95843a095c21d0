"""A recording that does not start where its transcript does: find the shift of every stamp.

A podcast's intro music, an advert, or a transcript made from a trimmed cut puts every turn
seconds or minutes away from its stamp, further than the aligner's windows reach (a few
seconds), so almost nothing is placed. The pipeline aligns the first turns alone first; when
their words cannot be placed, they are searched for in minutes of audio around their stamps,
between two absorbing phone loops; where they are found, minus where they are stamped, is the
shift every stamp is moved by before the whole recording is aligned.
"""
from __future__ import annotations

from dataclasses import replace

from . import grammar
from .aligner import tokenize
from .audio import Audio
from .chain import MIN_MEAN_SCORE
from .search import SphinxSearch, place
from .types import Segment

MAX_SHIFT_MS = 300_000  # an intro or an advert longer than five minutes is not looked for
PROBE_WORDS = 24  # about this many words of the first turns are looked for: enough to be found once only
PROBES = 2  # the first turns, then the ones after them


def find_shift(segments: tuple[Segment, ...], audio: Audio) -> int | None:
    """Milliseconds to add to every stamp so the first turns land on their speech, or None.

    The first turns are looked for, then (a recording that lost its start may lack them) the
    turns after those.
    """
    tokens = _leading_tokens(segments, PROBES)
    first = 0
    for n in range(PROBES):
        probe = _probe(tokens[first:])
        if not probe:
            return None
        shift = _found_at(probe, segments, audio, later=n == 0)
        if shift is not None:
            return shift
        first += len(probe)
    return None


def _leading_tokens(segments: tuple[Segment, ...], probes: int) -> list:
    """The spoken tokens of the first turns, enough for that many probes (the transcript may be
    hours long: only its start is tokenized)."""
    out: list = []
    for seg in segments:
        out += [t for t in tokenize([seg], first=len(out)) if t.spoken]
        if len(out) >= 4 * PROBE_WORDS * probes:  # room for each probe to end on a sentence end
            break
    return out


def _probe(tokens: list) -> tuple:
    """Whole sentences from the start of tokens, about PROBE_WORDS of them; () when too few to be found once only."""
    ends = [k + 1 for k, t in enumerate(tokens) if t.sentence_end]
    take = next((k for k in ends if k >= PROBE_WORDS), min(len(tokens), PROBE_WORDS))
    probe = tuple(tokens[:take])
    return probe if sum(len(t.spoken) for t in probe) >= 6 else ()


def probe_segments(segments: tuple[Segment, ...]) -> tuple[Segment, ...]:
    """The first turns, whole, holding the first probe's words: aligned alone to see whether the
    recording starts where the transcript does before the whole recording is aligned."""
    probe = _probe(_leading_tokens(segments, 1))
    last = probe[-1].segment if probe else segments[-1].index
    return tuple(s for s in segments if s.index <= last)


def _found_at(probe: tuple, segments: tuple[Segment, ...], audio: Audio, later: bool) -> int | None:
    """Where the probe's first word is found minus where its turn is stamped, or None.

    later: look up to MAX_SHIFT_MS after the stamp too (an intro); else only before it (the
    turns after the first ones are looked for when those were not found: a lost start).
    """
    stamp = next(s.start for s in segments if s.index == probe[0].segment)
    lo = max(0, stamp - MAX_SHIFT_MS)
    hi = min(audio.duration, stamp + (MAX_SHIFT_MS if later else 0) + 60_000)
    # the words in a row between two absorbing phone loops, over minutes of audio
    found = place(SphinxSearch(audio.samples), grammar.turn(probe, inner=False, skips=False), lo, hi) or {}
    placed = [found[t.index] for t in probe if t.index in found]
    if not placed or len(placed) < len(probe) or sum(p.score for p in placed) / len(placed) < MIN_MEAN_SCORE:
        return None  # not all there, or not convincingly: no shift rather than a wrong one
    return placed[0].start - stamp


def shifted(segments: tuple[Segment, ...], shift: int, duration: int) -> tuple[Segment, ...]:
    """The segments moved by shift ms, clipped to the audio (stamps as written are kept)."""
    def clip(t: int) -> int:
        return min(max(0, t + shift), duration)

    return tuple(replace(s, start=clip(s.start), end=max(clip(s.end), clip(s.start) + 1)) for s in segments)
