"""The audit: segments (and what the reader and reconcile noticed) -> findings a person can act on."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .anchor import DRIFT_MS, Anchoring
from .reconcile import Reconciled
from .text import counted, is_tag, text_syllables, tokens
from .timefmt import clock
from .types import SEVERITIES, Finding, Segment, Transcript, Word

# Stamps are floored to the whole second, so a slot between two stamps may really be up to
# one second longer or shorter than it looks.
STAMP_RESOLUTION_MS = 1000


@dataclass(frozen=True)
class Thresholds:
    """Where the audit draws its lines; each is an option of `align check`."""

    # Fast conversational English peaks around 6-7 syllables per second over a phrase
    # (read speech averages ~5); text needing more than the slot even at 7.5 is an overlap.
    fast_rate: float = 7.5
    # Slow, deliberate speech with ordinary pauses runs at about 2 syllables per second;
    # a slot longer than its text needs at that pace by more than gap_ms is a gap.
    slow_rate: float = 2.0
    gap_ms: int = 10_000
    # A marker time may sit this far outside its turn before it is reported.
    marker_slack_ms: int = STAMP_RESOLUTION_MS
    # With audio: a turn's first word this far from its stamp means the stamp is wrong (a
    # floored stamp is up to 1 s early by design, so 1.5 s leaves room for that).
    stamp_offset_ms: int = 1500
    # Speech no transcript word covers, longer than this, is reported (shorter: breaths, "mm").
    untranscribed_ms: int = 1000
    # Silence longer than this between words is reported.
    long_silence_ms: int = 5000


def check(transcript: Transcript, reconciled: Reconciled, thresholds: Thresholds = Thresholds(),
          audio_ms: int | None = None) -> list[Finding]:
    """All findings from the stamps and text alone, sorted by line then kind."""
    segs = reconciled.segments
    found: list[Finding] = list(transcript.notes) + list(reconciled.findings)
    found += duplicate_stamps(segs)
    found += empty_turns(segs)
    found += overlaps_and_gaps(segs, thresholds, end_known=audio_ms is not None)
    found += markers_out_of_range(segs, thresholds)
    found += speaker_variants(segs)
    if audio_ms is not None:
        found += beyond_audio(segs, audio_ms)
    return sort_findings(found)


def sort_findings(found: list[Finding]) -> list[Finding]:
    return sorted(found, key=lambda f: (f.line if f.line is not None else 10**9, f.start or 0, f.kind))


def duplicate_stamps(segs: tuple[Segment, ...]) -> list[Finding]:
    out = []
    for prev, seg in zip(segs, segs[1:]):
        if seg.stamp is not None and seg.stamp == prev.stamp:
            out.append(Finding(
                "duplicate_timestamp", "info", seg.line, seg.start, seg.end, seg.speaker,
                f"stamped {clock(seg.stamp)}, the same second as the previous turn (line {prev.line}); "
                f"the slot was shared by text length, this turn taking "
                f"{clock(seg.start, True)}-{clock(seg.end, True)}.",
            ))
    return out


def empty_turns(segs: tuple[Segment, ...]) -> list[Finding]:
    return [
        Finding("empty_turn", "info", s.line, s.start, s.end, s.speaker,
                "turn has no text (often crosstalk nobody transcribed); add the words if they matter.")
        for s in segs if not tokens(s.text)
    ]


def _groups(segs: tuple[Segment, ...]) -> list[list[Segment]]:
    """Runs of segments split from the same stamp slot."""
    out: list[list[Segment]] = []
    for s in segs:
        if out and out[-1][0].group == s.group:
            out[-1].append(s)
        else:
            out.append([s])
    return out


def overlaps_and_gaps(segs: tuple[Segment, ...], th: Thresholds, end_known: bool) -> list[Finding]:
    """Compare each stamp slot with the time its text needs at the fastest and slowest plausible pace."""
    out = []
    groups = _groups(segs)
    for n, group in enumerate(groups):
        last = group[-1]
        g_start, g_end = group[0].group
        is_final = n == len(groups) - 1
        text = " ".join(s.text for s in group)
        syl = text_syllables(text)
        count = len([w for w in tokens(text) if not is_tag(w)])
        if not is_final:
            longest = g_end - g_start + STAMP_RESOLUTION_MS
            need = syl / th.fast_rate * 1000
            if need > longest:
                nxt = groups[n + 1][0]
                out.append(Finding(
                    "overlap", "warning", last.line, g_start, g_end, last.speaker,
                    f"{counted(count, 'word')} need at least {need / 1000:.1f} s even at a fast {th.fast_rate:g} syllables/s, "
                    f"but the slot to the next turn (line {nxt.line}, {clock(nxt.start)}) is at most "
                    f"{longest / 1000:.0f} s: the speech runs into the next turn, or a stamp is off.",
                ))
        if not is_final or end_known:
            shortest = g_end - g_start - (0 if is_final else STAMP_RESOLUTION_MS)
            need_slow = syl / th.slow_rate * 1000
            if shortest - need_slow > th.gap_ms:
                spare = (shortest - need_slow) / 1000
                out.append(Finding(
                    "gap", "warning", last.line, g_start, g_end, last.speaker,
                    f"slot of {shortest / 1000:.0f} s holds {counted(count, 'word')} (at most {need_slow / 1000:.0f} s of speech): "
                    f"about {spare:.0f} s of silence or untranscribed speech.",
                ))
    return out


def markers_out_of_range(segs: tuple[Segment, ...], th: Thresholds) -> list[Finding]:
    out = []
    for s in segs:
        lo, hi = s.group
        for m in s.markers:
            if m.time is not None and not (lo - th.marker_slack_ms <= m.time <= hi + th.marker_slack_ms):
                out.append(Finding(
                    "marker_out_of_range", "warning", m.line, m.time, m.time, s.speaker,
                    f"{m.raw} is outside its turn ({clock(lo, True)}-{clock(hi, True)}); the marker's time or the stamp is wrong.",
                ))
    return out


def speaker_key(label: str) -> str:
    """A label with case, spacing and punctuation folded away: 'Elon  musk.' -> 'elonmusk'."""
    return re.sub(r"[\W_]+", "", label.casefold())


def speaker_variants(segs: tuple[Segment, ...]) -> list[Finding]:
    """Labels that differ only in case, spacing or punctuation: probably one person written two ways."""
    counts: dict[str, int] = {}
    first: dict[str, Segment] = {}
    for s in segs:
        counts[s.speaker] = counts.get(s.speaker, 0) + 1
        first.setdefault(s.speaker, s)
    by_key: dict[str, list[str]] = {}
    for label in counts:
        by_key.setdefault(speaker_key(label), []).append(label)
    out = []
    for labels in by_key.values():
        if len(labels) < 2:
            continue
        main = max(labels, key=lambda x: counts[x])
        for label in labels:
            if label != main:
                s = first[label]
                out.append(Finding(
                    "speaker_variant", "warning", s.line, s.start, s.end, label,
                    f"speaker {label!r} ({counted(counts[label], 'turn')}) looks like {main!r} ({counted(counts[main], 'turn')}) "
                    "written another way; use one spelling so they count as one speaker.",
                ))
    return out


def beyond_audio(segs: tuple[Segment, ...], audio_ms: int) -> list[Finding]:
    return [
        Finding("beyond_audio", "error", s.line, s.stamp, s.stamp, s.speaker,
                f"stamp {clock(s.stamp)} is past the end of the audio ({clock(audio_ms, True)}): "
                "wrong audio file, or a wrong stamp.")
        for s in segs if s.stamp is not None and s.stamp >= audio_ms
    ]


def summary(transcript: Transcript, segs: tuple[Segment, ...], found: list[Finding]) -> dict:
    kinds: dict[str, int] = {}
    for f in found:
        kinds[f.kind] = kinds.get(f.kind, 0) + 1
    return {
        "turns": len(transcript.turns),
        "segments": len(segs),
        "speakers": transcript.speakers,
        "findings": dict(sorted(kinds.items())),
        "severities": {sev: sum(1 for f in found if f.severity == sev) for sev in SEVERITIES},
    }


# How far from a word's edges speech activity still counts as that word (breath, release).
WORD_COVER_MS = 250


UNHEARD_HINT = ("They were not heard where the warp put them (the trace says where they were): audio nobody "
                "transcribed, an advert or a part cut out, may be there.")


def check_alignment(segs: tuple[Segment, ...], words: list[Word], speech: list[tuple[int, int]],
                    th: Thresholds = Thresholds(), unheard: frozenset[int] = frozenset()) -> list[Finding]:
    """What the placed words and the speech activity show about the transcript's timing. unheard:
    turns the warp engine gave up as not heard where it put them (warp/verify.py): their unplaced
    words point at the audio around them, not at their text."""
    by_seg: dict[int, list[Word]] = {}
    for w in words:
        by_seg.setdefault(w.segment, []).append(w)
    found: list[Finding] = []
    firsts: list[tuple[Segment, Word, Word]] = []
    by_index = {s.index: s for s in segs}
    cut = _cut_runs(words, th, speech)
    found += [_cut_finding([w for w in words[a:b] if not is_tag(w.word)], room, by_index[words[a].segment],
                           not any(w.aligned for w in by_seg[words[a].segment]),
                           words[a - 1].speaker if a and words[a - 1].segment != words[a].segment else None)
              for (a, b), room in cut]
    in_cut = {k for (a, b), _ in cut for k in range(a, b)}
    lost_in: dict[int, list[Word]] = {}  # per segment, its unplaced words that no cut finding covers
    for k, w in enumerate(words):
        if not w.aligned and not is_tag(w.word) and k not in in_cut:
            lost_in.setdefault(w.segment, []).append(w)
    for s in segs:
        ws = [w for w in by_seg.get(s.index, []) if w.aligned]
        if ws:
            firsts.append((s, ws[0], ws[-1]))
        lost = lost_in.get(s.index, [])
        if lost:
            sample = " ".join(w.word for w in lost[:6]) + (" ..." if len(lost) > 6 else "")
            found.append(Finding(
                "unaligned_words", "warning", s.line, lost[0].start, lost[-1].end, s.speaker,
                f"{len(lost)} of {counted(len(by_seg[s.index]), 'word')} could not be placed on the audio ({sample}); "
                "their times are interpolated. "
                + (UNHEARD_HINT if s.index in unheard else "Check the text against the recording."),
            ))
        odd = [w for w in by_seg.get(s.index, []) if w.suspect]
        if odd:
            listed = ", ".join(f"'{w.word}' at {clock(w.start, True)}" for w in odd[:6]) + (" ..." if len(odd) > 6 else "")
            found.append(Finding(
                "suspect_words", "warning", s.line, odd[0].start, odd[-1].end, s.speaker,
                f"{counted(len(odd), 'word')} the audio seems to contradict ({listed}): a misheard name or number? "
                "Listen and correct the transcript if so.",
            ))
    for s, first, _ in firsts:
        if s.stamp is not None and abs(first.start - s.stamp) > th.stamp_offset_ms:
            fixed = first.start // 1000 * 1000
            found.append(Finding(
                "stamp_offset", "warning", s.line, first.start, first.start, s.speaker,
                f"stamped {clock(s.stamp)} but the turn's speech starts at {clock(first.start, True)} "
                f"({(first.start - s.stamp) / 1000:+.1f} s); the stamp should read {clock(fixed)} "
                "(--fix-stamps writes a corrected transcript).",
            ))
    for (s, _, last), (n, nfirst, _) in zip(firsts, firsts[1:]):
        if last.end > nfirst.start + 100:
            found.append(Finding(
                "overlap", "warning", s.line, nfirst.start, last.end, s.speaker,
                f"this turn's speech runs until {clock(last.end, True)}, past the next turn's first word "
                f"({n.speaker}, line {n.line}, {clock(nfirst.start, True)}): overlapping speech.",
            ))
    found += _uncovered(segs, words, speech, th)
    found += _silences(segs, words, speech, th)
    return found


SHIFTED_RUN = 3  # this many turns in a row whose speech is off their stamps the same way: one finding
SHIFT_SPREAD_MS = 1500  # ... the same way: within this of the run's first (stamps are to the second)


def group_stamp_offsets(found: list[Finding], segs: tuple[Segment, ...],
                        anchored: frozenset[int] = frozenset()) -> list[Finding]:
    """Runs of SHIFTED_RUN or more stamped turns in a row, each with a stamp_offset finding and all
    off by about the same amount, as one stamps_shifted finding: a recording trimmed, or an intro
    or advert of a few seconds added, after the transcript was made, moves every later stamp alike
    (every stamp of the DEV interview 3 s late was 50 findings, one a turn). Turns anchoring moved
    (`anchored`, segment indexes) break a run: check_anchoring reports their shift."""
    offsets = {f.line: f for f in found if f.kind == "stamp_offset" and f.start is not None}
    runs: list[list[tuple[Finding, int]]] = []
    current: list[tuple[Finding, int]] = []
    for s in segs:
        if s.stamp is None:
            continue  # no stamp to be off: neither in a run nor breaking one
        f = offsets.get(s.line) if s.index not in anchored else None
        off = f.start - s.stamp if f is not None and f.start is not None else None
        if f is not None and off is not None and current and (off > 0) == (current[0][1] > 0) \
                and abs(off - current[0][1]) <= SHIFT_SPREAD_MS:
            current.append((f, off))
            continue
        if len(current) >= SHIFTED_RUN:
            runs.append(current)
        current = [(f, off)] if f is not None and off is not None else []
    if len(current) >= SHIFTED_RUN:
        runs.append(current)
    grouped = {id(f) for run in runs for f, _ in run}
    out = [f for f in found if id(f) not in grouped]
    for run in runs:
        offs = [off for _, off in run]
        mean = sum(offs) / len(offs)
        how = "early" if mean > 0 else "late"
        first, last = run[0][0], run[-1][0]
        out.append(Finding(
            "stamps_shifted", "warning", first.line, first.start, last.start, None,
            f"the stamps of {counted(len(run), 'turn')} (lines {first.line}-{last.line}) are {abs(mean) / 1000:.1f} s "
            f"{how} against this recording (each between {min(offs, key=abs) / 1000:+.1f} and "
            f"{max(offs, key=abs) / 1000:+.1f} s); their words were aligned where they were found. "
            "`align check --audio --fix-stamps` writes the transcript with corrected stamps.",
        ))
    return out


MIN_CUT_WORDS = 3  # a run of unplaced words this long with no room for it is reported as cut, not unplaced


def _cut_runs(words: list[Word], th: Thresholds,
              speech: list[tuple[int, int]]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Runs of unplaced words of one turn (all of it, or a part), where between their placed
    neighbours there is less speech (speech activity; all of the time when there is none) than
    half of what they need even at th.fast_rate: not in the recording (an edit), not merely hard
    to hear. Each as its positions in words [a, b) and the room between the neighbours (ms)."""
    out: list[tuple[tuple[int, int], tuple[int, int]]] = []
    k = 0
    while k < len(words):
        if words[k].aligned or is_tag(words[k].word):
            k += 1
            continue
        j = k
        while j < len(words) and not words[j].aligned and words[j].segment == words[k].segment:
            j += 1
        run = [w for w in words[k:j] if not is_tag(w.word)]
        before = words[k - 1] if k and words[k - 1].aligned else None
        after = words[j] if j < len(words) and words[j].aligned else None
        if len(run) >= MIN_CUT_WORDS and before is not None and after is not None:
            room = after.start - before.end
            said = sum(max(0, min(b, after.start) - max(a, before.end)) for a, b in speech) if speech else room
            need = text_syllables(" ".join(w.word for w in run)) / th.fast_rate * 1000
            if said < need / 2:
                out.append(((k, j), (before.end, max(before.end, after.start))))
        k = j
    return out


