"""The beam search tree (``BeamTree``): every hypothesis prefix a marker at its step, kept,
pruned, finished and winning paths styled apart, labels placed where they do not collide."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from seq2seq.core.results import BeamNode, BeamTree
from seq2seq.data.tokenizers import EOS
from seq2seq.figures.look import (
    FORCED,
    HIGHLIGHT,
    MIN_LABEL,
    PLAIN,
    RANK_SCALE,
    WIDE,
    Look,
    _fit_margins,
    _layout,
    display_token,
    figure,
    text_width,
)

LABEL_ROOM_PX = 1100  # the narrowest plot width a tree is drawn in (labels planned for it never collide)
# Where a label may sit around its marker, in order of preference (Plotly's textposition values).
LABEL_POSITIONS = (
    "top center",
    "middle right",
    "middle left",
    "top right",
    "top left",
    "bottom center",
    "bottom right",
    "bottom left",
)
# A label's box as Chromium draws Plotly's text: from 1.17 font sizes above its baseline to 0.27
# below (the line box, measured), the baseline placed by Plotly's Drawing.textPointPosition.
ASCENT, DESCENT = 1.17, 0.27
LABEL_SLACK = 2.0  # px kept clear around a label besides
RING_PX = 26  # the ring around the selected node
PRUNED_ROW = 0.4  # rows a pruned leaf takes in the tidy tree (a kept or finished leaf: 1)
Box = tuple[float, float, float, float]  # left, top, right, bottom (px)


def label_box(x: float, y: float, radius: float, size: tuple[float, float], position: str) -> Box:
    """The box a label of ``size`` (width px, font size px) covers at ``position`` around a marker
    of ``radius`` px centred at (``x``, ``y``) px, as Plotly places it: ``r = radius / 0.8 + 1``
    from the centre, the baseline at y − r − 0.25·font (top), y + r + 0.75·font (bottom), y +
    0.25·font (middle). (At a projector's font, "bottom center" reaches into its own marker.)"""
    w, font = size
    r = radius / 0.8 + 1
    vertical, horizontal = position.split()
    baseline = {"top": y - r - 0.25 * font, "bottom": y + r + 0.75 * font, "middle": y + 0.25 * font}[vertical]
    left = {"center": x - w / 2, "right": x + r, "left": x - r - w}[horizontal]
    return (left, baseline - ASCENT * font, left + w, baseline + DESCENT * font)


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class _Grid:
    """Boxes in a grid of ``cell`` px, so that a box is compared only with its neighbours."""

    def __init__(self, cell: float = 40.0) -> None:
        self.cell, self.cells = cell, {}

    def _keys(self, box: Box):
        c = self.cell
        for i in range(int(box[0] // c), int(box[2] // c) + 1):
            for j in range(int(box[1] // c), int(box[3] // c) + 1):
                yield i, j

    def add(self, box: Box) -> None:
        for key in self._keys(box):
            self.cells.setdefault(key, []).append(box)

    def clashes(self, box: Box) -> bool:
        return any(overlaps(box, b) for key in self._keys(box) for b in self.cells.get(key, ()))


def place_labels(
    centres: list[tuple[float, float]],
    radii: list[float],
    sizes: list[tuple[float, float]],
    order: list[int],
) -> list[str | None]:
    """Greedy label placement: visit the labels in ``order`` (most important first) and give
    each the first of LABEL_POSITIONS where its box overlaps no marker and no label placed
    before; None where there is none (that label shows on hover only). ``centres`` and
    ``radii`` are the markers' (px), ``sizes`` the labels' (width px, font size px; width 0:
    no label).
    """
    grid = _Grid()
    for (x, y), r in zip(centres, radii, strict=True):
        grid.add((x - r, y - r, x + r, y + r))
    placed: list[str | None] = [None] * len(centres)
    for k in order:
        if not sizes[k][0]:
            continue
        for position in LABEL_POSITIONS:
            left, top, right, bottom = label_box(*centres[k], radii[k], sizes[k], position)
            box = (left - LABEL_SLACK, top - LABEL_SLACK, right + LABEL_SLACK, bottom + LABEL_SLACK)
            if not grid.clashes(box):  # no marker (its own included) and no label
                grid.add(box)
                placed[k] = position
                break
    return placed


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
        if not kids:  # a pruned leaf (faded, its label on hover) takes a fraction of a row
            y[node.id] = next_leaf
            next_leaf += PRUNED_ROW if node.status == "pruned" else 1
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
    label_size = look.size(MIN_LABEL)  # 14 px at 1920 wide (18 on a slide): readable from the back row
    leaves = max(y.values()) + 1
    last_step = max(n.step for n in nodes)
    texts = []
    for n in nodes:  # a hypothesis that ended: its score (its diamond or star says </s>; the hover too)
        text = display_token(n.token)
        if n.status in ("finished", "winner"):
            text = f"{n.norm_score:.2f}" if n.token_id == EOS else f"{text}  {n.norm_score:.2f}"
        texts.append(text)
    # Which labels to draw, and where: the winning path first, then finished, kept and pruned
    # nodes, each at the first place around its marker that covers no marker and no label
    # already placed (the rest show on hover). The winning path and the finished hypotheses'
    # scores should be drawn: while one finds no place, the tree gets taller (up to 1.5×; on a
    # projector, as tall as the screen allows); a score that still finds none is on hover and in
    # the n-best list (a width-16 tree has ~2,500 nodes: not every one can carry a label).
    rank = {"winner": 0, "root": 0, "finished": 1, "kept": 2, "pruned": 3}
    order = sorted(range(len(nodes)), key=lambda k: (0 if nodes[k].id in winner_path else rank[nodes[k].status], k))
    required = [k for k in order if nodes[k].id in winner_path or nodes[k].status in ("finished", "winner")]
    sizes = [(text_width(text, label_size), label_size) for text in texts]
    marker_px = [16 if n.status in ("winner", "finished") else 7 if n.status == "pruned" else 11 for n in nodes]
    # the selected node's label is drawn by its ring (below), so that Plotly sets it clear of the ring
    around = [RING_PX / 2 if n.id == selected else m / 2 for n, m in zip(nodes, marker_px, strict=True)]
    margin = 0.6  # y units above the first leaf and below the last: room for their labels
    y_range = [leaves - 1 + margin, -margin]  # reversed: the best-scoring branch on top
    base_height = int(np.clip(160 + 22 * leaves, 360, 900))
    title = look.t(
        "fig.beam.title",
        k=tree.width,
        pruned=sum(n.status == "pruned" for n in tree.nodes),
        hidden="" if show_pruned else look.t("fig.beam.hidden"),
        finished=sum(n.status in ("finished", "winner") for n in tree.nodes),
    )
    for grow in (1.0, 1.25, 1.5):
        layout = _layout(
            title,
            int(base_height * grow),
            xaxis={"title": {"text": look.t("fig.beam.step_axis")}, "dtick": 1, "range": [-0.5, last_step + 1.5]},
            yaxis={"visible": False, "range": y_range, "autorange": False},
            dragmode="pan",
            clickmode="event+select",
            look=look,
            width=WIDE,
        )  # fmt: skip
        # the plot area in pixels: as drawn in height (explicit range and margins); its narrowest width
        edges_px = _fit_margins(data, layout)  # as figure() will set them
        plot_h = layout["height"] - edges_px["t"] - edges_px["b"]
        px_x, px_y = LABEL_ROOM_PX / (last_step + 2), plot_h / (leaves - 1 + 2 * margin)
        centres = [((n.step + 0.5) * px_x, (y[n.id] + margin) * px_y) for n in nodes]
        positions = place_labels(centres, around, sizes, order)
        if all(positions[k] is not None for k in required) or (look.max_height and layout["height"] >= look.max_height):
            break
    scores = [n.score for n in nodes]
    shown = [text if where and n.id != selected else "" for n, text, where in zip(nodes, texts, positions, strict=True)]
    data.append({
        "type": "scatter", "x": [n.step for n in nodes], "y": [y[n.id] for n in nodes], "mode": "markers+text",
        "text": shown,
        "textposition": [where or "top center" for where in positions], "textfont": {"size": label_size},
        "cliponaxis": False, "customdata": [n.id for n in nodes],
        "marker": {
            "size": marker_px,
            "symbol": [symbols.get(n.status, "circle") for n in nodes],
            "color": scores, "colorscale": RANK_SCALE, "cmin": min(scores), "cmax": 0.0,
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
        k = next(k for k, n in enumerate(nodes) if n.id == selected)
        data.append({
            "type": "scatter", "x": [tree.nodes[selected].step], "y": [y[selected]], "mode": "markers+text",
            "text": [texts[k] if positions[k] else ""], "textposition": positions[k] or "top center",
            "textfont": {"size": label_size}, "cliponaxis": False, "customdata": [selected],
            "marker": {"size": RING_PX, "color": "rgba(0,0,0,0)", "line": {"color": FORCED, "width": 3}},
            "hoverinfo": "skip", "showlegend": False,
        })  # fmt: skip
    return figure(data, layout)
