"""The encoder-decoder of the lecture notes, with a vanilla or an attention decoder.

    encoder   h_t = RNN(x_t, h_{t-1})              t = 1..n  (+ </s>)
              c   = h_T                            the one fixed-size summary of the input
    decoder   s_0 = tanh(W_init c)
              s_t = RNN([y_{t-1}; ctx_t], s_{t-1})
              y_t = softmax(W_y [s_t; ctx_t] + b_y)

where ctx_t is the *same* c at every step for the vanilla decoder (Cho et al. 2014) and a
fresh c_t = Σ_i α_{t,i} h_i for the attention decoder (Bahdanau et al. 2015; see
``attention.py``). Everything else is shared, so comparing the two isolates exactly the
bottleneck the notes talk about.

``Seq2Seq.encode`` runs once per input; ``Seq2Seq.decode_step`` advances every search
(greedy, beam, forced scoring) and the training loop by one step.

A third family, the Transformer (``decoder="transformer"``, after the notes), lives in
``transformer.py``: ``Seq2Seq(cfg)`` builds it when the config asks for it, and it keeps the
same contract (encode once, decode_step, teacher-forced forward), so nothing that uses a
model needs to know which family it has.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from . import limits
from .attention import SCORES, Attention
from .data import Batch
from .errors import CheckpointError

CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}
DECODERS = ("vanilla", "attention", "transformer")
POSITIONS = ("sinusoidal", "learned")  # the Transformer's position encodings


@dataclass
class ModelConfig:
    vocab_size: int  # shared by source and target (one tokenizer per model)
    cell: str = "gru"  # rnn | gru | lstm, for the encoder and the decoder
    emb_dim: int = 64  # size of a token embedding
    hidden: int = 128  # encoder state size per direction
    layers: int = 1  # stacked layers (encoder and decoder): 1-2 for an RNN, 1-4 for the Transformer
    bidirectional: bool = True  # encoder reads left-to-right and right-to-left
    decoder: str = "attention"  # vanilla (fixed c) | attention (c_t per step) | transformer
    score: str = "additive"  # attention score: dot | general | additive | scaled-dot
    max_src_len: int = 200  # longest input (tokens, incl. </s>) the model accepts
    # the Transformer only (cell, emb_dim, hidden, bidirectional and score are the RNN's):
    heads: int = 4  # attention heads per layer; d_model must be a multiple of it
    d_model: int = 64  # width of every token's vector (embeddings, attention, residual stream)
    ff_dim: int = 128  # hidden size of the position-wise feed-forward layer
    positions: str = "sinusoidal"  # sinusoidal (computed) | learned (one trained vector per position)

    def __post_init__(self) -> None:
        if self.cell not in CELLS:
            raise ValueError(f"unknown cell {self.cell!r}; choose from {', '.join(CELLS)}")
        if self.decoder not in DECODERS:
            raise ValueError(f"unknown decoder {self.decoder!r}; choose from {', '.join(DECODERS)}")
        if self.score not in SCORES:
            raise ValueError(f"unknown score {self.score!r}; choose from {', '.join(SCORES)}")
        if self.positions not in POSITIONS:
            raise ValueError(f"unknown positions {self.positions!r}; choose from {', '.join(POSITIONS)}")
        for name, top in limits.MODEL_LIMITS.items():  # before any tensor is allocated
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= top:
                raise ValueError(f"{name} must be an integer in 1..{top}, got {value!r}")
        if self.decoder != "transformer" and self.layers > limits.MAX_RNN_LAYERS:
            raise ValueError(f"an RNN has 1..{limits.MAX_RNN_LAYERS} layers, got {self.layers}")
        if self.d_model % self.heads:
            raise ValueError(f"d_model ({self.d_model}) must be a multiple of heads ({self.heads})")

    @property
    def attends(self) -> bool:
        """The decoder computes α (attention or Transformer); False for the vanilla decoder."""
        return self.decoder != "vanilla"

    @property
    def enc_dim(self) -> int:
        """Size of one encoder state h_i (both directions concatenated)."""
        return self.hidden * (2 if self.bidirectional else 1)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ModelConfig:
        """Build from checkpoint metadata; unknown keys and bad values raise CheckpointError."""
        if not isinstance(data, dict):
            raise CheckpointError("model config is not an object")
        known = {f.name for f in fields(cls)}
        extra = set(data) - known
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

    def index_select(self, index: torch.Tensor) -> EncoderOutput:
        """Rows ``index`` of every tensor (e.g. to follow beam hypotheses)."""
        pick = lambda t: None if t is None else t.index_select(0, index)  # noqa: E731
        return EncoderOutput(pick(self.h), pick(self.mask), pick(self.c), pick(self.keys), pick(self.self_attention))


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
    heads: torch.Tensor | None = None
    self_heads: torch.Tensor | None = None


DecoderState = torch.Tensor | tuple[torch.Tensor, torch.Tensor]


def select_state(state: DecoderState, index: torch.Tensor) -> DecoderState:
    """Rows ``index`` (batch dimension 1) of a GRU/RNN state, an LSTM (h, c) pair or the
    Transformer's (keys, values) cache."""
    if isinstance(state, tuple):
        return tuple(s.index_select(1, index) for s in state)
    return state.index_select(1, index)


