"""Anchoring without audio: a spotter written by hand hears each turn where a table of true offsets puts it."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from align_transcripts.anchor import Anchor, Break, Probe, anchor, anchored_segments
from align_transcripts.audio import Audio
from align_transcripts.types import Segment

SENTENCE = "the committee approved the harbour budget after a long debate about ferries and bridges"


def segments(n: int, every: int = 10_000) -> tuple[Segment, ...]:
    return tuple(Segment(i, "A" if i % 2 else "B", (i - 1) * every, i * every, f"item {i} {SENTENCE}", 2 * i,
                         (i - 1) * every)
                 for i in range(1, n + 1))


@dataclass
class FakeSpotter:
    """Hears a probe at its stamp plus its turn's true offset, when that lies in the window; absent turns nowhere."""

    offsets: dict[int, int]
    absent: set[int] = field(default_factory=set)
    calls: list[tuple[int, int]] = field(default_factory=list)

    def __call__(self, group: list[Probe], lo: int, hi: int) -> list[Anchor | None]:
        self.calls.append((lo, hi))
        out: list[Anchor | None] = []
        for p in group:
            at = p.stamp + self.offsets.get(p.segment, 0)
            ok = p.segment not in self.absent and lo <= at and at + p.length <= hi
            out.append(Anchor(p.segment, at, at + p.length, at - p.stamp, -1.0) if ok else None)
        return out


def audio(ms: int) -> Audio:
    return Audio(np.zeros(ms * 16, dtype=np.int16))


def test_a_good_transcript_moves_nothing():
    segs = segments(40)
    found = anchor(segs, audio(400_000), FakeSpotter({}))
    assert not found.moved and found.breaks == () and found.absent == frozenset()


def test_an_advert_moves_every_turn_after_it_and_is_found_between_the_right_turns():
    segs = segments(40)
    truth = {i: (45_000 if i > 17 else 0) for i in range(1, 41)}
    found = anchor(segs, audio(445_000), FakeSpotter(truth))
    assert found.offsets == truth
    assert [(b.after, b.before, b.shift) for b in found.breaks] == [(17, 18, 45_000)]
    moved = anchored_segments(segs, found, 445_000)
    assert moved[17].start == segs[17].start + 45_000 and moved[16].end == moved[17].start


def test_three_adverts_each_found():
    segs = segments(60)
    truth = {i: 30_000 * (i > 12) + 90_000 * (i > 30) + 20_000 * (i > 47) for i in range(1, 61)}
    found = anchor(segs, audio(600_000 + 140_000), FakeSpotter(truth))
    assert {k: v for k, v in found.offsets.items()} == truth
    assert [(b.after, b.shift) for b in found.breaks] == [(12, 30_000), (30, 90_000), (47, 20_000)]


def test_cut_turns_are_absent_and_the_rest_move_back():
    segs = segments(40)
    gone = {20, 21, 22}
    truth = {i: (-30_000 if i > 22 else 0) for i in range(1, 41)}
    found = anchor(segs, audio(370_000), FakeSpotter(truth, gone))
    assert found.absent == gone
    assert all(found.offsets[i] == truth[i] for i in range(1, 41) if i not in gone)
    moved = anchored_segments(segs, found, 370_000)
    assert all(moved[i - 1].duration == 0 for i in gone)  # no slot: never searched for
    assert [s.start for s in moved] == sorted(s.start for s in moved)


def test_a_recording_that_lost_its_start():
    segs = segments(30)
    truth = {i: -20_000 for i in range(1, 31)}
    found = anchor(segs, audio(280_000), FakeSpotter(truth, {1, 2}))
    assert found.absent == {1, 2} and found.offsets[3] == -20_000


def test_a_sentence_said_twice_is_no_probe():
    from align_transcripts.anchor import probe_table

    segs = segments(4)
    twice = segs[:3] + (Segment(4, "B", 30_000, 40_000, segs[1].text, 8, 30_000),)
    assert sorted(probe_table(twice)) == [1, 3]


def test_a_transcript_of_another_recording_finds_no_anchor_and_stops():
    segs = segments(30)
    spotter = FakeSpotter({}, set(range(1, 31)))
    found = anchor(segs, audio(300_000), spotter)
    assert found.anchors == () and len(spotter.calls) <= 6  # the first group, widened to the whole recording


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(3, 57), st.integers(15_000, 120_000)), min_size=1, max_size=4,
                unique_by=lambda x: x[0]))
