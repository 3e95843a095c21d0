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

from .text import bare, ends_sentence, is_tag, syllables, tokens
from .types import Segment, Word

__all__ = ["PRESETS", "COSTS", "Cue", "CueCosts", "Rules", "build_cues", "can_pair", "estimated_words", "qa", "wrap"]


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
    pair_speakers: bool = True  # two quick, complete exchanges may share a cue
    name_label: str = "[{name}] "  # --speaker-labels name: the label at each change ({name}, {upper})
    joiner: str = " "  # between words on a line: "" where the script writes none (Chinese, Japanese)


PRESETS = {
    # Netflix English (USA) timed-text style guide: a hyphen without a space before each line of
    # a two-speaker event, none on a one-speaker event; speaker IDs in brackets.
    "netflix": Rules("netflix"),
    # BBC subtitle guidelines: 37 characters, 160-180 WPM, 0.3 s per word; gaps under 1 s closed;
    # without colour, a dash for each speaker of a shared subtitle; labels in capitals (JAMES:).
    "bbc": Rules("bbc", max_chars=37, max_cps=None, max_wpm=180, min_ms_per_word=300, min_duration=1000,
                 chain_gap=1000, dual_dash="- ", name_label="{upper}: "),
    # DCMP captioning key: 32-character lines, at least 1.33 s per caption, a new caption at each
    # speaker change, speaker IDs in parentheses.
    "dcmp": Rules("dcmp", max_chars=32, max_cps=None, max_wpm=None, min_duration=1330, dual_dash="- ",
                  pair_speakers=False, name_label="({name}) "),
}

HARD = 10_000.0  # the DP's price for breaking a rule the user set: paid only where nothing else fits
DANGLING = 100.0  # a line left ending on an article, preposition or conjunction: only where nothing else fits


@dataclass(frozen=True)
class CueCosts:
    """The prices the cue DP weighs, one per reason a cue reads worse (units: cost points).

    The hard rules (min_duration, max_duration) cost HARD, so they are broken only where no other
    cut exists; everything else trades off. Each term has a test of its own (tests/test_captions.py).
    """

    per_cue: float = 6.0  # every cue costs a little: fuller cues win
    end_break: float = 4.0  # times break_cost() where the cue ends (mid-phrase is dear)
    too_short: float = HARD  # shown less than min_duration while the next cue is already due
    too_long: float = HARD  # spans more than max_duration ...
    too_long_ms_per_point: float = 10.0  # ... plus a point per this many ms over
    reading_ms_per_point: float = 100.0  # a point per this many ms the reading speed needs beyond what is shown (soft)
    fragment: float = 8.0  # a short cue (under fragment_chars) that does not end its run
    fragment_chars: int = 12
    sentence_in_two_lines: float = 8.0  # per sentence end inside a two-line cue: one sentence a cue
    dangling_only: float = 3 * DANGLING  # a two-line cue none of whose line breaks fits without dangling


COSTS = CueCosts()
@dataclass(frozen=True)
class Cue:
    """A caption: its time, its lines, and the words (with speakers) it shows."""

    start: int
    end: int
    lines: tuple[str, ...]
    words: tuple[Word, ...] = field(repr=False)
    speakers: tuple[str, ...]
    line_speakers: tuple[str, ...] = ()  # speaker of each line (two-speaker cues)
    complete: bool = field(default=False, repr=False)  # starts and ends a sentence (or a cut-off)

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
def dangles(left: str, right: str) -> bool:
    """Whether a line ending on `left` (before `right`) is left hanging on a function word."""
    return _break_cost(left, right) >= DANGLING


def break_cost(left: str, right: str, pause_ms: int = 0) -> float:
    """How bad it is to break between two tokens (0 = ideal). Pauses in the speech make breaks cheaper."""
    cost = _break_cost(left, right)
    if pause_ms >= 250 and cost < DANGLING:
        cost = max(0.0, cost - min(4.0, pause_ms / 150))
    return cost


