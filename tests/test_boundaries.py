"""Word edges on the signal: pause edges refined, stranded short words rejoined to their phrase."""
from dataclasses import replace

import numpy as np

from align_transcripts.audio import RATE
from align_transcripts.boundaries import (
    PAUSE_MS,
    TAIL_MS,
    band_limited,
    refine_pause_edges,
    rejoin_stranded,
    restore_hiss,
    within_speech,
)
from align_transcripts.types import Word


def signal(*loud: tuple[int, int], total_ms: int = 3000) -> np.ndarray:
    """Quiet noise with loud noise over the given (start, end) ms stretches."""
    rng = np.random.default_rng(0)
    x = rng.normal(0, 30, total_ms * RATE // 1000)
    for a, b in loud:
        x[a * RATE // 1000:b * RATE // 1000] = rng.normal(0, 6000, (b - a) * RATE // 1000)
    return x.astype(np.int16)


def w(text, start, end, segment=1):
    return Word(text, start, end, "A", segment, True, 0.8, 1)


def test_short_word_stuck_to_the_previous_phrase_moves_before_the_next():
    x = signal((200, 600), (1800, 2400))
    words = [w("that.", 200, 540), w("The", 540, 600), w("cartoon", 1800, 2400)]
    out = rejoin_stranded(words, x)
    assert (out[1].start, out[1].end) == (1740, 1800)
    assert out[0] == words[0] and out[2] == words[2]


def test_speech_in_the_gap_is_a_hesitation_and_stays():
    x = signal((200, 600), (900, 1300), (1800, 2400))  # an "um" the transcript left out
    words = [w("that.", 200, 540), w("The", 540, 600), w("cartoon", 1800, 2400)]
    assert rejoin_stranded(words, x) == words


def test_clause_ends_long_words_and_spaced_words_stay():
    x = signal((200, 600), (1800, 2400))
    for words in ([w("that", 200, 540), w("well,", 540, 600), w("cartoon", 1800, 2400)],
                  [w("that", 200, 300), w("together", 300, 600), w("cartoon", 1800, 2400)],
                  [w("that", 200, 500), w("The", 540, 600), w("cartoon", 1800, 2400)],
                  [w("that", 200, 540), w("The", 540, 600), w("cartoon", 1800, 2400, segment=2)]):
        assert rejoin_stranded(words, x) == words


def test_pause_edges_move_onto_the_signal():
    x = signal((500, 1000), (1500, 2000))
    out = refine_pause_edges([w("one", 440, 1060), w("two", 1500, 2000)], x)
    assert abs(out[0].start - 500) <= 20 and abs(out[0].end - 1000) <= 20
    assert out[0].end <= out[1].start


def test_a_pause_with_sound_in_it_leaves_the_edges_to_the_model():
    """Under a bed of beats 15 dB below the speech (music: each beat loud, then decaying) the energy
    crosses its level on the bed as well as on the word: the edges stay where the acoustic model
    put them. Under a steady hiss as loud they move onto the signal."""
    rng = np.random.default_rng(1)
    t = np.arange(3000 * RATE // 1000) / RATE
    beats = np.exp(-12 * (t % 0.25)) * 2.5  # a beat every 250 ms, decaying (its mean power about that of the hiss)
    for envelope, moved in ((beats, False), (np.ones_like(t), True)):
        x = rng.normal(0, 6000 / 10 ** (15 / 20), len(t)) * envelope
        x[500 * RATE // 1000:1000 * RATE // 1000] = rng.normal(0, 6000, 500 * RATE // 1000)
        x[1500 * RATE // 1000:2000 * RATE // 1000] = rng.normal(0, 6000, 500 * RATE // 1000)
        words = [w("one", 440, 1060), w("two", 1500, 2000)]
        out = refine_pause_edges(words, np.clip(x, -32768, 32767).astype(np.int16))
        assert (out[0] != words[0]) is moved
        if moved:
            assert abs(out[0].start - 500) <= 20 and abs(out[0].end - 1000) <= 20


def test_an_end_the_model_put_inside_the_word_still_moves_out_to_the_pause():
    """The stretch searched after the model's end holds the rest of the word, then the pause: only
    the pause the new edge opens onto has to be steady (the tests/test_chain.py fixture's "did."
    ended 250 ms early while the whole stretch was judged)."""
    x = signal((500, 1000), (1600, 2000))
    out = refine_pause_edges([w("one", 500, 700), w("two", 1600, 2000)], x)
    assert abs(out[0].end - 1000) <= 20


def test_a_word_that_opens_on_a_long_silence_starts_where_the_sound_does():
    """The model gave "in" the pause before it as well (abutting the word before): its start moves
    to where its sound rises, opening the pause; a short quiet opening (a stop's closure) stays."""
    x = signal((200, 700), (1300, 1500), (1500, 1900))
    out = refine_pause_edges([w("letters", 200, 700), w("in", 700, 1500), w("being", 1500, 1900)], x)
    assert abs(out[1].start - 1300) <= 20
    assert out[0].end <= out[1].start and out[1].end <= out[2].start
    short = signal((200, 700), (780, 1100))
    kept = refine_pause_edges([w("letters", 200, 700), w("to", 700, 1100)], short)
    assert kept[1].start == 700


def band(x: np.ndarray, top_hz: int) -> np.ndarray:
    spectrum = np.fft.rfft(x.astype(np.float64))
    spectrum[np.fft.rfftfreq(len(x), 1 / RATE) > top_hz] = 0
    return np.fft.irfft(spectrum, len(x)).astype(np.int16)


def test_a_phone_line_is_told_from_full_band_audio():
    x = signal((200, 900), (1200, 2600))
    assert not band_limited(x)
    assert band_limited(band(x, 3400))


def test_on_a_phone_line_a_hissed_end_is_put_back_after_the_models():
    """Over a phone line the s of "types" is inaudible: the end moves TAIL_MS past the model's end
    (never into the next word's pause margin); a word ending otherwise, or on full-band audio, stays."""
    full = signal((200, 900), (1200, 1600), (1700, 2600))
    phone = band(full, 3400)
    model = [w("types.", 200, 900), w("the", 1200, 1600), w("cartoon", 1700, 2600)]
    refined = [replace(model[0], end=860), model[1], model[2]]
    ends = ["S", "AH", "N"]
    out = restore_hiss(refined, phone, ends, model)
    assert out[0].end == 900 + TAIL_MS and out[1:] == refined[1:]
    assert restore_hiss(refined, full, ends, model) == refined
    crowded = [model[0], replace(model[1], start=940)]
    assert restore_hiss(crowded, phone, ["S", "AH"], crowded)[0].end == 940 - PAUSE_MS


def test_an_edge_at_a_pause_stays_near_the_speech_its_word_is_in():
    """The warp ended the last word 280 ms into a breath after the phrase: brought back to
    SPEECH_EDGE_MS past where the speech detector's region ends. Edges between words, edges
    already near the speech, and unplaced words are left alone; a word keeps KEEP_MS at least."""
    regions = [(500, 1900), (2500, 3000)]
    words = [w("so", 300, 700), w("it", 700, 1000), w("went", 1000, 2180),
             replace(w("then", 2200, 2400), aligned=False), w("yes", 2450, 3080)]
    got = within_speech(words, regions, edge_ms=100)
    assert [(x.start, x.end) for x in got] == [(400, 700), (700, 1000), (1000, 2000), (2200, 2400), (2450, 3080)]
    early = within_speech([w("oh", 2000, 2300)], [(500, 1900), (2290, 2400)], edge_ms=100)[0]
    assert (early.start, early.end) == (2190, 2300)  # a start on the silence before, brought forward the same way
    lone = within_speech([w("ah", 1000, 3000)], [(2950, 2990)], edge_ms=0)[0]
    assert (lone.start, lone.end) == (2950, 3000)  # at least KEEP_MS long (50 ms)
