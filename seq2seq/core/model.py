"""The contract every model family keeps: encode once, decode one step at a time.

    encoder   reads x_1..x_n (+ </s>) once: h_i per source token, c a summary of them all
    decoder   s_t from y_{t-1} and s_{t-1} (and, with attention, c_t = Σ_i α_{t,i} h_i)
              y_t = softmax(W_y · + b_y)

``Seq2Seq.encode`` runs once per input and returns an ``EncoderOutput`` and s_0;
``Seq2Seq.decode_step`` advances every search (greedy, beam, forced scoring), the attributions
and the step-by-step training loop by one step and returns a ``StepOutput``; ``forward`` is the
training pass. Nothing that uses a model needs to know which family it has: what a family
offers (α per step, heads, a window, coverage, ...) is asked of ``cfg.family``
(``seq2seq/core/families/``), never of its name.

``ModelConfig`` holds what every family shares; each family extends it with its own fields
(``rnn.RNNConfig`` / ``rnn.AttentionConfig``, ``transformer.TransformerConfig``).
"""

from __future__ import annotations

import abc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, ClassVar

import torch
from torch import nn

from seq2seq import limits
from seq2seq.data.batches import Batch
from seq2seq.errors import CheckpointError

if TYPE_CHECKING:
    from seq2seq.core.families.base import Family


@dataclass
class ModelConfig:
    """What every family's config has. A family's own config subclasses this one; the family
    registry (``families.base.Family``) sets the class's ``family`` when the family is defined."""

    vocab_size: int  # the target's tokens (and the source's, unless src_vocab_size says otherwise)
    layers: int = 1  # stacked layers (encoder and decoder): 1-2 for an RNN, 1-4 for the Transformer
    max_src_len: int = 200  # longest input (tokens, incl. </s>) the model accepts
    decoder: str = ""  # the family's name, as stored in every checkpoint ("vanilla", "attention", ...)
    src_vocab_size: int = 0  # the source's tokens when each side has its own tokenizer; 0 = vocab_size (shared)

    family: ClassVar[Family]  # set by the family that owns this config class

    def __post_init__(self) -> None:
        family = type(self).__dict__.get("family")
        if family is None:
            raise ValueError(f"{type(self).__name__} belongs to no model family")
        if self.decoder != family.name:  # the default is "": filled in, or a mismatch named
            if self.decoder:
                raise ValueError(f"a {type(self).__name__} is a {family.name!r} model, not {self.decoder!r}")
            self.decoder = family.name
        for name, top in limits.MODEL_LIMITS.items():  # before any tensor is allocated
            if not hasattr(self, name):
                continue
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= top:
                raise ValueError(f"{name} must be an integer in 1..{top}, got {value!r}")
        top = limits.MODEL_LIMITS["vocab_size"]
        if not isinstance(self.src_vocab_size, int) or isinstance(self.src_vocab_size, bool):
            raise ValueError(f"src_vocab_size must be an integer in 0..{top}, got {self.src_vocab_size!r}")
        if not 0 <= self.src_vocab_size <= top:
            raise ValueError(f"src_vocab_size must be an integer in 0..{top}, got {self.src_vocab_size!r}")
        self.check()

    @property
    def source_vocab_size(self) -> int:
        """How many tokens the encoder embeds: its own tokenizer's, or the shared one's."""
        return self.src_vocab_size or self.vocab_size

    def check(self) -> None:
        """A family's own rules across its fields (ValueError); nothing to check here."""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def field_names(cls) -> set[str]:
        return {f.name for f in fields(cls)}

    @classmethod
    def from_dict(cls, data: dict) -> ModelConfig:
        """Build this family's config from checkpoint metadata; unknown keys and bad values raise
        CheckpointError (``families.config_from_dict`` picks the class for a stored config)."""
        if not isinstance(data, dict):
            raise CheckpointError("model config is not an object")
        extra = set(data) - cls.field_names()
        if extra:
            raise CheckpointError(f"model config has unknown fields: {', '.join(sorted(extra))}")
        try:
            return cls(**data)
        except (TypeError, ValueError) as exc:
            raise CheckpointError(f"model config is invalid: {exc}") from None


@dataclass
class EncoderOutput:
    """Everything the decoder needs about the source, computed once per input.

    h (B, S, D) encoder states h_i; mask (B, S); c (B, D) = h_T; keys: attention keys
    projected once (None for the vanilla decoder); self_attention (B, L, H, S, S): the
    encoder's self-attention weights per layer and head (the Transformer; None otherwise).
    """

    h: torch.Tensor
    mask: torch.Tensor
    c: torch.Tensor
    keys: torch.Tensor | None
    self_attention: torch.Tensor | None = None
    # What a model's ``decode_step`` derives from this output once and reuses at every step (the
    # Transformer's ``StepPlan``: the cross-attention K and V split into heads, per layer); filled
    # by the model on first use. Not an __init__ field, so ``dataclasses.replace`` leaves it out
    # (rebuilt, never carried over to keys it was not made from); ``index_select`` picks its rows.
    prepared: object | None = field(default=None, init=False, repr=False, compare=False)

    def index_select(self, index: torch.Tensor) -> EncoderOutput:
        """Rows ``index`` of every tensor (e.g. to follow beam hypotheses)."""
        pick = lambda t: None if t is None else t.index_select(0, index)  # noqa: E731
        out = EncoderOutput(pick(self.h), pick(self.mask), pick(self.c), pick(self.keys), pick(self.self_attention))
        if self.prepared is not None:
            out.prepared = self.prepared.index_select(index, self, out)  # None when it no longer fits self
        return out


