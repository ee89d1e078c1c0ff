"""The beam search tree (``BeamTree``): every hypothesis prefix a marker at its step, kept,
pruned, finished and winning paths styled apart, labels placed where they do not collide."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from seq2seq.core.results import BeamNode, BeamTree
from seq2seq.figures.look import (
    FORCED,
    HIGHLIGHT,
    MIN_LABEL,
    PLAIN,
    RANK_SCALE,
    WIDE,
    Look,
    _layout,
    display_token,
    figure,
    text_width,
)

LABEL_ROOM_PX = 1100  # the narrowest plot width a tree is drawn in (labels planned for it never collide)


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
    label_size = look.size(MIN_LABEL)  # 14 px at 1920 wide (18 on a slide): readable from the back row
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
        width=WIDE,
    )  # fmt: skip
    return figure(data, layout)
