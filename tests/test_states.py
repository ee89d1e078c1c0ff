"""State trajectories (seq2seq/states.py): PCA axes fitted once, decodes placed in them."""

from __future__ import annotations

import numpy as np
import pytest

from seq2seq import states
from seq2seq.pipeline import heldout
from seq2seq.search import trace


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
    assert index.states.shape[0] == len(index.rows) > 60
    assert np.allclose(index.states.norm(dim=1).numpy(), 1.0, atol=1e-5)
    ex = examples[7]
    one = trace(attention_ckpt.model, attention_ckpt.tokenizer, ex.source)
    found = index.nearest(one.steps[2].state, k=3)  # s_3 of an indexed example
    assert len(found) == 3 and found[0].source == ex.source and found[0].step == 3
    assert found[0].similarity == pytest.approx(1.0, abs=1e-4)
    assert found[0].similarity >= found[1].similarity >= found[2].similarity
    assert found[0].position == int(np.argmax(one.steps[2].alpha))  # the aligned source position
    assert found[0].output_tokens == one.output_tokens and found[0].to_dict()["target"] == ex.target


def test_the_index_of_a_vanilla_model_has_no_aligned_position(vanilla_ckpt):
    index = states.build_index(vanilla_ckpt, heldout(vanilla_ckpt, 10, 9))
    assert all(position is None for _, _, position in index.rows)
    assert index.nearest(np.ones(128), k=50)[-1].similarity <= index.nearest(np.ones(128), k=1)[0].similarity
