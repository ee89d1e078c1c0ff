"""Plain result objects: the contract between the core and everything that draws.

Only lists, numbers and strings inside, so ``to_dict()`` is JSON as is and a figure builder
never needs torch.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace

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

    Multi-head models (the Transformer): ``alpha`` is the last layer's head average (what
    every α figure reads); ``heads`` is the cross-attention of every layer and head,
    [layer][head][i]; ``self_heads`` the decoder's masked self-attention of this step over
    the output so far (y_0 = <s> .. y_{t-1}), [layer][head][j], j < t. None otherwise.
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
    position: float | None = None  # p_t, the predicted centre of a local-p window (0-based source position)
    heads: list[list[list[float]]] | None = None  # [layer][head][i] cross-attention (Transformer)
    self_heads: list[list[list[float]]] | None = None  # [layer][head][j] masked self-attention (Transformer)


@dataclass
class DecodeTrace:
    """A whole greedy decode of one input, step by step."""

    source: str
    source_tokens: list[str]  # what the encoder read, </s> included
    output: str  # the decoded text (specials stripped)
    output_tokens: list[str]  # one per step, the final </s> included when emitted
    decoder: str  # the model family's name (cfg.decoder), for readers of the JSON
    steps: list[TraceStep] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # input units the vocabulary lacks (read as <unk>)
    finished: bool = True  # False when the length limit stopped decoding before </s>
    encoder_states: list[list[float]] = field(default_factory=list)  # h_i, one row per source token: (S, D)
    fixed_context: list[float] = field(default_factory=list)  # c = h_T, the vanilla decoder's only context
    window: int = 0  # D of a local-p model (each step attends to [p_t - D, p_t + D]); 0 = global
    attention_norm: str = "softmax"  # cfg.attention_norm: sparsemax / entmax15 give exact zeros by design
    # the Transformer's encoder self-attention, [layer][head][i][j] over the source tokens; None otherwise
    encoder_attention: list[list[list[list[float]]]] | None = None

    @property
    def has_attention(self) -> bool:
        """The decoder computed an α_t at its steps (its family offers one: attention, Transformer)."""
        return bool(self.steps) and self.steps[0].alpha is not None

    @property
    def has_heads(self) -> bool:
        """Per-layer, per-head weights are recorded (the Transformer)."""
        return bool(self.steps) and self.steps[0].heads is not None

    @property
    def n_layers(self) -> int:
        return len(self.steps[0].heads) if self.has_heads else 0

    @property
    def n_heads(self) -> int:
        return len(self.steps[0].heads[0]) if self.has_heads else 0

    def cross_attention(self) -> np.ndarray | None:
        """Every layer's and head's cross-attention as (L, H, T, S); None without heads."""
        if not self.has_heads:
            return None
        return np.array([s.heads for s in self.steps], dtype=float).transpose(1, 2, 0, 3)

    def decoder_self_attention(self) -> np.ndarray | None:
        """The decoder's masked self-attention as (L, H, T, T): row t = step t+1 (reading
        y_0..y_t), zero above the diagonal (the future it cannot see); None without heads."""
        if not self.has_heads:
            return None
        n = len(self.steps)
        out = np.zeros((self.n_layers, self.n_heads, n, n))
        for t, step in enumerate(self.steps):
            row = np.array(step.self_heads, dtype=float)  # (L, H, t+1)
            out[:, :, t, : row.shape[2]] = row
        return out

    def with_head(self, layer: int | None, head: int | None) -> DecodeTrace:
        """A copy whose α is one head's cross-attention (``layer``, ``head``), or the head
        average of ``layer`` when ``head`` is None, so every α figure can draw one head.
        (None, None) or a trace without heads: the trace itself."""
        if layer is None or not self.has_heads:
            return self
        steps = []
        for s in self.steps:
            row = s.heads[layer][head] if head is not None else np.mean(s.heads[layer], axis=0).tolist()
            steps.append(replace(s, alpha=list(row), energies=None))
        return replace(self, steps=steps)

    def attention_matrix(self) -> np.ndarray | None:
        """α as a (T, S) array: row t = output step, column i = source token; None for vanilla."""
        if not self.has_attention:
            return None
        return np.array([step.alpha for step in self.steps], dtype=float).reshape(len(self.steps), -1)

    @property
    def sparse(self) -> bool:
        """Exact zeros are part of this model's attention (sparse norm or local window), not a
        float underflow of a very peaked softmax."""
        return self.has_attention and (self.attention_norm != "softmax" or self.window > 0)

    def nonzero(self) -> list[int] | None:
        """Per step, how many source tokens get a weight α_{t,i} > 0 (sparsemax, entmax and
        local windows give exact zeros; softmax none); None for vanilla."""
        alpha = self.attention_matrix()
        return None if alpha is None else [int(n) for n in (alpha > 0).sum(1)]

    def coverage(self) -> np.ndarray | None:
        """cov as a (T, S) array: row t = Σ_{t' <= t} α_{t',i}, how much each source token has
        been attended up to and including step t (Tu et al. 2016); None for vanilla."""
        alpha = self.attention_matrix()
        return None if alpha is None else np.cumsum(alpha, axis=0)

    def positions(self) -> list[float] | None:
        """p_t per step for a local-p model, else None."""
        return [s.position for s in self.steps] if self.window else None

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
        vanilla decoder), the key the CLI's ``translate --json`` has always had; for the
        Transformer also ``cross_attention`` [layer][head][t][i] and ``self_attention``
        [layer][head][t][j] (zeros above the diagonal)."""
        matrix = self.attention_matrix()
        out = asdict(self) | {"attention": None if matrix is None else matrix.tolist()}
        if self.has_heads:
            out["cross_attention"] = self.cross_attention().tolist()
            out["self_attention"] = self.decoder_self_attention().tolist()
        return out

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
    that produced the token (None for vanilla decoders and the root); ``heads`` = that step's
    cross-attention of every layer and head, [layer][head][i] (the Transformer; else None).
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
    heads: list[list[list[float]]] | None = None


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


