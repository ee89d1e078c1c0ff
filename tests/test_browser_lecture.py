"""Lecture mode in real headless Chromium: the notes' equations with live numbers, in 中文 and
in English presentation mode. Screenshots land in tests/output/ — look at them (CJK glyphs
must render: the test setup installs Debian's fonts-noto-cjk next to chromium)."""

import re

import pytest

from .conftest import wait_idle
from .test_browser import assert_no_exception

pytestmark = pytest.mark.browser
NUMBER = re.compile(r"-?\d+\.\d\d")


def latex_sources(page) -> list[str]:
    """The TeX of every st.latex on the page (KaTeX keeps it in an annotation element)."""
    return page.locator(".katex-mathml annotation").evaluate_all("els => els.map(e => e.textContent)")


def decoder_state(page) -> str:
    """The LaTeX line of s_t: the decoder state at the current step, as numbers."""
    return next(s for s in latex_sources(page) if s.startswith("s_{"))


def test_lecture_in_chinese_steps_with_live_numbers(page, app_url, output_dir):
    page.goto(f"{app_url}/lecture?lang=zh&model=reverse-attention&src=lecture")
    wait_idle(page)
    assert_no_exception(page)
    assert page.get_by_role("heading", name="课堂讲解：从固定向量 c 到注意力").is_visible()
    for heading in ("1 · 编码器", "2 · 解码器", "3 · 训练与推理", "4 · 束搜索与贪心解码", "5 · 瓶颈", "6 · 注意力"):
        assert page.get_by_role("heading", name=re.compile(heading)).first.is_visible(), heading
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
    after = decoder_state(page)
    assert after.startswith("s_{2}") and NUMBER.findall(after) != NUMBER.findall(before)
    assert "lang=zh" in page.url  # the language stays in the link
    page.screenshot(path=str(output_dir / "lecture-zh-step2.png"), full_page=True)


def test_lecture_presentation_mode_one_section_per_slide(page, app_url, output_dir):
    page.goto(f"{app_url}/lecture?lang=en&present=1&model=reverse-attention&src=encoder")
    wait_idle(page)
    assert_no_exception(page)
    assert page.get_by_role("heading", name=re.compile("1 · Encoder")).is_visible()  # the slide's title
    # one section on screen, and fonts larger than Streamlit's 16 px
    assert page.locator("h2").filter(has_text=re.compile(r"^\d · ")).count() == 1
    page.wait_for_function("() => parseFloat(getComputedStyle(document.documentElement).fontSize) > 18")
    page.wait_for_function(  # c's numbers come last on the slide (the section measures c at three lengths first)
        "() => [...document.querySelectorAll('.katex-mathml annotation')].some(e => e.textContent.startsWith('c = ('))"
    )
    first = next(s for s in latex_sources(page) if s.startswith("c = ("))
    assert NUMBER.search(first)
    page.screenshot(path=str(output_dir / "lecture-present-1.png"), full_page=True)

    page.locator(".st-key-next_section button:visible").click()
    wait_idle(page)
    page.get_by_role("heading", name=re.compile("2 · Decoder")).wait_for()  # the next slide, drawn
    before = decoder_state(page)
    page.locator(".st-key-next button:visible").click()
    page.wait_for_function("() => window.location.search.includes('step=2')")
    wait_idle(page)
    assert decoder_state(page) != before
    assert "present=1" in page.url
    page.screenshot(path=str(output_dir / "lecture-present-2.png"), full_page=True)

    for _ in range(4):  # on to the attention section
        page.locator(".st-key-next_section button:visible").click()
        wait_idle(page)
    page.get_by_role("heading", name=re.compile("6 · Attention")).wait_for()
    page.locator(".st-key-lecture_flow .js-plotly-plot").wait_for()
    assert any(s.startswith("c_{2}") and NUMBER.search(s) for s in latex_sources(page))
    page.screenshot(path=str(output_dir / "lecture-present-6.png"), full_page=True)
