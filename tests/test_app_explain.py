"""The Explain page in streamlit.testing: α beside an attribution, α set by hand, the shipped
models side by side, the measure over held-out inputs, models without α."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from .apptest import open_page, texts


def open_explain(**query) -> AppTest:
    return open_page("pages/explain.py", **query)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_explain_shows_alpha_beside_an_attribution_and_intervenes(lang):
    at = open_explain(model="reverse-attention-scaled-dot", src="attention", step="3", method="occlusion", lang=lang)
    assert at.slider(key="step").value == 3
    assert at.selectbox(key=f"method_{lang}").value == "occlusion"
    charts = {c.key for c in at.get("plotly_chart")}
    assert {"heat_alpha", "heat_method", "attr_bars", "adversarial"} <= charts
    assert len(at.dataframe) == 2  # agreement with α, the interventions at step 3
    assert "Jensen–Shannon" in texts(at) or "Jensen–Shannon 散度" in texts(at)
    sliders = [s for s in at.slider if s.key.startswith("edit-3-")]
    assert len(sliders) == 10  # one per source token, </s> included
    for s in sliders:
        s.set_value(1.0 if s.key == "edit-3-0" else 0.0)  # all of α_3 on x_1 = 'a'
    next(b for b in at.button if b.label in ("Decode with this α", "用这个 α 解码")).click()
    at.run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert ("Step 3: y" in shown or "第 3 步：y" in shown) and "TVD" in shown
    if lang == "zh":
        assert "注意力是解释吗" in at.title[0].value


def test_explain_sets_the_tasks_shipped_models_side_by_side(monkeypatch):
    from seq2seq.analysis import attribution
    from seq2seq.ui import explain

    monkeypatch.setattr(explain, "N_ZOO", 3)  # the page measures 30 inputs per model; the table's shape is the same
    monkeypatch.setattr(attribution, "SUMMARY_IG_STEPS", 8)  # the table's shape, not its numbers: 8 steps, no
    monkeypatch.setattr(attribution, "SUMMARY_IG_MAX_STEPS", 8)  # refinement (reverse-coverage's take a minute)
    at = open_explain(model="reverse-attention-scaled-dot", src="abc")
    assert not any(d for d in at.dataframe if "AER IG" in d.value.columns)  # nothing measured until asked
    at.button(key="zoo_run").click().run()
    assert not at.exception, at.exception
    table = next(d.value for d in at.dataframe if "AER IG" in d.value.columns)
    shipped = {"reverse-attention", "reverse-attention-dot", "reverse-attention-general",
               "reverse-attention-scaled-dot", "reverse-luong", "reverse-local", "reverse-entmax",
               "reverse-coverage"}  # fmt: skip
    assert set(table["model"]) == shipped  # every shipped attention model of the task; no vanilla, no Transformer
    # the sentence names the model whose α is furthest from what the output depends on
    assert "On **reverse-attention-scaled-dot** α is furthest" in texts(at)


def test_explain_measures_over_held_out_inputs_on_click(monkeypatch):
    from seq2seq.analysis import attribution
    from seq2seq.ui import explain

    monkeypatch.setattr(explain, "N_SUMMARY", 4)
    monkeypatch.setattr(attribution, "SUMMARY_IG_MAX_STEPS", attribution.SUMMARY_IG_STEPS)  # no refinement
    at = open_explain(model="reverse-attention", src="abc")
    at.button(key="summary_run").click().run()  # a callback keeps the click through the page's first rerun
    assert not at.exception, at.exception
    assert "faithfulness" in {c.key for c in at.get("plotly_chart")}
    assert "over 4 held-out inputs" in texts(at) or any("4" in h.value for h in at.subheader)


@pytest.mark.parametrize("model", ["reverse-vanilla", "reverse-transformer"])
def test_explain_works_for_a_model_without_alpha(model):
    at = open_explain(model=model, src="abc", lang="zh")
    charts = {c.key for c in at.get("plotly_chart")}
    assert "heat_alpha" not in charts and {"heat_method", "attr_bars"} <= charts
    assert not [s for s in at.slider if s.key.startswith("edit-")]
    if model == "reverse-vanilla":
        assert "没有 α" in texts(at)
    else:  # a Transformer: one α per head, the best-agreeing head's map beside the attribution
        assert "heat_head" in charts and "注意力头" in texts(at)
    assert "adversarial" not in charts  # nothing to make adversarial
    lecture = open_page("pages/lecture.py", present="1", model=model, src="abc", section="7", lang="zh")
    assert {"lecture_attr_bars"} <= {c.key for c in lecture.get("plotly_chart")}  # attributions still


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_transformer_is_never_called_vanilla(lang):
    """What a Transformer has instead of one α is named (its heads); the word for the notes'
    fixed-c decoder never describes it (Explain whole; the Lecture's sections about this model)."""
    explain = texts(open_page("pages/explain.py", model="reverse-transformer", src="lecture", lang=lang))
    assert "vanilla" not in explain and "普通" not in explain
    assert ("heads" in explain) if lang == "en" else ("注意力头" in explain)
    lecture = texts(open_page("pages/lecture.py", model="reverse-transformer", src="lecture", lang=lang))
    said_of_it = (
        "This model is vanilla",
        "This vanilla decoder",
        "a vanilla decoder.",
        "当前模型是普通",
        "这个普通解码器",
    )
    assert not [wrong for wrong in said_of_it if wrong in lecture]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_steps_whose_integrated_gradients_do_not_add_up_are_hatched_and_said(monkeypatch, lang):
    from seq2seq.analysis import attribution

    monkeypatch.setattr(attribution, "IG_MAX_STEPS", 8)  # no refinement: the page's 32 steps leave rows off
    at = open_explain(model="reverse-attention", src="attention", step="3", method="ig", lang=lang)
    assert not at.exception, at.exception
    said = texts(at)
    assert ("do not add up" in said) if lang == "en" else ("不可信" in said)
    figure = json.loads(next(c for c in at.get("plotly_chart") if c.key == "heat_method").proto.spec)
    flagged = [a["y"] for a in figure["layout"]["annotations"] if a["text"] == "⚠"]  # one ⚠ per hatched row
    hatches = [s for s in figure["layout"]["shapes"] if s["type"] == "path"]
    assert flagged and len(hatches) == len(flagged)
    table = at.dataframe[0].value
    covered = table[table.columns[-1]].tolist()  # steps covered: IG fewer than 10, the others all
    assert covered[0] == ("10 of 10" if lang == "en" else "10/10") and covered[3] != covered[0]


def test_a_transformer_shows_its_heads_against_the_attribution():
    at = open_explain(model="reverse-transformer", src="abc", step="2", method="occlusion")
    assert not at.exception, at.exception
    assert {"heat_head", "heat_method"} <= {c.key for c in at.get("plotly_chart")}
    heads = next(d.value for d in at.dataframe if "head" in d.value.columns)
    assert "layer 1, head 1" in heads["head"].tolist() and "layer 2, average" in heads["head"].tolist()
    assert {"mean Kendall τ", "same top token", "AER of the head"} <= set(heads.columns)
    assert "Best-agreeing head with occlusion" in texts(at)
