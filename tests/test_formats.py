"""Every delivery format, read back by a reader other than its writer: ttconv's IMSC processor and
pysubs2 for TTML, ffmpeg and pysubs2 for ASS/SSA, webvtt-py for SBV, the TextGrid package for
praatio's TextGrid, pycmx for the EDL, the csv module for CSV and Audacity labels."""
import csv
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as et
from dataclasses import replace
from fractions import Fraction

import pycmx
import pysubs2
import pytest
import textgrid as tgread
import webvtt
from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st
from ttconv import model as ttmodel
from ttconv.imsc import reader as imsc_reader
from ttconv.isd import ISD

from align_transcripts.audio import ffmpeg_binary
from align_transcripts.captions import build_cues
from align_transcripts.errors import InputError
from align_transcripts.formats import CAPTION_FORMATS, pick, render_captions, render_words
from align_transcripts.formats.edl import EdlEvent, to_edl
from align_transcripts.formats.sbv import sbv_time, to_sbv
from align_transcripts.formats.substation import to_substation
from align_transcripts.formats.tables import to_csv, turn_labels, word_labels
from align_transcripts.formats.textgrid import to_textgrid
from align_transcripts.formats.ttml import to_imsc
from align_transcripts.timefmt import parse_clock
from align_transcripts.types import Word

A = FIXTURES / "audio"


def talk(specs, gap=300, start=500):
    """Words from (token, speaker) pairs, one every `gap` ms, each turn a new segment."""
    out, t, seg, last = [], start, 0, None
    for tok, spk in specs:
        seg += spk != last
        last = spk
        out.append(Word(tok, t, t + gap - 20, spk, seg, True, 0.9))
        t += gap
    return out


SAMPLE = talk([("Tom", "Ann"), ("&", "Ann"), ("Jerry", "Ann"), ("<3", "Ann"), ("{each}", "Ann"), ("other.", "Ann"),
               ("[laughter]", "Ann"), ("Sure", "Bob"), ("thing,", "Bob"), ("back\\slash.", "Bob")])
INTERVIEW = talk([(w, "Maya Okonkwo") for w in "Last year your company bet on a meme coin called Floki.".split()]
                 + [(w, "Dev") for w in "Honestly, we were thinking about payments, not memes at all.".split()]
                 + [(w, "Maya Okonkwo") for w in "What happened next? Tell me everything.".split()])


# --- choosing the format ---------------------------------------------------------------------

def test_formats_are_picked_by_extension_case_ignored_or_by_name():
    assert pick("out/x.TTML", "captions").name == "ttml"
    assert pick("x.dfxp", "captions").name == "ttml"
    assert pick("x.Ass", "captions").name == "ass"
    assert pick("words.TextGrid", "words").name == "textgrid"
    assert pick("labels.txt", "words").name == "audacity"
    assert pick("whatever.dat", "words", "CSV").name == "csv"
    assert pick("x.json", "captions").name == "json" and pick("x.json", "words").name == "json"


def test_an_unknown_format_names_the_file_and_the_choices():
    with pytest.raises(InputError) as e:
        pick("out.docx", "captions")
    assert "out.docx" in str(e.value) and ".ttml" in str(e.value) and "--to" in str(e.value)
    with pytest.raises(InputError) as e:
        pick("out.vtt", "words", "pdf")
    assert "textgrid" in str(e.value)


# --- TTML / IMSC 1.1 ---------------------------------------------------------------------------

def _shown(doc) -> list[tuple[Fraction, str]]:
    """What an IMSC processor displays, as (time, text) at each change: ttconv's ISD sequence."""
    def text(e):
        if isinstance(e, ttmodel.Text):
            return e.get_text()
        if isinstance(e, ttmodel.Br):
            return "\n"
        return "".join(text(c) for c in e)
    return [(t, "".join(text(r) for r in isd.iter_regions())) for t, isd in ISD.generate_isd_sequence(doc)]


