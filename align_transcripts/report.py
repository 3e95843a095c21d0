"""Findings, segments and words as JSON (the shapes docs/architecture.md and the README fix) and as tables for people."""
from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from .text import counted, is_tag
from .timefmt import clock, seconds
from .types import Finding, Segment, TurnTrace, Word

if TYPE_CHECKING:
    from .adapt import Transform


def segment_json(s: Segment) -> dict:
    return {
        "index": s.index, "speaker": s.speaker, "start": seconds(s.start), "end": seconds(s.end),
        "text": s.text, "line": s.line,
        "stamp": seconds(s.stamp),
        "markers": [{"kind": m.kind, "time": seconds(m.time), "line": m.line} for m in s.markers],
    }


def finding_json(f: Finding) -> dict:
    return {
        "kind": f.kind, "severity": f.severity, "line": f.line, "start": seconds(f.start),
        "end": seconds(f.end), "speaker": f.speaker, "message": f.message,
    }


def check_json(summary: dict, segments: tuple[Segment, ...], findings: list[Finding]) -> dict:
    return {
        "summary": summary,
        "segments": [segment_json(s) for s in segments],
        "findings": [finding_json(f) for f in findings],
    }


def headline(path: str, summary: dict) -> str:
    """The audit in one line: turns, speakers and findings by severity."""
    sev = summary["severities"]
    return (f"{path}: {counted(summary['turns'], 'turn')}, {counted(len(summary['speakers']), 'speaker')}, "
            f"{counted(sev['error'], 'error')}, {counted(sev['warning'], 'warning')}, {counted(sev['info'], 'note')}")


def table(path: str, summary: dict, findings: list[Finding], shown: set[str]) -> str:
    """One line per finding: where it is in the file and in time, what it is, what to do."""
    head = headline(path, summary)
    rows = [f for f in findings if f.severity in shown]
    if not rows:
        return head + "\n"
    kind_w = max(len(f.kind) for f in rows)
    lines = [head, ""]
    for f in rows:
        where = f"{f.line:>5}" if f.line is not None else "    -"
        when = clock(f.start) if f.start is not None else "        "
        prefix = f"{where}  {when}  {f.severity:<7}  {f.kind:<{kind_w}}  "
        text = (f"{f.speaker}: " if f.speaker else "") + f.message
        lines.append(prefix + text)
    hidden = len(findings) - len(rows)
    if hidden:
        lines.append(f"({hidden} more below the shown severity; --severity info shows all, --json gives every detail)")
    counts = ", ".join(f"{k} {v}" for k, v in summary["findings"].items())
    lines += ["", f"findings by kind: {counts}" if counts else "no findings"]
    return "\n".join(lines) + "\n"


def word_json(w: Word) -> dict:
    out: dict = {
        "word": w.word, "start": seconds(w.start), "end": seconds(w.end), "speaker": w.speaker,
        "segment": w.segment, "aligned": w.aligned, "score": w.score, "line": w.line,
    }
    if is_tag(w.word):  # a sound tag ([inaudible], [laughter]): shown in captions, never aligned as speech
        out["tag"] = True
    if w.contrast is not None:  # judged against the audio (--suspects)
        out["suspect"] = w.suspect
        out["contrast"] = w.contrast
    if w.overlapped:  # said while another speaker was still talking: its times overlap theirs
        out["overlapped"] = True
    if w.chars:  # a Chinese word: each character timed
        out["chars"] = [{"char": c, "start": seconds(a), "end": seconds(b)} for c, a, b in w.chars]
    return out


def word_counts(words: list[Word]) -> dict:
    """The counts every output gives alike: spoken words (sound tags apart), aligned, unaligned, tags."""
    spoken = [w for w in words if not is_tag(w.word)]
    aligned = sum(w.aligned for w in spoken)
    out = {"words": len(spoken), "aligned": aligned, "unaligned": len(spoken) - aligned, "tags": len(words) - len(spoken)}
    if any(w.contrast is not None for w in spoken):
        out["suspect"] = sum(w.suspect for w in spoken)
    if any(w.overlapped for w in spoken):
        out["overlapped"] = sum(w.overlapped for w in spoken)
    return out


def trace_json(t: TurnTrace) -> dict:
    """One turn's trace: the pass whose placements stand, and each pass tried with why it was rejected."""
    return {"segment": t.segment, "tokens": t.tokens, "placed_by": t.placed_by,
            "tried": [{"pass": x.name, **({"rejected": x.reason} if x.reason else {})} for x in t.tried],
            **({"fillers": [{"start": seconds(a), "end": seconds(b)} for a, b in t.fillers]} if t.fillers else {})}


