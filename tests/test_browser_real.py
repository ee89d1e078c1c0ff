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


def test_translate_and_compare_in_chinese_open_on_the_en_zh_models(projector, app_url, output_dir):
    """中文 without a model in the link: Translate opens on English → 中文 and an everyday test
    sentence, its output as written; Compare draws the bottleneck as BLEU / chrF by length."""
    page = projector
    page.goto(f"{app_url}/translate")  # English: the toy model; the language switch brings the class's pair
    wait_idle(page)
    page.locator(".st-key-lang button", has_text="中文").first.click()
    page.wait_for_url(re.compile(r"lang=zh.*model=en-zh-attention|model=en-zh-attention.*lang=zh"))
    page.goto(f"{app_url}/translate?lang=zh")  # and a fresh visit in 中文
    wait_idle(page)
    assert_no_exception(page)
    charts_drawn(page, "heatmap")
    assert HANZI.search(page.locator(".box-output").first.inner_text())
    assert page.locator('[data-testid="stTextInput"] input').first.input_value() == "where can i get a taxi ?"
    page.screenshot(path=str(output_dir / "real-translate-zh.png"))
    page.goto(f"{app_url}/compare?lang=zh")
    wait_idle(page)
    assert_no_exception(page)
    charts_drawn(page, "length_curve")
    chart = page.locator(".st-key-length_curve")
    chart.scroll_into_view_if_needed()
    chart_text = chart.locator(".js-plotly-plot").first.inner_text()
    assert "源句长度" in chart_text and "en-zh-vanilla · BLEU" in chart_text and "en-zh-attention · chrF" in chart_text
    on_screen(page, ".st-key-length_curve .js-plotly-plot")
    page.screenshot(path=str(output_dir / "real-compare-zh.png"))
