"""Words and how long they take to say: the text measures that reconcile, check and captions share."""
from __future__ import annotations

import functools
import re

_VOWEL_GROUPS = re.compile(r"[aeiouyàáâãäåæèéêëìíîïòóôõöøœùúûüýÿąęėįųůěőűıāēīōū]+")
# Han characters and kana: one syllable (or mora) each; scripts written without spaces are counted so
_SYLLABIC = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_DIGITS = re.compile(r"\d")
# a sound tag: `[laughter]`, `[inaudible]`, or the angle-bracket form corpora and some services
# write (`<VOCNOISE>`, `<laugh>`, `<noise>`: MFA's and Buckeye's conventions); one letter in angle
# brackets (`<i>`) is formatting, not a tag
_TAG = re.compile(r"^(?:\[[^\]]*\]|<[A-Za-z][\w-]+>)[.,!?;:]*$")
_SENTENCE_END = re.compile(r"[.?!…]['\"”’)]*$")
_CLAUSE_END = re.compile(r"[,;:—–]['\"”’)]*$|^(?:--|—|–)$")
_NOT_WORD = re.compile(r"[^\w']+")


_TOKEN = re.compile(r"\[[^\[\]\n]*\]\S*|\S+")


def tokens(text: str) -> list[str]:
    """Whitespace tokens, punctuation kept: the transcript's own words (and sound tags). A bracketed note is one
    token even when it holds spaces (`[foreign language]`, `[laughs quietly]`): it is not speech."""
    return _TOKEN.findall(text)


# Abbreviations that stand before what they qualify (Mr. Smith, Dr. No, St. Louis, No. 5): their
# dot never closes a sentence. Single letters with a dot are initials (J. R. R. Tolkien).
TITLES = frozenset("mr mrs ms mx dr prof st mt ft rev fr sr jr gen col lt capt cpt sgt maj adm gov sen rep "
                   "pres hon vs approx cf".split())
# Abbreviations before a number (No. 5, vol. 2, fig. 3): no end when a number follows.
NUMBERED = frozenset("no nos vol fig p pp ch art sec".split())
# Abbreviations that may also end a sentence (the U.S., 9 a.m., etc.): a sentence end only when
# the next word starts like a sentence.
AMBIGUOUS = frozenset("etc inc ltd co corp bros dept est u.s u.k u.n e.u a.m p.m e.g i.e al".split())


@functools.lru_cache(maxsize=200_000)  # pure, and called per token by captions and clips
def ends_clause(token: str) -> bool:
    """`word,` `word;` `word:` `word—`: punctuation a speaker often pauses at, where an editor
    cuts or an advert is inserted inside a sentence (sentence ends are tested by ends_sentence)."""
    return bool(_CLAUSE_END.search(token))


def ends_sentence(token: str, following: str | None = None) -> bool:
    """`word.`, `word?"`, `word…`: the token closes a sentence.

    A title's dot (Mrs., Dr., St.) or an initial's (J.) closes none; an abbreviation that may end
    a sentence (U.S., a.m., etc.) does when the following token starts with a capital (when
    there is no following token, it does). A decimal point inside a number is no end (3.5).
    """
    if not _SENTENCE_END.search(token):
        return False
    core = token.rstrip("'\"”’)")
    if not core.endswith("."):
        return True  # ? ! …
    stem = core[:-1].lstrip("(\"“‘'").lower()
    if stem in TITLES or (len(stem) == 1 and stem.isalpha() and stem not in NUMBERED):
        return False
    if stem in NUMBERED and following is not None and following[:1].isdigit():
        return False
    if stem in AMBIGUOUS:
        return following is None or following[:1].isupper()
    return True


@functools.lru_cache(maxsize=200_000)  # pure, and called per token by captions and clips
def bare(token: str) -> str:
    """A token for matching: lower case, curly apostrophes straightened, punctuation gone."""
    return _NOT_WORD.sub("", token.lower().replace("’", "'").replace("‘", "'")).strip("'")


@functools.lru_cache(maxsize=200_000)  # pure, and called per token by captions and clips
def is_tag(token: str) -> bool:
    """A sound tag such as `[inaudible]` or `<VOCNOISE>`: shown in captions, not spoken by the transcript's speaker."""
    return bool(_TAG.match(token))


@functools.lru_cache(maxsize=200_000)
def syllables(word: str) -> int:
    """Rough syllable count of one token; digits count as about one syllable each (numbers are spoken long).
    Accented vowels count as vowels; a Han character, a kana or a Hangul block is one syllable."""
    if is_tag(word):
        return 0
    digits = len(_DIGITS.findall(word))
    syllabic = len(_SYLLABIC.findall(word))
    if syllabic:
        return syllabic + digits
    raw = "".join(c for c in word if c.isalpha())
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
    return sum(syllables(w) for w in tokens(text))


def counted(n: int, noun: str) -> str:
    """'1 word', '2 words': counts in messages read as English."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
