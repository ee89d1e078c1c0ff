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
"""

from __future__ import annotations

import math

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


class Attention(nn.Module):
    """e, α and c_t for one decoder step, for a batch.

    :param score: one of ``SCORES``
    :param query_dim: D_q, size of the decoder state s_{t-1}
    :param key_dim: D_k, size of an encoder state h_i
    :param attn_dim: hidden size of the additive score's tanh layer
    """

    def __init__(self, score: str, query_dim: int, key_dim: int, attn_dim: int | None = None) -> None:
        super().__init__()
        if score not in SCORES:
            raise ValueError(f"unknown score {score!r}; choose from {', '.join(SCORES)}")
        if score in ("dot", "scaled-dot") and query_dim != key_dim:
            raise ValueError(f"{score} attention needs query_dim == key_dim, got {query_dim} and {key_dim}")
        self.score = score
        self.key_dim = key_dim
        if score == "general":
            self.key_proj = nn.Linear(key_dim, query_dim, bias=False)  # W
        elif score == "additive":
            attn_dim = attn_dim or query_dim
            self.key_proj = nn.Linear(key_dim, attn_dim, bias=False)  # W_k
            self.query_proj = nn.Linear(query_dim, attn_dim, bias=False)  # W_q
            self.energy = nn.Linear(attn_dim, 1, bias=False)  # v

    def project_keys(self, h: torch.Tensor) -> torch.Tensor:
        """The query-independent part of the score, once per input.

        :param h: encoder states (B, S, D_k)
        :return: keys (B, S, D_q) for dot / scaled-dot / general, (B, S, attn_dim) for additive
        """
        if self.score in ("general", "additive"):
            return self.key_proj(h)  # (B, S, D_q) W h_i, or (B, S, attn_dim) W_k h_i
        return h  # (B, S, D_k): dot products need no projection

    def energies(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        """e_{t,i} = score(s_{t-1}, h_i).

        :param query: s_{t-1} (B, D_q)
        :param keys: ``project_keys(h)``
        :return: e (B, S)
        """
        if self.score == "additive":
            # e_{t,i} = v · tanh(W_q s_{t-1} + W_k h_i)
            q = self.query_proj(query).unsqueeze(1)  # (B, 1, attn_dim) W_q s_{t-1}, broadcast over i
            return self.energy(torch.tanh(keys + q)).squeeze(2)  # (B, S, attn_dim) -> (B, S, 1) -> (B, S)
        # q · h_i (or q · W h_i) as a product and a sum: for these matrix-vector shapes it is
        # several times faster on a CPU than torch.bmm, forward and backward (benchmarks/bench.py)
        e = (keys * query.unsqueeze(1)).sum(2)  # (B, S, D_q) * (B, 1, D_q) -> (B, S)
        if self.score == "scaled-dot":
            e = e / math.sqrt(self.key_dim)
        return e

    def forward(
        self,
        query: torch.Tensor,
        keys: torch.Tensor,
        values: torch.Tensor,
        mask: torch.Tensor,
        alpha: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """One step of attention.

        :param query: s_{t-1} (B, D_q)
        :param keys: ``project_keys(h)`` (B, S, ·)
        :param values: h (B, S, D_k)
        :param mask: (B, S) True on real source tokens
        :param alpha: (B, S) weights to use instead of softmax(e) (interventions: "force
            attention"); e is still computed and returned as the model's own
        :return: context c_t (B, D_k), α (B, S), e (B, S)
        """
        e = self.energies(query, keys)  # (B, S)
        if alpha is None:
            alpha = masked_softmax(e, mask)  # (B, S), each row sums to 1 over the real positions
        context = (alpha.unsqueeze(2) * values).sum(1)  # (B, S, 1) * (B, S, D_k) -> (B, D_k): c_t = Σ_i α_{t,i} h_i
        return context, alpha, e


def masked_softmax(e: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """softmax over the last dimension, restricted to ``mask``.

    Padding gets exactly 0 (exp(-inf) = 0), so it can never leak into c_t. A row with no
    real position at all (never produced by ``data.py``, which appends </s> to every source)
    gives all zeros rather than NaN.
    """
    alpha = torch.softmax(e.masked_fill(~mask, float("-inf")), dim=-1)  # (B, S)
    return torch.where(mask.any(dim=-1, keepdim=True), alpha, torch.zeros_like(alpha))  # (B, 1) picks the row
