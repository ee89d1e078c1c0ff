"""Attributions beside α (``analysis.attribution``, duck-typed): each method's scores on α's axes,
every method's scores at one step, α against an adversarial α̃, and Jain & Wallace's
peakedness-against-effect scatter."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from seq2seq.figures.attention import alignment_heatmap
from seq2seq.figures.look import CHOSEN, HALF, HIGHLIGHT, PLAIN, Look, _layout, _token_axis, display_token, figure

METHOD_COLOURS = {
    "alpha": CHOSEN, "saliency": "#2ca02c", "grad-input": "#8c564b", "ig": "#d62728", "occlusion": "#9467bd",
}  # fmt: skip


def row_normalised(importance) -> np.ndarray:
    """A method's importance per step (``Attributions.importance``: |score| for gradient methods,
    the drop for occlusion) scaled to [0, 1] by its row's largest value (negative: 0), so every
    method shares α's colour scale."""
    imp = np.clip(np.asarray(importance, dtype=float), 0.0, None)
    top = imp.max(axis=1, keepdims=True)
    return np.divide(imp, top, out=np.zeros_like(imp), where=top > 0)


def attribution_heatmap(
    attributions,
    method: str,
    step: int | None = None,
    look: Look = PLAIN,
    width: int = HALF,
    max_height: int | None = None,
) -> go.Figure:
    """One method's scores on α's axes (row t = y_t, column i = x_i), each row scaled to [0, 1];
    α itself is drawn as it is. Gold links (when the output is the task's answer) dotted."""
    z = attributions.matrix(method) if method == "alpha" else row_normalised(attributions.importance(method))
    name = look.t(f"explain.method.{method}")
    fig = alignment_heatmap(
        z,
        attributions.source_tokens,
        attributions.output_tokens,
        step,
        set(map(tuple, attributions.gold or ())),
        title=look.t("fig.attr_heatmap.title", method=name),
        look=look.fit(max_height),
        width=width,
        label="α" if method == "alpha" else look.t("fig.attr_heatmap.label"),
    )
    trusted = attributions.trusted(method) if hasattr(attributions, "trusted") else []
    hatch_rows(fig, [t for t, ok in enumerate(trusted) if not ok], len(attributions.source_tokens), look)
    return fig


HATCH = "#444444"  # the hatching over a row that is not to be trusted


def hatch_rows(fig: go.Figure, rows: list[int], n_columns: int, look: Look = PLAIN) -> None:
    """Hatch the heatmap rows ``rows`` (0-based, y = row index, x = column index) with diagonal
    lines and put a ⚠ right of each: integrated gradients that do not add up at that step."""
    for t in rows:
        top, bottom = t - 0.5, t + 0.5
        lines = []
        x = -0.5 - 1.0
        while x < n_columns - 0.5:
            x0, x1 = max(x, -0.5), min(x + 1.0, n_columns - 0.5)  # a 45° line clipped to the row
            lines.append(f"M {x0},{bottom - (x0 - x)} L {x1},{bottom - (x1 - x)}")
            x += 0.5
        fig.add_shape(type="path", path=" ".join(lines), line={"color": HATCH, "width": 1.5}, layer="above")
        fig.add_shape(type="rect", x0=-0.5, x1=n_columns - 0.5, y0=top, y1=bottom,
                      line={"color": HATCH, "width": 2, "dash": "dot"}, layer="above")  # fmt: skip
        fig.add_annotation(x=1.0, xref="paper", xanchor="left", xshift=2, y=t, yref="y", text="⚠",
                           showarrow=False, font={"size": look.size(16), "color": "#b00020"},
                           hovertext=look.t("fig.attr_heatmap.not_converged"))  # fmt: skip


def head_heatmap(
    attributions, layer: int, head: int | None, step: int | None = None, look: Look = PLAIN, width: int = HALF
) -> go.Figure:
    """One cross-attention head of a multi-head model (``attributions.heads``, 1-based layer and
    head; head None: the layer's average), on the attributions' axes."""
    weights = np.asarray(attributions.heads, dtype=float)[layer - 1]
    z = weights.mean(0) if head is None else weights[head - 1]
    which = (
        look.t("fig.head_map.average", layer=layer)
        if head is None
        else look.t("fig.head_map.one", layer=layer, head=head)
    )
    return alignment_heatmap(
        z,
        attributions.source_tokens,
        attributions.output_tokens,
        step,
        set(map(tuple, attributions.gold or ())),
        title=look.t("fig.head_map.title", which=which),
        look=look,
        width=width,
        label="α",
    )