@functools.lru_cache(maxsize=200_000)
def _break_cost(left: str, right: str) -> float:
    if ends_sentence(left, right):
        cost = 0.0
    elif left.rstrip("'\"”’)").endswith((",", ";", ":", "-", "—", "–")):
        cost = 1.0
    else:
        lw, rw = bare(left), bare(right)
        if lw in _ARTICLES or lw in _PREPOSITIONS or lw in _CONJUNCTIONS:
            cost = DANGLING  # never after an article, a preposition or a conjunction
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


def wrap(tokens: list[str] | tuple[str, ...], width: int, max_lines: int, first_prefix: int = 0,
         sep: str = " ") -> list[str] | None:
    """Best break of tokens into at most max_lines lines of at most width characters, or None.

    One line when it fits; otherwise the break with the least cost over linguistics and
    balance, preferring the bottom line longer (a pyramid reads faster).
    """
    return _wrap(tuple(tokens), width, max_lines, first_prefix, sep)


@functools.lru_cache(maxsize=65_536)
def _wrap(tokens: tuple[str, ...], width: int, max_lines: int, first_prefix: int, sep: str = " ") -> list[str] | None:
    gap = len(sep)
    total = sum(len(t) for t in tokens) + gap * (len(tokens) - 1)
    if total + first_prefix <= width:
        return [sep.join(tokens)]
    if max_lines < 2 or len(tokens) < 2 or total > width * max_lines + max_lines:
        return None
    best, best_cost = None, float("inf")
    top = -gap
    for k in range(1, len(tokens)):
        top += len(tokens[k - 1]) + gap
        if top + first_prefix > width:
            break
        rest = _wrap(tokens[k:], width, max_lines - 1, 0, sep)
        if rest is None:
            continue
        lens = [top + first_prefix] + [len(x) for x in rest]
        cost = 3 * break_cost(tokens[k - 1], tokens[k]) + (max(lens) - min(lens)) / 3
        if lens[0] > lens[-1]:
            cost += 1.5
        if len(rest) > 1:
            cost += 10  # three lines only when two cannot hold it
        if cost < best_cost:
            best, best_cost = [sep.join(tokens[:k])] + rest, cost
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


def _greedy_next(lengths: list[int], width: int, gap: int = 1) -> list[int]:
    """For each start token i, the first token that no longer fits on a line starting at i
    (gap: the width of what stands between two tokens)."""
    n = len(lengths)
    out = [0] * (n + 1)
    j, total = 0, -gap
    for i in range(n):
        if j < i:
            j, total = i, -gap
        while j < n and total + lengths[j] + gap <= width:
            total += lengths[j] + gap
            j += 1
        out[i] = max(j, i + 1)  # a token wider than the line still takes a line of its own
        if j > i:
            total -= lengths[i] + gap
    out[n] = n
    return out


