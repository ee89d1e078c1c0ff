import random

import torch

from seq2seq.data.batches import batches, make_batch, source_batch
from seq2seq.data.tasks import Example
from seq2seq.data.tokenizers import BOS, EOS, PAD

from .conftest import small_model


def test_source_batch_appends_eos_pads_and_masks(tokenizer):
    b = source_batch(["abc", "a"], tokenizer)
    assert b.src.shape == (2, 4)
    assert b.src_len.tolist() == [4, 2]
    assert b.src[0, 3] == EOS and b.src[1, 1] == EOS and (b.src[1, 2:] == PAD).all()
    enc, _ = small_model(tokenizer).encode(b.src, b.src_len)  # the attention mask comes from src_len
    assert enc.mask.tolist() == [[True] * 4, [True, True, False, False]]


def test_targets_are_shifted_by_one(tokenizer):
    b = make_batch([Example("ab", "ba"), Example("abc", "cba")], tokenizer)
    assert b.tgt_in[:, 0].tolist() == [BOS, BOS]
    assert torch.equal(b.tgt_in[1, 1:], b.tgt_out[1, :-1])  # y_{t-1} feeds the step predicting y_t
    assert b.tgt_out[0].tolist()[:3] == [*tokenizer.encode("ba"), EOS]
    assert b.tgt_out[0, 3] == PAD


def test_batches_cover_every_example_once(tokenizer):
    examples = [Example("a" * n, "a" * n) for n in range(1, 24)]
    out = batches(examples, tokenizer, batch_size=5, rng=random.Random(0))
    assert [len(b.src) for b in out] == [5, 5, 5, 5, 3]
    assert sorted(int(n) for b in out for n in b.src_len) == [n + 1 for n in range(1, 24)]
