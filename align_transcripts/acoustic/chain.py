"""The plain chain: a Viterbi pass of a word sequence over senone scores, silence optional between words.

The chain is one left-to-right string of HMM states: optional silence, then each word's
triphones (3 states each, with their transition matrices), an optional silence after every
word. Each state may stay, step to the next state, or skip one state where its transition
matrix allows; an optional silence may be skipped whole. A word with several pronunciations
("the" is DH AH before a consonant, DH IY before a vowel) has a branch of states for each, side
by side in the string, entered from wherever the first one is and left to wherever it leads
(PocketSphinx's search does the same; with the first pronunciation alone, boundaries next to
such words were placed worse: 93.6 against 96.4 % within 50 ms on the DEV interview). The best
path gives every word's first and last frame.
"""
from __future__ import annotations

from dataclasses import dataclass, field

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
    alternates: tuple[tuple[str, ...], ...] = ()  # other pronunciations, each a branch of its own


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
    # more ways in, for a word's other pronunciations: (states, k) sources and their log weights (NEG: none)
    more_src: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    more: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    exit: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # the last state of a word's branch
    entry: tuple[int, ...] = ()  # where else a path may start: the first word's other branches

    def exits(self, key: int) -> np.ndarray:
        """The last state of each of a word's branches."""
        return np.nonzero(self.exit & (self.word == key))[0]


def chain_states(model: AcousticModel, words: list[ChainWord]) -> States:
    """The state string for words in order, with cross-word triphone contexts (a neighbour's first
    pronunciation gives the context across a word boundary)."""
    ix = model.phone_index
    sil = model.sil
    senone: list[int] = []
    stay: list[float] = []
    enter: list[float] = []
    skip: list[float] = []
    word: list[int] = []
    more: dict[int, list[tuple[int, float]]] = {}  # state -> other (source, log weight) ways in
    exits: list[int] = []
    entry: list[int] = []

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

    def add_branch(n: int, phones: list[int], left: int, right: int, enter_first: float,
                   skip_first: float) -> tuple[int, float]:
        """One pronunciation's states; returns its last state and the log weight of leaving it."""
        exit_p = 0.0
        for k, base in enumerate(phones):
            if len(phones) == 1:
                pos = WPOS["single"]
            else:
                pos = WPOS["begin"] if k == 0 else WPOS["end"] if k == len(phones) - 1 else WPOS["internal"]
            lc = phones[k - 1] if k else left
            rc = phones[k + 1] if k + 1 < len(phones) else right
            pid = model.triphone(base, lc, rc, pos)
            add_hmm(pid, words[n].key, enter_first if k == 0 else exit_p, skip_first if k == 0 else NEG)
            exit_p = float(model.transitions(pid)[2, 3])
        return len(senone) - 1, exit_p

    add_silence(0.0)
    sil_exit = float(model.transitions(sil)[2, 3])
    before: list[tuple[int, float]] = []  # the previous word's branch ends: (last state, log weight out)
    for n, w in enumerate(words):
        left = ix[words[n - 1].phones[-1]] if n else sil
        right = ix[words[n + 1].phones[0]] if n + 1 < len(words) else sil
        sil_last = len(senone) - 1  # the optional silence before this word
        ends: list[tuple[int, float]] = []
        for b, phones in enumerate([ix[p] for p in pron] for pron in (w.phones, *w.alternates)):
            first = len(senone)
            # a word is entered from the silence before it or, skipping that silence, from the word before
            if b == 0:
                end = add_branch(n, phones, left, right, sil_exit, before[-1][1] if before else 0.0)
                ways = before[:-1]
            else:
                end = add_branch(n, phones, left, right, NEG, NEG)
                ways = [(sil_last, sil_exit), *before]
            if ways:
                more[first] = list(ways)
            if b and not n:
                entry.append(first)
            ends.append(end)
        exits.extend(e for e, _ in ends)
        add_silence(ends[-1][1])
        if len(ends) > 1:
            more[len(senone) - 3] = [(e, p + SIL_PENALTY) for e, p in ends[:-1]]
        before = ends
    n_states = len(senone)
    final = np.zeros(n_states, dtype=bool)
    final[-1] = True  # the closing silence
    final[[e for e, _ in before]] = True  # or the last word's last state (any branch)
    width = max((len(v) for v in more.values()), default=0)
    more_src = np.zeros((n_states, width), dtype=np.int64)
    more_w = np.full((n_states, width), NEG)
    for s_, ways in more.items():
        for k, (src, p) in enumerate(ways):
            more_src[s_, k], more_w[s_, k] = src, p
    exit_mask = np.zeros(n_states, dtype=bool)
    exit_mask[exits] = True
    return States(np.array(senone), np.array(stay), np.array(enter), np.array(skip), np.array(word), final,
                  more_src, more_w, exit_mask, tuple(entry))


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
    starts = [0, *([3] if n > 3 else []), *states.entry]  # or at the first word, skipping the leading silence
    score = np.full(n, NEG)
    score[starts] = emit[0, starts]
    back = np.zeros((t, n), dtype=np.int8)  # 0 stayed, 1 stepped in, 2 skipped in, 3 + k by more_src[:, k]
    stay, enter = states.stay, states.enter[1:]
    skip = np.where(src >= 0, states.skip, NEG)  # a state with no skip arc gets NEG from state 0
    src = np.maximum(src, 0)
    a, b, c = np.empty(n), np.full(n, NEG), np.empty(n)
    stepped, skipped = np.empty(n, dtype=bool), np.empty(n, dtype=bool)
    more_src, more = states.more_src, states.more
    branched = more.size > 0
    if branched:
        m = np.empty(more.shape)
        came = np.empty(n, dtype=np.int64)
        best_more = np.empty(n)
        rows = np.arange(n)
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
        if branched:  # the other pronunciations' ways in and out
            score.take(more_src, out=m)
            m += more
            m.argmax(axis=1, out=came)
            best_more[:] = m[rows, came]
            won = best_more > a
            np.maximum(a, best_more, out=a)
            row[won] = 3 + came[won]
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
        s = s if move == 0 else s - 1 if move == 1 else int(src[s]) if move == 2 else int(more_src[s, move - 3])
    return path if path[0] in starts else None
