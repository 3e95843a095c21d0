"""`Name: text` at the start of a paragraph or cue: the speaker labels plain text and subtitles carry."""
from __future__ import annotations

import re
from collections import Counter

UNNAMED = "Unknown"  # the label of text whose source names nobody

# One to four capitalised words (or numbers: "Speaker 2"), a colon, then the text; or a name in
# Chinese or Japanese characters (up to five), a colon (ASCII or full width), then the text.
LABEL = re.compile(r"^(?:(?P<name>[A-Z][\w.'’-]*(?: (?:[A-Z][\w.'’-]*|\d+)){0,3}):\s+"
                   r"|(?P<cjk>[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]{1,5}(?: ?\d+)?)\s*[:：]\s*)(?P<text>\S.*)$", re.S)
# Words that open a sentence with a colon far more often than they name a speaker.
NOT_NAMES = frozenset({"note", "warning", "update", "question", "answer", "example", "summary", "edit", "ps",
                       "p.s.", "q", "a", "caption", "subtitle", "music", "transcript"})


def split_label(text: str) -> tuple[str, str] | None:
    """(name, rest) when the text opens with a speaker label, else None."""
    m = LABEL.match(text)
    name = m and (m.group("name") or m.group("cjk"))
    if not m or not name or name.casefold() in NOT_NAMES:
        return None
    return name, m.group("text")


def recurring(texts: list[str]) -> set[str]:
    """The labels that name speakers in these texts: once one label is sure (two or more words,
    or opening at least two of them), every label is; else none (a single capitalised word
    before a colon, once, is as often prose: "Update: the vote was moved")."""
    counts = Counter(lab[0] for t in texts if (lab := split_label(t)))
    sure = any(n >= 2 or " " in name for name, n in counts.items())
    return set(counts) if sure else set()
