"""The audit on stamps and text: each finding kind from a fixture that has it, thresholds that move."""
from align_transcripts import Paragraph, Thresholds, Transcript, Turn, check, read_transcript, reconcile


def findings(path, **kw):
    t = read_transcript(str(path))
    return check(t, reconcile(t), **kw)


def test_every_quirk_found_once_where_it_is(quirks):
    got = sorted((f.kind, f.line, f.severity) for f in findings(quirks) if f.kind != "boilerplate")
    assert got == sorted([
        ("duplicate_timestamp", 17, "info"),
        ("empty_turn", 21, "info"),
        ("overlap", 30, "warning"),
        ("speaker_variant", 34, "warning"),
        ("non_monotonic", 38, "error"),
        ("marker_out_of_range", 44, "warning"),
        ("malformed_header", 46, "error"),
        ("gap", 50, "warning"),
    ])


def test_findings_carry_time_speaker_and_message(quirks):
    by_kind = {f.kind: f for f in findings(quirks)}
    gap = by_kind["gap"]
    assert (gap.start, gap.end, gap.speaker) == (41_000, 80_000, "Host")
    assert "untranscribed" in gap.message
    assert by_kind["marker_out_of_range"].start == 130_000
    assert "00:00:25" in by_kind["non_monotonic"].message


def tr(*items):
    return Transcript(tuple(Turn(sp, s, i + 1, (Paragraph(text, i + 1),)) for i, (sp, s, text) in enumerate(items)))


def test_overlap_allows_for_the_one_second_stamp_resolution():
    # 15 one-syllable words at 7.5 syllables/s need 2.0 s; a 1 s slot may really be 2 s long
    words = "go " * 15
    t = tr(("A", 0, words), ("B", 1000, "ok"), ("A", 5000, "ok"))
    assert not [f for f in check(t, reconcile(t)) if f.kind == "overlap"]
    t = tr(("A", 0, words + "go go"), ("B", 1000, "ok"), ("A", 5000, "ok"))
    assert [f.line for f in check(t, reconcile(t)) if f.kind == "overlap"] == [1]


def test_gap_threshold_is_an_option():
    t = tr(("A", 0, "yes"), ("B", 8000, "ok"), ("A", 9000, "ok"))
    assert not [f for f in check(t, reconcile(t)) if f.kind == "gap"]
    assert [f.line for f in check(t, reconcile(t), Thresholds(gap_ms=3000)) if f.kind == "gap"] == [1]


def test_beyond_audio_only_with_audio():
    t = tr(("A", 0, "yes"), ("B", 8000, "ok"), ("A", 20_000, "late"))
    assert not [f for f in check(t, reconcile(t)) if f.kind == "beyond_audio"]
    got = [f for f in check(t, reconcile(t, 10_000), audio_ms=10_000) if f.kind == "beyond_audio"]
    assert [(f.line, f.severity) for f in got] == [(3, "error")]


def test_anchoring_findings_one_per_block():
    """An advert after turn 2, turn 4 cut: one inserted_audio, one not_in_audio, one stamps_shifted for the moved run,
    and no stamp_offset for turns the run's shift explains."""
    from align_transcripts.anchor import Anchoring, Break
    from align_transcripts.check import check_anchoring
    from align_transcripts.types import Finding, Segment, Word

    segs = tuple(Segment(i, "A", (i - 1) * 10_000, i * 10_000, "one two", 2 * i, (i - 1) * 10_000) for i in range(1, 7))
    offsets = {1: 0, 2: 0, 3: 60_000, 4: 60_000, 5: 60_000, 6: 60_000}
    anchoring = Anchoring(offsets, frozenset({4}), (), (Break(2, 3, 60_000),))
    words = []
    for s in segs:
        at = s.start + offsets[s.index]
        words += [Word("one", at, at + 400, "A", s.index, s.index != 4, 1.0),
                  Word("two", at + 400, at + 800, "A", s.index, s.index != 4, 1.0)]
    found = [Finding("stamp_offset", "warning", 10, 100_000, 100_000, "A", "x"),
             Finding("untranscribed_speech", "warning", 4, 20_000, 70_000, None, "y")]
    out = check_anchoring(segs, anchoring, words, 200_000, found)
    kinds = sorted(f.kind for f in out)
    assert kinds == ["inserted_audio", "not_in_audio", "stamps_shifted"]
    inserted = next(f for f in out if f.kind == "inserted_audio")
    assert (inserted.start, inserted.end) == (10_800, 80_000)
    gone = next(f for f in out if f.kind == "not_in_audio")
    assert (gone.line, gone.start, gone.end) == (8, 80_800, 100_000)  # in the pause between its neighbours
    assert "19.2 s pause at 00:01:20.800" in gone.message
    shifted = next(f for f in out if f.kind == "stamps_shifted")
    assert shifted.line == 6 and "60.0 s early" in shifted.message


