"""Attention (Bahdanau et al. 2015): at decoder step t, a fresh context over all encoder states.

    e_{t,i} = score(s_{t-1}, h_i)                 energies, one per source position i
    α_{t,i} = exp(e_{t,i}) / Σ_j exp(e_{t,j})     softmax over the real (unpadded) positions
    c_t     = Σ_i α_{t,i} h_i                     the context the decoder reads at step t

Score functions (query q = s_{t-1} of size D_q, key h_i of size D_k):

    dot         e = q · h_i                       (needs D_q == D_k)
    general     e = q · (W h_i)                   multiplicative (Luong et al. 2015)
    additive    e = v · tanh(W_q q + W_k h_i)     concat / Bahdanau
    scaled-dot  e = q · h_i / sqrt(D_k)           (Vaswani et al. 2017)

The parts that depend only on h (W h_i, W_k h_i) are computed once per input by
``project_keys`` and reused at every decoder step, as Joey NMT does.

Variants (the lecture after the notes), each a constructor argument:

    norm      softmax | sparsemax | entmax15 turn e into α; the last two (the ``entmax``
              package, Martins & Astudillo 2016, Peters et al. 2019) give exact zeros
    window D  Luong's local-p: p_t = (S-1)·sigmoid(v_p · tanh(W_p q)) (0-based positions),
              α_{t,i} = norm over |i - p_t| <= D, times exp(-(i - p_t)^2 / (2σ^2)), σ = D/2
    coverage  Tu et al. 2016 / See et al. 2017: cov_{t,i} = Σ_{t'<t} α_{t',i} enters the
              additive score, e = v · tanh(W_q q + W_k h_i + w_c cov_{t,i})

The query may be one step (B, D_q) or all steps at once (B, T, D_q): Luong's decoder without
input feeding attends from every s_t in one batched product during training.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import entmax
import torch
from torch import nn

SCORES = ("dot", "general", "additive", "scaled-dot")
# The same four as LaTeX, for pages that show the equation next to a live model's numbers.
SCORE_LATEX = {
    "dot": r"e_{t,i} = s_{t-1}^{\top} h_i",
    "general": r"e_{t,i} = s_{t-1}^{\top} W h_i",
    "additive": r"e_{t,i} = v^{\top} \tanh(W_q s_{t-1} + W_k h_i)",
    "scaled-dot": r"e_{t,i} = \frac{s_{t-1}^{\top} h_i}{\sqrt{D}}",
}
NORMS = ("softmax", "sparsemax", "entmax15")
NORM_LATEX = {
    "softmax": r"\alpha_{t,i} = \frac{\exp(e_{t,i})}{\sum_j \exp(e_{t,j})}",
    "sparsemax": r"\alpha_t = \mathrm{sparsemax}(e_t) = \arg\min_{p \in \Delta} \lVert p - e_t \rVert^2",
    "entmax15": r"\alpha_t = \mathrm{entmax}_{1.5}(e_t) = [\tfrac{1}{2} e_t - \tau]_+^2",
}
COVERAGE_LATEX = r"\mathrm{cov}_{t,i} = \sum_{t'<t} \alpha_{t',i}"
LOCAL_LATEX = (
    r"p_t = (S-1)\,\sigma(v_p^{\top} \tanh(W_p s_t)), \quad"
    r" \alpha_{t,i} \leftarrow \alpha_{t,i} \exp\!\Big(-\frac{(i - p_t)^2}{2 (D/2)^2}\Big),\ |i - p_t| \le D"
)


class Attended(NamedTuple):
    """What one attention call returns (a step: (B, ·); all steps: (B, T, ·))."""

    context: torch.Tensor  # c_t (B, D_k)
    alpha: torch.Tensor  # α_t (B, S)
    energies: torch.Tensor  # e_t (B, S)
    position: torch.Tensor | None  # p_t (B,) for local-p, else None


class Attention(nn.Module):
    """e, α and c_t for one decoder step (or all steps at once), for a batch.

    :param score: one of ``SCORES``
    :param query_dim: D_q, size of the decoder state that attends
    :param key_dim: D_k, size of an encoder state h_i
    :param attn_dim: hidden size of the additive score's tanh layer
    :param norm: one of ``NORMS``
    :param window: D of local-p attention (0 = global)
    :param coverage: feed the running sum of past α into the (additive) score
    """

    def __init__(
        self,
        score: str,
        query_dim: int,
        key_dim: int,
        attn_dim: int | None = None,
        norm: str = "softmax",
        window: int = 0,
        coverage: bool = False,
    ) -> None:
        super().__init__()
        if score not in SCORES:
            raise ValueError(f"unknown score {score!r}; choose from {', '.join(SCORES)}")
        if score in ("dot", "scaled-dot") and query_dim != key_dim:
            raise ValueError(f"{score} attention needs query_dim == key_dim, got {query_dim} and {key_dim}")
        if norm not in NORMS:
            raise ValueError(f"unknown attention norm {norm!r}; choose from {', '.join(NORMS)}")
        if coverage and score != "additive":
            raise ValueError("coverage enters the additive score: use score additive with coverage")
        self.score, self.norm, self.window, self.coverage = score, norm, window, coverage
        self.key_dim = key_dim
        if score == "general":
            self.key_proj = nn.Linear(key_dim, query_dim, bias=False)  # W
        elif score == "additive":
            attn_dim = attn_dim or query_dim
            self.key_proj = nn.Linear(key_dim, attn_dim, bias=False)  # W_k
            self.query_proj = nn.Linear(query_dim, attn_dim, bias=False)  # W_q
            self.energy = nn.Linear(attn_dim, 1, bias=False)  # v
            if coverage:
                self.coverage_proj = nn.Linear(1, attn_dim, bias=False)  # w_c
        if window:
            self.position = nn.Sequential(  # v_p · tanh(W_p q)
                nn.Linear(query_dim, query_dim, bias=False), nn.Tanh(), nn.Linear(query_dim, 1, bias=False)
            )

    def project_keys(self, h: torch.Tensor) -> torch.Tensor:
        """The query-independent part of the score, once per input.

        :param h: encoder states (B, S, D_k)
        :return: keys (B, S, D_q) for dot / scaled-dot / general, (B, S, attn_dim) for additive
        """
        if self.score in ("general", "additive"):
            return self.key_proj(h)  # (B, S, D_q) W h_i, or (B, S, attn_dim) W_k h_i
        return h  # (B, S, D_k): dot products need no projection

    def energies(self, query: torch.Tensor, keys: torch.Tensor, coverage: torch.Tensor | None = None) -> torch.Tensor:
        """e_{t,i} = score(q_t, h_i).

        :param query: q (B, D_q) for one step or (B, T, D_q) for all steps
        :param keys: ``project_keys(h)``
        :param coverage: cov_t (B, S) (coverage attention, one step only)
        :return: e (B, S) or (B, T, S)
        """
        if self.score == "additive":
            # e_{t,i} = v · tanh(W_q q_t + W_k h_i [+ w_c cov_{t,i}])
            q = self.query_proj(query).unsqueeze(-2)  # (B, [T,] 1, attn_dim) W_q q_t, broadcast over i
            k = keys if query.dim() == 2 else keys.unsqueeze(1)  # (B, [1,] S, attn_dim)
            if coverage is not None:
                k = k + self.coverage_proj(coverage.unsqueeze(-1))  # (B, S, attn_dim) + w_c cov_{t,i}
            return AdditiveEnergy.apply(k, q, self.energy.weight[0])  # (B, [T,] S, attn_dim) -> (B, [T,] S)
        if query.dim() == 2:
            # q · h_i (or q · W h_i) as a product and a sum: for these matrix-vector shapes it is
            # several times faster on a CPU than torch.bmm, forward and backward (benchmarks/bench.py)
            e = (keys * query.unsqueeze(1)).sum(2)  # (B, S, D_q) * (B, 1, D_q) -> (B, S)
        else:
            e = torch.bmm(query, keys.transpose(1, 2))  # (B, T, D_q) @ (B, D_q, S) -> (B, T, S): all steps at once
        if self.score == "scaled-dot":
            e = e / math.sqrt(self.key_dim)
        return e

    def forward(
        self,
        query: torch.Tensor,
        keys: torch.Tensor,
        values: torch.Tensor,
        mask: torch.Tensor,
        coverage: torch.Tensor | None = None,
        alpha: torch.Tensor | None = None,
    ) -> Attended:
        """Attention for one step (query (B, D_q)) or every step at once (query (B, T, D_q)).

        :param keys: ``project_keys(h)`` (B, S, ·)
        :param values: h (B, S, D_k)
        :param mask: (B, S) True on real source tokens
        :param coverage: cov_t (B, S), Σ of the past α (coverage attention)
        :param alpha: (B, S) weights to use instead of the model's (interventions: "force
            attention"); e (and p_t) are still computed and returned as the model's own
        :return: c_t (B, [T,] D_k), α (B, [T,] S), e (B, [T,] S), p_t (B, [T]) | None
        """
        e = self.energies(query, keys, coverage)  # (B, [T,] S)
        m = mask if query.dim() == 2 else mask.unsqueeze(1)  # (B, [1,] S)
        position = None
        if self.window:
            # Luong's local-p: a window of ±D around the predicted position p_t, Gaussian-weighted
            length = mask.sum(-1).to(e.dtype)  # (B,) S, real source length
            length = length if query.dim() == 2 else length.unsqueeze(1)  # (B, [1])
            position = (length - 1) * torch.sigmoid(self.position(query).squeeze(-1))  # (B, [T]) p_t in [0, S-1]
            i = torch.arange(e.size(-1), device=e.device, dtype=e.dtype)  # (S,)
            dist = i - position.unsqueeze(-1)  # (B, [T,] S) i - p_t
            m = m & (dist.abs() <= self.window)  # only the window
        if alpha is None:
            alpha = normalize(e, m, self.norm)  # (B, [T,] S) zero outside m
            if self.window:
                sigma = self.window / 2
                alpha = alpha * torch.exp(-(dist**2) / (2 * sigma**2))  # rows now sum to <= 1 (Luong 2015)
        if query.dim() == 2:
            context = (alpha.unsqueeze(2) * values).sum(1)  # (B, S, 1) * (B, S, D_k) -> (B, D_k): c_t = Σ_i α_{t,i} h_i
        else:
            context = torch.bmm(alpha, values)  # (B, T, S) @ (B, S, D_k) -> (B, T, D_k), every c_t at once
        return Attended(context, alpha, e, position)


class AdditiveEnergy(torch.autograd.Function):
    """e = v · tanh(k + q), the additive score's inner part, forward and backward in one buffer.

    k (…, S, A) and q (…, 1, A) broadcast to (…, S, A); v (A,); e (…, S). The same numbers as
    ``nn.Linear(A, 1)(torch.tanh(k + q))`` to float rounding (tests/test_attention.py checks
    values and gradients); a Bahdanau training step on a CPU is 1.13× faster with it
    (benchmarks/attention_step.py). Why: these (B, S, A) tensors are the largest of a step and
    each pass over them is memory-bound; PyTorch's CPU tanh also runs at ~0.27 G elements/s
    where its sigmoid runs at ~0.95 (measured 2026-11-27, AVX2), so tanh(x) is taken as
    2σ(2x) − 1, in place. Autograd
    would keep two (B, S, A) tensors per step for the backward and allocate two more in it;
    this keeps one, tanh(k + q), and computes the backward in one new buffer:

        ∂e/∂(k + q) = (1 − tanh²) · v · ∂L/∂e;  ∂L/∂q sums it over S;  ∂L/∂v = Σ tanh · ∂L/∂e
    """

    @staticmethod
    def forward(ctx, k: torch.Tensor, q: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        t = k + q  # (…, S, A), the one new buffer
        t.mul_(2).sigmoid_().mul_(2).sub_(1)  # tanh(k + q) = 2σ(2(k + q)) − 1
        ctx.save_for_backward(t, v)
        ctx.shapes = (k.shape, q.shape)
        return t @ v  # (…, S)

    @staticmethod
    def backward(ctx, grad_e: torch.Tensor):
        t, v = ctx.saved_tensors
        g = grad_e.unsqueeze(-1).contiguous()  # (…, S, 1)
        grad_v = t.flatten(0, -2).T.mv(grad_e.flatten()) if ctx.needs_input_grad[2] else None  # (A,)
        pre = torch.addcmul(torch.ones_like(v), t, t, value=-1).mul_(g).mul_(v)  # (…, S, A) ∂L/∂(k + q)
        k_shape, q_shape = ctx.shapes
        grad_k = pre.sum_to_size(k_shape) if ctx.needs_input_grad[0] else None  # summed over what k broadcast over
        grad_q = pre.sum_to_size(q_shape) if ctx.needs_input_grad[1] else None  # (…, 1, A): summed over i
        return grad_k, grad_q, grad_v


def normalize(e: torch.Tensor, mask: torch.Tensor, norm: str = "softmax") -> torch.Tensor:
    """α from e over the last dimension, restricted to ``mask``: softmax, or sparsemax /
    entmax-1.5 from the ``entmax`` package (exact zeros where the score is low enough)."""
    if norm == "softmax":
        return masked_softmax(e, mask)
    fn = entmax.sparsemax if norm == "sparsemax" else entmax.entmax15
    alpha = fn(e.masked_fill(~mask, float("-inf")), dim=-1)  # masked positions: exactly 0
    return torch.where(mask.any(dim=-1, keepdim=True), alpha, torch.zeros_like(alpha))


def masked_softmax(e: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """softmax over the last dimension, restricted to ``mask``.

    Padding gets exactly 0 (exp(-inf) = 0), so it can never leak into c_t. A row with no
    real position at all (never produced by ``data.py``, which appends </s> to every source)
    gives all zeros rather than NaN.
    """
    alpha = torch.softmax(e.masked_fill(~mask, float("-inf")), dim=-1)  # (B, S)
    return torch.where(mask.any(dim=-1, keepdim=True), alpha, torch.zeros_like(alpha))  # (B, 1) picks the row