def _between(a: int, b: int) -> str:
    """Where a cut is: in the pause between the words heard either side (a point when they touch)."""
    return f"at {clock(a, True)}" if b - a < 1000 else f"in the {(b - a) / 1000:.1f} s pause at {clock(a, True)}"


def _cut_finding(run: list[Word], room: tuple[int, int], seg: Segment, whole: bool,
                 other: str | None = None) -> Finding:
    """other: the speaker whose words come right before the run's, when another one's: the first
    words of a turn may then have been said over theirs, where the aligner looked and did not hear
    them (passes.overlap_pass)."""
    sample = " ".join(w.word for w in run[:8]) + (" ..." if len(run) > 8 else "")
    what = f"{seg.speaker}'s turn" if whole else f"{counted(len(run), 'word')} of {seg.speaker}'s turn"
    why = "cut after transcription?" if whole or other is None or other == seg.speaker else \
        f"cut after transcription, or said over {other}'s last words and lost under them?"
    return Finding(
        "not_in_audio", "warning", seg.line, room[0], room[1], seg.speaker,
        f"{what} ({sample!r}) not in the recording: they would have been {_between(*room)}, where the words "
        f"either side are heard with no speech between; {why} They are left unaligned.",
    )


def _segment_at(segs: tuple[Segment, ...], starts: list[int], t: int) -> Segment:
    """The segment in which time t falls (the first one for times before it)."""
    import bisect

    return segs[max(0, min(bisect.bisect_right(starts, t) - 1, len(segs) - 1))]


