"""After the notes, the Transformer: the cross-attention of every layer × head, the decoder's
masked and the encoder's self-attention, and one head's Q, K, V at a step as numbers."""

from __future__ import annotations

import itertools

import numpy as np
import plotly.graph_objects as go
from plotly.colors import get_colorscale

from seq2seq.core.results import DecodeTrace
from seq2seq.figures.attention import alignment_heatmap
from seq2seq.figures.look import (
    ALPHA_SCALE,
    FONT_SIZE,
    HALF,
    HIGHLIGHT,
    PLAIN,
    WIDE,
    Look,
    _layout,
    _outline,
    display_token,
    figure,
    text_width,
)


def head_label(look: Look, layer: int | None, head: int | None) -> str:
    """ "layer 2, head 3" (1-based) or "layer 2, head average"; (None, None) = last layer's average."""
    if layer is None:
        return look.t("fig.heads.average_last")
    if head is None:
        return look.t("fig.heads.average", layer=layer + 1)
    return look.t("fig.heads.one", layer=layer + 1, head=head + 1)


def heads_grid(trace: DecodeTrace, step: int | None = None, look: Look = PLAIN, width: int = WIDE) -> go.Figure:
    """Small multiples: the cross-attention of every layer (rows) × head (columns), each a
    (T, S) heatmap like ``attention_heatmap``, the current step's row outlined in every panel.

    :param step: 1-based step, or None
    """
    cross = trace.cross_attention()  # (L, H, T, S)
    if cross is None:
        raise ValueError("only a multi-head model (the Transformer) has heads to draw")
    n_layers, n_heads, n_out, n_src = cross.shape
    gap_x, gap_y = 0.035, 0.09
    cell_w = (1 - gap_x * (n_heads - 1)) / n_heads
    cell_h = (1 - gap_y * (n_layers - 1)) / n_layers
    data, shapes, annotations, axes = [], [], [], {}
    small = max(9, look.size(FONT_SIZE) - 4)
    # a panel's title fits its panel: the plot is the figure less its margins and the colour bar
    panel_px = 0.95 * cell_w * (width - 60 - 20 - 90)
    labels = [head_label(look, layer, head) for layer, head in itertools.product(range(n_layers), range(n_heads))]
    widest = max(labels, key=lambda label: text_width(label, 10))
    title_size = next(
        (s for s in range(look.size(FONT_SIZE), 8, -1) if text_width(widest, s) <= panel_px), 9
    )  # fmt: skip
    for layer, head in itertools.product(range(n_layers), range(n_heads)):
        k = layer * n_heads + head + 1
        suffix = "" if k == 1 else str(k)
        x0 = head * (cell_w + gap_x)
        y1 = 1 - layer * (cell_h + gap_y)
        data.append({
            "type": "heatmap", "z": cross[layer, head], "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
            "zmin": 0.0, "zmax": 1.0, "colorscale": ALPHA_SCALE, "showscale": k == 1,
            "colorbar": {"title": {"text": "α"}, "thickness": 14},
            "xgap": 1, "ygap": 1,
            "hovertemplate": head_label(look, layer, head) + "<br>t = %{y}, i = %{x}<br>α = %{z:.3f}<extra></extra>",
        })  # fmt: skip
        first_col, last_row = head == 0, layer == n_layers - 1
        axes[f"xaxis{suffix}"] = {
            "domain": [max(0.0, x0), min(1.0, x0 + cell_w)], "anchor": f"y{suffix}", "showgrid": False,
            "zeroline": False, "tickvals": list(range(n_src)) if last_row else [],
            "ticktext": [display_token(x) for x in trace.source_tokens], "tickfont": {"size": small},
        }  # fmt: skip
        axes[f"yaxis{suffix}"] = {
            "domain": [max(0.0, y1 - cell_h), min(1.0, y1)], "anchor": f"x{suffix}", "autorange": "reversed",
            "showgrid": False, "zeroline": False, "tickvals": list(range(n_out)) if first_col else [],
            "ticktext": [display_token(y) for y in trace.output_tokens], "tickfont": {"size": small},
        }  # fmt: skip
        annotations.append({
            "text": head_label(look, layer, head), "xref": "paper", "yref": "paper", "showarrow": False,
            "x": x0 + cell_w / 2, "y": y1, "yanchor": "bottom", "font": {"size": title_size},
        })  # fmt: skip
        if step is not None and 1 <= step <= n_out:
            shapes.append(_outline(-0.5, n_src - 0.5, step - 1.5, step - 0.5, HIGHLIGHT, 2)
                          | {"xref": f"x{suffix}", "yref": f"y{suffix}"})  # fmt: skip
    panel = int(np.clip(60 + 22 * n_out, 170, 420))
    layout = _layout(
        look.t("fig.heads.title", step=step or "–"),
        60 + n_layers * panel,
        look=look,
        width=width,
        top=90,
        shapes=shapes,
        annotations=annotations,
    )
    layout.pop("xaxis"), layout.pop("yaxis")
    layout["margin"] |= {"b": 110}  # the bottom row's token labels, turned
    layout["height"] = look.height(layout["height"] + 60)
    return figure(data, layout | axes)


