"""Inside the states: encoder states h_i and decoder states s_t as paths in a 2-D/3-D PCA view.

The axes are fitted once per model on the states of many held-out inputs (``fit_state_space``),
so they stay put while the input changes; ``trajectory`` then places one decode's h_1…h_S and
s_1…s_T in them. PCA is ``torch.pca_lowrank`` (randomised, seeded here so a refit gives the
same axes), not hand-written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import torch

from .checkpoint import Checkpoint
from .results import DecodeTrace
from .search import trace
from .tasks import Example


@dataclass
class Projection:
    """x ↦ (x − mean) · componentsᵀ: the first k principal axes of a set of states."""

    mean: list[float]  # (D,)
    components: list[list[float]]  # (k, D), unit rows, largest variance first
    explained: list[float]  # (k,) fraction of the states' total variance along each axis

    def apply(self, states) -> np.ndarray:
        """(N, D) states -> (N, k) coordinates."""
        x = np.asarray(states, dtype=float).reshape(-1, len(self.mean))
        return (x - np.asarray(self.mean)) @ np.asarray(self.components).T

    def to_dict(self) -> dict:
        return asdict(self)


def fit(states, k: int = 3, seed: int = 0) -> Projection:
    """The first ``k`` principal axes of ``states`` (N, D), via ``torch.pca_lowrank``; each axis's
    sign is fixed (its largest coordinate positive), so a refit never mirrors the picture."""
    x = torch.as_tensor(np.asarray(states, dtype=np.float32))
    k = max(1, min(k, x.shape[0], x.shape[1]))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        _, s, v = torch.pca_lowrank(x, q=k, center=True, niter=4)  # v (D, k)
    comps = v[:, :k].T.double().numpy()  # (k, D)
    comps *= np.sign(comps[np.arange(k), np.abs(comps).argmax(axis=1)])[:, None]
    mean = x.double().mean(0)
    total = float(((x.double() - mean) ** 2).sum())
    explained = ((s[:k].double() ** 2) / total).tolist() if total > 0 else [0.0] * k
    return Projection(mean.tolist(), comps.tolist(), explained)


@dataclass
class StateSpace:
    """The PCA axes of one model: for h_i (encoder) and for s_t (decoder), fitted separately
    (the two live in different spaces, of different sizes)."""

    encoder: Projection
    decoder: Projection
    n_inputs: int  # held-out inputs whose states were fitted


def fit_state_space(ckpt: Checkpoint, examples: Sequence[Example], k: int = 3, seed: int = 0) -> StateSpace:
    """Decode ``examples`` (``search.trace``) and fit the axes on all their h_i and s_t."""
    h, s = [], []
    for ex in examples:
        one = trace(ckpt.model, ckpt.tokenizer, ex.source, top_k=1)
        h += one.encoder_states
        s += [step.state for step in one.steps]
    return StateSpace(fit(h, k, seed), fit(s, k, seed), len(examples))


@dataclass
class Trajectory:
    """One decode in a ``StateSpace``: the path of h_1…h_S and of s_1…s_T, with their tokens."""

    source_tokens: list[str]  # x_i, </s> included: one per encoder point
    output_tokens: list[str]  # y_t: one per decoder point
    encoder: list[list[float]]  # (S, k)
    decoder: list[list[float]]  # (T, k)
    context: list[float] | None  # c = h_T in the encoder's axes (the vanilla decoder's only context)
    explained: tuple[list[float], list[float]]  # each axis's share of variance: encoder, decoder

    def to_dict(self) -> dict:
        return asdict(self)


def trajectory(space: StateSpace, result: DecodeTrace) -> Trajectory:
    enc = space.encoder.apply(result.encoder_states)
    dec = space.decoder.apply([step.state for step in result.steps])
    c = result.fixed_context
    context = space.encoder.apply([c])[0].tolist() if len(c) == len(space.encoder.mean) else None
    return Trajectory(
        list(result.source_tokens),
        list(result.output_tokens),
        enc.tolist(),
        dec.tolist(),
        context,
        (space.encoder.explained, space.decoder.explained),
    )
