"""Quality measures over (prediction, reference) pairs; plain Python, no model inside.

BLEU and chrF (sacrebleu) take one reference per prediction, or several: a real sentence has
every translation of it as a reference ("references" below is either ``["嗨。", ...]`` or
``[["嗨。", "你好。"], ...]``). BLEU's tokenisation follows the references' script
(``bleu_tokenize``): ``zh`` when they hold Chinese characters (13a would see an unsegmented
Chinese sentence as one word and print 0.0), ``char`` for character-level tasks, ``13a`` else.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

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


# Han characters (CJK unified and compatibility ideographs, extensions A-F): sacrebleu's zh
# tokenizer splits them into single tokens and treats the rest of a line as 13a does.
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")

References = Sequence[str] | Sequence[Sequence[str]]


def reference_lists(references: References) -> list[list[str]]:
    """Each prediction's references as a list: "ref" -> ["ref"], ["a", "b"] -> ["a", "b"]."""
    out = [[r] if isinstance(r, str) else list(r) for r in references]
    if any(not refs for refs in out):
        raise ValueError("every prediction needs at least one reference")
    return out


def reference_streams(references: References) -> list[list[str | None]]:
    """sacrebleu's form: one stream per reference rank, each aligned with the predictions; a
    prediction with fewer references than the most has None in the streams it lacks (sacrebleu
    skips None: a variable number of references, "nrefs:var" in its signature)."""
    lists = reference_lists(references)
    width = max((len(refs) for refs in lists), default=1)
    return [[refs[k] if k < len(refs) else None for refs in lists] for k in range(width)]


def bleu_tokenize(references: Iterable[str], char_level: bool = False) -> str:
    """The sacrebleu tokenisation for these references: "zh" when any holds a Chinese character
    (zh splits Han characters and is 13a elsewhere, so a stray name changes little), else
    "char" for a character-level task, else "13a"."""
    if any(_HAN.search(r) for r in references):
        return "zh"
    return "char" if char_level else "13a"


def bleu(
    predictions: Sequence[str], references: References, char_level: bool = False, tokenize: str | None = None
) -> float:
    """Corpus BLEU (0-100) via sacrebleu against one or several references per prediction.
    Tokenised by the references' script (``bleu_tokenize``; ``tokenize`` overrides): Chinese
    with zh, character-level tasks over characters (13a would see "2026-11-26" as a handful of
    tokens), the rest with 13a. Effective order: outputs shorter than 4 tokens ("74") are
    scored on the n-grams they can have."""
    from sacrebleu.metrics import BLEU

    lists = reference_lists(references)
    tokenize = tokenize or bleu_tokenize((r for refs in lists for r in refs), char_level)
    scorer = BLEU(tokenize=tokenize, effective_order=True)
    return float(scorer.corpus_score(list(predictions), reference_streams(lists)).score)


def chrf(predictions: Sequence[str], references: References) -> float:
    """Corpus chrF (0-100) via sacrebleu, against one or several references per prediction
    (character n-grams: no tokenisation to choose)."""
    from sacrebleu.metrics import CHRF

    return float(CHRF().corpus_score(list(predictions), reference_streams(references)).score)


def sentence_bleu(prediction: str, references: str | Sequence[str], char_level: bool = False) -> float:
    """BLEU (0-100) of one output against its reference(s), tokenised as ``bleu`` would."""
    from sacrebleu.metrics import BLEU

    refs = [references] if isinstance(references, str) else list(references)
    scorer = BLEU(tokenize=bleu_tokenize(refs, char_level), effective_order=True)
    return float(scorer.sentence_score(prediction, refs).score)


def sentence_chrf(prediction: str, references: str | Sequence[str]) -> float:
    """chrF (0-100) of one output against its reference(s)."""
    from sacrebleu.metrics import CHRF

    refs = [references] if isinstance(references, str) else list(references)
    return float(CHRF().sentence_score(prediction, refs).score)


def source_length(source: str, unit: str = "char") -> int:
    """Length of a source in ``unit``: "word" = whitespace-separated words, "char" = characters
    (spaces left out when the text has Chinese, which is written without them)."""
    if unit == "word":
        return len(source.split())
    return len(source.replace(" ", "")) if _HAN.search(source) else len(source)


def quantile_buckets(lengths: Sequence[int], n: int = 4) -> list[tuple[int, int]]:
    """(lo, hi) length ranges holding about equally many of ``lengths`` each (``n`` at most: ties
    stay together), e.g. the longest quarter of the test sentences as the last bucket."""
    ordered = sorted(lengths)
    out: list[tuple[int, int]] = []
    for k in range(n):
        part = ordered[k * len(ordered) // n : (k + 1) * len(ordered) // n]
        if not part:
            continue
        lo, hi = part[0], part[-1]
        if out and lo <= out[-1][1]:
            lo = out[-1][1] + 1
        if lo <= hi:
            out.append((lo, hi))
    return out


def scores_by_length(
    sources: Sequence[str],
    predictions: Sequence[str],
    references: References,
    char_level: bool = False,
    unit: str = "char",
    buckets: Sequence[tuple[int, int]] | None = None,
    max_buckets: int = 8,
) -> dict[str, dict]:
    """BLEU, chrF and exact match (equal to any reference) per source-length bucket:
    {"3-5": {"bleu": .., "chrf": .., "exact_match": .., "n": ..}, ...}. Lengths in ``unit``
    (``source_length``); ``buckets`` default to ``length_buckets`` (equal width). The BLEU
    tokenisation is chosen once, from all the references, so every bucket is scored alike."""
    if not sources:
        return {}
    lists = reference_lists(references)
    if not len(sources) == len(predictions) == len(lists):
        raise ValueError("sources, predictions and references must be as many")
    tokenize = bleu_tokenize((r for refs in lists for r in refs), char_level)
    lengths = [source_length(s, unit) for s in sources]
    out = {}
    for lo, hi in buckets if buckets is not None else length_buckets(lengths, max_buckets):
        idx = [i for i, n in enumerate(lengths) if lo <= n <= hi]
        if idx:
            preds, refs = [predictions[i] for i in idx], [lists[i] for i in idx]
            out[f"{lo}-{hi}" if lo != hi else str(lo)] = {
                "bleu": bleu(preds, refs, tokenize=tokenize),
                "chrf": chrf(preds, refs),
                "exact_match": sum(p in r for p, r in zip(preds, refs, strict=True)) / len(idx),
                "n": len(idx),
            }
    return out


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
