"""Inside the states: encoder states h_i and decoder states s_t as paths in a 2-D/3-D PCA view,
and the training steps whose s_t lies closest to one (Seq2Seq-Vis's nearest neighbours).

The axes are fitted once per model on the states of many held-out inputs (``fit_state_space``),
so they stay put while the input changes; ``trajectory`` then places one decode's h_1…h_S and
s_1…s_T in them, and ``growing_contexts`` the fixed c of inputs of growing length. PCA is
``torch.pca_lowrank`` (randomised, seeded here so a refit gives the same axes), not hand-written.

Both the axes and the neighbour index read states of many examples at once: one batched,
fully teacher-forced pass per batch (``Seq2Seq.forced_states``: the true y_<t fed, as in
training), never a decode per example.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import torch

from seq2seq.analysis.experiments import repeated_inputs
from seq2seq.core import families
from seq2seq.core.checkpoint import Checkpoint
from seq2seq.core.model import eval_mode
from seq2seq.core.results import DecodeTrace
from seq2seq.core.search import max_output_len
from seq2seq.data.batches import make_batch, pad
from seq2seq.data.tasks import Example
from seq2seq.data.tokenizers import PAD


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


def usable(ckpt: Checkpoint, examples: Sequence[Example]) -> list[Example]:
    """The examples the model can read and produce (an uploaded pair file may hold longer ones),
    shortest first: batches of like lengths carry little padding, and a step of attention
    costs B × S (4 times less on the reverse task's 3–24 characters than unsorted)."""
    cfg, tokenizer = ckpt.model.cfg, ckpt.tokenizer
    keyed = []
    for ex in examples:
        n_src, n_tgt = len(tokenizer.source.tokenize(ex.source)), len(tokenizer.target.tokenize(ex.target))
        if ex.source.strip() and n_src < cfg.max_src_len and n_tgt < max_output_len(n_src, ckpt.model):
            keyed.append((n_src, n_tgt, ex))
    return [ex for *_, ex in sorted(keyed, key=lambda row: row[:2])]


def forced_batches(ckpt: Checkpoint, examples: Sequence[Example], batch_size: int = 500):
    """Teacher-forced passes over ``examples`` in batches of ``batch_size``: yields
    (index of the batch's first example, the batch, enc, s (B, T, D), α (B, T, S) | None)."""
    model = ckpt.model
    with torch.no_grad(), eval_mode(model):
        for start in range(0, len(examples), batch_size):
            batch = make_batch(examples[start : start + batch_size], ckpt.tokenizer).to(model.device)
            enc, s, alpha = model.forced_states(batch)
            yield start, batch, enc, s, alpha


@dataclass
class StateSpace:
    """The PCA axes of one model: for h_i (encoder) and for s_t (decoder), fitted separately
    (the two live in different spaces, of different sizes)."""

    encoder: Projection
    decoder: Projection
    n_inputs: int  # held-out inputs whose states were fitted


def fit_state_space(
    ckpt: Checkpoint, examples: Sequence[Example], k: int = 3, seed: int = 0, batch_size: int = 500
) -> StateSpace:
    """Fit the axes on every h_i and every teacher-forced s_t of ``examples`` (batched)."""
    examples = usable(ckpt, examples)
    h, s = [], []
    for _, batch, enc, states, _ in forced_batches(ckpt, examples, batch_size):
        h.append(enc.h[enc.mask].float().cpu())  # (N_h, D): real tokens only
        s.append(states[batch.tgt_out != PAD].float().cpu())  # (N_s, D): y_1 … </s>
    if not h:
        raise ValueError("no examples to fit the state axes on")
    return StateSpace(fit(torch.cat(h).numpy(), k, seed), fit(torch.cat(s).numpy(), k, seed), len(examples))


@dataclass
class Trajectory:
    """One decode in a ``StateSpace``: the path of h_1…h_S and of s_1…s_T, with their tokens."""

    source_tokens: list[str]  # x_i, </s> included: one per encoder point
    output_tokens: list[str]  # y_t: one per decoder point
    encoder: list[list[float]]  # (S, k)
    decoder: list[list[float]]  # (T, k)
    context: list[float] | None  # c in the encoder's axes (= h_T; a Transformer: the mean of its h_i)
    explained: tuple[list[float], list[float]]  # each axis's share of variance: encoder, decoder
    reads_fixed_c: bool = True  # the decoder reads this one c at every step (its family's ``fixed_context``)
    c_is_mean: bool = False  # c is the mean of the h_i, not h_T (a family without recurrence)

    def to_dict(self) -> dict:
        return asdict(self)


def trajectory(space: StateSpace, result: DecodeTrace) -> Trajectory:
    family = families.get(result.decoder)
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
        reads_fixed_c=family.fixed_context,
        c_is_mean=not family.recurrent,
    )


@dataclass
class ContextPath:
    """The fixed c of inputs of growing length, in the encoder's axes: does c keep track?"""

    lengths: list[int]  # T: tokens of each input, </s> included
    points: list[list[float]]  # (n, k)

    def to_dict(self) -> dict:
        return asdict(self)


