"""What adapting the model to the recording (align_transcripts.adapt) gains, and whether the aligner
uses it: on each benchmark folder, the gain the probe measures and the accuracy with and without.

    python bench/degrade.py bench/out/exact phone band narrow reverb noise babble crosstalk --out bench/out
    OMP_NUM_THREADS=1 python bench/adapt.py bench/out/{exact,noisy,late,phone,band,narrow,reverb,noise}
Prints one markdown row per folder: trusted speech the probe found, the gain (nats per frame),
whether it clears aligner.MIN_GAIN, then within 25/50/100 ms, words over 0.5 s off and unaligned,
and wall time, with the adaptation forced on and off.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import accuracy  # noqa: E402

from align_transcripts import aligner  # noqa: E402
from align_transcripts.acoustic.model import load_model  # noqa: E402
from align_transcripts.adapt import estimate, heard, runs  # noqa: E402
from align_transcripts.audio import decode  # noqa: E402
from align_transcripts.reconcile import reconcile  # noqa: E402
from align_transcripts.search import SphinxSearch  # noqa: E402
from align_transcripts.transcript import read_transcript  # noqa: E402


def probe(folder: Path) -> tuple[int, float] | None:
    """(trusted frames, gain per frame) as the aligner's probe measures them, before its MIN_GAIN test."""
    audio = decode(str(folder / "interview.wav"))
    segs = reconcile(read_transcript(str(folder / "transcript.txt")), audio.duration).segments
    tokens = aligner.tokenize(segs)
    jobs = aligner.plan(segs, tokens, audio.duration)
    t = estimate(load_model(), audio.samples, runs(tokens, heard(SphinxSearch(audio.samples), jobs, aligner.PROBE_MS)))
    return None if t is None else (t.frames, t.gain)


def row(r: dict) -> str:
    return (f"{r['w25']:.1f} / {r['w50']:.1f} / {r['w100']:.1f} % | {r['over500']} | {r['lost']} | {r['wall_s']:.1f} s")


def main() -> None:
    print(f"| recording | trusted speech | gain | adapted (MIN_GAIN {aligner.MIN_GAIN}) | adapted: within 25/50/100 ms "
          "| >0.5 s | unaligned | wall | as shipped: within 25/50/100 ms | >0.5 s | unaligned | wall |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    saved = aligner.MIN_GAIN
    for arg in sys.argv[1:]:
        folder = Path(arg)
        p = probe(folder)
        aligner.MIN_GAIN = float("-inf")  # forced on, to see what it would do
        on = accuracy.evaluate(folder, adapt=True)
        aligner.MIN_GAIN = saved
        off = accuracy.evaluate(folder, adapt=False)
        used = p is not None and p[1] >= saved
        print(f"| {folder.name} | {p[0] / 100:.0f} s | {p[1]:.2f} | {'yes' if used else 'no'} | {row(on)} | {row(off)} |"
              if p else f"| {folder.name} | too little | - | no | {row(on)} | {row(off)} |", flush=True)


if __name__ == "__main__":
    main()
