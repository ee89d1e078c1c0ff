"""After the notes: the Transformer (Vaswani et al. 2017), attention without recurrence.

The notes end with two limitations of the RNN encoder-decoder: one fixed-size c (attention
answers it) and a recurrence that must run one time step after another. The Transformer
drops the recurrence. Every token's vector is updated by attention over all the others, in
parallel:

    Q = X W_Q,  K = Z W_K,  V = Z W_V                  queries from X, keys and values from Z
    A = softmax(Q Kᵀ / √d_k + M)                       (T_q, T_k): one row of weights per query
    head = A V                                         the same weighted sum as the notes'
                                                       c_t = Σ_i α_{t,i} h_i, with v_i = W_V h_i
    MultiHead(X, Z) = [head_1; …; head_H] W_O          H heads, each of size d_k = d_model / H

    encoder layer   x ← x + SelfAttention(LN(x))                    Z = X: every source token
                    x ← x + FFN(LN(x))                               FFN = W_2 ReLU(W_1 x)
    decoder layer   y ← y + MaskedSelfAttention(LN(y))              M = -∞ above the diagonal:
                                                                     position t sees y_1..y_t only
                    y ← y + CrossAttention(LN(y), encoder output)   Z = the source: this is α
                    y ← y + FFN(LN(y))
    output          p(y_t | y_<t, x) = softmax(W_y LN(y_t) + b_y)

(pre-layer-norm, which trains without a learning-rate warm-up.) Token vectors start as an
embedding plus a position vector, sinusoidal (computed: defined at every length) or learned
(one trained vector per position: untrained beyond the lengths seen in training).

The contract is the RNN models' (model.py): ``encode`` once; ``decode_step`` one step, its
state the per-layer keys and values of the prefix (a cache, so a step costs O(t), not a
re-run of the whole prefix; kept split into heads, and the step calls ``F.linear`` on the
modules' weights: at these sizes a step's time is per-operation overhead, not arithmetic);
``forward`` with teacher forcing runs all target positions at once, in parallel over time —
the point of the lecture. Every head's weights are kept:
``StepOutput.heads`` (B, L, H, S) is the cross-attention of every layer and head,
``StepOutput.alpha`` (what the figures read) is the **last layer's head average**.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import torch
from torch import nn
from torch.nn import functional as F

from seq2seq.core.model import EncoderOutput, ModelConfig, Seq2Seq, StepOutput
from seq2seq.data.batches import Batch

POSITIONS = ("sinusoidal", "learned")  # how a token's position enters its vector


@dataclass
class TransformerConfig(ModelConfig):
    """The Transformer's config (``layers`` counts encoder and decoder layers, 1-4)."""

    heads: int = 4  # attention heads per layer; d_model must be a multiple of it
    d_model: int = 64  # width of every token's vector (embeddings, attention, residual stream)
    ff_dim: int = 128  # hidden size of the position-wise feed-forward layer
    positions: str = "sinusoidal"  # sinusoidal (computed) | learned (one trained vector per position)

    def check(self) -> None:
        if self.positions not in POSITIONS:
            raise ValueError(f"unknown positions {self.positions!r}; choose from {', '.join(POSITIONS)}")
        if self.d_model % self.heads:
            raise ValueError(f"d_model ({self.d_model}) must be a multiple of heads ({self.heads})")


