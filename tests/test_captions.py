"""Caption cues: every word exactly once and in order, hard rules never broken, breaks that read well."""
import re

import pytest
from hypothesis import given, settings, strategies as st

from align_transcripts import read_transcript, reconcile
from align_transcripts.captions import PRESETS, Rules, break_cost, build_cues, estimated_words, qa, wrap
from align_transcripts.types import Word

LABELS = re.compile(r"^(- |-|[^:]{1,60}: )")


def words_from(items):
    """items: (token, speaker, gap_ms, dur_ms) -> Words with increasing times."""
    out, t, seg, prev = [], 0, 0, None
    for tok, spk, gap, dur in items:
        if spk != prev:
            seg += 1
        t += gap
        out.append(Word(tok, t, t + dur, spk, seg, True, 1.0))
        t += dur
        prev = spk
    return out


token = st.one_of(
    st.sampled_from(["the", "a", "and", "of", "Elon", "Musk", "said", "yes.", "No,", "[inaudible]", "&", "<b>",
                     "well", "really?", "I", "don’t", "know.", "Twitter", "2023", "—"]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz,.?", min_size=1, max_size=12).filter(lambda s: s[0].isalpha()),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=43, max_size=60),  # wider than a line
)
item = st.tuples(token, st.sampled_from(["Ann", "Bob", "Dr. Cy"]), st.integers(0, 2500), st.integers(30, 900))


def cue_tokens(cue):
    """The transcript tokens shown by a cue: its lines less speaker markers."""
    out = []
    for line in cue.lines:
        m = LABELS.match(line)
        for sp in cue.speakers:
            if line.startswith(sp + ": "):
                line = line[len(sp) + 2:]
                break
        else:
            if m and m.group(1) in ("- ", "-"):
                line = line[len(m.group(1)):]
        out += line.split(" ")
    return out


def test_quick_reply_after_an_unpairable_cue_keeps_its_label_within_the_line():
    # found by hypothesis: Ann's first cue was sized to pair with Bob's (one line after a dash),
    # Bob's line was too wide to pair, and "Ann: " then pushed Ann's line past 37 characters
    items = [("a" * 43, "Bob", 0, 30), ("the", "Ann", 0, 30)] + [("abcdefghi", "Ann", 0, 30)] * 3
    ann = [c for c in build_cues(words_from(items), PRESETS["bbc"], "name") if c.speakers == ("Ann",)]
    assert ann and all(len(line) <= 37 for c in ann for line in c.lines), [c.lines for c in ann]


@given(st.lists(item, min_size=1, max_size=80), st.sampled_from(sorted(PRESETS)),
       st.sampled_from(["dash", "name", "none"]))
@settings(max_examples=200, deadline=None)
def test_every_word_in_exactly_one_cue_in_order_and_hard_rules_hold(items, preset, labels):
    rules = PRESETS[preset]
    words = words_from(items)
    cues = build_cues(words, rules, labels)
    # every word lands in exactly one cue, in order, and the cue text shows exactly those words
    assert [w for c in cues for w in c.words] == words
    for c in cues:
        assert cue_tokens(c) == [w.word for w in c.words]
    # hard rules
    for n, c in enumerate(cues):
        assert c.end > c.start
        assert 1 <= len(c.lines) <= rules.max_lines
        assert len(c.speakers) in (1, 2)
        for line in c.lines:
            # only a single word wider than a line may overflow it
            assert len(line) <= rules.max_chars or len(cue_tokens(c.__class__(0, 1, (line,), (), c.speakers))) == 1
        assert c.start >= c.words[0].start - 2 * 42  # never shown before its first word (<= 2 frames lead)
        if n:
            prev = cues[n - 1]
            assert c.start > prev.start
            assert c.start - prev.end >= rules.min_gap
    report = qa(cues, rules)["rules"]
    assert report["overlap"]["count"] == report["order"]["count"] == report["min_gap"]["count"] == 0
    assert report["lines"]["count"] == 0


@given(st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=10), min_size=1, max_size=16),
       st.integers(12, 42), st.integers(1, 3))
def test_wrap_respects_width_and_keeps_words(tokens, width, lines):
    out = wrap(tokens, width, lines)
    if out is None:
        assert sum(map(len, tokens)) + len(tokens) - 1 > width
        return
    assert " ".join(out).split(" ") == tokens
    assert len(out) <= lines
    assert all(len(x) <= width for x in out)


