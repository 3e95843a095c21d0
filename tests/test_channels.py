"""Stereo recordings with a voice a channel (align_transcripts/channels.py)."""
import wave

import numpy as np
import pytest
from conftest import SHARED

from align_transcripts import channels
from align_transcripts.aligner import Alignment
from align_transcripts.audio import Audio, decode
from align_transcripts.channels import MIX, channel_levels, mark_overlaps, speaker_channels
from align_transcripts.types import Segment, Tried, TurnTrace, Word

TIMIT = SHARED / "data" / "speech" / "timit"


def _tone_speech(n: int, on: list[tuple[int, int]], level: float, seed: int) -> np.ndarray:
    """Noise bursts (speech-like energy) in the spans given (ms), silence elsewhere."""
    x = np.zeros(n)
    rng = np.random.default_rng(seed)
    for a, b in on:
        x[a * 16:b * 16] = rng.normal(0, level, (b - a) * 16)
    return x


def _segments(turns):
    return tuple(Segment(k + 1, who, a, b, "some words here", 1 + 3 * k, a) for k, (who, a, b) in enumerate(turns))


def test_each_speaker_is_on_the_channel_their_voice_is_loud_on_and_a_mix_is_on_none(tmp_path):
    turns = [("Ann", 0, 3000), ("Bob", 3000, 6000), ("Ann", 6000, 9000), ("Bob", 9000, 12000)]
    n = 12_000 * 16
    ann = [(200, 2800), (6200, 8800)]
    bob = [(3200, 5800), (9200, 11800)]
    left = _tone_speech(n, ann, 3000, 1) + _tone_speech(n, bob, 60, 2)  # Bob's voice leaks in, 34 dB down
    right = _tone_speech(n, bob, 3000, 3) + _tone_speech(n, ann, 60, 4)

    def levels(*channels):
        _write(tmp_path / "s.wav", np.stack(channels, axis=1))
        return channel_levels(str(tmp_path / "s.wav"))

    assert speaker_channels(_segments(turns), levels(left, right)) == {"Ann": 0, "Bob": 1}
    # a third voice on both channels (a room microphone) is aligned on the mix
    cy = [(12_200, 14_800)]
    n3 = 15_000 * 16
    room = _tone_speech(n3, cy, 2000, 6)
    three = _segments(turns + [("Cy", 12_000, 15_000)])
    assert speaker_channels(three, levels(np.pad(left, (0, n3 - n)) + room, np.pad(right, (0, n3 - n)) + room)) == \
        {"Ann": 0, "Bob": 1, "Cy": MIX}
    assert speaker_channels(_segments(turns), levels(left + right, left + right)) is None  # dual mono
    assert speaker_channels(_segments(turns), levels(left + right, np.zeros(n))) is None  # everyone on the left


def test_words_of_two_channels_that_overlap_in_time_are_marked_overlapped():
    words = [Word("so", 0, 300, "A", 1, True, 0.9), Word("there.", 300, 900, "A", 1, True, 0.9),
             Word("yes", 700, 1000, "B", 2, True, 0.9), Word("right", 1000, 1300, "B", 2, True, 0.9),
             Word("ok", 1400, 1600, "A", 3, True, 0.9), Word("fine", 1500, 1500, "B", 4, False, 0.0)]
    out = mark_overlaps(words)
    assert [w.overlapped for w in out] == [False, False, True, False, False, False]


def _write(path, chans: np.ndarray) -> None:
    with wave.open(str(path), "wb") as wf:
        wf.setnchannels(chans.shape[1])
        wf.setsampwidth(2)
        wf.setframerate(16000)
        wf.writeframes(np.clip(chans, -32768, 32767).astype(np.int16).tobytes())


def test_a_mono_file_has_no_channels_to_split(tmp_path):
    path = tmp_path / "mono.wav"
    _write(path, _tone_speech(16000, [(100, 900)], 3000, 5)[:, None])
    assert channel_levels(str(path)) is None


def test_real_speech_a_microphone_a_speaker_aligns_each_on_their_own_channel(tmp_path):
    """Two TIMIT speakers, one a channel, turns of two sentences each, each reply starting 1.6 s
    before the other's last word ends (further than a mix's overlap pass looks). Each speaker's
    words are aligned on their own channel: every word placed near the human boundaries, the
    ones said over the other speaker's overlapping theirs in time and marked so."""
    if not TIMIT.exists():
        pytest.skip("shared TIMIT data not present")
    from align_transcripts.pipeline import align_files

    turns = [("dr3-falk0", ("sx6", "sx96")), ("dr4-maeb0", ("sx180", "sx450")), ("dr3-falk0", ("sx186", "sx276")),
             ("dr4-maeb0", ("sx270", "sx360"))]
    mix = np.zeros((16000 * 40, 2))
    truth, lines, last_end, at = [], [], None, 8000
    for spk, utts in turns:
        texts, first = [], None
        for n, u in enumerate(utts):
            a = decode(str(TIMIT / spk / f"{u}.wav")).samples.astype(np.float64)
            texts.append((TIMIT / spk / f"{u}.txt").read_text().split(None, 2)[2].strip())
            ref = [(int(s), int(e)) for s, e, _ in (ln.split() for ln in (TIMIT / spk / f"{u}.wrd").read_text().splitlines())]
            if n == 0 and last_end is not None:
                at = last_end - 25600 - ref[0][0]  # the reply's first word 1.6 s before the other's last ends
            elif n:
                at = last_end + 4800 - ref[0][0]  # 0.3 s between the turn's two sentences
            mix[at:at + len(a), int(spk == "dr4-maeb0")] += a
            truth += [((at + s) / 16, (at + e) / 16) for s, e in ref]
            first = at + ref[0][0] if first is None else first
            last_end = at + ref[-1][1]
        lines.append(f"{'Ann' if spk == 'dr3-falk0' else 'Bob'} (00:{first // 16000:02d}):\n\n{' '.join(texts)}\n")
    _write(tmp_path / "call.wav", mix[:last_end + 8000])
    (tmp_path / "call.txt").write_text("\n".join(lines))
    words = align_files(str(tmp_path / "call.txt"), str(tmp_path / "call.wav")).words
    assert len(words) == len(truth) and all(w.aligned for w in words)
    err = np.array([max(abs(w.start - s), abs(w.end - e)) for w, (s, e) in zip(words, truth)])
    assert (err <= 100).mean() >= 0.9, err
    changes = [k for k in range(1, len(words)) if words[k].speaker != words[k - 1].speaker]
    assert all(words[k].start < words[k - 1].end and words[k].overlapped for k in changes)


