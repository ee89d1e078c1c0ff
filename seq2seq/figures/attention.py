"""α and the decoder step around it: the alignment heatmap (row t = y_t, column i = x_i), the
bars of one step (α_t, e_t beside α_t, coverage, the top-k candidates), the context vectors
c / c_t of every step, and p(y_t) of a teacher-forced target."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from seq2seq.core.results import Candidate, DecodeTrace
from seq2seq.figures.look import (
    ALPHA_SCALE,
    CHOSEN,
    FONT_SIZE,
    FORCED,
    GOLD,
    HALF,
    HIGHLIGHT,
    NARROW,
    OTHER,
    PLAIN,
    VALUE_SCALE,
    Look,
    _figure_of,
    _layout,
    _outline,
    _token_axis,
    display_token,
    figure,
    fit_ticks,
    p_text,
    text_width,
    token_label,
)


def _alignment_heatmap(
    alpha,
    source_tokens: list[str],
    target_tokens: list[str],
    step: int | None = None,
    gold: set[tuple[int, int]] | None = None,
    title: str | None = None,
    look: Look = PLAIN,
    marks: list[str] | None = None,
    width: int = HALF,
    label: str = "α",
    nonzero: list[int] | None = None,
    positions: list[float] | None = None,
    window: int = 0,
    sparse: bool = False,
    row_title: str | None = None,
) -> dict:
    """α as a heatmap: row t = output token y_t, column i = source token x_i, cell = α_{t,i}.

    With ``sparse`` (sparsemax, entmax, a local window) a weight that is exactly 0 is an empty
    cell, not a faint one.

    :param step: 1-based step whose row is outlined, or None
    :param gold: (t, i) cells of the gold alignment (0-based), outlined with dots
    :param title: the figure's title (default: what the axes are)
    :param marks: per row, "forced" / "after" / "" (``DecodeTrace.forcing``): what-if rows in purple
    :param width: px the page draws the figure at (titles wrap, labels thin to fit)
    :param label: what a cell holds, in the colour bar and the hover (another score in [0, 1])
    :param nonzero: per row, the number of non-zero weights, written right of the row
    :param positions: per row, p_t of a local-p model (0-based source position): a marker, and
        with ``window`` D the window [p_t - D, p_t + D] outlined
    :param row_title: the rows' axis title (default: output y_t; self-attention rows are queries)
    """
    alpha = np.asarray(alpha, dtype=float)
    src, out = source_tokens, target_tokens
    hover = [[(display_token(y), t + 1, display_token(x), i + 1) for i, x in enumerate(src)] for t, y in enumerate(out)]
    heat = {
        "type": "heatmap",
        "z": np.where(alpha == 0, np.nan, alpha) if sparse else alpha,  # exact zeros: no cell at all
        "x": list(range(len(src))),
        "y": list(range(len(out))),
        "zmin": 0.0,
        "zmax": 1.0,
        "colorscale": ALPHA_SCALE,
        "colorbar": {"title": {"text": label}, "thickness": 18},
        "customdata": hover,
        "hovertemplate": "y<sub>%{customdata[1]}</sub> = %{customdata[0]}<br>"
        "x<sub>%{customdata[3]}</sub> = %{customdata[2]}<br>"
        + (f"{label}<sub>%{{customdata[1]}},%{{customdata[3]}}</sub>" if label == "α" else label)
        + " = %{z:.3f}<extra></extra>",
        "xgap": 1,
        "ygap": 1,
    }
    shapes = [
        _outline(i - 0.45, i + 0.45, t - 0.45, t + 0.45, GOLD, 2, "dot")
        for t, i in sorted(gold or ())
        if t < len(out) and i < len(src)
    ]
    if step is not None and 1 <= step <= len(out):
        shapes.append(_outline(-0.5, len(src) - 0.5, step - 1.5, step - 0.5, HIGHLIGHT))
    data = [heat]
    annotations = []
    if positions is not None:
        rows = [(t, p) for t, p in enumerate(positions[: len(out)]) if p is not None]
        for t, p in rows:  # the window [p_t - D, p_t + D], clipped to the source
            left, right = max(p - window, -0.5), min(p + window, len(src) - 0.5)
            shapes.append(_outline(left, right, t - 0.4, t + 0.4, GOLD, 2, "dash"))
        data.append({
            "type": "scatter", "x": [p for _, p in rows], "y": [t for t, _ in rows], "mode": "lines+markers",
            "name": "p<sub>t</sub>", "line": {"color": HIGHLIGHT, "width": 2},
            "marker": {"symbol": "diamond", "size": 9},
            "hovertemplate": "p<sub>t</sub> = %{x:.2f}<extra></extra>", "showlegend": False,
        })  # fmt: skip
    if nonzero is not None:
        annotations = [
            {"x": 1.0, "xref": "paper", "xanchor": "left", "xshift": 4, "y": t, "yref": "y", "text": f"{n}",
             "showarrow": False, "font": {"size": look.size(FONT_SIZE) - 2, "color": "#555"}}
            for t, n in enumerate(nonzero[: len(out)])
        ]  # fmt: skip
        annotations.append(
            {"x": 1.0, "xref": "paper", "xanchor": "left", "xshift": 4, "y": 1.0, "yref": "paper", "yanchor": "bottom",
             "text": look.t("fig.heatmap.nonzero"), "showarrow": False, "font": {"size": look.size(FONT_SIZE) - 2}}
        )  # fmt: skip
        heat["colorbar"] = heat["colorbar"] | {"x": 1.08}
    height = int(np.clip(150 + 34 * len(out), 320, 1500))
    row_labels = max((text_width(display_token(y), look.size(FONT_SIZE)) for y in out), default=0)
    layout = _layout(
        title or look.t("fig.heatmap.title"),
        height,
        xaxis=_token_axis(src, side="top", room=width - 150 - row_labels, look=look),
        yaxis=_token_axis(
            out, row_title or look.t("fig.output_yt"), room=look.size(height) - 150, look=look, marks=marks, along="y",
            autorange="reversed",
        ),
        shapes=shapes,
        look=look,
        width=width,
        top=100,  # room for the title above the top axis
    )  # fmt: skip
    if annotations:
        layout["annotations"] = annotations
    return {"data": data, "layout": layout}


alignment_heatmap = _figure_of(_alignment_heatmap)


def _attention_heatmap(
    trace: DecodeTrace,
    step: int | None = None,
    gold: set[tuple[int, int]] | None = None,
    look: Look = PLAIN,
    width: int = HALF,
):
    """The whole alignment of a decode (see ``alignment_heatmap``); what-if rows in purple."""
    alpha = trace.attention_matrix()
    if alpha is None:
        raise ValueError("a vanilla decoder has no attention to draw")
    # sparsemax / entmax / local windows (the config says so, not a softmax's underflow): count what is left
    return _alignment_heatmap(
        alpha, trace.source_tokens, trace.output_tokens, step, gold, look=look, marks=trace.forcing(), width=width,
        nonzero=trace.nonzero() if trace.sparse else None, positions=trace.positions(), window=trace.window,
        sparse=trace.sparse,
    )  # fmt: skip


attention_heatmap = _figure_of(_attention_heatmap)


def coverage_bars(trace: DecodeTrace, step: int, look: Look = PLAIN, width: int = NARROW) -> go.Figure:
    """Coverage at one (1-based) step: cov_{t,i} = Σ_{t' <= t} α_{t',i}, how much each source
    token has been attended so far (Tu et al. 2016). A bar above 1 has been read more than
    once (a repeat), a bar still near 0 late in the output has been skipped."""
    cov = trace.coverage()
    if cov is None:
        raise ValueError("a vanilla decoder has no attention to draw")
    src, row = trace.source_tokens, cov[step - 1]
    colour = [HIGHLIGHT if c > 1.2 else (GOLD if c < 0.2 else CHOSEN) for c in row]
    bars = {
        "type": "bar", "x": list(range(len(src))), "y": row.tolist(), "marker": {"color": colour},
        "customdata": [[display_token(x), i + 1] for i, x in enumerate(src)],
        "hovertemplate": f"cov<sub>{step},%{{customdata[1]}}</sub> = %{{y:.2f}}"
        "<br>x<sub>%{customdata[1]}</sub> = %{customdata[0]}<extra></extra>",
    }  # fmt: skip
    layout = _layout(
        look.t("fig.coverage.title", t=step),
        320,
        xaxis=_token_axis(src, look.t("fig.source_xi"), room=width - 100, look=look),
        yaxis={"title": {"text": "cov"}, "range": [0, max(1.5, float(row.max()) * 1.1)]},
        shapes=[{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 1, "y1": 1,
                 "line": {"color": "#888", "dash": "dot", "width": 1}}],
        look=look,
        width=width,
    )  # fmt: skip
    return figure([bars], layout)


def _alpha_bars(trace: DecodeTrace, step: int, look: Look = PLAIN, width: int = NARROW) -> dict:
    """α_t over the source tokens at one (1-based) step, as bars."""
    alpha = trace.steps[step - 1].alpha
    if alpha is None:
        raise ValueError("a vanilla decoder has no attention to draw")
    src = trace.source_tokens
    best = int(np.argmax(alpha))
    bars = {
        "type": "bar",
        "x": list(range(len(src))),
        "y": alpha,
        "marker": {"color": [HIGHLIGHT if i == best else CHOSEN for i in range(len(src))]},
        "customdata": [[display_token(t), i + 1] for i, t in enumerate(src)],
        "hovertemplate": f"α<sub>{step},%{{customdata[1]}}</sub> = %{{y:.3f}}"
        "<br>x<sub>%{customdata[1]}</sub> = %{customdata[0]}<extra></extra>",
    }
    token = token_label(trace.steps[step - 1].token, trace.forcing()[step - 1])
    layout = _layout(
        look.t("fig.alpha_bars.title", t=step, token=token),
        320,
        xaxis=_token_axis(src, look.t("fig.source_xi"), room=width - 100, look=look, first=[best]),  # its bar named
        yaxis={"title": {"text": "α"}, "range": [0, 1.05]},
        look=look,
        width=width,
    )
    return {"data": [bars], "layout": layout}


alpha_bars = _figure_of(_alpha_bars)


def energy_bars(trace: DecodeTrace, step: int, look: Look = PLAIN, width: int = HALF) -> go.Figure:
    """The two rows of attention at one (1-based) step, over the source tokens: the scores
    e_{t,i} (a line, left axis) and their softmax α_{t,i} (bars, right axis, 0 to 1)."""
    s = trace.steps[step - 1]
    if s.alpha is None or s.energies is None:
        raise ValueError("a vanilla decoder has no attention to draw")
    src = trace.source_tokens
    custom = [[display_token(t), i + 1] for i, t in enumerate(src)]
    alpha_hover = (
        f"α<sub>{step},%{{customdata[1]}}</sub> = %{{y:.3f}}<br>x<sub>%{{customdata[1]}}</sub> = "
        "%{customdata[0]}<extra></extra>"
    )
    energy_hover = (
        f"e<sub>{step},%{{customdata[1]}}</sub> = %{{y:.3f}}<br>x<sub>%{{customdata[1]}}</sub> = "
        "%{customdata[0]}<extra></extra>"
    )
    data = [
        {"type": "bar", "x": list(range(len(src))), "y": s.alpha, "name": "α", "yaxis": "y2",
         "marker": {"color": OTHER}, "customdata": custom, "hovertemplate": alpha_hover},
        {"type": "scatter", "mode": "lines+markers", "x": list(range(len(src))), "y": s.energies, "name": "e",
         "line": {"color": HIGHLIGHT, "width": 3}, "marker": {"size": 8}, "customdata": custom,
         "hovertemplate": energy_hover},
    ]  # fmt: skip
    layout = _layout(
        look.t("fig.energies.title", t=step),
        340,
        xaxis=_token_axis(src, look.t("fig.source_xi"), room=width - 160, look=look),
        yaxis={"title": {"text": look.t("fig.energies.e"), "font": {"color": HIGHLIGHT}}, "zeroline": True},
        yaxis2={
            "title": {"text": "α"},
            "overlaying": "y",
            "side": "right",
            "range": [0, 1.05],
            "showgrid": False,
            "tickmode": "linear",
            "tick0": 0,
            "dtick": 0.25,
        },
        legend={"orientation": "h", "y": -0.3},
        look=look,
        width=width,
    )
    return figure(data, layout)


def _topk_bars(trace: DecodeTrace, step: int, look: Look = PLAIN, width: int = NARROW) -> dict:
    """p(y_t | y_<t, x) of the top-k candidates at one (1-based) step; the chosen one
    highlighted, in bold purple when a what-if forced it — with a purple diamond at its p, so
    it shows even at p ≈ 0 (a token forced from outside the top k is added as a last bar)."""
    s = trace.steps[step - 1]
    cands = list(s.top_k)
    if all(c.token_id != s.token_id for c in cands):
        cands.append(Candidate(s.token, s.token_id, s.prob))
    chosen = next(i for i, c in enumerate(cands) if c.token_id == s.token_id)
    marks = ["forced" if s.forced and i == chosen else "" for i in range(len(cands))]
    colour = FORCED if s.forced else CHOSEN
    texts = [p_text(c.prob) for c in cands]
    if s.forced:
        texts[chosen] = ""  # written beside its diamond instead
    data = [{
        "type": "bar", "orientation": "h", "x": [c.prob for c in cands], "y": list(range(len(cands))),
        "marker": {"color": [colour if i == chosen else OTHER for i in range(len(cands))]},
        "text": texts, "textposition": "outside", "cliponaxis": False,
        "customdata": [display_token(c.token) for c in cands],
        "hovertemplate": "p(y<sub>t</sub> = %{customdata}) = %{x:.4f}<extra></extra>", "showlegend": False,
    }]  # fmt: skip
    if s.forced:
        hover = look.t("fig.topk.forced_hover", token=display_token(s.token)) + " p = %{x:.4f}<extra></extra>"
        data.append({
            "type": "scatter", "mode": "markers+text", "x": [cands[chosen].prob], "y": [chosen], "cliponaxis": False,
            "text": [f"<b>{p_text(cands[chosen].prob)}</b>"], "textposition": "middle right",
            "textfont": {"color": FORCED}, "marker": {"symbol": "diamond", "size": look.size(16), "color": FORCED,
            "line": {"color": "white", "width": 1}}, "hovertemplate": hover, "showlegend": False,
        })  # fmt: skip
    layout = _layout(
        look.t("fig.topk.title", k=len(s.top_k), t=step),
        320,
        xaxis={"title": {"text": look.t("fig.probability")}, "range": [-0.05, 1.2]},
        yaxis=_token_axis(
            [c.token for c in cands], room=look.size(200), look=look, marks=marks, along="y", autorange="reversed"
        ),
        look=look,
        width=width,
    )
    return {"data": data, "layout": layout}


topk_bars = _figure_of(_topk_bars)


def context_strip(trace: DecodeTrace, current: int | None = None, look: Look = PLAIN, width: int = HALF) -> go.Figure:
    """The context vector the decoder read at every step, one row per step, one column per unit.

    For a vanilla decoder every row is the same fixed c = h_T (the sameness is the point); for
    attention each row is that step's c_t. ``current`` (1-based) is outlined; what-if rows in purple.
    """
    z = np.array([s.context for s in trace.steps])
    limit = float(np.abs(z).max()) or 1.0
    name = "c<sub>t</sub>" if trace.has_attention else "c"
    labels = [
        f"t={t} {token_label(s.token, m)}" for t, (s, m) in enumerate(zip(trace.steps, trace.forcing(), strict=True), 1)
    ]
    # Rows are categories named by their labels (unique: "t=3 c"), so the hover reads a row's name
    # from the axis: a per-cell hover list (T x d strings) made this figure 163 kB of a Translate
    # step's 222 (21 x 128, measured 2026-11-27), sent, parsed and copied at every step. Values
    # to 4 decimals: a colour cell shows no more.
    heat = {
        "type": "heatmap",
        "z": np.round(z, 4),
        "y": labels,
        "zmin": -limit,
        "zmax": limit,
        "colorscale": VALUE_SCALE,
        "colorbar": {"title": {"text": look.t("fig.value")}, "thickness": 14},
        "hovertemplate": look.t("fig.context.hover") + "<extra></extra>",
    }
    shapes = []
    if current is not None and 1 <= current <= len(trace.steps):  # category i sits at i: shapes use that
        shapes.append(_outline(-0.5, z.shape[1] - 0.5, current - 1.5, current - 0.5, HIGHLIGHT))
    same = not trace.has_attention or bool(np.allclose(z, z[0]))
    note = look.t("fig.context.same") if same else ""
    height = int(np.clip(140 + 24 * len(trace.steps), 220, 900))
    ticks = fit_ticks(labels, look.size(height) - 120, look, along="y")
    ticks["tickvals"] = [labels[i] for i in ticks["tickvals"]]  # a category axis: ticks are named by category
    layout = _layout(
        look.t("fig.context.title", name=name, note=note),
        height,
        xaxis={"title": {"text": look.t("fig.context.units", n=z.shape[1], name=name)}, "showgrid": False},
        yaxis=ticks | {"autorange": "reversed", "type": "category"},
        shapes=shapes,
        look=look,
        width=width,
    )
    return figure([heat], layout)


def target_probabilities(
    tokens: list[str], probs: list[float], title: str, look: Look = PLAIN, width: int = HALF, output: bool = False
) -> go.Figure:
    """p(y_t | y_<t, x) of each token: of a target scored with teacher forcing, or (``output``)
    of the model's own output. One hue, two shades with a legend: a token the model was sure of
    (p ≥ 0.5) dark, an unsure one light — never red, which means "wrong" on the same screens."""
    x = list(range(len(tokens)))
    bars = []
    shades = ((look.t("fig.p_sure"), CHOSEN, True), (look.t("fig.p_unsure"), OTHER, False))
    for name, colour, sure in shades:
        at = [i for i in x if (probs[i] >= 0.5) == sure]
        bars.append({
            "type": "bar", "x": at, "y": [probs[i] for i in at], "name": name,
            "marker": {"color": colour, "line": {"color": CHOSEN, "width": 1}},
            "text": [f"{probs[i]:.2f}" for i in at], "textposition": "outside", "cliponaxis": False,
            "customdata": [display_token(tokens[i]) for i in at],
            "hovertemplate": "p(y<sub>t</sub> = %{customdata}) = %{y:.4f}<extra></extra>",
        })  # fmt: skip
    layout = _layout(
        title,
        320,
        xaxis=_token_axis(
            tokens, look.t("fig.output_yt") if output else look.t("fig.target_yt"), room=width - 100, look=look
        ),
        yaxis={"title": {"text": look.t("fig.probability")}, "range": [0, 1.15]},
        look=look,
        width=width,
        barmode="overlay",
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"},
    )
    return figure(bars, layout)
