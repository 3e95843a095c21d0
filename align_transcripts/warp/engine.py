"""Alignment by synthesis and warping, for languages the acoustic model was not trained on.

The transcript is read aloud by espeak-ng, turn by turn (synth.py), with the recording's own
background noise under it; both are turned into phone posteriors by the en-us model's
context-independent phones (42 classes, silence and noise among them: a phonetic space in
which a synthetic and a real voice are closer than in raw cepstra); the recording is warped
onto the reading (dtw.py), first coarsely inside a band around where the stamps put each turn,
then at 10 ms around the coarse path. Each word takes the recording's frames that warp onto
its part of the reading. Pauses of the reading (between sentences and turns) may absorb any
recording at what a garbage model (the language's average phones) would pay for it, a little
more, so a cough, an intro or an aside nobody transcribed can be passed over rather than
stretched onto words (a long insertion is not: see docs/languages.md). A word whose reading
explains its frames no better than the language's average phones do (MIN_CONTRAST) is left
unaligned, its times interpolated, never claimed; a transcript whose reading explains the recording little better than the same reading
backwards is not of this recording (MATCH_MARGIN): none of its words is placed.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..acoustic.features import cepstra, features
from ..acoustic.model import ci_senones, load_model
from ..acoustic.scores import mixture_scores
from ..aligner import assemble
from ..anchor import Reader
from ..audio import RATE, Audio
from ..boundaries import refine_pause_edges, within_speech
from ..types import Placed, Segment, Token, Tried, TurnTrace, Word
from ..vad import speech_regions
from .dtw import NoPath, band_around, warp
from .languages import Language
from .synth import FRAME, read_aloud
from .verify import Heard, heard_gaps, phones, unheard
from .words import closes_sentence, speakable, units, words

__all__ = ["WarpToken", "align_warp", "warp_tokens"]

COARSE = 8  # frames per coarse step (80 ms)
# the fine pass looks this many frames (1 s) either side of the coarse path; at 400 ms the French
# DEV clip's words flipped between 43 and 80 ms mean error with a 10 ms change in the reading
FINE_REACH = 100
BAND_MS = 20_000  # where stamps place the turns, the coarse band reaches this far either side
FREE_BAND = 0.3  # with no stamps, a fraction of the whole recording either side...
FREE_BAND_MAX_MS = 120_000  # ... but no more than this (the band's memory and time grow with its width)
ABSORB = 0.5  # a frame passed over in a pause of the reading costs this much more than against the garbage model (nats)
# Is it the recording's transcript: nats a coarse frame of the reading's speech by which its warp
# beats the same reading's backwards. DEV, right: de, es, fr, zh 0.45-1.25, the 80 TIMIT utterances
# 0.19-2 (median 1.2); wrong (es text on de audio, de on es, fr on es, zh on fr): -0.09 to 0.13.
MATCH_MARGIN = 0.15
# Evidence for one word: nats a frame by which its reading explains its frames better than the
# language's average phones (DEV, read right: 1 % of words below -2.4)
MIN_CONTRAST = -3.0
SMOOTH = 3  # frames of phone posteriors averaged (TIMIT half A: 31 -> 30 ms; half B 32 -> 31)
FLOOR = 1e-4  # posterior floor in the cost -log(p_recording . p_reading)


@dataclass(frozen=True)
class WarpToken:
    """A word of a turn as the warp sees it."""

    text: str
    segment: int
    speaker: str
    line: int | None
    said: tuple[str, ...]  # what the synthesizer reads for each of its units ("" for a sound tag)
    sentence_end: bool
    units: tuple[str, ...]  # its pieces timed apart (a Chinese word's characters; else the word)


def warp_tokens(segments: tuple[Segment, ...], lang: Language) -> list[WarpToken]:
    out = []
    for seg in segments:
        ws = words(seg.text, lang)
        for k, w in enumerate(ws):
            nxt = ws[k + 1] if k + 1 < len(ws) else None
            parts = tuple(units(w, lang))
            out.append(WarpToken(w, seg.index, seg.speaker, seg.line, tuple(speakable(u, lang) for u in parts),
                                 closes_sentence(w, nxt, lang), parts))
    return out


# A probe of another language's words, read by its espeak-ng voice and mapped onto the en-us
# model's phones, is the probe where it matches at least this well (nats a frame below the free
# phone loop): see spotting_reader.
SPOT_GAP = -4.0


def spotting_reader(lang: Language) -> Reader:
    """How anchoring (anchor.py) reads a transcript in another language: the warp's words, each
    unit's phones as the language's voice says them (verify.phones), and its own spot threshold."""
    def tokens(seg: Segment) -> list[Token]:
        return [Token(t.text, t.segment, t.speaker, t.line, tuple(u for u in t.said if u), t.sentence_end, k)
                for k, t in enumerate(warp_tokens((seg,), lang))]

    return Reader(tokens, lambda said: phones(said, lang.voice), SPOT_GAP)


def phone_posteriors(samples: np.ndarray) -> np.ndarray:
    """(frames, phones) posteriors of the model's context-independent phones per 10 ms frame."""
    model = load_model()
    ci = ci_senones(model)
    to_phone = np.zeros((len(ci), len(model.phones)), dtype=np.float32)  # senone -> its base phone
    to_phone[np.arange(len(ci)), model.sen2cb[ci]] = 1.0
    feats = features(cepstra(samples))
    out = np.zeros((len(feats), len(model.phones)), dtype=np.float32)
    step = 6000
    for a in range(0, len(feats), step):
        sc = mixture_scores(model, feats[a:a + step], ci)
        p = np.exp(sc - sc.max(axis=1, keepdims=True))
        out[a:a + step] = (p / p.sum(axis=1, keepdims=True)) @ to_phone
    if SMOOTH > 1 and len(out) >= SMOOTH:
        kernel = np.ones(SMOOTH, dtype=np.float32) / SMOOTH
        out = np.stack([np.convolve(out[:, k], kernel, mode="same") for k in range(out.shape[1])], axis=1)
    return out


