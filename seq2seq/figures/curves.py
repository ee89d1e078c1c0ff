"""Curves that compare models: exact match against source length (the bottleneck), training
loss and accuracy, how alignment forms during training, error rate by a measured field, and
a training step's time against sequence length. One colour per model, the same in every chart."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from seq2seq.core.results import TrainingHistory
from seq2seq.figures.look import (
    CHOSEN,
    FONT_SIZE,
    HALF,
    HIGHLIGHT,
    NARROW,
    OTHER,
    PLAIN,
    Look,
    _layout,
    figure,
    text_width,
)

LINE_COLOURS = ("#9467bd", "#8c564b", "#e377c2", "#ff7f0e")  # for a second line of one colour, or none given


def _colours(names, colours: dict[str, str] | None) -> list[str]:
    """Each line in the colour asked for (``colours``: name -> colour, e.g. its model family's:
    vanilla red, attention blue, Transformer green in every chart); a second line of one colour,
    or a line without one, from LINE_COLOURS."""
    others, used, out = iter(LINE_COLOURS * 4), set(), []
    for name in names:
        colour = (colours or {}).get(name)
        out.append(colour if colour and colour not in used else next(others))
        used.add(out[-1])
    return out


def length_curve(
    curves: dict[str, list[dict]],
    trained: tuple[int, int] | None = None,
    look: Look = PLAIN,
    height: int = 420,
    width: int = HALF,
    colours: dict[str, str] | None = None,
) -> go.Figure:
    """Exact match against source length, one line per model (Bahdanau et al. 2015, Fig. 2).

    :param curves: model name -> [{"length", "exact_match", "n"}] (``analysis.accuracy_by_length``)
    :param trained: the training length range, shaded
    :param colours: model name -> its line's colour (its family's)
    """
    data = []
    for (name, rows), colour in zip(curves.items(), _colours(curves, colours), strict=True):
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


def score_curve(
    curves: dict[str, list[dict]],
    unit: str = "word",
    look: Look = PLAIN,
    height: int = 420,
    width: int = HALF,
    colours: dict[str, str] | None = None,
) -> go.Figure:
    """BLEU (solid) and chrF (dotted) against source length on real sentences, one colour per
    model (Bahdanau et al. 2015, Fig. 2, where exact match would be ~0 at every length).

    :param curves: model name -> [{"bucket", "bleu", "chrf", "n"}] (``analysis.scores_by_length``),
        buckets in order of length, the same for every model
    :param unit: the source's unit ("word" | "char"), for the x axis
    :param colours: model name -> its line's colour (its family's)
    """
    data = []
    for (name, rows), colour in zip(curves.items(), _colours(curves, colours), strict=True):
        label = html.escape(name)
        for metric, dash in (("bleu", "solid"), ("chrf", "dot")):
            shown = "BLEU" if metric == "bleu" else "chrF"
            data.append({
                "type": "scatter", "mode": "lines+markers", "name": f"{label} · {shown}",
                "x": [r["bucket"] for r in rows], "y": [r[metric] for r in rows], "customdata": [r["n"] for r in rows],
                "line": {"color": colour, "width": 3, "dash": dash}, "marker": {"size": 7},
                "hovertemplate": f"{label}<br>" + look.t("fig.score_length.hover", metric=shown) + "<extra></extra>",
            })  # fmt: skip
    x_title = look.t("fig.score_length.x_word") if unit == "word" else look.t("fig.score_length.x_char")
    layout = _layout(
        look.t("fig.score_length.title"),
        height,
        xaxis={"title": {"text": x_title}, "type": "category"},
        yaxis={"title": {"text": look.t("fig.score_length.y")}, "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.25},
        look=look,
        width=width,
    )
    return figure(data, layout)


def bin_label(lo: float, hi: float, whole: bool) -> str:
    """ "3", "3…5" or "−0.41…−0.2": a bin of ``mistakes.error_rate_by`` as a tick label
    (a true minus sign, so a range of negative numbers does not read as a row of dashes)."""
    fmt = "{:.0f}" if whole else "{:.2g}"
    text = fmt.format(lo) if lo == hi else f"{fmt.format(lo)}…{fmt.format(hi)}"
    return text.replace("-", "−")


def error_rate_bars(
    bins: list[dict], field: str, overall: float, look: Look = PLAIN, width: int = NARROW, height: int = 300
) -> go.Figure:
    """Error rate against one measured field (error analysis): one bar per bin of rows, low
    values left; the dashed line is the error rate of all rows.

    :param bins: [{"lo", "hi", "error_rate", "n"}] (``mistakes.error_rate_by``)
    :param field: the field's name (``mistakes.RISK``), for the axis title (i18n "fig.errors.<field>")
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
    # a label wider than its bar's slot (−0.0047 at a third of the page): slanted, so none runs into the next
    slot = (look.size(width) - 100) / max(len(bins), 1)
    font = look.size(FONT_SIZE)
    widest = max((text_width(line, font) for label in labels for line in label.split("<br>")), default=0)
    ticks = {"tickmode": "array", "tickvals": list(range(len(bins))), "ticktext": labels,
             "tickangle": 0 if widest <= slot - 6 else -35}  # fmt: skip
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


