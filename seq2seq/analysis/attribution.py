"""Is attention an explanation? Attributions beside α, and interventions on α.

For one input and an output y (the model's own greedy output, or a given target, teacher
forced), every output step t gets a score per source token x_i from each method:

    alpha       α_{t,i}                                   (attention decoders only)
    saliency    ‖∂ log p(y_t) / ∂ emb(x_i)‖₂              gradient norm
    grad-input  ∂ log p(y_t) / ∂ emb(x_i) · emb(x_i)      gradient × input
    ig          integrated gradients of log p(y_t) over the source embeddings, from the
                <pad> embedding (= the zero vector; Sundararajan et al. 2017); Σ_i IG_i =
                f(x) − f(baseline) up to the quadrature's error, reported per step as the
                completeness error. The path is integrated in adaptive segments
                (``integrated_gradients``) until the error is within max(0.05 nats, 5 %) or the
                step has used IG_MAX_STEPS gradient evaluations; a step still off is flagged
                (``ig_converged``) and left out of integrated gradients' agreement and AER.
                Measured on the shipped models: docs/explanation.md (reverse-coverage,
                -general and -local keep 14-42 % of their steps flagged)
    occlusion   log p(y_t | x) − log p(y_t | x with x_i → <unk>)  (leave one out)

The gradient methods are Captum's (``LayerGradientXActivation`` on ``model.source_embedding``,
``IntegratedGradients`` on the vectors it outputs); every step's log p(y_t) is one row
of one batch, so a whole output is attributed in one call. Occlusion is one teacher-forced
batch with a row per replaced position.

Interventions (Jain & Wallace 2019, Serrano & Smith 2019) change α_t at one step t and keep
the decoder's state before t: permuted α, uniform α, the most-attended token erased (α → 0,
renormalised) against a random one erased, and α edited by hand with decoding carried on
from there. They use ``Seq2Seq.decode_step(..., alpha=...)``.

Agreement between α and a method is measured on importance = |score| for the gradient
methods (a token matters whichever way it pushes) and the signed drop for occlusion. A
multi-head model (the Transformer) has no single α: ``heads_agreement`` compares each of its
cross-attention heads, and each layer's average, with every method instead.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field

import numpy as np
import torch

from seq2seq import limits, workers
from seq2seq.core import checkpoint
from seq2seq.core.model import DecoderState, EncoderOutput, Seq2Seq, eval_mode, select_state
from seq2seq.core.search import check_sources, greedy, max_output_len
from seq2seq.data.batches import Batch, pad, source_batch
from seq2seq.data.tokenizers import BOS, EOS, PAD, UNK, Tokenizer, in_units
from seq2seq.errors import InputError
from seq2seq.training import metrics

METHODS = ("alpha", "saliency", "grad-input", "ig", "occlusion")
GRADIENT_METHODS = ("saliency", "grad-input", "ig")
# Integrated gradients, adaptive (``integrated_gradients``): the path from the baseline to x is cut into
# segments, each integrated with IG_POINTS Gauss-Legendre points by Captum; a step whose sum misses
# the tolerance has its worst segments halved until it meets it or has used IG_MAX_STEPS gradient
# evaluations. Measured on the shipped models in docs/explanation.md (benchmarks/attribution_table.py).
IG_STEPS = 32  # gradient evaluations per output step to start with (the page's default)
IG_MAX_STEPS = 512  # ... and at most, per output step, while its sum misses the tolerance
IG_POINTS = 8  # Gauss-Legendre points per segment of the path
IG_ABS_TOL = 0.05  # nats: |Σ_i IG_{t,i} − (f(x) − f(x′))| ≤ max(IG_ABS_TOL, IG_REL_TOL · |f(x) − f(x′)|)
IG_REL_TOL = 0.05
# ``summarize``'s (the aggregate over held-out inputs): start lower, refine as far. A lower cap is cheaper but
# leaves more steps out (100 inputs of reverse-attention, 2 cores: 64 -> 70 s, IG adds up at 70 % of the
# steps; 512 -> 95 s at a higher load, 100 %; docs/explanation.md)
SUMMARY_IG_STEPS = 16
SUMMARY_IG_MAX_STEPS = IG_MAX_STEPS


# --- agreement ------------------------------------------------------------------------------------


def kendall_tau(x: Sequence[float], y: Sequence[float]) -> float:
    """Kendall's τ_b of two score vectors (ties handled as scipy's default); NaN when either is constant.

    τ_b = Σ_{i<j} sgn(x_i − x_j) sgn(y_i − y_j) / sqrt(n_x n_y), where n_x (n_y) counts the pairs
    untied in x (y). O(n²) over pairs, which is nothing for a sentence.
    """
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("kendall_tau needs two vectors of the same length")
    return float(kendall_tau_rows(a[None, :], b[None, :])[0])


def kendall_tau_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``kendall_tau`` of every row pair of two (T, S) matrices at once: (T,), NaN where a row is constant."""
    upper = np.triu_indices(x.shape[1], k=1)
    sx = np.sign(x[:, :, None] - x[:, None, :])[:, upper[0], upper[1]]  # (T, pairs)
    sy = np.sign(y[:, :, None] - y[:, None, :])[:, upper[0], upper[1]]
    denom = np.sqrt((sx != 0).sum(1).astype(float) * (sy != 0).sum(1).astype(float))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denom > 0, (sx * sy).sum(1) / np.where(denom > 0, denom, 1.0), np.nan)


def importance(method: str, scores: np.ndarray) -> np.ndarray:
    """How much each token matters by ``method``: |score| for gradient methods, else the score."""
    return np.abs(scores) if method in GRADIENT_METHODS else np.asarray(scores)


def _nanmean(values: Sequence[float]) -> float | None:
    kept = [v for v in values if v is not None and not math.isnan(v)]
    return float(np.mean(kept)) if kept else None


# --- result objects --------------------------------------------------------------------------------


@dataclass
class Agreement:
    """α against one attribution method, per step and overall."""

    tau: list[float | None]  # Kendall τ_b per step (None where a row is constant or not trusted)
    top1: list[bool | None]  # argmax α_t == argmax importance_t (None where the step is not trusted)
    mean_tau: float | None  # over the steps covered
    top1_rate: float | None  # None: no step covered
    steps: int = 0  # steps covered: integrated gradients leave out the steps that did not converge
    of: int = 0  # steps in all