def test_channels_are_aligned_one_at_a_time_and_an_unreadable_one_falls_to_the_mix(monkeypatch):
    """Each channel's speakers on their channel, the mix's speakers (and those of a channel that
    cannot be read) on the mix; a channel is let go before the next is decoded (an hour of one is
    115 MB), and the words come back in transcript order whatever channel aligned them."""
    import gc
    import weakref

    segs = _segments([("A", 0, 1000), ("B", 1000, 2000), ("C", 2000, 3000), ("A", 3000, 4000), ("B", 4000, 5000)])
    mix = Audio(np.zeros(16000 * 5, np.int16), "mix")
    seen: list[tuple[tuple[int, ...], str, int]] = []
    decoded: list[weakref.ref] = []

    def fake_align(todo, audio, regions=None, **options):
        gc.collect()
        seen.append((tuple(s.index for s in todo), audio.path, sum(r() is not None for r in decoded)))
        return Alignment([Word(f"w{s.index}", s.start, s.start + 200, s.speaker, s.index, True, 0.9) for s in todo],
                         tuple(TurnTrace(s.index, 1, "chain", (Tried("chain"),)) for s in todo), None)

    class Decoding(channels.Channels):
        def get(self, c):
            a = Audio(np.zeros(16000 * 5, np.int16), f"channel {c}")
            decoded.append(weakref.ref(a))
            return a

    class Unreadable1(Decoding):
        def get(self, c):
            return None if c == 1 else super().get(c)

    monkeypatch.setattr(channels, "align", fake_align)
    mapping = {"A": 0, "B": 1, "C": MIX}
    done = channels.align_on_channels(segs, Decoding("x.wav", mix), mapping)
    assert seen == [((1, 4), "channel 0", 1), ((2, 5), "channel 1", 1), ((3,), "mix", 0)]
    assert [w.segment for w in done.words] == [1, 2, 3, 4, 5]
    seen.clear()
    done = channels.align_on_channels(segs, Unreadable1("x.wav", mix), mapping)
    assert seen == [((1, 4), "channel 0", 1), ((2, 3, 5), "mix", 0)]
    assert [w.segment for w in done.words] == [1, 2, 3, 4, 5]
    # the turns of the unreadable channel say so in their trace; the others do not
    said = {t.segment: t.tried[0].reason for t in done.trace}
    assert said[2] == said[5] == "channel 2 could not be read: aligned on the mix"
    assert said[1] == said[3] == said[4] == ""


def test_each_word_is_judged_for_suspicion_on_its_speakers_channel(monkeypatch):
    """--suspects on a stereo file: each speaker's words against their own channel (on the mix a
    turn's last words under the next speaker's first are flagged), a voice on both on the mix."""
    from dataclasses import replace

    from align_transcripts import suspect
    from align_transcripts.aligner import tokenize

    segs = _segments([("A", 0, 1000), ("B", 1000, 2000), ("C", 2000, 3000), ("A", 3000, 4000)])
    tokens = tokenize(segs)
    words = [Word(t.text, t.segment * 1000 + 300 * k, t.segment * 1000 + 300 * k + 200, t.speaker, t.segment, True, 0.9)
             for k, t in enumerate(tokens)]
    audio = {c: Audio(np.full(16000 * 4, c, np.int16), f"channel {c}") for c in (0, 1)}
    judged: list[tuple[list[int], int]] = []

    def fake(ws, toks, samples):
        assert [w.word for w in ws] == [t.text for t in toks]  # each word with its own token
        judged.append((sorted({w.segment for w in ws}), int(samples[0])))
        return [replace(w, suspect=True) for w in ws]

    class Decoding(channels.Channels):
        def get(self, c):
            return self.mix if c == MIX else audio[c]

    monkeypatch.setattr(suspect, "mark_suspects", fake)
    mix = Audio(np.full(16000 * 4, 9, np.int16), "mix")
    out = channels.mark_suspects_on_channels(words, tokens, Decoding("x.wav", mix), {"A": 0, "B": 1, "C": MIX})
    assert judged == [([1, 4], 0), ([2], 1), ([3], 9)]
    assert [(w.word, w.segment) for w in out] == [(w.word, w.segment) for w in words] and all(w.suspect for w in out)