def sinusoids(n: int, d: int) -> torch.Tensor:
    """PE(p, 2i) = sin(p / 10000^{2i/d}), PE(p, 2i+1) = cos(p / 10000^{2i/d}); (n, d)."""
    p = torch.arange(n, dtype=torch.float32)[:, None]  # (n, 1)
    freq = torch.exp(-math.log(10000.0) * torch.arange(0, d, 2, dtype=torch.float32) / d)  # (⌈d/2⌉,)
    pe = torch.zeros(n, d)
    pe[:, 0::2] = torch.sin(p * freq)
    pe[:, 1::2] = torch.cos(p * freq)[:, : d // 2]
    return pe


class MultiHeadAttention(nn.Module):
    """softmax(QKᵀ/√d_k + M) V for H heads at once, returning every head's weights."""

    def __init__(self, d_model: int, heads: int) -> None:
        super().__init__()
        self.heads, self.d_k = heads, d_model // heads
        self.q = nn.Linear(d_model, d_model)  # W_Q (all heads side by side)
        self.k = nn.Linear(d_model, d_model)  # W_K
        self.v = nn.Linear(d_model, d_model)  # W_V
        self.o = nn.Linear(d_model, d_model)  # W_O

    def split(self, x: torch.Tensor) -> torch.Tensor:
        """(B, T, d_model) -> (B, H, T, d_k)."""
        return x.view(x.size(0), x.size(1), self.heads, self.d_k).transpose(1, 2)

    def attend(
        self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, allowed: torch.Tensor | None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Heads already split: q (B, H, Tq, d_k), k and v (B, H, Tk, d_k); ``allowed``
        broadcastable to (B, H, Tq, Tk), True where a query may look.

        :return: output (B, Tq, d_model) after W_O, weights A (B, H, Tq, Tk), scores (B, H, Tq, Tk)
        """
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.d_k)  # (B, H, Tq, Tk) QKᵀ/√d_k
        if allowed is not None:
            scores = scores.masked_fill(~allowed, float("-inf"))  # + M
        weights = torch.softmax(scores, dim=-1)  # (B, H, Tq, Tk) each row sums to 1
        heads = weights @ v  # (B, H, Tq, d_k): Σ_j A_{·,j} v_j, the weighted sum
        out = heads.transpose(1, 2).reshape(q.size(0), q.size(2), -1)  # (B, Tq, d_model) [head_1; …; head_H]
        return self.o(out), weights, scores

    def forward(
        self, x: torch.Tensor, z: torch.Tensor, allowed: torch.Tensor | None, keep_weights: bool = True
    ) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor | None]:
        """Queries from x (B, Tq, d), keys and values from z (B, Tk, d). Without
        ``keep_weights`` (training, where nobody reads them) the same softmax(QKᵀ/√d_k + M) V
        runs fused in ``F.scaled_dot_product_attention``, which never stores the (B, H, Tq, Tk)
        weights: weights and scores come back None."""
        q, k, v = self.split(self.q(x)), self.split(self.k(z)), self.split(self.v(z))
        if keep_weights:
            return self.attend(q, k, v, allowed)
        return self.fused(q, k, v, allowed), None, None

    def fused(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, allowed: torch.Tensor | None) -> torch.Tensor:
        """``attend``'s output (B, Tq, d_model) without its weights, in one fused kernel."""
        heads = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed)  # (B, H, Tq, d_k)
        return self.o(heads.transpose(1, 2).reshape(q.size(0), q.size(2), -1))


def feed_forward(d_model: int, ff_dim: int) -> nn.Sequential:
    """FFN(x) = W_2 ReLU(W_1 x + b_1) + b_2, the same at every position."""
    return nn.Sequential(nn.Linear(d_model, ff_dim), nn.ReLU(), nn.Linear(ff_dim, d_model))


class EncoderLayer(nn.Module):
    def __init__(self, cfg: TransformerConfig) -> None:
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(cfg.d_model), nn.LayerNorm(cfg.d_model)
        self.attn = MultiHeadAttention(cfg.d_model, cfg.heads)
        self.ff = feed_forward(cfg.d_model, cfg.ff_dim)

    def forward(
        self, x: torch.Tensor, allowed: torch.Tensor, keep_weights: bool = True
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """x (B, S, d); allowed (B, 1, 1, S) -> x (B, S, d), self-attention weights (B, H, S, S)
        (None without ``keep_weights``)."""
        h = self.norm1(x)
        out, weights, _ = self.attn(h, h, allowed, keep_weights)  # every source token attends to every real one
        x = x + out
        return x + self.ff(self.norm2(x)), weights


class DecoderLayer(nn.Module):
    def __init__(self, cfg: TransformerConfig) -> None:
        super().__init__()
        self.norm1, self.norm2, self.norm3 = (nn.LayerNorm(cfg.d_model) for _ in range(3))
        self.self_attn = MultiHeadAttention(cfg.d_model, cfg.heads)
        self.cross = MultiHeadAttention(cfg.d_model, cfg.heads)
        self.ff = feed_forward(cfg.d_model, cfg.ff_dim)


Linear = tuple[nn.Linear, torch.Tensor, torch.Tensor]  # the module, its weight and bias
Norm = tuple[tuple[int, ...], torch.Tensor, torch.Tensor, float]  # F.layer_norm's arguments after x


def _linear(lin: Linear, x: torch.Tensor) -> torch.Tensor:
    """``module(x)`` without nn.Module's call machinery (~10 µs a call, as much as the product at
    these sizes), unless someone hooked the module (``head_view`` reads W_Q's output and W_O's
    input with forward hooks): then the module is called, so its hooks run."""
    module, weight, bias = lin
    if module._forward_hooks or module._forward_pre_hooks:
        return module(x)
    return F.linear(x, weight, bias)


def _parts(module: nn.Module) -> Linear | Norm:
    """A Linear's or LayerNorm's tensors, read once (each ``module.weight`` is an nn.Module
    ``__getattr__``, ~1 µs: a step read some 80 of them)."""
    if isinstance(module, nn.LayerNorm):
        return module.normalized_shape, module.weight, module.bias, module.eps
    return module, module.weight, module.bias


def _version(t: torch.Tensor) -> int | None:
    return None if t.is_inference() else t._version  # (inference tensors keep no version counter)


@dataclass
class StepPlan:
    """What every ``Transformer.decode_step`` of one encoded input reuses, derived from the
    ``EncoderOutput`` and the weights at its first step and kept in ``EncoderOutput.prepared``.

    Derived per input, not cached on the model: a plan lives as long as the decode it serves,
    so training or loading new weights between two decodes can never leave a stale copy (a
    decode's encoder output already holds K and V projected with the weights of its time).
    """

    keys: torch.Tensor  # the EncoderOutput.keys it was made from (identity checked) ...
    version: int | None  # ... and their version counter (in-place changes)
    mask: torch.Tensor  # the EncoderOutput.mask it was made from (identity checked) ...
    mask_version: int | None
    grad: bool  # made with autograd recording (so gradients reach h and the weights through it)
    cross_kt: list[torch.Tensor]  # per layer (B·H, d_k, S): the cross-attention's Kᵀ, one slice per (input, head)
    cross_v: list[torch.Tensor]  # per layer (B·H, S, d_k)
    blocked: torch.Tensor  # (B·H, 1, S) True on padding: no weight there
    scale: torch.Tensor  # √d_k, 0-d
    heads: torch.Tensor  # H, 0-d
    # per decoder layer: LN_1, ([W_Q; W_K; W_V] (3d, d), its bias (3d,)) of the self-attention, its
    # W_O, LN_2, W_Q and W_O of the cross-attention, LN_3, W_1, W_2 (the modules' own tensors,
    # except the joined W_QKV, a copy: made per decode, so never older than the decode)
    layers: list[tuple]
    embed: torch.Tensor  # (V, d) token embeddings
    padding_idx: int | None  # the embedding's: <pad> gets no gradient (scheduled sampling steps through here)
    positions: torch.Tensor  # (max_positions, d) learned position vectors or sinusoids
    final: Norm  # the decoder's last LN
    out: Linear  # W_y, b_y

    @classmethod
    def make(cls, model: Transformer, enc: EncoderOutput) -> StepPlan:
        b, n = enc.keys.shape[:2]
        heads, d_k = model.cfg.heads, model.cfg.d_model // model.cfg.heads
        split = enc.keys.view(b, n, model.cfg.layers, 2, heads, d_k)  # (B, S, L, 2, H, d_k)
        layers = []
        for layer in model.dec_layers:
            sa, ca = layer.self_attn, layer.cross
            qkv = torch.cat([sa.q.weight, sa.k.weight, sa.v.weight]), torch.cat([sa.q.bias, sa.k.bias, sa.v.bias])
            parts = (layer.norm1, sa.o, layer.norm2, ca.q, ca.o, layer.norm3, layer.ff[0], layer.ff[2])
            n1, so, n2, cq, co, n3, f1, f2 = (_parts(m) for m in parts)
            layers.append((n1, qkv, so, n2, cq, co, n3, f1, f2))
        learned = model.cfg.positions == "learned"
        return cls(
            keys=enc.keys,
            version=_version(enc.keys),
            mask=enc.mask,
            mask_version=_version(enc.mask),
            grad=torch.is_grad_enabled(),
            cross_kt=[
                split[:, :, i, 0].permute(0, 2, 3, 1).reshape(b * heads, d_k, n) for i in range(model.cfg.layers)
            ],
            cross_v=[split[:, :, i, 1].transpose(1, 2).reshape(b * heads, n, d_k) for i in range(model.cfg.layers)],
            blocked=(~enc.mask)[:, None, None, :].expand(b, heads, 1, n).reshape(b * heads, 1, n),
            scale=torch.tensor(math.sqrt(d_k), dtype=enc.keys.dtype, device=enc.keys.device),
            heads=torch.tensor(float(heads), dtype=enc.keys.dtype, device=enc.keys.device),
            layers=layers,
            embed=model.embed.weight,
            padding_idx=model.embed.padding_idx,
            positions=model.positions.weight if learned else model.sinusoids,
            final=_parts(model.dec_norm),
            out=_parts(model.out),
        )

    def fits(self, enc: EncoderOutput) -> bool:
        return (
            self.keys is enc.keys
            and self.mask is enc.mask
            and self.version == _version(enc.keys)
            and self.mask_version == _version(enc.mask)
            and (self.grad or not torch.is_grad_enabled())
        )

    def index_select(self, index: torch.Tensor, source: EncoderOutput, picked: EncoderOutput) -> StepPlan | None:
        """The plan for ``picked`` = ``source.index_select(index)``: rows ``index`` of the
        per-input tensors, the same weights (None if this plan no longer fits ``source``)."""
        if not self.fits(source):
            return None
        heads = self.blocked.size(0) // source.mask.size(0)
        rows = (index[:, None] * heads + torch.arange(heads, device=index.device)).reshape(-1)  # (B'·H,)
        return replace(
            self,
            keys=picked.keys,
            version=_version(picked.keys),
            mask=picked.mask,
            mask_version=_version(picked.mask),
            cross_kt=[k.index_select(0, rows) for k in self.cross_kt],
            cross_v=[v.index_select(0, rows) for v in self.cross_v],
            blocked=self.blocked.index_select(0, rows),
        )


class Transformer(Seq2Seq):
    """Encoder-decoder Transformer with the RNN models' contract (see the module docstring).

    Decoder state: a tuple with one tensor per layer, each (2, B, H, t, d_k): that layer's
    self-attention keys (``[0]``) and values (``[1]``) of the t positions decoded so far, split
    into the H heads the step attends with (batch in dimension 1, so ``select_state`` reorders
    it for beam search like an RNN state). ``EncoderOutput``: h = the encoder's output
    (B, S, d); keys = every layer's cross-attention keys and values, projected once
    (B, S, L, 2, d); c = the mean of h over the real tokens (a Transformer has no fixed-size
    summary: shown for comparison only, the decoder never reads it); self_attention = the
    encoder's weights (B, L, H, S, S); prepared = a ``StepPlan`` made from keys at the first
    step.
    """

    def __init__(self, cfg: TransformerConfig) -> None:
        nn.Module.__init__(self)
        self.cfg = cfg
        d = cfg.d_model
        self.max_positions = 2 * cfg.max_src_len + 10  # longest output search.max_output_len allows
        self.embed = nn.Embedding(cfg.vocab_size, d, padding_idx=0)  # the target's (and the source's, when shared)
        # a source with a tokenizer of its own (TokenizerPair) has its own table
        self.src_embed = nn.Embedding(cfg.src_vocab_size, d, padding_idx=0) if cfg.src_vocab_size else None
        # the source's token vectors pass here (no weights): the attributions hook this, not the
        # shared embedding, which the decoder's tokens go through too
        self.source_tap = nn.Identity()
        if cfg.positions == "learned":
            self.positions = nn.Embedding(self.max_positions, d)  # N(0, 1): untrained rows stay noise
        else:
            self.register_buffer("sinusoids", sinusoids(self.max_positions, d), persistent=False)
        self.enc_layers = nn.ModuleList(EncoderLayer(cfg) for _ in range(cfg.layers))
        self.enc_norm = nn.LayerNorm(d)
        self.dec_layers = nn.ModuleList(DecoderLayer(cfg) for _ in range(cfg.layers))
        self.dec_norm = nn.LayerNorm(d)
        self.out = nn.Linear(d, cfg.vocab_size)  # y_t = softmax(W_y LN(y_t) + b_y)

    @property
    def device(self) -> torch.device:
        return self.embed.weight.device  # (the searches ask at every step; walking parameters() costs more)

    @property
    def source_embedding(self) -> nn.Module:
        return self.source_tap

    def source_vectors(self, src: torch.Tensor) -> torch.Tensor:
        """What ``source_embedding`` outputs for the ids src (B, S): the token embeddings (B, S, d)."""
        return self.source_tap((self.src_embed or self.embed)(src))

    def embed_at(
        self, ids: torch.Tensor, start: int = 0, tap: nn.Module | None = None, source: bool = False
    ) -> torch.Tensor:
        """Token embedding + position vector: ids (B, T) at positions start..start+T-1 -> (B, T, d);
        ``tap`` sees the token embeddings before the positions are added; ``source``: the ids
        are the source's (its own table when it has one)."""
        pos = torch.arange(start, start + ids.size(1), device=ids.device)
        table = self.positions(pos) if self.cfg.positions == "learned" else self.sinusoids[pos]  # (T, d)
        embed = (self.src_embed or self.embed) if source else self.embed
        tokens = embed(ids) if tap is None else tap(embed(ids))
        return tokens + table  # both of unit scale: N(0, 1) rows, sin/cos in [-1, 1]

    # --- the encoder, once per input -------------------------------------------------------------

    def encode(
        self, src: torch.Tensor, src_len: torch.Tensor, keep_weights: bool = True
    ) -> tuple[EncoderOutput, tuple]:
        """``keep_weights`` False (the training pass): no self-attention weights are kept
        (``EncoderOutput.self_attention`` None) and the layers run the fused kernel."""
        mask = torch.arange(src.size(1), device=src.device)[None, :] < src_len.to(src.device)[:, None]  # (B, S)
        x = self.embed_at(src, tap=self.source_tap, source=True)  # (B, S, d)
        weights = []
        for layer in self.enc_layers:
            x, w = layer(x, mask[:, None, None, :], keep_weights)  # keys limited to real tokens
            weights.append(w)
        h = self.enc_norm(x) * mask[:, :, None]  # (B, S, d), zeros on padding as the RNN's
        c = h.sum(1) / mask.sum(1, keepdim=True)  # (B, d) mean over real tokens
        keys = torch.stack([torch.stack([lay.cross.k(h), lay.cross.v(h)], 2) for lay in self.dec_layers], 2)
        empty = h.new_zeros(2, src.size(0), self.cfg.heads, 0, self.cfg.d_model // self.cfg.heads)  # no prefix yet
        state = tuple(empty for _ in self.dec_layers)  # per layer (2, B, H, 0, d_k)
        return EncoderOutput(h, mask, c, keys, torch.stack(weights, 1) if keep_weights else None), state

    # --- the decoder, one step (every search) ----------------------------------------------------

    @property
    def parallel_teacher_forcing(self) -> bool:
        return True

    def decode_step(
        self,
        y_prev: torch.Tensor,
        state: tuple,
        enc: EncoderOutput,
        alpha: torch.Tensor | None = None,
        rows: slice | None = None,
    ) -> StepOutput:
        """Position t = state's prefix length: y_{t-1} (B,) attends to the cached prefix and itself
        (nothing later exists yet, so no mask is needed), then to the source. A Transformer has
        no single α to impose (``alpha`` must be None: its family's ``imposable_alpha`` is False).

        The same arithmetic as ``MultiHeadAttention.attend`` for one query, written out on the
        modules' weights (``F.linear`` etc.: an nn.Module call costs more than these products),
        W_Q, W_K, W_V of the self-attention as one product (``StepPlan``), the cross-attention's
        keys and values split into heads once per input (``StepPlan``), the cache kept split."""
        if alpha is not None:
            raise ValueError("a Transformer has one α per head and layer: none can be imposed alone")
        plan = self.plan(enc)
        b, heads, d_k = y_prev.size(0), self.cfg.heads, self.cfg.d_model // self.cfg.heads
        n, t = b * heads, state[0].size(3)  # (batch, head) pairs: every product below is one bmm over them
        scale = plan.scale  # √d_k as a 0-d tensor: a Python float is converted to one at every use
        y = F.embedding(y_prev, plan.embed, plan.padding_idx) + plan.positions[t]  # (B, d) token + position t
        new_state, cross, selfw = [], [], []
        for i, (n1, qkv_wb, so, n2, cq, co, n3, f1, f2) in enumerate(plan.layers):
            qkv = F.linear(F.layer_norm(y, *n1), *qkv_wb).view(b, 3, heads, 1, d_k).transpose(0, 1)  # (3, B, H, 1, d_k)
            kv = torch.cat([state[i], qkv[1:]], 3)  # (2, B, H, t+1, d_k): the prefix and y_{t-1}
            new_state.append(kv)
            k, v = kv.view(2, n, t + 1, d_k).unbind(0)  # (B·H, t+1, d_k) each
            w = torch.softmax(torch.bmm(qkv[0].reshape(n, 1, d_k), k.transpose(1, 2)).div_(scale), -1)  # (B·H, 1, t+1)
            y = y + _linear(so, torch.bmm(w, v).view(b, -1))  # [head_1; …; head_H] W_O
            q = _linear(cq, F.layer_norm(y, *n2)).view(n, 1, d_k)
            scores = torch.bmm(q, plan.cross_kt[i]).div_(scale).masked_fill_(plan.blocked, -math.inf)  # (B·H, 1, S)
            w_cross = torch.softmax(scores, -1)
            out = _linear(co, torch.bmm(w_cross, plan.cross_v[i]).view(b, -1))  # (B, d)
            y = y + out
            y = y + _linear(f2, F.relu(_linear(f1, F.layer_norm(y, *n3))))
            selfw.append(w)
            cross.append(w_cross)
        s = F.layer_norm(y, *plan.final)  # (B, d)
        heads_w = torch.stack(cross).view(len(cross), b, heads, -1).transpose(0, 1)  # (B, L, H, S)
        # the head means below as sum / H: what mean() computes, without its scalar conversion
        energies = scores.view(b, heads, -1).sum(1).div_(plan.heads)  # (B, S), -inf on padding (every head's is)
        return StepOutput(
            s=s,
            state=tuple(new_state),
            context=out,  # (B, d) the last layer's cross-attention output (after W_O)
            alpha=w_cross.view(b, heads, -1).sum(1).div_(plan.heads),  # (B, S) the last layer's head average
            energies=energies,  # the head average of the last layer's QKᵀ/√d_k
            logits=_linear(plan.out, s if rows is None else s[rows]),  # (B, V) or (rows, V)
            heads=heads_w,
            self_heads=torch.stack(selfw).view(len(selfw), b, heads, t + 1).transpose(0, 1),  # (B, L, H, t+1)
        )

    def plan(self, enc: EncoderOutput) -> StepPlan:
        """``enc.prepared`` if it was made from ``enc.keys`` as they are now (same tensor, not
        modified in place since) in a compatible grad mode; otherwise a new one, kept there."""
        plan = enc.prepared
        if not (isinstance(plan, StepPlan) and plan.fits(enc)):
            plan = enc.prepared = StepPlan.make(self, enc)
        return plan

    # --- training: all target positions at once ------------------------------------------------

    def forward(
        self, batch: Batch, teacher_forcing: float = 1.0, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Training pass. With full teacher forcing (the default) every target position is
        computed in one pass, the causal mask keeping position t from seeing y_t and later —
        no loop over time. With ``teacher_forcing`` < 1 the model's own previous token must be
        known before the next step, so it decodes step by step (as inference does).

        :return: logits (B, T, V) and α (B, T, S), the last layer's head average
        """
        enc, state = self.encode(batch.src, batch.src_len, keep_weights=False)  # nobody reads them here
        tgt_in = batch.tgt_in  # (B, T)
        if teacher_forcing < 1.0:
            return self._forward_stepwise(enc, state, tgt_in, teacher_forcing, generator)
        logits, last = self.teacher_forced(enc, tgt_in)
        return logits, last.mean(1)  # (B, T, V), (B, T, S)

    def teacher_forced(self, enc: EncoderOutput, tgt_in: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """logits (B, T, V) and the last layer's cross-attention, every head (B, H, T, S): the
        α that ``forward`` returns."""
        s, last = self._decoder_states(enc, tgt_in)
        return self.out(s), last

    def forced_states(self, batch: Batch) -> tuple[EncoderOutput, torch.Tensor, torch.Tensor]:
        """The RNN models' ``forced_states``: s (B, T, d) = LN(y_t) of the last decoder layer (what
        W_y reads, as ``decode_step``'s s) and α (B, T, S), the last layer's head average."""
        enc, _ = self.encode(batch.src, batch.src_len)
        s, last = self._decoder_states(enc, batch.tgt_in)
        return enc, s, last.mean(1)

    def _decoder_states(self, enc: EncoderOutput, tgt_in: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Every target position at once: s (B, T, d) and the last layer's cross-attention
        (B, H, T, S). The layers' self-attention and the cross-attention of the layers below run
        fused (``MultiHeadAttention.fused``), keeping no weights (what made a step at 256 tokens
        several times slower: the (B, H, T, T) tensors written and read by the explicit softmax,
        its mask and its backward)."""
        n = tgt_in.size(1)
        causal = torch.ones(n, n, dtype=torch.bool, device=tgt_in.device).tril()  # (T, T) j <= t
        src = enc.mask[:, None, None, :]  # (B, 1, 1, S)
        y = self.embed_at(tgt_in)  # (B, T, d)
        for i, layer in enumerate(self.dec_layers):
            h = layer.norm1(y)
            y = y + layer.self_attn(h, h, causal, keep_weights=False)[0]  # fused: its weights are not returned
            ca = layer.cross
            ek, ev = enc.keys[:, :, i, 0], enc.keys[:, :, i, 1]
            q, k, v = ca.split(ca.q(layer.norm2(y))), ca.split(ek), ca.split(ev)
            if i == len(self.dec_layers) - 1:  # the last layer's weights are α
                out, last, _ = ca.attend(q, k, v, src)  # (B, H, T, S)
            else:
                out = ca.fused(q, k, v, src)
            y = y + out
            y = y + layer.ff(layer.norm3(y))
        return self.dec_norm(y), last

    def _forward_stepwise(self, enc, state, tgt_in, teacher_forcing, generator):
        y_prev, logits, alphas = tgt_in[:, 0], [], []
        for t in range(tgt_in.size(1)):
            step = self.decode_step(y_prev, state, enc)
            state = step.state
            logits.append(step.logits)
            alphas.append(step.alpha)
            if t + 1 < tgt_in.size(1):
                y_prev = tgt_in[:, t + 1]
                use_own = torch.rand(y_prev.shape, generator=generator) >= teacher_forcing  # (B,)
                y_prev = torch.where(use_own.to(y_prev.device), step.logits.argmax(-1), y_prev)
        return torch.stack(logits, 1), torch.stack(alphas, 1)
