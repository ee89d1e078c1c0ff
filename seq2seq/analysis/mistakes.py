"""Where a model fails: decode many inputs, and per input measure what its attention did.

``analyze`` decodes a list of pairs greedily (batched, one pass that also records the
log-probability of each chosen token and α_t) and returns one ``ErrorRow`` per pair:

    correct            the output equals the target; for a real sentence (a task with its own
                       split, ``Task.has_splits``) its sentence chrF against every reference of
                       the source is at least ``RIGHT_CHRF`` (exact match is ~0 on real text)
    log_prob           log p(y | x) of the model's own output, Σ_t log p(y_t | y_<t, x)
    entropy            mean over the output's steps of H(α_t) (nats): 0 = one source token per
                       step, log S = attention spread evenly (``metrics.attention_entropy``)
    coverage_deficit   source tokens (</s> left out) whose total attention Σ_t α_{t,i} < 0.5:
                       tokens the decoder hardly looked at (``metrics.coverage_deficit``)
    aer                alignment error rate of the argmax-α alignment of the output against
                       the task's gold alignment of the right answer (None without gold)
    length             source length in the model's tokens (</s> left out)
    chrf               a real sentence: sentence chrF (0-100) of the output against every
                       reference, both detokenised as a reader writes them (None elsewhere)

The three attention fields are None for a vanilla decoder. The question the rows answer —
*does the attention tell in advance which inputs fail?* — is ``predictive_power``: the AUC of
each field as a score for "this output is wrong" (0.5 = no better than chance).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np

from seq2seq.analysis.experiments import is_character_task, length_sweep_examples
from seq2seq.core.checkpoint import Checkpoint, write_atomic
from seq2seq.core.search import greedy
from seq2seq.data.tasks import Example
from seq2seq.data.tokenizers import in_units
from seq2seq.errors import InputError
from seq2seq.training import metrics
from seq2seq.training.pipeline import heldout

# The measured fields, and which way points to trouble: +1 = a higher value is more suspicious.
RISK = {"log_prob": -1, "entropy": 1, "coverage_deficit": 1, "aer": 1, "length": 1}
# A real sentence is "right" when its sentence chrF against all its references reaches this: on
# the shipped en-zh-attention model 12.8 % of the 942 test sentences do (exact match: 6.4 %).
RIGHT_CHRF = 50.0


@dataclass
class ErrorRow:
    """One decoded input (field names as in ``python -m seq2seq eval --errors``)."""

    source: str
    target: str
    output: str
    correct: bool
    log_prob: float
    entropy: float | None
    coverage_deficit: int | None
    aer: float | None
    length: int
    chrf: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class ErrorAnalysis:
    """The rows of ``analyze``, in the order of the inputs."""

    task: str | None
    decoder: str
    rows: list[ErrorRow] = field(default_factory=list)

    @property
    def error_rate(self) -> float:
        return sum(not r.correct for r in self.rows) / len(self.rows) if self.rows else 0.0

    def available(self) -> list[str]:
        """The fields of ``RISK`` that every row has (vanilla: no attention fields; no gold: no AER)."""
        return [f for f in RISK if self.rows and all(getattr(r, f) is not None for r in self.rows)]

    def values(self, name: str) -> np.ndarray:
        return np.array([getattr(r, name) for r in self.rows], dtype=float)

    def wrong(self) -> np.ndarray:
        return np.array([not r.correct for r in self.rows], dtype=bool)

    def to_dict(self) -> dict:
        return {"task": self.task, "decoder": self.decoder, "rows": [r.to_dict() for r in self.rows]}

    def jsonl(self) -> str:
        """One JSON object per line, one line per row."""
        return "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in self.rows)

    def write_jsonl(self, path: Path) -> Path:
        """``jsonl`` written atomically (temp file + rename)."""
        write_atomic(Path(path), self.jsonl().encode("utf-8"))
        return Path(path)


INPUTS = ("heldout", "longer")  # what ``inputs_for`` can generate


def inputs_for(ckpt: Checkpoint, kind: str, n: int, seed: int) -> list[Example]:
    """Inputs to analyse: "heldout" = ``n`` fresh inputs of the training distribution
    (``pipeline.heldout``); "longer" (character tasks) = ``n`` inputs spread evenly over
    every length from 1 to twice the longest training input, where the model starts to fail."""
    if kind == "heldout":
        return heldout(ckpt, n, seed)
    if kind != "longer":
        raise InputError(f"unknown kind of inputs {kind!r}: expected one of {', '.join(INPUTS)}")
    if not is_character_task(ckpt):
        raise InputError("only character tasks can generate inputs of a chosen length")
    lengths = list(range(1, 2 * ckpt.task.max_len + 1))
    # exactly n (the page's slider says n): n // L of every length, the remainder one more each,
    # spread evenly over the lengths (1,000 over 48 lengths used to be 960)
    r, k = n % len(lengths), len(lengths)
    counts = [n // k + ((i + 1) * r // k - i * r // k) for i in range(k)]
    return length_sweep_examples(ckpt, [m for m, c in zip(lengths, counts, strict=True) for _ in range(c)], 1, seed)


def scored_by_references(ckpt: Checkpoint) -> bool:
    """Whether ``analyze`` judges this model's outputs by sentence chrF against references (a
    real corpus) rather than by exact match."""
    return ckpt.task is not None and ckpt.task.has_splits


def has_gold_alignments(ckpt: Checkpoint) -> bool:
    """Whether the task gives gold word alignments in the model's units (so an AER exists):
    the toy tasks do, real sentence pairs do not."""
    task = ckpt.task
    return task is not None and task.alignment_unit is not None and in_units(ckpt.tokenizer, task.alignment_unit)


def _gold(ckpt: Checkpoint, example: Example) -> set[tuple[int, int]] | None:
    """The gold alignment of ``example``'s right answer in the tokenizer's units, or None."""
    task = ckpt.task
    if task is None or not in_units(ckpt.tokenizer, task.alignment_unit):
        return None
    links = example.alignment
    if links is None:
        ref = task.reference(example.source)
        links = None if ref is None or ref.target != example.target else ref.alignment
    return None if links is None else set(links)


def analyze(
    ckpt: Checkpoint,
    examples: Sequence[Example],
    progress: Callable[[float], None] | None = None,
    batch_size: int = 500,
) -> ErrorAnalysis:
    """Decode ``examples`` greedily and measure each (see the module docstring).

    Inputs are decoded in batches of ``batch_size`` sorted by length (a batch runs as long as
    its longest output); ``progress`` gets the fraction done after each batch.
    """
    model, tokenizer, task = ckpt.model, ckpt.tokenizer, ckpt.task
    by_refs = scored_by_references(ckpt)
    lengths = [len(tokenizer.source.tokenize(ex.source)) for ex in examples]
    order = sorted(range(len(examples)), key=lambda i: lengths[i])
    rows: list[ErrorRow | None] = [None] * len(examples)
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        decoded = greedy(model, tokenizer, [examples[i].source for i in chunk], record=True)
        for j, i in enumerate(chunk):
            ex, ids = examples[i], decoded.ids[j]
            output = tokenizer.target.decode(ids)
            entropy = coverage = aer = None
            if decoded.alphas is not None:
                alpha = np.asarray(decoded.alphas[j], dtype=float)  # (T, S), </s> column last
                n_src = alpha.shape[1] - 1
                entropy = metrics.attention_entropy([alpha])
                coverage = metrics.coverage_deficit(alpha, n_src)
                gold = _gold(ckpt, ex)
                if gold is not None:
                    n_out = len(ids) - (1 if decoded.finished[j] else 0)  # output tokens, </s> left out
                    links = metrics.alignment_links(alpha, n_out, n_src)
                    aer = metrics.alignment_error_rate([links], [gold])
            chrf = None
            if by_refs:
                refs = [task.detokenize_target(r) for r in task.references(ex.source) or [ex.target]]
                chrf = metrics.sentence_chrf(task.detokenize_target(output), refs)
            rows[i] = ErrorRow(
                source=ex.source,
                target=ex.target,
                output=output,
                correct=chrf >= RIGHT_CHRF if chrf is not None else output == ex.target,
                log_prob=float(sum(decoded.log_probs[j])),
                entropy=entropy,
                coverage_deficit=coverage,
                aer=aer,
                length=lengths[i],
                chrf=chrf,
            )
        if progress is not None:
            progress(min(1.0, (start + len(chunk)) / len(order)))
    return ErrorAnalysis(ckpt.card.task or getattr(ckpt.task, "name", None), model.cfg.decoder, rows)


# --- does a field tell in advance which inputs fail? -----------------------------------------------


def auc(scores: np.ndarray, positive: np.ndarray) -> float | None:
    """Area under the ROC curve of ``scores`` for the boolean labels ``positive``: the chance
    that a random positive scores higher than a random negative (ties count half). None when
    either class is empty. (The Mann–Whitney U statistic with average ranks.)"""
    scores, positive = np.asarray(scores, dtype=float), np.asarray(positive, dtype=bool)
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if n_pos == 0 or n_neg == 0:
        return None
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])  # 0-based rank where each value starts
    ranks = (first + (counts + 1) / 2.0)[inverse]  # average 1-based rank of each score
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


@dataclass
class Predictor:
    """How well one field flags wrong outputs over a set of rows."""

    name: str
    auc: float | None  # of the field as a risk score (``RISK``'s direction); 0.5 = chance
    top_error_rate: float  # error rate of the riskiest quarter (risk at or above its 75th percentile)
    top_n: int
    bottom_error_rate: float  # ... and of the safest quarter (at or below the 25th percentile)
    bottom_n: int

    def to_dict(self) -> dict:
        return asdict(self)


def predictive_power(analysis: ErrorAnalysis) -> list[Predictor]:
    """One ``Predictor`` per field every row has. The quarters are cut by value, so with many
    ties (coverage deficit is often 0 for most rows) a quarter holds more than a quarter of the
    rows; their sizes say so."""
    wrong = analysis.wrong()
    out = []
    for name in analysis.available():
        risk = RISK[name] * analysis.values(name)
        hi, lo = np.quantile(risk, 0.75), np.quantile(risk, 0.25)
        top, bottom = risk >= hi, risk <= lo
        out.append(
            Predictor(
                name,
                auc(risk, wrong),
                float(wrong[top].mean()),
                int(top.sum()),
                float(wrong[bottom].mean()),
                int(bottom.sum()),
            )
        )
    return out


def error_rate_by(analysis: ErrorAnalysis, name: str, max_bins: int = 8) -> list[dict]:
    """Error rate over bins of one field: [{"lo", "hi", "error_rate", "n"}, ...], low to high.

    A field with at most ``max_bins`` distinct values gets one bin per value; otherwise the
    bins are cut at quantiles, so each holds about as many rows (fewer bins where values tie).
    """
    values, wrong = analysis.values(name), analysis.wrong()
    if not len(values) or np.isnan(values).any():
        return []
    distinct = np.unique(values)
    if len(distinct) <= max_bins:
        groups = [(v, v, values == v) for v in distinct]
    else:
        edges = np.unique(np.quantile(values, np.linspace(0, 1, max_bins + 1)))
        groups = []
        for k in range(len(edges) - 1):
            last = k == len(edges) - 2
            inside = (values >= edges[k]) & ((values <= edges[k + 1]) if last else (values < edges[k + 1]))
            if inside.any():
                groups.append((values[inside].min(), values[inside].max(), inside))
    return [
        {"lo": float(lo), "hi": float(hi), "error_rate": float(wrong[m].mean()), "n": int(m.sum())}
        for lo, hi, m in groups
    ]


FIELD_NAMES = [f.name for f in fields(ErrorRow)]  # the JSON line's keys, in order
