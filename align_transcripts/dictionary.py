"""The pronouncing dictionary: CMUdict as the pocketsphinx wheel ships it, read without a decoder.

Tokenizing a transcript needs only to know which words the dictionary has (it steers how
acronyms are spelled) and how many phones a word has; neither should start the acoustic
decoder. A word the dictionary lacks gets a pronunciation guessed by espeak-ng
(align_transcripts.pronounce), remembered here so that every decoder adds the same one.
"""
from __future__ import annotations

import functools
import os

__all__ = ["guessed", "known", "pronunciation", "pronunciations"]

_guessed: dict[str, str] = {}  # words the dictionary lacks, with the pronunciation guessed for them


def dictionary_path() -> str:
    import pocketsphinx

    return os.path.join(os.path.dirname(pocketsphinx.__file__), "model", "en-us", "cmudict-en-us.dict")


@functools.lru_cache(maxsize=1)
def _read() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """The dictionary in one pass: word -> its first pronunciation, and word -> its others
    ("word(2)", "word(3)" ...) for the words that have any."""
    first: dict[str, str] = {}
    others: dict[str, list[str]] = {}
    with open(dictionary_path(), encoding="utf-8") as fh:
        for line in fh:
            word, _, phones = line.partition(" ")
            if "(" not in word:
                first.setdefault(word, phones.strip())
            elif word.endswith(")"):
                others.setdefault(word[:word.index("(")], []).append(phones.strip())
    return first, {w: tuple(p) for w, p in others.items()}


def _entries() -> dict[str, str]:
    return _read()[0]


def pronunciations(word: str) -> tuple[str, ...]:
    """All the word's pronunciations, the first one first (a guessed word has one)."""
    return (pronunciation(word), *_read()[1].get(word, ()))


def known(word: str) -> bool:
    """Whether the dictionary itself has the word (a guessed one does not count)."""
    return word in _entries()


def pronunciation(word: str) -> str:
    """The word's phones (ARPAbet, space separated): the dictionary's, else a guess made once."""
    phones = _entries().get(word) or _guessed.get(word)
    if phones is None:
        from .pronounce import guess_pronunciation

        phones = _guessed[word] = guess_pronunciation(word)
    return phones


def guessed() -> dict[str, str]:
    """Every word guessed so far, with its pronunciation (a new decoder adds them all)."""
    return dict(_guessed)
