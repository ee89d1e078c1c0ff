"""Beam search: the batched search (all live hypotheses in one decode_step) against running
each hypothesis through the model on its own, in one run.

    python benchmarks/beam_speed.py [--repeats 10]

Both build the same tree (the script checks the n-best lists agree); the per-hypothesis
version is written here only to be measured against. Targets (issue 5): width 5 <= 50 ms and
width 16 <= 200 ms on a 30-token input, batched >= 3x faster than one-by-one.
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

from seq2seq.core import checkpoint  # noqa: E402
from seq2seq.core.search import beam_search, max_output_len  # noqa: E402
from seq2seq.data.batches import source_batch  # noqa: E402
from seq2seq.data.tokenizers import BOS, EOS  # noqa: E402


@torch.no_grad()
def one_by_one(model, tokenizer, source: str, width: int) -> list[str]:
    """The same search, but every hypothesis goes through decode_step alone (batch of 1)."""
    batch = source_batch([source], tokenizer)
    enc, state0 = model.encode(batch.src, batch.src_len)
    live = [([], 0.0, state0, BOS)]  # (tokens, score, state, last token)
    finished = []
    for _ in range(max_output_len(int(batch.src_len[0]), model)):
        if not live or len(finished) >= width:
            break
        candidates = []
        for tokens, score, state, last in live:
            step = model.decode_step(torch.tensor([last]), state, enc)
            top_lp, top_id = torch.log_softmax(step.logits[0], -1).topk(width)
            for lp, i in zip(top_lp.tolist(), top_id.tolist(), strict=True):
                candidates.append((score + lp, [*tokens, i], step.state, i))
        candidates.sort(key=lambda c: c[0], reverse=True)
        live = []
        for score, tokens, state, i in candidates:
            if len(live) >= width:
                break
            if i == EOS:
                finished.append((score, tokens))
            else:
                live.append((tokens, score, state, i))
    ends = finished if len(finished) >= width else finished + [(s, t) for t, s, _, _ in live]
    return [tokenizer.decode(t) for _, t in sorted(ends, key=lambda e: e[0], reverse=True)]


def timed(fn, repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    ckpt = checkpoint.load(ROOT / "checkpoints" / "reverse-attention.safetensors")
    source = "abcdefghijklmnopqrstuvwxyzabcd"  # 30 tokens
    print(f"# {ckpt.name}, 30-token input, torch {torch.__version__}, {torch.get_num_threads()} threads")
    for width in (5, 16):
        batched = timed(lambda w=width: beam_search(ckpt.model, ckpt.tokenizer, source, width=w), args.repeats)
        single = timed(lambda w=width: one_by_one(ckpt.model, ckpt.tokenizer, source, w), args.repeats)
        same = (
            beam_search(ckpt.model, ckpt.tokenizer, source, width=width).nbest[0].text
            == one_by_one(ckpt.model, ckpt.tokenizer, source, width)[0]
        )
        print(
            f"width {width:2d}: batched with the full tree {batched * 1000:.1f} ms, one hypothesis at a time "
            f"{single * 1000:.1f} ms, ratio {single / batched:.1f}x (same best output: {same})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