def test_any_adverts_anywhere_are_found(ads):
    """Adverts of 15-120 s after any turns: every turn's offset is the sum of those before it."""
    segs = segments(60)
    truth = {i: sum(length for after, length in ads if i > after) for i in range(1, 61)}
    found = anchor(segs, audio(600_000 + sum(x for _, x in ads)), FakeSpotter(truth))
    assert found.offsets == truth


@dataclass
class TextSpotter:
    """Hears each probe where a table of its text says it is said, when that lies in the window."""

    at: dict[str, int]

    def __call__(self, group: list[Probe], lo: int, hi: int) -> list[Anchor | None]:
        out: list[Anchor | None] = []
        for p in group:
            t = next((ms for text, ms in self.at.items() if p.text.startswith(text)), None)
            out.append(Anchor(p.segment, t, t + p.length, t - p.stamp, -1.0) if t is not None and lo <= t <= hi else None)
        return out


def test_an_advert_inside_a_turn_splits_it_where_its_sentences_resume():
    from align_transcripts.anchor import find_split

    text = ("The harbour budget passed on Tuesday evening. The ferries will run until midnight in the summer. "
            "Bridges come next year after the council votes again. Diesel prices decide the rest of the plan.")
    seg = Segment(5, "A", 100_000, 120_000, text, 9, 100_000)
    spotter = TextSpotter({"The harbour": 100_000, "The ferries": 105_000, "Bridges come": 150_000,
                           "Diesel prices": 155_000})
    cut = find_split(spotter, seg, 0, 160_000)
    assert cut is not None and cut.at == len("The harbour budget passed on Tuesday evening. The ferries will run "
                                             "until midnight in the summer.".split())
    assert cut.resume == 150_000 and 100_000 < cut.pause < 120_000 and 0 < cut.length < 20_000


def test_a_turn_wholly_before_the_advert_is_not_split():
    from align_transcripts.anchor import find_split

    text = "The harbour budget passed on Tuesday evening. The ferries will run until midnight in the summer."
    seg = Segment(5, "A", 100_000, 110_000, text, 9, 100_000)
    assert find_split(TextSpotter({"The harbour": 100_000, "The ferries": 105_000}), seg, 0, 155_000) is None


@dataclass
class TailSpotter:
    """Hears a probe that ends with the given words at a given time, when the window holds it."""

    words: str
    at: int

    def __call__(self, group: list[Probe], lo: int, hi: int) -> list[Anchor | None]:
        return [Anchor(p.segment, self.at, self.at + p.length, self.at - p.stamp, -1.0)
                if p.text.endswith(self.words) and lo <= self.at and self.at + p.length <= hi else None
                for p in group]


def test_a_turn_an_advert_follows_ends_where_its_last_words_are_heard():
    from align_transcripts.anchor import heard_end

    text = "The harbour budget passed on Tuesday evening. Diesel prices decide the rest of the plan for the ferries."
    seg = Segment(5, "A", 100_000, 120_000, text, 9, 100_000)
    spotter = TailSpotter("for the ferries.", 108_000)
    end = heard_end(spotter, seg, 100_000, 180_000)
    assert end is not None and 108_000 < end < 120_000  # its last twelve words, heard at 108 s
    assert heard_end(TailSpotter("never said", 108_000), seg, 100_000, 180_000) is None  # the caller uses the stamps
    assert heard_end(spotter, seg, 180_000, 100_000) is None  # no room between the turn and the next


def test_after_an_advert_the_turn_before_it_gets_an_end_and_the_next_does_not():
    segs = segments(40)
    truth = {i: (45_000 if i > 17 else 0) for i in range(1, 41)}
    found = anchor(segs, audio(445_000), FakeSpotter(truth))
    assert set(found.ends) == {17}
    # the fake hears the tail probe (stamped at the turn's end) one probe length later; the window
    # ends before the next turn's words, never inside the advert's 45 s
    assert segs[16].end <= found.ends[17] < segs[17].start + 45_000


