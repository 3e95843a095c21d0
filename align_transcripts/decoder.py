"""PocketSphinx, as the aligner uses it: one decoder per process, FSG searches over a window of audio.

The stages above give a grammar (align_transcripts.grammar) and a stretch of 16 kHz samples,
and get back what the best path went through: words, fillers and garbage phones, with times
in milliseconds from the start of the samples.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import dictionary
from .grammar import FILLERS, GARBAGE_PREFIX, PHONES, Grammar, Hit

FRAME_MS = 10  # PocketSphinx analyses 100 frames per second
# Its boundaries come out early by about a frame (a 25.6 ms window is stamped at its start):
# measured -10 ms median on TIMIT/LJ word boundaries (bench/accuracy.py), so every edge moves by:
BOUNDARY_SHIFT_MS = 10
MIN_SAMPLES = 16 * 3 * FRAME_MS  # three frames: the least audio a search is run on

# PocketSphinx's default beams (1e-48 for states and phones, 7e-29 for word exits) prune the
# right path of fast or hoarse speech: a cold speaker's 25 s turn (MFA's test corpus) finds no
# path through its own words at all, where 1e-80 finds one within 40 ms of MFA's. Wide beams
# cost about 10 % more on a plain chain but much more with phone loops, so they are kept for a
# second decoder that rescues what the usual search could not place (align_transcripts.passes).
WIDE_BEAM = 1e-80

Key = tuple[bool, str | None]  # wide beams; the MLLR file its model was adapted with (align_transcripts.adapt)
_decoders: dict[Key, Any] = {}  # pocketsphinx.Decoder (its stubs type nothing)
_added: dict[Key, set[str]] = {}  # per decoder, the guessed words it has been given


def get_decoder(wide: bool = False, mllr: str | None = None):
    """One decoder per process (and one with wide beams when asked, and one per adaptation), the
    garbage words added once."""
    key = (wide, mllr)
    dec = _decoders.get(key)
    if dec is None:
        import pocketsphinx as ps

        for old in [k for k in _decoders if k[1] not in (None, mllr)]:  # another recording's adaptation:
            del _decoders[old], _added[old]  # a process aligning many (align batch) keeps one at a time

        options: dict[str, Any] = {"beam": WIDE_BEAM, "pbeam": WIDE_BEAM, "wbeam": WIDE_BEAM} if wide else {}
        if mllr is not None:
            options["mllr"] = mllr
        dec = _decoders[key] = ps.Decoder(lm=None, loglevel="FATAL", bestpath=False, **options)
        guessed = dictionary.guessed()
        extra = [(f"{GARBAGE_PREFIX}{ph.lower()}", ph) for ph in PHONES] + list(FILLERS.items()) + list(guessed.items())
        for i, (word, pron) in enumerate(extra):  # the dictionary is rebuilt once, after the last
            dec.add_word(word, pron, i == len(extra) - 1)
        _added[key] = set(guessed)
    return dec


def ensure_words(words: frozenset[str] | set[str], wide: bool = False, mllr: str | None = None) -> None:
    """Give the decoder every word its dictionary lacks, with the pronunciation guessed for it."""
    dec = get_decoder(wide, mllr)
    added = _added[(wide, mllr)]
    new = sorted(w for w in words if w not in added and not dictionary.known(w))
    for i, w in enumerate(new):
        dec.add_word(w, dictionary.pronunciation(w), i == len(new) - 1)
    added.update(new)


def search(samples: np.ndarray, grammar: Grammar, wide: bool = False, mllr: str | None = None) -> list[Hit] | None:
    """The best path through the grammar over the samples, or None when no path reaches its final state.

    wide: search with WIDE_BEAM (slower; for what the usual beams could not place).
    mllr: the adaptation file to load the model with (align_transcripts.adapt; None: the model as shipped).
    """
    if len(samples) < MIN_SAMPLES:
        return None  # a window past the end of the audio: nothing to search (PocketSphinx fails on it)
    ensure_words(grammar.words, wide, mllr)
    dec = get_decoder(wide, mllr)
    name = grammar.name
    dec.add_fsg(name, dec.create_fsg(name, 0, grammar.final, grammar.transitions))
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
        out.append(Hit(s.word.split("(")[0] if not s.word.startswith("(") else s.word,  # "word(2)": an alternate
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
