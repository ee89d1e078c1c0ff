import itertools
import json
import re
from dataclasses import replace

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from seq2seq import figures
from seq2seq.core import checkpoint
from seq2seq.core.results import Candidate, DecodeTrace, TraceStep

from .conftest import CHECKPOINTS


def make_trace(decoder: str, source="banana", output="ananab") -> DecodeTrace:
    """A hand-made trace: figure builders take data, not models."""
    rng = np.random.default_rng(0)
    src = [*source, "</s>"]
    steps = []
    for t, token in enumerate([*output, "</s>"]):
        alpha = rng.dirichlet(np.ones(len(src))).tolist() if decoder == "attention" else None
        context = rng.normal(size=6).tolist() if decoder == "attention" or t == 0 else steps[0].context
        top = [Candidate(token, 10 + t, 0.7), Candidate("x", 9, 0.2), Candidate("y", 8, 0.1)]
        steps.append(TraceStep(token, 10 + t, 0.7, top, alpha, alpha, context, rng.normal(size=6).tolist()))
    return DecodeTrace(source, src, output, [*output, "</s>"], decoder, steps)


@pytest.fixture
def attention_trace():
    return make_trace("attention")


@pytest.fixture
def vanilla_trace():
    return make_trace("vanilla")


@pytest.mark.parametrize(
    "build",
    [
        lambda tr: figures.attention_heatmap(tr, 2, gold={(0, 5)}),
        lambda tr: figures.attention_flow(tr, 2),
        lambda tr: figures.alpha_bars(tr, 2),
        lambda tr: figures.topk_bars(tr, 2),
        lambda tr: figures.context_strip(tr, 2),
        lambda tr: figures.coverage_bars(tr, 2),
        lambda tr: figures.energy_bars(tr, 2),
        lambda tr: figures.decode_animation(tr, look=figures.Look("zh")),
    ],
)
def test_the_app_draws_its_unvalidated_figures_as_plotly_validates_them(monkeypatch, build, attention_trace):
    """The app builds figures without Plotly's checks (figures.look.VALIDATE, for speed): what it sends
    to the browser must be what the checked figure sends (Plotly's checks also rewrite values, e.g.
    a colour scale's name into its colours, which Plotly.js would read as other colours)."""

    def sent() -> dict:
        fig = json.loads(pio.to_json(build(attention_trace), validate=False))
        fig["layout"] = {k: v for k, v in fig["layout"].items() if v != []}  # checked: an empty list is left out
        return fig

    monkeypatch.setattr(figures.look, "VALIDATE", True)
    checked = sent()
    monkeypatch.setattr(figures.look, "VALIDATE", False)
    assert sent() == checked


def test_margins_make_room_for_labels_and_colour_bars_and_never_shrink():
    """figures._fit_margins: Plotly's automargin would widen a margin only after a first draw (and
    draw again); the room is made beforehand. Checked against Plotly in the browser by
    tests/test_browser_projector.py (no Translate chart is widened)."""
    font = figures.FONT_SIZE
    short = figures._layout("t", 300, yaxis=figures._token_axis(["a", "b"], "y", along="y"))
    long = figures._layout("t", 300, yaxis=figures._token_axis(["a", "a-much-longer-label"], "y", along="y"))
    assert figures.figure([], long).layout.margin.l > figures.figure([], short).layout.margin.l >= 60
    assert figures.figure([], long).layout.margin.l >= figures.text_width("a-much-longer-label", font)
    heat = {"type": "heatmap", "z": [[0.5]], "colorbar": {"title": {"text": "α"}, "thickness": 18}}
    assert figures.figure([heat], short).layout.margin.r > 80 > figures.figure([], short).layout.margin.r
    tiny = short | {"margin": {"l": 500, "r": 500, "t": 70, "b": 500}}
    assert figures.figure([heat], tiny).layout.margin.to_plotly_json() == tiny["margin"]  # never narrowed
    panels = long | {"xaxis2": {}, "margin": {"l": 1, "r": 1, "t": 1, "b": 1}}
    assert figures.figure([], panels).layout.margin.l == 1  # several panels: left to Plotly


def test_heatmap_keeps_repeated_tokens_apart(attention_trace):
    fig = figures.attention_heatmap(attention_trace, step=2)
    assert isinstance(fig, go.Figure)
    heat = fig.data[0]
    assert heat.z.shape == (len(attention_trace.steps), 7)  # b a n a n a </s>
    assert list(fig.layout.xaxis.ticktext) == ["b", "a", "n", "a", "n", "a", "&lt;/s&gt;"]
    assert heat.zmin == 0 and heat.zmax == 1
    (outline,) = fig.layout.shapes
    assert (outline.y0, outline.y1) == (0.5, 1.5)  # row of step 2
    assert "α" in heat.hovertemplate


