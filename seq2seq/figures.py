"""Figure builders: result objects in, ``plotly.graph_objects.Figure`` out.

Pure functions (no Streamlit, no model): the pages call them, tests inspect their output.

Axes over tokens are numeric (position 0..n-1) with the tokens as tick labels, because
Plotly merges equal category names: "banana" on a categorical axis would show one "a".
Sizes are chosen for a projector at the back of a lecture room.

Every figure is built in one ``go.Figure(data=..., layout=...)`` call from plain dicts:
Plotly validates each incremental ``update_*``/``add_shape`` call on its own, which made a
heatmap with outlined cells cost ~80 ms to build; built in one go it costs ~2 ms, and a page
rerun builds six figures.
"""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass, replace

import numpy as np
import plotly.graph_objects as go

from . import i18n
from .results import BeamNode, BeamTree, DecodeTrace
from .tokenizers import visible_token

FONT_SIZE = 16  # tick labels; titles are larger
FONT_FAMILY = '"Source Sans Pro", "Noto Sans CJK SC", "Noto Sans", sans-serif'  # Streamlit's face, then CJK
TITLE_SIZE = 20
ALPHA_SCALE = "Blues"  # sequential, white = 0: padding and ignored positions vanish
HIGHLIGHT = "#d62728"  # the current step, in every figure
CHOSEN = "#1f77b4"
GOLD = "#ff7f0e"  # gold alignment outlines
FORCED = "#9467bd"  # tokens imposed by a what-if
OTHER = "#9ecae1"


@dataclass(frozen=True)
class Look:
    """How a reader sees figures: the language of titles and labels (seq2seq/i18n.py) and a
    size factor (presentation mode enlarges fonts and heights)."""

    lang: str = i18n.DEFAULT
    scale: float = 1.0
    max_height: int | None = None  # pixels a figure may take at most (presentation mode: one screen)

    def t(self, key: str, **values) -> str:
        return i18n.text(key, self.lang, **values)

    def size(self, points: float) -> int:
        return round(points * self.scale)

    def height(self, points: float) -> int:
        """A figure's height: scaled, and within ``max_height``."""
        return min(self.size(points), self.max_height or 10**6)

    def fit(self, max_height: int | None) -> Look:
        """The same look for a figure that must fit in ``max_height`` pixels."""
        return replace(self, max_height=max_height)


PLAIN = Look()


def display_token(token: str) -> str:
    """A token as a Plotly label: visible, and HTML-escaped, because Plotly reads labels as
    HTML ("</s>" would close a strike-through tag and wreck the layout; "<b>" would turn bold)."""
    return html.escape(visible_token(token), quote=False)


def _layout(
    title: str, height: int, xaxis: dict | None = None, yaxis: dict | None = None, look: Look = PLAIN, **extra
) -> dict:
    """The shared look: projector-sized fonts (the pages pass theme=None, since Streamlit's chart
    theme shrinks ticks to ~11 px), a white background, the title above the plot."""
    font = {"size": look.size(FONT_SIZE)}
    return {
        "title": {
            "text": title,
            "font": {"size": look.size(TITLE_SIZE)},
            "y": 0.985,
            "yanchor": "top",
            "yref": "container",
        },
        "font": {"size": look.size(FONT_SIZE), "family": FONT_FAMILY},
        "template": "plotly_white",
        "height": look.height(height),
        "margin": {"l": 60, "r": 20, "t": 70, "b": 50},
        "plot_bgcolor": "white",
        "xaxis": {"tickfont": font, "title": {"font": font}} | (xaxis or {}),
        "yaxis": {"tickfont": font, "title": {"font": font}} | (yaxis or {}),
    } | extra


