"""The Errors page in real headless Chromium: the table sorted by entropy, a row's link opens
Translate at that input; in English and 中文. Screenshots land in tests/output/ — look at them."""

import pytest

from .browser import assert_no_exception, wait_idle

pytestmark = pytest.mark.browser


def first_link_cell(page):
    """Where the first row's ↗ link is drawn (the table is a canvas: no element to click)."""
    table = page.locator('[data-testid="stDataFrame"]').last
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    return box["x"] + 30, box["y"] + 35 + 17  # first column; below the header, the middle of row 1


@pytest.mark.parametrize(("lang", "heading"), [("en", "Where the model fails"), ("zh", "模型错在哪里")])
def test_errors_page_sorted_by_entropy_and_a_row_opens_translate(page, app_url, output_dir, lang, heading):
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_url}/errors?model=reverse-attention&inputs=longer&n=200&show=wrong&lang={lang}")
    wait_idle(page)
    page.wait_for_selector('[data-testid="stDataFrame"]', state="attached")
    page.wait_for_selector(".js-plotly-plot .barlayer", state="attached")
    assert_no_exception(page)
    page.get_by_role("heading", name=heading).wait_for()
    page.screenshot(path=str(output_dir / f"errors-{lang}.png"))
    page.locator('[data-testid="stMain"]').evaluate("e => e.scrollTop = 760")
    page.wait_for_function("() => document.querySelector('[data-testid=\"stMain\"]').scrollTop > 0")
    page.screenshot(path=str(output_dir / f"errors-{lang}-table.png"))
    sort = page.locator('[data-testid="stSelectbox"]').last.locator("input").input_value()
    assert ("entropy" if lang == "en" else "熵") in sort  # sorted by entropy, most suspicious first
    x, y = first_link_cell(page)
    page.mouse.move(x, y)  # the grid finds the link under the pointer on hover, then opens it on click
    page.wait_for_function(  # found: the grid shows the hand over it
        "([x, y]) => getComputedStyle(document.elementFromPoint(x, y)).cursor === 'pointer'", arg=[x, y]
    )
    with page.context.expect_page() as new_tab:
        page.mouse.click(x + 2, y)
    translate = new_tab.value
    translate.bring_to_front()  # a background tab draws no frames: waits would never see it idle
    translate.wait_for_load_state()
    wait_idle(translate)
    assert "/translate?" in translate.url and "src=" in translate.url
    assert_no_exception(translate)
    model = translate.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"] input').first.input_value()
    assert model == "reverse-attention"
    source = translate.locator('[data-testid="stTextInput"] input').first.input_value()
    assert len(source) > 24  # a wrong row of the longer inputs: longer than the training's
    assert (f"lang={lang}" in translate.url) == (lang == "zh")
    translate.screenshot(path=str(output_dir / f"errors-{lang}-to-translate.png"))
