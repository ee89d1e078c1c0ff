"""The agreement table of docs/explanation.md, re-measured with integrated gradients that add up
(issue 31), and the Explain page's speed with them.

    python benchmarks/attribution_table.py [--n 20] [--models ...] [--workers 2] [--speed-only]

For every shipped model: ``attribution.summarize`` over ``--n`` held-out inputs (seed 4242, the
model's own greedy output, 10 permutations), integrated gradients from the <pad> embedding
(which is the zero vector: the embedding's padding row, so "<pad>" and "zeros" are one baseline)
starting at ``SUMMARY_IG_STEPS`` gradient evaluations per output step and refined up to
``IG_MAX_STEPS`` (``--ig-max-steps``; the page's aggregate stops at ``SUMMARY_IG_MAX_STEPS``) while a
step misses the tolerance. Per model: the share of output steps whose
integrated gradients add up (|Σ_i IG − (f(x) − f(x′))| ≤ max(0.05 nats, 5 %)), the agreement
(IG's over those steps only), the interventions, and the seconds it took. Writes
benchmarks/results/attribution_table.json and .md (rewritten after every model, so a stopped run
keeps what it measured).

Speed (``--speed-only`` for it alone): every attribution of one 20-token input at the page's
settings (``attribution.attribute``, target ≤ 2 s), and the page's 100-input aggregate
(``summarize(n=100)`` in ``summary_workers()`` processes, target ≤ 60 s); written to
benchmarks/results/attribution_speed.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
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

OUT = ROOT / "benchmarks" / "results"
SOURCE_20 = "attentionexplainsit"  # 19 characters + </s> = 20 tokens
SPEED_MODELS = ["reverse-attention", "reverse-attention-scaled-dot", "reverse-coverage", "reverse-transformer"]


def pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.0%}"


def num(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def row(name: str, ckpt, n: int, n_workers: int, max_steps: int) -> dict:
    start = time.perf_counter()
    s = attribution.summarize(ckpt, n=n, seed=4242, draws=10, n_workers=n_workers, ig_max_steps=max_steps)
    return {
        "model": name,
        "alpha": ckpt.model.cfg.family.imposable_alpha,
        "seconds": round(time.perf_counter() - start, 1),
        "n_inputs": s.n_inputs,
        "n_steps": s.n_steps,
        "ig_converged_steps": s.ig_converged_steps,
        "ig_converged_share": s.ig_converged_steps / s.n_steps if s.n_steps else None,
        "ig_completeness_max": s.ig_completeness_max,
        "mean_tau": s.mean_tau,
        "top1_rate": s.top1_rate,
        "aer": s.aer,
        "permute_flip_rate": s.permute_flip_rate,
        "uniform_flip_rate": s.uniform_flip_rate,
        "erase_max_flip_rate": s.erase_max_flip_rate,
        "erase_random_flip_rate": s.erase_random_flip_rate,
    }


def markdown(rows: list[dict], header: str) -> str:
    lines = [
        header,
        "",
        "| model | IG adds up (steps) | τ(α, IG) / top-1 | τ(α, occl.) / top-1 | AER α | AER IG | AER occl."
        " | permuted α flips y_t | erase top / random flips | seconds |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        tau, top1, aer = r["mean_tau"], r["top1_rate"], r["aer"]
        alpha = r["alpha"]
        lines.append(
            f"| {r['model']} | {pct(r['ig_converged_share'])} ({r['ig_converged_steps']} of {r['n_steps']})"
            f" | {num(tau.get('ig')) + ' / ' + pct(top1.get('ig')) if alpha else '—'}"
            f" | {num(tau.get('occlusion')) + ' / ' + pct(top1.get('occlusion')) if alpha else '—'}"
            f" | {num(aer.get('alpha'))} | {num(aer.get('ig'))} | {num(aer.get('occlusion'))}"
            f" | {pct(r['permute_flip_rate'])}"
            f" | {pct(r['erase_max_flip_rate']) + ' / ' + pct(r['erase_random_flip_rate']) if alpha else '—'}"
            f" | {r['seconds']:.0f} |"
        )
    return "\n".join(lines) + "\n"


def speed() -> dict:
    out = {}
    for name in SPEED_MODELS:
        ckpt = checkpoint.load(ROOT / "checkpoints" / f"{name}.safetensors")
        attribution.attribute(ckpt.model, ckpt.tokenizer, "abc", task=ckpt.task)  # warm up
        start = time.perf_counter()
        res = attribution.attribute(ckpt.model, ckpt.tokenizer, SOURCE_20, task=ckpt.task)
        seconds = time.perf_counter() - start
        out[name] = {
            "one_input_seconds": round(seconds, 2),
            "load": round(os.getloadavg()[0], 2),  # a shared 2-core server: the load moves every figure
            "ig_converged": f"{sum(res.ig_converged)} of {len(res.ig_converged)}",
            "ig_evaluations_mean": round(sum(res.ig_evaluations) / len(res.ig_evaluations), 1),
        }
        print(f"{name}: every attribution of a 20-token input {seconds:.2f} s, IG adds up at"
              f" {out[name]['ig_converged']} steps ({os.getloadavg()[0]:.2f} load)", flush=True)  # fmt: skip
    name = "reverse-attention"
    ckpt = checkpoint.load(ROOT / "checkpoints" / f"{name}.safetensors")
    workers.start()
    start = time.perf_counter()
    s = attribution.summarize(ckpt, n=100, draws=10)  # the page's settings (SUMMARY_IG_*)
    seconds = time.perf_counter() - start
    out["aggregate_100"] = {
        "model": name,
        "seconds": round(seconds, 1),
        "load": round(os.getloadavg()[0], 2),
        "workers": attribution.summary_workers(),
        "ig_converged": f"{s.ig_converged_steps} of {s.n_steps}",
    }
    print(f"{name}: the 100-input aggregate {seconds:.1f} s in {attribution.summary_workers()} workers, IG adds up"
          f" at {s.ig_converged_steps} of {s.n_steps} steps", flush=True)  # fmt: skip
    return out


def heads(names: list[str], n: int) -> dict:
    """Every cross-attention head (and each layer's average) of the shipped Transformers against
    occlusion and integrated gradients over ``n`` held-out inputs: mean τ, top-1, AER (steps pooled)."""
    from seq2seq.core.model import eval_mode
    from seq2seq.training import metrics
    from seq2seq.training.pipeline import heldout

    out = {}
    for name in names:
        ckpt = checkpoint.load(ROOT / "checkpoints" / f"{name}.safetensors")
        if not ckpt.model.cfg.family.heads or ckpt.task is None or not ckpt.task.generative:
            continue
        sources = [ex.source for ex in heldout(ckpt, n, 4242)]
        with eval_mode(ckpt.model):
            targets = attribution._greedy_ids(ckpt.model, ckpt.tokenizer, sources)
        found = attribution._attribute_many(
            ckpt.model, ckpt.tokenizer, sources, targets, ["ig", "occlusion"], attribution.IG_STEPS, False, ckpt.task
        )
        pooled: dict[tuple, dict[str, list]] = {}
        for res in found:
            for h in attribution.heads_agreement(res):
                cell = pooled.setdefault((h.method, h.layer, h.head), {"tau": [], "top1": [], "w": []})
                if h.tau is not None:
                    cell["tau"].append(h.tau)
                    cell["top1"].append(h.top1)
                    cell["w"].append(h.steps)
        rows = []
        for (method, layer, head), cell in sorted(pooled.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or 99)):
            w = cell["w"]
            mean = lambda xs, w=w: sum(x * k for x, k in zip(xs, w, strict=True)) / sum(w) if sum(w) else None  # noqa: E731
            rows.append({"method": method, "layer": layer, "head": head, "tau": mean(cell["tau"]),
                         "top1": mean(cell["top1"])})  # fmt: skip
        # AER of each head's argmax against gold, over the corpus (every step: it does not depend on a method)
        aer = {}
        if any(res.gold is not None for res in found):
            for layer in range(ckpt.model.cfg.layers):
                for head in [*range(ckpt.model.cfg.heads), None]:
                    pred, gold = [], []
                    for res in found:
                        if res.gold is None:
                            continue
                        import numpy as np

                        w = np.asarray(res.heads)[layer]
                        w = w.mean(0) if head is None else w[head]
                        n_t, n_s = w.shape
                        pred.append(metrics.alignment_links(w, n_t - 1, n_s - 1))
                        gold.append(set(res.gold))
                    aer[f"{layer + 1}/{'avg' if head is None else head + 1}"] = metrics.alignment_error_rate(pred, gold)
        out[name] = {"n": n, "rows": rows, "aer": aer}
        print(name, json.dumps(out[name]), flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="held-out inputs per model")
    parser.add_argument("--models", nargs="*", help="default: every shipped model")
    parser.add_argument("--workers", type=int, default=2, help="summarize's worker processes")
    parser.add_argument("--speed-only", action="store_true")
    parser.add_argument("--heads", action="store_true", help="only the Transformers' heads against the attributions")
    parser.add_argument(
        "--ig-max-steps", type=int, default=attribution.IG_MAX_STEPS,
        help="the cap of the table's integrated gradients (default: the single input's, not the aggregate's)",
    )  # fmt: skip
    args = parser.parse_args()
    machine = f"{os.cpu_count()} cores, torch {torch.__version__}, {platform.machine()}"
    result: dict = {"date": str(datetime.date.today()), "machine": machine, "n": args.n}
    if args.heads:
        names = args.models or sorted(p.stem for p in (ROOT / "checkpoints").glob("*transformer*.safetensors"))
        found = {"date": result["date"], "machine": machine, **heads(names, args.n)}
        (OUT / "attribution_heads.json").write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n")
        return
    if not args.speed_only:
        names = args.models or sorted(p.stem for p in (ROOT / "checkpoints").glob("*.safetensors"))
        result["ig"] = {"start": attribution.SUMMARY_IG_STEPS, "max": args.ig_max_steps,
                        "points": attribution.IG_POINTS, "baseline": "<pad> (= zeros)"}  # fmt: skip
        result["models"] = []
        steps = f"{attribution.SUMMARY_IG_STEPS}–{args.ig_max_steps}"
        header = (f"{result['date']}, {machine}: `python benchmarks/attribution_table.py --n {args.n}`"
                  f" (integrated gradients {steps} steps)")  # fmt: skip
        if args.workers > 1:
            workers.start()
        for name in names:
            ckpt = checkpoint.load(ROOT / "checkpoints" / f"{name}.safetensors")
            if ckpt.task is None or not ckpt.task.generative:
                continue
            r = row(name, ckpt, args.n, args.workers, args.ig_max_steps)
            result["models"].append(r)
            print(f"{name}: IG adds up at {r['ig_converged_steps']} of {r['n_steps']} steps, {r['seconds']} s",
                  flush=True)  # fmt: skip
            (OUT / "attribution_table.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
            (OUT / "attribution_table.md").write_text(markdown(result["models"], header))
    if args.speed_only or not args.models:
        timed = {"date": result["date"], "machine": machine, **speed()}
        (OUT / "attribution_speed.json").write_text(json.dumps(timed, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
