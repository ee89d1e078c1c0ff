"""The Beam search page in streamlit.testing: the tree, the n-best list and the winner, the
width from the link, side by side, an input where beam search beats greedy, a node from the link."""

import pytest

from .apptest import boxes, open_page, texts


def test_beam_page_shows_tree_nbest_and_the_winner():
    at = open_page("pages/beam.py", src="lecture", beam="4")
    assert at.number_input(key="beam_width").value == 4
    assert {c.key for c in at.get("plotly_chart")} >= {"tree", "node_heatmap"}
    assert "erutcel" in boxes(at)
    assert "Selected hypothesis" in texts(at) and "winner" in texts(at)
    assert len(at.dataframe[0].value) >= 1


@pytest.mark.parametrize(("beam", "used"), [("0", 1), ("1000", 16), ("-5", 1)])
def test_beam_width_outside_the_range_is_clamped_with_a_note(beam, used):
    at = open_page("pages/beam.py", src="abc", beam=beam)
    assert at.number_input(key="beam_width").value == used
    assert "outside 1–16" in texts(at)


def test_beam_side_by_side_and_vanilla():
    at = open_page("pages/beam.py", src="abcdef", model="reverse-vanilla")
    assert "no α" in texts(at)
    at.toggle(key="side_by_side").set_value(True).run()
    assert not at.exception and "other_tree" in {c.key for c in at.get("plotly_chart")}


def test_beam_bad_input():
    at = open_page("pages/beam.py")
    at.text_input(key="src").set_value("a" * 10_000).run()
    assert not at.exception and "at most" in texts(at)


def test_beam_shows_the_correct_answer_and_offers_an_input_where_beam_beats_greedy():
    from seq2seq.ui import models

    models._results.clear()  # forget what earlier tests searched: the page offers to search
    at = open_page("pages/beam.py", model="reverse-vanilla")
    assert "Correct answer" in texts(at) and "✅ correct" in texts(at)  # greedy and beam agree on the default
    find = at.button(key="beam_example_find")
    assert "beats greedy" in find.label
    at.number_input(key="beam_width").set_value(2)
    find.click().run()  # searches (cached per model), then opens the example with the width it was found at
    assert not at.exception, at.exception
    src = at.text_input(key="src").value
    assert src != "attention" and at.query_params["src"] in (src, [src])
    assert at.number_input(key="beam_width").value == 5
    shown = texts(at)
    assert "❌ wrong" in shown and "✅ correct" in shown and ":red[" in shown  # greedy wrong, beam right
    assert "Greedy is wrong, the beam is right." in shown and "differs from greedy" in shown
    # another input: the offer is one click away, without searching again
    at.text_input(key="src").set_value("lecture").run()
    at.button(key="beam_example_try").click().run()
    assert at.text_input(key="src").value == src


def test_beam_says_when_no_input_beats_greedy():
    at = open_page("pages/beam.py", model="numbers-vanilla")
    at.button(key="beam_example_find").click().run()
    assert not at.exception and "there is none where beam search (width 5) beats greedy" in texts(at)


def test_beam_node_in_the_link_selects_it_and_a_bad_one_is_ignored():
    at = open_page("pages/beam.py", src="lecture", node="3")
    assert at.session_state["beam_node"] == 3 and "Selected hypothesis** (step 1" in texts(at)
    for bad in ("99999", "abc", "-1", "0"):
        at = open_page("pages/beam.py", src="lecture", node=bad)
        assert not at.exception and "winner" in texts(at)  # the winner is selected instead
        assert "node" not in at.query_params
