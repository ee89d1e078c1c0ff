"""Figure builders: result objects in, ``plotly.graph_objects.Figure`` out.

Pure functions (no Streamlit, no model): the pages call them, tests inspect their output.

Axes over tokens are numeric (position 0..n-1) with the tokens as tick labels, because
Plotly merges equal category names: "banana" on a categorical axis would show one "a".
Sizes are chosen for a projector at the back of a lecture room.
"""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from .results import DecodeTrace

FONT_SIZE = 16  # tick labels; titles are larger
FONT_FAMILY = '"Source Sans Pro", "Noto Sans CJK SC", "Noto Sans", sans-serif'  # Streamlit's face, then CJK
TITLE_SIZE = 20
ALPHA_SCALE = "Blues"  # sequential, white = 0: padding and ignored positions vanish
HIGHLIGHT = "#d62728"  # the current step, in every figure
CHOSEN = "#1f77b4"
OTHER = "#9ecae1"

# Tokens that would be invisible or confusing as tick labels.
_VISIBLE = {" ": "␣", "\t": "⇥", "\n": "↵"}


def visible_token(token: str) -> str:
    """A token with spaces and control characters made visible (plain text)."""
    if token in _VISIBLE:
        return _VISIBLE[token]
    if len(token) == 1 and (ord(token) < 32 or 0x7F <= ord(token) < 0xA0):
        return f"U+{ord(token):04X}"
    return token.replace(" ", "␣")


def display_token(token: str) -> str:
    """A token as a Plotly label: visible, and HTML-escaped, because Plotly reads labels as
    HTML ("</s>" would close a strike-through tag and wreck the layout; "<b>" would turn bold)."""
    return html.escape(visible_token(token), quote=False)


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": TITLE_SIZE}, "y": 0.985, "yanchor": "top", "yref": "container"},
        font={"size": FONT_SIZE, "family": FONT_FAMILY},
        template="plotly_white",
        height=height,
        margin={"l": 60, "r": 20, "t": 70, "b": 50},
        plot_bgcolor="white",
    )
    # explicit sizes (the pages also pass theme=None: Streamlit's chart theme shrinks ticks to ~11 px)
    fig.update_xaxes(tickfont={"size": FONT_SIZE}, title_font={"size": FONT_SIZE})
    fig.update_yaxes(tickfont={"size": FONT_SIZE}, title_font={"size": FONT_SIZE})
    return fig


def _token_axis(tokens: list[str]) -> dict:
    """Numeric axis labelled with tokens; every label shown (the figure widens instead)."""
    return {
        "tickmode": "array",
        "tickvals": list(range(len(tokens))),
        "ticktext": [display_token(t) for t in tokens],
        "tickangle": 0,
        "showgrid": False,
        "zeroline": False,
    }


def attention_heatmap(trace: DecodeTrace, step: int | None = None) -> go.Figure:
    """The whole alignment: row t = output token y_t, column i = source token x_i, cell = α_{t,i}.

    :param step: 1-based step to outline (the row the page is looking at), or None
    """
    alpha = trace.attention_matrix()
    if alpha is None:
        raise ValueError("a vanilla decoder has no attention to draw")
    src, out = trace.source_tokens, trace.output_tokens
    hover = [[(display_token(y), t + 1, display_token(x), i + 1) for i, x in enumerate(src)] for t, y in enumerate(out)]
    fig = go.Figure(
        go.Heatmap(
            z=alpha,
            x=list(range(len(src))),
            y=list(range(len(out))),
            zmin=0.0,
            zmax=1.0,
            colorscale=ALPHA_SCALE,
            colorbar={"title": {"text": "α"}, "thickness": 18},
            customdata=hover,
            hovertemplate="y<sub>%{customdata[1]}</sub> = %{customdata[0]}<br>"
            "x<sub>%{customdata[3]}</sub> = %{customdata[2]}<br>"
            "α<sub>%{customdata[1]},%{customdata[3]}</sub> = %{z:.3f}<extra></extra>",
            xgap=1,
            ygap=1,
        )
    )
    if step is not None and 1 <= step <= len(out):
        fig.add_shape(
            type="rect",
            x0=-0.5,
            x1=len(src) - 0.5,
            y0=step - 1.5,
            y1=step - 0.5,
            line={"color": HIGHLIGHT, "width": 3},
            fillcolor="rgba(0,0,0,0)",
        )
    fig.update_xaxes(side="top", **_token_axis(src))
    fig.update_yaxes(title_text="output y<sub>t</sub>", autorange="reversed", **_token_axis(out))
    height = int(np.clip(150 + 34 * len(out), 320, 1500))
    title = "Attention α<sub>t,i</sub> — columns: source x<sub>i</sub>, rows: output y<sub>t</sub>"
    fig = _layout(fig, title, height)
    fig.update_layout(margin={"t": 100})  # room for the title above the top axis
    return fig


