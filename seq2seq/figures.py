"""Figure builders: result objects in, ``plotly.graph_objects.Figure`` out.

Pure functions (no Streamlit, no model): the pages call them, tests inspect their output.

Axes over tokens are numeric (position 0..n-1) with the tokens as tick labels, because
Plotly merges equal category names: "banana" on a categorical axis would show one "a".
Sizes are chosen for a projector at the back of a lecture room.

Every figure is built in one ``figure(data, layout)`` call from plain dicts: Plotly validates
each incremental ``update_*``/``add_shape`` call on its own, which made a heatmap with outlined
cells cost ~80 ms to build. Even built in one go, validating a figure cost 10-20 ms of a
Translate step's seven (measured 2026-11-27: heatmap 18 ms validated, 2 ms not), so the app
builds them unvalidated; the tests switch ``VALIDATE`` on (tests/conftest.py), so a property
Plotly does not know still fails there.
"""

from __future__ import annotations

import functools
import html
import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from plotly.colors import get_colorscale, qualitative

from seq2seq import i18n
from seq2seq.core.results import BeamNode, BeamTree, Candidate, DecodeTrace, TrainingHistory
from seq2seq.data.tokenizers import visible_token

FONT_SIZE = 16  # tick labels; titles are larger
FONT_FAMILY = '"Source Sans Pro", "Noto Sans CJK SC", "Noto Sans", sans-serif'  # Streamlit's face, then CJK
TITLE_SIZE = 20
# Colour scales spelled out: an unvalidated figure (``figure``) passes a name to Plotly.js as
# it is, and Plotly.js's own "Blues" and "RdBu" are other colours than Python Plotly's
ALPHA_SCALE = get_colorscale("Blues")  # sequential, white = 0: padding and ignored positions vanish
VALUE_SCALE = get_colorscale("RdBu")  # signed values (c_t's units): red below 0, blue above
RANK_SCALE = get_colorscale("Viridis")  # an order: log-probabilities, positions along a path
HIGHLIGHT = "#d62728"  # the current step, in every figure
CHOSEN = "#1f77b4"
GOLD = "#ff7f0e"  # gold alignment outlines
FORCED = "#9467bd"  # the app's one purple: tokens imposed by a what-if (and decoded after one)
OTHER = "#9ecae1"
MIN_LABEL = 14  # px: the smallest token label; below it labels are thinned (full token on hover)
# Widths (px) the pages draw figures at on a 1920-wide screen: a 2/5 column, a half, the full page.
# Titles wrap and labels are thinned for these; a figure drawn wider only has room to spare.
NARROW, HALF, WIDE = 540, 680, 1360


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


def text_width(text: str, size: float) -> float:
    """Approximate width in px of a Plotly label at font size ``size`` px.

    Tags are dropped (text inside <sub>/<sup> counts at 70 %), an entity such as ``&lt;`` is one
    character, wide (CJK) characters are 1 em and others 0.55 em — a little more than the
    average of Source Sans Pro, so an estimate errs towards leaving room.
    """
    width, small = 0.0, 0
    for part in re.split(r"(<[^>]*>)", text):
        if part.startswith("<"):
            name = part.strip("</> ").split(" ")[0].lower()
            if name in ("sub", "sup"):
                small += -1 if part.startswith("</") else 1
            continue
        scale = 0.7 if small > 0 else 1.0
        for ch in html.unescape(part):
            width += (1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55) * size * scale
    return width


_NO_LINE_START = set("，。：；、）」』！？,.:;)]}>")


def _break_units(line: str) -> list[str]:
    """A title line cut where it may wrap: before a space (kept at the unit's start) and around
    a wide character (Chinese has no spaces); tags and entities stick to their neighbours."""
    units, cur = [], ""
    for piece in re.split(r"(<[^>]*>|&#?\w+;)", line):
        if piece.startswith(("<", "&")):
            cur += piece
            continue
        for ch in piece:
            wide = unicodedata.east_asian_width(ch) in "WF" and ch not in _NO_LINE_START
            if (ch == " " or wide) and cur.strip():
                units.append(cur)
                cur = ""
            cur += ch
            if wide:
                units.append(cur)
                cur = ""
    if cur:
        units.append(cur)
    return units


