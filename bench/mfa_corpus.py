"""Spontaneous speech against MFA's own word boundaries: MFA's test recordings of one speaker,
clear (`acoustic_corpus`) and with a cold (`cold_corpus`, `cold_corpus3`: hoarse, fast, "uhhh").

    python bench/mfa_corpus.py
Each recording becomes a one-turn Rev transcript, once as MFA's verbatim text and once clean
verbatim (its "uh"s, "um"s and "hm"s left out, as a service would write it: issue 15's case), (stamped 00:00:00, in bench/out/mfa, not
committed) and goes through `align_transcripts.pipeline.align_files`; our words are matched to the
TextGrid's words in order and their start and end compared. Prints one markdown row each.
"""
from __future__ import annotations

import difflib
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from align_transcripts.errors import InputError  # noqa: E402
from align_transcripts.pipeline import align_files  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "speech" / "mfa_testcorpus"
OUT = ROOT / "bench" / "out" / "mfa"
FILLERS = {"uh", "um", "hm", "uhm", "mm"}


def textgrid_words(path: Path) -> list[tuple[str, float, float]]:
    """(word, start s, end s) of the "words" tier of a short-format TextGrid."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    i = lines.index('"words"')
    rows = [lines[i + 4 + 3 * k: i + 7 + 3 * k] for k in range(int(lines[i + 3]))]
    return [(w.strip('"'), float(a), float(b)) for a, b, w in rows if w.strip('"')]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    print("| recording | words | aligned | matched to MFA | mean start / end from MFA | within 50 / 100 ms | time |")
    print("|---|---|---|---|---|---|---|")
    pooled: dict[str, list[np.ndarray]] = {"verbatim": [], "clean": []}
    for name, kind in [(n, k) for k in ("verbatim", "clean") for n in ("acoustic_corpus", "cold_corpus", "cold_corpus3")]:
        text = OUT / f"{name}-{kind}.txt"
        said = (CORPUS / f"{name}.lab").read_text().split()
        if kind == "clean":
            said = [w for w in said if w not in FILLERS]
        text.write_text("Speaker (00:00:00):\n\n" + " ".join(said) + "\n")
        t = time.perf_counter()
        try:
            words = [w for w in align_files(str(text), str(CORPUS / f"{name}.wav")).words if not w.word.startswith("[")]
        except InputError as exc:
            print(f"| {name}, {kind} | refused: {exc.message[:80]} |")
            continue
        took = time.perf_counter() - t
        ref = textgrid_words(CORPUS / f"{name}.TextGrid")
        match = difflib.SequenceMatcher(a=[w.word for w in words], b=[r[0] for r in ref], autojunk=False)
        pairs = [(words[m.a + k], ref[m.b + k]) for m in match.get_matching_blocks() for k in range(m.size)]
        start = np.array([abs(w.start / 1000 - r[1]) for w, r in pairs]) * 1000
        end = np.array([abs(w.end / 1000 - r[2]) for w, r in pairs]) * 1000
        both = np.concatenate([start, end])
        pooled[kind].append(both)
        print(f"| {name}, {kind} | {len(words)} | {sum(w.aligned for w in words)} | {len(pairs)} | "
              f"{start.mean():.0f} / {end.mean():.0f} ms | {(both <= 50).mean() * 100:.0f} / {(both <= 100).mean() * 100:.0f} % "
              f"| {took:.1f} s |", flush=True)
    for kind, parts in pooled.items():
        both = np.concatenate(parts) if parts else np.zeros(0)
        print(f"| all three, {kind} | | | | | {(both <= 50).mean() * 100:.1f} / {(both <= 100).mean() * 100:.1f} % | |")


if __name__ == "__main__":
    main()
