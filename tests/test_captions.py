"""Caption cues: every word exactly once and in order, hard rules never broken, breaks that read well."""
import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align_transcripts import read_transcript, reconcile
from align_transcripts.captions import (
    COSTS,
    PRESETS,
    Rules,
    _segment_run,
    break_cost,
    build_cues,
    estimated_words,
    label,
    qa,
    wrap,
)
from align_transcripts.text import ends_sentence
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


def cue_tokens(cue, rules=PRESETS["netflix"], mode="dash"):
    """The transcript tokens shown by a cue: its lines less the speaker markers the preset adds."""
    out = []
    for k, line in enumerate(cue.lines):
        speaker = cue.line_speakers[k] if k < len(cue.line_speakers) else cue.speakers[0]
        marks = [label(speaker, mode, rules)] if mode == "name" else []
        if len(cue.speakers) > 1:
            marks.append(rules.dual_dash)
        for m in marks:
            if m and line.startswith(m):
                line = line[len(m):]
                break
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
        assert cue_tokens(c, rules, labels) == [w.word for w in c.words]
        if labels != "name" and len(c.speakers) == 1:
            assert c.text == "\n".join(c.lines) and " ".join(c.lines).split(" ") == [w.word for w in c.words]
    # hard rules
    for n, c in enumerate(cues):
        assert c.end > c.start
        assert c.end >= max(w.end for w in c.words)  # never gone before its last word is spoken
        assert 1 <= len(c.lines) <= rules.max_lines
        assert len(c.speakers) in (1, 2)
        for k, line in enumerate(c.lines):
            # only a single word wider than a line may overflow it
            one = replace(c, lines=(line,), line_speakers=c.line_speakers[k:k + 1])
            assert len(line) <= rules.max_chars or len(cue_tokens(one, rules, labels)) == 1
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
    for top, _bottom in [wrap(text, 34, 2)]:
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


def test_a_reply_said_over_the_last_words_shares_their_cue():
    """Bob starts while Ann is still saying her last words: one two-speaker cue shown from Ann's
    first word, instead of Bob's cue waiting until hers ends; a reply after a pause stays apart."""
    ann = [Word("I", 0, 200, "Ann", 1, True, 1.0), Word("never", 200, 600, "Ann", 1, True, 1.0),
           Word("said", 600, 900, "Ann", 1, True, 1.0), Word("that.", 900, 1600, "Ann", 1, True, 1.0)]
    over = [Word("You", 1300, 1500, "Bob", 2, True, 1.0, overlapped=True), Word("did!", 1500, 1900, "Bob", 2, True, 1.0)]
    cues = build_cues(ann + over)
    assert len(cues) == 1 and cues[0].lines == ("-I never said that.", "-You did!")
    assert cues[0].start == 0 and cues[0].end >= 1900
    later = [Word("You", 2300, 2500, "Bob", 2, True, 1.0), Word("did!", 2500, 2900, "Bob", 2, True, 1.0)]
    assert [c.speakers for c in build_cues(ann + later)] == [("Ann",), ("Bob",)]


def test_speaker_labels_follow_each_presets_guide():
    ws = words_from([("Hello.", "Ann", 0, 600), ("Good", "Bob", 3000, 300), ("day.", "Bob", 0, 300)])
    # Netflix: no dash on a one-speaker event; names in brackets where nobody is seen
    assert [c.lines[0] for c in build_cues(ws, speaker_labels="dash")] == ["Hello.", "Good day."]
    assert [c.lines[0] for c in build_cues(ws, speaker_labels="name")] == ["[Ann] Hello.", "[Bob] Good day."]
    assert [c.lines[0] for c in build_cues(ws, speaker_labels="none")] == ["Hello.", "Good day."]
    assert [c.lines[0] for c in build_cues(ws, PRESETS["bbc"], "name")] == ["ANN: Hello.", "BOB: Good day."]
    assert [c.lines[0] for c in build_cues(ws, PRESETS["dcmp"], "name")] == ["(Ann) Hello.", "(Bob) Good day."]


