"""Turns with one stamp each -> continuous segments: each ends where the next begins.

Repairs, each reported as a finding:
- stamps that run backwards: the largest set of stamps already in order is kept (a longest
  non-decreasing subsequence); the others are re-estimated between their kept neighbours;
- missing stamps (malformed headers) are estimated the same way;
- turns stamped in the same second share that slot in proportion to their text, so no
  segment has zero length;
- the last segment ends at the end of the audio, or at an estimate from the transcript's own
  median speaking rate when the audio is not known.
"""
from __future__ import annotations

import bisect
import statistics
from dataclasses import dataclass

from .text import text_syllables
from .timefmt import clock
from .types import Finding, Segment, Transcript, Turn

# Typical conversational English runs at 4-5 syllables per second including pauses; used only
# when the transcript gives no usable slots to measure its own rate from.
DEFAULT_RATE = 4.0
# Bounds on a measured rate, so one odd slot cannot make estimates absurd.
MIN_RATE, MAX_RATE = 2.0, 7.0
# An empty turn (crosstalk nobody transcribed) still took some time: weigh it like 2 syllables.
EMPTY_WEIGHT = 2


@dataclass(frozen=True)
class Reconciled:
    """Segments in transcript order, plus the repairs made to get them."""

    segments: tuple[Segment, ...]
    findings: tuple[Finding, ...]
    rate: float  # syllables per second the transcript was measured to run at


def weight(turn: Turn) -> int:
    """How much of a shared slot a turn gets: its syllables, at least EMPTY_WEIGHT."""
    return max(EMPTY_WEIGHT, text_syllables(turn.text))


def kept_stamps(stamps: list[int | None]) -> set[int]:
    """Indexes of the largest set of (non-None) stamps already in non-decreasing order.

    Among equally large sets it keeps the earlier stamps, so a stamp that runs backwards is
    the one reported. (Patience sorting over the reversed, negated sequence: O(n log n).)
    """
    n = len(stamps)
    tails: list[int] = []  # tails[k]: smallest last value of a run of length k+1
    tail_idx: list[int] = []
    parent: dict[int, int | None] = {}
    for i in range(n - 1, -1, -1):
        if stamps[i] is None:
            continue
        v = -stamps[i]  # type: ignore[operator]
        k = bisect.bisect_right(tails, v)
        parent[i] = tail_idx[k - 1] if k else None
        if k == len(tails):
            tails.append(v)
            tail_idx.append(i)
        else:
            tails[k] = v
            tail_idx[k] = i
    kept: set[int] = set()
    j = tail_idx[-1] if tail_idx else None
    while j is not None:
        kept.add(j)
        j = parent[j]
    return kept


def speaking_rate(turns: tuple[Turn, ...], stamps: list[int | None]) -> float:
    """Median syllables per second over single-turn slots between two distinct kept stamps."""
    rates = []
    for i in range(len(turns) - 1):
        a, b = stamps[i], stamps[i + 1]
        if a is None or b is None or b <= a or (i and stamps[i - 1] == a):
            continue
        syl = text_syllables(turns[i].text)
        if syl >= 5:
            rates.append(syl / ((b - a) / 1000))
    if len(rates) < 3:
        return DEFAULT_RATE
    return min(MAX_RATE, max(MIN_RATE, statistics.median(rates)))