def wrap_title(text: str, width: float, size: float) -> str:
    """``text`` with <br> inserted so that no line is wider than ``width`` px at font size
    ``size`` (Plotly never wraps a title: it cuts it at the figure's edge). Existing <br> stay;
    a single word wider than the line is left whole."""
    lines = []
    for line in re.split(r"<br\s*/?>", text):
        cur = ""
        for unit in _break_units(line):
            if cur.strip() and text_width(cur + unit.rstrip(), size) > width:
                lines.append(cur.rstrip())
                cur = unit.lstrip()
            else:
                cur += unit
        lines.append(cur.rstrip())
    return "<br>".join(lines)


def _figure_of(spec: Callable[..., dict]) -> Callable[..., go.Figure]:
    """The public builder of ``spec`` (a builder that returns the plain {data, layout} dicts):
    the same arguments, a Plotly figure. ``decode_animation`` composes the plain dicts of
    dozens of figures, which validated one by one would cost seconds."""

    @functools.wraps(spec)
    def build(*args, **kwargs) -> go.Figure:
        return figure(**spec(*args, **kwargs))

    build.__name__ = build.__qualname__ = spec.__name__.lstrip("_")
    return build


TRACE_TYPES = ("bar", "heatmap", "scatter")  # every trace type these figures draw
VALIDATE = False  # Plotly's checks of every property: on in the tests, off in the app (module docstring)


def figure(data: list, layout: dict, frames: list | None = None) -> go.Figure:
    """The one place a figure is made (validated only when ``VALIDATE``), its margins made
    room for its labels (``_fit_margins``)."""
    if "margin" in layout:
        layout = layout | {"margin": _fit_margins(data, layout)}
    return plotly_figure(data, layout, frames)


def plotly_figure(data: list, layout: dict, frames: list | None = None) -> go.Figure:
    """The Plotly object of a prepared figure: checked by Plotly only when ``VALIDATE`` (the
    tests build it both ways and compare what would be sent, tests/conftest.py)."""
    return go.Figure(data=data, layout=layout, frames=frames, _validate=VALIDATE)


LABEL_GAP = 8  # px Plotly leaves between a tick label and the plot, or a title and the labels
COLORBAR_TICKS = "-0.00"  # the widest tick label a colour bar here writes (values in [-1, 1] or logs)


def _axis_depth(axis: dict, font: float, across: bool) -> float:
    """px that an axis's tick labels and title take out from the plot's edge. ``across``: the
    labels are measured across their text (an x axis's horizontal labels: their height)."""
    if axis.get("visible") is False:
        return 0.0
    depth = 0.0
    size = axis.get("tickfont", {}).get("size", font)
    if axis.get("showticklabels", True):
        labels = [str(label) for label in axis.get("ticktext") or [COLORBAR_TICKS]]
        upright = across and abs(axis.get("tickangle", 0) or 0) != 90
        lines = max(label.count("<br>") + 1 for label in labels)
        depth += 1.5 * size * lines if upright else max(text_width(label, size) for label in labels)
        depth += LABEL_GAP
    title = axis.get("title", {})
    if title.get("text"):
        depth += 1.4 * title.get("font", {}).get("size", font) + LABEL_GAP
    return depth


def _fit_margins(data: list, layout: dict) -> dict:
    """The layout's margins, each widened to what its axis labels and colour bar need.

    Plotly's automargin (kept on: a safety net) grows a margin too small for the labels only
    after drawing the figure once, and then draws it again: over a third of a Translate
    step's chart drawing in the browser (measured 2026-11-27: five charts, 328 → 204 ms in
    headless Chromium, margins wide enough beforehand). Multi-panel figures (axes beyond
    ``xaxis``/``yaxis``) keep theirs.
    """
    margin = dict(layout["margin"])
    if any(key[5:] for key in layout if key.startswith(("xaxis", "yaxis"))):
        return margin
    font = layout.get("font", {}).get("size", FONT_SIZE)
    x, y = layout.get("xaxis", {}), layout.get("yaxis", {})
    x_side = "t" if x.get("side") == "top" else "b"
    y_side = "r" if y.get("side") == "right" else "l"
    need = {x_side: _axis_depth(x, font, across=True), y_side: _axis_depth(y, font, across=False)}
    if "ticktext" not in x and x.get("visible") is not False:  # a number centred on the plot's right edge
        need["r"] = text_width(COLORBAR_TICKS, x.get("tickfont", {}).get("size", font)) / 2 + 12
    for trace in data:
        bar = trace.get("colorbar") if trace.get("showscale", True) else None
        if bar is not None and trace.get("type") == "heatmap":
            plot = layout.get("width", HALF) - margin.get("l", 80) - margin.get("r", 80)
            offset = (bar.get("x", 1.02) - 1) * plot  # paper units past the plot's right edge
            title = str(bar.get("title", {}).get("text", ""))
            need["r"] = max(
                need.get("r", 0),
                offset + 2 * 10 + bar.get("thickness", 30) + 3 * LABEL_GAP + 2 + max(
                    text_width(COLORBAR_TICKS, font), text_width(title, font) - bar.get("thickness", 30)
                ),
            )  # fmt: skip
    for side, depth in need.items():
        margin[side] = max(margin.get(side, 0), round(depth))
    return margin


