"""The Errors page in streamlit.testing: every input with its measures, sorted and filtered
from the link, links to Translate, a vanilla model in 中文, a task without lengths."""

from urllib.parse import urlencode

from .apptest import open_page, texts


def errors_tables(at):
    """(the predictors table or None, the table of every input) of the Errors page."""
    frames = [d.value for d in at.dataframe]
    rows = next(f for f in frames if "open" in f.columns)
    return next((f for f in frames if "open" not in f.columns), None), rows


def test_errors_page_lists_inputs_sorted_by_entropy_with_links_to_translate():
    at = open_page("pages/errors.py", model="reverse-attention", inputs="longer", n="100")
    predictors, rows = errors_tables(at)
    assert len(rows) == 100 and {"entropy", "coverage_deficit", "aer", "length"} <= set(
        rows.columns
    )  # n=100: exactly 100 (1,000 used to give 960)
    assert list(rows["entropy"]) == sorted(rows["entropy"], reverse=True)  # most suspicious first
    assert set(rows["correct"]) == {"✅", "❌"}
    first = rows.iloc[0]
    assert first["open"] == "translate?" + urlencode({"model": "reverse-attention", "src": first["source"]})
    assert predictors is not None and list(predictors.iloc[:, 0]) == [
        "log p(y | x)", "entropy", "coverage deficit", "AER", "length"
    ]  # fmt: skip
    assert "outputs are wrong" in texts(at) and len(at.get("plotly_chart")) == 5


def test_errors_page_filters_and_sorts_from_the_link():
    at = open_page("pages/errors.py", model="reverse-attention", inputs="longer", n="100", show="wrong", sort="length")
    _, rows = errors_tables(at)
    assert 0 < len(rows) < 100 and set(rows["correct"]) == {"❌"}
    assert list(rows["length"]) == sorted(rows["length"], reverse=True)
    assert at.query_params["show"] == "wrong" and at.query_params["sort"] == "length"
    at.segmented_control(key="errors_show").set_value("right").run()
    _, rows = errors_tables(at)
    assert set(rows["correct"]) == {"✅"} and at.query_params["show"] == "right"


def test_errors_page_in_chinese_for_a_vanilla_model():
    at = open_page("pages/errors.py", model="reverse-vanilla", inputs="longer", n="100", lang="zh", sort="entropy")
    predictors, rows = errors_tables(at)
    assert "entropy" not in rows.columns and "aer" not in rows.columns  # no attention: no α to measure
    assert at.session_state["errors_sort"] == "log_prob"  # a sort the rows lack falls back
    assert list(rows["log_prob"]) == sorted(rows["log_prob"])  # lowest log p first
    assert rows.iloc[0]["open"].endswith("&lang=zh")
    shown = texts(at)
    assert "个输出中有" in shown and "没有 α" in shown and "Decode many" not in shown
    assert predictors.columns[0] == "度量"


def test_errors_page_of_a_task_without_lengths_and_when_nothing_is_wrong():
    at = open_page("pages/errors.py", model="dates-attention", inputs="longer", n="100")
    assert at.session_state["errors_inputs"] == "heldout"  # dates cannot make longer inputs
    predictors, rows = errors_tables(at)
    assert predictors is None and len(rows) == 100
    assert "aer" not in rows.columns and "entropy" in rows.columns  # no gold alignment for dates
    assert "nothing to predict" in texts(at)


def test_the_page_opens_on_inputs_the_model_gets_wrong():
    """A toy model gets nearly every held-out input right ("nothing to predict"): the page opens
    on longer inputs, where there are mistakes to predict."""
    at = open_page("pages/errors.py", model="reverse-attention", n="100")
    assert at.session_state["errors_inputs"] == "longer"
    assert at.get("plotly_chart") and "nothing to predict" not in texts(at).lower()