def test_imsc_is_an_imsc_11_text_document_that_shows_each_cue_at_its_time():
    cues = build_cues(INTERVIEW)
    xml = to_imsc(cues)
    root = et.fromstring(xml.encode())
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert root.get("{http://www.w3.org/ns/ttml#parameter}contentProfiles") == \
        "http://www.w3.org/ns/ttml/profile/imsc1.1/text"
    # Netflix's IMSC 1.1 profile: no colours, no cell resolution, media time
    assert "tts:color" not in xml and "cellResolution" not in xml and "smpte" not in xml.lower()
    doc = imsc_reader.to_model(et.ElementTree(root))
    assert doc.get_content_profiles() == {"http://www.w3.org/ns/ttml/profile/imsc1.1/text"}
    shown = dict(_shown(doc))
    for c in cues:
        assert shown[Fraction(c.start, 1000)] == c.text  # appears at its start, exactly as the cue reads
        assert shown.get(Fraction(c.end, 1000), "") != c.text  # and is gone at its end
    # pysubs2's TTML reader, a second independent reader, agrees on times and text
    back = pysubs2.SSAFile.from_string(xml, format_="ttml")
    assert [(e.start, e.end, e.plaintext) for e in back] == [(c.start, c.end, c.text) for c in cues]


def test_imsc_escapes_markup_and_keeps_no_whitespace_inside_a_paragraph():
    xml = to_imsc(build_cues(SAMPLE))
    assert "Tom &amp; Jerry &lt;3" in xml
    for p in et.fromstring(xml.encode()).iter("{http://www.w3.org/ns/ttml}p"):
        assert p.text is None and all(child.tail is None for child in p)


words_strategy = st.lists(st.tuples(st.sampled_from(["hello", "world,", "a", "R&D", "<tag>", "naïve", "end.", "x"]),
                                    st.sampled_from(["Ann", "Bob Smith"]), st.integers(60, 900)),
                          min_size=1, max_size=40)


def _timed(specs):
    out, t, seg, last = [], 0, 0, None
    for tok, spk, dur in specs:
        seg += spk != last
        last = spk
        out.append(Word(tok, t, t + dur, spk, seg, True, 1.0))
        t += dur + 40
    return out


@given(words_strategy)
@settings(max_examples=40, deadline=None)
def test_every_caption_format_reads_back_with_each_cue_in_order(specs):
    """Property: whatever the words, every subtitle format reads back as the same cues, in order."""
    cues = build_cues(_timed(specs))
    want = [(c.start, c.end, c.text) for c in cues]
    ttml = pysubs2.SSAFile.from_string(to_imsc(cues), format_="ttml")
    assert [(e.start, e.end, e.plaintext) for e in ttml] == want
    ass = pysubs2.SSAFile.from_string(to_substation(cues), format_="ass")
    assert [(e.plaintext) for e in ass] == [c.text for c in cues]
    assert all(abs(e.start - c.start) <= 10 and abs(e.end - c.end) <= 10 for e, c in zip(ass, cues))  # centiseconds
    sbv = webvtt.from_buffer(io.StringIO(to_sbv(cues)), format="sbv").captions
    assert [(parse_clock(c.start), parse_clock(c.end), c.raw_text) for c in sbv] == want


# --- ASS / SSA ---------------------------------------------------------------------------------