@functools.cache
def _template() -> dict:
    """plotly_white, cut to the trace types drawn here. Plotly copies and validates a figure's
    whole template every time a figure is built (over half of the build: ~20 ms of a figure's
    ~40), and plotly_white carries defaults for every trace type Plotly has. The same look."""
    full = pio.templates["plotly_white"].to_plotly_json()
    layout = full["layout"]
    # Tick labels are fitted here (fit_ticks), so Plotly need not check that they stay inside
    # the figure; its default ("hide past div") measures every label once per label drawn,
    # n² bounding boxes per axis: 160 ms of a Translate step's five redrawn charts (measured
    # 2026-11-27, headless Chromium, 491 → 328 ms for their five draws).
    for axis in ("xaxis", "yaxis"):
        layout[axis] = layout.get(axis, {}) | {"ticklabeloverflow": "allow"}
    return {"layout": layout, "data": {k: v for k, v in full["data"].items() if k in TRACE_TYPES}}


def _layout(
    title: str,
    height: int,
    xaxis: dict | None = None,
    yaxis: dict | None = None,
    look: Look = PLAIN,
    width: int = HALF,
    top: int = 70,
    **extra,
) -> dict:
    """The shared look: projector-sized fonts (the pages pass theme=None, since Streamlit's chart
    theme shrinks ticks to ~11 px), a white background, the title above the plot, wrapped to
    the ``width`` (px) the page draws the figure at; every extra title line adds to the top
    margin and the height, so the plot keeps its size."""
    font = {"size": look.size(FONT_SIZE)}
    title_size = look.size(TITLE_SIZE)
    text = wrap_title(title, 0.95 * width - 20, title_size)  # plotly_white puts the title at x = 0.05
    extra_lines = text.count("<br>")
    grow = round(extra_lines * 1.3 * title_size)
    total = min(look.size(height) + grow, look.max_height or 10**6)
    return {
        "title": {
            "text": text,
            "font": {"size": title_size},
            # Plotly anchors a title of several lines by its last line (the lines above rise out of
            # the figure and are cut): the top is moved down by the extra lines
            "y": 0.985 - grow / total,
            "yanchor": "top",
            "yref": "container",
        },
        "font": {"size": look.size(FONT_SIZE), "family": FONT_FAMILY},
        "template": _template(),
        "height": total,
        "margin": {"l": 60, "r": 20, "t": top + grow, "b": 50},
        "plot_bgcolor": "white",
        "xaxis": {"tickfont": font, "title": {"font": font}} | (xaxis or {}),
        "yaxis": {"tickfont": font, "title": {"font": font}} | (yaxis or {}),
    } | extra


