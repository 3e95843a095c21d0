"""Decoding through ffmpeg: formats, ranges, and a clear error for every kind of bad file."""
import subprocess

import numpy as np
import pytest
from conftest import FIXTURES

from align_transcripts import InputError
from align_transcripts.audio import RATE, decode, ffmpeg_binary, probe_duration, pydub_segment

A = FIXTURES / "audio"


@pytest.mark.slow
def test_decode_mp3_to_16k_mono():
    a = decode(str(A / "interview.mp3"))
    assert a.samples.dtype == np.int16
    assert 22_000 < a.duration < 24_000
    assert abs(probe_duration(str(A / "interview.mp3")) - a.duration) < 100


@pytest.mark.slow
def test_decode_range():
    a = decode(str(A / "interview.mp3"), start_ms=2000, duration_ms=1500)
    assert abs(len(a.samples) - 1.5 * RATE) < RATE * 0.05


@pytest.mark.slow
@pytest.mark.parametrize("ext,codec", [("wav", "pcm_s16le"), ("flac", "flac"), ("ogg", "libvorbis"), ("m4a", "aac")])
def test_other_formats_and_rates(tmp_path, ext, codec):
    out = tmp_path / f"x.{ext}"
    subprocess.run([ffmpeg_binary(), "-v", "error", "-i", str(A / "interview.mp3"), "-ar", "44100", "-ac", "2",
                    "-c:a", codec, str(out)], check=True)
    a = decode(str(out))
    assert 22_000 < a.duration < 24_000


@pytest.mark.slow
def test_video_container_audio_track(tmp_path):
    out = tmp_path / "x.mp4"
    subprocess.run([ffmpeg_binary(), "-v", "error", "-f", "lavfi", "-i", "color=c=black:s=64x64:d=23", "-i",
                    str(A / "interview.mp3"), "-shortest", "-c:v", "mpeg4", "-c:a", "aac", str(out)], check=True)
    assert 22_000 < decode(str(out)).duration < 24_000


@pytest.mark.parametrize("name,needle", [
    ("corrupt.mp3", "cannot be decoded as audio"),
    ("not_audio.wav", "cannot be decoded as audio"),
    ("silent.wav", "is silent"),
    ("missing.wav", "not found"),
])
@pytest.mark.slow
def test_bad_audio(name, needle):
    with pytest.raises(InputError) as exc:
        decode(str(A / name))
    assert needle in str(exc.value) and name in str(exc.value)


@pytest.mark.slow
def test_video_without_audio(tmp_path):
    out = tmp_path / "mute.mp4"
    subprocess.run([ffmpeg_binary(), "-v", "error", "-f", "lavfi", "-i", "color=c=black:s=64x64:d=2",
                    "-c:v", "mpeg4", str(out)], check=True)
    with pytest.raises(InputError, match="no audio stream"):
        decode(str(out))
    with pytest.raises(InputError, match="no audio stream"):
        probe_duration(str(out))


def test_ffmpeg_is_found_without_path(monkeypatch):
    ffmpeg_binary.cache_clear()
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("ALIGN_FFMPEG", raising=False)
    try:
        exe = ffmpeg_binary()
        assert "imageio_ffmpeg" in exe
        assert pydub_segment().converter == exe
    finally:
        ffmpeg_binary.cache_clear()
