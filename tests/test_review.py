"""`align run` and its review page, driven in a real browser."""
import json
import os
import subprocess
import sys

import pytest
import webvtt
from browser import need_browser, page
from conftest import FIXTURES, ROOT

pytestmark = pytest.mark.slow  # real alignments, a real browser or command-line runs

DEMO = FIXTURES / "demo"


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    (out / "notes.txt").write_text("mine")  # not an output of align: must survive re-runs
    p = subprocess.run([sys.executable, "-m", "align_transcripts", "run", DEMO / "demo.txt", DEMO / "demo.mp3", "-o", out],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return out, p.stdout


def test_run_writes_every_output_and_a_summary(demo_run):
    out, stdout = demo_run
    for name in ("report.json", "segments.json", "words.json", "captions.vtt", "captions.srt", "words.TextGrid",
                 "turns.txt", "review.html"):
        assert (out / name).stat().st_size > 0
    turns = [line.split("\t") for line in (out / "turns.txt").read_text().splitlines()]
    assert turns[0][2].startswith("Maya Okonkwo: Good morning") and float(turns[0][0]) < float(turns[0][1])
    assert (out / "notes.txt").read_text() == "mine"
    report = json.loads((out / "report.json").read_text())
    kinds = report["summary"]["findings"]
    # the demo's planted quirks are all found
    for kind in ("empty_turn", "duplicate_timestamp", "stamp_offset", "long_silence", "untranscribed_speech",
                 "boilerplate"):
        assert kind in kinds, kinds
    words = json.loads((out / "words.json").read_text())["words"]
    assert all(w["aligned"] for w in words if not w["word"].startswith("["))
    for name in ("Okonkwo,", "Venkataraman,", "Zigurat", "Floki.", "2024", "2025,"):
        assert any(w["word"] == name and w["aligned"] for w in words), name
    assert "19 turns, 3 speakers" in stdout and "246 of 246 aligned" in stdout
    assert "captions: " in stdout and "review.html" in stdout
    # the findings a person should read first are printed, not only counted
    assert "  warning   line 29  stamp_offset: Maya Okonkwo: stamped 00:00:39" in stdout


def test_demo_sentences_land_within_50_ms(demo_run):
    out, _ = demo_run
    words = [w for w in json.loads((out / "words.json").read_text())["words"] if not w["word"].startswith("[")]
    truth = json.loads((DEMO / "demo.truth.json").read_text())["sentences"]
    i = 0
    for s in truth:
        toks = s["text"].split()
        while words[i]["word"] != toks[0]:
            i += 1
        ws = words[i:i + len(toks)]
        i += len(toks)
        assert [w["word"] for w in ws] == toks
        assert abs(ws[0]["start"] - s["start"]) <= 0.05, s["text"]
        assert abs(ws[-1]["end"] - s["end"]) <= 0.05, s["text"]


def test_review_page_in_chromium(demo_run):
    need_browser()
    out, _ = demo_run
    cues = webvtt.read(str(out / "captions.vtt")).captions
    report = json.loads((out / "report.json").read_text())
    with page() as p:
        errors = []
        p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        p.on("pageerror", lambda e: errors.append(str(e)))
        p.set_viewport_size({"width": 1280, "height": 860})
        p.goto((out / "review.html").as_uri())
        p.wait_for_function("document.getElementById('media').readyState >= 1")
        n = p.evaluate("document.getElementById('media').textTracks[0].cues.length")
        assert n == len(cues)
        texts = p.evaluate("Array.from(document.getElementById('media').textTracks[0].cues).map(c => c.text)")
        assert texts == [c.text for c in cues]  # the words the VTT file shows, cue for cue
        # clicking a finding moves the player to the finding's start
        target = next(f for f in report["findings"] if f["kind"] == "long_silence")
        row = p.locator("tr.finding", has_text="long_silence")
        row.click()
        p.wait_for_function(f"Math.abs(document.getElementById('media').currentTime - {target['start']}) < 0.05")
        # clicking a word seeks to it and highlights it
        p.locator("span.w", has_text="Floki.").first.click()
        p.wait_for_function("document.querySelector('span.w.on') !== null")
        assert p.locator("span.w.on").inner_text() == "Floki."
        p.locator("tr.finding", has_text="untranscribed_speech").click()
        p.screenshot(path=str(out / "review.png"))
    assert not errors, errors
    if os.environ.get("ALIGN_UPDATE_SCREENSHOT"):
        (ROOT / "docs" / "review.png").write_bytes((out / "review.png").read_bytes())


def test_review_page_stays_responsive_on_the_seed(seed_path, tmp_path):
    """800 turns, 14,000 words: the page builds them all and follows a seek (estimated words)."""
    need_browser()
    from align_transcripts import read_transcript, reconcile
    from align_transcripts.captions import build_cues, estimated_words
    from align_transcripts.check import check
    from align_transcripts.review import render
    t = read_transcript(str(seed_path))
    r = reconcile(t)
    words = estimated_words(r.segments, r.rate)
    html = render("seed", str(DEMO / "demo.mp3"), str(tmp_path), r.segments, words, check(t, r),
                  build_cues(words), r.segments[-1].end)
    (tmp_path / "seed.html").write_text(html)
    with page() as p:
        errors = []
        p.on("pageerror", lambda e: errors.append(str(e)))
        p.goto((tmp_path / "seed.html").as_uri())
        p.wait_for_function("document.querySelectorAll('span.w').length > 10000")
        assert p.locator(".turn").count() == 800
        assert p.locator("span.w").count() == len(words)
        p.locator("span.w", has_text="Twitter?").first.click()
        p.wait_for_function("document.querySelector('span.w.on') !== null")
        assert p.locator("span.w.on").inner_text() == "Twitter?"
    assert not errors
