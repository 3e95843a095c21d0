"""`align words` and `align check --audio` from the command line."""
import hashlib
import json
import os
import subprocess
import sys

import pytest
from conftest import FIXTURES

pytestmark = pytest.mark.slow  # real alignments or command-line runs

A = FIXTURES / "audio"
DEMO = FIXTURES / "demo"
TEXT = (A / "interview.txt").read_text()


def run(*args):
    return subprocess.run([sys.executable, "-m", "align_transcripts", *map(str, args)], capture_output=True, text=True)


def test_words_json(tmp_path):
    out = tmp_path / "words.json"
    p = run("words", A / "interview.txt", A / "interview.mp3", "-o", out)
    assert p.returncode == 0, p.stderr
    data = json.loads(out.read_text())
    words = data["words"]
    tokens = [t for line in TEXT.splitlines() if line and not line.endswith("):") for t in line.split()]
    assert [w["word"] for w in words] == tokens
    for w in words:
        assert {"word", "start", "end", "speaker", "segment", "aligned", "score"} <= set(w)
        assert w["end"] >= w["start"]
    assert all(w["aligned"] for w in words)
    assert "50 of 50 words aligned" in p.stderr


def test_words_mismatch_exit_2(tmp_path):
    t = tmp_path / "wrong.txt"
    t.write_text("Host (00:00:00):\n\nThe committee approved the harbour budget on Tuesday evening after a long "
                 "debate about ferries, bridges and diesel.\n\nGuest (00:00:10):\n\nPlanning permission for the "
                 "northern terminal remains the open question for the council.\n")
    p = run("words", t, A / "interview.mp3")
    assert p.returncode == 2 and "does not match" in p.stderr and "interview.mp3" in p.stderr
    assert "the first at line 1: 'The committee approved" in p.stderr  # which text was looked for


def test_words_bad_audio_exit_2():
    for name in ("corrupt.mp3", "silent.wav", "missing.wav"):
        p = run("words", A / "interview.txt", A / name)
        assert p.returncode == 2 and name in p.stderr and "Traceback" not in p.stderr


def test_check_audio_finds_offsets_and_fix_stamps_corrects_them(tmp_path):
    # Priya's turn really starts at 00:00:13; stamp it 00:00:09 and drop a sentence from Tom's turn
    text = TEXT.replace("Priya (00:00:13):", "Priya (00:00:09):").replace(
        "It was a strange year for everyone in crypto.", "")
    src = tmp_path / "t.txt"
    src.write_text(text)
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    p = run("check", src, "--audio", A / "interview.mp3", "--json")
    data = json.loads(p.stdout)
    kinds = [(f["kind"], f["line"]) for f in data["findings"]]
    assert ("stamp_offset", 9) in kinds
    assert any(k == "untranscribed_speech" for k, _ in kinds)
    offset = next(f for f in data["findings"] if f["kind"] == "stamp_offset")
    assert "00:00:13" in offset["message"]

    fixed = tmp_path / "fixed.txt"
    p = run("check", src, "--audio", A / "interview.mp3", "--fix-stamps", "-o", fixed)
    assert fixed.exists(), p.stderr
    assert "Priya (00:00:13):" in fixed.read_text()
    assert fixed.read_text().count("\n") == text.count("\n")
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    again = json.loads(run("check", fixed, "--audio", A / "interview.mp3", "--json").stdout)
    assert not [f for f in again["findings"] if f["kind"] == "stamp_offset"]


def test_check_audio_beyond_end(tmp_path):
    src = tmp_path / "t.txt"
    src.write_text(TEXT + "\nNadia Okafor (00:05:00):\n\nThat is all.\n")
    p = run("check", src, "--audio", A / "interview.mp3", "--json")
    assert p.returncode == 1
    data = json.loads(p.stdout)
    assert [(f["kind"], f["severity"]) for f in data["findings"] if f["kind"] == "beyond_audio"] == [("beyond_audio", "error")]


