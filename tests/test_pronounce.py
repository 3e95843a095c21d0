"""Spoken forms and pronunciations for words the dictionary lacks."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align_transcripts.dictionary import known as known_word
from align_transcripts.grammar import PHONES
from align_transcripts.pronounce import guess_pronunciation, ipa_to_arpabet, spoken


@pytest.mark.parametrize("token,words", [
    ("Hello,", ["hello"]), ("“quite", ["quite"]), ("painful”", ["painful"]), ("O’Neil", ["o'neil"]),
    ("2021", ["twenty", "twenty", "one"]), ("1,000", ["one", "thousand"]),
    ("$5.50", ["five", "dollars", "and", "fifty", "cents"]), ("40%", ["forty", "percent"]),
    ("3:30", ["three", "thirty"]), ("1st", ["first"]), ("1990s", ["nineteen", "nineties"]),
    ("ChatGPT", ["chat", "g", "p", "t"]), ("NPR", ["npr"]), ("GPT-4", ["g", "p", "t", "four"]),
    ("first-time", ["first", "time"]), ("&", ["and"]), ("-", []), ("[inaudible]", []), ("[crosstalk].", []),
])
def test_spoken_forms(token, words):
    assert spoken(token, known_word) == words


@pytest.mark.parametrize("word", ["elon", "floki", "dogecoin", "okafor", "zuckerbergian", "priya"])
def test_out_of_dictionary_words_get_real_pronunciations(word):
    assert not known_word(word)
    phones = guess_pronunciation(word).split()
    assert set(phones) <= set(PHONES)
    assert len(phones) >= 3


def test_espeak_pronunciations_match_expectations():
    assert guess_pronunciation("floki") == "F L OW K IY"
    assert guess_pronunciation("dogecoin") == "D OW JH K OY N"
    assert ipa_to_arpabet("tʃˈætɡpt") == "CH AE T G P T"


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=14))
@settings(max_examples=60, deadline=None)
def test_any_letter_string_gets_valid_phones(word):
    phones = guess_pronunciation(word).split()
    assert phones and set(phones) <= set(PHONES)
