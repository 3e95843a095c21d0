"""Plain text: paragraphs separated by blank lines, no stamps; `Name:` may open a paragraph.

A script, an article's quotes, a transcript exported without times. With speaker labels, a
labelled paragraph starts a turn and the unlabelled paragraphs after it belong to it; without
any, every paragraph is a turn of its own (the alignment finds where each one is).
"""
from __future__ import annotations

from ..errors import InputError
from ..types import Paragraph, Transcript, Turn
from . import rev
from .markers import find_markers
from .speakers import UNNAMED, recurring, split_label


def looks_like(text: str) -> bool:
    """Anything with words and no line shaped like a Rev header (a Rev file whose stamps are
    all broken must be told so, not read as prose)."""
    return any(c.isalpha() for c in text) and not any(rev.header(" ".join(line.split())) for line in text.split("\n"))


def paragraphs(text: str) -> list[list[Paragraph]]:
    """Blocks of non-empty lines (blank lines between), each line kept with its number."""
    blocks: list[list[Paragraph]] = [[]]
    for number, raw in enumerate(text.split("\n"), start=1):
        line = " ".join(raw.split())
        if line:
            blocks[-1].append(Paragraph(line, number))
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def parse(text: str, path: str = "<transcript>") -> Transcript:
    blocks = paragraphs(text)
    if not blocks:
        raise InputError(path, "the transcript has no text")
    names = recurring([b[0].text for b in blocks])
    turns: list[Turn] = []
    for block in blocks:
        label = split_label(block[0].text)
        if label and label[0] in names:
            first = Paragraph(label[1], block[0].line)
            turns.append(Turn(label[0], None, block[0].line, (first, *block[1:])))
        elif names and turns:  # a labelled transcript: an unlabelled paragraph continues the turn
            last = turns[-1]
            turns[-1] = Turn(last.speaker, None, last.line, last.paragraphs + tuple(block))
        else:
            turns.append(Turn(UNNAMED, None, block[0].line, tuple(block)))
    built = tuple(Turn(t.speaker, None, t.line, t.paragraphs,
                       tuple(mk for p in t.paragraphs for mk in find_markers(p.text, p.line))) for t in turns)
    return Transcript(built, path, "plain")
