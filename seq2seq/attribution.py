"""Is attention an explanation? Attributions beside α, and interventions on α.

For one input and an output y (the model's own greedy output, or a given target, teacher
forced), every output step t gets a score per source token x_i from each method:

    alpha       α_{t,i}                                   (attention decoders only)
    saliency    ‖∂ log p(y_t) / ∂ emb(x_i)‖₂              gradient norm
    grad-input  ∂ log p(y_t) / ∂ emb(x_i) · emb(x_i)      gradient × input
    ig          integrated gradients of log p(y_t) over the source embeddings, from the
                <pad> embedding (Sundararajan et al. 2017); Σ_i IG_i ≈ f(x) − f(baseline),
                and the gap is reported as the completeness error
    occlusion   log p(y_t | x) − log p(y_t | x with x_i → <unk>)  (leave one out)

The gradient methods are Captum's (``LayerGradientXActivation`` and
``LayerIntegratedGradients`` on ``model.source_embedding``); every step's log p(y_t) is one row
of one batch, so a whole output is attributed in one call. Occlusion is one teacher-forced
batch with a row per replaced position.

Interventions (Jain & Wallace 2019, Serrano & Smith 2019) change α_t at one step t and keep
the decoder's state before t: permuted α, uniform α, the most-attended token erased (α → 0,
renormalised) against a random one erased, and α edited by hand with decoding carried on
from there. They use ``Seq2Seq.decode_step(..., alpha=...)``.

Agreement between α and a method is measured on importance = |score| for the gradient
methods (a token matters whichever way it pushes) and the signed drop for occlusion.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import torch

from . import limits, metrics
from .data import Batch, source_batch
from .errors import InputError
from .model import Seq2Seq, eval_mode
from .search import check_sources, greedy, max_output_len
from .tokenizers import BOS, EOS, PAD, UNK, Tokenizer

METHODS = ("alpha", "saliency", "grad-input", "ig", "occlusion")
GRADIENT_METHODS = ("saliency", "grad-input", "ig")
IG_STEPS = 32  # integration steps (Gauss-Legendre); completeness error ~1e-3 at 32 on the zoo


# --- agreement ------------------------------------------------------------------------------------


def kendall_tau(x: Sequence[float], y: Sequence[float]) -> float:
    """Kendall's τ_b of two score vectors (ties handled as scipy's default); NaN when either is constant.

    τ_b = Σ_{i<j} sgn(x_i − x_j) sgn(y_i − y_j) / sqrt(n_x n_y), where n_x (n_y) counts the pairs
    untied in x (y). O(n²) over pairs, which is nothing for a sentence.
    """
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("kendall_tau needs two vectors of the same length")
    upper = np.triu_indices(len(a), k=1)
    sx = np.sign(a[:, None] - a[None, :])[upper]
    sy = np.sign(b[:, None] - b[None, :])[upper]
    denom = math.sqrt(float((sx != 0).sum()) * float((sy != 0).sum()))
    return float((sx * sy).sum() / denom) if denom else float("nan")


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

    tau: list[float | None]  # Kendall τ_b per step (None where a row is constant)
    top1: list[bool]  # argmax α_t == argmax importance_t
    mean_tau: float | None
    top1_rate: float


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
    ig_steps: int
    ig_completeness: list[float]  # per step: Σ_i IG_{t,i} − (log p(y_t|x) − log p(y_t|baseline))
    ig_delta: list[float]  # per step: log p(y_t|x) − log p(y_t|baseline), for scale
    agreement: dict[str, Agreement] = field(default_factory=dict)  # method -> vs α (attention only)
    gold: list[tuple[int, int]] | None = None  # gold (t, i) links when y is the task's answer
    aer: dict[str, float] = field(default_factory=dict)  # method -> AER of its argmax (with gold)

    @property
    def methods(self) -> list[str]:
        return [m for m in METHODS if m in self.scores]

    def matrix(self, method: str) -> np.ndarray:
        return np.asarray(self.scores[method], dtype=float)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["attention"] = self.scores.get("alpha")
        return out


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
    points: list[tuple[float, float]] = field(default_factory=list)  # (max α_t, median permuted TVD) per step

    def to_dict(self) -> dict:
        return asdict(self)


# --- the teacher-forced function that every gradient method differentiates ---------------------------


def _target_ids(model: Seq2Seq, tokenizer: Tokenizer, source: str, target: str | None) -> list[int]:
    """y as ids ending in </s>: the given target, or the model's greedy output."""
    if target is None:
        ids = greedy(model, tokenizer, [source]).ids[0]
        return ids if ids and ids[-1] == EOS else [*ids, EOS]
    ids = [*tokenizer.encode(target), EOS]
    if len(ids) > max_output_len(model.cfg.max_src_len, model):
        raise InputError("the target is longer than this model can produce")
    return ids


