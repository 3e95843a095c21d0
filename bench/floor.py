"""What PocketSphinx itself costs here: the floor under `align run`'s alignment speed.

    python bench/floor.py [bench/out/exact]
Searches every turn of a benchmark interview (bench/interview.py) once, over its slot plus
1.5 s, with three grammars, in this one process (one core):
  chain    the turn's words in a row, nothing else: the least any word alignment can do
  tail     the chain plus one absorbing phone loop after it (as the full search has at its edges)
  full     align_transcripts.aligner's full search (loops at the edges and between sentences, skips, 3 passes)
and prints CPU milliseconds per second of audio, and what an hour would take on two cores at
that rate with nothing else running.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from align_transcripts import grammar as g  # noqa: E402
from align_transcripts.aligner import plan, tokenize  # noqa: E402
from align_transcripts.audio import decode  # noqa: E402
from align_transcripts.passes import full_search  # noqa: E402
from align_transcripts.reconcile import reconcile  # noqa: E402
from align_transcripts.search import SphinxSearch  # noqa: E402
from align_transcripts.transcript import read_transcript  # noqa: E402


def grammar(tokens: tuple, tail: bool) -> g.Grammar:
    plain = g.chain(tokens)
    if not tail:
        return plain
    return g.Grammar(plain.arcs + tuple(g.garbage_loop(plain.final, plain.final + 1, g.GARBAGE_PROB)), plain.final)


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent / "out" / "exact")
    audio = decode(str(folder / "interview.wav"))
    segs = reconcile(read_transcript(str(folder / "transcript.txt")), audio.duration).segments
    jobs = plan(segs, tokenize(segs), audio.duration)
    windows = [(j, max(0, j.slot_start), min(audio.duration, j.slot_end + 1500)) for j in jobs]
    seconds = sum(b - a for _, a, b in windows) / 1000
    print(f"{folder.name}: {len(jobs)} turns, {seconds:.0f} s searched ({audio.duration / 1000:.0f} s of audio)")
    print("| grammar | CPU ms per audio second | an hour on 2 cores at that rate |")
    print("|---|---|---|")
    search = SphinxSearch(audio.samples)
    for name in ("chain", "tail", "full"):
        t = time.process_time()
        for job, a, b in windows:
            if name == "full":
                full_search(job.tokens, search, a, b)
            else:
                search(grammar(job.tokens, name == "tail"), a, b)
        ms = (time.process_time() - t) * 1000 / seconds
        print(f"| {name} | {ms:.1f} | {ms * 3600 / 1000 / 2:.0f} s |", flush=True)


if __name__ == "__main__":
    main()