def alignment_curves(
    histories: dict[str, TrainingHistory], look: Look = PLAIN, width: int = HALF, colours: dict[str, str] | None = None
) -> go.Figure:
    """How alignment forms: at every validation, the probes' mean attention entropy (left axis,
    solid) and, where the task has gold alignments, their AER (right axis, dotted), one colour
    per model, on the same step axis as the loss curve. Models without those rows draw nothing."""
    data = []
    for (name, history), colour in zip(histories.items(), _colours(histories, colours), strict=True):
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
    colours: dict[str, str] | None = None,
) -> go.Figure:
    """Training histories overlaid: ``metric`` "loss" (per step, smoothed), "exact_match" or
    "bleu" (held-out, per validation; BLEU for real sentences, whose exact match stays near 0).
    ``colours``: name -> its line's colour."""
    data = []
    for (name, history), colour in zip(histories.items(), _colours(histories, colours), strict=True):
        if metric == "loss":
            steps = [s for s, _ in history.loss]
            values = [v for _, v in history.loss]
            window = max(1, len(values) // 50)  # a running mean: raw per-batch losses are noisy
            values = np.convolve(values, np.ones(window) / window, mode="same").tolist() if values else []
        else:
            rows = [v for v in history.valid if metric in v]
            steps = [v["step"] for v in rows]
            values = [v[metric] if metric == "bleu" else 100 * v[metric] for v in rows]  # both 0-100
        data.append({"type": "scatter", "mode": "lines", "name": html.escape(name), "x": steps, "y": values,
                     "line": {"color": colour, "width": 3}})  # fmt: skip
    if metric == "loss":
        title, axis = look.t("fig.loss.title"), look.t("fig.loss.y")
    elif metric == "bleu":
        title, axis = look.t("fig.bleu.title"), "BLEU"
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


def step_time_chart(
    times, look: Look = PLAIN, width: int = HALF, height: int = 360, colours: dict[str, str] | None = None
) -> go.Figure:
    """Milliseconds per training step against sequence length, one line per model family
    (log–log, so a line's slope is how its time grows with n); the lengths still to measure
    keep their place on the x axis while it runs.

    :param times: an ``analysis.StepTimes`` (duck-typed)
    :param colours: role ("recurrent", "parallel") -> its line's colour (the timed models' families')
    """
    data = []
    names = {"recurrent": look.t("fig.steps.recurrent"), "parallel": look.t("fig.steps.parallel")}
    for family, ms in times.ms.items():
        name = names.get(family, family)
        data.append({
            "type": "scatter", "mode": "lines+markers", "name": name, "x": times.lengths, "y": ms,
            "line": {"color": (colours or {}).get(family, OTHER), "width": 3}, "marker": {"size": 9},
            "hovertemplate": f"{name}<br>n = %{{x}}: %{{y:.0f}} ms<extra></extra>",
        })  # fmt: skip
    planned = times.planned or times.lengths or [8]
    layout = _layout(
        look.t("fig.steps.title", b=times.batch_size, d=times.width, threads=times.threads),
        height,
        xaxis={"title": {"text": look.t("fig.steps.x")}, "type": "log", "tickvals": planned,
               "range": [np.log10(planned[0] / 1.3), np.log10(planned[-1] * 1.3)]},
        # ticks at 1, 10, 100 … ms only: Plotly's minor log ticks (2 … 9) pile up on a short range
        yaxis={"title": {"text": look.t("fig.steps.y")}, "type": "log", "dtick": 1},
        legend={"orientation": "h", "y": -0.3},
        look=look,
        width=width,
    )  # fmt: skip
    layout["margin"] |= {"b": 60}
    return figure(data, layout)
