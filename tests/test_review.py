"""`align run` and its review page, driven in a real browser."""
import json
import os
import shutil
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
        # the previous seek left the word before the silence lit: wait for the seek to land, not for any light
        p.wait_for_function("document.querySelector('span.w.on')?.textContent === 'Floki.'")
        assert p.locator("span.w.on").count() == 1
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


def _nonblank_pixels(p, canvas="wave", color=None):
    """How many pixels of a canvas are drawn (or drawn in one colour), read back from the canvas itself."""
    return p.evaluate("""([id, color]) => { const c = document.getElementById(id), d = c.getContext('2d')
        .getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 0; i < d.length; i += 4) { if (d[i + 3] === 0) continue;
          if (!color || (d[i] === color[0] && d[i + 1] === color[1] && d[i + 2] === color[2])) n++; } return n; }""",
                      [canvas, color])


def test_review_waveform_renders_and_zooms_to_word_boundaries(demo_run):
    need_browser()
    out, _ = demo_run
    with page() as p:
        errors = []
        p.on("pageerror", lambda e: errors.append(str(e)))
        p.set_viewport_size({"width": 1280, "height": 860})
        p.goto((out / "review.html").as_uri())
        assert _nonblank_pixels(p) > 2000  # the demo's speech drawn, not an empty strip
        assert _nonblank_pixels(p, color=[47, 109, 181]) == 0  # the whole recording: no word lines yet
        p.click("#zin")
        p.click("#zin")  # 1/16 of 110 s: about 7 s in view
        assert _nonblank_pixels(p, color=[47, 109, 181]) > 50  # word boundaries drawn on the waveform
        p.click("#zfit")
        assert _nonblank_pixels(p, color=[47, 109, 181]) == 0
    assert not errors, errors


def _download(p, trigger):
    with p.expect_download() as info:
        trigger()
    return open(info.value.path(), encoding="utf-8").read()


def test_review_stamp_and_word_fixed_in_the_page_download_with_nothing_else_changed(demo_run):
    need_browser()
    out, _ = demo_run
    original = (DEMO / "demo.txt").read_text()
    with page() as p:
        errors = []
        p.on("pageerror", lambda e: errors.append(str(e)))
        p.goto((out / "review.html").as_uri())
        assert p.locator("#download").is_disabled()
        stamp = p.locator("#turn4 .stamp")  # Dev's answer, stamped 00:00:19 on line 17
        stamp.dblclick()
        p.locator("input.fix").fill("00:00:18")
        p.keyboard.press("Enter")
        text = _download(p, lambda: p.click("#download"))
        got, want = text.split("\n"), original.split("\n")
        assert len(got) == len(want)
        changed = [i + 1 for i, (a, b) in enumerate(zip(got, want)) if a != b]
        assert changed == [17] and got[16] == "Dev Venkataraman (00:00:18):"
        # a word too: only its own line changes, the rest of that line as it was
        p.locator("span.w", has_text="Floki.").first.dblclick()
        p.locator("input.fix").fill("Flokey.")
        p.keyboard.press("Enter")
        assert p.locator("#edits").inner_text() == "2 changes"
        text = _download(p, lambda: p.click("#download"))
        got = text.split("\n")
        changed = [i + 1 for i, (a, b) in enumerate(zip(got, want)) if a != b]
        assert changed == [15, 17]
        assert got[14] == want[14].replace("Floki.", "Flokey.")
        # not a stamp: refused with a message, nothing changed
        p.locator("#turn5 .stamp").dblclick()
        p.locator("input.fix").fill("soon")
        p.keyboard.press("Enter")
        assert "is not a stamp" in p.locator("#notice").inner_text()
        assert p.locator("#edits").inner_text() == "2 changes"
    assert not errors, errors


def test_review_unplaced_words_highlighted_and_filtered_narrow_layout_and_linked_audio(tmp_path, monkeypatch):
    """Words left unplaced are marked and can be shown alone; at 420 px nothing is clipped; a linked
    recording is announced, and a missing one explained."""
    need_browser()
    from dataclasses import replace

    from align_transcripts import read_transcript, reconcile, review
    from align_transcripts.audio import decode
    from align_transcripts.captions import build_cues, estimated_words
    from align_transcripts.check import check
    t = read_transcript(str(DEMO / "demo.txt"))
    r = reconcile(t)
    words = [replace(w, aligned=w.segment != 3) for w in estimated_words(r.segments, r.rate)]  # turn 3 unplaced
    audio = decode(str(DEMO / "demo.mp3"))
    shutil.copy(DEMO / "demo.mp3", tmp_path / "demo.mp3")
    monkeypatch.setattr(review, "EMBED_AUDIO_MAX", 0)  # link the recording instead of embedding it
    html = review.render("demo", str(tmp_path / "demo.mp3"), str(tmp_path), r.segments, words, check(t, r),
                         build_cues(words), audio.duration, audio.samples,
                         review.Source((DEMO / "demo.txt").read_text(), "demo.txt", t))
    (tmp_path / "review.html").write_text(html)
    n_un = sum(1 for w in words if not w.aligned and not w.word.startswith("["))
    with page() as p:
        errors = []
        p.on("pageerror", lambda e: errors.append(str(e)))
        p.set_viewport_size({"width": 420, "height": 800})
        p.goto((tmp_path / "review.html").as_uri())
        assert p.locator("span.w.un").count() == n_un > 0
        assert p.locator("#unplaced").inner_text().startswith(f"{n_un} unplaced word")
        p.check("#onlyun")
        assert p.locator(".turn:visible").count() == 1 and p.locator("#turn3").is_visible()
        p.uncheck("#onlyun")
        assert p.locator(".turn:visible").count() == len(r.segments)
        # narrow: nothing wider than the window, the findings' messages inside it
        assert p.evaluate("document.documentElement.scrollWidth") <= 420
        box = p.locator("#ftable tr td:last-child").first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 420
        assert p.locator("#media").bounding_box()["width"] <= 420
        notice = p.locator("#notice")
        assert notice.is_visible() and "linked, not embedded" in notice.inner_text() and "demo.mp3" in notice.inner_text()
    (tmp_path / "demo.mp3").unlink()  # moved away: the page says what to do
    with page() as p:
        p.goto((tmp_path / "review.html").as_uri())
        p.wait_for_function("document.getElementById('notice').textContent.includes('could not be loaded')")
        assert "put the recording back" in p.locator("#notice").inner_text()
    assert not errors, errors


