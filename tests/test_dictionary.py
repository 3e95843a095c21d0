"""The pronouncing dictionary, read without the decoder."""
import subprocess
import sys

import pytest

from align_transcripts import dictionary


def test_tokenizing_a_transcript_never_starts_the_decoder():
    code = ("import align_transcripts.decoder as d\n"
            "from align_transcripts.aligner import tokenize\n"
            "from align_transcripts.types import Segment\n"
            "t = tokenize([Segment(1, 'A', 0, 9000, 'Zorblaxian NPR said $5 in 2021.', 1, 0)])\n"
            "assert d._decoders == {}, d._decoders\n"
            "print([x.spoken for x in t])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "('five', 'dollars')" in out and "('npr',)" in out


@pytest.mark.slow
@pytest.mark.parametrize("word", ["read", "the", "program", "nadia", "a", "zebra"])
def test_the_dictionary_says_what_the_decoder_says(word):
    from align_transcripts.decoder import get_decoder

    assert dictionary.known(word)
    assert dictionary.pronunciation(word) == get_decoder().lookup_word(word)


def test_a_word_the_dictionary_lacks_is_guessed_once():
    assert not dictionary.known("quibblesnort")
    first = dictionary.pronunciation("quibblesnort")
    assert first and dictionary.guessed()["quibblesnort"] == first == dictionary.pronunciation("quibblesnort")
    assert not dictionary.known("quibblesnort")  # guessed words are not the dictionary's
