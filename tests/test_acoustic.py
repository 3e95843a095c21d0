"""The numpy engine's parts: the model as read, the features, the Viterbi on hand-written scores, real speech."""
import numpy as np
import pytest

from align_transcripts.acoustic.chain import NEG, ChainWord, States, chain_states, viterbi
from align_transcripts.acoustic.features import cepstra, features
from align_transcripts.acoustic.model import WPOS, load_model


@pytest.fixture(scope="module")
def model():
    return load_model()


def test_the_model_reads_as_pocketsphinx_describes_it(model):
    assert len(model.phones) == 42 and model.phones[model.sil] == "SIL"
    assert model.means.shape == (42, 3, 128, 13) and model.log_mixw.shape == (3, 128, 5126)
    assert set(np.nonzero(model.filler)[0]) == {model.phone_index[p] for p in ("SIL", "+NSN+", "+SPN+")}
    # every transition row is a distribution; HMMs only go forward
    probs = np.exp(model.log_trans)
    assert np.allclose(probs.sum(axis=2), 1) and np.all(np.tril(probs[:, :, :3], -1) == 0)
    # a triphone in context has its own senones, of its own base phone; an unknown context backs off
    ix = model.phone_index
    cat = model.triphone(ix["AE"], ix["K"], ix["T"], WPOS["internal"])
    assert cat >= len(model.phones) and set(model.sen2cb[model.senones(cat)]) == {ix["AE"]}
    assert model.triphone(ix["AE"], ix["+NSN+"], ix["T"], WPOS["internal"]) == \
        model.triphone(ix["AE"], ix["SIL"], ix["T"], WPOS["internal"])  # fillers count as silence
    assert 0.8 < np.exp(model.log_mixw[0, :, 0]).sum() <= 1.0001