def _room(samples: np.ndarray) -> tuple[np.ndarray, float]:
    """The recording's quietest tenth (its background), and its loud level (rms of the 90th percentile frame)."""
    n = len(samples) // FRAME
    if n < 10:
        return np.zeros(FRAME, np.float32), 1000.0
    frames = samples[: n * FRAME].astype(np.float32).reshape(n, FRAME)
    energy = (frames * frames).mean(axis=1)
    quiet = frames[energy <= np.percentile(energy, 10)].ravel()
    return quiet, float(np.sqrt(np.percentile(energy, 90)))


def _reading(segments, tokens: list[WarpToken], lang: Language, samples: np.ndarray):
    """The whole transcript read aloud in the recording's room: samples, each token's units' spans
    (samples, None for a unit that says nothing), each segment's span in the reading, and a mask of
    the reading's pause frames."""
    by_seg: dict[int, list[int]] = {}
    for k, t in enumerate(tokens):
        by_seg.setdefault(t.segment, []).append(k)
    parts: list[np.ndarray] = []
    spans: list[list[tuple[int, int] | None]] = [[None] * len(t.units) for t in tokens]
    seg_spans: dict[int, tuple[int, int]] = {}
    at = 0
    for seg in segments:
        idx = by_seg.get(seg.index, [])
        if not any(any(tokens[k].said) for k in idx):
            continue
        sentences, cur = [], []
        for k in idx:
            cur.append(k)
            if tokens[k].sentence_end:
                sentences.append(cur)
                cur = []
        if cur:
            sentences.append(cur)
        r = read_aloud(lang.voice, [[u for k in s for u in tokens[k].said] for s in sentences])
        flat = [(k, j) for s in sentences for k in s for j in range(len(tokens[k].units))]
        for (k, j), span in zip(flat, r.spans):
            spans[k][j] = None if span is None else (at + span[0], at + span[1])
        seg_spans[seg.index] = (at, at + len(r.samples))
        parts.append(r.samples)
        at += len(r.samples)
    clean = np.concatenate(parts) if parts else np.zeros(0, np.float32)
    quiet, loud = _room(samples)
    n = len(clean) // FRAME
    e = (clean[: n * FRAME].reshape(n, FRAME) ** 2).mean(axis=1) if n else np.zeros(0)
    own = float(np.sqrt(np.percentile(e, 90))) if n else 1.0
    reading = clean * (loud / max(own, 1e-3)) + np.resize(quiet, len(clean))
    speech = np.zeros(n + 1, dtype=bool)
    for s in (u for t in spans for u in t):
        if s:
            speech[s[0] // FRAME: s[1] // FRAME + 1] = True
    return reading, spans, seg_spans, ~speech


def _expected(segments, seg_spans: dict[int, tuple[int, int]], frames: int, columns: int) -> np.ndarray:
    """Per recording frame, the reading frame where the stamps (or the estimate) put it. A stamped
    turn is read from its stamp at the reading's own pace and then waits for the next stamp (a slot
    longer than its speech holds silence, or audio nobody transcribed, not slower speech)."""
    xs, ys = [0.0], [0.0]
    for s in segments:
        if s.index in seg_spans:
            a, b = seg_spans[s.index]
            start, end = s.start / 10, max(s.start / 10 + 1, s.end / 10)
            if s.stamp is not None:
                end = min(end, start + (b - a) / FRAME)
            xs += [start, end]
            ys += [a / FRAME, b / FRAME]
    xs.append(frames)
    ys.append(columns)
    order = np.argsort(xs, kind="stable")
    return np.interp(np.arange(frames), np.asarray(xs)[order], np.maximum.accumulate(np.asarray(ys)[order]))


def _path_cost(cost, lo: np.ndarray, hi: np.ndarray, path: np.ndarray | None = None) -> float:
    """Total cost along the cheapest path (or the path given)."""
    path = warp(cost, lo, hi) if path is None else path
    return float(sum(cost(i, int(path[i]), int(path[i]) + 1)[0] for i in range(len(path))))


def _match_margin(forwards, backwards, lo: np.ndarray, hi: np.ndarray, path: np.ndarray, pause: np.ndarray) -> float:
    """Is this the recording's transcript? Nats by which its reading's warp (the path given) beats
    the same reading played backwards, per frame the reading's speech explains: the warp's freedom
    fits any speech somewhat, a reversal cancels that, and untranscribed audio costs the same either way."""
    spoken = max(1, int((~pause[path]).sum()))
    return (_path_cost(backwards, lo, hi) - _path_cost(forwards, lo, hi, path)) / spoken


def _garbage(pa: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """Per recording frame, what explaining it by the garbage model costs: against the language's
    average phone distribution (the reading's speech frames pooled), plus ABSORB."""
    return (-np.log(pa @ prior + FLOOR) + ABSORB).astype(np.float32)


def _pool(p: np.ndarray, k: int) -> np.ndarray:
    n = -(-len(p) // k)
    pad = np.concatenate([p, np.repeat(p[-1:], n * k - len(p), axis=0)]) if len(p) else p
    return pad.reshape(n, k, -1).mean(axis=1)


def _costs(pa: np.ndarray, pr: np.ndarray, pause: np.ndarray, garbage: np.ndarray):
    """Row i's costs: -log(p_recording . p_reading); in a pause of the reading, at most what the
    recording's frame costs against the garbage model (the language's average phones) plus ABSORB."""
    def row(i: int, a: int, b: int) -> np.ndarray:
        c = -np.log(pr[a:b] @ pa[i] + FLOOR).astype(np.float32)
        np.minimum(c, garbage[i], out=c, where=pause[a:b])
        return c
    return row


# Where anchoring found audio nobody transcribed before the first turn (an intro), the warp sees
# the recording from this far before that turn's slot on: the intro is not passed through the
# reading's opening pause, where its end, said in a voice, was taken for the first words (a German
# reading after 70 s of Spanish: its first turns 5-7 s early). Anchoring leaves offsets under
# anchor.REACH_MS (3 s) to the aligner, and stamps are floored to the second. Only there: a partial
# transcript whose stamps are right is warped over the whole recording, where the evidence test
# refuses it, as before (cut to its first stamp, its one-word first line was put 3.7 s early).
LEAD_MS = 4_000


def align_warp(segments: tuple[Segment, ...], audio: Audio, lang: Language, again: bool = True,
               intro: bool = False, regions: list[tuple[int, int]] | None = None) -> tuple[list[Word], tuple[TurnTrace, ...]]:
    """Every word of every segment as a Word (aligned or not) in transcript order, and a trace per
    turn. again: turns given up by the verification are warped again between where they were heard.
    intro: anchoring found untranscribed audio before the first turn: the recording before LEAD_MS
    ahead of the first turn's slot is left out. regions: the recording's speech (vad.speech_regions;
    found here when not given)."""
    lo = segments[0].start - LEAD_MS if segments and intro else 0
    if lo <= 0:
        return _align_warp(segments, audio, lang, speech_regions(audio.samples) if regions is None else regions, again)
    # the speech detector's floor measured on the part warped, not on the intro left out
    part = Audio(audio.samples[lo * RATE // 1000:], audio.path)
    words, trace = _align_warp(tuple(replace(s, start=s.start - lo, end=max(s.start, s.end) - lo) for s in segments),
                               part, lang, speech_regions(part.samples), again)
    return [replace(w, start=w.start + lo, end=w.end + lo, chars=tuple((c, a + lo, b + lo) for c, a, b in w.chars))
            for w in words], trace


def _within(regions: list[tuple[int, int]], lo: int, hi: int) -> list[tuple[int, int]]:
    """The recording's speech regions between lo and hi, in ms from lo."""
    return [(max(a, lo) - lo, min(b, hi) - lo) for a, b in regions if b > lo and a < hi]


def _align_warp(segments: tuple[Segment, ...], audio: Audio, lang: Language, regions: list[tuple[int, int]],
                again: bool = True) -> tuple[list[Word], tuple[TurnTrace, ...]]:
    tokens = warp_tokens(segments, lang)
    if not any(any(t.said) for t in tokens):
        return _assemble(tokens, segments, {}), ()
    reading, spans, seg_spans, pause_mask = _reading(segments, tokens, lang, audio.samples)
    pa, pr = phone_posteriors(audio.samples), phone_posteriors(reading)
    n, m = len(pa), len(pr)
    pause = np.zeros(m, dtype=bool)
    pause[: min(m, len(pause_mask))] = pause_mask[:m]
    stamped = any(s.stamp is not None for s in segments)
    reach = BAND_MS // 10 if stamped else min(FREE_BAND_MAX_MS // 10, max(BAND_MS // 10, int(FREE_BAND * max(n, m))))
    centre = _expected(segments, seg_spans, n, m)
    prior = pr[~pause].mean(axis=0) if (~pause).any() else pr.mean(axis=0)
    # coarse: 80 ms steps inside the band around the stamps
    ca, cr = _pool(pa, COARSE), _pool(pr, COARSE)
    cpause = _pool(pause[:, None].astype(np.float32), COARSE)[:, 0] > 0.5
    lo, hi = band_around(centre[::COARSE] / COARSE, reach // COARSE + 1, len(cr))
    coarse_garbage = _garbage(ca, prior)
    coarse_costs = _costs(ca, cr, cpause, coarse_garbage)
    coarse = warp(coarse_costs, lo, hi)
    margin = _match_margin(coarse_costs, _costs(ca, cr[::-1].copy(), cpause[::-1].copy(), coarse_garbage),
                           lo, hi, coarse, cpause)
    # fine: 10 ms steps near the coarse path
    guide = np.repeat(coarse * COARSE + COARSE // 2, COARSE)[:n]
    lo, hi = band_around(guide, FINE_REACH + COARSE, m)
    garbage = _garbage(pa, prior)
    path = warp(_costs(pa, pr, pause, garbage), lo, hi)
    # evidence per frame: how much better the reading explains the recording than the language's
    # average phone distribution does (a wrong text scores about 0, the right one clearly above)
    contrast = (garbage - ABSORB) + np.log(np.einsum("ij,ij->i", pa, pr[path]) + FLOOR)
    placed: dict[int, Placing] = {}
    for k, unit_spans in enumerate(spans):
        times = [_rows(path, span) for span in unit_spans]
        heard = [t for t in times if t is not None]
        if not heard:
            continue
        start, end = heard[0][0], heard[-1][1]
        chars = tuple((u, t[0] * 10, t[1] * 10) for u, t in zip(tokens[k].units, times) if t is not None)
        placed[k] = Placing(start * 10, end * 10, float(contrast[start:end].mean()), chars if len(chars) > 1 else ())
    if margin < MATCH_MARGIN:
        placed = {}
    words_out = _placed_words(tokens, segments, placed, audio, regions)
    # each turn's first and last words spotted where the warp put them (verify.py): a turn not heard
    # there had untranscribed audio spread over it (or its text is not in the recording)
    said = [" ".join(u for u in t.said if u) for t in tokens]
    checked = heard_gaps(words_out, said, audio.samples, lang.voice)
    # a stretch warped again (again=False) is held to the strict test: each turn heard clearly where
    # put (its first stretch held the audio nobody transcribed, spread over its turns once more)
    lost = unheard([s.index for s in segments], checked, strict=not again)
    redone: dict[int, Placing] = {}
    inner: dict[int, TurnTrace] = {}
    if lost and again:
        redone, inner = _warp_again(segments, words_out, lost, checked, audio, lang, regions)
    if lost:
        kept = {k: p for k, p in placed.items() if tokens[k].segment not in lost}
        words_out = _placed_words(tokens, segments, kept | redone, audio, regions)
    trace = tuple(_turn_trace(s.index, sum(t.segment == s.index for t in tokens), lost.get(s.index),
                              inner.get(s.index), again)
                  for s in segments if s.index in seg_spans)
    return words_out, trace


AGAIN_MARGIN_MS = 300  # a stretch warped again begins this far before the first words heard there


def _warp_again(segments: tuple[Segment, ...], words: list[Word], lost: dict[int, str], checked: dict[int, tuple[Heard, ...]],
                audio: Audio, lang: Language, regions: list[tuple[int, int]]) -> tuple[dict[int, Placing], dict[int, TurnTrace]]:
    """The turns given up, warped again piece by piece: a run of them lies between the words still
    placed before and after it; it is cut where a turn of it was heard elsewhere (its first words,
    spotted), and each piece is warped alone on its stretch, verified again. The audio nobody
    transcribed is then inside one piece only, whose turns the verification gives up again (or
    whose reading no longer matches at all); the others are where they were heard.
    Returns token index -> placing, and segment -> its trace in the piece."""
    by_index = {s.index: s for s in segments}
    runs: list[list[int]] = []
    previous_lost = False
    for seg in segments:
        if seg.index in lost:
            if previous_lost:
                runs[-1].append(seg.index)
            else:
                runs.append([seg.index])
        previous_lost = seg.index in lost
    first: dict[int, int] = {}  # segment -> where its first word was placed (before it was given up)
    span: dict[int, tuple[int, int]] = {}  # segment -> its words' indices [a, b)
    for k, w in enumerate(words):
        if w.aligned:
            first.setdefault(w.segment, w.start)
        a, _ = span.get(w.segment, (k, k))
        span[w.segment] = (a, k + 1)
    out: dict[int, Placing] = {}
    traces: dict[int, TurnTrace] = {}
    for run in runs:
        lo = max((w.end for w in words[:span[run[0]][0]] if w.aligned and w.segment not in lost), default=0)
        hi = min((w.start for w in words[span[run[-1]][1]:] if w.aligned and w.segment not in lost), default=audio.duration)
        cuts: list[tuple[int, int]] = []  # (position in run, where its first words were heard)
        for n, seg_index in enumerate(run):
            h = next((x for x in checked.get(seg_index, ()) if x.part == "first"), None)
            if h is None or not h.elsewhere or seg_index not in first:
                continue
            at = first[seg_index] + h.moved - AGAIN_MARGIN_MS
            if (cuts[-1][1] if cuts else lo) < at < hi:
                cuts.append((n, at))
        edges = [(0, lo)] + cuts if not cuts or cuts[0][0] > 0 else cuts
        for (n, a), (m, b) in zip(edges, [*edges[1:], (len(run), hi)]):
            piece = run[n:m]
            if b - a < 1000 or not piece:
                continue
            placings, trace = _piece(piece, by_index, words, a, b, audio, lang, regions)
            out |= placings
            traces |= {t.segment: t for t in trace}
    return out, traces


def _piece(piece: list[int], by_index: dict[int, Segment], words: list[Word], lo: int, hi: int, audio: Audio,
           lang: Language, regions: list[tuple[int, int]]) -> tuple[dict[int, Placing], tuple[TurnTrace, ...]]:
    """The piece's turns warped alone on [lo, hi) ms: token index -> placing, and their traces."""
    segs, at = [], 0
    total = sum(len(by_index[s].text) for s in piece) or 1
    for s in piece:  # no stamps: each turn's share of the stretch by its text
        a = at * (hi - lo) // total
        at += len(by_index[s].text)
        segs.append(replace(by_index[s], start=a, end=at * (hi - lo) // total, stamp=None))
    try:
        got, trace = _align_warp(tuple(segs), Audio(audio.samples[lo * RATE // 1000: hi * RATE // 1000]), lang,
                                 _within(regions, lo, hi), again=False)
    except NoPath:  # the stretch is too short for its reading (a part cut out)
        return {}, tuple(TurnTrace(s, 0, None, (Tried("warp-again", "its stretch is too short for its words"),))
                         for s in piece)
    members = set(piece)
    index = [k for k, w in enumerate(words) if w.segment in members]
    out = {}
    for k, w in zip(index, got):
        if w.aligned:
            score = min(max(w.score, 1e-6), 1 - 1e-6)  # the placing's evidence, as the score was made of it
            out[k] = Placing(w.start + lo, w.end + lo, float(np.log(score / (1 - score))),
                             tuple((c, x + lo, y + lo) for c, x, y in w.chars))
    return out, trace


def _turn_trace(segment: int, tokens: int, lost: str | None, inner: TurnTrace | None, again: bool) -> TurnTrace:
    """The turn's trace: placed by the warp, or given up (lost: why) and then warped again or not."""
    if lost is None:
        return TurnTrace(segment, tokens, "warp", (Tried("warp"),))
    first = Tried("warp", lost)
    if not again:
        return TurnTrace(segment, tokens, None, (first,))
    if inner is not None and inner.placed_by is not None:
        return TurnTrace(segment, tokens, "warp-again", (first, Tried("warp-again")))
    why = inner.tried[-1].reason if inner is not None and inner.tried else "nothing of it heard in its stretch"
    return TurnTrace(segment, tokens, None, (first, Tried("warp-again", why)))


def _placed_words(tokens: list[WarpToken], segments, placed: dict[int, Placing], audio: Audio,
                  regions: list[tuple[int, int]]) -> list[Word]:
    refined = refine_pause_edges(_assemble(tokens, segments, placed), audio.samples)
    return [_fit_chars(w) for w in within_speech(refined, regions)]


@dataclass(frozen=True)
class Placing:
    """Where the warp put a word: its span (ms), its evidence (MIN_CONTRAST), its characters' spans."""

    start: int
    end: int
    contrast: float
    chars: tuple[tuple[str, int, int], ...] = ()


def _rows(path: np.ndarray, span: tuple[int, int] | None) -> tuple[int, int] | None:
    """The recording's frames [first, last + 1) that warp onto a span of the reading (samples)."""
    if span is None:
        return None
    a, b = span[0] // FRAME, max(span[0] // FRAME + 1, span[1] // FRAME)
    rows = np.nonzero((path >= a) & (path < b))[0]
    return (int(rows[0]), int(rows[-1]) + 1) if len(rows) else None


def _fit_chars(w: Word) -> Word:
    """A word's characters inside its edges, once the edges have moved onto the pauses."""
    if not w.chars:
        return w
    chars = [(c, max(w.start, min(a, w.end)), max(w.start, min(b, w.end))) for c, a, b in w.chars]
    chars[0] = (chars[0][0], w.start, chars[0][2])
    chars[-1] = (chars[-1][0], chars[-1][1], w.end)
    return replace(w, chars=tuple(chars))


def _assemble(tokens: list[WarpToken], segments, placed: dict[int, Placing]) -> list[Word]:
    """Words in order, as the acoustic engine assembles them (aligner.assemble: out-of-order
    placements dropped, the rest interpolated, aligned=False): a word with too little evidence
    (MIN_CONTRAST) counts as not placed. A Chinese word keeps its characters' times."""
    toks = [Token(t.text, t.segment, t.speaker, t.line, tuple(u for u in t.said if u), t.sentence_end, k)
            for k, t in enumerate(tokens)]
    good = {k: Placed(k, p.start, p.end, float(1 / (1 + np.exp(-p.contrast))))
            for k, p in placed.items() if p.contrast >= MIN_CONTRAST}
    out = assemble(segments, toks, good)
    return [replace(w, chars=placed[k].chars) if w.aligned and k in placed else w for k, w in enumerate(out)]
