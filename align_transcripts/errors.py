"""The one exception a user can cause: it names the file (and line) so the CLI can say what to fix."""
from __future__ import annotations


class InputError(Exception):
    """Unusable input: a missing, unreadable, malformed or mismatched file. The CLI exits 2 on it."""

    def __init__(self, path: str | None, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = path or ""
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}" if where else message)