def test_features_have_the_trained_shape_and_no_mean():
    rng = np.random.default_rng(0)
    samples = (rng.normal(0, 3000, 16000)).astype(np.int16)  # 1 s
    cep = cepstra(samples)
    assert cep.shape == ((16000 - 410) // 160 + 1, 13)
    f = features(cep)
    assert f.shape == (len(cep), 39) and np.allclose(f[:, :13].mean(axis=0), 0, atol=1e-4)
    flat = features(np.ones((20, 13), dtype=np.float32))
    assert np.allclose(flat, 0)  # a constant signal has no deltas, and no cepstra once the mean is gone


def _string(words):
    """A state string by hand: silence (3 states), then each word's states and a silence after it."""
    word, stay, enter, skip = [], [], [], []

    def add(owner, k, first_skip=NEG):
        for i in range(k):
            word.append(owner)
            stay.append(np.log(0.5))
            enter.append(np.log(0.5) if i else np.log(0.5) + (np.log(0.005) if owner < 0 else 0))
            skip.append(first_skip if i == 0 else NEG)

    add(-1, 3)
    for key, k in words:
        add(key, k, np.log(0.5) if key else 0.0)
        add(-1, 3)
    n = len(word)
    final = np.zeros(n, dtype=bool)
    final[-1] = final[-4] = True
    return States(np.arange(n), np.array(stay), np.array(enter), np.array(skip), np.array(word), final)


def test_viterbi_finds_the_boundaries_the_scores_say():
    # two words of three states; frames 0-4 silence, 5-14 word 0, 15-19 silence, 20-29 word 1, 30-34 silence
    st = _string([(0, 3), (1, 3)])
    owner = np.array([-1] * 5 + [0] * 10 + [-1] * 5 + [1] * 10 + [-1] * 5)
    emit = np.full((len(owner), len(st.word)), -10.0)
    for f, w in enumerate(owner):
        emit[f, st.word == w] = -1.0
    placed = viterbi(st, emit, [0, 1])
    assert [(p.key, p.first, p.last) for p in placed] == [(0, 5, 14), (1, 20, 29)]


def test_viterbi_skips_a_pause_that_is_not_there_and_refuses_too_few_frames():
    st = _string([(0, 3), (1, 3)])
    owner = np.array([0] * 8 + [1] * 8)  # no silence at all: the optional silences are skipped
    emit = np.full((len(owner), len(st.word)), -10.0)
    for f, w in enumerate(owner):
        emit[f, st.word == w] = -1.0
    placed = viterbi(st, emit, [0, 1])
    assert [(p.first, p.last) for p in placed] == [(0, 7), (8, 15)]
    assert viterbi(st, emit[:4], [0, 1]) is None  # six states of words cannot pass in four frames


def test_the_chain_of_a_real_word_string(model):
    words = [ChainWord(0, ("HH", "AH", "L", "OW")), ChainWord(1, ("W", "ER", "L", "D"))]
    st = chain_states(model, words)
    assert len(st.senone) == 3 * (1 + 4 + 1 + 4 + 1)  # silence, hello, silence, world, silence
    assert list(st.word[3:15]) == [0] * 12 and list(st.word[18:30]) == [1] * 12


def test_a_word_with_two_pronunciations_takes_the_one_the_audio_says(model):
    """"the" before a vowel is DH IY: the chain holds both branches side by side, the path takes
    the one whose senones match, and either branch leads on to the next word."""
    words = [ChainWord(0, ("DH", "AH"), (("DH", "IY"),)), ChainWord(1, ("EH", "N", "D"))]
    st = chain_states(model, words)
    # silence, the (DH AH), the (DH IY), silence, end, silence
    assert len(st.senone) == 3 * (1 + 2 + 2 + 1 + 3 + 1)
    assert list(st.word[3:15]) == [0] * 12 and list(st.exits(0)) == [8, 14]
    iy = np.arange(9, 15)  # the DH IY branch
    frames = [0, 1, 2] + [int(s) for s in iy for _ in range(2)] + [s for s in range(18, 27) for _ in range(2)] + [27, 28, 29]
    emit = np.full((len(frames), len(st.senone)), -20.0)
    for f, s in enumerate(frames):
        emit[f, s] = -1.0
    placed = viterbi(st, emit, [0, 1])
    assert [(p.key, p.first, p.last) for p in placed] == [(0, 3, 14), (1, 15, 32)]
    assert placed[0].score == -1.0  # every frame of "the" on the branch that matches
    # the same audio with "the" said first: the alternates of the first word may start the path too
    lead = frames[3:]
    emit2 = np.full((len(lead), len(st.senone)), -20.0)
    for f, s in enumerate(lead):
        emit2[f, s] = -1.0
    placed = viterbi(st, emit2, [0, 1])
    assert [(p.key, p.first) for p in placed] == [(0, 0), (1, 12)] and placed[0].score == -1.0


def test_the_dictionary_gives_every_pronunciation_the_first_first():
    from align_transcripts import dictionary

    assert dictionary.pronunciations("the") == ("DH AH", "DH IY")
    assert dictionary.pronunciations("hello")[0] == dictionary.pronunciation("hello")
    assert dictionary.pronunciations("of") == ("AH V",)


def test_real_speech_words_land_on_the_human_boundaries(model):
    """TIMIT (human word boundaries): every word placed, mean error under 30 ms (DEV data)."""
    from conftest import SHARED

    from align_transcripts.acoustic.search import SCORE_SCALE, chain_hits
    from align_transcripts.audio import decode
    from align_transcripts.grammar import Arc, Grammar

    base = SHARED / "data" / "speech" / "timit" / "dr2-marc0" / "sx108"
    if not base.with_suffix(".wav").exists():
        pytest.skip("shared speech data not here")
    ref = [(w, int(a) // 16, int(b) // 16) for a, b, w in (ln.split() for ln in base.with_suffix(".wrd").open())]
    grammar = Grammar(tuple(Arc(k, k + 1, 1.0, w, k) for k, (w, _, _) in enumerate(ref)), len(ref), "chain")
    hits = chain_hits(model, cepstra(decode(str(base.with_suffix(".wav"))).samples), grammar, SCORE_SCALE)
    assert hits is not None and [h.word for h in hits] == [w for w, _, _ in ref]
    errs = [abs(h.start - a) for h, (_, a, _) in zip(hits, ref)] + [abs(h.end - b) for h, (_, _, b) in zip(hits, ref)]
    assert np.mean(errs) < 30 and max(errs) < 100, errs
    assert all(0.5 < h.score <= 1 for h in hits)  # the right words score near the free phone loop


def test_the_full_mixture_is_the_log_of_the_weighted_sum_of_every_density(model):
    """mixture_scores against the textbook sum, density by density, for a few senones, across
    the chunks it scores at a time."""
    from align_transcripts.acoustic import scores

    rng = np.random.default_rng(1)
    feats = rng.normal(0, 1, (scores.MIX_CHUNK + 7, 39)).astype(np.float32)
    senones = np.array([0, 17, 2500, 5125])
    got = scores.mixture_scores(model, feats, senones)
    want = np.zeros_like(got, dtype=np.float64)
    for s in range(3):
        x = feats[:, s * 13:(s + 1) * 13].astype(np.float64)
        for j, sen in enumerate(senones):
            cb = model.sen2cb[sen]
            mu, iv = model.means[cb, s].astype(np.float64), model.inv_var[cb, s].astype(np.float64)
            ll = model.log_norm[cb, s][None, :] - 0.5 * (((x[:, None, :] - mu[None]) ** 2) * iv[None]).sum(axis=2)
            ll += model.log_mixw[s][:, sen][None, :]
            want[:, j] += np.logaddexp.reduce(ll, axis=1)
    assert np.allclose(got, want, atol=0.05)  # float32 arithmetic; densities 30 nats below the best dropped


def test_the_numpy_search_places_a_chain_with_lookahead_where_pocketsphinx_does():
    """The engine behind the Search interface: a turn and the first words of the next, the path
    ending inside them; its words within 60 ms of PocketSphinx's, every word a score in 0..1."""
    from conftest import FIXTURES

    from align_transcripts import grammar as g
    from align_transcripts.acoustic.search import NumpySearch
    from align_transcripts.aligner import tokenize
    from align_transcripts.audio import decode
    from align_transcripts.grammar import bind
    from align_transcripts.search import SphinxSearch
    from align_transcripts.types import Segment

    samples = decode(str(FIXTURES / "audio" / "interview.mp3")).samples
    mine = tuple(tokenize([Segment(1, "A", 0, 2600, "Welcome back to the program.", 1, 0)]))
    ahead = tuple(tokenize([Segment(2, "B", 2600, 9000, "Thanks for having me, Nadia.", 2, 2)], first=len(mine)))
    grammar = g.chain(mine, ahead)
    ours = bind(NumpySearch(samples)(grammar, 0, 3500), grammar)
    theirs = bind(SphinxSearch(samples)(grammar, 0, 3500), grammar)
    assert set(range(len(mine))) <= set(ours) and set(ours) - set(range(len(mine)))  # some lookahead heard
    for k in range(len(mine)):
        assert abs(ours[k].start - theirs[k].start) <= 60 and abs(ours[k].end - theirs[k].end) <= 60
        assert 0 < ours[k].score <= 1
    wrong = g.chain(tuple(tokenize([Segment(1, "A", 0, 2600, "Please shorten this skirt for Joyce.", 1, 0)])))
    assert NumpySearch(samples)(g.turn(mine), 0, 3500) == SphinxSearch(samples)(g.turn(mine), 0, 3500)  # not a chain
    fillers = g.chain(mine, fillers=True)  # a chain with "uh/um" loops on its states is not a plain chain either
    assert NumpySearch(samples)(fillers, 0, 3500) == SphinxSearch(samples)(fillers, 0, 3500)
    assert NumpySearch(samples)(wrong, 0, 100) is None  # 100 ms cannot hold the chain


def test_spotting_on_every_other_frame_finds_the_words_where_every_frame_does():
    """Anchoring's spotter scores one frame in two (anchor.SCORE_EVERY) to find where a probe is,
    then confirms the find on every frame around it: a sentence among three others is reported
    where, and as well as, full scoring reports it; a sentence that is not there is not heard."""
    from conftest import SHARED

    from align_transcripts import dictionary
    from align_transcripts.acoustic.spot import spot
    from align_transcripts.anchor import CONFIRM_BAND, SCORE_EVERY, SPOT_GAP
    from align_transcripts.audio import decode

    base = SHARED / "data" / "speech" / "timit" / "dr2-marc0"
    names = ["sa1", "sx108", "sa2", "si1188"]
    if not all((base / f"{n}.wav").exists() for n in names):
        pytest.skip("shared speech data not here")
    parts = [decode(str(base / f"{n}.wav")).samples for n in names]
    samples = np.concatenate(parts)
    starts = np.cumsum([0] + [len(p) * 1000 // 16000 for p in parts])

    def phones(name):
        words = [ln.split()[2] for ln in (base / f"{name}.wrd").open()]
        return [tuple(dictionary.pronunciation(w).split()) for w in words]

    probes = [phones("sx108"), phones("si1188")]
    assert SCORE_EVERY > 1
    fine = spot(samples, 0, probes)
    coarse = spot(samples, 0, probes, every=SCORE_EVERY, confirm=(-10.0, 0.0))  # both confirmed
    for f, c, k in zip(fine, coarse, (1, 3)):
        assert f is not None and c is not None
        assert starts[k] - 300 <= c.start and c.end <= starts[k + 1] + 300  # inside its own utterance
        assert abs(c.start - f.start) <= 10 and abs(c.end - f.end) <= 10 and abs(c.gap - f.gap) < 0.05, (f, c)
    band = (SPOT_GAP - CONFIRM_BAND, SPOT_GAP + CONFIRM_BAND)
    unconfirmed = spot(samples, 0, probes, every=SCORE_EVERY, confirm=band)  # both score far above the band
    assert all(u is not None and abs(u.start - f.start) <= 50 for u, f in zip(unconfirmed, fine))
    wrong = spot(samples[: starts[1] * 16], 0, [phones("si1188")], every=SCORE_EVERY, confirm=band)[0]
    assert wrong is None or wrong.gap < SPOT_GAP  # not heard