def tick_size(n_labels: int, room: int = 720, look: Look = PLAIN) -> int:
    """Font size at which ``n_labels`` token labels fit side by side in ``room`` pixels without
    overlapping: FONT_SIZE for short inputs, smaller (down to 9 px) for long ones."""
    return int(np.clip(look.size(room) // max(n_labels, 1) - 6, 9, look.size(FONT_SIZE)))


def token_label(token: str, mark: str = "", colour: bool = True) -> str:
    """A token as a Plotly label, styled by how it came to be (``DecodeTrace.forcing``):
    bold purple when a what-if forced it, purple italics when decoded after a forced step
    (``colour=False``: bold / italics only, for a figure that colours its labels itself)."""
    shown = display_token(token)
    if colour and mark:
        shown = f'<span style="color:{FORCED}">{shown}</span>'
    return {"forced": f"<b>{shown}</b>", "after": f"<i>{shown}</i>"}.get(mark, shown)


def fit_ticks(labels: list[str], room: float, look: Look = PLAIN, along: str = "x", first: list[int] = ()) -> dict:
    """Tick settings for token ``labels`` at positions 0..n-1 along ``room`` px of an axis,
    labels that never overlap: every label at the largest size from FONT_SIZE down to
    MIN_LABEL that fits; else (x axis, labels longer than two characters) the labels turn
    vertical; else, at MIN_LABEL, only the labels that clear those already written — ``first``
    (e.g. the step's most-attended token), the first and the last, then the others in order,
    which for labels of one width is every k-th (the pages' hover names every token).

    ``along="y"``: the labels are stacked (one row each), so only their height counts.
    """
    n = len(labels)
    hi, lo = look.size(FONT_SIZE), look.size(MIN_LABEL)
    slot = room / max(n, 1)

    def written(size: int, vertical: bool) -> list[int]:
        placed: list[tuple[float, float]] = []
        for i in dict.fromkeys([*(i for i in first if 0 <= i < n), 0, n - 1, *range(n)]) if n else ():
            extent = 1.3 * size if vertical or along == "y" else text_width(labels[i], size)
            left, right = i * slot - (extent + 0.4 * size) / 2, i * slot + (extent + 0.4 * size) / 2
            if all(right <= a or left >= b for a, b in placed):
                placed.append((left, right))
        return sorted(round((a + b) / 2 / slot) for a, b in placed)

    wordy = along == "x" and any(text_width(label, lo) > 2.2 * lo for label in labels)
    angle, size, shown = 0, lo, None
    for vertical in (False, True) if wordy else (False,):
        for s in range(hi, lo - 1, -1):
            if len(written(s, vertical)) == n:
                angle, size, shown = -90 if vertical else 0, s, list(range(n))
                break
        if shown is not None:
            break
    else:
        angle, shown = (-90 if wordy else 0), written(lo, wordy)
    return {
        "tickmode": "array",
        "tickvals": shown,
        "ticktext": [labels[i] for i in shown],
        "tickangle": angle,
        "tickfont": {"size": size},
        "automargin": True,
    }


def _token_axis(
    tokens: list[str],
    title: str | None = None,
    room: float = 560,
    look: Look = PLAIN,
    marks: list[str] | None = None,
    along: str = "x",
    first: list[int] = (),
    **extra,
) -> dict:
    """Numeric axis labelled with tokens (styled by ``marks``), sized or thinned to fit ``room`` px
    (``first``: the labels kept first when thinned)."""
    labels = [token_label(t, m) for t, m in zip(tokens, marks or [""] * len(tokens), strict=True)]
    axis = fit_ticks(labels, room, look, along, first) | {"showgrid": False, "zeroline": False}
    if title:
        axis["title"] = {"text": title, "font": {"size": look.size(FONT_SIZE)}}
    return axis | extra


def _outline(x0: float, x1: float, y0: float, y1: float, color: str, width: int = 3, dash: str = "solid") -> dict:
    return {
        "type": "rect", "x0": x0, "x1": x1, "y0": y0, "y1": y1,
        "line": {"color": color, "width": width, "dash": dash}, "fillcolor": "rgba(0,0,0,0)",
    }  # fmt: skip


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


attention_heatmap = _figure_of(_attention_heatmap)


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


def p_text(p: float) -> str:
    """A probability as a bar label: 3 decimals, or 2 significant digits when it would read 0.000."""
    return f"{p:.3f}" if p >= 0.0005 or p == 0 else f"{p:.1e}"


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


def target_probabilities(
    tokens: list[str], probs: list[float], title: str, look: Look = PLAIN, width: int = HALF
) -> go.Figure:
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
        xaxis=_token_axis(tokens, look.t("fig.target_yt"), room=width - 100, look=look),
        yaxis={"title": {"text": look.t("fig.probability")}, "range": [0, 1.15]},
        look=look,
        width=width,
    )
    return figure([bars], layout)


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


LINE_COLOURS = ("#9467bd", "#8c564b", "#e377c2", "#ff7f0e")  # for models that are none of the three below
DECODER_COLOURS = {"vanilla": "#d62728", "attention": "#1f77b4", "transformer": "#2ca02c"}


def _colours(names, decoders: dict[str, str] | None) -> list[str]:
    """Vanilla models red, attention models blue and Transformers green in every chart (``decoders``: name ->
    ``cfg.decoder``); a second model of one decoder, or one of another family, from LINE_COLOURS."""
    others, used, out = iter(LINE_COLOURS * 4), set(), []
    for name in names:
        colour = DECODER_COLOURS.get((decoders or {}).get(name, ""))
        out.append(colour if colour and colour not in used else next(others))
        used.add(out[-1])
    return out


def length_curve(
    curves: dict[str, list[dict]],
    trained: tuple[int, int] | None = None,
    look: Look = PLAIN,
    height: int = 420,
    width: int = HALF,
    decoders: dict[str, str] | None = None,
) -> go.Figure:
    """Exact match against source length, one line per model (Bahdanau et al. 2015, Fig. 2).

    :param curves: model name -> [{"length", "exact_match", "n"}] (``analysis.accuracy_by_length``)
    :param trained: the training length range, shaded
    :param decoders: model name -> its ``cfg.decoder`` (colours the lines)
    """
    data = []
    for (name, rows), colour in zip(curves.items(), _colours(curves, decoders), strict=True):
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
        width=width,
    )
    return figure(data, layout)


