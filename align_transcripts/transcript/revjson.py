"""Rev's JSON (what its API returns): `monologues`, each a speaker with `elements` of text and punctuation.

The first timed element of a monologue is its stamp; the element times themselves are
another transcription's guesses and are not used. Each monologue's line in the file is found
by decoding the array one object at a time.
"""
from __future__ import annotations

import json
import re

from ..errors import InputError
from ..types import Paragraph, Transcript, Turn
from .markers import find_markers

OPENING = re.compile(r'^\s*\{.*"monologues"\s*:', re.S)


def looks_like(text: str) -> bool:
    return bool(OPENING.match(text[:2000]))


def _monologue_lines(text: str) -> list[int]:
    """Line number where each object of the `monologues` array starts."""
    decoder = json.JSONDecoder()
    at = text.index("[", text.index('"monologues"')) + 1
    lines: list[int] = []
    while True:
        while at < len(text) and text[at] in " \t\n,":
            at += 1
        if at >= len(text) or text[at] == "]":
            return lines
        lines.append(text.count("\n", 0, at) + 1)
        _, at = decoder.raw_decode(text, at)


def parse(text: str, path: str = "<transcript>") -> Transcript:
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise InputError(path, f"not readable as Rev JSON: {e}") from None
    monologues = doc.get("monologues") if isinstance(doc, dict) else None
    if not isinstance(monologues, list):
        raise InputError(path, "Rev JSON needs a 'monologues' list")
    lines = _monologue_lines(text)
    turns = []
    for n, (mono, line) in enumerate(zip(monologues, lines), start=1):
        if not isinstance(mono, dict) or not isinstance(mono.get("elements", []), list):
            raise InputError(path, f"monologue {n} is not an object with an 'elements' list", line)
        elements = [e for e in mono.get("elements", []) if isinstance(e, dict)]
        body = "".join(str(e.get("value", "")) for e in elements)
        stamp = next((e["ts"] for e in elements if isinstance(e.get("ts"), (int, float))), None)
        name = mono.get("speaker_name") or f"Speaker {mono.get('speaker', n)}"
        paras = tuple(Paragraph(" ".join(p.split()), line) for p in body.split("\n") if p.strip())
        turns.append(Turn(str(name), None if stamp is None else round(stamp * 1000), line, paras,
                          tuple(mk for p in paras for mk in find_markers(p.text, p.line))))
    if not turns:
        raise InputError(path, "Rev JSON has no monologues")
    return Transcript(tuple(turns), path, "revjson")
