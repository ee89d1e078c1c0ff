"""State trajectories (seq2seq/states.py): PCA axes fitted once, decodes placed in them."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from seq2seq.analysis import states
from seq2seq.analysis.experiments import repeated_inputs
from seq2seq.core.search import trace
from seq2seq.core.transformer import TransformerConfig
from seq2seq.data.batches import make_batch
from seq2seq.data.tasks import Example
from seq2seq.training.pipeline import heldout

from .conftest import small_model, stepped


def test_fit_finds_the_direction_of_largest_variance_and_is_repeatable():
    rng = np.random.default_rng(0)
    direction = np.array([3.0, 4.0, 0.0, 0.0, 0.0]) / 5.0
    x = rng.normal(size=(400, 1)) * 10 * direction + rng.normal(size=(400, 5)) * 0.1 + 7.0
    proj = states.fit(x, k=2)
    assert abs(np.dot(proj.components[0], direction)) > 0.999
    assert proj.explained[0] > 0.98 and sum(proj.explained) <= 1.0 + 1e-9
    assert np.allclose(proj.mean, x.mean(0))
    again = states.fit(x, k=2)
    assert np.allclose(again.components, proj.components)  # same axes, same signs
    coords = proj.apply(x)
    assert coords.shape == (400, 2) and abs(coords[:, 0].mean()) < 1e-6  # centred
    assert np.allclose(states.fit(x[:2], k=9).apply(x[:2]).shape, (2, 2))  # k capped by the data


@pytest.fixture(scope="module")
def space(attention_ckpt):
    return states.fit_state_space(attention_ckpt, heldout(attention_ckpt, 30, 4), k=3)


def test_trajectory_has_one_point_per_source_token_and_per_step(attention_ckpt, space):
    assert space.n_inputs == 30 and len(space.encoder.components) == 3
    assert len(space.encoder.mean) == attention_ckpt.model.cfg.hidden * 2  # bidirectional h_i
    one = trace(attention_ckpt.model, attention_ckpt.tokenizer, "attention")
    path = states.trajectory(space, one)
    assert len(path.encoder) == len(one.source_tokens) == 10 and len(path.decoder) == len(one.steps)
    assert all(len(p) == 3 for p in path.encoder + path.decoder)
    expected = (np.asarray(one.encoder_states) - space.encoder.mean) @ np.asarray(space.encoder.components).T
    assert np.allclose(path.encoder, expected)
    assert path.to_dict()["output_tokens"][-1] == "</s>"


def test_the_vanilla_models_c_is_placed_with_the_encoder_states(vanilla_ckpt):
    space = states.fit_state_space(vanilla_ckpt, heldout(vanilla_ckpt, 10, 4), k=2)
    path = states.trajectory(space, trace(vanilla_ckpt.model, vanilla_ckpt.tokenizer, "abcdef"))
    one = trace(vanilla_ckpt.model, vanilla_ckpt.tokenizer, "abcdef")
    assert len(one.fixed_context) == len(space.encoder.mean) == 128  # c = h_T: the size of an h_i
    assert np.allclose(path.context, space.encoder.apply([one.fixed_context])[0])


def test_state_paths_draw_both_paths_the_step_and_c(vanilla_ckpt):
    from seq2seq import figures

    space = states.fit_state_space(vanilla_ckpt, heldout(vanilla_ckpt, 10, 4), k=2)
    path = states.trajectory(space, trace(vanilla_ckpt.model, vanilla_ckpt.tokenizer, "abcdef"))
    fig = figures.state_paths(path, step=2, look=figures.Look("zh"))
    by_axis = {(d.xaxis, d.marker.symbol): d for d in fig.data}
    enc, dec = fig.data[0], next(d for d in fig.data if d.xaxis == "x2" and d.mode == "lines+markers+text")
    assert list(enc.text) == [figures.display_token(t) for t in path.source_tokens] and len(enc.x) == 7
    assert list(dec.x) == pytest.approx([p[0] for p in path.decoder])
    ring = next(d for d in fig.data if d.xaxis == "x2" and d.mode == "markers")
    assert ring.x[0] == pytest.approx(path.decoder[1][0])  # step 2
    assert ("x", "star") in by_axis and by_axis[("x", "star")].x[0] == pytest.approx(path.context[0])
    assert "编码器状态" in fig.layout.annotations[0].text and "%" in fig.layout.annotations[1].text


def test_nearest_training_steps_find_the_step_itself_first(attention_ckpt):
    examples = heldout(attention_ckpt, 60, 9)
    index = states.build_index(attention_ckpt, examples, batch_size=25)
    assert len(index) == len(index.step) == len(index.example) == len(index.position)
    assert len(index) == sum(len(ex.target) + 1 for ex in examples)  # every step y_1 … </s> of every pair
    assert np.allclose(index.states.norm(dim=1).numpy(), 1.0, atol=1e-5)
    ex = examples[7]
    one = trace(attention_ckpt.model, attention_ckpt.tokenizer, ex.source)
    assert one.output == ex.target  # right, so its greedy s_t is the teacher-forced one
    found = index.nearest(one.steps[2].state, k=3)  # s_3 of an indexed example
    assert len(found) == 3 and found[0].source == ex.source and found[0].step == 3
    assert found[0].similarity == pytest.approx(1.0, abs=1e-4)
    assert found[0].similarity >= found[1].similarity >= found[2].similarity
    assert found[0].position == int(np.argmax(one.steps[2].alpha))  # the aligned source position
    assert found[0].target_tokens == one.output_tokens and found[0].to_dict()["target"] == ex.target
    assert found[0].source_tokens == one.source_tokens
    with pytest.raises(ValueError, match="size"):
        index.nearest(np.ones(3))


def test_nearest_is_the_brute_force_cosine_ranking(attention_ckpt):
    index = states.build_index(attention_ckpt, heldout(attention_ckpt, 40, 3))
    query = np.random.default_rng(1).normal(size=index.states.shape[1])
    sims = index.states.double().numpy() @ (query / np.linalg.norm(query))
    best = np.argsort(-sims)[:5]
    found = index.nearest(query, k=5)
    assert [n.similarity for n in found] == pytest.approx(sims[best].tolist(), abs=1e-5)
    for n, row in zip(found, best, strict=True):
        ex = index.examples[int(index.example[row])]
        assert (n.source, n.step) == (ex.source, int(index.step[row]) + 1)


def test_the_index_of_a_vanilla_model_has_no_aligned_position(vanilla_ckpt):
    index = states.build_index(vanilla_ckpt, heldout(vanilla_ckpt, 10, 9))
    assert bool((index.position == -1).all())
    assert all(n.position is None for n in index.nearest(np.ones(128), k=50))
    assert index.nearest(np.ones(128), k=50)[-1].similarity <= index.nearest(np.ones(128), k=1)[0].similarity


def test_usable_drops_what_the_model_cannot_read_and_sorts_by_length(attention_ckpt):
    long = "a" * attention_ckpt.model.cfg.max_src_len
    examples = [Example("abcdef", "fedcba"), Example(long, long), Example(" ", " "), Example("ab", "ba")]
    assert [ex.source for ex in states.usable(attention_ckpt, examples)] == ["ab", "abcdef"]


OPTIONS = [
    {"decoder": "attention"},  # Bahdanau: the loop over steps
    {"decoder": "vanilla", "cell": "lstm", "layers": 2},
    {"decoder": "attention", "placement": "luong", "score": "general"},  # one RNN call
    {"decoder": "attention", "coverage": True},
    {"decoder": "transformer", "d_model": 16, "heads": 2, "layers": 2, "ff_dim": 32},
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: "-".join(str(v) for v in o.values()))
def test_forced_states_are_the_s_t_of_stepping_decode_step(tokenizer, options):
    torch.manual_seed(3)
    model = small_model(tokenizer, **options)
    batch = make_batch([Example("abcdefg", "gfedcba"), Example("xy", "yx"), Example("hello", "olleh")], tokenizer)
    with torch.no_grad():
        enc, s, alpha = model.forced_states(batch)
        steps = stepped(model, batch)
    assert s.shape[:2] == batch.tgt_in.shape
    assert torch.allclose(s, torch.stack([st.s for st in steps], 1), atol=1e-5)
    if options["decoder"] == "vanilla":
        assert alpha is None
    else:
        assert torch.allclose(alpha, torch.stack([st.alpha for st in steps], 1), atol=1e-5)
    assert torch.allclose(enc.h, model.encode(batch.src, batch.src_len)[0].h)


def test_growing_contexts_place_c_of_repeated_inputs(vanilla_ckpt):
    space = states.fit_state_space(vanilla_ckpt, heldout(vanilla_ckpt, 20, 4), k=3)
    lengths = states.growth_lengths(vanilla_ckpt, "abc")
    assert lengths[0] == 2 and lengths[-1] == int(1.5 * vanilla_ckpt.card.source_tokens[1]) + 1
    path = states.growing_contexts(vanilla_ckpt, space, "abc", [2, 5, 9])
    assert path.lengths == [2, 5, 9] and len(path.points) == 3 and len(path.points[0]) == 3
    seq = repeated_inputs(vanilla_ckpt, "abc", [5])[0]  # a b c a </s>
    one = trace(vanilla_ckpt.model, vanilla_ckpt.tokenizer, "abca")
    assert seq == [*vanilla_ckpt.tokenizer.encode("abca"), 2]
    assert np.allclose(path.points[1], space.encoder.apply([one.fixed_context])[0], atol=1e-4)


def test_a_transformers_states_are_drawn_in_its_own_axes():
    from seq2seq import figures
    from seq2seq.core import checkpoint

    from .conftest import CHECKPOINTS

    ckpt = checkpoint.load(CHECKPOINTS / "reverse-transformer.safetensors")
    assert isinstance(ckpt.model.cfg, TransformerConfig)
    space = states.fit_state_space(ckpt, heldout(ckpt, 20, 4))
    assert len(space.encoder.mean) == len(space.decoder.mean) == ckpt.model.cfg.d_model
    one = trace(ckpt.model, ckpt.tokenizer, "lecture")
    path = states.trajectory(space, one)
    assert path.c_is_mean and not path.reads_fixed_c and path.context is not None  # c: the mean of its h_i
    assert len(path.decoder) == len(one.steps)
    fig = figures.state_paths(path, 2, dims=3, growth=states.growing_contexts(ckpt, space, "lecture"))
    assert {d.type for d in fig.data} == {"scatter3d"}
    assert any("mean" in (d.name or "") for d in fig.data)
    index = states.build_index(ckpt, heldout(ckpt, 20, 5))
    assert index.nearest(one.steps[0].state, k=2)[0].position is not None


def test_a_pairs_models_neighbours_come_from_the_uploaded_file(attention_ckpt):
    """A model trained on a user's pairs: its index is built from the file the page asks for."""
    from seq2seq.ui import state_view

    words = ["abc", "hello", "lecture", "attention", "zebra"]
    data = "".join(f"{w}\t{w[::-1]}\n" for w in words).encode()
    examples = state_view.training_examples(attention_ckpt, (data, "mine.tsv"))
    assert [e.source for e in examples] == words
    index = states.build_index(attention_ckpt, examples)
    result = trace(attention_ckpt.model, attention_ckpt.tokenizer, "lecture")
    nearest = index.nearest(result.steps[0].state, k=3)
    assert len(nearest) == 3 and {"".join(n.source_tokens[:-1]) for n in nearest} <= set(words)