def test_step_figures(attention_trace):
    bars = figures.alpha_bars(attention_trace, 1)
    assert list(bars.data[0].y) == attention_trace.steps[0].alpha
    top = figures.topk_bars(attention_trace, 1)
    assert len(top.data[0].x) == len(attention_trace.steps[0].top_k)


def test_vanilla_has_a_context_strip_but_no_heatmap(vanilla_trace):
    with pytest.raises(ValueError):
        figures.attention_heatmap(vanilla_trace)
    n = len(vanilla_trace.steps)
    strip = figures.context_strip(vanilla_trace, current=2)
    z = strip.data[0].z
    assert z.shape[0] == n and (z == z[0]).all()  # the same c on every row
    assert "identical rows" in strip.layout.title.text
    (outline,) = strip.layout.shapes
    assert (outline.y0, outline.y1) == (0.5, 1.5)  # around row 2: category i sits at i
    assert list(strip.data[0].y) == [
        f"t={t} {figures.display_token(s.token)}" for t, s in enumerate(vanilla_trace.steps, 1)
    ]
    assert strip.layout.yaxis.type == "category" and "%{y}" in strip.data[0].hovertemplate  # the row named on hover
    assert set(strip.layout.yaxis.tickvals) <= set(strip.data[0].y)


def test_attention_context_strip_varies(attention_trace):
    assert "identical" not in figures.context_strip(attention_trace, 1).layout.title.text


def test_flow_diagram_line_weights_follow_alpha(attention_trace):
    fig = figures.attention_flow(attention_trace, 3)
    alpha = attention_trace.steps[2].alpha
    lines = [d for d in fig.data if d.mode == "lines"]
    assert len(lines) == len(alpha)
    widths = [d.line.width for d in lines]
    assert int(np.argmax(widths)) == int(np.argmax(alpha))
    assert all(d.x[1] == lines[0].x[1] for d in lines)  # every line ends at the current output token
    tokens = fig.data[-1]
    assert tokens.textfont.color[2] == figures.HIGHLIGHT and tokens.textfont.color[3] == "#bbb"


def test_vanilla_flow_goes_through_one_c(vanilla_trace):
    fig = figures.attention_flow(vanilla_trace, 2)
    assert any(d.text == ("c",) for d in fig.data if d.mode == "markers+text")


def test_gold_cells_are_outlined(attention_trace):
    fig = figures.attention_heatmap(attention_trace, step=None, gold={(0, 5), (1, 4)})
    assert len(fig.layout.shapes) == 2 and all(s.line.dash == "dot" for s in fig.layout.shapes)


def test_target_probabilities_and_csv():
    from seq2seq.core.results import alignment_csv

    fig = figures.target_probabilities(["a", "</s>"], [0.9, 0.2], "t")
    sure, unsure = fig.data  # one hue, two shades, a legend; no red (it means "wrong" on these pages)
    assert (list(sure.x), list(sure.y), list(unsure.x), list(unsure.y)) == ([0], [0.9], [1], [0.2])
    assert sure.showlegend is not False and {sure.name, unsure.name} == {"sure: p ≥ 0.5", "unsure: p < 0.5"}
    assert figures.HIGHLIGHT not in (sure.marker.color, unsure.marker.color)
    output = figures.target_probabilities(["a"], [0.9], "t", output=True)
    assert output.layout.xaxis.title.text == "output y<sub>t</sub>"  # the model's output, not a target
    text = alignment_csv(["x", "</s>"], ["y", "</s>"], [[0.75, 0.25], [0.0, 1.0]])
    assert text.splitlines() == ["y \\ x,x,</s>", "y,0.750000,0.250000", "</s>,0.000000,1.000000"]


def test_long_inputs_get_smaller_labels():
    assert figures.tick_size(5) == figures.FONT_SIZE
    assert 9 <= figures.tick_size(80) < figures.FONT_SIZE


def test_invisible_tokens_get_visible_labels():
    assert figures.display_token(" ") == "␣"
    assert figures.display_token("\x00") == "U+0000"
    assert figures.display_token("日") == "日"
    assert figures.display_token("</s>") == "&lt;/s&gt;"  # Plotly reads labels as HTML
    assert figures.display_token("<b>&") == "&lt;b&gt;&amp;"


# --- what-if: forced tokens in the one purple, everywhere -------------------------------------


