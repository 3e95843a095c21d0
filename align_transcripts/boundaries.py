"""Word edges at pauses, refined on the signal: where speech energy rises out of (or falls into) silence.

The acoustic model places boundaries between words well, but edges next to a pause less so
(silence models blur them by 20-30 ms). Where a word starts after, or ends before, a pause,
the edge is moved to where the short-time energy crosses a level between the local noise floor
and the word's own loudness, within a small search span.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from .audio import RATE
from .text import ends_sentence
from .types import Word

PAUSE_MS = 30  # a gap at least this long between two aligned words is a pause
SEARCH_MS = 60  # an edge may move this far into the word
REACH_MS = 400  # ...and this far out of it, where the sound goes on (a tail the pause model took)
QUIET_MS = 40  # a pause is at least this long below the crossing level
HOP_MS = 2
WIN_MS = 8
LEVEL = 0.4  # the crossing level, as a fraction of the way from noise floor to speech level (dB); measured best of 0.1-0.6
MIN_CONTRAST_DB = 12  # below this, silence and speech cannot be told apart: leave the edge alone
# ... nor when the pause the new edge would open onto is not steady (its median energy this far above
# its quietest tenth): music, other voices or breaths under it, on which the level crosses as well
# as on the word. The DEV interview under a music bed 15 dB down: refined at every pause, its pause
# edges were worse than the model's (within 50 ms 78.2 -> 66.4 %); with this test all its words
# 97.1 -> 97.5 % within 100 ms, the clean recording's moved edges 13 closer, 5 further (docs/benchmarks.md)
MAX_PAUSE_SPREAD_DB = 4.0


def _energy_db(samples: np.ndarray, start_ms: int, end_ms: int) -> tuple[np.ndarray, int]:
    """Short-time energy (dB) on a HOP_MS grid from start_ms; returns (energies, grid start ms)."""
    start_ms = max(0, start_ms)
    a = start_ms * RATE // 1000
    b = min(len(samples), end_ms * RATE // 1000)
    x = samples[a:b].astype(np.float64)
    hop, win = HOP_MS * RATE // 1000, WIN_MS * RATE // 1000
    if len(x) < win + hop:
        return np.zeros(0), start_ms
    n = (len(x) - win) // hop + 1
    sums = np.concatenate([[0.0], np.cumsum(x * x)])  # each window's energy from running sums: no window copied
    starts = hop * np.arange(n)
    e = (sums[starts + win] - sums[starts]) / win
    return 10 * np.log10(np.maximum(e, 0.0) + 1.0), start_ms


def _percentiles(x: np.ndarray, *qs: float) -> list[float]:
    """np.percentile's default (linear) percentiles of a short array, from one sort: numpy's own
    call costs about 80 us whatever the size, and the edges of an hour's 8,000 words ask 24,000 times."""
    s = np.sort(x)
    out = []
    for q in qs:
        at = q / 100 * (len(s) - 1)
        lo = int(at)
        hi = min(lo + 1, len(s) - 1)
        out.append(float(s[lo] + (s[hi] - s[lo]) * (at - lo)))
    return out


def _levels(e: np.ndarray, quiet: np.ndarray, loud: np.ndarray) -> float | None:
    """The crossing level between a quiet and a loud stretch, or None when they cannot be told apart."""
    if len(quiet) < 5 or len(loud) < 5:
        return None
    (floor,), (speech,) = _percentiles(quiet, 20), _percentiles(loud, 80)
    if speech - floor < MIN_CONTRAST_DB:
        return None
    return floor + LEVEL * (speech - floor)


def _steady(pause: np.ndarray) -> bool:
    """Whether the pause the edge would open onto is quiet all along: its median energy within
    MAX_PAUSE_SPREAD_DB of its quietest tenth (music, other voices or breaths in it are not)."""
    if len(pause) < 5:
        return True
    middle, low = _percentiles(pause, 50, 10)
    return middle - low <= MAX_PAUSE_SPREAD_DB