def _segment_run(words: list[Word], rules: Rules, prefix: int, first_width: int | None = None,
                 after: int | None = None, costs: CueCosts = COSTS) -> list[tuple[int, int, list[str]]]:
    """DP over one speaker's run: [(i, j, lines)] covering words[i:j], in order.

    A candidate cue fits when greedy filling packs it into the allowed lines (which is exact:
    greedy filling uses the fewest lines); the chosen cues are then wrapped for the best breaks.
    first_width: the first cue must be one line this wide (so it can pair with a quick cue of
    the previous speaker). after: when the next speaker's first word starts (limits the last cue).
    """
    n = len(words)
    tokens = [w.word for w in words]
    lengths = [len(t) for t in tokens]
    gap = len(rules.joiner)
    nxt = _greedy_next(lengths, rules.max_chars, gap)
    ends = [0] * (n + 1)
    for k in range(n):
        ends[k + 1] = ends[k] + lengths[k] + gap
    best = [0.0] + [float("inf")] * n
    back = [0] * (n + 1)
    max_chars = rules.max_chars * rules.max_lines + rules.max_lines

    wide = [0] * (n + 1)  # running count of tokens wider than a line: such a token stands alone
    sentence_ends = [0] * (n + 1)  # running count of tokens that end a sentence
    for k in range(n):
        wide[k + 1] = wide[k] + (lengths[k] > rules.max_chars)
        sentence_ends[k + 1] = sentence_ends[k] + ends_sentence(tokens[k], tokens[k + 1] if k + 1 < n else None)
    reach = list(range(n + 1))  # greedy filling from token i fills max_lines lines up to token reach[i]
    for _ in range(rules.max_lines):
        reach = [nxt[k] for k in reach]
    # a two-line cue words[i:j] needs a line break k that fits both lines and leaves no line
    # hanging on a function word: k in [fit_from[j], nxt[i]], legal breaks counted in clean[]
    clean = [0] * (n + 1)
    for k in range(1, n):
        clean[k + 1] = clean[k] + (not dangles(tokens[k - 1], tokens[k]))
    fit_from = [0] * (n + 1)  # the first token from which tokens ..j-1 fit on one line
    k = 0
    for j in range(1, n + 1):
        while ends[j] - ends[k] - gap > rules.max_chars:
            k += 1
        fit_from[j] = k
    two_lines = rules.max_lines == 2

    def fits_first(j: int) -> bool:
        """The first cue of the run, which may carry a label or pair with the previous speaker."""
        if j > 1 and wide[j]:
            return False
        if first_width is not None:
            return ends[j] - gap <= first_width or j == 1
        if prefix:
            return j == 1 or wrap(tokens[:j], rules.max_chars, rules.max_lines, prefix, rules.joiner) is not None
        return j <= reach[0] or j == 1

    starts = [w.start for w in words]
    stops = [w.end for w in words]
    linger, min_dur, min_gap, max_dur = rules.linger, rules.min_duration, rules.min_gap, rules.max_duration
    ms_per_char = 1000 / rules.max_cps if rules.max_cps else 0.0
    ms_per_word = max(60_000 / rules.max_wpm if rules.max_wpm else 0.0, float(rules.min_ms_per_word))
    one_line = rules.max_chars
    c_short, c_long, c_long_ms, c_read = costs.too_short, costs.too_long, costs.too_long_ms_per_point, \
        costs.reading_ms_per_point
    c_frag, c_frag_chars, c_sentences, c_dangling = costs.fragment, costs.fragment_chars, costs.sentence_in_two_lines, \
        costs.dangling_only
    for j in range(1, n + 1):
        end_cost = 0.0 if j == n else break_cost(tokens[j - 1], tokens[j], starts[j] - stops[j - 1])
        room = starts[j] if j < n else after
        last_end = stops[j - 1]
        base_cost = costs.end_break * end_cost + costs.per_cue
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
            if shown < min_dur and room is not None:
                cost += c_short  # too short to read, and the next cue is already due
            if span > max_dur and i < j - 1:
                cost += c_long + (span - max_dur) / c_long_ms
            need = length * ms_per_char
            words_need = (j - i) * ms_per_word
            over = (need if need > words_need else words_need) - shown
            if over > 0:
                cost += over / c_read  # soft: fast speech may exceed the reading speed
            if length < c_frag_chars and j < n:
                cost += c_frag
            if length > one_line:  # two lines: one sentence a cue reads best
                cost += c_sentences * (sj - sentence_ends[i])
                if two_lines:
                    lo_k, hi_k = max(i + 1, fit_from[j]), min(j - 1, nxt[i])
                    if lo_k <= hi_k and clean[hi_k + 1] - clean[lo_k] == 0:
                        cost += c_dangling  # its only line breaks leave a function word hanging
            if cost <= bj:
                bj, bi = cost, i
        best[j], back[j] = bj, bi
    out = []
    j = n
    while j > 0:
        i = back[j]
        lines: list[str] | None
        if i == 0 and first_width is not None:
            lines = wrap(tokens[i:j], first_width, 1, sep=rules.joiner) or [rules.joiner.join(tokens[i:j])]
        else:
            lines = wrap(tokens[i:j], rules.max_chars, rules.max_lines, prefix if i == 0 else 0, rules.joiner)
        out.append((i, j, lines or [rules.joiner.join(tokens[i:j])]))
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


def past_end(words: list[Word], end: int | None) -> int:
    """How many words build_cues leaves out because they lie at or past the end of the audio."""
    return 0 if end is None else sum(1 for w in words if w.word and w.start >= end)