def forced_trace(source="banana", output="ananab", step=3, prob=2e-5) -> DecodeTrace:
    """A trace whose ``step`` (1-based) was forced to the candidate "x" at p ≈ 0."""
    trace = make_trace("attention", source, output)
    s = trace.steps[step - 1]
    s.token, s.token_id, s.prob, s.forced = "x", 9, prob, True
    s.top_k[1].prob = prob
    trace.output_tokens[step - 1] = "x"
    return trace


def test_forcing_marks_the_forced_step_and_those_after():
    trace = forced_trace(step=3)
    assert trace.forcing() == ["", "", "forced", "after", "after", "after", "after"]
    assert make_trace("attention").forcing() == [""] * 7


def test_forced_rows_are_purple_in_the_heatmap_and_the_context_strip():
    trace = forced_trace(step=3)
    ticks = figures.attention_heatmap(trace, 3).layout.yaxis.ticktext
    assert figures.FORCED not in ticks[0] and figures.FORCED not in ticks[1]
    assert figures.FORCED in ticks[2] and "<b>" in ticks[2]  # forced: bold purple
    assert all(figures.FORCED in t and "<i>" in t for t in ticks[3:])  # decoded after it: purple italics
    strip = figures.context_strip(trace, 3).layout.yaxis.ticktext
    assert [figures.FORCED in t for t in strip] == [False, False, True, True, True, True, True]
    assert figures.FORCED in figures.alpha_bars(trace, 3).layout.title.text
    assert figures.FORCED not in figures.alpha_bars(trace, 2).layout.title.text


def test_forced_candidate_shows_at_p_near_zero():
    trace = forced_trace(step=3, prob=2e-5)
    fig = figures.topk_bars(trace, 3)
    bars, diamond = fig.data
    assert bars.marker.color[1] == figures.FORCED and bars.x[1] == 2e-5
    assert diamond.marker.color == figures.FORCED and diamond.marker.symbol == "diamond"
    assert diamond.x == (2e-5,) and diamond.y == (1,)
    assert "2.0e-05" in diamond.text[0]  # its p as text, not "0.000"
    assert fig.layout.xaxis.range[0] < 0  # room left of 0 for the diamond
    assert figures.FORCED in fig.layout.yaxis.ticktext[1]
    unforced = figures.topk_bars(trace, 2)
    assert len(unforced.data) == 1 and figures.FORCED not in unforced.data[0].marker.color


def test_a_token_forced_from_outside_the_top_k_gets_its_own_bar():
    trace = forced_trace(step=2)
    trace.steps[1].top_k = [c for c in trace.steps[1].top_k if c.token_id != 9]
    fig = figures.topk_bars(trace, 2)
    assert len(fig.data[0].x) == len(trace.steps[1].top_k) + 1
    assert fig.data[0].marker.color[-1] == figures.FORCED


def test_forced_tokens_are_purple_in_the_flow_picture():
    trace = forced_trace(step=3)
    at_forced = figures.attention_flow(trace, 3).data[-1]
    assert at_forced.textfont.color[2] == figures.FORCED and "<b>" in at_forced.text[2]
    assert at_forced.marker.color[2] == figures.HIGHLIGHT  # the current step's dot stays red
    assert at_forced.textfont.color[4] == "#bbb" and "<i>" in at_forced.text[4]  # after it, still to come
    later = figures.attention_flow(trace, 6).data[-1]
    assert later.textfont.color[2] == figures.FORCED and later.textfont.color[3] == figures.FORCED
    assert later.textfont.color[0] == "#222"


# --- labels that never collide -----------------------------------------------------------------

LONG = ("abcdefghijklmnopqrstuvwxyz" * 5)[:105]  # the 105-character input of issue 20


def label_boxes(fig) -> list[tuple[float, float, int]]:
    """(left, right, line) in px of every written label of the flow picture's two token rows;
    the x axis is in px of the plot area, so positions and estimated widths compare directly."""
    boxes = []
    for row, trace in enumerate(fig.data[-2:]):
        size = trace.textfont.size
        for x, text in zip(trace.x, trace.text, strict=True):
            if not text:
                continue
            line = 1 if "<br>" in text else 0
            label = text.replace("<br>", "").replace("\u00a0", "")
            w = figures.text_width(label, size)
            boxes.append((x - w / 2, x + w / 2, 2 * row + line))
    return boxes


