"""Wall time for the attention model to reach >= 99 % held-out exact match on reverse 3-12.

    python benchmarks/train_reverse.py [--repeats 3] [--max-len 12] [--threads N]

Prints one line per run and the median; the clock includes the periodic held-out
evaluations (that is how the run knows it has arrived). Not part of the test suite: the
machines are shared and noisy, so quote medians and ratios from one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch

from seq2seq.pipeline import DataConfig, train_on_task
from seq2seq.tasks import ReverseTask
from seq2seq.training import TrainConfig

MODEL = {"cell": "gru", "emb_dim": 32, "hidden": 64, "bidirectional": True, "decoder": "attention", "score": "additive"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-len", type=int, default=12)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    task = ReverseTask(min_len=3, max_len=args.max_len)
    print(
        f"reverse 3-{args.max_len}, {MODEL}, batch 128, Adam 5e-3; {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, {torch.get_num_threads()} threads, torch {torch.__version__}, "
        f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}"
    )
    times = []
    for seed in range(args.repeats):
        cfg = TrainConfig(seed=seed, lr=5e-3, target_accuracy=0.99, max_seconds=300, eval_every=25)
        _, result = train_on_task(task, MODEL, cfg, DataConfig(seed=seed))
        reached = result.stopped_because == "target"
        times.append(result.seconds if reached else float("inf"))
        print(
            json.dumps(
                {
                    "seed": seed,
                    "seconds": round(result.seconds, 1),
                    "steps": result.steps,
                    "exact_match": result.metrics["exact_match"],
                    "reached_99": reached,
                }
            ),
            flush=True,
        )
    print(f"median time to 99 %: {statistics.median(times):.1f} s over {len(times)} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