def growth_lengths(ckpt: Checkpoint, source: str) -> list[int]:
    """T = 2 … 1.5 × the longest training input (at least the input itself), within what the
    model reads: the lengths whose c ``growing_contexts`` places."""
    longest = (ckpt.card.source_tokens or (0, len(ckpt.tokenizer.source.tokenize(source))))[1]
    top = max(int(1.5 * longest), len(ckpt.tokenizer.source.tokenize(source))) + 1
    return list(range(2, min(top, ckpt.model.cfg.max_src_len) + 1))


@torch.no_grad()
def growing_contexts(ckpt: Checkpoint, space: StateSpace, source: str, lengths: list[int] | None = None) -> ContextPath:
    """c of the inputs made by repeating ``source``'s tokens to each length in ``lengths``
    (``analysis.repeated_inputs``; default ``growth_lengths``), encoded in one batch."""
    lengths = lengths or growth_lengths(ckpt, source)
    seqs = repeated_inputs(ckpt, source, lengths)
    model = ckpt.model
    with eval_mode(model):
        enc, _ = model.encode(pad(seqs).to(model.device), torch.tensor([len(q) for q in seqs]))
    return ContextPath([len(q) for q in seqs], space.encoder.apply(enc.c.double().cpu().numpy()).tolist())


# --- nearest training examples (Seq2Seq-Vis): "this step behaves like these training steps" -----


@dataclass
class Neighbour:
    """A teacher-forced decoder step of a training example whose s_t is close to the one asked about."""

    source: str
    target: str
    source_tokens: list[str]  # x_i, </s> included
    target_tokens: list[str]  # y_t, </s> included: the step is target_tokens[step - 1]
    step: int  # 1-based t of the matching step
    position: int | None  # 0-based source position that step attended to most (argmax α); None for vanilla
    similarity: float  # cosine similarity of the two s_t

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class NeighbourIndex:
    """Unit-length s_t of every teacher-forced step of up to ``limit`` training examples, one
    row each, with the row's example, step and argmax-α position as index tensors."""

    examples: list[Example]
    tokenizer: object  # the model's Tokenizer: the neighbours' tokens are made when asked
    states: torch.Tensor  # (M, D), rows of norm 1
    example: torch.Tensor  # (M,) long: index into ``examples``
    step: torch.Tensor  # (M,) long: 0-based t
    position: torch.Tensor  # (M,) long: argmax α over the source; -1 for a vanilla decoder

    def __len__(self) -> int:
        return int(self.states.shape[0])

    def nearest(self, state, k: int = 5) -> list[Neighbour]:
        """The ``k`` indexed steps whose s_t has the largest cosine similarity to ``state`` (D,):
        one matrix-vector product and a top-k."""
        q = torch.as_tensor(np.asarray(state, dtype=np.float32)).to(self.states.device)
        if q.shape != self.states.shape[1:]:
            raise ValueError(f"a state of size {tuple(q.shape)} asked of an index of size {self.states.shape[1]}")
        sims = self.states @ (q / q.norm().clamp_min(1e-12))  # (M,)
        top = torch.topk(sims, min(k, len(self)))
        out = []
        for sim, row in zip(top.values.tolist(), top.indices.tolist(), strict=True):
            ex = self.examples[int(self.example[row])]
            position = int(self.position[row])
            out.append(
                Neighbour(
                    ex.source,
                    ex.target,
                    [*self.tokenizer.source.tokenize(ex.source), "</s>"],
                    [*self.tokenizer.target.tokenize(ex.target), "</s>"],
                    int(self.step[row]) + 1,
                    None if position < 0 else position,
                    sim,
                )
            )
        return out


def build_index(ckpt: Checkpoint, examples: Sequence[Example], batch_size: int = 500) -> NeighbourIndex:
    """Index every teacher-forced step's s_t of ``examples`` (batched ``forced_states``): the
    states the model had while reading those training pairs. Callers bound ``examples``
    (Seq2Seq-Vis indexes a sample, not the corpus)."""
    examples = usable(ckpt, examples)
    blocks, ex_ids, steps, positions = [], [], [], []
    for start, batch, _, s, alpha in forced_batches(ckpt, examples, batch_size):
        real = batch.tgt_out != PAD  # (B, T): y_1 … </s>
        b, t = real.nonzero(as_tuple=True)  # row-major: the same order as s[real]
        blocks.append(torch.nn.functional.normalize(s[real].float(), dim=1).cpu())
        ex_ids.append(b.cpu() + start)
        steps.append(t.cpu())
        positions.append(alpha.argmax(-1)[real].cpu() if alpha is not None else torch.full_like(b, -1).cpu())
    if not blocks:
        raise ValueError("no examples to index")
    cat = lambda xs: torch.cat(xs).contiguous()  # noqa: E731
    return NeighbourIndex(list(examples), ckpt.tokenizer, cat(blocks), cat(ex_ids), cat(steps), cat(positions))