@dataclass
class Attributions:
    """Every method's scores for one input and output: ``scores[method]`` is (T, S), row t =
    output step y_t, column i = source token x_i (</s> included on both axes)."""

    source: str
    source_tokens: list[str]
    output_tokens: list[str]
    output: str
    decoder: str
    teacher_forced: bool  # a given target (True) or the model's own greedy output (False)
    probs: list[float]  # p(y_t | y_<t, x)
    scores: dict[str, list[list[float]]]
    ig_steps: int  # integrated gradients' gradient evaluations per step to start with ...
    ig_max_steps: int  # ... and at most (``integrated_gradients``)
    ig_completeness: list[float]  # per step: Σ_i IG_{t,i} − (log p(y_t|x) − log p(y_t|baseline))
    ig_delta: list[float]  # per step: log p(y_t|x) − log p(y_t|baseline), for scale
    ig_converged: list[bool] = field(default_factory=list)  # per step: |completeness| within ``ig_tolerance``
    ig_evaluations: list[int] = field(default_factory=list)  # per step: gradient evaluations spent
    agreement: dict[str, Agreement] = field(default_factory=dict)  # method -> vs α (attention only)
    gold: list[tuple[int, int]] | None = None  # gold (t, i) links when y is the task's answer
    aer: dict[str, float] = field(default_factory=dict)  # method -> AER of its argmax (with gold)
    heads: list | None = None  # multi-head models: cross-attention [layer][head][t][i], teacher forced along y

    @property
    def methods(self) -> list[str]:
        return [m for m in METHODS if m in self.scores]

    def trusted(self, method: str) -> list[bool]:
        """Per step: may ``method``'s row be compared? False only for integrated gradients at a
        step whose sum missed the tolerance (``ig_converged``)."""
        if method == "ig" and self.ig_converged:
            return list(self.ig_converged)
        return [True] * len(self.output_tokens)

    def matrix(self, method: str) -> np.ndarray:
        return np.asarray(self.scores[method], dtype=float)

    def importance(self, method: str) -> np.ndarray:
        """(T, S): how much each source token matters to each step by ``method`` (``importance``)."""
        return importance(method, self.matrix(method))

    def to_dict(self) -> dict:
        out = asdict(self)
        out["attention"] = self.scores.get("alpha")
        return out


@dataclass
class HeadAgreement:
    """One cross-attention head (or a layer's average of its heads) against one attribution method,
    over the steps where the method is trusted (``Attributions.trusted``)."""

    layer: int  # 1-based
    head: int | None  # 1-based; None: the average of the layer's heads
    method: str
    tau: float | None  # mean Kendall τ_b(head's weights, importance) over the steps
    top1: float | None  # share of steps where both rank the same x_i first
    aer: float | None  # AER of the head's argmax against the gold alignment (tasks that have one)
    steps: int  # steps covered


def heads_agreement(result: Attributions) -> list[HeadAgreement]:
    """Every cross-attention head of every layer, and each layer's average, against every
    attribution method of ``result`` (a multi-head model's, ``result.heads`` filled); [] otherwise."""
    if result.heads is None:
        return []
    weights = np.asarray(result.heads, dtype=float)  # (L, H, T, S)
    n_layers, n_heads, n_t, n_s = weights.shape
    out = []
    for method in result.methods:
        if method == "alpha":
            continue
        keep = np.asarray(result.trusted(method), dtype=bool)
        imp = importance(method, result.matrix(method))[keep]
        gold = {(t, i) for t, i in result.gold or () if keep[t]}
        for layer in range(n_layers):
            for head in [*range(n_heads), None]:
                w = (weights[layer].mean(0) if head is None else weights[layer, head])[keep]
                tau = _nanmean(kendall_tau_rows(w, imp).tolist()) if len(w) else None
                top1 = float(np.mean(w.argmax(1) == imp.argmax(1))) if len(w) else None
                aer = None
                if result.gold is not None and len(w):
                    rows = np.flatnonzero(keep)
                    links = {(int(rows[t]), i) for t, i in metrics.alignment_links(w, len(w), n_s - 1)
                             if rows[t] < n_t - 1}  # fmt: skip
                    aer = metrics.alignment_error_rate([links], [gold])
                out.append(HeadAgreement(layer + 1, None if head is None else head + 1, method, tau, top1, aer,
                                         int(keep.sum())))  # fmt: skip
    return out


def best_head(rows: Sequence[HeadAgreement], method: str) -> HeadAgreement | None:
    """The single head (not an average) that agrees best with ``method``: highest τ, then top-1."""
    mine = [h for h in rows if h.method == method and h.head is not None and h.tau is not None]
    return max(mine, key=lambda h: (h.tau, h.top1 or 0.0), default=None)


@torch.no_grad()
def _cross_heads(model: Seq2Seq, src_ids: Sequence[list[int]], targets: Sequence[list[int]]) -> list[np.ndarray]:
    """Per input (L, H, T, S): every layer's and head's cross-attention, teacher forced along y."""
    src, src_len, tgt_in, _ = _padded(src_ids, targets, model.device)
    enc, state = model.encode(src, src_len)
    rows = []
    for t in range(tgt_in.size(1)):
        out = model.decode_step(tgt_in[:, t], state, enc)
        rows.append(out.heads)  # (B, L, H, S)
        state = out.state
    heads = torch.stack(rows, 3).double().cpu().numpy()  # (B, L, H, T, S)
    return [heads[b, :, :, : len(y), : len(s)] for b, (s, y) in enumerate(zip(src_ids, targets, strict=True))]


@dataclass
class StepIntervention:
    """What happens to p(y_t) when α_t is replaced at step t (state before t unchanged)."""

    step: int  # 1-based
    token: str  # argmax of the model's own p(y_t)
    alpha: list[float]
    permuted_tvd: list[float]  # total variation distance of p(y_t), one per random permutation
    permuted_tokens: list[str]  # the argmax after each permutation
    uniform_tvd: float
    uniform_token: str
    erase_max_tvd: float
    erase_max_token: str
    erase_random_tvd: float
    erase_random_token: str
    erased_max: int  # source position erased (the most attended)
    erased_random: int  # source position erased at random (another one)

    @property
    def permuted_flips(self) -> int:
        return sum(tok != self.token for tok in self.permuted_tokens)


@dataclass
class Interventions:
    source: str
    source_tokens: list[str]
    output_tokens: list[str]
    draws: int
    steps: list[StepIntervention]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class EditedDecode:
    """Decoding with α_t imposed at one step, greedy from there on."""

    step: int  # 1-based step whose α was imposed
    alpha: list[float]  # the α used (normalised)
    tokens: list[str]  # the whole output: the prefix before ``step``, then the new decode
    output: str
    token_before: str  # the model's own y_t
    token_after: str  # y_t under the imposed α
    tvd: float  # total variation distance of p(y_t)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class AdversarialStep:
    """Jain & Wallace's adversarial attention at one step: the α̃_t furthest from the model's α_t
    (Jensen–Shannon divergence) that keeps p(y_t) within ε (total variation distance)."""

    step: int  # 1-based
    token: str  # the model's own y_t
    alpha: list[float]  # the model's α_t
    adversarial: list[float]  # the α̃_t found (the model's α_t when none within ε moved away from it)
    jsd: float  # JSD(α̃_t, α_t), base 2: 0 (the same) … 1 (disjoint supports)
    tvd: float  # TVD of p(y_t) under α̃_t against the model's, ≤ ε
    token_after: str  # argmax of p(y_t) under α̃_t


@dataclass
class AdversarialAttention:
    source: str
    source_tokens: list[str]
    output_tokens: list[str]
    epsilon: float
    iterations: int
    steps: list[AdversarialStep]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class FaithfulnessSummary:
    """The interventions and agreements over n held-out inputs (``summarize``)."""

    model: str
    n_inputs: int
    n_steps: int
    mean_tau: dict[str, float | None]  # method -> mean τ(α, method) over steps
    top1_rate: dict[str, float | None]
    aer: dict[str, float | None]  # method -> corpus AER of its argmax (gold tasks)
    permute_flip_rate: float | None  # fraction of (step, draw) whose y_t flips
    permute_tvd_median: float | None
    uniform_flip_rate: float | None
    erase_max_flip_rate: float | None
    erase_random_flip_rate: float | None
    ig_completeness_max: float  # max |completeness error| over every step
    ig_converged_steps: int = 0  # steps whose integrated gradients add up (the IG numbers cover only these)
    points: list[tuple[float, float]] = field(default_factory=list)  # (max α_t, median permuted TVD) per step

    def to_dict(self) -> dict:
        return asdict(self)


