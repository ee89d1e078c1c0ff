"""The lecture hall: presentation mode at a projector's 1920×1080 with the sidebar collapsed.

On every page a lecturer points at, the figure and the control that advances it must be on
screen together, without scrolling — asserted from bounding boxes. Screenshots of every view
land in tests/output/projector-*.png, in English and 中文: look at them as the back row would.
(Train's live curves on a projector: test_many_users_at_once in tests/test_browser.py, whose
presenter trains while others use the app.)
"""

import re

import pytest

from seq2seq.ui.lecture import SECTIONS, STEPPED

from .browser import (
    DESKTOP,
    NUMBER,
    SCREEN,
    assert_no_exception,
    charts_drawn,
    decoder_state,
    latex_line,
    main_height,
    on_screen,
    wait_idle,
)

pytestmark = pytest.mark.browser


def margins_pushed(page) -> list:
    """Charts whose margins Plotly had to widen for their labels after drawing them once (and
    then drew again: figures._fit_margins makes the room beforehand, for speed)."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => {
            const m = gd._fullLayout.margin, s = gd._fullLayout._size;
            const title = String(gd.layout.title && gd.layout.title.text).slice(0, 40);
            return [title, s.l - m.l, s.r - m.r, s.t - m.t, s.b - m.b];
        }).filter(([, ...grown]) => grown.some(px => px > 0.5))"""
    )


def scrolled(page) -> int:
    return page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTop")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_translate_heatmap_and_next_on_one_screen(projector, app_url, output_dir, lang):
    page = projector
    page.goto(f"{app_url}/translate?model=reverse-attention&src=encoderdecoder&present=1&lang={lang}")
    wait_idle(page)
    assert_no_exception(page)
    assert not page.locator('[data-testid="stSidebar"][aria-expanded="true"]').count()  # collapsed on a slide
    charts_drawn(page, "heatmap", "flow")
    on_screen(page, ".st-key-heatmap .js-plotly-plot")
    on_screen(page, ".st-key-flow .js-plotly-plot")
    on_screen(page, ".st-key-next button:visible")
    charts_drawn(page, "alpha_bars", "topk", "context")
    assert margins_pushed(page) == []
    page.screenshot(path=str(output_dir / f"projector-translate-{lang}.png"))
    # the → key steps (the button's shortcut), and the picture follows
    page.mouse.click(5, 600)  # focus the page, not a field
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.location.search.includes('step=2')")
    wait_idle(page)
    assert scrolled(page) == 0
    on_screen(page, ".st-key-heatmap .js-plotly-plot")


