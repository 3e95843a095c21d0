"""Word-boundary accuracy and speed of `align words` on the benchmark interviews (bench/interview.py).

    python bench/accuracy.py bench/out/exact bench/out/noisy
    python bench/accuracy.py --engine numpy bench/out/exact     # the numpy chain (align_transcripts.acoustic)
    python bench/accuracy.py --passes full,full-wide,rescue bench/out/exact   # without the chain pass
    python bench/accuracy.py --no-adapt bench/out/phone     # the model as shipped, never adapted to the recording
Prints one markdown row per variant.
"""
from __future__ import annotations

import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from align_transcripts.aligner import align  # noqa: E402
from align_transcripts.audio import decode  # noqa: E402
from align_transcripts.reconcile import reconcile  # noqa: E402
from align_transcripts.transcript import read_transcript  # noqa: E402

ENGINE = "pocketsphinx"
PASSES: tuple[str, ...] = ()  # all
ADAPT = True  # the model adapted to the recording where that pays (align_transcripts.adapt)


def halves(ref: list[dict], s_err: np.ndarray, e_err: np.ndarray) -> list[tuple[str, float, float]]:
    """(speakers, mean error, % within 50 ms) for every other speaker (sorted by name) and the rest:
    how much the figures move between two halves of the voices."""
    speakers = sorted({r["speaker"] for r in ref})
    out = []
    for part in (speakers[::2], speakers[1::2]):
        mask = np.array([r["speaker"] in part for r in ref])
        both = np.concatenate([s_err[mask], e_err[mask]])
        out.append((", ".join(part), float(both.mean()), float((both <= 50).mean() * 100)))
    return out


def evaluate(folder: Path, workers: int | None = None, adapt: bool | None = None) -> dict:
    truth = json.loads((folder / "truth.json").read_text())
    ref = [w for w in truth["words"] if w["transcribed"]]
    t0 = time.perf_counter()
    audio = decode(str(folder / "interview.wav"))
    tr = read_transcript(str(folder / "transcript.txt"))
    segs = reconcile(tr, audio.duration).segments
    done = align(segs, audio, workers=workers, engine=ENGINE, passes=PASSES, adapt=ADAPT if adapt is None else adapt)
    words = done.words
    wall = time.perf_counter() - t0
    assert [w.word for w in words] == [w["word"] for w in ref], "token sequences differ"
    s_err = np.array([abs(w.start / 1000 - r["start"]) for w, r in zip(words, ref)]) * 1000
    e_err = np.array([abs(w.end / 1000 - r["end"]) for w, r in zip(words, ref)]) * 1000
    both = np.concatenate([s_err, e_err])
    worst = int(np.argmax(np.maximum(s_err, e_err)))
    signed = np.array([w.start / 1000 - r["start"] for w, r in zip(words, ref)]) * 1000
    return {
        "variant": folder.name, "audio_s": truth["duration"], "words": len(ref),
        "mean_start": s_err.mean(), "mean_end": e_err.mean(), "median": float(np.median(both)),
        "p90": float(np.percentile(both, 90)),
        "w25": float((both <= 25).mean() * 100), "w50": float((both <= 50).mean() * 100),
        "w100": float((both <= 100).mean() * 100),
        "worst": f"{ref[worst]['word']} {max(s_err[worst], e_err[worst]):.0f} ms",
        "over500": int((np.maximum(s_err, e_err) > 500).sum()),
        "lost": sum(1 for w in words if not w.aligned),
        "bias_start": float(np.median(signed)),
        "placed_by": Counter(t.placed_by or "nothing" for t in done.trace).most_common(),
        "halves": halves(ref, s_err, e_err),
        "adapted": done.adapted,
        "wall_s": wall, "xrt": truth["duration"] / wall,
        # peak resident memory of this process, and of the largest worker process
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def main() -> None:
    print("| variant | audio | words | mean start/end ms | median | p90 | within 25/50/100 ms | worst | >0.5 s "
          "| unaligned | speed | peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    global ENGINE, PASSES, ADAPT
    args = sys.argv[1:]
    while args[:1] in (["--engine"], ["--passes"], ["--no-adapt"]):
        if args[0] == "--no-adapt":
            ADAPT = False
            args = args[1:]
            continue
        if args[0] == "--engine":
            ENGINE = args[1]
        else:
            PASSES = tuple(args[1].split(","))
        args = args[2:]
    for arg in args:
        r = evaluate(Path(arg))
        print(f"| {r['variant']} | {r['audio_s']:.0f} s | {r['words']} | {r['mean_start']:.0f} / {r['mean_end']:.0f} | "
              f"{r['median']:.0f} | {r['p90']:.0f} | {r['w25']:.1f} / {r['w50']:.1f} / {r['w100']:.1f} % | {r['worst']} | "
              f"{r['over500']} | {r['lost']} | {r['xrt']:.0f}x ({r['wall_s']:.1f} s) | {r['rss_mb']:.0f} MB "
              f"(workers {r['worker_rss_mb']:.0f} MB) |", flush=True)
        print(f"  (median signed start error {r['bias_start']:+.0f} ms; turns placed by "
              + ", ".join(f"{k} {v}" for k, v in r["placed_by"]) + ")", file=sys.stderr)
        for who, mean, w50 in r["halves"]:
            print(f"  ({who}: {mean:.1f} ms mean, {w50:.1f} % within 50 ms)", file=sys.stderr)


if __name__ == "__main__":
    main()