def test_the_turns_halfway_between_two_anchors_are_spotted_under_either_offset_only():
    """A 120 s advert somewhere between two anchors: the middle turns are looked for in two short
    windows (where either anchor's offset puts them), not in the whole run's audio."""
    from align_transcripts.anchor import halved, probe_table

    segs = segments(60)
    truth = {i: (120_000 if i > 40 else 0) for i in range(1, 61)}
    table = probe_table(segs)
    spotter = FakeSpotter(truth)
    a = Anchor(10, segs[9].start, segs[9].start + 3000, 0, -1.0)
    b = Anchor(50, segs[49].start + 120_000, segs[49].start + 123_000, 120_000, -1.0)
    group = [table[i] for i in range(11, 50) if i in table]
    chain = halved(spotter, group, a, b)
    assert chain is not None and chain[0] == a and chain[-1] == b and len(chain) >= 4
    assert all(x.offset == truth[x.segment] for x in chain)
    assert [x.start for x in chain] == sorted(x.start for x in chain)
    assert sum(hi - lo for lo, hi in spotter.calls) * 2 < b.start - a.start
    gone = FakeSpotter(truth, absent={s.index for s in segs if 20 <= s.index <= 40})
    assert halved(gone, group, a, b) is None  # the middle turns are not in the audio: the caller spots every turn


def test_an_audio_spotter_searches_several_windows_in_one_call():
    from align_transcripts.anchor import AudioSpotter, probe_table

    segs = segments(3)
    p = probe_table(segs)[1]
    found = AudioSpotter(audio(30_000))
    got = found.each([([p], 0, 10_000), ([p], 10_000, 10_500)])
    assert len(got) == 2 and got[1] == [None] and found.searched == 10_500  # a window under a second holds no probe


def test_a_small_offset_next_to_a_moved_turn_is_kept():
    """Under the aligner's reach an offset is left to its windows, unless the turn next to it moved
    further: a 3.1 s cut measured as 2.8 s on one turn and 3.2 s on the next moves both."""
    from align_transcripts.anchor import _within_reach

    got = _within_reach({1: 0, 2: 400, 3: -2_800, 4: -3_200, 5: -2_900, 6: -2_700, 7: -2_600},
                        [1, 2, 3, 4, 5, 6, 7])
    assert got == {1: 0, 2: 0, 3: -2_800, 4: -3_200, 5: -2_900, 6: 0, 7: 0}


def test_an_advert_inside_one_long_sentence_splits_it_at_a_clause():
    from align_transcripts.anchor import find_split

    text = ("The harbour budget passed on Tuesday evening after a long debate in the chamber, "
            "and the ferries will run until midnight in the summer months from now on.")
    seg = Segment(5, "A", 100_000, 110_000, text, 9, 100_000)
    cut = find_split(TextSpotter({"The harbour": 100_000, "and the ferries": 150_000}), seg, 0, 160_000)
    assert cut is not None and seg.text.split()[cut.at] == "and" and cut.resume == 150_000


@dataclass
class PieceSpotter:
    """Hears a probe where its words are said, only when all of them are said in one stretch of
    the recording (a probe that runs across an advert is heard nowhere)."""

    stretches: list[tuple[str, int]]  # text said without a break, and where it starts (ms)

    def __call__(self, group: list[Probe], lo: int, hi: int) -> list[Anchor | None]:
        out: list[Anchor | None] = []
        for p in group:
            t = next((at for text, at in self.stretches if text.startswith(p.text)), None)
            if t is None:
                t = next((at + 300 * text.split().index(p.text.split()[0]) for text, at in self.stretches
                          if f" {p.text} " in f" {text} "), None)
            out.append(Anchor(p.segment, t, t + p.length, t - p.stamp, -1.0) if t is not None and lo <= t <= hi else None)
        return out