def assert_no_overlap(boxes, lo, hi):
    for left, right, _line in boxes:
        assert lo <= left and right <= hi, (left, right, lo, hi)
    for i, (a0, a1, la) in enumerate(boxes):
        for b0, b1, lb in boxes[i + 1 :]:
            assert la != lb or a1 <= b0 or b1 <= a0, ((a0, a1), (b0, b1))


@pytest.mark.parametrize(
    "source, output",
    [
        ("banana", "ananab"),
        ("n", "n"),
        ("日", "日"),
        (LONG, LONG[::-1]),
    ],
)
@pytest.mark.parametrize("scale", [1.0, 1.3])
def test_flow_labels_never_overlap(source, output, scale):
    trace = make_trace("attention", source, output)
    look = figures.Look(scale=scale)
    fig = figures.attention_flow(trace, min(3, len(trace.steps)), look)
    lo, hi = fig.layout.xaxis.range
    assert_no_overlap(label_boxes(fig), lo, hi)
    tokens = fig.data[-2]
    assert len(tokens.x) == len(trace.source_tokens)  # every token keeps its marker and hover
    assert all(f"= {figures.display_token(t)}" in h for t, h in zip(trace.source_tokens, tokens.hovertext, strict=True))
    assert min(tokens.textfont.size, fig.data[-1].textfont.size) >= look.size(figures.MIN_LABEL)
    written = sum(bool(t) for t in tokens.text)
    if len(source) > 100:
        assert 10 <= written < len(trace.source_tokens)  # thinned, not dropped
        assert fig.data[-1].text[2]  # the current output token is always written
    else:
        assert written == len(trace.source_tokens)


def word_trace(source: str, output: str) -> DecodeTrace:
    """A trace over word tokens (the translate task's tokenizer)."""
    trace = make_trace("attention", "ab", "ab")
    src, out = [*source.split(), "</s>"], [*output.split(), "</s>"]
    rng = np.random.default_rng(1)
    steps = [trace.steps[0].__class__(**{**trace.steps[0].__dict__, "token": y}) for y in out]
    for s in steps:
        s.alpha = rng.dirichlet(np.ones(len(src))).tolist()
    return DecodeTrace(source, src, output, out, "attention", steps)


def test_word_tokens_are_spaced_by_their_own_width():
    trace = word_trace(
        "the big dog sees a red ball near the river", "ta vak grao ga ta nuvi pres na bemo rusa wo mirak"
    )
    fig = figures.attention_flow(trace, 4)
    boxes = label_boxes(fig)
    assert len(boxes) == len(trace.source_tokens) + len(trace.output_tokens)  # every word written
    assert_no_overlap(boxes, *fig.layout.xaxis.range)
    gaps = [b[0] - a[1] for a, b in itertools.pairwise(boxes) if a[2] == b[2]]
    assert min(gaps) >= 0.3 * fig.data[-1].textfont.size  # a visible space between words


def test_heatmap_with_many_columns_shows_every_kth_label():
    trace = make_trace("attention", LONG, "x" * 30)
    fig = figures.attention_heatmap(trace, 1)
    x = fig.layout.xaxis
    assert x.tickfont.size >= figures.MIN_LABEL and x.tickangle == 0
    vals = list(x.tickvals)
    assert vals[0] == 0 and vals[-1] == 105  # the first and the last column always labelled
    k = vals[1] - vals[0]
    assert k > 1 and vals[:-1] == list(range(0, 105, k))[: len(vals) - 1]  # every k-th column labelled
    assert list(x.ticktext) == [figures.display_token(trace.source_tokens[i]) for i in vals]
    # positions and widths: the columns' room is the figure less margins, colour bar and row labels
    # (as alignment_heatmap reckons it); no two written labels overlap
    slot = (figures.HALF - 150 - figures.text_width("x", figures.FONT_SIZE)) / 106
    boxes = [
        (i * slot - figures.text_width(t, x.tickfont.size) / 2, i * slot + figures.text_width(t, x.tickfont.size) / 2)
        for i, t in zip(vals, x.ticktext, strict=True)
    ]
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(boxes))
    assert k <= 3  # not thinned more than the labels need
    assert "x<sub>%{customdata[3]}</sub> = %{customdata[2]}" in fig.data[0].hovertemplate  # full token on hover


def test_one_wide_label_hides_its_neighbour_not_every_other_label():
    fig = figures.attention_heatmap(make_trace("attention", "abcdefghijklmnopqrst", "ab"), look=figures.Look(scale=1.3))
    vals = list(fig.layout.xaxis.tickvals)
    assert vals[-1] == 20 and len(vals) >= 19  # "</s>" written; at most one letter beside it left to the hover