def _ffmpeg_to_srt(path, tmp_path) -> list[webvtt.Caption]:
    out = tmp_path / "back.srt"
    p = subprocess.run([ffmpeg_binary(), "-v", "error", "-y", "-i", str(path), str(out)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return webvtt.from_srt(str(out)).captions


@pytest.mark.parametrize("fmt", ["ass", "ssa"])
def test_substation_reads_back_through_ffmpeg_with_speakers_named(fmt, tmp_path):
    cues = build_cues(INTERVIEW)
    path = tmp_path / f"captions.{fmt}"
    path.write_text(to_substation(cues, fmt))
    back = _ffmpeg_to_srt(path, tmp_path)
    assert [c.text for c in back] == [c.text for c in cues]
    assert all(abs(parse_clock(b.start) - c.start) <= 10 for b, c in zip(back, cues))
    events = pysubs2.load(str(path))
    assert [e.name for e in events] == [" / ".join(c.speakers) for c in cues]


def test_substation_never_lets_transcript_text_act_as_an_override():
    text = to_substation(build_cues(SAMPLE))
    events = pysubs2.SSAFile.from_string(text, format_="ass")
    shown = " ".join(e.plaintext for e in events)
    assert "(each)" in shown and "Tom & Jerry <3" in shown and "back" in shown and "slash." in shown


def test_karaoke_tags_follow_the_words_and_fill_the_cue(tmp_path):
    cues = build_cues(INTERVIEW)
    events = pysubs2.SSAFile.from_string(to_substation(cues, word_timestamps=True), format_="ass")
    for e, c in zip(events, cues):
        ks = [int(k) for k in re.findall(r"\\k(\d+)", e.text)]
        assert len(ks) in (len(c.words), len(c.words) + 1)  # a word each, and a lead-in before a late first word
        assert abs(sum(ks) * 10 - (c.end - c.start)) <= 10 * len(ks)
        assert e.plaintext == c.text
    path = tmp_path / "k.ass"
    path.write_text(to_substation(cues, word_timestamps=True))
    assert [b.text for b in _ffmpeg_to_srt(path, tmp_path)] == [c.text for c in cues]


# --- SBV ---------------------------------------------------------------------------------------

def test_sbv_times_and_blocks():
    assert sbv_time(0) == "0:00:00.000" and sbv_time(3_723_456) == "1:02:03.456"
    assert to_sbv([]) == ""
    cues = build_cues(INTERVIEW)
    back = webvtt.from_buffer(io.StringIO(to_sbv(cues)), format="sbv").captions
    assert len(back) == len(cues) and back[0].text == cues[0].text


# --- word timings ------------------------------------------------------------------------------

WITH_GAPS = [*INTERVIEW[:5], replace(INTERVIEW[5], aligned=False, score=0.0), *INTERVIEW[6:]]  # "on" not placed


def test_textgrid_has_a_word_tier_per_speaker_and_the_turns_read_by_another_reader(tmp_path):
    path = tmp_path / "words.TextGrid"
    path.write_text(to_textgrid(WITH_GAPS + [Word("[laughter]", 7000, 7000, "Dev", 2, False, 0.0)], 30_000))
    grid = tgread.TextGrid.fromFile(str(path))
    names = [t.name for t in grid.tiers]
    assert names == ["Maya Okonkwo - words", "Dev - words", "turns", "sound tags"]
    assert grid.maxTime == pytest.approx(30.0)
    maya = [(round(i.minTime * 1000), round(i.maxTime * 1000), i.mark) for i in grid.tiers[0] if i.mark]
    placed = [(w.start, w.end, w.word) for w in WITH_GAPS if w.speaker == "Maya Okonkwo" and w.aligned]
    assert maya == placed  # the unaligned word is not given invented times
    turns = [i.mark for i in grid.tiers[2] if i.mark]
    assert turns[0].startswith("Maya Okonkwo: Last year your company bet on a meme coin")  # its text kept whole
    assert [p.mark for p in grid.tiers[3]] == ["[laughter]"]
    # tiers cover the recording without gaps, as Praat needs
    for tier in grid.tiers[:3]:
        assert tier[0].minTime == 0 and tier[len(tier) - 1].maxTime == pytest.approx(30.0)


def test_csv_lists_every_word_and_audacity_labels_only_placed_ones():
    rows = list(csv.DictReader(io.StringIO(to_csv(WITH_GAPS))))
    assert [r["word"] for r in rows] == [w.word for w in WITH_GAPS]
    assert rows[5]["aligned"] == "false" and rows[0]["aligned"] == "true"
    assert float(rows[0]["start"]) == pytest.approx(WITH_GAPS[0].start / 1000)
    assert {r["overlapped"] for r in rows} == {"false"}
    over = [replace(w, overlapped=True) if k == 0 else w for k, w in enumerate(WITH_GAPS)]
    assert [r["overlapped"] for r in csv.DictReader(io.StringIO(to_csv(over)))][:2] == ["true", "false"]
    labels = [line.split("\t") for line in word_labels(WITH_GAPS).splitlines()]
    assert len(labels) == len(WITH_GAPS) - 1 and labels[0] == ["0.500000", "0.780000", "Last"]
    turns = [line.split("\t") for line in turn_labels(WITH_GAPS).splitlines()]
    assert [t[2].split(":")[0] for t in turns] == ["Maya Okonkwo", "Dev", "Maya Okonkwo"]


def test_render_words_dispatches_by_format():
    assert render_words(pick("w.csv", "words"), WITH_GAPS, 30_000).startswith("word,start,end")
    assert '"words"' in render_words(pick("w.json", "words"), WITH_GAPS, 30_000)
    for f in CAPTION_FORMATS:
        assert render_captions(f, build_cues(INTERVIEW)).strip()


# --- EDL ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("fps,drop", [("25", False), ("29.97", True), ("23.976", False)])
def test_edl_reads_back_through_pycmx_with_whole_words_kept(fps, drop, tmp_path):
    events = [EdlEvent(451, 8735, "001_maya.mp3", "Maya: Good morning"), EdlEvent(13_671, 18_929, "002.mp3", "Dev: Hi"),
              EdlEvent(3_600_000, 3_601_000, "003.mp3", "late")]
    text = to_edl("demo clips", "demo.mp3", events, fps)
    assert ("FCM: DROP FRAME" in text) == drop
    path = tmp_path / "clips.edl"
    path.write_text(text)
    with open(path) as fh:
        edl = pycmx.parse_cmx3600(fh)
    assert edl.title == "demo clips"
    edits = [ed for ev in edl.events for ed in ev.edits]
    assert len(edits) == 3 and all(ed.clip_name == "demo.mp3" for ed in edits)
    assert edits[0].record_in.replace(";", ":") == "00:00:00:00"
    for a, b in zip(edits, edits[1:]):
        assert a.record_out == b.record_in  # laid end to end
    rate = {"25": 25, "29.97": 30000 / 1001, "23.976": 24000 / 1001}[fps]
    nominal = round(rate)

    def frames(tc):  # counted frames, drop-frame numbering undone
        h, m, s, f = (int(x) for x in tc.replace(";", ":").split(":"))
        n = ((h * 60 + m) * 60 + s) * nominal + f
        if drop:
            mins = h * 60 + m
            n -= 2 * (mins - mins // 10)
        return n
    for ed, ev in zip(edits, events):
        assert frames(ed.source_in) / rate <= ev.start / 1000 < (frames(ed.source_in) + 1) / rate
        assert (frames(ed.source_out) - 1) / rate < ev.end / 1000 <= frames(ed.source_out) / rate


# --- from the command line, on real speech ---------------------------------------------------

def run(*args):
    return subprocess.run([sys.executable, "-m", "align_transcripts", *map(str, args)], capture_output=True, text=True)


@pytest.mark.slow
def test_cli_writes_each_caption_format_by_extension_or_name(tmp_path):
    p = run("captions", A / "interview.txt", "--audio", A / "interview.mp3", "-o", tmp_path / "c.ttml")
    assert p.returncode == 0, p.stderr
    doc = imsc_reader.to_model(et.parse(tmp_path / "c.ttml"))
    assert any("Thanks for having me" in text for _, text in _shown(doc))
    for name, ext in (("ass", "ass"), ("sbv", "sbv"), ("ssa", "subs")):
        out = tmp_path / f"c.{ext}"
        p = run("captions", A / "interview.txt", "-o", out, "--to", name)
        assert p.returncode == 0, p.stderr
        assert out.stat().st_size > 0
    assert pysubs2.load(str(tmp_path / "c.subs"), format_="ssa")[0].name == "Nadia Okafor"
    p = run("captions", A / "interview.txt", "-o", tmp_path / "c.docx")
    assert p.returncode == 2 and "c.docx" in p.stderr and "unknown caption format" in p.stderr
    assert not (tmp_path / "c.docx").exists()


@pytest.mark.slow
def test_cli_words_as_textgrid_csv_and_labels_agree_with_words_json(tmp_path):
    outs = {ext: tmp_path / f"w.{ext}" for ext in ("json", "TextGrid", "csv", "txt")}
    for path in outs.values():
        p = run("words", A / "interview.txt", A / "interview.mp3", "-o", path)
        assert p.returncode == 0, p.stderr
    words = json.loads(outs["json"].read_text())["words"]
    placed = [(round(w["start"] * 1000), round(w["end"] * 1000), w["word"]) for w in words
              if w["aligned"] and not w.get("tag")]
    grid = tgread.TextGrid.fromFile(str(outs["TextGrid"]))
    in_grid = sorted((round(i.minTime * 1000), round(i.maxTime * 1000), i.mark)
                     for t in grid.tiers if t.name.endswith(" - words") for i in t if i.mark)
    assert in_grid == sorted(placed)
    assert {t.name for t in grid.tiers} >= {"Nadia Okafor - words", "Priya - words", "Tom Reyes - words", "turns"}
    rows = list(csv.DictReader(outs["csv"].open()))
    assert [r["word"] for r in rows] == [w["word"] for w in words]
    labels = [ln.split("\t") for ln in outs["txt"].read_text().splitlines()]
    assert [lab[2] for lab in labels] == [w for _, _, w in placed]


def test_words_to_stdout_default_to_json_and_a_bad_name_says_so_without_a_file():
    assert pick(None, "words").name == "json"
    with pytest.raises(InputError) as e:
        pick(None, "words", "pdf")
    assert e.value.path is None and "unknown word format 'pdf'" in str(e.value)
