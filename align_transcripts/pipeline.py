"""The stages wired together for the commands: read, decode once, reconcile, align, audit."""
from __future__ import annotations

import os
from dataclasses import dataclass, replace

from .adapt import Transform
from .aligner import Alignment, align, mismatch
from .anchor import Anchoring, anchor, anchored_segments
from .audio import Audio, decode
from .channels import Channels, align_on_channels, mark_suspects_on_channels, separating_levels, speaker_channels
from .check import Thresholds, check, check_alignment, check_anchoring, group_stamp_offsets, sort_findings
from .errors import InputError
from .reconcile import Reconciled, reconcile
from .timefmt import clock
from .transcript import read_transcript
from .types import Finding, Segment, Transcript, TurnTrace, Word
from .vad import speech_regions

__all__ = ["Aligned", "align_files", "audit", "cannot_be_its_recording", "fixed_stamps", "run_all"]


@dataclass(frozen=True)
class Aligned:
    """Everything one alignment run knows."""

    transcript: Transcript
    audio: Audio
    reconciled: Reconciled  # the segments as aligned: moved where anchoring found their speech
    words: list[Word]
    regions: list[tuple[int, int]]  # speech in the recording (ms), as align_transcripts.vad finds it
    anchoring: Anchoring | None = None  # where the turns were found (offsets, breaks, turns not in the audio)
    trace: tuple[TurnTrace, ...] = ()  # how each turn was placed (align_transcripts.passes)
    stamped: Reconciled | None = None  # the segments where the stamps put them, before anchoring
    language: str = "en"  # ISO 639-1 (warp/languages.py)
    adapted: Transform | None = None  # the acoustic model's adaptation to the recording, when it was adapted


def align_files(transcript_path: str, audio_path: str, fmt: str | None = None, encoding: str | None = None,
                progress=None, workers: int | None = None, suspects: bool = False, language: str = "en",
                adapt: bool = True) -> Aligned:
    """Read, decode, reconcile, anchor and align (and, if asked, judge each placed word against the
    audio: suspect.py); raises InputError when the transcript is not of this audio. A language
    other than English is aligned by synthesis and warping (warp/engine.py). adapt: let the
    English model adapt to the recording where it is far from it (align_transcripts.adapt)."""
    lang = _language(language)
    if suspects and lang.code != "en":  # said before any decoding
        raise InputError("--suspects", f"needs the English acoustic model; not available for {lang.name}")
    t = read_transcript(transcript_path, fmt, encoding)
    audio = decode(audio_path)
    r = reconcile(t, audio.duration)
    problem = cannot_be_its_recording(r, audio.duration)
    if problem:
        raise InputError(audio_path, f"{problem} (transcript {transcript_path})")
    regions = speech_regions(audio.samples)
    if lang.code != "en":
        from .warp.dtw import NoPath
        from .warp.engine import align_warp, spotting_reader

        # where stamped turns really are, heard with the language's own reading of its words: the
        # warp searches only 20 s around each stamp (an intro of minutes, stamps far off). Plain text
        # is warped over the whole recording's band as it is: anchored, a partial transcript's last
        # turn, given the rest of the recording, was warped 9 s late and claimed aligned (German
        # DEV reading, 8 of its lines), where unanchored the evidence test refuses it
        found = (anchor(r.segments, audio, workers=workers or min(2, os.cpu_count() or 1), reader=spotting_reader(lang))
                 if any(s.stamp is not None for s in r.segments) else None)
        moved = replace(r, segments=anchored_segments(r.segments, found, audio.duration)) if found and found.moved else r
        try:
            intro = found is not None and any(b.after == 0 and b.shift > 0 for b in found.breaks)
            warped, trace = align_warp(moved.segments, audio, lang, intro=intro, regions=regions)
        except NoPath:
            raise InputError(audio_path, f"the transcript read aloud takes more than twice as long as this recording "
                                         f"({audio.duration / 1000:.1f} s): a recording cut short, or the transcript of "
                                         f"another? (transcript {transcript_path})") from None
        problem = mismatch(warped)
        if problem:
            raise InputError(audio_path, f"{problem} (transcript {transcript_path})")
        return Aligned(t, audio, moved, warped, regions, found, trace, r, lang.code)
    # where the turns really are (adverts, cuts, stamps minutes off, no stamps): before the words,
    # so that a transcript of another recording is found out before the whole of it is searched in vain
    found = anchor(r.segments, audio, workers=workers or min(2, os.cpu_count() or 1))
    # a voice a channel (a microphone a person): each speaker's turns aligned on their own channel
    levels = separating_levels(audio_path, r.segments, audio.duration)
    channels = Channels(audio_path, audio, regions)

    def aligned(segs: tuple[Segment, ...], mapping: dict[str, int] | None, **options) -> Alignment:
        """align, on each speaker's channel where the channels separate the voices (mapping)."""
        if mapping:
            return align_on_channels(segs, channels, mapping, **options)
        return align(segs, audio, regions=regions, **options)

    def on_channels(by: tuple[Segment, ...]) -> dict[str, int] | None:
        return speaker_channels(by, levels) if levels is not None else None

    if found.probed and not found.anchors:
        # nothing spotted: a voice the spotter cannot match (hoarse, distant, two at once) may still
        # align at its stamps; the first turns alone say which, at once
        if mismatch(aligned(_first_turns(r.segments), on_channels(r.segments), workers=1).words):
            raise InputError(audio_path, _not_found(r, audio.duration, transcript_path))
    moved = replace(r, segments=anchored_segments(r.segments, found, audio.duration)) if found.moved else r
    mapping = on_channels(moved.segments)
    done = aligned(moved.segments, mapping, workers=workers, progress=progress, absent=found.absent,
                   splits=found.splits, ends=found.ends, unsure=found.unsure, adapt=adapt)
    problem = mismatch(done.words)
    if problem:
        raise InputError(audio_path, f"{problem}{_late(r, audio.duration)} (transcript {transcript_path})")
    words = done.words
    if suspects:  # each word judged where it was aligned: on its speaker's channel, or on the mix
        from .aligner import tokenize
        from .suspect import mark_suspects

        tokens = tokenize(moved.segments)
        words = (mark_suspects_on_channels(words, tokens, channels, mapping) if mapping
                 else mark_suspects(words, tokens, audio.samples))
    return Aligned(t, audio, moved, words, regions, found, done.trace, r, adapted=done.adapted)