def alpha_bars(trace: DecodeTrace, step: int) -> go.Figure:
    """α_t over the source tokens at one (1-based) step, as bars."""
    alpha = trace.steps[step - 1].alpha
    if alpha is None:
        raise ValueError("a vanilla decoder has no attention to draw")
    src = trace.source_tokens
    best = int(np.argmax(alpha))
    fig = go.Figure(
        go.Bar(
            x=list(range(len(src))),
            y=alpha,
            marker_color=[HIGHLIGHT if i == best else CHOSEN for i in range(len(src))],
            customdata=[[display_token(t), i + 1] for i, t in enumerate(src)],
            hovertemplate=f"α<sub>{step},%{{customdata[1]}}</sub> = %{{y:.3f}}"
            "<br>x<sub>%{customdata[1]}</sub> = %{customdata[0]}<extra></extra>",
        )
    )
    fig.update_xaxes(title_text="source x<sub>i</sub>", **_token_axis(src))
    fig.update_yaxes(title_text="α", range=[0, 1.05])
    token = display_token(trace.steps[step - 1].token)
    return _layout(fig, f"α<sub>{step},i</sub> at step t = {step} (emitting “{token}”)", 320)


def topk_bars(trace: DecodeTrace, step: int) -> go.Figure:
    """p(y_t | y_<t, x) of the top-k candidates at one (1-based) step; the chosen one highlighted."""
    s = trace.steps[step - 1]
    labels = [display_token(c.token) for c in s.top_k]
    fig = go.Figure(
        go.Bar(
            x=[c.prob for c in s.top_k],
            y=list(range(len(labels))),
            orientation="h",
            marker_color=[CHOSEN if c.token_id == s.token_id else OTHER for c in s.top_k],
            text=[f"{c.prob:.3f}" for c in s.top_k],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="p(y<sub>t</sub> = %{customdata}) = %{x:.4f}<extra></extra>",
            customdata=labels,
        )
    )
    fig.update_yaxes(autorange="reversed", **_token_axis(labels))
    fig.update_xaxes(title_text="probability", range=[0, 1.15])
    return _layout(fig, f"Top {len(labels)} candidates for y<sub>{step}</sub>", 320)


def context_strip(trace: DecodeTrace, steps: int | list[int]) -> go.Figure:
    """The context vector(s) the decoder read, one row per (1-based) step, one column per unit.

    For a vanilla decoder every row is the same fixed c = h_T; for attention each row is c_t.
    """
    steps = [steps] if isinstance(steps, int) else list(steps)
    z = np.array([trace.steps[t - 1].context for t in steps])
    limit = float(np.abs(z).max()) or 1.0
    name = "c" if not trace.has_attention else "c<sub>t</sub>"
    fig = go.Figure(
        go.Heatmap(
            z=z,
            y=list(range(len(steps))),
            zmin=-limit,
            zmax=limit,
            colorscale="RdBu",
            colorbar={"title": {"text": "value"}, "thickness": 14},
            hovertemplate="unit %{x}: %{z:.3f}<extra></extra>",
        )
    )
    fig.update_yaxes(
        tickmode="array", tickvals=list(range(len(steps))), ticktext=[f"t={t}" for t in steps], autorange="reversed"
    )
    fig.update_xaxes(title_text=f"the {z.shape[1]} units of {name}", showgrid=False)
    height = int(np.clip(140 + 26 * len(steps), 200, 900))
    return _layout(fig, f"Context vector {name} read by the decoder", height)
