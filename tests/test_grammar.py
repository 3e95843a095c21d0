"""Grammars and binding hits back to tokens: by parsing the path, never by matching strings."""
from hypothesis import given
from hypothesis import strategies as st

from align_transcripts import grammar as g
from align_transcripts.aligner import tokenize
from align_transcripts.grammar import Hit, bind
from align_transcripts.types import Segment


def toks(text: str, first: int = 0):
    return tuple(tokenize([Segment(1, "A", 0, 10_000, text, 1, 0)], first=first))


def hits(words: str, start: int = 0, step: int = 300) -> list[Hit]:
    return [Hit(w, start + k * step, start + (k + 1) * step, 0.8) for k, w in enumerate(words.split())]


def test_a_skipped_sentence_is_bound_to_the_sentence_the_path_went_through():
    tokens = toks("I said no. I said yes.")
    placed = bind(hits("i said yes"), g.turn(tokens))
    # the skip arc over the first sentence was taken: "i said" is the second sentence's
    assert sorted(placed) == [3, 4, 5]
    assert [placed[k].start for k in (3, 4, 5)] == [0, 300, 600]


def test_hits_that_two_parses_read_differently_bind_nothing():
    tokens = toks("Yes. Yes.")
    assert bind(hits("yes"), g.turn(tokens)) == {}  # which "yes" was heard? neither is claimed
    assert sorted(bind(hits("yes yes"), g.turn(tokens))) == [0, 1]


def test_garbage_fillers_and_null_arcs_do_not_bind():
    tokens = toks("Welcome back, Nadia.")
    path = [Hit("<sil>", 0, 100, 1), Hit("gbg_ah", 100, 200, 0.5), *hits("welcome back nadia", 200), Hit("(NULL)", 1100, 1100, 0)]
    placed = bind(path, g.turn(tokens))
    assert [(k, p.start, p.end) for k, p in sorted(placed.items())] == [(0, 200, 500), (1, 500, 800), (2, 800, 1100)]


def test_fillers_stand_between_words_only_and_bind_to_nothing():
    tokens = toks("Montreal forced aligner.")
    plain, full = g.chain(tokens), g.chain(tokens, fillers=True)
    assert not any(a.src == a.dst for a in full.arcs)  # detours, not loops: PocketSphinx loses paths through loops
    chain_states = set(range(full.final + 1))
    starts = {a.src for a in full.arcs if a.label in g.FILLERS and a.src in chain_states}
    assert starts == {1, 2} and {a.label for a in full.arcs if a.label in g.FILLERS} == set(g.FILLERS)  # not before the first word
    assert {a.label for a in plain.arcs} == {"montreal", "forced", "aligner"}
    path = hits("montreal gbg_filler_um gbg_filler_uh forced aligner")
    placed = bind(path, full)
    assert [(k, p.start) for k, p in sorted(placed.items())] == [(0, 0), (1, 900), (2, 1200)]


def test_a_filler_run_is_at_most_filler_run_long_and_barred_states_take_none():
    tokens = toks("Montreal forced aligner.")
    run = " ".join(["gbg_filler_uh"] * g.FILLER_RUN)
    assert bind(hits(f"montreal {run} forced aligner"), g.chain(tokens, fillers=True))[1].start == 300 * (1 + g.FILLER_RUN)
    assert bind(hits(f"montreal {run} gbg_filler_uh forced aligner"), g.chain(tokens, fillers=True)) == {}  # one too many: no parse
    barred = g.chain(tokens, fillers=True, barred=frozenset({1}))
    assert {a.src for a in barred.arcs if a.label in g.FILLERS and a.src <= barred.final} == {2}
    assert bind(hits("montreal forced gbg_filler_hm aligner"), barred)[2].start == 900


def test_a_token_of_several_spoken_words_needs_all_of_them():
    tokens = toks("It costs $5 now.")
    assert tokens[2].spoken == ("five", "dollars")
    placed = bind(hits("it costs five dollars now"), g.turn(tokens))
    assert (placed[2].start, placed[2].end) == (600, 1200)
    assert 2 not in bind(hits("it costs five now"), g.turn(tokens))


def test_the_chain_binds_its_lookahead_to_the_next_turns_tokens():
    mine, ahead = toks("Thanks."), toks("Sure thing, anytime.", first=1)
    grammar = g.chain(mine, ahead)
    placed = bind(hits("thanks sure thing"), grammar)  # the window ended inside the lookahead
    assert sorted(placed) == [0, 1, 2]
    assert bind(hits("sure thing"), grammar) == {}  # no path without the turn's own word


def test_a_path_the_grammar_cannot_make_binds_nothing():
    assert bind(hits("welcome nadia"), g.chain(toks("Welcome back, Nadia."))) == {}


