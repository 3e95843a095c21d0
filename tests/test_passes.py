"""The passes that place a turn, tested with a search written by hand (tests/fakes.py): no audio."""
from fakes import FakeSearch, Heard, recording, regions_of

from align_transcripts.aligner import plan, tokenize
from align_transcripts.passes import ONSET_LEAD_MS, Recording, TurnState, align_turns
from align_transcripts.types import Segment, Tried

TURNS = [("A", 0, "Welcome back to the program."), ("B", 3000, "Thanks for having me."),
         ("A", 6000, "So tell us about the year.")]
SAID = [(500, "welcome back to the program"), (3200, "thanks for having me"), (6300, "so tell us about the year")]


def segments(turns=TURNS, duration=12_000):
    out = []
    for k, (who, at, text) in enumerate(turns):
        end = turns[k + 1][1] if k + 1 < len(turns) else duration
        out.append(Segment(k + 1, who, at, end, text, 1 + 3 * k, at))
    return tuple(out)


def run(heard, turns=TURNS, duration=12_000):
    segs = segments(turns, duration)
    tokens = tokenize(segs)
    fake = FakeSearch(heard, duration)
    results = align_turns(plan(segs, tokens, duration), (), Recording(fake, regions_of(heard)))
    placed = {p.token: p for r in results for p in r.placed}
    return tokens, placed, [r.trace for r in results], fake


def said(parts=SAID):
    return [h for at, text in parts for h in recording(text, at)]


def test_a_good_transcript_is_placed_by_the_chain_alone():
    heard = said()
    tokens, placed, trace, _ = run(heard)
    assert [t.placed_by for t in trace] == ["chain"] * 3
    assert all(t.tried[0].reason == "" and len(t.tried) == 1 for t in trace)
    assert [(placed[t.index].start, placed[t.index].end) for t in tokens] == [(h.start, h.end) for h in heard]


def test_each_chain_starts_just_before_the_onset_the_previous_lookahead_heard():
    _, _, _, fake = run(said())
    chains = [lo for name, lo, _, _ in fake.calls if name == "chain"]
    assert chains[1:] == [3200 - ONSET_LEAD_MS, 6300 - ONSET_LEAD_MS]


def test_fillers_the_transcript_left_out_are_absorbed_between_any_two_words():
    """Clean verbatim: "thanks um um for having me" said, "Thanks for having me." written. The plain
    chain leaves the "um"s under no word; the fillers pass absorbs them, and every word keeps its own time."""
    heard = said([(500, "welcome back to the program"), (3200, "thanks um um for having me"),
                  (6300, "so tell us about the year")])
    tokens, placed, trace, _ = run(heard)
    assert trace[1].placed_by == "fillers"
    assert trace[1].tried[0].name == "chain" and "speech under no word" in trace[1].tried[0].reason
    times = {h.word: h.start for h in heard if h.start >= 3200 and h.start < 6300}
    assert [placed[t.index].start for t in tokens if t.segment == 2] == [times[w] for w in ("thanks", "for", "having", "me")]
    assert trace[1].fillers == ((3500, 4100),)  # the two "um"s, one stretch: where an editor would cut


def test_fillers_beside_a_word_that_matches_poorly_are_searched_again_without_them(monkeypatch):
    """A filler may take a word's own audio while the word is forced onto a breath beside it. Where a
    word beside a filler run matches poorly and the run does not sound like fillers either, the chain
    is searched again without fillers there (chain.FILLER_RETRIES times), and refused for that word
    only when the retries run out. A run that sounds like fillers stays: the word is poor on its own.
    (The rescue's chain, whose bars are lower and which leaves speech under no word.)"""
    import align_transcripts.chain as chain

    segs = segments([("A", 0, "Thanks for having me.")], 5000)
    job = plan(segs, tokenize(segs), 5000)[0]

    def chain_over(um_score):
        heard = [Heard(h.word, h.start, h.end, {"for": 0.6, "um": um_score}.get(h.word, h.score))
                 for h in recording("thanks um um for having me", 200)]
        fake = FakeSearch(heard, 5000)
        got = chain.first_pass(job, (), fake, 0, 5000, True, regions_of(heard), rescue=True, fillers=True)
        return got, [c for c in fake.calls if c[0] == "chain+fillers"]

    got, calls = chain_over(0.6)
    assert len(calls) == 2 and got.accepted and got.fillers == ()  # searched again with no filler there
    got, calls = chain_over(0.9)
    assert len(calls) == 1 and got.accepted and got.fillers == ((500, 1100),)  # the "um"s sound like ones: kept
    monkeypatch.setattr(chain, "FILLER_RETRIES", 0)
    got, _ = chain_over(0.6)
    assert not got.accepted and got.reason == "'for' matches poorly (0.60) beside a filler"