def test_wrap_prefers_linguistic_breaks():
    assert wrap("I went to the market and bought some apples".split(), 30, 2) == \
        ["I went to the market", "and bought some apples"]
    # never between a first and last name, never after an article
    text = "Yesterday I spoke at length with Elon Musk about the future".split()
    for top, bottom in [wrap(text, 34, 2)]:
        assert not top.endswith("Elon") and not top.endswith("the")
    assert break_cost("the", "dog") > break_cost("dog.", "The")
    assert break_cost("Elon", "Musk") > break_cost("said,", "well")


def test_one_line_when_it_fits():
    cues = build_cues(words_from([(t, "Ann", 0, 200) for t in "Short and sweet.".split()]))
    assert [c.lines for c in cues] == [("Short and sweet.",)]


def test_timing_follows_words_lingers_and_chains():
    ws = words_from([("Hello", "Ann", 1000, 300), ("there.", "Ann", 0, 300), ("Hi.", "Bob", 2600, 400)])
    a, b = build_cues(ws)
    assert a.start == 1000 and a.end == 1000 + 600 + 500  # linger 0.5 s after the last word
    assert b.start == ws[2].start
    close = words_from([("Hello", "Ann", 1000, 300), ("there.", "Ann", 0, 600), ("Hi", "Bob", 600, 900)])
    a, b = build_cues(close)
    assert b.start - a.end == 83  # a gap under 0.5 s is chained down to two frames


def test_quick_exchange_becomes_a_dual_speaker_cue():
    ws = words_from([("Ready?", "Ann", 0, 300), ("Yes.", "Bob", 100, 250), ("Then", "Ann", 3000, 200),
                     ("go.", "Ann", 0, 300)])
    cues = build_cues(ws)
    assert cues[0].lines == ("-Ready?", "-Yes.") and cues[0].speakers == ("Ann", "Bob")
    assert cues[0].end - cues[0].start >= 833


def test_speaker_labels():
    ws = words_from([("Hello.", "Ann", 0, 600), ("Good", "Bob", 3000, 300), ("day.", "Bob", 0, 300)])
    assert [c.lines[0] for c in build_cues(ws, speaker_labels="dash")] == ["Hello.", "- Good day."]
    assert [c.lines[0] for c in build_cues(ws, speaker_labels="name")] == ["Ann: Hello.", "Bob: Good day."]
    assert [c.lines[0] for c in build_cues(ws, speaker_labels="none")] == ["Hello.", "Good day."]


def test_fast_speech_keeps_its_words_and_is_reported():
    ws = words_from([(w, "Ann", 0, 60) for w in "this is a very fast talker saying a lot in no time at all".split()]
                    + [("Next.", "Bob", 0, 400)])
    cues = build_cues(ws)
    assert [w for c in cues for w in c.words] == ws
    report = qa(cues, PRESETS["netflix"])
    assert report["rules"]["reading_speed"]["count"] >= 1
    assert report["speech_too_fast"] == report["rules"]["reading_speed"]["count"]


def test_max_duration_splits_long_speech():
    ws = words_from([(f"word{i}", "Ann", 0, 700) for i in range(20)])
    cues = build_cues(ws, Rules("x", max_chars=80, max_lines=2))
    assert all(c.end - c.start <= 7000 for c in cues)


def test_seed_without_audio_meets_every_rule_but_fast_speech(seed_path):
    t = read_transcript(str(seed_path))
    r = reconcile(t)
    words = estimated_words(r.segments, r.rate)
    assert len(words) == sum(len(s.text.split()) for s in r.segments)
    cues = build_cues(words)
    report = qa(cues, PRESETS["netflix"])
    broken = {k: v["count"] for k, v in report["rules"].items() if v["count"]}
    assert set(broken) <= {"reading_speed"}
    assert report["speech_too_fast"] == broken.get("reading_speed", 0)
    assert [w.word for c in cues for w in c.words] == [w.word for w in words]


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_presets_on_the_fixture_transcript(preset):
    from conftest import FIXTURES
    t = read_transcript(str(FIXTURES / "audio" / "interview.txt"))
    r = reconcile(t)
    cues = build_cues(estimated_words(r.segments, r.rate), PRESETS[preset])
    report = qa(cues, PRESETS[preset])
    assert {k for k, v in report["rules"].items() if v["count"]} <= {"reading_speed"}
