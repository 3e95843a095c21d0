"""Clips: selections, clean cut points, safe names, sidecar captions, manifests, no overwriting."""
import csv
import json
import os
import re
import subprocess
import sys

import numpy as np
import pycmx
import pytest
import webvtt
from conftest import FIXTURES

from align_transcripts.audio import decode
from align_transcripts.clips import parse_segments, slug
from align_transcripts.text import bare
from align_transcripts.timefmt import clock, parse_clock

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


def made(*args):
    """`align clips` with these arguments (among them -o FOLDER) must succeed: the rows of its manifest."""
    p = run("clips", *args)
    assert p.returncode == 0, p.stderr
    return manifest(args[args.index("-o") + 1])


@pytest.mark.slow
def test_quotes_cut_exactly_in_the_silence_around_the_words(tmp_path, source):
    out = tmp_path / "q"
    rows = made(A / "interview.txt", A / "interview.mp3", "-o", out, "--match", "welcome back to the program",
            "--match", "IT DID")
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


@pytest.mark.slow
def test_speaker_turns_never_cut_into_another_speaker(tmp_path, source):
    out = tmp_path / "s"
    (row,) = made(A / "interview.txt", A / "interview.mp3", "-o", out, "--speaker", "PRIYA", "--pad", "2")
    assert row["segments"] == [3] and row["speaker"] == "Priya"
    # a 2 s pad would reach Tom's words on both sides: the cut stops before them
    assert row["start"] * 1000 > TRUTH[3]["end"] * 1000 - 1
    assert row["end"] * 1000 < TRUTH[6]["start"] * 1000 + 1


@pytest.mark.slow
def test_segments_time_range_join_and_formats(tmp_path):
    out = tmp_path / "j"
    (row,) = made(A / "interview.txt", A / "interview.mp3", "-o", out, "--segments", "1-2,4", "--join",
            "--format", "wav")
    assert row["segments"] == [1, 2, 4] and row["file"].endswith(".wav")
    clip = decode(str(out / row["file"]))
    assert abs(clip.duration - row["duration"] * 1000) <= 60
    assert row["duration"] < row["end"] - row["start"]  # Priya's turn was left out of the join
    cues = webvtt.read(str(out / row["captions"])).captions
    assert "Priya" not in " ".join(c.raw_text for c in cues)
    # for an editor: the EDL cuts the same pieces of the source, end to end, whole words kept
    with open(out / "clips.edl") as fh:
        edits = [ed for ev in pycmx.parse_cmx3600(fh).events for ed in ev.edits]
    assert len(edits) >= 2 and all(ed.clip_name == "interview.mp3" for ed in edits)
    tc = [(parse_clock(ed.source_in[:8]) + int(ed.source_in[9:]) * 40,
           parse_clock(ed.source_out[:8]) + int(ed.source_out[9:]) * 40) for ed in edits]  # 25 fps
    assert tc[0][0] <= row["start"] * 1000 < tc[0][0] + 40 and tc[-1][1] - 40 < row["end"] * 1000 <= tc[-1][1]
    assert 0 <= sum(b - a for a, b in tc) - row["duration"] * 1000 <= 80 * len(tc)  # a frame out at each end at most
    labels = (out / "clips-labels.txt").read_text().splitlines()
    assert len(labels) == len(edits) and labels[0].split("\t")[2] == row["file"]

    rng = tmp_path / "r"
    (row,) = made(A / "interview.txt", A / "interview.mp3", "-o", rng, "--from", "00:07", "--to", "13.0")
    assert 7.0 <= row["start"] and row["end"] <= 13.0
    assert row["text"].startswith("Thanks for having me")


@pytest.mark.slow
def test_each_source_rate_and_channels_are_kept(tmp_path):
    src = tmp_path / "stereo.flac"
    from align_transcripts.audio import ffmpeg_binary
    subprocess.run([ffmpeg_binary(), "-v", "error", "-i", str(A / "interview.mp3"), "-ac", "2", "-ar", "44100",
                    str(src)], check=True)
    out = tmp_path / "f"
    (row,) = made(A / "interview.txt", src, "-o", out, "--speaker", "Nadia Okafor")
    assert row["file"].endswith(".flac")
    info = subprocess.run([ffmpeg_binary(), "-hide_banner", "-i", str(out / row["file"])], capture_output=True,
                          text=True).stderr
    assert "44100 Hz, stereo" in info