def test_the_fillers_pass_does_not_run_where_the_chain_failed_for_another_reason():
    heard = said([(500, "welcome back to the program"), (3200, "thanks for having"), (6300, "so tell us about the year")])
    _, _, trace, _ = run(heard)
    assert "fillers" not in [x.name for x in trace[1].tried]  # a word missing: the full search's business


def test_an_untranscribed_aside_sends_the_turn_to_the_full_search():
    heard = said([(500, "welcome back to the program"), (3200, "thanks for having me by the way honestly"),
                  (6300, "so tell us about the year")])
    tokens, placed, trace, _ = run(heard)
    assert trace[1].placed_by == "full"  # the chain had a path, rejected: the short window first
    assert trace[1].tried[0].name == "chain" and "speech under no word" in trace[1].tried[0].reason
    me = next(t for t in tokens if t.text == "me.")
    assert (placed[me.index].start, placed[me.index].end) == (4100, 4400)  # not stretched over the aside
    # the next turn's chain starts where "me." ended, over the aside, so it is searched fully too
    assert trace[2].placed_by == "full-wide" and trace[2].tried[-1].reason == ""
    assert [placed[t.index].start for t in tokens if t.segment == 3] == [6300 + 300 * k for k in range(6)]


def test_a_sentence_missing_from_the_audio_is_left_out_not_mistimed():
    turns = [TURNS[0], ("B", 3000, "I said no. I said yes."), TURNS[2]]
    heard = said([SAID[0], (3200, "i said yes"), SAID[2]])
    tokens, placed, trace, _ = run(heard, turns)
    b = [t for t in tokens if t.segment == 2]
    assert [t.index in placed for t in b] == [False, False, False, True, True, True]
    assert [placed[t.index].start for t in b[3:]] == [3200, 3500, 3800]
    # the chain found no path at all through the turn's words: the short window is not searched
    # before the whole one (the turn is not where its slot says)
    # (and the sentence is not under the last speaker's words either: the overlap pass finds nothing)
    assert [x.name for x in trace[1].tried] == ["chain", "full-wide", "rescue", "overlap"]
    assert trace[1].tried[0].reason == "no path through the words in the window"
    assert all(x.reason for x in trace[1].tried)  # every pass says why it was rejected
    assert trace[1].placed_by == "full-wide"  # what the full search placed stands


def test_a_turn_not_in_the_audio_places_nothing_and_says_so():
    heard = said([SAID[0], SAID[2]])
    tokens, placed, trace, _ = run(heard)
    assert not any(t.index in placed for t in tokens if t.segment == 2)
    assert trace[1].placed_by is None and trace[1].tried[-1].name == "rescue"
    assert trace[2].placed_by == "chain"  # the next turn does not suffer


def test_stamps_all_late_by_the_same_seconds_still_agree_after_the_first_turn():
    late = [(who, at + 2500, text) for who, at, text in TURNS]  # the recording lost its first 2.5 s
    heard = said()
    _, placed, trace, _ = run(heard, late, 14_000)
    assert [t.placed_by for t in trace][1:] == ["chain", "chain"]
    assert len(placed) == len(heard)


def test_the_state_carries_the_floor_and_the_median_offset():
    s = TurnState()
    assert s.shift == 0 and s.floor is None
    s = TurnState(5000, None, (100, -200, 300))
    assert s.shift == 100


def test_fake_search_prefers_words_to_garbage():
    from align_transcripts import grammar as g

    tokens = tokenize(segments()[:1])
    hits = FakeSearch([Heard("um", 0, 200), *recording("welcome back to the program", 200)])(g.turn(tuple(tokens)), 0, 5000)
    assert [h.word for h in hits][0].startswith("gbg_") and [h.word for h in hits][1:] == "welcome back to the program".split()