def test_the_turn_after_a_break_keeps_its_first_sentence_before_the_advert():
    """Turn 3's first sentence is also said in turn 1, so its probe is its second: heard after the
    advert, it moves the turn; its first sentence is still before the advert, where it is said."""
    first = "Thank you all for coming out to the harbour tonight."
    texts = {1: f"{first} The committee approved the budget after a long debate about ferries.",
             2: "Bridges and tunnels were the next question on the evening agenda for everyone.",
             3: f"{first} Diesel prices will decide the rest of the plan for the coming winter.",
             4: "Nobody expected the vote to be so close at the end of the night in the hall."}
    segs = tuple(Segment(i, "A", (i - 1) * 10_000, i * 10_000, texts[i], 2 * i, (i - 1) * 10_000) for i in texts)
    ad = 60_000  # inserted after turn 3's first sentence, at about 24.5 s
    spotter = PieceSpotter([(texts[1] + " " + texts[2] + " " + first, 0),
                            ("Diesel prices will decide the rest of the plan for the coming winter. " + texts[4],
                             25_000 + ad)])
    found = anchor(segs, audio(100_000 + ad), spotter)
    # turn 3 keeps the offset of the turns before (its start is before the advert), turn 4 the advert's
    assert found.offsets.get(3, 0) == found.offsets.get(2, 0) and found.offsets[4] >= ad - 6_000
    cut = found.splits[3]
    assert texts[3].split()[cut.at] == "Diesel" and cut.resume >= 25_000 + ad - 1000
    assert [(b.after, b.before) for b in found.breaks] == [(3, 4)]  # the break follows the turn it is inside


def test_a_first_turn_that_lost_a_sentence_is_not_absent():
    """The recording lost 5 s from the first turn: its first sentence (its probe) is gone, its
    others are there. The turns after move earlier; the first turn is aligned, not declared absent."""
    lost = "Please shorten this skirt for Joyce before the party on Friday night."
    kept = "Positive results start when it goes towards the hand you use to make your mark."
    texts = {1: f"{lost} {kept}", 2: "The committee approved the harbour budget after a long debate about ferries.",
             3: "Bridges and tunnels were the next question on the evening agenda for everyone."}
    segs = tuple(Segment(i, "A", (i - 1) * 10_000, i * 10_000, texts[i], 2 * i, (i - 1) * 10_000) for i in texts)
    spotter = PieceSpotter([(f"{kept} {texts[2]} {texts[3]}", 0)])
    found = anchor(segs, audio(26_000), spotter)
    assert 1 not in found.absent
    assert -7_000 <= found.offsets[2] <= -3_000


def test_an_advert_between_two_words_of_a_clause_splits_the_turn_at_that_word():
    """No punctuation where the advert falls: the word is found by spotting, at each candidate,
    the words before it in place and the words from it after the advert; only at the true one
    are both heard (elsewhere one of the two runs across the advert)."""
    from align_transcripts.anchor import find_split

    words = ("the harbour budget passed on tuesday evening after a long debate about ferries "
             "while bridges and tunnels were left for another council meeting next spring").split()
    s = 11  # the advert falls before "about"
    seg = Segment(5, "A", 100_000, 110_000, " ".join(words), 9, 100_000)
    spotter = PieceSpotter([(" ".join(words[:s]), 100_000), (" ".join(words[s:]), 170_000)])
    cut = find_split(spotter, seg, 0, 200_000)
    assert cut is not None and cut.at == s and words[cut.at] == "about"
    assert cut.resume == 170_000 and cut.pause < cut.resume


def test_a_turn_between_two_anchors_that_lost_its_first_sentence_is_not_absent():
    """Turn 4's first sentence was cut (with the pause after it, 20 s in all): its last is there.
    The anchors either side disagree by the cut; turn 4 is aligned, not declared absent."""
    names = ["", "Anna", "Boris", "Clara", "", "Ewan", "Farah", "Gustav"]  # a probe's place is its first word's
    texts = {i: f"{names[i]} says {SENTENCE} and then some more words about the matter." for i in range(1, 8)}
    gone = "Bright sunshine shimmers on the ocean while the gulls wheel over the harbour wall."
    kept = "Nobody expected the vote to be so close at the end of the night in the hall."
    texts[4] = f"{gone} {kept}"
    starts, t = {}, 0
    for i in texts:  # PieceSpotter hears 300 ms a word: the stamps say the same
        starts[i] = t
        t += 300 * len(texts[i].split()) + (20_000 if i == 4 else 0)
    segs = tuple(Segment(i, "A", starts[i], starts[i + 1] if i + 1 in starts else t, texts[i], 2 * i, starts[i])
                 for i in texts)
    cut = 300 * len(gone.split()) + 20_000
    before = " ".join(texts[i] for i in (1, 2, 3))
    spotter = PieceSpotter([(before, 0), (f"{kept} " + " ".join(texts[i] for i in (5, 6, 7)), starts[4])])
    found = anchor(segs, audio(t - cut + 5_000), spotter)
    assert found.offsets[7] == -cut  # the turns after the cut moved by it
    assert 4 not in found.absent


