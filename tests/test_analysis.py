"""Measurements and teaching examples (seq2seq/experiments.py) on the shipped checkpoints."""

from __future__ import annotations

import dataclasses
import math

import pytest

from seq2seq.analysis import experiments
from seq2seq.core import checkpoint
from seq2seq.core.card import ModelCard
from seq2seq.core.search import beam_search, trace, translate
from seq2seq.core.transformer import TransformerConfig
from seq2seq.data.tasks import Example

from .conftest import CHECKPOINTS


@pytest.fixture(scope="module")
def numbers_vanilla() -> checkpoint.Checkpoint:
    return checkpoint.load(CHECKPOINTS / "numbers-vanilla.safetensors")


def test_trained_range_and_in_range(attention_ckpt):
    assert experiments.trained_range(attention_ckpt) == (3, 24)
    assert experiments.in_range(attention_ckpt, "abc") and experiments.in_range(attention_ckpt, "x" * 24)
    assert not experiments.in_range(attention_ckpt, "ab") and not experiments.in_range(attention_ckpt, "x" * 44)
    # an older card without "source_chars": a character task's own lengths
    bare = dataclasses.replace(attention_ckpt, card=ModelCard())
    assert experiments.trained_range(bare) == (attention_ckpt.task.min_len, attention_ckpt.task.max_len)
    # unknown range (no card, no character task): every length is "in range"
    unknown = dataclasses.replace(attention_ckpt, card=ModelCard(), task=None)
    assert experiments.trained_range(unknown) is None and experiments.in_range(unknown, "x" * 99)


@pytest.mark.parametrize(
    ("output", "target", "expected"),
    [
        (list("abc"), list("abc"), None),
        (list("abx"), list("abc"), 2),
        (list("ab"), list("abc"), 2),  # a missing token counts
        (list("abcd"), list("abc"), 3),  # so does an extra one
        (list("xbc"), list("abc"), 0),
        ([], [], None),
    ],
)
def test_first_mistake(output, target, expected):
    assert experiments.first_mistake(output, target) == expected


def test_find_error_prefers_an_input_of_the_training_range(vanilla_ckpt):
    found = experiments.find_error(vanilla_ckpt, n=200)
    assert found is not None and found.in_range and found.tried <= 200
    assert 3 <= len(found.source) <= 24
    assert found.target == vanilla_ckpt.task.answer(found.source)
    assert translate(vanilla_ckpt.model, vanilla_ckpt.tokenizer, [found.source]) == [found.output] != [found.target]


def test_find_error_falls_back_to_longer_inputs_and_says_so(attention_ckpt):
    # the attention model gets the first 200 inputs of its range right (its exact match is ~99.9 %)
    found = experiments.find_error(attention_ckpt, n=200)
    assert found is not None and not found.in_range
    assert 24 < len(found.source) <= 48 and found.tried > 200
    assert trace(attention_ckpt.model, attention_ckpt.tokenizer, found.source).output != found.target


def test_find_error_without_a_generator(vanilla_ckpt):
    assert experiments.find_error(dataclasses.replace(vanilla_ckpt, task=None)) is None


def test_find_beam_example_where_the_beam_fixes_greedy(vanilla_ckpt):
    finding = experiments.find_beam_example(vanilla_ckpt, width=5, n=300, max_beams=20)
    ex = finding.example
    assert ex is not None and ex.fixes_greedy and ex.in_range and ex.width == 5
    assert 1 <= finding.beams <= 20 and finding.tried <= 300
    # checked again from scratch: beam right with a higher log p, greedy wrong
    greedy = trace(vanilla_ckpt.model, vanilla_ckpt.tokenizer, ex.source)
    best = beam_search(vanilla_ckpt.model, vanilla_ckpt.tokenizer, ex.source, width=5).nbest[0]
    assert greedy.output == ex.greedy != ex.target == vanilla_ckpt.task.answer(ex.source)
    assert best.text == ex.beam == ex.target
    assert best.score == pytest.approx(ex.beam_logp) and greedy.log_prob == pytest.approx(ex.greedy_logp)
    assert ex.beam_logp > ex.greedy_logp


def test_find_beam_example_says_when_there_is_none(numbers_vanilla):
    finding = experiments.find_beam_example(numbers_vanilla, n=100, max_beams=10)
    assert finding.example is None
    assert 90 <= finding.tried <= 100 and finding.beams == 10  # bounded: 10 beam searches, no more


