"""Speech activity and held sounds from the signal alone (synthetic signals, no model)."""
import numpy as np

from align_transcripts.audio import RATE
from align_transcripts.vad import held_ms, speech_regions

rng = np.random.default_rng(7)


def vowel(ms: int, f0: float) -> np.ndarray:
    """A steady voiced sound: harmonics of f0 under a fixed vowel-like envelope."""
    t = np.arange(ms * RATE // 1000) / RATE
    x = sum(np.sin(2 * np.pi * f0 * k * t) / k * (1.5 if 500 < f0 * k < 900 else 1) for k in range(1, 25))
    return 6000 * x / np.abs(x).max()


def syllables(ms: int) -> np.ndarray:
    """Speech-like sound whose spectrum changes every 80 ms, as running speech does."""
    parts = [vowel(80, f) if k % 2 else rng.normal(0, 2500, 80 * RATE // 1000)
             for k, f in enumerate(rng.uniform(90, 260, ms // 80))]
    return np.concatenate(parts)


def pause(ms: int) -> np.ndarray:
    return rng.normal(0, 30, ms * RATE // 1000)


def test_a_sound_held_steady_counts_and_running_speech_and_pauses_do_not():
    x = np.concatenate([pause(500), syllables(1200), vowel(1500, 140), syllables(1200), pause(800)]).astype(np.int16)
    regions = speech_regions(x)
    assert regions and regions[0][0] <= 600 and regions[-1][1] >= 4300
    held = held_ms(x, 0, regions, 0, 5200)
    assert 1300 <= held <= 1600  # the held vowel, give or take the lag at its edges
    assert held_ms(x, 0, regions, 500, 1700) == 0  # running speech alone
    assert held_ms(x, 0, regions, 4400, 5200) == 0  # a pause: steady too, but not speech
    # the same stretch measured from samples that begin later in the recording
    assert held_ms(x[RATE:], 1000, regions, 1000, 5200) == held


def test_a_hold_shorter_than_a_drawn_out_word_does_not_count():
    x = np.concatenate([pause(300), syllables(800), vowel(200, 150), syllables(800), pause(300)]).astype(np.int16)
    assert held_ms(x, 0, speech_regions(x), 0, 2400) == 0