def _uncovered(segs, words: list[Word], speech: list[tuple[int, int]], th: Thresholds) -> list[Finding]:
    """Speech-activity time that no aligned word (with a little margin) covers."""
    covered = sorted((w.start - WORD_COVER_MS, w.end + WORD_COVER_MS) for w in words if w.aligned)
    starts = [s.start for s in segs]
    out = []
    j = 0
    for a, b in speech:
        # subtract covered intervals from [a, b)
        pieces, cur = [], a
        while j < len(covered) and covered[j][1] <= a:
            j += 1
        k = j
        while k < len(covered) and covered[k][0] < b:
            ca, cb = covered[k]
            if ca > cur:
                pieces.append((cur, min(ca, b)))
            cur = max(cur, cb)
            k += 1
        if cur < b:
            pieces.append((cur, b))
        for pa, pb in pieces:
            if pb - pa >= th.untranscribed_ms:
                s = _segment_at(segs, starts, pa)
                out.append(Finding(
                    "untranscribed_speech", "warning", s.line, pa, pb, None,
                    f"{(pb - pa) / 1000:.1f} s of speech at {clock(pa, True)} is not covered by any transcript word "
                    f"(near {s.speaker}'s turn, line {s.line}): untranscribed speech, crosstalk or noise.",
                ))
    return out


