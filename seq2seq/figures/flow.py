"""The lecture notes' picture of attention: source tokens in a row above, output tokens in a
row below, and a line from every x_i to the current y_t as wide as α_{t,i} (for a vanilla
decoder, every x_i into the one c); and ``row_layout``, which spaces a row of labels."""

from __future__ import annotations

import itertools

import numpy as np

from seq2seq.core.results import DecodeTrace
from seq2seq.figures.look import (
    CHOSEN,
    FONT_SIZE,
    FORCED,
    GOLD,
    HIGHLIGHT,
    MIN_LABEL,
    NARROW,
    PLAIN,
    TITLE_SIZE,
    Look,
    _figure_of,
    _layout,
    display_token,
    text_width,
    token_label,
)


def row_layout(labels: list[str], room: float, size: float, first: list[int] = ()) -> tuple[list[float], list[int]]:
    """Positions (px, 0..room) of a row of labels at font ``size``, and the line each label is
    written on: 0, 1 (a second line, staggered) or -1 (not written; its marker and hover stay).

    When the labels fit side by side, each takes its own width plus a gap, and the room left is
    shared out evenly (so words never run together and characters sit evenly spaced). Else the
    positions are even and, if every label clears the next-but-one, the labels alternate between
    two lines. Else a label is written only where it overlaps no label already written — the
    indices in ``first`` are placed first, then the rest in order.
    """
    n = len(labels)
    if n == 0:
        return [], []
    gap = 0.5 * size
    widths = [text_width(label, size) for label in labels]
    if sum(widths) + gap * n <= room:
        extra = (room - sum(widths) - gap * n) / n
        edges = np.cumsum([0.0] + [w + gap + extra for w in widths])
        return [float((a + b) / 2) for a, b in itertools.pairwise(edges)], [0] * n
    # even positions, the end ones inset so that the first and last labels stay inside
    xs = np.linspace(min(widths[0] / 2, room / 2), max(room - widths[-1] / 2, room / 2), n).tolist()
    slot = (xs[-1] - xs[0]) / max(n - 1, 1)
    inside = [w / 2 <= x and x + w / 2 <= room for x, w in zip(xs, widths, strict=True)]
    if all(inside) and all((a + b) / 2 + gap <= 2 * slot for a, b in zip(widths, widths[2:], strict=False)):
        return xs, [i % 2 for i in range(n)]
    placed: list[tuple[float, float]] = []
    lines = [-1] * n
    for i in dict.fromkeys([*first, *range(n)]):
        lo, hi = xs[i] - (widths[i] + gap) / 2, xs[i] + (widths[i] + gap) / 2
        if inside[i] and all(hi <= a or lo >= b for a, b in placed):
            placed.append((lo, hi))
            lines[i] = 0
    return xs, lines


def _on_line(label: str, line: int, above: bool) -> str:
    """A row label written on its line (``row_layout``): line 1 is one text line further from
    the row, by an empty line (a no-break space) between; line -1 is not written."""
    if line < 0:
        return ""
    if line == 0:
        return label
    return f"{label}<br>\u00a0" if above else f"\u00a0<br>{label}"


