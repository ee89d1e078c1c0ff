"""Does the attention tell in advance which inputs fail? (issue 17; docs/explanation.md)

    python benchmarks/error_prediction.py [--n 2000] [--models ...]

For every shipped model: decode inputs (``mistakes.analyze``) and, for each field,
the AUC of that field as a score for "this output is wrong" (0.5 = chance, 1 = it ranks
every wrong output above every right one; log-probability counts with its sign flipped),
and the error rate of the riskiest and the safest quarter. Character tasks are measured on
inputs of every length from 1 to twice the longest training input (inside their training
range the attention models make almost no mistakes, so there is nothing to predict);
the other tasks on held-out inputs of their own distribution.

"AUC at fixed length" asks whether a field knows more than the input's length does: the
AUC computed separately among inputs of each length, averaged over the lengths that have
both right and wrong outputs (weighted by their number of inputs).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import seq2seq  # noqa: E402, F401  (first: it sets OMP_WAIT_POLICY=PASSIVE before torch loads)

# isort: split
import numpy as np  # noqa: E402

from seq2seq.analysis import mistakes  # noqa: E402
from seq2seq.analysis.experiments import is_character_task  # noqa: E402
from seq2seq.core import checkpoint  # noqa: E402


def fixed_length_auc(result: mistakes.ErrorAnalysis, name: str) -> float | None:
    risk = mistakes.RISK[name] * result.values(name)
    wrong, lengths = result.wrong(), result.values("length")
    total = weight = 0.0
    for length in np.unique(lengths):
        at = lengths == length
        auc = mistakes.auc(risk[at], wrong[at])
        if auc is not None:
            total, weight = total + auc * at.sum(), weight + at.sum()
    return total / weight if weight else None


def fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--models", nargs="+", default=None)
    args = parser.parse_args()
    paths = sorted((ROOT / "checkpoints").glob("*.safetensors"))
    if args.models:
        paths = [p for p in paths if p.stem in args.models]
    print("| model | inputs | errors | field | AUC | AUC at fixed length | error rate: riskiest ¼ | safest ¼ |")
    print("|---|---|---|---|---|---|---|---|")
    for path in paths:
        ckpt = checkpoint.load(path)
        if is_character_task(ckpt):
            examples = mistakes.inputs_for(ckpt, "longer", args.n, seed=17)
            inputs = f"{len(examples)}, lengths 1–{2 * ckpt.task.max_len}"
        else:
            examples = mistakes.inputs_for(ckpt, "heldout", args.n, seed=17)
            inputs = f"{len(examples)} held-out"
        result = mistakes.analyze(ckpt, examples)
        for p in mistakes.predictive_power(result):
            fixed = fixed_length_auc(result, p.name) if p.name != "length" else None
            print(
                f"| {path.stem} | {inputs} | {result.error_rate:.1%} | {p.name} | {fmt(p.auc)} | {fmt(fixed)} |"
                f" {p.top_error_rate:.1%} (n={p.top_n}) | {p.bottom_error_rate:.1%} (n={p.bottom_n}) |"
            )


if __name__ == "__main__":
    main()