@pytest.mark.slow
def test_hostile_speaker_labels_make_safe_unique_names(tmp_path):
    labels = ["../../x", "CON", "A" * 300, "🎙️ Host"]
    names = iter(labels)
    text = re.sub(r"^.+(?= \(\d\d:\d\d:\d\d\):$)", lambda m: next(names), TEXT, flags=re.M)
    assert text.count("CON (") == 1
    t = tmp_path / "hostile.txt"
    t.write_text(text)
    out = tmp_path / "out"
    rows = made(t, A / "interview.mp3", "-o", out, "--segments", "1-4")
    assert len(rows) == 4
    names = [r["file"] for r in rows]
    assert len(set(names)) == 4
    for n in names:
        assert "/" not in n and "\\" not in n and ".." not in n and len(n) <= 80
        assert n.split("_")[1].lower() not in ("con", "prn", "aux", "nul")
        assert all(c.isprintable() and ord(c) < 128 for c in n)
    # the manifest lists every file written, and nothing escaped the folder
    written = sorted(os.listdir(out))
    listed = sorted(names + [r["captions"] for r in rows] + ["clips.json", "clips.csv", "clips.edl", "clips-labels.txt"])
    assert written == listed
    assert not (tmp_path / "x").exists() and not list(tmp_path.glob("*.mp3"))
    with open(out / "clips.csv", newline="") as fh:
        assert [r["file"] for r in csv.DictReader(fh)] == names