def test_a_window_just_inside_the_previous_words_still_starts_at_the_floor():
    """A subtitle cue begins a little before its first word, inside the last word of the cue
    before: up to ONSET_LEAD_MS of overlap is still the floor, more is a window inside speech."""
    from align_transcripts.passes import Turn

    segs = segments()
    turn = Turn(plan(segs, tokenize(segs), 12_000)[1], (), TurnState(5_000, None, ()))
    assert turn.at_floor(5_000) and turn.at_floor(5_000 - ONSET_LEAD_MS) and turn.at_floor(0)
    assert not turn.at_floor(5_000 - ONSET_LEAD_MS - 1) and not turn.at_floor(5_001)
    assert not Turn(turn.job, (), TurnState()).at_floor(3_000)  # no turn placed yet: no floor to start at


def test_a_turn_begun_under_the_last_speaker_keeps_the_words_heard_clearly():
    """B's first two words are said under A's last ones (heard as neither): they are left out, the
    rest of B's sentence is placed where it was said, not skipped with them."""
    heard = said([SAID[0]]) + [Heard("mumble", 3200, 3500), Heard("mumble", 3500, 3800)] + said([(3800, "having me"),
                                                                                                     SAID[2]])
    tokens, placed, trace, _ = run(heard)
    b = [t for t in tokens if t.segment == 2]
    assert [t.index in placed for t in b] == [False, False, True, True]
    assert [(placed[t.index].start, placed[t.index].end) for t in b[2:]] == [(3800, 4100), (4100, 4400)]
    assert trace[1].placed_by == "full-wide"


class BeamsLoseEverything(FakeSearch):
    """A search whose usual beams prune every path through a turn's full grammar: two voices at once."""

    def __call__(self, grammar, lo, hi, wide=False):
        found = super().__call__(grammar, lo, hi, wide)
        return None if grammar.name == "turn" and not wide else found


def test_where_no_path_survives_the_beams_the_full_search_widens_them():
    heard = said([SAID[0], (3200, "thanks for having me by the way honestly"), SAID[2]])
    segs = segments()
    tokens = tokenize(segs)
    fake = BeamsLoseEverything(heard, 12_000)
    results = align_turns(plan(segs, tokens, 12_000), (), Recording(fake, regions_of(heard)))
    placed = {p.token: p for r in results for p in r.placed}
    assert all(t.index in placed for t in tokens if t.segment == 2)
    assert results[1].trace.placed_by == "full"  # not left to the rescue's plain chain
    assert any(name == "turn" and wide for name, _, _, wide in fake.calls)


def test_turns_with_no_stamp_are_placed_by_the_chain_where_text_length_put_their_slots_off():
    """Plain text: slots estimated from the length of the text, 2.5 s early here (a slow speaker).
    Where the previous turn's words end says more than such a slot: the chains start there, reach
    as far past the next slot as anchoring leaves to the windows, and are accepted. Had the same
    slots been stamps, 2.5 s off would send the turns to the full search."""
    turns = [("A", 0, "Welcome back to the program."), ("B", 3000, "Thanks for having me here today."),
             ("A", 6000, "So tell us about the year you had.")]
    heard = said([(500, "welcome back to the program"), (5500, "thanks for having me here today"),
                  (9000, "so tell us about the year you had")])
    segs = segments(turns, 14_000)
    plain = tuple(Segment(s.index, s.speaker, s.start, s.end, s.text, s.line, None) for s in segs)
    for given, chained in ((plain, ["chain"] * 3), (segs, None)):
        tokens = tokenize(given)
        results = align_turns(plan(given, tokens, 14_000), (), Recording(FakeSearch(heard, 14_000), regions_of(heard)))
        placed = {p.token: p for r in results for p in r.placed}
        by = [r.trace.placed_by for r in results]
        if chained:
            assert by == chained
            assert [(placed[t.index].start, placed[t.index].end) for t in tokens] == [(h.start, h.end) for h in heard]
        else:
            assert by != ["chain"] * 3