def test_every_lecture_section_fits_one_screen(projector, app_url, output_dir):
    """Presentation mode, slide by slide as a lecturer goes: one section per slide, in fonts larger
    than Streamlit's 16 px, with the model's numbers, each fitting the projector with its figure and
    the control that moves on; §6 and §8 in 中文 too. (§8's measurement: tests/test_browser_lecture.py.)"""
    page = projector
    figure = {"2": "lecture_topk", "5": "lecture_length", "6": "lecture_flow", "7": "lecture_attr_bars",
              "8": "lecture_qkv"}  # fmt: skip
    page.goto(f"{app_url}/lecture?model=reverse-attention&src=lecture&present=1&section=1")
    for section in SECTIONS:
        if section != "1":  # on to the next slide as a lecturer does (a rerun, not a new visit)
            page.locator(".st-key-next_section button:visible").click()
            page.wait_for_function(f"() => window.location.search.includes('section={section}')")
        wait_idle(page)
        page.locator("h2").filter(has_text=re.compile(f"^{section} · ")).wait_for()  # this slide's title
        assert_no_exception(page)
        assert page.locator("h2").filter(has_text=re.compile(r"^\d · ")).count() == 1  # one section on screen
        if section in figure:
            charts_drawn(page, figure[section])
            on_screen(page, f".st-key-{figure[section]} .js-plotly-plot")
        if section == "1":
            page.wait_for_function("() => parseFloat(getComputedStyle(document.documentElement).fontSize) > 18")
            # c's numbers come last (the section measures c at three lengths first)
            assert NUMBER.search(latex_line(page, "c = ("))
        elif section == "2":  # the decoder steps on the slide: s_t's numbers follow, the link keeps the mode
            before = decoder_state(page)
            page.locator(".st-key-next button:visible").click()
            page.wait_for_function("() => window.location.search.includes('step=2')")
            wait_idle(page)
            assert decoder_state(page, 2) != before
            assert "present=1" in page.url
        elif section == "3":  # its table zoomed to the prose's size (Streamlit draws tables at 14 px on a canvas)
            table = page.locator('[data-testid="stDataFrame"]').first
            table.wait_for()
            zoom = table.evaluate("e => getComputedStyle(e.closest('[data-testid=\"stElementContainer\"]')).zoom")
            assert float(zoom) == pytest.approx(1.45), zoom
        elif section == "6":
            assert NUMBER.search(latex_line(page, "c_{2}"))  # the context the model used at step 2, drawn
        elif section == "8":  # the second of §8's three tabs fits too (the third: tests/test_browser_lecture.py)
            assert main_height(page) <= SCREEN["height"] + 1, (section, main_height(page))
            page.get_by_role("tab", name="Causal mask and heads").click()
            charts_drawn(page, "lecture_causal", "lecture_heads")
        # the whole slide fits: nothing below the screen's edge
        height = main_height(page)
        assert height <= SCREEN["height"] + 1, (section, height)
        on_screen(page, ".st-key-next_section button:visible")
        steps = page.locator(".st-key-next").count()
        assert steps == (1 if section in STEPPED else 0), section  # step buttons only where the section steps
        page.screenshot(path=str(output_dir / f"projector-lecture-{section}.png"))
        if section == "6":
            # c_t recomputed and as the model used it, side by side: neither runs past its column, also
            # in a narrower window than the projector's
            for viewport in (SCREEN, DESKTOP):
                page.set_viewport_size(viewport)
                overrun = page.evaluate(
                    """() => [...document.querySelectorAll('.katex-display')]
                        .filter(d => d.textContent.includes('∈'))
                        .map(d => d.scrollWidth - d.clientWidth)"""
                )
                assert len(overrun) == 2 and max(overrun) <= 1, (viewport, overrun)  # px hidden past each column
            page.set_viewport_size(SCREEN)
    page.goto(f"{app_url}/lecture?model=reverse-vanilla&src=lecture&present=1&section=6&lang=zh")
    wait_idle(page)
    charts_drawn(page, "lecture_flow")
    assert main_height(page) <= SCREEN["height"] + 1
    assert not page.get_by_text(re.compile(r"\badditive\b")).count()  # the score picker speaks 中文
    page.screenshot(path=str(output_dir / "projector-lecture-6-zh.png"))
    page.goto(f"{app_url}/lecture?model=reverse-vanilla&src=lecture&present=1&section=8&lang=zh")  # §8: its Transformer
    wait_idle(page)
    charts_drawn(page, "lecture_qkv")
    for tab in ("因果掩码与多头", "每个训练步的时间"):  # §8's three parts, each a tab that fits the screen
        assert main_height(page) <= SCREEN["height"] + 1
        page.get_by_role("tab", name=tab).click()
    on_screen(page, ".st-key-run_step_times button:visible")
    page.screenshot(path=str(output_dir / "projector-lecture-8-zh.png"))


@pytest.mark.parametrize(
    ("model", "src", "width"), [("reverse-attention", "lecture", 5), ("translate-transformer", None, 16)]
)
def test_beam_tree_fits_the_screen_with_labels_that_never_pile_up(projector, app_url, output_dir, model, src, width):
    page = projector
    page.goto(f"{app_url}/beam?model={model}&present=1&beam={width}" + (f"&src={src}" if src else ""))
    wait_idle(page)
    assert_no_exception(page)
    charts_drawn(page, "tree")
    on_screen(page, ".st-key-tree .js-plotly-plot")
    on_screen(page, ".st-key-beam_width input")  # the control that changes the tree
    boxes = page.locator(".st-key-tree .textpoint text").evaluate_all(
        """els => els.filter(e => e.textContent.trim()).map(e => {
            const r = e.getBoundingClientRect();
            return [r.left, r.top, r.right, r.bottom, parseFloat(getComputedStyle(e).fontSize)];
        })"""
    )
    assert len(boxes) >= 8
    assert min(b[4] for b in boxes) >= 14  # readable from the back row
    for i, a in enumerate(boxes):  # no two labels overlap (1 px of antialiasing allowed)
        for b in boxes[i + 1 :]:
            assert a[2] - 1 <= b[0] or b[2] - 1 <= a[0] or a[3] - 1 <= b[1] or b[3] - 1 <= a[1], (a, b)
    markers = page.locator(".st-key-tree .scatterlayer .points path").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"
    )
    assert len(markers) >= len(boxes)
    for a in boxes:  # nor does a label cover a marker (every tree of every shipped model: tests/test_figures.py)
        for m in markers:
            assert a[2] - 1 <= m[0] or m[2] - 1 <= a[0] or a[3] - 1 <= m[1] or m[3] - 1 <= a[1], (a, m)
    page.screenshot(path=str(output_dir / f"projector-beam-{width}.png"))
