"""The Rev reader: headers, paragraphs, markers, page chrome, malformed headers, encodings."""
import pytest
from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from align_transcripts import InputError, Paragraph, Turn, parse_transcript, read_transcript
from align_transcripts.transcript import decode_text, rev
from align_transcripts.transcript.markers import find_markers, strip_marker_times

T = FIXTURES / "transcripts"


def test_quirks_turns(quirks):
    t = read_transcript(str(quirks))
    assert [(x.speaker, x.stamp, x.line) for x in t.turns] == [
        ("Host", 0, 9), ("Ada Quill", 6000, 13), ("Host", 6000, 17), ("Ada Quill", 9000, 21),
        ("Ada Quill", 10000, 24), ("Host", 27000, 30), ("ada quill", 29000, 34), ("Host", 25000, 38),
        ("Ada Quill", 40000, 42), ("Host", None, 46), ("Host", 41000, 50), ("Ada Quill", 80000, 54),
    ]
    multi = t.turns[4]
    assert [p.line for p in multi.paragraphs] == [26, 28]
    assert multi.text.endswith("called [inaudible] about it.")
    assert t.turns[3].paragraphs == ()
    assert t.turns[-1].text == "Bye."  # trailer chrome is not speech


def test_quirks_notes(quirks):
    t = read_transcript(str(quirks))
    assert [(n.kind, n.line) for n in t.notes] == [
        ("boilerplate", 1), ("boilerplate", 3), ("boilerplate", 5), ("boilerplate", 7),
        ("malformed_header", 46), ("boilerplate", 58), ("boilerplate", 60),
    ]
    assert t.notes[4].severity == "error"


@pytest.mark.parametrize("name", ["quirks_bom_crlf.txt", "quirks_utf16.txt", "quirks_nbsp.txt"])
def test_encodings_read_the_same(quirks, name):
    base = read_transcript(str(quirks))
    other = read_transcript(str(T / name))
    assert [(x.speaker, x.stamp, x.line) for x in other.turns] == [(x.speaker, x.stamp, x.line) for x in base.turns]
    assert [len(x.text.split()) for x in other.turns] == [len(x.text.split()) for x in base.turns]


def test_nbsp_and_curly_quotes_survive():
    t = read_transcript(str(T / "quirks_nbsp.txt"))
    assert t.turns[1].speaker == "Ada Quill"
    assert t.turns[1].text == "\u201cThanks for having me.\u201d"


def test_utf16_without_bom():
    text = "Host (00:00):\n\nHello there.\n"
    assert parse_transcript(decode_text(text.encode("utf-16-le"))).turns[0].text == "Hello there."


def test_explicit_encoding():
    t = read_transcript(str(T / "cp1252.txt"), encoding="cp1252")
    assert t.turns[0].text == "Café au lait, s'il vous plaît."


@pytest.mark.parametrize("name,needle,line", [
    ("cp1252.txt", "not valid utf-8", 3),
    ("binary.bin", "not a text file", None),
    ("empty.txt", "is empty", None),
    ("malformed_only.txt", "no turn header has a valid stamp", 1),
    ("missing.txt", "file not found", None),
])
def test_unusable_files(name, needle, line):
    with pytest.raises(InputError) as exc:
        read_transcript(str(T / name))
    assert needle in str(exc.value)
    assert exc.value.path.endswith(name)
    assert exc.value.line == line


@pytest.mark.parametrize("header,stamp", [
    ("Elon Musk (00:10:53):", 653_000), ("Elon Musk (10:53):", 653_000),
    ("Elon Musk (12:00:01):", 43_201_000), ("Dr. Jane O'Neil-Smith (01:02:03):", 3_723_000),
    ("Speaker 3 (00:00:01.500):", 1_500),
])
def test_header_forms(header, stamp):
    t = parse_transcript(header + "\n\nHi.\n")
    assert t.turns[0].stamp == stamp and t.turns[0].text == "Hi."


@pytest.mark.parametrize("header", ["Elon Musk (1:2:3):", "Elon Musk (00:61:00):", "Elon Musk (00:10:5x):"])
def test_malformed_headers_are_findings(header):
    t = parse_transcript("Host (00:00:01):\n\nHello.\n\n" + header + "\n\nHi.\n")
    assert [n.kind for n in t.notes] == ["malformed_header"]
    assert t.notes[0].line == 5
    assert t.turns[1].stamp is None and t.turns[1].text == "Hi."
    assert t.turns[0].text == "Hello."  # not merged into the previous turn


