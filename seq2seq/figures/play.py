"""Play: the whole decode as one animated Plotly figure, a frame per step, which a browser plays
without a server (the Translate page's panels side by side), and as a self-contained HTML page."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from seq2seq.core.results import DecodeTrace
from seq2seq.figures.attention import _alpha_bars, _attention_heatmap, _topk_bars
from seq2seq.figures.flow import _attention_flow
from seq2seq.figures.look import (
    FONT_FAMILY,
    FONT_SIZE,
    HIGHLIGHT,
    PLAIN,
    TITLE_SIZE,
    WIDE,
    Look,
    _fit_margins,
    _template,
    figure,
    p_text,
    token_label,
    wrap_title,
)

PLAY_MS = 200  # per step while playing: 5 steps a second
PLAY_TOP = 130  # px above the panels: the figure's title, then ▶ / ⏸ and the step slider


def _panel_layout(fig: dict, n: int, box: tuple[float, float, float, float], size: tuple[float, float]) -> dict:
    """The layout keys of one panel of ``decode_animation``: ``fig``'s axes renamed to the n-th
    pair and placed in ``box`` (x0, x1, y0, y1 in px of the panels' area of ``size`` (w, h),
    y from the top), its own margins kept inside the box; its title as an annotation at the
    box's top; its shapes on its axes."""
    lay = fig["layout"]
    (x0, x1, y0, y1), (w, h) = box, size
    m = lay.get("margin", {})
    inner = 30 if x0 > 0 else 0  # a panel beside another: room for its y axis's title, which no margin grows for
    dx = [(x0 + inner + m.get("l", 60)) / w, (x1 - m.get("r", 20)) / w]
    dy = [1 - (y1 - m.get("b", 50)) / h, 1 - (y0 + m.get("t", 70)) / h]
    suffix = "" if n == 1 else str(n)
    out = {
        f"xaxis{suffix}": lay.get("xaxis", {}) | {"domain": dx, "anchor": f"y{suffix}"},
        f"yaxis{suffix}": lay.get("yaxis", {}) | {"domain": dy, "anchor": f"x{suffix}"},
    }
    title = lay.get("title", {})
    out["annotations"] = [{
        "text": title.get("text", ""), "font": title.get("font", {}), "showarrow": False,
        "xref": "paper", "yref": "paper", "x": x0 / w + 0.005, "y": 1 - (y0 + 6) / h,
        "xanchor": "left", "yanchor": "top", "align": "left",
    }]  # fmt: skip
    out["shapes"] = [s | {"xref": f"x{suffix}", "yref": f"y{suffix}"} for s in lay.get("shapes", ())]
    return out


def _square_cells(fig: dict, box: tuple) -> tuple:
    """A heatmap panel's box narrowed (or shortened) so that its cells are square: the squares
    that draw them (``_heat_as_squares``) then tile it without stripes between the columns."""
    heat = next((tr for tr in fig["data"] if tr.get("type") == "heatmap"), None)
    if heat is None:
        return box
    rows, cols = np.asarray(heat["z"]).shape
    x0, x1, y0, y1 = box
    m = fig["layout"]["margin"]
    wide, tall = x1 - x0 - m["l"] - m["r"], y1 - y0 - m["t"] - m["b"]
    cell = min(wide / max(cols, 1), tall / max(rows, 1))
    return (x0, x1 - (wide - cols * cell), y0, y1 - (tall - rows * cell))


def _heat_as_squares(heat: dict, layout: dict, box: tuple, size: tuple[float, float]) -> dict:
    """A heatmap trace of a ``decode_animation`` panel, drawn as a scatter of coloured squares,
    one per cell, its colour bar beside the panel. Streamlit's Plotly.js (4.2) removed a
    heatmap's cells at the first frame of an animation; a scatter is redrawn like any trace."""
    z = np.asarray(heat["z"], dtype=float)
    rows, cols = z.shape
    x0, x1, y0, y1 = box
    m = layout["margin"]
    cell = min((x1 - x0 - m["l"] - m["r"]) / max(cols, 1), (y1 - y0 - m["t"] - m["b"]) / max(rows, 1))
    top, bottom = 1 - (y0 + m["t"]) / size[1], 1 - (y1 - m["b"]) / size[1]
    colorbar = heat.get("colorbar", {}) | {
        "x": (x1 - m["r"]) / size[0] + 0.005, "xanchor": "left", "y": (top + bottom) / 2, "yanchor": "middle",
        "len": top - bottom, "lenmode": "fraction",
    }  # fmt: skip
    hover = heat.get("hovertemplate", "").replace("%{z:", "%{marker.color:")
    custom = heat.get("customdata")
    return {
        "type": "scatter", "mode": "markers", "x": [i for _ in range(rows) for i in range(cols)],
        "y": [t for t in range(rows) for _ in range(cols)],
        "marker": {"symbol": "square", "size": max(cell, 3), "color": z.ravel().tolist(),
                   "colorscale": heat["colorscale"], "cmin": heat.get("zmin", 0.0), "cmax": heat.get("zmax", 1.0),
                   "colorbar": colorbar, "line": {"width": 0}},
        "customdata": [c for row in custom for c in row] if custom is not None else None,
        "hovertemplate": hover, "showlegend": False,
    }  # fmt: skip


