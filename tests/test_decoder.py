"""The PocketSphinx wrapper: paths, hits, and results that do not depend on what ran before."""
import pytest
from conftest import FIXTURES

from align_transcripts.audio import decode
from align_transcripts.decoder import Hit, place, search

pytestmark = pytest.mark.slow  # real alignments or command-line runs

WORDS = "welcome back to the program".split()


@pytest.fixture(scope="module")
def samples():
    return decode(str(FIXTURES / "audio" / "interview.mp3")).samples[:2600 * 16]


def chain(words):
    return [(i, i + 1, 1.0, w) for i, w in enumerate(words)], len(words)


def test_search_places_each_word_in_order(samples):
    hits = search(samples, *chain(WORDS))
    placed = place(hits, WORDS)
    assert [WORDS[k] for k, _ in placed] == WORDS
    assert all(a.end <= b.start for (_, a), (_, b) in zip(placed, placed[1:]))
    assert 500 <= placed[0][1].start <= 700 and 2100 <= placed[-1][1].end <= 2350  # espeak-ng said it at 0.60-2.23 s


def test_search_does_not_depend_on_what_ran_before(samples):
    first = search(samples, *chain(WORDS))
    search(samples[::-1].copy(), *chain(["the"]), name="other")  # anything else in between
    assert search(samples, *chain(WORDS)) == first


def test_no_path_is_none(samples):
    assert search(samples[:800], *chain(WORDS * 4)) is None  # 50 ms cannot hold twenty words


def test_place_skips_fillers_and_garbage_and_missing_words():
    hits = [Hit("<sil>", 0, 100, 1.0), Hit("a", 100, 200, 0.9), Hit("gbg_ah", 200, 300, 0.5), Hit("c", 300, 400, 0.8)]
    assert [(k, h.word) for k, h in place(hits, ["a", "b", "c"])] == [(0, "a"), (2, "c")]
    assert not Hit("[NOISE]", 0, 1, 0).is_word and not Hit("", 0, 1, 0).is_word and Hit("it's", 0, 1, 0).is_word


def test_wide_decoder_knows_every_added_word():
    from align_transcripts.decoder import _added, ensure_words, get_decoder

    ensure_words({"zorblaxian"})  # added while only the usual decoder may exist
    wide = get_decoder(wide=True)
    assert wide.lookup_word("zorblaxian") == _added["zorblaxian"]
    ensure_words({"quibbletron"})  # added once both exist: both learn it
    assert get_decoder().lookup_word("quibbletron") == wide.lookup_word("quibbletron") == _added["quibbletron"]
    assert wide.config["beam"] < get_decoder().config["beam"]


def test_a_window_with_no_audio_has_no_path(samples):
    assert search(samples[:0], *chain(WORDS)) is None  # PocketSphinx itself fails on an empty buffer
    assert search(samples[:100], *chain(WORDS)) is None
