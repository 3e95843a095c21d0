"""The readers beyond Rev text: plain text, SRT (pysubs2), WebVTT (webvtt-py) and Rev JSON, detected from the content."""
from __future__ import annotations

import json

import pysubs2
import pytest
from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from align_transcripts import InputError, parse_transcript, read_transcript
from align_transcripts.timefmt import clock
from align_transcripts.transcript.speakers import UNNAMED

T = FIXTURES / "transcripts"
SPEAKERS = [("Nadia Okafor", 0), ("Tom Reyes", 7539), ("Priya", 13205), ("Tom Reyes", 18000)]


@pytest.mark.parametrize("name,fmt", [("interview.vtt", "vtt"), ("interview.srt", "srt"),
                                      ("interview_plain.txt", "plain"), ("interview_rev.json", "revjson")])
def test_each_format_is_detected_with_its_speakers(name, fmt):
    t = read_transcript(str(T / name))
    assert t.format == fmt
    names = [turn.speaker for turn in t.turns]
    assert [n for k, n in enumerate(names) if k == 0 or names[k - 1] != n] == [s for s, _ in SPEAKERS]
    words = " ".join(turn.text for turn in t.turns).split()
    assert words[:4] == ["Welcome", "back", "to", "the"] and words[-1] == "fast."


def test_subtitle_cues_keep_their_times_and_lines():
    t = read_transcript(str(T / "interview.vtt"))
    assert (t.turns[0].stamp, t.turns[0].end, t.turns[0].line) == (2400, 4025, 4)  # its timing line
    assert t.turns[0].paragraphs[0].line == 5
    assert all(turn.stamp is not None and turn.end is not None and turn.end > turn.stamp for turn in t.turns)


def test_plain_text_has_no_stamps_and_labels_open_turns():
    t = parse_transcript("Ann Lee: Hello there.\nA second line.\n\nMore from Ann.\n\nBob: Yes.\n")
    assert [(x.speaker, x.stamp, x.line, x.text) for x in t.turns] == [
        ("Ann Lee", None, 1, "Hello there.\nA second line.\nMore from Ann."), ("Bob", None, 6, "Yes.")]


def test_plain_prose_is_one_turn_per_paragraph_and_a_colon_is_not_a_speaker():
    t = parse_transcript("Update: the vote was moved.\n\nIt will be on Friday.\n")
    assert [(x.speaker, x.text) for x in t.turns] == [(UNNAMED, "Update: the vote was moved."),
                                                       (UNNAMED, "It will be on Friday.")]


def test_plain_text_in_chinese_or_japanese_names_its_speakers_with_either_colon():
    t = parse_transcript("主持人: 经广州日报报道后成为了社会热点。\n\n嘉宾：这绝对不行。\n\n主持人：好。\n")
    assert [(x.speaker, x.text) for x in t.turns] == [("主持人", "经广州日报报道后成为了社会热点。"),
                                                       ("嘉宾", "这绝对不行。"), ("主持人", "好。")]
    once = parse_transcript("我们的时间是：三点。\n\n很好。\n")  # a colon in prose, once: no speaker
    assert [x.speaker for x in once.turns] == [UNNAMED, UNNAMED]


def test_a_rev_file_with_broken_stamps_is_not_read_as_prose():
    with pytest.raises(InputError) as e:
        parse_transcript("Ann (00:61:00):\n\nHello.\n")
    assert "valid stamp" in str(e.value)


def test_dialogue_dashes_are_two_unnamed_speakers():
    t = parse_transcript("1\n00:00:01,000 --> 00:00:02,000\nAnn Lee: Hello, and\n\n"
                         "2\n00:00:02,500 --> 00:00:04,000\n- Yes.\n- No.\n\n3\n00:00:04,500 --> 00:00:05,000\nwelcome back.\n")
    assert [x.speaker for x in t.turns] == ["Ann Lee", UNNAMED, UNNAMED]
    assert t.turns[1].text == "Yes.\nNo."


def test_rev_json_names_unnamed_speakers_by_number_and_finds_lines():
    doc = {"monologues": [{"speaker": 3, "elements": [{"type": "text", "value": "Hi", "ts": 1.25},
                                                      {"type": "punct", "value": "."}]}]}
    t = parse_transcript(json.dumps(doc, indent=2))
    assert (t.turns[0].speaker, t.turns[0].stamp, t.turns[0].text, t.turns[0].line) == ("Speaker 3", 1250, "Hi.", 3)


@pytest.mark.parametrize("text,needle", [
    ('{"monologues": 3}', "'monologues' list"),
    ('{"monologues": [}', "not readable as Rev JSON"),
    ("WEBVTT\n\n00:00:01.000 --> nonsense\nHi\n", "WebVTT"),
])
def test_broken_files_say_what_is_wrong(text, needle):
    with pytest.raises(InputError) as e:
        parse_transcript(text, "x.sub")
    assert needle in str(e.value) and "x.sub" in str(e.value)


names = st.sampled_from(["Ann Lee", "Bob Ray", "Dr Cho", "Speaker 2"])  # sure labels: more than one word
sentences = st.lists(st.sampled_from(["Hello there.", "It was a strange year.", "Did it rise?", "Yes, and fast."]),
                     min_size=1, max_size=3).map(" ".join)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(names, sentences, st.integers(200, 5000)), min_size=1, max_size=12))
def test_srt_written_by_pysubs2_reads_back(cues):
    subs = pysubs2.SSAFile()
    t = 0
    for name, text, length in cues:
        subs.append(pysubs2.SSAEvent(start=t, end=t + length, text=f"{name}: {text}"))
        t += length + 100
    got = parse_transcript(subs.to_string("srt"))
    assert got.format == "srt"
    assert [(x.speaker, x.text, x.stamp, x.end) for x in got.turns] == [
        (e.text.split(": ", 1)[0], e.text.split(": ", 1)[1], e.start, e.end) for e in subs]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(names, sentences, st.integers(200, 5000)), min_size=1, max_size=12))
def test_webvtt_voices_read_back(cues):
    lines, t = ["WEBVTT", ""], 0
    for name, text, length in cues:
        lines += [f"{clock(t, True)} --> {clock(t + length, True)}", f"<v {name}>{text}</v>", ""]
        t += length + 100
    got = parse_transcript("\n".join(lines))
    assert [(x.speaker, x.text) for x in got.turns] == [(n, s) for n, s, _ in cues]
    assert [x.line for x in got.turns] == [3 + 3 * k for k in range(len(cues))]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(names, sentences), min_size=1, max_size=10))
def test_plain_labelled_paragraphs_read_back(paras):
    got = parse_transcript("\n\n".join(f"{n}: {s}" for n, s in paras) + "\n")
    assert [(x.speaker, x.text) for x in got.turns] == list(paras)
