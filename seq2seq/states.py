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
from .search import greedy, trace
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


# --- nearest training examples (Seq2Seq-Vis): "this step behaves like these training steps" -----


@dataclass
class Neighbour:
    """A decoder step of a training example whose s_t is close to the one asked about."""

    source: str
    target: str
    output_tokens: list[str]  # the model's greedy output on that source
    step: int  # 1-based t of the matching step
    position: int | None  # 0-based source position that step attended to most (argmax α); None for vanilla
    similarity: float  # cosine similarity of the two s_t

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class NeighbourIndex:
    """Unit-length s_t of every greedy step of up to ``limit`` training examples, one row each."""

    examples: list[Example]
    states: torch.Tensor  # (M, D), rows of norm 1
    rows: list[tuple[int, int, int | None]]  # per row: example index, 0-based step, argmax α position
    outputs: list[list[str]]  # per example, its greedy output tokens

    def nearest(self, state, k: int = 5) -> list[Neighbour]:
        """The ``k`` indexed steps whose s_t has the largest cosine similarity to ``state`` (D,)."""
        q = torch.as_tensor(np.asarray(state, dtype=np.float32))
        q = q / q.norm().clamp_min(1e-12)
        sims = self.states @ q  # (M,)
        top = torch.topk(sims, min(k, len(self.rows)))
        out = []
        for sim, row in zip(top.values.tolist(), top.indices.tolist(), strict=True):
            ex_i, t, position = self.rows[row]
            ex = self.examples[ex_i]
            out.append(Neighbour(ex.source, ex.target, self.outputs[ex_i], t + 1, position, sim))
        return out


def build_index(ckpt: Checkpoint, examples: Sequence[Example], batch_size: int = 500) -> NeighbourIndex:
    """Greedy-decode ``examples`` in batches (``search.greedy`` keeping s_t and α) and index
    every step's s_t. Callers bound ``examples`` (Seq2Seq-Vis indexes a sample, not the corpus)."""
    model, tokenizer = ckpt.model, ckpt.tokenizer
    blocks, rows, outputs = [], [], []
    for start in range(0, len(examples), batch_size):
        chunk = list(examples[start : start + batch_size])
        decoded = greedy(model, tokenizer, [ex.source for ex in chunk], record=True, states=True)
        for j, ids in enumerate(decoded.ids):
            n = len(ids)
            blocks.append(decoded.states[j, :n])  # (n, D)
            argmax = None if decoded.alphas is None else np.asarray(decoded.alphas[j]).argmax(axis=1).tolist()
            rows += [(start + j, t, None if argmax is None else int(argmax[t])) for t in range(n)]
            outputs.append([tokenizer.id_to_token(i) for i in ids])
    states = torch.cat(blocks).float().cpu() if blocks else torch.zeros(0, 1)
    states = states / states.norm(dim=1, keepdim=True).clamp_min(1e-12)
    return NeighbourIndex(list(examples), states, rows, outputs)
