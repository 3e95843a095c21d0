"""Suspect words: where the audio seems to say something other than the transcript.

Each placed word is spotted again on its own stretch of audio (acoustic.spot: its phones as a
chain, every frame scored against the best free phone there). A right word sounds about as good
as the free phone loop; a wrong one (a misheard name, another number) falls well below it. The
word's contrast is its mean gap to the loop times the square root of its frames: a z-like
statistic, so that a long word's steady shortfall counts as much as a short word's deep one
(the mean alone flagged 48 % of planted errors at 1 % false flags, this 81 %). A word is flagged
on its contrast plus a fifth of its contrast said with its neighbours (judge): a wrong word is
often squeezed onto part of its stretch, where alone it fits.
"""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from . import dictionary
from .acoustic.spot import spot
from .text import is_tag
from .types import Token, Word, spoken_over

__all__ = ["CONTEXT_WEIGHT", "SUSPECT_CONTRAST", "judge", "mark_suspects", "under_another_voice"]

# Fitted on planted substitutions in the DEV interview (bench/suspects.py, eight draws, 187 planted
# words): each half of the speakers, fitted alone, weighs the context 0.2 (most planted words
# flagged at 1 % of correct words flagged; 0.2-0.6 come within 3 points) and puts the threshold
# where 0.8 % of its correct words fall, -28.6 and -28.3; held out, the other half has 82 % of its
# planted words flagged with 0.6 % and 0.9 % of its correct words (the word alone: 80 % and 78 %,
# with 1.1 % and 0.8 %). Shipped: the weight both halves chose, the threshold over all speakers.
CONTEXT_WEIGHT = 0.2
SUSPECT_CONTRAST = -28.3
# no word's contrast in context falls this low (the lowest of the 6,662 judged above: -80), so a
# word whose own contrast is above SUSPECT_CONTRAST - CONTEXT_WEIGHT * LOWEST_CONTEXT cannot be
# flagged whatever its context: its context is not spotted (three quarters of the words; it would
# triple the judging's time) and taken as its own, as for a word alone in its turn
LOWEST_CONTEXT = -90.0
MARGIN_MS = 30  # audio either side of the word's placed span: its edges may be a frame off


def _phones(token: Token) -> list[tuple[str, ...]] | None:
    """Each spoken word's phones; None when the token says nothing (a tag) or has a word without phones."""
    phones = [tuple(dictionary.pronunciation(s).split()) for s in token.spoken]
    return phones if phones and all(phones) else None


def _spotted(samples: np.ndarray, start: int, end: int, phones: list[tuple[str, ...]], rate: int) -> float | None:
    lo, hi = max(0, start - MARGIN_MS), end + MARGIN_MS
    found = spot(samples[lo * rate // 1000: hi * rate // 1000], lo, [phones])[0]
    if found is None or found.frames <= 0:
        return None
    return found.gap * math.sqrt(found.frames)


def judge(words: list[Word], tokens: list[Token], samples: np.ndarray, rate: int = 16000) -> list[tuple[float, float] | None]:
    """Per word: its own contrast (its gap to the free phone loop x sqrt(frames) on its own audio)
    and its contrast said with its neighbours (its own where it has none, or where no context could
    get it flagged: LOWEST_CONTEXT), or None where it is not judged.

    A wrong word is often placed on part of its true stretch, the rest given to its neighbours
    ("page" put on 140 ms of a 330 ms "ugly"): alone, it fits the part it was given. Spotted with
    the placed words either side of it in the same turn, over their stretch, the words no longer
    fit what the audio says there. Unplaced words and sound tags are not judged (there is no
    audio of theirs to judge), nor words whose stretch is too short to hold their phones (a 40 ms
    "a"), nor words another speaker's words overlap in time (two voices in the samples: the free
    phone loop follows whichever is louder; on the DEV interview with crosstalk 11 of 16 words
    flagged, all of them right, were such words).
    """
    if len(words) != len(tokens):
        raise ValueError(f"{len(words)} words for {len(tokens)} tokens")
    phones = [_phones(t) if w.aligned and not is_tag(w.word) and not mixed else None
              for w, t, mixed in zip(words, tokens, under_another_voice(words))]
    out: list[tuple[float, float] | None] = []
    for k, w in enumerate(words):
        mine = phones[k]
        own = None if mine is None else _spotted(samples, w.start, w.end, mine, rate)
        if own is None:
            out.append(None)
            continue
        near = [j for j in (k - 1, k, k + 1) if 0 <= j < len(words) and phones[j] and words[j].segment == w.segment]
        said = None
        if len(near) > 1 and own < SUSPECT_CONTRAST - CONTEXT_WEIGHT * LOWEST_CONTEXT:
            said = _spotted(samples, words[near[0]].start, words[near[-1]].end, [p for j in near for p in phones[j] or []], rate)
        out.append((own, own if said is None else said))
    return out


def flagged(own: float, context: float, weight: float) -> float:
    """The statistic a word is flagged on: its own contrast plus the weighted contrast in context."""
    return own + weight * context


def mark_suspects(words: list[Word], tokens: list[Token], samples: np.ndarray) -> list[Word]:
    """Every judged word (judge) with its statistic as `contrast`, and suspect where it falls below SUSPECT_CONTRAST."""
    out = []
    for w, j in zip(words, judge(words, tokens, samples)):
        c = None if j is None else flagged(*j, CONTEXT_WEIGHT)
        out.append(w if c is None else replace(w, contrast=round(c, 2), suspect=c < SUSPECT_CONTRAST))
    return out


def under_another_voice(words: list[Word]) -> list[bool]:
    """Per word: whether a placed word of another speaker overlaps it in time."""
    out = [False] * len(words)
    for a, b in spoken_over(words):
        out[a] = out[b] = True
    return out