def tick_size(n_labels: int, room: int = 720, look: Look = PLAIN) -> int:
    """Font size at which ``n_labels`` token labels fit side by side in ``room`` pixels without
    overlapping: FONT_SIZE for short inputs, smaller (down to 9 px) for long ones."""
    return int(np.clip(look.size(room) // max(n_labels, 1) - 6, 9, look.size(FONT_SIZE)))


def _token_axis(tokens: list[str], title: str | None = None, room: int = 720, look: Look = PLAIN, **extra) -> dict:
    """Numeric axis labelled with tokens, every label shown, sized to fit."""
    axis = {
        "tickmode": "array",
        "tickvals": list(range(len(tokens))),
        "ticktext": [display_token(t) for t in tokens],
        "tickangle": 0,
        "tickfont": {"size": tick_size(len(tokens), room, look)},
        "showgrid": False,
        "zeroline": False,
    }
    if title:
        axis["title"] = {"text": title, "font": {"size": look.size(FONT_SIZE)}}
    return axis | extra


def _outline(x0: float, x1: float, y0: float, y1: float, color: str, width: int = 3, dash: str = "solid") -> dict:
    return {
        "type": "rect", "x0": x0, "x1": x1, "y0": y0, "y1": y1,
        "line": {"color": color, "width": width, "dash": dash}, "fillcolor": "rgba(0,0,0,0)",
    }  # fmt: skip


def alignment_heatmap(
    alpha,
    source_tokens: list[str],
    target_tokens: list[str],
    step: int | None = None,
    gold: set[tuple[int, int]] | None = None,
    title: str | None = None,
    look: Look = PLAIN,
) -> go.Figure:
    """α as a heatmap: row t = output token y_t, column i = source token x_i, cell = α_{t,i}.

    :param step: 1-based step whose row is outlined, or None
    :param gold: (t, i) cells of the gold alignment (0-based), outlined with dots
    :param title: the figure's title (default: what the axes are)
    """
    alpha = np.asarray(alpha, dtype=float)
    src, out = source_tokens, target_tokens
    hover = [[(display_token(y), t + 1, display_token(x), i + 1) for i, x in enumerate(src)] for t, y in enumerate(out)]
    heat = {
        "type": "heatmap",
        "z": alpha,
        "x": list(range(len(src))),
        "y": list(range(len(out))),
        "zmin": 0.0,
        "zmax": 1.0,
        "colorscale": ALPHA_SCALE,
        "colorbar": {"title": {"text": "α"}, "thickness": 18},
        "customdata": hover,
        "hovertemplate": "y<sub>%{customdata[1]}</sub> = %{customdata[0]}<br>"
        "x<sub>%{customdata[3]}</sub> = %{customdata[2]}<br>"
        "α<sub>%{customdata[1]},%{customdata[3]}</sub> = %{z:.3f}<extra></extra>",
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
    layout = _layout(
        title or look.t("fig.heatmap.title"),
        int(np.clip(150 + 34 * len(out), 320, 1500)),
        xaxis=_token_axis(src, side="top", look=look),
        yaxis=_token_axis(out, look.t("fig.output_yt"), autorange="reversed", look=look),
        shapes=shapes,
        look=look,
    )
    layout["margin"] = layout["margin"] | {"t": 100}  # room for the title above the top axis
    return go.Figure(data=[heat], layout=layout)


def attention_heatmap(
    trace: DecodeTrace, step: int | None = None, gold: set[tuple[int, int]] | None = None, look: Look = PLAIN
):
    """The whole alignment of a decode (see ``alignment_heatmap``)."""
    alpha = trace.attention_matrix()
    if alpha is None:
        raise ValueError("a vanilla decoder has no attention to draw")
    return alignment_heatmap(alpha, trace.source_tokens, trace.output_tokens, step, gold, look=look)


def alpha_bars(trace: DecodeTrace, step: int, look: Look = PLAIN) -> go.Figure:
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
    token = display_token(trace.steps[step - 1].token)
    layout = _layout(
        look.t("fig.alpha_bars.title", t=step, token=token),
        320,
        xaxis=_token_axis(src, look.t("fig.source_xi"), room=480, look=look),
        yaxis={"title": {"text": "α"}, "range": [0, 1.05]},
        look=look,
    )
    return go.Figure(data=[bars], layout=layout)


def energy_bars(trace: DecodeTrace, step: int, look: Look = PLAIN) -> go.Figure:
    """The two rows of attention at one (1-based) step, over the source tokens: the scores
    e_{t,i} (a line, left axis) and their softmax α_{t,i} (bars, right axis, 0 to 1)."""
    s = trace.steps[step - 1]
    if s.alpha is None or s.energies is None:
        raise ValueError("a vanilla decoder has no attention to draw")
    src = trace.source_tokens
    custom = [[display_token(t), i + 1] for i, t in enumerate(src)]
    alpha_hover = f"α<sub>{step},%{{customdata[1]}}</sub> = %{{y:.3f}}<extra></extra>"
    energy_hover = f"e<sub>{step},%{{customdata[1]}}</sub> = %{{y:.3f}}<extra></extra>"
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
        xaxis=_token_axis(src, look.t("fig.source_xi"), room=600, look=look),
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
    )
    return go.Figure(data=data, layout=layout)


def topk_bars(trace: DecodeTrace, step: int, look: Look = PLAIN) -> go.Figure:
    """p(y_t | y_<t, x) of the top-k candidates at one (1-based) step; the chosen one
    highlighted (purple when a what-if forced it)."""
    s = trace.steps[step - 1]
    labels = [c.token for c in s.top_k]
    bars = {
        "type": "bar",
        "orientation": "h",
        "x": [c.prob for c in s.top_k],
        "y": list(range(len(labels))),
        "marker": {"color": [(FORCED if s.forced else CHOSEN) if c.token_id == s.token_id else OTHER for c in s.top_k]},
        "text": [f"{c.prob:.3f}" for c in s.top_k],
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": [display_token(t) for t in labels],
        "hovertemplate": "p(y<sub>t</sub> = %{customdata}) = %{x:.4f}<extra></extra>",
    }
    layout = _layout(
        look.t("fig.topk.title", k=len(labels), t=step),
        320,
        xaxis={"title": {"text": look.t("fig.probability")}, "range": [0, 1.15]},
        yaxis=_token_axis(labels, autorange="reversed", tickfont={"size": look.size(FONT_SIZE)}, look=look),
        look=look,
    )
    return go.Figure(data=[bars], layout=layout)


def context_strip(trace: DecodeTrace, current: int | None = None, look: Look = PLAIN) -> go.Figure:
    """The context vector the decoder read at every step, one row per step, one column per unit.

    For a vanilla decoder every row is the same fixed c = h_T (the sameness is the point); for
    attention each row is that step's c_t. ``current`` (1-based) is outlined.
    """
    z = np.array([s.context for s in trace.steps])
    limit = float(np.abs(z).max()) or 1.0
    name = "c<sub>t</sub>" if trace.has_attention else "c"
    heat = {
        "type": "heatmap",
        "z": z,
        "y": list(range(len(trace.steps))),
        "zmin": -limit,
        "zmax": limit,
        "colorscale": "RdBu",
        "colorbar": {"title": {"text": look.t("fig.value")}, "thickness": 14},
        "hovertemplate": look.t("fig.context.hover") + "<extra></extra>",
    }
    labels = [f"t={t} {display_token(s.token)}" for t, s in enumerate(trace.steps, start=1)]
    shapes = []
    if current is not None and 1 <= current <= len(trace.steps):
        shapes.append(_outline(-0.5, z.shape[1] - 0.5, current - 1.5, current - 0.5, HIGHLIGHT))
    same = not trace.has_attention or bool(np.allclose(z, z[0]))
    note = look.t("fig.context.same") if same else ""
    layout = _layout(
        look.t("fig.context.title", name=name, note=note),
        int(np.clip(140 + 24 * len(trace.steps), 220, 900)),
        xaxis={"title": {"text": look.t("fig.context.units", n=z.shape[1], name=name)}, "showgrid": False},
        yaxis={
            "tickmode": "array",
            "tickvals": list(range(len(labels))),
            "ticktext": labels,
            "autorange": "reversed",
            "tickfont": {"size": tick_size(len(labels), 500, look)},
        },
        shapes=shapes,
        look=look,
    )
    return go.Figure(data=[heat], layout=layout)


def attention_flow(trace: DecodeTrace, step: int, look: Look = PLAIN) -> go.Figure:
    """The lecture notes' picture of attention at one (1-based) step.

    Source tokens x_i in a row at the top, output tokens y_t in a row at the bottom, and a
    line from every source token to the current output token whose width and opacity follow
    α_{t,i}: bold where the decoder looks, faint where it does not. Tokens already emitted are
    dark, the current one red, the ones still to come grey. For a vanilla decoder every source
    token feeds the one vector c (the bottleneck), and c alone feeds the step.
    """
    src, out = trace.source_tokens, trace.output_tokens
    width = max(len(src), len(out), 2) - 1
    xs_src = np.linspace(0, width, len(src)) if len(src) > 1 else np.array([width / 2])
    xs_out = np.linspace(0, width, len(out)) if len(out) > 1 else np.array([width / 2])
    target = float(xs_out[step - 1])
    alpha = trace.steps[step - 1].alpha
    data = []

    def line(x0, y0, x1, y1, weight, hover):
        data.append({
            "type": "scatter", "x": [x0, x1], "y": [y0, y1], "mode": "lines", "opacity": 0.12 + 0.88 * weight,
            "line": {"color": CHOSEN, "width": 0.8 + 11 * weight}, "hoverinfo": "text", "hovertext": hover,
            "showlegend": False,
        })  # fmt: skip

    if alpha is not None:
        for i, a in enumerate(alpha):
            line(float(xs_src[i]), 1, target, 0, a, f"α<sub>{step},{i + 1}</sub> = {a:.3f} ({display_token(src[i])})")
    else:
        c_x = width / 2
        for i in range(len(src)):
            line(float(xs_src[i]), 1, c_x, 0.5, 0.15, look.t("fig.flow.to_c"))
        line(c_x, 0.5, target, 0, 1.0, look.t("fig.flow.same_c"))
        data.append({
            "type": "scatter", "x": [c_x], "y": [0.5], "mode": "markers+text", "text": ["c"],
            "textposition": "middle right", "textfont": {"size": look.size(TITLE_SIZE)}, "hoverinfo": "skip",
            "marker": {"size": 22, "color": "white", "line": {"color": CHOSEN, "width": 3}}, "showlegend": False,
        })  # fmt: skip
    size = tick_size(max(len(src), len(out)), 520, look) + 2
    data.append({
        "type": "scatter", "x": xs_src, "y": [1] * len(src), "mode": "markers+text",
        "text": [display_token(t) for t in src], "textposition": "top center", "textfont": {"size": size},
        "marker": {"size": 9, "color": CHOSEN}, "hoverinfo": "skip", "showlegend": False,
    })  # fmt: skip
    colours = [HIGHLIGHT if t == step - 1 else ("#222" if t < step - 1 else "#bbb") for t in range(len(out))]
    data.append({
        "type": "scatter", "x": xs_out, "y": [0] * len(out), "mode": "markers+text",
        "text": [display_token(t) for t in out], "textposition": "bottom center",
        "textfont": {"size": size, "color": colours}, "marker": {"size": 9, "color": colours},
        "hoverinfo": "skip", "showlegend": False,
    })  # fmt: skip
    what = "α<sub>t,i</sub>" if alpha is not None else look.t("fig.flow.fixed_c")
    layout = _layout(
        look.t("fig.flow.title", t=step, what=what),
        340,
        xaxis={"visible": False, "range": [-0.8, width + 0.8]},
        yaxis={
            "range": [-0.45, 1.35], "tickmode": "array", "tickvals": [0, 1],
            "ticktext": [look.t("fig.flow.output_row"), look.t("fig.flow.source_row")],
            "showgrid": False, "zeroline": False,
        },
        look=look,
    )  # fmt: skip
    return go.Figure(data=data, layout=layout)


def target_probabilities(tokens: list[str], probs: list[float], title: str, look: Look = PLAIN) -> go.Figure:
    """p(y_t | y_<t, x) of each token of a target scored with teacher forcing."""
    bars = {
        "type": "bar",
        "x": list(range(len(tokens))),
        "y": probs,
        "marker": {"color": [CHOSEN if p >= 0.5 else HIGHLIGHT for p in probs]},
        "text": [f"{p:.2f}" for p in probs],
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": [display_token(t) for t in tokens],
        "hovertemplate": "p(y<sub>t</sub> = %{customdata}) = %{y:.4f}<extra></extra>",
    }
    layout = _layout(
        title,
        320,
        xaxis=_token_axis(tokens, look.t("fig.target_yt"), look=look),
        yaxis={"title": {"text": look.t("fig.probability")}, "range": [0, 1.15]},
        look=look,
    )
    return go.Figure(data=[bars], layout=layout)


BEAM_LABEL_SIZE = 14  # px at 1920 wide: readable from the back row
LABEL_ROOM_PX = 1100  # the narrowest plot width a tree is drawn in (labels planned for it never collide)


def text_width(text: str, size: float) -> float:
    """Pixels a label of ``size`` px takes: ~0.6 em per Latin character, 1 em per wide (CJK) one."""
    text = html.unescape(text)
    return size * sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)


def place_labels(boxes: list[tuple[float, float, float, float]], order: list[int]) -> list[bool]:
    """Greedy label placement: visit boxes (x centre, y centre, width, height; pixels) in
    ``order`` (most important first) and keep each that overlaps none kept before.

    Boxes are bucketed by x so that each is compared only with its neighbours.
    """
    widest = max((w for _, _, w, _ in boxes), default=1.0) or 1.0
    buckets: dict[int, list[int]] = {}
    keep = [False] * len(boxes)
    for k in order:
        x, y, w, h = boxes[k]
        if not w:
            continue
        col = int(x // widest)
        clash = any(
            abs(x - boxes[j][0]) * 2 < w + boxes[j][2] and abs(y - boxes[j][1]) * 2 < h + boxes[j][3]
            for c in (col - 1, col, col + 1)
            for j in buckets.get(c, ())
        )
        if not clash:
            keep[k] = True
            buckets.setdefault(col, []).append(k)
    return keep


def tree_layout(tree: BeamTree, show_pruned: bool = True) -> dict[int, float]:
    """y position of every drawn node: leaves one unit apart, best-scoring children on top, a
    parent centred on its children (a tidy tree, so labels of a wide beam do not collide)."""
    children: dict[int, list[BeamNode]] = {}
    for node in tree.nodes[1:]:
        if show_pruned or node.status != "pruned":
            children.setdefault(node.parent, []).append(node)
    y: dict[int, float] = {}
    next_leaf = 0.0
    stack: list[tuple[BeamNode, bool]] = [(tree.nodes[0], False)]  # iterative post-order: trees can be deep
    while stack:
        node, expanded = stack.pop()
        kids = sorted(children.get(node.id, []), key=lambda n: n.score, reverse=True)
        if not kids:
            y[node.id] = next_leaf
            next_leaf += 1
        elif expanded:
            y[node.id] = float(np.mean([y[k.id] for k in kids]))
        else:
            stack.append((node, True))
            stack.extend((k, False) for k in reversed(kids))  # best child popped (placed) first
    return y


def beam_tree(tree: BeamTree, selected: int | None = None, show_pruned: bool = True, look: Look = PLAIN) -> go.Figure:
    """The beam search tree: x = decoding step, one marker per hypothesis prefix.

    Marker colour = cumulative log-prob (colour bar); edge width = the step's probability;
    pruned candidates faded; finished hypotheses as diamonds labelled with their normalised
    score; the winning path in red; the selected node ringed. Every marker carries its node
    id as customdata, so a click selects it (``st.plotly_chart(on_select=...)``).
    """
    y = tree_layout(tree, show_pruned)
    nodes = [n for n in tree.nodes if n.id in y]
    winner_path = set()
    winners = [n for n in nodes if n.status == "winner"]
    if winners:
        winner_path = {n.id for n in tree.path(winners[0].id)} | {0}
    edges: dict[str, dict] = {}
    for node in nodes:
        if node.parent is None:
            continue
        if node.id in winner_path:
            style = ("winner", HIGHLIGHT, 4.0, 1.0)
        elif node.status == "pruned":
            style = ("pruned", "#cccccc", 1.0, 0.6)
        else:
            width = 1.0 + 2 * round(3 * float(np.exp(node.logp)))  # 4 widths by the step's probability
            style = (f"kept{width}", "#7f7f7f", width, 0.9)
        key, colour, width, opacity = style
        e = edges.setdefault(key, {"x": [], "y": [], "colour": colour, "width": width, "opacity": opacity})
        e["x"] += [node.step - 1, node.step, None]
        e["y"] += [y[node.parent], y[node.id], None]
    data = [
        {"type": "scatter", "x": e["x"], "y": e["y"], "mode": "lines", "hoverinfo": "skip", "showlegend": False,
         "line": {"color": e["colour"], "width": e["width"]}, "opacity": e["opacity"]}
        for e in edges.values()
    ]  # fmt: skip
    symbols = {"finished": "diamond", "winner": "star", "root": "square"}
    label_size = look.size(BEAM_LABEL_SIZE)
    leaves = max(y.values()) + 1
    base_height = int(np.clip(160 + 22 * leaves, 360, 900))
    height = look.height(base_height)  # pixels, as drawn
    steps = max(n.step for n in nodes) + 2  # the x range: -0.5 .. last step + 1.5
    texts = []
    for n in nodes:
        text = display_token(n.token)
        if n.status in ("finished", "winner"):
            text += f"  {n.norm_score:.2f}"
        texts.append(text)
    # Which labels to draw: the winning path first, then finished, kept and pruned nodes, each
    # only where it overlaps no label already placed (the rest show on hover).
    rank = {"winner": 0, "root": 0, "finished": 1, "kept": 2, "pruned": 3}
    order = sorted(range(len(nodes)), key=lambda k: (0 if nodes[k].id in winner_path else rank[nodes[k].status], k))
    px_x = LABEL_ROOM_PX / steps
    px_y = (height - 140) / max(leaves, 1)  # plot height without the margins, per leaf
    # a label sits on top of its marker: the box covers both, so no label hides another's node
    boxes = [
        (nodes[k].step * px_x, y[nodes[k].id] * px_y - label_size / 2, text_width(texts[k], label_size),
         label_size * 1.3 + 16)
        for k in range(len(nodes))
    ]  # fmt: skip
    shown = place_labels(boxes, order)
    labels = [text if keep else "" for text, keep in zip(texts, shown, strict=True)]
    scores = [n.score for n in nodes]
    data.append({
        "type": "scatter", "x": [n.step for n in nodes], "y": [y[n.id] for n in nodes], "mode": "markers+text",
        "text": labels, "textposition": "top center", "textfont": {"size": label_size},
        "customdata": [n.id for n in nodes],
        "marker": {
            "size": [16 if n.status in ("winner", "finished") else 11 for n in nodes],
            "symbol": [symbols.get(n.status, "circle") for n in nodes],
            "color": scores, "colorscale": "Viridis", "cmin": min(scores), "cmax": 0.0,
            "colorbar": {"title": {"text": look.t("fig.beam.colorbar")}, "thickness": 14},
            "opacity": [0.35 if n.status == "pruned" else 1.0 for n in nodes],
            "line": {"color": [HIGHLIGHT if n.id in winner_path else "white" for n in nodes], "width": 1.5},
        },
        "hovertext": [
            look.t("fig.beam.hover", step=n.step, token=display_token(n.token),
                   status=look.t(f"beam.status.{n.status}"), logp=n.logp, score=n.score, norm=n.norm_score)
            for n in nodes
        ],
        "hoverinfo": "text", "showlegend": False,
    })  # fmt: skip
    if selected in y:
        data.append({
            "type": "scatter", "x": [tree.nodes[selected].step], "y": [y[selected]], "mode": "markers",
            "marker": {"size": 26, "color": "rgba(0,0,0,0)", "line": {"color": FORCED, "width": 3}},
            "hoverinfo": "skip", "showlegend": False,
        })  # fmt: skip
    layout = _layout(
        look.t(
            "fig.beam.title",
            k=tree.width,
            pruned=sum(n.status == "pruned" for n in tree.nodes),
            hidden="" if show_pruned else look.t("fig.beam.hidden"),
            finished=sum(n.status in ("finished", "winner") for n in tree.nodes),
        ),
        base_height,
        xaxis={
            "title": {"text": look.t("fig.beam.step_axis")}, "dtick": 1,
            "range": [-0.5, max(n.step for n in nodes) + 1.5],
        },
        yaxis={"visible": False, "autorange": "reversed"},
        dragmode="pan",
        clickmode="event+select",
        look=look,
    )  # fmt: skip
    return go.Figure(data=data, layout=layout)


LINE_COLOURS = ("#2ca02c", "#9467bd", "#8c564b", "#e377c2")  # for models that are neither of the two below


def _colours(names) -> list[str]:
    """Vanilla models red and attention models blue in every chart; others from LINE_COLOURS."""
    others = iter(LINE_COLOURS * 4)
    return ["#d62728" if "vanilla" in n else "#1f77b4" if "attention" in n else next(others) for n in names]


def length_curve(
    curves: dict[str, list[dict]], trained: tuple[int, int] | None = None, look: Look = PLAIN, height: int = 420
) -> go.Figure:
    """Exact match against source length, one line per model (Bahdanau et al. 2015, Fig. 2).

    :param curves: model name -> [{"length", "exact_match", "n"}] (``analysis.accuracy_by_length``)
    :param trained: the training length range, shaded
    """
    data = []
    for (name, rows), colour in zip(curves.items(), _colours(curves), strict=True):
        label = html.escape(name)
        data.append({
            "type": "scatter", "mode": "lines+markers", "name": label,
            "x": [r["length"] for r in rows], "y": [100 * r["exact_match"] for r in rows],
            "customdata": [r["n"] for r in rows], "line": {"color": colour, "width": 3}, "marker": {"size": 7},
            "hovertemplate": f"{label}<br>" + look.t("fig.length.hover") + "<extra></extra>",
        })  # fmt: skip
    shapes, annotations = [], []
    if trained:
        shapes.append({
            "type": "rect", "xref": "x", "yref": "paper", "x0": trained[0] - 0.5, "x1": trained[1] + 0.5,
            "y0": 0, "y1": 1, "fillcolor": "rgba(0,0,0,0.06)", "line": {"width": 0}, "layer": "below",
        })  # fmt: skip
        annotations.append({
            "x": (trained[0] + trained[1]) / 2, "y": 1.0, "yanchor": "bottom", "xref": "x", "yref": "paper",
            "showarrow": False,
            "text": look.t("fig.length.trained", lo=trained[0], hi=trained[1]), "font": {"size": look.size(14)},
        })  # fmt: skip
    layout = _layout(
        look.t("fig.length.title"),
        height,
        xaxis={"title": {"text": look.t("fig.length.x")}, "dtick": 2},
        yaxis={"title": {"text": look.t("fig.length.y")}, "range": [-3, 105]},
        shapes=shapes,
        annotations=annotations,
        legend={"orientation": "h", "y": -0.25},
        look=look,
    )
    return go.Figure(data=data, layout=layout)


def training_curves(histories: dict[str, dict], metric: str = "loss", look: Look = PLAIN) -> go.Figure:
    """Training histories overlaid: ``metric`` "loss" (per step, smoothed) or "exact_match"
    (held-out, per validation)."""
    data = []
    for (name, history), colour in zip(histories.items(), _colours(histories), strict=True):
        if metric == "loss":
            steps = [s for s, _ in history.get("loss", [])]
            values = [v for _, v in history.get("loss", [])]
            window = max(1, len(values) // 50)  # a running mean: raw per-batch losses are noisy
            values = np.convolve(values, np.ones(window) / window, mode="same").tolist() if values else []
        else:
            steps = [v["step"] for v in history.get("valid", [])]
            values = [100 * v["exact_match"] for v in history.get("valid", [])]
        data.append({"type": "scatter", "mode": "lines", "name": html.escape(name), "x": steps, "y": values,
                     "line": {"color": colour, "width": 3}})  # fmt: skip
    if metric == "loss":
        title, axis = look.t("fig.loss.title"), look.t("fig.loss.y")
    else:
        title, axis = look.t("fig.accuracy.title"), "%"
    layout = _layout(
        title,
        340,
        look=look,
        xaxis={"title": {"text": look.t("fig.step_axis")}},
        yaxis={"title": {"text": axis}} | ({"type": "log", "dtick": 1} if metric == "loss" else {"range": [-3, 105]}),
        legend={"orientation": "h", "y": -0.3},
    )
    return go.Figure(data=data, layout=layout)
