"""From a transcript token to what the acoustic model can match: spoken words and their phones.

A token is normalised to spoken words (numbers, years, money, percentages, times, acronyms),
each word is looked up in PocketSphinx's 134k-word dictionary, and a word it lacks gets a
pronunciation from espeak-ng's letter-to-sound rules (the library and data ship in the
`espeakng-loader` wheel; espeak.py), its IPA mapped onto the model's ARPAbet phones. Nothing is dropped:
a token with no speakable content (a dash, `[inaudible]`) simply has no spoken words.
"""
from __future__ import annotations

import functools
import re

from num2words import num2words

from .espeak import espeak
from .text import is_tag

# espeak-ng IPA -> CMU ARPAbet. Longest symbols are tried first; stress and length marks are
# dropped before mapping. Rhotic vowels become ER; the flap and glottal stop become T.
IPA_TO_ARPABET = {
    "aɪə": "AY ER", "aɪɚ": "AY ER", "aʊɚ": "AW ER",
    "aɪ": "AY", "aʊ": "AW", "eɪ": "EY", "oʊ": "OW", "əʊ": "OW", "ɔɪ": "OY", "tʃ": "CH", "dʒ": "JH",
    "ɜɹ": "ER", "ɝ": "ER", "ɚ": "ER", "ɜ": "ER", "ɪɹ": "IH R", "ɛɹ": "EH R", "ʊɹ": "UH R", "ɔɹ": "AO R",
    "ɑɹ": "AA R", "iə": "IY AH", "eə": "EH AH", "ʊə": "UH AH",
    "ɑ": "AA", "ɒ": "AA", "æ": "AE", "ʌ": "AH", "ə": "AH", "ɐ": "AH", "ᵻ": "IH", "ɨ": "IH", "ɔ": "AO",
    "ɛ": "EH", "e": "EH", "ɪ": "IH", "i": "IY", "ʊ": "UH", "u": "UW", "o": "OW", "a": "AE", "y": "UW",
    "b": "B", "d": "D", "f": "F", "ɡ": "G", "g": "G", "h": "HH", "j": "Y", "k": "K", "l": "L", "ɫ": "L",
    "m": "M", "n": "N", "ŋ": "NG", "p": "P", "ɹ": "R", "r": "R", "ɾ": "T", "s": "S", "ʃ": "SH", "t": "T",
    "θ": "TH", "ð": "DH", "v": "V", "w": "W", "z": "Z", "ʒ": "ZH", "ʔ": "T", "x": "K", "ç": "HH", "ʍ": "W",
    "c": "K", "ɬ": "L", "ɣ": "G", "β": "B", "ɲ": "N Y",
}
_IPA_KEYS = sorted(IPA_TO_ARPABET, key=len, reverse=True)
_IPA_DROP = re.compile(r"[ˈˌːˑ̩̯͡‿\-.]")

# The letters as the dictionary spells them, for acronyms (A is EY when spelled, not AH).
LETTER_OVERRIDES = {"a": "EY"}

_CURRENCY = {"$": "dollars", "£": "pounds", "€": "euros"}
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)$", re.I)
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_NUMBER = re.compile(r"^\d[\d,]*(\.\d+)?$")
_CAMEL = re.compile(r"[A-Z]{2,}(?=[A-Z][a-z]|\b|\d|$)|[A-Z]?[a-z']+|[A-Z]+|\d[\d,.]*")


def _clean(word: str) -> str:
    return re.sub(r"[^a-z']", "", word.lower()).strip("'")


def _number_words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s\-,]+", text.replace(" and ", " ")) if w and w != "and"]