def test_alpha_bars_always_name_the_most_attended_token():
    """Thinned labels keep the red bar's: on a projector the bar the lecturer points at is named."""
    trace = make_trace("attention", "abcdefghijklmnopqrstuvwxyzabcdefghijklmn", "ab")
    for step in (1, 2):
        alpha = trace.steps[step - 1].alpha
        best = int(np.argmax(alpha))
        x = figures.alpha_bars(trace, step, width=300).layout.xaxis
        assert len(x.tickvals) < len(alpha) and best in x.tickvals  # thinned, the argmax kept


def test_long_word_columns_turn_vertical_before_thinning():
    trace = word_trace("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima", "a b")
    axis = figures.attention_heatmap(trace, 1).layout.xaxis
    assert axis.tickangle == -90 and len(axis.tickvals) == len(trace.source_tokens)


def test_long_titles_wrap_to_the_figure_width():
    title = "Attention α<sub>t,i</sub> — columns: source x<sub>i</sub>, rows: output y<sub>t</sub>"
    wrapped = figures.wrap_title(title, 400, 26)
    lines = wrapped.split("<br>")
    assert len(lines) >= 2 and all(figures.text_width(line, 26) <= 400 for line in lines)
    assert " ".join(lines) == title  # only spaces became line breaks
    assert figures.wrap_title(title, 2000, 20) == title
    zh = "注意力 α<sub>t,i</sub> — 列：源 x<sub>i</sub>，行：输出 y<sub>t</sub>"
    zh_lines = figures.wrap_title(zh, 200, 26).split("<br>")
    assert len(zh_lines) >= 2 and all(figures.text_width(line, 26) <= 200 for line in zh_lines)
    assert not any(line.startswith(("，", "：")) for line in zh_lines)


def test_every_figure_title_wraps_and_the_plot_keeps_its_height(attention_trace):
    look = figures.Look(scale=1.3)  # presentation mode: the Compare heatmap's title was cut there
    narrow = figures.attention_heatmap(attention_trace, look=look, width=500)
    wide = figures.attention_heatmap(attention_trace, look=look, width=1400)
    assert "<br>" in narrow.layout.title.text and "<br>" not in wide.layout.title.text
    grow = narrow.layout.height - wide.layout.height
    assert grow > 0 and narrow.layout.margin.t - wide.layout.margin.t == grow
    for fig in (
        figures.alpha_bars(attention_trace, 2, look, width=300),
        figures.topk_bars(attention_trace, 2, look, width=300),
        figures.context_strip(attention_trace, 2, look, width=300),
        figures.attention_flow(attention_trace, 2, look, width=300),
        figures.target_probabilities(["a"], [0.5], "p(y<sub>t</sub>) of each output token", look, width=300),
    ):
        size = fig.layout.title.font.size
        assert all(figures.text_width(line, size) <= 300 for line in fig.layout.title.text.split("<br>"))


# --- Play: the whole decode as one animated figure ----------------------------------------------


def test_animation_has_a_frame_per_step_that_draws_that_step(attention_trace):
    n = len(attention_trace.steps)
    fig = figures.decode_animation(attention_trace, gold={(0, 5)}, start=3)
    assert [f.name for f in fig.frames] == [str(t) for t in range(1, n + 1)]
    assert fig.layout.sliders[0].active == 2 and len(fig.layout.sliders[0].steps) == n
    play, pause = fig.layout.updatemenus[0].buttons
    # attention plays without a redraw per frame: every part that changes is a trace Plotly updates
    assert play.args[1]["fromcurrent"] and play.args[1]["frame"]["redraw"] is False
    assert 1000 / play.args[1]["frame"]["duration"] >= 4  # at least 4 steps a second
    assert list(pause.args[0]) == [None]
    heat = fig.data[0]  # α's cells, as coloured squares (Streamlit's Plotly.js dropped a heatmap's while animating)
    alpha = attention_trace.attention_matrix()
    assert heat.marker.symbol == "square" and np.allclose(np.reshape(heat.marker.color, alpha.shape), alpha)
    assert any(s.line.dash == "dot" for s in fig.layout.shapes)  # the gold cell, at every step
    assert fig.layout.barmode == "overlay"
    changing = list(fig.frames[0].traces)
    assert 0 not in changing  # the α cells are the same at every step: no frame re-sends them
    for t, frame in enumerate(fig.frames, start=1):
        assert list(frame.traces) == changing  # every frame updates the same traces
        assert all(d.type in ("scatter", "bar") for d in frame.data)  # updated without a redraw
        bars = [d for d in frame.data if d.type == "bar"]  # α_t, one trace per colour
        assert all(isinstance(b.marker.color, str) for b in bars)  # a bar's colour moves with its trace
        heights = {x: y for b in bars for x, y in zip(b.x, b.y, strict=True)}
        assert [heights[i] for i in range(len(heights))] == attention_trace.steps[t - 1].alpha
        best = next(b for b in bars if b.marker.color == figures.HIGHLIGHT)
        assert list(best.x) == [int(np.argmax(attention_trace.steps[t - 1].alpha))]
        header = [d for d in frame.data if d.type == "scatter" and d.mode == "text"]
        assert len(header) == 1 and f"t = {t} of {n}" in header[0].text[0]
        outline = frame.data[-1]  # step t's row of the heatmap
        assert outline.line.color == figures.HIGHLIGHT and set(outline.y) == {t - 1.5, t - 0.5}
    # the figure opens at the start step
    assert "t = 3 of" in next(d for d in fig.data if d.type == "scatter" and d.mode == "text").text[0]
    # nothing in the layout names a step: frames change traces only
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "t = " not in texts and all(f.layout.to_plotly_json() == {} for f in fig.frames)