def test_find_beam_example_without_a_generator(vanilla_ckpt):
    finding = experiments.find_beam_example(dataclasses.replace(vanilla_ckpt, task=None))
    assert (finding.tried, finding.beams, finding.example) == (0, 0, None)


def test_find_beam_example_is_bounded_on_longer_inputs(attention_ckpt):
    # no input of the range where the beam fixes greedy (none among 300, searched exhaustively):
    # the longer round runs too, with at most half as many beam searches
    finding = experiments.find_beam_example(attention_ckpt, n=50, max_beams=4, n_longer=30)
    assert 50 < finding.tried <= 80 and 4 < finding.beams <= 4 + 2
    if finding.example is not None:
        assert finding.example.beam_logp > finding.example.greedy_logp


def test_fixed_context_has_one_size_for_every_length(attention_ckpt):
    sizes = experiments.fixed_context_sizes(attention_ckpt, "abcdef", [3, 7, 30])
    assert [n for n, _ in sizes] == [3, 7, 30]
    assert {d for _, d in sizes} == {attention_ckpt.model.cfg.enc_dim}


def test_train_vs_inference_on_an_input_the_model_gets_wrong(vanilla_ckpt):
    found = experiments.find_error(vanilla_ckpt, n=200)
    both = experiments.train_vs_inference(vanilla_ckpt, Example(found.source, found.target))
    assert both.free_output == found.output != found.target
    assert len(both.probs) == len(both.losses) == len(both.target_tokens) == len(found.target) + 1
    assert both.loss == pytest.approx(sum(-math.log(p) for p in both.probs) / len(both.probs))
    wrong = both.first_mistake
    assert wrong is not None and both.free_tokens[:wrong] == both.target_tokens[:wrong]
    assert both.free_tokens[wrong : wrong + 1] != both.target_tokens[wrong : wrong + 1]


# --- a training step's time against sequence length (the notes' second limitation) ----------------


def small_pair():
    base = TransformerConfig(vocab_size=12, layers=1, heads=2, d_model=16, ff_dim=16)
    return experiments.same_width(base, longest=16)


def test_same_width_gives_both_models_one_width():
    configs = small_pair()
    rnn, transformer = configs[experiments.RECURRENT], configs[experiments.PARALLEL]
    assert rnn.decoder == "attention" and transformer.decoder == "transformer"
    assert rnn.enc_dim == transformer.d_model == 16  # h_i and s_t of size D
    assert rnn.max_src_len >= 17 and transformer.max_src_len >= 17 and rnn.vocab_size == 12


def test_step_times_measures_every_length_in_order_with_progress():
    seen = []
    times = experiments.step_times(small_pair(), lengths=(16, 4, 8), batch_size=2, repeats=2,
                                progress=lambda so_far, done: seen.append((list(so_far.lengths), done)))  # fmt: skip
    assert times.lengths == times.planned == [4, 8, 16] and times.complete and times.stopped == ""
    assert set(times.ms) == {experiments.RECURRENT, experiments.PARALLEL}
    assert times.families == {experiments.RECURRENT: "attention", experiments.PARALLEL: "transformer"}
    assert all(len(v) == 3 and all(ms > 0 for ms in v) for v in times.ms.values())
    assert [done for _, done in seen] == pytest.approx([1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6, 1.0])
    assert seen[-1][0] == [4, 8, 16]
    assert times.speedup(16) == times.at("recurrent", 16) / times.at("parallel", 16)
    assert times.growth("recurrent") == times.ms["recurrent"][-1] / times.ms["recurrent"][0]
    assert times.batch_size == 2 and times.width == 16 and times.threads >= 1


def test_step_times_stops_when_asked_or_out_of_budget():
    asked = experiments.step_times(small_pair(), lengths=(4, 8, 16), batch_size=2, progress=lambda s, f: f >= 0.5)
    assert asked.stopped == "asked" and asked.lengths == [4] and not asked.complete
    broke = experiments.step_times(small_pair(), lengths=(4, 8, 16), batch_size=2, budget_s=0.0)
    assert broke.stopped == "budget" and broke.lengths == [4]  # the first length is always measured
    with pytest.raises(ValueError, match="at least 2"):
        experiments.step_times(small_pair(), lengths=(1, 4))