def _silences(segs, words: list[Word], speech: list[tuple[int, int]], th: Thresholds) -> list[Finding]:
    """Silences (no speech activity at all) longer than the threshold, within the transcript's span."""
    out: list[Finding] = []
    placed = [w for w in words if w.aligned]
    if not placed:
        return out
    lo, hi = placed[0].start, placed[-1].end
    starts = [s.start for s in segs]
    prev_end = lo
    for a, b in speech + [(hi, hi)]:
        a, b = max(a, lo), min(b, hi)
        if a - prev_end >= th.long_silence_ms:
            s = _segment_at(segs, starts, prev_end)
            out.append(Finding(
                "long_silence", "info", s.line, prev_end, a, None,
                f"{(a - prev_end) / 1000:.1f} s of silence from {clock(prev_end, True)}: a pause, or a cut to make.",
            ))
        prev_end = max(prev_end, b)
    return out


BLOCK_KINDS = ("untranscribed_speech", "long_silence")  # what an inserted block's own finding replaces inside it


def _sounding(before: int, after: int, regions: list[tuple[int, int]]) -> tuple[int, int]:
    """The part of the audio between two words that sounds: an advert is inserted in a pause,
    and starts (and ends) with its own sound, not with the words either side."""
    starts = [a for a, _ in regions if before <= a < after]
    ends = [b for _, b in regions if before < b <= after]
    lo = min(starts, default=before)
    hi = max(ends, default=after)
    return (lo, hi) if hi - lo >= DRIFT_MS else (before, after)


