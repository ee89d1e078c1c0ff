"""Plain result objects: the contract between the core and everything that draws.

Only lists, numbers and strings inside, so ``to_dict()`` is JSON as is and a figure builder
never needs torch.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import numpy as np


@dataclass
class Candidate:
    """A possible next token and its probability p(y_t = token | y_<t, x)."""

    token: str
    token_id: int
    prob: float


@dataclass
class TraceStep:
    """Decoder step t (1-based in the UI, index t-1 here).

    ``alpha`` and ``energies`` are α_{t,·} and e_{t,·} over the source tokens (None for a
    vanilla decoder); ``context`` is ctx_t (c_t for attention, the fixed c for vanilla);
    ``state`` is s_t, the decoder's top-layer state after the step.
    """

    token: str
    token_id: int
    prob: float
    top_k: list[Candidate]
    alpha: list[float] | None
    energies: list[float] | None
    context: list[float]
    state: list[float]
    forced: bool = False  # the token was imposed (what-if), not the model's argmax


@dataclass
class DecodeTrace:
    """A whole greedy decode of one input, step by step."""

    source: str
    source_tokens: list[str]  # what the encoder read, </s> included
    output: str  # the decoded text (specials stripped)
    output_tokens: list[str]  # one per step, the final </s> included when emitted
    decoder: str  # "vanilla" | "attention"
    steps: list[TraceStep] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # input units the vocabulary lacks (read as <unk>)
    finished: bool = True  # False when the length limit stopped decoding before </s>

    @property
    def has_attention(self) -> bool:
        return self.decoder == "attention"

    def attention_matrix(self) -> np.ndarray | None:
        """α as a (T, S) array: row t = output step, column i = source token; None for vanilla."""
        if not self.has_attention:
            return None
        return np.array([step.alpha for step in self.steps], dtype=float).reshape(len(self.steps), -1)

    @property
    def log_prob(self) -> float:
        """log p(y | x) of the decoded output: Σ_t log p(y_t | y_<t, x)."""
        return float(sum(np.log(max(s.prob, 1e-30)) for s in self.steps))

    @property
    def forced_steps(self) -> dict[int, int]:
        """1-based step -> token id of every forced step (feed back to ``trace`` to reproduce)."""
        return {t: s.token_id for t, s in enumerate(self.steps, start=1) if s.forced}

    def forcing(self) -> list[str]:
        """How each step's token came to be: "forced" (imposed by a what-if), "after" (the
        model's own choice, but decoded from a prefix that holds a forced token) or ""."""
        marks, seen = [], False
        for s in self.steps:
            seen = seen or s.forced
            marks.append("forced" if s.forced else "after" if seen else "")
        return marks

    def to_dict(self) -> dict:
        """Every field, plus ``attention``: α as (T, S) rows (``attention_matrix``; None for a
        vanilla decoder), the key the CLI's ``translate --json`` has always had."""
        matrix = self.attention_matrix()
        return asdict(self) | {"attention": None if matrix is None else matrix.tolist()}

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)


@dataclass
class ForcedScore:
    """A given target scored with teacher forcing: how likely the model finds each of its
    tokens, and where it looks while producing them ("why not this answer?")."""

    source_tokens: list[str]  # </s> included
    target_tokens: list[str]  # </s> included
    probs: list[float]  # p(y_t = target token | y_<t = target prefix, x)
    alpha: list[list[float]] | None  # (T, S); None for a vanilla decoder
    log_prob: float  # Σ_t log p(y_t | ...)

    def to_dict(self) -> dict:
        return asdict(self)


def alignment_csv(source_tokens: list[str], target_tokens: list[str], alpha) -> str:
    """α as CSV: a header row of source tokens, then one row per target token."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["y \\ x", *source_tokens])
    for token, row in zip(target_tokens, alpha, strict=True):
        writer.writerow([token, *(f"{a:.6f}" for a in row)])
    return buffer.getvalue()


@dataclass
class BeamNode:
    """One hypothesis prefix the beam ever considered.

    ``logp`` = log p(token | parent prefix, x); ``score`` = Σ of logp along the path from the
    root; ``norm_score`` = score / lp(length) (GNMT length penalty); ``alpha`` = α of the step
    that produced the token (None for vanilla decoders and the root).
    status: "kept" (in the beam), "pruned" (a top candidate that lost), "finished" (ended in
    </s>), "winner" (the best finished hypothesis), "root".
    """

    id: int
    parent: int | None
    step: int
    token: str
    token_id: int
    logp: float
    score: float
    norm_score: float
    status: str
    alpha: list[float] | None = None


@dataclass
class Hypothesis:
    tokens: list[str]  # </s> included when finished
    text: str
    score: float
    norm_score: float
    node: int  # id of its last node in the tree
    finished: bool


@dataclass
class BeamTree:
    """A whole beam search: every node ever expanded, and the n-best list (best first)."""

    source: str
    source_tokens: list[str]
    decoder: str
    width: int
    length_penalty: float
    nodes: list[BeamNode] = field(default_factory=list)
    nbest: list[Hypothesis] = field(default_factory=list)

    def path(self, node_id: int) -> list[BeamNode]:
        """The nodes from the first token to ``node_id`` (the root excluded)."""
        out = []
        node = self.nodes[node_id]
        while node.parent is not None:
            out.append(node)
            node = self.nodes[node.parent]
        return out[::-1]

    def to_dict(self) -> dict:
        return asdict(self)
