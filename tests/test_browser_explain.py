"""Explain in real headless Chromium: α beside integrated gradients with their numbers, the
interventions at the step, and α_t set by hand with the decode carried on from there."""

import pytest

from .browser import assert_no_exception, wait_idle

pytestmark = pytest.mark.browser

URL = "/explain?model=reverse-attention-scaled-dot&src=attention&step=3&method=ig"


@pytest.mark.parametrize(("lang", "decode"), [("en", "Decode with this α"), ("zh", "用这个 α 解码")])
def test_alpha_beside_integrated_gradients_and_an_intervention(page, app_url, output_dir, lang, decode):
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_url}{URL}&lang={lang}")
    wait_idle(page)
    for chart in ("heat_alpha", "heat_method", "attr_bars", "adversarial"):
        page.locator(f".st-key-{chart} .js-plotly-plot").wait_for(state="attached")
    assert_no_exception(page)
    # α's heatmap and integrated gradients' side by side, at the same height
    alpha, ig = (page.locator(f".st-key-{k} .js-plotly-plot").bounding_box() for k in ("heat_alpha", "heat_method"))
    assert abs(alpha["y"] - ig["y"]) < 2 and alpha["x"] + alpha["width"] <= ig["x"] + 1
    # the agreement table has numbers, and the interventions at step 3 too (tables are canvases:
    # their text is in the grid's accessible cells)
    tables = page.locator('[data-testid="stDataFrame"]')
    assert tables.count() >= 2
    page.screenshot(path=str(output_dir / f"explain-{lang}.png"))
    # α_3 set by hand: x_1 = "a" to 1 (the weights are normalised), then decode on from step 3
    thumb = page.locator(".st-key-edit-3-0 input[type=range]")  # the slider's thumb (react-aria)
    thumb.focus()
    page.keyboard.press("End")
    page.get_by_role("button", name=decode).click()
    wait_idle(page)
    # "Step 3: y_t i → … (TVD …). Output: `…` (was `noitnetta`)."
    result = page.locator('[data-testid="stMarkdownContainer"]', has_text="TVD").filter(has_text="noitnetta").first
    result.wait_for()
    assert "→" in result.inner_text()
    assert_no_exception(page)
    result.scroll_into_view_if_needed()
    page.screenshot(path=str(output_dir / f"explain-edited-{lang}.png"))


def test_measure_over_held_out_inputs_in_worker_processes(page, app_url, output_dir):
    """The aggregate runs in worker processes forked for the server (seq2seq/workers.py): the
    button shows a progress bar, then the table and the scatter of what the interventions did."""
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_url}/explain?model=reverse-attention-scaled-dot&src=attention&step=3")
    wait_idle(page)
    page.get_by_role("button", name="Measure over 100 inputs").click()
    page.locator('[data-testid="stProgress"]').first.wait_for(timeout=30_000)
    page.locator(".st-key-faithfulness .js-plotly-plot").wait_for(state="attached", timeout=180_000)
    wait_idle(page)
    assert_no_exception(page)
    flips = page.locator('[data-testid="stMarkdownContainer"]', has_text="100 inputs").first
    assert flips.count() == 1
    assert page.get_by_role("button", name="Measure over 100 inputs").count() == 0  # done: the button is gone
    page.locator(".st-key-faithfulness").scroll_into_view_if_needed()
    page.screenshot(path=str(output_dir / "explain-measured.png"))


@pytest.mark.parametrize(("lang", "said"), [("en", "do not add up"), ("zh", "不可信")])
def test_rows_whose_integrated_gradients_do_not_add_up_are_hatched(page, app_url, output_dir, lang, said):
    """reverse-coverage's integrated gradients cannot be integrated at some steps (docs/explanation.md):
    the sentence says so above the maps, and the map marks those rows."""
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_url}/explain?model=reverse-coverage&src=attention&step=3&method=ig&lang={lang}")
    wait_idle(page)
    page.locator(".st-key-heat_method .js-plotly-plot").wait_for(state="attached", timeout=60_000)
    assert_no_exception(page)
    warning = page.locator('[data-testid="stAlert"]', has_text=said).first
    warning.wait_for()
    assert page.locator(".st-key-heat_method .js-plotly-plot text", has_text="⚠").count() >= 1
    page.locator(".st-key-heat_method").scroll_into_view_if_needed()
    page.screenshot(path=str(output_dir / f"explain-ig-flagged-{lang}.png"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_transformer_shows_its_best_head_beside_the_attribution(page, app_url, output_dir, lang):
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_url}/explain?model=reverse-transformer&src=attention&step=3&method=occlusion&lang={lang}")
    wait_idle(page)
    for chart in ("heat_head", "heat_method"):
        page.locator(f".st-key-{chart} .js-plotly-plot").wait_for(state="attached")
    assert_no_exception(page)
    head, method = (page.locator(f".st-key-{k} .js-plotly-plot").bounding_box() for k in ("heat_head", "heat_method"))
    assert abs(head["y"] - method["y"]) < 2 and head["x"] + head["width"] <= method["x"] + 1
    # on the projector, the step control and the maps on one screen
    page.locator(".st-key-heat_head").scroll_into_view_if_needed()
    step = page.locator(".st-key-step").bounding_box()
    head = page.locator(".st-key-heat_head .js-plotly-plot").bounding_box()
    assert head["y"] + head["height"] - step["y"] <= 1080
    page.screenshot(path=str(output_dir / f"explain-transformer-{lang}.png"))
    page.locator('[data-testid="stDataFrame"]').last.scroll_into_view_if_needed()
    page.screenshot(path=str(output_dir / f"explain-transformer-heads-{lang}.png"))