def label(speaker: str, mode: str, rules: Rules) -> str:
    """The visible speaker marker of a one-speaker cue after a change: the preset's name label in
    `name` mode; nothing in `dash` mode (dashes mark only cues two speakers share) or `none`."""
    if mode == "name":
        return rules.name_label.format(name=speaker, upper=speaker.upper())
    return ""


def _cut_off(token: str) -> bool:
    """A word broken off (`couldn't-`, `but—”`): the speaker was interrupted; a whole exchange too."""
    return token.rstrip("'\"”’)").endswith(("-", "—", "–"))


def _complete(run: list[Word], i: int, j: int) -> bool:
    """Whether run[i:j] is whole: it starts a sentence (or the run) and ends one (or breaks off)."""
    starts = i == 0 or ends_sentence(run[i - 1].word, run[i].word)
    last = run[j - 1].word
    return starts and (ends_sentence(last, run[j].word if j < len(run) else None) or _cut_off(last))


def _dual_line(cue: Cue, rules: Rules, mode: str) -> str:
    """A one-line cue as one line of a shared cue: its speaker's name label (name mode), else the dash."""
    own = label(cue.speakers[0], mode, rules)
    text = cue.lines[0][len(own):] if own and cue.lines[0].startswith(own) else cue.lines[0]
    return (own if mode == "name" else rules.dual_dash) + text


def can_pair(a: Cue, b: Cue, rules: Rules, mode: str) -> bool:
    """Two exchanges share one cue only when each is short and whole (one line, a complete
    sentence or a cut-off), they come too quickly for a cue each (or are said over each other: the
    second begins before the first's last word ends), the rules allow two lines and the speakers
    can be shown apart."""
    if not (rules.pair_speakers and rules.max_lines >= 2 and mode != "none"):
        return False
    if len(a.lines) != 1 or len(b.lines) != 1 or len(a.speakers) != 1 or len(b.speakers) != 1:
        return False
    if a.speakers == b.speakers or not (a.complete and b.complete):
        return False
    need = max(rules.min_duration, len(a.words) * rules.min_ms_per_word)
    if b.start - a.start >= need + rules.min_gap and b.start >= max(w.end for w in a.words):
        return False  # a has time enough on its own, and b waits for it
    lines = (_dual_line(a, rules, mode), _dual_line(b, rules, mode))
    return max(map(len, lines)) <= rules.max_chars and b.words[-1].end - a.start <= rules.max_duration


def build_cues(words: list[Word], rules: Rules = PRESETS["netflix"], speaker_labels: str = "dash",
               end: int | None = None) -> list[Cue]:
    """Cues for a transcript's words (aligned or estimated), in order, timed and labelled.

    speaker_labels: `dash` (the preset's own style: a dash before each speaker of a shared cue),
    `name` (the preset's name label at each change: podcasts, where nobody is seen) or `none`.
    end: where the audio (or clip) ends; no cue runs past it, and words placed at or past it
    (transcript text the recording does not hold) are left out (see `past_end`).
    """
    raw: list[Cue] = []
    prev_speaker = None
    shown = [w for w in words if w.word and (end is None or w.start < end)]
    if end is not None:
        shown = [w if w.end <= end else replace(w, end=end) for w in shown]
    runs = _runs(shown)
    for r, run in enumerate(runs):
        speaker = run[0].speaker
        lab = label(speaker, speaker_labels, rules) if speaker != prev_speaker else ""
        first_width = None
        if raw and _may_pair_next(raw[-1], run, rules, speaker_labels):
            # the run's first sentence on one line that can pair with it (or stand alone, labelled)
            first_width = rules.max_chars - max(len(rules.dual_dash), len(lab))
        after = runs[r + 1][0].start if r + 1 < len(runs) else None
        for n, (i, j, lines) in enumerate(_segment_run(run, rules, len(lab), first_width, after)):
            if n == 0 and lab:
                lines = [lab + lines[0]] + lines[1:]
            ws = tuple(run[i:j])
            raw.append(Cue(ws[0].start, ws[-1].end, tuple(lines), ws, (speaker,), (speaker,) * len(lines),
                           _complete(run, i, j)))
        prev_speaker = speaker
    return _time(_pair_speakers(raw, rules, speaker_labels), rules, end)


