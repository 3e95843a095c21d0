"""PocketSphinx, as the aligner uses it: one decoder per process, FSG searches over a window of audio.

The stages above ask for a grammar (transitions between numbered states, arcs labelled with
dictionary words) to be searched over a stretch of 16 kHz samples, and get back what the
search went through: words, fillers and garbage phones, with times in milliseconds.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .pronounce import guess_pronunciation
from .types import Token

FRAME_MS = 10  # PocketSphinx analyses 100 frames per second
# Its boundaries come out early by about a frame (a 25.6 ms window is stamped at its start):
# measured -10 ms median on TIMIT/LJ word boundaries (bench/accuracy.py), so every edge moves by:
BOUNDARY_SHIFT_MS = 10
PHONES = ("AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH").split()
GARBAGE_PREFIX = "gbg_"
MIN_SAMPLES = 16 * 3 * FRAME_MS  # three frames: the least audio a search is run on


@dataclass(frozen=True)
class Hit:
    """One stretch of the best path: a word (or filler, or garbage phone), window-relative ms."""

    word: str
    start: int
    end: int
    score: float

    @property
    def is_word(self) -> bool:
        """A transcript word, not silence, noise, a garbage phone or a null arc."""
        w = self.word
        return bool(w) and not (w.startswith(GARBAGE_PREFIX) or w[0] in "<[+")


# PocketSphinx's default beams (1e-48 for states and phones, 7e-29 for word exits) prune the
# right path of fast or hoarse speech: a cold speaker's 25 s turn (MFA's test corpus) finds no
# path through its own words at all, where 1e-80 finds one within 40 ms of MFA's. Wide beams
# cost about 10 % more on a plain chain but much more with phone loops, so they are kept for a
# second decoder that rescues what the usual search could not place (align.chain).
WIDE_BEAM = 1e-80

_decoders: dict[bool, Any] = {}  # pocketsphinx.Decoder (its stubs type nothing)
_added: dict[str, str] = {}  # words align added, with the pronunciation it guessed


def get_decoder(wide: bool = False):
    """One decoder per process (and one with wide beams when asked), the garbage words added once."""
    dec = _decoders.get(wide)
    if dec is None:
        import pocketsphinx as ps

        beams = {"beam": WIDE_BEAM, "pbeam": WIDE_BEAM, "wbeam": WIDE_BEAM} if wide else {}
        dec = _decoders[wide] = ps.Decoder(lm=None, loglevel="FATAL", bestpath=False, **beams)
        extra = [(f"{GARBAGE_PREFIX}{ph.lower()}", ph) for ph in PHONES] + list(_added.items())
        for i, (word, pron) in enumerate(extra):  # the dictionary is rebuilt once, after the last
            dec.add_word(word, pron, i == len(extra) - 1)
    return dec


def known_word(word: str) -> bool:
    """Whether the model's own dictionary has the word (words align added later do not count)."""
    return word not in _added and get_decoder().lookup_word(word) is not None


def ensure_words(words: set[str]) -> None:
    """Add every word the dictionary lacks, with a guessed pronunciation, to every decoder."""
    dec = get_decoder()
    new = [w for w in words if w not in _added and dec.lookup_word(w) is None]
    for w in new:
        _added[w] = guess_pronunciation(w)
    for d in _decoders.values():
        for i, w in enumerate(new):
            d.add_word(w, _added[w], i == len(new) - 1)


_phone_counts: dict[str, int] = {}


def phone_count(word: str) -> int:
    """How many phones the dictionary says the word has (its first pronunciation)."""
    n = _phone_counts.get(word)
    if n is None:
        ensure_words({word})
        pron = get_decoder().lookup_word(word)
        n = _phone_counts[word] = len(pron.split()) if pron else 3
    return n


def search(samples: np.ndarray, trans: list[tuple], final: int, name: str = "turn",
           wide: bool = False) -> list[Hit] | None:
    """The best path through the grammar over the samples, or None when no path reaches the final state.

    wide: search with WIDE_BEAM (slower; for what the usual beams could not place).
    """
    if len(samples) < MIN_SAMPLES:
        return None  # a window past the end of the audio: nothing to search (PocketSphinx fails on it)
    ensure_words({t[3] for t in trans if len(t) > 3 and not t[3].startswith(GARBAGE_PREFIX)})
    dec = get_decoder(wide)
    dec.add_fsg(name, dec.create_fsg(name, 0, final, trans))
    dec.activate_search(name)
    dec.reinit_feat()  # the noise-removal estimate otherwise carries over: results would depend on what ran before
    dec.start_utt()
    dec.process_raw(samples.tobytes(), full_utt=True)
    dec.end_utt()
    segs = dec.seg()
    if segs is None:
        return None
    out = []
    for s in segs:
        frames = max(1, s.end_frame - s.start_frame + 1)
        out.append(Hit(s.word.split("(")[0],  # "word(2)" is an alternate pronunciation
                       s.start_frame * FRAME_MS + BOUNDARY_SHIFT_MS, (s.end_frame + 1) * FRAME_MS + BOUNDARY_SHIFT_MS,
                       squash(s.ascore, frames)))
    return out


def squash(ascore: float, frames: int) -> float:
    """The word's acoustic score -> 0..1, a ranking aid, not a calibrated probability.

    PocketSphinx scores each frame against the best-scoring state of that frame, so the mean
    log score per frame says how far the forced word is from what the audio sounds most like.
    In FSG search the binding reports it scaled (clean words measure -0.002 to -0.004 per
    frame): scaled by 100, a clean match reads 0.7-0.8 and a poor one falls towards 0.
    """
    if ascore <= 0:
        return 0.0
    return round(math.exp(math.log(ascore) / frames * 100), 3)


def place(hits: list[Hit], words: list[str]) -> list[tuple[int, Hit]]:
    """(index into words, hit) for each word of the path, in order; words the path skipped are absent."""
    out, k = [], 0
    for h in hits:
        if not h.is_word:
            continue
        while k < len(words) and words[k] != h.word:
            k += 1  # a skipped sentence
        if k == len(words):
            break
        out.append((k, h))
        k += 1
    return out


def per_token(tokens: tuple[Token, ...], placed: list[tuple[int, Hit]],
              offset: int) -> list[tuple[int, int, float] | None]:
    """Per token, from the placed dictionary words (indices into all tokens' spoken words in order):
    (start, end, mean score) in ms from `offset`, or None when any of its words is missing."""
    owner = [i for i, t in enumerate(tokens) for _ in t.spoken]
    parts: dict[int, list[Hit]] = {}
    for k, h in placed:
        if k < len(owner):
            parts.setdefault(owner[k], []).append(h)
    out: list[tuple[int, int, float] | None] = []
    for i, tok in enumerate(tokens):
        hs = parts.get(i, [])
        complete = tok.spoken and len(hs) == len(tok.spoken)
        out.append((offset + hs[0].start, offset + hs[-1].end, sum(h.score for h in hs) / len(hs)) if complete else None)
    return out