def test_fix_stamps_needs_output_and_never_overwrites_input(tmp_path):
    src = tmp_path / "t.txt"
    src.write_text(TEXT)
    assert run("check", src, "--audio", A / "interview.mp3", "--fix-stamps").returncode == 2
    p = run("check", src, "--audio", A / "interview.mp3", "--fix-stamps", "-o", src)
    assert p.returncode == 2 and "never modifies" in p.stderr
    assert src.read_text() == TEXT


def test_truncated_audio_is_named_as_such():
    p = run("words", A / "interview.txt", A / "truncated.mp3")
    assert p.returncode == 2
    assert "truncated.mp3" in p.stderr and "stamped after the audio ends" in p.stderr


@pytest.mark.parametrize("args,where", [
    (["run", "-o", "{blocker}/out"], "{blocker}/out: {blocker} is not a folder"),
    (["clips", "--speaker", "Priya", "-o", "{blocker}/out"], "{blocker}/out: {blocker} is not a folder"),
    (["words", "-o", "{blocker}/sub/w.json"], "{blocker}/sub/w.json: cannot write: folder {blocker}/sub does not exist"),
    (["check", "--audio", "{audio}", "-o", "{tmp}/no/r.json"], "{tmp}/no/r.json: cannot write: folder {tmp}/no does not exist"),
    (["captions", "--audio", "{audio}", "-o", "{tmp}/c.vtt", "--report", "{tmp}/no/q.json"],
     "{tmp}/no/q.json: cannot write: folder {tmp}/no does not exist"),
])
def test_unusable_output_is_refused_before_aligning(tmp_path, monkeypatch, args, where):
    from click.testing import CliRunner

    import align_transcripts.audio
    import align_transcripts.pipeline
    from align_transcripts.cli import main

    def never(*a, **k):
        raise AssertionError("the audio was read before the output was checked")

    monkeypatch.setattr(align_transcripts.pipeline, "align_files", never)
    monkeypatch.setattr(align_transcripts.audio, "probe_duration", never)
    blocker = tmp_path / "afile"
    blocker.write_text("mine")
    fill = {"blocker": blocker, "tmp": tmp_path, "audio": A / "interview.mp3"}
    argv = [a.format(**fill) for a in args]
    argv[1:1] = [str(A / "interview.txt")] + ([str(A / "interview.mp3")] if argv[0] in ("run", "clips", "words") else [])
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 2, result.output
    assert where.format(**fill) in result.output and blocker.read_text() == "mine"


def test_fix_stamps_says_how_many_lines_it_changed(tmp_path):
    text = TEXT.replace("Priya (00:00:13):", "Priya (00:00:09):").replace("Tom Reyes (00:00:07):", "Tom Reyes (00:00:08):")
    src = tmp_path / "t.txt"
    src.write_text(text)
    fixed = tmp_path / "fixed.txt"
    p = run("check", src, "--audio", A / "interview.mp3", "--fix-stamps", "-o", fixed)
    changed = sum(a != b for a, b in zip(text.split("\n"), fixed.read_text().split("\n")))
    assert changed == 2 and "2 stamps corrected" in p.stderr and "1 of them off by more than 1.5 s" in p.stderr


def test_sound_tags_are_counted_apart_the_same_everywhere(tmp_path):
    out = tmp_path / "run"
    p = run("run", DEMO / "demo.txt", DEMO / "demo.mp3", "-o", out)
    assert p.returncode in (0, 1), p.stderr
    data = json.loads((out / "words.json").read_text())
    tags = [w for w in data["words"] if w.get("tag")]
    assert [w["word"] for w in tags] == ["[inaudible]."]
    s = data["summary"]
    assert (s["words"], s["tags"], s["aligned"] + s["unaligned"]) == (len(data["words"]) - 1, 1, s["words"])
    assert f"words: {s['aligned']} of {s['words']} aligned" in p.stdout
    page = (out / "review.html").read_text()
    assert f"{s['aligned']} of {s['words']} words aligned" in page and "0 error," not in page
    p = run("words", DEMO / "demo.txt", DEMO / "demo.mp3", "-o", tmp_path / "w.json")
    assert f"{s['aligned']} of {s['words']} words aligned (1 sound tag kept as tags)" in p.stderr