def bin_label(lo: float, hi: float, whole: bool) -> str:
    """ "3", "3…5" or "−0.41…−0.2": a bin of ``errors_analysis.error_rate_by`` as a tick label
    (a true minus sign, so a range of negative numbers does not read as a row of dashes)."""
    fmt = "{:.0f}" if whole else "{:.2g}"
    text = fmt.format(lo) if lo == hi else f"{fmt.format(lo)}…{fmt.format(hi)}"
    return text.replace("-", "−")


def error_rate_bars(
    bins: list[dict], field: str, overall: float, look: Look = PLAIN, width: int = NARROW, height: int = 300
) -> go.Figure:
    """Error rate against one measured field (error analysis): one bar per bin of rows, low
    values left; the dashed line is the error rate of all rows.

    :param bins: [{"lo", "hi", "error_rate", "n"}] (``errors_analysis.error_rate_by``)
    :param field: the field's name (``errors_analysis.RISK``), for the axis title (i18n "fig.errors.<field>")
    :param overall: the error rate over every row, in [0, 1]
    """
    whole = all(float(b["lo"]).is_integer() and float(b["hi"]).is_integer() for b in bins)
    labels = [bin_label(b["lo"], b["hi"], whole) for b in bins]
    rates = [100 * b["error_rate"] for b in bins]
    bars = {
        "type": "bar",
        "x": list(range(len(bins))),
        "y": rates,
        "marker": {"color": [HIGHLIGHT if r > 100 * overall else CHOSEN for r in rates]},
        "customdata": [[label, b["n"]] for label, b in zip(labels, bins, strict=True)],  # before any <br>
        "hovertemplate": look.t("fig.errors.hover") + "<extra></extra>",
    }
    axis_name = look.t(f"fig.errors.{field}")
    if max(map(len, labels), default=0) > 6:  # long ranges: one number a line, so the labels never collide
        labels = [label.replace("…", "…<br>") for label in labels]
    ticks = {"tickmode": "array", "tickvals": list(range(len(bins))), "ticktext": labels, "tickangle": 0}
    mean = {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": 100 * overall, "y1": 100 * overall,
            "line": {"color": "#555", "width": 2, "dash": "dash"}}  # fmt: skip
    layout = _layout(
        look.t("fig.errors.title", field=axis_name),
        height,
        xaxis={"title": {"text": axis_name}} | ticks,
        yaxis={"title": {"text": look.t("fig.errors.y")}, "range": [0, 105]},
        shapes=[mean],
        look=look,
        width=width,
        top=60,
    )
    return figure([bars], layout)


STATE_VIEWS = ("position", "token")  # what state_paths colours the points by


def _token_colours(tokens) -> dict[str, str]:
    """One colour per distinct token (first seen, first coloured), the same in both panels: a
    letter the decoder writes has the colour of the letter the encoder read."""
    palette = qualitative.Dark24
    return {tok: palette[i % len(palette)] for i, tok in enumerate(dict.fromkeys(tokens))}


