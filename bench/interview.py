"""Build benchmark "interviews" from ../shared/data/speech (read there, never copied into the repo).

TIMIT utterances (human word boundaries) and LJ Speech utterances (MFA word boundaries) are
concatenated into turns of 1-3 utterances per speaker, with pauses between utterances and
turns, and written with a Rev-style transcript stamped to the floor second.

Variants:
  exact   stamps at each turn's first word, floored to the second
  noisy   stamps moved by up to +-3 s, and about 1 utterance in 12 left out of the transcript
          (its speech stays in the audio: untranscribed speech)
  late    `exact` with every stamp 3 s late (a recording trimmed after it was transcribed)
  long    `exact` built from `--repeat` reshuffled passes (about 6.5 min each; 9 -> 60 min)

    python bench/interview.py exact noisy --out bench/out
    python bench/interview.py long --repeat 9 --out bench/out
Each variant folder gets interview.wav, transcript.txt and truth.json.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
import wave
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from align_transcripts.audio import RATE, decode  # noqa: E402
from align_transcripts.timefmt import clock  # noqa: E402

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "speech"
NAMES = {"FVMH0": "Maria Vance", "MCPM0": "Carl Pym", "FAEM0": "Erin Moss", "MARC0": "Arthur Cole",
         "FALK0": "Alice Kent", "MADC0": "David Cho", "FALR0": "Laura Reyes", "MAEB0": "Ben Ash", "LJ": "Interviewer"}


def _norm(w: str) -> str:
    return re.sub(r"[^a-z']", "", w.lower())


def _textgrid_words(path: Path) -> list[tuple[str, float, float]]:
    text = path.read_text(encoding="utf-8")
    tier = text.split('name = "words"', 1)[1].split('class = "IntervalTier"', 1)[0]
    out = []
    for xmin, xmax, label in re.findall(r'xmin = ([\d.]+)\s+xmax = ([\d.]+)\s+text = "([^"]*)"', tier):
        if label.strip():
            out.append((label.strip(), float(xmin), float(xmax)))
    return out


def load_utterances() -> list[dict]:
    """Every utterance whose transcript tokens match its reference words one to one."""
    rows = list(csv.DictReader(open(SHARED / "manifest.csv", encoding="utf-8")))
    utts = []
    for r in rows:
        if r["corpus"].startswith("TIMIT"):
            ref = []
            for line in open(SHARED / r["reference_alignment"], encoding="utf-8"):
                a, b, w = line.split()
                ref.append((w, int(a) / 16000, int(b) / 16000))
        elif r["corpus"] == "LJ Speech":
            ref = _textgrid_words(SHARED / r["reference_alignment"])
        else:
            continue
        tokens = r["transcript"].split()
        if [_norm(t) for t in tokens] != [_norm(w) for w, _, _ in ref]:
            print(f"skipped {r['id']}: transcript and reference words differ", file=sys.stderr)
            continue
        samples = decode(str(SHARED / r["file"])).samples
        utts.append({"id": r["id"], "speaker": NAMES[r["speaker_id"]], "tokens": tokens,
                     "ref": [(a, b) for _, a, b in ref], "samples": samples})
    return utts


def build_pass(utts: list[dict], rng: random.Random, offset_s: float) -> tuple[list[np.ndarray], list[dict], float]:
    """One reshuffled pass: turns of 1-3 utterances of one speaker, alternating speakers."""
    by_speaker: dict[str, list[dict]] = {}
    for u in utts:
        by_speaker.setdefault(u["speaker"], []).append(u)
    for lst in by_speaker.values():
        rng.shuffle(lst)
    pieces, turns, t, last = [], [], offset_s, None
    while any(by_speaker.values()):
        choices = [s for s, lst in by_speaker.items() if lst and s != last] or [s for s, lst in by_speaker.items() if lst]
        spk = "Interviewer" if last != "Interviewer" and by_speaker.get("Interviewer") and rng.random() < 0.4 else rng.choice(choices)
        turn = {"speaker": spk, "utts": []}
        for _ in range(rng.randint(1, 3)):
            if not by_speaker[spk]:
                break
            u = by_speaker[spk].pop()
            words = [{"word": w, "start": round(t + a, 3), "end": round(t + b, 3)} for w, (a, b) in zip(u["tokens"], u["ref"])]
            turn["utts"].append({"id": u["id"], "words": words})
            pieces.append(u["samples"])
            t += len(u["samples"]) / RATE
            pieces.append(np.zeros(int(rng.uniform(0.2, 0.8) * RATE), dtype=np.int16))
            t += len(pieces[-1]) / RATE  # count whole samples, or truth drifts from the audio
        pause = rng.uniform(0.3, 1.5) if rng.random() > 0.1 else rng.uniform(3, 6)
        pieces.append(np.zeros(int(pause * RATE), dtype=np.int16))
        t += len(pieces[-1]) / RATE
        turns.append(turn)
        last = spk
    return pieces, turns, t


def write_wav(path: Path, samples: np.ndarray) -> None:
    """16-bit at RATE: mono, or one column a channel."""
    with wave.open(str(path), "wb") as wf:
        wf.setnchannels(1 if samples.ndim == 1 else samples.shape[1])
        wf.setsampwidth(2)
        wf.setframerate(RATE)
        wf.writeframes(samples.tobytes())


def build(variant: str, repeat: int, seed: int, out: Path) -> None:
    rng = random.Random(seed)
    utts = load_utterances()
    pieces, turns, t = [np.zeros(int(0.5 * RATE), dtype=np.int16)], [], 0.5
    for _ in range(repeat):
        p, tr, t = build_pass(utts, rng, t)
        pieces += p
        turns += tr
    audio = np.concatenate(pieces)
    # a little noise so silence is not digital zero (as in a real recording)
    audio = np.clip(audio.astype(np.int32) + np.random.default_rng(seed).normal(0, 12, len(audio)).astype(np.int32),
                    -32768, 32767).astype(np.int16)
    noisy = variant == "noisy"
    lines, truth = [], []
    for i, turn in enumerate(turns):
        first = turn["utts"][0]["words"][0]["start"]
        stamp = first + (rng.uniform(-3, 3) if noisy else 3 if variant == "late" else 0)
        stamp = max(0, int(stamp))
        lines.append(f"{turn['speaker']} ({clock(stamp * 1000)}):\n")
        paras = []
        for u in turn["utts"]:
            # leave about 1 utterance in 12 out of the transcript, never a turn's only one
            dropped = noisy and len(turn["utts"]) > 1 and rng.random() < 0.16
            for w in u["words"]:
                truth.append({**w, "speaker": turn["speaker"], "turn": i + 1, "transcribed": not dropped, "utt": u["id"]})
            if not dropped:
                paras.append(" ".join(w["word"] for w in u["words"]))
        lines.append(" ".join(paras) + "\n")
    folder = out / variant
    folder.mkdir(parents=True, exist_ok=True)
    write_wav(folder / "interview.wav", audio)
    (folder / "transcript.txt").write_text("\n".join(lines), encoding="utf-8")
    (folder / "truth.json").write_text(json.dumps({"duration": len(audio) / RATE, "words": truth}), encoding="utf-8")
    kept = sum(w["transcribed"] for w in truth)
    print(f"{variant}: {len(audio) / RATE:.1f} s, {len(turns)} turns, {kept}/{len(truth)} words transcribed -> {folder}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("variants", nargs="+", choices=["exact", "noisy", "late", "long"])
    ap.add_argument("--repeat", type=int, default=9, help="passes for the long variant")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    args = ap.parse_args()
    if not SHARED.exists():
        sys.exit(f"no shared speech data at {SHARED}")
    for v in args.variants:
        build(v, args.repeat if v == "long" else 1, args.seed, args.out)


if __name__ == "__main__":
    main()
