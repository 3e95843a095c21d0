"""The model's adaptation to the recording: the transform's file, its estimate, and what it does on a telephone line."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import SHARED
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from align_transcripts import adapt
from align_transcripts.acoustic.model import load_model
from align_transcripts.types import Placed, Token

finite = st.floats(-50, 50, allow_nan=False, width=32)


@settings(max_examples=25, deadline=None)
@given(arrays(np.float64, (3, 13, 13), elements=finite), arrays(np.float64, (3, 13), elements=finite))
def test_written_transform_reads_back(tmp_path_factory, a, b):
    path = str(tmp_path_factory.mktemp("mllr") / "t.mllr")
    adapt.Transform(a, b, 1000, 1.0).write(path)
    back = adapt.read(path)
    assert np.allclose(back.a, a, rtol=1e-7, atol=1e-12) and np.allclose(back.b, b, rtol=1e-7, atol=1e-12)


def _token(i: int, seg: int, word: str = "the") -> Token:
    return Token(word, seg, "A", 1, (word,), False, i)


def test_runs_keep_only_words_heard_well_in_a_row_in_one_turn():
    toks = [_token(i, 1 if i < 6 else 2) for i in range(10)]
    good = {i: Placed(i, 100 * i, 100 * i + 80, 0.9) for i in range(10)}
    assert adapt.runs(toks, good) == [(0, 580, (("DH", "AH"),) * 6), (600, 980, (("DH", "AH"),) * 4)]
    weak = {**good, 2: Placed(2, 200, 280, 0.5)}  # a word forced onto other speech breaks the run
    assert [r[:2] for r in adapt.runs(toks, weak)] == [(300, 580), (600, 980)]  # the first two alone are too few
    lost = {k: v for k, v in good.items() if k != 8}
    assert [r[:2] for r in adapt.runs(toks, lost)] == [(0, 580)]  # 6, 7 and 9 around the lost word: too few


def test_too_little_trusted_speech_adapts_nothing():
    assert adapt.estimate(load_model(), np.zeros(16000, np.int16), []) is None


def test_the_estimate_moves_the_means_towards_the_ones_the_frames_came_from():
    """Frames drawn from the model's own mixtures with every mean moved by a known transform: the
    means the estimate gives are nearer those the frames came from than the model's own (by half,
    weighted by how much each was heard: one EM step, its shares computed with the unmoved means),
    and it says it gains."""
    model = load_model()
    rng = np.random.default_rng(3)
    dim = 13
    true_a = np.stack([np.eye(dim) * 0.92 + rng.normal(0, 0.02, (dim, dim)) for _ in range(3)])
    true_b = rng.normal(0, 0.3, (3, dim))
    moved = adapt.Transform(true_a, true_b, 0, 0.0).means(model)
    path = np.repeat(rng.choice(np.nonzero(model.sen2cb >= 0)[0], 600), 30)  # 18,000 frames
    feats = np.zeros((len(path), 3 * dim), np.float32)
    book = model.sen2cb[path]
    for s in range(3):
        weights = np.exp(model.log_mixw[s][:, path]).T
        weights /= weights.sum(axis=1, keepdims=True)
        dens = np.array([rng.choice(len(w), p=w) for w in weights])
        sd = 1 / np.sqrt(model.inv_var[book, s, dens])
        feats[:, s * dim:(s + 1) * dim] = moved[book, s, dens] + rng.standard_normal((len(path), dim)) * sd
    occ = np.zeros(model.means.shape[:3])
    first = np.zeros(model.means.shape)
    adapt._accumulate(model, feats, path, occ, first)
    a, b, gain = adapt._solve(model, occ, first)
    assert gain > 0
    heard = occ[..., None]

    def off(means: np.ndarray) -> float:
        return float((np.abs(means - moved) * heard).sum() / heard.sum())

    assert off(adapt.Transform(a, b, 0, 0.0).means(model)) < 0.5 * off(model.means)


def test_pocketsphinx_loads_the_transform_and_no_change_changes_nothing(tmp_path, interview_audio):
    from align_transcripts.decoder import search
    from align_transcripts.grammar import chain
    from align_transcripts.text import tokens as text_tokens

    words = text_tokens("Good evening and welcome to the programme.")
    toks = tuple(Token(w, 1, "A", 1, (w.lower().strip("."),), False, i) for i, w in enumerate(words))
    samples = interview_audio.samples[:6 * 16000]
    same = tmp_path / "identity.mllr"
    adapt.Transform(np.stack([np.eye(13)] * 3), np.zeros((3, 13)), 0, 0.0).write(str(same))
    plain = search(samples, chain(toks))
    assert plain is not None
    assert search(samples, chain(toks), mllr=str(same)) == plain
    off = tmp_path / "off.mllr"
    adapt.Transform(np.stack([np.eye(13)] * 3), np.full((3, 13), 3.0), 0, 0.0).write(str(off))
    assert search(samples, chain(toks), mllr=str(off)) != plain  # the file is read, and it matters


def test_one_adapted_decoder_is_kept_at_a_time(tmp_path):
    """A process that aligns recording after recording (align batch) keeps the model as shipped and
    the last recording's adaptation, not one decoder per recording."""
    from align_transcripts import decoder

    paths = []
    for k in range(2):
        p = tmp_path / f"rec{k}.mllr"
        adapt.Transform(np.stack([np.eye(13)] * 3), np.full((3, 13), 0.1 * k), 0, 0.0).write(str(p))
        paths.append(str(p))
    decoder.get_decoder()
    decoder.get_decoder(mllr=paths[0])
    decoder.get_decoder(wide=True, mllr=paths[0])
    decoder.get_decoder(mllr=paths[1])
    kept = {k[1] for k in decoder._decoders}
    assert kept == {None, paths[1]} and set(decoder._added) == set(decoder._decoders)


