"""The stages wired together for the commands: read, decode once, reconcile, align, audit."""
from __future__ import annotations

from dataclasses import dataclass

from .aligner import align_words, mismatch
from .audio import Audio, decode
from .check import Thresholds, check, check_alignment, sort_findings
from .errors import InputError
from .reconcile import Reconciled, reconcile
from .transcript import read_transcript
from .types import Finding, Transcript, Word
from .vad import speech_regions


@dataclass(frozen=True)
class Aligned:
    """Everything one alignment run knows."""

    transcript: Transcript
    audio: Audio
    reconciled: Reconciled
    words: list[Word]


def align_files(transcript_path: str, audio_path: str, fmt: str | None = None, encoding: str | None = None,
                progress=None, workers: int | None = None) -> Aligned:
    """Read, decode, reconcile and align; raises InputError when the transcript is not of this audio."""
    t = read_transcript(transcript_path, fmt, encoding)
    audio = decode(audio_path)
    r = reconcile(t, audio.duration)
    if all(s.stamp is not None and s.stamp >= audio.duration for s in r.segments):
        raise InputError(audio_path, f"every stamp of {transcript_path} is past the end of this audio "
                                     f"({audio.duration / 1000:.1f} s): wrong audio file?")
    words = align_words(r.segments, audio, workers=workers, progress=progress)
    problem = mismatch(words)
    if problem:
        raise InputError(audio_path, f"{problem} (transcript {transcript_path})")
    return Aligned(t, audio, r, words)


def audit(a: Aligned, th: Thresholds = Thresholds()) -> list[Finding]:
    """Findings from stamps and text, plus what the words and the speech activity measure."""
    found = check(a.transcript, a.reconciled, th, a.audio.duration)
    # with the words placed, the measured overlap replaces the text-length guess
    found = [f for f in found if f.kind != "overlap"]
    found += check_alignment(a.reconciled.segments, a.words, speech_regions(a.audio.samples), th)
    return sort_findings(found)


def fixed_stamps(a: Aligned) -> dict[int, int]:
    """Header line -> corrected stamp (floored to the second) for every turn whose words were placed."""
    first: dict[int, int] = {}
    for w in a.words:
        if w.aligned and w.segment not in first:
            first[w.segment] = w.start
    return {s.line: first[s.index] // 1000 * 1000 for s in a.reconciled.segments if s.index in first}
