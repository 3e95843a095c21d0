"""An archive at once: `align run` over many transcript/audio pairs, locally or on a Dask cluster.

One failing pair is reported and the rest finish; a pair whose outputs are complete and newer
than its inputs is skipped on a re-run.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
from dataclasses import dataclass

from .errors import InputError
from .output import make_folder
from .pipeline import RUN_OUTPUTS, run_all
from .workers import process_pool


@dataclass(frozen=True)
class Pair:
    name: str
    transcript: str
    audio: str
    encoding: str | None = None  # the transcript's text encoding, when it is not UTF-8/UTF-16
    language: str = "en"  # the recording's language (warp/languages.py)


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip(".-")[:80] or "item"


def read_manifest(path: str, encoding: str | None = None, language: str = "en") -> list[Pair]:
    """CSV (columns transcript, audio and optionally name, encoding, language) or JSON (a list, or {"pairs": [...]}).

    encoding, language: the transcripts' encoding and the recordings' language where a row does not give its own.
    """
    from .warp.languages import language as lang_of

    if not os.path.isfile(path):
        raise InputError(path, "manifest not found")
    base = os.path.dirname(os.path.abspath(path))
    with open(path, "rb") as fh:
        raw = fh.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"is not valid UTF-8 text (byte 0x{raw[exc.start]:02X}); save it as UTF-8",
                         raw.count(b"\n", 0, exc.start) + 1) from exc
    rows: list[tuple[int, dict]] = []
    is_json = path.lower().endswith(".json")
    if is_json:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(path, f"is not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from exc
        items = data.get("pairs") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise InputError(path, 'expected a list of {"transcript", "audio"} objects (or {"pairs": [...]})')
        rows = [(n + 1, item) for n, item in enumerate(items)]
    else:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        if not reader.fieldnames or not {"transcript", "audio"} <= set(reader.fieldnames):
            raise InputError(path, "needs a header row with columns transcript,audio (and optionally name, encoding)", 1)
        rows = [(reader.line_num, row) for row in reader]
    pairs, seen = [], set()
    for line, row in rows:
        if not isinstance(row, dict) or not all(isinstance(row.get(k), str) and row[k] for k in ("transcript", "audio")):
            if is_json:  # a JSON entry's position, not a line
                raise InputError(path, f"entry {line} needs a transcript and an audio path (strings)")
            raise InputError(path, "each row needs a transcript and an audio path", line)
        t = os.path.join(base, row["transcript"])
        a = os.path.join(base, row["audio"])
        name = _safe_name(row.get("name") or os.path.splitext(os.path.basename(row["transcript"]))[0])
        unique, k = name, 2
        while unique in seen:
            unique, k = f"{name}-{k}", k + 1
        seen.add(unique)
        enc = row.get("encoding") or encoding
        where = f"entry {line}: " if is_json else ""
        try:  # an unknown encoding is named now, not once per pair after the others ran
            if enc is not None:
                codecs.lookup(enc)
        except (LookupError, TypeError) as exc:
            raise InputError(path, f"{where}unknown encoding {enc!r}", None if is_json else line) from exc
        try:
            lang = lang_of(row.get("language") or language).code
        except ValueError as exc:
            raise InputError(path, f"{where}{exc}", None if is_json else line) from exc
        pairs.append(Pair(unique, t, a, enc or None, lang))
    if not pairs:
        raise InputError(path, "lists no pairs")
    return pairs


def is_complete(pair: Pair, out_dir: str) -> bool:
    """Every output exists and is newer than both inputs."""
    try:
        newest_input = max(os.path.getmtime(pair.transcript), os.path.getmtime(pair.audio))
        return min(os.path.getmtime(os.path.join(out_dir, n)) for n in RUN_OUTPUTS) >= newest_input
    except OSError:
        return False


def run_pair(pair: Pair, out_root: str, preset: str = "netflix") -> dict:
    """One pair, never raising for the pair's own problems: a row of the summary."""
    from .captions import PRESETS

    out_dir = os.path.join(out_root, pair.name)
    try:
        res = run_all(pair.transcript, pair.audio, out_dir, PRESETS[preset], encoding=pair.encoding, workers=1,
                      language=pair.language)
    except InputError as exc:
        return {"name": pair.name, "status": "failed", "error": str(exc)}
    s = res["summary"]
    return {"name": pair.name, "status": "done", "turns": s["turns"], "errors": s["severities"]["error"],
            "warnings": s["severities"]["warning"], "words": res["words"], "aligned": res["aligned"],
            "cues": res["captions"]["cues"], "seconds": round(res["seconds"], 1),
            "audio_seconds": round(res["audio_ms"] / 1000, 1)}


def run_batch(pairs: list[Pair], out_root: str, workers: int = 2, dask: str | None = None, force: bool = False,
              preset: str = "netflix", progress=None) -> list[dict]:
    """Run every pair (skipping complete ones), in a process pool or on a Dask cluster; rows in input order."""
    make_folder(out_root)
    todo = [p for p in pairs if force or not is_complete(p, os.path.join(out_root, p.name))]
    rows = {p.name: {"name": p.name, "status": "skipped"} for p in pairs if p not in todo}
    if dask:
        try:
            from distributed import Client, LocalCluster, as_completed
        except ImportError as exc:
            raise InputError(None, "--dask needs Dask's distributed scheduler: "
                                   "pip install 'align-transcripts[dask]'") from exc
        import logging

        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.CRITICAL) if dask == "local" else None
        try:
            with Client(cluster or dask) as client:
                futures = client.map(run_pair, todo, out_root=out_root, preset=preset, pure=False)
                for n, fut in enumerate(as_completed(futures), 1):
                    row = fut.result()
                    rows[row["name"]] = row
                    if progress:
                        progress(n, len(todo))
        except BaseException:  # interrupted: the cluster's shutdown chatter is no news to the user
            logging.getLogger("distributed").setLevel(logging.CRITICAL + 1)
            raise
        finally:
            if cluster is not None:
                cluster.close(timeout=10)  # an interrupted run must not wait on it for long
    elif todo:
        with process_pool(max(1, workers)) as pool:
            futures = [pool.submit(run_pair, p, out_root, preset) for p in todo]
            for n, fut in enumerate(futures, 1):
                row = fut.result()
                rows[row["name"]] = row
                if progress:
                    progress(n, len(todo))
    return [rows[p.name] for p in pairs]


def summary_table(rows: list[dict]) -> str:
    head = f"{'name':<28} {'status':<8} {'turns':>5} {'aligned':>13} {'err':>4} {'warn':>5} {'time':>8}  note"
    lines = [head, "-" * len(head)]
    for r in rows:
        if r["status"] == "done":
            lines.append(f"{r['name'][:28]:<28} {'done':<8} {r['turns']:>5} {r['aligned']:>6}/{r['words']:<6} "
                         f"{r['errors']:>4} {r['warnings']:>5} {r['seconds']:>7.1f}s")
        else:
            lines.append(f"{r['name'][:28]:<28} {r['status']:<8} {'':>5} {'':>13} {'':>4} {'':>5} {'':>8}  "
                         + r.get("error", "outputs up to date"))
    done = sum(r["status"] == "done" for r in rows)
    failed = sum(r["status"] == "failed" for r in rows)
    skipped = sum(r["status"] == "skipped" for r in rows)
    lines.append(f"{done} done, {failed} failed, {skipped} skipped")
    return "\n".join(lines) + "\n"