def _refine_start(samples: np.ndarray, w: Word, lo: int) -> int:
    """The end of the last real pause (QUIET_MS below the level) before the word's sound begins."""
    e, t0 = _energy_db(samples, max(lo, w.start - REACH_MS), min(w.end, w.start + 160))
    if not len(e):
        return w.start
    times = t0 + np.arange(len(e)) * HOP_MS + WIN_MS // 2
    level = _levels(e, e[times < w.start - 10], e[(times >= w.start) & (times < min(w.end, w.start + 150))])
    if level is None:
        return w.start
    quiet = e < level
    need = QUIET_MS // HOP_MS
    # scan back from the latest allowed start for a quiet run long enough to be a pause
    i = int(np.searchsorted(times, w.start + SEARCH_MS))
    i = min(i, len(e) - 1)
    run = 0
    while i >= 0:
        run = run + 1 if quiet[i] else 0
        if run >= need:
            onset = i + run
            return int(times[min(onset, len(e) - 1)] - WIN_MS // 2) if _steady(e[:onset]) else w.start
        i -= 1
    return w.start


def _refine_end(samples: np.ndarray, w: Word, hi: int) -> int:
    """The start of the first real pause after the word's sound, searched from a little before its end."""
    e, t0 = _energy_db(samples, max(w.start, w.end - 160), min(hi, w.end + REACH_MS))
    if not len(e):
        return w.end
    times = t0 + np.arange(len(e)) * HOP_MS + WIN_MS // 2
    level = _levels(e, e[times > w.end + 10], e[(times <= w.end) & (times > max(w.start, w.end - 150))])
    if level is None:
        return w.end
    quiet = e < level
    need = QUIET_MS // HOP_MS
    i = int(np.searchsorted(times, w.end - SEARCH_MS))
    run = 0
    while i < len(e):
        run = run + 1 if quiet[i] else 0
        if run >= need:
            offset = i - run + 1
            return int(times[offset] - WIN_MS // 2) if _steady(e[offset:]) else w.end
        i += 1
    return w.end


# A word that opens on this much silence (steady, under the crossing level) starts where the
# silence ends: the model's silence state lost a pause to the word ("in" 611 ms early over a
# phone line, abutting the word before, which no pause-edge search reaches from a 60 ms span)
LEADING_SILENCE_MS = 200
KEEP_MS = 50  # ...leaving the word at least this long
SILENCE_SHARE = 0.25  # silence: under this fraction of the way from the floor to the speech level (dB)


def _leading_silence(samples: np.ndarray, w: Word) -> int:
    """Where the word's sound begins, when it opens on LEADING_SILENCE_MS or more of steady silence
    at the floor of the pause before it (else its start as it is). The word keeps at least KEEP_MS."""
    if w.end - w.start - KEEP_MS < LEADING_SILENCE_MS:
        return w.start  # too short to open on that much silence and keep KEEP_MS
    e, t0 = _energy_db(samples, w.start - REACH_MS, w.end)
    if len(e) < 10:
        return w.start
    floor, speech = _percentiles(e, 10, 90)
    if speech - floor < MIN_CONTRAST_DB:
        return w.start
    first = max(0, (w.start - t0) // HOP_MS)
    mine = e[first: first + max(0, w.end - w.start - KEEP_MS) // HOP_MS]
    loud = np.nonzero(mine >= floor + SILENCE_SHARE * (speech - floor))[0]
    run = int(loud[0]) if len(loud) else 0  # frames before the first sound; no sound at all: leave it
    if run * HOP_MS < LEADING_SILENCE_MS or not _steady(mine[:run]):
        return w.start
    return w.start + run * HOP_MS


def refine_pause_edges(words: list[Word], samples: np.ndarray) -> list[Word]:
    """Words with their pause-side edges moved onto the signal; order and non-overlap are kept.
    First a word that opens on silence starts where it ends (_leading_silence), which may open a
    pause before it; then every edge next to a pause is searched for where the sound rises or falls."""
    out = [replace(w, start=s) if w.aligned and (s := _leading_silence(samples, w)) != w.start else w for w in words]
    aligned = [i for i, w in enumerate(out) if w.aligned]
    for n, i in enumerate(aligned):
        w = out[i]
        prev_end = out[aligned[n - 1]].end if n else 0
        next_start = out[aligned[n + 1]].start if n + 1 < len(aligned) else w.end + 1000
        start, end = w.start, w.end
        if w.start - prev_end >= PAUSE_MS:
            start = max(prev_end, _refine_start(samples, w, prev_end))
        if next_start - w.end >= PAUSE_MS:
            end = min(next_start, _refine_end(samples, w, next_start))
        if end - start >= 20 and (start, end) != (w.start, w.end):
            out[i] = replace(w, start=start, end=end)
    return out


STRANDED_GAP_MS = 250  # a short word stuck to the previous word, then at least this much silence...
STRANDED_WORD_MS = 250  # ...and itself no longer than this, belongs before the next word
SILENT_DB = 12  # the gap is silent: its loudest stretch this far below the next word's speech


def rejoin_stranded(words: list[Word], samples: np.ndarray) -> list[Word]:
    """Short words the model stuck to the end of the previous phrase, moved to the start of their own.

    PocketSphinx now and then puts a short word ("the", "it") on the tail of the previous word and
    a silence between it and the rest of its phrase: "that. The | 1.3 s | cartoon". Among 7,956
    words with human or MFA timings the pattern (abutting the previous word, at most 250 ms,
    not ending a clause, then 250 ms or more of silence) never occurs; each of the 5 times the
    aligner made it on the 62-minute benchmark, the word belonged right before the next word.
    A gap with speech in it (a filler the transcript left out) is a hesitation: left alone.
    """
    out = list(words)
    aligned = [i for i, w in enumerate(out) if w.aligned]
    for a, b, c in zip(aligned, aligned[1:], aligned[2:]):
        prev, w, nxt = out[a], out[b], out[c]
        dur = w.end - w.start
        if (w.start - prev.end > 20 or dur > STRANDED_WORD_MS or nxt.start - w.end < STRANDED_GAP_MS
                or w.segment != nxt.segment or w.word.endswith((",", ";", ":", "-")) or ends_sentence(w.word, nxt.word)):
            continue
        e, _ = _energy_db(samples, w.end + 30, nxt.start - 30)
        speech, _ = _energy_db(samples, nxt.start, min(nxt.end, nxt.start + 300))
        if len(e) and len(speech) and e.max() < np.percentile(speech, 80) - SILENT_DB:
            out[b] = replace(w, start=nxt.start - dur, end=nxt.start)
    return out


# Over a telephone line (300-3400 Hz) the hiss of a word-final s, z, sh, f, th, ch or j is gone:
# the model ends such a word where its voicing ends. The DEV interview over G.711, words ending
# so before a pause: their ends a median 82-96 ms early, 55-57 % within 100 ms (the same words on
# the full-band recording: 95-100 %). On a recording with no sound above BAND_TOP_HZ those ends
# are put TAIL_MS after where the model ended them (the pause-edge search ends them where the
# voicing falls, earlier still). Fitted on half the DEV speakers (all their edges within 100 ms:
# 40 and 60 ms tie, 80 worse, 100 worse again); the other half is reported in docs/benchmarks.md.
HISSED = frozenset({"S", "Z", "SH", "ZH", "F", "TH", "CH", "JH"})
BAND_TOP_HZ = 4000
BAND_SHARE = 1e-4  # a full-band recording's loudest frames carry 3-4 % of their energy above BAND_TOP_HZ; a phone line's, under 1e-6
TAIL_MS = 60


def band_limited(samples: np.ndarray) -> bool:
    """Whether the recording has (next to) no sound above BAND_TOP_HZ: a phone line, or 8 kHz audio."""
    size = 512
    n = len(samples) // size
    if n < 20:
        return False
    frames = samples[: n * size].reshape(n, size)[:: max(1, n // 2000)].astype(np.float32)
    power = np.abs(np.fft.rfft(frames * np.hanning(size), axis=1)) ** 2
    total = power.sum(axis=1)
    loud = total >= np.percentile(total, 70)
    high = np.fft.rfftfreq(size, 1 / RATE) >= BAND_TOP_HZ
    return float(power[loud][:, high].sum() / max(power[loud].sum(), 1e-9)) < BAND_SHARE


def restore_hiss(words: list[Word], samples: np.ndarray, last_phones: Sequence[str],
                 model: Sequence[Word]) -> list[Word]:
    """On a band-limited recording, words ending in a hissed sound before a pause ending TAIL_MS
    after where the model ended them, or the pause-edge search if later (at most PAUSE_MS before
    the next word): the search finds where the voicing falls, which is not the word's end there.
    last_phones: each word's last phone; model: the same words before the pause-edge search."""
    if not band_limited(samples):
        return words
    out = list(words)
    aligned = [i for i, w in enumerate(out) if w.aligned]
    for n, i in enumerate(aligned):
        w = out[i]
        nxt = out[aligned[n + 1]].start if n + 1 < len(aligned) else w.end + TAIL_MS + PAUSE_MS
        if nxt - w.end >= PAUSE_MS and last_phones[i] in HISSED:
            out[i] = replace(w, end=max(w.end, min(max(w.end, model[i].end) + TAIL_MS, nxt - PAUSE_MS)))
    return out


# The warp (warp/engine.py) cannot tell a breath or a room's tail after a phrase from its last
# phone: both are unlike its reading's pause, and the pause-edge search, whose pause then holds
# the breath, follows it out. The speech detector (vad.py) can: a word's edge at a pause is kept
# within SPEECH_EDGE_MS of the speech its sound is in. On TIMIT's first half of speakers (the warp
# engine, bench/languages.py en) 50, 100, 150 and 200 ms place words alike (82.6-82.7 % within
# 25 ms); 100, the middle. Held out: Mandarin's speech edges 103 -> 40 ms mean (a breath after the
# last word took 280 ms), French and TIMIT's second half unchanged.
SPEECH_EDGE_MS = 100


def within_speech(words: list[Word], regions: Sequence[tuple[int, int]], edge_ms: int = SPEECH_EDGE_MS) -> list[Word]:
    """Aligned words whose edge at a pause lies more than edge_ms outside the speech region they
    overlap, brought back to edge_ms from it (never shorter than KEEP_MS)."""
    out = list(words)
    aligned = [i for i, w in enumerate(out) if w.aligned]
    ends = [b for _, b in regions]  # regions are sorted and apart: their ends are sorted too
    for n, i in enumerate(aligned):
        w = out[i]
        k = j = bisect_right(ends, w.start)  # the first region ending after the word starts
        while j < len(regions) and regions[j][0] < w.end:
            j += 1
        mine = regions[k:j]
        if not mine:
            continue
        prev_end = out[aligned[n - 1]].end if n else -PAUSE_MS
        next_start = out[aligned[n + 1]].start if n + 1 < len(aligned) else w.end + PAUSE_MS
        start, end = w.start, w.end
        if w.start - prev_end >= PAUSE_MS and start < mine[0][0] - edge_ms:
            start = min(mine[0][0] - edge_ms, end - KEEP_MS)
        if next_start - w.end >= PAUSE_MS and end > mine[-1][1] + edge_ms:
            end = max(mine[-1][1] + edge_ms, start + KEEP_MS)
        if (start, end) != (w.start, w.end):
            out[i] = replace(w, start=start, end=end)
    return out
