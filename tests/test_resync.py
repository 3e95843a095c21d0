"""Subtitles re-synced cue for cue: retime (pure) and `align captions --keep-cues` end to end."""
from __future__ import annotations

import json
import subprocess
import sys

import pysubs2
import pytest
import webvtt
from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from align_transcripts.resync import MIN_CUE_MS, retime
from align_transcripts.types import Segment, Word


def seg(i: int, start: int, text: str = "a b") -> Segment:
    return Segment(i, "A", start, start + 1000, text, 3 * i, start)


def test_a_cue_takes_its_words_times_and_one_without_moves_with_the_one_before():
    segs = (seg(1, 1000), seg(2, 3000), seg(3, 5000))
    words = [Word("a", 3100, 3400, "A", 1, True, 1.0), Word("b", 3400, 3900, "A", 1, True, 1.0),
             Word("a", 5000, 5200, "A", 2, False, 0.0), Word("b", 5200, 5400, "A", 2, False, 0.0),
             Word("a", 7000, 7300, "A", 3, True, 1.0), Word("b", 7300, 7600, "A", 3, True, 1.0)]
    got = retime(segs, [2500, 4500, 6500], words)
    assert [(r.start, r.end, r.heard) for r in got] == [(3100, 3900, True), (5100, 6600, False), (7000, 7600, True)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5000), st.integers(100, 4000), st.booleans(), st.integers(-3000, 3000)),
                min_size=1, max_size=15))
def test_cues_stay_in_order_and_never_overlap(rows):
    segs, ends, words, t = [], [], [], 0
    for k, (gap, length, heard, shift) in enumerate(rows, 1):
        t += gap
        segs.append(seg(k, t))
        ends.append(t + length)
        a = max(0, t + shift)
        words.append(Word("a", a, a + length, "A", k, heard, 1.0))
        t += length
    got = retime(tuple(segs), ends, words)
    assert len(got) == len(rows)
    assert all(r.end - r.start >= MIN_CUE_MS and r.start >= 0 for r in got)
    assert all(x.end <= y.start or y.start == x.end for x, y in zip(got, got[1:]))


def run(*args):
    return subprocess.run([sys.executable, "-m", "align_transcripts", *map(str, args)], capture_output=True, text=True)


@pytest.mark.slow
@pytest.mark.parametrize("name,out", [("interview.srt", "out.srt"), ("interview.vtt", "out.vtt"),
                                      ("interview.vtt", "out.srt")])
def test_keep_cues_resyncs_subtitles_1_8_s_late(tmp_path, name, out):
    truth = json.loads((FIXTURES / "audio" / "interview.truth.json").read_text())["sentences"]
    src = FIXTURES / "transcripts" / name
    before = src.read_bytes()
    p = run("captions", src, "--audio", FIXTURES / "audio" / "interview.mp3", "--keep-cues", "-o", tmp_path / out)
    assert p.returncode == 0, p.stderr
    assert src.read_bytes() == before  # the input untouched
    if out.endswith(".vtt"):
        cues = [(c.start_in_seconds, c.text, c.voice) for c in webvtt.read(str(tmp_path / out)).captions]
        starts = [float(c.start.split(":")[-1]) + 60 * int(c.start.split(":")[-2])
                  for c in webvtt.read(str(tmp_path / out)).captions]
        assert [v for _, _, v in cues] == [s["speaker"] for s in truth]  # the voices kept
    else:
        subs = pysubs2.load(str(tmp_path / out))
        cues = [(e.start, e.plaintext, None) for e in subs]
        starts = [e.start / 1000 for e in subs]
    assert [c[1].split(": ", 1)[-1] for c in cues] == [s["text"] for s in truth]  # same cues, same text
    assert all(abs(a - s["start"]) <= 0.06 for a, s in zip(starts, truth))


def test_keep_cues_refuses_a_rev_transcript(tmp_path):
    p = run("captions", FIXTURES / "audio" / "interview.txt", "--audio", FIXTURES / "audio" / "interview.mp3",
            "--keep-cues", "-o", tmp_path / "x.srt")
    assert p.returncode == 2 and "--keep-cues" in p.stderr and "Traceback" not in p.stderr
    assert not (tmp_path / "x.srt").exists()
