"""Quality measures over (prediction, reference) pairs; plain Python, no model inside."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def exact_match(predictions: Sequence[str], references: Sequence[str]) -> float:
    """Fraction of outputs equal to their reference."""
    if not references:
        return 0.0
    return sum(p == r for p, r in zip(predictions, references, strict=True)) / len(references)


def token_accuracy(predictions: Sequence[Sequence], references: Sequence[Sequence]) -> float:
    """Position-wise accuracy: matching positions / Σ max(len(pred), len(ref)).

    Counting over the longer of the two penalises dropped *and* invented tokens.
    """
    correct = total = 0
    for p, r in zip(predictions, references, strict=True):
        correct += sum(a == b for a, b in zip(p, r, strict=False))
        total += max(len(p), len(r))
    return correct / total if total else 0.0


def length_buckets(lengths: Sequence[int], max_buckets: int = 8) -> list[tuple[int, int]]:
    """Equal-width (lo, hi) length ranges covering ``lengths``, at most ``max_buckets`` of them."""
    lo, hi = min(lengths), max(lengths)
    width = max(1, math.ceil((hi - lo + 1) / max_buckets))
    return [(a, min(a + width - 1, hi)) for a in range(lo, hi + 1, width)]


def exact_match_by_length(
    sources: Sequence[str], predictions: Sequence[str], references: Sequence[str], max_buckets: int = 8
) -> dict[str, dict]:
    """Exact match per source-length bucket: {"3-5": {"exact_match": .., "n": ..}, ...}.

    Lengths are counted in characters of the source text.
    """
    if not sources:
        return {}
    lengths = [len(s) for s in sources]
    out = {}
    for lo, hi in length_buckets(lengths, max_buckets):
        idx = [i for i, n in enumerate(lengths) if lo <= n <= hi]
        if idx:
            label = f"{lo}-{hi}" if lo != hi else str(lo)
            out[label] = {
                "exact_match": exact_match([predictions[i] for i in idx], [references[i] for i in idx]),
                "n": len(idx),
            }
    return out


def bleu(predictions: Sequence[str], references: Sequence[str], char_level: bool = False) -> float:
    """Corpus BLEU (0-100) via sacrebleu; over characters for character-level tasks, where
    13a word tokenisation would see "2026-11-26" as a handful of tokens. Effective order:
    outputs shorter than 4 tokens ("74") are scored on the n-grams they can have."""
    from sacrebleu.metrics import BLEU

    scorer = BLEU(tokenize="char" if char_level else "13a", effective_order=True)
    return float(scorer.corpus_score(list(predictions), [list(references)]).score)


def chrf(predictions: Sequence[str], references: Sequence[str]) -> float:
    """Corpus chrF (0-100) via sacrebleu."""
    import sacrebleu

    return float(sacrebleu.corpus_chrf(list(predictions), [list(references)]).score)


def attention_entropy(alphas: Sequence) -> float:
    """Mean entropy (nats) of the rows α_t: 0 = every step looks at one token; log S = a blur."""
    total = rows = 0.0
    for alpha in alphas:
        a = np.asarray(alpha, dtype=float)
        total += float(-(a * np.log(np.where(a > 0, a, 1.0))).sum())
        rows += a.shape[0]
    return total / rows if rows else 0.0


def coverage_deficit(alpha, n_source: int | None = None, threshold: float = 0.5) -> int:
    """How many source tokens the decoder hardly looked at: columns i of α (T, S) whose total
    attention Σ_t α_{t,i} is below ``threshold``. Only the first ``n_source`` columns count
    (default: all); pass S - 1 to leave </s> out."""
    a = np.asarray(alpha, dtype=float)
    if a.size == 0:
        return 0 if n_source is None else int(n_source)
    totals = a.sum(axis=0)[: a.shape[1] if n_source is None else n_source]  # (S,) Σ_t α_{t,i}
    return int((totals < threshold).sum())


def alignment_links(alpha, n_target: int, n_source: int) -> set[tuple[int, int]]:
    """The argmax-α alignment: output unit t links to source unit argmax_i α_{t,i}, unless the
    argmax is </s> (column ``n_source``), which links it to nothing."""
    a = np.asarray(alpha)
    links = set()
    for t in range(min(n_target, a.shape[0])):
        i = int(a[t].argmax())
        if i < n_source:
            links.add((t, i))
    return links


def alignment_error_rate(predicted: Sequence[set], gold: Sequence[set]) -> float:
    """AER (Och & Ney 2003) with sure links only: 1 - 2|A∩S| / (|A| + |S|), over the corpus."""
    hits = sum(len(a & s) for a, s in zip(predicted, gold, strict=True))
    size = sum(len(a) + len(s) for a, s in zip(predicted, gold, strict=True))
    return 1.0 - 2.0 * hits / size if size else 0.0


def argmax_alignment_error_rate(scored: Sequence, gold: Sequence[set]) -> float:
    """AER of the argmax-α alignments (``alignment_links``) of teacher-forced targets
    (``search.score_targets``'s results: α over target × source units, each with its </s>)
    against gold links, over the corpus."""
    predicted = [alignment_links(s.alpha, len(s.target_tokens) - 1, len(s.source_tokens) - 1) for s in scored]
    return alignment_error_rate(predicted, [set(g) for g in gold])
