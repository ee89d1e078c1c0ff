"""The Translate page in streamlit.testing: the decode step by step, links, bad input,
forcing a token, scoring a target, export, every kind of model, links to models that are not here."""

import pytest
from streamlit.testing.v1 import AppTest

from seq2seq.figures import FORCED

from .apptest import boxes, open_page, texts


def open_translate(**query) -> AppTest:
    return open_page("pages/translate.py", **query)


def open_why_not(at: AppTest) -> AppTest:
    """Translate's "why not this answer?" opened (drawn only while open), as a click on it does."""
    at.session_state["why_not"] = True
    at.run()
    assert not at.exception, at.exception
    return at


def test_translate_decodes_the_default_input():
    at = open_translate()
    assert at.text_input(key="src").value == "attention"
    assert "noitnetta" in texts(at)
    assert "✓ the output is right" in texts(at)
    charts = {c.key for c in at.get("plotly_chart")}
    assert {"heatmap", "flow", "alpha_bars", "topk", "context"} == charts  # "why not?" is closed: not drawn
    open_why_not(at)
    charts = {c.key for c in at.get("plotly_chart")}
    assert {"heatmap", "flow", "alpha_bars", "topk", "context", "target_probs", "target_heatmap"} == charts


def test_query_parameters_fill_the_page():
    at = open_translate(model="reverse-attention", src="lecture", step="3")
    assert at.text_input(key="src").value == "lecture"
    assert at.slider(key="step").value == 3
    assert "t = 3" in texts(at)


@pytest.mark.parametrize(("linked", "lands"), [("999", 8), ("0", 1), ("-3", 1), ("two", 1)])
def test_a_step_outside_the_decode_in_the_link_is_clamped(linked, lands):
    at = open_translate(model="reverse-attention", src="lecture", step=linked)  # "erutcel</s>": 8 steps
    assert at.slider(key="step").value == lands and f"t = {lands}" in texts(at)


def test_moving_the_step_updates_the_view():
    at = open_translate(src="lecture")
    at.slider(key="step").set_value(5).run()
    assert not at.exception
    assert "t = 5" in texts(at)
    # a shorter input clamps the step instead of failing
    at.text_input(key="src").set_value("abc").run()
    assert not at.exception
    assert at.slider(key="step").value == 4


def test_vanilla_model_explains_that_it_has_no_attention():
    at = open_translate(model="reverse-vanilla", src="abcdef")
    assert "it has no attention, so there is no α to draw" in texts(at)
    assert {c.key for c in open_why_not(at).get("plotly_chart")} == {"flow", "topk", "context", "target_probs"}


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("", "Type an input"),
        ("   ", "Type an input"),
        ("a" * 10_000, "accepts at most"),
        ("héllo🙂", "Not in this model's vocabulary"),
        ("abcdefghijklmnopqrstuvwxyzabcdefghij", "trained on inputs of 3–24"),
        ("a\x00b", "U+0000"),
    ],
)
def test_bad_input_gets_a_clear_message(src, message):
    at = open_translate()
    at.text_input(key="src").set_value(src).run()
    assert not at.exception
    assert message in texts(at)


def test_bad_input_in_the_link_gets_a_message_not_a_traceback():
    at = open_translate(src="héllo wörld🙂")  # open_translate: no exception
    assert "Not in this model's vocabulary" in texts(at)


def test_unknown_model_in_the_link_falls_back_to_the_default():
    at = open_translate(model="no-such-model", src="abc")
    assert at.session_state["model"] == "reverse-attention"
    assert "cba" in texts(at)


def test_previous_and_next_move_the_step():
    at = open_translate(src="lecture", step="3")
    at.button(key="next").click().run()
    assert at.slider(key="step").value == 4 and "t = 4" in texts(at)
    at.button(key="prev").click().run()
    at.button(key="prev").click().run()
    assert at.slider(key="step").value == 2
    assert not at.exception


def test_play_from_the_end_hands_the_whole_decode_to_the_browser_from_step_one():
    at = open_translate(src="abc", step="4")  # "cba</s>": the last step
    at.button(key="play").click().run()
    assert not at.exception
    assert at.session_state["playing"] is True and at.session_state["_play_from"] == 1
    assert "step" not in [s.key for s in at.slider]  # the animated figure replaces the control while it plays
    assert at.get("plotly_chart")  # the animation, sent once