def _panels(figs: list[dict], boxes: list, size: tuple[float, float]) -> tuple[list[list[dict]], dict]:
    """Each panel's traces (moved to its axes) and the layout of all panels together."""
    data, layout = [], {"annotations": [], "shapes": []}
    for n, (fig, box) in enumerate(zip(figs, boxes, strict=True), start=1):
        suffix = "" if n == 1 else str(n)
        if "margin" in fig["layout"]:  # as figure() would fit them: room for the labels and the colour bar
            fig = fig | {"layout": fig["layout"] | {"margin": _fit_margins(fig["data"], fig["layout"])}}
        box = _square_cells(fig, box)
        traces = []
        for trace in fig["data"]:
            trace = trace | {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
            if trace.get("type") == "heatmap":
                trace = _heat_as_squares(trace, fig["layout"], box, size) | {k: trace[k] for k in ("xaxis", "yaxis")}
            traces.append(trace)
        data.append(traces)
        part = _panel_layout(fig, n, box, size)
        layout["annotations"] += part.pop("annotations")
        layout["shapes"] += part.pop("shapes")
        layout |= part
    return data, layout


def decode_animation(
    trace: DecodeTrace,
    gold: set[tuple[int, int]] | None = None,
    look: Look = PLAIN,
    width: int = WIDE,
    start: int = 1,
    ms_per_step: int = PLAY_MS,
) -> go.Figure:
    """The whole decode as one Plotly figure with a frame per step, so that a browser plays it
    without asking a server: the pictures of the Translate page side by side — for attention,
    the heatmap α (step t's row outlined; ``gold`` cells dotted) beside the flow picture and
    the bars α_t; for a vanilla decoder, the flow picture (the one c) beside the top-k bars —
    under a title that names step t's token, with ▶ / ⏸ and a step slider above them.

    Frame names are the steps ("1" … "T"); the figure opens at step ``start``. The page's
    panels keep their own builders (``attention_heatmap``, ``attention_flow``, ...): each
    frame is those figures at step t, placed side by side (``look.max_height`` bounds the
    tallest panel, as on the page). Purple marks a what-if's tokens, as everywhere.
    """
    n_steps = len(trace.steps)
    if n_steps == 0:
        raise ValueError("a decode without steps has nothing to play")
    start = min(max(start, 1), n_steps)
    wide, narrow = width * 3 // 5, width - width * 3 // 5
    if trace.has_attention:
        half = look.fit(look.max_height // 2 if look.max_height else None)

        def figures_at(t: int) -> list[dict]:
            return [
                _attention_heatmap(trace, t, gold, look, width=wide),
                _attention_flow(trace, t, half, width=narrow),
                _alpha_bars(trace, t, half, width=narrow),
            ]
    else:

        def figures_at(t: int) -> list[dict]:
            return [_attention_flow(trace, t, look, width=wide), _topk_bars(trace, t, look, width=narrow)]

    def boxes_of(figs: list[dict]) -> tuple[list, tuple[float, float]]:
        heights = [f["layout"]["height"] for f in figs]
        if len(figs) == 3:
            h = max(heights[0], heights[1] + heights[2])
            boxes = [(0, wide, 0, heights[0]), (wide, width, 0, heights[1]),
                     (wide, width, heights[1], heights[1] + heights[2])]  # fmt: skip
        else:
            h = max(heights)
            boxes = [(0, wide, 0, heights[0]), (wide, width, 0, heights[1])]
        return boxes, (width, h)

    # the panels' boxes are planned once, from the tallest step (titles may wrap at some steps only),
    # below a strip for the line that names step t's token
    head = round(look.size(TITLE_SIZE) * 2)
    per_step = [figures_at(t) for t in range(1, n_steps + 1)]
    tallest = [max(per_step, key=lambda figs, i=i: figs[i]["layout"]["height"])[i] for i in range(len(per_step[0]))]
    boxes, (_, h) = boxes_of(tallest)
    boxes, size = [(x0, x1, y0 + head, y1 + head) for x0, x1, y0, y1 in boxes], (width, h + head)
    # a step's figures may differ in their number of traces (a forced token adds a marker to top-k):
    # pad each panel to its most, so that every frame updates the same traces
    most = [max(len(figs[i]["data"]) for figs in per_step) for i in range(len(tallest))]
    marks = trace.forcing()
    n_src = len(trace.source_tokens)
    top = {"xaxis": "x9", "yaxis": "y9"}  # the header strip's own axes

    def step_data(t: int) -> list[dict]:
        """Every trace of step t. Frames change traces only: Plotly did not apply a frame's
        titles and annotations reliably (they showed the previous step), so what names the step
        is a trace too — the header line, and the heatmap's outlined row."""
        data, _ = _panels(per_step[t - 1], boxes, size)
        flat = []
        for traces, n in zip(data, most, strict=True):
            empty = {"type": "scatter", "x": [], "y": [], "showlegend": False, "hoverinfo": "skip"}
            flat += traces + [empty | {"xaxis": traces[0]["xaxis"], "yaxis": traces[0]["yaxis"]}] * (n - len(traces))
        s = trace.steps[t - 1]
        line = look.t("fig.play.title", t=t, n=n_steps, token=token_label(s.token, marks[t - 1]), p=p_text(s.prob))
        flat.append({"type": "scatter", "mode": "text", "x": [0], "y": [0.5], "text": [line],
                     "textposition": "middle right", "textfont": {"size": look.size(TITLE_SIZE)},
                     "hoverinfo": "skip", "showlegend": False} | top)  # fmt: skip
        if trace.has_attention:  # step t's row of the heatmap, outlined
            flat.append({"type": "scatter", "mode": "lines", "x": [-0.5, n_src - 0.5, n_src - 0.5, -0.5, -0.5],
                         "y": [t - 1.5, t - 1.5, t - 0.5, t - 0.5, t - 1.5], "line": {"color": HIGHLIGHT, "width": 3},
                         "hoverinfo": "skip", "showlegend": False, "xaxis": "x", "yaxis": "y"})  # fmt: skip
        return flat

    # the layout of every step is that of the start step but for what names a step: the panels'
    # titles say "step t", the heatmap's outline is a trace, and each axis spans every step's range
    _, layout = _panels(per_step[start - 1], boxes, size)
    if trace.has_attention:
        titles = [None, look.t("fig.play.flow", what="α<sub>t,i</sub>"), look.t("fig.play.alpha")]
        layout["shapes"] = [sh for sh in layout["shapes"] if sh["line"]["color"] != HIGHLIGHT]
    else:
        titles = [look.t("fig.play.flow", what=look.t("fig.flow.fixed_c")), look.t("fig.play.topk")]
    for note, title in zip(layout["annotations"], titles, strict=True):
        if title is not None:
            note["text"] = wrap_title(title, narrow - 40, look.size(TITLE_SIZE))
    layouts = [_panels(figs, boxes, size)[1] for figs in per_step]
    for key, axis in layout.items():
        ranges = [lay[key].get("range") for lay in layouts] if key.startswith(("xaxis", "yaxis")) else [None]
        if all(ranges):
            axis["range"] = [min(r[0] for r in ranges), max(r[1] for r in ranges)]
    layout["xaxis9"] = {"domain": [0, 1], "range": [0, 1], "visible": False, "fixedrange": True, "anchor": "y9"}
    layout["yaxis9"] = {"domain": [1 - head / size[1], 1], "range": [0, 1], "visible": False, "fixedrange": True,
                        "anchor": "x9"}  # fmt: skip
    raw = [step_data(t) for t in range(1, n_steps + 1)]
    palette = sorted({c for flat in raw for tr in flat if tr.get("type") == "bar"
                      for c in _list(tr.get("marker", {}).get("color"))})  # fmt: skip
    steps = [_bars_by_colour(flat, palette) for flat in raw]
    data = steps[start - 1]
    # A frame carries the traces that change from step to step, each whole; those that never
    # change (the α cells: the whole alignment is shown at every step) stay as drawn. With
    # attention every changing part is a trace that Plotly updates without redrawing the figure
    # (scatter x/y/colours, bar x/y): played without redraw, a frame took ~150 ms instead of
    # ~390 ms in headless Chromium. A vanilla decode's top-k names its bars on an axis of the
    # layout, which only a redraw updates.
    changing = [i for i in range(len(data)) if any(frame[i] != steps[0][i] for frame in steps)]
    frames = [{"name": str(t), "data": [steps[t - 1][i] for i in changing], "traces": changing}
              for t in range(1, n_steps + 1)]  # fmt: skip
    title_size = look.size(TITLE_SIZE)
    redraw = {"frame": {"duration": ms_per_step, "redraw": not trace.has_attention}, "transition": {"duration": 0}}
    font = {"size": look.size(FONT_SIZE)}
    layout |= {
        "font": font | {"family": FONT_FAMILY},
        "template": _template(),
        "height": size[1] + PLAY_TOP,
        "margin": {"l": 0, "r": 0, "t": PLAY_TOP, "b": 0, "autoexpand": True},
        "plot_bgcolor": "white",
        "showlegend": False,
        "barmode": "overlay",  # _bars_by_colour
        "updatemenus": [{
            "type": "buttons", "direction": "left", "showactive": False, "x": 0, "xanchor": "left",
            "y": 1, "yanchor": "bottom", "pad": {"t": 0, "r": 10, "b": 24},
            "font": font,
            "buttons": [
                {"label": look.t("common.play"), "method": "animate",
                 "args": [None, redraw | {"fromcurrent": True, "mode": "immediate"}]},
                {"label": look.t("common.pause"), "method": "animate",
                 "args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate",
                                   "transition": {"duration": 0}}]},
            ],
        }],
        "sliders": [{
            "active": start - 1, "x": 0.2, "len": 0.8, "xanchor": "left", "y": 1, "yanchor": "bottom",
            "pad": {"t": 0, "b": 10}, "font": font,
            "currentvalue": {"prefix": "t = ", "suffix": f" / {n_steps}", "font": {"size": title_size}},
            "steps": [{"label": str(t), "method": "animate",
                       "args": [[str(t)], {"frame": {"duration": 0, "redraw": True}, "mode": "immediate",
                                           "transition": {"duration": 0}}]} for t in range(1, n_steps + 1)],
        }],
    }  # fmt: skip
    return figure(data, layout, frames)


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _bars_by_colour(traces: list[dict], palette: list[str]) -> list[dict]:
    """Each bar trace coloured bar by bar split into one trace per colour of ``palette`` (every
    colour any step's bars take, so that every step has the same traces; bars laid over each
    other: the layout's barmode is "overlay"). Plotly applies a frame's new bar heights without
    a redraw but not new bar colours; a bar that changes colour moves to another trace."""
    out = []
    for tr in traces:
        colours = tr.get("marker", {}).get("color") if tr.get("type") == "bar" else None
        if not isinstance(colours, list):
            out.append(tr)
            continue
        for colour in palette:
            keep = [i for i, c in enumerate(colours) if c == colour]
            part = {k: ([v[i] for i in keep] if isinstance(v, list) and len(v) == len(colours) else v)
                    for k, v in tr.items() if k != "marker"}  # fmt: skip
            out.append(part | {"marker": tr["marker"] | {"color": colour}})
    return out


def offline_html(fig: go.Figure, ms_per_step: int = PLAY_MS) -> str:
    """An animated figure (``decode_animation``) as one self-contained HTML page: plotly.js
    inside (no CDN: it plays offline, e.g. from a lecturer's slides), playing on open as its
    ▶ does (with a redraw per frame or without)."""
    redraw = fig.layout.updatemenus[0].buttons[0].args[1]["frame"]["redraw"]
    return fig.to_html(
        include_plotlyjs=True,
        full_html=True,
        auto_play=True,
        animation_opts={"frame": {"duration": ms_per_step, "redraw": redraw}, "transition": {"duration": 0}},
        config={"displaylogo": False, "responsive": True},
    )
