"""Words -> caption cues cut to broadcast rules (Netflix, BBC, DCMP presets).

Cue boundaries are chosen by dynamic programming over each speaker's run of words: a cue must
fit the line grid, and its cost weighs where it breaks (sentence ends and pauses are cheap,
an article torn from its noun is dear), its reading speed and its duration. Lines inside a cue
are broken the same way, preferring balanced, bottom-heavy pairs. Timing follows the words:
a cue appears with its first word, lingers at most 0.5 s after its last, never overlaps the
next, and small gaps are chained. Nothing is dropped or paraphrased: where the speech is
faster than the reading-speed limit, the cue keeps its words and the QA reports it.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace

from .text import bare, ends_sentence, is_tag, syllables, words
from .types import Segment, Word


@dataclass(frozen=True)
class Rules:
    """One caption standard. Times in ms."""

    name: str
    max_chars: int = 42  # per line, spaces and punctuation included
    max_lines: int = 2
    min_duration: int = 833  # 5/6 s (20 frames at 24 fps)
    max_duration: int = 7000
    max_cps: float | None = 20.0  # characters per second, spaces included
    max_wpm: float | None = None  # words per minute (BBC, DCMP count this way)
    min_ms_per_word: int = 0  # BBC: about 0.3 s per word on screen
    min_gap: int = 83  # 2 frames at 24 fps
    chain_gap: int = 500  # gaps shorter than this are closed down to min_gap
    linger: int = 500  # a cue may stay this long after its last word
    dual_dash: str = "-"  # how each line of a two-speaker cue starts


PRESETS = {
    # Netflix English (USA) timed-text style guide.
    "netflix": Rules("netflix"),
    # BBC subtitle guidelines: 37 characters, 160-180 WPM, 0.3 s per word; gaps under 1 s closed.
    "bbc": Rules("bbc", max_chars=37, max_cps=None, max_wpm=180, min_ms_per_word=300, min_duration=1000,
                 chain_gap=1000, dual_dash="- "),
    # DCMP captioning key: 32-character lines, at least 1.33 s per caption.
    "dcmp": Rules("dcmp", max_chars=32, max_cps=None, max_wpm=None, min_duration=1330, dual_dash="- "),
}


@dataclass(frozen=True)
class Cue:
    """A caption: its time, its lines, and the words (with speakers) it shows."""

    start: int
    end: int
    lines: tuple[str, ...]
    words: tuple[Word, ...] = field(repr=False)
    speakers: tuple[str, ...]
    line_speakers: tuple[str, ...] = ()  # speaker of each line (two-speaker cues)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


# --- where a line or a cue may break -------------------------------------------------------

_ARTICLES = {"a", "an", "the", "this", "that", "these", "those", "my", "your", "his", "her", "its", "our",
             "their", "some", "any", "no", "every", "each"}
_PREPOSITIONS = {"of", "in", "on", "at", "to", "for", "with", "from", "by", "about", "into", "over", "under",
                 "after", "before", "between", "through", "during", "without", "against", "among", "around"}
_CONJUNCTIONS = {"and", "but", "or", "nor", "so", "yet", "because", "although", "though", "while", "if",
                 "when", "where", "that", "which", "who", "whom", "whose", "unless", "since", "until", "whether"}
_PRONOUNS = {"i", "you", "he", "she", "we", "they", "it"}
_AUX = {"is", "are", "was", "were", "be", "been", "am", "do", "does", "did", "have", "has", "had", "will",
        "would", "can", "could", "should", "shall", "may", "might", "must", "not", "don't", "can't", "won't",
        "didn't", "isn't", "wasn't", "i'm", "it's", "i've", "you're", "we're", "they're"}
def break_cost(left: str, right: str, pause_ms: int = 0) -> float:
    """How bad it is to break between two tokens (0 = ideal). Pauses in the speech make breaks cheaper."""
    cost = _break_cost(left, right)
    if pause_ms >= 250:
        cost = max(0.0, cost - min(4.0, pause_ms / 150))
    return cost


@functools.lru_cache(maxsize=200_000)
def _break_cost(left: str, right: str) -> float:
    if ends_sentence(left):
        cost = 0.0
    elif left.endswith((",", ";", ":", "-", "—", "–")):
        cost = 1.0
    else:
        lw, rw = bare(left), bare(right)
        if lw in _ARTICLES or lw in _PREPOSITIONS or lw in _CONJUNCTIONS:
            cost = 12.0  # never after an article, a preposition or a conjunction
        elif lw in _PRONOUNS and rw in _AUX | {"think", "know", "mean", "said", "say", "want", "like"}:
            cost = 10.0  # subject pronoun + verb
        elif lw in _AUX and rw not in _CONJUNCTIONS and rw not in _PREPOSITIONS:
            cost = 8.0  # auxiliary or negation + verb
        elif left[:1].isupper() and right[:1].isupper() and not is_tag(right) and lw not in _PRONOUNS:
            cost = 10.0  # first and last name, titles
        elif rw in _CONJUNCTIONS or rw in _PREPOSITIONS:
            cost = 2.0  # before a conjunction or a preposition
        else:
            cost = 5.0
    return cost


def wrap(tokens: list[str] | tuple[str, ...], width: int, max_lines: int, first_prefix: int = 0) -> list[str] | None:
    """Best break of tokens into at most max_lines lines of at most width characters, or None.

    One line when it fits; otherwise the break with the least cost over linguistics and
    balance, preferring the bottom line longer (a pyramid reads faster).
    """
    return _wrap(tuple(tokens), width, max_lines, first_prefix)


@functools.lru_cache(maxsize=65_536)
def _wrap(tokens: tuple[str, ...], width: int, max_lines: int, first_prefix: int) -> list[str] | None:
    total = sum(len(t) for t in tokens) + len(tokens) - 1
    if total + first_prefix <= width:
        return [" ".join(tokens)]
    if max_lines < 2 or len(tokens) < 2 or total > width * max_lines + max_lines:
        return None
    best, best_cost = None, float("inf")
    top = -1
    for k in range(1, len(tokens)):
        top += len(tokens[k - 1]) + 1
        if top + first_prefix > width:
            break
        rest = _wrap(tokens[k:], width, max_lines - 1, 0)
        if rest is None:
            continue
        lens = [top + first_prefix] + [len(x) for x in rest]
        cost = 3 * break_cost(tokens[k - 1], tokens[k]) + (max(lens) - min(lens)) / 3
        if lens[0] > lens[-1]:
            cost += 1.5
        if len(rest) > 1:
            cost += 10  # three lines only when two cannot hold it
        if cost < best_cost:
            best, best_cost = [" ".join(tokens[:k])] + rest, cost
    return best


# --- choosing cue boundaries ---------------------------------------------------------------

def _reading_ms(text: str, n_words: int, rules: Rules) -> float:
    """The least time a cue's text needs on screen under the rules' reading speed."""
    return _reading_ms_len(len(text), n_words, rules)


def _reading_ms_len(chars: int, n_words: int, rules: Rules) -> float:
    need = 0.0
    if rules.max_cps:
        need = max(need, chars / rules.max_cps * 1000)
    if rules.max_wpm:
        need = max(need, n_words / rules.max_wpm * 60_000)
    return max(need, n_words * rules.min_ms_per_word)


def _greedy_next(lengths: list[int], width: int) -> list[int]:
    """For each start token i, the first token that no longer fits on a line starting at i."""
    n = len(lengths)
    out = [0] * (n + 1)
    j, total = 0, -1
    for i in range(n):
        if j < i:
            j, total = i, -1
        while j < n and total + lengths[j] + 1 <= width:
            total += lengths[j] + 1
            j += 1
        out[i] = max(j, i + 1)  # a token wider than the line still takes a line of its own
        if j > i:
            total -= lengths[i] + 1
    out[n] = n
    return out


def _segment_run(words: list[Word], rules: Rules, prefix: int, first_width: int | None = None,
                 after: int | None = None) -> list[tuple[int, int, list[str]]]:
    """DP over one speaker's run: [(i, j, lines)] covering words[i:j], in order.

    A candidate cue fits when greedy filling packs it into the allowed lines (which is exact:
    greedy filling uses the fewest lines); the chosen cues are then wrapped for the best breaks.
    first_width: the first cue must be one line this wide (so it can pair with a quick cue of
    the previous speaker). after: when the next speaker's first word starts (limits the last cue).
    """
    n = len(words)
    tokens = [w.word for w in words]
    lengths = [len(t) for t in tokens]
    nxt = _greedy_next(lengths, rules.max_chars)
    ends = [0] * (n + 1)
    for k in range(n):
        ends[k + 1] = ends[k] + lengths[k] + 1
    best = [0.0] + [float("inf")] * n
    back = [0] * (n + 1)
    max_chars = rules.max_chars * rules.max_lines + rules.max_lines

    wide = [0] * (n + 1)  # running count of tokens wider than a line: such a token stands alone
    sentence_ends = [0] * (n + 1)  # running count of tokens that end a sentence
    for k in range(n):
        wide[k + 1] = wide[k] + (lengths[k] > rules.max_chars)
        sentence_ends[k + 1] = sentence_ends[k] + ends_sentence(tokens[k])
    reach = list(range(n + 1))  # greedy filling from token i fills max_lines lines up to token reach[i]
    for _ in range(rules.max_lines):
        reach = [nxt[k] for k in reach]

    def fits_first(j: int) -> bool:
        """The first cue of the run, which may carry a label or pair with the previous speaker."""
        if j > 1 and wide[j]:
            return False
        if first_width is not None:
            return ends[j] - 1 <= first_width or j == 1
        if prefix:
            return j == 1 or wrap(tokens[:j], rules.max_chars, rules.max_lines, prefix) is not None
        return j <= reach[0] or j == 1

    starts = [w.start for w in words]
    stops = [w.end for w in words]
    linger, min_dur, min_gap, max_dur = rules.linger, rules.min_duration, rules.min_gap, rules.max_duration
    ms_per_char = 1000 / rules.max_cps if rules.max_cps else 0.0
    ms_per_word = max(60_000 / rules.max_wpm if rules.max_wpm else 0.0, float(rules.min_ms_per_word))
    one_line = rules.max_chars
    for j in range(1, n + 1):
        end_cost = 0.0 if j == n else break_cost(tokens[j - 1], tokens[j], starts[j] - stops[j - 1])
        room = starts[j] if j < n else after
        last_end = stops[j - 1]
        base_cost = 4 * end_cost + 6  # every cue costs a little: prefer full ones
        ej, wj, sj = ends[j], wide[j], sentence_ends[j - 1]
        bj, bi = best[j], back[j]
        lo = j - 1  # the earliest start whose cue is not over-long (a single word always may be)
        while lo > 0 and ej - ends[lo - 1] - 1 <= max_chars:
            lo -= 1
        # earliest start first: its best[] is lowest, so later starts are mostly cut by the bound;
        # ties go to the latest start (<=), as they always have
        for i in range(lo, j):
            length = ej - ends[i] - 1
            cost = best[i] + base_cost
            if cost > bj:
                continue  # every term below only adds: this start cannot win
            if i == 0:
                if not fits_first(j):
                    continue
            elif j - i > 1 and (wj - wide[i] or j > reach[i]):
                continue
            span = last_end - starts[i]
            shown = span + linger if span + linger > min_dur else min_dur
            if room is not None and room - min_gap - starts[i] < shown:
                shown = room - min_gap - starts[i]
            if shown < min_dur and j < n:
                cost += 300  # too short to read, and the next cue is already due
            if span > max_dur and i < j - 1:
                cost += 1000 + (span - max_dur) / 10
            need = length * ms_per_char
            words_need = (j - i) * ms_per_word
            over = (need if need > words_need else words_need) - shown
            if over > 0:
                cost += over / 100  # soft: fast speech may exceed the reading speed
            if length < 12 and j < n:
                cost += 8  # a fragment
            if length > one_line:  # two lines: one sentence a cue reads best
                cost += 8 * (sj - sentence_ends[i])
            if cost <= bj:
                bj, bi = cost, i
        best[j], back[j] = bj, bi
    out = []
    j = n
    while j > 0:
        i = back[j]
        if i == 0 and first_width is not None:
            lines = wrap(tokens[i:j], first_width, 1) or [" ".join(tokens[i:j])]
        else:
            lines = wrap(tokens[i:j], rules.max_chars, rules.max_lines, prefix if i == 0 else 0)
        out.append((i, j, lines or [" ".join(tokens[i:j])]))
        j = i
    return out[::-1]


def _runs(words: list[Word]) -> list[list[Word]]:
    """Consecutive words of one segment/speaker; a new segment of the same speaker continues the run
    only when it follows closely (under a second)."""
    runs: list[list[Word]] = []
    for w in words:
        if runs and runs[-1][-1].speaker == w.speaker and (
                runs[-1][-1].segment == w.segment or w.start - runs[-1][-1].end < 1000):
            runs[-1].append(w)
        else:
            runs.append([w])
    return runs


def _label(speaker: str, mode: str) -> str:
    return {"dash": "- ", "name": f"{speaker}: ", "none": ""}[mode]


def build_cues(words: list[Word], rules: Rules = PRESETS["netflix"], speaker_labels: str = "dash") -> list[Cue]:
    """Cues for a transcript's words (aligned or estimated), in order, timed and labelled."""
    raw: list[Cue] = []
    prev_speaker = None
    runs = _runs([w for w in words if w.word])
    for r, run in enumerate(runs):
        speaker = run[0].speaker
        label = _label(speaker, speaker_labels) if prev_speaker is not None and speaker != prev_speaker else ""
        if prev_speaker is None and speaker_labels == "name":
            label = _label(speaker, "name")
        first_width = None
        if raw and raw[-1].speakers[0] != speaker and len(raw[-1].lines) == 1 and len(raw[-1].speakers) == 1:
            last = raw[-1]
            need = max(rules.min_duration, len(last.words) * rules.min_ms_per_word)
            if run[0].start - last.start < need + rules.min_gap:
                # one line that can pair with it (after a dash), or stand alone with its label
                first_width = rules.max_chars - max(len(rules.dual_dash), len(label))
        after = runs[r + 1][0].start if r + 1 < len(runs) else None
        for n, (i, j, lines) in enumerate(_segment_run(run, rules, len(label), first_width, after)):
            if n == 0 and label:
                lines = [label + lines[0]] + lines[1:]
            ws = tuple(run[i:j])
            raw.append(Cue(ws[0].start, ws[-1].end, tuple(lines), ws, (speaker,), (speaker,) * len(lines)))
        prev_speaker = speaker
    return _time(_pair_speakers(raw, rules, speaker_labels), rules)


