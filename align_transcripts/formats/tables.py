"""Word timings as tables: CSV (spreadsheets, scripts) and Audacity label tracks (podcast editing).

Audacity's label format is one `start<TAB>end<TAB>label` line per label, times in seconds; it is
what File > Import > Labels reads and Export Labels writes. Only placed words become labels, and
a turn's label spans the words of it that were placed.
"""
from __future__ import annotations

import csv
import io

from ..text import is_tag
from ..timefmt import seconds
from ..types import Word

__all__ = ["audacity_labels", "to_csv", "turn_labels", "turn_spans", "word_labels"]

CSV_FIELDS = ["word", "start", "end", "speaker", "segment", "aligned", "score", "tag", "overlapped"]


def to_csv(words: list[Word]) -> str:
    """Every word in transcript order, placed or not (the `aligned` column says which)."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(CSV_FIELDS)
    for w in words:
        out.writerow([w.word, f"{seconds(w.start):.3f}", f"{seconds(w.end):.3f}", w.speaker, w.segment,
                      str(w.aligned).lower(), f"{w.score:.3f}", str(is_tag(w.word)).lower(), str(w.overlapped).lower()])
    return buf.getvalue()


def audacity_labels(spans: list[tuple[int, int, str]]) -> str:
    """(start ms, end ms, label) -> Audacity's label text; tabs and newlines in a label become spaces."""
    return "".join(f"{a / 1000:.6f}\t{b / 1000:.6f}\t{' '.join(label.split())}\n" for a, b, label in spans)


def word_labels(words: list[Word]) -> str:
    return audacity_labels([(w.start, w.end, w.word) for w in words if w.aligned and not is_tag(w.word)])


def turn_spans(words: list[Word]) -> list[tuple[int, int, str]]:
    """(start, end, "Speaker: text") per turn, over the span of its placed words; turns with none left out."""
    turns: dict[int, list[Word]] = {}
    for w in words:
        turns.setdefault(w.segment, []).append(w)
    spans = []
    for ws in turns.values():
        placed = [w for w in ws if w.aligned and not is_tag(w.word)]
        if placed:
            spans.append((min(w.start for w in placed), max(w.end for w in placed),
                          f"{ws[0].speaker}: {' '.join(w.word for w in ws)}"))
    return spans


def turn_labels(words: list[Word]) -> str:
    return audacity_labels(turn_spans(words))
