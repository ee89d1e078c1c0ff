"""The encoder-decoder of the lecture notes: an RNN encoder, and a vanilla or an attention decoder.

    encoder   h_t = RNN(x_t, h_{t-1})              t = 1..n  (+ </s>)
              c   = h_T                            the one fixed-size summary of the input
    decoder   s_0 = tanh(W_init c)
              s_t = RNN([y_{t-1}; ctx_t], s_{t-1})
              y_t = softmax(W_y [s_t; ctx_t] + b_y)

where ctx_t is the *same* c at every step for the vanilla decoder (Cho et al. 2014) and a
fresh c_t = Σ_i α_{t,i} h_i for the attention decoder (Bahdanau et al. 2015; see
``attention.py``). Everything else is shared, so comparing the two isolates exactly the
bottleneck the notes talk about. ``RNNConfig`` is the vanilla family's config,
``AttentionConfig`` adds the attention's fields (``families/vanilla.py``, ``families/attention.py``).

Luong et al. 2015 place attention after the RNN step instead (``placement="luong"``):

              s_t = RNN(y_{t-1}, s_{t-1})          (input feeding: RNN([y_{t-1}; h̃_{t-1}], s_{t-1}))
              c_t = Σ_i α_{t,i} h_i,  α from score(s_t, h_i)
              h̃_t = tanh(W_c [c_t; s_t]),  y_t = softmax(W_y h̃_t + b_y)

Without input feeding nothing in s_t depends on attention, so teacher-forced training runs
the RNN once over all target steps, attention once as a batched product and the output
layer once (``Decoder.teacher_forced``). Local-p windows, sparsemax / entmax-1.5 and
coverage are options of ``attention.Attention``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from seq2seq import limits
from seq2seq.core.attention import COVERAGE_LATEX, LOCAL_LATEX, NORM_LATEX, NORMS, SCORE_LATEX, SCORES, Attention
from seq2seq.core.model import DecoderState, EncoderOutput, ModelConfig, Seq2Seq, StepOutput
from seq2seq.data.batches import Batch

CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}
PLACEMENTS = ("bahdanau", "luong")
MAX_WINDOW = 50


@dataclass
class RNNConfig(ModelConfig):
    """An RNN encoder-decoder whose decoder reads one fixed c (the vanilla family)."""

    cell: str = "gru"  # rnn | gru | lstm, for the encoder and the decoder
    emb_dim: int = 64  # size of a token embedding
    hidden: int = 128  # encoder state size per direction
    bidirectional: bool = True  # encoder reads left-to-right and right-to-left

    def check(self) -> None:
        if self.cell not in CELLS:
            raise ValueError(f"unknown cell {self.cell!r}; choose from {', '.join(CELLS)}")
        if not isinstance(self.bidirectional, bool):
            raise ValueError(f"bidirectional must be true or false, got {self.bidirectional!r}")
        if self.layers > limits.MAX_RNN_LAYERS:
            raise ValueError(f"an RNN has 1..{limits.MAX_RNN_LAYERS} layers, got {self.layers}")

    @property
    def enc_dim(self) -> int:
        """Size of one encoder state h_i (both directions concatenated)."""
        return self.hidden * (2 if self.bidirectional else 1)


@dataclass
class AttentionConfig(RNNConfig):
    """An RNN encoder-decoder whose decoder attends: c_t = Σ_i α_{t,i} h_i at every step.
    Defaults are Bahdanau's with a softmax (what every older checkpoint is)."""

    score: str = "additive"  # attention score: dot | general | additive | scaled-dot
    placement: str = "bahdanau"  # attend from s_{t-1} before the RNN step (bahdanau) | from s_t after it (luong)
    input_feeding: bool = False  # luong only: feed h̃_{t-1} into the next step (rules out one-call training)
    attention_norm: str = "softmax"  # softmax | sparsemax | entmax15 (the last two give exact zeros)
    window: int = 0  # D of Luong's local-p attention, 1..MAX_WINDOW; 0 = global (every h_i)
    coverage: bool = False  # feed cov_t = Σ past α into the additive score (Tu et al. 2016, See et al. 2017)

    def check(self) -> None:
        super().check()
        if self.score not in SCORES:
            raise ValueError(f"unknown score {self.score!r}; choose from {', '.join(SCORES)}")
        if self.placement not in PLACEMENTS:
            raise ValueError(f"unknown placement {self.placement!r}; choose from {', '.join(PLACEMENTS)}")
        if self.attention_norm not in NORMS:
            raise ValueError(f"unknown attention_norm {self.attention_norm!r}; choose from {', '.join(NORMS)}")
        for name in ("input_feeding", "coverage"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false, got {getattr(self, name)!r}")
        if not isinstance(self.window, int) or isinstance(self.window, bool) or not 0 <= self.window <= MAX_WINDOW:
            raise ValueError(f"window must be an integer in 0..{MAX_WINDOW}, got {self.window!r}")
        if self.input_feeding and self.placement != "luong":
            raise ValueError("input_feeding is part of Luong's placement: set placement luong")
        if self.coverage and self.score != "additive":
            raise ValueError("coverage enters the additive score: use score additive with coverage")

    @property
    def variant(self) -> str:
        """The attention variant as one stable name: the score, then what differs from
        Bahdanau + softmax (e.g. "additive", "luong+general", "additive+entmax15+coverage")."""
        parts = ["luong-feed" if self.input_feeding else "luong"] if self.placement == "luong" else []
        parts.append(self.score)
        parts += [f"local{self.window}"] if self.window else []
        parts += [self.attention_norm] if self.attention_norm != "softmax" else []
        parts += ["coverage"] if self.coverage else []
        return "+".join(parts)


class Encoder(nn.Module):
    def __init__(self, cfg: RNNConfig) -> None:
        super().__init__()
        self.embed = nn.Embedding(cfg.source_vocab_size, cfg.emb_dim, padding_idx=0)
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
        if int(src_len.min()) == src.size(1):
            # no padding: packing changes no number, but its backward on a CPU zero-fills the whole
            # packed input once per time step (O(S²)); unpacked it is one stack (the attributions'
            # gradients, seq2seq/analysis/attribution.py, ran ~2x faster through the encoder)
            h, final = self.rnn(x)  # (B, S, D)
        else:
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

    def __init__(self, cfg: RNNConfig) -> None:
        super().__init__()
        d = cfg.enc_dim  # s_t has the size of h_i, so every score (dot included) applies
        att = cfg if isinstance(cfg, AttentionConfig) else None  # None: the vanilla decoder
        self.cell = cfg.cell
        self.layers = cfg.layers
        self.luong = att is not None and att.placement == "luong"
        self.input_feeding = att is not None and att.input_feeding
        self.coverage = att is not None and att.coverage
        self.embed = nn.Embedding(cfg.vocab_size, cfg.emb_dim, padding_idx=0)
        self.init = nn.Linear(d, d * cfg.layers)  # s_0 = tanh(W_init c), one per layer
        fed = d if (not self.luong or self.input_feeding) else 0  # ctx_t (Bahdanau) or h̃_{t-1} (input feeding)
        self.rnn = CELLS[cfg.cell](cfg.emb_dim + fed, d, num_layers=cfg.layers, batch_first=True)
        if self.luong:
            self.combine = nn.Linear(2 * d, d, bias=False)  # W_c: h̃_t = tanh(W_c [c_t; s_t])
            self.out = nn.Linear(d, cfg.vocab_size)  # y_t = softmax(W_y h̃_t + b_y)
        else:
            self.out = nn.Linear(2 * d, cfg.vocab_size)  # y_t = softmax(W_y [s_t; ctx_t] + b_y)
        self.attention = (
            Attention(att.score, d, d, norm=att.attention_norm, window=att.window, coverage=att.coverage)
            if att is not None
            else None
        )

    # The decoder state that searches carry is the RNN's (a tensor, or an LSTM's (h, c)),
    # followed, when the variant needs them, by h̃_{t-1} (1, B, D) and cov_t (1, B, S): every
    # part has the batch in dimension 1, so ``select_state`` follows beam hypotheses unchanged.
    def _unpack(self, state: DecoderState) -> tuple[DecoderState, torch.Tensor | None, torch.Tensor | None]:
        parts = list(state) if isinstance(state, tuple) else [state]
        cov = parts.pop()[0] if self.coverage else None  # (B, S)
        feed = parts.pop()[0] if self.input_feeding else None  # (B, D)
        return (tuple(parts) if self.cell == "lstm" else parts[0]), feed, cov

    @staticmethod
    def _pack(rnn: DecoderState, feed: torch.Tensor | None, cov: torch.Tensor | None) -> DecoderState:
        parts = list(rnn) if isinstance(rnn, tuple) else [rnn]
        parts += [x.unsqueeze(0) for x in (feed, cov) if x is not None]
        return tuple(parts) if len(parts) > 1 else parts[0]

    def init_state(self, c: torch.Tensor, mask: torch.Tensor) -> DecoderState:
        """s_0 from c: (layers, B, D); an LSTM's memory cell starts at zero; h̃_0 and cov_1 at zero."""
        s0 = torch.tanh(self.init(c))  # (B, L * D)
        s0 = s0.view(c.size(0), self.layers, -1).transpose(0, 1).contiguous()  # (L, B, D)
        rnn = (s0, torch.zeros_like(s0)) if self.cell == "lstm" else s0
        feed = torch.zeros_like(c) if self.input_feeding else None  # (B, D) h̃_0
        cov = torch.zeros(mask.shape, dtype=c.dtype, device=c.device) if self.coverage else None  # (B, S)
        return self._pack(rnn, feed, cov)

    def advance(
        self, y_prev: torch.Tensor, state: DecoderState, enc: EncoderOutput, alpha: torch.Tensor | None = None
    ) -> StepOutput:
        """Everything of one step but the output layer (training batches that over all steps).

        :param y_prev: y_{t-1} (B,) token ids
        :param alpha: (B, S) attention weights imposed instead of the model's own (attention
            decoders only; see ``Seq2Seq.decode_step``)
        :return: s_t (B, D), new state, ctx_t (B, D), α_t (B, S) | None, e_t (B, S) | None,
            p_t (B,) | None; no logits
        """
        if alpha is not None and self.attention is None:
            raise ValueError("a vanilla decoder has no attention to override")
        rnn, feed, cov = self._unpack(state)
        att = None
        if self.luong:  # s_t first, then attend from it
            x = self.embed(y_prev) if feed is None else torch.cat([self.embed(y_prev), feed], dim=1)  # (B, E [+ D])
            out, rnn = self.rnn(x.unsqueeze(1), rnn)  # out (B, 1, D): s_t = RNN(y_{t-1} [; h̃_{t-1}], s_{t-1})
            att = self.attention(out[:, 0], enc.keys, enc.h, enc.mask, cov, alpha)  # c_t (B, D), α_t (B, S)
            context = att.context
            if feed is not None:
                feed = self.attentional(out[:, 0], context)  # (B, D) h̃_t, read by the next step
        else:
            s_prev = (rnn[0] if isinstance(rnn, tuple) else rnn)[-1]  # (B, D) top layer of s_{t-1}
            if self.attention is not None:
                att = self.attention(s_prev, enc.keys, enc.h, enc.mask, cov, alpha)  # c_t, α_t (B, S), e_t (B, S)
                context = att.context
            else:
                context = enc.c  # (B, D): the same c at every step
            x = torch.cat([self.embed(y_prev), context], dim=1).unsqueeze(1)  # (B, 1, E + D)
            out, rnn = self.rnn(x, rnn)  # out (B, 1, D); state (L, B, D): s_t = RNN([y_{t-1}; ctx_t], s_{t-1})
        if cov is not None:
            cov = cov + att.alpha  # (B, S) cov_{t+1} = cov_t + α_t
        alpha, energies, position = (None, None, None) if att is None else (att.alpha, att.energies, att.position)
        return StepOutput(out[:, 0], self._pack(rnn, feed, cov), context, alpha, energies, position=position)

    @property
    def one_call(self) -> bool:
        """Teacher-forced training can run all steps at once (Luong without input feeding or coverage)."""
        return self.luong and not self.input_feeding and not self.coverage

    def teacher_forced(
        self, tgt_in: torch.Tensor, state: DecoderState, enc: EncoderOutput
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Every step of a teacher-forced pass at once (``one_call`` decoders only).

        :param tgt_in: (B, T) <s> y_1 .. y_m
        :return: logits (B, T, V), α (B, T, S)
        """
        s, _ = self.rnn(self.embed(tgt_in), state)  # (B, T, D): one RNN call, s_1 .. s_T
        att = self.attention(s, enc.keys, enc.h, enc.mask)  # c (B, T, D), α (B, T, S): one batched product
        return self.logits(s, att.context), att.alpha  # the output layer once

    # The two lines above as pages show them; ctx_t is c (vanilla) or c_t (attention).
    LATEX = (
        r"s_t = \mathrm{{RNN}}([y_{{t-1}};\, {ctx}],\, s_{{t-1}}), \qquad"
        r" y_t = \mathrm{{softmax}}(W_y [s_t;\, {ctx}] + b_y)"
    )
    # Luong's placement (input feeding adds h̃_{t-1} to the RNN's input)
    LUONG_LATEX = (
        r"s_t = \mathrm{{RNN}}({rnn_in},\, s_{{t-1}}), \quad"
        r" \tilde h_t = \tanh(W_c [c_t;\, s_t]), \quad y_t = \mathrm{{softmax}}(W_y \tilde h_t + b_y)"
    )

    def attentional(self, s: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        """Luong's attentional state h̃_t = tanh(W_c [c_t; s_t]); (B, D) or (B, T, D)."""
        return torch.tanh(self.combine(torch.cat([context, s], dim=-1)))

    def logits(self, s: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        """W_y [s_t; ctx_t] + b_y (Luong: W_y h̃_t + b_y); works on (B, D) or (B, T, D)."""
        if self.luong:
            return self.out(self.attentional(s, context))
        return self.out(torch.cat([s, context], dim=-1))


def decoder_latex(cfg: RNNConfig) -> str:
    """The decoder's step as pages show it, for this config (vanilla, Bahdanau or Luong)."""
    if not isinstance(cfg, AttentionConfig):
        return Decoder.LATEX.format(ctx="c")
    if cfg.placement == "luong":
        rnn_in = r"[y_{t-1};\, \tilde h_{t-1}]" if cfg.input_feeding else r"y_{t-1}"
        return Decoder.LUONG_LATEX.format(rnn_in=rnn_in)
    return Decoder.LATEX.format(ctx="c_t")


def attention_latex(cfg: AttentionConfig) -> list[str]:
    """The attention equations of this config's variant, one line each (score, α, c_t, and
    local-p / coverage where they apply): the Lecture's §6 shows them beside the numbers."""
    score = SCORE_LATEX[cfg.score]
    if cfg.placement == "luong":
        score = score.replace("s_{t-1}", "s_t")
    if cfg.coverage:
        score = score.replace(r"W_k h_i)", r"W_k h_i + w_c\,\mathrm{cov}_{t,i})")
    lines = [score + r", \qquad " + NORM_LATEX[cfg.attention_norm] + r", \qquad c_t = \sum_i \alpha_{t,i} h_i"]
    if cfg.window:
        local = LOCAL_LATEX.replace("D", str(cfg.window))
        lines.append(local if cfg.placement == "luong" else local.replace("s_t", "s_{t-1}"))
    if cfg.coverage:
        lines.append(COVERAGE_LATEX)
    return lines


class RNNSeq2Seq(Seq2Seq):
    """The notes' encoder-decoder: ``Encoder`` and a vanilla or attention ``Decoder``."""

    def __init__(self, cfg: RNNConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.encoder = Encoder(cfg)
        self.decoder = Decoder(cfg)

    @property
    def source_embedding(self) -> nn.Module:
        """The module whose output is the source tokens' vectors x_i, called once per forward
        pass (Captum's layer for the attributions of ``seq2seq/analysis/attribution.py``)."""
        return self.encoder.embed

    def source_vectors(self, src: torch.Tensor) -> torch.Tensor:
        """What ``source_embedding`` outputs for the ids src (B, S): the vectors x_i (B, S, E)."""
        return self.encoder.embed(src)

    @property
    def parallel_teacher_forcing(self) -> bool:
        return self.decoder.one_call

    def encode(self, src: torch.Tensor, src_len: torch.Tensor) -> tuple[EncoderOutput, DecoderState]:
        """Run the encoder once: (what the decoder reads, s_0)."""
        h, c = self.encoder(src, src_len)  # (B, S, D), (B, D)
        # (B, S) True on real tokens: the one mask attention uses, built from the lengths
        mask = torch.arange(src.size(1), device=src.device)[None, :] < src_len.to(src.device)[:, None]
        att = self.decoder.attention
        keys = att.project_keys(h) if att is not None else None  # (B, S, ·) | None
        return EncoderOutput(h, mask, c, keys), self.decoder.init_state(c, mask)

    def decode_step(
        self,
        y_prev: torch.Tensor,
        state: DecoderState,
        enc: EncoderOutput,
        alpha: torch.Tensor | None = None,
        rows: slice | None = None,
    ) -> StepOutput:
        """One decoder step for a batch of hypotheses; every search is built on this.

        ``alpha`` (B, S), when given, replaces α_t = softmax(e_t) and c_t = Σ_i α_{t,i} h_i is
        built from it; everything before the step (s_{t-1}, y_{t-1}) is unchanged. This is the
        interventions' hook (``attribution.py``: permuted, uniform, erased, hand-edited α).
        ``rows``: the output layer runs on these rows only (the attributions stop each input
        at its own step).
        """
        step = self.decoder.advance(y_prev, state, enc, alpha)
        pick = slice(None) if rows is None else rows
        step.logits = self.decoder.logits(step.s[pick], step.context[pick])  # (B, V) or (rows, V)
        return step

    def forced_states(self, batch: Batch) -> tuple[EncoderOutput, torch.Tensor, torch.Tensor | None]:
        """A fully teacher-forced pass that keeps s_t (the states view's index and axes read it):
        the encoder's output, s (B, T, D) and α (B, T, S) (None for the vanilla decoder). One
        RNN call over all steps where the decoder allows it (``Decoder.one_call``), else one
        batched step per target position; no output layer."""
        enc, state = self.encode(batch.src, batch.src_len)
        tgt_in = batch.tgt_in  # (B, T)
        dec = self.decoder
        if dec.one_call:
            s, _ = dec.rnn(dec.embed(tgt_in), state)  # (B, T, D)
            return enc, s, dec.attention(s, enc.keys, enc.h, enc.mask).alpha
        s_all, alphas = [], []  # T entries of (B, D), (B, S)
        for t in range(tgt_in.size(1)):
            step = dec.advance(tgt_in[:, t], state, enc)
            state = step.state
            s_all.append(step.s)
            if step.alpha is not None:
                alphas.append(step.alpha)
        return enc, torch.stack(s_all, 1), (torch.stack(alphas, 1) if alphas else None)

    def forward(
        self,
        batch: Batch,
        teacher_forcing: float = 1.0,
        generator: torch.Generator | None = None,
        one_call: bool = True,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Training pass over a batch.

        With probability ``teacher_forcing`` (per step and sequence) the decoder is fed the
        true y_{t-1}; otherwise its own previous argmax, as at inference time. Fully teacher
        forced, a Luong decoder without input feeding or coverage runs every step in one call
        (``Decoder.teacher_forced``) unless ``one_call`` is False (benchmarks and tests compare).

        :return: logits (B, T, V) and α (B, T, S) (None for the vanilla decoder)
        """
        enc, state = self.encode(batch.src, batch.src_len)  # enc.h (B, S, D); state (L, B, D)
        tgt_in = batch.tgt_in  # (B, T): <s> y_1 .. y_m <pad> ..
        if one_call and teacher_forcing >= 1.0 and self.decoder.one_call:
            return self.decoder.teacher_forced(tgt_in, state, enc)  # the fast path: no loop over t
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
