"""Continuous segments: contiguous, ordered, covering every turn; repairs are defined and reported."""
from hypothesis import given, settings
from hypothesis import strategies as st

from align_transcripts import Paragraph, Transcript, Turn, reconcile
from align_transcripts.reconcile import _split, kept_stamps


def tr(*items):
    return Transcript(tuple(
        Turn(sp, st_, i * 4 + 1, tuple(Paragraph(p, i * 4 + 3) for p in ([text] if text else [])))
        for i, (sp, st_, text) in enumerate(items)
    ))


def test_end_is_next_start_and_last_ends_at_audio():
    r = reconcile(tr(("A", 0, "one two three"), ("B", 5000, "four five"), ("A", 9000, "six")), audio_ms=12_000)
    assert [(s.start, s.end) for s in r.segments] == [(0, 5000), (5000, 9000), (9000, 12_000)]
    assert r.findings == ()


def test_last_end_estimated_without_audio():
    r = reconcile(tr(("A", 0, "word " * 20), ("B", 10_000, "word " * 20)))
    last = r.segments[-1]
    # 20 one-syllable words at the measured/default rate: a few seconds, never zero
    assert 2_000 <= last.end - last.start <= 10_000


def test_same_second_shared_by_text():
    r = reconcile(tr(("A", 0, "a"), ("B", 10_000, "short"), ("A", 10_000, "a much longer answer with many words in it"),
                     ("B", 20_000, "x")), audio_ms=25_000)
    b, a = r.segments[1], r.segments[2]
    assert b.start == 10_000 and a.end == 20_000 and b.end == a.start
    assert b.duration < a.duration
    assert b.group == a.group == (10_000, 20_000)


def test_backwards_stamp_is_repaired_and_reported():
    r = reconcile(tr(("A", 0, "a b"), ("B", 30_000, "c d"), ("A", 20_000, "e f"), ("B", 40_000, "g")), audio_ms=50_000)
    starts = [s.start for s in r.segments]
    assert starts == sorted(starts) and starts[2] > 30_000 and starts[3] == 40_000
    assert [(f.kind, f.line, f.severity) for f in r.findings] == [("non_monotonic", 9, "error")]


def test_a_typo_in_one_stamp_drops_that_stamp_not_its_neighbours():
    # 00:50 between 00:10 and 00:20: the 00:50 is the odd one out
    r = reconcile(tr(("A", 0, "a"), ("B", 10_000, "b"), ("A", 50_000, "c"), ("B", 20_000, "d"), ("A", 30_000, "e")))
    assert [f.line for f in r.findings] == [9]
    assert r.segments[3].start == 20_000


def test_kept_stamps_is_a_longest_ordered_subset():
    assert kept_stamps([0, 10, 5, 20, None, 30]) == {0, 1, 3, 5}
    assert kept_stamps([None, None]) == set()


def test_missing_stamp_estimated_between_neighbours():
    r = reconcile(tr(("A", 0, "a b c d"), ("B", None, "e f g h"), ("A", 8000, "i")), audio_ms=9000)
    assert 0 < r.segments[1].start < 8000


@given(st.integers(0, 10**6), st.integers(0, 10**6), st.lists(st.integers(1, 50), min_size=1, max_size=30))
def test_split_properties(a, length, weights):
    b = _split(a, a + length, weights)
    assert b[0] == a and len(b) == len(weights) + 1
    assert all(x < y for x, y in zip(b, b[1:]))
    assert b[-1] >= a + length


texts = st.lists(st.sampled_from(["", "yes", "well I think so", "the quick brown fox jumps over the lazy dog"]), min_size=1)
stamps = st.one_of(st.none(), st.integers(0, 600).map(lambda s: s * 1000))


@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C"]), stamps, st.sampled_from(["", "yes", "hello there my friend"])),
                min_size=1, max_size=40), st.one_of(st.none(), st.integers(1, 700_000)))
@settings(max_examples=300, deadline=None)
def test_segments_contiguous_ordered_covering(items, audio_ms):
    if all(s is None for _, s, _ in items):
        items[0] = (items[0][0], 0, items[0][2])
    t = tr(*items)
    r = reconcile(t, audio_ms)
    segs = r.segments
    assert len(segs) == len(t.turns)
    assert [s.index for s in segs] == list(range(1, len(segs) + 1))
    assert [s.line for s in segs] == [x.line for x in t.turns]
    assert all(s.end > s.start >= 0 for s in segs)
    assert all(x.end == y.start for x, y in zip(segs, segs[1:]))
    if audio_ms is not None and audio_ms > segs[-1].start:
        assert segs[-1].end == audio_ms
    kept = kept_stamps([x.stamp for x in t.turns])
    # a kept stamp is where its slot starts (shared with same-second turns)
    for i in kept:
        assert segs[i].group[0] == t.turns[i].stamp
    dropped = sum(1 for i, x in enumerate(t.turns) if x.stamp is not None and i not in kept)
    assert len(r.findings) == dropped


@given(st.lists(st.one_of(st.none(), st.integers(0, 20)), max_size=30))
def test_kept_stamps_is_ordered_and_maximal(seq):
    kept = sorted(kept_stamps(seq))
    vals = [seq[i] for i in kept]
    assert all(seq[i] is not None for i in kept)
    assert vals == sorted(vals)
    # longest non-decreasing subsequence by plain O(n^2) dynamic programming
    best = []
    for i, v in enumerate(seq):
        if v is None:
            best.append(0)
            continue
        best.append(1 + max((best[j] for j in range(i) if seq[j] is not None and seq[j] <= v), default=0))
    assert len(kept) == max(best, default=0)
