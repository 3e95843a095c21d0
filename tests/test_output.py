"""JSON as align writes it, and all-or-nothing writes."""
import json
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from align_transcripts.errors import InputError
from align_transcripts.output import dumps, write_atomic

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                      max_leaves=20)


@given(values)
def test_dumps_round_trips(obj):
    text = dumps(obj)
    assert text.endswith("\n") and json.loads(text) == obj


def test_records_are_one_per_line():
    text = dumps({"summary": {"turns": 2}, "words": [{"word": "día", "start": 0}, {"word": "b", "start": 5}]})
    lines = text.splitlines()
    assert '    {"word": "día", "start": 0},' in lines and '    {"word": "b", "start": 5}' in lines
    assert lines[1] == '  "summary": {' and lines[0] == "{" and lines[-1] == "}"


def test_write_atomic_replaces_whole_file_or_names_the_problem(tmp_path):
    out = tmp_path / "a.json"
    write_atomic(str(out), "one\n")
    write_atomic(str(out), "two\n")
    assert out.read_text() == "two\n" and os.listdir(tmp_path) == ["a.json"]
    with pytest.raises(InputError, match="does not exist"):
        write_atomic(str(tmp_path / "missing" / "a.json"), "x")


def test_folder_problem_names_what_is_wrong(tmp_path):
    from align_transcripts.output import folder_problem, make_folder

    afile = tmp_path / "afile"
    afile.write_text("x")
    assert folder_problem(str(tmp_path / "new" / "deeper")) is None
    assert folder_problem(str(afile)) == "exists and is not a folder"
    assert folder_problem(str(afile / "sub")) == f"{afile} is not a folder"
    make_folder(str(tmp_path / "new" / "deeper"))
    assert (tmp_path / "new" / "deeper").is_dir()
    with pytest.raises(InputError, match="is not a folder") as err:
        make_folder(str(afile / "sub"))
    assert err.value.path == str(afile / "sub")


def test_folder_without_permission(tmp_path, monkeypatch):
    from align_transcripts.output import folder_problem

    monkeypatch.setattr(os, "access", lambda path, mode: False)  # as a non-root user in a read-only folder
    assert folder_problem(str(tmp_path / "out")) == f"cannot write in {tmp_path} (permission denied)"
