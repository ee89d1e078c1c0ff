"""Lecture mode in real headless Chromium: the notes' equations with live numbers in 中文, and
§8's three tabs on a projector in 中文 (English presentation mode, slide by slide:
tests/test_browser_projector.py). Screenshots land in tests/output/ — look at them (CJK glyphs
must render: the test setup installs Debian's fonts-noto-cjk next to chromium)."""

import re

import pytest

from .browser import (
    NUMBER,
    SCREEN,
    assert_no_exception,
    charts_drawn,
    decoder_state,
    latex_sources,
    main_height,
    wait_idle,
)

pytestmark = pytest.mark.browser


def test_lecture_in_chinese_steps_with_live_numbers(page, app_url, output_dir):
    page.goto(f"{app_url}/lecture?lang=zh&model=reverse-attention&src=lecture")
    wait_idle(page)
    assert_no_exception(page)
    page.get_by_role("heading", name="课堂讲解：从固定向量 c 到注意力").wait_for()
    for heading in ("1 · 编码器", "2 · 解码器", "3 · 训练与推理", "4 · 束搜索与贪心解码", "5 · 瓶颈", "6 · 注意力"):
        page.get_by_role("heading", name=re.compile(heading)).first.wait_for()
    assert page.get_by_text("Decoding step t").count() == 0  # no English label left on a Chinese page
    sources = latex_sources(page)
    assert any(s.startswith("c = (") and NUMBER.search(s) for s in sources), sources  # c = h_T with numbers
    assert any(r"\mathcal{L} = " in s and NUMBER.search(s) for s in sources)  # cross-entropy, a number
    before = decoder_state(page)
    assert before.startswith("s_{1}")
    page.locator(".st-key-lecture_energies .js-plotly-plot").wait_for()
    page.screenshot(path=str(output_dir / "lecture-zh.png"), full_page=True)

    page.locator(".st-key-next button:visible").click()  # 下一步
    page.wait_for_function("() => window.location.search.includes('step=2')")
    wait_idle(page)
    after = decoder_state(page, 2)
    assert NUMBER.findall(after) != NUMBER.findall(before)
    assert "lang=zh" in page.url  # the language stays in the link
    page.screenshot(path=str(output_dir / "lecture-zh-step2.png"), full_page=True)

    # a link to one section of the whole lecture (not presenting) opens scrolled to it, once
    page.goto(f"{app_url}/lecture?lang=zh&model=reverse-attention&src=lecture&section=6")
    header = page.get_by_role("heading", name=re.compile("6 · 注意力")).first
    header.wait_for()
    page.wait_for_function(
        """() => { const h = [...document.querySelectorAll('[data-testid="stMain"] h2')]
                     .find(e => e.textContent.trim().startsWith('6 ·'));
                   return h && Math.abs(h.getBoundingClientRect().top) < 150; }"""
    )
    wait_idle(page)
    assert abs(header.bounding_box()["y"]) < 150  # still there once the page is idle


def test_transformer_section_in_chinese_runs_its_timing_chart_on_one_projector_screen(projector, app_url, output_dir):
    """§8 on a projector in 中文 with the Transformer in the sidebar: its numbers, its tabs fitting the
    screen, and the measurement run from its button (the test server's budget: 12 s). (§8 in English,
    and in 中文 with an RNN in the sidebar: the slide-by-slide walk in tests/test_browser_projector.py;
    its numbers: tests/test_app_lecture.py.)"""
    page = projector
    page.goto(f"{app_url}/lecture?model=reverse-transformer&src=attention&present=1&section=8&step=3&lang=zh")
    wait_idle(page)
    assert_no_exception(page)
    page.locator("h2").filter(has_text="8 · 讲义之后").wait_for()
    charts_drawn(page, "lecture_qkv")
    # softmax(qKᵀ/√d_k)V, Σ α v_i and W_V c_t + b_V: three rows of the same numbers
    block = next(s for s in latex_sources(page) if s.startswith(r"\begin{aligned}"))
    rows = block.split(r"\\")
    assert len(rows) == 3 and len({r.split("&= (")[1].split(")")[0] for r in rows}) == 1, rows
    page.screenshot(path=str(output_dir / "lecture-transformer-zh.png"))
    page.get_by_role("tab", name="因果掩码与多头").click()
    charts_drawn(page, "lecture_causal", "lecture_heads")
    height = main_height(page)
    assert height <= SCREEN["height"] + 1, height
    page.screenshot(path=str(output_dir / "lecture-transformer-heads-zh.png"))

    page.get_by_role("tab", name="每个训练步的时间").click()
    page.locator(".st-key-run_step_times button:visible").first.click()
    # while it runs: the progress bar, and the chart drawn from the lengths measured so far
    page.locator('[data-testid="stProgress"]').first.wait_for()
    page.wait_for_function(
        "name => [...document.querySelectorAll('.js-plotly-plot .legendtext')].some(e => e.textContent === name)",
        arg="RNN + 注意力",
    )
    page.screenshot(path=str(output_dir / "lecture-transformer-measuring-zh.png"))
    # done (bounded by limits.MAX_STEP_TIMING_SECONDS): the kept chart and the sentence from its numbers
    page.locator(".st-key-lecture_step_times .js-plotly-plot .main-svg").first.wait_for(timeout=180_000)
    wait_idle(page)
    assert_no_exception(page)
    assert page.locator('[data-testid="stProgress"]').count() == 0
    lines = page.locator(".st-key-lecture_step_times .scatterlayer .trace")
    assert lines.count() == 2  # RNN + attention and the Transformer
    points = page.locator(".st-key-lecture_step_times .scatterlayer .trace").first.locator(".point")
    assert points.count() >= 2  # at least two lengths within the budget
    page.get_by_text("一个训练步的时间").first.wait_for()
    height = main_height(page)
    assert height <= SCREEN["height"] + 1, height  # the slide still fits the projector with the chart and its sentence
    page.screenshot(path=str(output_dir / "lecture-transformer-measured-zh.png"))
