"""How well word spotting (align_transcripts.acoustic.spot) tells a probe's own speech from other speech.

For every turn of a benchmark interview (bench/interview.py) whose first words are said once only,
its first PROBE words are spotted in a 30 s window around where they are said (right) and in
windows a minute before and after (wrong). The threshold is fitted on every other speaker and
the rates reported on the rest:

    OMP_NUM_THREADS=1 python bench/spotting.py bench/out/exact
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from align_transcripts import dictionary  # noqa: E402
from align_transcripts.acoustic.spot import spot  # noqa: E402
from align_transcripts.aligner import tokenize  # noqa: E402
from align_transcripts.anchor import PROBE_WORDS, SPOT_GAP  # noqa: E402
from align_transcripts.audio import RATE, decode  # noqa: E402
from align_transcripts.reconcile import reconcile  # noqa: E402
from align_transcripts.transcript import read_transcript  # noqa: E402


def main() -> None:
    folder = Path(sys.argv[1])
    audio = decode(str(folder / "interview.wav"))
    truth = json.loads((folder / "truth.json").read_text())["words"]
    first: dict[int, float] = {}
    for w in truth:
        first.setdefault(w["turn"], w["start"])
    segs = reconcile(read_transcript(str(folder / "transcript.txt")), audio.duration).segments
    toks = [t for t in tokenize(segs) if t.spoken]
    openings = {}
    for seg in segs:
        openings.setdefault(" ".join(t.text.lower() for t in toks if t.segment == seg.index)[:40], []).append(seg)
    rows = []  # (speaker, right?, gap, start error ms)
    t0, searched = time.process_time(), 0
    for seg in segs:
        own = [t for t in toks if t.segment == seg.index][:PROBE_WORDS]
        if len(openings[" ".join(t.text.lower() for t in toks if t.segment == seg.index)[:40]]) > 1:
            continue  # TIMIT's SA sentences: every speaker says them
        phones = [tuple(dictionary.pronunciation(w).split()) for t in own for w in t.spoken]
        at = round(first[seg.index] * 1000)
        for shift in (0, -60_000, 60_000):
            lo, hi = max(0, at + shift - 10_000), min(audio.duration, at + shift + 20_000)
            if hi - lo < 20_000:
                continue
            s = spot(audio.samples[lo * RATE // 1000:hi * RATE // 1000], lo, [phones])[0]
            searched += hi - lo
            if s is not None:
                rows.append((seg.speaker, shift == 0, s.gap, s.start - at if shift == 0 else 0))
    cpu = time.process_time() - t0
    speakers = sorted({r[0] for r in rows})
    fit, rest = set(speakers[::2]), set(speakers[1::2])
    for name, part in (("fit", fit), ("rest", rest)):
        right = np.array([r[2] for r in rows if r[0] in part and r[1]])
        wrong = np.array([r[2] for r in rows if r[0] in part and not r[1]])
        err = np.array([abs(r[3]) for r in rows if r[0] in part and r[1]])
        print(f"{name} ({', '.join(sorted(part))}): right gaps min {right.min():.2f} median {np.median(right):.2f}; "
              f"wrong max {wrong.max():.2f} median {np.median(wrong):.2f}; at SPOT_GAP {SPOT_GAP}: "
              f"{(right >= SPOT_GAP).mean() * 100:.1f} % of right found, {(wrong >= SPOT_GAP).mean() * 100:.2f} % of wrong; "
              f"start within 100 ms {(err <= 100).mean() * 100:.1f} %")
    print(f"{len(rows)} spots, {cpu / searched * 1e6:.1f} ms CPU per audio second searched")


if __name__ == "__main__":
    main()