# --- the teacher-forced function that every gradient method differentiates ---------------------------

# Gradients are taken with respect to the source vectors only: while they are, the model's
# parameters stop requiring gradients (autograd otherwise keeps what their gradients would need,
# ~40 % of the time of integrated gradients on the zoo). One lock, so that two sessions sharing a
# loaded model never restore each other's flags halfway.
_INPUTS_ONLY_LOCK = threading.RLock()


@contextmanager
def _inputs_only(model: Seq2Seq) -> Iterator[None]:
    with _INPUTS_ONLY_LOCK:
        params = list(model.parameters())
        flags = [p.requires_grad for p in params]
        for p in params:
            p.requires_grad_(False)
        try:
            yield
        finally:
            for p, flag in zip(params, flags, strict=True):
                p.requires_grad_(flag)


def _target_ids(model: Seq2Seq, tokenizer: Tokenizer, source: str, target: str | None) -> list[int]:
    """y as ids ending in </s>: the given target, or the model's greedy output."""
    if target is None:
        return _greedy_ids(model, tokenizer, [source])[0]
    ids = [*tokenizer.target.encode(target), EOS]
    if len(ids) > max_output_len(model.cfg.max_src_len, model):
        raise InputError("the target is longer than this model can produce")
    return ids


def _greedy_ids(model: Seq2Seq, tokenizer: Tokenizer, sources: Sequence[str]) -> list[list[int]]:
    """The model's own outputs for a batch of sources, each ending in </s>."""
    return [ids if ids and ids[-1] == EOS else [*ids, EOS] for ids in greedy(model, tokenizer, sources).ids]


def _padded(src: Sequence[Sequence[int]], tgt: Sequence[Sequence[int]], device) -> tuple:
    """A teacher-forced batch, one row per input: src (B, S), src_len (B,), tgt_in (B, T), tgt_out (B, T)."""
    src_len = torch.tensor([len(s) for s in src], dtype=torch.long)
    tgt_in = pad([[BOS, *y[:-1]] for y in tgt]).to(device)
    return pad(src).to(device), src_len, tgt_in, pad(tgt).to(device)


def _per_step_rows(src: Sequence[Sequence[int]], tgt: Sequence[Sequence[int]], device) -> tuple:
    """One row per (input b, output step t), inputs one after another, steps in order:
    (src (R, S), src_len (R,), tgt_in (R, T), tgt_out (R, T), step (R,)), R = Σ_b T_b."""
    owner = torch.tensor([b for b, y in enumerate(tgt) for _ in y], device=device)
    step = torch.tensor([t for y in tgt for t in range(len(y))], device=device)
    src_b, len_b, tin_b, tout_b = _padded(src, tgt, device)
    return src_b[owner], len_b[owner.cpu()], tin_b[owner], tout_b[owner], step


def _step_logp(
    model: Seq2Seq,
    src: torch.Tensor,
    src_len: torch.Tensor,
    tgt_in: torch.Tensor,
    tgt_out: torch.Tensor,
    step: torch.Tensor,
) -> torch.Tensor:
    """log p(y_t | y_<t, x) teacher forced, for row b at its own step ``step[b]`` (0-based): (B,).

    Decoders that run step by step stop each row at its own step (rows sorted by step, so the
    rows still running are always the first ones): a row for y_1 costs one decoder step, not T,
    forward and backward. The Transformer and Luong's one-call decoders run every position at once.
    """
    if model.parallel_teacher_forcing:
        logits, _ = model(Batch(src, src_len, tgt_in, tgt_out))  # (B, T, V)
        logp = torch.log_softmax(logits, -1).gather(2, tgt_out.unsqueeze(2)).squeeze(2)  # (B, T)
        return logp.gather(1, step.unsqueeze(1)).squeeze(1)
    enc, state = model.encode(src, src_len)
    order = torch.argsort(step, descending=True, stable=True)  # (B,) longest first
    enc, state = enc.index_select(order), select_state(state, order)
    y_in, y_out, last = tgt_in[order], tgt_out[order], step[order].tolist()
    counts = np.bincount(last, minlength=last[0] + 2)  # rows whose step is t
    running = np.cumsum(counts[::-1])[::-1].tolist()  # rows still decoding at t (running[last + 1] = 0)
    pieces = []  # per t: log p(y_t) of the rows whose step is t (positions running[t+1] .. running[t]-1)
    rows = len(last)  # rows carried along: finished ones are dropped once few enough are still running
    for t in range(last[0] + 1):
        k, done = running[t], running[t + 1]
        if k <= _SHRINK * rows:  # a slice's gradient is a zero-filled copy of what was sliced: not every step
            enc, state, rows = _first_rows(enc, k), _first_state_rows(state, k), k
        out = model.decode_step(y_in[:rows, t], state, enc, rows=slice(done, k))  # the output layer only
        logp = torch.log_softmax(out.logits, -1)  # (k - done, V): for the rows whose step is t
        pieces.append(logp.gather(1, y_out[done:k, t : t + 1]).squeeze(1))
        state = out.state
    values = torch.cat(pieces[::-1])  # in sorted order: the longest rows' values first
    return values[torch.argsort(order)]


_SHRINK = 0.5  # drop the finished rows once at most half of those carried still run


def _first_rows(enc: EncoderOutput, k: int) -> EncoderOutput:
    cut = lambda x: None if x is None else x[:k]  # noqa: E731
    h = cut(enc.h)
    keys = h if enc.keys is enc.h else cut(enc.keys)  # dot scores: the keys are h itself
    return EncoderOutput(h, cut(enc.mask), cut(enc.c), keys, cut(enc.self_attention))


def _first_state_rows(state: DecoderState, k: int) -> DecoderState:
    return tuple(s[:, :k] for s in state) if isinstance(state, tuple) else state[:, :k]


# --- integrated gradients that add up, or say they don't ------------------------------------------


def ig_tolerance(gap) -> np.ndarray:
    """The completeness error a step may have: max(IG_ABS_TOL nats, IG_REL_TOL · |f(x) − f(x′)|)."""
    return np.maximum(IG_ABS_TOL, IG_REL_TOL * np.abs(np.asarray(gap, dtype=float)))


@dataclass
class PathIntegral:
    """``integrated_gradients``' answer, one entry per row (output step)."""

    attributions: torch.Tensor  # (R, S): Σ over the vector's dimensions of IG_i
    error: np.ndarray  # (R,) Σ_i IG_i − (f(x) − f(x′)): the completeness error
    gap: np.ndarray  # (R,) f(x) − f(x′)
    converged: np.ndarray  # (R,) bool: |error| ≤ ig_tolerance(gap)
    evaluations: np.ndarray  # (R,) gradient evaluations spent


_MIN_SEGMENT = 2.0**-10  # a segment is not halved below this share of the path


def _with_vectors(layer: torch.nn.Module, vectors: torch.Tensor, forward, *args) -> torch.Tensor:
    """``forward(*args)`` with ``layer``'s output (the source vectors) replaced by ``vectors``."""
    hook = layer.register_forward_hook(lambda _m, _i, _out: vectors)
    try:
        return forward(*args)
    finally:
        hook.remove()


