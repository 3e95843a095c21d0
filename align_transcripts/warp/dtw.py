"""Dynamic time warping of a recording (rows) onto a reading of its transcript (columns), inside a band.

The step pattern: from row i-1 the path may stay on its column (the recording is slower, or
pauses), step one column, or step two (the recording is up to twice as fast; the skipped column
is paid too, so a fast stretch is not cheaper than a slow one). Each row holds only its band
[lo, hi) of columns, so memory is the band's area, not the matrix's; the band must start at
column 0 and end at the last column, its edges never moving back. Pure numpy, tested on cost
matrices written by hand (tests/test_warp.py).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["INF", "NoPath", "band_around", "warp"]

INF = np.float32(1e30)


class NoPath(ValueError):
    """No path through the band: the recording is too short for the reading (it moves at most two
    reading frames a recording frame)."""


def warp(cost: Callable[[int, int, int], np.ndarray], lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The cheapest path from (0, 0) to (rows-1, columns-1): for every row, its column.

    cost(i, a, b) gives row i's costs for columns a..b-1 (float32)."""
    rows = len(lo)
    if rows == 0:
        return np.zeros(0, dtype=np.int64)
    if lo[0] != 0:
        raise ValueError("the band must start at column 0")
    back: list[np.ndarray] = []
    c = cost(0, int(lo[0]), int(hi[0]))
    prev = np.full(len(c), INF, dtype=np.float32)
    prev[0] = c[0]
    back.append(np.zeros(len(c), dtype=np.int8))
    for i in range(1, rows):
        a, b, pa, pb = int(lo[i]), int(hi[i]), int(lo[i - 1]), int(hi[i - 1])
        c = cost(i, a, b)
        ext = np.full(b - a + 2, INF, dtype=np.float32)  # the previous row over columns a-2 .. b-1
        s, e = max(pa, a - 2), min(pb, b)
        if e > s:
            ext[s - (a - 2): e - (a - 2)] = prev[s - pa: e - pa]
        skip = ext[:-2].copy()
        skip[1:] += c[:-1]  # the column stepped over is paid too
        skip[0] = INF
        options = np.stack([ext[2:], ext[1:-1], skip])
        move = options.argmin(axis=0).astype(np.int8)
        prev = options[move, np.arange(b - a)] + c
        back.append(move)
    if prev[-1] >= INF / 2:
        raise NoPath("no path through the band")
    path = np.empty(rows, dtype=np.int64)
    j = int(hi[-1]) - 1
    for i in range(rows - 1, -1, -1):
        path[i] = j
        j -= int(back[i][j - int(lo[i])])
    return path


def band_around(centre: np.ndarray, width: int, columns: int) -> tuple[np.ndarray, np.ndarray]:
    """[lo, hi) per row: `width` columns either side of a centre line, made monotone, starting at
    column 0 and ending at the last."""
    c = np.maximum.accumulate(np.clip(np.asarray(centre, dtype=np.int64), 0, columns - 1))
    lo = np.maximum(0, c - width)
    hi = np.minimum(columns, c + width + 1)
    lo[0] = 0
    hi[-1] = columns
    hi = np.maximum.accumulate(hi)
    lo = np.minimum.accumulate(lo[::-1])[::-1]  # never moves back: a row's lo is at most every later row's
    return lo, hi
