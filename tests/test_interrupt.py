"""Ctrl-C and SIGTERM: exit 130 / 143, no traceback from any process, no worker left, nothing half-written."""
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import FIXTURES

from align_transcripts.audio import ffmpeg_binary

pytestmark = pytest.mark.slow  # real alignments or command-line runs

DEMO = FIXTURES / "demo"


@pytest.fixture(scope="module")
def long_demo(tmp_path_factory):
    """The demo four times over (7 min, so aligning it takes several seconds with two workers)."""
    import re
    folder = tmp_path_factory.mktemp("long")
    audio = folder / "four.mp3"
    inputs = [x for _ in range(4) for x in ("-i", str(DEMO / "demo.mp3"))]
    subprocess.run([ffmpeg_binary(), "-v", "error", *inputs, "-filter_complex",
                    "".join(f"[{k}:a]" for k in range(4)) + "concat=n=4:v=0:a=1", str(audio)], check=True)
    text = (DEMO / "demo.txt").read_text()

    def moved(k):
        def stamp(m):
            h, mi, s = map(int, m.group(1).split(":"))
            t = h * 3600 + mi * 60 + s + 110 * k
            return f"({t // 3600:02d}:{t % 3600 // 60:02d}:{t % 60:02d}):"
        return re.sub(r"\((\d\d:\d\d:\d\d)\):", stamp, text)

    transcript = folder / "four.txt"
    transcript.write_text("\n".join(moved(k) for k in range(4)))
    return transcript, audio


def group_members(pgid):
    """Live (not zombie) processes of a process group."""
    alive = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                stat = open(f"/proc/{pid}/stat").read()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                alive.append(pid)
    return alive


def interrupt(args, sig, after, tmp_path):
    """Start align in its own process group (as a terminal would), signal the whole group."""
    # Ctrl-C's default action restored in the child, as a terminal's shell starts it: a SIGINT ignored
    # in this process (a library tested earlier may leave it so) would be inherited, and Python
    # then never raises KeyboardInterrupt
    p = subprocess.Popen([sys.executable, "-m", "align_transcripts", *map(str, args)], start_new_session=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(after)
    assert p.poll() is None, "finished before it could be interrupted"
    os.killpg(p.pid, sig)
    out, err = p.communicate(timeout=60)
    deadline = time.monotonic() + 5  # a terminated worker may take a moment to go
    while (alive := group_members(p.pid)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return p.returncode, err, alive


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_run_interrupted_ends_every_worker(tmp_path, long_demo, sig, code):
    transcript, audio = long_demo
    out = tmp_path / "out"
    rc, err, alive = interrupt(["run", transcript, audio, "-o", out, "--workers", "2"], sig, 2.5, tmp_path)
    assert rc == code, err
    assert "Traceback" not in err and "interrupted" in err
    assert alive == []
    assert not out.exists() or not [f for f in os.listdir(out) if f.startswith(".tmp")]


def test_batch_interrupted_ends_its_pool(tmp_path, long_demo):
    transcript, audio = long_demo
    manifest = tmp_path / "pairs.csv"
    manifest.write_text("transcript,audio,name\n" + "".join(f"{transcript},{audio},p{k}\n" for k in range(3)))
    rc, err, alive = interrupt(["batch", manifest, "-o", tmp_path / "b", "--workers", "2"], signal.SIGINT, 2.5, tmp_path)
    assert rc == 130 and "Traceback" not in err and alive == []


def test_batch_on_a_local_dask_cluster_interrupted_ends_the_cluster(tmp_path, long_demo):
    pytest.importorskip("distributed")
    transcript, audio = long_demo
    manifest = tmp_path / "pairs.csv"
    manifest.write_text("transcript,audio,name\n" + "".join(f"{transcript},{audio},p{k}\n" for k in range(3)))
    rc, err, alive = interrupt(["batch", manifest, "-o", tmp_path / "d", "--dask", "local"], signal.SIGINT, 6, tmp_path)
    assert rc == 130 and "Traceback" not in err and alive == []