@dataclass
class StepOutput:
    """One decoder step for a batch: s_t (B, D), the new state, ctx_t (B, D), for the
    attention decoder α_t (B, S) and e_t (B, S) (None for vanilla), and the logits (B, V)
    (``Seq2Seq.decode_step`` fills them; ``Decoder.advance`` leaves them None, since
    training applies the output layer once to all steps).

    Multi-head models (the Transformer) also fill ``heads`` (B, L, H, S), the cross-attention
    of every layer and head, and ``self_heads`` (B, L, H, t), the decoder's masked
    self-attention of this step over the prefix; their ``alpha`` is the last layer's head
    average."""

    s: torch.Tensor
    state: torch.Tensor | tuple[torch.Tensor, torch.Tensor]
    context: torch.Tensor
    alpha: torch.Tensor | None
    energies: torch.Tensor | None
    logits: torch.Tensor | None = None
    position: torch.Tensor | None = None  # p_t (B,) of local-p attention
    heads: torch.Tensor | None = None
    self_heads: torch.Tensor | None = None


DecoderState = torch.Tensor | tuple[torch.Tensor, torch.Tensor]


def select_state(state: DecoderState, index: torch.Tensor) -> DecoderState:
    """Rows ``index`` (batch dimension 1) of a GRU/RNN state, an LSTM (h, c) pair or the
    Transformer's (keys, values) cache."""
    if isinstance(state, tuple):
        return tuple(s.index_select(1, index) for s in state)
    return state.index_select(1, index)


class Seq2Seq(nn.Module, abc.ABC):
    """The base of every family's model: the contract above, and what the searches, training
    and the attributions may call. A family's model subclasses it (``rnn.RNNSeq2Seq``,
    ``transformer.Transformer``) and is built by its family (``cfg.family.build(cfg)``)."""

    cfg: ModelConfig

    @property
    @abc.abstractmethod
    def source_embedding(self) -> nn.Module:
        """The module whose output is the source tokens' vectors x_i, called once per forward
        pass (Captum's layer for the attributions of ``seq2seq/analysis/attribution.py``)."""

    @abc.abstractmethod
    def source_vectors(self, src: torch.Tensor) -> torch.Tensor:
        """What ``source_embedding`` outputs for the ids src (B, S): the vectors x_i (B, S, E)."""

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    @property
    def parallel_teacher_forcing(self) -> bool:
        """A fully teacher-forced ``forward`` runs every target position in one call (no loop
        over t): callers that need log p(y_t) at one step take the whole pass instead of t steps."""
        return False

    @abc.abstractmethod
    def encode(self, src: torch.Tensor, src_len: torch.Tensor) -> tuple[EncoderOutput, DecoderState]:
        """Run the encoder once: (what the decoder reads, s_0).

        :param src: (B, S) token ids
        :param src_len: (B,) real lengths
        """

    @abc.abstractmethod
    def decode_step(
        self,
        y_prev: torch.Tensor,
        state: DecoderState,
        enc: EncoderOutput,
        alpha: torch.Tensor | None = None,
        rows: slice | None = None,
    ) -> StepOutput:
        """One decoder step for a batch of hypotheses; every search is built on this.

        :param y_prev: y_{t-1} (B,) token ids
        :param alpha: (B, S) weights imposed instead of the model's own α_t (families whose
            ``family.imposable_alpha`` is True; the interventions' hook)
        :param rows: compute the logits of these rows only (``StepOutput.logits`` then has
            rows.stop - rows.start rows); the state is advanced for every row
        """

    @abc.abstractmethod
    def forced_states(self, batch: Batch) -> tuple[EncoderOutput, torch.Tensor, torch.Tensor | None]:
        """A fully teacher-forced pass that keeps s_t: the encoder's output, s (B, T, D) and
        α (B, T, S) (None where the family has no α); no output layer."""


@contextmanager
def eval_mode(model: nn.Module) -> Iterator[nn.Module]:
    """``model.eval()`` for the block, then the mode it was in, also when the block raises.

    Every search runs under it, so decoding inside a training run (validation) leaves the
    model training, and decoding a loaded (eval-mode) model leaves it in eval mode.
    """
    was_training = model.training
    # a model already in eval mode throughout is left alone: ``train(False)`` walks every
    # submodule twice per search, a few hundred µs that a 30-step trace of a small model notices
    switch = any(m.training for m in model.modules())
    if switch:
        model.eval()
    try:
        yield model
    finally:
        if switch or any(m.training for m in model.modules()):  # (the block switched it: restored as before)
            model.train(was_training)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