def check_anchoring(stamped: tuple[Segment, ...], anchoring: Anchoring, words: list[Word], audio_ms: int,
                    found: list[Finding], regions: list[tuple[int, int]] | None = None) -> list[Finding]:
    """What anchoring found, one finding per block: audio no transcript text covers (an advert, a
    break, an aside), turns not in the recording, and the stamps of each run of turns that moved.
    Replaces the findings that only describe pieces of those blocks. regions (speech activity):
    an inserted block starts where sound starts after the last word, not at the word."""
    by_index = {s.index: s for s in stamped}
    placed: dict[int, list[Word]] = {}
    for w in words:
        if w.aligned:
            placed.setdefault(w.segment, []).append(w)
    out: list[Finding] = []
    blocks = []
    gaps = []  # (last word before, first word after, line, where) at every break and every split
    for b in anchoring.breaks:
        if b.shift > 0:
            before = next((placed[i][-1].end for i in range(b.after, 0, -1) if i in placed), 0)
            after = next((placed[i][0].start for i in range(b.before, len(stamped) + 1) if i in placed), audio_ms)
            prev = by_index.get(b.after)
            gaps.append((before, after, by_index[b.before].line,
                         f"between {prev.speaker}'s turn (line {prev.line}) and the next" if prev else
                         "before the first turn"))
    for seg, cut in anchoring.splits.items():
        mine = [w for w in words if w.segment == seg]
        head = [w for w in mine[:cut.at] if w.aligned]
        tail = [w for w in mine[cut.at:] if w.aligned]
        if head and tail:
            s = by_index[seg]
            gaps.append((head[-1].end, tail[0].start, s.line, f"inside {s.speaker}'s turn (line {s.line})"))
    for before, after, line, place in sorted(gaps):
        if after - before < DRIFT_MS:
            continue
        before, after = _sounding(before, after, regions or [])
        blocks.append((before, after))
        out.append(Finding(
            "inserted_audio", "warning", line, before, after, None,
            f"{(after - before) / 1000:.1f} s of audio at {clock(before, True)} that no transcript text covers, {place}: "
            "an advert, an intro or a part the transcript lacks; the words after it were found where they are.",
        ))
    gone = [s for s in stamped if s.index in anchoring.absent]
    runs: list[list[Segment]] = []
    for s in gone:
        if runs and runs[-1][-1].index == s.index - 1:
            runs[-1].append(s)
        else:
            runs.append([s])
    for run in runs:  # where they would have been: in the room between the words either side
        after = next((placed[i][0].start for i in range(run[-1].index + 1, len(stamped) + 1) if i in placed), audio_ms)
        before = next((placed[i][-1].end for i in range(run[0].index - 1, 0, -1) if i in placed), after)
        after = max(before, after)
        text = " ".join(s.text for s in run).split()
        sample = " ".join(text[:8]) + (" ..." if len(text) > 8 else "")
        out.append(Finding(
            "not_in_audio", "warning", run[0].line, before, after, run[0].speaker,
            f"{counted(len(run), 'turn')} ({counted(len(text), 'word')}: {sample!r}) not in the recording: they would "
            f"have been {_between(before, after)}; cut after transcription? Their words are left unaligned.",
        ))
    pieces: list[list[Segment]] = []  # runs of moved turns, each within a drift of its first
    first_off = 0
    for s in stamped:
        off = anchoring.offsets.get(s.index, 0)
        if s.index in anchoring.absent or s.stamp is None:  # no stamp (plain text): none to be off
            continue
        if not off:
            first_off = 0
            continue
        if first_off and abs(off - first_off) <= DRIFT_MS and pieces:
            pieces[-1].append(s)
        else:
            pieces.append([s])
            first_off = off
    shifted_lines: set[int] = set()
    for piece in pieces:
        offs = [anchoring.offsets.get(s.index, 0) for s in piece]
        if not any(offs):
            continue
        mean = sum(offs) / len(offs)
        if abs(mean) <= DRIFT_MS:
            continue  # a few seconds: each such turn has its own stamp_offset finding
        shifted_lines.update(x.line for x in piece)
        how = "early" if mean > 0 else "late"
        span = f"lines {piece[0].line}-{piece[-1].line}" if len(piece) > 1 else f"line {piece[0].line}"
        out.append(Finding(
            "stamps_shifted", "warning", piece[0].line, None, None, None,
            f"the stamps of {counted(len(piece), 'turn')} ({span}) are {abs(mean) / 1000:.1f} s {how} against this "
            "recording; their words were aligned where they were found. "
            "`align check --audio --fix-stamps` writes the transcript with corrected stamps.",
        ))
    kept = [f for f in found if not (f.kind in BLOCK_KINDS and f.start is not None
                                     and any(a - 500 <= f.start and (f.end or f.start) <= b + 500 for a, b in blocks))]
    gone_lines = {s.line for s in gone}  # said by the not_in_audio findings above, a run of turns each
    kept = [f for f in kept if not (f.kind in ("unaligned_words", "not_in_audio") and f.line in gone_lines)]
    offset_at = {s.line: anchoring.offsets.get(s.index, 0) for s in stamped}
    stamp_at = {s.line: s.stamp for s in stamped}
    kept = [f for f in kept if not (f.kind == "beyond_audio" and f.start is not None
                                    and f.start + offset_at.get(f.line or 0, 0) < audio_ms)]
    # a turn of a shifted run whose speech is where the run's shift puts it has nothing of its own to say
    kept = [f for f in kept if not (f.kind == "stamp_offset" and f.line in shifted_lines and f.start is not None
                                    and (stamp := stamp_at.get(f.line)) is not None
                                    and abs(f.start - stamp - offset_at.get(f.line, 0)) <= DRIFT_MS)]
    # a slot judged from the stamps alone is not the turn's slot in the recording when a break moved
    # one of its ends (the last turn of a transcript before adverts ends the recording's extra minutes)
    shift = anchoring.offsets
    moved_by = {s.line: (shift.get(nxt.index, 0) if nxt else 0) - shift.get(s.index, 0)
                for s, nxt in zip(stamped, stamped[1:] + (None,))}
    kept = [f for f in kept if not (f.kind == "gap" and abs(moved_by.get(f.line or 0, 0)) > DRIFT_MS)]
    return kept + out
