"""The States page in streamlit.testing: trajectories on fixed axes, the step ringed, the
nearest training steps, 2-D/3-D and colour from the link, a vanilla model's growing c, a
Transformer, 中文."""

import json
import re

from .apptest import open_page, texts


def figure(at) -> dict:
    (chart,) = at.get("plotly_chart")
    return json.loads(chart.proto.spec)


def neighbours(at) -> str:
    return next(h.proto.body for h in at.get("html") if 'class="neighbours"' in h.proto.body)


def test_states_page_draws_the_paths_and_the_nearest_training_steps():
    at = open_page("pages/states.py", model="reverse-attention", src="lecture", step="3")
    fig = figure(at)
    enc, dec = (d for d in fig["data"] if d.get("mode") == "lines+markers+text")
    assert enc["text"][:7] == list("lecture") and dec["text"][:3] == list("eru")  # x_i and y_t labels
    ring = next(d for d in fig["data"] if d.get("mode") == "markers" and d.get("xaxis") == "x2")
    assert ring["x"][0] == dec["x"][2]  # s_3 ringed
    assert not any(d.get("showlegend") for d in fig["data"])  # an attention model: no c unless asked
    table = neighbours(at)
    assert table.count("<tr>") == 1 + 5  # the header and k = 5 neighbours
    assert table.count('class="mark"') == 10  # each: the aligned x_i and the step's y_t
    sims = [float(x) for x in re.findall(r"<td>([01]\.\d{3})</td>", table)]
    assert len(sims) == 5 and sims == sorted(sims, reverse=True) and sims[0] > 0.9
    shown = texts(at)
    assert "5,000 training examples" in shown and "t = 3" in shown
    at.slider(key="step").set_value(5).run()  # a step reruns the fragment: the ring and the neighbours move
    assert not at.exception
    fig5 = figure(at)
    ring5 = next(d for d in fig5["data"] if d.get("mode") == "markers" and d.get("xaxis") == "x2")
    assert ring5["x"][0] == dec["x"][4] and neighbours(at) != table  # (the link's step: the browser test)
    at.segmented_control(key="states_dims").set_value("3").run()
    assert {d["type"] for d in figure(at)["data"]} == {"scatter3d"} and at.query_params["dims"] == "3"
    at.segmented_control(key="states_dims").set_value("2").run()  # back to 2-D: the default leaves the link
    assert {d["type"] for d in figure(at)["data"]} == {"scatter"} and "dims" not in at.query_params


def test_states_page_3d_coloured_by_token_from_the_link_in_chinese():
    at = open_page("pages/states.py", model="reverse-attention", src="abcab", dims="3", colour="token", k="3",
                   lang="zh")  # fmt: skip
    fig = figure(at)
    assert {d["type"] for d in fig["data"]} == {"scatter3d"} and "scene2" in fig["layout"]
    enc = next(d for d in fig["data"] if d.get("mode") == "lines+markers+text")
    assert enc["marker"]["color"][0] == enc["marker"]["color"][3]  # a … a: one token, one colour
    assert neighbours(at).count("<tr>") == 1 + 3 and "余弦相似度" in neighbours(at)
    assert at.query_params["dims"] == "3" and at.query_params["colour"] == "token"
    shown = texts(at)
    assert "坐标轴" in shown and "与 $s_{1}$ 最相似的训练步" in [s.value for s in at.subheader]


def test_states_page_of_a_vanilla_model_shows_c_of_growing_inputs():
    at = open_page("pages/states.py", model="reverse-vanilla", src="abcdef")
    assert at.toggle(key="growth").value  # on by default for the vanilla decoder
    fig = figure(at)
    names = [d.get("name") for d in fig["data"] if d.get("showlegend")]
    assert names == [
        "fixed context c = h<sub>T</sub> of inputs of T = 2, 3, … tokens",
        "fixed context c = h<sub>T</sub>",
    ]
    grown = next(d for d in fig["data"] if d.get("name", "").endswith("tokens"))
    assert grown["customdata"][0] == 2 and grown["customdata"][-1] == 37  # 1.5 × the longest training input
    assert "no α" in texts(at) and 'class="mark"' in neighbours(at)  # only y_t marked: no α
    assert neighbours(at).count('class="mark"') == 5
    at.toggle(key="growth").set_value(False).run()  # the path goes; this input's c stays (vanilla's one context)
    assert [d.get("name") for d in figure(at)["data"] if d.get("showlegend")] == ["fixed context c = h<sub>T</sub>"]


def test_states_page_of_a_transformer():
    at = open_page("pages/states.py", model="reverse-transformer", src="lecture", growth="true")
    fig = figure(at)
    assert any(d.get("name", "").startswith("c = mean of the h") for d in fig["data"])
    assert "A Transformer" in texts(at) and neighbours(at).count('class="mark"') == 10


def test_states_page_refuses_bad_input_with_a_message():
    at = open_page("pages/states.py", model="reverse-attention", src="a" * 300)
    assert at.error and "accepts at most" in at.error[0].value and not at.get("plotly_chart")