def test_the_rescue_keeps_words_at_a_turns_end_only_where_they_match_as_placed_words_do():
    """The full search placed a turn's first words and lost its last ones. The wide chain finds
    them: on a telephone line they are there and match well (kept, aligned); cut from the
    recording, the chain forces them onto the next speaker's speech, where they match badly
    (left out, unaligned, as before)."""
    from align_transcripts.passes import Turn, rescue_pass
    from align_transcripts.types import Attempt, Placed

    segs = segments([("A", 0, "Welcome back to the program."), ("B", 3000, "Thanks for having me here today.")],
                    8_000)
    tokens = tokenize(segs)
    job = plan(segs, tokens, 8_000)[1]
    first = [t for t in tokens if t.segment == 2][:3]  # "Thanks for having": what the full search placed
    for late_score, kept in ((0.88, True), (0.6, False)):
        heard = said([(500, "welcome back to the program")]) + recording("thanks for having", 3200) + \
            recording("me here today", 4100, score=late_score)
        partial = Attempt(tuple(Placed(t.index, h.start, h.end, 0.9) for t, h in zip(first, heard[5:8])), False,
                          "3 words not found (the first: 'me')")
        got = rescue_pass(Turn(job, (), TurnState(floor=2300)), Recording(FakeSearch(heard, 8_000), regions_of(heard)),
                          partial)
        assert got is not None and got.accepted
        assert ({p.token for p in got.placed} == {t.index for t in job.tokens}) is kept
        assert {p.token for p in got.placed} >= {t.index for t in first}



def test_the_rescue_offers_fillers_first_and_keeps_them_only_where_they_last_like_one():
    """A voice the full search lost whole: the rescue's chain with fillers takes the "um" the
    transcript left out (400 ms, reported where an editor would cut); a 100 ms "filler" is a click
    or a piece of a word (passes.MIN_FILLER_MS), so there the plain chain's placements stand."""
    from align_transcripts.passes import MIN_FILLER_MS, Turn, rescue_pass

    segs = segments([("A", 0, "Welcome back to the program."), ("B", 3000, "Thanks for having me.")], 8_000)
    job = plan(segs, tokenize(segs), 8_000)[1]
    for um_ms, fillers in ((400, ((3500, 3900),)), (MIN_FILLER_MS - 50, ())):
        heard = said([(500, "welcome back to the program")]) + [Heard("thanks", 3200, 3500), Heard("um", 3500, 3500 + um_ms)] \
            + recording("for having me", 3500 + um_ms)
        fake = FakeSearch(heard, 8_000)
        got = rescue_pass(Turn(job, (), TurnState(floor=2300)), Recording(fake, regions_of(heard)), None)
        assert got is not None and got.accepted and got.fillers == fillers
        assert [c[0] for c in fake.calls] == ["chain+fillers"] + ["chain"] * (not fillers)
        assert min(p.start for p in got.placed if p.token == job.tokens[1].index) == 3500 + um_ms  # "for"


def talking_over(*b_parts: tuple[int, str]):
    """TURNS said with B's parts where given (the first under A's "program", 1700-2000), in time order."""
    parts = [SAID[0], *b_parts, SAID[2]]
    return sorted((h for at, text in parts for h in recording(text, at)), key=lambda h: h.start)


def test_a_turn_begun_under_the_last_speakers_words_has_those_words_placed_where_they_were_said():
    """B starts "Thanks" while A is still saying "program". Every pass before searches from where
    A's words end, so "Thanks" is left out; the overlap pass finds it under A's last word and
    places it there: the two speakers' words overlap in time, as they were said."""
    heard = talking_over((1750, "thanks"), (2050, "for having me"))
    tokens, placed, trace, _ = run(heard)
    thanks = next(t for t in tokens if t.text == "Thanks")
    program = next(t for t in tokens if t.text == "program.")
    assert (placed[thanks.index].start, placed[thanks.index].end) == (1750, 2050)
    assert placed[thanks.index].start < placed[program.index].end  # said over A's last word
    assert all(t.index in placed for t in tokens)
    assert trace[1].tried[-1] == Tried("overlap", "")
    assert all(x.name != "overlap" for t in (trace[0], trace[2]) for x in t.tried)  # nothing left out there


