"""Anchoring: where each turn really is in the recording, before any word is aligned.

Stamps are evidence, not walls. An advert inserted after transcription moves every later turn
by its length; a cut moves them back and takes its turns' speech away; a transcript with no
stamps (plain text) only knows its turns' order and length; subtitles from another cut drift.
The aligner's windows reach a few seconds around a turn's slot, so before it runs, the turns
are anchored:

1. probes: every PROBE_EVERY_MS of transcript time, the first words of a turn (`probes`);
2. locate: each probe is spotted (acoustic.spot) near where the last anchor's offset puts it; a
   probe not found there is looked for, with the probes after it, in windows four times wider
   each time, up to the whole recording after the last anchor (`locate`);
3. resolve: between two anchors whose offsets agree the offset is interpolated (a drift); where
   they differ there is a break, and the turns between are spotted under either offset, halving
   the run each time, until the break lies between two turns (`resolve`). A turn found under
   neither, where the offset fell (a cut), is not in the recording: it is never aligned.

The result is an offset per turn (added to its slot) and the turns not in the audio, plus a
trace of every spot. Offsets under the aligner's own reach are left at zero.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from . import dictionary
from .audio import RATE, Audio
from .reconcile import kept_stamps
from .types import Segment, Token
from .workers import SharedSamples

if TYPE_CHECKING:
    from .acoustic.spot import Spot

__all__ = ["Anchor", "Anchoring", "Break", "PROBE_WORDS", "SPOT_GAP", "anchor", "anchored_segments"]

PROBE_WORDS = 12  # a probe is a turn's first words, this many (fewer in a short turn) ...
MIN_PROBE_PHONES = 14  # ... saying at least this many phones, or it could be heard anywhere
SENTENCES = 3  # a turn's probe is its first sentence that can be one, among its first this many
UNIQUE_WORDS = 7  # ... and its first this many words said nowhere else (most of a probe matching scores as found)
PROBE_EVERY_MS = 150_000  # a probe about this often along the transcript
# nats/frame below the free phone loop: a spot at least this good is the probe. bench/spotting.py on
# the fitting half of DEV: right probes >= -2.75, probes in the wrong place <= -3.53; halfway
SPOT_GAP = -3.1
NEAR_BEFORE_MS = 8_000  # a probe is first looked for from this far before where it is expected ...
NEAR_AFTER_MS = 10_000  # ... to this far after its expected end
NEAR_SAME_MS = 2_000  # a probe not found near its stamp is not looked for again near a place this close
WIDEN = 4  # each wider search reaches this many times further
FIRST_WIDE_MS = 20_000
GROUP = 4  # the probes searched together when one is not near where it was expected (two may be gone)
DRIFT_MS = 6_000  # anchors whose offsets differ by less: a drift, interpolated; by more: a break between
REACH_MS = 3_000  # offsets smaller than this are left to the aligner's windows
END_MARGIN_MS = 800  # a turn an insertion follows may end this far after its last words were heard to


@dataclass(frozen=True)
class Reader:
    """How a transcript's words are read for spotting: a turn's tokens (aligner.Token: text,
    spoken forms, sentence ends), each spoken form's phones (the en-us model's), and the gap to
    the free phone loop at which a spot is the probe (a language the model was not trained on
    matches it less well where it is right)."""

    tokens: Callable[[Segment], list[Token]]
    phones: Callable[[str], tuple[str, ...]]
    gap: float


def _english_tokens(seg: Segment) -> list[Token]:
    from .aligner import tokenize

    return tokenize([seg])


def _english_phones(word: str) -> tuple[str, ...]:
    return tuple(dictionary.pronunciation(word).split())


ENGLISH = Reader(_english_tokens, _english_phones, SPOT_GAP)


def reader_of(found: Spotter) -> Reader:
    """How the spotter's recording reads the transcript (a spotter written for tests: English)."""
    return getattr(found, "reader", ENGLISH)


@dataclass(frozen=True)
class Probe:
    segment: int  # its turn
    stamp: int  # where the transcript puts the turn (ms)
    phones: tuple[tuple[str, ...], ...]  # per word
    text: str
    gap: float = SPOT_GAP  # a spot at least this good (nats a frame below the free phone loop) is the probe

    @property
    def length(self) -> int:
        """About how long the probe takes to say (ms): 80 ms a phone."""
        return 80 * sum(len(w) for w in self.phones)


@dataclass(frozen=True)
class Anchor:
    """A probe found: its turn, where it was heard, and its offset from where the transcript puts it."""

    segment: int
    start: int
    end: int
    offset: int
    gap: float


@dataclass(frozen=True)
class Break:
    """Where the offset changes between two turns: audio inserted (shift > 0) or taken out (shift < 0)."""

    after: int  # the last segment before it (0: the recording has audio before the first turn)
    before: int  # the first segment after it
    shift: int  # ms by which the turns after it moved, relative to the turns before


@dataclass(frozen=True)
class Split:
    """An insertion inside a turn: its words from token `at` (counted within the turn) are heard
    from `resume` (ms) on; the words before would have gone on to about `pause`."""

    at: int
    pause: int
    resume: int
    length: int  # about how long the words after the insertion take (their share of the turn's slot)


