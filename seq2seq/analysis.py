"""Measurements across many inputs: how accuracy depends on input length (the bottleneck)."""

from __future__ import annotations

import random
from collections.abc import Callable

from .checkpoint import Checkpoint
from .errors import InputError
from .pipeline import heldout
from .search import translate
from .tasks import CharTask, Example


def length_sweep_examples(ckpt: Checkpoint, lengths: list[int], per_length: int, seed: int) -> list[Example]:
    """``per_length`` fresh examples of every source length in ``lengths`` (character tasks)."""
    task = ckpt.task
    if not isinstance(task, CharTask):
        raise InputError("only character tasks can generate inputs of a chosen length")
    rng = random.Random(seed)
    return [task.sample(rng, length=n) for n in lengths for _ in range(per_length)]


def accuracy_by_length(
    ckpt: Checkpoint,
    n: int = 1000,
    seed: int = 777,
    max_length: int | None = None,
    progress: Callable[[float], None] | None = None,
    batch_size: int = 500,
) -> list[dict]:
    """Exact match per source length on held-out data: [{"length", "exact_match", "n"}, ...].

    Character tasks get ``n`` inputs spread evenly over every length from 1 to ``max_length``
    (default: 1.5× the longest training input), so the curve also shows lengths the model
    never trained on; other tasks are measured on ``n`` fresh held-out examples, grouped by
    their own source lengths (in characters).
    """
    if isinstance(ckpt.task, CharTask):
        top = max_length or int(1.5 * ckpt.task.max_len)
        lengths = list(range(1, top + 1))
        examples = length_sweep_examples(ckpt, lengths, max(1, n // len(lengths)), seed)
    else:
        examples = heldout(ckpt, n, seed)
    sources = [ex.source for ex in examples]
    outputs: list[str] = []
    for i in range(0, len(sources), batch_size):
        outputs += translate(ckpt.model, ckpt.tokenizer, sources[i : i + batch_size])
        if progress is not None:
            progress(min(1.0, (i + batch_size) / len(sources)))
    by_length: dict[int, list[bool]] = {}
    for ex, out in zip(examples, outputs, strict=True):
        by_length.setdefault(len(ex.source), []).append(out == ex.target)
    return [
        {"length": length, "exact_match": sum(hits) / len(hits), "n": len(hits)}
        for length, hits in sorted(by_length.items())
    ]


def compatible(a: Checkpoint, b: Checkpoint) -> str | None:
    """Why two checkpoints cannot be compared on the same inputs, or None if they can."""
    if (a.card.get("task"), getattr(a.task, "name", None)) != (b.card.get("task"), getattr(b.task, "name", None)):
        return f"{a.name} was trained on task '{a.card.get('task')}', {b.name} on '{b.card.get('task')}'"
    if a.tokenizer.kind != b.tokenizer.kind:
        return f"{a.name} reads {a.tokenizer.kind} tokens, {b.name} reads {b.tokenizer.kind} tokens"
    return None
