"""Subtitles re-synced cue for cue (`align captions --keep-cues`) against where each cue's words are said.

    python bench/resync.py bench/out/subs      # bench/degrade.py: SRT stretched 25/23.976 and 2.3 s late
Prints, for cue starts and ends, the share within 100 ms of the cue's first word start / last word end.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from align_transcripts.pipeline import align_files  # noqa: E402
from align_transcripts.resync import retime  # noqa: E402


def main() -> None:
    folder = Path(sys.argv[1])
    truth = [w for w in json.loads((folder / "truth.json").read_text())["words"] if w["transcribed"]]
    t0 = time.perf_counter()
    a = align_files(str(folder / "transcript.srt"), str(folder / "interview.wav"))
    times = retime(a.reconciled.segments, [t.end for t in a.transcript.turns], a.words)
    wall = time.perf_counter() - t0
    k, starts, ends, before = 0, [], [], []
    for seg, r in zip(a.reconciled.segments, times):
        n = len(seg.text.split())
        first, last = truth[k], truth[k + n - 1]
        starts.append(abs(r.start / 1000 - first["start"]) * 1000)
        ends.append(abs(r.end / 1000 - last["end"]) * 1000)
        before.append(abs(r.old_start / 1000 - first["start"]) * 1000)
        k += n
    s, e, b = np.array(starts), np.array(ends), np.array(before)
    print(f"{len(times)} cues: as written {np.median(b):.0f} ms median start error, {(b <= 100).mean() * 100:.1f} % "
          f"within 100 ms; re-synced starts {np.median(s):.0f} ms median, {(s <= 100).mean() * 100:.1f} % within 100 ms, "
          f"ends {(e <= 100).mean() * 100:.1f} %; cues moved with neighbours {sum(not r.heard for r in times)}; "
          f"{wall:.1f} s")


if __name__ == "__main__":
    main()
