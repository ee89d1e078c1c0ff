import itertools

import pytest
import torch

from seq2seq.core import families
from seq2seq.core.model import eval_mode, select_state
from seq2seq.core.search import beam_search, greedy, score_targets, trace
from seq2seq.data.batches import make_batch, source_batch
from seq2seq.data.tasks import Example
from seq2seq.errors import CheckpointError

from .conftest import config, small_model, stepped

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
        config(**({"vocab_size": 30} | bad))
    with pytest.raises(CheckpointError):
        families.config_from_dict({"vocab_size": 30} | bad)


def test_config_from_dict_refuses_unknown_fields():
    with pytest.raises(CheckpointError, match="unknown fields"):
        families.config_from_dict({"vocab_size": 30, "__class__": "os.system"})


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


# --- attention variants (Luong placement, local-p, sparse norms, coverage) ----------------------

LUONG_VARIANTS = [
    {"placement": "luong", "score": "general"},
    {"placement": "luong", "score": "dot", "cell": "lstm", "layers": 2},
    {"placement": "luong", "score": "general", "window": 2, "attention_norm": "entmax15"},
    {"placement": "luong", "score": "additive", "attention_norm": "sparsemax", "bidirectional": False},
]


@pytest.mark.parametrize("options", LUONG_VARIANTS)
def test_one_call_teacher_forced_luong_equals_stepping_decode_step(tokenizer, options):
    torch.manual_seed(4)
    model = small_model(tokenizer, **options)
    assert model.decoder.one_call
    batch = make_batch([Example("abcdefg", "gfedcba"), Example("xy", "yx"), Example("hello", "olleh")], tokenizer)
    fast, fast_alpha = model(batch)  # one RNN call, one batched attention product, one output layer
    steps = stepped(model, batch)
    assert torch.allclose(fast, torch.stack([s.logits for s in steps], 1), atol=1e-5)
    assert torch.allclose(fast_alpha, torch.stack([s.alpha for s in steps], 1), atol=1e-5)
    slow, _ = model(batch, one_call=False)  # the loop the other decoders use gives the same, too
    assert torch.allclose(fast, slow, atol=1e-5)
    # and the same loss and gradients
    loss_fast = torch.nn.functional.cross_entropy(fast.flatten(0, 1), batch.tgt_out.flatten(), ignore_index=0)
    loss_slow = torch.nn.functional.cross_entropy(slow.flatten(0, 1), batch.tgt_out.flatten(), ignore_index=0)
    assert abs(loss_fast.item() - loss_slow.item()) < 1e-5


@pytest.mark.parametrize("options", [{"placement": "luong", "input_feeding": True}, {"coverage": True}])
def test_variants_that_need_the_loop_still_train_step_by_step(tokenizer, options):
    torch.manual_seed(5)
    model = small_model(tokenizer, **options)
    assert not model.decoder.one_call
    batch = make_batch([Example("abcd", "dcba"), Example("xy", "yx")], tokenizer)
    logits, _ = model(batch)
    enc, state = model.encode(batch.src, batch.src_len)
    for t in range(batch.tgt_in.size(1)):
        step = model.decode_step(batch.tgt_in[:, t], state, enc)
        state = step.state
        assert torch.allclose(logits[:, t], step.logits, atol=1e-5)


def test_input_feeding_feeds_the_attentional_state(tokenizer):
    torch.manual_seed(6)
    model = small_model(tokenizer, placement="luong", input_feeding=True)
    batch = source_batch(["abc"], tokenizer)
    enc, state = model.encode(batch.src, batch.src_len)
    step = model.decode_step(torch.tensor([1]), state, enc)
    fed = step.state[-1][0]  # h̃_1 rides in the state, read by step 2
    assert torch.allclose(fed, model.decoder.attentional(step.s, step.context), atol=1e-6)


def test_coverage_equals_the_sum_of_past_alpha(tokenizer):
    torch.manual_seed(7)
    model = small_model(tokenizer, coverage=True, cell="lstm")
    batch = source_batch(["abcdef", "xy"], tokenizer)
    enc, state = model.encode(batch.src, batch.src_len)
    past = torch.zeros(2, batch.src.size(1))
    y = torch.tensor([1, 1])
    for _ in range(5):
        cov = state[-1][0]  # cov_t as the step reads it
        assert torch.allclose(cov, past, atol=1e-6)
        step = model.decode_step(y, state, enc)
        past, state, y = past + step.alpha, step.state, step.logits.argmax(-1)


@pytest.mark.parametrize(
    "options", [{"placement": "luong", "window": 3}, {"attention_norm": "sparsemax"}, {"coverage": True}]
)
def test_every_search_runs_on_every_variant(tokenizer, options):
    torch.manual_seed(8)
    model = small_model(tokenizer, **options)
    result = trace(model, tokenizer, "abcdef")
    assert all(s.alpha is not None for s in result.steps)
    if options.get("window"):
        assert result.window == 3 and all(0 <= s.position <= 6 for s in result.steps)  # p_t in [0, S-1]
        for s in result.steps:
            far = [a for i, a in enumerate(s.alpha) if abs(i - s.position) > 3]
            assert all(a == 0 for a in far)
    else:
        assert all(s.position is None for s in result.steps)
    tree = beam_search(model, tokenizer, "abcdef", width=3)  # select_state follows h̃ and cov through the beam
    assert tree.nbest
    assert greedy(model, tokenizer, ["abc", "defgh"]).ids
    assert score_targets(model, tokenizer, ["abc"], ["cba"])[0].alpha is not None


def test_variant_names_and_validation():
    assert config(vocab_size=10).variant == "additive"  # what every older checkpoint is
    cfg = config(vocab_size=10, placement="luong", score="general", window=4, attention_norm="entmax15")
    assert cfg.variant == "luong+general+local4+entmax15"
    assert config(vocab_size=10, coverage=True).variant == "additive+coverage"
    for bad in (
        {"placement": "after"},
        {"attention_norm": "max"},
        {"window": -1},
        {"window": 99},
        {"input_feeding": True},  # needs luong
        {"coverage": True, "score": "dot"},
        {"decoder": "vanilla", "placement": "luong"},
        {"coverage": "yes"},
    ):
        with pytest.raises(ValueError):
            config(vocab_size=10, **bad)
    old = {k: v for k, v in config(vocab_size=10).to_dict().items() if k in ("vocab_size", "score", "decoder")}
    assert families.config_from_dict(old).placement == "bahdanau"  # a checkpoint without the fields keeps loading
    with pytest.raises(CheckpointError, match="window"):
        families.config_from_dict(old | {"window": "wide"})
