"""Quality measures over (prediction, reference) pairs; plain Python, no model inside."""

from __future__ import annotations

import math
from collections.abc import Sequence


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
