"""The States page in real headless Chromium: the trajectories and the nearest training steps,
a step moves the ring and the link, the 3-D view draws; in English and 中文. Screenshots land in
tests/output/ — look at them."""

import pytest

from .browser import assert_no_exception, wait_idle

pytestmark = pytest.mark.browser


def ring_x(page) -> str:
    """The x of the red ring around s_t in the decoder panel (its one-point marker trace)."""
    return page.evaluate(
        """() => { const fig = document.querySelector('.js-plotly-plot');
        const ring = fig.data.find(d => d.mode === 'markers' && d.xaxis === 'x2');
        return String(ring.x[0]); }"""
    )


@pytest.mark.parametrize(("lang", "heading", "nearest"), [
    ("en", "Inside the states", "Training steps nearest to"), ("zh", "隐状态里有什么", "最相似的训练步"),
])  # fmt: skip
def test_states_page_draws_the_trajectories_and_a_step_moves_them(page, app_url, output_dir, lang, heading, nearest):
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_url}/states?model=reverse-attention&src=lecture&step=3&lang={lang}")
    wait_idle(page)
    page.wait_for_selector(".js-plotly-plot .scatterlayer .trace", state="attached")
    page.wait_for_selector("table.neighbours", state="attached")
    assert_no_exception(page)
    page.get_by_role("heading", name=heading).wait_for()
    texts = page.locator(".js-plotly-plot .scatterlayer .textpoint").evaluate_all("els => els.map(e => e.textContent)")
    assert "</s>" in texts and texts.count("e") >= 2  # token labels on both paths
    assert page.locator("table.neighbours tbody tr").count() == 5
    page.screenshot(path=str(output_dir / f"states-{lang}.png"))
    page.locator('[data-testid="stMain"]').evaluate("e => e.scrollTop = 620")
    page.wait_for_function("() => document.querySelector('[data-testid=\"stMain\"]').scrollTop > 0")
    page.get_by_text(nearest).first.wait_for()
    page.screenshot(path=str(output_dir / f"states-{lang}-neighbours.png"))
    before, rows = ring_x(page), page.locator("table.neighbours").inner_text()
    page.locator('[data-testid="stMain"]').evaluate("e => e.scrollTop = 0")
    page.get_by_role("slider").first.focus()
    page.get_by_role("slider").first.press("ArrowRight")
    page.wait_for_function("() => window.location.search.includes('step=4')")
    wait_idle(page)
    page.wait_for_function(f"() => document.querySelector('table.neighbours').innerText !== {rows!r}")
    assert ring_x(page) != before  # the ring moved to s_4
    assert_no_exception(page)


def test_states_page_3d_view_of_a_vanilla_model(page, app_url, output_dir):
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_url}/states?model=reverse-vanilla&src=abcdefgh&dims=3&colour=token")
    wait_idle(page)
    page.wait_for_selector(".js-plotly-plot .gl-container", state="attached")
    assert_no_exception(page)
    kinds = page.evaluate("() => document.querySelector('.js-plotly-plot').data.map(d => d.type)")
    assert set(kinds) == {"scatter3d"}
    assert page.locator(".js-plotly-plot .legendtext").count() == 2  # c of growing inputs, this input's c
    page.screenshot(path=str(output_dir / "states-3d-vanilla.png"))