@dataclass(frozen=True)
class Anchoring:
    offsets: dict[int, int]  # segment index -> ms to add to its slot (absent segments included)
    absent: frozenset[int]  # segments whose speech is not in the recording
    anchors: tuple[Anchor, ...]
    breaks: tuple[Break, ...]
    searched_ms: int = 0  # audio the spotter went through, all searches together
    trace: tuple[str, ...] = field(default=())  # what was searched where, in order
    splits: dict[int, Split] = field(default_factory=dict)  # segment -> where an insertion inside it falls
    ends: dict[int, int] = field(default_factory=dict)  # segment -> where its words end at the latest (an insertion follows)
    probed: int = 0  # how many probes were looked for (none: no turn says enough, once only, to be one)
    # segment -> an offset of a few seconds it was not heard at (its window reaches back by it), or,
    # negative, a cut after it that may lie a turn later (its window's end reaches on by it)
    unsure: dict[int, int] = field(default_factory=dict)

    @property
    def moved(self) -> bool:
        return any(self.offsets.values()) or bool(self.absent)


def _probe(segment: int, stamp: int, toks, reader: Reader) -> Probe | None:
    """The first PROBE_WORDS of toks (aligner Tokens) as a probe; None when they say too little to be found once only."""
    toks = [t for t in toks if t.spoken][:PROBE_WORDS]
    phones = tuple(reader.phones(w) for t in toks for w in t.spoken)
    if sum(len(p) for p in phones) < MIN_PROBE_PHONES:
        return None
    return Probe(segment, stamp, phones, " ".join(t.text for t in toks), reader.gap)


def _norm(word: str) -> str:
    return "".join(c for c in word.casefold() if c.isalnum() or c == "'")


