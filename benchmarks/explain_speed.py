"""Speed of the Explain page (issue 14): attributions, a step rerun, the aggregate over held-out inputs.

    python benchmarks/explain_speed.py [--repeats 3] [--models ...] [--n 200] [--page 20] [--table]

Prints, each with the load average at the time (a shared 2-core server's other users move every
figure): all attributions of a 20-token input at every output step with integrated gradients at
32 steps (``attribution.attribute``; target <= 1 s); the Explain page's rerun after moving the
step with everything already computed, timed around AppTest's script run (server side, no
browser; target <= 200 ms); and ``attribution.summarize`` over 200 held-out inputs, the page's
"measure over n inputs", in ``attribution.summary_workers()`` processes (target <= 20 s).

``--table`` also measures every shipped model (``--table-n`` inputs each, ``summarize``'s seed)
and prints the agreement table of docs/explanation.md as markdown.
"""

from __future__ import annotations

import argparse
import datetime
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

from seq2seq import workers  # noqa: E402
from seq2seq.analysis import attribution  # noqa: E402
from seq2seq.core import checkpoint  # noqa: E402

MODELS = ["reverse-attention", "reverse-attention-scaled-dot", "reverse-vanilla", "reverse-transformer"]
SOURCE_20 = "attentionexplainsit"  # 19 characters + </s> = 20 tokens
PAGE_MODEL = "reverse-attention-scaled-dot"
STEPS = attribution.SUMMARY_IG_STEPS  # the aggregate's integrated-gradient steps


def load() -> str:
    """The 1-minute load average, as ``uptime`` prints it."""
    return f"load {os.getloadavg()[0]:.2f}"


def median_seconds(fn, repeats: int) -> float:
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def one_input(names: list[str], repeats: int) -> None:
    for name in names:
        ckpt = checkpoint.load(ROOT / "checkpoints" / f"{name}.safetensors")
        run = lambda ckpt=ckpt: attribution.attribute(ckpt.model, ckpt.tokenizer, SOURCE_20, ig_steps=32)  # noqa: E731
        res = run()  # warm-up
        seconds = median_seconds(run, repeats)
        print(f"{name}: all attributions of a {len(res.source_tokens)}-token input, {len(res.output_tokens)} steps, "
              f"IG 32 steps: {1000 * seconds:.0f} ms (median of {repeats}; target <= 1000 ms; {load()})")  # fmt: skip


def page_step_reruns(repeats: int) -> list[float]:
    """Seconds of an Explain page rerun after moving the step (AppTest: the server's side only);
    the first run computed the attributions, interventions and adversarial α of every step."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from page_speed import step_reruns

    return step_reruns(repeats, "pages/explain.py", {"model": PAGE_MODEL, "src": SOURCE_20}, timeout=300)


def aggregate(name: str, n: int) -> None:
    ckpt = checkpoint.load(ROOT / "checkpoints" / f"{name}.safetensors")
    workers.start()  # as the Explain page does when it is opened (the CLI: before it loads the checkpoint)
    attribution.summarize(ckpt, n=2)  # warm-up (Captum's import, first allocations)
    seen: list[float] = []
    start = time.perf_counter()
    summary = attribution.summarize(ckpt, n=n, draws=10, progress=seen.append)
    seconds = time.perf_counter() - start
    print(f"{name}: summarize over {summary.n_inputs} held-out inputs ({summary.n_steps} steps, IG {STEPS} steps, "
          f"10 permutations, {attribution.summary_workers()} worker processes): {seconds:.1f} s, "
          f"progress reported {len(seen)} times "
          f"(target <= 20 s; {load()})")  # fmt: skip


def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f} %"


def num(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def table(n: int, seed: int, only: list[str] | None = None) -> None:
    """The agreement table (docs/explanation.md): every shipped model (or ``only`` these), ``summarize``
    over ``n`` held-out inputs."""
    names = only or sorted(p.stem for p in (ROOT / "checkpoints").glob("*.safetensors"))
    print(f"\n{datetime.date.today()}: attribution.summarize(ckpt, n={n}, seed={seed}, draws=10, ig_steps={STEPS})")
    print(
        "| model | τ(α, IG) / top-1 | τ(α, occl.) / top-1 | AER α | AER IG | AER occl. | permuted α flips y_t "
        "| uniform α flips | erase top / random flips | max IG completeness error |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in names:
        ckpt = checkpoint.load(ROOT / "checkpoints" / f"{name}.safetensors")
        start = time.perf_counter()
        s = attribution.summarize(ckpt, n=n, seed=seed)
        cells = [
            f"{num(s.mean_tau['ig'])} / {pct(s.top1_rate.get('ig'))}" if s.mean_tau.get("ig") is not None else "—",
            (
                f"{num(s.mean_tau['occlusion'])} / {pct(s.top1_rate.get('occlusion'))}"
                if s.mean_tau.get("occlusion") is not None
                else "—"
            ),
            num(s.aer.get("alpha")),
            num(s.aer.get("ig")),
            num(s.aer.get("occlusion")),
            pct(s.permute_flip_rate),
            pct(s.uniform_flip_rate),
            "—" if s.erase_max_flip_rate is None else f"{pct(s.erase_max_flip_rate)} / {pct(s.erase_random_flip_rate)}",
            f"{s.ig_completeness_max:.2g}",
        ]
        print(f"| {name} | {' | '.join(cells)} |", flush=True)
        print(f"  ({name}: {time.perf_counter() - start:.1f} s, {load()})", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--models", nargs="+", default=MODELS)
    parser.add_argument("--n", type=int, default=200, help="held-out inputs of the aggregate (0: skip)")
    parser.add_argument("--aggregate-models", nargs="+", default=["reverse-attention-scaled-dot", "reverse-attention"])
    parser.add_argument("--page", type=int, default=20, help="Explain page step reruns (0: skip)")
    parser.add_argument("--table", action="store_true", help="also the agreement table over every shipped model")
    parser.add_argument("--table-n", type=int, default=100)
    parser.add_argument("--table-models", nargs="+", help="the table's rows for just these models")
    parser.add_argument("--seed", type=int, default=4242)
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {os.cpu_count()} cores; {load()}")
    one_input(args.models, args.repeats)
    if args.page:
        ms = sorted(1000 * s for s in page_step_reruns(args.page))
        print(f"Explain page rerun after a step ({PAGE_MODEL}, {len(SOURCE_20) + 1} tokens, AppTest): median "
              f"{statistics.median(ms):.0f} ms, p90 {ms[int(0.9 * (len(ms) - 1))]:.0f} ms over {len(ms)} "
              f"(target <= 200 ms; {load()})")  # fmt: skip
    if args.n:
        for name in args.aggregate_models:
            aggregate(name, args.n)
    if args.table:
        table(args.table_n, args.seed, args.table_models)


if __name__ == "__main__":
    main()
