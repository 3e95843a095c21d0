"""Suspect words: plant substitutions in the DEV interview's transcript, judge every word, and
fit the flagging constants on one half of the speakers while reporting the other half.

    python bench/interview.py exact            # bench/out/exact, once
    python bench/suspects.py bench/out/exact --seeds 1 2 3

Measured with `--seeds 1 2 3 4 5 6 7 8` (docs/benchmarks.md has the figures). Each seed
replaces about 6 % of the words (inside sentences, 4+ letters) with another word of the
transcript of similar length; every placed word is judged (suspect.judge: its own contrast, and
its contrast said with its neighbours). For each half of the speakers: the weight of the context
(suspect.CONTEXT_WEIGHT, from WEIGHTS) that flags most of that half's planted words at 1 % of its
correct words flagged, and the threshold that flags FIT_FALSE % of them; then what they flag in
the other half (planted caught, correct words flagged). Last, what the shipped constants flag.
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from align_transcripts.aligner import tokenize  # noqa: E402
from align_transcripts.pipeline import align_files  # noqa: E402
from align_transcripts.suspect import CONTEXT_WEIGHT, SUSPECT_CONTRAST, flagged, judge  # noqa: E402

WEIGHTS = [k / 10 for k in range(11)]
# the threshold flags this share (%) of the fitted half's correct words: under the 1 % asked, because
# voices differ (at one threshold the DEV speakers' false flags range from 0 to 4.4 %) and the
# voices the flags are used on were not fitted
FIT_FALSE = 0.8


def plant(lines: list[str], rng: random.Random, rate: float = 0.06) -> tuple[list[str], set[tuple[int, int]]]:
    """The transcript with some words replaced, and (line, position) of each replaced word."""
    body = [ln for ln in lines if ln and not ln.endswith("):")]
    vocab = sorted({w.strip(".,?!").lower() for ln in body for w in ln.split() if len(w.strip(".,?!")) >= 4})
    out, planted = list(lines), set()
    for i, ln in enumerate(lines):
        if not ln or ln.endswith("):"):
            continue
        toks = ln.split()
        for k in range(1, len(toks) - 1):
            core = toks[k].strip(".,?!")
            if len(core) >= 4 and core.isalpha() and rng.random() < rate:
                toks[k] = toks[k].replace(core, rng.choice([v for v in vocab if v != core.lower()
                                                            and abs(len(v) - len(core)) <= 2]))
                planted.add((i + 1, k))
        out[i] = " ".join(toks)
    return out, planted


def judged(folder: Path, seed: int, tmp: Path) -> list[tuple[bool, float, float, str]]:
    """(planted, own contrast, contrast in context, speaker) of every judged word of one draw."""
    lines = (folder / "transcript.txt").read_text().split("\n")
    text, planted = plant(lines, random.Random(seed))
    path = tmp / f"planted{seed}.txt"
    path.write_text("\n".join(text))
    a = align_files(str(path), str(folder / "interview.wav"))
    places = [(i + 1, k) for i, ln in enumerate(text) if ln and not ln.endswith("):") for k in range(len(ln.split()))]
    assert len(places) == len(a.words)
    parts = judge(a.words, tokenize(a.reconciled.segments), a.audio.samples)
    return [(p in planted, j[0], j[1], w.speaker) for w, p, j in zip(a.words, places, parts) if j is not None]


def rates(rows, weight: float, threshold: float) -> tuple[float, int, float, int]:
    """(share of planted flagged, planted, share of correct flagged, correct)."""
    bad = np.array([flagged(o, c, weight) for p, o, c, _ in rows if p])
    ok = np.array([flagged(o, c, weight) for p, o, c, _ in rows if not p])
    return float((bad < threshold).mean()), len(bad), float((ok < threshold).mean()), len(ok)


def threshold(rows, weight: float, false: float) -> float:
    """The statistic below which `false` % of the correct words fall."""
    return float(np.percentile([flagged(o, c, weight) for p, o, c, _ in rows if not p], false))


def fit(rows) -> tuple[float, float]:
    """(weight, threshold): the weight flags most planted words at 1 % of correct words flagged;
    the threshold then flags FIT_FALSE % of them."""
    w = max(WEIGHTS, key=lambda w: (rates(rows, w, threshold(rows, w, 1.0))[0], -w))
    return w, threshold(rows, w, FIT_FALSE)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = ap.parse_args()
    tmp = Path("bench/out/suspects")
    tmp.mkdir(parents=True, exist_ok=True)
    rows = [r for s in args.seeds for r in judged(args.folder, s, tmp)]
    speakers = sorted({r[3] for r in rows})
    halves = [set(speakers[::2]), set(speakers[1::2])]
    print(f"{len(rows)} words judged, {sum(r[0] for r in rows)} planted; speakers {speakers}")
    for mine, other in (halves, halves[::-1]):
        w, thr = fit([r for r in rows if r[3] in mine])
        caught, n_bad, false, n_ok = rates([r for r in rows if r[3] in other], w, thr)
        alone = fit([(p, o, o, s) for p, o, _, s in rows if s in mine])[1]
        was = rates([(p, o, o, s) for p, o, _, s in rows if s in other], 0.0, alone)
        print(f"fit on {sorted(mine)}: weight {w:.1f}, threshold {thr:.1f}; held-out {sorted(other)}: "
              f"{caught:.0%} of {n_bad} planted flagged, {false:.1%} of {n_ok} correct "
              f"(own contrast alone: threshold {alone:.1f}, {was[0]:.0%} and {was[2]:.1%})")
    caught, n_bad, false, n_ok = rates(rows, CONTEXT_WEIGHT, SUSPECT_CONTRAST)
    print(f"shipped weight {CONTEXT_WEIGHT}, threshold {SUSPECT_CONTRAST}: {caught:.0%} of {n_bad} planted flagged, "
          f"{false:.1%} of {n_ok} correct")


if __name__ == "__main__":
    main()