def probe_table(segments: tuple[Segment, ...], reader: Reader = ENGLISH) -> dict[int, Probe]:
    """Segment index -> its probe: the first sentence of the turn (of its first SENTENCES) that
    says enough and whose first UNIQUE_WORDS are said nowhere else in the transcript (a sentence
    said twice, "thank you so much for having me", would be found where the other turn says it).
    A probe from a later sentence is stamped where the turn's slot, shared by text, puts it."""
    words = [_norm(w) for s in segments for w in s.text.split()]
    at: dict[tuple[str, ...], list[int]] = {}
    for k in range(len(words) - 3):
        at.setdefault(tuple(words[k:k + 4]), []).append(k)

    def unique(p: Probe) -> bool:
        mine = [_norm(w) for w in p.text.split()][:UNIQUE_WORDS]
        return sum(words[k:k + len(mine)] == mine for k in at.get(tuple(mine[:4]), [])) <= 1

    table = {}
    for seg in segments:
        toks = reader.tokens(seg)
        weights = [max(1, len(t.spoken)) for t in toks]
        total = sum(weights) or 1
        starts = [0] + [k + 1 for k, t in enumerate(toks[:-1]) if t.sentence_end]
        for k in starts[:SENTENCES]:
            p = _probe(seg.index, seg.start + (seg.end - seg.start) * sum(weights[:k]) // total, toks[k:], reader)
            if p is not None and unique(p):
                table[seg.index] = p
                break
    return table


def probes(segments: tuple[Segment, ...], table: dict[int, Probe]) -> list[Probe]:
    """A probe about every PROBE_EVERY_MS of the transcript, at the first turn there that can be one,
    and the last turn that can be one (so that nothing after the last probe goes unchecked)."""
    out: list[Probe] = []
    due = None
    for seg in segments:
        if due is not None and seg.start < due:
            continue
        p = table.get(seg.index)
        if p is not None:
            out.append(p)
            due = seg.start + PROBE_EVERY_MS
    last = next((table[s.index] for s in reversed(segments) if s.index in table), None)
    if last is not None and out and last.segment > out[-1].segment:
        out.append(last)
    return out


class Spotter(Protocol):
    """What anchoring asks of the audio: for each probe, where in [lo, hi) it was heard, if it was."""

    def __call__(self, group: list[Probe], lo: int, hi: int) -> list[Anchor | None]: ...


class AudioSpotter:
    """Spots probes in the recording (acoustic.spot) and keeps count and trace. With a pool (and the
    recording in a file its workers map), a long window is cut in overlapping parts searched at once."""

    def __init__(self, audio: Audio, pool: Executor | None = None, shared: SharedSamples | None = None,
                 workers: int = 1, reader: Reader = ENGLISH) -> None:
        self.audio = audio
        self.reader = reader
        self.pool = pool
        self.workers = workers if pool is not None else 1  # the pool's processes
        self.shared = shared
        self.searched = 0
        self.trace: list[str] = []  # in order within one run between two anchors (runs are resolved at once)
        self._count = threading.Lock()

    def __call__(self, group: list[Probe], lo: int, hi: int) -> list[Anchor | None]:
        lo, hi = max(0, lo), min(self.audio.duration, hi)
        return self._judged(group, self._spot(group, lo, hi), lo, hi)

    def each(self, jobs: list[tuple[list[Probe], int, int]]) -> list[list[Anchor | None]]:
        """Several short searches shared out over the pool at once, each [group, lo, hi)."""
        jobs = [(group, max(0, lo), min(self.audio.duration, hi)) for group, lo, hi in jobs]
        spots = self.many(jobs)
        return [self._judged(g, s, lo, hi) for (g, lo, hi), s in zip(jobs, spots)]

    def _judged(self, group: list[Probe], spots: list[Spot | None], lo: int, hi: int) -> list[Anchor | None]:
        out: list[Anchor | None] = []
        for p, s in zip(group, spots):
            if s is not None and s.end - s.start > _longest(p) and hi - s.end > p.length:
                # a probe stretched over a steady sound (a tone, a hum) that every model scores
                # badly: what follows that stretch is searched again
                s = self._spot([p], s.end, hi)[0]
            out.append(self.judge(p, s, lo, hi))
        return out

    def judge(self, p: Probe, s: Spot | None, lo: int, hi: int) -> Anchor | None:
        """The spot as an anchor when it is good enough (and traced either way)."""
        ok = s is not None and s.gap >= p.gap and p.length // 3 <= s.end - s.start <= _longest(p)
        self.trace.append(f"turn {p.segment} in {lo / 1000:.1f}-{hi / 1000:.1f} s: "
                          + (f"found at {s.start / 1000:.2f}-{s.end / 1000:.2f} s (gap {s.gap:.2f})" if ok and s
                             else "not found" + (f" (best gap {s.gap:.2f} at {s.start / 1000:.1f} s)" if s else "")))
        return Anchor(p.segment, s.start, s.end, s.start - p.stamp, s.gap) if ok and s else None

    def many(self, jobs: list[tuple[list[Probe], int, int]]) -> list[list[Spot | None]]:
        """Several searches at once (in the pool when there is one), each [group, lo, hi)."""
        with self._count:
            self.searched += sum(max(0, hi - lo) for _, lo, hi in jobs)
        args = [(self.shared, None if self.shared else self.audio.samples[lo * RATE // 1000:hi * RATE // 1000], lo, hi,
                 [list(p.phones) for p in group], min(p.gap for p in group)) for group, lo, hi in jobs]
        if self.pool is None or self.shared is None:
            return [_spot_job(a) for a in args]
        return list(self.pool.map(_spot_job, args))  # one search too: another thread's may run beside it

    def _spot(self, group: list[Probe], lo: int, hi: int) -> list[Spot | None]:
        if hi - lo < 1000:
            return [None] * len(group)
        if self.pool is None or hi - lo < 2 * SPLIT_MS:
            return self.many([(group, lo, hi)])[0]
        overlap = max(_longest(p) for p in group)
        mid = (lo + hi) // 2
        left, right = self.many([(group, lo, mid + overlap), (group, mid - overlap, hi)])
        with self._count:
            self.searched -= 2 * overlap  # counted once
        return [max((x for x in pair if x is not None), key=_total, default=None) for pair in zip(left, right)]


# The spotter scores the senones in every other frame, each score held for two (PocketSphinx's
# `-ds 2`), to find where a probe is; a find whose gap is too close to SPOT_GAP to judge on coarse
# scores is searched again on every frame around it (acoustic.spot's confirm) and judged on the
# full scoring's gap. Half the scoring, most of the spotter's cost: on the 18 recordings with
# adverts or cuts of bench/anchoring.py's seeds 35-50 % less time, every anchor, break and absent
# turn the same. Without the confirmation a voice at the edge (-3.03 a frame) fell under SPOT_GAP
# (-3.11); one frame in three moved a break by a second and searched more.
SCORE_EVERY = 2
CONFIRM_BAND = 0.3  # nats per frame either side of SPOT_GAP (coarse and full gaps differed by 0.03-0.09 where measured)
SPLIT_MS = 30_000  # with workers, a window longer than twice this is searched in two parts at once


def _total(s: Spot) -> float:
    """What the spotter maximizes, about: the bonus-weighted gap summed over the spot's frames."""
    return (s.gap + 2.0) * s.frames


def _spot_job(job: tuple) -> list:
    from .acoustic.spot import spot

    shared, samples, lo, hi, probes_, gap = job
    if samples is None:
        samples = shared.read()[lo * RATE // 1000:hi * RATE // 1000]
    if len(samples) < RATE:
        return [None] * len(probes_)
    return spot(samples, lo, probes_, SCORE_EVERY, (gap - CONFIRM_BAND, gap + CONFIRM_BAND))


def _longest(p: Probe) -> int:
    """The longest a probe's words plausibly take, pauses included (ms): twice their usual length and a second and a half."""
    return 2 * p.length + 1500


def locate(found: Spotter, ps: list[Probe], table: dict[int, Probe], duration: int,
           unseen: set[int] | None = None, near_stamps: dict[int, Anchor | None] | None = None) -> list[Anchor]:
    """Anchors for the probes that are in the recording, in order (each after the one before).
    unseen: gets the turns searched with a group and not found before the one that was.
    near_stamps: each probe already searched near its stamp (`near`): used while the offset is nil."""
    anchors: list[Anchor] = []
    offset, floor = 0, 0
    for p in ps:
        expected = p.stamp + offset
        known = near_stamps is not None and p.segment in near_stamps
        pre = near_stamps.get(p.segment) if near_stamps is not None else None
        if known and (pre is not None and abs(pre.offset - offset) <= DRIFT_MS and pre.start >= floor
                      or pre is None and abs(offset) <= NEAR_SAME_MS):
            near = pre  # what the search near the stamp found holds where the offset is (about) nil
        else:
            near = found([p], max(floor, expected - NEAR_BEFORE_MS), expected + p.length + NEAR_AFTER_MS)[0]
        group = [p] + _followers(p, table)
        if near is not None and (abs(near.offset - offset) <= DRIFT_MS or _confirmed(found, near, group[1:])):
            anchors.append(near)
            offset, floor = near.offset, near.start
            continue
        reach = FIRST_WIDE_MS
        heard: list[tuple[int, Anchor]] = []
        seen: tuple[int, int] | None = None  # the audio already searched for this group
        overlap = max(_longest(q) for q in group)  # a find across the edge of what was searched lies in the new part
        while True:
            lo = max(floor, expected - reach)
            hi = min(duration, expected + reach + group[-1].stamp - p.stamp)
            for part_lo, part_hi in _new_parts(lo, hi, seen, overlap):
                heard += [(k, x) for k, x in enumerate(found(group, part_lo, part_hi)) if x is not None]
            heard.sort(key=lambda h: (h[0], h[1].start))
            seen = (lo, hi)
            hits = _agreed(heard, offset, len(group))
            widest = lo <= floor and hi >= duration
            if not hits and widest and not anchors:  # the first anchor may stand alone: the words will tell
                hits = heard[:1]
            if hits:
                k, a = hits[0]
                if unseen is not None:
                    unseen.update(q.segment for q in group[:k])
                anchors.append(a)
                offset, floor = a.offset, a.start
                break
            if widest:  # nowhere after the last anchor: not in the recording
                if not anchors:  # the transcript's first turns are nowhere: not this recording's
                    return anchors
                break
            reach *= WIDEN
    return anchors


def _new_parts(lo: int, hi: int, seen: tuple[int, int] | None, overlap: int) -> list[tuple[int, int]]:
    """What of [lo, hi) was not searched yet (each part reaching `overlap` into what was)."""
    if seen is None:
        return [(lo, hi)]
    parts = []
    if lo < seen[0]:
        parts.append((lo, min(hi, seen[0] + overlap)))
    if hi > seen[1]:
        parts.append((max(lo, seen[1] - overlap), hi))
    return parts


def _followers(p: Probe, table: dict[int, Probe]) -> list[Probe]:
    """Probes of the GROUP - 1 turns after p's that can be probes: searched with it, they confirm
    where it was found (turns next to each other are almost always moved alike)."""
    return [table[i] for i in sorted(i for i in table if i > p.segment)[:GROUP - 1]]


def _confirmed(found: Spotter, a: Anchor, followers: list[Probe]) -> bool:
    """Whether the turns after a's are heard where a's offset puts them (a narrow search, not a wide one)."""
    if not followers:
        return True
    lo = a.start
    hi = followers[-1].stamp + a.offset + followers[-1].length + NEAR_AFTER_MS
    return any(x is not None and abs(x.offset - a.offset) <= DRIFT_MS for x in found(followers, lo, hi))


def _agreed(hits: list[tuple[int, Anchor]], offset: int, size: int) -> list[tuple[int, Anchor]]:
    """The hits to trust: one that keeps the current offset, or one a later probe of the group
    confirms (found at about the same offset, after it); a lone probe stands alone. A probe
    heard in the wrong place now and then (bench/spotting.py) then moves nothing."""
    def trusted(k: int, a: Anchor) -> bool:
        return (size == 1 or abs(a.offset - offset) <= DRIFT_MS
                or any(k2 > k and b.start > a.start and abs(b.offset - a.offset) <= DRIFT_MS for k2, b in hits))

    return [(k, a) for k, a in hits if trusted(k, a)]


def resolve(found: Spotter, segments: tuple[Segment, ...], table: dict[int, Probe], a: Anchor,
            b: Anchor, searched: bool = False) -> tuple[dict[int, int], set[int]]:
    """Offsets for the turns from a's up to b's, and those of them not in the recording.

    Offsets that agree: a drift, shared out by transcript time (a drift larger than the aligner's
    reach refined by a probe halfway). Else every turn between is spotted at once in the audio
    between a and b; those found in order split the run, each part resolved alike (searched:
    its turns were looked for already). A turn found nowhere between, where the offset fell
    (audio taken out), is not in the recording."""
    between = [s for s in segments if a.segment <= s.index < b.segment]
    cands = [s for s in between if s.index != a.segment and s.index in table]
    if abs(b.offset - a.offset) <= DRIFT_MS:  # a drift: each turn's share by its place in the transcript
        lo, hi = a.start - a.offset, b.start - b.offset  # where the transcript puts the two probes
        span = max(1, hi - lo)

        def share(t: int) -> int:
            # not extrapolated: a turn heard by a later sentence than its first (its probe's stamp
            # after the turn's) keeps its own anchor's offset, not one the slope carries seconds on
            return a.offset + (b.offset - a.offset) * (min(max(t, lo), hi) - lo) // span

        if abs(b.offset - a.offset) > REACH_MS and cands and not searched:
            # more than the aligner's windows absorb (stamps estimated from text length drift turn
            # by turn): a turn halfway is anchored too, and each half looked at alike
            half = table[cands[len(cands) // 2].index]
            e = half.stamp + share(half.stamp)
            got = found([half], max(a.start, e - NEAR_BEFORE_MS), min(b.start, e + half.length + NEAR_AFTER_MS))[0]
            if got is not None and abs(got.offset - share(half.stamp)) <= DRIFT_MS:
                left, gone_left = resolve(found, segments, table, a, got)
                right, gone_right = resolve(found, segments, table, got, b)
                return {**left, **right}, gone_left | gone_right
            if got is None:
                # not heard halfway: a step of a few seconds (a sentence cut, a short insertion)
                # rather than a drift; shared out, it would put the turns on one side of it seconds
                # off. The turns between are spotted as for a break; if none is heard, a drift after all
                stepped = _stepped(found, segments, table, a, b, between)
                if stepped is not None:
                    return stepped
        return {s.index: share(s.start) for s in between}, set()
    broken = _stepped(found, segments, table, a, b, between, searched)
    assert broken is not None  # None only for a step within DRIFT_MS
    return broken


def _stepped(found: Spotter, segments: tuple[Segment, ...], table: dict[int, Probe], a: Anchor, b: Anchor,
             between: list[Segment], searched: bool = False) -> tuple[dict[int, int], set[int]] | None:
    """resolve's offsets for a run whose offset changes between a and b (a break, or a step a drift
    does not explain): the turns between spotted, the run split where they are heard. None for a
    step (not a break) where none of them is heard."""
    step = abs(b.offset - a.offset) <= DRIFT_MS
    cands = [s for s in between if s.index != a.segment and s.index in table]
    if not searched:
        # only the audio between a and b is searched, and only their turns can be said there: a
        # sentence said elsewhere in the transcript (not between them) is a probe here
        local = probe_table(tuple(s for s in segments if a.segment <= s.index <= b.segment), reader_of(found))
        cands = [s for s in between if s.index != a.segment and s.index in local]
    if searched or not cands:  # the break lies between a's turn and b's; what is between was not heard
        if step:
            return None
        # ... as a whole: a turn some unit of which is heard between them lost only a part (a cut
        # inside it), and is aligned; the full search skips what is gone
        unheard = ({s.index for s in cands if not _any_unit_heard(found, s, a.end, b.start)}
                   if b.offset < a.offset else set())
        return {s.index: a.offset if s.index == a.segment else b.offset for s in between}, unheard
    group = [local[s.index] for s in cands]
    chain = halved(found, group, a, b)
    done = False  # whether every turn between was looked for
    if chain is None:  # heard under neither offset (gone, or a third one): every turn between, spotted at once
        every = -(-len(group) // MAX_GROUP)
        group = group[::every]
        heard = [h for h in found(group, a.start, b.start) if h is not None and h.start >= a.start and h.end <= b.start]
        in_order = sorted(kept_stamps([h.start for h in heard]))  # the largest run heard in transcript order
        chain = [a] + [heard[k] for k in in_order] + [b]
        done = every == 1
    if step and len(chain) == 2:
        return None
    offsets: dict[int, int] = {}
    absent: set[int] = set()
    for x, y in zip(chain, chain[1:]):
        more, gone = resolve(found, segments, table, x, y, searched=done)
        offsets.update(more)
        absent |= gone
    return offsets, absent


MAX_GROUP = 40  # at most this many turns between two anchors are spotted at once
HALF_GROUP = 3  # the turns halfway between two anchors spotted together under either anchor's offset


def halved(found: Spotter, group: list[Probe], a: Anchor, b: Anchor) -> list[Anchor] | None:
    """The run from a to b with the turns halfway between anchored too, when at least two of them
    are heard in order near where a's offset or b's puts them (one alone, when it is the only one
    between): a few short windows instead of the whole run's audio with every turn's probe; the
    halves are then resolved alike. None when they are not heard so (they are gone, or a third
    offset lies between), or when the windows would cover half the run anyway: the caller spots
    every turn between at once."""
    if len(group) <= HALF_GROUP:
        return None  # as cheap to spot them all
    k = len(group) // 2
    few = group[k - 1:k - 1 + HALF_GROUP]
    windows: list[tuple[int, int]] = []
    for off in sorted({a.offset, b.offset}):
        lo = max(a.start, few[0].stamp + off - NEAR_BEFORE_MS)
        hi = min(b.start, few[-1].stamp + off + few[-1].length + NEAR_AFTER_MS)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(hi, windows[-1][1]))
        elif hi - lo >= 1000:
            windows.append((lo, hi))
    if sum(hi - lo for lo, hi in windows) * 2 > b.start - a.start:
        return None  # the offsets are too close for the windows to save much: spot them all
    best: dict[int, Anchor] = {}  # probe -> its best find, in whichever window
    for got in searched_each(found, [(few, lo, hi) for lo, hi in windows]):
        for i, h in enumerate(got):
            if h is not None and h.start >= a.start and h.end <= b.start and (i not in best or h.gap > best[i].gap):
                best[i] = h
    heard = [best[i] for i in sorted(best)]
    in_order = sorted(kept_stamps([h.start for h in heard]))
    if len(in_order) < 2:
        return None
    return [a] + [heard[i] for i in in_order] + [b]


def searched_each(found: Spotter, jobs: list[tuple[list[Probe], int, int]]) -> list[list[Anchor | None]]:
    """Several searches, at once where the spotter can (AudioSpotter.each), else one after the other."""
    each = getattr(found, "each", None)
    return each(jobs) if each is not None else [found(group, lo, hi) for group, lo, hi in jobs]


def near(found: AudioSpotter, ps: list[Probe]) -> dict[int, Anchor | None]:
    """Every probe searched near its own stamp, all at once (shared out over the spotter's pool):
    on a transcript whose stamps hold (the usual case) this is all the anchoring there is to do."""
    got = found.each([([p], p.stamp - NEAR_BEFORE_MS, p.stamp + p.length + NEAR_AFTER_MS) for p in ps])
    return {p.segment: g[0] for p, g in zip(ps, got)}


def anchor(segments: tuple[Segment, ...], audio: Audio, found: Spotter | None = None,
           workers: int = 1, reader: Reader = ENGLISH) -> Anchoring:
    """Where every turn is: offsets, the turns not in the recording, and the breaks between.
    found: what spots the probes (default: acoustic.spot over the audio; tests give their own);
    workers: processes the searches are shared out over; reader: how the transcript's words are
    read (another language: warp.engine.spotting_reader)."""
    if found is None and workers > 1:
        from .aligner import _context
        from .workers import process_pool, shared_samples

        with shared_samples(audio.samples) as shared, process_pool(workers, _context()) as pool:
            return _anchor(segments, audio, AudioSpotter(audio, pool, shared, workers, reader))
    return _anchor(segments, audio, found or AudioSpotter(audio, reader=reader))


def _anchor(segments: tuple[Segment, ...], audio: Audio, found: Spotter) -> Anchoring:
    unseen: set[int] = set()
    table = probe_table(segments, reader_of(found))
    ps = probes(segments, table)
    pre = near(found, ps) if isinstance(found, AudioSpotter) else None
    anchors = locate(found, ps, table, audio.duration, unseen, pre)
    offsets: dict[int, int] = {}
    absent: set[int] = set()
    if anchors:
        # the recording lost its start: turns not heard that would begin before it
        lost = [s for s in segments if s.index in unseen and s.index < anchors[0].segment
                and s.start + anchors[0].offset < 0]
        absent |= {s.index for s in lost if not _any_unit_heard(found, s, 0, anchors[0].start)}
        for s in segments:
            if s.index < anchors[0].segment:
                offsets[s.index] = anchors[0].offset
            elif s.index >= anchors[-1].segment:
                offsets[s.index] = anchors[-1].offset
        for more, gone in _each_pair(found, segments, table, anchors):
            offsets.update(more)
            absent |= gone
        offsets = _within_reach(offsets, [s.index for s in segments])
    # a turn moved by a few seconds it was not itself heard to be moved by: its stamp may be right
    # and its neighbours' stamps off by chance (stamps off at random), so it is searched at both
    heard = {x.segment for x in anchors}
    unsure = {k: v for k, v in offsets.items() if k not in heard and REACH_MS <= abs(v) <= DRIFT_MS}
    present = [s.index for s in segments if s.index not in absent]
    breaks = [Break(0, present[0], offsets[present[0]])] if present and offsets.get(present[0], 0) > DRIFT_MS else []
    for x, y in zip(present, present[1:]):
        if abs(offsets.get(y, 0) - offsets.get(x, 0)) > DRIFT_MS:
            breaks.append(Break(x, y, offsets.get(y, 0) - offsets.get(x, 0)))
    # a cut before a turn that was not heard itself (it has no probe: its sentence is said
    # elsewhere too) may really lie after it: the turn before the cut may then run on over that
    # turn's slot, by as much as the cut (its window's end reaches further, as for `unsure`)
    for brk in breaks:
        if brk.after and brk.shift < 0 and brk.before not in heard:
            unsure[brk.after] = min(unsure.get(brk.after, 0), brk.shift)
    by_index = {s.index: s for s in segments}
    splits = {}
    for n, brk in enumerate(breaks):
        if brk.after and brk.shift > 0:
            split = find_split(found, by_index[brk.after], offsets.get(brk.after, 0),
                               by_index[brk.before].start + offsets.get(brk.before, 0))
            if split is not None:
                splits[brk.after] = split
                continue
            # the turn after the break was heard by a later sentence than its first: its first ones
            # may be before the insertion (it is then the turn the insertion falls inside)
            turn = by_index[brk.before]
            nxt = next((by_index[i] for i in present if i > turn.index), None)
            split = find_split(found, turn, offsets.get(brk.after, 0),
                               nxt.start + offsets.get(nxt.index, 0) if nxt else audio.duration)
            if split is not None and nxt is not None and (n + 1 == len(breaks) or breaks[n + 1].after != turn.index):
                splits[turn.index] = split  # the insertion is inside this turn: it keeps the offset
                offsets[turn.index] = offsets.get(brk.after, 0)  # before it, the break now follows it
                breaks[n] = Break(turn.index, nxt.index, brk.shift)
    # a turn before an insertion ends where its last words are heard (else where its stamps say,
    # with the aligner's slack), not in the inserted audio after it
    from .aligner import TAIL_SLACK_MS

    ends: dict[int, int] = {}
    for brk in breaks:
        if brk.after and brk.shift > 0:
            seg, split = by_index[brk.after], splits.get(brk.after)
            lo = split.resume if split else seg.start + offsets.get(brk.after, 0)
            hi = min(by_index[brk.before].start + offsets.get(brk.before, 0),  # the next turn, or
                     lo + (split.length if split else seg.end - seg.start) + NEAR_AFTER_MS)  # what the words take
            last = heard_end(found, seg, lo, hi)
            if last is not None:
                ends[brk.after] = last + END_MARGIN_MS
            elif split is None:
                ends[brk.after] = seg.end + offsets.get(brk.after, 0) + TAIL_SLACK_MS
    return Anchoring(offsets, frozenset(absent), tuple(anchors), tuple(breaks), getattr(found, "searched", 0),
                     tuple(getattr(found, "trace", ())), splits, ends, len(ps), unsure)


def _each_pair(found: Spotter, segments: tuple[Segment, ...], table: dict[int, Probe],
               anchors: list[Anchor]) -> list[tuple[dict[int, int], set[int]]]:
    """resolve for each two anchors in a row. With a pool the runs are resolved at once, each in a
    thread whose searches go to the pool: one run's searches are short and one after the other
    (each decides the next), so alone they keep one worker busy (a recording with turns cut out:
    resolving was about two thirds of the anchoring, on one of two cores)."""
    pairs = list(zip(anchors, anchors[1:]))
    workers = getattr(found, "workers", 1)  # a spotter with a pool says how many processes it has
    if workers < 2 or len(pairs) < 2:
        return [resolve(found, segments, table, a, b) for a, b in pairs]
    with ThreadPoolExecutor(workers) as threads:
        return list(threads.map(lambda ab: resolve(found, segments, table, *ab), pairs))


def _within_reach(offsets: dict[int, int], order: list[int]) -> dict[int, int]:
    """Offsets under the aligner's reach set to zero, except next to a turn moved further: a step
    of a few seconds (a cut sentence) measured a little under the reach on one turn and over it
    on the next would leave their slots seconds apart."""
    far = [abs(offsets.get(k, 0)) >= REACH_MS for k in order]
    keep = {k for i, k in enumerate(order) if far[i] or (i and far[i - 1]) or (i + 1 < len(order) and far[i + 1])}
    return {k: (v if k in keep else 0) for k, v in offsets.items()}


def heard_end(found: Spotter, seg: Segment, lo: int, hi: int) -> int | None:
    """Where a turn's last words are heard between lo and hi (ms), None when they are not (or
    say too little to be found): the end of a turn an insertion follows, so that its words are
    not stretched into the inserted audio."""
    reader = reader_of(found)
    tail = [t for t in reader.tokens(seg) if t.spoken][-PROBE_WORDS:]
    probe = _probe(seg.index, seg.end, tail, reader)
    if probe is None or hi <= lo:
        return None
    (spot,) = found([probe], lo - NEAR_BEFORE_MS, hi)
    return None if spot is None else spot.end


def _any_unit_heard(found: Spotter, seg: Segment, lo: int, hi: int) -> bool:
    """Whether any unit of the turn (grammar.units) is heard between lo and hi: a turn whose probe
    was not heard may have lost only a part (a sentence cut from it), and is then not absent."""
    from .grammar import units

    reader = reader_of(found)
    toks = reader.tokens(seg)
    ps = list(_unit_probes(seg, toks, units(toks), lambda k: seg.start, reader).values())
    return hi > lo and bool(ps) and any(h is not None for h in found(ps, lo, hi))


def _unit_probes(seg: Segment, toks, starts: list[int], stamp, reader: Reader) -> dict[int, Probe]:
    """Unit start -> a probe of that unit's words (stamped stamp(start)), for the units that say enough."""
    ends = [*starts[1:], len(toks)]
    return {k: p for k, end in zip(starts, ends) if (p := _probe(seg.index, stamp(k), toks[k:end], reader)) is not None}


def _phones(toks, reader: Reader) -> int:
    return sum(len(reader.phones(w)) for t in toks for w in t.spoken)


def _words_before(toks, j: int, reader: Reader) -> list:
    """The fewest tokens ending at j that say MIN_PROBE_PHONES (all before j when they say fewer)."""
    i = j
    while i > 0 and _phones(toks[i:j], reader) < MIN_PROBE_PHONES:
        i -= 1
    return list(toks[i:j])


def _words_from(toks, j: int, reader: Reader) -> list:
    """The fewest tokens from j on that say MIN_PROBE_PHONES."""
    i = j
    while i < len(toks) and _phones(toks[j:i], reader) < MIN_PROBE_PHONES:
        i += 1
    return list(toks[j:i])


def find_split(found: Spotter, seg: Segment, offset: int, next_start: int) -> Split | None:
    """Where inside a turn an insertion falls, when it does, to the word.

    The turn's units (grammar.units: sentences, and clauses of long ones) and its last words are
    spotted together between where its offset puts them and the next turn; the first of them
    from which on every one is heard later than that is where the turn resumes, within a unit.
    The word is then found between the last unit heard in place and that one: at each candidate
    word, the few words before it are spotted in place and the few from it on after the
    insertion; a candidate inside the words actually said on one side leaves one of its two
    probes forced onto the inserted audio, so the word where both score best is where the turn
    breaks (no threshold of its own). None: the whole turn is before the insertion (or where it
    resumes is not sure)."""
    from .grammar import units

    reader = reader_of(found)
    toks = reader.tokens(seg)
    weights = [max(1, len(t.spoken)) for t in toks]
    total = sum(weights)

    def expect(k: int) -> int:
        return seg.start + (seg.end - seg.start) * sum(weights[:k]) // total + offset

    # sentences, and clauses of long ones (an insertion falls at a pause), and the turn's last words
    ps = _unit_probes(seg, toks, units(toks), lambda k: expect(k) - offset, reader)
    tail = len(toks) - len(_words_before(toks, len(toks), reader))
    if tail > 0 and tail not in ps and (p := _probe(seg.index, expect(tail) - offset, toks[tail:], reader)) is not None:
        ps[tail] = p
    keys = sorted(ps)
    if len(keys) < 2:
        return None
    lo = seg.start + offset - NEAR_BEFORE_MS
    heard = dict(zip(keys, found([ps[k] for k in keys], lo, next_start)))
    moved = {k: h.start - expect(k) for k, h in heard.items() if h is not None}
    if not moved or moved[max(moved)] <= DRIFT_MS:
        return None  # the last words heard are before the insertion: the whole turn is
    k = min(k for k in moved if all(moved[j] > DRIFT_MS for j in moved if j >= k))
    if k == 0:
        return None
    resume = heard[k]
    assert resume is not None
    length = (seg.end - seg.start) * sum(weights[k:]) // total
    at = max((j for j in moved if j < k and moved[j] <= DRIFT_MS), default=0)  # last heard in place
    pairs = {j: (head, rest) for j in range(at + 1, k + 1) if toks[j - 1].spoken  # words either side say enough to spot
             and (head := _probe(seg.index, expect(j) - offset, _words_before(toks, j, reader), reader)) is not None
             and (rest := _probe(seg.index, expect(j) - offset, _words_from(toks, j, reader), reader)) is not None}
    if len(pairs) < 2:
        return Split(k, expect(k), resume.start, length)
    cands = sorted(pairs)
    heads = found([pairs[j][0] for j in cands], lo, min(next_start, expect(k) + NEAR_AFTER_MS))
    tails = found([pairs[j][1] for j in cands],
                  max(lo, resume.start - NEAR_AFTER_MS), min(next_start, resume.end + NEAR_AFTER_MS))
    scored = [(h.gap + t.gap, j, h, t) for j, h, t in zip(cands, heads, tails)
              if h is not None and t is not None and h.end <= t.start - DRIFT_MS]
    if not scored:
        return Split(k, expect(k), resume.start, length)
    _, j, h, t = max(scored, key=lambda x: x[0])
    return Split(j, h.end, t.start, (seg.end - seg.start) * sum(weights[j:]) // total)


def anchored_segments(segments: tuple[Segment, ...], anchoring: Anchoring, duration: int) -> tuple[Segment, ...]:
    """The segments moved by their offsets, kept in order and continuous; a turn not in the
    recording gets an empty slot where its speech would have been (stamps as written are kept)."""
    starts = []
    last = 0
    for s in segments:
        t = min(max(0, s.start + anchoring.offsets.get(s.index, 0)), duration)
        last = max(last, t)
        starts.append(last)
    # an absent turn sits at the start of the next present one: it takes no time
    for k in range(len(segments) - 2, -1, -1):
        if segments[k].index in anchoring.absent:
            starts[k] = starts[k + 1]
    ends = starts[1:] + [duration]
    return tuple(replace(s, start=a, end=max(b, a)) for s, a, b in zip(segments, starts, ends))