def reconcile(transcript: Transcript, audio_ms: int | None = None) -> Reconciled:
    """Turns -> contiguous, ordered segments covering every turn, with the repairs as findings."""
    turns = transcript.turns
    written = [t.stamp for t in turns]
    keep = kept_stamps(written)
    findings: list[Finding] = []
    stamps: list[int | None] = [s if i in keep else None for i, s in enumerate(written)]
    rate = speaking_rate(turns, stamps)
    est = _estimate_missing(turns, stamps, rate)
    kept: dict[int, int] = {j: s for j in keep if (s := written[j]) is not None}
    for i, t in enumerate(turns):
        if t.stamp is not None and i not in keep:
            prev = max((s for j, s in kept.items() if j < i), default=None)
            nxt = min((s for j, s in kept.items() if j > i), default=None)
            around = " and ".join(x for x in (
                f"after {clock(prev)}" if prev is not None else "",
                f"before {clock(nxt)}" if nxt is not None else "",
            ) if x)
            findings.append(Finding(
                "non_monotonic", "error", t.line, est[i], None, t.speaker,
                f"stamp {clock(t.stamp)} is out of order with its neighbours (it should fall {around}); "
                f"it was ignored and the turn placed at {clock(est[i], millis=True)} by text length. "
                "Correct the stamp in the transcript.",
            ))

    # The end of everything: the audio, or the last turn's text at the measured rate.
    last_start = est[-1]
    natural_end = last_start + max(1000, round(weight(turns[-1]) / rate * 1000))
    end_all = audio_ms if audio_ms is not None and audio_ms > last_start else natural_end

    segments: list[Segment] = []
    i = 0
    while i < len(turns):
        j = i
        while j + 1 < len(turns) and est[j + 1] == est[i]:
            j += 1
        g_start = est[i]
        g_end = est[j + 1] if j + 1 < len(turns) else end_all
        members = turns[i: j + 1]
        bounds = _split(g_start, g_end, [weight(t) for t in members])
        for k, t in enumerate(members):
            segments.append(Segment(
                index=i + k + 1, speaker=t.speaker, start=bounds[k], end=bounds[k + 1],
                text=t.text, line=t.line, stamp=t.stamp, markers=t.markers, group=(g_start, g_end),
            ))
        i = j + 1
    return Reconciled(tuple(segments), tuple(findings), rate)


def _split(start: int, end: int, weights: list[int]) -> list[int]:
    """Cut [start, end) into len(weights) pieces in proportion to weights; every piece >= 1 ms."""
    n = len(weights)
    end = max(end, start + n)
    total = sum(weights)
    bounds, acc = [start], 0
    for w in weights[:-1]:
        acc += w
        bounds.append(max(bounds[-1] + 1, start + round((end - start) * acc / total)))
    bounds.append(end)
    for k in range(n - 1, 0, -1):  # keep the last pieces >= 1 ms when rounding pushed them
        bounds[k] = min(bounds[k], bounds[k + 1] - 1)
    return bounds


def _estimate_missing(turns: tuple[Turn, ...], stamps: list[int | None], rate: float) -> list[int]:
    """Fill None stamps: between kept neighbours by text share, at the edges by the speaking rate."""
    out = list(stamps)
    n = len(out)
    i = 0
    while i < n:
        if out[i] is not None:
            i += 1
            continue
        j = i
        while j < n and out[j] is None:
            j += 1
        # turns i..j-1 are unknown; i-1 and j (if they exist) are known
        ws = [weight(t) for t in turns[i:j]]
        if i > 0 and j < n:
            a, b = out[i - 1], out[j]
            assert a is not None and b is not None  # the neighbours of an unknown run are known
            prev_w = weight(turns[i - 1])
            total = prev_w + sum(ws)
            acc = prev_w
            for k in range(i, j):
                out[k] = a + round((b - a) * acc / total)
                acc += ws[k - i]
        elif i > 0:  # trailing run: walk forward at the speaking rate
            last = out[i - 1]
            assert last is not None
            t = last + round(weight(turns[i - 1]) / rate * 1000)
            for k in range(i, j):
                out[k] = t
                t += round(ws[k - i] / rate * 1000)
        else:  # leading run: walk back from the first known stamp, not before zero
            first = out[j] if j < n else 0
            assert first is not None
            t = first
            for k in range(j - 1, i - 1, -1):
                t = max(0, t - round(ws[k - i] / rate * 1000))
                out[k] = t
        i = j
    return [int(x) for x in out]  # type: ignore[arg-type]
