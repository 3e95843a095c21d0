"""The aligner's first pass: trusted where transcript, stamps and speech agree, refused elsewhere."""

import pytest
from conftest import INTERVIEW_TEXT, INTERVIEW_TRUTH
from test_aligner import sentence_errors, shift_stamps

import align_transcripts.aligner as aligner
import align_transcripts.passes as passes
from align_transcripts.aligner import align, align_words, plan, tokenize
from align_transcripts.chain import _inside, _longest, _uncovered, first_pass
from align_transcripts.reconcile import reconcile
from align_transcripts.search import SphinxSearch
from align_transcripts.text import ends_sentence
from align_transcripts.transcript import parse_transcript
from align_transcripts.types import Job
from align_transcripts.vad import speech_regions

pytestmark = pytest.mark.slow  # real alignments or command-line runs

TRUTH = INTERVIEW_TRUTH
TEXT = INTERVIEW_TEXT


@pytest.fixture(scope="module")
def audio(interview_audio):
    return interview_audio


@pytest.fixture(scope="module")
def jobs(audio):
    segs = reconcile(parse_transcript(TEXT), audio.duration).segments
    return plan(segs, tokenize(segs), audio.duration)


def attempt(audio, job, ahead, start, at_floor=True, end=None, rescue=False):
    end = end or job.slot_end + 1500
    return first_pass(job, ahead, SphinxSearch(audio.samples), start, end, at_floor, speech_regions(audio.samples),
                      rescue=rescue)


def run(audio, *args, **kw):
    """The chain's placements as (start, end, score) in token order, or None when it is rejected."""
    a = attempt(audio, *args, **kw)
    return [(p.start, p.end, p.score) for p in a.placed] if a.accepted else None


def test_turn_with_good_stamp_is_placed_by_the_chain(audio, jobs):
    tom, priya = jobs[1], jobs[2]
    out = run(audio, tom, priya.tokens, start=int(TRUTH[1]["end"] * 1000))
    assert out is not None and len(out) == len(tom.tokens)
    wide = run(audio, tom, priya.tokens, start=int(TRUTH[1]["end"] * 1000), rescue=True)
    assert [r[:2] for r in wide] == [r[:2] for r in out]  # wide beams place a clear voice the same
    # raw decoder edges, before align.boundaries refines those next to pauses
    assert abs(out[0][0] - TRUTH[2]["start"] * 1000) <= 80
    assert abs(out[-1][1] - TRUTH[3]["end"] * 1000) <= 80
    assert all(a[1] <= b[0] for a, b in zip(out, out[1:]))


def test_the_chain_hears_where_the_next_turn_begins(audio, jobs):
    tom, priya = jobs[1], jobs[2]
    chained = attempt(audio, tom, priya.tokens, int(TRUTH[1]["end"] * 1000))
    assert chained.accepted and abs(chained.onset - TRUTH[4]["start"] * 1000) <= 100  # Priya's first word


def test_a_turn_after_a_trusted_one_is_searched_from_its_onset(audio, monkeypatch):
    starts = []

    def spy(job, ahead, search, start, *rest):
        starts.append((job.segment, start))
        return first_pass(job, ahead, search, start, *rest)

    monkeypatch.setattr(passes, "first_pass", spy)
    align_words(reconcile(parse_transcript(TEXT), audio.duration).segments, audio, workers=1)
    onsets = {3: TRUTH[4]["start"], 4: TRUTH[6]["start"]}  # Priya's turn, Tom's reply
    for segment, start in starts:
        if segment in onsets:  # just before the onset, not back at the previous turn's last word
            assert 0 < onsets[segment] * 1000 - start <= 450, (segment, start)
    assert {s for s, _ in starts} >= set(onsets)


def test_untranscribed_sentence_is_refused(audio, jobs):
    tom, priya = jobs[1], jobs[2]
    short = Job(tom.segment, tom.start, tom.end, tom.slot_start, tom.slot_end, tom.tokens[:5])  # first sentence only
    assert [t.text for t in short.tokens][-1] == "Nadia."
    refused = attempt(audio, short, priya.tokens, start=int(TRUTH[1]["end"] * 1000))
    assert not refused.accepted and refused.reason  # (here: "to" is stretched over the untranscribed sentence)


def test_stamp_far_from_the_words_is_refused(audio, jobs):
    tom, priya = jobs[1], jobs[2]
    late = Job(tom.segment, tom.start, tom.end, tom.slot_start + 3000, tom.slot_end + 3000, tom.tokens)
    refused = attempt(audio, late, priya.tokens, start=int(TRUTH[1]["end"] * 1000), end=tom.slot_end + 1500)
    assert not refused.accepted and "from where its stamp says" in refused.reason


def test_window_starting_inside_speech_is_refused_unless_at_the_previous_words(audio, jobs):
    tom, priya = jobs[1], jobs[2]
    inside = int(TRUTH[1]["end"] * 1000) - 400  # the last word of the previous turn
    refused = attempt(audio, tom, priya.tokens, start=inside, at_floor=False)
    assert not refused.accepted and refused.reason == "the window starts inside speech"


