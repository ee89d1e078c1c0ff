"""The shared look of every figure: fonts, colours and widths, ``Look`` (language and size),
token labels that fit, titles that wrap, the one ``figure()`` that makes a Plotly figure, and
the shared layout.

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
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from plotly.colors import get_colorscale

from seq2seq import i18n
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


def p_text(p: float) -> str:
    """A probability as a bar label: 3 decimals, or 2 significant digits when it would read 0.000."""
    return f"{p:.3f}" if p >= 0.0005 or p == 0 else f"{p:.1e}"


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