def test_the_turn_before_a_cut_may_run_on_when_the_turn_after_was_not_heard():
    """Turn 5 says what turn 2 says (no probe), so whether the 20 s cut lies before or after it
    is not heard: turn 4's window may run on by the cut (unsure, negative: its end reaches further)."""
    texts = {i: f"item {i} {SENTENCE}" for i in range(1, 10)}
    texts[5] = texts[2]
    segs = tuple(Segment(i, "A", (i - 1) * 10_000, i * 10_000, texts[i], 2 * i, (i - 1) * 10_000) for i in texts)
    truth = {i: -20_000 for i in range(6, 10)}  # cut after turn 5
    found = anchor(segs, audio(70_000), FakeSpotter(truth))
    assert found.breaks == (Break(4, 5, -20_000),)  # unheard, turn 5 goes with the turns after the cut ...
    assert found.unsure[4] == -20_000  # ... and turn 4's window may reach over its slot


def test_a_turn_heard_by_a_later_sentence_keeps_its_own_anchors_offset():
    """Turn 5's probe is a sentence 6 s into it; the next anchor, 4 s on, moved 1.2 s more. The
    turn keeps the offset it was heard at: the slope between the anchors is not carried back
    over its first 6 s (that put a turn 3.5 s early on a recording with turns cut out)."""
    from align_transcripts.anchor import probe_table, resolve

    segs = segments(8)
    a = Anchor(5, segs[4].start + 6_000 - 9_300, segs[4].start + 8_000 - 9_300, -9_300, -1.0)
    b = Anchor(6, segs[5].start - 8_100, segs[5].start - 6_000, -8_100, -1.0)
    offsets, gone = resolve(FakeSpotter({}), segs, probe_table(segs), a, b)
    assert offsets == {5: -9_300} and not gone


def test_a_step_of_a_few_seconds_between_anchors_is_a_step_not_a_drift():
    """A 4 s sentence cut out of turn 24, the turn halfway between two anchors (its probe is then
    not heard): more than the aligner's windows absorb, less than a break. The turns either side
    keep their own offsets, 0 before and -4 s after, instead of offsets shared out between the
    anchors around it (up to 2 s off)."""
    segs = segments(40)
    truth = {i: (-4_000 if i > 24 else 0) for i in range(1, 41)}
    found = anchor(segs, audio(396_000), FakeSpotter(truth, absent={24}))
    assert {i: found.offsets[i] for i in truth if i != 24} == {i: truth[i] for i in truth if i != 24}


def test_a_drift_the_turns_between_follow_is_still_shared_out():
    """Stamps that drift (subtitles at another frame rate): the turn halfway is heard where the
    drift puts it, and the turns are moved by their share, not by steps."""
    segs = segments(40)
    truth = {i: -120 * (i - 1) for i in range(1, 41)}  # 1.2 % slow: 4.7 s by the last turn
    found = anchor(segs, audio(400_000), FakeSpotter(truth))
    assert all(abs(found.offsets[i] - truth[i]) <= 300 for i in truth if abs(truth[i]) >= 3_000)


def test_runs_between_anchors_resolved_at_once_give_what_they_give_one_after_the_other():
    """With a pool, each run between two anchors is resolved in a thread of its own: the offsets,
    turns gone and breaks, and the searches made, are those resolving them in order gives."""
    import threading

    class PooledSpotter(FakeSpotter):
        workers = 2

        def __call__(self, group, lo, hi):
            self.threads.add(threading.get_ident())
            return super().__call__(group, lo, hi)

    segs = segments(60)
    gone = {20, 21, 44}
    truth = {i: 30_000 * (i > 12) - 25_000 * (i > 21) - 12_000 * (i > 44) for i in range(1, 61)}
    one = FakeSpotter(truth, gone)
    alone = anchor(segs, audio(600_000), one)
    many = PooledSpotter(truth, gone)
    many.threads = set()
    together = anchor(segs, audio(600_000), many)
    assert len(alone.anchors) > 2 and alone.breaks  # several runs, some with a break to resolve
    assert (together.offsets, together.absent, together.breaks) == (alone.offsets, alone.absent, alone.breaks)
    assert sorted(many.calls) == sorted(one.calls)
    assert len(many.threads) > 1  # the runs were resolved in threads of their own
