"""Acoustic word alignment: segments + audio -> a Word for every transcript token.

Every turn is placed by the passes of align_transcripts.passes (a plain chain first, the full
search with absorbing loops and unit skips (sentences, clauses) where the audio disagrees with
it, a wide-beam rescue for what is still left out), each turn inside a window of audio a few seconds either
side of its slot, after the previous turn's words. Windows are small, so cost grows linearly
with the recording; turns are spread over a process pool in contiguous blocks, each worker
reading the recording from one mapped file. A token no pass places is returned with
interpolated times and aligned=False: never a silently wrong time. The trace says which pass
placed each turn and why the ones before it were rejected.
"""
from __future__ import annotations

import functools
import multiprocessing
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from . import dictionary
from .adapt import Transform
from .anchor import Split
from .audio import RATE, Audio
from .boundaries import refine_pause_edges, rejoin_stranded, restore_hiss
from .passes import ORDER_SLACK_MS, PASSES, Recording, TurnResult, align_turns
from .pronounce import spoken
from .search import Search, SphinxSearch
from .text import ends_sentence, is_tag
from .text import tokens as text_tokens
from .types import Job, Placed, Segment, Token, Tried, TurnTrace, Word
from .vad import held_ms, speech_regions
from .workers import SharedSamples, process_pool, shared_samples

__all__ = ["Alignment", "align", "align_words", "assemble", "mismatch", "tokenize"]

LEAD_SLACK_MS = 4000  # stamps are floored and often off by seconds: look this far before a slot
TAIL_SLACK_MS = 4000  # ... and this far past its end
RESUME_LEAD_MS = 1000  # a turn's words after an insertion inside it: their window starts this long before they were heard


def tokenize(segments: tuple[Segment, ...] | list[Segment], first: int = 0) -> list[Token]:
    """Every transcript token of every segment, in order, with what is said for it; numbered from `first`."""
    out: list[Token] = []
    for seg in segments:
        toks = text_tokens(seg.text)
        for k, t in enumerate(toks):
            after = toks[k + 1] if k + 1 < len(toks) else None
            out.append(Token(t, seg.index, seg.speaker, seg.line, tuple(spoken(t, dictionary.known)),
                             ends_sentence(t, after), first + len(out)))
    return out


MAX_JOB_TOKENS = 120  # a longer turn is aligned in pieces (at sentence ends) so cost stays linear in its length