def state_paths(
    traj,
    step: int | None = None,
    look: Look = PLAIN,
    width: int = WIDE,
    height: int = 420,
    dims: int = 2,
    colour: str = "position",
    growth=None,
    show_c: bool | None = None,
) -> go.Figure:
    """One decode's states as paths in fixed PCA axes (``states.trajectory``): left the encoder
    states h_1…h_S, right the decoder states s_1…s_T, each a line through its points in order,
    labelled with the token (x_i or y_t) and coloured by position (``colour="position"``) or by
    token (``"token"``: the same token the same colour in both panels); s_``step`` (1-based) is
    ringed in red. ``dims`` 2 or 3 (3-D needs a trajectory with three axes).

    c among the h_i: a star at the decode's own c (by default for the vanilla decoder, whose
    only context it is; ``show_c`` forces it on or off), and ``growth`` (``states.ContextPath``),
    the c of inputs of growing length as a dashed path of stars labelled with their length T.

    :param traj: a ``states.Trajectory``
    """
    dims = 3 if dims == 3 and min((len(p) for p in traj.encoder + traj.decoder), default=0) >= 3 else 2
    show_c = traj.decoder_kind == "vanilla" if show_c is None else show_c
    colours = _token_colours([*traj.source_tokens, *traj.output_tokens]) if colour == "token" else None
    c_name = look.t("fig.states.c_mean") if traj.decoder_kind == "transformer" else look.t("fig.states.c")
    names = ("x", "y", "z")

    def coords(points) -> np.ndarray:
        xyz = np.asarray(points, dtype=float).reshape(len(points), -1)[:, :dims]
        return np.hstack([xyz, np.zeros((len(xyz), dims - xyz.shape[1]))]) if xyz.shape[1] < dims else xyz

    def trace(panel: int, xyz: np.ndarray, **spec) -> dict:
        axes = (
            {"scene": "scene" if panel == 0 else "scene2"}
            if dims == 3
            else {"xaxis": ("x", "x2")[panel], "yaxis": ("y", "y2")[panel]}
        )
        return {"type": "scatter3d" if dims == 3 else "scatter", **axes, "showlegend": False,
                **{names[i]: xyz[:, i].tolist() for i in range(dims)}} | spec  # fmt: skip

    data, annotations = [], []
    panels = ((traj.encoder, traj.source_tokens, "h"), (traj.decoder, traj.output_tokens, "s"))
    label_size = look.size(FONT_SIZE)
    for panel, ((points, tokens, sym), explained) in enumerate(zip(panels, traj.explained, strict=True)):
        xyz = coords(points)
        if colours is None:
            marker_colour = {"color": list(range(len(tokens))), "colorscale": RANK_SCALE,
                             "cmin": 0, "cmax": max(len(tokens) - 1, 1)}  # fmt: skip
        else:
            marker_colour = {"color": [colours[t] for t in tokens]}
        label = display_token if dims == 2 else visible_token  # 3-D text is plain: "&lt;" would show as typed
        data.append(trace(
            panel, xyz, mode="lines+markers+text", text=[label(t) for t in tokens],
            textposition="top center", textfont={"size": label_size},
            line={"color": "#bbb", "width": 2 if dims == 2 else 4},
            marker={"size": look.size(11 if dims == 2 else 6)} | marker_colour,
            customdata=[f"{sym}<sub>{i}</sub> = {display_token(t)}" for i, t in enumerate(tokens, start=1)],
            hovertemplate="%{customdata}<extra></extra>",
        ))  # fmt: skip
        if sym == "s" and step is not None and 1 <= step <= len(xyz):
            ring = {"size": look.size(22), "color": "rgba(0,0,0,0)", "line": {"color": HIGHLIGHT, "width": 3}}
            if dims == 3:
                ring = {"size": look.size(14), "color": HIGHLIGHT, "symbol": "circle-open"}
            data.append(trace(panel, xyz[step - 1 : step], mode="markers", hoverinfo="skip", marker=ring))
        if sym == "h" and growth is not None and growth.points:
            lengths = list(growth.lengths)
            every = max(1, len(lengths) // 6)
            shown = [str(n) if i % every == 0 or i == len(lengths) - 1 else "" for i, n in enumerate(lengths)]
            data.append(trace(
                panel, coords(growth.points), mode="lines+markers+text", text=shown, textposition="bottom center",
                textfont={"size": look.size(FONT_SIZE - 2), "color": GOLD}, showlegend=True,
                name=look.t("fig.states.growth", c=c_name),
                line={"color": GOLD, "width": 2, "dash": "dash"},
                marker={"symbol": "diamond" if dims == 3 else "star", "size": look.size(9 if dims == 2 else 4),
                        "color": GOLD},
                customdata=lengths, hovertemplate=look.t("fig.states.growth_hover", c=c_name) + "<extra></extra>",
            ))  # fmt: skip
        if sym == "h" and show_c and traj.context is not None:
            data.append(trace(
                panel, coords([traj.context]), mode="markers", showlegend=True, name=c_name,
                hovertemplate=c_name + "<extra></extra>",
                marker={"symbol": "diamond" if dims == 3 else "star", "size": look.size(20 if dims == 2 else 8),
                        "color": HIGHLIGHT},
            ))  # fmt: skip
        share = f" ({100 * sum(explained[:dims]):.0f} %)" if explained else ""
        title = (look.t("fig.states.encoder") if sym == "h" else look.t("fig.states.decoder")) + share
        where = {"xref": f"{('x', 'x2')[panel]} domain", "yref": f"{('y', 'y2')[panel]} domain", "x": 0.5, "y": 1.02}
        if dims == 3:
            where = {"xref": "paper", "yref": "paper", "x": (0.24, 0.76)[panel], "y": 1.0}
        annotations.append(where | {"text": title, "xanchor": "center", "yanchor": "bottom", "showarrow": False,
                                    "font": {"size": look.size(FONT_SIZE + 1)}})  # fmt: skip
    legend = {"orientation": "h", "y": -0.08, "x": 0, "font": {"size": look.size(FONT_SIZE - 1)}}
    if dims == 3:
        axis = {"showticklabels": False, "title": {"font": {"size": look.size(FONT_SIZE - 2)}}}
        scene = {f"{n}axis": axis | {"title": {"text": f"PC {i + 1}"}} for i, n in enumerate(names)}
        scene |= {"camera": {"eye": {"x": 1.35, "y": 1.35, "z": 0.75}}, "aspectmode": "cube"}
        layout = _layout(look.t("fig.states.title"), height + 160, look=look, width=width, top=90,
                         scene=scene | {"domain": {"x": [0, 0.48], "y": [0, 1]}},
                         scene2=scene | {"domain": {"x": [0.52, 1], "y": [0, 1]}}, annotations=annotations,
                         legend=legend, uirevision="states")  # fmt: skip
        layout.pop("xaxis"), layout.pop("yaxis")
        return figure(data, layout)
    axis = {"zeroline": False, "showticklabels": False, "title": {"text": ""}}
    layout = _layout(look.t("fig.states.title"), height, xaxis=axis | {"domain": [0, 0.47], "title": {"text": "PC 1"}},
                     yaxis=axis | {"title": {"text": "PC 2"}}, look=look, width=width, top=90,
                     xaxis2=axis | {"domain": [0.53, 1], "anchor": "y2", "title": {"text": "PC 1"}},
                     yaxis2=axis | {"anchor": "x2"}, annotations=annotations, legend=legend)  # fmt: skip
    return figure(data, layout)


def alignment_curves(
    histories: dict[str, TrainingHistory], look: Look = PLAIN, width: int = HALF, decoders: dict[str, str] | None = None
) -> go.Figure:
    """How alignment forms: at every validation, the probes' mean attention entropy (left axis,
    solid) and, where the task has gold alignments, their AER (right axis, dotted), one colour
    per model, on the same step axis as the loss curve. Models without those rows draw nothing."""
    data = []
    for (name, history), colour in zip(histories.items(), _colours(histories, decoders), strict=True):
        rows = [v for v in history.valid if "attention_entropy" in v]
        label = html.escape(name)
        data.append({"type": "scatter", "mode": "lines+markers", "name": f"{label}: H(α)",
                     "x": [v["step"] for v in rows], "y": [v["attention_entropy"] for v in rows],
                     "line": {"color": colour, "width": 3}, "marker": {"size": 5}})  # fmt: skip
        aer = [v for v in rows if "aer" in v]
        if aer:
            data.append({"type": "scatter", "mode": "lines+markers", "name": f"{label}: AER", "yaxis": "y2",
                         "x": [v["step"] for v in aer], "y": [v["aer"] for v in aer],
                         "line": {"color": colour, "width": 2, "dash": "dot"}, "marker": {"size": 5}})  # fmt: skip
    layout = _layout(
        look.t("fig.alignment.title"),
        300,
        look=look,
        width=width,
        xaxis={"title": {"text": look.t("fig.step_axis")}},
        yaxis={"title": {"text": look.t("fig.alignment.entropy")}, "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.35},
    )
    layout["yaxis2"] = {"title": {"text": look.t("fig.alignment.aer")}, "overlaying": "y", "side": "right",
                        "range": [0, 1.02], "showgrid": False}  # fmt: skip
    return figure(data, layout)


def training_curves(
    histories: dict[str, TrainingHistory],
    metric: str = "loss",
    look: Look = PLAIN,
    width: int = HALF,
    decoders: dict[str, str] | None = None,
) -> go.Figure:
    """Training histories overlaid: ``metric`` "loss" (per step, smoothed) or "exact_match"
    (held-out, per validation). ``decoders``: name -> ``cfg.decoder`` (colours the lines)."""
    data = []
    for (name, history), colour in zip(histories.items(), _colours(histories, decoders), strict=True):
        if metric == "loss":
            steps = [s for s, _ in history.loss]
            values = [v for _, v in history.loss]
            window = max(1, len(values) // 50)  # a running mean: raw per-batch losses are noisy
            values = np.convolve(values, np.ones(window) / window, mode="same").tolist() if values else []
        else:
            steps = [v["step"] for v in history.valid]
            values = [100 * v["exact_match"] for v in history.valid]
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
        width=width,
        xaxis={"title": {"text": look.t("fig.step_axis")}},
        yaxis={"title": {"text": axis}} | ({"type": "log", "dtick": 1} if metric == "loss" else {"range": [-3, 105]}),
        legend={"orientation": "h", "y": -0.3},
    )
    return figure(data, layout)


# --- Play: the whole decode as one animated figure ----------------------------------------------

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
        "marker": {"symbol": "square", "size": max(cell - 2, 3), "color": z.ravel().tolist(),
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


# --- attributions beside α (seq2seq/attribution.py) -------------------------------------------------

METHOD_COLOURS = {
    "alpha": CHOSEN, "saliency": "#2ca02c", "grad-input": "#8c564b", "ig": "#d62728", "occlusion": "#9467bd",
}  # fmt: skip


def row_normalised(method: str, scores) -> np.ndarray:
    """A method's importance per step scaled to [0, 1] by its row's largest value, so every method
    shares α's colour scale: |score| for gradient methods, the drop (negative: 0) for occlusion."""
    from seq2seq.analysis.attribution import importance

    imp = np.clip(importance(method, np.asarray(scores, dtype=float)), 0.0, None)
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
    scores = attributions.scores[method]
    z = np.asarray(scores, dtype=float) if method == "alpha" else row_normalised(method, scores)
    name = look.t(f"explain.method.{method}")
    return alignment_heatmap(
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


def attribution_bars(attributions, step: int, look: Look = PLAIN, width: int = HALF) -> go.Figure:
    """Every method's (row-scaled) score over the source tokens at one (1-based) step, grouped."""
    src = attributions.source_tokens
    data = []
    for method in attributions.methods:
        row = np.asarray(attributions.scores[method][step - 1], dtype=float)
        y = row if method == "alpha" else row_normalised(method, row[None, :])[0]
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


# --- after the notes: the Transformer's heads -------------------------------------------------------


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


# --- the Lecture's section after the notes: one head's Q, K, V, and a step's time against length -----

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


def step_time_chart(times, look: Look = PLAIN, width: int = HALF, height: int = 360) -> go.Figure:
    """Milliseconds per training step against sequence length, one line per model family
    (log–log, so a line's slope is how its time grows with n); the lengths still to measure
    keep their place on the x axis while it runs.

    :param times: an ``analysis.StepTimes`` (duck-typed)
    """
    data = []
    names = {"attention": look.t("fig.steps.attention"), "transformer": look.t("fig.steps.transformer")}
    for family, ms in times.ms.items():
        name = names.get(family, family)
        data.append({
            "type": "scatter", "mode": "lines+markers", "name": name, "x": times.lengths, "y": ms,
            "line": {"color": DECODER_COLOURS.get(family, OTHER), "width": 3}, "marker": {"size": 9},
            "hovertemplate": f"{name}<br>n = %{{x}}: %{{y:.0f}} ms<extra></extra>",
        })  # fmt: skip
    planned = times.planned or times.lengths or [8]
    layout = _layout(
        look.t("fig.steps.title", b=times.batch_size, d=times.width, threads=times.threads),
        height,
        xaxis={"title": {"text": look.t("fig.steps.x")}, "type": "log", "tickvals": planned,
               "range": [np.log10(planned[0] / 1.3), np.log10(planned[-1] * 1.3)]},
        yaxis={"title": {"text": look.t("fig.steps.y")}, "type": "log"},
        legend={"orientation": "h", "y": -0.3},
        look=look,
        width=width,
    )  # fmt: skip
    layout["margin"] |= {"b": 60}
    return figure(data, layout)
