"""Speed of the States page (issue 17): the neighbour index, its lookups, the axes and a step.

    python benchmarks/states_speed.py [--repeats 3] [--models reverse-attention ...] [--device cpu]

Per model: building the index of 5,000 training examples (one batched teacher-forced pass per
500, ``states.build_index``) beside greedy-decoding the same 5,000 in batches of 500 as the
first index did (``search.greedy(states=True)``); a lookup (``NeighbourIndex.nearest``, k = 5:
one matrix-vector product and a top-k); fitting the axes on 500 held-out inputs; and a step
change server side: ``trajectory`` + ``figures.state_paths`` (2-D and 3-D) + a lookup. Then the
whole page's rerun after a step, timed around AppTest's script run (no browser). Targets:
index <= 10 s, lookup <= 20 ms, step <= 150 ms. Prints the machine's load, since a shared
server's other users move every figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import seq2seq  # noqa: E402, F401  (first: it sets OMP_WAIT_POLICY=PASSIVE before torch loads, as the app does)

# isort: split
import torch  # noqa: E402

from seq2seq import figures  # noqa: E402
from seq2seq.analysis import states  # noqa: E402
from seq2seq.core import checkpoint  # noqa: E402
from seq2seq.core.search import greedy, trace  # noqa: E402
from seq2seq.data.tasks import generate  # noqa: E402
from seq2seq.training.pipeline import heldout  # noqa: E402

MODELS = ["reverse-attention", "reverse-vanilla", "reverse-coverage", "reverse-transformer", "translate-attention"]


def timed(fn, repeats: int) -> tuple[float, object]:
    """(median seconds of ``repeats`` calls, the last result)."""
    runs, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), out


def greedy_all(ckpt, examples, batch_size: int = 500) -> None:
    for i in range(0, len(examples), batch_size):
        greedy(ckpt.model, ckpt.tokenizer, [ex.source for ex in examples[i : i + batch_size]], record=True, states=True)


def page_step_reruns(repeats: int) -> list[float]:
    """Seconds of a States page rerun after moving the step (AppTest: the server's side only)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from page_speed import step_reruns

    return step_reruns(repeats, "pages/states.py", timeout=120)


def measure(name: str, args) -> str:
    """One table row: the index, the greedy decode it replaced, a lookup, the axes, a step."""
    ckpt = checkpoint.load(ROOT / "checkpoints" / f"{name}.safetensors")
    ckpt.model.to(args.device)
    train = generate(ckpt.task, args.n, ckpt.card.data.seed)
    states.build_index(ckpt, train[:200])  # warm-up
    t_index, index = timed(lambda: states.build_index(ckpt, train), args.repeats)
    t_greedy, _ = timed(lambda: greedy_all(ckpt, train), 1)
    t_axes, space = timed(lambda: states.fit_state_space(ckpt, heldout(ckpt, 500, 4242)), 1)
    one = trace(ckpt.model, ckpt.tokenizer, ckpt.task.demo())
    queries = [s.state for s in one.steps]
    t_lookup, _ = timed(lambda: [index.nearest(q, k=5) for q in queries], 20)
    t_lookup /= len(queries)

    def step(dims: int, t: int = 1):
        path = states.trajectory(space, one)
        figures.state_paths(path, t, dims=dims).to_plotly_json()
        return index.nearest(one.steps[t - 1].state, k=5)

    t2, _ = timed(lambda: step(2), 20)
    t3, _ = timed(lambda: step(3), 20)
    return (f"| {name} | {t_index:.2f} | {t_greedy:.2f} | {len(index):,} | {1000 * t_lookup:.2f} | {t_axes:.2f} | "
            f"{1000 * t2:.1f} | {1000 * t3:.1f} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--models", nargs="+", default=MODELS)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--page", type=int, default=20, help="States page step reruns (0: skip)")
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device {args.device}")
    print("| model | index 5,000 (s) | greedy 5,000 as before (s) | rows | lookup (ms) | axes 500 (s) | "
          "step 2-D (ms) | step 3-D (ms) |\n|---|---|---|---|---|---|---|---|")  # fmt: skip
    for name in args.models:
        print(measure(name, args))
    if args.page:
        ms = sorted(1000 * s for s in page_step_reruns(args.page))
        print(f"States page rerun after a step (reverse-attention, AppTest): median {statistics.median(ms):.0f} ms, "
              f"p90 {ms[int(0.9 * (len(ms) - 1))]:.0f} ms over {len(ms)} (target <= 150 ms)")  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