def test_a_cut_off_mp3_is_named_for_what_it_is(tmp_path):
    tiny = tmp_path / "tiny.mp3"
    tiny.write_bytes((DEMO / "demo.mp3").read_bytes()[:1000])
    p = run("words", DEMO / "demo.txt", tiny)
    assert p.returncode == 2 and "tiny.mp3: holds only" in p.stderr and "truncated" in p.stderr


def test_another_recordings_transcript_is_refused_before_aligning(monkeypatch):
    from click.testing import CliRunner

    import align_transcripts.pipeline
    from align_transcripts.cli import main

    def never(*a, **k):
        raise AssertionError("aligned before refusing")

    monkeypatch.setattr(align_transcripts.pipeline, "align", never)
    result = CliRunner().invoke(main, ["words", str(DEMO / "demo.txt"), str(A / "interview.mp3")])
    assert result.exit_code == 2 and "stamped after this audio ends" in result.output


@pytest.mark.parametrize("args", [
    ["check", "{t}", "-o", "{ro}/a.json"],
    ["check", "{t}", "--audio", "{audio}", "-o", "{ro}/a.json"],
    ["captions", "{t}", "-o", "{ro}/c.vtt"],
    ["captions", "{t}", "-o", "{tmp}/c.vtt", "--report", "{ro}/q.json"],
    ["words", "{t}", "{audio}", "-o", "{ro}/w.json"],
])
def test_an_unwritable_output_is_named_before_any_work(tmp_path, monkeypatch, args):
    """A folder the user may not write in (faked: the tests run as root, who may write anywhere)."""
    from click.testing import CliRunner

    import align_transcripts.audio
    import align_transcripts.pipeline
    from align_transcripts.cli import main

    ro = tmp_path / "ro"
    ro.mkdir()
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **k: False if str(p) == str(ro) else real(p, mode, **k))

    def never(*a, **k):
        raise AssertionError("the audio was read before the output was checked")

    monkeypatch.setattr(align_transcripts.pipeline, "align_files", never)
    fill = {"t": A / "interview.txt", "audio": A / "interview.mp3", "ro": ro, "tmp": tmp_path}
    result = CliRunner().invoke(main, [a.format(**fill) for a in args])
    assert result.exit_code == 2, result.output
    assert f"cannot write in {ro} (permission denied)" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "c.vtt").exists()  # nothing written before the refusal


def test_a_write_that_fails_anyway_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    import tempfile

    from align_transcripts.errors import InputError
    from align_transcripts.output import write_atomic

    def denied(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(InputError, match="cannot write: Permission denied"):
        write_atomic(str(tmp_path / "x.json"), "{}")


def test_clips_refuse_another_recordings_transcript_at_once(tmp_path):
    # the demo's turns run to 110 s; the interview recording lasts 22 s
    p = run("clips", DEMO / "demo.txt", A / "interview.mp3", "-o", tmp_path / "c", "--speaker", "Maya")
    assert p.returncode == 2 and "stamped after this audio ends" in p.stderr and "Traceback" not in p.stderr
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize("name", ["interview.vtt", "interview.srt", "interview_plain.txt", "interview_rev.json"])
def test_words_from_every_transcript_format(tmp_path, name):
    """Subtitles 1.8 s late, plain text with no stamps, Rev JSON: every word placed on its sentence."""
    truth = json.loads((A / "interview.truth.json").read_text())["sentences"]
    out = tmp_path / "words.json"
    p = run("words", FIXTURES / "transcripts" / name, A / "interview.mp3", "-o", out)
    assert p.returncode == 0, p.stderr
    words = json.loads(out.read_text())["words"]
    assert all(w["aligned"] for w in words)
    k = 0
    for s in truth:  # each sentence's first and last word within 60 ms of where it is said
        n = len(s["text"].split())
        first, last = words[k], words[k + n - 1]
        assert abs(first["start"] - s["start"]) <= 0.06 and abs(last["end"] - s["end"]) <= 0.06, (s, first, last)
        assert first["speaker"] == s["speaker"]
        k += n
    assert k == len(words)
