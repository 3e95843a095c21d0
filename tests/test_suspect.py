"""Suspect words: a word the audio contradicts is flagged, in words.json, the audit and the page."""
import json
import subprocess
import sys

import numpy as np
import pytest
from browser import need_browser, page
from conftest import FIXTURES

from align_transcripts.check import check_alignment
from align_transcripts.suspect import mark_suspects
from align_transcripts.types import Segment, Token, Word

DEMO = FIXTURES / "demo"


def test_unplaced_words_and_sound_tags_are_not_judged():
    words = [Word("hello", 0, 300, "A", 1, False, 0.0), Word("[laughter]", 300, 600, "A", 1, False, 0.0)]
    tokens = [Token("hello", 1, "A", 1, ("hello",), False, 0), Token("[laughter]", 1, "A", 1, (), False, 1)]
    assert mark_suspects(words, tokens, np.zeros(16000, np.int16)) == words
    with pytest.raises(ValueError):
        mark_suspects(words, tokens[:1], np.zeros(16000, np.int16))


def test_words_under_another_speakers_words_are_not_judged(monkeypatch):
    """Two voices at once: the free phone loop follows the louder, so neither word can be judged;
    a word of the same speaker abutting, or another speaker's after a gap, is judged."""
    from align_transcripts import suspect

    words = [Word("ended", 0, 500, "A", 1, True, 0.9), Word("there", 500, 900, "A", 1, True, 0.9),
             Word("but", 800, 1000, "B", 2, True, 0.9), Word("then", 1000, 1300, "B", 2, True, 0.9),
             Word("so", 1500, 1700, "A", 3, True, 0.9)]
    assert suspect.under_another_voice(words) == [False, True, True, False, False]
    tokens = [Token(w.word, w.segment, w.speaker, 1, (w.word,), False, k) for k, w in enumerate(words)]
    monkeypatch.setattr(suspect, "_spotted", lambda *args: -50.0)  # everything sounds wrong
    out = mark_suspects(words, tokens, np.zeros(16000 * 2, np.int16))
    assert [w.suspect for w in out] == [True, False, False, True, True]
    assert out[1].contrast is None and out[2].contrast is None


def test_the_audit_reports_suspect_words_once_per_turn():
    seg = Segment(1, "Ann", 0, 5000, "we met in Paris in 2020", 3, 0)
    words = [Word(w, i * 400, i * 400 + 300, "Ann", 1, True, 0.9, 3, suspect=w in ("Paris", "2020"), contrast=-1.0)
             for i, w in enumerate(seg.text.split())]
    found = [f for f in check_alignment((seg,), words, [(0, 5000)]) if f.kind == "suspect_words"]
    assert len(found) == 1 and found[0].line == 3 and found[0].severity == "warning"
    assert "'Paris' at 00:00:01.200" in found[0].message and "'2020'" in found[0].message
    assert (found[0].start, found[0].end) == (1200, 2300)


