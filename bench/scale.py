"""How `align run` grows with the recording: wall time, CPU time and peak memory at 15, 45 and
90 minutes, next to the floor set by ffmpeg decoding the same file.

    python bench/scale.py [--minutes 15 45 90]
The interviews are built by bench/interview.py from ../shared/data/speech (about 6.7 minutes a
pass, reshuffled) into bench/out/scale-N/, not committed. Also times the audit and captions
without audio on the seed transcript repeated ten times (8,000 turns).
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
sys.path.insert(0, str(ROOT))
from align_transcripts.audio import ffmpeg_binary  # noqa: E402


def measure(cmd: list[str]) -> tuple[float, float, float]:
    """Wall s, CPU s (user+sys of the process and its children), peak RSS MB (largest process)."""
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", *cmd], capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode not in (0, 1):
        raise SystemExit(p.stderr)
    user, sys_, rss = p.stderr.strip().splitlines()[-1].split()
    return wall, float(user) + float(sys_), int(rss) / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=int, nargs="+", default=[15, 45, 90])
    args = ap.parse_args()
    print("| audio | align run: wall | CPU | x real time | peak RSS | ffmpeg decode alone |")
    print("|---|---|---|---|---|---|")
    for minutes in args.minutes:
        folder = ROOT / "bench" / "out" / f"scale-{minutes}"
        if not (folder / "long" / "interview.wav").exists():
            subprocess.run([PY, str(ROOT / "bench" / "interview.py"), "long", "--repeat", str(max(1, round(minutes / 6.7))),
                            "--out", str(folder)], check=True, capture_output=True)
        wav, txt = folder / "long" / "interview.wav", folder / "long" / "transcript.txt"
        floor, _, _ = measure([ffmpeg_binary(), "-v", "error", "-i", str(wav), "-ac", "1", "-ar", "16000", "-f", "s16le",
                               "-y", "/dev/null"])
        wall, cpu, rss = measure([PY, "-m", "align_transcripts", "run", str(txt), str(wav), "-o", str(folder / "run")])
        words = json.loads((folder / "run" / "words.json").read_text())["words"]
        audio_s = words[-1]["end"] if words else 0
        print(f"| {audio_s / 60:.0f} min | {wall:.0f} s | {cpu:.0f} s | {audio_s / wall:.0f}x | {rss:.0f} MB | {floor:.1f} s |",
              flush=True)
    seed = ROOT.parent / "shared" / "seeds" / "000_70e3aa26d3a7e318.txt"
    if seed.exists():
        text = seed.read_text(encoding="utf-8")
        big = ROOT / "bench" / "out" / "seed10.txt"
        turns = re.split(r"(?m)^(?=.+ \(\d\d:\d\d:\d\d\):\s*$)", text)
        body = "".join(t for t in turns if re.match(r".+ \(\d\d:\d\d:\d\d\):", t))
        out = []
        for k in range(10):
            def shift(m: re.Match, k: int = k) -> str:
                h, mi, s = map(int, m.group(2).split(":"))
                t = h * 3600 + mi * 60 + s + k * 5600
                return f"{m.group(1)}({t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}):"
            out.append(re.sub(r"(?m)^(.+ )\((\d\d:\d\d:\d\d)\):", shift, body))
        big.write_text("".join(out), encoding="utf-8")
        for name, cmd in [("check --json", ["check", str(big), "--json", "-o", str(big.with_suffix(".json"))]),
                          ("captions", ["captions", str(big), "-o", str(big.with_suffix(".vtt"))])]:
            wall, cpu, rss = measure([PY, "-m", "align_transcripts", *cmd])
            print(f"seed x10 (8,000 turns), align {name}: {wall:.2f} s wall, {rss:.0f} MB")


if __name__ == "__main__":
    main()
