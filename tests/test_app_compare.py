"""The Compare page in streamlit.testing: the task's pair by default, the bottleneck drawn,
generated inputs, pairs that can and cannot be compared."""

from .apptest import open_page, texts


def test_compare_and_translate_note_an_input_longer_than_the_training_inputs():
    word = "pneumonoultramicroscopicsilicovolcanoconiosis"[:44]
    note = "trained on inputs of 3–24 characters; yours has 44"
    at = open_page("pages/compare.py", src=word)
    assert texts(at).count(note) == 2  # under each model
    at = open_page("pages/translate.py", src=word)
    assert note in texts(at)


def test_compare_defaults_to_the_task_pair_and_draws_the_bottleneck():
    at = open_page("pages/compare.py", src="abcdefghijklmnopqrst")
    assert at.selectbox(key="left").value == "reverse-vanilla"
    assert at.selectbox(key="right").value == "reverse-attention"
    keys = {c.key for c in at.get("plotly_chart")}
    assert {"context-left", "context-right", "length_curve", "loss_curves"} <= keys
    assert "✅ correct" in texts(at) and "❌ wrong" in texts(at)  # attention right, vanilla wrong on 20 letters


def test_compare_generates_an_input_of_a_chosen_length():
    at = open_page("pages/compare.py")
    at.slider(key="gen_len").set_value(30).run()
    at.button[0].click().run()
    assert not at.exception and len(at.text_input(key="src").value) == 30


def test_compare_refuses_a_mismatched_pair():
    at = open_page("pages/compare.py", left="reverse-vanilla", right="copy-attention")
    assert "cannot be compared" in texts(at)


def test_compare_any_pair_of_one_task():
    at = open_page("pages/compare.py", left="reverse-attention-dot", right="reverse-attention", src="lecture")
    assert "cannot be compared" not in texts(at)


def test_compare_one_model_against_itself():
    at = open_page("pages/compare.py", left="reverse-attention", right="reverse-attention", src="lecture")
    assert not at.exception
    at = open_page("pages/compare.py", left="reverse-attention", right="nope", src="lecture")
    assert any("nope" in w.value for w in at.warning)