@pytest.fixture(scope="module")
def planted_run(tmp_path_factory):
    """The demo's transcript with two words changed (the audio says Floki and Lagos)."""
    tmp = tmp_path_factory.mktemp("suspect")
    text = (DEMO / "demo.txt").read_text()
    planted = text.replace("called Floki.", "called Dogecoin.").replace("in Lagos and Pune", "in Paris and Pune")
    assert planted.count("Dogecoin.") == 1 and planted.count("Paris") == 1
    (tmp / "demo.txt").write_text(planted)
    p = subprocess.run([sys.executable, "-m", "align_transcripts", "run", tmp / "demo.txt", DEMO / "demo.mp3",
                        "-o", tmp / "out", "--suspects"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return tmp / "out", p.stdout


@pytest.mark.slow
def test_planted_substitutions_are_flagged_and_correct_words_almost_never(planted_run):
    out, stdout = planted_run
    words = json.loads((out / "words.json").read_text())
    flagged = [w["word"] for w in words["words"] if w.get("suspect")]
    assert "Dogecoin." in flagged and "Paris" in flagged
    judged = [w for w in words["words"] if "contrast" in w]
    unjudged = [w for w in words["words"] if w["aligned"] and not w.get("tag") and "contrast" not in w]
    assert len(judged) + len(unjudged) == words["summary"]["aligned"]
    assert all(w["end"] - w["start"] < 0.1 for w in unjudged)  # only words too short to say anything about
    assert len(flagged) - 2 <= 0.01 * len(judged)  # at most 1 % of the right words (1 of 244 when measured)
    assert words["summary"]["suspect"] == len(flagged)
    report = json.loads((out / "report.json").read_text())
    kinds = [f for f in report["findings"] if f["kind"] == "suspect_words"]
    assert any("'Dogecoin.'" in f["message"] and f["line"] == 13 for f in kinds)
    assert "suspect_words" in stdout and f"{len(flagged)} suspect" in stdout


@pytest.mark.slow
def test_review_page_highlights_suspect_words(planted_run):
    need_browser()
    out, _ = planted_run
    with page() as p:
        p.goto((out / "review.html").as_uri())
        shaded = p.locator("span.w.sus").all_inner_texts()
        assert "Dogecoin." in shaded and "Paris" in shaded
        assert "suspect (shaded)" in p.locator("#unplaced").inner_text()
        p.check("#onlyun")  # only the turns with something to check
        visible = p.locator(".turn:visible")
        assert 2 <= visible.count() < p.locator(".turn").count()
        assert p.locator("#turn3").is_visible()  # Maya's question, where Dogecoin is
        colour = p.evaluate("getComputedStyle(document.querySelector('span.w.sus')).backgroundColor")
        assert colour != p.evaluate("getComputedStyle(document.querySelector('span.w:not(.sus)')).backgroundColor")


def test_a_word_is_judged_alone_and_with_its_neighbours_in_its_own_turn(monkeypatch):
    """A wrong word squeezed onto part of its stretch fits that part; said with the placed words
    either side of it (never another turn's, never an unplaced one) it no longer fits."""
    from align_transcripts import suspect

    words = [Word("we", 0, 200, "A", 1, True, 0.9), Word("met", 200, 500, "A", 1, True, 0.9),
             Word("in", 500, 600, "A", 1, True, 0.9), Word("Paris", 600, 700, "A", 1, True, 0.9),
             Word("then", 700, 900, "A", 1, False, 0.0), Word("so", 1000, 1200, "B", 2, True, 0.9)]
    tokens = [Token(w.word, w.segment, w.speaker, 1, (w.word.lower(),), False, k) for k, w in enumerate(words)]
    spans = []

    def spotted(samples, start, end, phones, rate):
        spans.append((start, end, len(phones)))
        return own if len(phones) == 1 else -40.0  # each word middling alone, "Paris" wrong with its neighbour

    monkeypatch.setattr(suspect, "_spotted", spotted)
    own = -5.0  # so good alone that no context could get it flagged: its context is not spotted
    judged = suspect.judge(words, tokens, np.zeros(16000 * 2, np.int16))
    assert all(n == 1 for _, _, n in spans) and judged[3] == (-5.0, -5.0)
    spans.clear()
    own = -20.0
    judged = suspect.judge(words, tokens, np.zeros(16000 * 2, np.int16))
    assert judged[4] is None  # unplaced: not judged, and no neighbour of "Paris"
    assert judged[5] == (-20.0, -20.0)  # alone in its turn: its context is itself
    assert judged[3] == (-20.0, -40.0)
    assert (500, 700, 2) in spans and (0, 500, 2) in spans and (0, 600, 3) in spans and (200, 700, 3) in spans
    monkeypatch.setattr(suspect, "CONTEXT_WEIGHT", 0.5)
    monkeypatch.setattr(suspect, "SUSPECT_CONTRAST", -35.0)
    marked = suspect.mark_suspects(words, tokens, np.zeros(16000 * 2, np.int16))
    assert [w.suspect for w in marked] == [True, True, True, True, False, False]
    assert marked[3].contrast == -40.0 and marked[5].contrast == -30.0
