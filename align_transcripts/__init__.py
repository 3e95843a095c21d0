"""align: align human transcripts with their recordings.

    from align_transcripts import read_transcript, reconcile, check
    t = read_transcript("interview.txt")
    r = reconcile(t)
    findings = check(t, r)
"""
from .check import Thresholds, check
from .errors import InputError
from .reconcile import Reconciled, reconcile
from .transcript import parse_transcript, read_transcript
from .types import Finding, Marker, Paragraph, Segment, Transcript, Turn

__version__ = "0.1.0"
__all__ = [
    "Finding", "InputError", "Marker", "Paragraph", "Reconciled", "Segment", "Thresholds", "Transcript",
    "Turn", "check", "parse_transcript", "read_transcript", "reconcile",
]
