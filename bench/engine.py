"""The numpy engine (align_transcripts/acoustic) against PocketSphinx, on isolated DEV TIMIT utterances.

    python bench/engine.py

Every TIMIT utterance in ../shared/data/speech (human word boundaries) is aligned as a plain chain
of its words, once by PocketSphinx's own search (align_transcripts.decoder.search, silence
optional between words) and once by the numpy engine as the aligner runs it
(align_transcripts.acoustic.search.chain_hits: features, full-mixture senone scores with the
free-phone reference for word scores, a Viterbi pass), with the dictionary's pronunciations.
The one constant, the boundary shift (frame to ms), is fitted (median signed error) on every
other speaker and applied unchanged to the others, reported separately: that half is what
generalises. Errors are pooled
over word starts and ends. CPU time is per second of audio, one thread.
"""
from __future__ import annotations

import csv
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import numpy as np  # noqa: E402

from align_transcripts.acoustic.features import cepstra  # noqa: E402
from align_transcripts.acoustic.model import load_model  # noqa: E402
from align_transcripts.acoustic.search import BOUNDARY_SHIFT_MS as NUMPY_SHIFT_MS  # noqa: E402
from align_transcripts.acoustic.search import SCORE_SCALE, chain_hits  # noqa: E402
from align_transcripts.audio import decode  # noqa: E402
from align_transcripts.decoder import get_decoder, search  # noqa: E402
from align_transcripts.grammar import Arc, Grammar  # noqa: E402

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "speech"


def utterances() -> list[dict]:
    rows = [r for r in csv.DictReader(open(SHARED / "manifest.csv", encoding="utf-8")) if r["corpus"].startswith("TIMIT")]
    out = []
    for r in rows:
        ref = [(w, int(a) // 16, int(b) // 16) for a, b, w in (ln.split() for ln in open(SHARED / r["reference_alignment"]))]
        out.append({"id": r["id"], "speaker": r["speaker_id"], "samples": decode(str(SHARED / r["file"])).samples,
                    "ref": ref})
    return out


def run_numpy(u: dict, model) -> tuple[list[tuple[int, int]] | None, float]:
    """The numpy chain as the aligner's NumpySearch runs it: full-mixture scores, the free-phone
    reference for its word scores, one Viterbi pass."""
    words = [w for w, _, _ in u["ref"]]
    grammar = Grammar(tuple(Arc(i, i + 1, 1.0, w, i) for i, w in enumerate(words)), len(words), "chain")
    t0 = time.process_time()
    hits = chain_hits(model, cepstra(u["samples"]), grammar, SCORE_SCALE)
    cpu = time.process_time() - t0
    if hits is None:
        return None, cpu
    return [(h.start - NUMPY_SHIFT_MS, h.end - NUMPY_SHIFT_MS) for h in hits], cpu


def run_pocketsphinx(u: dict) -> tuple[list[tuple[int, int]] | None, float]:
    get_decoder()
    words = [w for w, _, _ in u["ref"]]
    grammar = Grammar(tuple(Arc(i, i + 1, 1.0, w, i) for i, w in enumerate(words)), len(words), "chain")
    t0 = time.process_time()
    hits = search(u["samples"], grammar)
    cpu = time.process_time() - t0
    if hits is None:
        return None, cpu
    placed = [h for h in hits if h.is_word]
    if len(placed) != len(words):
        return None, cpu
    shift = 10  # decoder.search already adds its own +10 ms; undo it so both are fitted alike
    return [(h.start - shift, h.end - shift) for h in placed], cpu


def errors(results: list[tuple[dict, list | None]], shift: int) -> np.ndarray:
    out = []
    for u, placed in results:
        if placed is None:
            continue
        for (_, a, b), (x, y) in zip(u["ref"], placed):
            out += [x + shift - a, y + shift - b]
    return np.array(out)


def report(name: str, errs: np.ndarray, lost: int, cpu_ms_per_s: float) -> str:
    e = np.abs(errs)
    return (f"| {name} | {e.mean():.1f} ms | {np.median(e):.0f} ms | " + " / ".join(f"{(e <= t).mean() * 100:.1f}"
            for t in (25, 50, 100)) + f" % | {e.max():.0f} ms | {lost} | {cpu_ms_per_s:.1f} |")


def main() -> None:
    model = load_model()
    utts = utterances()
    speakers = sorted({u["speaker"] for u in utts})
    fit = set(speakers[::2])  # every other speaker: both halves hold women and men
    audio_s = sum(len(u["samples"]) for u in utts) / 16000
    print(f"{len(utts)} utterances, {audio_s:.1f} s; fit on {sorted(fit)}, report on the rest")
    print("| engine, speakers | mean | median | within 25 / 50 / 100 ms | worst | utterances lost | CPU ms per audio s |")
    print("|---|---|---|---|---|---|---|")
    engines = (("pocketsphinx", run_pocketsphinx), ("numpy", lambda u: run_numpy(u, model)))
    for engine, fn in engines:
        results, cpu = [], 0.0
        for u in utts:
            placed, c = fn(u)
            results.append((u, placed))
            cpu += c
        fit_res = [(u, p) for u, p in results if u["speaker"] in fit]
        held = [(u, p) for u, p in results if u["speaker"] not in fit]
        shift = int(np.median(-errors(fit_res, 0)))  # the signed bias that makes the fitting half unbiased
        for label, part in (("fit half", fit_res), ("other half", held)):
            lost = sum(p is None for _, p in part)
            part_s = sum(len(u["samples"]) for u, _ in part) / 16000
            print(report(f"{engine} (shift {shift:+d} ms), {label}", errors(part, shift), lost,
                         1000 * cpu * part_s / audio_s / part_s), flush=True)


if __name__ == "__main__":
    main()