def test_only_short_whole_exchanges_share_a_cue():
    quick = words_from([("Ready?", "Ann", 0, 400), ("Yes.", "Bob", 100, 300), ("Then", "Ann", 2500, 300),
                        ("go.", "Ann", 0, 300)])
    assert build_cues(quick)[0].lines == ("-Ready?", "-Yes.")  # Netflix: hyphen, no space
    assert build_cues(quick, PRESETS["bbc"])[0].lines == ("- Ready?", "- Yes.")
    assert build_cues(quick, speaker_labels="name")[0].lines == ("[Ann] Ready?", "[Bob] Yes.")
    assert all(len(c.speakers) == 1 for c in build_cues(quick, PRESETS["dcmp"]))  # a new caption per speaker
    assert all(len(c.speakers) == 1 for c in build_cues(quick, replace(PRESETS["netflix"], max_lines=1)))
    assert all(len(c.speakers) == 1 for c in build_cues(quick, speaker_labels="none"))
    # an exchange broken mid-sentence is no pair: "-Yes, and" / ... reads as two half thoughts
    torn = words_from([("Ready?", "Ann", 0, 400), ("Yes,", "Bob", 100, 300), ("and", "Bob", 0, 200),
                       ("then", "Bob", 0, 200), ("we", "Bob", 0, 200), ("will", "Bob", 0, 200),
                       ("go", "Bob", 0, 200), ("to", "Bob", 0, 200), ("the", "Bob", 0, 200),
                       ("market", "Bob", 0, 300), ("after", "Bob", 0, 200), ("lunch", "Bob", 0, 300),
                       ("with", "Bob", 0, 200), ("everyone.", "Bob", 0, 400)])
    assert all(len(c.speakers) == 1 for c in build_cues(torn, replace(PRESETS["netflix"], max_chars=30)))


def test_abbreviations_are_no_sentence_ends():
    assert not ends_sentence("Mrs.", "Dalloway") and not ends_sentence("Dr.") and not ends_sentence("J.", "R.")
    assert not ends_sentence("No.", "5") and ends_sentence("no.", "I") and ends_sentence("No.")
    assert not ends_sentence("U.S.", "economy") and ends_sentence("U.S.", "Then") and ends_sentence("etc.")
    assert not ends_sentence("3.5") and ends_sentence("3.5.") and ends_sentence("well?”")
    # a cue is not cut after "Mrs." when the sentence goes on
    ws = words_from([(w, "Ann", 0, 250) for w in "I met Mrs. Dalloway at the party near the old town hall".split()]
                    + [(w, "Ann", 0, 250) for w in "and we spoke about the flowers for a long while.".split()])
    cues = build_cues(ws, replace(PRESETS["netflix"], max_chars=30))
    assert all(c.words[-1].word != "Mrs." for c in cues)


def test_no_cue_ends_before_its_last_word_even_when_the_next_follows_at_once():
    ws = words_from([("We", "Ann", 0, 300), ("met.", "Ann", 0, 400), ("Then", "Bob", 10, 300), ("what?", "Bob", 0, 300)])
    cues = build_cues(ws, replace(PRESETS["netflix"], pair_speakers=False))
    assert len(cues) == 2
    assert cues[0].end >= ws[1].end and cues[1].start - cues[0].end >= 83
    assert cues[1].start - ws[2].start <= 83  # the next appears at most two frames late


def test_cues_stay_inside_the_audio():
    ws = words_from([("Last", "Ann", 0, 300), ("words.", "Ann", 0, 400)])
    assert build_cues(ws, end=800)[-1].end == 800
    assert build_cues(ws)[-1].end > 800


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
    assert set(broken) <= {"reading_speed", "min_duration"}
    for rule in broken:  # every break is one the speech forces: no legal cue existed
        assert report["rules"][rule]["forced"] == broken[rule], rule
    assert report["rules"]["line_break"]["count"] == 0  # no line hangs on an article, preposition or conjunction
    dual = [c for c in cues if len(c.speakers) == 2]
    assert dual and all(c.complete for c in dual)
    for c in dual:  # each side a whole sentence, or broken off by the other speaker
        for line in c.lines:
            assert ends_sentence(line.split()[-1]) or line.rstrip("”\"'").endswith(("-", "—")), c.lines
    assert [w.word for c in cues for w in c.words] == [w.word for w in words]


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_presets_on_the_fixture_transcript(preset):
    from conftest import FIXTURES
    t = read_transcript(str(FIXTURES / "audio" / "interview.txt"))
    r = reconcile(t)
    cues = build_cues(estimated_words(r.segments, r.rate), PRESETS[preset])
    report = qa(cues, PRESETS[preset])
    assert {k for k, v in report["rules"].items() if v["count"]} <= {"reading_speed"}


@pytest.mark.parametrize("override,check", [
    ({"max_lines": 1}, lambda c, r: len(c.lines) == 1),
    ({"max_chars": 32}, lambda c, r: all(len(x) <= 32 or len(x.split()) == 1 for x in c.lines)),
    ({"min_duration": 1500}, None),
])
def test_overrides_are_hard_rules_on_the_seed(seed_path, override, check):
    t = read_transcript(str(seed_path))
    r = reconcile(t)
    rules = replace(PRESETS["netflix"], **override)
    cues = build_cues(estimated_words(r.segments, r.rate), rules)
    if check:
        assert all(check(c, rules) for c in cues)
    report = qa(cues, rules)["rules"]
    for rule in ("lines", "chars_per_line", "min_duration", "max_duration", "line_break"):
        assert report[rule]["count"] == report[rule]["forced"], (rule, report[rule])  # only where speech forces it


