"""Clean-verbatim transcripts of disfluent speech (issue 15): MFA's 53 test clips of one speaker
(../shared/data/speech/disfluency/), full of "uh"s, cut-offs, repetitions, laughter, whisper and
falsetto, each given the transcript a clean-verbatim service would write.

    python bench/clean_verbatim.py

The clean version of each verbatim reference is made by rule, not by hand: fillers (uh, um, hm),
cut-off words (`<cutoff-x>`) and `<unk>` dropped, a hesitated word (`<hes-x>`) kept as the word,
a word said twice in a row kept once. Each clip goes through `align_files` as a one-turn plain
transcript. There are no reference times, so two things are measured: how many of the clean
words are placed, and, where the verbatim transcript aligns in full, whether each clean word lands
where the same word of the verbatim alignment is (the right occurrence: within 100 ms of its
start). Prints a summary and the clips that lose words.
"""
from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from align_transcripts.errors import InputError  # noqa: E402
from align_transcripts.pipeline import align_files  # noqa: E402
from align_transcripts.text import is_tag  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "speech" / "disfluency"
FILLERS = {"uh", "um", "hm", "<unk>"}


def clean(verbatim: str) -> tuple[list[str], list[int]]:
    """The clean-verbatim words, and for each the index of the verbatim word it stands for."""
    words, where = [], []
    for k, w in enumerate(verbatim.split()):
        if w in FILLERS or w.startswith("<cutoff-"):
            continue
        m = re.fullmatch(r"<hes-(.+)>", w)
        w = m.group(1) if m else w
        if words and words[-1] == w:
            where[-1] = k  # a repetition: the word is the one said last
            continue
        words.append(w)
        where.append(k)
    return words, where


def spoken_verbatim(verbatim: str) -> str:
    """The verbatim reference as a transcript the aligner reads: cut-offs and <unk> out (no
    dictionary spells half a word), hesitations as their word."""
    out = [re.sub(r"<hes-(.+)>", r"\1", w) for w in verbatim.split()
           if not w.startswith("<cutoff-") and w != "<unk>"]
    return " ".join(out)


def _align(text: str, audio: Path, folder: Path):
    path = folder / f"{audio.stem}.txt"
    path.write_text(text + "\n", encoding="utf-8")
    try:
        return align_files(str(path), str(audio), workers=1).words
    except InputError as exc:
        return str(exc)


def main() -> None:
    refs = json.loads((DATA / "reference_transcripts.json").read_text())
    total = placed = compared = same = 0
    lost, refused, elsewhere = [], [], []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, verbatim in sorted(refs.items()):
            audio = DATA / f"{name}.flac"
            if not audio.exists():
                continue
            words, where = clean(verbatim)
            got = _align(" ".join(words), audio, folder)
            total += sum(not is_tag(w) for w in words)  # sound tags are kept as tags, never placed
            if isinstance(got, str):
                refused.append((name, got[-160:]))
                continue
            spoken = [w for w in got if not is_tag(w.word)]
            placed += sum(w.aligned for w in spoken)
            if not all(w.aligned for w in spoken):
                lost.append((name, " ".join(words), [w.word for w in spoken if not w.aligned]))
            # the right occurrence: against the verbatim transcript's own alignment, when it aligns in full
            full = _align(spoken_verbatim(verbatim), audio, folder)
            if isinstance(full, str) or not all(w.aligned for w in full):
                continue
            kept = [k for k, w in enumerate(verbatim.split()) if not w.startswith("<cutoff-") and w != "<unk>"]
            index = {v: i for i, v in enumerate(kept)}
            for w, k in zip(got, where):
                if w.aligned and k in index:
                    compared += 1
                    right = abs(w.start - full[index[k]].start) <= 100
                    same += right
                    if not right:
                        elsewhere.append(f"{name}: {w.word!r} at {w.start / 1000:.2f} s, the verbatim's at "
                                         f"{full[index[k]].start / 1000:.2f} s ({verbatim!r})")
    secs = time.perf_counter() - t0
    print(f"{len(refs)} clips, {total} clean words: {placed} placed ({100 * placed / max(1, total):.1f} %); "
          f"{len(refused)} clips refused; right occurrence (within 100 ms of the verbatim alignment's): "
          f"{same} of {compared} ({100 * same / max(1, compared):.1f} %); {secs:.0f} s")
    for name, text, missing in lost:
        print(f"  {name}: {text!r}: unplaced {missing}")
    for name, why in refused:
        print(f"  {name}: refused: ...{why}")
    for line in elsewhere:
        print(f"  {line}")


if __name__ == "__main__":
    main()
