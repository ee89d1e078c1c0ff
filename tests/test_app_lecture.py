"""The Lecture page in streamlit.testing: every section filled with the model's numbers, the
score functions and variants with their equations, presentation mode one section at a time, the
Transformer section, attention as an explanation."""

import re

from seq2seq.analysis.experiments import StepTimes, same_width, step_times
from seq2seq.core.transformer import TransformerConfig
from seq2seq.ui.lecture import SECTIONS

from .apptest import app, open_page, texts


def latex(at) -> list[str]:
    return [e.value.strip("$\n") for e in at.latex]  # Streamlit wraps the TeX in $$ … $$


def sections(at) -> list[str]:
    """The Lecture page's section headers (the sidebar's "Model" header left out)."""
    return [h.value for h in at.header if " · " in h.value]


def test_lecture_page_fills_every_section_with_the_models_numbers():
    at = open_page("pages/lecture.py", model="reverse-attention", src="lecture", step="2")
    assert [h.split(" · ")[0] for h in sections(at)] == list(SECTIONS)
    shown = "\n".join(latex(at))
    assert r"c = h_T" in shown and "c = (" in shown  # the equation, then c's numbers
    assert "s_{2} = (" in shown  # the decoder state at the step in the link
    assert r"\mathcal{L} = " in shown.replace(r"\mathcal{L} = -", "")  # a computed loss
    assert "c_{2} = (" in shown  # the context the model used at step 2
    assert "This input has **T = 8** tokens" in texts(at)  # 7 letters + </s>
    assert r"\alpha_{t,i}$ = **1.0000**" in texts(at)  # α sums to one, shown with the numbers
    # the recomputed Σ α h equals the model's c_t
    rows = [s for s in latex(at) if "h_i = (" in s or s.startswith("c_{2} = (")]
    numbers = [s.split("(")[1].split(")")[0] for s in rows]
    assert len(numbers) == 2 and numbers[0] == numbers[1]


def test_lecture_asks_whether_attention_is_an_explanation():
    at = open_page("pages/lecture.py", present="1", model="reverse-attention-scaled-dot", src="attention",
                   section="7", step="3")  # fmt: skip
    assert sections(at) == ["7 · Is attention an explanation?"]
    said = texts(at)
    # this model's α looks one position off: at step 3 (y = i) α is on "o", occlusion on "i"
    assert "α looks most at **o**" in said and "occlusion says $y_t$ depends most on **i**" in said
    assert re.search(r"Kendall τ = \*\*-?\d\.\d\d\*\*", said)
    assert re.search(r"changes \$y_\{3\}\$ in \*\*\d+ of 10\*\* draws", said)
    assert at.button(key="next").disabled is False  # a section that steps
    zh = open_page("pages/lecture.py", present="1", model="reverse-vanilla", src="attention", section="7", lang="zh")
    assert sections(zh) == ["7 · 注意力是解释吗？"]
    assert any("没有单一的 α" in i.value for i in zh.info)  # a vanilla model: attributions, no α


def test_lecture_teacher_forcing_table_uses_an_input_the_model_gets_wrong():
    at = open_page("pages/lecture.py", model="reverse-vanilla", src="abc")
    assert "An input of the training lengths (3–24 characters) on which this model errs" in texts(at)
    assert "Free running goes wrong first at **t = " in texts(at)
    assert "the attention section uses **reverse-attention" in texts(at)  # vanilla: attention from its sibling
    table = at.dataframe[1].value
    assert "  ✗" in "".join(map(str, table.iloc[:, -1]))


def test_lecture_switching_the_score_function():
    at = open_page("pages/lecture.py", model="reverse-attention", src="encoder")
    picker = at.selectbox(key="att_score")  # score functions, not checkpoint names
    assert set(picker.options) >= {"additive", "dot", "general", "scaled dot"}
    assert picker.value == "additive" and at.query_params["att"] in ("additive", ["additive"])
    picker.set_value("dot").run()
    assert not at.exception
    assert any(r"e_{t,i} = s_{t-1}^{\top} h_i" in s for s in latex(at))
    assert at.query_params["att"] in ("dot", ["dot"])
    # an older link names the model: it still opens its score function; in 中文 the names are Chinese
    at = open_page("pages/lecture.py", model="reverse-attention", src="encoder", att="reverse-attention-dot", lang="zh")
    picker = at.selectbox(key="att_score")
    assert picker.value == "dot" and "点积" in picker.options


def test_lecture_picks_an_attention_variant_with_its_equation():
    at = open_page("pages/lecture.py", model="reverse-attention", src="encoder", att="luong+general")
    picker = at.selectbox(key="att_score")
    assert picker.value == "luong+general" and "Luong, general" in picker.options
    shown = latex(at)
    assert any(r"e_{t,i} = s_t^{\top} W h_i" in s for s in shown)  # Luong attends from s_t, after the step
    assert any(r"\alpha_{t,i} = \frac{\exp(e_{t,i})}" in s for s in shown)
    at = open_page("pages/lecture.py", model="reverse-luong", src="encoder", lang="zh")
    assert any(r"\tilde h_t = \tanh(W_c" in s for s in latex(at))  # §2: Luong's decoder, from the config
    picker = at.selectbox(key="att_score")
    assert picker.value == "luong+general" and "Luong 式, 一般（双线性）" in picker.options


