"""Bulk beam decoding: ``search.beam_batch`` (all inputs at once, no tree; what ``eval --beam``
and ``make bench``'s "beam 5" row use) against ``search.beam_search`` one input at a time with
its full tree (what the bench measured before), on the same inputs, interleaved, in one run.

    python benchmarks/beam_bulk.py CKPT PAIRS.tsv [--width 5] [--alpha 0] [--repeats 3] [--threads 1]

``make bench`` writes Joey NMT's reverse test set to benchmarks/work/data/test.tsv and its
model to benchmarks/work/ours-0.safetensors. The script checks that both searches pick the
same best output for every input (and reports the exact match of each), then prints the
medians. Issue 16's target: beam 5 over Joey's 1,000 test lines at least as fast as Joey NMT's
own batched beam search (3.4 s on the 2-core machine, docs/performance.md).
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
from seq2seq.core.search import beam_batch, beam_search  # noqa: E402
from seq2seq.data.pairs import load_pairs  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("pairs", type=Path)
    parser.add_argument("--width", type=int, default=5)
    parser.add_argument("--alpha", type=float, default=0.0, help="length penalty exponent (both searches)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="as the bench (and Joey NMT there) runs")
    parser.add_argument("--batch-size", type=int, default=500, help="hypotheses per beam_batch chunk (inputs × width)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    ckpt = checkpoint.load(args.checkpoint)
    examples = load_pairs(args.pairs).examples
    sources = [ex.source for ex in examples]
    model, tok = ckpt.model, ckpt.tokenizer
    one, bulk = [], []
    for _ in range(args.repeats):
        start = time.perf_counter()
        trees = [beam_search(model, tok, s, width=args.width, length_alpha=args.alpha) for s in sources]
        one.append(time.perf_counter() - start)
        start = time.perf_counter()
        found = beam_batch(model, tok, sources, width=args.width, length_alpha=args.alpha, batch_size=args.batch_size)
        bulk.append(time.perf_counter() - start)
    old = [t.nbest[0].text for t in trees]
    new = [tok.decode(ids) for ids in found.ids]
    same = sum(a == b for a, b in zip(old, new, strict=True))
    exact = lambda hyps: sum(h == ex.target for h, ex in zip(hyps, examples, strict=True)) / len(examples)  # noqa: E731
    print(f"{len(sources)} inputs, width {args.width}, alpha {args.alpha:g}, {args.threads} thread(s)")
    print(f"same best output: {same} of {len(sources)}; exact match {exact(old):.4f} (one at a time), "
          f"{exact(new):.4f} (bulk)")  # fmt: skip
    for name, times in (("beam_search, one input at a time, full tree", one), ("beam_batch, all inputs", bulk)):
        spread = f" [{min(times):.2f}-{max(times):.2f}]" if len(times) > 1 else ""
        print(f"{name:<45} {statistics.median(times):7.2f} s{spread}  (n={len(times)})")
    print(f"speed-up: {statistics.median(one) / statistics.median(bulk):.1f}x")
    return 0 if same == len(sources) else 1


if __name__ == "__main__":
    sys.exit(main())
