"""A transcript read aloud by espeak-ng, and where in that reading each token begins and ends.

Each sentence is one synthesis call (espeak-ng drops the SSML mark of a sentence's first word
when sentences share a call), joined by a fixed pause; a turn is framed by a pause on either
side, so the warp has silence to match the recording's pauses against. Token spans come from the
marks, trimmed to where the reading is audible; a token whose mark was dropped shares its
neighbour's span in proportion to its characters.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..audio import RATE
from ..espeak import espeak

__all__ = ["Reading", "read_aloud"]

SENTENCE_PAUSE_MS = 250  # between two sentences of a turn
TURN_PAUSE_MS = 300  # before and after each turn
AUDIBLE_DB = 30  # a frame of the reading within this of its loudest is audible
FRAME = RATE // 100  # samples per 10 ms frame


@dataclass(frozen=True)
class Reading:
    """Synthesized speech at 16 kHz, and per token (in the order given) its (start, end) in samples,
    or None for a token that says nothing (a sound tag)."""

    samples: np.ndarray  # float32
    spans: tuple[tuple[int, int] | None, ...]


def _resample(x: np.ndarray, rate: int) -> np.ndarray:
    """To RATE by FFT (band-limited): rfft, keep the bins below the new Nyquist, inverse."""
    if rate == RATE or not len(x):
        return x.astype(np.float32)
    m = int(round(len(x) * RATE / rate))
    spec = np.fft.rfft(x.astype(np.float32))
    return (np.fft.irfft(spec[: m // 2 + 1], m) * (m / len(x))).astype(np.float32)


def read_aloud(voice: str, sentences: list[list[str]]) -> Reading:
    """One turn: its sentences (each a list of speakable tokens; "" for a token with nothing to say)."""
    pieces: list[np.ndarray] = [np.zeros(TURN_PAUSE_MS * RATE // 1000, np.float32)]
    at = len(pieces[0])
    spans: list[tuple[int, int] | None] = []
    for n, sentence in enumerate(sentences):
        if n:
            pieces.append(np.zeros(SENTENCE_PAUSE_MS * RATE // 1000, np.float32))
            at += len(pieces[-1])
        said = [k for k, t in enumerate(sentence) if t.strip()]
        if not said:
            spans += [None] * len(sentence)
            continue
        spoken = espeak().speak(voice, [sentence[k] for k in said])
        x = _resample(spoken.samples, spoken.rate)
        scale = RATE / spoken.rate
        starts = {said[m]: int(s * scale) for m, s in spoken.marks.items() if 0 <= m < len(said)}
        spans += [None if k not in said else (at + a, at + b) for k, (a, b) in
                  enumerate(_token_spans(sentence, starts, len(x)))]
        pieces.append(x)
        at += len(x)
    pieces.append(np.zeros(TURN_PAUSE_MS * RATE // 1000, np.float32))
    samples = np.concatenate(pieces)
    return Reading(samples, tuple(_trim(samples, s) if s else None for s in spans))


def _token_spans(tokens: list[str], starts: dict[int, int], length: int) -> list[tuple[int, int]]:
    """(start, end) samples for every token of a sentence: from its mark to the next token's mark;
    tokens without a mark (or with one that came late) share the span before the next mark by their characters."""
    said = [k for k, t in enumerate(tokens) if t.strip()]
    # a mark at the same sample as the next one came late: espeak-ng read its word with the word
    # before it (Chinese 成为 is one dictionary word), so it shares that word's span
    marked = [k for k in said if k in starts]
    late = {k for k, nxt in zip(marked, marked[1:]) if starts[k] >= starts[nxt]}
    known = [k for k in marked if k not in late]
    if not known or known[0] != said[0]:
        starts = {**starts, said[0]: 0}
        known = [said[0]] + [k for k in known if k != said[0]]
    out = [(0, 0)] * len(tokens)
    for i, k in enumerate(known):
        nxt = known[i + 1] if i + 1 < len(known) else None
        a, b = starts[k], (starts[nxt] if nxt is not None else length)
        group = [j for j in said if k <= j < (nxt if nxt is not None else len(tokens))]
        weights = np.cumsum([0] + [max(1, len(tokens[j])) for j in group])
        for j, lo, hi in zip(group, weights[:-1], weights[1:]):
            out[j] = (a + (b - a) * int(lo) // int(weights[-1]), a + (b - a) * int(hi) // int(weights[-1]))
    return out


def _trim(samples: np.ndarray, span: tuple[int, int]) -> tuple[int, int]:
    """A token's span less the silence at either end (the pause after a comma is not the word)."""
    a, b = span
    x = samples[a:b]
    n = len(x) // FRAME
    if n < 2:
        return span
    e = 10 * np.log10((x[: n * FRAME].reshape(n, FRAME) ** 2).mean(axis=1) + 1.0)
    loud = np.nonzero(e > e.max() - AUDIBLE_DB)[0]
    return (a + int(loud[0]) * FRAME, a + (int(loud[-1]) + 1) * FRAME) if len(loud) else span