def spoken(token: str, known) -> list[str]:
    """A transcript token -> the lower-case words a speaker says for it (maybe none).

    `known(word)` tells whether the dictionary has a word; it steers acronym spelling.
    """
    t = token.strip()
    if not t or is_tag(t):
        return []
    t = t.replace("’", "'").replace("‘", "'").replace("“", "").replace("”", "").replace('"', "")
    t = t.strip(".,!?;:()[]{}\"…—–-").replace("—", " ").replace("–", " ")
    if not t:
        return []
    plain = _clean(t)
    if plain and re.fullmatch(r"[A-Za-z']+", t) and known(plain) and not (t.isupper() and len(t) > 1 and not known(plain)):
        return [plain]
    out: list[str] = []
    for part in re.split(r"[\s/\-]+", t):
        out += _spoken_part(part, known)
    return out


def _spoken_part(part: str, known) -> list[str]:
    if not part:
        return []
    if part == "&":
        return ["and"]
    if part[0] in _CURRENCY and _NUMBER.match(part[1:] or "x"):
        value = part[1:].replace(",", "")
        whole, _, cents = value.partition(".")
        words = _number_words(num2words(int(whole))) + [_CURRENCY[part[0]]]
        if cents and int(cents):
            words += ["and"] + _number_words(num2words(int(cents.ljust(2, "0")[:2]))) + ["cents"]
        return words
    if part.endswith("%") and _NUMBER.match(part[:-1] or "x"):
        return _spoken_part(part[:-1], known) + ["percent"]
    m = _ORDINAL.match(part)
    if m:
        return _number_words(num2words(int(m.group(1)), to="ordinal"))
    m = _CLOCK.match(part)
    if m:
        h, mi = int(m.group(1)), int(m.group(2))
        return _number_words(num2words(h)) + ([] if mi == 0 else (["oh"] if mi < 10 else []) + _number_words(num2words(mi)))
    if _NUMBER.match(part):
        digits = part.replace(",", "")
        if re.fullmatch(r"1[1-9]\d\d|20\d\d", digits) and "," not in part:
            return _number_words(num2words(int(digits), to="year"))
        if "." in digits:
            return _number_words(num2words(float(digits)))
        return _number_words(num2words(int(digits)))
    m = re.fullmatch(r"(\d+)'?s", part)  # 1990s, 90's
    if m:
        words = _spoken_part(m.group(1), known)
        last = words[-1]
        words[-1] = (last[:-1] + "ies") if last.endswith("y") else last + "s"
        return words
    plain = _clean(part)
    if plain and known(plain) and not (part.isupper() and len(part) > 1 and len(part) <= 5 and not known(plain)):
        return [plain]
    out = []
    for piece in _CAMEL.findall(part):
        if piece[0].isdigit():
            out += _spoken_part(piece.rstrip(".,"), known)
        elif piece.isupper() and len(piece) > 1 and not known(piece.lower()) and _spelled(piece):
            out += [c.lower() for c in piece]  # an acronym: spell it
        else:
            c = _clean(piece)
            if c:
                out.append(c)
    return out


def _spelled(caps: str) -> bool:
    """GPT, HTML are spelled out; COVID, NATO are said as words."""
    return len(caps) <= 3 or not re.search(r"[AEIOU][^AEIOU]|[^AEIOU][AEIOU]", caps) or caps.count("") > 7


def ipa_to_arpabet(ipa: str) -> str:
    """Map an IPA string onto the acoustic model's phones; unknown symbols are skipped."""
    s = _IPA_DROP.sub("", ipa.replace(" ", ""))
    phones, i = [], 0
    while i < len(s):
        for key in _IPA_KEYS:
            if s.startswith(key, i):
                phones.append(IPA_TO_ARPABET[key])
                i += len(key)
                break
        else:
            i += 1
    return " ".join(phones)


@functools.lru_cache(maxsize=50_000)
def guess_pronunciation(word: str) -> str:
    """ARPAbet for a word the dictionary lacks, by espeak-ng's rules; never empty for a word with letters."""
    arpa = ipa_to_arpabet(espeak().ipa(word))
    if not arpa:  # espeak said nothing usable: spell it
        arpa = " ".join(filter(None, (ipa_to_arpabet(espeak().ipa(c)) for c in word if c.isalpha())))
    return arpa or "AH"