# --- each price of the cue DP does what its name says (tests/test_captions: one case a term) --



def _timed(spec):
    """'word@start-end ...' -> Words of one speaker."""
    out = []
    for item in spec.split():
        tok, span = item.rsplit("@", 1)
        a, b = map(int, span.split("-"))
        out.append(Word(tok, a, b, "A", 1, True, 1.0))
    return out


def _even(text, dur=300):
    return [Word(t, k * dur, k * dur + dur, "A", 1, True, 1.0) for k, t in enumerate(text.split())]


def _cues(words, costs=COSTS, rules=PRESETS["netflix"], after=None):
    return [" ".join(w.word for w in words[i:j]) for i, j, _ in _segment_run(words, rules, 0, None, after, costs)]


NETFLIX = PRESETS["netflix"]
TERMS = {
    # field: (words, rules, next speaker's start, what the default gives, what zeroing the term gives)
    "per_cue": (_timed("We@0-300 went@300-600 home.@600-1000 Then@1400-1700 we@1700-1900 slept.@1900-2400"),
                replace(NETFLIX, max_lines=1), 2900,
                ["We went home. Then we slept."], ["We went home.", "Then we slept."]),
    "end_break": (_even("Yesterday I walked all the way to the old market in the town and then I bought some fresh "
                        "apples for the family"), NETFLIX, None,
                  ["Yesterday I walked all the way to the old market in the town",
                   "and then I bought some fresh apples for the family"],
                  ["Yesterday I walked all the way to the old market in the town and then I bought some",
                   "fresh apples for the family"]),
    "too_short": (_timed("Fine.@0-150 Fine.@200-350 it@750-900 Okay.@1300-1380 really@1780-2280 Okay.@2280-2430 "
                         "go@2430-2580 home.@2630-2780"), replace(NETFLIX, max_chars=16, max_lines=1), 3130,
                  ["Fine. Fine. it", "Okay. really", "Okay. go home."],
                  ["Fine.", "Fine. it Okay.", "really Okay.", "go home."]),
    "fragment": (_timed("the@0-300 really@300-450 it@500-580 today@580-730 really@780-1080 market@1080-1580 "
                        "market@1630-1710 we@1710-2210 apples,@2260-2560 No.@2610-2690 home@2690-3190 "
                        "apples,@3240-3540 bought@3590-4090 the@4090-4590"), replace(NETFLIX, max_chars=24, max_lines=1),
                 6590, None, None),
    "sentence_in_two_lines": (_even("One two three four. Five six seven eight nine ten eleven twelve thirteen."),
                              NETFLIX, None, ["One two three four.", "Five six seven eight nine ten eleven twelve thirteen."],
                              ["One two three four. Five six seven eight nine ten eleven twelve thirteen."]),
    "dangling_only": (_even("Something that may include something that is slightly racist or slightly sexist. "
                            "And more words come here now."), NETFLIX, None,
                      ["Something that may include something", "that is slightly racist or slightly sexist.",
                       "And more words come here now."],
                      ["Something that may include something that is slightly racist or slightly sexist.",
                       "And more words come here now."]),
    "reading_ms_per_point": ([Word(t, k * 120, k * 120 + 110, "A", 1, True, 1.0) for k, t in enumerate(
        "we talked about the whole thing for quite a while and then everybody left the room quietly".split())],
        NETFLIX, None, ["we talked about the whole thing for quite a while and then everybody", "left the room quietly"],
        ["we talked about the whole thing for quite a while and then everybody left the room", "quietly"]),
}


@pytest.mark.parametrize("term", sorted(TERMS))
def test_each_cost_term_decides_what_its_name_says(term):
    words, rules, after, default, zeroed = TERMS[term]
    got = _cues(words, COSTS, rules, after)
    off = float("inf") if term.endswith("_per_point") else 0  # a point per infinite ms: no price
    without = _cues(words, replace(COSTS, **{term: off}), rules, after)
    assert got != without  # the term changes the choice
    if default is not None:
        assert got == default and without == zeroed
    if term == "fragment":  # without the price a cue under 12 characters is cut off mid-run
        assert min(map(len, without[:-1])) < COSTS.fragment_chars <= min(map(len, got[:-1]))


def test_the_duration_limit_splits_long_speech_only_because_it_is_priced():
    words = [Word(f"word{i}", i * 700, i * 700 + 650, "A", 1, True, 1.0) for i in range(20)]
    rules = replace(NETFLIX, max_chars=80)
    assert [len(c.split()) for c in _cues(words, COSTS, rules)] == [10, 10]
    assert [len(c.split()) for c in _cues(words, replace(COSTS, too_long=0, too_long_ms_per_point=float("inf")), rules)] == [20]