def test_animation_of_a_vanilla_decoder_and_of_a_what_if(vanilla_trace):
    fig = figures.decode_animation(vanilla_trace, look=figures.Look("zh"))
    assert not any(getattr(d.marker, "symbol", None) == "square" for d in fig.data if d.type == "scatter")
    assert fig.layout.updatemenus[0].buttons[0].label == "▶ 播放"
    steps = vanilla_trace.steps
    forced = DecodeTrace(
        vanilla_trace.source, vanilla_trace.source_tokens, vanilla_trace.output, vanilla_trace.output_tokens,
        "vanilla", [replace(steps[0], forced=True), *steps[1:]],
    )  # fmt: skip
    fig = figures.decode_animation(forced)
    first = fig.frames[0]
    header = next(d for d in first.data if d.type == "scatter" and d.mode == "text")
    assert figures.FORCED in header.text[0]  # the forced token, purple as everywhere
    # the top-k panel gets its forced diamond at step 1 and an empty stand-in later: same traces
    assert len(first.data) == len(fig.frames[1].data) == len(first.traces) and first.traces == fig.frames[1].traces
    assert fig.layout.updatemenus[0].buttons[0].args[1]["frame"]["redraw"]  # top-k names its bars in the layout
    assert any(getattr(d.marker, "symbol", None) == "diamond" for d in first.data if d.type == "scatter")


def test_offline_html_plays_without_network(attention_trace):
    page = figures.offline_html(figures.decode_animation(attention_trace))
    assert "<html>" in page[:100] and 'charset="utf-8"' in page and len(page) > 3_000_000  # plotly.js itself is inside
    assert "Plotly.newPlot" in page and "Plotly.animate" in page  # draws, then plays on open
    assert all(f'"name":"{t}"' in page for t in range(1, len(attention_trace.steps) + 1))  # every frame
    assert not re.search(r"<script[^>]*\bsrc\s*=\s*[\"']?(https?:)?//", page, re.IGNORECASE)  # no CDN


# --- attention variants: exact zeros, local-p windows, coverage ---------------------------------


def sparse_trace() -> DecodeTrace:
    """A trace whose α has exact zeros (as sparsemax / entmax / a local window give) and p_t."""
    trace = make_trace("attention", "banana", "ananab")
    n = len(trace.source_tokens)
    for t, step in enumerate(trace.steps):
        row = np.zeros(n)
        row[t % n], row[(t + 1) % n] = 0.75, 0.25
        step.alpha = row.tolist()
        step.position = float(t % n)
    trace.window, trace.attention_norm = 2, "sparsemax"
    return trace


def test_heatmap_draws_exact_zeros_as_empty_cells_and_counts_nonzero():
    trace = sparse_trace()
    fig = figures.attention_heatmap(trace, 2)
    z = np.array(fig.data[0].z, dtype=float)
    alpha = trace.attention_matrix()
    assert np.isnan(z[alpha == 0]).all() and not np.isnan(z[alpha > 0]).any()  # empty, not faint
    counts = [a.text for a in fig.layout.annotations if a.yref == "y"]
    assert counts == ["2"] * len(trace.steps)  # non-zero weights per step, written beside each row
    dense = make_trace("attention")
    dense.steps[0].alpha = [1.0] + [0.0] * (len(dense.source_tokens) - 1)  # a softmax that underflowed to 0
    fig = figures.attention_heatmap(dense, 2)
    assert not np.isnan(np.array(fig.data[0].z, dtype=float)).any() and not fig.layout.annotations


