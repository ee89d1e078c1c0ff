import json

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from seq2seq.core import checkpoint
from seq2seq.core.search import beam_batch, beam_search, greedy, trace, translate
from seq2seq.errors import InputError
from seq2seq.training.pipeline import heldout

from .conftest import CHECKPOINTS, small_model


def test_trace_agrees_with_batched_greedy(tokenizer):
    torch.manual_seed(3)
    model = small_model(tokenizer)
    sources = ["abc", "hello", "z"]
    batch = greedy(model, tokenizer, sources)
    for src, ids in zip(sources, batch.ids, strict=True):
        t = trace(model, tokenizer, src)
        assert [s.token_id for s in t.steps] == ids
        assert t.output == tokenizer.decode(ids)


def test_trace_records_every_step(tokenizer):
    torch.manual_seed(4)
    model = small_model(tokenizer, decoder="attention")
    t = trace(model, tokenizer, "abcab", top_k=3)
    assert t.source_tokens == ["a", "b", "c", "a", "b", "</s>"]
    assert len(t.output_tokens) == len(t.steps) >= 1
    for step in t.steps:
        assert len(step.top_k) == 3 and step.top_k[0].token_id == step.token_id
        assert step.prob == pytest.approx(step.top_k[0].prob)
        assert [c.prob for c in step.top_k] == sorted((c.prob for c in step.top_k), reverse=True)
        assert sum(step.alpha) == pytest.approx(1.0, abs=1e-5) and len(step.alpha) == 6
        assert len(step.context) == len(step.state) == model.cfg.enc_dim
    assert t.attention_matrix().shape == (len(t.steps), 6)
    h = np.array(t.encoder_states)  # (S, D): c_t = Σ_i α_{t,i} h_i is the context the decoder read
    assert h.shape == (6, model.cfg.enc_dim) and len(t.fixed_context) == model.cfg.enc_dim
    for step in t.steps:
        assert np.allclose(np.array(step.alpha) @ h, step.context, atol=1e-5)
    json.loads(t.to_json())  # the trace is JSON as is


def test_vanilla_trace_has_no_alpha_and_a_fixed_context(tokenizer):
    torch.manual_seed(5)
    model = small_model(tokenizer, decoder="vanilla")
    t = trace(model, tokenizer, "abcdef")
    assert t.attention_matrix() is None
    assert all(s.alpha is None and s.energies is None for s in t.steps)
    assert all(s.context == t.steps[0].context for s in t.steps)
    assert np.allclose(t.steps[0].context, t.fixed_context)  # the vanilla decoder reads c at every step


def test_untrained_model_stops_at_the_length_limit(tokenizer):
    torch.manual_seed(6)
    model = small_model(tokenizer)
    t = trace(model, tokenizer, "abc")
    assert len(t.steps) <= 2 * 4 + 10
    assert t.finished == (t.steps[-1].token == "</s>")


def test_bad_inputs_get_clear_errors(tokenizer):
    model = small_model(tokenizer)
    with pytest.raises(InputError, match="empty"):
        trace(model, tokenizer, "")
    with pytest.raises(InputError, match="at most"):
        trace(model, tokenizer, "a" * 10_000)
    t = trace(model, tokenizer, "a🙂b\x00")
    assert t.unknown == ["🙂", "\x00"]


def test_shipped_attention_model_reverses_fresh_heldout_strings(attention_ckpt):
    examples = heldout(attention_ckpt, 300, seed=2026)
    outputs = translate(attention_ckpt.model, attention_ckpt.tokenizer, [ex.source for ex in examples])
    accuracy = np.mean([o == ex.target for o, ex in zip(outputs, examples, strict=True)])
    assert accuracy >= 0.98


def test_shipped_attention_looks_at_the_mirrored_position(attention_ckpt):
    src = "attentionmodel"
    t = trace(attention_ckpt.model, attention_ckpt.tokenizer, src)
    assert t.output == src[::-1]
    argmax = t.attention_matrix()[: len(src)].argmax(axis=1)
    # reversal: output j should attend to source n-1-j (allow a neighbour: bidirectional states blur)
    assert np.mean(np.abs(argmax - (len(src) - 1 - np.arange(len(src)))) <= 1) >= 0.9


