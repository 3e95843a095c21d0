"""The numpy chain's word scores on PocketSphinx's scale: fit the squash, check the trust threshold.

    python bench/engine_scores.py

The chain pass trusts a turn whose words' mean score reaches align_transcripts.chain.MIN_MEAN_SCORE
(0.75, measured on PocketSphinx's scores). The numpy engine's score of a word is exp(scale * gap),
gap its mean per-frame log-likelihood less the best context-independent phone's (a free phone
loop). `scale` is fitted on every other DEV TIMIT speaker so that the threshold lies halfway
between the worst right transcript and the best wrong one; then, on the other speakers, each
engine is scored on right transcripts and on wrong ones (another utterance's words forced onto
the audio): how often the threshold trusts a wrong one and refuses a right one.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import numpy as np  # noqa: E402
from engine import utterances  # noqa: E402

from align_transcripts.acoustic.features import cepstra  # noqa: E402
from align_transcripts.acoustic.model import load_model  # noqa: E402
from align_transcripts.acoustic.search import chain_hits  # noqa: E402
from align_transcripts.chain import MIN_MEAN_SCORE  # noqa: E402
from align_transcripts.decoder import search  # noqa: E402
from align_transcripts.grammar import Arc, Grammar  # noqa: E402


def grammar(words: list[str]) -> Grammar:
    return Grammar(tuple(Arc(i, i + 1, 1.0, w, i) for i, w in enumerate(words)), len(words), "chain")


def mean_score(hits, n: int) -> float | None:
    words = [h for h in hits or [] if h.is_word]
    return None if len(words) != n else float(np.mean([h.score for h in words]))


def main() -> None:
    model = load_model()
    utts = utterances()
    speakers = sorted({u["speaker"] for u in utts})
    fit = set(speakers[::2])
    rows = []  # (speaker, right?, pocketsphinx mean, numpy mean gap)
    for k, u in enumerate(utts):
        other = utts[(k + 7) % len(utts)]
        for right, words in ((True, [w for w, _, _ in u["ref"]]), (False, [w for w, _, _ in other["ref"]])):
            g = grammar(words)
            ps = mean_score(search(u["samples"], g), len(words))
            hits = chain_hits(model, cepstra(u["samples"]), g, 1.0, cap=False)
            gap = None if hits is None else float(np.mean([np.log(h.score) for h in hits]))
            rows.append((u["speaker"], right, ps, gap))
    right_gaps = [r[3] for r in rows if r[0] in fit and r[1] and r[3] is not None]
    wrong_gaps = [r[3] for r in rows if r[0] in fit and not r[1] and r[3] is not None]
    middle = (min(right_gaps) + max(wrong_gaps)) / 2
    scale = float(np.log(MIN_MEAN_SCORE) / middle)
    print(f"fitted on {sorted(fit)}: worst right gap {min(right_gaps):.2f}, best wrong {max(wrong_gaps):.2f} "
          f"nats per frame; scale {scale:.3f}")
    print("| engine, speakers | right: median | right refused | wrong: median | wrong trusted |")
    print("|---|---|---|---|---|")
    for label, part in (("fit half", [r for r in rows if r[0] in fit]), ("other half", [r for r in rows if r[0] not in fit])):
        engines = (("pocketsphinx", lambda r: r[2]),
                   ("numpy", lambda r: None if r[3] is None else float(np.exp(scale * r[3]))))
        for engine, get in engines:
            right = [get(r) or 0.0 for r in part if r[1]]
            wrong = [get(r) or 0.0 for r in part if not r[1]]
            print(f"| {engine}, {label} | {np.median(right):.3f} | {np.mean(np.array(right) < MIN_MEAN_SCORE) * 100:.0f} % "
                  f"| {np.median(wrong):.3f} | {np.mean(np.array(wrong) >= MIN_MEAN_SCORE) * 100:.0f} % |")


if __name__ == "__main__":
    main()