def _may_pair_next(last: Cue, run: list[Word], rules: Rules, mode: str) -> bool:
    """Whether the next run's first cue should be sized (one line) to pair with the last cue:
    the last could pair, the run starts quickly, and its first sentence fits on a dual line."""
    probe = Cue(run[0].start, run[0].end, ("",), tuple(run[:1]), (run[0].speaker,), (), True)
    if not can_pair(last, probe, rules, mode):
        return False
    k = next((k for k in range(len(run)) if ends_sentence(run[k].word, run[k + 1].word if k + 1 < len(run) else None)
              or _cut_off(run[k].word)), None)
    if k is None:
        return False
    width = sum(len(w.word) for w in run[: k + 1]) + k
    return width + len(rules.dual_dash) <= rules.max_chars


def _pair_speakers(cues: list[Cue], rules: Rules, mode: str) -> list[Cue]:
    """Two short, whole exchanges by different speakers, too quick for a cue each, share one cue."""
    out: list[Cue] = []
    i = 0
    while i < len(cues):
        a = cues[i]
        if i + 1 < len(cues) and can_pair(a, cues[i + 1], rules, mode):
            b = cues[i + 1]
            out.append(Cue(a.start, b.end, (_dual_line(a, rules, mode), _dual_line(b, rules, mode)), a.words + b.words,
                           a.speakers + b.speakers, (a.speakers[0], b.speakers[0]), True))
            i += 2
            continue
        out.append(a)
        i += 1
    return out


def _time(cues: list[Cue], rules: Rules, audio_end: int | None = None) -> list[Cue]:
    """Final times. A cue appears with its first word (or, where the words before it leave no
    gap, min_gap after the previous cue), never ends before its last word is spoken, lingers,
    lasts at least min_duration where the next cue leaves room, chains small gaps, never
    overlaps the next and never runs past audio_end."""
    out: list[Cue] = []
    for k, c in enumerate(cues):
        start = c.words[0].start
        if out and start < out[-1].end + rules.min_gap:
            start = out[-1].end + rules.min_gap  # the words before ran up to this one: appear a gap later
        last = max(w.end for w in c.words)
        nxt = cues[k + 1].words[0].start if k + 1 < len(cues) else None
        limit = nxt - rules.min_gap if nxt is not None else last + max(rules.linger, rules.max_duration)
        need = max(rules.min_duration, len(c.words) * rules.min_ms_per_word,
                   round(_reading_ms(rules.joiner.join(w.word for w in c.words), len(c.words), rules)))
        end = max(last + rules.linger, start + need)
        end = min(end, start + max(rules.max_duration, last - start), limit)
        if nxt is not None and nxt - rules.min_gap - end < rules.chain_gap:
            end = max(end, nxt - rules.min_gap)  # chain: close a small gap down to min_gap
        end = max(end, last)  # never before the last word is spoken
        if audio_end is not None:
            end = min(end, max(audio_end, last))
        out.append(replace(c, start=start, end=max(end, start + 1)))
    return out


# --- estimated word times (no audio) ------------------------------------------------------

def estimated_words(segments: tuple[Segment, ...] | list[Segment], rate: float) -> list[Word]:
    """Word times spread over each segment's likely speech, in proportion to syllables.

    A segment's speech is taken to start at its stamp and last as long as its text takes at
    the transcript's own measured rate, never beyond the segment.
    """
    out: list[Word] = []
    for s in segments:
        toks = tokens(s.text)
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
              "overlap", "order", "empty", "line_break")