def test_the_density_scores_are_the_gaussians_log_likelihoods():
    from align_transcripts.acoustic.model import load_model
    from align_transcripts.acoustic.scores import density_scores

    model = load_model()
    x = np.random.default_rng(1).normal(size=(5, 13))
    mu, iv = model.means[7, 1].astype(np.float64), model.inv_var[7, 1].astype(np.float64)
    want = model.log_norm[7, 1][None, :] - 0.5 * (((x[:, None, :] - mu[None]) ** 2) * iv[None]).sum(axis=2)
    assert np.allclose(density_scores(model, x, 7, 1), want, rtol=1e-4, atol=1e-2)


TIMIT = SHARED / "data" / "speech" / "timit"


def _telephone(x: np.ndarray) -> np.ndarray:
    """300-3400 Hz, 8 kHz, mu-law, back to 16 kHz (bench/degrade.py phone, shortened)."""
    spec = np.fft.rfft(x.astype(np.float64))
    hz = np.fft.rfftfreq(len(x), 1 / 16000)
    spec[(hz < 300) | (hz > 3400)] = 0
    narrow = np.fft.irfft(spec, len(x))[::2] / 32768.0
    coded = np.round(np.sign(narrow) * np.log1p(255 * np.abs(np.clip(narrow, -1, 1))) / np.log1p(255) * 127) / 127
    up = np.fft.irfft(np.fft.rfft(np.sign(coded) * (256 ** np.abs(coded) - 1) / 255), 2 * len(coded)) * 2
    return np.clip(up[:len(x)] * 32768, -32768, 32767).astype(np.int16)


def test_a_telephone_line_is_adapted_to_and_its_words_found():
    """Four TIMIT speakers over a telephone line: the model as shipped leaves turns out; adapted, it
    places them, near the human boundaries."""
    if not TIMIT.exists():
        pytest.skip("shared TIMIT data not present")
    from align_transcripts.aligner import align
    from align_transcripts.audio import Audio, decode
    from align_transcripts.reconcile import reconcile
    from align_transcripts.transcript import parse_transcript

    pieces, truth, lines, t = [np.zeros(8000, np.int16)], [], [], 0.5
    for spk in ("dr1-fvmh0", "dr2-marc0", "dr3-falk0", "dr4-maeb0"):
        for wav in sorted((TIMIT / spk).glob("*.wav"))[:8]:
            a = decode(str(wav)).samples
            text = wav.with_suffix(".txt").read_text().split(None, 2)[2].strip()
            ref = [line.split() for line in wav.with_suffix(".wrd").read_text().splitlines()]
            if len(ref) != len(text.split()):
                continue
            start = t + int(ref[0][0]) / 16000
            truth += [(t + int(s) / 16000, t + int(e) / 16000) for s, e, _ in ref]
            lines.append(f"{spk[4:]} ({int(start) // 60:02d}:{int(start) % 60:02d}):\n\n{text}\n")
            pieces += [a, np.zeros(8000, np.int16)]
            t += len(a) / 16000 + 0.5
    audio = Audio(_telephone(np.concatenate(pieces)))
    segs = reconcile(parse_transcript("\n".join(lines)), audio.duration).segments

    def within(done) -> float:
        err = np.array([[abs(w.start / 1000 - s), abs(w.end / 1000 - e)] for w, (s, e) in zip(done.words, truth)])
        return float((err <= 0.1).mean())

    adapted = align(segs, audio, workers=2)
    shipped = align(segs, audio, workers=2, adapt=False)
    assert adapted.adapted is not None and adapted.adapted.gain > 1.4
    assert shipped.adapted is None
    assert within(adapted) > 0.9
    assert within(adapted) > within(shipped) + 0.02
    assert sum(not w.aligned for w in adapted.words) <= sum(not w.aligned for w in shipped.words)


def test_words_json_and_the_trace_say_the_model_was_adapted():
    from align_transcripts.report import trace_text, words_json
    from align_transcripts.types import Tried, TurnTrace, Word

    t = adapt.Transform(np.stack([np.eye(13)] * 3), np.zeros((3, 13)), 2750, 2.81)
    words = [Word("Hello", 0, 400, "A", 1, True, 0.8, 1)]
    trace = (TurnTrace(1, 1, "chain", (Tried("chain"),)),)
    got = words_json(words, trace, t)["summary"]["adapted"]
    assert got["speech_s"] == 27.5 and got["gain"] == 2.81
    assert "adapted" not in words_json(words, trace)["summary"]
    assert trace_text(trace, t).startswith("model adapted to the recording on 28 s of its speech (+2.8 nats per frame:")
    assert "adapted" not in trace_text(trace)