@pytest.mark.slow
def test_nothing_is_overwritten_without_force(tmp_path):
    out = tmp_path / "o"
    assert run("clips", A / "interview.txt", A / "interview.mp3", "-o", out, "--segments", "2").returncode == 0
    before = {f: (out / f).read_bytes() for f in os.listdir(out)}
    # the same selection again: nothing to do, nothing touched
    p = run("clips", A / "interview.txt", A / "interview.mp3", "-o", out, "--segments", "2")
    assert p.returncode == 0 and "already there" in p.stderr
    assert {f: (out / f).read_bytes() for f in os.listdir(out)} == before
    # another cut of the same turn would replace those files: refused
    p = run("clips", A / "interview.txt", A / "interview.mp3", "-o", out, "--segments", "2", "--pad", "0")
    assert p.returncode == 2 and "--force" in p.stderr
    assert {f: (out / f).read_bytes() for f in os.listdir(out)} == before
    assert run("clips", A / "interview.txt", A / "interview.mp3", "-o", out, "--segments", "2", "--pad", "0",
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
@pytest.mark.slow
def test_selection_errors(tmp_path, args, code, needle):
    p = run("clips", A / "interview.txt", A / "interview.mp3", "-o", tmp_path / "e", *args)
    assert p.returncode == code and needle in p.stderr
    assert not (tmp_path / "e" / "clips.json").exists()


@pytest.mark.slow
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


# --- cut points: exactly the selection, padded into silence only ----------------------------

DEMO = FIXTURES / "demo"


@pytest.fixture(scope="module")
def demo_words():
    from align_transcripts.pipeline import align_files
    return align_files(str(DEMO / "demo.txt"), str(DEMO / "demo.mp3")).words


@pytest.fixture(scope="module")
def demo_words_alone():
    """The demo's words as a time range's clip finds them: aligned on the audio around the range
    alone, too little to adapt the model on (align_transcripts.adapt), where the whole demo (its
    synthetic voices far from the model) is adapted to."""
    from align_transcripts.pipeline import align_files
    return align_files(str(DEMO / "demo.txt"), str(DEMO / "demo.mp3"), adapt=False).words


@pytest.fixture(scope="module")
def interview_words():
    from align_transcripts.pipeline import align_files
    return align_files(str(A / "interview.txt"), str(A / "interview.mp3")).words


def spoken_inside(words, row, tol=5):
    """The spoken words (not sound tags) any part of which lies inside a clip row's span."""
    a, b = round(row["start"] * 1000), round(row["end"] * 1000)
    return [w.word for w in words if not w.word.startswith("[") and w.end > a + tol and w.start < b - tol]


@pytest.mark.slow
def test_a_quote_clip_holds_exactly_the_quote(tmp_path, interview_words, demo_words):
    out = tmp_path / "q"
    p = run("clips", A / "interview.txt", A / "interview.mp3", "-o", out, "--match", "forty percent")
    assert p.returncode == 0, p.stderr
    assert "Couldn't find ffmpeg" not in p.stderr  # pydub is pointed at our ffmpeg before it looks
    (row,) = manifest(out)
    assert spoken_inside(interview_words, row) == ["forty", "percent"]
    out = tmp_path / "d"
    rows = made(DEMO / "demo.txt", DEMO / "demo.mp3", "-o", out, "--match", "forty percent",
            "--match", "Zigurat Labs")
    assert len(rows) == 3
    for row in rows:
        assert [bare(w) for w in spoken_inside(demo_words, row)] == [bare(w) for w in row["text"].split()]


@pytest.mark.slow
def test_pad_zero_cuts_at_the_word_edges(tmp_path, interview_words):
    out = tmp_path / "z"
    (row,) = made(A / "interview.txt", A / "interview.mp3", "-o", out, "--match", "strange year", "--pad", "0")
    first = next(w for w in interview_words if w.word == "strange")
    last = next(w for w in interview_words if w.word == "year")
    assert round(row["start"] * 1000) == first.start and round(row["end"] * 1000) == last.end


@pytest.mark.slow
def test_a_range_keeps_whole_words_and_each_gives_a_clip_per_turn(tmp_path, demo_words_alone):
    demo_words = demo_words_alone
    out = tmp_path / "r"
    rows = made(DEMO / "demo.txt", DEMO / "demo.mp3", "-o", out, "--from", "00:40", "--to", "1:10")
    assert len(rows) > 3 and all(" & " not in r["speaker"] for r in rows)  # one speaker each
    inside = [w for w in demo_words if 40_000 <= (w.start + w.end) // 2 < 70_000 and not w.word.startswith("[")]
    got = [w for r in rows for w in spoken_inside(demo_words, r)]
    assert got == [w.word for w in inside]  # every word of the range, whole, and nothing else
    last = inside[-1]
    assert round(rows[-1]["end"] * 1000) >= last.end  # the edge word is kept whole
    out = tmp_path / "j"
    (row,) = made(DEMO / "demo.txt", DEMO / "demo.mp3", "-o", out, "--from", "1:20", "--to", "90", "--join")
    inside = [w.word for w in demo_words if 80_000 <= (w.start + w.end) // 2 < 90_000 and not w.word.startswith("[")]
    assert spoken_inside(demo_words, row) == inside
    assert any(w.start < 90_000 < w.end for w in demo_words)  # the edge really falls inside a word


@pytest.mark.slow
def test_lead_in_is_kept_next_to_a_sound_tag(tmp_path, demo_words):
    out = tmp_path / "t"
    (row,) = made(DEMO / "demo.txt", DEMO / "demo.mp3", "-o", out, "--match", "Let's take a short break")
    first = next(w for w in demo_words if w.word == "Let's")
    assert first.start - round(row["start"] * 1000) >= 150  # the [inaudible] before it is no word to protect


@pytest.mark.slow
def test_clips_keep_the_source_quality_and_their_captions_lie_inside(tmp_path):
    from align_transcripts.audio import source_format
    out = tmp_path / "b"
    p = run("clips", DEMO / "demo.txt", DEMO / "demo.mp3", "-o", out, "--speaker", "sam")
    assert p.returncode == 0, p.stderr
    src = source_format(str(DEMO / "demo.mp3"))
    for row in manifest(out):
        got = source_format(str(out / row["file"]))
        assert (got.rate, got.channels, got.kbps) == (src.rate, src.channels, src.kbps) == (16000, 1, 64)
        cues = webvtt.read(str(out / row["captions"])).captions
        assert cues[-1].end_time.in_milliseconds() <= round(row["duration"] * 1000)
    out = tmp_path / "k"
    assert run("clips", DEMO / "demo.txt", DEMO / "demo.mp3", "-o", out, "--speaker", "sam", "--bitrate",
               "32k").returncode == 0
    assert all(source_format(str(out / r["file"])).kbps == 32 for r in manifest(out))


@pytest.mark.slow
def test_clip_bitrate_follows_the_source():
    from align_transcripts.audio import SourceFormat
    from align_transcripts.clips import clip_bitrate
    assert clip_bitrate(SourceFormat(44100, 2, "mp3", 96), "mp3", None) == "96k"
    assert clip_bitrate(SourceFormat(44100, 2, "mp3", 96), "mp3", "256k") == "256k"
    assert clip_bitrate(SourceFormat(44100, 2, "pcm_s16le", 1411), "mp3", None) == "192k"  # lossless: no 1411k mp3
    assert clip_bitrate(SourceFormat(48000, 2, "aac", None), "m4a", None) == "192k"
    assert clip_bitrate(SourceFormat(48000, 2, "aac", 128), "wav", None) is None


def test_speakers_by_part_of_their_name():
    from align_transcripts.clips import resolve_speakers
    from align_transcripts.errors import InputError
    from align_transcripts.types import Segment
    segs = tuple(Segment(i, name, i * 1000, i * 1000 + 900, "x", i, i * 1000)
                 for i, name in enumerate(["Maya Okonkwo", "Dev Venkataraman", "Sam", "Dev Patel", "MAYA OKONKWO"], 1))
    assert resolve_speakers(("maya",), segs) == ("Maya Okonkwo", "MAYA OKONKWO")  # one person, two spellings
    assert resolve_speakers(("Okonkwo",), segs) == ("Maya Okonkwo", "MAYA OKONKWO")
    assert resolve_speakers(("venkataraman",), segs) == ("Dev Venkataraman",)
    assert resolve_speakers(("sam",), segs) == ("Sam",)
    with pytest.raises(InputError, match="ambiguous: it could be Dev Venkataraman, Dev Patel"):
        resolve_speakers(("dev",), segs)
    with pytest.raises(InputError, match="no speaker 'Ok' in the transcript"):
        resolve_speakers(("Ok",), segs)


def test_cut_points_stay_in_the_pause_on_hand_made_words():
    from align_transcripts.clips import cut_points
    from align_transcripts.types import Word

    def w(text, a, b):
        return Word(text, a, b, "A", 1, True, 1.0)

    samples = np.zeros(16 * 3000, dtype=np.int16)  # 3 s, silent: every point is as quiet
    prev, first, last, nxt = w("to", 900, 1000), w("forty", 1100, 1400), w("percent", 1400, 1800), w("in", 1800, 1900)
    # the pause before is 100 ms: a 250 ms pad stops at the previous word; none after: the word edge
    def near(got, want):  # quiet points are the centres of 10 ms frames
        return all(abs(g - x) <= 5 for g, x in zip(got, want))

    assert near(cut_points(first, last, prev, nxt, 250, samples, 0, (0, 3000)), (1000, 1800))
    assert near(cut_points(first, last, None, None, 250, samples, 0, (0, 3000)), (850, 2050))
    assert cut_points(first, last, prev, nxt, 0, samples, 0, (0, 3000)) == (1100, 1800)
    # a time range limits the padding, not the words
    assert cut_points(first, last, None, None, 250, samples, 0, (1200, 1600)) == (1100, 1800)
    # loud audio in the pause: the cut goes to its quietest point
    loud = samples.copy()
    loud[16 * 850: 16 * 1050] = 3000
    loud[16 * 1060: 16 * 1080] = 0
    start, _ = cut_points(first, last, None, None, 250, loud, 0, (0, 3000))
    assert 1050 <= start <= 1100


@pytest.mark.slow
def test_an_interrupted_run_is_finished_by_the_next(tmp_path, monkeypatch):
    import align_transcripts.clips as clips
    from align_transcripts.reconcile import reconcile
    from align_transcripts.transcript import read_transcript

    t = read_transcript(str(A / "interview.txt"))
    rec = reconcile(t, 22_390)
    plan = clips.plan_clips(rec, str(A / "interview.mp3"), clips.Selection(segments=frozenset({1, 2, 3})))
    real = clips.render_clip
    calls = []

    def interrupted(*args, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kw)

    monkeypatch.setattr(clips, "render_clip", interrupted)
    out = tmp_path / "i"
    with pytest.raises(KeyboardInterrupt):
        clips.write_clips(plan, str(A / "interview.mp3"), str(out), "mp3")
    left = sorted(os.listdir(out))
    assert not [f for f in left if f.startswith(".tmp")]  # nothing half-written
    assert json.loads((out / "clips.json").read_text())["complete"] is False
    p = run("clips", A / "interview.txt", A / "interview.mp3", "-o", out, "--segments", "1-3")
    assert p.returncode == 0, p.stderr
    assert "1 of them already written by an interrupted run" in p.stderr
    data = json.loads((out / "clips.json").read_text())
    assert data["complete"] is True and all(r["written"] for r in data["clips"])
    assert all((out / r["file"]).exists() and (out / r["captions"]).exists() for r in data["clips"])


def _timit(folder, utt):
    from conftest import SHARED
    base = SHARED / "data" / "speech" / "timit" / folder / utt
    if not base.with_suffix(".wav").exists():
        pytest.skip(f"shared speech data not at {base}")
    words = [(w, int(a) // 16, int(b) // 16) for a, b, w in (ln.split() for ln in base.with_suffix(".wrd").open())]
    text = base.with_suffix(".txt").read_text().split(" ", 2)[2].strip()
    return decode(str(base.with_suffix(".wav"))).samples, text, words


@pytest.mark.slow
def test_quote_clips_on_real_speech_never_cut_into_a_word(tmp_path):
    """Two TIMIT speakers (human word boundaries) one after the other: quotes of every length."""
    import wave
    a, text_a, words_a = _timit("dr1-fvmh0", "sx206")
    b, text_b, words_b = _timit("dr2-marc0", "sx108")
    gap = np.zeros(16 * 700, dtype=np.int16)
    offset_b = (len(a) + len(gap)) // 16
    path = tmp_path / "two.wav"
    with wave.open(str(path), "wb") as fh:
        fh.setnchannels(1), fh.setsampwidth(2), fh.setframerate(16000)
        fh.writeframes(np.concatenate([a, gap, b]).tobytes())
    (tmp_path / "two.txt").write_text(f"Ann Lee (00:00:00):\n\n{text_a}\n\nBo Grant ({clock(offset_b)}):\n\n{text_b}\n")
    truth = words_a + [(w, s + offset_b, e + offset_b) for w, s, e in words_b]
    quotes = ["an orange", "hard not to", "juice", "his scalp", "was blistered from", "hot sun"]
    out = tmp_path / "c"
    rows = made(tmp_path / "two.txt", path, "-o", out, *[x for q in quotes for x in ("--match", q)])
    assert [bare(r["text"]) for r in rows] == [bare(q) for q in quotes]
    for r in rows:
        start, end = round(r["start"] * 1000), round(r["end"] * 1000)
        n = len(r["text"].split())
        k = next(i for i in range(len(truth)) if [bare(w) for w, _, _ in truth[i:i + n]] == [bare(x) for x in r["text"].split()])
        sel = truth[k:k + n]
        # where a pause parts the quote from its neighbours the cut lies in it; where the words
        # run together, the cut is the aligned boundary, good to the engine's precision (45 ms)
        before = truth[k - 1] if k else None
        after = truth[k + n] if k + n < len(truth) else None
        tol_a = 45 if before and sel[0][1] - before[2] < 50 else 10
        tol_b = 45 if after and after[1] - sel[-1][2] < 50 else 10
        for w, s, e in truth[:k] + truth[k + n:]:  # no other word inside the clip
            assert e <= start + tol_a or s >= end - tol_b, (r["text"], w, s, e, start, end)
        assert start <= sel[0][1] + tol_a and end >= sel[-1][2] - tol_b, (r["text"], start, end, sel)
    # and the captions of the same speech: no cue ends before its last word is spoken
    for preset in ("netflix", "bbc", "dcmp"):
        p = run("captions", tmp_path / "two.txt", "--audio", path, "-o", tmp_path / f"{preset}.json", "--preset", preset)
        assert p.returncode == 0, p.stderr
        for cue in json.loads((tmp_path / f"{preset}.json").read_text())["cues"]:
            assert cue["end"] >= max(w["end"] for w in cue["words"]), cue
            truth_end = max(e for w, s, e in truth if bare(w) == bare(cue["words"][-1]["word"]))
            assert cue["end"] * 1000 >= truth_end - 45  # and not before the human-marked end of its last word


@pytest.mark.slow
def test_each_run_of_turns_is_decoded_once_for_its_words_and_its_cuts(monkeypatch):
    import align_transcripts.clips as clips
    from align_transcripts.reconcile import reconcile
    from align_transcripts.transcript import read_transcript

    calls = []
    real = clips.decode

    def counting(path, start=0, dur=None):
        calls.append((start, dur))
        return real(path, start, dur)

    monkeypatch.setattr(clips, "decode", counting)
    rec = reconcile(read_transcript(str(A / "interview.txt")), 22_390)
    plan = clips.plan_clips(rec, str(A / "interview.mp3"), clips.Selection(quotes=("forty percent", "it did", "nadia")),
                            duration=22_390)
    assert len(plan) == 3 and len(calls) == 1  # one run (turns 1-4), one decode, three clips cut from it


def test_a_range_too_short_for_its_words_read_aloud_falls_back_to_estimated_times(monkeypatch, tmp_path):
    """Another language's warp finds no path when the audio around a range is too short for its
    words read aloud: the clip keeps the estimated word times, never a traceback."""
    from align_transcripts import clips
    from align_transcripts.types import Segment
    from align_transcripts.warp import engine
    from align_transcripts.warp.dtw import NoPath

    def no_path(*args, **kwargs):
        raise NoPath("no path through the band")

    monkeypatch.setattr(engine, "align_warp", no_path)
    chunk = [Segment(1, "A", 0, 2000, "bonjour tout le monde", 1, 0)]
    words, audio, offset = clips.group_words(str(FIXTURES / "demo" / "demo.mp3"), chunk, 3.0, 110_000, language="fr")
    assert audio is None and offset == 0
    assert [w.word for w in words] == ["bonjour", "tout", "le", "monde"] and not any(w.aligned for w in words)