def test_turns_off_their_stamps_alike_are_one_stamps_shifted_finding():
    """Four turns in a row 2-3 s late (the recording trimmed after transcription): one finding for
    the run; a lone turn off the other way, a pair, and a turn without a stamp in the run stay as they are."""
    from align_transcripts.check import group_stamp_offsets
    from align_transcripts.types import Finding, Segment

    stamps = [0, 10_000, 20_000, None, 30_000, 40_000, 50_000, 60_000, 70_000]
    segs = tuple(Segment(i + 1, "A", st or 25_000, (st or 25_000) + 5_000, "one two", 10 * (i + 1), st)
                 for i, st in enumerate(stamps))
    heard = {10: -2_400, 20: -2_900, 30: -2_100, 50: -2_600,  # the run (line 40 has no stamp)
             60: 3_000,  # the other way: on its own
             80: -2_200, 90: -2_300}  # only two in a row
    found = [Finding("stamp_offset", "warning", line, stamps[line // 10 - 1] + off, stamps[line // 10 - 1] + off, "A", "x")
             for line, off in heard.items()]
    found.append(Finding("long_silence", "info", 20, 1000, 9000, None, "y"))
    out = group_stamp_offsets(found, segs)
    shifted = [f for f in out if f.kind == "stamps_shifted"]
    assert len(shifted) == 1 and shifted[0].line == 10 and shifted[0].end == 27_400  # line 50: stamped 30 s, heard 27.4
    assert "4 turns (lines 10-50) are 2.5 s late" in shifted[0].message
    assert sorted(f.line for f in out if f.kind == "stamp_offset") == [60, 80, 90]
    assert any(f.kind == "long_silence" for f in out)
    # turns anchoring moved are check_anchoring's to report: here one of them breaks the run
    out = group_stamp_offsets(found, segs, anchored=frozenset({2}))
    assert not [f for f in out if f.kind == "stamps_shifted"]


def test_an_inserted_block_is_reported_where_its_sound_is():
    """An advert sits in the pause between two words: the block runs from its first sound to its
    last, not from word to word; where nothing sounds (no regions), from word to word."""
    from align_transcripts.check import _sounding

    regions = [(1_000, 9_500), (11_200, 70_400), (71_500, 80_000)]
    assert _sounding(10_000, 71_000, regions) == (11_200, 70_400)
    assert _sounding(10_000, 71_000, []) == (10_000, 71_000)
    assert _sounding(10_000, 14_000, [(11_000, 12_000)]) == (10_000, 14_000)  # too little sounds: kept whole


def test_a_slot_a_break_moved_is_not_judged_from_its_stamps():
    """The last turn before a recording's extra minutes of adverts: its stamped slot runs to the
    end of the audio, which says nothing of its slot in the recording; a turn nothing moved keeps its gap."""
    from align_transcripts.anchor import Anchoring, Break
    from align_transcripts.check import check_anchoring
    from align_transcripts.types import Finding, Segment, Word

    segs = tuple(Segment(i, "A", (i - 1) * 10_000, i * 10_000, "one two", 2 * i, (i - 1) * 10_000) for i in range(1, 4))
    offsets = {1: 0, 2: 0, 3: 90_000}
    anchoring = Anchoring(offsets, frozenset(), (), (Break(2, 3, 90_000),))
    words = [Word("one", s.start + offsets[s.index], s.start + offsets[s.index] + 400, "A", s.index, True, 1.0)
             for s in segs]
    found = [Finding("gap", "warning", 6, 20_000, 120_000, "A", "slot of 100 s"),
             Finding("gap", "warning", 2, 0, 10_000, "A", "slot of 10 s")]
    kinds = [(f.kind, f.line) for f in check_anchoring(segs, anchoring, words, 120_000, found)]
    assert ("gap", 6) not in kinds and ("gap", 2) in kinds


def test_words_cut_from_inside_a_turn_are_one_not_in_audio_finding():
    """A clause of a turn's middle was edited out: its unplaced words sit between two placed words
    heard 0.1 s apart, too little room to say them. Unplaced words with room are unaligned_words."""
    from align_transcripts.check import check_alignment
    from align_transcripts.types import Segment, Word

    segs = (Segment(1, "Ann", 0, 20_000, "x", 3, 0),)
    said = [("It", True), ("was", True), ("for", False), ("our", False), ("purpose,", False), ("may", True),
            ("be", True), ("hard", False), ("to", False), ("hear.", False), ("Yes.", True)]
    words, at = [], 1000
    for text, ok in said:
        if text == "hard":
            at += 3000  # room enough for the three words that were not heard
        words.append(Word(text, at, at + (300 if ok else 30), "Ann", 1, ok, 0.9 if ok else None))
        at += 300 if ok else 30
    found = check_alignment(segs, words, [])
    cut = [f for f in found if f.kind == "not_in_audio"]
    assert len(cut) == 1 and "3 words" in cut[0].message and "'for our purpose,'" in cut[0].message
    assert (cut[0].line, cut[0].start, cut[0].end) == (3, words[1].end, words[5].start)  # between its neighbours
    lost = [f for f in found if f.kind == "unaligned_words"]
    assert len(lost) == 1 and "hard to hear." in lost[0].message and "for" not in lost[0].message


def test_a_short_turn_cut_whole_is_not_in_audio_where_its_neighbours_meet():
    from align_transcripts.check import check_alignment
    from align_transcripts.types import Segment, Word

    segs = tuple(Segment(i, "AB"[i % 2], (i - 1) * 5000, i * 5000, "x", 2 * i, (i - 1) * 5000) for i in (1, 2, 3))
    words = [Word("Hello.", 1000, 1500, "B", 1, True, 0.9)]
    words += [Word(w, 1500 + 10 * k, 1510 + 10 * k, "A", 2, False, None) for k, w in enumerate("Do not ask me that.".split())]
    words += [Word("Fine.", 2300, 2700, "B", 3, True, 0.9)]
    speech = [(1000, 1500), (2300, 2700)]  # silence between the two placed turns: the middle turn was cut
    found = check_alignment(segs, words, speech)
    cut = [f for f in found if f.kind == "not_in_audio"]
    assert [(f.line, f.start, f.end) for f in cut] == [(4, 1500, 2300)] and cut[0].message.startswith("A's turn")
    assert not [f for f in found if f.kind == "unaligned_words"]
    # with speech between them the words may be there, merely unheard: unaligned_words, not a cut
    found = check_alignment(segs, words, [(1000, 2700)])
    assert [f.kind for f in found if f.kind in ("not_in_audio", "unaligned_words")] == ["unaligned_words"]


def test_a_turns_first_words_lost_right_after_another_speaker_may_have_been_said_over_them():
    """The first words of B's turn are unplaced, B's placed words start right where A's end: cut,
    or said over A's last words and lost under them; the finding says both. Inside one speaker's
    turns it says cut."""
    from align_transcripts.check import check_alignment
    from align_transcripts.types import Segment, Word

    for second, maybe_over in (("B", True), ("A", False)):
        segs = (Segment(1, "A", 0, 3000, "x", 1, 0), Segment(2, second, 3000, 8000, "y", 4, 3000))
        words = [Word(w, 500 + 300 * k, 800 + 300 * k, "A", 1, True, 0.9) for k, w in enumerate("so that is that.".split())]
        words += [Word(w, 1700, 1700, second, 2, False, 0.0) for w in "gus saw pine".split()]
        words += [Word(w, 1700 + 300 * k, 2000 + 300 * k, second, 2, True, 0.9) for k, w in enumerate("trees grow.".split())]
        cut = [f for f in check_alignment(segs, words, [(500, 2300)]) if f.kind == "not_in_audio"]
        assert len(cut) == 1 and "3 words" in cut[0].message
        assert ("said over A's last words" in cut[0].message) is maybe_over
        assert "cut after transcription" in cut[0].message


def test_words_the_warp_gave_up_are_explained_by_the_audio_not_the_text():
    from align_transcripts.check import UNHEARD_HINT, check_alignment
    from align_transcripts.types import Segment, Word

    segs = (Segment(1, "A", 0, 5000, "eins zwei", 1, None), Segment(2, "A", 5000, 9000, "drei vier", 4, None))
    words = [Word(t, a, a + 300, "A", seg, False, 0.0, line) for t, a, seg, line in
             (("eins", 0, 1, 1), ("zwei", 400, 1, 1), ("drei", 5000, 2, 4), ("vier", 5400, 2, 4))]
    found = {f.line: f.message for f in check_alignment(segs, words, [], unheard=frozenset({1}))
             if f.kind == "unaligned_words"}
    assert found[1].endswith(UNHEARD_HINT) and "Check the text" not in found[1]
    assert found[4].endswith("Check the text against the recording.")  # the text may be wrong there
