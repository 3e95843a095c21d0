"""What a search looks for, and how what it found is bound back to transcript tokens.

A grammar is a finite-state graph: numbered states, arcs that say a dictionary word (for one
transcript token), a garbage phone, or nothing (epsilon). The aligner builds two kinds:
- the plain chain of a turn's words, then the first words of the next turn, any of which may
  be the last one heard (`chain`);
- the full turn grammar: absorbing phone loops at the edges and between sentences, and arcs
  that skip a whole unit missing from the audio (`turn`): a sentence, or a clause of a long one
  (`units`: an editor's cut or an advert falls at a pause, and pauses fall at commas as often
  as at full stops).
A search returns the labels of the best path. `bind` maps them back to tokens by parsing them
against the grammar, never by matching strings: a hit is bound to a token only when every
parse of the hits through the grammar puts it on that token's arc (a transcript that says
"I said no. I said yes." with only "i said yes" heard binds the second sentence, and an
ambiguous hit binds nothing and is reported unplaced).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from .text import ends_clause
from .types import Placed, Token

__all__ = ["GARBAGE_PREFIX", "PHONES", "Arc", "Grammar", "Hit", "bind", "bound_hits", "chain", "to_placed", "turn", "units"]

PHONES = ("AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH").split()
GARBAGE_PREFIX = "gbg_"
LOOKAHEAD_WORDS = 6  # words of the next turn searched after a turn's own: they take the next onset
GARBAGE_PROB = 1e-4  # per-phone price of the absorbing phone loop: 1e-2 ate real sentences, 1e-4 measured best
INNER_GARBAGE_PROB = 1e-4  # the same between sentences (1e-6 lost words next to untranscribed asides)
# a turn may be entered at one of its first ENTRY_WORDS words, its leading loop taking the ones before:
# the next speaker often starts while the last one is still talking, and those words, under two voices,
# lose to the loop; without this the whole sentence was skipped with them (bench/degrade.py crosstalk:
# 88.8 -> 93.0 % within 100 ms; 1e-4 to 1e-8 measured alike; 6 words 93.6 % but cost the noisy-stamps
# variant 0.3 points). The words left out are searched again on their own (passes.full_search).
ENTRY_PROB = 1e-6
ENTRY_WORDS = 3
SKIP_PROB = 1e-10  # a transcript unit missing from the audio may be skipped, at a high price
MIN_UNIT_WORDS = 4  # a clause shorter than this stays with its neighbour: too little to find, or to miss, alone
# Fillers a clean-verbatim transcript leaves out ("uh", "um", "hm"), said between any two words: a
# detour from every state between two words (chain(fillers=True)); garbage words, bound to no token
FILLERS = {"gbg_filler_uh": "AH", "gbg_filler_um": "AH M", "gbg_filler_hm": "HH M"}
FILLER_RUN = 4  # fillers in a row between two words ("uh, um, uh"); more are left to neighbouring words
FILLER_PROB = 1e-7  # 1e-5 placed the disfluency clips as well but cost the DEV interview 0.3 points within 50 ms


def units(tokens: tuple[Token, ...] | list[Token]) -> list[int]:
    """Where the turn's units start (positions in tokens, the first 0): after every sentence end,
    and after a clause's punctuation (ends_clause) where both sides say MIN_UNIT_WORDS words or more."""
    starts, words, clause_at = [0], 0, None  # clause_at: a clause boundary still to be confirmed
    for i, tok in enumerate(tokens[:-1]):
        words += len(tok.spoken) > 0
        if not tok.spoken:
            continue
        if tok.sentence_end:
            starts.append(i + 1)
            words, clause_at = 0, None
        elif ends_clause(tok.text) and words >= MIN_UNIT_WORDS:
            starts.append(i + 1)
            words, clause_at = 0, i + 1
    tail = sum(1 for t in tokens[starts[-1]:] if t.spoken)
    if clause_at is not None and starts[-1] == clause_at and tail < MIN_UNIT_WORDS:
        starts.pop()  # the last clause is too short alone: it joins the one before
    return starts


@dataclass(frozen=True)
class Hit:
    """One stretch of the best path: a word (or filler, or garbage phone), absolute ms."""

    word: str
    start: int
    end: int
    score: float

    @property
    def is_word(self) -> bool:
        """A transcript word, not silence, noise, a garbage phone or a null arc."""
        w = self.word
        return bool(w) and not (w.startswith(GARBAGE_PREFIX) or w[0] in "<[+(")

    @property
    def on_arc(self) -> bool:
        """Whether the hit is an arc of the grammar (a word or a garbage phone), not a filler the
        search inserts at any state (silence, noise) or a null transition."""
        w = self.word
        return bool(w) and w[0] not in "<[+("


