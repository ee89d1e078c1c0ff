"""Error analysis (seq2seq/analysis/mistakes.py): the per-input fields, the batched recording
greedy decode it rests on, and the measures of how well a field predicts an error."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest

from seq2seq.analysis import mistakes
from seq2seq.analysis.experiments import length_sweep_examples
from seq2seq.core import checkpoint
from seq2seq.core.search import greedy, trace, translate
from seq2seq.data.tasks import Example
from seq2seq.training import metrics
from seq2seq.training.pipeline import heldout

from .conftest import CHECKPOINTS

# --- the fields' definitions ---------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 3, 7])
def test_coverage_deficit_of_a_one_hot_diagonal_is_zero(size):
    assert metrics.coverage_deficit(np.eye(size)) == 0
    assert metrics.coverage_deficit(np.eye(size), size - 1) == 0  # </s> left out


def test_coverage_deficit_counts_the_columns_below_one_half():
    alpha = np.array([[0.6, 0.4, 0.0, 0.0], [0.5, 0.1, 0.4, 0.0], [0.0, 0.0, 0.0, 1.0]])
    # column totals: 1.1, 0.5, 0.4, 1.0 -> only the third is below 0.5
    assert metrics.coverage_deficit(alpha) == 1
    assert metrics.coverage_deficit(alpha, 2) == 0  # only the first two columns count
    assert metrics.coverage_deficit(alpha, threshold=0.6) == 2
    assert metrics.coverage_deficit(np.zeros((0, 0)), 3) == 3  # no step: nothing was looked at


@pytest.mark.parametrize(("steps", "size"), [(1, 2), (4, 5), (9, 30)])
def test_entropy_of_uniform_attention_is_log_s(steps, size):
    uniform = np.full((steps, size), 1.0 / size)
    assert metrics.attention_entropy([uniform]) == pytest.approx(math.log(size))
    assert metrics.attention_entropy([np.eye(size)]) == 0.0


def _pairwise_auc(scores, positive):
    pos = [s for s, p in zip(scores, positive, strict=True) if p]
    neg = [s for s, p in zip(scores, positive, strict=True) if not p]
    return sum((a > b) + 0.5 * (a == b) for a, b in itertools.product(pos, neg)) / (len(pos) * len(neg))


def test_auc_is_the_chance_that_a_positive_outscores_a_negative():
    auc = mistakes.auc
    assert auc([1, 2, 3, 4], [False, False, True, True]) == 1.0
    assert auc([4, 3, 2, 1], [False, False, True, True]) == 0.0
    assert auc([5, 5, 5, 5], [True, False, True, False]) == 0.5
    assert auc([1, 2], [True, True]) is None and auc([1, 2], [False, False]) is None
    rng = np.random.default_rng(0)
    for _ in range(20):
        scores = rng.integers(0, 6, size=40).astype(float)  # many ties
        positive = rng.random(40) < 0.3
        if positive.any() and not positive.all():
            assert mistakes.auc(scores, positive) == pytest.approx(_pairwise_auc(scores, positive))


# --- the recording greedy decode is the same decode as ``trace`` ----------------------------------


def test_greedy_record_matches_trace(attention_ckpt):
    sources = ["abc", "hello", "zyxwvutsrqp", "q"]
    plain = greedy(attention_ckpt.model, attention_ckpt.tokenizer, sources)
    rec = greedy(attention_ckpt.model, attention_ckpt.tokenizer, sources, record=True)
    assert rec.ids == plain.ids and rec.finished == plain.finished and plain.log_probs is None
    for j, source in enumerate(sources):
        one = trace(attention_ckpt.model, attention_ckpt.tokenizer, source)
        assert rec.ids[j] == [s.token_id for s in one.steps]
        assert rec.log_probs[j] == pytest.approx([math.log(s.prob) for s in one.steps], abs=1e-4)
        assert np.allclose(rec.alphas[j], one.attention_matrix(), atol=1e-5)  # (T, S) without padding


def test_greedy_record_of_a_vanilla_decoder_has_no_alpha(vanilla_ckpt):
    rec = greedy(vanilla_ckpt.model, vanilla_ckpt.tokenizer, ["abc", "defgh"], record=True)
    assert rec.alphas is None and [len(lp) for lp in rec.log_probs] == [len(ids) for ids in rec.ids]


# --- analyze on the shipped models -----------------------------------------------------------------


@pytest.fixture(scope="module")
def longer(attention_ckpt) -> list[Example]:
    """Inputs up to twice the training length: the attention model gets some of them wrong."""
    return length_sweep_examples(attention_ckpt, list(range(2, 49, 2)), 4, seed=3)


def test_rows_agree_with_a_step_by_step_trace(attention_ckpt, longer):
    result = mistakes.analyze(attention_ckpt, longer, batch_size=16)
    assert [r.source for r in result.rows] == [ex.source for ex in longer]  # input order kept
    outputs = translate(attention_ckpt.model, attention_ckpt.tokenizer, [ex.source for ex in longer])
    assert [r.output for r in result.rows] == outputs
    assert 0 < sum(not r.correct for r in result.rows) < len(longer)  # some wrong, some right
    assert result.decoder == "attention" and result.task == "reverse"
    for row, ex in list(zip(result.rows, longer, strict=True))[::7]:
        one = trace(attention_ckpt.model, attention_ckpt.tokenizer, ex.source)
        alpha = one.attention_matrix()
        assert row.correct == (one.output == ex.target) and row.length == len(ex.source)
        assert row.log_prob == pytest.approx(one.log_prob, abs=1e-3)
        assert row.entropy == pytest.approx(metrics.attention_entropy([alpha]), abs=1e-4)
        assert row.coverage_deficit == metrics.coverage_deficit(alpha, len(ex.source))
        n_out = len(one.steps) - (1 if one.finished else 0)
        links = metrics.alignment_links(alpha, n_out, len(ex.source))
        gold = set(attention_ckpt.task.alignment(ex.source))
        assert row.aer == pytest.approx(metrics.alignment_error_rate([links], [gold]))


def test_a_perfect_reversal_has_no_coverage_deficit_and_no_alignment_error(attention_ckpt):
    (row,) = mistakes.analyze(attention_ckpt, [Example("abcdefg", "gfedcba")]).rows
    assert row.correct and row.coverage_deficit == 0 and row.aer == 0.0 and row.log_prob < 0


def test_vanilla_rows_have_no_attention_fields(vanilla_ckpt):
    result = mistakes.analyze(vanilla_ckpt, heldout(vanilla_ckpt, 40, 1))
    assert result.available() == ["log_prob", "length"]
    assert all(r.entropy is None and r.coverage_deficit is None and r.aer is None for r in result.rows)
    assert [p.name for p in mistakes.predictive_power(result)] == ["log_prob", "length"]


@pytest.mark.parametrize(("name", "has_aer"), [("translate-attention", True), ("dates-attention", False)])
def test_aer_only_where_the_task_has_gold_alignments(name, has_aer):
    ckpt = checkpoint.load(CHECKPOINTS / f"{name}.safetensors")
    result = mistakes.analyze(ckpt, heldout(ckpt, 30, 2))
    assert all((r.aer is not None) == has_aer for r in result.rows)
    assert all(r.entropy is not None and r.coverage_deficit is not None for r in result.rows)
    assert ("aer" in result.available()) == has_aer


def test_a_target_that_is_not_the_tasks_answer_gets_no_gold(attention_ckpt):
    (row,) = mistakes.analyze(attention_ckpt, [Example("abc", "xyz")]).rows
    assert row.aer is None and not row.correct


def test_progress_reports_each_batch(attention_ckpt, longer):
    seen = []
    mistakes.analyze(attention_ckpt, longer[:50], progress=seen.append, batch_size=20)
    assert seen == [pytest.approx(x) for x in (0.4, 0.8, 1.0)]


# --- does a field predict errors? ------------------------------------------------------------------


def test_length_predicts_the_vanilla_models_errors_on_longer_inputs(vanilla_ckpt):
    examples = length_sweep_examples(vanilla_ckpt, list(range(2, 37, 2)), 10, seed=5)
    result = mistakes.analyze(vanilla_ckpt, examples)
    power = {p.name: p for p in mistakes.predictive_power(result)}
    assert power["length"].auc > 0.8 and power["log_prob"].auc > 0.8  # the bottleneck, measured
    assert power["length"].top_error_rate > power["length"].bottom_error_rate
    bins = mistakes.error_rate_by(result, "length")
    assert sum(b["n"] for b in bins) == len(examples) and len(bins) <= 8
    assert [b["lo"] for b in bins] == sorted(b["lo"] for b in bins)
    wrong = result.wrong()
    lengths = result.values("length")
    for b in bins:
        inside = (lengths >= b["lo"]) & (lengths <= b["hi"])
        assert b["n"] == inside.sum() and b["error_rate"] == pytest.approx(wrong[inside].mean())


def test_error_rate_by_a_field_with_few_values_has_one_bin_per_value():
    rows = [
        mistakes.ErrorRow("s", "t", "t" if k % 3 else "x", bool(k % 3), -1.0, 0.1, k % 2, None, 3) for k in range(12)
    ]
    result = mistakes.ErrorAnalysis("reverse", "attention", rows)
    bins = mistakes.error_rate_by(result, "coverage_deficit")
    assert [(b["lo"], b["n"]) for b in bins] == [(0.0, 6), (1.0, 6)]
    assert mistakes.error_rate_by(result, "aer") == []  # a field the rows lack


def test_jsonl_has_exactly_the_documented_fields(attention_ckpt, tmp_path):
    result = mistakes.analyze(attention_ckpt, heldout(attention_ckpt, 5, 1))
    path = result.write_jsonl(tmp_path / "errors.jsonl")
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 5
    expected = ["source", "target", "output", "correct", "log_prob", "entropy", "coverage_deficit", "aer", "length"]
    expected.append("chrf")  # None here: only a real sentence is scored against references
    assert all(list(line) == expected for line in lines)
    assert expected == mistakes.FIELD_NAMES
    assert not list(tmp_path.glob(".*.tmp"))  # the atomic write left no temp file


def test_error_rate_bars_draw_one_bar_per_bin_and_the_overall_rate():
    from seq2seq import figures

    bins = [
        {"lo": -17.2, "hi": -9.9, "error_rate": 1.0, "n": 10},
        {"lo": -9.8, "hi": -0.5, "error_rate": 0.25, "n": 20},
        {"lo": -0.4, "hi": -0.4, "error_rate": 0.0, "n": 5},
    ]
    fig = figures.error_rate_bars(bins, "log_prob", overall=0.4)
    (bars,) = fig.data
    assert list(bars.y) == [100.0, 25.0, 0.0]
    assert list(fig.layout.xaxis.ticktext) == ["−17…<br>−9.9", "−9.8…<br>−0.5", "−0.4"]  # long: two lines
    assert bars.customdata[0][0] == "−17…−9.9"
    assert bars.marker.color == (figures.HIGHLIGHT, figures.CHOSEN, figures.CHOSEN)  # above the mean: red
    assert fig.layout.shapes[0].y0 == 40.0 and "log p" in fig.layout.title.text
    counts = [{"lo": 0, "hi": 0, "error_rate": 0.1, "n": 3}, {"lo": 1, "hi": 4, "error_rate": 0.9, "n": 3}]
    whole = figures.error_rate_bars(counts, "coverage_deficit", 0.5, figures.Look("zh"))
    assert list(whole.layout.xaxis.ticktext) == ["0", "1…4"] and "覆盖不足" in whole.layout.title.text