def test_forced_scores_agree_with_the_greedy_trace(attention_ckpt):
    from seq2seq.core.search import score_targets

    t = trace(attention_ckpt.model, attention_ckpt.tokenizer, "lecture")
    (scored,) = score_targets(attention_ckpt.model, attention_ckpt.tokenizer, ["lecture"], [t.output])
    assert scored.target_tokens == t.output_tokens
    assert scored.probs == pytest.approx([s.prob for s in t.steps], abs=1e-5)
    assert np.allclose(np.array(scored.alpha), t.attention_matrix(), atol=1e-5)
    assert scored.log_prob == pytest.approx(float(np.log(scored.probs).sum()), abs=1e-4)
    # "why not this answer?": a wrong target is less likely
    (wrong,) = score_targets(attention_ckpt.model, attention_ckpt.tokenizer, ["lecture"], ["lecture"])
    assert wrong.log_prob < scored.log_prob - 5


def test_forced_score_of_an_overlong_target_is_refused(tokenizer):
    from seq2seq.core.search import score_targets

    with pytest.raises(InputError, match="target"):
        score_targets(small_model(tokenizer), tokenizer, ["abc"], ["a" * 100_000])


# --- beam_batch: beam_search's best for many inputs at once (no tree) ---------------------------

SHIPPED = ["attention", "vanilla", "coverage", "local", "luong", "entmax", "transformer"]
MIXED = ["a", "hello", "abcdefghijklmnopqrst", "zyx", "attention", "qqqqqqqqqqqq"]  # lengths 1-20


def assert_same_best(model, tok, sources, width, length_alpha=0.0, batch_size=500):
    result = beam_batch(model, tok, sources, width=width, length_alpha=length_alpha, batch_size=batch_size)
    for i, source in enumerate(sources):
        best = beam_search(model, tok, source, width=width, length_alpha=length_alpha).nbest[0]
        assert tok.decode(result.ids[i]) == best.text, (source, width)
        assert [tok.id_to_token(x) for x in result.ids[i]] == best.tokens
        assert result.scores[i] == pytest.approx(best.score, abs=1e-4)
        assert result.norm_scores[i] == pytest.approx(best.norm_score, abs=1e-4)
        assert result.finished[i] == best.finished
    return result


@pytest.fixture(scope="module")
def shipped():
    return {name: checkpoint.load(CHECKPOINTS / f"reverse-{name}.safetensors") for name in SHIPPED}


@pytest.mark.parametrize("name", SHIPPED)
def test_beam_batch_equals_beam_search_on_every_shipped_family(shipped, name):
    ckpt = shipped[name]
    assert_same_best(ckpt.model, ckpt.tokenizer, MIXED, width=5)
    assert_same_best(
        ckpt.model, ckpt.tokenizer, MIXED, width=3, length_alpha=1.0, batch_size=9
    )  # two chunks of 3 inputs
    one = assert_same_best(ckpt.model, ckpt.tokenizer, MIXED, width=1)
    assert one.ids == greedy(ckpt.model, ckpt.tokenizer, MIXED).ids  # width 1 is greedy


# untrained models: they often run to the length limit, so unfinished hypotheses win too
VARIANTS = [
    {},
    {"decoder": "vanilla"},
    {"cell": "lstm", "layers": 2},
    {"cell": "lstm", "placement": "luong", "input_feeding": True, "score": "general"},
    {"placement": "luong", "score": "dot", "window": 2},
    {"coverage": True, "attention_norm": "entmax15"},
    {"decoder": "transformer", "d_model": 16, "heads": 2, "ff_dim": 16, "layers": 2},
]


@pytest.fixture(scope="module")
def untrained():
    from seq2seq.data.tasks import ReverseTask
    from seq2seq.data.tokenizers import CharTokenizer

    tok = CharTokenizer.build([ReverseTask().alphabet])
    models = []
    for seed, options in enumerate(VARIANTS):
        torch.manual_seed(seed)
        models.append(small_model(tok, **options))
    return tok, models


@settings(max_examples=20, deadline=None)
@given(
    sources=st.lists(st.text(alphabet="abcdefgh", min_size=1, max_size=10), min_size=1, max_size=5),
    which=st.integers(0, len(VARIANTS) - 1),
    width=st.integers(1, 5),
    length_alpha=st.sampled_from([0.0, 0.6]),
    batch_size=st.integers(1, 12),  # hypotheses per chunk: from one input per chunk to all
)
def test_beam_batch_equals_beam_search_on_untrained_variants(
    untrained, sources, which, width, length_alpha, batch_size
):
    tok, models = untrained
    assert_same_best(models[which], tok, sources, width, length_alpha, batch_size)


def test_beam_batch_refuses_bad_widths_and_inputs(untrained):
    tok, models = untrained
    for width in (0, tok.vocab_size + 1):
        with pytest.raises(InputError, match="beam width"):
            beam_batch(models[0], tok, ["abc"], width=width)
    with pytest.raises(InputError, match="empty"):
        beam_batch(models[0], tok, ["abc", " "], width=2)
