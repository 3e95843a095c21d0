"""Words and how long they take to say: the text measures that reconcile, check and captions share."""
from __future__ import annotations

import functools
import re

_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
_DIGITS = re.compile(r"\d")
_NON_LETTERS = re.compile(r"[^A-Za-z]")
_TAG = re.compile(r"^\[[^\]]*\][.,!?;:]*$")
_SENTENCE_END = re.compile(r"[.?!…]['\"”’)]*$")
_NOT_WORD = re.compile(r"[^\w']+")


_TOKEN = re.compile(r"\[[^\[\]\n]*\]\S*|\S+")


def words(text: str) -> list[str]:
    """Whitespace tokens, punctuation kept: the transcript's own words. A bracketed note is one
    token even when it holds spaces (`[foreign language]`, `[laughs quietly]`): it is not speech."""
    return _TOKEN.findall(text)


@functools.lru_cache(maxsize=200_000)  # pure, and called per token by captions and clips
def ends_sentence(token: str) -> bool:
    """`word.`, `word?"`, `word…`: the token closes a sentence."""
    return bool(_SENTENCE_END.search(token))


@functools.lru_cache(maxsize=200_000)  # pure, and called per token by captions and clips
def bare(token: str) -> str:
    """A token for matching: lower case, curly apostrophes straightened, punctuation gone."""
    return _NOT_WORD.sub("", token.lower().replace("’", "'").replace("‘", "'")).strip("'")


@functools.lru_cache(maxsize=200_000)  # pure, and called per token by captions and clips
def is_tag(token: str) -> bool:
    """A sound tag such as `[inaudible]`: shown in captions, not spoken by the transcript's speaker."""
    return bool(_TAG.match(token))


@functools.lru_cache(maxsize=200_000)
def syllables(word: str) -> int:
    """Rough syllable count of one token; digits count as about one syllable each (numbers are spoken long)."""
    if is_tag(word):
        return 0
    digits = len(_DIGITS.findall(word))
    raw = _NON_LETTERS.sub("", word)
    if not raw:
        return digits
    if len(raw) > 1 and raw.isupper():
        return len(raw) + digits  # acronyms are spelled out: N-P-R
    letters = raw.lower()
    n = len(_VOWEL_GROUPS.findall(letters))
    if letters.endswith("e") and not letters.endswith(("le", "ee")) and n > 1:
        n -= 1  # silent final e
    return max(1, n) + digits


@functools.lru_cache(maxsize=50_000)
def text_syllables(text: str) -> int:
    """Syllables in a text, sound tags excluded (cached: reconcile and check ask for each turn often)."""
    return sum(syllables(w) for w in words(text))


def counted(n: int, noun: str) -> str:
    """'1 word', '2 words': counts in messages read as English."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