class Encoder(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.embed = nn.Embedding(cfg.vocab_size, cfg.emb_dim, padding_idx=0)
        self.rnn = CELLS[cfg.cell](
            cfg.emb_dim, cfg.hidden, num_layers=cfg.layers, batch_first=True, bidirectional=cfg.bidirectional
        )
        self.bidirectional = cfg.bidirectional

    def forward(self, src: torch.Tensor, src_len: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """h_t = RNN(x_t, h_{t-1}) over the real tokens only (packed: padding never enters a state).

        :param src: (B, S) token ids
        :param src_len: (B,) real lengths
        :return: h (B, S, D) with zeros on padding, c = h_T (B, D)
        """
        x = self.embed(src)  # (B, S, E)
        packed = pack_padded_sequence(x, src_len.cpu(), batch_first=True, enforce_sorted=False)
        out, final = self.rnn(packed)
        h, _ = pad_packed_sequence(out, batch_first=True, total_length=src.size(1))  # (B, S, D)
        final = final[0] if isinstance(final, tuple) else final  # (layers * directions, B, hidden); LSTM: h_n
        if self.bidirectional:
            # top layer: forward state after x_n, backward state after x_1
            c = torch.cat([final[-2], final[-1]], dim=1)  # (B, 2 * hidden) = (B, D)
        else:
            c = final[-1]  # (B, hidden) = (B, D)
        return h, c


class Decoder(nn.Module):
    """Vanilla (``attention`` is None) or attention decoder; one step at a time."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        d = cfg.enc_dim  # s_t has the size of h_i, so every score (dot included) applies
        self.cell = cfg.cell
        self.layers = cfg.layers
        self.embed = nn.Embedding(cfg.vocab_size, cfg.emb_dim, padding_idx=0)
        self.init = nn.Linear(d, d * cfg.layers)  # s_0 = tanh(W_init c), one per layer
        self.rnn = CELLS[cfg.cell](cfg.emb_dim + d, d, num_layers=cfg.layers, batch_first=True)
        self.out = nn.Linear(2 * d, cfg.vocab_size)  # y_t = softmax(W_y [s_t; ctx_t] + b_y)
        self.attention = Attention(cfg.score, d, d) if cfg.attends else None

    def init_state(self, c: torch.Tensor) -> DecoderState:
        """s_0 from c: (layers, B, D); an LSTM's memory cell starts at zero."""
        s0 = torch.tanh(self.init(c))  # (B, L * D)
        s0 = s0.view(c.size(0), self.layers, -1).transpose(0, 1).contiguous()  # (L, B, D)
        return (s0, torch.zeros_like(s0)) if self.cell == "lstm" else s0

    def advance(self, y_prev: torch.Tensor, state: DecoderState, enc: EncoderOutput) -> StepOutput:
        """Everything of one step but the output layer (training batches that over all steps).

        :param y_prev: y_{t-1} (B,) token ids
        :return: s_t (B, D), new state, ctx_t (B, D), α_t (B, S) | None, e_t (B, S) | None; no logits
        """
        s_prev = (state[0] if isinstance(state, tuple) else state)[-1]  # (B, D) top layer of s_{t-1}
        if self.attention is not None:
            context, alpha, energies = self.attention(s_prev, enc.keys, enc.h, enc.mask)  # (B, D), (B, S), (B, S)
        else:
            context, alpha, energies = enc.c, None, None  # (B, D): the same c at every step
        x = torch.cat([self.embed(y_prev), context], dim=1).unsqueeze(1)  # (B, 1, E + D)
        out, state = self.rnn(x, state)  # out (B, 1, D); state (L, B, D): s_t = RNN([y_{t-1}; ctx_t], s_{t-1})
        return StepOutput(out[:, 0], state, context, alpha, energies)

    # The two lines above as pages show them; ctx_t is c (vanilla) or c_t (attention).
    LATEX = (
        r"s_t = \mathrm{{RNN}}([y_{{t-1}};\, {ctx}],\, s_{{t-1}}), \qquad"
        r" y_t = \mathrm{{softmax}}(W_y [s_t;\, {ctx}] + b_y)"
    )

    def logits(self, s: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        """W_y [s_t; ctx_t] + b_y; works on (B, D) or (B, T, D)."""
        return self.out(torch.cat([s, context], dim=-1))


class Seq2Seq(nn.Module):
    def __new__(cls, cfg: ModelConfig | None = None, *args, **kwargs):
        """``Seq2Seq(cfg)`` builds the family the config names: the Transformer is a subclass
        (transformer.py) with the same contract."""
        if cls is Seq2Seq and cfg is not None and cfg.decoder == "transformer":
            from .transformer import Transformer

            cls = Transformer
        return super().__new__(cls)

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.encoder = Encoder(cfg)
        self.decoder = Decoder(cfg)

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    def encode(self, src: torch.Tensor, src_len: torch.Tensor) -> tuple[EncoderOutput, DecoderState]:
        """Run the encoder once: (what the decoder reads, s_0)."""
        h, c = self.encoder(src, src_len)  # (B, S, D), (B, D)
        # (B, S) True on real tokens: the one mask attention uses, built from the lengths
        mask = torch.arange(src.size(1), device=src.device)[None, :] < src_len.to(src.device)[:, None]
        att = self.decoder.attention
        keys = att.project_keys(h) if att is not None else None  # (B, S, ·) | None
        return EncoderOutput(h, mask, c, keys), self.decoder.init_state(c)

    def decode_step(self, y_prev: torch.Tensor, state: DecoderState, enc: EncoderOutput) -> StepOutput:
        """One decoder step for a batch of hypotheses; every search is built on this."""
        step = self.decoder.advance(y_prev, state, enc)
        step.logits = self.decoder.logits(step.s, step.context)  # (B, V)
        return step

    def forward(
        self, batch: Batch, teacher_forcing: float = 1.0, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Training pass over a batch.

        With probability ``teacher_forcing`` (per step and sequence) the decoder is fed the
        true y_{t-1}; otherwise its own previous argmax, as at inference time.

        :return: logits (B, T, V) and α (B, T, S) (None for the vanilla decoder)
        """
        enc, state = self.encode(batch.src, batch.src_len)  # enc.h (B, S, D); state (L, B, D)
        tgt_in = batch.tgt_in  # (B, T): <s> y_1 .. y_m <pad> ..
        y_prev = tgt_in[:, 0]  # (B,) y_0 = <s>
        s_all, ctx_all, alphas = [], [], []  # T entries of (B, D), (B, D), (B, S)
        for t in range(tgt_in.size(1)):
            step = self.decoder.advance(y_prev, state, enc)
            state = step.state
            s_all.append(step.s)
            ctx_all.append(step.context)
            if step.alpha is not None:
                alphas.append(step.alpha)
            if t + 1 < tgt_in.size(1):
                y_prev = tgt_in[:, t + 1]  # (B,) teacher forcing: the true y_t
                if teacher_forcing < 1.0:
                    own = self.decoder.logits(step.s, step.context).argmax(-1)  # (B,) the model's own y_t
                    use_own = torch.rand(y_prev.shape, generator=generator) >= teacher_forcing  # (B,)
                    y_prev = torch.where(use_own.to(y_prev.device), own, y_prev)
        # the output layer once for all steps: one large matmul instead of T small ones
        logits = self.decoder.logits(torch.stack(s_all, 1), torch.stack(ctx_all, 1))  # (B, T, V)
        return logits, (torch.stack(alphas, 1) if alphas else None)  # α (B, T, S)


@contextmanager
def eval_mode(model: nn.Module) -> Iterator[nn.Module]:
    """``model.eval()`` for the block, then the mode it was in, also when the block raises.

    Every search runs under it, so decoding inside a training run (validation) leaves the
    model training, and decoding a loaded (eval-mode) model leaves it in eval mode.
    """
    was_training = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