def test_forcing_an_alternative_changes_the_output_and_undo_restores_it():
    at = open_translate(src="lecture", step="1")
    assert "erutcel" in texts(at)
    force = next(b for b in at.button if b.key and b.key.startswith("force-1-") and not b.disabled)
    force.click().run()
    assert not at.exception
    assert "forced" in texts(at)
    (output,) = (h for h in at.get("html") if "box-output" in h.proto.body)  # the forced token marked
    assert 'class="token-forced"' in output.proto.body and FORCED in output.proto.body
    assert boxes(at, "answer") == ["erutcel"]  # the correct answer; the output differs from it
    assert "force" in at.query_params
    at.button(key="undo").click().run()
    assert boxes(at, "answer") == ["erutcel"] and not boxes(at, "output")  # the output is right again


def test_a_bad_force_in_the_link_is_explained():
    at = open_translate(src="abc", force="40:5")
    assert "does not apply" in texts(at) and "cba" in texts(at)


def test_scoring_a_typed_target():
    at = open_why_not(open_translate(src="lecture"))
    at.text_input(key="target").set_value("lecture").run()
    assert not at.exception
    assert "log p(y | x)" in texts(at)
    at.text_input(key="target").set_value("a" * 5000).run()
    assert not at.exception and "more than" in texts(at)


def test_gold_alignment_and_its_aer_are_shown():
    at = open_translate(src="attention")
    assert "AER of this example" in texts(at)


def test_export_buttons():
    at = open_translate(src="abc")
    assert not at.get("download_button")  # the Export expander is closed: nothing in it is drawn
    at.session_state["export"] = True  # opened, as a click on it does
    at.run()
    labels = [b.label for b in at.get("download_button")]
    assert "Alignment α (CSV)" in labels and "The whole trace (JSON)" in labels


@pytest.mark.parametrize("model", ["translate-attention", "dates-attention", "numbers-vanilla", "sort-attention"])
def test_every_kind_of_model_opens(model):
    at = open_translate(model=model)
    assert not at.exception
    assert at.session_state["model"] == model


def test_translate_marks_wrong_tokens_red_and_shows_the_whole_answer():
    at = open_translate(model="reverse-vanilla", src="abcdefghijklmnopqrst")
    assert ":red[" in texts(at) and "the output is wrong" in texts(at)
    assert boxes(at, "answer") == ["tsrqponmlkjihgfedcba"]
    (answer,) = (h for h in at.get("html") if "box-answer" in h.proto.body)
    assert "white-space:pre-wrap" in answer.proto.body  # a long answer wraps: shown whole


def test_a_link_to_a_missing_model_says_what_it_shows_instead():
    at = open_translate(model="no-such-model", src="abc")
    shown = at.session_state["model"]
    warning = "\n".join(w.value for w in at.warning)
    assert "no-such-model" in warning and shown in warning
    at.sidebar.selectbox(key="model").select("reverse-vanilla").run()  # the reader chose: the notice has served
    assert not any("no-such-model" in w.value for w in at.warning)


def test_a_link_to_another_browsers_session_model_explains_why():
    at = open_translate(model="★ reverse-attention", src="abc")
    warning = "\n".join(w.value for w in at.warning)
    assert "★ reverse-attention" in warning and "not available here" in warning
    assert f"showing **{at.session_state['model']}** instead" in warning
    assert "browser" in warning and "stay with it" in warning


def test_an_output_that_is_no_date_is_named():
    at = open_translate(model="dates-attention", src="tomorrow")  # the model writes 1931-00-00
    assert boxes(at, "output") == ["1931-00-00"]
    assert any("not a date that exists" in w.value for w in at.warning)
    at = open_translate(model="dates-attention", src="hello")  # 2077-07-07: a date, but not of its years
    assert any("outside the years" in w.value for w in at.warning)


def test_an_input_too_long_for_the_model_is_refused_in_the_readers_language():
    at = open_translate(model="reverse-attention", src="a" * 800, lang="zh")  # the model reads at most 199
    assert [e.value for e in at.error] == ["输入有 800 个词元；这个模型最多接受 199 个"]
