"""Lecture mode in real headless Chromium: the notes' equations with live numbers, in 中文 and
in English presentation mode. Screenshots land in tests/output/ — look at them (CJK glyphs
must render: the test setup installs Debian's fonts-noto-cjk next to chromium)."""

import re

import pytest

from .browser import NUMBER, assert_no_exception, decoder_state, latex_line, latex_sources, main_height, wait_idle

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


def test_lecture_presentation_mode_one_section_per_slide(page, app_url, output_dir):
    page.goto(f"{app_url}/lecture?lang=en&present=1&model=reverse-attention&src=encoder")
    wait_idle(page)
    assert_no_exception(page)
    page.get_by_role("heading", name=re.compile("1 · Encoder")).wait_for()  # the slide's title
    # one section on screen, and fonts larger than Streamlit's 16 px
    assert page.locator("h2").filter(has_text=re.compile(r"^\d · ")).count() == 1
    page.wait_for_function("() => parseFloat(getComputedStyle(document.documentElement).fontSize) > 18")
    first = latex_line(page, "c = (")  # c's numbers come last (the section measures c at three lengths first)
    assert NUMBER.search(first)
    page.screenshot(path=str(output_dir / "lecture-present-1.png"), full_page=True)

    page.locator(".st-key-next_section button:visible").click()
    wait_idle(page)
    page.get_by_role("heading", name=re.compile("2 · Decoder")).wait_for()  # the next slide, drawn
    before = decoder_state(page)
    page.locator(".st-key-next button:visible").click()
    page.wait_for_function("() => window.location.search.includes('step=2')")
    wait_idle(page)
    assert decoder_state(page, 2) != before
    assert "present=1" in page.url
    page.screenshot(path=str(output_dir / "lecture-present-2.png"), full_page=True)

    for section in range(3, 7):  # on to the attention section, one slide at a time
        page.locator(".st-key-next_section button:visible").click()
        page.wait_for_function(f"() => window.location.search.includes('section={section}')")
        wait_idle(page)
    page.get_by_role("heading", name=re.compile("6 · Attention")).wait_for()
    page.locator(".st-key-lecture_flow .js-plotly-plot").wait_for()
    assert NUMBER.search(latex_line(page, "c_{2}"))  # the context the model used at step 2, drawn
    # c_t recomputed and as the model used it, side by side: neither runs past its column
    overrun = page.evaluate(
        """() => [...document.querySelectorAll('.katex-display')]
            .filter(d => d.textContent.includes('∈'))
            .map(d => d.scrollWidth - d.clientWidth)"""
    )
    assert len(overrun) == 2 and max(overrun) <= 1, overrun  # px hidden past each column's edge
    page.screenshot(path=str(output_dir / "lecture-present-6.png"), full_page=True)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_transformer_section_runs_its_timing_chart_on_one_projector_screen(projector, app_url, output_dir, lang):
    page = projector
    page.goto(f"{app_url}/lecture?model=reverse-transformer&src=attention&present=1&section=8&step=3&lang={lang}")
    wait_idle(page)
    assert_no_exception(page)
    title = "8 · Beyond the notes" if lang == "en" else "8 · 讲义之后"
    page.locator("h2").filter(has_text=title).wait_for()
    page.locator(".st-key-lecture_qkv .js-plotly-plot .main-svg").first.wait_for()
    # softmax(qKᵀ/√d_k)V, Σ α v_i and W_V c_t + b_V: three rows of the same numbers
    block = next(s for s in latex_sources(page) if s.startswith(r"\begin{aligned}"))
    rows = block.split(r"\\")
    assert len(rows) == 3 and len({r.split("&= (")[1].split(")")[0] for r in rows}) == 1, rows
    page.screenshot(path=str(output_dir / f"lecture-transformer-{lang}.png"))
    page.get_by_role("tab", name="Causal mask and heads" if lang == "en" else "因果掩码与多头").click()
    for key in ("lecture_causal", "lecture_heads"):
        page.locator(f".st-key-{key} .js-plotly-plot .main-svg").first.wait_for()
    height = main_height(page)
    assert height <= 1081, height
    page.screenshot(path=str(output_dir / f"lecture-transformer-heads-{lang}.png"))
    if lang == "en":  # the measurement (up to 45 s of CI time) runs once, in 中文
        return

    page.get_by_role("tab", name="Time per training step" if lang == "en" else "每个训练步的时间").click()
    page.locator(".st-key-run_step_times button:visible").first.click()
    # while it runs: the progress bar, and the chart drawn from the lengths measured so far
    page.locator('[data-testid="stProgress"]').first.wait_for()
    rnn = "RNN + attention" if lang == "en" else "RNN + 注意力"
    page.wait_for_function(
        "name => [...document.querySelectorAll('.js-plotly-plot .legendtext')].some(e => e.textContent === name)",
        arg=rnn,
    )
    page.screenshot(path=str(output_dir / f"lecture-transformer-measuring-{lang}.png"))
    # done (bounded by limits.MAX_STEP_TIMING_SECONDS): the kept chart and the sentence from its numbers
    page.locator(".st-key-lecture_step_times .js-plotly-plot .main-svg").first.wait_for(timeout=180_000)
    wait_idle(page)
    assert_no_exception(page)
    assert page.locator('[data-testid="stProgress"]').count() == 0
    lines = page.locator(".st-key-lecture_step_times .scatterlayer .trace")
    assert lines.count() == 2  # RNN + attention and the Transformer
    points = page.locator(".st-key-lecture_step_times .scatterlayer .trace").first.locator(".point")
    assert points.count() >= 2  # at least two lengths within the budget
    said = "a training step went from" if lang == "en" else "一个训练步的时间"
    page.get_by_text(said).first.wait_for()
    height = main_height(page)
    assert height <= 1081, height  # the slide still fits the projector with the chart and its sentence
    page.screenshot(path=str(output_dir / f"lecture-transformer-measured-{lang}.png"))
