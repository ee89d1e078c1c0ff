"""Training throughput of Luong attention without input feeding: one call vs step by step.

    python benchmarks/luong_fast_path.py [--device cpu|cuda] [--threads N] [--seconds S]

Without input feeding nothing in s_t depends on attention, so a teacher-forced pass is one RNN
call over all target steps, one batched attention product and one output layer
(``Decoder.teacher_forced``). The same model, the same batches and the same optimizer are timed
both ways (``Seq2Seq.forward(..., one_call=False)`` steps ``Decoder.advance`` T times, as every
other decoder does); the figure is target tokens (real, no padding) per second of forward +
backward + Adam step. A Bahdanau model of the same size is timed step by step for reference.
Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import seq2seq  # noqa: E402, F401  (first: it sets OMP_WAIT_POLICY=PASSIVE before torch loads)

# isort: split
import torch  # noqa: E402
from torch import nn  # noqa: E402

from seq2seq.core import families  # noqa: E402
from seq2seq.core.card import TokenizerConfig  # noqa: E402
from seq2seq.data.batches import batches  # noqa: E402
from seq2seq.data.tasks import generate, make_task  # noqa: E402
from seq2seq.data.tokenizers import PAD  # noqa: E402
from seq2seq.training.pipeline import make_tokenizer  # noqa: E402
from seq2seq.training.zoo import ENCODER  # noqa: E402


def throughput(model, data, device, one_call: bool, seconds: float) -> tuple[float, int]:
    """Target tokens per second of training steps over ``data`` (cycled) for ``seconds``."""
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD)
    model.train()

    def step(batch) -> int:
        logits, _ = model(batch, one_call=one_call)
        loss = loss_fn(logits.reshape(-1, logits.size(-1)), batch.tgt_out.reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return int((batch.tgt_out != PAD).sum())

    for batch in data[:3]:  # warm-up (allocator, kernels)
        step(batch)
    if device.type == "cuda":
        torch.cuda.synchronize()
    tokens, n, start = 0, 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        tokens += step(data[n % len(data)])
        n += 1
    if device.type == "cuda":
        torch.cuda.synchronize()
    return tokens / (time.perf_counter() - start), n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=10.0, help="per row, over all rounds")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (the median is reported)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    task = make_task("reverse", min_len=3, max_len=24)  # the zoo's reverse task
    examples = generate(task, 4000, 0)
    tokenizer = make_tokenizer(task, examples, TokenizerConfig())
    data = [b.to(device) for b in batches(examples, tokenizer, args.batch_size, random.Random(0))]
    setups = [
        ("bahdanau additive, step by step", {"score": "additive"}, False),
        ("luong general, step by step", {"score": "general", "placement": "luong"}, False),
        ("luong general, one call", {"score": "general", "placement": "luong"}, True),
    ]
    built = []
    for _label, options, _one_call in setups:
        torch.manual_seed(0)
        cfg = families.make_config("attention", tokenizer.vocab_size, **(ENCODER | options))
        built.append(families.build(cfg).to(device))
    # interleaved rounds, so that a busy neighbour slows every row alike; the median per row
    runs: list[list[tuple[float, int]]] = [[] for _ in setups]
    for _ in range(args.rounds):
        for k, ((_label, _options, one_call), model) in enumerate(zip(setups, built, strict=True)):
            runs[k].append(throughput(model, data, device, one_call, args.seconds / args.rounds))
    rows = [
        {"model": label, "tokens_per_s": round(statistics.median(r[0] for r in run)), "steps": sum(r[1] for r in run)}
        for (label, _o, _c), run in zip(setups, runs, strict=True)
    ]
    base = rows[1]["tokens_per_s"]
    print(f"device {device}, threads {torch.get_num_threads()}, batch {args.batch_size}, zoo encoder {ENCODER}")
    for r in rows:
        print(f"  {r['model']:34s} {r['tokens_per_s']:>10,d} target tokens/s  ({r['steps']} steps)")
    print(f"  one call / step by step (same Luong model): {rows[2]['tokens_per_s'] / base:.2f}x")
    print(json.dumps({"device": str(device), "threads": torch.get_num_threads(), "rows": rows,
                      "gain": round(rows[2]["tokens_per_s"] / base, 2)}))  # fmt: skip


if __name__ == "__main__":
    main()