def qa(cues: list[Cue], rules: Rules, left_out: int = 0) -> dict:
    """Per rule: how many cues break it, the worst one, and how many of those the speech itself
    forces (`forced`: the speech is faster than the reading speed, or the next cue's words begin
    before this one could have lasted its minimum, or no line break is left that does not dangle)."""
    report: dict[str, dict] = {r: {"count": 0, "forced": 0, "worst": None} for r in RULE_NAMES}

    def flag(rule: str, cue_no: int, value: float, detail: str, forced: bool = False) -> None:
        r = report[rule]
        r["count"] += 1
        r["forced"] += forced
        if r["worst"] is None or value > r["worst"]["value"]:
            r["worst"] = {"cue": cue_no, "value": round(value, 3), "detail": detail}

    for n, c in enumerate(cues, 1):
        dur = c.end - c.start
        nxt = cues[n] if n < len(cues) else None
        for line in c.lines:
            if len(line) > rules.max_chars:
                flag("chars_per_line", n, len(line), f"{len(line)} characters: {line!r}", len(line.split()) == 1)
        for k in range(len(c.lines) - 1):
            top, bottom = c.lines[k].split(" "), c.lines[k + 1].split(" ")
            if dangles(top[-1], bottom[0]):
                flag("line_break", n, 1, f"line ends on {top[-1]!r}: {c.lines[k]!r}",
                     wrap_clean(c, rules) is None)
        if len(c.lines) > rules.max_lines:
            flag("lines", n, len(c.lines), f"{len(c.lines)} lines")
        if not c.text.strip():
            flag("empty", n, 1, "no text")
        room = (nxt.words[0].start - rules.min_gap if nxt else None)
        if dur < rules.min_duration:
            flag("min_duration", n, rules.min_duration - dur,
                 f"{dur} ms on screen, needs {rules.min_duration} ms: {c.text[:40]!r}",
                 room is not None and room - c.words[0].start < rules.min_duration)
        fast = _too_fast_to_fix(c, nxt, rules)
        if dur < len(c.words) * rules.min_ms_per_word:
            flag("reading_speed", n, len(c.words) * rules.min_ms_per_word - dur,
                 f"{dur} ms for {len(c.words)} words, needs {len(c.words) * rules.min_ms_per_word} ms", fast)
        elif rules.max_cps and len(rules.joiner.join(w.word for w in c.words)) / (dur / 1000) > rules.max_cps + 1e-9:
            cps = len(rules.joiner.join(w.word for w in c.words)) / (dur / 1000)
            flag("reading_speed", n, cps, f"{cps:.1f} characters/s", fast)
        elif rules.max_wpm and len(c.words) / (dur / 60_000) > rules.max_wpm + 1e-9:
            wpm = len(c.words) / (dur / 60_000)
            flag("reading_speed", n, wpm, f"{wpm:.0f} words/min", fast)
        if dur > rules.max_duration:
            flag("max_duration", n, dur, f"{dur} ms on screen: {c.text[:40]!r}",
                 len(c.words) == 1 or c.words[-1].end - c.words[0].start > rules.max_duration)
        if n > 1:
            prev = cues[n - 2]
            if c.start < prev.end:
                flag("overlap", n, prev.end - c.start, f"starts {prev.end - c.start} ms before cue {n - 1} ends")
            elif c.start - prev.end < rules.min_gap:
                flag("min_gap", n, rules.min_gap - (c.start - prev.end), f"{c.start - prev.end} ms after cue {n - 1}")
            if c.start <= prev.start:
                flag("order", n, prev.start - c.start, "does not start after the previous cue")
    return {"preset": rules.name, "cues": len(cues), "lines": sum(len(c.lines) for c in cues),
            "rules": report, "speech_too_fast": report["reading_speed"]["forced"], "words_past_audio": left_out}


def wrap_clean(cue: Cue, rules: Rules) -> list[str] | None:
    """The cue's words broken into lines with no line left dangling, if the line grid allows it."""
    tokens = [w.word for w in cue.words]
    best = None
    for k in range(1, len(tokens)):
        top, bottom = rules.joiner.join(tokens[:k]), rules.joiner.join(tokens[k:])
        if len(top) <= rules.max_chars and len(bottom) <= rules.max_chars and not dangles(tokens[k - 1], tokens[k]):
            best = [top, bottom]
    return best


def _too_fast_to_fix(cue: Cue, nxt: Cue | None, rules: Rules) -> bool:
    """Whether the speech itself outruns the reading speed: the text needs more time than there is
    from its first word to the next cue's first word (or its last word plus linger, at the end)."""
    room = (nxt.words[0].start - rules.min_gap if nxt else cue.words[-1].end + rules.linger) - cue.words[0].start
    text = rules.joiner.join(w.word for w in cue.words)
    return _reading_ms(text, len(cue.words), rules) > max(1, room)
