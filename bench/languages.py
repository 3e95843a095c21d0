"""The synthesis-and-warp engine (align_transcripts/warp/) against the references in ../shared/data/speech/lang/,
and against the acoustic engine on English TIMIT.

    python bench/languages.py                 # every measurement
    python bench/languages.py fr zh en        # some of them (fr, zh, en, de (also es), ads)
    python bench/languages.py scale           # speed and memory on 10 minutes: alone, for its peak

fr: sentence edges against the 5 hand-transcribed IPU intervals, word edges against SPPAS's forced
alignment (machine). zh: character edges against Charsiu's (machine), and the two clips' speech
edges. en: TIMIT's human word boundaries, the warp engine beside the acoustic one, by speaker
halves (every other speaker by name, and the rest). de, es: no reference times exist; the words
placed, and the cost. ads: German with 30 s of Spanish inserted, against the clean run. intro: each
reading stamped, after a minute of the other, through the whole pipeline (anchoring). Costs are
CPU seconds per audio second (process time, one worker).
"""
from __future__ import annotations

import re
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from align_transcripts.aligner import align  # noqa: E402
from align_transcripts.audio import RATE, Audio, decode  # noqa: E402
from align_transcripts.types import Segment, Word  # noqa: E402
from align_transcripts.warp.engine import align_warp  # noqa: E402
from align_transcripts.warp.languages import language  # noqa: E402

LANG = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "speech" / "lang"
TIMIT = LANG.parent / "timit"


def _seg(index: int, text: str, start: int, end: int) -> Segment:
    return Segment(index, "S", start, end, text, index, None)


def _letters(text: str) -> str:
    return re.sub(r"[^\w]", "", text.lower().replace("_", ""))


def _pairs(mine: list, ref: list[tuple[float, float, str]]) -> tuple[list[float], list[float]]:
    """Edges where a word of ours and a reference word begin (or end) at the same letter of the text."""
    def bounds(items):
        starts, ends, at = {}, {}, 0
        for k, text in enumerate(items):
            n = len(_letters(text))
            if n:
                starts[at], ends[at + n] = k, k
            at += n
        return starts, ends
    ms, me = bounds([w.word for w in mine])
    rs, re_ = bounds([r[2] for r in ref])
    s_err = [abs(mine[ms[p]].start / 1000 - ref[rs[p]][0]) for p in ms if p in rs and mine[ms[p]].aligned]
    e_err = [abs(mine[me[p]].end / 1000 - ref[re_[p]][1]) for p in me if p in re_ and mine[me[p]].aligned]
    return s_err, e_err


def _row(name: str, errs: list[float], extra: str = "") -> str:
    e = np.array(errs) * 1000
    if not len(e):
        return f"| {name} | 0 | - | - | - | - | {extra} |"
    return (f"| {name} | {len(e)} | {e.mean():.0f} | {np.median(e):.0f} | "
            + " / ".join(f"{(e <= x).mean() * 100:.1f}" for x in (50, 100, 200)) + f" | {e.max():.0f} | {extra} |")


HEADER = "| what | edges | mean ms | median ms | within 50 / 100 / 200 ms % | max ms | notes |\n|---|---|---|---|---|---|---|"


def _cpu(fn, *args):
    t0 = time.process_time()
    out = fn(*args)
    return out, time.process_time() - t0


READINGS = {"de": LANG / "deu_aeneas_librivox_simplicissimus" / "de", "es": LANG / "spa_aeneas_librivox_capitan_veneno" / "es"}


def _reading(code: str) -> tuple[list[str], Audio]:
    """A LibriVox reading's text fragments and its audio."""
    stem = READINGS[code]
    text = stem.with_suffix(".txt").read_text().splitlines()
    return [line.split("|", 1)[1].strip() for line in text if "|" in line], decode(str(stem.with_suffix(".mp3")))


