"""Padded batches with masks: the only place where sequences get padded.

Layout (B = batch size, S = longest source incl. </s>, T = longest target incl. </s>):

    src      (B, S)  x_1 .. x_n </s> <pad> ..
    src_len  (B,)    n + 1 (the </s> counts: the decoder may attend to it; ``Seq2Seq.encode``
                     builds the (B, S) attention mask from it)
    tgt_in   (B, T)  <s> y_1 .. y_m <pad> ..      decoder inputs y_{t-1} (teacher forcing)
    tgt_out  (B, T)  y_1 .. y_m </s> <pad> ..     what step t must predict
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from seq2seq.data.tasks import Example
from seq2seq.data.tokenizers import BOS, EOS, PAD, Tokenizer


@dataclass
class Batch:
    src: torch.Tensor
    src_len: torch.Tensor
    tgt_in: torch.Tensor | None = None
    tgt_out: torch.Tensor | None = None

    def to(self, device: torch.device) -> Batch:
        move = lambda t: None if t is None else t.to(device)  # noqa: E731
        return Batch(move(self.src), move(self.src_len), move(self.tgt_in), move(self.tgt_out))


def pad(seqs: Sequence[Sequence[int]], value: int = PAD) -> torch.Tensor:
    """(B, max len) long tensor, right-padded with ``value``."""
    width = max(len(s) for s in seqs)
    # filled in numpy, then shared with torch: copying row by row into a tensor cost three
    # tensor ops per sequence (0.41 vs 0.03 ms for 64 rows; benchmarks/bench.py's profile)
    out = np.full((len(seqs), width), value, dtype=np.int64)
    for row, s in enumerate(seqs):
        out[row, : len(s)] = s
    return torch.from_numpy(out)


def source_batch(sources: Sequence[str], tokenizer: Tokenizer) -> Batch:
    """A batch of sources only (for decoding): each gets </s> appended."""
    ids = [[*tokenizer.source.encode(s), EOS] for s in sources]
    src = pad(ids)
    src_len = torch.tensor([len(s) for s in ids], dtype=torch.long)
    return Batch(src, src_len)


def make_batch(examples: Sequence[Example], tokenizer: Tokenizer) -> Batch:
    """A training batch: sources as in ``source_batch`` plus shifted targets."""
    batch = source_batch([ex.source for ex in examples], tokenizer)
    tgt = [tokenizer.target.encode(ex.target) for ex in examples]
    batch.tgt_in = pad([[BOS, *t] for t in tgt])
    batch.tgt_out = pad([[*t, EOS] for t in tgt])
    return batch


def batches(
    examples: Sequence[Example],
    tokenizer: Tokenizer,
    batch_size: int,
    rng: random.Random | None = None,
    bucket_pool: int = 0,
) -> list[Batch]:
    """Split ``examples`` into batches, in an order shuffled by ``rng`` when given.

    ``bucket_pool`` = 0 mixes lengths in every batch. ``bucket_pool`` = k sorts each run of
    k·batch_size shuffled examples by target length (characters, a cheap stand-in for
    tokens) before cutting it into batches, then shuffles the batches: a batch's examples
    have similar lengths (less padding, fewer decoder steps), while consecutive batches
    still vary. It pays when lengths spread widely (Joey NMT's reverse data, 1-25 tokens:
    benchmarks/bench.py). On reverse 3-12 it did not: steps were ~35 % faster but ~50 % more
    were needed, with accuracy swinging between evaluations, so the default mixes.
    """
    order = list(range(len(examples)))
    if rng is not None:
        rng.shuffle(order)
    if bucket_pool > 0:
        pool = bucket_pool * batch_size
        order = [
            i
            for start in range(0, len(order), pool)
            for i in sorted(order[start : start + pool], key=lambda i: len(examples[i].target))
        ]
    out = [
        make_batch([examples[i] for i in order[start : start + batch_size]], tokenizer)
        for start in range(0, len(order), batch_size)
    ]
    if bucket_pool > 0 and rng is not None:
        rng.shuffle(out)
    return out
