"""Chromium parses the WebVTT that align writes: exactly the cues, times and text written."""
import shutil

import pytest
import webvtt
from browser import need_browser, page, serve
from conftest import FIXTURES

from align_transcripts.captions import build_cues
from align_transcripts.formats.vtt import to_webvtt
from align_transcripts.types import Word

pytestmark = pytest.mark.slow  # a real browser

HTML = """<!doctype html><meta charset=utf-8><link rel=icon href="data:,">
<video id=v src="interview.mp3" preload=auto><track id=t kind=captions srclang=en label=English src="c.vtt" default></video>
<script>
window.cuesReady = new Promise(resolve => {
  const t = document.getElementById('t');
  if (t.readyState === 2) resolve(); else t.addEventListener('load', () => resolve());
});
</script>"""


def browser_cues(tmp_path, vtt_text):
    (tmp_path / "c.vtt").write_text(vtt_text, encoding="utf-8")
    (tmp_path / "index.html").write_text(HTML, encoding="utf-8")
    shutil.copy(FIXTURES / "audio" / "interview.mp3", tmp_path / "interview.mp3")
    with serve(tmp_path) as url, page() as p:
        errors = []
        p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        p.goto(url + "/index.html")
        p.wait_for_function("window.cuesReady !== undefined")
        p.evaluate("window.cuesReady")
        cues = p.evaluate("""() => Array.from(document.getElementById('v').textTracks[0].cues).map(c => ({
            id: c.id, start: c.startTime, end: c.endTime, text: c.text,
            shown: c.getCueAsHTML().textContent}))""")
        return cues, errors


def test_chromium_reads_every_cue_as_written(tmp_path):
    need_browser()
    words, t = [], 600
    for _i, (tok, spk) in enumerate([("Tom", "Ann"), ("&", "Ann"), ("Jerry", "Ann"), ("<3", "Ann"), ("cheese.", "Ann"),
                                    ("[laughter]", "Ann"), ("Really?", "Bob"), ("Yes.", "Ann"),
                                    ("It", "Bob"), ("was", "Bob"), ("all", "Bob"), ("over", "Bob"), ("the", "Bob"),
                                    ("news", "Bob"), ("that", "Bob"), ("week,", "Bob"), ("and", "Bob"),
                                    ("nobody", "Bob"), ("believed", "Bob"), ("it.", "Bob")]):
        words.append(Word(tok, t, t + 250, spk, 1, True, 1.0))
        t += 280 if tok != "cheese." else 2000
    cues = build_cues(words)
    text = to_webvtt(cues, word_timestamps=True)
    got, errors = browser_cues(tmp_path, text)
    written = webvtt.from_string(text).captions
    assert len(got) == len(cues) == len(written) >= 3
    for g, c in zip(got, cues):
        assert abs(g["start"] - c.start / 1000) < 0.0015 and abs(g["end"] - c.end / 1000) < 0.0015
        assert g["shown"] == c.text  # what the viewer sees: escapes resolved, tags gone
    assert not errors
