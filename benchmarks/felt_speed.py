"""Speed as a person feels it: Attention Lab against a bare Streamlit app, in one headless Chromium.

    python benchmarks/felt_speed.py [--clicks 12] [--visits 1]     # also: make bench-felt

For each app (Attention Lab's /translate?model=reverse-attention&src=abcdefghijklmnopqrst, and
benchmarks/bare_app.py: a title, a text input, a slider and one Plotly heatmap):

- first visitor: a freshly started server, warmed as `make run` warms it (one run of the app
  through its websocket, deploy/serve_class.py's warm; --no-warm: answering its health check
  only); a new browser context opens the page; navigation start → page idle, every chart drawn;
- second visitor: another context on the now warm server, the same;
- a step: ⏭ Next on Attention Lab, ArrowRight on the bare app's slider; the input event →
  idle, charts drawn (one click to warm up, then --clicks counted: median, min–max);
- ▶ Play (Attention Lab, twice from t = 1): the browser plays the decode (seq2seq/ui/player.py);
  the steps a second it shows (each change of the player's frame, stamped every animation
  frame), click → first step animated, last step → idle with that step drawn, and the messages
  sent to the server while it played (0: no round trip).

"Idle" (in the page, polled every animation frame): the app root says
data-test-script-state="notRunning", no status widget says running/connecting, no element is
marked stale, every .js-plotly-plot has its layout and SVG and is not transitioning, and no
websocket message has arrived for 250 ms after that (the reported time is when the page
became idle, not the end of the quiet window). Times come from the page's own clock
(performance.now()): a wrapped WebSocket stamps every message sent and received, and a
longtask observer sums the main thread's busy time; the DevTools protocol stamps the same
frames on the wire. Each step is split into
  server: our request on the wire → the server's last frame on the wire (network stamps, so
          meant to be independent of a busy page — measured 2026-11-27 they are not: they wait
          for the page's main thread; benchmarks/step_timeline.py stamps the server itself), and
          browser: the rest of the step;
and, from the page's clock (message events wait behind rendering, so these overlap):
  input → request sent (widget handling, debounce), request sent → last message handled,
  last message → idle (React, Plotly's draws), main thread busy (long tasks ≥ 50 ms).
Writes benchmarks/results/felt_speed.{md,json}; benchmarks/bench.py adds the rows to its table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "deploy"))
sys.path.insert(0, str(ROOT))

from many_users import ARGS as CHROMIUM_ARGS  # noqa: E402

LAB_PATH = "/translate?model=reverse-attention&src=abcdefghijklmnopqrst"
APPS = {
    "lab": {"title": "Attention Lab", "script": "app.py", "path": LAB_PATH},
    "bare": {"title": "bare Streamlit app", "script": "benchmarks/bare_app.py", "path": "/"},
    # the floor of a page that draws Translate's five figures: the bare app drawing them (five_figures)
    "five": {"title": "bare app, Translate's 5 charts", "script": "benchmarks/bare_app.py", "path": "/"},
}
FIVE_FIGURES = Path(tempfile.gettempdir()) / "attention-lab-felt-speed-five-figures.json"  # ~5 MB, not kept


def five_figures(path: Path = FIVE_FIGURES) -> Path:
    """Translate's five figures at every step of LAB_PATH's decode, as the page builds them (sizes,
    data revision), written as JSON for the "five" app (benchmarks/bare_app.py, BARE_FIGURES)."""
    from urllib.parse import parse_qs, urlparse

    import plotly.io as pio

    from seq2seq import figures
    from seq2seq.core import checkpoint
    from seq2seq.core.search import trace
    from seq2seq.ui.charts import DATA_REVISION

    query = {k: v[0] for k, v in parse_qs(urlparse(LAB_PATH).query).items()}
    ckpt = checkpoint.load(ROOT / "checkpoints" / f"{query['model']}.safetensors")
    decoded = trace(ckpt.model, ckpt.tokenizer, query["src"])
    wide = figures.WIDE * 3 // 5  # pages/translate.py's WIDE_COL
    steps = []
    for t in range(1, len(decoded.steps) + 1):
        built = [
            figures.attention_heatmap(decoded, t, None, width=wide),
            figures.attention_flow(decoded, t),
            figures.alpha_bars(decoded, t),
            figures.topk_bars(decoded, t),
            figures.context_strip(decoded, t, width=wide),
        ]
        for fig in built:
            fig.layout.datarevision = DATA_REVISION
        steps.append([pio.to_json(fig, validate=False) for fig in built])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(steps))
    return path


NEXT = ".st-key-next button:visible:not([disabled])"
SLIDER = '[data-testid="stSlider"] input[type="range"]'

PROBE = """
(() => {
  const felt = (window.__felt = { msgs: [], sends: [], input: null, long: [] });
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      if (String(args[0]).includes("_stcore/stream")) {
        this.addEventListener("message", () => felt.msgs.push(performance.now()));  // before the app's own handler
        const send = this.send.bind(this);
        this.send = (data) => { felt.sends.push(performance.now()); return send(data); };
      }
    }
  };
  for (const type of ["pointerdown", "keydown"]) {
    addEventListener(type, () => { felt.input = performance.now(); }, true);
  }
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) felt.long.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
  } catch (e) {}
  // Play: every step the player's figure shows, stamped when it changes (polled each animation frame)
  felt.frames = [];
  const watch = () => {
    const gd = document.querySelector(".st-key-player .js-plotly-plot");
    const cur = gd && gd._fullLayout ? gd._fullLayout._currentFrame : null;
    if (cur && cur !== felt.lastFrame) felt.frames.push([performance.now(), cur]);
    felt.lastFrame = cur;
    requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
  felt.ready = (minPlots) => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
    const status = document.querySelector('[data-testid="stStatusWidget"]');
    if (status && /running|connecting/i.test(status.textContent)) return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    const plots = [...document.querySelectorAll(".js-plotly-plot")];
    return plots.length >= minPlots &&
      plots.every((gd) => gd._fullLayout && gd.querySelector(".main-svg") && !gd._transitioning);
  };
  felt.waitIdle = (since, minPlots, quietMs = 250) => new Promise((resolve) => {
    let readyAt = null;
    const tick = () => {
      const now = performance.now();
      const lastMsg = felt.msgs.length ? felt.msgs[felt.msgs.length - 1] : -1;
      if (felt.ready(minPlots) && (lastMsg > since || now - since > quietMs)) {
        if (readyAt === null || readyAt < lastMsg) readyAt = now;
        if (now - Math.max(readyAt, lastMsg) > quietMs) return resolve(readyAt);
      } else {
        readyAt = null;
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  felt.split = (since, idle) => {
    const sends = felt.sends.filter((t) => t >= since && t <= idle);
    const msgs = felt.msgs.filter((t) => t >= since && t <= idle);
    const busy = felt.long.reduce((sum, [start, d]) =>
      sum + Math.max(0, Math.min(start + d, idle) - Math.max(start, since)), 0);
    const sent = sends.length ? sends[0] : since;
    const last = msgs.length ? msgs[msgs.length - 1] : sent;
    return { total: idle - since, to_send: sent - since, server: last - sent, render: idle - last,
             busy, messages: msgs.length, plots: document.querySelectorAll(".js-plotly-plot").length };
  };
})();
"""


def start_server(script: str, port: int, env: dict | None = None) -> tuple[subprocess.Popen, float]:
    """`streamlit run SCRIPT` on a loopback port (``env``: more environment variables); returns it
    and the seconds until it answered."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=os.environ | {"PYTHONPATH": str(ROOT)} | (env or {}),
    )  # fmt: skip
    deadline = start + 120
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.read().strip() == b"ok":
                    return proc, time.perf_counter() - start
        except OSError:
            pass
        if proc.poll() is not None or time.perf_counter() > deadline:
            proc.kill()
            raise RuntimeError(f"streamlit run {script} did not start")
        time.sleep(0.05)


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


FRAMES: dict = {}  # page -> its websocket frames on the wire


def listen_frames(page) -> list[tuple[str, float]]:
    """Websocket frames as the network stack stamps them (DevTools protocol, seconds): unlike the
    page's message events. (Measured 2026-11-27, they too wait while the main thread is busy
    rendering: benchmarks/step_timeline.py stamps the server's side on its own clock.)"""
    frames: list[tuple[str, float]] = []
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.on("Network.webSocketFrameSent", lambda e: frames.append(("sent", e["timestamp"])))
    cdp.on("Network.webSocketFrameReceived", lambda e: frames.append(("recv", e["timestamp"])))
    FRAMES[page] = frames
    return frames


def visit(browser, url: str):
    """A new visitor: navigation start → idle with its charts drawn (ms, the page's clock)."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, device_scale_factor=1)
    context.add_init_script(PROBE)
    page = context.new_page()
    listen_frames(page)
    page.set_default_timeout(120_000)
    page.goto(url, wait_until="commit")
    page.wait_for_function("() => window.__felt && window.__felt.ready")
    drawn = page.evaluate("() => window.__felt.waitIdle(0, 1)")
    return page, {"drawn_ms": drawn, **page.evaluate("d => window.__felt.split(0, d)", drawn)}


def step(page, app: str) -> dict:
    plots = page.locator(".js-plotly-plot").count()
    page.evaluate("() => { window.__felt.input = null; }")
    FRAMES[page].clear()
    if app == "lab":
        page.locator(NEXT).first.click()
    else:
        page.locator(SLIDER).first.focus()
        page.keyboard.press("ArrowRight")
    since = page.evaluate("() => window.__felt.input")
    if since is None:
        raise RuntimeError("the input event was not seen")
    idle = page.evaluate("([since, n]) => window.__felt.waitIdle(since, n)", [since, plots])
    split = page.evaluate("([since, idle]) => window.__felt.split(since, idle)", [since, idle])
    sent = [t for kind, t in FRAMES[page] if kind == "sent"]
    received = [t for kind, t in FRAMES[page] if kind == "recv" and sent and t >= sent[0]]
    # the server's side: our request on the wire → its last frame on the wire (network stamps)
    split["wire"] = 1000 * (received[-1] - sent[0]) if received else 0.0
    split["browser"] = split["total"] - split["wire"]
    return split


PLAY = ".st-key-play button:visible:not([disabled])"


def play(page, url: str) -> dict:
    """▶ Play from step 1 to the end on a fresh page: click → the first step animated, steps a
    second while the browser plays (frames shown / time), the last step → the page idle with
    that step drawn and in the link, and the messages sent to the server while it played."""
    page.goto(f"{url}&step=1")
    page.evaluate("() => window.__felt.waitIdle(0, 1)")
    page.evaluate("() => { window.__felt.input = null; window.__felt.frames = []; }")
    page.locator(PLAY).first.click()
    since = page.evaluate("() => window.__felt.input")
    page.wait_for_function("() => window.__felt.frames.length > 0 && !document.querySelector('.st-key-player')",
                           timeout=300_000, polling=100)  # fmt: skip
    idle = page.evaluate("([since]) => window.__felt.waitIdle(since, 1)", [since])
    frames = page.evaluate("() => window.__felt.frames")
    sends = page.evaluate("() => window.__felt.sends")
    first, last = frames[0][0], frames[-1][0]
    return {
        "frames": len(frames),
        "start_ms": first - since,
        "steps_per_s": (len(frames) - 1) / ((last - first) / 1000) if last > first else 0.0,
        "stop_ms": idle - last,
        "sent_while_playing": sum(1 for t in sends if first < t < last),
        "linked": "step=" in page.url,
    }


def measure_app(browser, app: str, port: int, clicks: int, visits: int, warmed: bool = True) -> dict:
    from serve_class import warm

    spec = APPS[app]
    out: dict = {"answer_s": [], "warm_s": [], "first": [], "second": [], "steps": []}
    env = {"BARE_FIGURES": str(five_figures())} if app == "five" else None
    for v in range(visits):
        proc, answered = start_server(spec["script"], port, env)
        try:
            out["answer_s"].append(answered)
            if warmed:  # as `make run` does, for both apps
                out["warm_s"].append(warm(port))
            url = f"http://127.0.0.1:{port}{spec['path']}"
            first, first_t = visit(browser, url)
            out["first"].append(first_t)
            first.context.close()
            second, second_t = visit(browser, url)
            out["second"].append(second_t)
            if v == 0:
                step(second, app)  # one to warm up, not counted
                out["steps"] = [step(second, app) for _ in range(clicks)]
                second.screenshot(path=str(RESULTS / f"felt_speed-{app}.png"))
                if app == "lab":  # twice, each on a fresh page (a new session builds the animation)
                    out["plays"] = [play(second, url) for _ in range(2)]
            second.context.close()
        finally:
            stop_server(proc)
    return out


def summary(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def measure(clicks: int = 12, visits: int = 1, port: int = 8596, warmed: bool = True) -> dict:
    from playwright.sync_api import sync_playwright

    RESULTS.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()  # the machine is shared: say how busy it was
    raw = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            for app in ("bare", "five", "lab"):
                print(f"measuring {APPS[app]['title']} …", flush=True)
                raw[app] = measure_app(browser, app, port, clicks, visits, warmed)
        finally:
            browser.close()
    result: dict = {"date": dt.date.today().isoformat(), "clicks": clicks, "visits": visits, "warmed": warmed,
                    "apps": {}, "load_before": load_before, "load_after": os.getloadavg()}  # fmt: skip
    for app, r in raw.items():
        result["apps"][app] = {
            "server_answers_s": summary(r["answer_s"]),
            "first_visit_ms": summary([v["drawn_ms"] for v in r["first"]]),
            "second_visit_ms": summary([v["drawn_ms"] for v in r["second"]]),
            "step_ms": summary([s["total"] for s in r["steps"]]),
            "step_split_ms": {k: statistics.median(s[k] for s in r["steps"]) for k in
                              ("to_send", "server", "render", "busy", "messages", "plots", "wire", "browser")},
            "raw": r,
        }  # fmt: skip
        if r.get("plays"):
            result["apps"][app]["play"] = {k: [p[k] for p in r["plays"]] for k in r["plays"][0]}
    lab, bare, five = result["apps"]["lab"], result["apps"]["bare"], result["apps"]["five"]
    keys = ("step_ms", "first_visit_ms", "second_visit_ms")
    result["ratios"] = {k: lab[k]["median"] / bare[k]["median"] for k in keys}
    result["ratios_five"] = {k: lab[k]["median"] / five[k]["median"] for k in keys}  # to the five-chart floor
    return result


def spread(s: dict, scale: float = 1.0, digits: int = 0) -> str:
    median = f"{s['median'] * scale:,.{digits}f}"
    return median if s["n"] < 2 else f"{median} ({s['min'] * scale:,.{digits}f}–{s['max'] * scale:,.{digits}f})"


def markdown(result: dict) -> str:
    lab, bare, ratio = result["apps"]["lab"], result["apps"]["bare"], result["ratios"]
    five, ratio_five = result["apps"]["five"], result["ratios_five"]
    rows = [
        ("step: click ⏭ Next / the bare app's slider → idle, charts drawn "
         f"({result['clicks']} after one warm-up), ms", "step_ms", 1.0, 0),
        ("first visitor of a freshly started server" + (" (warmed as `make run` does)" if result.get("warmed") else "")
         + " → charts drawn, s", "first_visit_ms", 1e-3, 2),
        ("second visitor (server warm) → charts drawn, s", "second_visit_ms", 1e-3, 2),
    ]  # fmt: skip
    lines = [
        f"# Felt speed, {result['date']}",
        "",
        "Command: `make bench-felt` (`python benchmarks/felt_speed.py`). One headless Chromium, server and",
        "browser on the same machine. Attention Lab: `/translate?model=reverse-attention&src=abcdefghijklmnopqrst`;",
        "the floor: `benchmarks/bare_app.py` (title, text input, slider, one Plotly heatmap); the floor of a page",
        "that draws what Translate draws: the same bare app drawing Translate's five figures of that decode",
        "(built by the app's figure builders, read from JSON: no model, no session state), stepped by its slider.",
        f"Load average (1 min) before / after: {result['load_before'][0]:.1f} / {result['load_after'][0]:.1f} "
        f"on {os.cpu_count()} cores.",
        "",
        "| what a person does | Attention Lab | bare Streamlit app | ratio | bare app, Translate's 5 charts | ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, key, scale, digits in rows:
        lab_, bare_, five_ = (spread(a[key], scale, digits) for a in (lab, bare, five))
        lines.append(f"| {label} | {lab_} | {bare_} | {ratio[key]:.1f}× | {five_} | {ratio_five[key]:.1f}× |")
    lines.append(
        f"| server launch → answering its health check, s | {spread(lab['server_answers_s'], 1, 2)} "
        f"| {spread(bare['server_answers_s'], 1, 2)} | | {spread(five['server_answers_s'], 1, 2)} | |"
    )
    if "play" in lab:
        p = lab["play"]
        lines.append(
            "| ▶ Play from t = 1, played in the browser: steps per second shown (target ≥ 4), "
            "two plays, each on a fresh page "
            f"| {' / '.join(f'{v:.1f}' for v in p['steps_per_s'])} | | | | |"
        )
        lines.append(
            "| … click ▶ → first step animated / last step → page idle with it drawn and linked, ms "
            f"| {' / '.join(f'{a:,.0f}' for a in p['start_ms'])} · {' / '.join(f'{b:,.0f}' for b in p['stop_ms'])} "
            f"| | | | |"
        )
        lines.append(
            f"| … messages to the server while playing | {' / '.join(str(v) for v in p['sent_while_playing'])} "
            "| | | | |"
        )
    lines += [
        "",
        "Where a step's time goes (medians, ms). The first two rows add up to the step; the rest are from the",
        "page's clock and overlap, since the browser renders deltas while later ones are still on their way:",
        "",
        "| part | Attention Lab | bare Streamlit app | bare app, Translate's 5 charts |",
        "|---|---:|---:|---:|",
    ]
    parts = [
        ("**server + waiting for the page**: request → last frame stamped (DevTools; see step_timeline.py)", "wire"),
        ("**browser**: the rest of the step (input, React, Plotly)", "browser"),
        ("input → request sent (browser: widget, debounce)", "to_send"),
        ("request sent → last message handled by the page (server run + queued behind rendering)", "server"),
        ("last message handled → idle, charts drawn (browser render)", "render"),
        ("main thread busy in long tasks (overlaps the above)", "busy"),
        ("websocket messages per step", "messages"),
        ("Plotly charts on the page", "plots"),
    ]
    for label, key in parts:
        lines.append(
            f"| {label} | {lab['step_split_ms'][key]:,.0f} | {bare['step_split_ms'][key]:,.0f} "
            f"| {five['step_split_ms'][key]:,.0f} |"
        )
    return "\n".join(lines) + "\n"


TARGETS = {"step_ms": 5.0, "first_visit_ms": 1.5, "second_visit_ms": 1.3}  # issue 19: ratios to the bare app


def rows(result: dict) -> list[tuple[str, list[float], str, str]]:
    """(measure, values, unit, target) for benchmarks/bench.py's table."""

    def values(app: str, key: str) -> list[float]:
        raw = result["apps"][app]["raw"]
        if key == "step_ms":
            return [s["total"] for s in raw["steps"]]
        return [v["drawn_ms"] / 1000 for v in raw["first" if key == "first_visit_ms" else "second"]]

    out = []
    for key, what, unit in (
        ("step_ms", "step click → idle, charts drawn", "ms"),
        ("first_visit_ms", "first visitor of a fresh server → charts drawn", "s"),
        ("second_visit_ms", "second visitor (warm server) → charts drawn", "s"),
    ):
        out.append((f"{what}: Attention Lab", values("lab", key), unit, ""))
        out.append((f"{what}: bare Streamlit app", values("bare", key), unit, ""))
        out.append(("… ratio (medians)", [result["ratios"][key]], "×", f"≤ {TARGETS[key]:g}"))
        out.append((f"{what}: bare app drawing Translate's 5 charts", values("five", key), unit, ""))
        out.append(("… ratio of Attention Lab to it (medians)", [result["ratios_five"][key]], "×", ""))
    if "play" in result["apps"]["lab"]:
        p = result["apps"]["lab"]["play"]
        out.append(("▶ Play in the browser: steps per second shown", p["steps_per_s"], "steps/s", "≥ 4"))
        out.append(("▶ Play: click → first step animated", p["start_ms"], "ms", ""))
    split = result["apps"]["lab"]["step_split_ms"]
    out.append(("step, Attention Lab: server (request → last frame on the wire)", [split["wire"]], "ms", ""))
    out.append(("step, Attention Lab: browser (the rest: input, React, Plotly)", [split["browser"]], "ms", ""))
    return out


def write(result: dict) -> str:
    text = markdown(result)
    (RESULTS / "felt_speed.md").write_text(text)
    (RESULTS / "felt_speed.json").write_text(json.dumps(result, indent=1) + "\n")
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=12)
    parser.add_argument("--visits", type=int, default=1, help="fresh servers per app (first/second visitor rows)")
    parser.add_argument("--port", type=int, default=8596)
    parser.add_argument("--no-warm", action="store_true", help="first visitor meets a server nobody has run yet")
    args = parser.parse_args()
    result = measure(args.clicks, args.visits, args.port, warmed=not args.no_warm)
    print(write(result))
    print(f"wrote {RESULTS / 'felt_speed.md'} and felt_speed.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