def _by_text(texts: list[str], duration: int) -> tuple[Segment, ...]:
    """One plain-text turn a text, its slot its share of the recording by length (as reconcile estimates)."""
    total, at, out = sum(map(len, texts)), 0, []
    for k, t in enumerate(texts):
        a = at * duration // total
        at += len(t)
        out.append(_seg(k + 1, t, a, at * duration // total))
    return tuple(out)


def _french_ipus() -> list[tuple[float, float, str]]:
    from praatio import textgrid

    tg = textgrid.openTextgrid(str(LANG / "fra_sppas_F_F_B003-P8" / "F_F_B003-P8.TextGrid"), includeEmptyIntervals=False)
    return [(e.start, e.end, re.sub(r"^\w+_\d+ ", "", e.label).replace(" + ", " ").strip())
            for e in tg.getTier("transcription").entries if re.match(r"(ipu|gpd)_\d+ ", e.label)]


def french() -> list[str]:
    d = LANG / "fra_sppas_F_F_B003-P8"
    ipus = _french_ipus()
    audio = decode(str(d / "F_F_B003-P8.wav"))
    # no stamps: the plain-text case; reconcile's text-share estimate stands in for the stamps
    est = _by_text([t for _, _, t in ipus], audio.duration)
    (words, _), cpu = _cpu(align_warp, tuple(est), audio, language("fr"))
    edges = []
    for s, (a, b, _) in zip(est, ipus):
        mine = [w for w in words if w.segment == s.index and w.aligned]
        edges += [abs(mine[0].start / 1000 - a), abs(mine[-1].end / 1000 - b)]
    xra = (d / "F_F_B003-P8-palign.xra").read_text()
    tier = xra.split('tiername="TokensAlign"')[1].split("</Tier>")[0]
    ref = [(float(m.group(1)), float(m.group(2)), m.group(3)) for m in
           re.finditer(r'<Begin midpoint="([\d.]+)".*?<End midpoint="([\d.]+)".*?<Tag>(.*?)</Tag>', tier, re.S)
           if m.group(3) not in ("#", "+")]
    s_err, e_err = _pairs(words, ref)
    placed = sum(w.aligned for w in words)
    return [_row("fr sentence edges (IPUs, hand)", edges, f"{placed}/{len(words)} words placed"),
            _row("fr word edges (SPPAS, machine)", s_err + e_err, f"{cpu / (audio.duration / 1000) * 1000:.0f} ms CPU per audio s")]


def mandarin() -> list[str]:
    from praatio import textgrid

    d = LANG / "cmn_charsiu_aishell3"
    rows, chars, edges, cpu_all, dur_all = [], [], [], 0.0, 0
    for name in ("SSB00050015", "SSB16240001"):
        tg = textgrid.openTextgrid(str(d / f"{name}.TextGrid"), includeEmptyIntervals=False)
        tier = "words" if "words" in tg.tierNames else "phones"
        ref = [(e.start, e.end, e.label) for e in tg.getTier(tier).entries if e.label != "[SIL]"]
        speech = [e for e in tg.getTier("phones").entries if e.label != "[SIL]"]
        text = "经广州日报报道后成为了社会热点。" if name == "SSB00050015" else "这绝对不行。"
        audio = decode(str(d / f"{name}_16k.wav"))
        (words, _), cpu = _cpu(align_warp, (_seg(1, text, 0, audio.duration),), audio, language("zh"))
        cpu_all += cpu
        dur_all += audio.duration
        placed = [w for w in words if w.aligned]
        edges += [abs(placed[0].start / 1000 - speech[0].start), abs(placed[-1].end / 1000 - speech[-1].end)]
        if tier == "words":
            per_char = [replace(w, word=c, start=a, end=b) for w in words for c, a, b in (w.chars or ((w.word, w.start, w.end),))]
            s_err, e_err = _pairs(per_char, ref)
            chars += s_err + e_err
    rows.append(_row("zh speech edges (Charsiu, machine)", edges))
    rows.append(_row("zh character edges (Charsiu, machine)", chars, f"{cpu_all / (dur_all / 1000) * 1000:.0f} ms CPU per audio s"))
    return rows


def _timit() -> list[tuple[str, Path]]:
    return [(p.parent.name, p) for p in sorted(TIMIT.glob("*/*.wav"))]


def english() -> list[str]:
    """TIMIT: both engines on every utterance, by speaker halves."""
    items = _timit()
    speakers = sorted({s for s, _ in items})
    halves = {s: ("A" if k % 2 == 0 else "B") for k, s in enumerate(speakers)}
    errs: dict[tuple[str, str], list[float]] = {}
    sent: dict[str, list[float]] = {}
    cpu = {"acoustic": 0.0, "warp": 0.0}
    unplaced = {"acoustic": 0, "warp": 0}
    words_seen = {"acoustic": 0, "warp": 0}
    total = 0
    for spk, wav in items:
        text = wav.with_suffix(".txt").read_text().split(" ", 2)[2].strip()
        ref = [(int(a) / 16000, int(b) / 16000, w) for a, b, w in
               (line.split() for line in wav.with_suffix(".wrd").read_text().splitlines() if line.strip())]
        audio = decode(str(wav))
        total += audio.duration
        seg = (_seg(1, text, 0, audio.duration),)
        for engine in ("acoustic", "warp"):
            if engine == "acoustic":
                done, c = _cpu(align, seg, audio, 1)
                words = done.words
            else:
                (words, _), c = _cpu(align_warp, seg, audio, language("en"))
            cpu[engine] += c
            s_err, e_err = _pairs(words, ref)
            errs.setdefault((engine, halves[spk]), []).extend(s_err + e_err)
            unplaced[engine] += sum(not w.aligned for w in words)
            words_seen[engine] += len(words)
            placed = [w for w in words if w.aligned]
            if placed:
                sent.setdefault(engine, []).extend([abs(placed[0].start / 1000 - ref[0][0]),
                                                    abs(placed[-1].end / 1000 - ref[-1][1])])
    rows = []
    for engine in ("acoustic", "warp"):
        for half in ("A", "B"):
            who = ", ".join(s for s in speakers if halves[s] == half)
            rows.append(_row(f"en TIMIT words, {engine}, half {half}", errs.get((engine, half), []), who))
        rows.append(_row(f"en TIMIT sentence edges, {engine}", sent.get(engine, []),
                         f"{cpu[engine] / (total / 1000) * 1000:.0f} ms CPU per audio s; "
                         f"{unplaced[engine]} of {words_seen[engine]} words unplaced"))
    return rows


def unreferenced() -> list[str]:
    rows = []
    for code in ("de", "es"):
        frags, audio = _reading(code)
        (words, _), cpu = _cpu(align_warp, _by_text(frags, audio.duration), audio, language(code))
        placed = sum(w.aligned for w in words)
        rows.append(f"| {code} (no reference times) | - | - | - | - | - | {placed}/{len(words)} words placed, first at "
                    f"{next(w.start for w in words if w.aligned) / 1000:.2f} s; "
                    f"{cpu / (audio.duration / 1000) * 1000:.0f} ms CPU per audio s |")
    return rows


def _edited(code: str, texts: list[str], audio: Audio, clean: list, edits: list[tuple[int, int, np.ndarray]],
            label: str) -> list[str]:
    """The text aligned on each edited copy of the recording: (at ms, ms taken out from there,
    samples put in there). Words' starts against `clean` (the text on the recording alone) moved by
    the edit; the words taken out should not be placed, and no other word should be claimed more
    than 0.5 s off."""
    rows = []
    for at, out, put in edits:
        x = np.concatenate([audio.samples[: at * 16], put, audio.samples[(at + out) * 16:]])
        got, _ = align_warp(_by_text(texts, len(x) // 16), Audio(x), language(code))
        shift = len(put) // 16 - out
        gone = {k for k, w in enumerate(clean) if at <= w.start < at + out}
        errs = [abs(g.start - (c.start + (shift if c.start >= at else 0))) / 1000 for k, (c, g) in enumerate(zip(clean, got))
                if c.aligned and g.aligned and k not in gone]
        what = f"{len(put) // 16000} s of {label} inserted" if len(put) else f"{out // 1000} s cut"
        cut_words = f"{sum(got[k].aligned for k in gone)} of the {len(gone)} words cut placed; " if gone else ""
        rows.append(_row(f"{code}, {what} at {at / 1000:.0f} s (against the clean run)", errs,
                         f"{cut_words}{sum(w.aligned for w in got)}/{len(got)} placed, {sum(e > 0.5 for e in errs)} "
                         f"of them over 0.5 s off"))
    return rows


def _pause_near(words: list, t: int) -> int:
    """The middle of the pause before the first placed word starting at t or later (ms)."""
    after = next(w for w in words if w.aligned and w.start >= t)
    return (max(w.end for w in words if w.aligned and w.end <= after.start) + after.start) // 2


def inserted() -> list[str]:
    """30 s of one reading inserted into the other at a pause (an advert nobody transcribed), at
    three places each way (German into Spanish, Spanish into German), and, held out (nothing of
    the verification was chosen on French), 10 s of German at three pauses of the spontaneous
    French. What matters is the words placed more than 0.5 s off and still claimed (aligned);
    words left unaligned are reported, not mistimed."""
    rows = []
    for code, other, places in (("de", "es", (20_000, 34_000, 50_000)), ("es", "de", (20_000, 40_000, 60_000))):
        frags, audio = _reading(code)
        insert = _reading(other)[1].samples[20_000 * 16: 50_000 * 16]
        clean, _ = align_warp(_by_text(frags, audio.duration), audio, language(code))
        rows += _edited(code, frags, audio, clean, [(_pause_near(clean, p), 0, insert) for p in places], other)
    ipus = [t for _, _, t in _french_ipus()]
    audio = decode(str(LANG / "fra_sppas_F_F_B003-P8" / "F_F_B003-P8.wav"))
    insert = _reading("de")[1].samples[5_000 * 16: 15_000 * 16]
    clean, _ = align_warp(_by_text(ipus, audio.duration), audio, language("fr"))
    return rows + _edited("fr", ipus, audio, clean, [(_pause_near(clean, p), 0, insert) for p in (5_000, 8_000, 12_000)],
                          "de (held out)")


def cut() -> list[str]:
    """About 10 s taken out of each of the German and Spanish readings, from one pause to another
    (an edit after transcription), the whole text given: the words taken out should be reported,
    not placed, and the rest placed where they are."""
    rows = []
    for code in ("de", "es"):
        frags, audio = _reading(code)
        clean, _ = align_warp(_by_text(frags, audio.duration), audio, language(code))
        edits = []
        for place in (20_000, 40_000):
            a = next(w for w in clean if w.aligned and w.start >= place).start - 50
            b = next(w for w in clean if w.aligned and w.start >= place + 10_000).start - 50
            edits.append((a, b - a, np.zeros(0, np.int16)))
        rows += _edited(code, frags, audio, clean, edits, "")
    return rows


def scale(times: int = 9) -> list[str]:
    """Speed and memory on 10 minutes: the German reading nine times over, as plain text (no stamps:
    the widest band). Run it alone (`python bench/languages.py scale`): the peak is the process's."""
    import resource

    frags, reading = _reading("de")
    one = reading.samples
    audio = Audio(np.concatenate([np.concatenate([one, np.zeros(RATE // 2, np.int16)])] * times))
    total, at, segs = len(frags) * times, 0, []
    for k, f in enumerate(frags * times):
        segs.append(_seg(k + 1, f, at * audio.duration // total, (at + 1) * audio.duration // total))
        at += 1
    t0 = time.perf_counter()
    (words, _), cpu = _cpu(align_warp, tuple(segs), audio, language("de"))
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return [f"| de x{times}, plain text ({audio.duration / 60000:.1f} min) | - | - | - | - | - | "
            f"{sum(w.aligned for w in words)}/{len(words)} placed; {wall:.1f} s wall "
            f"({audio.duration / 1000 / wall:.0f}x), {cpu / (audio.duration / 1000) * 1000:.0f} ms CPU per audio s, "
            f"peak {peak} MB |"]


def intro() -> list[str]:
    """Through the whole pipeline (align_files: anchoring, then the warp): each reading after the
    other one, untranscribed, its transcript stamped where each line starts on the reading alone
    (the clean run's first word, floored to the second, as a service stamps): every stamp 68-70 s
    early, beyond the warp's band, what anchoring is for. Held out (nothing was chosen on it): the
    spontaneous French after 30 s of the German reading, stamped at its hand-made IPU starts, which
    are the reference. First words against the reference moved by the intro; the cost against the
    same stamped transcript on the recording alone."""
    cases = []
    for code, other in (("de", "es"), ("es", "de")):
        frags, audio = _reading(code)
        clean, _ = align_warp(_by_text(frags, audio.duration), audio, language(code))
        first: dict[int, int] = {}
        for w in clean:
            if w.aligned:
                first.setdefault(w.segment, w.start)
        cases.append((code, frags, audio.samples, first, _reading(other)[1].samples, other))
    ipus = _french_ipus()
    audio = decode(str(LANG / "fra_sppas_F_F_B003-P8" / "F_F_B003-P8.wav"))
    cases.append(("fr", [t for _, _, t in ipus], audio.samples, {k + 1: int(a * 1000) for k, (a, _, _) in enumerate(ipus)},
                  _reading("de")[1].samples[5_000 * 16: 35_000 * 16], "de (held out)"))
    return [row for case in cases for row in _introduced(*case)]


def _introduced(code: str, frags: list[str], samples: np.ndarray, first: dict[int, int], lead: np.ndarray,
                other: str) -> list[str]:
    import tempfile

    from interview import write_wav

    from align_transcripts.pipeline import align_files
    from align_transcripts.timefmt import clock

    rows = []
    text = "".join(f"Reader ({clock(first[k + 1] // 1000 * 1000)}):\n\n{t}\n\n" for k, t in enumerate(frags) if k + 1 in first)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "t.txt").write_text(text)
        for name, x, shift in (("alone", samples, 0), ("intro", np.concatenate([lead, samples]), len(lead) // 16)):
            write_wav(Path(tmp) / f"{name}.wav", x.astype(np.int16))
            got, cpu = _cpu(align_files, str(Path(tmp) / "t.txt"), str(Path(tmp) / f"{name}.wav"), None, None, None, 1,
                            False, code)
            firsts: dict[int, Word] = {}
            for w in got.words:
                firsts.setdefault(w.segment, w)
            turns = sorted(first)
            errs = [abs(firsts[n].start - (first[k] + shift)) / 1000 for n, k in enumerate(turns, 1) if firsts[n].aligned]
            what = f"{len(lead) // 16000} s of {other} before it" if shift else "alone"
            rows.append(_row(f"{code} stamped, {what} (turns' first words against the reference)", errs,
                             f"{sum(w.aligned for w in got.words)}/{len(got.words)} placed, {len(errs)}/{len(turns)} "
                             f"first words; {cpu / (len(x) / RATE) * 1000:.0f} ms CPU per audio s"))
    return rows


MEASURES = {"fr": french, "zh": mandarin, "en": english, "de": unreferenced, "ads": inserted, "cut": cut, "scale": scale,
            "intro": intro}


def main(which: list[str]) -> None:
    if not LANG.exists():
        sys.exit(f"no DEV speech at {LANG}")
    from align_transcripts.acoustic.model import load_model
    from align_transcripts.espeak import espeak
    from align_transcripts.warp.words import words

    load_model(), espeak(), words("热点", language("zh")), words("東京", language("ja"))  # loaded once per process: not timed
    print(HEADER)
    for key in which or [k for k in MEASURES if k != "scale"]:
        for row in MEASURES[key]():
            print(row, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
