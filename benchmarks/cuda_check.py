"""Training and decoding on CUDA, when a GPU is there (run by hand on a GPU machine).

    python benchmarks/cuda_check.py [--out DIR]

Trains the attention model on reverse 3-12 on the GPU to >= 99 % held-out exact match,
checks that a CUDA trace equals the CPU trace of the same weights (after a save/load round
trip), and prints one JSON line with the figures. Exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import seq2seq  # noqa: F401  (first: it sets OMP_WAIT_POLICY=PASSIVE before torch loads, as the app does)

# isort: split
import torch

from seq2seq import checkpoint
from seq2seq.pipeline import DataConfig, heldout, train_on_task
from seq2seq.search import trace, translate
from seq2seq.tasks import ReverseTask
from seq2seq.training import TrainConfig


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    if not torch.cuda.is_available():
        print(json.dumps({"cuda": False}))
        return 1
    device = torch.device("cuda")
    model = {"cell": "gru", "emb_dim": 32, "hidden": 64, "decoder": "attention", "score": "additive"}
    cfg = TrainConfig(target_accuracy=0.99, max_seconds=120, eval_every=25)
    start = time.perf_counter()
    ckpt, result = train_on_task(ReverseTask(min_len=3, max_len=12), model, cfg, DataConfig(), device=device)
    train_s = time.perf_counter() - start
    path = checkpoint.save(ckpt, args.out / "cuda-reverse.safetensors")
    on_gpu = checkpoint.load(path, device=device)
    on_cpu = checkpoint.load(path, device="cpu")
    sources = [ex.source for ex in heldout(on_cpu, 200, seed=7)]
    gpu_out = translate(on_gpu.model, on_gpu.tokenizer, sources)
    cpu_out = translate(on_cpu.model, on_cpu.tokenizer, sources)
    t_gpu = trace(on_gpu.model, on_gpu.tokenizer, "attention")
    t_cpu = trace(on_cpu.model, on_cpu.tokenizer, "attention")
    max_alpha_diff = float(abs(t_gpu.attention_matrix() - t_cpu.attention_matrix()).max())
    report = {
        "cuda": True,
        "device": torch.cuda.get_device_name(0),
        "torch": torch.__version__,
        "train_seconds": round(train_s, 1),
        "steps": result.steps,
        "stopped_because": result.stopped_because,
        "exact_match": result.metrics["exact_match"],
        "gpu_cpu_same_outputs": gpu_out == cpu_out,
        "trace_output": t_gpu.output,
        "max_alpha_diff_gpu_vs_cpu": max_alpha_diff,
    }
    print(json.dumps(report))
    ok = result.stopped_because == "target" and gpu_out == cpu_out and max_alpha_diff < 1e-3
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
