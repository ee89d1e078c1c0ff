import itertools

import pytest
import torch

from seq2seq.data import make_batch, source_batch
from seq2seq.errors import CheckpointError
from seq2seq.model import ModelConfig, eval_mode, select_state
from seq2seq.search import beam_search, greedy, score_targets, trace
from seq2seq.tasks import Example

from .conftest import small_model

VARIANTS = list(itertools.product(["rnn", "gru", "lstm"], [1, 2], [False, True], ["vanilla", "attention"]))


@pytest.mark.parametrize(("cell", "layers", "bidirectional", "decoder"), VARIANTS)
def test_padding_never_leaks_into_encoder_states(tokenizer, cell, layers, bidirectional, decoder):
    torch.manual_seed(0)
    model = small_model(tokenizer, cell=cell, layers=layers, bidirectional=bidirectional, decoder=decoder)
    alone = source_batch(["abc"], tokenizer)
    padded = source_batch(["abc", "abcdefghij"], tokenizer)
    enc1, _s1 = model.encode(alone.src, alone.src_len)
    enc2, _s2 = model.encode(padded.src, padded.src_len)
    assert torch.allclose(enc1.c[0], enc2.c[0], atol=1e-6)  # c = h_T of the real tokens
    assert torch.allclose(enc1.h[0], enc2.h[0, :4], atol=1e-6)
    assert (enc2.h[0, 4:] == 0).all()


@pytest.mark.parametrize(("cell", "layers", "bidirectional", "decoder"), VARIANTS)
def test_training_pass_equals_step_by_step_decoding(tokenizer, cell, layers, bidirectional, decoder):
    torch.manual_seed(1)
    model = small_model(tokenizer, cell=cell, layers=layers, bidirectional=bidirectional, decoder=decoder)
    batch = make_batch([Example("abcd", "dcba"), Example("xy", "yx")], tokenizer)
    logits, alphas = model(batch)
    assert logits.shape == (2, 5, tokenizer.vocab_size)
    enc, state = model.encode(batch.src, batch.src_len)
    for t in range(batch.tgt_in.size(1)):
        step = model.decode_step(batch.tgt_in[:, t], state, enc)
        state = step.state
        assert torch.allclose(step.logits, logits[:, t], atol=1e-5)
        if decoder == "attention":
            assert torch.allclose(step.alpha, alphas[:, t], atol=1e-6)
        else:
            assert step.alpha is None and alphas is None
            assert torch.equal(step.context, enc.c)  # vanilla: the same c at every step


def test_select_state_follows_rows(tokenizer):
    for cell in ("gru", "lstm"):
        model = small_model(tokenizer, cell=cell, layers=2)
        b = source_batch(["ab", "abc", "abcd"], tokenizer)
        enc, state = model.encode(b.src, b.src_len)
        idx = torch.tensor([2, 0])
        picked = select_state(state, idx)
        ref = state[0] if isinstance(state, tuple) else state
        got = picked[0] if isinstance(picked, tuple) else picked
        assert torch.equal(got, ref[:, [2, 0]])
        assert torch.equal(enc.index_select(idx).h, enc.h[[2, 0]])


@pytest.mark.parametrize(
    "bad",
    [
        {"cell": "transformer"},
        {"decoder": "pointer"},
        {"score": "cosine"},
        {"hidden": 0},
        {"hidden": 10**6},
        {"layers": 3},
        {"vocab_size": 10**9},
        {"hidden": 1.5},
        {"hidden": True},
    ],
)
def test_config_validation(bad):
    with pytest.raises(ValueError):
        ModelConfig(**({"vocab_size": 30} | bad))
    with pytest.raises(CheckpointError):
        ModelConfig.from_dict({"vocab_size": 30} | bad)


def test_config_from_dict_refuses_unknown_fields():
    with pytest.raises(CheckpointError, match="unknown fields"):
        ModelConfig.from_dict({"vocab_size": 30, "__class__": "os.system"})


@pytest.mark.parametrize("training", [True, False])
def test_eval_mode_restores_the_mode_even_when_the_block_raises(tokenizer, training):
    model = small_model(tokenizer).train(training)
    with eval_mode(model):
        assert not model.training
    assert model.training == training
    with pytest.raises(RuntimeError), eval_mode(model):
        raise RuntimeError("a search failed half-way")
    assert model.training == training
    # every search runs under it: validation inside a training run leaves the model training
    greedy(model, tokenizer, ["abc"])
    trace(model, tokenizer, "abc")
    score_targets(model, tokenizer, ["abc"], ["cba"])
    beam_search(model, tokenizer, "abc", width=2)
    assert model.training == training
