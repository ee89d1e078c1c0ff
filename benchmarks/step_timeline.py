"""Where a ⏭ Next step's time goes, stamped on both sides: the server's own clock and the page's.

    python benchmarks/step_timeline.py [--clicks 8]

benchmarks/felt_speed.py splits a step at the websocket frames as Chromium's DevTools stamps
them; those stamps turned out to wait for the page's busy main thread (a frame the server sent
early was stamped after the charts before it were drawn), so "server, on the wire" there holds
browser time too. This script stamps the server itself: the app server starts with a
``sitecustomize`` (written to a temporary folder, on PYTHONPATH only for this server) that logs
when each BackMsg arrives and when the script run enqueues each ForwardMsg, with its size. Per
step it prints:

- server: the rerun request arriving → the run's last message enqueued (the fragment's run);
- the biggest message of the run and when it was enqueued;
- click → page idle with its charts drawn, and the main thread's long tasks in that time
  (felt_speed's probe: the page's clock);

on /translate?model=reverse-attention&src=abcdefghijklmnopqrst. Not part of the test run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import felt_speed  # noqa: E402  (its page probe and selectors)

HOOK = """
import os, sys, threading, time

def _patch():
    from streamlit.runtime import app_session as a
    log = open(os.environ["STEP_TIMELINE_LOG"], "a", buffering=1)
    enqueue, handle = a.AppSession._enqueue_forward_msg, a.AppSession.handle_backmsg
    def _enqueue(self, msg):
        log.write(f"{time.time():.4f} out {msg.WhichOneof('type')} {msg.ByteSize()}\\n")
        return enqueue(self, msg)
    def _handle(self, msg):
        log.write(f"{time.time():.4f} in {msg.WhichOneof('type')} 0\\n")
        return handle(self, msg)
    a.AppSession._enqueue_forward_msg, a.AppSession.handle_backmsg = _enqueue, _handle

def _wait():
    for _ in range(1200):
        if "streamlit.runtime.app_session" in sys.modules:
            _patch()
            return
        time.sleep(0.05)

if os.environ.get("STEP_TIMELINE_LOG"):
    threading.Thread(target=_wait, daemon=True).start()
"""

URL = "/translate?model=reverse-attention&src=abcdefghijklmnopqrst"


def start(port: int, hook_dir: str, log: Path) -> subprocess.Popen:
    env = os.environ | {"PYTHONPATH": f"{hook_dir}:{ROOT}", "STEP_TIMELINE_LOG": str(log)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.read().strip() == b"ok":
                    return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the app server did not start")


def server_side(log: Path, since: float, until: float) -> dict:
    """The server's stamps of one step: request in → last message out; the biggest message."""
    rows = []
    for line in log.read_text().splitlines():
        stamp, way, kind, size = line.split()
        if since <= float(stamp) <= until:
            rows.append((float(stamp), way, kind, int(size)))
    request = next(t for t, way, kind, _ in rows if way == "in" and kind == "rerun_script")
    out = [(t, size) for t, way, _, size in rows if way == "out" and t >= request]
    biggest = max(out, key=lambda r: r[1])
    return {
        "server_ms": 1000 * (out[-1][0] - request),
        "biggest_kb": biggest[1] / 1000,
        "biggest_at_ms": 1000 * (biggest[0] - request),
        "messages": len(out),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=8)
    parser.add_argument("--port", type=int, default=8597)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as hook_dir:
        (Path(hook_dir) / "sitecustomize.py").write_text(HOOK)
        log = Path(hook_dir) / "log.txt"
        proc = start(args.port, hook_dir, log)
        steps = []
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=felt_speed.CHROMIUM_ARGS)
                context = browser.new_context(viewport={"width": 1600, "height": 1000})
                context.add_init_script(felt_speed.PROBE)
                page = context.new_page()
                page.set_default_timeout(120_000)
                page.goto(f"http://127.0.0.1:{args.port}{URL}", wait_until="commit")
                page.wait_for_function("() => window.__felt && window.__felt.ready")
                page.evaluate("() => window.__felt.waitIdle(0, 1)")
                for k in range(args.clicks + 1):  # the first is a warm-up
                    plots = page.locator(".js-plotly-plot").count()
                    page.evaluate("() => { window.__felt.input = null; }")
                    before = time.time()
                    page.locator(felt_speed.NEXT).first.click()
                    since = page.evaluate("() => window.__felt.input")
                    idle = page.evaluate("([s, n]) => window.__felt.waitIdle(s, n)", [since, plots])
                    split = page.evaluate("([s, i]) => window.__felt.split(s, i)", [since, idle])
                    if k:
                        steps.append(split | server_side(log, before - 0.05, time.time()))
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    load = os.getloadavg()[0]
    med = {key: statistics.median(s[key] for s in steps) for key in steps[0]}
    print(f"⏭ Next on {URL}, {len(steps)} steps after one warm-up, medians (load average {load:.1f}):")
    print(f"  click → page idle, charts drawn: {med['total']:.0f} ms")
    print(
        f"  server (its own clock): request in → last message out: {med['server_ms']:.0f} ms, "
        f"{med['messages']:.0f} messages; the biggest ({med['biggest_kb']:.0f} kB) out at {med['biggest_at_ms']:.0f} ms"
    )
    print(f"  the page's main thread busy in long tasks meanwhile: {med['busy']:.0f} ms")
    print(f"  so the browser's share (total − server): {med['total'] - med['server_ms']:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