def _step_logp(
    model: Seq2Seq,
    src: torch.Tensor,
    src_len: torch.Tensor,
    tgt_in: torch.Tensor,
    tgt_out: torch.Tensor,
    step: torch.Tensor,
) -> torch.Tensor:
    """log p(y_t | y_<t, x) teacher forced, for row b at its own step ``step[b]`` (0-based): (B,)."""
    logits, _ = model(Batch(src, src_len, tgt_in, tgt_out))  # (B, T, V)
    logp = torch.log_softmax(logits, -1).gather(2, tgt_out.unsqueeze(2)).squeeze(2)  # (B, T)
    return logp.gather(1, step.unsqueeze(1)).squeeze(1)


def _per_step_batch(src_ids: list[int], tgt_ids: list[int], device) -> tuple:
    """One row per output step: (src (T, S), src_len (T,), tgt_in (T, T), tgt_out (T, T), step (T,))."""
    n_t = len(tgt_ids)
    src = torch.tensor([src_ids] * n_t, device=device)
    src_len = torch.full((n_t,), len(src_ids), dtype=torch.long)
    tgt_in = torch.tensor([[BOS, *tgt_ids[:-1]]] * n_t, device=device)
    tgt_out = torch.tensor([tgt_ids] * n_t, device=device)
    return src, src_len, tgt_in, tgt_out, torch.arange(n_t, device=device)


def attribute(
    model: Seq2Seq,
    tokenizer: Tokenizer,
    source: str,
    target: str | None = None,
    methods: Sequence[str] = METHODS,
    ig_steps: int = IG_STEPS,
    task=None,
) -> Attributions:
    """Every method's per-step scores for ``source`` and ``target`` (None: the model's own output).

    ``task`` (optional): where it has gold alignments in the tokenizer's units and y is its
    answer, the AER of each method's argmax is reported.
    """
    from captum.attr import LayerGradientXActivation, LayerIntegratedGradients

    check_sources([source], model, tokenizer)
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise InputError(f"unknown attribution method {unknown[0]!r}; choose from {', '.join(METHODS)}")
    if not 1 <= ig_steps <= limits.MAX_IG_STEPS:
        raise InputError(f"integrated gradients needs between 1 and {limits.MAX_IG_STEPS} steps")
    has_alpha = model.cfg.decoder == "attention"
    methods = [m for m in methods if m != "alpha" or has_alpha]
    device = model.device
    src_ids = [*tokenizer.encode(source), EOS]
    with eval_mode(model), _backward_in_eval(model):
        tgt_ids = _target_ids(model, tokenizer, source, target)
        args = _per_step_batch(src_ids, tgt_ids, device)
        src, rest = args[0], args[1:]
        n_t, n_s = len(tgt_ids), len(src_ids)
        layer = model.source_embedding
        forward = lambda *a: _step_logp(model, *a)  # noqa: E731
        scores: dict[str, list[list[float]]] = {}
        with torch.no_grad():
            logits, alphas = model(Batch(src[:1], rest[0][:1], rest[1][:1], rest[2][:1]))
            logp = torch.log_softmax(logits[0], -1).gather(1, rest[2][0].unsqueeze(1)).squeeze(1)  # (T,)
        if "alpha" in methods:
            scores["alpha"] = alphas[0].tolist()
        if "saliency" in methods:
            grads = LayerGradientXActivation(forward, layer, multiply_by_inputs=False).attribute(
                src, additional_forward_args=rest
            )  # (T, S, E): ∂ log p(y_t) / ∂ emb(x_i)
            scores["saliency"] = grads.norm(dim=2).tolist()
        if "grad-input" in methods:
            gxi = LayerGradientXActivation(forward, layer).attribute(src, additional_forward_args=rest)
            scores["grad-input"] = gxi.sum(2).tolist()
        completeness, deltas = [], []
        if "ig" in methods:
            lig = LayerIntegratedGradients(forward, layer)
            baseline = torch.full_like(src, PAD)  # emb(<pad>) at every position, same length
            ig, delta = lig.attribute(
                src, baselines=baseline, additional_forward_args=rest, n_steps=ig_steps, return_convergence_delta=True
            )
            scores["ig"] = ig.sum(2).tolist()
            completeness = delta.detach().tolist()
            with torch.no_grad():
                deltas = (logp - _step_logp(model, baseline, *rest)).tolist()
        if "occlusion" in methods:
            scores["occlusion"] = _occlusion(model, src_ids, tgt_ids, logp).tolist()
    output_tokens = [tokenizer.id_to_token(i) for i in tgt_ids]
    result = Attributions(
        source=source,
        source_tokens=[*tokenizer.tokenize(source), "</s>"],
        output_tokens=output_tokens,
        output=tokenizer.decode(tgt_ids),
        decoder=model.cfg.decoder,
        teacher_forced=target is not None,
        probs=logp.exp().tolist(),
        scores=scores,
        ig_steps=ig_steps,
        ig_completeness=completeness,
        ig_delta=deltas,
    )
    assert all(np.asarray(v).shape == (n_t, n_s) for v in scores.values())
    _agree(result)
    if task is not None and task.alignment_unit == tokenizer.kind and not tokenizer.unknown(source):
        reference = task.reference(source)
        if reference is not None and reference.alignment and reference.target == result.output:
            result.gold = [tuple(link) for link in reference.alignment]
            gold = set(result.gold)
            for method in result.methods:
                links = metrics.alignment_links(importance(method, result.matrix(method)), n_t - 1, n_s - 1)
                result.aer[method] = metrics.alignment_error_rate([links], [gold])
    return result


