"""Real sentences on the projector (issue 28): Translate on a Tatoeba sentence, English → 中文, in
中文 presentation mode at 1920×1080: the heatmap's labels are the real words and characters, and
the heatmap and its step control are on one screen. Screenshot: tests/output/projector-real-*.png."""

import re
from urllib.parse import quote

import pytest

from .browser import assert_no_exception, charts_drawn, on_screen, wait_idle

pytestmark = pytest.mark.browser

HANZI = re.compile(r"[\u4e00-\u9fff]")


def test_a_real_sentence_on_the_projector_in_chinese(projector, app_url, output_dir):
    page = projector
    page.goto(f"{app_url}/translate?model=en-zh-attention&src={quote('Where can I get a taxi?')}&present=1&lang=zh")
    wait_idle(page)
    assert_no_exception(page)
    charts_drawn(page, "heatmap")
    page.screenshot(path=str(output_dir / "projector-real-translate-zh.png"))
    heatmap = on_screen(page, ".st-key-heatmap .js-plotly-plot")
    on_screen(page, ".st-key-next button:visible")  # the control that advances it, on the same screen
    labels = page.locator(".st-key-heatmap .js-plotly-plot .ytick text, .st-key-heatmap .js-plotly-plot .xtick text")
    shown = labels.all_text_contents()
    assert {"where", "taxi", "?"} <= set(shown)  # the source's words, as training read them
    assert any(HANZI.search(label) for label in shown)  # the output's characters
    sizes = labels.evaluate_all("els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert min(sizes) >= 14, sizes  # readable from the back row
    assert "Tatoeba" in page.locator('[data-testid="stMain"]').inner_text()  # the sentence's credit
    assert heatmap["width"] > 400
    page.screenshot(path=str(output_dir / "projector-real-translate-zh.png"))
