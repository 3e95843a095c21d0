"""Token helpers the stages share."""
from hypothesis import given
from hypothesis import strategies as st

from align_transcripts.text import counted, is_tag, syllables, tokens


def test_counted_reads_as_english():
    assert counted(1, "word") == "1 word"
    assert counted(0, "word") == "0 words" and counted(2, "turn") == "2 turns"


@given(st.text(alphabet="abcdefghij AEIOU,.'-", max_size=40))
def test_every_spoken_word_has_a_syllable(text):
    for w in tokens(text):
        if any(c.isalpha() for c in w):
            assert syllables(w) >= 1


def test_a_bracketed_note_with_spaces_is_one_token():
    assert tokens("Hello [laughs loudly] there [foreign language]. Ok") == [
        "Hello", "[laughs loudly]", "there", "[foreign language].", "Ok"]
    assert tokens("an [unclosed note") == ["an", "[unclosed", "note"]
    assert tokens("a\n[two\nlines]") == ["a", "[two", "lines]"]  # a note does not run across lines


@given(st.lists(st.text(alphabet="abc ,.", min_size=1, max_size=6).map(str.strip).filter(bool), max_size=8))
def test_plain_text_tokens_are_its_whitespace_tokens(parts):
    text = " ".join(parts)
    assert tokens(text) == text.split()


def test_sound_tags_in_square_or_angle_brackets_and_formatting_is_not_one():
    """`[laughter]` as services write it, `<VOCNOISE>` as corpora do (MFA's test recordings): not
    spoken, so not aligned as a word (read as one, the cough pulled its neighbours 0.7 s)."""
    assert all(is_tag(t) for t in ("[laughter]", "[cough].", "<VOCNOISE>", "<laugh>,", "<unk>"))
    assert not any(is_tag(t) for t in ("<i>", "</i>", "<b>word", "a<b>", "laughter", "<>"))
    assert syllables("<VOCNOISE>") == 0
