"""Reading transcripts. Formats are pluggable: each reader is `looks_like(text)` and `parse(text, path)`,
and a text is read by the first reader (in FORMATS order) that recognises it."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import InputError
from ..types import Transcript
from . import plain, rev, revjson, subtitles
from .encoding import decode_text, read_text


@dataclass(frozen=True)
class Reader:
    looks_like: Callable[[str], bool]
    parse: Callable[[str, str], Transcript]


FORMATS = {
    "revjson": Reader(revjson.looks_like, revjson.parse),  # Rev's API JSON
    "vtt": Reader(subtitles.looks_like_vtt, subtitles.parse_vtt),  # WebVTT, voices as speakers
    "srt": Reader(subtitles.looks_like_srt, subtitles.parse_srt),  # SubRip
    "rev": Reader(rev.looks_like, rev.parse),  # Rev text: `Name (HH:MM:SS):` headers
    "plain": Reader(plain.looks_like, plain.parse),  # paragraphs, `Name:` labels, no stamps
}


def parse_transcript(text: str, path: str = "<transcript>", format: str | None = None) -> Transcript:
    """Decoded text -> Transcript, in the named format or the first one that recognises the text."""
    if format is not None:
        if format not in FORMATS:
            raise InputError(path, f"unknown transcript format {format!r} (known: {', '.join(FORMATS)})")
        return FORMATS[format].parse(text, path)
    for reader in FORMATS.values():
        if reader.looks_like(text):
            return reader.parse(text, path)
    return rev.parse(text, path)  # header-shaped lines with no valid stamp: Rev's reader says what is wrong


def read_transcript(path: str, format: str | None = None, encoding: str | None = None) -> Transcript:
    """Read and parse a transcript file; never modifies it."""
    return parse_transcript(read_text(path, encoding), path, format)


__all__ = ["FORMATS", "decode_text", "parse_transcript", "read_text", "read_transcript"]
