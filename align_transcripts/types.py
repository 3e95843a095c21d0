"""The plain data that flows between stages: small frozen dataclasses, times in integer milliseconds."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass(frozen=True)
class Marker:
    """An inline note of the transcriber, such as `[inaudible 00:07:06]` or `[laughter]`."""

    kind: str  # lower case: "inaudible", "crosstalk", "laughter", ...
    time: int | None  # the time written inside the brackets, if any
    line: int
    raw: str  # as written, brackets included

    @property
    def tag(self) -> str:
        """What captions show: the marker without its time."""
        return f"[{self.kind}]"


@dataclass(frozen=True)
class Paragraph:
    """One non-empty line of turn text, as written (spaces normalised), with its source line."""

    text: str
    line: int


@dataclass(frozen=True)
class Turn:
    """A speaker turn as the transcript states it: a label, a stamp and its paragraphs."""

    speaker: str
    stamp: int | None  # None: the header had no usable stamp
    line: int
    paragraphs: tuple[Paragraph, ...] = ()
    markers: tuple[Marker, ...] = ()
    end: int | None = None  # where the source says it ends (a subtitle cue's end); Rev turns have none

    @functools.cached_property
    def text(self) -> str:
        """Paragraphs joined by newlines, markers reduced to their caption tag (computed once: checks ask often)."""
        from .transcript.markers import strip_marker_times

        return "\n".join(strip_marker_times(p.text) for p in self.paragraphs)


@dataclass(frozen=True)
class Finding:
    """Something a person should look at: what, how bad, where in the file and in time, and what to do."""

    kind: str
    severity: Severity
    line: int | None
    start: int | None
    end: int | None
    speaker: str | None
    message: str


@dataclass(frozen=True)
class Transcript:
    """Turns in file order, plus what the reader noticed (page chrome, malformed headers)."""

    turns: tuple[Turn, ...]
    path: str = "<transcript>"
    format: str = "rev"
    notes: tuple[Finding, ...] = ()

    @property
    def speakers(self) -> dict[str, int]:
        """Speaker label -> number of turns, in order of first appearance."""
        counts: dict[str, int] = {}
        for t in self.turns:
            counts[t.speaker] = counts.get(t.speaker, 0) + 1
        return counts


@dataclass(frozen=True)
class Segment:
    """A turn with a continuous time span: its end is the next segment's start."""

    index: int  # 1-based, as users count turns
    speaker: str
    start: int
    end: int
    text: str
    line: int
    stamp: int | None  # the stamp as written; None for a header whose stamp could not be read
    markers: tuple[Marker, ...] = ()
    group: tuple[int, int] = field(default=(0, 0))  # span of the same-stamp group it was split from

    @property
    def duration(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Word:
    """One transcript token placed on the audio. Unplaced tokens have interpolated times and aligned=False."""

    word: str  # the transcript's own token, punctuation kept
    start: int
    end: int
    speaker: str
    segment: int  # 1-based segment index
    aligned: bool
    score: float  # 0..1: how well the audio matched (mean per-frame acoustic likelihood, squashed)
    line: int | None = None  # source line of its turn's header
    suspect: bool = False  # the audio seems to say something else (suspect.py); judged only when asked
    contrast: float | None = None  # suspect.py's measure (gap to the free phone loop x sqrt(frames)); None: not judged
    chars: tuple[tuple[str, int, int], ...] = ()  # a word written without spaces (Chinese): each character's times
    overlapped: bool = False  # said over another speaker's words (the overlap pass found it there)


def spoken_over(words: list[Word]) -> list[tuple[int, int]]:
    """Every pair of placed words of two speakers that overlap in time, as (index of the one that
    starts first, index of the other): where two voices are heard at once."""
    placed = sorted((w.start, w.end, w.speaker, k) for k, w in enumerate(words) if w.aligned)
    pairs = []
    for i, (_, end, who, k) in enumerate(placed):
        j = i + 1
        while j < len(placed) and placed[j][0] < end:  # the words starting before this one ends
            if placed[j][2] != who:
                pairs.append((k, placed[j][3]))
            j += 1
    return pairs


@dataclass(frozen=True)
class Token:
    """A transcript token as the aligner sees it: where it is, and the dictionary words said for it."""

    text: str
    segment: int
    speaker: str
    line: int | None
    spoken: tuple[str, ...]
    sentence_end: bool
    index: int = 0  # its place among all the transcript's tokens: what placements are keyed by


@dataclass(frozen=True)
class Placed:
    """Where a token's spoken words were heard (absolute ms) and how well they matched (0..1)."""

    token: int  # Token.index
    start: int
    end: int
    score: float
    overlapped: bool = False  # said over another speaker's words, where the overlap pass found it (passes.overlap_pass)


@dataclass(frozen=True)
class Job:
    """One turn (or piece of a long turn) to align: its tokens, its slot and the audio window (ms) to search."""

    segment: int
    start: int
    end: int
    slot_start: int
    slot_end: int
    tokens: tuple[Token, ...]
    stamped: bool = True  # its slot starts at a stamp (else where its text's length put it: plain text)


Rejection = Literal["no path", "stretched", "uncovered"]  # the chain's rejections a later pass acts on


@dataclass(frozen=True)
class Attempt:
    """One pass over one turn (align_transcripts.passes): what it placed, and whether it is trusted and why."""

    placed: tuple[Placed, ...]  # in token order
    accepted: bool
    reason: str = ""  # why it was rejected (empty when accepted), for people
    onset: int | None = None  # ms: where it heard the next turn's speech begin (None: it did not listen)
    fillers: tuple[tuple[int, int], ...] = ()  # ms: the "uh"s and "um"s it found between words (the fillers pass)
    kind: Rejection | None = None  # why it was rejected, for the passes that follow where they act on it


@dataclass(frozen=True)
class Tried:
    """A pass in a turn's trace: its name, and why it was rejected (empty: its placements stand)."""

    name: str
    reason: str = ""


@dataclass(frozen=True)
class TurnTrace:
    """How one turn (or piece of a long turn) was placed: by which pass, after which rejections."""

    segment: int
    tokens: int  # how many tokens it has
    placed_by: str | None  # the pass whose placements stand; None when no pass placed anything
    tried: tuple[Tried, ...]
    fillers: tuple[tuple[int, int], ...] = ()  # ms: fillers the transcript left out, found between its words
