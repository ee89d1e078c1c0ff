"""Toy tasks: seeded generators of (source, target) pairs with gold alignments.

A task knows its own right answer (``answer``), so pages can mark wrong output tokens, and
which source positions each output token comes from (``alignment``), so the attention a
model learned can be compared with the truth.
"""

from __future__ import annotations

import random
import string
from dataclasses import asdict, dataclass

from .errors import CheckpointError, InputError


@dataclass(frozen=True)
class Example:
    """One training pair.

    ``alignment`` lists (target position, source position) pairs over the tokenized strings,
    without the </s> tokens; None when the task defines no alignment.
    """

    source: str
    target: str
    alignment: tuple[tuple[int, int], ...] | None = None


@dataclass(frozen=True)
class ReverseTask:
    """Reverse a random string: "abcde" -> "edcba".

    The output's j-th character is the source's (n-1-j)-th, so the gold alignment is the
    anti-diagonal. A vanilla encoder-decoder must squeeze the whole string into c before it
    can emit the *last* character first, which makes reversal the simplest task on which the
    fixed-vector bottleneck shows.
    """

    alphabet: str = string.ascii_lowercase  # characters the strings are drawn from
    min_len: int = 3  # shortest training string
    max_len: int = 24  # longest training string
    name: str = "reverse"

    def __post_init__(self) -> None:
        if not self.alphabet or len(set(self.alphabet)) != len(self.alphabet):
            raise InputError("reverse task: the alphabet must be non-empty, without repeats")
        if not 1 <= self.min_len <= self.max_len <= 1000:
            raise InputError(f"reverse task: need 1 <= min_len <= max_len <= 1000, got {self.min_len}..{self.max_len}")

    @property
    def description(self) -> str:
        return (
            f"Reverse a random string of {self.min_len}-{self.max_len} characters drawn from "
            f"'{self.alphabet}'. Output token j comes from source token n-1-j, so the correct "
            "attention is the anti-diagonal."
        )

    def answer(self, source: str) -> str:
        return source[::-1]

    def demo(self) -> str:
        """A friendly first input for the pages: a word if the alphabet allows, else a sample."""
        for word in ("attention", "encoder", "lecture", "abc"):
            if self.min_len <= len(word) <= self.max_len and set(word) <= set(self.alphabet):
                return word
        return self.sample(random.Random(0)).source

    def alignment(self, source: str) -> tuple[tuple[int, int], ...]:
        n = len(source)
        return tuple((j, n - 1 - j) for j in range(n))

    def sample(self, rng: random.Random, length: int | None = None) -> Example:
        """One example; ``length`` fixes the source length (e.g. for length sweeps)."""
        n = rng.randint(self.min_len, self.max_len) if length is None else length
        source = "".join(rng.choice(self.alphabet) for _ in range(n))
        return Example(source, self.answer(source), self.alignment(source))

    def to_dict(self) -> dict:
        return asdict(self)


def generate(task: ReverseTask, n: int, seed: int, exclude: set[str] | None = None) -> list[Example]:
    """``n`` examples from ``random.Random(seed)``, skipping sources in ``exclude``.

    The same (task, n, seed) always gives the same list. ``exclude`` keeps a held-out set
    disjoint from the training set; generation gives up (with an error, not a hang) when the
    task cannot produce enough distinct new sources.
    """
    rng = random.Random(seed)
    exclude = exclude or set()
    out: list[Example] = []
    attempts = 0
    while len(out) < n:
        attempts += 1
        if attempts > 50 * n + 1000:
            raise InputError(f"{task.name}: could not generate {n} examples outside the excluded set")
        ex = task.sample(rng)
        if ex.source not in exclude:
            out.append(ex)
    return out


def split(task: ReverseTask, n_train: int, n_valid: int, seed: int) -> tuple[list[Example], list[Example]]:
    """A training set and a held-out set whose sources never occur in the training set."""
    train = generate(task, n_train, seed)
    valid = generate(task, n_valid, seed + 1_000_003, exclude={ex.source for ex in train})
    return train, valid


TASKS = {"reverse": ReverseTask}


def make_task(name: str, **params) -> ReverseTask:
    if name not in TASKS:
        raise InputError(f"unknown task {name!r}; choose from {', '.join(sorted(TASKS))}")
    return TASKS[name](**params)


def task_from_dict(data: dict) -> ReverseTask:
    """Rebuild a task from checkpoint metadata, refusing unknown names and fields."""
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise CheckpointError("task metadata must be an object with a 'name'")
    params = {k: v for k, v in data.items() if k != "name"}
    cls = TASKS.get(data["name"])
    if cls is None:
        raise CheckpointError(f"unknown task {data['name']!r}")
    try:
        return cls(**params)
    except (TypeError, InputError) as exc:
        raise CheckpointError(f"task metadata is invalid: {exc}") from None