def _strip_label(line: str, speaker: str) -> str:
    for prefix in ("- ", "-", f"{speaker}: "):
        if line.startswith(prefix):
            return line[len(prefix):]
    return line


def _pair_speakers(cues: list[Cue], rules: Rules, mode: str) -> list[Cue]:
    """Two short exchanges by different speakers, too quick for a cue each, share one dual-speaker cue."""
    out: list[Cue] = []
    i = 0
    while i < len(cues):
        a = cues[i]
        if i + 1 < len(cues):
            b = cues[i + 1]
            need = max(rules.min_duration, len(a.words) * rules.min_ms_per_word)
            one_line = len(a.lines) == 1 and len(b.lines) == 1 and len(a.speakers) == len(b.speakers) == 1
            if one_line and a.speakers != b.speakers and b.start - a.start < need + rules.min_gap:
                la = rules.dual_dash + _strip_label(a.lines[0], a.speakers[0])
                lb = rules.dual_dash + _strip_label(b.lines[0], b.speakers[0])
                if max(len(la), len(lb)) <= rules.max_chars and b.words[-1].end - a.start <= rules.max_duration:
                    out.append(Cue(a.start, b.end, (la, lb), a.words + b.words, a.speakers + b.speakers,
                                   (a.speakers[0], b.speakers[0])))
                    i += 2
                    continue
        out.append(a)
        i += 1
    return out


