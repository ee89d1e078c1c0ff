"""What the browser tests share: waiting for Streamlit to be idle, reading what a page shows, and the
checks every flow makes. The server and the browser are session fixtures in tests/conftest.py
(`app_url`, `browser`; `page` and `projector` are a fresh context per test on that browser).

Every wait waits for a condition in the page, never for a fixed time: the machine may be busy.
"""

from __future__ import annotations

import contextlib
import re

# Headless Chromium's flags: Debian's binary, as root, with no network
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # no network here: without these Chromium keeps trying to reach Google's services
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

DESKTOP = {"width": 1600, "height": 1800}  # the `page` fixture: a tall desktop window, whole pages in view
SCREEN = {"width": 1920, "height": 1080}  # a projector (the `projector` fixture) and most screenshots

PURPLE = "rgb(148, 103, 189)"  # figures.FORCED (#9467bd): a forced token, wherever it is drawn
RETAINED = '[data-retained="true"]'  # Streamlit's hidden copy of an element from a fragment's run before


# Idle: the script has run to the end (Streamlit marks the app root when it is), something is drawn
# (a page that has just loaded is "notRunning" before its first run starts, and its skeleton stands
# in until that run's elements arrive), and every Plotly chart has had its first draw (its element
# can be in the page before Plotly has laid it out; charts in tabs not shown are drawn too).
_IDLE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (app?.dataset.testScriptState !== 'notRunning') return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    if (!document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]')) return false;
    return [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(chart => {
        if (chart.closest('[data-retained="true"]')) return true;  // a hidden copy (RETAINED)
        const gd = chart.querySelector('.js-plotly-plot');
        return gd && gd._fullLayout && gd.querySelector('.main-svg');
    });
}"""


def wait_idle(pg) -> None:
    """Until the page's script has run to the end and what it sent is drawn, charts included."""
    pg.wait_for_function(_IDLE)


def assert_no_exception(pg) -> None:
    """No Streamlit exception box on the page (its text is the failure message)."""
    errors = pg.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()


@contextlib.contextmanager
def new_page(browser, viewport: dict, timeout_ms: int = 60_000):
    """A page in a fresh context (its own cookies: a different person) on the shared browser."""
    context = browser.new_context(viewport=viewport, device_scale_factor=1)
    try:
        pg = context.new_page()
        pg.set_default_timeout(timeout_ms)
        yield pg
    finally:
        context.close()


def step_summary(pg):
    """Translate's line for the current step ("t = 3: the decoder emits …")."""
    return pg.locator('[data-testid="stMarkdownContainer"]', has_text="the decoder emits")


def charts_drawn(pg, *keys: str) -> None:
    """Until the charts with these Streamlit keys are drawn."""
    for key in keys:
        pg.locator(f".st-key-{key} .js-plotly-plot .main-svg").first.wait_for()


def latex_sources(pg) -> list[str]:
    """The TeX of every st.latex on the page (KaTeX keeps it in an annotation element)."""
    return pg.locator(".katex-mathml annotation").evaluate_all("els => els.map(e => e.textContent)")


NUMBER = re.compile(r"-?\d+\.\d\d")  # a number as the Lecture page writes one


def latex_line(pg, prefix: str) -> str:
    """The first st.latex whose TeX starts with ``prefix``, once KaTeX has drawn it (a slide's
    heading can be on screen before its equations)."""
    pg.wait_for_function(
        "prefix => [...document.querySelectorAll('.katex-mathml annotation')]"
        ".some(e => e.textContent.startsWith(prefix))",
        arg=prefix,
    )
    return next(s for s in latex_sources(pg) if s.startswith(prefix))


def decoder_state(pg, step: int | None = None) -> str:
    """The LaTeX line of s_t: the decoder state at the current step (or at ``step``), as numbers."""
    return latex_line(pg, "s_{" if step is None else f"s_{{{step}}}")


def on_screen(pg, selector: str) -> dict:
    """The element's box, asserted to lie wholly inside the viewport (not scrolled away). A view that
    keeps rerunning (Train's live curves) may replace the element between two looks, its new chart
    hidden until Plotly has sized it: then the new one is waited for (a few times at most)."""
    element = pg.locator(selector).first
    box = element.bounding_box()
    for _ in range(5):
        if box is not None:
            break
        element.wait_for(state="visible")
        box = element.bounding_box()
    size = pg.viewport_size
    assert box is not None, f"{selector} is not drawn"
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"] + 1, (selector, box)
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"] + 1, (selector, box)
    return box


def main_height(pg) -> int:
    """The height of the page's main column, scrolled content included."""
    return pg.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")


def sidebar_models(pg) -> list[str]:
    """The models the sidebar's picker offers (opened, read, closed again)."""
    pg.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    options = pg.locator('[role="option"]').all_inner_texts()
    pg.keyboard.press("Escape")
    return options


def finish_training(pg, timeout_ms: int) -> str:
    """Wait until the training on the Train page is done; its summary ("… now in the sidebar … held-out
    exact match 99.5 % …")."""
    pg.get_by_text("now in the sidebar").wait_for(timeout=timeout_ms)
    wait_idle(pg)
    assert_no_exception(pg)
    return pg.locator('[data-testid="stMarkdownContainer"]', has_text="now in the sidebar").inner_text()


def held_out_accuracy(summary: str) -> float:
    """The held-out exact match in % from a training's summary."""
    return float(summary.split("held-out exact match")[1].split("%")[0])
