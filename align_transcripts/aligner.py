"""Acoustic word alignment with PocketSphinx: segments + audio -> a Word for every transcript token.

Stamps are anchors, not truth. Each turn is aligned inside a window of audio that reaches a few
seconds either side of its slot (stamps are floored and often seconds off) and starts no
earlier than where the previous turn's words ended. The grammar lets the decoder:
- absorb audio that no transcript word covers (the neighbours' speech pulled in by the slack,
  crosstalk, untranscribed asides) with a low-probability phone loop at the turn's edges and
  between its sentences;
- skip a whole sentence that is in the transcript but not in the audio.
Windows are small, so cost grows linearly with the recording; turns are spread over a
process pool in contiguous blocks. That search is costly where its loops compete, so every
turn is first searched as a plain chain of its words (align.chain) and searched fully only
when the audio disagrees with that chain; words the full search still leaves out get one more
plain chain with wide beams (a rescue for hoarse or fast voices). A token that cannot be
placed is returned with interpolated times and aligned=False: never a silently wrong time.
"""
from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass

import numpy as np

from .audio import RATE, Audio
from .boundaries import refine_pause_edges, rejoin_stranded
from .chain import first_pass, speech_onset
from .decoder import GARBAGE_PREFIX, PHONES, known_word, per_token, place, search
from .pronounce import spoken
from .text import ends_sentence, is_tag
from .text import tokens as text_tokens
from .types import Job, Segment, Token, Word
from .vad import speech_regions
from .workers import process_pool

__all__ = ["align_words", "mismatch", "tokenize"]

LEAD_SLACK_MS = 4000  # stamps are floored and often off by seconds: look this far before a slot
TAIL_SLACK_MS = 4000  # ... and this far past its end,
SHORT_TAIL_MS = 1500  # though a first try reaches only this far, widened when the turn does not fit
CHAIN_TAIL_MS = 1000  # the first pass reaches this far past where the next turn should start (its stamp
#                       moved by the measured offset, about +500 ms for stamps floored to the second)
GARBAGE_PROB = 1e-4  # per-phone price of the absorbing phone loop: 1e-2 ate real sentences, 1e-4 measured best
INNER_GARBAGE_PROB = 1e-4  # the same between sentences (1e-6 lost words next to untranscribed asides)
STRICT_GARBAGE_PROB = 1e-8  # the last pass: dear enough that a sentence's own words beat the loop
SKIP_PROB = 1e-10  # a transcript sentence missing from the audio may be skipped, at a high price
MAX_WORD_MS = 2500  # no real word lasts this long: a longer one was stretched over other audio


def tokenize(segments: tuple[Segment, ...] | list[Segment]) -> list[Token]:
    """Every transcript token of every segment, in order, with what is said for it."""
    out = []
    for seg in segments:
        toks = text_tokens(seg.text)
        for k, t in enumerate(toks):
            after = toks[k + 1] if k + 1 < len(toks) else None
            out.append(Token(t, seg.index, seg.speaker, seg.line, tuple(spoken(t, known_word)), ends_sentence(t, after)))
    return out


def garbage_loop(state: int, free: int, total: float) -> list[tuple]:
    """An absorbing phone loop on `state`, on the two new states free and free + 1.

    state -eps-> g -phone-> h -eps-> state, and h -eps-> g for more phones: one set of phone
    arcs, each phone at total / 40.
    """
    g, h = free, free + 1
    p = total / len(PHONES)
    return [(state, g, 1.0), *((g, h, p, f"{GARBAGE_PREFIX}{ph.lower()}") for ph in PHONES), (h, g, 1.0), (h, state, 1.0)]