def test_markers():
    ms = find_markers("He said [inaudible 00:07:06] and [Laughter] then [crosstalk 01:02].", 7)
    assert [(m.kind, m.time, m.line) for m in ms] == [("inaudible", 426_000, 7), ("laughter", None, 7), ("crosstalk", 62_000, 7)]
    assert strip_marker_times("a [inaudible 00:07:06] b") == "a [inaudible] b"


speaker = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz .'-", min_size=1, max_size=20).map(
    lambda s: " ".join(s.split())).filter(lambda s: s and s[0].isalpha())
word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz’“”,.?!'-é", min_size=1, max_size=8).filter(lambda w: w[0].isalpha())
paragraph = st.lists(word, min_size=1, max_size=12).map(" ".join)
turn = st.builds(
    lambda s, stamp, paras: (s, stamp, paras),
    speaker, st.integers(0, 20 * 3600).map(lambda x: x * 1000), st.lists(paragraph, max_size=3),
)


@given(st.lists(turn, min_size=1, max_size=15))
@settings(max_examples=150, deadline=None)
def test_render_parse_round_trip(items):
    turns = [Turn(s, stamp, 0, tuple(Paragraph(p, 0) for p in paras)) for s, stamp, paras in items]
    back = rev.parse(rev.render(turns))
    assert [(t.speaker, t.stamp, [p.text for p in t.paragraphs]) for t in back.turns] == [
        (s, stamp, paras) for s, stamp, paras in items
    ]
    # line numbers point at the header and the paragraphs in the rendered text
    lines = rev.render(turns).split("\n")
    for t in back.turns:
        assert lines[t.line - 1].startswith(t.speaker + " (")
        for p in t.paragraphs:
            assert lines[p.line - 1] == p.text


# --- header-like lines are turns or reported, never swallowed into speech --------------------

_name = st.one_of(st.just(""), st.just("  "), st.sampled_from(["Elon Musk", "Dr. Ann Lee", "Speaker 1", "ada quill",
                                                                "José (CEO)", "Q&A", "B.B. King", "X"]))
_stamp = st.one_of(st.sampled_from(["00:00:09", "0:09", "1:02:03", "00:61:00", "1:2:3", "00:00:09.5", "--:--:--",
                                    "9", "00:00", "12:00:00:00", "00:00:09,250"]),
                   st.from_regex(r"\d{1,3}(:\d{1,3}){0,3}", fullmatch=True))
_space = st.sampled_from(["", " ", "  ", "\t"])


@given(_name, _space, _stamp, _space, st.sampled_from([":", "", " :"]))
@settings(max_examples=300, deadline=None)
def test_a_header_like_line_is_a_turn_or_a_finding_never_speech(name, sp1, stamp, sp2, colon):
    line = f"{name}{sp1}({sp2}{stamp}{sp2}){colon}"
    text = f"Host (00:00:00):\n\nHello there.\n\n{line}\n\nSome words here.\n\nHost (00:05:00):\n\nBye.\n"
    t = rev.parse(text)
    turn = next((x for x in t.turns if x.line == 5), None)
    noted = [f for f in t.notes if f.line == 5]
    spoken = " ".join(p.text for x in t.turns for p in x.paragraphs)
    if turn is None:  # read as speech: only when it cannot be a header (no colon, stamp not HH:MM:SS)
        assert colon == "" and not rev.FULL_STAMP.match(stamp.strip()), (line, spoken)
        assert not noted
    else:
        assert "Some words here." in [p.text for p in turn.paragraphs]
        assert line.strip() not in spoken
        if turn.stamp is None or not name.strip() or not colon:
            assert noted, line  # whatever is wrong with the header is reported
        if not name.strip():
            assert turn.speaker == rev.UNNAMED


def test_a_header_without_a_speaker_is_a_turn_reported(tmp_path):
    p = tmp_path / "blank.txt"
    p.write_text("Ann (00:00:01):\n\nHello.\n\n  (00:00:09):\n\nHonestly yes.\n\nBob (00:00:19):\n\nOkay.\n")
    t = read_transcript(str(p))
    assert [x.speaker for x in t.turns] == ["Ann", "Unknown", "Bob"]
    assert [x.stamp for x in t.turns] == [1000, 9000, 19000]
    (note,) = [f for f in t.notes if f.kind == "malformed_header"]
    assert note.line == 5 and note.severity == "warning" and "names no speaker" in note.message


def test_text_without_headers_is_plain_text():
    t = read_transcript(str(T / "no_headers.txt"))
    assert t.format == "plain" and all(turn.stamp is None for turn in t.turns)
    assert "Just some notes." in t.turns[0].text
