"""Do two revisions give the same outputs? For refactors that must not change behaviour.

    python bench/same_outputs.py HEAD~1          # that revision against the working tree
    python bench/same_outputs.py abc123 --seed   # also the seed transcript's captions (no audio)

The revision is checked out into a temporary git worktree; both trees run `align run` on the
bundled demo and the fixture interview (and, with --seed, `align captions` on the seed
transcript) and every output file is compared byte for byte. Exit 0 when all are identical.
"""
from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seeds" / "000_70e3aa26d3a7e318.txt"
JOBS = [
    ("demo", ["run", "fixtures/demo/demo.txt", "fixtures/demo/demo.mp3", "-o", "{out}/demo"]),
    ("interview", ["run", "fixtures/audio/interview.txt", "fixtures/audio/interview.mp3", "-o", "{out}/interview"]),
]


def outputs(tree: Path, out: Path, seed: bool) -> None:
    """Run every job with the package of `tree` (its own sources first on the path)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    jobs = JOBS + ([("seed", ["captions", str(SEED), "-o", "{out}/seed.vtt"])] if seed else [])
    for _, args in jobs:
        argv = [a.format(out=out) for a in args]
        p = subprocess.run([sys.executable, "-m", "align_transcripts", *argv], cwd=tree, env=env,
                           capture_output=True, text=True)
        if p.returncode not in (0, 1):
            sys.exit(f"{tree}: align {' '.join(argv)} failed:\n{p.stderr}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("revision")
    ap.add_argument("--seed", action="store_true", help="also the seed transcript's captions")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old_tree = Path(tmp) / "old"
        subprocess.run(["git", "worktree", "add", "--detach", str(old_tree), a.revision], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            old_out, new_out = Path(tmp) / "old-out", Path(tmp) / "new-out"
            outputs(old_tree, old_out, a.seed)
            outputs(ROOT, new_out, a.seed)
            different = []
            for path in sorted(p for p in old_out.rglob("*") if p.is_file()):
                other = new_out / path.relative_to(old_out)
                if not other.exists() or not filecmp.cmp(path, other, shallow=False):
                    different.append(str(path.relative_to(old_out)))
            missing = [str(p.relative_to(new_out)) for p in new_out.rglob("*")
                       if p.is_file() and not (old_out / p.relative_to(new_out)).exists()]
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old_tree)], cwd=ROOT, capture_output=True)
    for name in different + missing:
        print(f"differs: {name}")
    print("identical" if not (different or missing) else f"{len(different) + len(missing)} files differ")
    return 1 if different or missing else 0


if __name__ == "__main__":
    sys.exit(main())
