"""Interaction speed of the Translate page (server side).

    python benchmarks/page_speed.py [--repeats 30]

Prints the median and 90th percentile of: a greedy trace of a 30-token input (the library
call behind every rerun), and a full page rerun after moving the step control, timed around
AppTest's script run (no browser, no network); beam search with its full tree; and the
Compare page's length curve computed from scratch. Targets from issues 4-6: trace <= 10 ms,
step rerun <= 150 ms, beam width 5 <= 50 ms and 16 <= 200 ms, length curve <= 5 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from seq2seq.core import checkpoint  # noqa: E402
from seq2seq.core.search import trace  # noqa: E402


def summary(name: str, seconds: list[float], target_ms: float) -> None:
    ms = sorted(s * 1000 for s in seconds)
    p90 = ms[int(0.9 * (len(ms) - 1))]
    print(f"{name}: median {statistics.median(ms):.1f} ms, p90 {p90:.1f} ms over {len(ms)} (target <= {target_ms} ms)")


def step_reruns(
    repeats: int, page: str = "pages/translate.py", query: dict | None = None, timeout: float = 60
) -> list[float]:
    """Seconds of a page's rerun after moving its step slider (AppTest: the server's side only);
    the Translate page by default (benchmarks/states_speed.py and explain_speed.py time theirs)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in (query or {"src": "encoderdecoderattention"}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    n = int(at.slider(key="step").max)
    times = []
    for i in range(repeats):
        slider = at.slider(key="step")
        start = time.perf_counter()
        slider.set_value(1 + (i % n)).run()
        times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    return times


def beam_reruns(repeats: int) -> list[float]:
    """Seconds of a Beam page rerun at width 5: the search, its tree and the figures (AppTest)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["src"] = "encoderdecoderattention"
    at.query_params["beam"] = "5"
    at.run()
    at.switch_page("pages/beam.py")
    at.run()
    times = []
    for i in range(repeats):
        toggle = at.toggle(key="show_pruned")
        start = time.perf_counter()
        toggle.set_value(i % 2 == 1).run()
        times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    ckpt = checkpoint.load(ROOT / "checkpoints" / "reverse-attention.safetensors")
    source = "attentionisallyouneedreallyok"[:29] + "x"  # 30 tokens (+ </s>)
    trace(ckpt.model, ckpt.tokenizer, source)  # warm up
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        trace(ckpt.model, ckpt.tokenizer, source)
        times.append(time.perf_counter() - start)
    summary("greedy trace, 30-token input", times, 10)

    summary("Translate page rerun after moving the step", step_reruns(args.repeats), 150)
    summary("Beam page rerun at width 5 (toggling pruned candidates)", beam_reruns(args.repeats), 250)

    from seq2seq.analysis.experiments import accuracy_by_length
    from seq2seq.core.search import beam_search

    for width, target in ((5, 50), (16, 200)):
        times = []
        for _ in range(max(3, args.repeats // 3)):
            start = time.perf_counter()
            beam_search(ckpt.model, ckpt.tokenizer, source, width=width)
            times.append(time.perf_counter() - start)
        summary(f"beam search width {width} with the full tree, 30-token input", times, target)

    vanilla = checkpoint.load(ROOT / "checkpoints" / "reverse-vanilla.safetensors")
    start = time.perf_counter()
    for model in (vanilla, ckpt):
        accuracy_by_length(model, n=1000, seed=1)
    seconds = time.perf_counter() - start
    print(f"bottleneck figure, 1,000 held-out inputs per model, uncached: {seconds:.2f} s (target <= 5 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
