"""The shipped model zoo: recipes, and the command that rebuilds checkpoints/ from them.

    python -m seq2seq.zoo [--only NAME ...] [--out checkpoints]

Every recipe trains for a fixed number of steps with a decaying learning rate (no time
budget, no early stop), so a rebuild on the same machine gives the same weights, and the
vanilla and attention models of a task get exactly the same budget and encoder.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import checkpoint
from .pipeline import DataConfig, train_on_task
from .tasks import make_task
from .training import TrainConfig, print_progress

# The encoder every zoo model shares: a bidirectional GRU, 64 units per direction.
ENCODER = {"cell": "gru", "emb_dim": 32, "hidden": 64, "layers": 1, "bidirectional": True}


@dataclass
class Recipe:
    name: str  # file stem in checkpoints/
    task: dict  # make_task(**task)
    model: dict  # ModelConfig fields beyond the shared encoder
    steps: int = 700
    lr: float = 3e-3
    data: DataConfig = field(default_factory=DataConfig)


REVERSE = {"name": "reverse", "min_len": 3, "max_len": 24}
RECIPES = [
    Recipe("reverse-attention", REVERSE, {"decoder": "attention", "score": "additive"}),
    Recipe("reverse-vanilla", REVERSE, {"decoder": "vanilla"}),
]


def build(recipe: Recipe, out_dir: Path) -> dict:
    task = make_task(**recipe.task)
    train_cfg = TrainConfig(
        lr=recipe.lr,
        lr_decay=True,
        max_steps=recipe.steps,
        max_seconds=3600.0,
        target_accuracy=None,
        eval_every=100,
        seed=0,
    )

    ckpt, result = train_on_task(
        task, ENCODER | recipe.model, train_cfg, recipe.data, [print_progress(f"{recipe.name}: ")]
    )
    ckpt.card["recipe"] = recipe.name
    path = checkpoint.save(ckpt, out_dir / f"{recipe.name}{checkpoint.SUFFIX}")
    return {
        "name": recipe.name,
        "exact_match": result.metrics["exact_match"],
        "seconds": round(result.seconds, 1),
        "bytes": path.stat().st_size,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m seq2seq.zoo", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("checkpoints"))
    parser.add_argument("--only", nargs="*", choices=[r.name for r in RECIPES], help="rebuild just these")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    for recipe in RECIPES:
        if args.only and recipe.name not in args.only:
            continue
        print(json.dumps(build(recipe, args.out)), flush=True)
    print(f"zoo rebuilt in {time.perf_counter() - start:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
