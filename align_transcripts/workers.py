"""Worker processes that end with their parent: Ctrl-C or a kill stops every one, no traceback.

Pool workers ignore SIGINT (the terminal sends it to the whole process group); the parent
alone turns it into KeyboardInterrupt, then cancels what is queued and terminates what runs,
instead of waiting for it as `with ProcessPoolExecutor()` would.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np


class Terminated(BaseException):
    """SIGTERM, raised in the parent so that it cleans up like on Ctrl-C (exit 143)."""


def _raise_terminated(signum, frame):  # noqa: ARG001 - signal handler signature
    raise Terminated()


def handle_sigterm() -> None:
    """Make SIGTERM unwind the main process (finally blocks run, temporary files go)."""
    signal.signal(signal.SIGTERM, _raise_terminated)


def _quiet_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; the worker is terminated
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)  # one BLAS thread per worker: the pool is the parallelism (more threads ran 10x slower)


@dataclass(frozen=True)
class SharedSamples:
    """A recording's int16 samples in a file every worker maps (the page cache shares it): what a
    worker is handed instead of a copy of the audio. Not multiprocessing.shared_memory: before
    Python 3.13 every process that opens a block registers it with the resource tracker, which
    then warns of leaks or unlinks it under the parent."""

    path: str
    length: int

    def read(self) -> np.ndarray:
        """The samples, mapped read-only (unmapped when the last view of them goes)."""
        if not self.length:  # numpy cannot map an empty file
            return np.zeros(0, np.int16)
        return np.memmap(self.path, dtype=np.int16, mode="r", shape=(self.length,))


@contextlib.contextmanager
def shared_samples(samples: np.ndarray) -> Iterator[SharedSamples]:
    """The samples written once to a private temporary file, removed when the block ends (also on Ctrl-C)."""
    with tempfile.TemporaryDirectory(prefix="align-") as folder:
        path = os.path.join(folder, "samples.s16")
        np.ascontiguousarray(samples, dtype=np.int16).tofile(path)
        yield SharedSamples(path, len(samples))


@contextlib.contextmanager
def process_pool(workers: int, context: multiprocessing.context.BaseContext | None = None
                 ) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers are terminated (not awaited) when the parent is interrupted."""
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_quiet_worker)
    try:
        yield pool
    except BaseException:
        stop_pool(pool)
        raise
    pool.shutdown(wait=True)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel queued work and terminate the running workers at once.

    The pool's manager thread may then complain that it cannot fail futures already cancelled
    (a CPython race, printed as a thread traceback); the parent is unwinding, so it is silenced.
    """
    threading.excepthook = _quiet_thread
    procs = list(getattr(pool, "_processes", {}).values())  # no public handle before Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        if p.is_alive():
            p.terminate()
    for p in procs:
        p.join(timeout=5)


def _quiet_thread(args: threading.ExceptHookArgs) -> None:  # noqa: ARG001 - excepthook signature
    return None


def end_children() -> None:
    """Terminate any child process still alive (a Dask cluster's workers), then reap them."""
    kids = multiprocessing.active_children()
    for p in kids:
        p.terminate()
    for p in kids:
        p.join(timeout=5)
        if p.is_alive():
            p.kill()