@torch.no_grad()
def _occlusion(model: Seq2Seq, src_ids: list[int], tgt_ids: list[int], logp: torch.Tensor) -> torch.Tensor:
    """(T, S): log p(y_t | x) − log p(y_t | x with x_i replaced by <unk>), one row per i in one batch."""
    n_s, device = len(src_ids), model.device
    src = torch.tensor([src_ids] * n_s, device=device)
    src[torch.arange(n_s), torch.arange(n_s)] = UNK  # row i: x_i -> <unk>
    tgt_in = torch.tensor([[BOS, *tgt_ids[:-1]]] * n_s, device=device)
    tgt_out = torch.tensor([tgt_ids] * n_s, device=device)
    logits, _ = model(Batch(src, torch.full((n_s,), n_s, dtype=torch.long), tgt_in, tgt_out))
    occluded = torch.log_softmax(logits, -1).gather(2, tgt_out.unsqueeze(2)).squeeze(2)  # (S, T)
    return (logp[None, :] - occluded).T  # (T, S)


def _agree(result: Attributions) -> None:
    """Fill ``result.agreement``: α against every other method (attention decoders)."""
    if "alpha" not in result.scores:
        return
    alpha = result.matrix("alpha")
    for method in result.methods:
        if method == "alpha":
            continue
        imp = importance(method, result.matrix(method))
        taus = [kendall_tau(a, b) for a, b in zip(alpha, imp, strict=True)]
        top1 = [bool(a.argmax() == b.argmax()) for a, b in zip(alpha, imp, strict=True)]
        result.agreement[method] = Agreement(
            tau=[None if math.isnan(x) else x for x in taus],
            top1=top1,
            mean_tau=_nanmean(taus),
            top1_rate=float(np.mean(top1)) if top1 else 0.0,
        )


# --- interventions -------------------------------------------------------------------------------


def _backward_in_eval(model: Seq2Seq):
    """Gradients through an RNN in eval mode: cuDNN's RNN has no backward outside training mode,
    so on CUDA the RNN runs PyTorch's own kernels while the gradient methods differentiate it."""
    return torch.backends.cudnn.flags(enabled=model.device.type != "cuda")


def _require_attention(model: Seq2Seq) -> None:
    if model.cfg.decoder != "attention":
        raise InputError("a vanilla decoder has no attention to intervene on")


@torch.no_grad()
def _prefix(model: Seq2Seq, tokenizer: Tokenizer, source: str, tgt_ids: list[int]):
    """Run the decoder along y, keeping what each step t starts from.

    :return: enc, y_prev (T,), the states before each step, p(y_t) (T, V), α (T, S)
    """
    batch = source_batch([source], tokenizer).to(model.device)
    enc, state = model.encode(batch.src, batch.src_len)
    states, probs, alphas = [], [], []
    y_prev = torch.tensor([BOS, *tgt_ids[:-1]], device=model.device)
    for t in range(len(tgt_ids)):
        states.append(state)
        step = model.decode_step(y_prev[t : t + 1], state, enc)
        probs.append(torch.softmax(step.logits[0], -1))
        alphas.append(step.alpha[0])
        state = step.state
    return enc, y_prev, states, torch.stack(probs), torch.stack(alphas)


def _rows_of_states(states: list, index: torch.Tensor):
    """The states of the steps ``index`` as one batch (batch dimension 1; LSTM (h, c) pairs too)."""
    if isinstance(states[0], tuple):
        return tuple(torch.cat([s[k] for s in states], 1).index_select(1, index) for k in range(len(states[0])))
    return torch.cat(states, 1).index_select(1, index)