@pytest.mark.parametrize("rescue", [False, True])
def test_turn_not_in_the_audio_is_refused(audio, jobs, rescue):
    tom, priya = jobs[1], jobs[2]
    other = parse_transcript("A (00:00:07):\n\nPlease shorten this skirt for Joyce before the party.\n")
    seg = reconcile(other, audio.duration).segments[0]
    wrong = Job(tom.segment, tom.start, tom.end, tom.slot_start, tom.slot_end, tuple(tokenize([seg])))
    assert run(audio, wrong, priya.tokens, start=int(TRUTH[1]["end"] * 1000), rescue=rescue) is None


def test_first_pass_agrees_with_the_full_search(audio):
    segs = reconcile(parse_transcript(TEXT), audio.duration).segments
    fast = align_words(segs, audio, workers=1)
    without = align(segs, audio, workers=1, passes=("full", "full-wide", "rescue"))
    assert all(t.placed_by in ("full", "full-wide") and "chain" not in [x.name for x in t.tried] for t in without.trace)
    full = without.words
    assert [w.word for w in fast] == [w.word for w in full]
    assert all(w.aligned for w in fast)
    # the chain's window starts elsewhere (just before the onset), so PocketSphinx's per-window
    # cepstral mean differs a little: a word boundary inside a phrase may move by a few frames
    assert max(max(abs(a.start - b.start), abs(a.end - b.end)) for a, b in zip(fast, full)) <= 80
    ends = [k for k, w in enumerate(full) if ends_sentence(w.word)]
    assert max(abs(fast[k].end - full[k].end) for k in ends) <= 30  # where sentences end
    assert max(abs(fast[k].start - full[k].start) for k in [0] + [k + 1 for k in ends[:-1]]) <= 30  # and begin


def test_an_unknown_pass_or_engine_is_named(audio):
    segs = reconcile(parse_transcript(TEXT), audio.duration).segments
    with pytest.raises(ValueError, match="no such pass: chian"):
        align(segs, audio, passes=("chian",))
    with pytest.raises(ValueError, match="no such engine: nmupy"):
        align(segs, audio, engine="nmupy")


def test_uncovered_speech_and_inside():
    regions = [(1000, 2000), (3000, 5000)]
    assert _uncovered(regions, [(1000, 2000), (3000, 5000)], 0, 6000) == 0
    assert _uncovered(regions, [(1000, 2000), (3000, 3500)], 0, 6000) == 1500
    assert _uncovered(regions, [(1000, 2000)], 0, 4000) == 1000  # only up to hi
    assert _uncovered(regions, [], 1500, 2500) == 500  # only from lo
    # a phrase with short pauses at its commas: the longest pause counts, not their sum
    assert _uncovered(regions, [(3000, 3300), (3600, 4200), (4500, 5000)], 2500, 6000) == 300
    assert _uncovered(regions, [(3600, 4200), (3000, 3300), (4500, 5000), (1000, 2000)], 0, 6000) == 300
    assert _inside(regions, 1500) and _inside(regions, 4999)
    assert not _inside(regions, 1000) and not _inside(regions, 2500) and not _inside(regions, 500)


def test_stamps_all_late_by_the_same_seconds_still_take_the_first_pass(audio, monkeypatch):
    late = shift_stamps(TEXT, [3, 3, 3, 3])  # the recording lost 3 s of its start after transcription
    done = align(reconcile(parse_transcript(late), audio.duration).segments, audio, workers=1)
    words = done.words
    # only the first turn is searched fully: it has no placed turn before it to measure the offset
    assert [t.segment for t in done.trace if t.placed_by != "chain"] == [1]
    assert done.trace[0].tried[0].name == "chain" and done.trace[0].tried[0].reason
    assert all(w.aligned for w in words)
    assert max(abs(x) for e in sentence_errors(words) for x in e) <= 50


def test_hesitations_may_be_drawn_out():
    assert _longest("uh") == _longest("um") == 1500  # "uhhh": 540 ms in MFA's test corpus
    assert _longest("a") == 450 and _longest("different") == 300 + 150 * 7


def test_first_turns_of_blocks_take_the_first_pass_when_their_stamps_agree(audio, monkeypatch):
    monkeypatch.setattr(aligner, "MIN_BLOCK_MS", 5000)  # the 22 s fixture in several blocks, each with a warm-up
    segs = reconcile(parse_transcript(TEXT), audio.duration).segments
    assert len(aligner._blocks(aligner.plan(segs, tokenize(segs), audio.duration), 4)) == 4  # a turn each
    done = align(segs, audio, workers=1)
    words = done.words
    # the first turn and each block's warm-up started where speech begins
    assert [t.placed_by for t in done.trace] == ["chain"] * len(done.trace)
    assert all(w.aligned for w in words)
    assert max(abs(x) for e in sentence_errors(words) for x in e) <= 50