def _grammar(tokens: tuple[Token, ...], inner: bool = True, skips: bool = True,
             edge_prob: float | None = None) -> tuple[list[tuple], int]:
    """FSG transitions for a turn: garbage loops at the edges and between sentences, sentence skips.

    Word states are 0..W along the transcript; each garbage loop lives on states of its own,
    entered and left by epsilon arcs (self-loops on the start state made PocketSphinx's FSG
    search fail to finish). Returns (transitions, final state).
    """
    trans: list[tuple] = []
    free = sum(len(t.spoken) for t in tokens) + 1  # next unused state after the word chain

    def garbage(s: int, total: float) -> None:
        nonlocal free
        trans.extend(garbage_loop(s, free, total))
        free += 2

    edge = GARBAGE_PROB if edge_prob is None else edge_prob
    state = 0
    garbage(0, edge)
    sentence_starts = [0]
    for i, tok in enumerate(tokens):
        for w in tok.spoken:
            trans.append((state, state + 1, 1.0, w))
            state += 1
        if tok.sentence_end and i < len(tokens) - 1 and tok.spoken:
            if inner:  # untranscribed asides sit between sentences, not only at turn edges
                garbage(state, INNER_GARBAGE_PROB)
            sentence_starts.append(state)
    garbage(state, edge)
    sentence_starts.append(state)
    for a, b in zip(sentence_starts, sentence_starts[1:]) if skips else ():
        if b > a:
            trans.append((a, b, SKIP_PROB))
    return trans, state


def align_job(job: Job, samples: np.ndarray) -> list[tuple[int, int, float] | None]:
    """Place one turn's tokens in its window: per token (start, end, score) in absolute ms, or None.

    Pass 1 aligns the turn with absorbing loops and sentence skips. Pass 2 retries each run of
    tokens it left out (a skipped sentence, or one the loop took) between its placed
    neighbours, without the loops between sentences. Pass 3 forces each sentence still out
    that sits between two placed words, one at a time, with no skip and a much dearer loop:
    a sentence that is there is found (where a loop matched a poor voice better than its
    words), one that is not fails the search and stays unplaced.
    """
    out = place_tokens(job.tokens, samples, job.start, inner=True)
    _retry_runs(job, samples, out, lambda toks, x, lo: place_tokens(toks, x, lo, inner=False))
    _retry_runs(job, samples, out, lambda toks, x, lo: place_tokens(toks, x, lo, inner=False, skips=False,
                                                              edge_prob=STRICT_GARBAGE_PROB),
                by_sentence=True, enclosed=True)
    return out


def _retry_runs(job: Job, samples: np.ndarray, out: list, redo, by_sentence: bool = False,
                enclosed: bool = False) -> None:
    """Re-place every run of unplaced tokens in the audio between its placed neighbours, in place.

    enclosed: only runs with placed words on both sides (forcing text into open audio could
    place words that are not there; between two placed neighbours the gap is the only room).
    """
    n = len(out)
    i = 0
    while i < n:
        if out[i] is not None or not job.tokens[i].spoken:
            i += 1
            continue
        j = i
        while j < n and out[j] is None and not (by_sentence and j > i and job.tokens[j - 1].sentence_end):
            j += 1
        lo = next((out[k][1] for k in range(i - 1, -1, -1) if out[k] is not None), None)
        hi = next((out[k][0] for k in range(j, n) if out[k] is not None), None)
        if enclosed and (lo is None or hi is None):
            i = j
            continue
        lo = job.start if lo is None else lo
        hi = job.end if hi is None else hi
        if hi - lo >= 300:
            out[i:j] = redo(job.tokens[i:j], _cut(samples, job.start, lo, hi), lo)
        i = j


def place_tokens(tokens: tuple[Token, ...], samples: np.ndarray, offset: int, inner: bool, skips: bool = True,
           edge_prob: float | None = None) -> list[tuple[int, int, float] | None]:
    """One search of the turn grammar: per token (start, end, score) in absolute ms, or None."""
    trans, final = _grammar(tokens, inner, skips, edge_prob)
    hits = search(samples, trans, final) if final else None
    if hits is None:
        return [None] * len(tokens)
    out = per_token(tokens, place(hits, [w for t in tokens for w in t.spoken]), offset)
    # a word stretched past any real word's length was pulled over other audio
    return [None if r and r[1] - r[0] > MAX_WORD_MS * len(t.spoken) else r for r, t in zip(out, tokens)]


_SHARED_SAMPLES = np.zeros(0, np.int16)


@dataclass(frozen=True)
class Block:
    """A contiguous run of turns for one worker, with what it needs to align them alone."""

    jobs: list[Job]
    warmup: int  # leading jobs of the previous block, aligned only to learn where its speech ends
    ahead: tuple[Token, ...]  # the first tokens of the turn after the block, for the first pass
    regions: list[tuple[int, int]]  # speech (ms) over the block
    offset: int  # ms of samples[0]
    samples: np.ndarray | None = None  # None in a forked worker: the parent's audio is shared


