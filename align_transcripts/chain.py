"""The first pass of the aligner: a turn's words as a plain chain, kept only where the audio agrees.

The full search (aligner.align_job) surrounds a turn with phone loops that absorb audio no
transcript word covers, and lets whole sentences be skipped. That costs about three times a
plain chain of the words: wherever a loop competes, its forty phones keep every codebook of the
acoustic model busy. A good transcript with good stamps needs none of it for most turns, so
each turn is first searched as a chain: its own words, then the first words of the next turn
(the window reaches past the next stamp, and those words take the next speaker's onset instead
of a loop), with the model's optional silence between words. The result is kept only when
the audio agrees with it:
- every word is placed, and none is stretched past what its phones allow;
- its first word lies within STAMP_AGREE_MS of the turn's stamp (moved by the offset the turns
  before it measured: stamps all late by the same seconds still agree);
- the window starts at the previous turn's last word or in silence, not inside speech;
- no stretch of speech (signal energy, align_transcripts.vad) between the window start and the last placed
  word is left uncovered by words for longer than UNCOVERED_MS: speech under a silence is
  untranscribed, and the chain would have pushed words onto it;
- the words' mean acoustic score is not low (words forced onto the wrong speech score badly).
Otherwise the turn goes to the full search, which is what every turn got before this pass.
A trusted chain also says where the next turn's speech begins (the onset of its first lookahead
word's stretch of speech), so the next turn's chain starts just before it instead of
searching the pause between the turns again (-13 % of the first pass's audio on an hour).
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

import numpy as np

from .audio import RATE
from .decoder import per_token, phone_count, place, search
from .types import Job, Token

LOOKAHEAD_WORDS = 6  # words of the next turn searched after a turn's own: they take the next onset
STAMP_AGREE_MS = 2000  # a turn's first word this far from its stamp: the stamps do not agree, search fully
UNCOVERED_MS = 400  # speech left under a silence longer than this: something untranscribed is there
MIN_MEAN_SCORE = 0.75  # measured: turns placed right score 0.80-0.91 (TIMIT, LJ Speech, flite, espeak-ng),
#                        turns forced onto an untranscribed utterance 0.62-0.69
RESCUE_MIN_SCORE = 0.70  # a hoarse, fast speaker's turn placed right scores 0.74-0.75 (MFA's test corpus)
STRETCH_MS = 300  # a word longer than this plus PHONE_MS per phone was stretched over other audio:
PHONE_MS = 150  # no word of 7,956 with human or MFA timings exceeds it
# ... but those are read speech. Speakers draw hesitations out ("uhhh": 540 ms in MFA's own
# test corpus, where the rule allows a one-phone word 450 ms):
HESITATIONS = frozenset({"uh", "um", "er", "erm", "ah", "eh", "hmm", "hm", "mm", "mhm", "uhm", "oh", "huh"})
HESITATION_MS = 1500


@dataclass(frozen=True)
class Chained:
    """A turn the first pass placed, and where the next turn's speech was heard to begin."""

    placed: list[tuple[int, int, float] | None]  # per token (start, end, score), absolute ms
    next_onset: int | None  # ms: the onset of the first lookahead word's stretch of speech (None: no lookahead)


def first_pass(job: Job, ahead: tuple[Token, ...], samples: np.ndarray, start: int, at_floor: bool,
               regions: list[tuple[int, int]], expected: int | None = None, rescue: bool = False) -> Chained | None:
    """The turn's words placed by a plain chain, or None when the chain is not to be trusted.

    samples: the window from `start` (ms). ahead: the next turn's tokens (empty for the last turn).
    at_floor: the window starts where the previous turn's words ended. regions: speech (ms), sorted.
    expected: where the turn should start (default its stamp; callers pass the stamp moved by the
    offset measured on the turns before, so a recording trimmed after transcription still agrees).
    rescue: the full search has left words of this turn unplaced: search with wide beams,
    accept a lower mean score (RESCUE_MIN_SCORE), since the alternative is no times at all, and
    skip the uncovered-speech test (the recordings that need a rescue are the ones whose noise
    fools the energy-based speech detector: MFA's cold corpus has "speech" in its silent first second).
    """
    own = [w for t in job.tokens for w in t.spoken]
    look = [w for t in ahead for w in t.spoken][:LOOKAHEAD_WORDS]
    if not own:
        return None
    trans: list[tuple] = [(i, i + 1, 1.0, w) for i, w in enumerate(own + look)]
    final = len(own) + len(look)
    if look:  # the window may end inside the lookahead: any of its words may be the last one
        final += 1
        trans += [(i, final, 1.0) for i in range(len(own) + 1, final)]
    hits = search(samples, trans, final, name="chain", wide=rescue)
    if hits is None:
        return None
    placed = place(hits, own + look)
    out = per_token(job.tokens, placed, start)  # the lookahead's words fall past the turn's tokens
    if any(r is None for r, t in zip(out, job.tokens) if t.spoken):
        return None
    spans = [(h.start + start, h.end + start, h.word) for _, h in placed]
    if any(b - a > _longest(w) for a, b, w in spans):
        return None
    if look and len(placed) == len(own):
        return None  # no lookahead word placed: the turn's own words may be squeezed against the window end
    if np.mean([r[2] for r in out if r is not None]) < (RESCUE_MIN_SCORE if rescue else MIN_MEAN_SCORE):
        return None
    first = min(r[0] for r in out if r is not None)
    if abs(first - (job.slot_start if expected is None else expected)) > STAMP_AGREE_MS:
        return None
    if not at_floor and _inside(regions, start):
        return None
    hi = max(b for _, b, _ in spans) if look else start + len(samples) * 1000 // RATE
    if not rescue and _uncovered(regions, [(a, b) for a, b, _ in spans], start, hi) > UNCOVERED_MS:
        return None
    return Chained(out, speech_onset(regions, spans[len(own)][0]) if look else None)


def _longest(word: str) -> int:
    """How long the word may last before it counts as stretched over other audio (ms)."""
    return HESITATION_MS if word in HESITATIONS else STRETCH_MS + PHONE_MS * phone_count(word)


def speech_onset(regions: list[tuple[int, int]], t: int) -> int:
    """Where the stretch of speech holding t begins (t itself when t is not in speech)."""
    i = bisect_left(regions, (t + 1,)) - 1
    return regions[i][0] if i >= 0 and regions[i][0] <= t < regions[i][1] else t


def _inside(regions: list[tuple[int, int]], t: int) -> bool:
    """Whether t falls strictly inside a speech region (regions sorted, not overlapping)."""
    i = bisect_left(regions, (t + 1,)) - 1
    return i >= 0 and regions[i][0] < t < regions[i][1]


def _uncovered(regions: list[tuple[int, int]], spans: list[tuple[int, int]], lo: int, hi: int) -> int:
    """The longest unbroken stretch of speech, within [lo, hi], that no span covers (ms).

    Unbroken, not summed per region: a long phrase read with short pauses at its commas is one
    region of speech with several uncovered 300 ms pauses, and is fully transcribed; an
    untranscribed utterance leaves one stretch of a second or more.
    """
    spans = sorted(spans)
    worst = 0
    i = max(0, bisect_left(regions, (lo,)) - 1)
    while i < len(regions) and regions[i][0] < hi:
        a, b = max(regions[i][0], lo), min(regions[i][1], hi)
        for x, y in spans:
            if a >= b or x >= b:
                break
            if y > a:
                worst = max(worst, x - a)
                a = max(a, y)
        if b > a:
            worst = max(worst, b - a)
        i += 1
    return worst
