"""Suspect words: where the audio seems to say something other than the transcript.

Each placed word is spotted again on its own stretch of audio (acoustic.spot: its phones as a
chain, every frame scored against the best free phone there). A right word sounds about as good
as the free phone loop; a wrong one (a misheard name, another number) falls well below it. The
statistic is the word's mean gap to the loop times the square root of its frames: a z-like
contrast, so that a long word's steady shortfall counts as much as a short word's deep one
(the mean alone flagged 48 % of planted errors at 1 % false flags, this 81 %).
"""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from . import dictionary
from .acoustic.spot import spot
from .text import is_tag
from .types import Token, Word, spoken_over

__all__ = ["SUSPECT_CONTRAST", "contrast", "mark_suspects", "under_another_voice"]

# Fitted on planted substitutions in the DEV interview (bench/suspects.py): one half of the
# speakers gave -23.5, the other -23.9 (1 % of their correct words below it); held out, each
# half flagged 76 % and 85 % of its planted words with 1.2 % and 1.0 % of correct words flagged.
SUSPECT_CONTRAST = -23.7
MARGIN_MS = 30  # audio either side of the word's placed span: its edges may be a frame off


def contrast(samples: np.ndarray, word: Word, token: Token, rate: int = 16000) -> float | None:
    """The word's gap to the free phone loop x sqrt(frames) on its own audio; None if it cannot be said."""
    phones = [tuple(dictionary.pronunciation(s).split()) for s in token.spoken]
    if not phones or not all(phones):
        return None
    lo, hi = max(0, word.start - MARGIN_MS), word.end + MARGIN_MS
    found = spot(samples[lo * rate // 1000: hi * rate // 1000], lo, [phones])[0]
    if found is None or found.frames <= 0:
        return None
    return found.gap * math.sqrt(found.frames)


def mark_suspects(words: list[Word], tokens: list[Token], samples: np.ndarray) -> list[Word]:
    """Every placed word with its contrast, and suspect where it falls below SUSPECT_CONTRAST.
    Unplaced words and sound tags are not judged (there is no audio of theirs to judge), nor words
    whose stretch is too short to hold their phones (a 40 ms "a"), nor words another speaker's
    words overlap in time (two voices in the samples: the free phone loop follows whichever is
    louder, and on the DEV interview with crosstalk 11 of 16 words flagged, all of them right, were
    such words): their contrast stays None."""
    if len(words) != len(tokens):
        raise ValueError(f"{len(words)} words for {len(tokens)} tokens")
    two_voices = under_another_voice(words)
    out = []
    for w, t, mixed in zip(words, tokens, two_voices):
        c = contrast(samples, w, t) if w.aligned and not is_tag(w.word) and t.spoken and not mixed else None
        out.append(w if c is None else replace(w, contrast=round(c, 2), suspect=c < SUSPECT_CONTRAST))
    return out


def under_another_voice(words: list[Word]) -> list[bool]:
    """Per word: whether a placed word of another speaker overlaps it in time."""
    out = [False] * len(words)
    for a, b in spoken_over(words):
        out[a] = out[b] = True
    return out