def attribution_bars(attributions, step: int, look: Look = PLAIN, width: int = HALF) -> go.Figure:
    """Every method's (row-scaled) score over the source tokens at one (1-based) step, grouped."""
    src = attributions.source_tokens
    data = []
    for method in attributions.methods:
        row = attributions.matrix(method)[step - 1]
        y = row if method == "alpha" else row_normalised(attributions.importance(method))[step - 1]
        name = look.t(f"explain.method.{method}")
        data.append({
            "type": "bar", "name": name, "x": list(range(len(src))), "y": y.tolist(),
            "marker": {"color": METHOD_COLOURS[method]},
            "customdata": [[display_token(t), float(v)] for t, v in zip(src, row, strict=True)],
            "hovertemplate": f"{name}<br>x = %{{customdata[0]}}<br>%{{customdata[1]:.4f}}<extra></extra>",
        })  # fmt: skip
    token = display_token(attributions.output_tokens[step - 1])
    layout = _layout(
        look.t("fig.attr_bars.title", t=step, token=token),
        340,
        xaxis=_token_axis(src, look.t("fig.source_xi"), room=width - 100, look=look),
        yaxis={"title": {"text": look.t("fig.attr_heatmap.label")}, "range": [0, 1.05]},
        barmode="group",
        legend={"orientation": "h", "y": -0.3},
        look=look,
        width=width,
    )
    return figure(data, layout)


def adversarial_bars(source_tokens: list[str], adv_step, look: Look = PLAIN, width: int = HALF) -> go.Figure:
    """The model's α_t beside the adversarial α̃_t (``attribution.AdversarialStep``): as far from
    α_t as found (JSD) while p(y_t) moved at most ε, over the source tokens."""
    src = [display_token(tok) for tok in source_tokens]
    step = adv_step.step
    data = [
        {"type": "bar", "x": list(range(len(src))), "y": values, "name": name, "marker": {"color": colour},
         "customdata": src, "hovertemplate": f"{name}<br>x = %{{customdata}}<br>%{{y:.3f}}<extra></extra>"}
        for values, name, colour in (
            (adv_step.alpha, look.t("fig.adversarial.alpha", t=step), METHOD_COLOURS["alpha"]),
            (adv_step.adversarial, look.t("fig.adversarial.tilde", t=step), HIGHLIGHT),
        )
    ]  # fmt: skip
    layout = _layout(
        look.t("fig.adversarial.title", t=step, jsd=adv_step.jsd, tvd=adv_step.tvd),
        320,
        xaxis=_token_axis(source_tokens, look.t("fig.source_xi"), room=width - 100, look=look),
        yaxis={"title": {"text": "α"}, "range": [0, 1.05]},
        barmode="group",
        legend={"orientation": "h", "y": -0.3},
        look=look,
        width=width,
    )
    return figure(data, layout)


def faithfulness_scatter(points: list[tuple[float, float]], look: Look = PLAIN, width: int = HALF) -> go.Figure:
    """Jain & Wallace's picture: per decoder step, how peaked α_t is (max_i α_{t,i}) against how
    much p(y_t) moves when α_t is permuted (median total variation distance over the draws)."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    dots = {
        "type": "scatter", "mode": "markers", "x": list(xs), "y": list(ys),
        "marker": {"color": CHOSEN, "size": 7, "opacity": 0.5},
        "hovertemplate": "max α = %{x:.3f}<br>TVD = %{y:.3f}<extra></extra>",
    }  # fmt: skip
    layout = _layout(
        look.t("fig.faithfulness.title"),
        380,
        xaxis={"title": {"text": look.t("fig.faithfulness.x")}, "range": [0, 1.02]},
        yaxis={"title": {"text": look.t("fig.faithfulness.y")}, "range": [-0.02, 1.02]},
        look=look,
        width=width,
    )
    return figure([dots], layout)
