"""Error analysis speed: ``mistakes.analyze`` on 1,000 held-out inputs of each model.

    python benchmarks/errors_speed.py [--n 1000] [--repeats 3] [--models reverse-attention ...]

Target (issue 17): 1,000 inputs <= 5 s. Prints the median of ``--repeats`` runs per model,
with the machine's load average, since a shared server's other users move the figure.
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

from seq2seq.analysis import mistakes  # noqa: E402
from seq2seq.core import checkpoint  # noqa: E402
from seq2seq.training.pipeline import heldout  # noqa: E402

MODELS = ["reverse-attention", "reverse-vanilla", "translate-attention", "dates-attention", "numbers-attention"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--models", nargs="+", default=MODELS)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device {args.device}")
    print("| model | inputs | median s | runs (s) | errors |\n|---|---|---|---|---|")
    for name in args.models:
        ckpt = checkpoint.load(ROOT / "checkpoints" / f"{name}.safetensors")
        ckpt.model.to(args.device)
        examples = heldout(ckpt, args.n, seed=1)
        mistakes.analyze(ckpt, examples[:50])  # warm-up
        runs = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            result = mistakes.analyze(ckpt, examples)
            runs.append(time.perf_counter() - start)
        shown = ", ".join(f"{r:.2f}" for r in runs)
        print(f"| {name} | {len(examples)} | {statistics.median(runs):.2f} | {shown} | {result.error_rate:.1%} |")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
