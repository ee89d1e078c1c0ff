"""A Bahdanau training step with additive attention: the fused ``AdditiveEnergy`` against the
plain expression it replaces, ``nn.Linear(A, 1)(torch.tanh(k + q))``, in the same run.

    python benchmarks/attention_step.py [--threads 1] [--rounds 4] [--steps 40]

Reverse 3-12, the time-to-accuracy model (GRU 64 per direction, additive score, batch 128,
Adam 5e-3): per round, each variant trains a fresh model (same seed) on the same batches, and
the milliseconds per step of the last ``--steps`` are printed; the two alternate so that both
see the same load on a shared machine. Medians and their ratio at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import seq2seq  # noqa: E402, F401  (first: it sets OMP_WAIT_POLICY=PASSIVE before torch loads, as the app does)

# isort: split
import torch  # noqa: E402

from seq2seq.core import attention, families  # noqa: E402
from seq2seq.core.card import (  # noqa: E402
    DataConfig,
    TokenizerConfig,
    TrainConfig,
)
from seq2seq.data.batches import batches  # noqa: E402
from seq2seq.data.tasks import make_task  # noqa: E402
from seq2seq.training.pipeline import make_tokenizer, prepare_data  # noqa: E402
from seq2seq.training.trainer import train_step  # noqa: E402

MODEL = {"cell": "gru", "emb_dim": 32, "hidden": 64, "bidirectional": True, "decoder": "attention", "score": "additive"}
FUSED = attention.AdditiveEnergy.apply


def plain(k: torch.Tensor, q: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """What the model computed before: e = v · tanh(k + q) through autograd's own ops."""
    return torch.nn.functional.linear(torch.tanh(k + q), v[None]).squeeze(-1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--steps", type=int, default=40)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    task = make_task("reverse", min_len=3, max_len=12)
    train_set, _ = prepare_data(task, DataConfig())
    tokenizer = make_tokenizer(task, train_set, TokenizerConfig())
    data = list(batches(train_set, tokenizer, 128, random.Random(0), 0))[: args.steps + 5]
    print(f"torch {torch.__version__}, {args.threads} thread(s); load {os.getloadavg()[0]:.2f}")
    times: dict[str, list[float]] = {"plain": [], "fused": []}
    try:
        for _ in range(args.rounds):
            for name, energy in (("plain", plain), ("fused", FUSED)):
                attention.AdditiveEnergy.apply = energy
                torch.manual_seed(0)
                model = families.build(
                    families.make_config(MODEL["decoder"], tokenizer.vocab_size, max_src_len=200, **MODEL)
                ).train()
                optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
                cfg = TrainConfig()
                for batch in data[:5]:  # warm-up: first allocations
                    train_step(model, batch, optimizer, cfg)
                start = time.perf_counter()
                for batch in data[5:]:
                    loss = train_step(model, batch, optimizer, cfg)
                times[name].append(1000 * (time.perf_counter() - start) / (len(data) - 5))
                last = f"loss after {len(data)} steps {loss.item():.5f}"
                print(f"{name}: {times[name][-1]:.1f} ms/step ({last})", flush=True)
    finally:
        attention.AdditiveEnergy.apply = FUSED
    plain_ms, fused_ms = (statistics.median(times[k]) for k in ("plain", "fused"))
    print(f"median: plain {plain_ms:.1f} ms/step, fused {fused_ms:.1f} ms/step: {plain_ms / fused_ms:.2f}x "
          f"(load {os.getloadavg()[0]:.2f})")  # fmt: skip


if __name__ == "__main__":
    main()
