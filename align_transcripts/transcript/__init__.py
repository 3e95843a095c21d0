"""Reading transcripts. Formats are pluggable: each module offers `looks_like(text)` and `parse(text, path)`."""
from __future__ import annotations

from ..errors import InputError
from ..types import Transcript
from . import rev
from .encoding import decode_text, read_text

FORMATS = {"rev": rev}


def parse_transcript(text: str, path: str = "<transcript>", format: str | None = None) -> Transcript:
    """Decoded text -> Transcript, in the named format or the first one that recognises the text."""
    if format is not None:
        if format not in FORMATS:
            raise InputError(path, f"unknown transcript format {format!r} (known: {', '.join(FORMATS)})")
        return FORMATS[format].parse(text, path)
    for module in FORMATS.values():
        if module.looks_like(text):
            return module.parse(text, path)
    return rev.parse(text, path)  # the most common format says best what is wrong


def read_transcript(path: str, format: str | None = None, encoding: str | None = None) -> Transcript:
    """Read and parse a transcript file; never modifies it."""
    return parse_transcript(read_text(path, encoding), path, format)


__all__ = ["FORMATS", "decode_text", "parse_transcript", "read_text", "read_transcript"]
