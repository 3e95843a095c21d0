"""The languages align speaks, and what differs per language: the voice that reads the text, how
the text is cut into words, and the caption and audit limits.

English keeps the acoustic engine (the en-us model); every other language is aligned by
synthesis and warping (warp/engine.py). Caption limits follow Netflix's per-language timed-text
guides: 42 characters a line for languages written with spaces and 17 characters a second for
adults (../shared/research/caption-standards.md: "other languages: 17 adult"), Simplified
Chinese 16 a line and 9 a second, Japanese 13 a line and 4 a second, Korean 16 and 12.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LANGUAGES", "Language", "audit_thresholds", "caption_rules", "language", "supported"]


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1
    name: str
    voice: str  # espeak-ng's voice for it
    spaced: bool = True  # words are written with spaces between them (False: every character a word, or segmented)
    max_chars: int = 42  # caption characters per line
    max_cps: float = 17.0  # caption reading speed, characters a second
    fast_rate: float = 7.5  # the audit's pace limits, in syllables a second (characters for unspaced scripts)
    slow_rate: float = 2.0


LANGUAGES = {lang.code: lang for lang in (
    Language("en", "English", "en-us", max_cps=20.0),
    Language("fr", "French", "fr"),
    Language("de", "German", "de"),
    Language("es", "Spanish", "es"),
    Language("it", "Italian", "it"),
    Language("pt", "Portuguese", "pt"),
    Language("nl", "Dutch", "nl"),
    Language("pl", "Polish", "pl"),
    Language("sv", "Swedish", "sv"),
    Language("ca", "Catalan", "ca"),
    Language("zh", "Mandarin Chinese", "cmn", spaced=False, max_chars=16, max_cps=9.0, fast_rate=7.0, slow_rate=1.5),
    Language("ja", "Japanese", "ja", spaced=False, max_chars=13, max_cps=4.0, fast_rate=9.0, slow_rate=2.0),
)}


def supported() -> str:
    return ", ".join(f"{c} ({lang.name})" for c, lang in LANGUAGES.items())


def language(code: str) -> Language:
    """The language for an ISO 639-1 code; ValueError naming the supported ones otherwise."""
    key = (code or "").strip().lower().replace("_", "-").split("-")[0]
    if key == "cmn":
        key = "zh"
    if key not in LANGUAGES:
        raise ValueError(f"language {code!r} is not supported; the supported languages: {supported()}")
    return LANGUAGES[key]


def caption_rules(rules, lang: Language):
    """A preset made right for the language: its line length and reading speed, and no spaces
    between words where the script has none. English keeps the preset as it is."""
    from dataclasses import replace

    if lang.code == "en":
        return rules
    return replace(rules, max_chars=min(rules.max_chars, lang.max_chars),
                   max_cps=None if rules.max_cps is None else min(rules.max_cps, lang.max_cps),
                   joiner=" " if lang.spaced else "")


def audit_thresholds(th, lang: Language):
    """The audit's pace limits for the language (syllables a second; characters for Chinese and
    Japanese, where text.syllables counts each character). English keeps the thresholds given."""
    from dataclasses import replace

    if lang.code == "en":
        return th
    return replace(th, fast_rate=lang.fast_rate, slow_rate=lang.slow_rate)
