"""Stereo recordings with a voice a channel: which channel each speaker is on, and each speaker's
turns aligned on their own channel.

Interviews and calls are often recorded with a microphone a person, each on its own channel.
The mix the aligner otherwise hears has both voices at once where they overlap; each channel
has one. A speaker is on a channel when, over their turns' slots, that channel is louder by
SEPARATE_DB in most frames with speech; when one speaker is on each channel, the turns of each
channel's speakers are aligned on that channel alone (a voice on both, or heard too little to
say, on the mix), and their words merged in transcript order. Words of two channels that
overlap in time were said over each other: they are marked overlapped (`Word.overlapped`), as
the overlap pass marks them in a mix. The adaptation words.json reports is the first channel's
that was adapted.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass, replace

import numpy as np

from .aligner import Alignment, align
from .audio import Audio, decode, ffmpeg_binary, source_format
from .errors import InputError
from .types import Segment, Token, Tried, TurnTrace, Word, spoken_over
from .vad import speech_regions

__all__ = ["MIX", "SEPARATE_DB", "Channels", "align_on_channels", "channel_levels", "mark_overlaps", "mark_suspects_on_channels",
           "separating_levels", "speaker_channels"]

SEPARATE_DB = 10.0  # a speaker's channel is louder than the other by this much (median of their speech frames)
FRAME_MS = 20
LEVEL_RATE = 2000  # Hz: enough for the level of speech (most of its energy lies under 1 kHz), a fraction of the cost
MIN_FRAMES = 25  # half a second of a speaker's speech at least, to say which channel they are on
PROBE_MS = 300_000  # the channels are first asked whether they separate the voices of these first minutes
MIX = 2  # speaker_channels' answer for a voice on both channels: aligned on the mix


def separating_levels(path: str, segments: tuple[Segment, ...], duration: int) -> np.ndarray | None:
    """The channels' levels (channel_levels) when they separate the voices of the turns in the
    first PROBE_MS (speaker_channels); None for mono, a mix, dual mono. Most stereo files are the
    last: they are told so from their first minutes (a 62-minute stereo MP3's levels took 8 s)."""
    levels = channel_levels(path, PROBE_MS if duration > PROBE_MS else None)
    if levels is None or speaker_channels([s for s in segments if s.start < PROBE_MS], levels) is None:
        return None
    return channel_levels(path) if duration > PROBE_MS else levels



def channel_levels(path: str, duration_ms: int | None = None) -> np.ndarray | None:
    """(2, frames) energy (dB) of each FRAME_MS frame of each channel of a two-channel file (its
    first duration_ms), from a LEVEL_RATE decoding (a 2-hour file 57 MB while it is read); None
    for any other layout."""
    try:
        if source_format(path).channels != 2:
            return None
    except InputError:  # a banner this reader does not follow: aligned as a mix, as decode read it
        return None
    cmd = [ffmpeg_binary(), "-nostdin", "-hide_banner", "-v", "error", "-i", path]
    cmd += ["-t", f"{duration_ms / 1000:.3f}"] if duration_ms is not None else []
    cmd += ["-vn", "-sn", "-dn", "-map", "0:a:0", "-ac", "2", "-ar", str(LEVEL_RATE), "-f", "s16le", "-acodec",
            "pcm_s16le", "-"]
    proc = subprocess.run(cmd, capture_output=True)
    if proc.returncode != 0 or len(proc.stdout) < 4:
        return None
    x = np.frombuffer(proc.stdout[: len(proc.stdout) // 4 * 4], dtype="<i2").reshape(-1, 2).T
    hop = LEVEL_RATE * FRAME_MS // 1000
    n = x.shape[1] // hop
    frames = x[:, : n * hop].astype(np.float32).reshape(2, n, hop)
    return 10 * np.log10((frames * frames).mean(axis=2) + 1.0)


@dataclass(frozen=True)
class Channels:
    """A two-channel recording's channels, each decoded alone at 16 kHz when asked for and not
    kept (an hour of one is 115 MB: the mix and one channel are in memory at a time, never both
    channels), and its mix (MIX), which the caller has decoded already."""

    path: str
    mix: Audio
    mix_regions: list[tuple[int, int]] | None = None  # the mix's speech (vad.speech_regions), where the caller has it

    def get(self, c: int) -> Audio | None:
        """Channel c (or the mix for MIX), as long as the mix; None when it cannot be read."""
        if c == MIX:
            return self.mix
        try:
            a = decode(self.path, channel=c)
        except InputError:  # a silent or unreadable channel: its speakers are aligned on the mix
            return None
        n = len(self.mix.samples)
        return Audio(a.samples[:n], self.path) if len(a.samples) >= n else None


def speaker_channels(segments: tuple[Segment, ...] | list[Segment], levels: np.ndarray) -> dict[str, int] | None:
    """Each speaker's channel (MIX for one on both, or heard too little to say), where the channels
    separate at least two voices onto different channels; else None.

    Per speaker, over the frames of their turns' slots where either channel holds speech (above
    the louder channel's median level over the whole recording), the median level difference.
    """
    n = levels.shape[1]
    diff = levels[0] - levels[1]
    loud = levels.max(axis=0)
    speech = loud > np.median(loud)
    frames: dict[str, list[np.ndarray]] = {}
    for s in segments:
        if not s.text.strip():
            continue
        a, b = s.start // FRAME_MS, min(n, s.end // FRAME_MS)
        frames.setdefault(s.speaker, []).append(diff[a:b][speech[a:b]])
    out: dict[str, int] = {}
    for who, parts in frames.items():
        d = np.concatenate(parts) if parts else np.zeros(0)
        med = float(np.median(d)) if len(d) >= MIN_FRAMES else 0.0
        # a voice on both channels (a room microphone, a jingle's voice-over) is aligned on the mix
        out[who] = MIX if abs(med) < SEPARATE_DB else 0 if med > 0 else 1
    return out if {0, 1} <= set(out.values()) else None



def mark_overlaps(words: list[Word]) -> list[Word]:
    """Words from several channels: of two speakers' placed words that overlap in time, the one
    that starts second was said over the other (overlapped)."""
    out = list(words)
    for _, later in spoken_over(words):
        out[later] = replace(out[later], overlapped=True)
    return out


def align_on_channels(segments: tuple[Segment, ...], channels: Channels, mapping: dict[str, int],
                      **options) -> Alignment:
    """aligner.align run on each channel for its speakers' turns (options as align takes them), one
    channel decoded at a time, then on the mix for the rest (a voice on both channels, or on a
    channel that cannot be read); the words merged in transcript order and marked where they
    overlap another speaker's."""
    words: dict[int, list[Word]] = {}
    trace: list[TurnTrace] = []
    adapted = None

    def run(segs: tuple[Segment, ...], audio: Audio, regions: list[tuple[int, int]] | None = None) -> None:
        nonlocal adapted, trace
        done = align(segs, audio, regions=regions or speech_regions(audio.samples), **options)
        for w in done.words:
            words.setdefault(w.segment, []).append(w)
        trace += done.trace
        adapted = adapted or done.adapted

    on_mix = {s.index for s in segments if mapping.get(s.speaker, MIX) == MIX}
    unread: dict[int, int] = {}  # segment -> the channel its speaker is on, which could not be read
    for c in (0, 1):
        segs = tuple(s for s in segments if mapping.get(s.speaker, MIX) == c)
        audio = channels.get(c) if segs else None
        if audio is None:
            on_mix |= {s.index for s in segs}
            unread |= {s.index: c for s in segs}
        else:
            run(segs, audio)
        del audio  # one channel in memory at a time
    if on_mix:
        run(tuple(s for s in segments if s.index in on_mix), channels.mix, channels.mix_regions)
    # said in the trace, not silently: a turn aligned on the mix though its speaker has a channel
    trace = [replace(t, tried=(Tried("channel", f"channel {unread[t.segment] + 1} could not be read: aligned on "
                                                f"the mix"), *t.tried)) if t.segment in unread else t for t in trace]
    merged = [w for s in segments for w in words.get(s.index, [])]
    return Alignment(mark_overlaps(merged), tuple(sorted(trace, key=lambda t: t.segment)), adapted)


def mark_suspects_on_channels(words: list[Word], tokens: list[Token], channels: Channels,
                              mapping: dict[str, int]) -> list[Word]:
    """suspect.mark_suspects with each word judged on its speaker's channel, where no other voice
    is under it (on the mix, a turn's last words under the next speaker's first ones fall below
    the free phone loop and are flagged: 21 false flags on the stereo benchmark, 5 on its channels);
    one channel decoded at a time, a voice on both (or on a channel that cannot be read) on the mix."""
    from .suspect import mark_suspects

    out = list(words)
    for c in (0, 1, MIX):
        idx = [i for i, w in enumerate(words) if mapping.get(w.speaker, MIX) == c]
        audio = channels.get(c) if idx else None
        if audio is None:
            audio = channels.mix
        if idx:
            for i, w in zip(idx, mark_suspects([words[i] for i in idx], [tokens[i] for i in idx], audio.samples)):
                out[i] = w
        del audio
    return out
