"""Writers of every output format, picked by the output's extension (or forced by name).

Two tables, caption formats and word-timing formats, each a name and the extensions that pick it
(README's format table says what each is for and which library writes it); the writers are one
small module each: vtt (WebVTT, SRT), ttml (IMSC 1.1), substation (ASS/SSA), sbv, textgrid,
tables (CSV, Audacity labels), edl (the clip list, written by `align clips`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ..captions import Cue
from ..errors import InputError
from ..timefmt import seconds
from ..types import TurnTrace, Word

if TYPE_CHECKING:
    from ..adapt import Transform

__all__ = ["CAPTION_FORMATS", "WORD_FORMATS", "Format", "cues_json", "pick", "render_captions", "render_words"]

Kind = Literal["captions", "words"]


@dataclass(frozen=True)
class Format:
    name: str  # what --to takes
    extensions: tuple[str, ...]  # lower case, dot included


CAPTION_FORMATS = (
    Format("vtt", (".vtt",)),
    Format("srt", (".srt",)),
    Format("ttml", (".ttml", ".dfxp", ".xml")),
    Format("ass", (".ass",)),
    Format("ssa", (".ssa",)),
    Format("sbv", (".sbv",)),
    Format("json", (".json",)),
)
WORD_FORMATS = (
    Format("json", (".json",)),
    Format("textgrid", (".textgrid",)),
    Format("csv", (".csv",)),
    Format("audacity", (".txt",)),
)


def pick(path: str | None, kind: Kind, forced: str | None = None) -> Format:
    """The format for an output path: by name if forced, else by extension (case ignored); JSON
    when there is neither (words to stdout)."""
    table = CAPTION_FORMATS if kind == "captions" else WORD_FORMATS
    if forced:
        for f in table:
            if f.name == forced.lower():
                return f
        names = ", ".join(f.name for f in table)
        raise InputError(path, f"unknown {kind[:-1]} format {forced!r}: use one of {names}")
    if path is None:
        return next(f for f in table if f.name == "json")
    ext = os.path.splitext(path)[1].lower()
    for f in table:
        if ext in f.extensions:
            return f
    known = ", ".join(e for f in table for e in f.extensions)
    raise InputError(path, f"unknown {kind[:-1]} format {ext or '(no extension)'}: use {known}, or name one with --to")


def cues_json(cues: list[Cue], estimated: bool, qa: dict | None = None) -> dict:
    return {
        "estimated": estimated,
        "qa": qa,
        "cues": [{
            "index": n, "start": seconds(c.start), "end": seconds(c.end), "speakers": list(c.speakers),
            "lines": list(c.lines), "text": c.text,
            "words": [{"word": w.word, "start": seconds(w.start), "end": seconds(w.end), "speaker": w.speaker,
                       "segment": w.segment, "aligned": w.aligned} for w in c.words],
        } for n, c in enumerate(cues, 1)],
    }


def render_captions(fmt: Format, cues: list[Cue], estimated: bool = False, word_timestamps: bool = False,
                    qa: dict | None = None, language: str = "en") -> str:
    """Cues -> the text of a caption file in fmt."""
    from ..output import dumps
    from . import sbv, substation, ttml, vtt

    if fmt.name == "vtt":
        return vtt.to_webvtt(cues, estimated, word_timestamps)
    if fmt.name == "srt":
        return vtt.to_srt(cues)
    if fmt.name == "ttml":
        return ttml.to_imsc(cues, language)
    if fmt.name in ("ass", "ssa"):
        return substation.to_substation(cues, fmt.name, word_timestamps)
    if fmt.name == "sbv":
        return sbv.to_sbv(cues)
    return dumps(cues_json(cues, estimated, qa))


def render_words(fmt: Format, words: list[Word], duration: int, trace: tuple[TurnTrace, ...] = (),
                 adapted: Transform | None = None) -> str:
    """Words -> the text of a word-timing file in fmt."""
    from ..output import dumps
    from ..report import words_json
    from . import tables, textgrid

    if fmt.name == "textgrid":
        return textgrid.to_textgrid(words, duration)
    if fmt.name == "csv":
        return tables.to_csv(words)
    if fmt.name == "audacity":
        return tables.word_labels(words)
    return dumps(words_json(words, trace, adapted))
