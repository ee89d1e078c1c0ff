import numpy as np
import plotly.graph_objects as go
import pytest

from seq2seq import figures
from seq2seq.results import Candidate, DecodeTrace, TraceStep


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
    assert (outline.y0, outline.y1) == (0.5, 1.5)


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
    from seq2seq.results import alignment_csv

    fig = figures.target_probabilities(["a", "</s>"], [0.9, 0.2], "t")
    assert list(fig.data[0].y) == [0.9, 0.2]
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
