"""App tests with streamlit.testing: every page runs without an exception and shows what it should."""

import pytest
from streamlit.testing.v1 import AppTest

from .conftest import REPO

TIMEOUT = 60


def app(**query) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at


def open_translate(**query) -> AppTest:
    at = app(**query)
    at.run()
    at.switch_page("pages/translate.py")
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.code]
    parts += [e.value for e in [*at.error, *at.warning, *at.info, *at.success]]
    return "\n".join(str(p) for p in parts)


def test_home_page_and_sidebar():
    at = app()
    at.run()
    assert not at.exception
    assert at.title[0].value == "Attention Lab"
    picker = at.sidebar.selectbox(key="model")
    assert "reverse-attention" in picker.options and "reverse-vanilla" in picker.options
    assert picker.value == "reverse-attention"
    assert "decoder **attention (additive)**" in texts(at)


def test_translate_decodes_the_default_input():
    at = open_translate()
    assert at.text_input(key="src").value == "attention"
    assert "noitnetta" in texts(at)
    assert "The model's output is correct." in texts(at)
    charts = at.get("plotly_chart")
    assert len(charts) == 3  # heatmap, α bars, top-k


def test_query_parameters_fill_the_page():
    at = open_translate(model="reverse-attention", src="lecture", step="3")
    assert at.text_input(key="src").value == "lecture"
    assert at.slider(key="step").value == 3
    assert "t = 3" in texts(at)


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
    assert "no attention" in texts(at)
    assert len(at.get("plotly_chart")) == 2  # the fixed-c strip and the top-k bars


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


def test_unknown_model_in_the_link_falls_back_to_the_default():
    at = open_translate(model="no-such-model", src="abc")
    assert at.session_state["model"] == "reverse-attention"
    assert "cba" in texts(at)