def _language(code: str):
    from .warp.languages import language

    try:
        return language(code)
    except ValueError as e:
        raise InputError("--language", str(e)) from None


FIRST_WORDS = 24  # the first turns aligned alone when anchoring found nothing: about this many words


def _first_turns(segments: tuple[Segment, ...]) -> tuple[Segment, ...]:
    out, n = [], 0
    for s in segments:
        out.append(s)
        n += len(s.text.split())
        if n >= FIRST_WORDS:
            break
    return tuple(out)


def _late(r: Reconciled, duration: int) -> str:
    late = [s for s in r.segments if s.stamp is not None and s.stamp >= duration]
    return (f"; {len(late)} of {len(r.segments)} turns are stamped after the audio ends "
            f"({duration / 1000:.1f} s): is the recording truncated?") if late else ""


def _not_found(r: Reconciled, duration: int, path: str) -> str:
    first = r.segments[0]
    words = first.text.split()
    quote = " ".join(words[:6]) + (" ..." if len(words) > 6 else "")
    return (f"none of the transcript's first turns (the first at line {first.line}: {quote!r}) could be found "
            "anywhere in the recording: the transcript "
            "does not match it (wrong file, or another language?), or the speech is beyond the acoustic model "
            f"(young children, singing, loud music or noise){_late(r, duration)} (transcript {path})")


SHIFT_MIN_MS = 3000  # the aligner's windows absorb stamps this far off by themselves
LATE_FRACTION = 0.5  # more than this share of the turns stamped past the end: not this recording
TOO_LONG = 2.0  # text needing this many times the recording, even spoken fast, is not its transcript


def cannot_be_its_recording(r: Reconciled, duration: int) -> str | None:
    """Why the transcript cannot be of this recording, known before any alignment, else None:
    most of its turns are stamped after the audio ends, or its text could not be said in it."""
    from .text import counted, text_syllables

    stamped = [(s.stamp, s) for s in r.segments if s.stamp is not None]
    late = [(stamp, s) for stamp, s in stamped if stamp >= duration]
    length = f"{duration / 1000:.1f} s"
    if stamped and len(late) > LATE_FRACTION * len(stamped):
        first, seg = late[0]
        return (f"{len(late)} of {counted(len(stamped), 'turn')} are stamped after this audio ends ({length}; "
                f"the first at line {seg.line}, {clock(first)}): wrong audio file, or a truncated recording?")
    syllables = sum(text_syllables(s.text) for s in r.segments)
    need = syllables / Thresholds().fast_rate * 1000  # the audit's fast pace
    if syllables > 50 and need > TOO_LONG * duration:
        return (f"the transcript needs at least {need / 60000:.0f} min of speech even spoken fast "
                f"({syllables:,} syllables), but the recording lasts {length}: wrong audio file?")
    return None


