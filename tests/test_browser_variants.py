"""Translate on the attention variants, in real headless Chromium: Luong's local-p model shows
p_t and its window on the heatmap and in the notes' picture; the entmax model leaves its exact
zeros empty and counts what is left per row."""

import pytest

from .browser import assert_no_exception, wait_idle

pytestmark = pytest.mark.browser

HEATMAP = ".st-key-heatmap .js-plotly-plot"


def figure(page, selector: str) -> dict:
    """What Plotly drew: the traces' types and z (an empty cell: None), the layout's shapes and
    annotations."""
    page.locator(selector).wait_for(state="attached")
    page.wait_for_function(f"() => document.querySelector('{selector}')?._fullLayout")
    return page.evaluate(
        f"""() => {{ const gd = document.querySelector('{selector}');
            const cells = z => z && Array.from(z._inputArray || z).map(
                row => Array.from(row).map(v => (v === null || Number.isNaN(v)) ? null : v));
            const dash = s => (s.line || {{}}).dash || '';
            return {{traces: gd.data.map(d => ({{type: d.type, name: d.name || '', x: d.x, z: cells(d.z)}})),
                     shapes: (gd.layout.shapes || []).map(s => ({{dash: dash(s), x0: s.x0, x1: s.x1}})),
                     notes: (gd.layout.annotations || []).map(a => String(a.text))}}; }}"""
    )


def test_local_p_shows_its_window_on_the_heatmap(page, app_url, output_dir):
    page.goto(f"{app_url}/translate?model=reverse-local&src=encoderdecoder&step=5")
    wait_idle(page)
    assert_no_exception(page)
    drawn = figure(page, HEATMAP)
    windows = [s for s in drawn["shapes"] if s["dash"] == "dash"]
    assert len(windows) == len("encoderdecoder") + 1  # one window per output row
    assert all(s["x1"] - s["x0"] <= 2 * 4 + 1e-6 for s in windows)  # ±D, D = 4
    marks = next(tr for tr in drawn["traces"] if tr["type"] == "scatter" and "p<sub>t</sub>" in tr["name"])
    assert marks["x"][0] > marks["x"][-1]  # reversing: p_t walks from the end of the input to its start
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.screenshot(path=str(output_dir / "translate-local.png"), full_page=True)


def test_entmax_leaves_zeros_empty_and_counts_the_rest(page, app_url, output_dir):
    page.goto(f"{app_url}/translate?model=reverse-entmax&src=encoderdecoder&step=5&lang=zh")
    wait_idle(page)
    assert_no_exception(page)
    drawn = figure(page, HEATMAP)
    z = next(tr["z"] for tr in drawn["traces"] if tr["type"] == "heatmap")
    empty = sum(v is None for row in z for v in row)
    assert empty > len(z)  # exact zeros are empty cells, many of them
    counts = [int(n) for n in drawn["notes"] if n.isdigit()]
    assert counts == [sum(v is not None for v in row) for row in z]  # the count right of each row
    assert "α > 0 个数" in drawn["notes"]
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.screenshot(path=str(output_dir / "translate-entmax-zh.png"), full_page=True)