@dataclass(frozen=True)
class Arc:
    """src -> dst with a probability, saying `label` (None: epsilon) for token `token`, part `part`."""

    src: int
    dst: int
    prob: float
    label: str | None = None
    token: int | None = None  # Token.index of the transcript token the word is said for
    part: int = 0  # which of that token's spoken words


@dataclass(frozen=True)
class Grammar:
    """A search graph from state 0 to `final`; `name` tells the decoder which search it is."""

    arcs: tuple[Arc, ...]
    final: int
    name: str = "turn"

    @property
    def transitions(self) -> list[tuple]:
        """The arcs as PocketSphinx's create_fsg wants them."""
        return [(a.src, a.dst, a.prob, a.label) if a.label else (a.src, a.dst, a.prob) for a in self.arcs]

    @cached_property
    def words(self) -> frozenset[str]:
        """The dictionary words the grammar says (garbage phones apart)."""
        return frozenset(a.label for a in self.arcs if a.label and not a.label.startswith(GARBAGE_PREFIX))

    @cached_property
    def parts(self) -> dict[int, int]:
        """Token index -> how many spoken words it has in the grammar."""
        out: dict[int, int] = defaultdict(int)
        for a in self.arcs:
            if a.token is not None:
                out[a.token] = max(out[a.token], a.part + 1)
        return dict(out)


def _lookahead(ahead: tuple[Token, ...], n: int = LOOKAHEAD_WORDS) -> list[tuple[int, int, str]]:
    """(token index, part, word) of the next turn's first LOOKAHEAD_WORDS spoken words."""
    return [(t.index, k, w) for t in ahead for k, w in enumerate(t.spoken)][:n]


def chain(tokens: tuple[Token, ...], ahead: tuple[Token, ...] = (), fillers: bool = False,
          look_words: int = LOOKAHEAD_WORDS, barred: frozenset[int] = frozenset()) -> Grammar:
    """The turn's words in a row, then up to look_words words of the next turn, any of which
    may end the path (the window may end inside them); with fillers, a run of up to FILLER_RUN
    "uh"s, "um"s or "hm"s the transcript left out may stand between any two of the turn's words
    (FILLERS), except at the states in barred (state s lies between spoken words s - 1 and s).

    A filler run is a detour that rejoins the chain with its own copy of the next word's arc, not
    a loop on the state: PocketSphinx's FSG search loses every path on some recordings when a
    state carries a self-loop, or a loop back through a null arc (MFA's cold corpus: "no path"
    with either, a path with the detour)."""
    said = [(t.index, k, w) for t in tokens for k, w in enumerate(t.spoken)]
    look = _lookahead(ahead, look_words)
    arcs = [Arc(i, i + 1, 1.0, w, tok, k) for i, (tok, k, w) in enumerate(said + look)]
    final = len(said) + len(look)
    if look:
        final += 1
        arcs += [Arc(i, final, 1.0) for i in range(len(said) + 1, final)]
    if fillers:
        free = final + 1
        for s in range(1, len(said)):
            if s in barred:
                continue
            prev, (tok, k, w) = s, said[s]
            for _ in range(FILLER_RUN):  # s -filler-> d1 (-filler-> d2 ...), each d -word s-> s + 1
                arcs += [Arc(prev, free, FILLER_PROB, f) for f in FILLERS]
                arcs.append(Arc(free, s + 1, 1.0, w, tok, k))
                prev, free = free, free + 1
    return Grammar(tuple(arcs), final, "chain+fillers" if fillers else "chain")  # with fillers, not a plain chain


def garbage_loop(state: int, free: int, total: float) -> list[Arc]:
    """An absorbing phone loop on `state`, on the two new states free and free + 1.

    state -eps-> g -phone-> h -eps-> state, and h -eps-> g for more phones: one set of phone
    arcs, each phone at total / 40 (a self-loop on the start state made PocketSphinx's FSG
    search fail to finish).
    """
    g, h = free, free + 1
    p = total / len(PHONES)
    return [Arc(state, g, 1.0), *(Arc(g, h, p, f"{GARBAGE_PREFIX}{ph.lower()}") for ph in PHONES),
            Arc(h, g, 1.0), Arc(h, state, 1.0)]


