"""`align batch`: many pairs, one broken, on a Dask LocalCluster and in a local process pool."""
import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import FIXTURES

from align_transcripts import InputError
from align_transcripts.batch import read_manifest

pytestmark = pytest.mark.slow  # real alignments or command-line runs

A = FIXTURES / "audio"


def run(*args):
    return subprocess.run([sys.executable, "-m", "align_transcripts", *map(str, args)], capture_output=True, text=True)


@pytest.fixture
def archive(tmp_path):
    for name in ("interview.txt", "interview.mp3", "corrupt.mp3"):
        shutil.copy(A / name, tmp_path / name)
    (tmp_path / "pairs.csv").write_text("transcript,audio,name\ninterview.txt,interview.mp3,one\n"
                                        "interview.txt,interview.mp3,two\ninterview.txt,corrupt.mp3,broken\n")
    return tmp_path


def test_dask_local_cluster_one_broken_pair(archive):
    pytest.importorskip("distributed")
    out = archive / "out"
    p = run("batch", archive / "pairs.csv", "-o", out, "--dask", "local", "--workers", "2")
    assert p.returncode == 1, p.stderr  # one pair failed
    assert "2 done, 1 failed, 0 skipped" in p.stdout
    assert "corrupt.mp3: cannot be decoded" in p.stdout
    for name in ("one", "two"):
        words = json.loads((out / name / "words.json").read_text())
        assert words["summary"]["aligned"] == 50
    assert not (out / "broken" / "review.html").exists()


def test_rerun_skips_complete_pairs_and_redoes_changed_ones(archive):
    out = archive / "out"
    assert run("batch", archive / "pairs.csv", "-o", out, "--workers", "2").returncode == 1
    p = run("batch", archive / "pairs.csv", "-o", out)
    assert "0 done, 1 failed, 2 skipped" in p.stdout
    os.utime(archive / "interview.txt")  # an input newer than its outputs
    later = os.path.getmtime(archive / "interview.txt") + 5
    os.utime(archive / "interview.txt", (later, later))
    p = run("batch", archive / "pairs.csv", "-o", out)
    assert "2 done, 1 failed, 0 skipped" in p.stdout


def test_manifest_errors(tmp_path):
    bad = tmp_path / "m.csv"
    bad.write_text("file,sound\na,b\n")
    with pytest.raises(InputError, match="columns transcript,audio"):
        read_manifest(str(bad))
    js = tmp_path / "m.json"
    js.write_text(json.dumps({"pairs": [{"transcript": "a.txt", "audio": "a.mp3"}, {"transcript": "a.txt"}]}))
    with pytest.raises(InputError, match="entry 2 needs a transcript and an audio path"):
        read_manifest(str(js))
    js.write_text('[{"transcript": 5, "audio": "a.mp3"}]')
    with pytest.raises(InputError, match="entry 1 needs"):
        read_manifest(str(js))
    js.write_text('[\n{"transcript": "a.txt",\n "audio": }]')
    with pytest.raises(InputError, match="is not valid JSON") as exc:
        read_manifest(str(js))
    assert exc.value.line == 3
    latin = tmp_path / "latin.csv"
    latin.write_bytes("transcript,audio\nok.txt,ok.mp3\ncaf\u00e9.txt,a.mp3\n".encode("cp1252"))
    with pytest.raises(InputError, match="not valid UTF-8 text .byte 0xE9.") as exc:
        read_manifest(str(latin))
    assert exc.value.line == 3
    multi = tmp_path / "multi.csv"
    multi.write_text('transcript,audio\n"a\nb.txt",x.wav\nc.txt,\n')
    with pytest.raises(InputError, match="each row needs") as exc:
        read_manifest(str(multi))
    assert exc.value.line == 4  # the line the row ends on, counting the quoted line break
    js.write_text(json.dumps([{"transcript": "x/a.txt", "audio": "a.mp3"}, {"transcript": "y/a.txt", "audio": "b.mp3"}]))
    assert [p.name for p in read_manifest(str(js))] == ["a", "a-2"]


def test_encoding_option_and_manifest_column(tmp_path):
    text = A.joinpath("interview.txt").read_text().replace("Priya", "Priyà")
    (tmp_path / "latin.txt").write_bytes(text.encode("cp1252"))
    shutil.copy(A / "interview.mp3", tmp_path / "interview.mp3")
    (tmp_path / "plain.csv").write_text("transcript,audio,name\nlatin.txt,interview.mp3,one\n")
    (tmp_path / "column.csv").write_text("transcript,audio,name,encoding\nlatin.txt,interview.mp3,one,cp1252\n")
    assert read_manifest(str(tmp_path / "plain.csv"), "cp1252")[0].encoding == "cp1252"
    assert read_manifest(str(tmp_path / "column.csv"))[0].encoding == "cp1252"
    p = run("batch", tmp_path / "plain.csv", "-o", tmp_path / "a", "--workers", "1")
    assert p.returncode == 1 and "--encoding" in p.stdout  # the advice names an option batch has
    p = run("batch", tmp_path / "plain.csv", "-o", tmp_path / "b", "--workers", "1", "--encoding", "cp1252")
    assert p.returncode == 0, p.stdout + p.stderr
    words = json.loads((tmp_path / "b" / "one" / "words.json").read_text())["words"]
    assert "Priyà" in {w["speaker"] for w in words}
    p = run("batch", tmp_path / "column.csv", "-o", tmp_path / "c", "--workers", "1")
    assert p.returncode == 0, p.stdout + p.stderr


def test_a_manifest_names_each_recordings_language(tmp_path):
    (tmp_path / "langs.csv").write_text("transcript,audio,language\na.txt,a.mp3,fr\nb.txt,b.mp3,\n")
    pairs = read_manifest(str(tmp_path / "langs.csv"), language="de")
    assert [p.language for p in pairs] == ["fr", "de"]  # a row's own, else the option's
    (tmp_path / "bad.csv").write_text("transcript,audio,language\na.txt,a.mp3,klingon\n")
    with pytest.raises(InputError, match="not supported") as err:
        read_manifest(str(tmp_path / "bad.csv"))
    assert err.value.line == 2


def test_dask_without_the_extra_says_how_to_install_it(tmp_path, monkeypatch, archive):
    import align_transcripts.batch as batch
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the extra were not installed
    with pytest.raises(InputError, match=r"pip install 'align-transcripts\[dask\]'"):
        batch.run_batch(read_manifest(str(archive / "pairs.csv")), str(tmp_path / "o"), dask="local")


def test_an_unknown_encoding_is_named_before_any_pair_runs(tmp_path):
    (tmp_path / "m.csv").write_text("transcript,audio,encoding\na.txt,a.mp3,klingon\n")
    with pytest.raises(InputError, match="unknown encoding 'klingon'") as exc:
        read_manifest(str(tmp_path / "m.csv"))
    assert exc.value.line == 2
    with pytest.raises(InputError, match="entry 1: unknown encoding 'nope'"):
        read_manifest(_json(tmp_path, [{"transcript": "a.txt", "audio": "a.mp3"}]), "nope")
    p = run("batch", tmp_path / "m.csv", "-o", tmp_path / "o")
    assert p.returncode == 2 and "unknown encoding" in p.stderr and "Traceback" not in p.stderr


def _json(tmp_path, items):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(items))
    return str(path)
