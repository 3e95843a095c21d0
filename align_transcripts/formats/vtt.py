"""WebVTT (voices, escaping, optional karaoke timestamps) and SRT, both through webvtt-py."""
from __future__ import annotations

import io

from webvtt import Caption, WebVTT
from webvtt import srt as webvtt_srt

from ..captions import Cue
from ..text import tokens
from ..timefmt import clock

__all__ = ["ESTIMATED_NOTE", "line_words", "split_label", "to_srt", "to_webvtt", "vtt_text"]

ESTIMATED_NOTE = ("Timings are estimated from the transcript's stamps and text length: no audio was aligned. "
                  "Run with --audio for word-accurate timing.")


def escape(text: str) -> str:
    """WebVTT cue text escaping (webvtt-py writes text as given)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _voice(name: str) -> str:
    return escape(name).replace("\n", " ")


def split_label(line: str, n_words: int) -> tuple[list[str], list[str]]:
    """A cue line's tokens: the speaker label before its words ("- ", "Name:"), and the words'."""
    toks = line.split(" ")
    cut = len(toks) - n_words
    return toks[:cut], toks[cut:]


def _timed_line(line: str, words: list, cue: Cue, last: list[int], first: bool) -> str:
    """A line with a WebVTT timestamp tag before each word after the cue's first, strictly increasing."""
    label, spoken = split_label(line, len(words))
    out = [escape(t) for t in label]
    for k, (tok, w) in enumerate(zip(spoken, words)):
        t = max(w.start, last[0] + 1)
        if not (first and k == 0) and cue.start < t < cue.end:
            out.append(f"<{clock(t, millis=True)}>{escape(tok)}")
            last[0] = t
        else:
            out.append(escape(tok))
    return " ".join(out)


def line_words(cue: Cue) -> list[list]:
    """The cue's words, split per line (labels excluded)."""
    words = list(cue.words)
    per_line = []
    for line in cue.lines:
        n = len(tokens(line))  # a bracketed note with spaces is one token
        label = 1 if line.startswith("- ") else 0  # "- " is a token of its own; "-Word" stays one token
        if ": " in line and not label:
            head = line.split(": ", 1)[0]
            if head in cue.speakers:
                label = len(head.split(" "))
        take = n - label
        per_line.append(words[:take])
        words = words[take:]
    return per_line


def vtt_text(cue: Cue, word_timestamps: bool = False) -> str:
    """Cue text with a voice span per speaker, escaped, optionally karaoke-timed."""
    last = [cue.start]
    per_line = line_words(cue) if word_timestamps else [[] for _ in cue.lines]
    lines = []
    for n, line in enumerate(cue.lines):
        body = _timed_line(line, per_line[n], cue, last, n == 0) if word_timestamps else escape(line)
        lines.append((cue.line_speakers[n] if cue.line_speakers else cue.speakers[0], body))
    if len(set(s for s, _ in lines)) == 1:
        return f"<v {_voice(lines[0][0])}>" + "\n".join(b for _, b in lines)
    return "\n".join(f"<v {_voice(s)}>{b}</v>" for s, b in lines)


def to_webvtt(cues: list[Cue], estimated: bool = False, word_timestamps: bool = False) -> str:
    vtt = WebVTT(header_comments=[ESTIMATED_NOTE] if estimated else [])
    for n, c in enumerate(cues, 1):
        vtt.captions.append(Caption(clock(c.start, True), clock(c.end, True), vtt_text(c, word_timestamps).split("\n"),
                                    identifier=str(n)))
    return vtt.content


def to_srt(cues: list[Cue]) -> str:
    buf = io.StringIO()
    webvtt_srt.write(buf, [Caption(clock(c.start, True), clock(c.end, True), list(c.lines)) for c in cues])
    return buf.getvalue()