def integrated_gradients(
    f: Callable[..., torch.Tensor],
    x: torch.Tensor,
    x_base: torch.Tensor,
    args: tuple,
    steps: int = IG_STEPS,
    max_steps: int = IG_MAX_STEPS,
) -> PathIntegral:
    """Integrated gradients of ``f(vectors, *args)`` (R,) from ``x_base`` to ``x`` (R, S, E), each
    row on its own, adaptive: the straight path is cut into ``steps // IG_POINTS`` segments and
    Captum's ``IntegratedGradients`` (Gauss-Legendre, IG_POINTS points) integrates each one; IG over
    the path is the sum of IG over its segments, and each segment's own completeness error
    |Σ IG_seg − (f(end) − f(start))| is measured, not guessed. While a row misses the tolerance
    (``ig_tolerance``), its segments whose error is over their share of it are halved (the worst
    first), as long as the row has spent at most ``max_steps`` gradient evaluations.

    Why segments: on the attention RNNs log p(y_t) changes sharply in a narrow part of the path
    (the attention switching over); Gauss-Legendre over the whole path puts few points there,
    and doubling the steps everywhere spends them where nothing happens.
    """
    from captum.attr import IntegratedGradients

    points = max(1, min(IG_POINTS, steps))
    n_seg = max(1, steps // points)
    rows_n = x.size(0)
    span_all = x - x_base
    with torch.no_grad():
        f_x, f_base = f(x, *args).double().cpu().tolist(), f(x_base, *args).double().cpu().tolist()
    gap = np.asarray(f_x) - np.asarray(f_base)
    tol = ig_tolerance(gap)
    on_path: dict[tuple[int, float], float] = {}  # (row, α) -> f(x′ + α (x − x′)), each point computed once
    for r in range(rows_n):
        on_path[(r, 0.0)], on_path[(r, 1.0)] = f_base[r], f_x[r]

    def evaluate(wanted: list[tuple[int, float]]) -> None:
        """f at the path points not yet known, in one batch."""
        new = [p for p in dict.fromkeys(wanted) if p not in on_path]
        if not new:
            return
        index = torch.tensor([r for r, _ in new], device=x.device)
        alpha = torch.tensor([a for _, a in new], dtype=x.dtype, device=x.device).view(-1, 1, 1)
        with torch.no_grad():
            found = f(x_base.index_select(0, index) + alpha * span_all.index_select(0, index),
                      *(arg.index_select(0, index) for arg in args))  # fmt: skip
        for p, value in zip(new, found.double().cpu().tolist(), strict=True):
            on_path[p] = value

    evaluations = np.zeros(rows_n, dtype=int)
    # every segment: (row, start, end) -> (its IG summed over E (S,), its signed completeness error)
    segments: dict[tuple[int, float, float], tuple[torch.Tensor, float]] = {}
    pending = [(r, j / n_seg, (j + 1) / n_seg) for r in range(rows_n) for j in range(n_seg)]
    ig = IntegratedGradients(f)
    while pending:
        index = torch.tensor([r for r, _, _ in pending], device=x.device)
        start = torch.tensor([a for _, a, _ in pending], dtype=x.dtype, device=x.device).view(-1, 1, 1)
        end = torch.tensor([b for _, _, b in pending], dtype=x.dtype, device=x.device).view(-1, 1, 1)
        base, span = x_base.index_select(0, index), span_all.index_select(0, index)
        lo, hi = base + start * span, base + end * span
        sub = tuple(arg.index_select(0, index) for arg in args)
        found = ig.attribute(hi, baselines=lo, additional_forward_args=sub, n_steps=points, method="gausslegendre")
        evaluate([(r, a) for r, a, _ in pending] + [(r, b) for r, _, b in pending])
        summed = found.detach().sum(2)  # (N, S)
        sums = summed.sum(1).double().cpu().tolist()
        for k, (r, a, b) in enumerate(pending):
            segments[(r, a, b)] = (summed[k], sums[k] - (on_path[(r, b)] - on_path[(r, a)]))
            evaluations[r] += points
        row_error = np.zeros(rows_n)
        for (r, _, _), (_, err) in segments.items():
            row_error[r] += err
        pending = []
        for r in np.flatnonzero(np.abs(row_error) > tol).tolist():
            mine = sorted(((abs(err), seg) for seg, (_, err) in segments.items() if seg[0] == r), reverse=True)
            for err, (_, a, b) in mine:
                if err <= tol[r] * (b - a) or b - a <= _MIN_SEGMENT or evaluations[r] + 2 * points > max_steps:
                    continue
                del segments[(r, a, b)]
                mid = 0.5 * (a + b)
                pending += [(r, a, mid), (r, mid, b)]
                evaluations[r] += 2 * points  # counted now, so the budget check sees them
            # (the halves' evaluations are counted again when they run: undo the advance)
        for r, _, _ in pending:
            evaluations[r] -= points
    total = torch.zeros(rows_n, x.size(1), dtype=x.dtype, device=x.device)
    for (r, _, _), (summed_seg, _) in segments.items():
        total[r] += summed_seg
    error = total.sum(1).double().cpu().numpy() - gap
    return PathIntegral(total, error, gap, np.abs(error) <= tol, evaluations)


def attribute(
    model: Seq2Seq,
    tokenizer: Tokenizer,
    source: str,
    target: str | None = None,
    methods: Sequence[str] = METHODS,
    ig_steps: int = IG_STEPS,
    task=None,
    ig_max_steps: int | None = None,
) -> Attributions:
    """Every method's per-step scores for ``source`` and ``target`` (None: the model's own output).

    ``task`` (optional): where it has gold alignments in the tokenizer's units and y is its
    answer, the AER of each method's argmax is reported. Integrated gradients start with
    ``ig_steps`` gradient evaluations per output step and refine a step that does not add up to
    at most ``ig_max_steps`` (default: IG_MAX_STEPS, or ``ig_steps`` when that is larger;
    ``integrated_gradients``); a step still off is flagged in ``ig_converged`` and left out of
    integrated gradients' agreement and AER.
    """
    check_sources([source], model, tokenizer)
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise InputError(f"unknown attribution method {unknown[0]!r}; choose from {', '.join(METHODS)}")
    if not 1 <= ig_steps <= limits.MAX_IG_STEPS:
        raise InputError(f"integrated gradients needs between 1 and {limits.MAX_IG_STEPS} steps")
    ig_max_steps = max(ig_steps, IG_MAX_STEPS) if ig_max_steps is None else ig_max_steps
    if not ig_steps <= ig_max_steps <= limits.MAX_IG_STEPS:
        raise InputError(f"integrated gradients' most steps must lie between {ig_steps} and {limits.MAX_IG_STEPS}")
    with eval_mode(model):
        tgt_ids = _target_ids(model, tokenizer, source, target)
    return _attribute_many(
        model, tokenizer, [source], [tgt_ids], methods, ig_steps, target is not None, task, ig_max_steps
    )[0]


def _attribute_many(
    model: Seq2Seq,
    tokenizer: Tokenizer,
    sources: Sequence[str],
    targets: Sequence[list[int]],
    methods: Sequence[str],
    ig_steps: int,
    teacher_forced: bool,
    task=None,
    ig_max_steps: int = IG_MAX_STEPS,
) -> list[Attributions]:
    """``attribute`` for a batch of inputs (sources checked, targets as ids ending in </s>): every
    method is one batched call over all steps of all inputs (padded; masks keep the padding out)."""
    from captum.attr import LayerGradientXActivation

    has_alpha = model.cfg.family.imposable_alpha
    methods = [m for m in methods if m != "alpha" or has_alpha]
    device = model.device
    src_ids = [[*tokenizer.source.encode(s), EOS] for s in sources]
    n_s = [len(s) for s in src_ids]
    n_t = [len(y) for y in targets]
    ends = np.cumsum(n_t).tolist()
    spans = [slice(end - n, end) for n, end in zip(n_t, ends, strict=True)]  # input b's rows

    def per_input(rows: torch.Tensor) -> list[np.ndarray]:
        """(R, S_max) over all rows -> input b's (T_b, S_b)."""
        array = rows.detach().cpu().double().numpy()
        return [array[span, :s] for span, s in zip(spans, n_s, strict=True)]

    scores: dict[str, list[np.ndarray]] = {}
    ig_rows: dict[str, list[np.ndarray]] = {}  # completeness, delta, converged, evaluations: per input, per step
    with eval_mode(model), _backward_in_eval(model), _inputs_only(model):
        src, *rest = _per_step_rows(src_ids, targets, device)
        layer = model.source_embedding
        forward = lambda *a: _step_logp(model, *a)  # noqa: E731
        with torch.no_grad():
            batch = _padded(src_ids, targets, device)
            logits, alphas = model(Batch(*batch))
            logp_all = torch.log_softmax(logits, -1).gather(2, batch[3].unsqueeze(2)).squeeze(2)  # (B, T)
        logp = [logp_all[b, :n] for b, n in enumerate(n_t)]
        if "alpha" in methods:
            scores["alpha"] = [
                alphas[b, :t, :s].double().cpu().numpy() for b, (t, s) in enumerate(zip(n_t, n_s, strict=True))
            ]
        if "saliency" in methods or "grad-input" in methods:
            seen: list[torch.Tensor] = []  # the source vectors x_i, as the layer gives them
            hook = layer.register_forward_hook(lambda _m, _i, out: seen.append(out.detach()))
            try:
                grads = LayerGradientXActivation(forward, layer, multiply_by_inputs=False).attribute(
                    src, additional_forward_args=tuple(rest)
                )  # (R, S, E): ∂ log p(y_t) / ∂ emb(x_i)
            finally:
                hook.remove()
            if "saliency" in methods:
                scores["saliency"] = per_input(grads.norm(dim=2))
            if "grad-input" in methods:
                scores["grad-input"] = per_input((grads * seen[-1]).sum(2))
        if "ig" in methods:
            baseline = torch.full_like(src, PAD)  # emb(<pad>) = 0 at every position, same length
            with torch.no_grad():
                x, x_base = model.source_vectors(src), model.source_vectors(baseline)  # (R, S, E) each
            found = integrated_gradients(
                lambda vectors, *args: _with_vectors(layer, vectors, forward, *args),
                x, x_base, (src, *rest), ig_steps, max(ig_steps, ig_max_steps),
            )  # fmt: skip
            scores["ig"] = per_input(found.attributions)
            for key, values in (("completeness", found.error), ("delta", found.gap),
                                ("converged", found.converged), ("evaluations", found.evaluations)):  # fmt: skip
                ig_rows[key] = [values[span] for span in spans]
        if "occlusion" in methods:
            scores["occlusion"] = _occlusion(model, src_ids, targets, logp)
    heads = None
    if model.cfg.family.heads:
        with eval_mode(model):
            heads = _cross_heads(model, src_ids, targets)
    results = []
    for b, source in enumerate(sources):
        result = Attributions(
            source=source,
            source_tokens=[*tokenizer.source.tokenize(source), "</s>"],
            output_tokens=[tokenizer.target.id_to_token(i) for i in targets[b]],
            output=tokenizer.target.decode(targets[b]),
            decoder=model.cfg.decoder,
            teacher_forced=teacher_forced,
            probs=logp[b].exp().tolist(),
            scores={m: scores[m][b].tolist() for m in METHODS if m in scores},
            ig_steps=ig_steps,
            ig_max_steps=max(ig_steps, ig_max_steps) if "ig" in methods else 0,
            ig_completeness=ig_rows["completeness"][b].tolist() if ig_rows else [],
            ig_delta=ig_rows["delta"][b].tolist() if ig_rows else [],
            ig_converged=[bool(c) for c in ig_rows["converged"][b]] if ig_rows else [],
            ig_evaluations=[int(n) for n in ig_rows["evaluations"][b]] if ig_rows else [],
            heads=None if heads is None else heads[b].tolist(),
        )
        assert all(np.asarray(v).shape == (n_t[b], n_s[b]) for v in result.scores.values())
        _agree(result)
        if task is not None and in_units(tokenizer, task.alignment_unit) and not tokenizer.source.unknown(source):
            reference = task.reference(source)
            if reference is not None and reference.alignment and reference.target == result.output:
                result.gold = [tuple(link) for link in reference.alignment]
                for method in result.methods:
                    result.aer[method] = metrics.alignment_error_rate(*map(list, zip(_links(result, method))))
        results.append(result)
    return results


@torch.no_grad()
def _occlusion(
    model: Seq2Seq, src_ids: Sequence[list[int]], tgt_ids: Sequence[list[int]], logp: Sequence[torch.Tensor]
) -> list[np.ndarray]:
    """Per input (T, S): log p(y_t | x) − log p(y_t | x with x_i replaced by <unk>); one row per
    (input, i), all in one batch."""
    owner = [b for b, s in enumerate(src_ids) for _ in s]
    src = [[*s[:i], UNK, *s[i + 1 :]] for s in src_ids for i in range(len(s))]  # row (b, i): x_i -> <unk>
    batch = _padded(src, [tgt_ids[b] for b in owner], model.device)
    logits, _ = model(Batch(*batch))
    occluded = torch.log_softmax(logits, -1).gather(2, batch[3].unsqueeze(2)).squeeze(2)  # (R, T)
    out, start = [], 0
    for b, s in enumerate(src_ids):
        rows = occluded[start : start + len(s), : len(tgt_ids[b])]  # (S_b, T_b)
        out.append((logp[b][None, :] - rows).T.double().cpu().numpy())
        start += len(s)
    return out


def _links(result: Attributions, method: str) -> tuple[set, set]:
    """(the argmax links of ``method``, the gold links) over the steps where ``method`` is trusted
    (``Attributions.trusted``: integrated gradients leave out the steps that did not add up)."""
    n_t, n_s = len(result.output_tokens), len(result.source_tokens)
    keep = result.trusted(method)
    links = metrics.alignment_links(importance(method, result.matrix(method)), n_t - 1, n_s - 1)
    return {(t, i) for t, i in links if keep[t]}, {(t, i) for t, i in result.gold or () if keep[t]}


def _agree(result: Attributions) -> None:
    """Fill ``result.agreement``: α against every other method (attention decoders), over the
    steps where the method is trusted (``Attributions.trusted``)."""
    if "alpha" not in result.scores:
        return
    alpha = result.matrix("alpha")
    for method in result.methods:
        if method == "alpha":
            continue
        keep = result.trusted(method)
        imp = importance(method, result.matrix(method))
        taus = kendall_tau_rows(alpha, imp).tolist()
        top1 = (alpha.argmax(1) == imp.argmax(1)).tolist()
        kept_top1 = [hit for hit, k in zip(top1, keep, strict=True) if k]
        result.agreement[method] = Agreement(
            tau=[None if math.isnan(x) or not k else x for x, k in zip(taus, keep, strict=True)],
            top1=[hit if k else None for hit, k in zip(top1, keep, strict=True)],
            mean_tau=_nanmean([x for x, k in zip(taus, keep, strict=True) if k]),
            top1_rate=float(np.mean(kept_top1)) if kept_top1 else None,
            steps=sum(keep),
            of=len(keep),
        )


# --- interventions -------------------------------------------------------------------------------


def _backward_in_eval(model: Seq2Seq):
    """Gradients through an RNN in eval mode: cuDNN's RNN has no backward outside training mode,
    so on CUDA the RNN runs PyTorch's own kernels while the gradient methods differentiate it."""
    return torch.backends.cudnn.flags(enabled=model.device.type != "cuda")


def _require_attention(model: Seq2Seq) -> None:
    if not model.cfg.family.imposable_alpha:
        raise InputError(f"a {model.cfg.decoder} model has no single α per step to intervene on")


@torch.no_grad()
def _prefix(model: Seq2Seq, tokenizer: Tokenizer, sources: Sequence[str], targets: Sequence[list[int]]):
    """Run the decoder along each y (padded batch), keeping what each step t starts from.

    :return: enc (B rows), y_prev (B, T), the batch's states before each step (T entries),
        p(y_t) (B, T, V), α (B, T, S)
    """
    batch = source_batch(sources, tokenizer).to(model.device)
    enc, state = model.encode(batch.src, batch.src_len)
    states, probs, alphas = [], [], []
    y_prev = pad([[BOS, *y[:-1]] for y in targets]).to(model.device)  # (B, T)
    for t in range(y_prev.size(1)):
        states.append(state)
        step = model.decode_step(y_prev[:, t], state, enc)
        probs.append(torch.softmax(step.logits, -1))
        alphas.append(step.alpha)
        state = step.state
    return enc, y_prev, states, torch.stack(probs, 1), torch.stack(alphas, 1)


def _rows_of_states(states: list, rows: torch.Tensor, steps: torch.Tensor) -> DecoderState:
    """The state before step ``steps[j]`` of input ``rows[j]``, as one batch (batch dimension 1;
    LSTM (h, c) pairs and the variants' extra parts too)."""

    def pick(parts: list[torch.Tensor]) -> torch.Tensor:
        return torch.stack(parts)[steps, :, rows].transpose(0, 1).contiguous()  # (T, L, B, ·) -> (L, N, ·)

    if isinstance(states[0], tuple):
        return tuple(pick([s[k] for s in states]) for k in range(len(states[0])))
    return pick(states)


def _p_with_alpha(
    model: Seq2Seq, enc, y_prev, states, rows: torch.Tensor, steps: torch.Tensor, alpha: torch.Tensor
) -> torch.Tensor:
    """p(y_t) (N, V) of input ``rows`` (N,) at the 0-based ``steps`` (N,) with α_t (N, S)
    imposed, state before t unchanged; differentiable in ``alpha`` (``adversarial``)."""
    out = model.decode_step(y_prev[rows, steps], _rows_of_states(states, rows, steps), enc.index_select(rows), alpha)
    return torch.softmax(out.logits, -1)


@torch.no_grad()
def _with_alpha(model: Seq2Seq, enc, y_prev, states, rows, steps, alpha: torch.Tensor) -> torch.Tensor:
    """``_p_with_alpha`` without gradients (the interventions)."""
    return _p_with_alpha(model, enc, y_prev, states, rows, steps, alpha)


def erase(alpha: torch.Tensor, position: int) -> torch.Tensor:
    """α with position i set to 0 and the rest renormalised (uniform over the others if nothing is left)."""
    out = alpha.clone()
    out[position] = 0.0
    total = out.sum()
    if total <= 0:
        out = torch.ones_like(alpha)
        out[position] = 0.0
        total = out.sum()
    return out / total


def intervene(
    model: Seq2Seq,
    tokenizer: Tokenizer,
    source: str,
    target: str | None = None,
    draws: int = 10,
    seed: int = 0,
) -> Interventions:
    """Permuted (``draws`` times), uniform and erased α_t at every step t, in one batch."""
    _require_attention(model)
    check_sources([source], model, tokenizer)
    with eval_mode(model):
        tgt_ids = _target_ids(model, tokenizer, source, target)
    return _intervene_many(model, tokenizer, [source], [tgt_ids], draws, [seed])[0]


def _intervene_many(
    model: Seq2Seq,
    tokenizer: Tokenizer,
    sources: Sequence[str],
    targets: Sequence[list[int]],
    draws: int,
    seeds: Sequence[int],
) -> list[Interventions]:
    """``intervene`` for a batch of inputs (checked; targets as ids ending in </s>), input b's
    random draws from ``seeds[b]`` alone: every intervention of every input is one decoder step."""
    with eval_mode(model):
        enc, y_prev, states, probs, alphas = _prefix(model, tokenizer, sources, targets)
        n_src = enc.mask.sum(1).tolist()  # (B,) S_b
        width = alphas.size(2)
        per_step = draws + 3  # permutations, uniform, erase max, erase random
        new_alpha, rows, steps, erased = [], [], [], []
        for b, y in enumerate(targets):
            n_s = n_src[b]
            gen = torch.Generator().manual_seed(seeds[b])
            rng = random.Random(seeds[b])
            for t in range(len(y)):
                a = alphas[b, t, :n_s]
                new = [a[torch.randperm(n_s, generator=gen)] for _ in range(draws)]
                new.append(torch.full_like(a, 1.0 / n_s))
                top = int(a.argmax())
                other = rng.choice([i for i in range(n_s) if i != top]) if n_s > 1 else top
                new += [erase(a, top), erase(a, other)]
                new_alpha += [torch.nn.functional.pad(x, (0, width - n_s)) for x in new]  # zero on padding
                erased.append((top, other))
            rows += [b] * (len(y) * per_step)
            steps += [t for t in range(len(y)) for _ in range(per_step)]
        rows_t = torch.tensor(rows, device=model.device)
        steps_t = torch.tensor(steps, device=model.device)
        p_new = _with_alpha(model, enc, y_prev, states, rows_t, steps_t, torch.stack(new_alpha))  # (N, V)
    tvd = (0.5 * (p_new - probs[rows_t, steps_t]).abs().sum(-1)).tolist()  # (N,)
    tokens = [tokenizer.target.id_to_token(i) for i in p_new.argmax(-1).tolist()]
    own = probs.argmax(-1).tolist()  # (B, T)
    out, base, erased_at = [], 0, iter(erased)
    for b, (source, y) in enumerate(zip(sources, targets, strict=True)):
        steps_b = []
        for t in range(len(y)):
            u, em, er = base + draws, base + draws + 1, base + draws + 2
            top, other = next(erased_at)
            steps_b.append(
                StepIntervention(
                    step=t + 1,
                    token=tokenizer.target.id_to_token(own[b][t]),
                    alpha=alphas[b, t, : n_src[b]].tolist(),
                    permuted_tvd=tvd[base : base + draws],
                    permuted_tokens=tokens[base : base + draws],
                    uniform_tvd=tvd[u],
                    uniform_token=tokens[u],
                    erase_max_tvd=tvd[em],
                    erase_max_token=tokens[em],
                    erase_random_tvd=tvd[er],
                    erase_random_token=tokens[er],
                    erased_max=top,
                    erased_random=other,
                )
            )
            base += per_step
        out.append(
            Interventions(
                source,
                [*tokenizer.source.tokenize(source), "</s>"],
                [tokenizer.target.id_to_token(i) for i in y],
                draws,
                steps_b,
            )
        )
    return out


def jensen_shannon(p: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    """JSD(p, q) in bits (0 … 1) over the last dimension: ½ KL(p‖m) + ½ KL(q‖m), m = ½(p + q)."""
    m = 0.5 * (p + q)

    def kl(a: torch.Tensor) -> torch.Tensor:  # 0 · log 0 = 0
        return torch.where(a > 0, a * (torch.log2(a.clamp_min(1e-30)) - torch.log2(m.clamp_min(1e-30))), 0.0).sum(-1)

    return 0.5 * kl(p) + 0.5 * kl(q)


def adversarial(
    model: Seq2Seq,
    tokenizer: Tokenizer,
    source: str,
    target: str | None = None,
    epsilon: float = 0.05,
    iterations: int = 200,
    lr: float = 0.2,
    seed: int = 0,
) -> AdversarialAttention:
    """At every step t at once: the α̃_t that maximises JSD(α̃_t, α_t) while the TVD of p(y_t)
    stays ≤ ``epsilon`` (Jain & Wallace 2019, §4.2), the state before t unchanged.

    α̃ = softmax(z); Adam on the logits z (T, S) for ``iterations`` steps maximises
    JSD − λ·max(0, TVD − ε); the best α̃_t seen with TVD ≤ ε is kept for each step.
    """
    _require_attention(model)
    check_sources([source], model, tokenizer)
    if not 0.0 <= epsilon <= 1.0:
        raise InputError(f"ε must lie between 0 and 1 (a total variation distance), got {epsilon}")
    if not 1 <= iterations <= limits.MAX_ADVERSARIAL_ITERATIONS:
        raise InputError(f"iterations must lie between 1 and {limits.MAX_ADVERSARIAL_ITERATIONS}")
    penalty = 20.0  # λ: a step over ε costs more than any JSD (≤ 1) gains
    with eval_mode(model), _backward_in_eval(model), _inputs_only(model):
        tgt_ids = _target_ids(model, tokenizer, source, target)
        enc, y_prev, states, probs, alphas = _prefix(model, tokenizer, [source], [tgt_ids])
        probs, alphas = probs[0], alphas[0]  # (T, V), (T, S)
        n_t, n_s = alphas.shape
        index = torch.arange(n_t, device=model.device)
        rows = torch.zeros_like(index)  # every step is input 0's
        gen = torch.Generator().manual_seed(seed)
        z = torch.randn(n_t, n_s, generator=gen).to(model.device).requires_grad_(True)  # start anywhere but α
        optimizer = torch.optim.Adam([z], lr=lr)
        best, best_jsd = alphas.clone(), torch.zeros(n_t, device=model.device)
        best_tvd = torch.zeros(n_t, device=model.device)
        for _ in range(iterations):
            with torch.enable_grad():
                tilde = torch.softmax(z, -1)
                p = _p_with_alpha(model, enc, y_prev, states, rows, index, tilde)
                tvd = 0.5 * (p - probs).abs().sum(-1)
                jsd = jensen_shannon(tilde, alphas)
                loss = -(jsd - penalty * (tvd - epsilon).clamp_min(0.0)).sum()
                (grad,) = torch.autograd.grad(loss, [z])  # z only: the model's own .grad stay untouched
            with torch.no_grad():
                better = (tvd <= epsilon) & (jsd > best_jsd)
                best[better], best_jsd[better], best_tvd[better] = tilde[better], jsd[better], tvd[better]
            z.grad = grad
            optimizer.step()
        with torch.no_grad():
            after = _with_alpha(model, enc, y_prev, states, rows, index, best).argmax(-1).tolist()
    steps = [
        AdversarialStep(
            step=t + 1,
            token=tokenizer.target.id_to_token(int(probs[t].argmax())),
            alpha=alphas[t].tolist(),
            adversarial=best[t].tolist(),
            jsd=float(best_jsd[t]),
            tvd=float(best_tvd[t]),
            token_after=tokenizer.target.id_to_token(after[t]),
        )
        for t in range(n_t)
    ]
    return AdversarialAttention(
        source, [*tokenizer.source.tokenize(source), "</s>"], [tokenizer.target.id_to_token(i) for i in tgt_ids],
        epsilon, iterations, steps,
    )  # fmt: skip


def edit_alpha(
    model: Seq2Seq, tokenizer: Tokenizer, source: str, step: int, weights: Sequence[float], target: str | None = None
) -> EditedDecode:
    """Impose α_t = ``weights`` (normalised) at 1-based ``step`` and decode greedily from there.

    The prefix y_<t is the model's own output (or ``target``'s), unchanged.
    """
    _require_attention(model)
    check_sources([source], model, tokenizer)
    w = torch.tensor([float(x) for x in weights], dtype=torch.float32)
    n_s = len(tokenizer.source.encode(source)) + 1
    if w.shape != (n_s,) or not torch.isfinite(w).all() or (w < 0).any() or float(w.sum()) <= 0:
        raise InputError(f"α_t needs {n_s} non-negative weights, not all zero")
    w = w / w.sum()
    with eval_mode(model), torch.no_grad():
        tgt_ids = _target_ids(model, tokenizer, source, target)
        if not 1 <= step <= len(tgt_ids):
            raise InputError(f"step must be between 1 and {len(tgt_ids)}")
        enc, y_prev, states, probs, _ = _prefix(model, tokenizer, [source], [tgt_ids])
        probs = probs[0]  # (T, V)
        t = step - 1
        out = model.decode_step(y_prev[0, t : t + 1], states[t], enc, alpha=w[None, :].to(model.device))
        p_new = torch.softmax(out.logits[0], -1)
        ids = [*tgt_ids[:t], int(p_new.argmax())]
        state = out.state
        limit = max_output_len(n_s, model)
        while ids[-1] != EOS and len(ids) < limit:
            nxt = model.decode_step(torch.tensor([ids[-1]], device=model.device), state, enc)
            ids.append(int(nxt.logits[0].argmax()))
            state = nxt.state
    return EditedDecode(
        step=step,
        alpha=w.tolist(),
        tokens=[tokenizer.target.id_to_token(i) for i in ids],
        output=tokenizer.target.decode(ids),
        token_before=tokenizer.target.id_to_token(int(probs[t].argmax())),
        token_after=tokenizer.target.id_to_token(ids[t]),
        tvd=float(0.5 * (p_new - probs[t]).abs().sum()),
    )


# --- over many inputs -------------------------------------------------------------------------------

CHUNK = 8  # held-out inputs per batch in ``summarize``


def _summary_batch(
    model: Seq2Seq,
    tokenizer: Tokenizer,
    task,
    ks: list[int],
    sources: list[str],
    ig_steps: int,
    draws: int,
    seed: int,
    ig_max_steps: int = IG_MAX_STEPS,
) -> tuple[list[int], list[Attributions], list[Interventions | None]]:
    """``summarize``'s unit of work: inputs ``ks`` (``sources``) decoded greedily, every attribution
    and, for attention decoders, every intervention (input k's random draws from ``seed + k``)."""
    with eval_mode(model):
        targets = _greedy_ids(model, tokenizer, sources)
    attributed = _attribute_many(model, tokenizer, sources, targets, METHODS, ig_steps, False, task, ig_max_steps)
    intervened: list[Interventions | None] = [None] * len(ks)
    if model.cfg.family.imposable_alpha:
        intervened = _intervene_many(model, tokenizer, sources, targets, draws, [seed + k for k in ks])
    return ks, attributed, intervened


_worker_checkpoint = None  # in a ``summarize`` worker process: the model it measures


def _worker_init(data: bytes, name: str) -> None:
    global _worker_checkpoint
    torch.set_num_threads(1)  # one process per core (seq2seq/workers.py says why)
    _worker_checkpoint = checkpoint.load_bytes(data, name)


def _worker_batch(*args) -> tuple[list[int], list[Attributions], list[Interventions | None]]:
    ckpt = _worker_checkpoint
    return _summary_batch(ckpt.model, ckpt.tokenizer, ckpt.task, *args)


def summary_workers() -> int:
    """Worker processes ``summarize`` uses by default: one per core up to ``limits.SUMMARY_WORKERS``."""
    return max(1, min(workers.cores(), limits.SUMMARY_WORKERS))


def summarize(
    ckpt,
    n: int = 100,
    seed: int = 4242,
    draws: int = 10,
    ig_steps: int | None = None,
    progress: Callable[[float], None] | None = None,
    ig_max_steps: int | None = None,
    chunk: int = CHUNK,
    n_workers: int | None = None,
) -> FaithfulnessSummary:
    """Agreement and interventions over ``n`` held-out inputs, each on the model's own output.

    Inputs go up to ``chunk`` at a time, of one source length (no padding: the RNN encoder runs
    unpacked, ~2x faster through its gradients), through one greedy decode,
    one batch per attribution method and one for every intervention (``_attribute_many``,
    ``_intervene_many``); input k's random draws come from ``seed + k`` whatever the chunk, so
    the numbers are those of ``attribute`` and ``intervene`` one input at a time.
    Integrated gradients start at ``ig_steps`` (default SUMMARY_IG_STEPS) and refine a step up to
    ``ig_max_steps`` (default SUMMARY_IG_MAX_STEPS); the steps where they still do not add up are
    left out of their numbers and counted (``ig_converged_steps``).
    The batches, longest inputs first, go to ``n_workers`` processes of one thread each
    (default ``summary_workers()``; 1: this process; always 1 for a model on a GPU), which
    measure the same numbers (to float rounding). ``progress`` gets the fraction done after
    each batch.
    """
    from seq2seq.training.pipeline import heldout

    ig_steps = SUMMARY_IG_STEPS if ig_steps is None else ig_steps  # read when called (tests lower them)
    ig_max_steps = max(ig_steps, SUMMARY_IG_MAX_STEPS if ig_max_steps is None else ig_max_steps)
    if chunk < 1:
        raise ValueError("chunk must be at least 1")
    model, tokenizer = ckpt.model, ckpt.tokenizer
    examples = heldout(ckpt, n, seed)
    length = [len(tokenizer.source.encode(ex.source)) for ex in examples]
    batches: list[list[int]] = []  # inputs of one length together: no padding (the encoder's fast path)
    for k in sorted(range(len(examples)), key=lambda k: (-length[k], k)):  # longest first: workers finish together
        if batches and length[batches[-1][0]] == length[k] and len(batches[-1]) < chunk:
            batches[-1].append(k)
        else:
            batches.append([k])
    tasks = [(ks, [examples[k].source for k in ks], ig_steps, draws, seed, ig_max_steps) for ks in batches]
    for _, sources, *_ in tasks:
        check_sources(sources, model, tokenizer)  # a bad input fails here, not in a worker
    attributed: list[Attributions | None] = [None] * len(examples)
    intervened: list[Interventions | None] = [None] * len(examples)
    done = 0

    def collect(result) -> None:
        nonlocal done
        ks, attrs, ivs = result
        for k, res, iv in zip(ks, attrs, ivs, strict=True):
            attributed[k], intervened[k] = res, iv
        done += len(ks)
        if progress is not None:
            progress(done / len(examples))

    n_workers = summary_workers() if n_workers is None else n_workers
    if n_workers > 1 and model.device.type == "cpu" and len(tasks) > 1:
        results = workers.run_unordered(
            _worker_batch, tasks, min(n_workers, len(tasks)), _worker_init, (checkpoint.to_bytes(ckpt), ckpt.name)
        )
        with closing(results):
            try:
                for result in results:
                    collect(result)
            except workers.BrokenProcessPool:  # a worker died (e.g. out of memory): the rest here
                pass
    for task in tasks:
        if attributed[task[0][0]] is None:
            collect(_summary_batch(model, tokenizer, ckpt.task, *task))
    taus: dict[str, list[float]] = {}
    top1: dict[str, list[bool]] = {}
    predicted: dict[str, list[set]] = {}
    gold: dict[str, list[set]] = {}  # per method: integrated gradients keep only their converged steps' links
    flips_perm, tvd_perm, flips_uni, flips_max, flips_rand = [], [], [], [], []
    worst, points, n_steps, converged = 0.0, [], 0, 0
    for res, ivs in zip(attributed, intervened, strict=True):
        n_steps += len(res.output_tokens)
        converged += sum(res.ig_converged)
        worst = max([worst, *(abs(x) for x in res.ig_completeness)])
        for method, agreement in res.agreement.items():
            taus.setdefault(method, []).extend(x for x in agreement.tau if x is not None)
            top1.setdefault(method, []).extend(x for x in agreement.top1 if x is not None)
        if res.gold is not None:
            for method in res.methods:
                links, gold_kept = _links(res, method)
                predicted.setdefault(method, []).append(links)
                gold.setdefault(method, []).append(gold_kept)
        for s in ivs.steps if ivs is not None else []:
            flips_perm += [tok != s.token for tok in s.permuted_tokens]
            tvd_perm += s.permuted_tvd
            flips_uni.append(s.uniform_token != s.token)
            flips_max.append(s.erase_max_token != s.token)
            flips_rand.append(s.erase_random_token != s.token)
            points.append((max(s.alpha), float(np.median(s.permuted_tvd))))
    rate = lambda xs: float(np.mean(xs)) if xs else None  # noqa: E731
    methods = [m for m in METHODS if m in predicted or m in taus]
    return FaithfulnessSummary(
        model=ckpt.name,
        n_inputs=len(examples),
        n_steps=n_steps,
        mean_tau={m: _nanmean(taus.get(m, [])) for m in methods if m != "alpha"},
        top1_rate={m: rate(top1.get(m, [])) for m in methods if m != "alpha"},
        aer={m: metrics.alignment_error_rate(predicted[m], gold[m]) for m in predicted},
        permute_flip_rate=rate(flips_perm),
        permute_tvd_median=float(np.median(tvd_perm)) if tvd_perm else None,
        uniform_flip_rate=rate(flips_uni),
        erase_max_flip_rate=rate(flips_max),
        erase_random_flip_rate=rate(flips_rand),
        ig_completeness_max=worst,
        ig_converged_steps=converged,
        points=points,
    )


__all__ = [
    "METHODS",
    "Agreement",
    "Attributions",
    "EditedDecode",
    "FaithfulnessSummary",
    "HeadAgreement",
    "Interventions",
    "StepIntervention",
    "attribute",
    "best_head",
    "edit_alpha",
    "erase",
    "heads_agreement",
    "integrated_gradients",
    "intervene",
    "kendall_tau",
    "summarize",
]
