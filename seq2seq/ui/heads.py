"""The Transformer's heads on the Translate page: a head picker that drives the α figures,
and the small multiples of every layer × head with both self-attentions below them.

Only for a model whose family has heads (``cfg.family.heads``) (asked of ``ckpt.model.cfg``,
never of a file name); for the RNN models both functions do nothing.
"""

from __future__ import annotations

import streamlit as st

from seq2seq import figures
from seq2seq.core.checkpoint import Checkpoint
from seq2seq.core.results import DecodeTrace
from seq2seq.ui import charts, lang
from seq2seq.ui.lang import t

AVERAGE = "avg"  # the picker's default: the last layer's head average (what α means for a Transformer)


def _parse(choice: str) -> tuple[int | None, int | None]:
    """ "avg" -> (None, None); "L2" -> (1, None); "L2H3" -> (1, 2) (0-based)."""
    if choice == AVERAGE or not choice.startswith("L"):
        return None, None
    layer, _, head = choice[1:].partition("H")
    return int(layer) - 1, (int(head) - 1 if head else None)


def picker(ckpt: Checkpoint, result: DecodeTrace) -> DecodeTrace:
    """For a Transformer: a head picker (default: the last layer's head average), kept in
    ``?head=`` (e.g. L1H2) so a link reopens it; returns the trace whose α is the picked head, which every
    α figure (heatmap, bars, flow) then draws. Other models: ``result`` unchanged."""
    cfg = ckpt.model.cfg
    if not cfg.family.heads or not result.has_heads:
        return result
    options = [AVERAGE]
    for layer in range(1, cfg.layers + 1):
        options += [f"L{layer}", *(f"L{layer}H{h}" for h in range(1, cfg.heads + 1))]
    look = lang.look()
    if st.session_state.get("head") not in options:  # first visit, a link, or another model's heads
        wanted = st.query_params.get("head", AVERAGE)
        st.session_state["head"] = wanted if wanted in options else AVERAGE
    choice = st.selectbox(
        t("heads.picker"),
        options,
        key="head",
        format_func=lambda c: figures.head_label(look, *_parse(c)),
        help=t("heads.picker_help"),
    )
    # by hand, as the Lecture's score picker: the link keeps "L1H2", the picker shows it translated
    if choice == AVERAGE:
        st.query_params.pop("head", None)
    else:
        st.query_params["head"] = choice
    return result.with_head(*_parse(choice or AVERAGE))


def grid(result: DecodeTrace, step: int, name: str) -> None:
    """Below the step's pictures: every layer × head at this step, and the decoder's masked
    self-attention and the encoder's self-attention of the picked layer (and head)."""
    if not result.has_heads:
        return
    look = lang.look()
    charts.show(figures.heads_grid(result, step, look), "heads_grid", f"{name}-heads-step{step}")
    layer, head = _parse(st.session_state.get("head") or AVERAGE)
    layer = result.n_layers - 1 if layer is None else layer
    left, right = st.columns(2)
    with left:
        fig = figures.decoder_self_attention(result, layer, head, step, look)
        charts.show(fig, "self_dec", f"{name}-decoder-self-attention")
    with right:
        charts.show(figures.encoder_self_attention(result, layer, head, look), "self_enc", f"{name}-encoder-self")
    st.caption(t("heads.caption"))