def _time(cues: list[Cue], rules: Rules) -> list[Cue]:
    """Final times: start on the first word, linger, minimum duration, gaps, no overlap."""
    out: list[Cue] = []
    for k, c in enumerate(cues):
        start = c.words[0].start
        if out and start < out[-1].end + rules.min_gap:
            # the previous cue overran into this one (overlapping speech): cut it back
            prev = out[-1]
            cut = max(prev.start + 1, start - rules.min_gap)
            out[-1] = replace(prev, end=cut)
            start = max(start, cut + rules.min_gap)
        last = c.words[-1].end
        nxt = cues[k + 1].words[0].start if k + 1 < len(cues) else None
        limit = nxt - rules.min_gap if nxt is not None else last + max(rules.linger, rules.max_duration)
        need = max(rules.min_duration, len(c.words) * rules.min_ms_per_word,
                   round(_reading_ms(" ".join(w.word for w in c.words), len(c.words), rules)))
        end = max(last + rules.linger, start + need)
        end = min(end, start + max(rules.max_duration, last - start), limit)
        if nxt is not None and nxt - rules.min_gap - end < rules.chain_gap:
            end = max(end, nxt - rules.min_gap)  # chain: close a small gap down to min_gap
        end = max(end, start + 1)
        out.append(replace(c, start=start, end=end))
    return out