def pieces(toks: tuple[Token, ...], size: int = MAX_JOB_TOKENS) -> list[tuple[Token, ...]]:
    """A long turn's tokens cut into runs of at most `size`, at the last sentence end in each
    run when there is one past its first half (else at the size)."""
    out = []
    i = 0
    while len(toks) - i > size:
        cut = next((k + 1 for k in range(i + size - 1, i + size // 2 - 1, -1) if toks[k].sentence_end), i + size)
        out.append(toks[i:cut])
        i = cut
    out.append(toks[i:])
    return out


def plan(segments: tuple[Segment, ...], tokens: list[Token], duration: int,
         splits: dict[int, Split] | None = None, ends: dict[int, int] | None = None,
         unsure: dict[int, int] | None = None) -> list[Job]:
    """Jobs for the segments with words, in order: one per segment, or one per piece of a long
    one (its slot shared by the pieces in proportion to what they say); each slot widened by the
    slack and clipped to the audio. A segment an insertion splits (splits, from anchoring) is
    two runs first: the words before it in the slot up to its pause, the rest from its resume for
    their share of the slot; a segment an insertion follows (ends) has no window past where its words end at the latest;
    a segment moved by an offset it was not heard at (unsure) has its window reach back to its stamp too."""
    by_seg: dict[int, list[Token]] = {}
    for t in tokens:
        by_seg.setdefault(t.segment, []).append(t)
    jobs = []
    for seg in segments:
        toks = tuple(by_seg.get(seg.index, ()))
        if not toks:
            continue
        cut = (splits or {}).get(seg.index)
        latest = (ends or {}).get(seg.index, duration)  # an insertion follows: no word after this
        end = max(seg.start + 1, min(seg.end, latest))
        runs = [(toks, seg.start, end, LEAD_SLACK_MS)]
        if cut is not None and 0 < cut.at < len(toks):
            resume = min(cut.resume, seg.end - 1)
            # where the words resume was heard: the window reaches back only a little into the insertion
            runs = [(toks[:cut.at], seg.start, max(seg.start + 1, min(cut.pause, seg.end)), LEAD_SLACK_MS),
                    (toks[cut.at:], resume, max(resume + 1, min(seg.end, resume + cut.length)), RESUME_LEAD_MS)]
        for run, lo, hi, lead in runs:
            parts = pieces(run)
            weights = [sum(max(1, len(t.spoken)) for t in p) for p in parts]
            total, acc = sum(weights), 0
            for part, w in zip(parts, weights):
                slot_start = lo + (hi - lo) * acc // total
                acc += w
                slot_end = lo + (hi - lo) * acc // total
                back = (unsure or {}).get(seg.index, 0)  # where the stamp put it, relative to its slot: -back
                start = max(0, slot_start - (lead if slot_start == lo else LEAD_SLACK_MS) - max(0, back))
                end = min(duration, latest, slot_end + TAIL_SLACK_MS + max(0, -back))
                if end - start < 1000:
                    start, end = max(0, end - 1000), max(end, start + 1000)
                jobs.append(Job(seg.index, start, end, slot_start, slot_end, part, seg.stamp is not None))
    return jobs


@dataclass(frozen=True)
class Alignment:
    """The words, and how each turn was placed."""

    words: list[Word]
    trace: tuple[TurnTrace, ...]
    adapted: Transform | None = None  # the model's adaptation to the recording, when it was aligned with one


def align_words(segments: tuple[Segment, ...], audio: Audio, workers: int | None = None,
                progress=None, regions: list[tuple[int, int]] | None = None) -> list[Word]:
    """Every transcript token of every segment as a Word, in transcript order (see `align`)."""
    return align(segments, audio, workers, progress, regions).words


@dataclass(frozen=True)
class Block:
    """A contiguous run of turns for one worker, with what it needs to align them alone."""

    jobs: list[Job]
    warmup: int  # leading jobs of the previous block, aligned only to learn where its speech ends
    ahead: tuple[Token, ...]  # the first tokens of the turn after the block, for the chain's lookahead
    regions: list[tuple[int, int]]  # speech (ms) over the block
    start: int  # ms: the audio the block needs
    end: int
    engine: str = "pocketsphinx"  # what searches the plain chains (ENGINES)
    passes: tuple[str, ...] = ()  # the passes to try, by name (empty: all of PASSES)
    audio: SharedSamples | None = None  # in a worker: the whole recording, mapped by name
    mllr: str | None = None  # the adaptation file the model is loaded with (align_transcripts.adapt)


ENGINES = ("pocketsphinx", "numpy")


def _run_block(block: Block, samples: np.ndarray | None = None) -> list[TurnResult]:
    """Align a block's turns in order: over `samples` (the block's own audio), or in a worker over
    its part of the recording the parent mapped."""
    if samples is not None:
        return _align_block(block, samples)
    assert block.audio is not None
    return _align_block(block, block.audio.read()[block.start * RATE // 1000:block.end * RATE // 1000])


def _align_block(block: Block, samples: np.ndarray) -> list[TurnResult]:
    if block.engine == "numpy":
        from .acoustic.search import NumpySearch

        search: Search = NumpySearch(samples, block.start, mllr=block.mllr)
    else:
        search = SphinxSearch(samples, block.start, block.mllr)
    chosen = tuple(p for p in PASSES if not block.passes or p.name in block.passes)
    held = functools.partial(held_ms, samples, block.start, block.regions)
    return align_turns(block.jobs, block.ahead, Recording(search, block.regions, held), chosen)[block.warmup:]


PROBE_MS = 60_000  # the turns the model is adapted on: about this much of the recording, spread over it
# what adapting must gain (nats per frame, EM's auxiliary function) to be used. Measured on the DEV interview
# (bench/adapt.py): clean TIMIT voices 0.85-1.27 (adapting them moves words by a few ms, for the worse
# as often as not); a room's reverberation 1.32-1.54, white noise at 15 dB 2.53-2.74, telephone bands 2.81-3.06
# (adapting them: 84 -> 85, 65 -> 71, 89 -> 96-97 % of words within 100 ms; bench/adapt.py, docs/aligner.md)
MIN_GAIN = 1.4


def align(segments: tuple[Segment, ...], audio: Audio, workers: int | None = None,
          progress=None, regions: list[tuple[int, int]] | None = None, engine: str = "pocketsphinx",
          passes: tuple[str, ...] = (), absent: frozenset[int] = frozenset(),
          splits: dict[int, Split] | None = None, ends: dict[int, int] | None = None,
          unsure: dict[int, int] | None = None, adapt: bool = True) -> Alignment:
    """Every transcript token of every segment as a Word, in transcript order, and the trace.

    absent: segments whose speech anchoring found not to be in the recording (align_transcripts.anchor):
    never searched for, so never placed on someone else's speech; their words are unaligned.
    splits: segments an insertion falls inside (anchor.Split): each part searched where it is;
    ends: segments followed by an insertion, and where their words end at the latest;
    unsure: segments moved by a few seconds they were not heard at (their windows reach back).
    regions: the recording's speech (align_transcripts.vad.speech_regions), when the caller has it already.
    engine: what searches the plain chains (ENGINES). passes: only these of passes.PASSES, by name
    (for measuring what each pays; the default tries them all).
    adapt: first ask whether the model should be adapted to the recording (_adaptation: on about
    PROBE_MS of turns spread over it), and align with the adapted model where it should.
    """
    unknown = set(passes) - {p.name for p in PASSES}
    if unknown:
        raise ValueError(f"no such pass: {', '.join(sorted(unknown))} (the passes: {', '.join(p.name for p in PASSES)})")
    if engine not in ENGINES:
        raise ValueError(f"no such engine: {engine} (the engines: {', '.join(ENGINES)})")
    tokens = tokenize(segments)
    jobs = plan(tuple(s for s in segments if s.index not in absent), tokens, audio.duration, splits, ends, unsure)
    workers = workers or min(2, os.cpu_count() or 1)
    regions = speech_regions(audio.samples) if regions is None else regions
    transform = _adaptation(audio, jobs, tokens) if adapt else None
    with tempfile.TemporaryDirectory(prefix="align-") as tmp:  # removed on Ctrl-C too
        mllr = None
        if transform is not None:
            mllr = os.path.join(tmp, "adapted.mllr")
            transform.write(mllr)
        blocks = _make_blocks(_blocks(jobs, max(1, workers * 4)), audio.duration, regions, engine, passes, mllr)
        results = _run_blocks(blocks, audio, workers, progress)
    placed = {p.token: p for r in results for p in r.placed}
    words = rejoin_stranded(assemble(segments, tokens, placed), audio.samples)
    gone = [TurnTrace(s.index, sum(t.segment == s.index for t in tokens), None, (Tried("anchor", NOT_IN_AUDIO),))
            for s in segments if s.index in absent]
    trace = sorted([r.trace for r in results] + gone, key=lambda t: t.segment)
    last_phones = [(dictionary.pronunciation(t.spoken[-1]).split() or [""])[-1] if t.spoken else "" for t in tokens]
    words = restore_hiss(refine_pause_edges(words, audio.samples), audio.samples, last_phones, words)
    return Alignment(words, tuple(trace), transform)


def _adaptation(audio: Audio, jobs: list[Job], tokens: list[Token]) -> Transform | None:
    """The model adapted to the recording (align_transcripts.adapt) on about PROBE_MS of turns spread
    over it, when it fits the recording better by MIN_GAIN per frame; else None."""
    from .acoustic.model import load_model
    from .adapt import estimate, heard, runs

    transform = estimate(load_model(), audio.samples, runs(tokens, heard(SphinxSearch(audio.samples), jobs, PROBE_MS)))
    return transform if transform is not None and transform.gain >= MIN_GAIN else None


def _make_blocks(groups: list[list[Job]], duration: int, regions: list[tuple[int, int]], engine: str,
                 passes: tuple[str, ...], mllr: str | None) -> list[Block]:
    """One block per group of jobs, its warm-up the job before it."""
    blocks = []
    for n, blk in enumerate(groups):
        prev = groups[n - 1][-1:] if n else []
        lo = max(0, min(j.start for j in prev + blk))
        hi = min(duration, max(j.end for j in blk) + 6000)
        nxt = groups[n + 1][0].tokens if n + 1 < len(groups) else ()
        blocks.append(Block(prev + blk, len(prev), nxt, [r for r in regions if r[1] > lo and r[0] < hi], lo, hi,
                            engine, passes, mllr=mllr))
    return blocks


def _run_blocks(blocks: list[Block], audio: Audio, workers: int,
                progress: Callable[[int, int], None] | None) -> list[TurnResult]:
    """The blocks' turns in order: in a pool of workers when there are several, else here."""
    results: list[TurnResult] = []
    if workers > 1 and len(blocks) > 1:
        if _context().get_start_method() == "fork" and blocks[0].engine == "pocketsphinx":
            from .decoder import get_decoder

            get_decoder(mllr=blocks[0].mllr)  # loaded once here, the workers forked with it (0.5 s each otherwise)
        with shared_samples(audio.samples) as shared, process_pool(workers, _context()) as pool:
            for done, r in enumerate(pool.map(_run_block, [replace(b, audio=shared) for b in blocks]), 1):
                results += r
                if progress:
                    progress(done, len(blocks))
    else:
        for done, b in enumerate(blocks, 1):
            results += _run_block(b, audio.slice(b.start, b.end))
            if progress:
                progress(done, len(blocks))
    return results


NOT_IN_AUDIO = "not in the recording: its words were not found where the turns around it are"


def _context() -> multiprocessing.context.BaseContext:
    """Fork where there is one (workers start at once), else spawn: the workers get the audio by name either way."""
    return multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")


MIN_BLOCK_MS = 60_000  # a block shorter than this costs more in warm-up than it gains in parallelism


def _blocks(jobs: list[Job], n: int) -> list[list[Job]]:
    """Cut the jobs into about n contiguous blocks of similar audio length (at least MIN_BLOCK_MS each)."""
    if not jobs:
        return []
    total = sum(j.slot_end - j.slot_start for j in jobs) or 1
    n = max(1, min(n, total // MIN_BLOCK_MS))
    size = total / n
    blocks: list[list[Job]] = []
    cur: list[Job] = []
    acc = 0.0
    for j in jobs:
        cur.append(j)
        acc += j.slot_end - j.slot_start
        if acc >= size * (len(blocks) + 1) and len(blocks) < n - 1:
            blocks.append(cur)
            cur = []
    if cur:
        blocks.append(cur)
    return blocks


def assemble(segments, tokens: list[Token], placed: dict[int, Placed]) -> list[Word]:
    """Words in transcript order; unplaced tokens interpolated between their placed neighbours."""
    seg_by_index = {s.index: s for s in segments}
    kept: list[Placed | None] = [placed.get(t.index) for t in tokens]
    # enforce order: a placed word that starts before the previous placed word ended is suspect,
    # unless the overlap pass found it said over another speaker's words (passes.overlap_pass)
    last_end = 0
    for i, p in enumerate(kept):
        if p is None:
            continue
        if p.start < last_end - ORDER_SLACK_MS and not p.overlapped:
            kept[i] = None
            continue
        last_end = p.end
    words: list[Word] = []
    n = len(tokens)
    i = 0
    while i < n:
        p = kept[i]
        if p is not None:
            t = tokens[i]
            words.append(Word(t.text, p.start, p.end, t.speaker, t.segment, True, p.score, t.line,
                              overlapped=p.overlapped))
            i += 1
            continue
        j = i
        while j < n and kept[j] is None:
            j += 1
        after = kept[j] if j < n else None
        lo = words[-1].end if words else seg_by_index[tokens[i].segment].start
        hi = after.start if after is not None else max(lo, seg_by_index[tokens[j - 1].segment].end)
        lo = max(lo, min(seg_by_index[tokens[i].segment].start, hi)) if not words else min(lo, hi)  # hi: overlapped
        weights = [max(1, len(t.spoken)) for t in tokens[i:j]]
        total = sum(weights)
        acc = 0
        for k in range(i, j):
            a = lo + (hi - lo) * acc // total
            acc += weights[k - i]
            b = lo + (hi - lo) * acc // total
            t = tokens[k]
            words.append(Word(t.text, a, max(a, b), t.speaker, t.segment, False, 0.0, t.line))
        i = j
    return words


MISMATCH_FRACTION = 0.5  # more than this share of words unplaced: the transcript is not of this audio


def mismatch(words: list[Word]) -> str | None:
    """A sentence for the user when the transcript does not match the audio at all, else None."""
    spoken_words = [w for w in words if not is_tag(w.word)]
    if len(spoken_words) < 5:
        return None
    lost = [w for w in spoken_words if not w.aligned]
    if len(lost) > MISMATCH_FRACTION * len(spoken_words):
        where = f" (the first in the turn at line {lost[0].line}: {lost[0].word!r})" if lost[0].line else ""
        return (f"{len(lost)} of {len(spoken_words)} transcript words could not be found in the audio{where}: "
                "the transcript does not match this recording (wrong file, or another language?), or the "
                "speech is beyond the acoustic model (young children, singing, loud music or noise)")
    return None
