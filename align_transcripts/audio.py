"""Decoding: any file ffmpeg reads -> 16 kHz mono int16 samples, streamed from one ffmpeg process.

ffmpeg is the one on PATH, else the binary imageio-ffmpeg ships, so `pip install` is enough;
pydub is pointed at the same binary. No ffprobe: durations come from ffmpeg's own banner.
"""
from __future__ import annotations

import functools
import io
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from typing import cast

import numpy as np

from .errors import InputError

__all__ = ["RATE", "Audio", "SourceFormat", "decode", "probe_duration", "read_native", "source_format", "ffmpeg_binary"]

RATE = 16_000  # samples per second everywhere inside align
MIN_AUDIO_MS = 200  # a whole recording shorter than this holds no speech to align: it is cut off
_CHUNK = 1 << 20  # bytes read from ffmpeg at a time
_DURATION = re.compile(r"Duration:\s*(\d+):(\d\d):(\d\d(?:\.\d+)?)")


@functools.lru_cache(maxsize=1)
def ffmpeg_binary() -> str:
    """The ffmpeg to use: $ALIGN_FFMPEG, the one on PATH, else imageio-ffmpeg's bundled binary."""
    exe = os.environ.get("ALIGN_FFMPEG") or shutil.which("ffmpeg")
    if not exe:
        import imageio_ffmpeg

        exe = imageio_ffmpeg.get_ffmpeg_exe()
    return exe


def pydub_segment():
    """pydub's AudioSegment, pointed at our ffmpeg before it looks for one of its own.

    pydub searches PATH for ffmpeg when it is imported and warns "Couldn't find ffmpeg" when
    only imageio-ffmpeg's binary exists; that search is silenced and its answer replaced.
    """
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Couldn't find ff", category=RuntimeWarning)
        from pydub import AudioSegment
    AudioSegment.converter = ffmpeg_binary()
    return AudioSegment


