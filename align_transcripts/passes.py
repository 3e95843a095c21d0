"""How one turn is placed: an explicit state carried from turn to turn, and named passes tried in order.

Stamps are anchors, not truth. Each turn is searched inside a window that reaches a few seconds
either side of its slot (align_transcripts.aligner.plan) and starts no earlier than where the
previous turn's words ended. What one turn hands the next is a `TurnState`: where its words
ended (the floor), where its lookahead heard the next speech begin (the onset), and the offsets
of the last turns' first words from their stamps (so stamps all late by the same seconds still
agree). `Turn` derives the windows from it.

The passes, in order (PASSES); the first one accepted places the turn, each rejection is kept
with its reason in the turn's trace:
- chain: the turn's words as a plain chain (align_transcripts.chain), trusted only where the
  audio agrees; most turns of a good transcript stop here;
- fillers: the same chain with an "uh", "um" or "hm" allowed between any two words, the
  disfluencies a clean-verbatim transcript leaves out (trusted by the same tests);
- full: the full search with absorbing phone loops, skips of units (sentences, clauses) and the
  next turn's first words, over a window reaching SHORT_TAIL_MS past the slot (accepted when
  every word lands well inside the window);
- full-wide: the same over the whole window; what it places stands even when not accepted;
- rescue: the chain with wide beams (fillers offered, then without), for words the full search
  still left out (a hoarse or fast voice the usual beams pruned);
- overlap (tried after the others, on whatever stands): a new speaker's first words still out,
  searched under the last speaker's words, where they were said while that one was talking.
Words no pass places are left out here and interpolated, aligned=False, by the aligner.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from . import grammar as g
from .anchor import REACH_MS
from .chain import MIN_MEAN_SCORE, STAMP_AGREE_MS, Held, first_pass, speech_onset
from .search import Search, place
from .types import Attempt, Job, Placed, Rejection, Token, Tried, TurnTrace

__all__ = ["PASSES", "Pass", "Recording", "Turn", "TurnResult", "TurnState", "align_turn", "align_turns"]

SHORT_TAIL_MS = 1500  # the first full search reaches only this far past the slot, widened when the turn does not fit
CHAIN_TAIL_MS = 1000  # the chain reaches this far past where the next turn should start (its stamp
#                       moved by the measured offset, about +500 ms for stamps floored to the second)
ONSET_LEAD_MS = 300  # the chain starts this long before the onset the previous turn's lookahead heard
OFFSET_TURNS = 5  # a turn is expected where its stamp, moved by the median offset of this many turns, says
STRICT_GARBAGE_PROB = 1e-8  # the full search's last retry: dear enough that a sentence's own words beat the loop
MIN_RETRY_MS = 300  # a gap between placed words shorter than this holds no sentence to retry
# a stretch the rescue's filler arcs took shorter than this is no "uh" but a click or a piece of a
# word: MFA's TextGrids mark 11 of their 12 "uh"s and "um"s 190-590 ms long, while on the DEV
# interview under white noise the rescue's fillers took 60-90 ms blips (and cost 0.9 points within 100 ms)
MIN_FILLER_MS = 150
FIT_MARGIN_MS = 300  # a turn whose words reach this close to its window's end may reach past it


@dataclass(frozen=True)
class Recording:
    """What the passes know of the audio: a search over it and its speech regions (ms, sorted)."""

    search: Search
    regions: list[tuple[int, int]]
    held: Held | None = None  # how much of a stretch is one sound held steady (vad.held_ms; None: not measured)


@dataclass(frozen=True)
class TurnState:
    """What one turn hands the next."""

    floor: int | None = None  # where the previous turn's placed words ended (None: no turn placed yet)
    onset: int | None = None  # where the previous turn's lookahead heard this turn's speech begin
    offsets: tuple[int, ...] = ()  # first placed word minus slot start, of the last OFFSET_TURNS placed turns
    speaker: str | None = None  # who said the words that end at the floor

    @property
    def shift(self) -> int:
        """The offset the recent turns measured (their median): where this turn is expected."""
        return sorted(self.offsets)[len(self.offsets) // 2] if self.offsets else 0

    def after(self, job: Job, placed: dict[int, Placed], onset: int | None) -> TurnState:
        """The state after `job` was placed so."""
        got = [placed[t.index] for t in job.tokens if t.index in placed]
        if not got:
            return TurnState(self.floor, onset, self.offsets, self.speaker)
        return TurnState(max(p.end for p in got), onset,
                         (self.offsets + (got[0].start - job.slot_start,))[-OFFSET_TURNS:], job.tokens[0].speaker)


@dataclass(frozen=True)
class Turn:
    """One turn to place: its job, the tokens after it, and the state the turns before left."""

    job: Job
    ahead: tuple[Token, ...]
    state: TurnState

    @property
    def start(self) -> int:
        """Where its windows start: its window's start, but not before the previous turn's words
        end (unless those reach past its own slot start, when it has a stamp: a slot estimated
        from text length says less than where the previous words ended)."""
        floor = self.state.floor
        if floor is None:
            return self.job.start
        if not self.job.stamped:
            return max(self.job.start, min(floor, self.job.end - 1000))
        return max(self.job.start, min(floor, self.job.slot_start))

    @property
    def after_a_turn(self) -> bool:
        """Whether a turn before it was heard, so its first words may be said while that speaker is
        still talking (grammar.turn's entry). Not the first turn heard: a
        transcript of another recording would have its first words left to the loop and the rest
        forced onto the audio, where the check that the first turns are there must see them fail."""
        return self.state.floor is not None

    @property
    def expected(self) -> int:
        return self.job.slot_start + self.state.shift

    def chain_start(self, regions: list[tuple[int, int]]) -> int:
        """Where the chain starts: where speech around the stamp begins for the first turn; just
        before the onset the previous turn's lookahead heard; else the turn's start."""
        if self.state.floor is None:
            return speech_onset(regions, self.job.slot_start)
        if self.state.onset is None:
            return self.start
        return min(max(self.start, self.state.onset - ONSET_LEAD_MS), self.job.slot_end)

    def chain_end(self, lo: int) -> int:
        """Past where the next turn should start (its lookahead's room), else the window's end."""
        return max(lo + 1000, self.job.slot_end + self.state.shift + self.tail if self.ahead else self.job.end)

    # A turn with no stamp (plain text) has a slot its text's length estimated: after anchoring it
    # may be off by as much as anchoring leaves to the windows (anchor.REACH_MS), not by a stamp's
    # rounding. Its chain reaches that far past the next turn's slot, with as many more of the next
    # turn's words to fill the reach (else the last one is stretched over the speech after it), and
    # its first word may lie that far from its slot. The DEV interview as plain text: 49 of 50
    # turns placed by the chain (33 with a stamp's margins), 98.9 % within 100 ms either way.
    @property
    def tail(self) -> int:
        """How far the chain reaches past where the next turn should start."""
        return CHAIN_TAIL_MS if self.job.stamped else REACH_MS

    @property
    def look_words(self) -> int:
        """How many of the next turn's words the chain follows the turn's own with."""
        return g.LOOKAHEAD_WORDS * self.tail // CHAIN_TAIL_MS

    @property
    def agree_ms(self) -> int:
        """How far from where it is expected the chain's first word may lie."""
        return STAMP_AGREE_MS if self.job.stamped else REACH_MS

    def at_floor(self, lo: int) -> bool:
        """Whether the window starts where the previous turn's words end (or a little before,
        inside its last word: a cue of subtitles begins just before its first word, mid-speech)."""
        floor = self.state.floor
        return lo == 0 or (floor is not None and 0 <= floor - lo <= ONSET_LEAD_MS)


def _chain(turn: Turn, rec: Recording, lo: int, rescue: bool, fillers: bool = False) -> Attempt:
    return first_pass(turn.job, turn.ahead, rec.search, lo, turn.chain_end(lo), turn.at_floor(lo), rec.regions,
                      turn.expected, rescue, fillers, turn.agree_ms, turn.look_words, rec.held)


def chain_pass(turn: Turn, rec: Recording, partial: Attempt | None) -> Attempt | None:
    return _chain(turn, rec, turn.chain_start(rec.regions), rescue=False)


def fillers_pass(turn: Turn, rec: Recording, partial: Attempt | None) -> Attempt | None:
    """The chain again, an "uh", "um" or "hm" allowed between any two words: a clean-verbatim
    transcript leaves them out, and the plain chain then stretches a word over them or leaves
    the speech under no word. Tried only after the plain chain is rejected for one of those
    (FILLER_SIGNS): where it is accepted, fillers only nibble at word edges (0.8 points within
    25 ms on the DEV interview), and a turn cut or moved needs the full search, not another chain."""
    if partial is None or partial.accepted or partial.kind not in FILLER_SIGNS:
        return None
    return _chain(turn, rec, turn.chain_start(rec.regions), rescue=False, fillers=True)


FILLER_SIGNS: tuple[Rejection, ...] = ("stretched", "uncovered")  # a word stretched over other audio, speech under no word


def full_search(tokens: tuple[Token, ...], search: Search, lo: int, hi: int,
                ahead: tuple[Token, ...] = (), entry: bool = False) -> dict[int, Placed]:
    """The full search over [lo, hi), then two retries of what it left out.

    The turn is first searched with absorbing loops, unit skips and the next turn's first words
    (entry: and its first words may be left to the loop, said under the previous speaker's); where
    no path survives PocketSphinx's beams at all (two voices at once), again with wide beams.
    Each run of tokens it left out (a skipped sentence, or one the loop took) is searched again between its placed
    neighbours without the loops between sentences. Each sentence still out that sits between
    two placed words is then forced, one at a time, with no skip and a much dearer loop: a
    sentence that is there is found (where a loop matched a poor voice better than its words),
    one that is not fails the search and stays unplaced.
    """
    if not any(t.spoken for t in tokens):
        return {}
    mine = {t.index for t in tokens}

    def found(grammar: g.Grammar, a: int, b: int, widen: bool = False) -> dict[int, Placed]:
        got = place(search, grammar, a, b)
        if got is None and widen:  # no path survived the beams at all (two voices at once): wide ones
            got = place(search, grammar, a, b, wide=True)
        return {k: p for k, p in (got or {}).items() if k in mine}  # not the lookahead's

    last = tokens[-1].index
    # only the first search is widened: a retry that finds no path says its words are not there
    out = found(g.turn(tokens, inner=True, ahead=ahead, entry=entry), lo, hi, widen=True)
    _retry_runs(tokens, out, lo, hi,
                lambda toks, a, b: found(g.turn(toks, inner=False, ahead=ahead if toks[-1].index == last else ()), a, b))
    _retry_runs(tokens, out, lo, hi,
                lambda toks, a, b: found(g.turn(toks, inner=False, skips=False, edge_prob=STRICT_GARBAGE_PROB), a, b),
                by_sentence=True, enclosed=True)
    return out


def _retry_runs(tokens: tuple[Token, ...], out: dict[int, Placed], lo0: int, hi0: int,
                redo: Callable[[tuple[Token, ...], int, int], dict[int, Placed] | None],
                by_sentence: bool = False, enclosed: bool = False) -> None:
    """Search again every run of unplaced tokens in the audio between its placed neighbours (out updated).

    enclosed: only runs with placed words on both sides (forcing text into open audio could
    place words that are not there; between two placed neighbours the gap is the only room).
    """
    n = len(tokens)
    i = 0
    while i < n:
        if tokens[i].index in out or not tokens[i].spoken:
            i += 1
            continue
        j = i
        while j < n and tokens[j].index not in out and not (by_sentence and j > i and tokens[j - 1].sentence_end):
            j += 1
        lo = next((out[tokens[k].index].end for k in range(i - 1, -1, -1) if tokens[k].index in out), None)
        hi = next((out[tokens[k].index].start for k in range(j, n) if tokens[k].index in out), None)
        if not (enclosed and (lo is None or hi is None)):
            lo = lo0 if lo is None else lo
            hi = hi0 if hi is None else hi
            if hi - lo >= MIN_RETRY_MS:
                out.update(redo(tokens[i:j], lo, hi) or {})
        i = j


def _full(turn: Turn, rec: Recording, end: int) -> Attempt:
    """The full search over [turn.start, end), rejected unless every word lands well inside it."""
    start = turn.start
    end = max(end, start + 1000)
    placed = full_search(turn.job.tokens, rec.search, start, end, turn.ahead, turn.after_a_turn)
    lost = [t for t in turn.job.tokens if t.spoken and t.index not in placed]
    kept = tuple(sorted(placed.values(), key=lambda p: p.token))
    if lost:
        return Attempt(kept, False, f"{len(lost)} words not found (the first: {lost[0].text!r})")
    if kept and max(p.end for p in kept) > end - FIT_MARGIN_MS:
        return Attempt(kept, False, "the words reach the window's end")
    return Attempt(kept, True)


def full_pass(turn: Turn, rec: Recording, partial: Attempt | None) -> Attempt | None:
    """The full search over the short window; not tried when the chain found no path through the
    turn's words at all in its own window (which reaches as far): the turn is not where its slot
    says (a cut, an edit, a voice over it), so the short window would only be searched again wider
    by full-wide. On the DEV interview with crosstalk 16.6 -> 12.9 s, recordings with turns cut
    out 1.64-2.47x -> 1.63-2.22x the clean one's cost, every word placed as before (bench/anchoring.py)."""
    if partial is not None and partial.kind == "no path":
        return None
    end = min(turn.job.end, turn.job.slot_end + SHORT_TAIL_MS)
    return _full(turn, rec, end) if end < turn.job.end else None


def wide_pass(turn: Turn, rec: Recording, partial: Attempt | None) -> Attempt | None:
    return _full(turn, rec, turn.job.end)


def rescue_pass(turn: Turn, rec: Recording, partial: Attempt | None) -> Attempt | None:
    placed = {p.token for p in partial.placed} if partial else set()
    if all(t.index in placed for t in turn.job.tokens if t.spoken):
        return None  # nothing to rescue: the full search's placements stand
    # fillers offered first: a voice hard enough to need the rescue hesitates too (MFA's cold corpus,
    # clean verbatim: 85.7 -> 89.0 % of edges within 100 ms of MFA's); the plain chain where they do
    # not fit, or where a "filler" is too short to be one (MIN_FILLER_MS)
    got = _chain(turn, rec, turn.start, rescue=True, fillers=True)
    if not got.accepted or any(b - a < MIN_FILLER_MS for a, b in got.fillers):
        got = _chain(turn, rec, turn.start, rescue=True)
    if not placed or not got.accepted:
        return got  # a voice the usual beams lose entirely: the wide chain is all there is
    # words the full search left out before its first or after its last placed word may simply not
    # be in the recording (a cut, an edit): the chain would force them onto the next turn's speech.
    # Only the gaps between placed words are rescued (the words between that the full search
    # placed too are placed again by the wide chain: on the telephone line that is 0.2 points
    # more words within 100 ms than keeping the full search's, so the rescue runs even when only
    # words at the edges are out)
    order = [t.index for t in turn.job.tokens]
    first = min(order.index(i) for i in placed)
    last = max(order.index(i) for i in placed)
    kept = set(order[first:last + 1])
    # ... unless the words before or after match as well as words placed right do: a voice the
    # full search lost at a turn's end (a telephone line), not words forced onto other speech
    # (the chain's MIN_MEAN_SCORE: cut words forced so scored 0.62 on the DEV cuts, the telephone
    # line's lost words 0.85)
    score = {p.token: p.score for p in got.placed}
    for edge in (order[:first], order[last + 1:]):
        heard = [score[i] for i in edge if i in score]
        if heard and sum(heard) / len(heard) >= MIN_MEAN_SCORE:
            kept.update(edge)
    trimmed = len(kept) < len(order)
    return Attempt(tuple(p for p in got.placed if p.token in kept), True, "", None if trimmed else got.onset)


def overlap_pass(turn: Turn, rec: Recording, partial: Attempt | None) -> Attempt | None:
    """A turn's first words said while the last speaker was still talking, found under their words.

    The passes before search from the floor (where the last turn's words ended) or from the
    turn's slot; words they place before the floor are not trusted (the aligner keeps words in
    order), so words said over the end of another speaker's turn are left out. Here the words
    before the turn's first word placed past the floor are searched from OVERLAP_REACH_MS before
    the floor up to that word, behind an absorbing loop that takes the other speaker's speech
    (wide beams where no path survives: two voices at once; where still none holds them all, the
    turn may be entered at one of its first words, the ones before left out, masked by the other
    voice). The words found are kept, marked overlapped, only when the search says the same of
    the turn as what stands (its first placed word where it was, OVERLAP_AGREE_MS), they begin
    under the last speaker's words (else the passes before would have found them), and they run
    on into that word or on past the other speaker's (OVERLAP_JOIN_MS): a first sentence cut from
    the recording, forced onto the other speaker's words, would end with them and leave the
    pause before the turn's next sentence. On the DEV interview with crosstalk (bench/degrade.py)
    92.9 -> 96.8 % of words within 100 ms; on ten recordings with turns cut out, no cut word placed.
    """
    floor, before = turn.state.floor, turn.state.speaker
    if partial is None or floor is None or before is None:
        return None
    toks = turn.job.tokens
    if toks[0].speaker == before:
        return None  # the same voice goes on: nothing said over it
    placed = {p.token: p for p in partial.placed if p.start >= floor - ORDER_SLACK_MS}
    k = next((i for i, t in enumerate(toks) if t.index in placed), None)
    if k is None:
        return None
    lead = [t for t in toks[:k] if t.spoken]
    if not lead:
        return None
    first = placed[toks[k].index]
    lo = max(0, floor - OVERLAP_REACH_MS)

    def under(entry: bool) -> dict[int, Placed]:
        grammar = g.turn(toks[:k + 1], inner=False, skips=False, entry=entry)
        return place(rec.search, grammar, lo, first.end) or place(rec.search, grammar, lo, first.end, wide=True) or {}

    got = under(entry=False)
    if any(t.index not in got for t in lead):
        # the other voice may mask the first of them so that no path holds them all: entered at one
        # of its first words, the ones before left to the loop (and out)
        got = under(entry=True)
    n = 0
    while n < len(lead) and lead[-1 - n].index in got:
        n += 1
    found = [got[t.index] for t in lead[len(lead) - n:]]  # the words found, running on into the turn's
    again = got.get(toks[k].index)
    if not found:
        return Attempt(partial.placed, False, f"{len(lead)} words not found under the last speaker's")
    if again is None or abs(again.start - first.start) > OVERLAP_AGREE_MS:
        return Attempt(partial.placed, False, "the turn's first placed word moves when searched with the words before it")
    if found[0].start >= floor:
        return Attempt(partial.placed, False, "the words before the first placed one are not under the last speaker's")
    if first.start - found[-1].end > OVERLAP_JOIN_MS and found[-1].end - floor < OVERLAP_JOIN_MS:
        # neither running on into the turn's words nor said on past the other speaker's
        return Attempt(partial.placed, False, "a pause between the words found under the last speaker's and the turn's")
    mine = {t.index for t in lead}
    kept = [p for p in partial.placed if p.token not in mine] + [replace(p, overlapped=True) for p in found]
    # (words of the lead before those found stay out, unaligned: the other voice masked them)
    return Attempt(tuple(sorted(kept, key=lambda p: p.token)), True, "", partial.onset)


OVERLAP_REACH_MS = 1500  # how far before the last speaker's words end a turn's first words are looked for
OVERLAP_AGREE_MS = 100  # the turn's first placed word may move this much when searched with the words before it
OVERLAP_JOIN_MS = 300  # words found under the last speaker's run on into the turn's own with no longer pause (or this far past theirs)
ORDER_SLACK_MS = 20  # a word placed this little before the previous one ends is still in order (aligner.assemble)


@dataclass(frozen=True)
class Pass:
    """A named strategy: returns an Attempt, or None when it has nothing to do for this turn.
    It is given the attempt that stands so far, else the last one rejected (why it was).

    stands: its placements stand when no later pass is accepted (the full search always answers).
    completes: it adds to what stands, accepted or not, and is tried after every other pass.
    """

    name: str
    run: Callable[[Turn, Recording, Attempt | None], Attempt | None]
    stands: bool = False
    completes: bool = False


PASSES: tuple[Pass, ...] = (
    Pass("chain", chain_pass),
    Pass("fillers", fillers_pass),
    Pass("full", full_pass),
    Pass("full-wide", wide_pass, stands=True),
    Pass("rescue", rescue_pass),
    Pass("overlap", overlap_pass, completes=True),
)


@dataclass(frozen=True)
class TurnResult:
    """A turn's placements and its trace."""

    placed: tuple[Placed, ...]
    trace: TurnTrace
    onset: int | None = None


def align_turn(turn: Turn, rec: Recording, passes: tuple[Pass, ...] = PASSES) -> TurnResult:
    """Try the passes in order until one is accepted; else keep what the last standing one placed."""
    tried: list[Tried] = []
    standing: Attempt | None = None
    last: Attempt | None = None  # the last attempt, when none stands yet: why it was rejected
    by: str | None = None  # the pass whose attempt stands
    for p in passes:
        if p.completes:
            continue
        a = p.run(turn, rec, standing or last)
        if a is None:
            continue
        last = a
        tried.append(Tried(p.name, "" if a.accepted else a.reason))
        if a.accepted or p.stands:
            standing, by = a, p.name
        if a.accepted:
            break
    for p in passes:
        if not p.completes or standing is None:
            continue
        a = p.run(turn, rec, standing)
        if a is None:
            continue
        tried.append(Tried(p.name, "" if a.accepted else a.reason))
        if a.accepted:
            standing = replace(a, accepted=standing.accepted)
    placed = standing.placed if standing else ()
    onset = standing.onset if standing and standing.accepted else None
    fillers = standing.fillers if standing and standing.accepted else ()
    return TurnResult(placed, TurnTrace(turn.job.segment, len(turn.job.tokens), by if placed else None, tuple(tried),
                                        fillers), onset)


def align_turns(jobs: list[Job], ahead: tuple[Token, ...], rec: Recording,
                passes: tuple[Pass, ...] = PASSES) -> list[TurnResult]:
    """Place turns in order, each after the state the one before left; `ahead`: the tokens after the last job."""
    state = TurnState()
    out = []
    for n, job in enumerate(jobs):
        nxt = jobs[n + 1].tokens if n + 1 < len(jobs) else ahead
        res = align_turn(Turn(job, nxt, state), rec, passes)
        state = state.after(job, {p.token: p for p in res.placed}, res.onset)
        out.append(res)
    return out
