"""Writing outputs all-or-nothing: a temporary file beside the target, renamed into place."""
from __future__ import annotations

import json
import os
import tempfile

from .errors import InputError


def write_atomic(path: str, data: str | bytes) -> None:
    """Write the whole file or nothing: a crash or full disk never leaves a half-written output."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InputError(path, f"cannot write: folder {folder} does not exist")
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=os.path.basename(path)[-40:], dir=folder)
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": "\n"})) as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp, path)
    except OSError as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise InputError(path, f"cannot write: {exc.strerror}") from exc


def dumps(obj: object) -> str:
    """JSON as align writes it: UTF-8 text, indented, ending with a newline."""
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"