def turn(tokens: tuple[Token, ...], inner: bool = True, skips: bool = True, edge_prob: float = GARBAGE_PROB,
         ahead: tuple[Token, ...] = (), entry: bool = False) -> Grammar:
    """The full turn grammar: garbage loops at the edges (and, inner, between sentences), and,
    skips, an arc over each unit (a sentence or a long sentence's clause). Word states are 0..W
    along the transcript. ahead: the next turn's first words may follow (LOOKAHEAD_WORDS, any of
    them the last, or none): the next speaker's speech inside the window is claimed by their
    words, not left to the end loop, which costs more than forcing this turn's missing words onto it.
    entry: the turn may be entered at one of its first ENTRY_WORDS words (the window starts while the
    previous speaker is still talking)."""
    arcs: list[Arc] = []
    free = sum(len(t.spoken) for t in tokens) + 1  # next unused state after the word chain

    def garbage(s: int, total: float) -> None:
        nonlocal free
        arcs.extend(garbage_loop(s, free, total))
        free += 2

    state = 0
    garbage(0, edge_prob)
    lead = free - 1  # the leading loop's last state: PocketSphinx follows no two null arcs in a row
    at = set(units(tokens)[1:])
    unit_starts = [0]
    for i, tok in enumerate(tokens):
        if i in at:
            unit_starts.append(state)
        if entry and 0 < i <= ENTRY_WORDS and tok.spoken and i < len(tokens) - 1:
            arcs += [Arc(0, state, ENTRY_PROB), Arc(lead, state, ENTRY_PROB)]
        for k, w in enumerate(tok.spoken):
            arcs.append(Arc(state, state + 1, 1.0, w, tok.index, k))
            state += 1
        if tok.sentence_end and i < len(tokens) - 1 and tok.spoken and inner:
            garbage(state, INNER_GARBAGE_PROB)  # untranscribed asides sit between sentences, not only at turn edges
    garbage(state, edge_prob)
    unit_starts.append(state)
    for a, b in zip(unit_starts, unit_starts[1:]) if skips else ():
        if b > a:
            arcs.append(Arc(a, b, SKIP_PROB))
    look = _lookahead(ahead)
    if not look:
        return Grammar(tuple(arcs), state)
    final = free + len(look)
    prev = state
    for n, (index, k, w) in enumerate(look):
        arcs.append(Arc(prev, free + n, 1.0, w, index, k))
        prev = free + n
        arcs.append(Arc(prev, final, 1.0))
    arcs.append(Arc(state, final, 1.0))  # the window may end before the next turn's speech
    # ... also straight from where epsilons reach the turn's end (its end loop, a skip): PocketSphinx
    # follows one null arc at a time, and no path through two reaches the final state
    arcs += [Arc(a.src, final, a.prob) for a in arcs if a.label is None and a.dst == state and a.src != state]
    return Grammar(tuple(arcs), final)


def _closure(states: set[int], eps: dict[int, list[int]]) -> set[int]:
    out = set(states)
    todo = list(states)
    while todo:
        for t in eps.get(todo.pop(), ()):
            if t not in out:
                out.add(t)
                todo.append(t)
    return out


def bound_hits(hits: list[Hit], grammar: Grammar) -> list[tuple[Arc, Hit]]:
    """The hits of the path that every parse through the grammar puts on one and the same arc
    (garbage phones included), in path order, with that arc."""
    labels = [h for h in hits if h.on_arc]
    fwd_eps: dict[int, list[int]] = defaultdict(list)
    back_eps: dict[int, list[int]] = defaultdict(list)
    by_label: dict[str, list[Arc]] = defaultdict(list)
    for a in grammar.arcs:
        if a.label is None:
            fwd_eps[a.src].append(a.dst)
            back_eps[a.dst].append(a.src)
        else:
            by_label[a.label].append(a)
    n = len(labels)
    reach = [_closure({0}, fwd_eps)]  # states the path may be in after p labels
    for h in labels:
        reach.append(_closure({a.dst for a in by_label.get(h.word, ()) if a.src in reach[-1]}, fwd_eps))
    finish: list[set[int]] = [set()] * (n + 1)  # states from which labels p.. lead to the final state
    finish[n] = _closure({grammar.final}, back_eps)
    for p in range(n - 1, -1, -1):
        finish[p] = _closure({a.src for a in by_label.get(labels[p].word, ()) if a.dst in finish[p + 1]}, back_eps)
    out = []
    for p, h in enumerate(labels):
        arcs = [a for a in by_label.get(h.word, ()) if a.src in reach[p] and a.dst in finish[p + 1]]
        if len(arcs) == 1:
            out.append((arcs[0], h))
    return out


def to_placed(bound: list[tuple[Arc, Hit]], grammar: Grammar) -> dict[int, Placed]:
    """Token index -> Placed for every token all of whose spoken words are among the bound hits."""
    parts: dict[int, dict[int, Hit]] = defaultdict(dict)
    for a, h in bound:
        if a.token is not None:
            parts[a.token][a.part] = h
    out = {}
    for tok, got in parts.items():
        if len(got) == grammar.parts[tok]:
            hs = [got[k] for k in range(len(got))]
            out[tok] = Placed(tok, hs[0].start, hs[-1].end, sum(h.score for h in hs) / len(hs))
    return out


def bind(hits: list[Hit], grammar: Grammar) -> dict[int, Placed]:
    """Token index -> where its words were heard, for every token all of whose words the path
    says and whose arcs every parse of the hits agrees on. Tokens not bound are absent."""
    return to_placed(bound_hits(hits, grammar), grammar)
