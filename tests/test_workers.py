"""Worker processes: the same words as one process, the audio handed over by name, nothing left behind."""
import multiprocessing
import tempfile

import numpy as np
import pytest
from conftest import FIXTURES

import align_transcripts.aligner as aligner
from align_transcripts.audio import decode
from align_transcripts.reconcile import reconcile
from align_transcripts.transcript import read_transcript
from align_transcripts.workers import process_pool, shared_samples


def test_shared_samples_are_the_samples_read_only_and_removed_after(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    x = (np.arange(48_000) % 3000 - 1500).astype(np.int16)
    with shared_samples(x) as shared:
        v = shared.read()
        assert np.array_equal(v, x)
        with pytest.raises(ValueError):
            v[0] = 1
        del v
        assert list(tmp_path.iterdir())
    assert not list(tmp_path.iterdir())


def _blas_threads(_):
    from threadpoolctl import threadpool_info

    return [p["num_threads"] for p in threadpool_info()]


def test_each_worker_runs_blas_on_one_thread():
    with process_pool(2, multiprocessing.get_context("spawn")) as pool:
        for threads in pool.map(_blas_threads, range(2)):
            assert threads and set(threads) == {1}


@pytest.mark.slow
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_two_workers_place_every_word_as_one_process_does(method, tmp_path, monkeypatch):
    monkeypatch.setattr(aligner, "MIN_BLOCK_MS", 25_000)  # the 110 s demo in four blocks
    monkeypatch.setattr(aligner, "_context", lambda: multiprocessing.get_context(method))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    audio = decode(str(FIXTURES / "demo" / "demo.mp3"))
    segs = reconcile(read_transcript(str(FIXTURES / "demo" / "demo.txt")), audio.duration).segments
    assert len(aligner._blocks(aligner.plan(segs, aligner.tokenize(segs), audio.duration), 8)) == 4
    one = aligner.align(segs, audio, workers=1)
    two = aligner.align(segs, audio, workers=2)
    assert two.words == one.words and two.trace == one.trace
    assert all(w.aligned for w in two.words if not w.word.startswith("["))
    assert not list(tmp_path.iterdir())  # the samples file went with the pool