def test_the_overlap_pass_keeps_out_words_not_under_the_last_speakers_or_of_the_same_voice():
    """What the overlap pass refuses: words the search does not hear under the last speaker's
    (cut from the recording), a turn of the same speaker going on (no one to talk over), and a
    turn whose words the passes before placed all."""
    from align_transcripts.passes import Turn, overlap_pass
    from align_transcripts.types import Attempt, Placed

    segs = segments()
    tokens = tokenize(segs)
    job = plan(segs, tokens, 12_000)[1]
    rest = [t for t in job.tokens if t.text != "Thanks"]
    partial = Attempt(tuple(Placed(t.index, 2050 + 300 * k, 2350 + 300 * k, 0.9) for k, t in enumerate(rest)), False,
                      "1 words not found (the first: 'Thanks')")
    cut = recording("welcome back to the program", 500) + recording("for having me", 2050)
    rec = Recording(FakeSearch(cut, 12_000), regions_of(cut))
    got = overlap_pass(Turn(job, (), TurnState(floor=2000, speaker="A")), rec, partial)
    assert got is not None and not got.accepted and "not found" in got.reason
    assert got.placed == partial.placed
    assert overlap_pass(Turn(job, (), TurnState(floor=2000, speaker="B")), rec, partial) is None
    whole = Attempt(tuple(Placed(t.index, 2050 + 300 * k, 2350 + 300 * k, 0.9) for k, t in enumerate(job.tokens)), True)
    assert overlap_pass(Turn(job, (), TurnState(floor=2000, speaker="A")), rec, whole) is None


def test_the_overlap_pass_keeps_what_it_finds_of_a_turns_first_words_under_the_other_voice():
    """The other voice masks "Thanks": no path holds it, so the turn is entered at "so", which is
    kept over A's last word, "Thanks" left out. A whole sentence begun under A's words and said on
    past them, then a pause before the next one, is kept too: a cut sentence forced onto A's
    words would end with them."""
    turns = [TURNS[0], ("B", 3000, "Thanks so much for having me."), TURNS[2]]
    tokens, placed, trace, _ = run(talking_over((1750, "so much"), (2350, "for having me")), turns)
    b = [t for t in tokens if t.segment == 2]
    assert [t.index in placed for t in b] == [False, True, True, True, True, True]
    assert [placed[t.index].start for t in b[1:3]] == [1750, 2050]
    assert trace[1].tried[-1] == Tried("overlap", "")
    turns = [TURNS[0], ("B", 3000, "Thanks so much. For having me."), TURNS[2]]
    tokens, placed, trace, _ = run(talking_over((1750, "thanks so much"), (3600, "for having me")), turns)
    b = [t for t in tokens if t.segment == 2]
    assert [placed[t.index].start for t in b] == [1750, 2050, 2350, 3600, 3900, 4200]
    assert trace[1].tried[-1] == Tried("overlap", "")


def test_a_word_drawn_out_is_placed_once_filler_loops_were_offered_and_not_taken():
    """"So tell us about the yeeeear": "year" lasts 2.6 s, longer than any word said plainly. The
    plain chain refuses it as stretched over other audio. The fillers chain offers an "uh" or "um"
    beside it; none is heard, and the time the word spends holding one sound (2 s here) accounts
    for the excess: the word is drawn out, placed where it was said. Held for only 0.5 s, it stays
    refused: something else is under it."""
    heard = said(SAID[:2]) + recording("so tell us about the", 6300) + [Heard("year", 7800, 10_400)]
    segs = segments()
    tokens = tokenize(segs)
    year = tokens[-1]
    for hold, placed_by in ((2000, "fillers"), (500, "full-wide")):
        def held(a: int, b: int, hold: int = hold) -> int:  # one steady stretch inside the word's second half
            return max(0, min(b, 8200 + hold) - max(a, 8200))

        rec = Recording(FakeSearch(heard, 12_000), regions_of(heard), held)
        results = align_turns(plan(segs, tokens, 12_000), (), rec)
        trace = results[2].trace
        placed = {p.token: p for p in results[2].placed}
        assert trace.tried[0].name == "chain" and "'year' stretched" in trace.tried[0].reason
        assert trace.placed_by == placed_by
        if placed_by == "fillers":
            assert (placed[year.index].start, placed[year.index].end) == (7800, 10_400)
        else:  # the words before it stand where the full search put them; the rescue, fillers offered, still refuses
            assert year.index not in placed and len(placed) == 5
            assert trace.tried[-1] == Tried("rescue", "'year' stretched over other audio")