# --- what a checkpoint says about its model ---------------------------------------------------------


def _number(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where} must be a number, not {type(value).__name__}")
    return value


def _rows(value, where: str, needs: tuple[str, ...] = ()) -> list[dict]:
    """A list of JSON objects, each with the numeric keys ``needs``."""
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        raise ValueError(f"{where} must be a list of objects")
    for row in value:
        for key in needs:
            _number(row.get(key), f"{where}[].{key}")
    return list(value)


@dataclass
class TrainingHistory:
    """What happened during training, stored in the checkpoint for the app to replay.

    ``attention`` holds, for every validation, the teacher-forced α of a few fixed probe
    pairs (attention models only): {"step", "epoch", "alpha": [one (T, S) matrix per probe]},
    so a page can replay the attention sharpening from a blur into the alignment.
    """

    loss: list[tuple[int, float]] = field(default_factory=list)  # (step, training loss)
    valid: list[dict] = field(default_factory=list)  # {step, epoch, seconds, exact_match, token_accuracy}
    probes: list[dict] = field(default_factory=list)  # {"source", "target", "source_tokens", "target_tokens"}
    attention: list[dict] = field(default_factory=list)  # {"step", "epoch", "alpha": [(T, S) per probe]}

    @property
    def replayable(self) -> bool:
        """Attention snapshots and the probe they belong to are there (attention models)."""
        return bool(self.attention and self.probes)

    def to_dict(self) -> dict:
        return {
            "loss": [list(x) for x in self.loss],
            "valid": list(self.valid),
            "probes": list(self.probes),
            "attention": list(self.attention),
        }

    @classmethod
    def from_dict(cls, data: dict) -> TrainingHistory:
        """Rebuild from ``to_dict``'s JSON; ValueError naming the field when it is malformed."""
        if not isinstance(data, dict):
            raise ValueError("history must be an object")
        loss = data.get("loss", [])
        if not isinstance(loss, list) or not all(isinstance(x, list | tuple) and len(x) == 2 for x in loss):
            raise ValueError("history.loss must be a list of [step, loss] pairs")
        return cls(
            loss=[(int(_number(s, "history.loss step")), float(_number(v, "history.loss value"))) for s, v in loss],
            valid=_rows(data.get("valid", []), "history.valid", ("step", "exact_match")),
            probes=_rows(data.get("probes", []), "history.probes"),
            attention=_rows(data.get("attention", []), "history.attention", ("step",)),
        )
