"""One Transformer head's numbers at one step, for the lecture after the notes (Lecture §8)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from seq2seq.core.model import eval_mode
from seq2seq.core.search import check_sources
from seq2seq.core.transformer import Transformer
from seq2seq.data.batches import source_batch
from seq2seq.data.tokenizers import BOS, Tokenizer


@dataclass
class HeadView:
    """One head's cross-attention at decoder step t, as numbers (Lecture §7).

    The query comes from the decoder at step t, keys and values from the encoder's outputs
    h_i (the notes' encoder states): q_t = W_Q^{(h)} LN(y_t), k_i = W_K^{(h)} h_i + b_K,
    v_i = W_V^{(h)} h_i + b_V, each of size d_k. The head's output is the notes' weighted sum
    over the v_i; since the α_{t,i} sum to 1, it is also W_V^{(h)} c_t + b_V with the notes'
    c_t = Σ_i α_{t,i} h_i (``through_v``). ``output`` is what the model itself computed
    (this head's slice of the input to W_O), read from inside the model.
    """

    layer: int  # 0-based
    head: int  # 0-based
    step: int  # t, 1-based
    query: list[float]  # q_t (d_k,)
    keys: list[list[float]]  # K (S, d_k): row i = k_i
    values: list[list[float]]  # V (S, d_k): row i = v_i
    scores: list[float]  # q_t k_iᵀ / √d_k (S,)
    weights: list[float]  # α_{t,i}, the model's own softmax of the scores (S,)
    output: list[float]  # head_t (d_k,), as the model computed it
    context: list[float]  # c_t = Σ_i α_{t,i} h_i (d_model,): the notes' context vector
    through_v: list[float]  # W_V^{(h)} c_t + b_V^{(h)} (d_k,)

    @property
    def d_k(self) -> int:
        return len(self.query)

    def matrix_form(self) -> np.ndarray:
        """softmax(q_t Kᵀ / √d_k) V, recomputed here from q_t, K and V: (d_k,)."""
        q, k, v = (np.asarray(x, dtype=float) for x in (self.query, self.keys, self.values))
        e = k @ q / math.sqrt(len(q))  # (S,)
        a = np.exp(e - e.max())
        return (a / a.sum()) @ v

    def sum_form(self) -> np.ndarray:
        """Σ_i α_{t,i} v_i with the model's α: the notes' weighted sum, over values (d_k,)."""
        return np.asarray(self.weights, dtype=float) @ np.asarray(self.values, dtype=float)


@torch.no_grad()
def head_view(
    model: Transformer, tokenizer: Tokenizer, source: str, prefix: Sequence[int], layer: int, head: int
) -> HeadView:
    """Head ``head`` of decoder layer ``layer`` (0-based) at step t = len(prefix) + 1, the
    decoder fed y_1..y_{t-1} = ``prefix`` (token ids, e.g. a trace's output before step t).

    The step runs through ``decode_step`` as every search does; the query and the heads'
    output are read from inside it (forward hooks on W_Q and W_O of the layer's cross-attention).
    """
    cfg = model.cfg
    if not isinstance(model, Transformer):
        raise ValueError("only the Transformer has queries, keys and values per head")
    if not (0 <= layer < cfg.layers and 0 <= head < cfg.heads):
        raise ValueError(f"no head {head + 1} in layer {layer + 1}: the model has {cfg.layers} × {cfg.heads}")
    check_sources([source], model, tokenizer)
    cross = model.dec_layers[layer].cross
    part = slice(head * cross.d_k, (head + 1) * cross.d_k)  # this head's columns of W_Q, W_K, W_V, W_O's input
    seen: dict[str, torch.Tensor] = {}
    hooks = [
        cross.q.register_forward_hook(lambda _m, _i, out: seen.__setitem__("q", out)),  # (1, d)
        cross.o.register_forward_hook(lambda _m, inp, _o: seen.__setitem__("heads", inp[0])),  # (1, d)
    ]
    batch = source_batch([source], tokenizer).to(model.device)
    try:
        with eval_mode(model):
            enc, state = model.encode(batch.src, batch.src_len)
            y = torch.tensor([BOS], device=model.device)
            for token_id in [*prefix, None]:
                step = model.decode_step(y, state, enc)  # the hooks keep the last step's q and heads
                if token_id is not None:
                    y, state = torch.tensor([int(token_id)], device=model.device), step.state
    finally:
        for hook in hooks:
            hook.remove()
    h = enc.h[0]  # (S, d) the encoder's outputs h_i
    k, v = enc.keys[0, :, layer, 0, part], enc.keys[0, :, layer, 1, part]  # (S, d_k)
    q = seen["q"].reshape(-1)[part]  # (d_k,)
    alpha = step.heads[0, layer, head]  # (S,) the model's own weights
    c_t = alpha @ h  # (d,)
    through_v = cross.v.weight[part] @ c_t + cross.v.bias[part]  # (d_k,)
    return HeadView(
        layer=layer,
        head=head,
        step=len(prefix) + 1,
        query=q.tolist(),
        keys=k.tolist(),
        values=v.tolist(),
        scores=(k @ q / math.sqrt(cross.d_k)).tolist(),
        weights=alpha.tolist(),
        output=seen["heads"].reshape(-1)[part].tolist(),
        context=c_t.tolist(),
        through_v=through_v.tolist(),
    )
