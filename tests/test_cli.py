"""`align check` from the command line: exit codes, JSON shape, messages, inputs left untouched."""
import hashlib
import json
import subprocess
import sys

from conftest import FIXTURES

T = FIXTURES / "transcripts"


def run(*args):
    return subprocess.run([sys.executable, "-m", "align_transcripts", *map(str, args)], capture_output=True, text=True)


def test_check_json_shape_and_exit_1_on_errors(quirks):
    before = hashlib.sha256(quirks.read_bytes()).hexdigest()
    p = run("check", quirks, "--json")
    assert p.returncode == 1  # the fixture has a backwards stamp and a malformed header
    data = json.loads(p.stdout)
    assert set(data) >= {"summary", "segments", "findings"}
    s = data["summary"]
    assert s["turns"] == 12 and s["segments"] == 12
    assert s["speakers"] == {"Host": 6, "Ada Quill": 5, "ada quill": 1}
    assert s["findings"]["boilerplate"] == 6
    seg = data["segments"][0]
    assert {"index", "speaker", "start", "end", "text", "line"} <= set(seg)
    assert seg["start"] == 0.0 and isinstance(seg["end"], float)
    for f in data["findings"]:
        assert {"kind", "severity", "line", "start", "end", "speaker", "message"} <= set(f)
    assert hashlib.sha256(quirks.read_bytes()).hexdigest() == before


def test_check_table_and_exit_0_without_errors(tmp_path):
    f = tmp_path / "ok.txt"
    f.write_text("Host (00:00):\n\nHello and welcome.\n\nGuest (00:02):\n\nThanks.\n")
    p = run("check", f)
    assert p.returncode == 0, p.stderr
    assert "2 turns, 2 speakers, 0 errors" in p.stdout


def test_check_output_file(tmp_path, quirks):
    out = tmp_path / "audit.json"
    p = run("check", quirks, "-o", out)
    assert p.returncode == 1 and p.stdout == ""
    assert json.loads(out.read_text())["summary"]["turns"] == 12


def test_threshold_options(quirks):
    loose = json.loads(run("check", quirks, "--json", "--gap", "100").stdout)["summary"]["findings"]
    assert "gap" not in loose
    strict = json.loads(run("check", quirks, "--json", "--fast-rate", "20").stdout)["summary"]["findings"]
    assert "overlap" not in strict


def test_unusable_input_exit_2_names_the_file():
    for name, needle in [("missing.txt", "file not found"), ("binary.bin", "not a text file"),
                         ("cp1252.txt", "cp1252.txt:3: is not valid utf-8")]:
        p = run("check", T / name)
        assert p.returncode == 2
        assert name in p.stderr and needle in p.stderr
        assert "Traceback" not in p.stderr


def test_encoding_option():
    p = run("check", T / "cp1252.txt", "--encoding", "cp1252")
    assert p.returncode == 0, p.stderr


def test_bad_output_folder_exit_2(quirks, tmp_path):
    p = run("check", quirks, "-o", tmp_path / "nope" / "a.json")
    assert p.returncode == 2 and "does not exist" in p.stderr


def test_every_command_is_listed_in_full_and_its_help_ends_with_examples_that_parse():
    import shlex

    from align_transcripts.cli import EXAMPLES, main
    top = run("--help").stdout
    for name, cmd in main.commands.items():
        assert f"  {name}  " in top and cmd.short_help in top  # no "..." cut
        helptext = run(name, "--help").stdout
        assert "Examples:" in helptext and len(EXAMPLES[name]) >= 2
        for example in EXAMPLES[name]:
            assert example in helptext
            args = shlex.split(example.split(" > ")[0])[1:]
            assert args[0] == name
            cmd.make_context(name, args[1:])  # every option and argument of the example exists
    assert "..." not in top.split("Commands:")[1] and "…" not in top


def test_check_into_a_file_still_says_what_it_found(tmp_path, quirks):
    out = tmp_path / "a.json"
    p = run("check", quirks, "-o", out)
    assert p.returncode == 1 and out.exists()
    lines = p.stderr.splitlines()
    assert "12 turns, 3 speakers, 2 errors, 4 warnings, 8 notes" in lines[0]
    shown = [ln.split()[0] for ln in lines[1:] if ln.startswith("  ") and not ln.startswith("  ...")]
    assert shown[:2] == ["error", "error"] and set(shown[2:]) == {"warning"}  # errors first