def adaptation_json(adapted: Transform) -> dict:
    """What the model's adaptation to the recording was estimated on and what it gained."""
    return {"speech_s": round(adapted.frames / 100, 1), "gain": round(adapted.gain, 2),
            "means": "the acoustic model's means moved to fit this recording (MLLR); gain in nats per frame"}


def words_json(words: list[Word], trace: tuple[TurnTrace, ...] = (), adapted: Transform | None = None) -> dict:
    summary: dict = word_counts(words)
    if adapted is not None:
        summary["adapted"] = adaptation_json(adapted)
    out: dict = {
        "summary": summary,
        "times": "seconds; an unaligned word's times are interpolated between its placed neighbours (not heard)",
        "words": [word_json(w) for w in words],
    }
    if trace:
        summary["placed_by"] = dict(Counter(t.placed_by or "nothing" for t in trace).most_common())
        summary["fillers"] = sum(len(t.fillers) for t in trace)  # "uh"s and "um"s found that the transcript left out
        out["turns"] = [trace_json(t) for t in trace]
    return out


def reason_kind(reason: str) -> str:
    """A rejection without its numbers and quoted words, so that like rejections count together."""
    return re.sub(r"'[^']*'|\"[^\"]*\"|[-+]?\d+(\.\d+)?", "N", reason)


def trace_text(trace: tuple[TurnTrace, ...], adapted: Transform | None = None) -> str:
    """How the turns were placed, for a person: the model's adaptation, turns per pass, then the rejections by kind."""
    by = Counter(t.placed_by or "nothing" for t in trace)
    lines = [f"model adapted to the recording on {adapted.frames / 100:.0f} s of its speech "
             f"(+{adapted.gain:.1f} nats per frame: its channel or voices are far from the model's)"] if adapted else []
    lines.append(f"{counted(len(trace), 'turn')} placed by: " + ", ".join(f"{k} {v}" for k, v in by.most_common()))
    fillers = sum(len(t.fillers) for t in trace)
    if fillers:
        lines.append(f"{counted(fillers, 'filler')} the transcript left out found between words (words.json turns[].fillers)")
    rejected = Counter((x.name, reason_kind(x.reason)) for t in trace for x in t.tried if x.reason)
    if rejected:
        lines.append("rejected:")
        lines += [f"  {n:>4}  {name}: {why}" for (name, why), n in rejected.most_common()]
    return "\n".join(lines) + "\n"


def qa_text(path: str, report: dict, estimated: bool) -> str:
    """The caption QA as a few lines for a person: cues, lines, and each rule broken with its worst case."""
    out = [f"{path}: {counted(report['cues'], 'cue')}, {counted(report['lines'], 'line')} ({report['preset']} rules"
           + (", timings estimated without audio)" if estimated else ")")]
    for rule, r in report["rules"].items():
        if r["count"]:
            extra = ""
            if r.get("forced"):
                why = {"reading_speed": "the speech itself is that fast",
                       "min_duration": "the next words begin sooner",
                       "max_duration": "one word or phrase lasts longer",
                       "chars_per_line": "a single word is wider", "line_break": "no other break fits"}.get(rule, "forced")
                extra = f"; {r['forced']} where {why}"
            out.append(f"  {rule}: {counted(r['count'], 'cue')} (worst: cue {r['worst']['cue']}, {r['worst']['detail']}){extra}")
    if len(out) == 1:
        out.append("  every rule met")
    if report.get("words_past_audio"):
        out.append(f"  {counted(report['words_past_audio'], 'word')} of the transcript lie past the end of the audio: "
                   "left out of the captions")
    return "\n".join(out) + "\n"


SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def top_findings(findings: list[Finding], most: int = 5) -> list[str]:
    """The few findings a person should read first (errors, then warnings, in file order), one
    short line each, and how many more there are: printed however the full audit is written."""
    ranked = sorted((f for f in findings if f.severity != "info"), key=lambda f: SEVERITY_RANK[f.severity])
    out = []
    for f in ranked[:most]:
        where = f"line {f.line}" if f.line is not None else "-"
        out.append(f"  {f.severity:<7} {where:>9}  {f.kind}: " + (f"{f.speaker}: " if f.speaker else "") + f.message)
    if len(ranked) > most:
        out.append(f"  ... {len(ranked) - most} more (errors and warnings) in the full audit")
    return out
