"""Clips: selections, clean cut points, safe names, sidecar captions, manifests, no overwriting."""
import csv
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest
import webvtt

from align_transcripts.audio import decode
from align_transcripts.clips import parse_segments, slug
from conftest import FIXTURES

A = FIXTURES / "audio"
TEXT = (A / "interview.txt").read_text()
TRUTH = json.loads((A / "interview.truth.json").read_text())["sentences"]


def run(*args):
    return subprocess.run([sys.executable, "-m", "align_transcripts", *map(str, args)], capture_output=True, text=True)


@pytest.fixture(scope="module")
def source():
    return decode(str(A / "interview.mp3"))


def rms(samples):
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if len(samples) else 0.0


def quiet_at(audio, ms, speech_level):
    """The source is quiet (well below speech) within 10 ms of a cut."""
    return rms(audio.slice(ms - 10, ms + 10)) < 0.05 * speech_level


def manifest(folder):
    return json.loads((folder / "clips.json").read_text())["clips"]


def test_quotes_cut_exactly_in_the_silence_around_the_words(tmp_path, source):
    out = tmp_path / "q"
    p = run("clips", A / "interview.txt", A / "interview.mp3", "-o", out, "--match", "welcome back to the program",
            "--match", "IT DID")
    assert p.returncode == 0, p.stderr
    rows = manifest(out)
    assert [r["text"] for r in rows] == ["Welcome back to the program.", "It did."]
    speech = rms(source.slice(600, 6000))
    for r, sentence in zip(rows, [TRUTH[0], TRUTH[6]]):
        start, end = round(r["start"] * 1000), round(r["end"] * 1000)
        assert start <= sentence["start"] * 1000 and end >= sentence["end"] * 1000  # no word clipped
        assert sentence["start"] * 1000 - start <= 600 and end - sentence["end"] * 1000 <= 600
        assert quiet_at(source, start, speech) and quiet_at(source, end, speech)
        clip = decode(str(out / r["file"]))
        assert abs(clip.duration - (end - start)) <= 60  # the file is as long as the manifest says
        cues = webvtt.read(str(out / r["captions"])).captions
        assert " ".join(c.text for c in cues).replace("\n", " ") == r["text"]
        assert cues[0].start_in_seconds < 1  # re-based to the clip


def test_speaker_turns_never_cut_into_another_speaker(tmp_path, source):
    out = tmp_path / "s"
    p = run("clips", A / "interview.txt", A / "interview.mp3", "-o", out, "--speaker", "PRIYA", "--pad", "2")
    assert p.returncode == 0, p.stderr
    (row,) = manifest(out)
    assert row["segments"] == [3] and row["speaker"] == "Priya"
    # a 2 s pad would reach Tom's words on both sides: the cut stops before them
    assert row["start"] * 1000 > TRUTH[3]["end"] * 1000 - 1
    assert row["end"] * 1000 < TRUTH[6]["start"] * 1000 + 1


def test_segments_time_range_join_and_formats(tmp_path):
    out = tmp_path / "j"
    p = run("clips", A / "interview.txt", A / "interview.mp3", "-o", out, "--segments", "1-2,4", "--join",
            "--format", "wav")
    assert p.returncode == 0, p.stderr
    (row,) = manifest(out)
    assert row["segments"] == [1, 2, 4] and row["file"].endswith(".wav")
    clip = decode(str(out / row["file"]))
    assert abs(clip.duration - row["duration"] * 1000) <= 60
    assert row["duration"] < row["end"] - row["start"]  # Priya's turn was left out of the join
    cues = webvtt.read(str(out / row["captions"])).captions
    assert "Priya" not in " ".join(c.raw_text for c in cues)

    rng = tmp_path / "r"
    p = run("clips", A / "interview.txt", A / "interview.mp3", "-o", rng, "--from", "00:07", "--to", "13.0")
    assert p.returncode == 0, p.stderr
    (row,) = manifest(rng)
    assert 7.0 <= row["start"] and row["end"] <= 13.0
    assert row["text"].startswith("Thanks for having me")