def _run_block(block: Block) -> list[list]:
    """Align a block's turns in order; each window starts after the previous turn's words.

    Every turn first gets the cheap first pass (align.chain); the full search runs wherever
    that is not trusted, and the rescue where the full search still leaves words out.
    """
    offset = block.offset
    samples = block.samples
    if samples is None:  # a forked worker: read the parent's decoded audio, shared copy-on-write
        samples = _SHARED_SAMPLES[offset * RATE // 1000:]
    results = []
    floor = None
    onset = None  # where the previous turn's first pass heard this turn's speech begin
    offsets: list[int] = []  # first word - stamp, of the last placed turns
    for n, job in enumerate(block.jobs):
        start = job.start if floor is None else max(job.start, min(floor, job.slot_start))
        shift = sorted(offsets)[len(offsets) // 2] if offsets else 0
        ahead = block.jobs[n + 1].tokens if n + 1 < len(block.jobs) else block.ahead

        def chain(lo: int, rescue: bool = False, job=job, ahead=ahead, shift=shift, floor=floor):
            """The first pass over this turn from lo (the turn's values bound now, not read later)."""
            end = max(lo + 1000, job.slot_end + shift + CHAIN_TAIL_MS if ahead else job.end)
            return first_pass(job, ahead, _cut(samples, offset, lo, end), lo, lo in (floor, 0), block.regions,
                              job.slot_start + shift, rescue)

        if floor is None:  # the first turn of the recording or of a worker's block: start where speech
            lo = speech_onset(block.regions, job.slot_start)  # around the stamp begins
        else:  # the pause before this turn was searched already: the chain starts just before its onset
            lo = start if onset is None else min(max(start, onset - ONSET_LEAD_MS), job.slot_end)
        chained = chain(lo)
        res: list | None
        res, onset = (chained.placed, chained.next_onset) if chained else (None, None)
        for end in [] if res is not None else sorted({min(job.end, job.slot_end + SHORT_TAIL_MS), job.end}):
            j = Job(job.segment, start, max(end, start + 1000), job.slot_start, job.slot_end, job.tokens)
            res = align_job(j, _cut(samples, offset, j.start, j.end))
            if _fits(res, j):
                break
        assert res is not None  # the full search always answers, if only with None for every word
        if any(r is None for r, t in zip(res, job.tokens) if t.spoken):
            rescued = chain(start, rescue=True)  # the usual beams may have pruned a hoarse or fast voice
            if rescued is not None:
                res, onset = rescued.placed, rescued.next_onset
        placed = [r for r in res if r is not None]
        if placed:
            floor = max(r[1] for r in placed)
            offsets = (offsets + [placed[0][0] - job.slot_start])[-OFFSET_TURNS:]
        results.append(res)
    return results[block.warmup:]


ONSET_LEAD_MS = 300  # the first pass starts this long before the onset the previous turn's lookahead heard
OFFSET_TURNS = 5  # the first pass expects a turn where its stamp, moved by the median offset of this many turns, says


def _cut(samples: np.ndarray, offset: int, start: int, end: int) -> np.ndarray:
    return samples[max(0, (start - offset) * RATE // 1000):max(0, (end - offset) * RATE // 1000)]


def _fits(res: list, job: Job) -> bool:
    """Whether a turn's words all landed well inside its window (else a wider window is tried)."""
    if any(r is None for r, t in zip(res, job.tokens) if t.spoken):
        return False
    ends = [r[1] for r in res if r is not None]
    return not ends or max(ends) <= job.end - 300


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


def plan(segments: tuple[Segment, ...], tokens: list[Token], duration: int) -> list[Job]:
    """Jobs for the segments with words, in order: one per segment, or one per piece of a long
    one (its slot shared by the pieces in proportion to what they say); each slot widened by the
    slack and clipped to the audio."""
    by_seg: dict[int, list[Token]] = {}
    for t in tokens:
        by_seg.setdefault(t.segment, []).append(t)
    jobs = []
    for seg in segments:
        toks = tuple(by_seg.get(seg.index, ()))
        if not toks:
            continue
        parts = pieces(toks)
        weights = [sum(max(1, len(t.spoken)) for t in p) for p in parts]
        total, acc = sum(weights), 0
        for part, w in zip(parts, weights):
            slot_start = seg.start + (seg.end - seg.start) * acc // total
            acc += w
            slot_end = seg.start + (seg.end - seg.start) * acc // total
            start = max(0, slot_start - LEAD_SLACK_MS)
            end = min(duration, slot_end + TAIL_SLACK_MS)
            if end - start < 1000:
                start, end = max(0, end - 1000), max(end, start + 1000)
            jobs.append(Job(seg.index, start, end, slot_start, slot_end, part))
    return jobs


def align_words(segments: tuple[Segment, ...], audio: Audio, workers: int | None = None,
                progress=None, regions: list[tuple[int, int]] | None = None) -> list[Word]:
    """Every transcript token of every segment as a Word, in transcript order.

    regions: the recording's speech (align_transcripts.vad.speech_regions), when the caller has it already.
    """
    tokens = tokenize(segments)
    jobs = plan(segments, tokens, audio.duration)
    workers = workers or min(2, os.cpu_count() or 1)
    blocks = _blocks(jobs, max(1, workers * 4))
    forking = workers > 1 and len(blocks) > 1 and "fork" in multiprocessing.get_all_start_methods()
    regions = speech_regions(audio.samples) if regions is None else regions
    payload = []
    for n, blk in enumerate(blocks):
        warm = blocks[n - 1][-1:] if n else []
        lo = max(0, min(j.start for j in warm + blk))
        hi = max(j.end for j in blk) + 6000
        ahead = blocks[n + 1][0].tokens if n + 1 < len(blocks) else ()
        payload.append(Block(warm + blk, len(warm), ahead, [r for r in regions if r[1] > lo and r[0] < hi], lo,
                             None if forking else audio.slice(lo, hi)))
    results: list[list] = []
    if workers > 1 and len(payload) > 1:
        global _SHARED_SAMPLES
        _SHARED_SAMPLES = audio.samples
        ctx = multiprocessing.get_context("fork" if forking else "spawn")
        try:
            with process_pool(workers, ctx) as pool:
                for done, r in enumerate(pool.map(_run_block, payload), 1):
                    results += r
                    if progress:
                        progress(done, len(payload))
        finally:
            _SHARED_SAMPLES = np.zeros(0, np.int16)
    else:
        for done, p in enumerate(payload, 1):
            results += _run_block(p)
            if progress:
                progress(done, len(payload))
    placed: dict[int, list] = {}
    for j, r in zip(jobs, results):  # the pieces of a long turn follow each other
        placed.setdefault(j.segment, []).extend(r)
    words = rejoin_stranded(_assemble(segments, tokens, placed, audio.duration), audio.samples)
    return refine_pause_edges(words, audio.samples)


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


def _assemble(segments, tokens: list[Token], placed: dict[int, list], duration: int) -> list[Word]:
    """Words in transcript order; unplaced tokens interpolated between their placed neighbours."""
    seg_by_index = {s.index: s for s in segments}
    times: list[tuple[int, int, float] | None] = []
    counters: dict[int, int] = {}
    for t in tokens:
        k = counters.get(t.segment, 0)
        counters[t.segment] = k + 1
        res = placed.get(t.segment)
        times.append(res[k] if res else None)
    # enforce order: a placed word that starts before the previous placed word ended is suspect
    last_end = 0
    for i, r in enumerate(times):
        if r is None:
            continue
        if r[0] < last_end - 20:
            times[i] = None
            continue
        last_end = r[1]
    words: list[Word] = []
    n = len(tokens)
    i = 0
    while i < n:
        if times[i] is not None:
            a, b, score = times[i]  # type: ignore[misc]
            t = tokens[i]
            words.append(Word(t.text, a, b, t.speaker, t.segment, True, score, t.line))
            i += 1
            continue
        j = i
        while j < n and times[j] is None:
            j += 1
        lo = words[-1].end if words else seg_by_index[tokens[i].segment].start
        hi = times[j][0] if j < n else max(lo, seg_by_index[tokens[j - 1].segment].end)  # type: ignore[index]
        lo = max(lo, min(seg_by_index[tokens[i].segment].start, hi)) if not words else lo
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