# --- estimated word times (no audio) ------------------------------------------------------

def estimated_words(segments: tuple[Segment, ...] | list[Segment], rate: float) -> list[Word]:
    """Word times spread over each segment's likely speech, in proportion to syllables.

    A segment's speech is taken to start at its stamp and last as long as its text takes at
    the transcript's own measured rate, never beyond the segment.
    """
    out: list[Word] = []
    for s in segments:
        toks = words(s.text)
        if not toks:
            continue
        weights = [2 if is_tag(t) else syllables(t) for t in toks]
        total = sum(weights)
        speech = min(s.end - s.start, max(400 * len(toks) // 2, round(total / rate * 1000)))
        acc = 0
        for t, w in zip(toks, weights):
            a = s.start + speech * acc // total
            acc += w
            b = s.start + speech * acc // total
            out.append(Word(t, a, max(b, a + 1), s.speaker, s.index, False, 0.0, s.line))
    return out


# --- QA -------------------------------------------------------------------------------------

RULE_NAMES = ("chars_per_line", "lines", "min_duration", "max_duration", "reading_speed", "min_gap",
              "overlap", "order", "empty")


def qa(cues: list[Cue], rules: Rules) -> dict:
    """Per rule: how many cues break it, and the worst one."""
    report: dict[str, dict] = {r: {"count": 0, "worst": None} for r in RULE_NAMES}
    fast = 0

    def flag(rule: str, cue_no: int, value: float, detail: str) -> None:
        r = report[rule]
        r["count"] += 1
        if r["worst"] is None or value > r["worst"]["value"]:
            r["worst"] = {"cue": cue_no, "value": round(value, 3), "detail": detail}

    for n, c in enumerate(cues, 1):
        dur = c.end - c.start
        for line in c.lines:
            if len(line) > rules.max_chars:
                flag("chars_per_line", n, len(line), f"{len(line)} characters: {line!r}")
        if len(c.lines) > rules.max_lines:
            flag("lines", n, len(c.lines), f"{len(c.lines)} lines")
        if not c.text.strip():
            flag("empty", n, 1, "no text")
        if dur < rules.min_duration:
            flag("min_duration", n, rules.min_duration - dur,
                 f"{dur} ms on screen, needs {rules.min_duration} ms: {c.text[:40]!r}")
        if dur < len(c.words) * rules.min_ms_per_word:
            flag("reading_speed", n, len(c.words) * rules.min_ms_per_word - dur,
                 f"{dur} ms for {len(c.words)} words, needs {len(c.words) * rules.min_ms_per_word} ms")
        if dur > rules.max_duration:
            flag("max_duration", n, dur, f"{dur} ms on screen: {c.text[:40]!r}")
        text = " ".join(w.word for w in c.words)
        if _too_fast_to_fix(c, cues[n] if n < len(cues) else None, rules):
            fast += 1
        if rules.max_cps and len(text) / (dur / 1000) > rules.max_cps + 1e-9:
            flag("reading_speed", n, len(text) / (dur / 1000), f"{len(text) / (dur / 1000):.1f} characters/s")
        if rules.max_wpm and len(c.words) / (dur / 60_000) > rules.max_wpm + 1e-9:
            flag("reading_speed", n, len(c.words) / (dur / 60_000), f"{len(c.words) / (dur / 60_000):.0f} words/min")
        if n > 1:
            prev = cues[n - 2]
            if c.start < prev.end:
                flag("overlap", n, prev.end - c.start, f"starts {prev.end - c.start} ms before cue {n - 1} ends")
            elif c.start - prev.end < rules.min_gap:
                flag("min_gap", n, rules.min_gap - (c.start - prev.end), f"{c.start - prev.end} ms after cue {n - 1}")
            if c.start <= prev.start:
                flag("order", n, prev.start - c.start, "does not start after the previous cue")
    return {"preset": rules.name, "cues": len(cues), "lines": sum(len(c.lines) for c in cues),
            "rules": report, "speech_too_fast": fast}


def _too_fast_to_fix(cue: Cue, nxt: Cue | None, rules: Rules) -> bool:
    """Whether the speech itself outruns the reading speed: the text needs more time than there is
    from its first word to the next cue's first word (or its last word plus linger, at the end)."""
    room = (nxt.words[0].start - rules.min_gap if nxt else cue.words[-1].end + rules.linger) - cue.words[0].start
    text = " ".join(w.word for w in cue.words)
    return _reading_ms(text, len(cue.words), rules) > max(1, room)