def test_lecture_beam_section_offers_the_example_and_keeps_it_to_itself():
    at = open_page("pages/lecture.py", present="1", model="reverse-vanilla", section="4")
    keys = {b.key for b in at.button}  # "find" the first time in this process, then "try" (cached per model)
    at.button(key="beam_example_find" if "beam_example_find" in keys else "beam_example_try").click().run()
    found = at.session_state["s4_src"]
    assert not at.exception and found != "attention" and at.text_input(key="src").value == "attention"
    assert "This input makes the point" in texts(at) and "Greedy is wrong, the beam is right." in texts(at)
    assert "the other sections keep the lecture's input" in texts(at)
    for _ in range(2):  # on to §6: the lecture's input ("attention", 10 steps with </s>), not §4's example
        at.button(key="next_section").click().run()
    assert at.slider(key="step").max == len("attention") + 1 and found not in texts(at)
    at.button(key="prev_section").click().run()
    at.button(key="prev_section").click().run()
    at.button(key="s4_back").click().run()  # §4 back on the lecture's input
    assert "s4_src" not in at.session_state and "the other sections keep" not in texts(at)


def test_presentation_mode_from_the_link_shows_one_section():
    at = open_page("pages/lecture.py", present="1", model="reverse-attention", src="abc")
    assert at.session_state["present"] is True
    assert len(sections(at)) == 1
    at.button(key="next_section").click().run()
    assert sections(at) == ["2 · Decoder: one token per step"]
    assert at.query_params["section"] in ("2", ["2"])  # a link reopens this slide
    again = open_page("pages/lecture.py", present="1", model="reverse-attention", src="abc", section="6")
    assert [h.split(" · ")[0] for h in sections(again)] == ["6"]


def measured_small() -> StepTimes:
    """Real step times of two tiny models (fast), for the pages to draw and describe."""
    base = TransformerConfig(vocab_size=12, layers=1, heads=2, d_model=16, ff_dim=16)
    return step_times(same_width(base, longest=16), lengths=(4, 8, 16), batch_size=2, repeats=1)


def test_lecture_transformer_section_shows_one_heads_numbers_and_the_measured_step_times():
    at = app(model="reverse-attention", src="attention", present="1", section="8", step="3")
    times = measured_small()
    at.session_state["_step_times"] = {"reverse-transformer": times}  # as the ▶ Measure button leaves it
    at.run()
    at.switch_page("pages/lecture.py")
    at.run()
    assert not at.exception, at.exception
    assert sections(at) == ["8 · Beyond the notes: attention without recurrence"]
    assert "this section uses **reverse-transformer**" in texts(at)  # the sidebar's model is an RNN
    shown = latex(at)
    block = next(s for s in shown if s.startswith(r"\begin{aligned}"))  # the three forms, one row each
    forms = block.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}").replace("&= (", "= (").split(r" \\ ")
    assert len(forms) == 3, shown  # softmax(qKᵀ/√d_k)V, Σ α v_i and W_V c_t + b_V, with numbers
    assert [f.split(" = (")[0] for f in forms] == [
        r"\mathrm{softmax}(q_{3} K^\top/\sqrt{16})\,V",
        r"\textstyle\sum_i \alpha_{3,i}\, v_i",
        r"W_V\, c_{3} + b_V",
    ]
    numbers = {s.split("= (")[1] for s in forms}
    assert len(numbers) == 1  # the same numbers three ways
    assert "float rounding" in texts(at)
    picker = at.selectbox(key="qkv_head")
    assert picker.value == "L2H1" and "layer 1, head 4" in picker.options  # the last layer first
    charts = {c.key for c in at.get("plotly_chart")}
    assert {"lecture_qkv", "lecture_causal", "lecture_heads", "lecture_step_times"} <= charts
    text = texts(at)
    n0, n1 = times.lengths[0], times.lengths[-1]
    assert f"From {n0} to {n1} tokens a training step went from {times.ms['recurrent'][0]:.0f}" in text
    assert ("faster." in text) != ("slower." in text)  # one verdict, from the numbers
    at.button(key="run_step_times")  # the button that measures again is there
    picker.set_value("L1H2").run()
    assert not at.exception and next(s for s in latex(at) if s.startswith(r"\begin{aligned}")) != block


def test_lecture_transformer_section_in_chinese_on_the_transformer_itself():
    at = app(model="reverse-transformer", src="attention", present="1", section="8", lang="zh")
    at.session_state["_step_times"] = {"reverse-transformer": measured_small()}
    at.run()
    at.switch_page("pages/lecture.py")
    at.run()
    assert not at.exception, at.exception
    assert sections(at) == ["8 · 讲义之后：没有循环的注意力"]
    text = texts(at)
    assert "本节使用" not in text  # the sidebar's model is the Transformer itself
    assert "一个训练步的时间" in text and "毫秒" in text
    for english in ("Beyond the notes", "training step", "float rounding", "Measure"):
        assert english not in text + "".join(b.label for b in at.button), english
    assert "第 2 层，第 1 个头" in at.selectbox(key="qkv_head").options


def test_lecture_transformer_section_without_a_transformer_says_so():
    at = open_page("pages/lecture.py", model="sort-attention", src="abc", present="1", section="8")
    assert "No Transformer reads this task's inputs" in texts(at)
