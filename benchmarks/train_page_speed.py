"""The Train page's numbers: click to 99 % on reverse 3-12, with and without live charts.

    python benchmarks/train_page_speed.py [--repeats 2]

Runs the page's own training job (a worker process with ``limits.TRAINING_THREADS`` intra-op
threads, its start-up included) with the page's defaults, once alone and once with a poller that does, every second,
what the page's live fragment does (two curve figures and the probe heatmap, serialised to
JSON as Streamlit sends them). Targets (issue 7): <= 20 s to 99 %; charts < 10 % of training.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from seq2seq import figures, limits  # noqa: E402
from seq2seq.core.card import DataConfig, TrainConfig  # noqa: E402
from seq2seq.data.tasks import make_task  # noqa: E402
from seq2seq.training.jobs import RunSpec, TrainingJob  # noqa: E402

MODEL = {"cell": "gru", "emb_dim": 32, "hidden": 64, "bidirectional": True, "decoder": "attention", "score": "additive"}


def run(seed: int, with_charts: bool) -> tuple[float, float, float]:
    """(seconds from start to done, final exact match, seconds spent drawing charts)."""
    task = make_task("reverse", min_len=3, max_len=12)
    cfg = TrainConfig(seed=seed, lr=5e-3, target_accuracy=0.99, max_seconds=120, eval_every=25)
    kwargs = {"task": task, "model_options": MODEL, "train_cfg": cfg, "data_cfg": DataConfig(seed=seed)}
    spec = RunSpec("attention", kwargs=kwargs)
    job = TrainingJob([spec])
    drawing = 0.0

    def poll() -> None:
        nonlocal drawing
        while not job.finished:
            job.beat()
            start = time.perf_counter()
            if with_charts:
                history = {"attention": job.history("attention")}
                for metric in ("loss", "exact_match"):
                    figures.training_curves(history, metric).to_json()
                events = [e for e in job.events.get("attention", []) if e.probe_alpha]
                if events:
                    alpha = events[-1].probe_alpha[0]
                    figures.alignment_heatmap(alpha, ["x"] * len(alpha[0]), ["y"] * len(alpha)).to_json()
            drawing += time.perf_counter() - start
            time.sleep(1.0)

    start = time.perf_counter()
    job.start()
    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    job.join()
    seconds = time.perf_counter() - start
    poller.join(2)
    return seconds, job.results["attention"].card.metrics.exact_match, drawing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    print(f"# reverse 3-12, {MODEL}, training threads {limits.TRAINING_THREADS}")
    for with_charts in (False, True):
        rows = [run(seed, with_charts) for seed in range(args.repeats)]
        for seconds, accuracy, drawing in rows:
            print(f"  charts={with_charts}: {seconds:.1f} s to {accuracy:.1%}, {drawing:.2f} s drawing charts")
        total = statistics.median(r[0] for r in rows)
        share = sum(r[2] for r in rows) / sum(r[0] for r in rows)
        print(f"charts={with_charts}: median {total:.1f} s click to done; charts {share:.1%} of the time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
