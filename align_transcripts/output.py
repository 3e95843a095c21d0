"""Writing outputs all-or-nothing: a temporary file beside the target, renamed into place."""
from __future__ import annotations

import json
import os
import tempfile

from .errors import InputError


def folder_problem(path: str) -> str | None:
    """Why an output folder could not be used (checked before hours of work), or None."""
    probe = os.path.abspath(path)
    while not os.path.exists(probe):
        probe = os.path.dirname(probe)
    if not os.path.isdir(probe):
        return "exists and is not a folder" if probe == os.path.abspath(path) else f"{probe} is not a folder"
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"cannot write in {probe} (permission denied)"
    return None


def check_folder(path: str) -> None:
    """Raise InputError naming the folder when it could not be used (call before long work)."""
    problem = folder_problem(path)
    if problem:
        raise InputError(path, problem)


def make_folder(path: str) -> None:
    """Create an output folder (and its parents), or say why not, naming it."""
    check_folder(path)
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as exc:
        raise InputError(path, f"cannot create the folder: {exc.strerror}") from exc


def check_file(path: str) -> str:
    """The folder an output file goes to; InputError naming the file when it could not be written
    there (call before long work)."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InputError(path, f"cannot write: folder {folder} does not exist")
    if os.path.isdir(path):
        raise InputError(path, "cannot write: it is a folder")
    if not os.access(folder, os.W_OK | os.X_OK):  # the file itself is replaced by a rename: its own mode is moot
        raise InputError(path, f"cannot write in {folder} (permission denied)")
    return folder


def write_atomic(path: str, data: str | bytes) -> None:
    """Write the whole file or nothing: a crash or full disk never leaves a half-written output."""
    folder = check_file(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=os.path.basename(path)[-40:], dir=folder)
    except OSError as exc:
        raise InputError(path, f"cannot write: {exc.strerror}") from exc
    try:
        if isinstance(data, bytes):
            with os.fdopen(fd, "wb") as out:
                out.write(data)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as text_out:
                text_out.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp, path)
    except BaseException as exc:  # a full disk, or Ctrl-C: no temporary file is left behind
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise InputError(path, f"cannot write: {exc.strerror}") from exc
        raise


def dumps(obj: object) -> str:
    """JSON as align writes it: UTF-8 text, ending with a newline, indented down to the records.

    A list of records (findings, segments, words) is written one record per line: easy to read
    and to diff, and fast, since json's C encoder only runs without indentation (fully indented,
    a 230,000-word file took seconds).
    """
    return _dump(obj, "") + "\n"


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def _dump(obj: object, pad: str) -> str:
    inner = pad + "  "
    if isinstance(obj, dict) and obj:
        items = [f"{inner}{_ENCODE(str(k))}: {_dump(v, inner)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(obj, list) and obj and all(isinstance(x, dict) for x in obj):
        return "[\n" + ",\n".join(inner + _ENCODE(x) for x in obj) + f"\n{pad}]"
    return _ENCODE(obj)
