"""Bytes of a transcript file -> text, the way users' files actually arrive (BOMs, UTF-16, CRLF, NBSP)."""
from __future__ import annotations

import codecs
import os
import re

from ..errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Unicode spaces that word processors and web pages leave in text; all read as a plain space.
_SPACES = re.compile("[\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u3000\t]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")  # a regex: str.translate is slow on long text


def read_text(path: str, encoding: str | None = None) -> str:
    """Read a text file: BOM-aware, UTF-16 without BOM detected, line ends and odd spaces normalised."""
    if not os.path.exists(path):
        raise InputError(path, "file not found")
    if os.path.isdir(path):
        raise InputError(path, "is a folder, not a transcript file")
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise InputError(path, f"cannot be read: {exc.strerror}") from exc
    return decode_text(data, path, encoding)


def decode_text(data: bytes, path: str = "<transcript>", encoding: str | None = None) -> str:
    """Decode bytes to normalised text or raise InputError naming the file and the line at fault."""
    return normalise(decode_raw(data, path, encoding))


def read_raw(path: str, encoding: str | None = None) -> str:
    """The file's text as written (line ends and odd spaces kept): what an edit must leave alone."""
    with open(path, "rb") as fh:
        return decode_raw(fh.read(), path, encoding)


def decode_raw(data: bytes, path: str = "<transcript>", encoding: str | None = None) -> str:
    """Decode bytes (BOM dropped) without normalising, or raise InputError naming the file and line."""
    if not data.strip():
        raise InputError(path, "is empty")
    if encoding is None:
        encoding = _sniff(data, path)
    else:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise InputError(path, f"unknown encoding {encoding!r}") from exc
    for bom, name in _BOMS:
        if data.startswith(bom) and codecs.lookup(name).name == codecs.lookup(encoding).name:
            data = data[len(bom):]
            break
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        bad = data[exc.start: exc.start + 1].hex().upper()
        raise InputError(
            path,
            f"is not valid {encoding} text (byte 0x{bad}); save it as UTF-8, "
            "or name its encoding with --encoding (for example cp1252)",
            line,
        ) from exc
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InputError(path, "contains NUL characters: it is not a text transcript", line)
    return text


def normalise(text: str) -> str:
    """CRLF/CR -> LF, Unicode spaces -> space, zero-width characters removed."""
    return _INVISIBLE.sub("", _SPACES.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n")))


def _sniff(data: bytes, path: str) -> str:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    head = data[:4000]
    if b"\x00" in head:
        # UTF-16 without a BOM: every other byte of ASCII text is NUL.
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
            return "utf-16-le"
        if even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
            return "utf-16-be"
        raise InputError(path, "is not a text file (it holds binary data); give the transcript's .txt file")
    return "utf-8"
