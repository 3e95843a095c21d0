"""Token helpers the stages share."""
from hypothesis import given
from hypothesis import strategies as st

from align.text import counted, syllables, words


def test_counted_reads_as_english():
    assert counted(1, "word") == "1 word"
    assert counted(0, "word") == "0 words" and counted(2, "turn") == "2 turns"


@given(st.text(alphabet="abcdefghij AEIOU,.'-", max_size=40))
def test_every_spoken_word_has_a_syllable(text):
    for w in words(text):
        if any(c.isalpha() for c in w):
            assert syllables(w) >= 1