def decoder_self_attention(
    trace: DecodeTrace, layer: int, head: int | None = None, step: int | None = None, look: Look = PLAIN,
    width: int = HALF,
) -> go.Figure:  # fmt: skip
    """The decoder's masked self-attention of one layer (one head, or their average): row t =
    the step that produced y_t, column j = the output so far it reads (<s>, y_1, …); empty
    above the diagonal, the future the causal mask hides."""
    full = trace.decoder_self_attention()  # (L, H, T, T)
    if full is None:
        raise ValueError("only the Transformer's decoder attends to its own output")
    z = full[layer].mean(0) if head is None else full[layer, head]
    n = len(trace.steps)
    z = np.where(np.tri(n, dtype=bool), z, np.nan)  # the hidden future: blank, not a weight of 0
    keys = ["<s>", *trace.output_tokens[: n - 1]]
    title = look.t("fig.self_dec.title", which=head_label(look, layer, head))
    return alignment_heatmap(z, keys, trace.output_tokens, step, title=title, look=look, marks=trace.forcing(),
                             width=width)  # fmt: skip


def encoder_self_attention(
    trace: DecodeTrace, layer: int, head: int | None = None, look: Look = PLAIN, width: int = HALF
) -> go.Figure:
    """The encoder's self-attention of one layer (one head, or their average): row i = the
    source token whose new vector is built, column j = the source tokens it reads."""
    if trace.encoder_attention is None:
        raise ValueError("only the Transformer's encoder has self-attention")
    weights = np.asarray(trace.encoder_attention[layer], dtype=float)  # (H, S, S)
    z = weights.mean(0) if head is None else weights[head]
    title = look.t("fig.self_enc.title", which=head_label(look, layer, head))
    src = trace.source_tokens
    return alignment_heatmap(z, src, src, title=title, look=look, width=width, row_title=look.t("fig.self_enc.rows"))


SIGNED_SCALE = get_colorscale("RdBu_r")  # q, k, v entries are signed: blue below 0, red above, white at 0


