"""Cost of cutting clips from a long recording: time and memory should follow the clips, not the source.

    python bench/clips_cost.py [--hours 2]
Builds a 2-hour MP3 and its transcript by repeating the fixture interview (in bench/out, not
committed), then cuts three one-minute ranges with `align clips` and reports wall time and
peak memory next to decoding the whole file once.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from align_transcripts.audio import decode, ffmpeg_binary  # noqa: E402
from align_transcripts.timefmt import clock  # noqa: E402

FIX = ROOT / "fixtures" / "audio"


def build(hours: float, out: Path) -> tuple[Path, Path]:
    """The fixture interview tiled sample-exactly (PCM, then one MP3 encode) and its shifted transcript."""
    import numpy as np

    out.mkdir(parents=True, exist_ok=True)
    audio, text = out / "long.mp3", out / "long.txt"
    one = decode(str(FIX / "interview.mp3")).samples
    n = int(hours * 3600 * 16000 // len(one))
    length = len(one) * 1000 // 16000
    if not audio.exists():
        pcm = out / "long.raw"
        pcm.write_bytes(np.tile(one[: length * 16], n).tobytes())
        subprocess.run([ffmpeg_binary(), "-v", "error", "-y", "-f", "s16le", "-ar", "16000", "-ac", "1", "-i", str(pcm),
                        "-b:a", "48k", str(audio)], check=True)
        pcm.unlink()
    src = (FIX / "interview.txt").read_text()
    blocks = []
    for k in range(n):
        def shift(m: re.Match, k: int = k) -> str:
            h, mi, s = map(int, m.group(2).split(":"))
            t = (h * 3600 + mi * 60 + s) * 1000 + k * length
            return f"{m.group(1)}({clock(t)}):"
        blocks.append(re.sub(r"^(.+ )\((\d\d:\d\d:\d\d)\):", shift, src, flags=re.M))
    text.write_text("\n".join(blocks))
    return audio, text


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one command (GNU time measures the process itself)."""
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], check=True, capture_output=True, text=True)
    return time.perf_counter() - t, int(p.stderr.strip().splitlines()[-1]) / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hours", type=float, default=2.0)
    args = ap.parse_args()
    out = ROOT / "bench" / "out" / "clips"
    audio, text = build(args.hours, out)
    wall, rss = timed([sys.executable, "-c", f"from align_transcripts.audio import decode; decode({str(audio)!r})"])
    print(f"source: {audio.stat().st_size / 1e6:.0f} MB MP3, {args.hours:g} h; full decode to 16 kHz: {wall:.1f} s, "
          f"peak {rss:.0f} MB")
    ranges = [(600_000, 660_000), (3_000_000, 3_060_000), (6_000_000, 6_060_000)]
    total = 0.0
    for a, b in ranges:
        folder = out / f"clip_{a // 1000}"
        w, r = timed([sys.executable, "-m", "align_transcripts", "clips", str(text), str(audio), "-o", str(folder), "--force",
                      "--from", str(a / 1000), "--to", str(b / 1000)])
        total += w
        print(f"  clip {clock(a)}-{clock(b)}: {w:.1f} s, peak {r:.0f} MB")
    print(f"three one-minute clips: {total:.1f} s in all")


if __name__ == "__main__":
    main()