def test_each_source_rate_and_channels_are_kept(tmp_path):
    src = tmp_path / "stereo.flac"
    from align_transcripts.audio import ffmpeg_binary
    subprocess.run([ffmpeg_binary(), "-v", "error", "-i", str(A / "interview.mp3"), "-ac", "2", "-ar", "44100",
                    str(src)], check=True)
    out = tmp_path / "f"
    p = run("clips", A / "interview.txt", src, "-o", out, "--speaker", "Nadia Okafor")
    assert p.returncode == 0, p.stderr
    (row,) = manifest(out)
    assert row["file"].endswith(".flac")
    info = subprocess.run([ffmpeg_binary(), "-hide_banner", "-i", str(out / row["file"])], capture_output=True,
                          text=True).stderr
    assert "44100 Hz, stereo" in info


def test_hostile_speaker_labels_make_safe_unique_names(tmp_path):
    labels = ["../../x", "CON", "A" * 300, "🎙️ Host"]
    names = iter(labels)
    text = re.sub(r"^.+(?= \(\d\d:\d\d:\d\d\):$)", lambda m: next(names), TEXT, flags=re.M)
    assert text.count("CON (") == 1
    t = tmp_path / "hostile.txt"
    t.write_text(text)
    out = tmp_path / "out"
    p = run("clips", t, A / "interview.mp3", "-o", out, "--segments", "1-4")
    assert p.returncode == 0, p.stderr
    rows = manifest(out)
    assert len(rows) == 4
    names = [r["file"] for r in rows]
    assert len(set(names)) == 4
    for n in names:
        assert "/" not in n and "\\" not in n and ".." not in n and len(n) <= 80
        assert n.split("_")[1].lower() not in ("con", "prn", "aux", "nul")
        assert all(c.isprintable() and ord(c) < 128 for c in n)
    # the manifest lists every file written, and nothing escaped the folder
    written = sorted(os.listdir(out))
    listed = sorted(names + [r["captions"] for r in rows] + ["clips.json", "clips.csv"])
    assert written == listed
    assert not (tmp_path / "x").exists() and not list(tmp_path.glob("*.mp3"))
    with open(out / "clips.csv", newline="") as fh:
        assert [r["file"] for r in csv.DictReader(fh)] == names


def test_nothing_is_overwritten_without_force(tmp_path):
    out = tmp_path / "o"
    assert run("clips", A / "interview.txt", A / "interview.mp3", "-o", out, "--segments", "2").returncode == 0
    before = {f: (out / f).read_bytes() for f in os.listdir(out)}
    p = run("clips", A / "interview.txt", A / "interview.mp3", "-o", out, "--segments", "2")
    assert p.returncode == 2 and "--force" in p.stderr
    assert {f: (out / f).read_bytes() for f in os.listdir(out)} == before
    assert run("clips", A / "interview.txt", A / "interview.mp3", "-o", out, "--segments", "2",
               "--force").returncode == 0


@pytest.mark.parametrize("args,code,needle", [
    (["--speaker", "bob"], 2, "speakers are: Nadia Okafor, Priya, Tom Reyes"),
    (["--segments", "9"], 2, "outside 1-4"),
    (["--from", "00:20", "--to", "00:10"], 2, "is not after"),
    (["--from", "5:00"], 2, "past the end"),
    (["--from", "1:2:3"], 2, "not a time"),
    (["--match", "not in this interview"], 1, "nothing matched"),
    (["--match", "(", "--regex"], 2, "not a valid regular expression"),
])
def test_selection_errors(tmp_path, args, code, needle):
    p = run("clips", A / "interview.txt", A / "interview.mp3", "-o", tmp_path / "e", *args)
    assert p.returncode == code and needle in p.stderr
    assert not (tmp_path / "e" / "clips.json").exists()


def test_regex_match(tmp_path):
    out = tmp_path / "re"
    p = run("clips", A / "interview.txt", A / "interview.mp3", "-o", out, "--match", r"forty \w+", "--regex")
    assert p.returncode == 0, p.stderr
    assert [r["text"] for r in manifest(out)] == ["forty percent"]


def test_parse_segments_and_slug():
    assert parse_segments("3,5-7", 10) == {3, 5, 6, 7}
    with pytest.raises(ValueError):
        parse_segments("7-5", 10)
    assert slug("../../x") == "x" and slug("CON") == "_con" and slug("🎙️") == "speaker"
    assert len(slug("A" * 300)) <= 40


def test_cli_offers_every_clip_format():
    from align_transcripts.cli import CLIP_FORMATS
    from align_transcripts.clips import EXPORT

    assert sorted(CLIP_FORMATS) == sorted(EXPORT)