def audit(a: Aligned, th: Thresholds | None = None) -> list[Finding]:
    """Findings from stamps and text (where the stamps put the turns), plus what anchoring, the
    words and the speech activity measure (where the turns really are)."""
    th = th or Thresholds()
    stamped = a.stamped or a.reconciled
    found = check(a.transcript, stamped, th, a.audio.duration)
    # with the words placed, the measured overlap replaces the text-length guess
    found = [f for f in found if f.kind != "overlap"]
    # turns the warp engine gave up as not heard where it put them (warp/verify.py)
    unheard = frozenset(t.segment for t in a.trace if t.placed_by is None and any(x.name == "warp" and x.reason
                                                                                  for x in t.tried))
    found += check_alignment(a.reconciled.segments, a.words, a.regions, th, unheard)
    anchored: frozenset[int] = frozenset()
    if a.anchoring is not None and a.anchoring.moved:
        found = check_anchoring(stamped.segments, a.anchoring, a.words, a.audio.duration, found, a.regions)
        anchored = frozenset(i for i, off in a.anchoring.offsets.items() if off)
    return sort_findings(group_stamp_offsets(found, a.reconciled.segments, anchored))


def fixed_stamps(a: Aligned) -> dict[int, int]:
    """Header line -> corrected stamp (floored to the second) for every turn whose placed first
    word does not fall in the second its stamp names."""
    first: dict[int, int] = {}
    for w in a.words:
        if w.aligned and w.segment not in first:
            first[w.segment] = w.start
    return {s.line: first[s.index] // 1000 * 1000 for s in a.reconciled.segments
            if s.index in first and (s.stamp is None or s.stamp // 1000 != first[s.index] // 1000)}


RUN_OUTPUTS = ("report.json", "segments.json", "words.json", "captions.vtt", "captions.srt", "words.TextGrid",
               "turns.txt", "review.html")


def run_all(transcript_path: str, audio_path: str, out_dir: str, rules=None, th: Thresholds | None = None,
            fmt: str | None = None, encoding: str | None = None, progress=None, workers: int | None = None,
            suspects: bool = False, language: str = "en") -> dict:
    """Everything for one recording, decoded once: audit, segments, words, captions, review page.

    Writes only its own files into out_dir (each all-or-nothing) and returns a summary.
    """
    import os
    import time

    from . import review
    from .captions import PRESETS, build_cues, past_end, qa
    from .check import summary
    from .formats.tables import turn_labels
    from .formats.textgrid import to_textgrid
    from .formats.vtt import to_srt, to_webvtt
    from .output import check_folder, dumps, make_folder, write_atomic
    from .report import check_json, segment_json, word_counts, words_json
    from .transcript.encoding import read_raw
    from .warp.languages import audit_thresholds, caption_rules

    t0 = time.perf_counter()
    lang = _language(language)
    rules = caption_rules(rules or PRESETS["netflix"], lang)
    th = audit_thresholds(th or Thresholds(), lang)
    check_folder(out_dir)  # before the alignment, not after
    a = align_files(transcript_path, audio_path, fmt, encoding, progress=progress, workers=workers, suspects=suspects,
                    language=language)
    found = audit(a, th)
    summ = summary(a.transcript, a.reconciled.segments, found)
    cues = build_cues(a.words, rules, end=a.audio.duration)
    caption_qa = qa(cues, rules, past_end(a.words, a.audio.duration))
    make_folder(out_dir)
    title = os.path.splitext(os.path.basename(transcript_path))[0]
    outputs = {
        "report.json": dumps({**check_json(summ, a.reconciled.segments, found), "captions": caption_qa}),
        "segments.json": dumps({"segments": [segment_json(s) for s in a.reconciled.segments]}),
        "words.json": dumps(words_json(a.words, a.trace, a.adapted)),
        "captions.vtt": to_webvtt(cues),
        "captions.srt": to_srt(cues),
        "words.TextGrid": to_textgrid(a.words, a.audio.duration),
        "turns.txt": turn_labels(a.words),
        "review.html": review.render(title, audio_path, out_dir, a.reconciled.segments, a.words, found, cues,
                                     a.audio.duration, a.audio.samples,
                                     review.Source(read_raw(transcript_path, encoding),
                                                   os.path.basename(transcript_path), a.transcript), rules.joiner),
    }
    for name in RUN_OUTPUTS:
        write_atomic(os.path.join(out_dir, name), outputs[name])
    counts = word_counts(a.words)
    return {
        "summary": summ, "findings": found, "captions": caption_qa, "seconds": time.perf_counter() - t0,
        "words": counts["words"], "aligned": counts["aligned"], "tags": counts["tags"], "audio_ms": a.audio.duration,
        **({"suspect": counts["suspect"]} if "suspect" in counts else {}),
        "outputs": [os.path.join(out_dir, n) for n in RUN_OUTPUTS],
    }
