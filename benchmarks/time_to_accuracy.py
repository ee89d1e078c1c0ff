"""Wall time for an attention model to reach >= 99 % held-out exact match, per task.

    python benchmarks/time_to_accuracy.py                      # reverse 3-12, 5 seeds (the foundation figure)
    python benchmarks/time_to_accuracy.py --all --repeats 1    # every built-in task (reverse 3-24)
    python benchmarks/time_to_accuracy.py --zoo                # also time a full zoo rebuild (~30 min)

Prints one JSON line per run and a median per task; the clock includes the periodic held-out
evaluations (that is how a run knows it has arrived). Not part of the test suite: the
machines are shared and noisy, so quote medians and ratios from one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import seq2seq  # noqa: E402, F401  (first: it sets OMP_WAIT_POLICY=PASSIVE before torch loads, as the app does)

# isort: split
import torch  # noqa: E402

from seq2seq.core.card import DataConfig, TrainConfig  # noqa: E402
from seq2seq.data.tasks import BUILT_IN, make_task  # noqa: E402
from seq2seq.training.pipeline import train_on_task  # noqa: E402

MODEL = {"cell": "gru", "emb_dim": 32, "hidden": 64, "bidirectional": True, "decoder": "attention", "score": "additive"}
TARGETS = {"reverse-3-12": 10, "dates": 15, "reverse": 45}  # seconds, from the issues


def task_for(name: str):
    if name == "reverse-3-12":
        return make_task("reverse", min_len=3, max_len=12)
    if name in ("copy", "reverse", "sort"):
        return make_task(name, min_len=3, max_len=24)
    return make_task(name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", action="append", help="reverse-3-12 (default), or a built-in task")
    parser.add_argument("--all", action="store_true", help="every built-in task")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument(
        "--zoo", action="store_true", help="also time `python -m seq2seq.training.zoo` into a temp folder"
    )
    args = parser.parse_args()
    names = list(BUILT_IN) if args.all else (args.task or ["reverse-3-12"])
    print(
        f"# {MODEL}, batch 128, Adam 5e-3; {platform.machine()}, {os.cpu_count()} cores, "
        f"{torch.get_num_threads()} threads, torch {torch.__version__}, "
        f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}"
    )
    summary = {}
    for name in names:
        times = []
        for seed in range(args.repeats):
            cfg = TrainConfig(seed=seed, lr=5e-3, target_accuracy=0.99, max_seconds=args.max_seconds, eval_every=25)
            _, result = train_on_task(task_for(name), MODEL, cfg, DataConfig(seed=seed))
            reached = result.stopped_because == "target"
            times.append(result.seconds if reached else float("inf"))
            row = {"task": name, "seed": seed, "seconds": round(result.seconds, 1), "steps": result.steps}
            print(json.dumps(row | {"exact_match": result.metrics["exact_match"], "reached_99": reached}), flush=True)
        summary[name] = statistics.median(times)
    for name, median in summary.items():
        target = f" (target <= {TARGETS[name]} s)" if name in TARGETS else ""
        shown = f"{median:.1f} s" if median != float("inf") else f"not reached in {args.max_seconds:.0f} s"
        print(f"median time to 99 % on {name}: {shown} over {args.repeats} runs{target}")
    if args.zoo:
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "seq2seq.training.zoo", "--out", out], cwd=ROOT, check=True)
            print(f"zoo rebuild: {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
