"""The PocketSphinx wrapper: paths, hits, and results that do not depend on what ran before."""
import pytest
from conftest import FIXTURES

from align_transcripts import grammar as g
from align_transcripts.audio import decode
from align_transcripts.decoder import search
from align_transcripts.grammar import Arc, Grammar, Hit, bind

pytestmark = pytest.mark.slow  # real alignments or command-line runs

WORDS = "welcome back to the program".split()


@pytest.fixture(scope="module")
def samples():
    return decode(str(FIXTURES / "audio" / "interview.mp3")).samples[:2600 * 16]


def chain(words, name="chain"):
    return Grammar(tuple(Arc(i, i + 1, 1.0, w, i) for i, w in enumerate(words)), len(words), name)


def test_search_places_each_word_in_order(samples):
    placed = bind(search(samples, chain(WORDS)), chain(WORDS))
    assert sorted(placed) == list(range(len(WORDS)))
    assert all(placed[k].end <= placed[k + 1].start for k in range(len(WORDS) - 1))
    assert 500 <= placed[0].start <= 700 and 2100 <= placed[4].end <= 2350  # espeak-ng said it at 0.60-2.23 s


def test_search_does_not_depend_on_what_ran_before(samples):
    first = search(samples, chain(WORDS))
    search(samples[::-1].copy(), chain(["the"], name="other"))  # anything else in between
    assert search(samples, chain(WORDS)) == first


def test_no_path_is_none(samples):
    assert search(samples[:800], chain(WORDS * 4)) is None  # 50 ms cannot hold twenty words


def test_the_turn_grammar_gives_pocketsphinx_what_it_finishes(samples):
    """Garbage loops live on states of their own (a self-loop on the start state made the FSG search fail to finish)."""
    from align_transcripts.aligner import tokenize
    from align_transcripts.types import Segment

    toks = tuple(tokenize([Segment(1, "A", 0, 2600, "Welcome back to the program.", 1, 0)]))
    placed = bind(search(samples, g.turn(toks)), g.turn(toks))
    assert sorted(placed) == [0, 1, 2, 3, 4]


def test_fillers_garbage_and_null_arcs_are_not_words():
    assert not Hit("[NOISE]", 0, 1, 0).is_word and not Hit("", 0, 1, 0).is_word and Hit("it's", 0, 1, 0).is_word
    assert not Hit("gbg_ah", 0, 1, 0).is_word and Hit("gbg_ah", 0, 1, 0).on_arc and not Hit("(NULL)", 0, 1, 0).on_arc


def test_each_decoder_says_a_guessed_word_as_guessed(samples):
    from align_transcripts import dictionary
    from align_transcripts.decoder import get_decoder

    words = ["welcome", "back", "zorblaxian"]  # a word the dictionary lacks, in a search of each decoder
    for wide in (False, True):
        search(samples, chain(words), wide=wide)
        assert get_decoder(wide).lookup_word("zorblaxian") == dictionary.pronunciation("zorblaxian")
    assert get_decoder(wide=True).config["beam"] < get_decoder().config["beam"]


def test_a_window_with_no_audio_has_no_path(samples):
    assert search(samples[:0], chain(WORDS)) is None  # PocketSphinx itself fails on an empty buffer
    assert search(samples[:100], chain(WORDS)) is None
