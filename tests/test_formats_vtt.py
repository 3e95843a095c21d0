"""Caption files: WebVTT that parsers, ffmpeg and a real browser read as written; SRT; JSON; the CLI."""
import json
import re
import subprocess
import sys

import pytest
import webvtt
from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from align_transcripts.audio import ffmpeg_binary
from align_transcripts.captions import build_cues
from align_transcripts.formats import cues_json
from align_transcripts.formats.vtt import escape, to_srt, to_webvtt
from align_transcripts.timefmt import clock, parse_clock
from align_transcripts.types import Word

A = FIXTURES / "audio"


def make_words(specs):
    out, t = [], 500
    for _n, (tok, spk) in enumerate(specs):
        out.append(Word(tok, t, t + 280, spk, 1 + (spk != specs[0][1]), True, 1.0))
        t += 300
    return out


SAMPLE = make_words([("Tom", "Ann"), ("&", "Ann"), ("Jerry", "Ann"), ("<3", "Ann"), ("each", "Ann"),
                     ("other.", "Ann"), ("[laughter]", "Ann"), ("Sure", "Bob <guest>"), ("thing.", "Bob <guest>")])


def parse(text):
    return webvtt.from_string(text).captions


def test_webvtt_round_trip_with_escaping_and_voices():
    cues = build_cues(SAMPLE)
    text = to_webvtt(cues)
    assert "&amp;" in text and "&lt;3" in text and "<v Bob &lt;guest&gt;>" in text
    parsed = parse(text)
    assert len(parsed) == len(cues)
    for p, c in zip(parsed, cues):
        assert (p.start, p.end) == (clock(c.start, True), clock(c.end, True))
    # cue identifiers are unique, starts increase, no blank lines or arrows inside cue text
    assert [p.identifier for p in parsed] == [str(i) for i in range(1, len(cues) + 1)]
    for c in cues:
        assert "-->" not in c.text and "\n\n" not in c.text


def test_estimated_note():
    assert "NOTE Timings are estimated" in to_webvtt(build_cues(SAMPLE), estimated=True)
    assert "NOTE" not in to_webvtt(build_cues(SAMPLE))


@given(st.lists(st.tuples(st.sampled_from(["a", "bb", "word,", "Name", "end."]), st.integers(0, 400),
                          st.integers(1, 500)), min_size=1, max_size=40))
@settings(max_examples=100, deadline=None)
def test_word_timestamps_strictly_increase_inside_each_cue(items):
    words, t = [], 0
    for tok, gap, dur in items:
        t += gap
        words.append(Word(tok, t, t + dur, "Ann", 1, True, 1.0))
        t += dur
    cues = build_cues(words)
    for p in parse(to_webvtt(cues, word_timestamps=True)):
        stamps = [parse_clock(m) for m in re.findall(r"<(\d\d:\d\d:\d\d\.\d\d\d)>", p.raw_text)]
        assert stamps == sorted(set(stamps))
        assert all(parse_clock(p.start) < s < parse_clock(p.end) for s in stamps)


def test_srt_and_json():
    cues = build_cues(SAMPLE)
    srt = to_srt(cues)
    assert srt.startswith("1\n00:00:00,500 --> ")
    back = webvtt.from_buffer(__import__("io").StringIO(srt), format="srt").captions
    assert [c.text for c in back] == [c.text for c in cues]
    data = cues_json(cues, False)
    assert [w["word"] for c in data["cues"] for w in c["words"]] == [w.word for w in SAMPLE]


def test_escape():
    assert escape("a < b & c > d") == "a &lt; b &amp; c &gt; d"


def run(*args):
    return subprocess.run([sys.executable, "-m", "align_transcripts", *map(str, args)], capture_output=True, text=True)


@pytest.fixture(scope="module")
def fixture_captions(tmp_path_factory):
    out = tmp_path_factory.mktemp("captions")
    vtt, srt, js, rep = out / "c.vtt", out / "c.srt", out / "c.json", out / "qa.json"
    p = run("captions", A / "interview.txt", "--audio", A / "interview.mp3", "-o", vtt, "--report", rep)
    assert p.returncode == 0, p.stderr
    assert run("captions", A / "interview.txt", "-o", srt).returncode == 0
    assert run("captions", A / "interview.txt", "--audio", A / "interview.mp3", "-o", js,
               "--word-timestamps").returncode == 0
    return vtt, srt, js, rep, p.stderr


def test_cli_captions_files_and_qa(fixture_captions):
    vtt, srt, js, rep, stderr = fixture_captions
    assert "every rule met" in stderr
    report = json.loads(rep.read_text())
    assert all(r["count"] == 0 for r in report["rules"].values())
    data = json.loads(js.read_text())
    words = [w["word"] for c in data["cues"] for w in c["words"]]
    text = (A / "interview.txt").read_text()
    assert words == [t for line in text.splitlines() if line and not line.endswith("):") for t in line.split()]
    assert "<v " not in srt.read_text()  # SRT carries the visible labels, not voice tags
    assert "NOTE" not in vtt.read_text()  # aligned, so not estimated


@pytest.mark.slow
def test_cli_caption_errors(tmp_path):
    p = run("captions", A / "interview.txt", "-o", tmp_path / "x.txt")
    assert p.returncode == 2 and "unknown caption format" in p.stderr
    p = run("captions", A / "interview.txt", "-o", tmp_path / "x.vtt", "--preset", "nope")
    assert p.returncode == 2


@pytest.mark.slow
def test_cli_preset_overrides(tmp_path):
    out = tmp_path / "narrow.json"
    p = run("captions", A / "interview.txt", "-o", out, "--max-chars", "20", "--max-lines", "2")
    assert p.returncode == 0, p.stderr
    for c in json.loads(out.read_text())["cues"]:
        for line in c["lines"]:
            assert len(line) <= 20


@pytest.mark.slow
def test_ffmpeg_reads_the_files(fixture_captions, tmp_path):
    vtt, srt = fixture_captions[0], fixture_captions[1]
    for f in (vtt, srt):
        out = tmp_path / (f.stem + f.suffix[1:] + ".ass")
        p = subprocess.run([ffmpeg_binary(), "-v", "error", "-y", "-i", str(f), str(out)], capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        dialogue = [line for line in out.read_text().splitlines() if line.startswith("Dialogue:")]
        expected = webvtt.read(str(f)) if f.suffix == ".vtt" else webvtt.from_srt(str(f))
        assert len(dialogue) == len(expected.captions) > 0


def test_a_note_with_spaces_keeps_its_place_in_karaoke_lines():
    from align_transcripts.captions import Cue
    from align_transcripts.formats.vtt import line_words

    words = make_words([("Hello", "Ann"), ("[laughs loudly]", "Ann"), ("there", "Ann"), ("friend.", "Ann")])
    cue = Cue(500, 2000, ("Hello [laughs loudly]", "there friend."), tuple(words), ("Ann",))
    assert [[w.word for w in line] for line in line_words(cue)] == [["Hello", "[laughs loudly]"], ["there", "friend."]]
    p = parse(to_webvtt([cue], word_timestamps=True))[0]
    assert "[laughs loudly]" in p.text and p.text.splitlines()[1].endswith("friend.")
