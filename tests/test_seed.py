"""The real transcript the project was designed from, read as published.

Expected numbers were counted with grep, independently of align:
  grep -cE '^.+ \\([0-9]{2}:[0-9]{2}:[0-9]{2}\\):$' seed             -> 800 headers
  grep -oE '\\[inaudible [0-9:]+\\]' seed | wc -l                     -> 22 markers
and by reading the file: 7 lines of page chrome before the first header, 2 after the
last (whose turn is otherwise empty), 80 headers followed directly by another header.
"""
import re

from align_transcripts import check, read_transcript, reconcile

SPEAKERS = {"Interviewer": 318, "Elon Musk": 382, "Speaker 1": 2, "Speaker 2": 2, "Speaker 3": 11, "Speaker 4": 1,
            "Alex": 12, "Speaker 5": 6, "Speaker 6": 58, "Speaker 7": 7, "Speaker 8": 1}


def test_seed_turns_and_speakers(seed_path):
    t = read_transcript(str(seed_path))
    assert len(t.turns) == 800
    assert t.speakers == SPEAKERS
    assert sum(1 for x in t.turns if not x.paragraphs) == 81
    assert sum(len(x.markers) for x in t.turns) == 22
    assert {m.kind for x in t.turns for m in x.markers} == {"inaudible"}
    assert [n.line for n in t.notes if n.kind == "boilerplate"] == [1, 3, 5, 6, 8, 10, 12, 3188, 3190]
    assert not [n for n in t.notes if n.kind != "boilerplate"]


def test_seed_segments_and_findings(seed_path):
    t = read_transcript(str(seed_path))
    r = reconcile(t)
    segs = r.segments
    assert len(segs) == 800
    assert all(a.end == b.start for a, b in zip(segs, segs[1:]))
    assert segs[0].start == 0 and segs[-1].start == 5_527_000
    found = check(t, r)
    kinds = {}
    for f in found:
        kinds[f.kind] = kinds.get(f.kind, 0) + 1
    assert kinds["duplicate_timestamp"] == 65
    assert kinds["empty_turn"] == 81
    assert kinds["boilerplate"] == 9
    assert "non_monotonic" not in kinds and "malformed_header" not in kinds
    assert "marker_out_of_range" not in kinds  # all 22 markers sit inside their turns


def test_every_word_of_the_seed_lands_in_the_segments_in_order(seed_path):
    raw = seed_path.read_text(encoding="utf-8").split("\n")
    header = re.compile(r"^.+ \(\d\d:\d\d:\d\d\):\s*$")
    first = next(i for i, line in enumerate(raw) if header.match(line))
    body = raw[first:raw.index("Transcribe Your Own Content", first)]
    expected = []
    for line in body:
        if not header.match(line):
            expected += re.sub(r"\[inaudible [0-9:]+\]", "[inaudible]", line.replace("\u00a0", " ")).split()
    t = read_transcript(str(seed_path))
    got = [w for s in reconcile(t).segments for w in s.text.split()]
    assert got == expected
