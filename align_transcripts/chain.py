"""The chain pass: a turn's words as a plain chain, kept only where the audio agrees.

The full search (align_transcripts.passes) surrounds a turn with phone loops that absorb audio
no transcript word covers, and lets whole sentences be skipped. That costs about three times a
plain chain of the words: wherever a loop competes, its forty phones keep every codebook of the
acoustic model busy. A good transcript with good stamps needs none of it for most turns, so
each turn is first searched as a chain: its own words, then the first words of the next turn
(the window reaches past the next stamp, and those words take the next speaker's onset instead
of a loop), with the model's optional silence between words. The result is rejected, with the
reason, unless the audio agrees with it:
- every word is placed, and none is stretched past what its phones allow;
- its first word lies within STAMP_AGREE_MS of the turn's stamp (moved by the offset the turns
  before it measured: stamps all late by the same seconds still agree; the caller may allow more
  for a slot with no stamp, passes.Turn.agree_ms);
- the window starts at the previous turn's last word or in silence, not inside speech;
- no stretch of speech (signal energy, align_transcripts.vad) between the window start and the
  last placed word is left uncovered by words for longer than UNCOVERED_MS: speech under a
  silence is untranscribed, and the chain would have pushed words onto it;
- the words' mean acoustic score is not low (words forced onto the wrong speech score badly).
A trusted chain also says where the next turn's speech begins (the onset of its first lookahead
word's stretch of speech), so the next turn's chain starts just before it instead of
searching the pause between the turns again (-13 % of the first pass's audio on an hour).
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

from . import dictionary
from .grammar import FILLERS, LOOKAHEAD_WORDS, Arc, Grammar, Hit, bound_hits, chain, to_placed
from .search import Search
from .types import Attempt, Job, Rejection, Token

Held = Callable[[int, int], int]  # (start, end) ms -> how much of it is one sound held steady (ms)

STAMP_AGREE_MS = 2000  # a turn's first word this far from its stamp: the stamps do not agree, search fully
UNCOVERED_MS = 400  # speech left under a silence longer than this: something untranscribed is there
MIN_MEAN_SCORE = 0.75  # measured: turns placed right score 0.80-0.91 (TIMIT, LJ Speech, flite, espeak-ng),
#                        turns forced onto an untranscribed utterance 0.62-0.69
RESCUE_MIN_SCORE = 0.70  # a hoarse, fast speaker's turn placed right scores 0.74-0.75 (MFA's test corpus)
STRETCH_MS = 300  # a word longer than this plus PHONE_MS per phone was stretched over other audio:
PHONE_MS = 150  # no word of 7,956 with human or MFA timings exceeds it
# ... but those are read speech. Speakers draw hesitations out ("uhhh": 540 ms in MFA's own
# test corpus, where the rule allows a one-phone word 450 ms):
HESITATIONS = frozenset({"uh", "um", "er", "erm", "ah", "eh", "hmm", "hm", "mm", "mhm", "uhm", "oh", "huh"})
HESITATION_MS = 1500
FILLER_SCORE = 0.78  # a filler scoring this well is one (disfluency clips: 0.79-0.91; untranscribed speech under the loop: 0.5-0.78)
# with fillers, every word beside one must match at least this well (the demo's 1st percentile of words is 0.73;
# "Go" forced onto a breath while a filler took its audio scored 0.69); in the rescue, lower by as much
# as the mean score may be (RESCUE_MIN_SCORE): a hoarse voice's words score 0.70-0.75 wherever they are
FILLER_WORD_SCORE = 0.75
# where a word beside fillers matches worse (and the fillers do not sound like fillers), the chain
# is searched again without fillers at that place (at most this many times) rather than refused
# whole: one stolen word no longer costs the turn every filler it has
FILLER_RETRIES = 2


def first_pass(job: Job, ahead: tuple[Token, ...], search: Search, lo: int, hi: int, at_floor: bool,
               regions: list[tuple[int, int]], expected: int | None = None, rescue: bool = False,
               fillers: bool = False, agree_ms: int = STAMP_AGREE_MS, look_words: int = LOOKAHEAD_WORDS,
               held: Held | None = None) -> Attempt:
    """The turn's words placed by a plain chain over [lo, hi), accepted or rejected with the reason.

    ahead: the next turn's tokens (empty for the last turn). at_floor: the window starts where
    the previous turn's words ended. regions: speech (ms), sorted. expected: where the turn
    should start (default its stamp; callers pass the stamp moved by the offset measured on the
    turns before, so a recording trimmed after transcription still agrees).
    rescue: the full search has left words of this turn unplaced: search with wide beams,
    accept a lower mean score (RESCUE_MIN_SCORE), since the alternative is no times at all, and
    skip the uncovered-speech test (the recordings that need a rescue are the ones whose noise
    fools the energy-based speech detector: MFA's cold corpus has "speech" in its silent first second).
    fillers: an "uh", "um" or "hm" may stand between any two words (grammar.FILLERS), and covers the
    speech it sits on when it sounds like one (FILLER_SCORE); one that does not stands beside no
    word that matches poorly (FILLER_WORD_SCORE: searched again without it, FILLER_RETRIES). agree_ms: how far from `expected` the
    first word may lie; look_words: how many of the next turn's words follow the turn's own.
    held: how much of a stretch (ms) is one sound held steady (vad.held_ms). With fillers offered
    and not taken, a word longer than a word can be is drawn out, not stretched, when the time it
    spends holding one sound accounts for the excess.
    """
    def reject(why: str, kind: Rejection | None = None) -> Attempt:
        return Attempt((), False, why, kind=kind)  # a rejected chain places nothing: it never stands

    if not any(t.spoken for t in job.tokens):
        return reject("no spoken words")
    mine = {t.index for t in job.tokens}
    listening = any(t.spoken for t in ahead)
    lower = MIN_MEAN_SCORE - RESCUE_MIN_SCORE if rescue else 0.0  # the rescue's filler bars are lower as its mean bar is

    def judge(bound: list[tuple[Arc, Hit]], grammar: Grammar) -> Attempt:
        """The path's placements, accepted or rejected with the reason (all but the fillers' test)."""
        placed = tuple(p for p in to_placed(bound, grammar).values() if p.token in mine)
        heard = {p.token for p in placed}
        lost = [t.text for t in job.tokens if t.spoken and t.index not in heard]
        if lost:
            return reject(f"{len(lost)} words not heard (the first: {lost[0]!r})")
        spans = [(h.start, h.end, a.label or "", a.token in mine) for a, h in bound]
        drawn = held if fillers else None
        long = next((w for a, b, w, _ in spans if _stretched(w, a, b, drawn)), None)
        if long is not None:
            return reject(f"{long!r} stretched over other audio", "stretched")
        look = [s for s in spans if not s[3]]
        if listening and not look:
            return reject("none of the next turn's first words heard: the turn may be squeezed against the window's end")
        mean = sum(p.score for p in placed) / len(placed)
        if mean < (RESCUE_MIN_SCORE if rescue else MIN_MEAN_SCORE):
            return reject(f"low acoustic score ({mean:.2f})")
        first = min(p.start for p in placed)
        want = job.slot_start if expected is None else expected
        if abs(first - want) > agree_ms:
            return reject(f"first word {(first - want) / 1000:+.1f} s from where its stamp says")
        if not at_floor and _inside(regions, lo):
            return reject("the window starts inside speech")
        # a filler covers speech only where it sounds like one: an "uh" or "um" is a steady vowel or
        # nasal and matches well; speech nobody transcribed, forced through the filler loop, does not
        heard_as = [(a, b) for (a, b, w, _), (_, h) in zip(spans, bound) if w not in FILLERS or h.score >= FILLER_SCORE]
        end = max(b for _, b, _, _ in spans) if listening else min(hi, search.duration)
        gap = _uncovered(regions, heard_as, lo, end)
        if not rescue and gap > UNCOVERED_MS:
            return reject(f"{gap} ms of speech under no word (untranscribed?)", "uncovered")
        found: list[tuple[int, int]] = []
        for a, h in bound:
            if a.label in FILLERS:  # one stretch for an "uh um" said in a row
                found[-1:] = [(found[-1][0], h.end)] if found and h.start - found[-1][1] <= 20 else [*found[-1:], (h.start, h.end)]
        return Attempt(placed, True, onset=speech_onset(regions, look[0][0]) if look else None, fillers=tuple(found))

    barred: frozenset[int] = frozenset()
    weak: dict[int, tuple[int, float]] = {}
    for _ in range(FILLER_RETRIES + 1):
        grammar = chain(job.tokens, ahead, fillers, look_words, barred)
        hits = search(grammar, lo, hi, wide=rescue)
        if hits is None:
            return reject("no path through the words in the window", "no path")
        bound = bound_hits(hits, grammar)
        got = judge(bound, grammar)
        # last, since only this test is worth another search: a filler may take a word's own audio
        # while the word is forced onto a breath beside it; searched again without fillers there
        weak = _weak_beside_fillers(bound, FILLER_WORD_SCORE - lower, FILLER_SCORE - lower) if fillers and got.accepted else {}
        if not weak:
            return got
        barred |= frozenset(weak)
    token, score = min(weak.values(), key=lambda ts: ts[1])
    return reject(f"{next(t.text for t in job.tokens if t.index == token)!r} matches poorly ({score:.2f}) beside a filler")


def _weak_beside_fillers(bound: list[tuple[Arc, Hit]], bar: float, run_bar: float) -> dict[int, tuple[int, float]]:
    """Chain state of a filler run -> (token, score) of the weakest word right before or after it,
    for the runs beside a word matching worse than bar that do not sound like fillers themselves
    (scoring under run_bar, weighted by length): a run that does took no word's audio, and a hoarse voice's
    word beside a real "uh" is poor on its own (MFA's cold corpus: its "uh"s score 0.76-0.89, the
    words beside them 0.55-0.69; the one run that took an "i", left at 0.51, 0.68). A run stands at
    state s, where the word before it ends (that word's arc ends at s, the next word's at s + 1)."""
    out: dict[int, tuple[int, float]] = {}
    for k, (a, _) in enumerate(bound):
        if a.label not in FILLERS or (k > 0 and bound[k - 1][0].label in FILLERS):
            continue  # not the first filler of its run
        j = k
        while j < len(bound) and bound[j][0].label in FILLERS:
            j += 1
        if k == 0 or bound[k - 1][0].token is None:
            continue  # (a run always follows a word of the chain)
        if _run_score(bound[k:j]) >= run_bar:
            continue  # the run sounds like fillers: it took no word's audio, the word beside is poor on its own
        beside = [(t, bound[i][1].score) for i in (k - 1, j) if i < len(bound) and (t := bound[i][0].token) is not None]
        weakest = min(beside, key=lambda ts: ts[1])
        if weakest[1] < bar:
            out[bound[k - 1][0].dst] = weakest
    return out


def _run_score(run: list[tuple[Arc, Hit]]) -> float:
    """How well a run of fillers matches, each weighted by its length."""
    return sum(h.score * max(1, h.end - h.start) for _, h in run) / sum(max(1, h.end - h.start) for _, h in run)


def _stretched(word: str, start: int, end: int, held: Held | None) -> bool:
    """Whether the word lasts longer than it can, once the time it holds one sound is set aside."""
    if end - start <= _longest(word):
        return False
    return held is None or end - start - held(start, end) > _longest(word)


def _longest(word: str) -> int:
    """How long the word may last before it counts as stretched over other audio (ms)."""
    if word in HESITATIONS or word in FILLERS:
        return HESITATION_MS
    return STRETCH_MS + PHONE_MS * len(dictionary.pronunciation(word).split())


def speech_onset(regions: list[tuple[int, int]], t: int) -> int:
    """Where the stretch of speech holding t begins (t itself when t is not in speech)."""
    i = bisect_left(regions, (t + 1,)) - 1
    return regions[i][0] if i >= 0 and regions[i][0] <= t < regions[i][1] else t


def _inside(regions: list[tuple[int, int]], t: int) -> bool:
    """Whether t falls strictly inside a speech region (regions sorted, not overlapping)."""
    i = bisect_left(regions, (t + 1,)) - 1
    return i >= 0 and regions[i][0] < t < regions[i][1]


def _uncovered(regions: list[tuple[int, int]], spans: list[tuple[int, int]], lo: int, hi: int) -> int:
    """The longest unbroken stretch of speech, within [lo, hi], that no span covers (ms).

    Unbroken, not summed per region: a long phrase read with short pauses at its commas is one
    region of speech with several uncovered 300 ms pauses, and is fully transcribed; an
    untranscribed utterance leaves one stretch of a second or more.
    """
    spans = sorted(spans)
    worst = 0
    i = max(0, bisect_left(regions, (lo,)) - 1)
    while i < len(regions) and regions[i][0] < hi:
        a, b = max(regions[i][0], lo), min(regions[i][1], hi)
        for x, y in spans:
            if a >= b or x >= b:
                break
            if y > a:
                worst = max(worst, x - a)
                a = max(a, y)
        if b > a:
            worst = max(worst, b - a)
        i += 1
    return worst
