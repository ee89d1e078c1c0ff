"""▶ Play on Translate, in real headless Chromium: the browser plays the whole decode without
asking the server, and the step it stops at comes back to the link and the page.

Waits on conditions, never on fixed sleeps: the machine may be busy."""

import re
from pathlib import Path

import pytest

from .browser import PURPLE, step_summary, wait_idle

pytestmark = pytest.mark.browser

URL = "/translate?model=reverse-attention&src=encoderdecoder"
PLAYER = ".st-key-player .js-plotly-plot"


def count_requests(page) -> list:
    """Every message the page sends the server (a rerun request is one), from now on."""
    sent: list = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    return sent


def play(page) -> None:
    """Press ▶ and wait until the browser plays: Plotly's frames advance (or, from a step near the
    end on a busy machine, have already run out and the player is gone again)."""
    page.locator(".st-key-play button:visible").click()
    page.locator(PLAYER).wait_for(state="attached")
    page.wait_for_function(
        f"() => {{ const gd = document.querySelector('{PLAYER}'); return !gd || (gd._transitionData && "
        "(gd._transitionData._animationRaf || gd._fullLayout._currentFrame !== undefined)); }"
    )


def shown_step(page) -> int:
    """The step the player's slider shows (Plotly's own current frame)."""
    return int(page.evaluate(f"() => document.querySelector('{PLAYER}')._fullLayout._currentFrame"))


def test_play_runs_in_the_browser_the_end_comes_back_and_downloads_to_play_offline(page, app_url, output_dir):
    sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    page.goto(f"{app_url}{URL}&step=3")
    wait_idle(page)
    assert "t = 3" in step_summary(page).first.inner_text()
    play(page)
    wait_idle(page)
    during = len(sent)
    # it plays on from step 3 without a request to the server, then the end comes back
    page.wait_for_function(f"() => Number(document.querySelector('{PLAYER}')._fullLayout._currentFrame) >= 6")
    assert len(sent) == during, "the server was asked while playing"
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.screenshot(path=str(output_dir / "play-playing.png"))
    n = len("encoderdecoder") + 1
    page.wait_for_function(f"() => window.location.search.includes('step={n}')", timeout=60_000)
    wait_idle(page)
    assert page.locator(PLAYER).count() == 0  # back to the step view
    assert f"t = {n}" in step_summary(page).first.inner_text()
    assert len(sent) - during <= 2  # the stop: one rerun (and its acknowledgement)
    # Export (drawn only while open) offers the animated decode as one HTML file for slides
    assert not page.locator(".st-key-html").count()  # closed: not drawn
    page.locator(".st-key-export summary").click()
    page.locator(".st-key-html button").wait_for()
    with page.expect_download() as download:
        page.locator(".st-key-html button").click()
    html = Path(download.value.path()).read_text(encoding="utf-8")
    assert "<html>" in html[:100] and "Plotly.animate" in html and len(html) > 3_000_000  # plotly.js inside
    assert download.value.suggested_filename == "reverse-attention-encoderdecoder-play.html"


def test_pause_writes_the_step_to_the_link_and_what_if_still_works(page, app_url, output_dir):
    page.goto(f"{app_url}{URL}&step=2")
    wait_idle(page)
    play(page)
    page.wait_for_function(f"() => Number(document.querySelector('{PLAYER}')._fullLayout._currentFrame) >= 4")
    # ⏸ in the figure (an SVG button: the event Plotly listens to, wherever the page has scrolled)
    page.locator(f"{PLAYER} .updatemenu-button").nth(1).dispatch_event("click")
    page.locator(PLAYER).wait_for(state="detached")
    wait_idle(page)
    shown = int(re.search(r"t = (\d+)", step_summary(page).first.inner_text()).group(1))
    assert 4 <= shown < len("encoderdecoder") + 1
    page.wait_for_function(f"() => window.location.search.includes('step={shown}')")
    assert "src=encoderdecoder" in page.url  # the rest of the link stays (a default model is left out)
    # the step view is back and steps by hand from there
    page.locator(".st-key-next button:visible").click()
    page.wait_for_function(f"() => window.location.search.includes('step={shown + 1}')")
    wait_idle(page)
    assert f"t = {shown + 1}" in step_summary(page).first.inner_text()
    # what-if: force another candidate; the forced token is purple, also in the player
    page.locator("[class*='st-key-force-'] button:not([disabled])").first.click()
    page.wait_for_function("() => window.location.search.includes('force=')")
    wait_idle(page)
    purple = PURPLE
    assert page.locator(".box-output .token-forced").evaluate("e => getComputedStyle(e).color") == purple
    # the player is drawn only for as long as it plays (a few frames from here): watch for the
    # purple token from before ▶ is pressed until the player goes
    seen = page.evaluate_handle(
        f"""() => {{ const seen = {{purple: false}};
            const look = () => {{ for (const e of document.querySelectorAll('{PLAYER} text')) {{
                if (getComputedStyle(e).fill === '{purple}') seen.purple = true; }} }};
            new MutationObserver(look).observe(document.body, {{subtree: true, childList: true, attributes: true}});
            return seen; }}"""
    )
    play(page)
    page.wait_for_function("seen => seen.purple", arg=seen, timeout=60_000)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.screenshot(path=str(output_dir / "play-what-if.png"))
    page.wait_for_function("() => window.location.search.includes('step=')", timeout=60_000)
    page.locator(PLAYER).wait_for(state="detached", timeout=60_000)
    wait_idle(page)
    assert "force=" in page.url  # the what-if outlives playing