def _p_with_alpha(model: Seq2Seq, enc, y_prev, states, steps: torch.Tensor, alpha: torch.Tensor) -> torch.Tensor:
    """p(y_t) (B, V) at the 0-based ``steps`` (B,) with α_t (B, S) imposed, state before t
    unchanged; differentiable in ``alpha`` (``adversarial``)."""
    rows = enc.index_select(torch.zeros(len(steps), dtype=torch.long, device=model.device))
    out = model.decode_step(y_prev[steps], _rows_of_states(states, steps), rows, alpha=alpha)
    return torch.softmax(out.logits, -1)


@torch.no_grad()
def _with_alpha(model: Seq2Seq, enc, y_prev, states, steps: torch.Tensor, alpha: torch.Tensor) -> torch.Tensor:
    """``_p_with_alpha`` without gradients (the interventions)."""
    return _p_with_alpha(model, enc, y_prev, states, steps, alpha)


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
        enc, y_prev, states, probs, alphas = _prefix(model, tokenizer, source, tgt_ids)
        n_t, n_s = alphas.shape
        gen = torch.Generator().manual_seed(seed)
        rng = random.Random(seed)
        per_step = draws + 3  # permutations, uniform, erase max, erase random
        rows, steps, erased = [], [], []
        for t in range(n_t):
            a = alphas[t]
            rows += [a[torch.randperm(n_s, generator=gen)] for _ in range(draws)]
            rows.append(torch.full_like(a, 1.0 / n_s))
            top = int(a.argmax())
            other = rng.choice([i for i in range(n_s) if i != top]) if n_s > 1 else top
            rows += [erase(a, top), erase(a, other)]
            steps += [t] * per_step
            erased.append((top, other))
        index = torch.tensor(steps, device=model.device)
        new = _with_alpha(model, enc, y_prev, states, index, torch.stack(rows))  # (T * per_step, V)
    tvd = 0.5 * (new - probs[index]).abs().sum(-1)  # (T * per_step,)
    tokens = [tokenizer.id_to_token(i) for i in new.argmax(-1).tolist()]
    tvd_l = tvd.tolist()
    out = []
    for t in range(n_t):
        base = t * per_step
        u, em, er = base + draws, base + draws + 1, base + draws + 2
        out.append(
            StepIntervention(
                step=t + 1,
                token=tokenizer.id_to_token(int(probs[t].argmax())),
                alpha=alphas[t].tolist(),
                permuted_tvd=tvd_l[base : base + draws],
                permuted_tokens=tokens[base : base + draws],
                uniform_tvd=tvd_l[u],
                uniform_token=tokens[u],
                erase_max_tvd=tvd_l[em],
                erase_max_token=tokens[em],
                erase_random_tvd=tvd_l[er],
                erase_random_token=tokens[er],
                erased_max=erased[t][0],
                erased_random=erased[t][1],
            )
        )
    return Interventions(
        source, [*tokenizer.tokenize(source), "</s>"], [tokenizer.id_to_token(i) for i in tgt_ids], draws, out
    )


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
    with eval_mode(model), _backward_in_eval(model):
        tgt_ids = _target_ids(model, tokenizer, source, target)
        enc, y_prev, states, probs, alphas = _prefix(model, tokenizer, source, tgt_ids)
        n_t, n_s = alphas.shape
        index = torch.arange(n_t, device=model.device)
        gen = torch.Generator().manual_seed(seed)
        z = torch.randn(n_t, n_s, generator=gen).to(model.device).requires_grad_(True)  # start anywhere but α
        optimizer = torch.optim.Adam([z], lr=lr)
        best, best_jsd = alphas.clone(), torch.zeros(n_t, device=model.device)
        best_tvd = torch.zeros(n_t, device=model.device)
        for _ in range(iterations):
            with torch.enable_grad():
                tilde = torch.softmax(z, -1)
                p = _p_with_alpha(model, enc, y_prev, states, index, tilde)
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
            after = _with_alpha(model, enc, y_prev, states, index, best).argmax(-1).tolist()
    steps = [
        AdversarialStep(
            step=t + 1,
            token=tokenizer.id_to_token(int(probs[t].argmax())),
            alpha=alphas[t].tolist(),
            adversarial=best[t].tolist(),
            jsd=float(best_jsd[t]),
            tvd=float(best_tvd[t]),
            token_after=tokenizer.id_to_token(after[t]),
        )
        for t in range(n_t)
    ]
    return AdversarialAttention(
        source, [*tokenizer.tokenize(source), "</s>"], [tokenizer.id_to_token(i) for i in tgt_ids], epsilon,
        iterations, steps,
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
    n_s = len(tokenizer.encode(source)) + 1
    if w.shape != (n_s,) or not torch.isfinite(w).all() or (w < 0).any() or float(w.sum()) <= 0:
        raise InputError(f"α_t needs {n_s} non-negative weights, not all zero")
    w = w / w.sum()
    with eval_mode(model), torch.no_grad():
        tgt_ids = _target_ids(model, tokenizer, source, target)
        if not 1 <= step <= len(tgt_ids):
            raise InputError(f"step must be between 1 and {len(tgt_ids)}")
        enc, y_prev, states, probs, _ = _prefix(model, tokenizer, source, tgt_ids)
        t = step - 1
        out = model.decode_step(y_prev[t : t + 1], states[t], enc, alpha=w[None, :].to(model.device))
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
        tokens=[tokenizer.id_to_token(i) for i in ids],
        output=tokenizer.decode(ids),
        token_before=tokenizer.id_to_token(int(probs[t].argmax())),
        token_after=tokenizer.id_to_token(ids[t]),
        tvd=float(0.5 * (p_new - probs[t]).abs().sum()),
    )