def test_heatmap_and_flow_show_p_t_and_the_window():
    trace = sparse_trace()
    fig = figures.attention_heatmap(trace, 2)
    marker = [d for d in fig.data if d.type == "scatter"]
    assert marker and list(marker[0].x) == [s.position for s in trace.steps]
    windows = [s for s in fig.layout.shapes if s.line.dash == "dash"]
    assert len(windows) == len(trace.steps)
    assert windows[3].x0 == pytest.approx(3 - 2) and windows[3].x1 == pytest.approx(3 + 2)
    flow = figures.attention_flow(trace, 2)
    hovers = " ".join(str(d.hovertext) for d in flow.data)
    assert "p<sub>2</sub> = 1.00" in hovers and "[p<sub>t</sub> − 2, p<sub>t</sub> + 2]" in hovers
    lines = [d for d in flow.data if d.mode == "lines" and d.fill is None]
    assert len(lines) == 2  # only the two non-zero weights draw a line


def test_coverage_bars_are_the_running_sum_of_alpha():
    trace = make_trace("attention")
    fig = figures.coverage_bars(trace, 3)
    expected = np.array([s.alpha for s in trace.steps[:3]]).sum(0)
    assert np.allclose(fig.data[0].y, expected)
    assert np.allclose(trace.coverage()[-1], trace.attention_matrix().sum(0))
    with pytest.raises(ValueError):
        figures.coverage_bars(make_trace("vanilla"), 1)


# --- state trajectories (figures.state_paths) ----------------------------------------------------


def make_path(reads_fixed_c: bool = False):
    from seq2seq.analysis.states import ContextPath, Trajectory

    rng = np.random.default_rng(2)
    src, out = ["a", "b", "b", "</s>"], ["b", "b", "a", "</s>"]
    traj = Trajectory(src, out, rng.normal(size=(4, 3)).tolist(), rng.normal(size=(4, 3)).tolist(),
                      rng.normal(size=3).tolist(), ([0.5, 0.2, 0.1], [0.6, 0.2, 0.1]), reads_fixed_c)  # fmt: skip
    return traj, ContextPath([2, 3, 4, 5], rng.normal(size=(4, 3)).tolist())


def test_state_paths_in_3d_put_each_panel_in_its_own_scene_with_the_step_ringed():
    traj, growth = make_path()
    fig = figures.state_paths(traj, step=3, dims=3, growth=growth)
    assert {d.type for d in fig.data} == {"scatter3d"} and {d.scene for d in fig.data} == {"scene", "scene2"}
    enc, dec = (d for d in fig.data if d.mode == "lines+markers+text" and d.text[0] in ("a", "b") and len(d.x) == 4)
    assert list(enc.z) == pytest.approx([p[2] for p in traj.encoder]) and dec.scene == "scene2"
    ring = next(d for d in fig.data if d.mode == "markers" and d.scene == "scene2")
    assert (ring.x[0], ring.z[0]) == pytest.approx((traj.decoder[2][0], traj.decoder[2][2]))
    assert fig.layout.scene.domain.x[1] <= fig.layout.scene2.domain.x[0]  # side by side, not overlapping
    assert "80 %" in fig.layout.annotations[0].text  # three axes: 0.5 + 0.2 + 0.1 of the variance
    two = figures.state_paths(traj, step=3, dims=2)
    assert {d.type for d in two.data} == {"scatter"} and "70 %" in two.layout.annotations[0].text
    flat = replace(traj, encoder=[p[:2] for p in traj.encoder], decoder=[p[:2] for p in traj.decoder])
    assert {d.type for d in figures.state_paths(flat, dims=3).data} == {"scatter"}  # two axes only: 2-D


def test_state_paths_coloured_by_token_give_a_token_one_colour_in_both_panels():
    traj, _ = make_path()
    fig = figures.state_paths(traj, colour="token")
    enc, dec = (d for d in fig.data if d.mode == "lines+markers+text")
    enc_colour = dict(zip(traj.source_tokens, enc.marker.color, strict=True))
    dec_colour = dict(zip(traj.output_tokens, dec.marker.color, strict=True))
    assert enc_colour == dec_colour and len(set(enc_colour.values())) == 3  # a, b, </s>
    by_position = next(d for d in figures.state_paths(traj).data if d.mode == "lines+markers+text")
    assert list(by_position.marker.color) == [0, 1, 2, 3] and by_position.marker.colorscale is not None


