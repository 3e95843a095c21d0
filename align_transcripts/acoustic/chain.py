"""The plain chain: a Viterbi pass of a word sequence over senone scores, silence optional between words.

The chain is one left-to-right string of HMM states: optional silence, then each word's
triphones (3 states each, with their transition matrices), an optional silence after every
word. Each state may stay, step to the next state, or skip one state where its transition
matrix allows; an optional silence may be skipped whole. The best path gives every word's
first and last frame.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import WPOS, AcousticModel

__all__ = ["ChainWord", "Placement", "States", "best_path", "chain_states", "viterbi"]

SIL_PENALTY = np.log(0.005)  # entering an optional silence (PocketSphinx's -silprob)
NEG = -1e30


@dataclass(frozen=True)
class ChainWord:
    """A word of the chain: its index in the caller's list and its phones (ARPAbet)."""

    key: int
    phones: tuple[str, ...]


@dataclass(frozen=True)
class Placement:
    """Where the best path put a word: frames [first, last] inclusive, and its mean acoustic score per frame."""

    key: int
    first: int
    last: int
    score: float


@dataclass(frozen=True)
class States:
    """The chain as arrays: per state its senone, its log self-loop, its log step-in, its skip-in."""

    senone: np.ndarray
    stay: np.ndarray
    enter: np.ndarray  # from the previous state
    skip: np.ndarray  # from two states back (a skipped state or a skipped optional silence)
    word: np.ndarray  # the word index a state belongs to, -1 for silence
    final: np.ndarray  # bool: states the path may end in


def chain_states(model: AcousticModel, words: list[ChainWord]) -> States:
    """The state string for words in order, with cross-word triphone contexts."""
    ix = model.phone_index
    sil = model.sil
    seq = [[ix[p] for p in w.phones] for w in words]
    senone: list[int] = []
    stay: list[float] = []
    enter: list[float] = []
    skip: list[float] = []
    word: list[int] = []

    def add_hmm(pid: int, owner: int, first_enter: float, first_skip: float) -> None:
        sen = model.senones(pid)
        tr = model.transitions(pid)
        for k in range(3):
            senone.append(int(sen[k]))
            stay.append(float(tr[k, k]))
            if k == 0:
                enter.append(first_enter)
                skip.append(first_skip)
            else:
                enter.append(float(tr[k - 1, k]))
                skip.append(float(tr[k - 2, k]) if k >= 2 else NEG)
            word.append(owner)

    def add_silence(entry: float) -> None:
        add_hmm(sil, -1, entry + SIL_PENALTY, NEG)

    add_silence(0.0)
    prev_exit = float(model.transitions(sil)[2, 3])
    word_exit = 0.0
    for n, phones in enumerate(seq):
        left = seq[n - 1][-1] if n else sil
        right = seq[n + 1][0] if n + 1 < len(seq) else sil
        for k, base in enumerate(phones):
            if len(phones) == 1:
                pos = WPOS["single"]
            else:
                pos = WPOS["begin"] if k == 0 else WPOS["end"] if k == len(phones) - 1 else WPOS["internal"]
            lc = phones[k - 1] if k else left
            rc = phones[k + 1] if k + 1 < len(phones) else right
            pid = model.triphone(base, lc, rc, pos)
            if k == 0:
                # a word is entered from the silence before it or, skipping that silence, from the word before
                add_hmm(pid, words[n].key, prev_exit, word_exit if n else 0.0)
            else:
                add_hmm(pid, words[n].key, prev_exit, NEG)
            prev_exit = float(model.transitions(pid)[2, 3])
        word_exit = prev_exit
        add_silence(prev_exit)
        prev_exit = float(model.transitions(sil)[2, 3])
    final = np.zeros(len(senone), dtype=bool)
    final[[-1, -4]] = True  # the closing silence, or the last word's last state
    return States(np.array(senone), np.array(stay), np.array(enter), np.array(skip), np.array(word), final)


def _skip_sources(states: States) -> np.ndarray:
    """Where a state's skip arc comes from: two states back within an HMM; past the silence before
    a word's first state (that silence skipped)."""
    n = len(states.senone)
    src = np.arange(n) - 2
    for s in range(n):
        if states.word[s] >= 0 and (s == 0 or states.word[s - 1] < 0) and s >= 4:
            src[s] = s - 4  # the previous word's last state, before the 3-state silence
    return src


def viterbi(states: States, emit: np.ndarray, keys: list[int], required: int | None = None) -> list[Placement] | None:
    """The best path through the state string given each state's log-likelihood in each frame
    ((frames, states)), as frames per word; None when the path cannot hold every word (or, with
    `required`, the first `required` words: the path may end after any word the finals allow).

    Pure: tested on scores written by hand (tests/test_acoustic.py), no audio needed.
    """
    path = best_path(states, emit)
    if path is None:
        return None
    owner = states.word[path]
    out = []
    for n, key in enumerate(keys):
        frames = np.nonzero(owner == key)[0]
        if not len(frames):
            if required is None or n < required:
                return None
            continue
        out.append(Placement(key, int(frames[0]), int(frames[-1]), float(emit[frames, path[frames]].mean())))
    return out


def best_path(states: States, emit: np.ndarray) -> np.ndarray | None:
    """The state of every frame on the best path from the string's start to a final state (None: no such path)."""
    n = len(states.senone)
    t = len(emit)
    src = _skip_sources(states)
    score = np.full(n, NEG)
    score[0] = emit[0, 0]
    if n > 3:  # the path may start at the first word, skipping the leading silence
        score[3] = emit[0, 3]
    back = np.zeros((t, n), dtype=np.int8)  # 0 stayed, 1 stepped in, 2 skipped in
    stay, enter = states.stay, states.enter[1:]
    skip = np.where(src >= 0, states.skip, NEG)  # a state with no skip arc gets NEG from state 0
    src = np.maximum(src, 0)
    a, b, c = np.empty(n), np.full(n, NEG), np.empty(n)
    stepped, skipped = np.empty(n, dtype=bool), np.empty(n, dtype=bool)
    for f in range(1, t):  # every array preallocated: per frame the cost is the calls, not the states
        np.add(score, stay, out=a)
        np.add(score[:-1], enter, out=b[1:])
        score.take(src, out=c)
        c += skip
        np.greater(b, a, out=stepped)
        np.maximum(a, b, out=a)
        np.greater(c, a, out=skipped)
        np.maximum(a, c, out=a)
        row = back[f]
        row[stepped] = 1
        row[skipped] = 2
        np.add(a, emit[f], out=score)
    ends = np.nonzero(states.final)[0]
    last = int(ends[np.argmax(score[ends])])
    if score[last] <= NEG / 2:
        return None
    path = np.empty(t, dtype=np.int64)
    s = last
    for f in range(t - 1, -1, -1):
        path[f] = s
        move = back[f, s]
        s = s if move == 0 else s - 1 if move == 1 else int(src[s])
    return path if path[0] in (0, 3) else None
