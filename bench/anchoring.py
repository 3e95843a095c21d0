"""The whole alignment (anchoring, words, audit) on degraded interviews (bench/degrade.py), against the issue's targets.

    OMP_NUM_THREADS=1 python bench/anchoring.py bench/out/exact bench/out/ads bench/out/cuts ...
Per variant: words in the audio within 100 ms and over 0.5 s off, words not in the audio placed as
aligned (must be none), each break reported by the audit within 1 s, the cost against the first
folder given (the clean recording), and where the spotter searched.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from align_transcripts.pipeline import align_files, audit  # noqa: E402


def evaluate(folder: Path) -> dict:
    truth = json.loads((folder / "truth.json").read_text())
    ref = [w for w in truth["words"] if w["transcribed"]]
    transcript = next(folder.glob("transcript.*"))
    t0 = time.perf_counter()
    a = align_files(str(transcript), str(folder / "interview.wav"))
    wall = time.perf_counter() - t0
    found = audit(a)
    words = [w for w in a.words if not w.word.startswith("[")]
    assert [w.word for w in words] == [r["word"] for r in ref], "token sequences differ"
    inside = [(w, r) for w, r in zip(words, ref) if r.get("in_audio", True)]
    err = np.array([max(abs(w.start / 1000 - r["start"]), abs(w.end / 1000 - r["end"])) * 1000 for w, r in inside])
    both = np.array([e for w, r in inside for e in (abs(w.start / 1000 - r["start"]) * 1000,
                                                    abs(w.end / 1000 - r["end"]) * 1000)])
    absent_aligned = sum(1 for w, r in zip(words, ref) if not r.get("in_audio", True) and w.aligned)
    absent = sum(1 for r in ref if not r.get("in_audio", True))
    reported = []
    for b in truth.get("breaks", []):
        kinds = ("inserted_audio",) if b["length"] > 0 else ("not_in_audio", "stamps_shifted", "unaligned_words")
        # within 1 s of where the finding says (a cut is said to be somewhere in a pause: start to end)
        near = [f for f in found if f.kind in kinds and f.start is not None
                and f.start / 1000 - 1.0 <= b["at"] <= (f.end if f.end is not None else f.start) / 1000 + 1.0]
        reported.append(bool(near))
    return {"variant": folder.name, "audio_s": truth["duration"], "words": len(inside),
            "w100": float((both <= 100).mean() * 100), "w50": float((both <= 50).mean() * 100),
            "over500": int((err > 500).sum()), "over500_pct": float((err > 500).mean() * 100),
            "absent_aligned": absent_aligned, "absent": absent, "lost": sum(1 for w, _ in inside if not w.aligned),
            "breaks": f"{sum(reported)}/{len(reported)}" if reported else "-", "wall_s": wall,
            "searched_s": (a.anchoring.searched_ms / 1000) if a.anchoring else 0,
            "kinds": sorted({f.kind for f in found if f.kind in ("inserted_audio", "not_in_audio", "stamps_shifted")})}


def main() -> None:
    print("| variant | audio | words in audio | within 50/100 ms | >0.5 s | absent words aligned | unaligned "
          "| breaks reported | wall (vs first) | spotter searched |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    base = None
    for arg in sys.argv[1:]:
        r = evaluate(Path(arg))
        base = base or r["wall_s"] / r["audio_s"]
        cost = r["wall_s"] / r["audio_s"] / base
        print(f"| {r['variant']} | {r['audio_s']:.0f} s | {r['words']} | {r['w50']:.1f} / {r['w100']:.1f} % | "
              f"{r['over500']} ({r['over500_pct']:.1f} %) | {r['absent_aligned']} of {r['absent']} | {r['lost']} | "
              f"{r['breaks']} | {r['wall_s']:.1f} s ({cost:.2f}x per audio s) | {r['searched_s']:.0f} s |", flush=True)
        print(f"  findings: {', '.join(r['kinds']) or 'none'}", file=sys.stderr)


if __name__ == "__main__":
    main()