def test_waveform_is_one_byte_per_20_ms_and_follows_the_level():
    import base64

    import numpy as np

    from align_transcripts.review import WAVE_PER_SECOND, waveform
    quiet, loud = np.full(16000, 100, np.int16), np.full(16000, 20000, np.int16)
    peaks = base64.b64decode(waveform(np.concatenate([quiet, loud, np.zeros(8000, np.int16)])))
    assert len(peaks) == 2.5 * WAVE_PER_SECOND
    assert max(peaks[:50]) < min(peaks[50:100]) and set(peaks[100:]) == {0}
    assert waveform(np.zeros(10, np.int16)) == ""


def test_every_demo_word_is_found_where_the_source_has_it():
    from align_transcripts import read_transcript, reconcile, review
    from align_transcripts.captions import estimated_words
    t = read_transcript(str(DEMO / "demo.txt"))
    r = reconcile(t)
    words = estimated_words(r.segments, r.rate)
    raw = (DEMO / "demo.txt").read_text()
    info = review.editable(review.Source(raw, "demo.txt", t), r.segments, words)
    lines = raw.split("\n")
    places = info["places"]
    assert len(places) == len(words)
    for w, place in zip(words, places):
        if w.word.startswith("["):
            continue  # a marker's time is dropped from its token: found or not, never misplaced
        ln, col = place
        assert lines[ln - 1][col:col + len(w.word)] == w.word
    assert [p for p in places if p] == sorted(p for p in places if p)  # in source order, no place used twice
    assert len({tuple(p) for p in places if p}) == sum(1 for p in places if p)
    # a Rev transcript's stamped headers are editable; a JSON transcript is not edited in place
    assert len(info["stamps"]) == sum(s.stamp is not None for s in r.segments)
    for ln, col, stamp in info["stamps"].values():
        assert lines[ln - 1][col:col + len(stamp)] == stamp and ":" in stamp
    assert review.editable(review.Source(raw, "x.json", replace_format(t, "revjson")), r.segments, words) is None


def replace_format(t, fmt):
    from dataclasses import replace
    return replace(t, format=fmt)


def test_review_marks_words_said_over_another_speaker_and_follows_them(tmp_path):
    """A reply's first word said under the last speaker's last one: italic, counted in the legend,
    and lit when the player reaches it although it starts before the word before it ends."""
    need_browser()
    from dataclasses import replace

    from align_transcripts import read_transcript, reconcile
    from align_transcripts.audio import decode
    from align_transcripts.captions import build_cues, estimated_words
    from align_transcripts.check import check
    from align_transcripts.review import render
    t = read_transcript(str(DEMO / "demo.txt"))
    r = reconcile(t)
    words = estimated_words(r.segments, r.rate)
    k = next(i for i in range(1, len(words)) if words[i].segment != words[i - 1].segment and i > 3)
    last = words[k - 1]
    over = replace(words[k], start=last.end - 300, end=max(words[k].end, last.end), overlapped=True)
    words = [over if i == k else w for i, w in enumerate(words)]
    audio = decode(str(DEMO / "demo.mp3"))
    html = render("demo", str(DEMO / "demo.mp3"), str(tmp_path), r.segments, words, check(t, r),
                  build_cues(words), audio.duration, audio.samples)
    (tmp_path / "review.html").write_text(html)
    with page() as p:
        errors = []
        p.on("pageerror", lambda e: errors.append(str(e)))
        p.goto((tmp_path / "review.html").as_uri())
        assert p.locator("span.w.ov").count() == 1 and p.locator("span.w.ov").get_attribute("id") == f"w{k}"
        assert "1 said over another speaker" in p.locator("#unplaced").inner_text()
        p.locator(f"#w{k}").click()
        p.wait_for_function(f"document.querySelector('span.w.on')?.id === 'w{k}'")
    assert not errors, errors