def _attention_flow(trace: DecodeTrace, step: int, look: Look = PLAIN, width: int = NARROW) -> dict:
    """The lecture notes' picture of attention at one (1-based) step.

    Source tokens x_i in a row at the top, output tokens y_t in a row at the bottom, and a
    line from every source token to the current output token whose width and opacity follow
    α_{t,i}: bold where the decoder looks, faint where it does not. Tokens already emitted are
    dark, the current one red, the ones still to come grey; a token a what-if forced is bold
    purple, and those decoded after it purple italics. For a vanilla decoder every source
    token feeds the one vector c (the bottleneck), and c alone feeds the step.

    Each token is spaced by its own width (word tokens never run together); when a row does not
    fit ``width`` px even at MIN_LABEL, every token keeps its marker and hover but only labels
    that do not overlap are written: the current token and the most-attended sources first.
    """
    src, out = trace.source_tokens, trace.output_tokens
    marks = trace.forcing()
    alpha = trace.steps[step - 1].alpha
    row_names = [look.t("fig.flow.output_row"), look.t("fig.flow.source_row")]
    names = round(max(text_width(r, look.size(FONT_SIZE)) for r in row_names)) + 16  # the row names, a gap
    room = width - 20 - names - 20  # the plot's px: the x axis is in px, so positions and widths compare
    src_labels = [display_token(t) for t in src]
    out_labels = [token_label(t, m, colour=False) for t, m in zip(out, marks, strict=True)]
    hi, lo = look.size(FONT_SIZE) + 2, look.size(MIN_LABEL)
    size = next(  # the largest size at which both rows fit on one line each
        (s for s in range(hi, lo, -1) if all(set(row_layout(r, room, s)[1]) == {0} for r in (src_labels, out_labels))),
        lo,
    )
    top_src = [int(i) for i in np.argsort(alpha)[::-1][:3]] if alpha is not None else []
    xs_src, show_src = row_layout(src_labels, room, size, first=top_src)
    xs_out, show_out = row_layout(out_labels, room, size, first=[step - 1, *(t - 1 for t in trace.forced_steps)])
    target = xs_out[step - 1]
    data = []

    def line(x0, y0, x1, y1, weight, hover):
        data.append({
            "type": "scatter", "x": [x0, x1], "y": [y0, y1], "mode": "lines", "opacity": 0.12 + 0.88 * weight,
            "line": {"color": CHOSEN, "width": 0.8 + 11 * weight}, "hoverinfo": "text", "hovertext": hover,
            "showlegend": False,
        })  # fmt: skip

    position = trace.steps[step - 1].position
    if position is not None and trace.window:  # local-p: the window [p_t - D, p_t + D] on the source row
        at = lambda p: float(np.interp(p, range(len(src)), xs_src))  # noqa: E731  (source position -> px)
        lo_x, hi_x = at(max(position - trace.window, 0)), at(min(position + trace.window, len(src) - 1))
        data.append({
            "type": "scatter", "x": [lo_x, hi_x, hi_x, lo_x, lo_x], "y": [0.9, 0.9, 1.1, 1.1, 0.9], "mode": "lines",
            "fill": "toself", "fillcolor": "rgba(255,127,14,0.15)", "line": {"color": GOLD, "dash": "dash", "width": 1},
            "hoverinfo": "text", "hovertext": f"[p<sub>t</sub> − {trace.window}, p<sub>t</sub> + {trace.window}]",
            "showlegend": False,
        })  # fmt: skip
        data.append({
            "type": "scatter", "x": [at(position)], "y": [1.0], "mode": "markers", "showlegend": False,
            "marker": {"symbol": "diamond", "size": 13, "color": HIGHLIGHT}, "hoverinfo": "text",
            "hovertext": f"p<sub>{step}</sub> = {position:.2f}",
        })  # fmt: skip
    if alpha is not None:
        for i, a in enumerate(alpha):
            if a > 0:  # an exact zero (sparsemax, entmax, outside a window) draws no line at all
                line(xs_src[i], 1, target, 0, a, f"α<sub>{step},{i + 1}</sub> = {a:.3f} ({display_token(src[i])})")
    else:
        c_x = room / 2
        for i in range(len(src)):
            line(xs_src[i], 1, c_x, 0.5, 0.15, look.t("fig.flow.to_c"))
        line(c_x, 0.5, target, 0, 1.0, look.t("fig.flow.same_c"))
        data.append({
            "type": "scatter", "x": [c_x], "y": [0.5], "mode": "markers+text", "text": ["c"],
            "textposition": "middle right", "textfont": {"size": look.size(TITLE_SIZE)}, "hoverinfo": "skip",
            "marker": {"size": 22, "color": "white", "line": {"color": CHOSEN, "width": 3}}, "showlegend": False,
        })  # fmt: skip
    src_hover = [
        f"x<sub>{i + 1}</sub> = {label}"
        + (f"<br>α<sub>{step},{i + 1}</sub> = {alpha[i]:.3f}" if alpha is not None else "")
        for i, label in enumerate(src_labels)
    ]
    data.append({
        "type": "scatter", "x": xs_src, "y": [1] * len(src), "mode": "markers+text",
        "text": [_on_line(label, line, above=True) for label, line in zip(src_labels, show_src, strict=True)],
        "textposition": "top center", "textfont": {"size": size},
        "marker": {"size": 9, "color": CHOSEN}, "hoverinfo": "text", "hovertext": src_hover, "showlegend": False,
    })  # fmt: skip

    def colour(t: int) -> str:
        if marks[t] == "forced" or (marks[t] == "after" and t < step):
            return FORCED
        return HIGHLIGHT if t == step - 1 else ("#222" if t < step - 1 else "#bbb")

    colours = [colour(t) for t in range(len(out))]
    data.append({
        "type": "scatter", "x": xs_out, "y": [0] * len(out), "mode": "markers+text",
        "text": [_on_line(label, line, above=False) for label, line in zip(out_labels, show_out, strict=True)],
        "textposition": "bottom center", "textfont": {"size": size, "color": colours},
        "marker": {"size": [14 if t == step - 1 else 9 for t in range(len(out))],
                   "color": [HIGHLIGHT if t == step - 1 else c for t, c in enumerate(colours)]},
        "hoverinfo": "text", "hovertext": [f"y<sub>{t + 1}</sub> = {display_token(y)}" for t, y in enumerate(out)],
        "showlegend": False,
    })  # fmt: skip
    what = "α<sub>t,i</sub>" if alpha is not None else look.t("fig.flow.fixed_c")
    layout = _layout(
        look.t("fig.flow.title", t=step, what=what),
        340,
        xaxis={"visible": False, "range": [0, room]},
        yaxis={
            "range": [-0.55, 1.45] if max(show_src + show_out) > 0 else [-0.45, 1.35],
            "tickmode": "array", "tickvals": [0, 1], "ticktext": row_names,
            "showgrid": False, "zeroline": False,
        },
        look=look,
        width=width,
    )  # fmt: skip
    layout["margin"] = layout["margin"] | {"l": 20 + names, "r": 20}
    return {"data": data, "layout": layout}


attention_flow = _figure_of(_attention_flow)