@dataclass(frozen=True, eq=False)
class Audio:
    """Decoded speech: 16 kHz mono int16 samples and where they came from."""

    samples: np.ndarray = field(repr=False)
    path: str = "<audio>"
    source_ms: int | None = None  # duration the container declares, if it says

    @property
    def duration(self) -> int:
        """Length in milliseconds."""
        return len(self.samples) * 1000 // RATE

    def slice(self, start_ms: int, end_ms: int) -> np.ndarray:
        a = max(0, start_ms * RATE // 1000)
        b = max(a, min(len(self.samples), end_ms * RATE // 1000))
        return self.samples[a:b]


def _check_path(path: str) -> None:
    if not os.path.exists(path):
        raise InputError(path, "audio file not found")
    if os.path.isdir(path):
        raise InputError(path, "is a folder, not an audio file")
    if os.path.getsize(path) == 0:
        raise InputError(path, "audio file is empty")


def _ffmpeg_error(path: str, stderr: str) -> InputError:
    lines = [ln.strip() for ln in stderr.strip().splitlines() if ln.strip()]
    useful = [ln for ln in lines if path not in ln or "Invalid" in ln or "error" in ln.lower()]
    detail = (useful or lines or ["ffmpeg could not read it"])[-1]
    detail = detail.replace(path + ": ", "")
    return InputError(path, f"cannot be decoded as audio ({detail})")


_STREAM = re.compile(r"Audio: (\w+)[^,]*, (\d+) Hz, ([^,]+)(?:, [^,]+)?(?:, (\d+) kb/s)?")
_LAYOUT_CHANNELS = {"mono": 1, "stereo": 2, "2.1": 3, "quad": 4, "4.0": 4, "5.0": 5, "5.1": 6, "6.1": 7, "7.1": 8}


def _banner(path: str) -> str:
    """What `ffmpeg -i` says about a file (its stderr): streams, durations. No ffprobe needed."""
    _check_path(path)
    return subprocess.run([ffmpeg_binary(), "-hide_banner", "-i", path], capture_output=True, text=True,
                          errors="replace").stderr


def _banner_ms(banner: str) -> int | None:
    m = _DURATION.search(banner)
    if not m:
        return None
    h, mi, sec = m.groups()
    return round(((int(h) * 60 + int(mi)) * 60 + float(sec)) * 1000)


@dataclass(frozen=True)
class SourceFormat:
    """What a file's first audio stream is, so clips can keep its quality."""

    rate: int  # samples per second
    channels: int
    codec: str  # ffmpeg's short name: mp3, aac, opus, vorbis, flac, pcm_s16le, ...
    kbps: int | None  # the stream's bitrate when ffmpeg states it


def source_format(path: str) -> SourceFormat:
    """The first audio stream's rate, channels, codec and bitrate, from ffmpeg's banner."""
    banner = _banner(path)
    m = _STREAM.search(banner)
    if not m:
        raise _ffmpeg_error(path, banner) if "Audio:" not in banner else InputError(path, "has no audio stream")
    codec, rate, layout, kbps = m.group(1), int(m.group(2)), m.group(3).strip(), m.group(4)
    channels = _LAYOUT_CHANNELS.get(layout.split("(")[0].strip())
    if channels is None:
        n = re.match(r"(\d+) channels", layout)
        channels = int(n.group(1)) if n else 2
    return SourceFormat(rate, channels, codec, int(kbps) if kbps else None)


def read_native(path: str, start_ms: int, duration_ms: int, source: SourceFormat | None = None):
    """A range of the file at its own rate and channels as a pydub AudioSegment.

    ffmpeg seeks on the input side (cost follows the range, not its position in the file);
    pydub's own `from_file(start_second=...)` decodes from the beginning and needs ffprobe.
    """
    AudioSegment = pydub_segment()
    fmt = source or source_format(path)
    rate, channels = fmt.rate, fmt.channels
    cmd = [ffmpeg_binary(), "-nostdin", "-v", "error", "-ss", f"{start_ms / 1000:.3f}", "-i", path,
           "-t", f"{duration_ms / 1000:.3f}", "-vn", "-map", "0:a:0", "-ac", str(channels), "-ar", str(rate),
           "-f", "s16le", "-acodec", "pcm_s16le", "-"]
    p = subprocess.run(cmd, capture_output=True)
    if p.returncode != 0:
        raise _ffmpeg_error(path, p.stderr.decode("utf-8", "replace"))
    data = p.stdout[: len(p.stdout) // (2 * channels) * 2 * channels]
    return AudioSegment(data=data, sample_width=2, frame_rate=rate, channels=channels)


def probe_duration(path: str) -> int:
    """Duration in ms from ffmpeg's banner; decodes the file only when the container does not say."""
    banner = _banner(path)
    ms = _banner_ms(banner)
    if "Audio:" not in banner:
        raise _ffmpeg_error(path, banner) if ms is None else InputError(path, "has no audio stream")
    return ms if ms is not None else decode(path).duration


def _expected_samples(path: str, start_ms: int, duration_ms: int | None) -> int:
    """How many 16 kHz samples to expect, from the banner; a small guess when it does not say."""
    if duration_ms is not None:
        return duration_ms * RATE // 1000
    total = _banner_ms(_banner(path))
    return 60 * RATE if total is None else max(0, total - start_ms) * RATE // 1000


def decode(path: str, start_ms: int = 0, duration_ms: int | None = None, channel: int | None = None) -> Audio:
    """Decode (a range of) a file to 16 kHz mono int16, reading ffmpeg's output in chunks.

    channel: that channel alone (0 the first), not the mix of all (align_transcripts.channels).
    Only the 16 kHz result is held in memory (115 MB an hour), never a full-rate copy.
    Raises InputError for missing, corrupt, truncated, silent or non-audio files.
    """
    _check_path(path)
    cmd = [ffmpeg_binary(), "-nostdin", "-hide_banner", "-v", "error"]
    if start_ms:
        cmd += ["-ss", f"{start_ms / 1000:.3f}"]
    cmd += ["-i", path]
    if duration_ms is not None:
        cmd += ["-t", f"{duration_ms / 1000:.3f}"]
    cmd += ["-vn", "-sn", "-dn", "-map", "0:a:0"]
    if channel is not None:
        cmd += ["-af", f"pan=mono|c0=c{channel}"]
    cmd += ["-ac", "1", "-ar", str(RATE), "-f", "s16le", "-acodec", "pcm_s16le", "-"]
    expected = _expected_samples(path, start_ms, duration_ms)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    assert proc.stdout is not None and proc.stderr is not None
    err: list[bytes] = []
    reader = threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    stdout = cast(io.RawIOBase, proc.stdout)  # bufsize=0: a raw pipe, read straight into the array
    # Read straight into one preallocated array (sized from the container's duration), so the
    # peak memory is the 16 kHz result itself; grow by half when a container under-declares.
    buf = np.empty(expected + RATE, dtype="<i2")
    filled = 0  # bytes
    while True:
        view = buf.data.cast("B")
        if filled == len(view):
            grown = np.empty(len(buf) + len(buf) // 2 + RATE, dtype="<i2")
            grown[: len(buf)] = buf
            buf = grown
            continue
        n = stdout.readinto(view[filled: filled + _CHUNK])  # bounded: a huge request is copied
        if not n:
            break
        filled += n
    proc.wait()
    reader.join()
    stderr = b"".join(err).decode("utf-8", "replace")
    if proc.returncode != 0:
        if "matches no streams" in stderr or "does not contain any stream" in stderr:
            raise InputError(path, "has no audio stream")
        raise _ffmpeg_error(path, stderr)
    if filled < 2:
        raise InputError(path, "holds no audio samples (empty, truncated or not audio)")
    samples = buf[: filled // 2]
    if len(samples) < MIN_AUDIO_MS * RATE // 1000 and not duration_ms:
        raise InputError(path, f"holds only {len(samples) * 1000 // RATE} ms of audio "
                               f"({os.path.getsize(path):,} bytes): truncated, or not the whole recording?")
    if stderr.strip() and ("Invalid data" in stderr or "corrupt" in stderr.lower() or "truncat" in stderr.lower()):
        raise InputError(path, f"is damaged: ffmpeg reported {stderr.strip().splitlines()[-1]}")
    if samples.max() <= 64 and samples.min() >= -64:  # no copy: a 2-hour file stays 230 MB
        raise InputError(path, "is silent: no speech to align")
    return Audio(samples, path)
