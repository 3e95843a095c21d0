"""`Name: text` at the start of a paragraph or cue: the speaker labels plain text and subtitles carry."""
from __future__ import annotations

import re
from collections import Counter

UNNAMED = "Unknown"  # the label of text whose source names nobody

# One to four capitalised words (or numbers: "Speaker 2"), a colon, then the text.
LABEL = re.compile(r"^(?P<name>[A-Z][\w.'’-]*(?: (?:[A-Z][\w.'’-]*|\d+)){0,3}):\s+(?P<text>\S.*)$", re.S)
# Words that open a sentence with a colon far more often than they name a speaker.
NOT_NAMES = frozenset({"note", "warning", "update", "question", "answer", "example", "summary", "edit", "ps",
                       "p.s.", "q", "a", "caption", "subtitle", "music", "transcript"})


def split_label(text: str) -> tuple[str, str] | None:
    """(name, rest) when the text opens with a speaker label, else None."""
    m = LABEL.match(text)
    if not m or m.group("name").casefold() in NOT_NAMES:
        return None
    return m.group("name"), m.group("text")


def recurring(texts: list[str]) -> set[str]:
    """The labels that name speakers in these texts: once one label is sure (two or more words,
    or opening at least two of them), every label is; else none (a single capitalised word
    before a colon, once, is as often prose: "Update: the vote was moved")."""
    counts = Counter(lab[0] for t in texts if (lab := split_label(t)))
    sure = any(n >= 2 or " " in name for name, n in counts.items())
    return set(counts) if sure else set()
