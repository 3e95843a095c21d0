"""Suspect words: plant substitutions in the DEV interview's transcript, judge every word, and
fit the flagging threshold on one half of the speakers while reporting the other half.

    python bench/interview.py exact            # bench/out/exact, once
    python bench/suspects.py bench/out/exact --seeds 1 2 3

Each seed replaces about 6 % of the words (inside sentences, 4+ letters) with another word of the
transcript of similar length; every placed word's contrast (suspect.py) is recorded. For each
half of the speakers: the threshold that flags 1 % of that half's correct words, and what it
flags in the other half (planted caught, correct words flagged).
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from align_transcripts.pipeline import align_files  # noqa: E402
from align_transcripts.suspect import SUSPECT_CONTRAST  # noqa: E402


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


def judged(folder: Path, seed: int, tmp: Path) -> list[tuple[bool, float, str]]:
    lines = (folder / "transcript.txt").read_text().split("\n")
    text, planted = plant(lines, random.Random(seed))
    path = tmp / f"planted{seed}.txt"
    path.write_text("\n".join(text))
    a = align_files(str(path), str(folder / "interview.wav"), suspects=True)
    places = [(i + 1, k) for i, ln in enumerate(text) if ln and not ln.endswith("):") for k in range(len(ln.split()))]
    assert len(places) == len(a.words)
    return [(p in planted, w.contrast, w.speaker) for w, p in zip(a.words, places) if w.contrast is not None]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = ap.parse_args()
    tmp = Path("bench/out/suspects")
    tmp.mkdir(parents=True, exist_ok=True)
    rows = [r for s in args.seeds for r in judged(args.folder, s, tmp)]
    speakers = sorted({r[2] for r in rows})
    halves = [set(speakers[::2]), set(speakers[1::2])]
    print(f"{len(rows)} words judged, {sum(r[0] for r in rows)} planted; speakers {speakers}")
    for fit, held in (halves, halves[::-1]):
        ok_fit = np.array([c for p, c, s in rows if not p and s in fit])
        thr = float(np.percentile(ok_fit, 1))
        ok = np.array([c for p, c, s in rows if not p and s in held])
        bad = np.array([c for p, c, s in rows if p and s in held])
        print(f"fit on {sorted(fit)}: threshold {thr:.1f}; held-out {sorted(held)}: "
              f"{(bad < thr).mean():.0%} of {len(bad)} planted flagged, {(ok < thr).mean():.1%} of {len(ok)} correct")
    ok = np.array([c for p, c, _ in rows if not p])
    bad = np.array([c for p, c, _ in rows if p])
    print(f"shipped threshold {SUSPECT_CONTRAST}: {(bad < SUSPECT_CONTRAST).mean():.0%} of {len(bad)} planted flagged, "
          f"{(ok < SUSPECT_CONTRAST).mean():.1%} of {len(ok)} correct")


if __name__ == "__main__":
    main()