def test_state_paths_show_c_for_vanilla_and_the_growth_path_when_asked():
    traj, growth = make_path(reads_fixed_c=False)  # an attention decoder
    assert not any(d.showlegend for d in figures.state_paths(traj).data)  # attention: no c by default
    fig = figures.state_paths(traj, growth=growth, show_c=True, look=figures.Look("zh"))
    grown = next(d for d in fig.data if d.customdata is not None and list(d.customdata) == growth.lengths)
    assert list(grown.x) == pytest.approx([p[0] for p in growth.points]) and grown.text[-1] == "5"
    assert "个词元" in grown.name and "固定上下文 c = h<sub>T</sub>" in grown.name
    star = next(d for d in fig.data if d.name == "固定上下文 c = h<sub>T</sub>")
    assert star.x[0] == pytest.approx(traj.context[0])
    shown = " ".join(
        [fig.layout.title.text, grown.name, grown.hovertemplate, *(a.text for a in fig.layout.annotations)]
    )
    shown = re.sub(r"<[^>]*>|%\{[^}]*\}", "", shown)  # tags and Plotly's placeholders are not read
    assert set(re.findall(r"[A-Za-z]{3,}", shown)) <= {"PCA"}  # no English in 中文 mode
    mean = figures.state_paths(replace(traj, c_is_mean=True), show_c=True)
    assert any(d.name == "c = mean of the h<sub>i</sub>" for d in mean.data)


# --- the beam tree's labels: never on a marker or another label; the winning path always labelled --


def _drawn_boxes(fig):
    """Every marker's box and every drawn label's box (px; labels by node id), from the figure as
    sent: its height, margins and explicit axis ranges, at the narrowest plot width the tree is
    planned for. (The selected node's label is drawn by its ring, a trace of its own.)"""
    layout = fig.layout
    (x0, x1), (y0, y1) = layout.xaxis.range, layout.yaxis.range  # y reversed: y0 > y1
    plot_h = layout.height - layout.margin.t - layout.margin.b
    markers, labels, texts = [], {}, {}
    for trace in (tr for tr in fig.data if tr.mode == "markers+text"):
        px = [(x - x0) / (x1 - x0) * figures.LABEL_ROOM_PX for x in trace.x]
        py = [(y - y1) / (y0 - y1) * plot_h for y in trace.y]
        sizes = trace.marker.size if isinstance(trace.marker.size, tuple) else [trace.marker.size] * len(px)
        positions = trace.textposition if isinstance(trace.textposition, tuple) else [trace.textposition] * len(px)
        font = trace.textfont.size
        for k, (x, y, m, text, node) in enumerate(zip(px, py, sizes, trace.text, trace.customdata, strict=True)):
            markers.append((x - m / 2, y - m / 2, x + m / 2, y + m / 2))
            if text:
                labels[node] = figures.label_box(x, y, m / 2, (figures.text_width(text, font), font), positions[k])
                texts[node] = text
    return markers, labels, texts


@pytest.mark.parametrize("width", [5, 16])
def test_beam_labels_never_cover_a_marker_or_a_label_on_every_shipped_model(width, monkeypatch):
    from seq2seq.core.search import beam_search

    # geometry only: built as the app builds it (Plotly's checks of ~3,000 points per tree, twice,
    # would triple the test's time; the other beam figure tests keep them)
    monkeypatch.setattr(figures.look, "plotly_figure", lambda data, layout, frames=None: go.Figure(
        data=data, layout=layout, frames=frames, _validate=False))  # fmt: skip

    for path in checkpoint.list_checkpoints(CHECKPOINTS):
        ckpt = checkpoint.load(path)
        tree = beam_search(ckpt.model, ckpt.tokenizer, ckpt.task.demo(), width=width)
        winner = next(n for n in tree.nodes if n.status == "winner")
        fig = figures.beam_tree(tree, selected=winner.id)  # as the page opens: the winner selected, ringed
        markers, labels, texts = _drawn_boxes(fig)
        for node, box in labels.items():
            hits = [m for m in markers if figures.overlaps(box, m)]  # its own marker too
            hits += [other for j, other in labels.items() if j != node and figures.overlaps(box, other)]
            assert not hits, (path.stem, width, texts[node], hits)
        drawn = set(labels)
        path_ids = {n.id for n in tree.path(winner.id)} - {0}
        assert path_ids <= drawn, (path.stem, width, path_ids - drawn)  # the winning path and its score, always
        finished = {n.id for n in tree.nodes if n.status == "finished"}
        assert len(finished & drawn) >= 0.5 * len(finished), (path.stem, width)  # half or more (the rest: hover)
