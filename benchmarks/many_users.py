"""A class at once: rerun latency of people stepping through Translate, with and without a
training running on the same server, and the server's memory per session.

    python benchmarks/many_users.py [--users 8] [--rounds 5]
    python benchmarks/many_users.py --users 12 --replicas 2     # behind nginx (deploy/)

Starts `streamlit run app.py` on a loopback port (or, with --replicas N ≥ 2 or --front, N
replicas behind nginx through deploy/serve_class.py, the class setup of `make serve-class`)
and drives headless Chromium (Debian's chromium, as the browser tests do). Latency is from
the click on "Next" to the app being idle again, as a student sees it. Memory is the server's resident set size (VmRSS).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * (len(values) - 1) + 0.5))]


def start_class(replicas: int, port: int, run_dir: Path) -> tuple[subprocess.Popen, str, list[int]]:
    """N replicas behind nginx (deploy/serve_class.py); returns it, the front's URL, the replicas' pids."""
    proc = subprocess.Popen(
        [sys.executable, "deploy/serve_class.py", "--replicas", str(replicas), "--port", str(port),
         "--base-port", str(port + 1), "--run-dir", str(run_dir)],
        cwd=ROOT, stdout=sys.stdout, stderr=sys.stderr, env=os.environ | {"PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    for _ in range(3000):
        if (run_dir / "state.json").exists():
            state = json.loads((run_dir / "state.json").read_text())
            return proc, state["url"], [r["pid"] for r in state["replicas"]]
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("deploy/serve_class.py did not start")


def main() -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--port", type=int, default=8599)
    parser.add_argument("--replicas", type=int, default=1, help="≥ 2: replicas behind nginx (deploy/)")
    parser.add_argument("--front", action="store_true", help="nginx in front even of one replica")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    figures: dict = {"users": args.users, "rounds": args.rounds, "replicas": args.replicas,
                     "front": args.front or args.replicas > 1, "load_before": os.getloadavg()}  # fmt: skip
    run_dir = Path(tempfile.mkdtemp(prefix="many_users-"))
    if figures["front"]:
        server, url, pids = start_class(args.replicas, args.port, run_dir)
    else:
        url = f"http://127.0.0.1:{args.port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(args.port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=os.environ | {"PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        pids = [server.pid]
    rss_all = lambda: sum(rss_mb(pid) for pid in pids)  # noqa: E731
    try:
        for _ in range(300):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            first = browser.new_context().new_page()
            first.goto(f"{url}/")
            first.wait_for_selector(IDLE, state="attached", timeout=120_000)
            print(f"server RSS with the Home page loaded (every shipped model): {rss_all():.0f} MB")
            pages = []
            before = rss_all()
            for i in range(args.users):
                page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                page.goto(f"{url}/translate?model=reverse-attention&src=lectureabcdefg{'abcdefghij'[i % 10]}")
                page.wait_for_selector(IDLE, state="attached", timeout=120_000)
                pages.append(page)
            after = rss_all()
            each = (after - before) / args.users
            print(f"{args.users} Translate sessions: +{after - before:.0f} MB, {each:.1f} MB each")

            def step_everyone() -> list[float]:
                times = []
                for _ in range(args.rounds):
                    for page in pages:
                        start = time.perf_counter()
                        page.locator(
                            ".st-key-next button:visible:not([disabled]), .st-key-prev button:visible:not([disabled])"
                        ).last.click()
                        page.wait_for_timeout(50)
                        page.wait_for_selector(IDLE, state="attached", timeout=120_000)
                        times.append(time.perf_counter() - start)
                return times

            for label, training in (("alone", False), ("while one session trains", True)):
                trainer = None
                if training:
                    trainer = browser.new_context().new_page()
                    trainer.goto(f"{url}/train")
                    trainer.wait_for_selector(IDLE, state="attached", timeout=120_000)
                    trainer.get_by_role("button", name="▶ Train").click()
                    trainer.wait_for_timeout(3000)
                times = [t * 1000 for t in step_everyone()]
                p50, p95 = statistics.median(times), percentile(times, 0.95)
                figures["training" if training else "alone"] = {"p50_ms": p50, "p95_ms": p95, "clicks": len(times)}
                print(
                    f"step rerun, {args.users} users, {label}: p50 {p50:.0f} ms, p95 {p95:.0f} ms "
                    f"over {len(times)} clicks"
                )
                if trainer is not None:
                    trainer.get_by_text("now in the sidebar").wait_for(timeout=200_000)
            print(f"server RSS at the end: {rss_all():.0f} MB")
            figures["rss_end_mb"] = rss_all()
            browser.close()
    finally:
        server.terminate()  # serve_class.py stops nginx and its replicas on SIGTERM
        server.wait(30)
    figures["load_after"] = os.getloadavg()
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
