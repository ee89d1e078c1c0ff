"""Beam search that records its tree: properties that must hold for any model and input."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from seq2seq.core.search import beam_search, length_penalty, trace
from seq2seq.errors import InputError

from .conftest import small_model

SOURCES = st.text(alphabet="abcdefgh", min_size=1, max_size=12)


@pytest.fixture(scope="module")
def models():
    from seq2seq.data.tasks import ReverseTask
    from seq2seq.data.tokenizers import CharTokenizer

    tok = CharTokenizer.build([ReverseTask().alphabet])
    out = []
    for seed, options in enumerate([{}, {"decoder": "vanilla"}, {"cell": "lstm", "layers": 2}, {"score": "dot"}]):
        torch.manual_seed(seed)
        out.append(small_model(tok, **options))
    return tok, out


@settings(max_examples=25, deadline=None)
@given(source=SOURCES, which=st.integers(0, 3))
def test_width_one_is_greedy(models, source, which):
    tok, ms = models
    tree = beam_search(ms[which], tok, source, width=1)
    assert tree.nbest[0].text == trace(ms[which], tok, source).output


@settings(max_examples=25, deadline=None)
@given(source=SOURCES, which=st.integers(0, 3), width=st.integers(1, 6), length_alpha=st.sampled_from([0.0, 0.6, 1.0]))
def test_tree_invariants(models, source, which, width, length_alpha):
    tok, ms = models
    tree = beam_search(ms[which], tok, source, width=width, length_alpha=length_alpha)
    nodes = {n.id: n for n in tree.nodes}
    assert tree.nodes[0].status == "root"
    for node in tree.nodes[1:]:
        parent = nodes[node.parent]  # every parent exists ...
        assert parent.step == node.step - 1  # ... one step earlier
        assert parent.status in ("root", "kept")  # only beam members are expanded
        assert node.score == pytest.approx(parent.score + node.logp, abs=1e-4)
        assert node.norm_score == pytest.approx(node.score / length_penalty(node.step, length_alpha), abs=1e-4)
        if node.alpha is not None:
            assert sum(node.alpha) == pytest.approx(1.0, abs=1e-4)
    for t in range(1, max(n.step for n in tree.nodes) + 1):
        assert sum(n.step == t and n.status == "kept" for n in tree.nodes) <= width
    scores = [h.norm_score for h in tree.nbest]
    assert scores == sorted(scores, reverse=True)  # n-best sorted by normalised score
    for hyp in tree.nbest:
        path = tree.path(hyp.node)
        assert hyp.score == pytest.approx(sum(n.logp for n in path), abs=1e-4)  # score = Σ log-probs of the path
        if hyp.finished:
            assert path[-1].token == "</s>"
    assert sum(n.status == "winner" for n in tree.nodes) <= 1


def test_shipped_model_beam_records_pruned_candidates(attention_ckpt):
    tree = beam_search(attention_ckpt.model, attention_ckpt.tokenizer, "attention", width=5)
    statuses = [n.status for n in tree.nodes]
    assert statuses.count("pruned") > len(tree.nbest[0].tokens)
    assert tree.nbest[0].text == "noitnetta" and statuses.count("winner") == 1
    assert tree.to_dict()["nodes"][1]["alpha"] is not None


def test_bad_widths_are_refused(models):
    tok, ms = models
    with pytest.raises(InputError):
        beam_search(ms[0], tok, "abc", width=0)
    with pytest.raises(InputError):
        beam_search(ms[0], tok, "abc", width=10_000)
    with pytest.raises(InputError):
        beam_search(ms[0], tok, "", width=3)
