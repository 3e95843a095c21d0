"""Rev-style transcripts: `Speaker Name (HH:MM:SS):` on its own line, then the turn's paragraphs.

Read as published on a web page: lines before the first turn and page chrome after the last
one are reported as `boilerplate`, header-like lines with an impossible stamp as
`malformed_header`; neither is silently dropped nor merged into speech.
"""
from __future__ import annotations

import re

from ..errors import InputError
from ..timefmt import clock
from ..types import Finding, Paragraph, Transcript, Turn
from .markers import find_markers
from .speakers import UNNAMED

# Anything shaped like a header: a label (perhaps missing), a parenthesised stamp-ish thing, a
# colon (perhaps missing, when the stamp is well formed).
HEADER_SHAPE = re.compile(r"^\s*(?P<speaker>(?:[^\s()].{0,399}?)?)\s*\(\s*(?P<stamp>[^()]*[\d:][^()]*?)\s*\)"
                          r"\s*(?P<colon>:?)\s*$")
FULL_STAMP = re.compile(r"^\d{1,3}:[0-5]\d:[0-5]\d(?:[.,]\d{1,3})?$")
# A well-formed stamp: MM:SS or H...:MM:SS, optional fraction.
STAMP = re.compile(r"^(?:(?P<h>\d{1,3}):)?(?P<m>[0-5]\d):(?P<s>[0-5]\d)(?:[.,](?P<f>\d{1,3}))?$")
# Web-page chrome that Rev's transcript pages put after the transcript.
CHROME = (
    re.compile(r"^transcribe your own content$", re.I),
    re.compile(r"^try rev\b.*", re.I),
)


def parse_stamp(text: str) -> int | None:
    """A header's stamp -> milliseconds, or None when it is not a valid clock time."""
    m = STAMP.match(text.strip())
    if not m:
        return None
    frac = int((m.group("f") or "0").ljust(3, "0"))
    return ((int(m.group("h") or 0) * 60 + int(m.group("m"))) * 60 + int(m.group("s"))) * 1000 + frac


def header(line: str) -> re.Match[str] | None:
    """The parts of a header line, or None for speech. Without its colon a line is a header only
    when its stamp is well formed (speech may end in a parenthesis)."""
    if "(" not in line or not line.endswith((":", ")")):  # most lines are speech
        return None
    m = HEADER_SHAPE.match(line)
    if m and not m.group("colon") and not (FULL_STAMP.match(m.group("stamp")) and len(m.group("speaker").split()) <= 6):
        return None  # "we met at noon (12:30)" is speech; "Ann Lee (00:12:30)" a header missing its colon
    return m


def looks_like(text: str) -> bool:
    """Whether a text is in this format: at least one well-formed header line."""
    for line in text.split("\n"):
        m = header(line.strip())
        if m and parse_stamp(m.group("stamp")) is not None:
            return True
    return False


def parse(text: str, path: str = "<transcript>") -> Transcript:
    """Text (already decoded and normalised) -> Transcript with notes on what was not speech."""
    lines = text.split("\n")
    notes: list[Finding] = []
    turns: list[dict] = []
    preamble: list[tuple[int, str]] = []
    for number, raw in enumerate(lines, start=1):
        line = " ".join(raw.split())
        if not line:
            continue
        m = header(line)
        if m:
            stamp = parse_stamp(m.group("stamp"))
            speaker = m.group("speaker") or UNNAMED
            if stamp is None:
                notes.append(Finding(
                    "malformed_header", "error", number, None, None, speaker,
                    f"turn header has an invalid stamp ({m.group('stamp')}); write it as HH:MM:SS. "
                    "The turn is kept and its time estimated from its neighbours.",
                ))
            if not m.group("speaker"):
                notes.append(Finding(
                    "malformed_header", "warning", number, stamp, None, UNNAMED,
                    f"turn header names no speaker; the turn is kept as {UNNAMED!r}. Write the name before the stamp.",
                ))
            if not m.group("colon"):
                notes.append(Finding(
                    "malformed_header", "warning", number, stamp, None, speaker,
                    "turn header has no colon after its stamp; it was read as a header. Add the colon.",
                ))
            turns.append({"speaker": speaker, "stamp": stamp, "line": number, "paras": []})
        elif turns:
            turns[-1]["paras"].append(Paragraph(line, number))
        else:
            preamble.append((number, line))
    if not turns:
        raise InputError(path, "no speaker turns found: expected header lines such as 'Elon Musk (00:10:53):'")
    if all(t["stamp"] is None for t in turns):
        raise InputError(path, "no turn header has a valid stamp (HH:MM:SS)", turns[0]["line"])

    for number, line in preamble:
        notes.append(_boilerplate(number, line, "before the first turn"))
    known = {line.casefold() for _, line in preamble}
    last = turns[-1]["paras"]
    while last and (last[-1].text.casefold() in known or any(c.match(last[-1].text) for c in CHROME)):
        p = last.pop()
        notes.append(_boilerplate(p.line, p.text, "page chrome after the last turn"))

    built = tuple(
        Turn(
            speaker=t["speaker"],
            stamp=t["stamp"],
            line=t["line"],
            paragraphs=tuple(t["paras"]),
            markers=tuple(mk for p in t["paras"] for mk in find_markers(p.text, p.line)),
        )
        for t in turns
    )
    notes.sort(key=lambda f: f.line or 0)
    return Transcript(turns=built, path=path, format="rev", notes=tuple(notes))


def render(turns: tuple[Turn, ...] | list[Turn]) -> str:
    """Turns -> Rev text: header, blank line, paragraphs separated by blank lines."""
    blocks = []
    for t in turns:
        stamp = "--:--:--" if t.stamp is None else clock(t.stamp, millis=bool(t.stamp % 1000))
        blocks.append(f"{t.speaker} ({stamp}):\n\n" + "".join(p.text + "\n\n" for p in t.paragraphs))
    return "\n".join(b.rstrip("\n") + "\n" for b in blocks)


def _boilerplate(line: int, text: str, where: str) -> Finding:
    short = text if len(text) <= 60 else text[:57] + "..."
    return Finding("boilerplate", "info", line, None, None, None, f"not transcript text ({where}), left out: {short!r}")


def restamp(text: str, stamps: dict[int, int]) -> str:
    """The same text with the header on each given line re-stamped; every other line untouched."""
    lines = text.split("\n")
    for number, ms in stamps.items():
        m = HEADER_SHAPE.match(lines[number - 1])
        if not m:
            raise ValueError(f"line {number} is not a turn header")
        lines[number - 1] = f"{m.group('speaker')} ({clock(ms)}):".lstrip()
    return "\n".join(lines)