# --- over many inputs -------------------------------------------------------------------------------


def summarize(
    ckpt,
    n: int = 100,
    seed: int = 4242,
    draws: int = 10,
    ig_steps: int = 16,
    progress: Callable[[float], None] | None = None,
) -> FaithfulnessSummary:
    """Agreement and interventions over ``n`` held-out inputs, each on the model's own output."""
    from .pipeline import heldout

    model, tokenizer = ckpt.model, ckpt.tokenizer
    examples = heldout(ckpt, n, seed)
    has_alpha = model.cfg.decoder == "attention"
    taus: dict[str, list[float]] = {}
    top1: dict[str, list[bool]] = {}
    predicted: dict[str, list[set]] = {}
    gold: list[set] = []
    flips_perm, tvd_perm, flips_uni, flips_max, flips_rand = [], [], [], [], []
    worst, points, n_steps = 0.0, [], 0
    for k, ex in enumerate(examples):
        res = attribute(model, tokenizer, ex.source, ig_steps=ig_steps, task=ckpt.task)
        n_steps += len(res.output_tokens)
        worst = max([worst, *(abs(x) for x in res.ig_completeness)])
        for method, agreement in res.agreement.items():
            taus.setdefault(method, []).extend(x for x in agreement.tau if x is not None)
            top1.setdefault(method, []).extend(agreement.top1)
        if res.gold is not None:
            gold.append(set(res.gold))
            for method in res.methods:
                links = metrics.alignment_links(
                    importance(method, res.matrix(method)), len(res.output_tokens) - 1, len(res.source_tokens) - 1
                )
                predicted.setdefault(method, []).append(links)
        if has_alpha:
            for s in intervene(model, tokenizer, ex.source, draws=draws, seed=seed + k).steps:
                flips_perm += [tok != s.token for tok in s.permuted_tokens]
                tvd_perm += s.permuted_tvd
                flips_uni.append(s.uniform_token != s.token)
                flips_max.append(s.erase_max_token != s.token)
                flips_rand.append(s.erase_random_token != s.token)
                points.append((max(s.alpha), float(np.median(s.permuted_tvd))))
        if progress is not None:
            progress((k + 1) / len(examples))
    rate = lambda xs: float(np.mean(xs)) if xs else None  # noqa: E731
    methods = [m for m in METHODS if m in predicted or m in taus]
    return FaithfulnessSummary(
        model=ckpt.name,
        n_inputs=len(examples),
        n_steps=n_steps,
        mean_tau={m: _nanmean(taus.get(m, [])) for m in methods if m != "alpha"},
        top1_rate={m: rate(top1.get(m, [])) for m in methods if m != "alpha"},
        aer={m: metrics.alignment_error_rate(predicted[m], gold) for m in predicted},
        permute_flip_rate=rate(flips_perm),
        permute_tvd_median=float(np.median(tvd_perm)) if tvd_perm else None,
        uniform_flip_rate=rate(flips_uni),
        erase_max_flip_rate=rate(flips_max),
        erase_random_flip_rate=rate(flips_rand),
        ig_completeness_max=worst,
        points=points,
    )


__all__ = [
    "METHODS",
    "Agreement",
    "Attributions",
    "EditedDecode",
    "FaithfulnessSummary",
    "Interventions",
    "StepIntervention",
    "attribute",
    "edit_alpha",
    "erase",
    "intervene",
    "kendall_tau",
    "summarize",
]