@given(st.lists(st.sampled_from(["yes", "no", "maybe", "so"]), min_size=1, max_size=4), st.data())
def test_any_subset_of_sentences_heard_binds_only_what_was_said(sentences, data):
    """Property: whatever sentences are skipped, a bound token is always one whose word was heard
    at that place in the path, and an unambiguous path binds every heard token."""
    text = " ".join(s.capitalize() + "." for s in sentences)
    tokens = toks(text)
    keep = data.draw(st.lists(st.booleans(), min_size=len(sentences), max_size=len(sentences)))
    heard = [s for s, k in zip(sentences, keep) if k]
    placed = bind(hits(" ".join(heard)), g.turn(tokens))
    for k, p in placed.items():
        assert tokens[k].spoken[0] == heard[p.start // 300]
    if len(set(sentences)) == len(sentences):  # no repeated sentence: nothing ambiguous
        assert sorted(placed) == [k for k, keep_it in enumerate(keep) if keep_it]


def test_units_are_sentences_and_the_clauses_of_long_ones():
    tokens = toks("Printing, then, for our purpose, may be considered as the art of making books. Yes, it is.")
    starts = g.units(tokens)
    # "Printing," and "then," are too short to stand alone; "for our purpose," closes a clause of
    # five words; "Yes, it is." is a sentence, and "Yes," alone too short to be a unit
    assert [tokens[k].text for k in starts] == ["Printing,", "may", "Yes,"]


def test_a_missing_clause_of_a_long_sentence_can_be_skipped():
    tokens = toks("In the middle ages, when the craftsmen took care, printing was an art.")
    grammar = g.turn(tokens)
    # the middle clause was cut from the recording: the path skips it, the rest binds in place
    placed = bind(hits("in the middle ages printing was an art"), grammar)
    assert [tokens[k].text for k in sorted(placed)] == ["In", "the", "middle", "ages,", "printing", "was", "an", "art."]


def test_the_next_turns_words_claim_their_speech_in_the_full_grammar():
    mine = toks("It was a matter of course.")
    ahead = toks("Draw each graph on a new axis.", first=len(mine))
    grammar = g.turn(mine, ahead=ahead)
    placed = bind(hits("it was a matter of course draw each graph"), grammar)
    assert sorted(placed) == list(range(9))  # the turn's six words and three of the next turn's
    # ... and the window may end before the next turn speaks
    assert sorted(bind(hits("it was a matter of course"), grammar)) == list(range(6))


def test_the_full_grammar_with_lookahead_ends_through_one_null_arc():
    """PocketSphinx follows one null arc at a time: every null arc into the turn's end (its end
    loop, a skip) also goes straight to the final state, or a window ending there has no path."""
    mine = toks("It was a matter of course. The craftsmen took care.")
    ahead = toks("Draw each graph.", first=len(mine))
    grammar = g.turn(mine, ahead=ahead)
    end = sum(len(t.spoken) for t in mine)  # the state after the turn's last word
    into_end = {a.src for a in grammar.arcs if a.label is None and a.dst == end and a.src != end}
    straight = {a.src for a in grammar.arcs if a.label is None and a.dst == grammar.final}
    assert into_end and into_end <= straight and end in straight


def test_a_turn_entered_late_leaves_its_first_words_to_the_loop_and_binds_the_rest():
    """The next speaker starts under the last one: the first words, heard as garbage, are left out
    (to be searched again on their own), not the whole sentence skipped."""
    tokens = toks("Well I think the harbour should stay open all year.")
    said = [Hit("gbg_w", 0, 100, 0.5), Hit("gbg_eh", 100, 200, 0.5)] + hits("i think the harbour should stay open all year", 200)
    placed = bind(said, g.turn(tokens, entry=True))
    assert [tokens[k].text for k in sorted(placed)] == ["I", "think", "the", "harbour", "should", "stay", "open", "all",
                                                       "year."]
    # no entry: only the whole sentence may go (its words cannot follow garbage)
    assert not bind(said, g.turn(tokens))


def test_a_late_entry_is_at_most_a_few_words_in_and_never_past_the_turn():
    tokens = toks("One two three four five six seven.")
    grammar = g.turn(tokens, entry=True)
    starts = {sum(len(t.spoken) for t in tokens[:i]) for i in range(1, g.ENTRY_WORDS + 1)}
    entries = {a.dst for a in grammar.arcs if a.label is None and a.prob == g.ENTRY_PROB}
    assert entries == starts
    # from the start state itself and from the leading loop's last state (one null arc at a time)
    assert {a.src for a in grammar.arcs if a.prob == g.ENTRY_PROB} == {0, next(
        a.dst for a in grammar.arcs if a.src == 0 and a.label is None and a.dst > 7) + 1}
    # a turn is never entered at its last word (that would leave all of it but one word to the loop)
    assert not any(a.prob == g.ENTRY_PROB for a in g.turn(toks("Just two."), entry=True).arcs)
