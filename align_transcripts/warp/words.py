"""A turn's text as words per language: the transcript's own characters, cut where that language
cuts words, and what the synthesizer is given to say for each.

Languages written with spaces keep the transcript's whitespace tokens (espeak-ng reads numbers,
dates and abbreviations in each language itself, but for the few cases `_numbers` rewrites).
Chinese is cut into words by jieba's dictionary (so captions never break inside one), and each
of its characters is timed (`units`). Japanese is cut into words by pykakasi's dictionary and each word read as
kana (espeak-ng reads no kanji).
"""
from __future__ import annotations

import functools
import re

from ..text import ends_sentence, is_tag
from ..text import tokens as spaced_tokens
from .languages import Language

__all__ = ["closes_sentence", "speakable", "units", "words"]

_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"  # a Han character
_HAN_OR_RUN = re.compile(rf"{_HAN}|(?:(?!{_HAN}).)+", re.S)  # one Han character, or a run of anything else
_CLOSING = "。．！？!?.…"
_PUNCT = re.compile(r"^[\s。．，、！？!?,.;；:：…「」『』（）()《》“”\"'・〜ー-]+$")


def words(text: str, lang: Language) -> list[str]:
    """The turn's words in order, every character of the text kept in exactly one of them (but spaces)."""
    out: list[str] = []
    if lang.spaced:
        for token in spaced_tokens(text):
            if out and _PUNCT.match(token) and not is_tag(out[-1]):
                out[-1] += " " + token  # French "dehors !": the mark is the word's
            else:
                out.append(token)
        return out
    for chunk in re.split(r"(\[[^\]]*\])", text):  # sound tags stand alone, even without spaces around them
        if is_tag(chunk):
            out.append(chunk)
            continue
        for piece in _unspaced(chunk, lang):
            if out and _PUNCT.match(piece) and not is_tag(out[-1]):
                out[-1] += piece  # punctuation rides on the word before it
            else:
                out.append(piece)
    return out


def _unspaced(chunk: str, lang: Language) -> list[str]:
    cut = _japanese_words if lang.code == "ja" else _chinese_words
    return [p for token in spaced_tokens(chunk) for p in cut(token)]


@functools.lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)  # its dictionary loads with a banner on stderr otherwise
    return jieba


def _chinese_words(token: str) -> list[str]:
    return [w for w in _jieba().cut(token) if w.strip()]


def units(word: str, lang: Language) -> list[str]:
    """The pieces of a word timed apart: each Han character of a Chinese word (a run of anything
    else kept whole, punctuation on the piece before it); the word itself elsewhere."""
    if lang.code != "zh" or is_tag(word):
        return [word]
    out: list[str] = []
    for piece in _han_units(word):
        if out and _PUNCT.match(piece):
            out[-1] += piece
        else:
            out.append(piece)
    return out


def _han_units(token: str) -> list[str]:
    """Each Han character alone; runs of anything else (Latin words, digits) kept together."""
    return _HAN_OR_RUN.findall(token)


@functools.lru_cache(maxsize=1)
def _kakasi():
    import pykakasi

    return pykakasi.kakasi()


def _japanese_words(token: str) -> list[str]:
    return [seg["orig"] for seg in _kakasi().convert(token) if seg["orig"]]


def speakable(word: str, lang: Language) -> str:
    """What the synthesizer says for a word ("" for a sound tag or bare punctuation)."""
    if is_tag(word) or _PUNCT.match(word):
        return ""
    said = _numbers(word, lang)
    if lang.code == "ja":
        return "".join(seg["hira"] for seg in _kakasi().convert(said))
    return said


# espeak-ng reads numbers, currency and per cent in each language itself; these are the cases it
# reads wrongly (measured with Espeak.ipa): German and Dutch years (1990 is "neunzehnhundertneunzig",
# not "eintausend neunhundert..."), a currency sign before its amount (read in the order written:
# "euro cinq"), and per cent in Chinese and Japanese (read in English).
YEARS_AS_HUNDREDS = ("de", "nl")
_YEAR = re.compile(r"^(1[1-9]\d\d)([^\d]*)$")
_MONEY = re.compile(r"^([€$£¥])(\d[\d.,]*)(.*)$")
_PERCENT = re.compile(r"^(\d[\d.,]*)\s*[%％](.*)$")


def _numbers(word: str, lang: Language) -> str:
    m = _YEAR.match(word)
    if m and lang.code in YEARS_AS_HUNDREDS:
        from num2words import num2words

        return num2words(int(m.group(1)), lang=lang.code, to="year") + m.group(2)
    m = _MONEY.match(word)
    if m:
        return f"{m.group(2)} {m.group(1)}{m.group(3)}"
    m = _PERCENT.match(word)
    if m and lang.code == "zh":
        return f"百分之{m.group(1)}{m.group(2)}"
    if m and lang.code == "ja":
        return f"{m.group(1)}パーセント{m.group(2)}"
    return word


def closes_sentence(word: str, following: str | None, lang: Language) -> bool:
    if lang.spaced:
        return ends_sentence(word, following)
    return word.rstrip("」』）)”\"").endswith(tuple(_CLOSING))
