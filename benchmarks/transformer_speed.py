"""The Transformer's speed targets (issue 15), in one run so the ratios compare like with like.

    python benchmarks/transformer_speed.py [--repeats 10] [--batch 32] [--decode-only]

1. Greedy trace of a 30-token input with reverse-transformer (``search.trace``, every head
   recorded): target <= 15 ms.
2. Beam search, width 5, with its whole tree (``search.beam_search``): target <= 60 ms.
3. One training step at 256 tokens (``experiments.step_times``: forward, loss, backward,
   clipping, Adam), the Transformer against the RNN attention model at the same batch and
   width (``experiments.same_width``): target Transformer >= 5x faster. The figure is measured;
   when it falls short the script says what the time went to.

Also a section of ``make bench`` (benchmarks/bench.py). Not part of the test run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import seq2seq  # noqa: E402, F401  (first: it sets OMP_WAIT_POLICY=PASSIVE before torch loads, as the app does)

# isort: split
import torch  # noqa: E402

from seq2seq.analysis import experiments  # noqa: E402
from seq2seq.core import checkpoint  # noqa: E402
from seq2seq.core.search import beam_search, trace  # noqa: E402

TARGETS = {"trace_ms": 15.0, "beam_ms": 60.0, "speedup": 5.0}
SOURCE = "attentionisallyouneedtoreverse"  # 30 characters: 30 tokens + </s>


def timed(fn, repeats: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(1000 * (time.perf_counter() - t0))
    return out


def measure(repeats: int = 10, batch: int = 32, training: bool = True) -> dict:
    ckpt = checkpoint.load(ROOT / "checkpoints" / "reverse-transformer.safetensors")
    model, tok = ckpt.model, ckpt.tokenizer
    assert len(SOURCE) == 30
    trace_ms = timed(lambda: trace(model, tok, SOURCE), repeats)
    beam_ms = timed(lambda: beam_search(model, tok, SOURCE, width=5), repeats)
    if not training:  # --decode-only: rows 1 and 2 (the training steps take minutes)
        return {"trace_ms": trace_ms, "beam_ms": beam_ms, "steps": None, "threads": torch.get_num_threads()}
    partner = checkpoint.load(ROOT / "checkpoints" / "reverse-attention.safetensors")
    configs = experiments.same_width(model.cfg, partner.model.cfg)
    steps = experiments.step_times(configs, lengths=(8, 32, 128, 256), batch_size=batch, repeats=3, budget_s=600)
    return {"trace_ms": trace_ms, "beam_ms": beam_ms, "steps": steps, "threads": torch.get_num_threads()}


def rows(result: dict) -> list[tuple[str, list[float], str, str]]:
    """(measure, values, unit, target) for bench.py's table."""
    steps = result["steps"]
    out = [
        ("greedy trace, 30 tokens, reverse-transformer", result["trace_ms"], "ms", f"≤ {TARGETS['trace_ms']:g}"),
        ("beam 5 with its tree, 30 tokens", result["beam_ms"], "ms", f"≤ {TARGETS['beam_ms']:g}"),
    ]
    if steps is None:
        return out
    for n in steps.lengths:
        for family in steps.ms:
            out.append((f"training step at {n} tokens, {family} (batch {steps.batch_size}, width {steps.width})",
                        [steps.at(family, n)], "ms", ""))  # fmt: skip
    if 256 in steps.lengths:
        out.append(("training step at 256 tokens: RNN attention / Transformer", [steps.speedup(256)], "×",
                    f"≥ {TARGETS['speedup']:g}"))  # fmt: skip
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--decode-only", action="store_true", help="only the trace and beam rows")
    args = parser.parse_args()
    result = measure(args.repeats, args.batch, training=not args.decode_only)
    print(f"# torch {torch.__version__}, {result['threads']} intra-op threads")
    for name, values, unit, target in rows(result):
        spread = f" [{min(values):.1f}–{max(values):.1f}]" if len(values) > 1 else ""
        print(f"{name:<75} {statistics.median(values):8.1f}{spread} {unit} {f'(target {target})' if target else ''}")
    steps = result["steps"]
    if steps is not None and 256 in steps.lengths and steps.speedup(256) < TARGETS["speedup"]:
        print(
            f"\nBelow the {TARGETS['speedup']:g}x target. The RNN's step grew x{steps.growth('recurrent'):.0f} from "
            f"{steps.lengths[0]} to 256 tokens, the Transformer's x{steps.growth('parallel'):.0f}: on "
            f"{result['threads']} CPU threads the Transformer's n x n attention (batch x heads x 256 x 256 per "
            "layer, and the last layer's weights kept for α) is real work that the cores do one after another "
            "too; parallel over time pays most where there are many more cores (a GPU)."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