def qkv_heatmaps(view, source_tokens: list[str], look: Look = PLAIN, width: int = HALF, height: int = 380) -> go.Figure:
    """One head at step t as numbers: K (row i = k_i) and V (row i = v_i) as heatmaps over the
    source tokens, with the α_{t,i} = softmax(q_t k_iᵀ/√d_k) column between them (written in
    its cells); above K the query q_t, above V the head's output Σ_i α_{t,i} v_i.

    :param view: a ``transformer.HeadView`` (duck-typed: the figures never import torch)
    """
    keys, values = np.asarray(view.keys, dtype=float), np.asarray(view.values, dtype=float)
    query, output = np.asarray(view.query, dtype=float)[None, :], np.asarray(view.output, dtype=float)[None, :]
    weights = np.asarray(view.weights, dtype=float)[:, None]
    n_src, d_k = keys.shape
    top = float(np.abs(np.concatenate([keys.ravel(), values.ravel(), query.ravel(), output.ravel()])).max()) or 1.0
    rows = list(range(n_src))
    t = view.step
    low, high = 0.7, 0.84  # K, α, V below; q_t and the output above, with their labels between
    label = {"xref": "paper", "yref": "paper", "showarrow": False, "yanchor": "bottom", "font": {"size": look.size(17)}}
    annotations = [
        label | {"text": f"q<sub>{t}</sub>", "x": 0.2, "y": 0.93},
        label | {"text": "K", "x": 0.2, "y": low},
        label | {"text": f"α<sub>{t},i</sub>", "x": 0.5, "y": low},
        label | {"text": f"Σ<sub>i</sub> α<sub>{t},i</sub> v<sub>i</sub>", "x": 0.78, "y": 0.93},
        label | {"text": "V", "x": 0.78, "y": low},
    ]
    title = look.t("fig.qkv.title", which=head_label(look, view.layer, view.head), t=t)
    layout = _layout(title, height, look=look, width=width, top=60, annotations=annotations)
    layout["margin"] |= {"b": 10, "r": 40}
    row_font = _cell_font(layout, low, n_src, look)
    signed = {"type": "heatmap", "colorscale": SIGNED_SCALE, "zmin": -top, "zmax": top, "xgap": 1, "ygap": 1}
    dims = list(range(1, d_k + 1))
    data = [
        signed | {"z": query, "x": dims, "xaxis": "x", "yaxis": "y", "showscale": False,
                  "hovertemplate": f"q<sub>{t}</sub>[%{{x}}] = %{{z:.3f}}<extra></extra>"},
        signed | {"z": keys, "x": dims, "y": rows, "xaxis": "x", "yaxis": "y2", "showscale": False,
                  "hovertemplate": "k<sub>i</sub>[%{x}], i = %{y} : %{z:.3f}<extra></extra>"},
        {"type": "heatmap", "z": weights, "y": rows, "x": [0], "xaxis": "x3", "yaxis": "y2", "zmin": 0, "zmax": 1,
         "colorscale": ALPHA_SCALE, "showscale": False, "xgap": 1, "ygap": 1,
         "text": [[f"{w:.2f}"] for w in weights[:, 0]], "texttemplate": "%{text}", "textfont": {"size": row_font},
         "hovertemplate": f"α<sub>{t},i</sub>, i = %{{y}} : %{{z:.3f}}<extra></extra>"},
        signed | {"z": output, "x": dims, "xaxis": "x4", "yaxis": "y", "showscale": False,
                  "hovertemplate": f"head<sub>{t}</sub>[%{{x}}] = %{{z:.3f}}<extra></extra>"},
        signed | {"z": values, "x": dims, "y": rows, "xaxis": "x4", "yaxis": "y2",
                  "colorbar": {"thickness": 12, "len": 0.75, "y": 0.4},
                  "hovertemplate": "v<sub>i</sub>[%{x}], i = %{y} : %{z:.3f}<extra></extra>"},
    ]  # fmt: skip
    plain = {"showgrid": False, "zeroline": False, "showticklabels": False}
    layout |= {
        "xaxis": plain | {"domain": [0.0, 0.4], "anchor": "y"},
        "yaxis": plain | {"domain": [high, 0.93], "anchor": "x"},
        "yaxis2": {"domain": [0.0, low], "anchor": "x", "autorange": "reversed", "tickvals": rows,
                   "ticktext": [display_token(x) for x in source_tokens], "tickfont": {"size": row_font},
                   "showgrid": False, "zeroline": False},
        "xaxis3": plain | {"domain": [0.44, 0.56], "anchor": "y2"},
        "xaxis4": plain | {"domain": [0.6, 0.96], "anchor": "y"},
    }  # fmt: skip
    return figure(data, layout)


def _cell_font(layout: dict, share: float, n: int, look: Look) -> int:
    """px of a label that fits one of ``n`` rows sharing ``share`` of the plot's height."""
    rows_px = (layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]) * share / max(n, 1)
    return int(np.clip(rows_px - 3, 9, look.size(FONT_SIZE)))
