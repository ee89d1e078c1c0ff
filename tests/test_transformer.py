"""The Transformer family: the RNN models' contract, the causal mask, every head's weights."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import partial

import numpy as np
import pytest
import torch

from seq2seq.analysis.heads import head_view
from seq2seq.core import checkpoint, families
from seq2seq.core.model import StepOutput, select_state
from seq2seq.core.results import DecodeTrace
from seq2seq.core.search import beam_search, greedy, score_targets, trace
from seq2seq.core.transformer import Transformer
from seq2seq.data.batches import make_batch
from seq2seq.data.tasks import Example, ReverseTask
from seq2seq.errors import CheckpointError

from .conftest import config, stepped

PAIRS = [Example("abcde", "edcba"), Example("ab", "ba"), Example("hello", "olleh")]


def tiny(tokenizer, **options) -> Transformer:
    torch.manual_seed(0)
    opts = {"decoder": "transformer", "layers": 2, "heads": 4, "d_model": 32, "ff_dim": 48} | options
    return families.build(config(tokenizer.vocab_size, **opts)).eval()


@pytest.fixture(params=["sinusoidal", "learned"])
def model(request, tokenizer):
    return tiny(tokenizer, positions=request.param)


def test_config_selects_the_family_and_checks_its_fields(tokenizer):
    assert isinstance(tiny(tokenizer), Transformer)
    assert not isinstance(families.build(config(tokenizer.vocab_size)), Transformer)
    with pytest.raises(ValueError, match="multiple of heads"):
        config(10, decoder="transformer", d_model=30, heads=4)
    with pytest.raises(ValueError, match="heads"):
        config(10, decoder="transformer", heads=9)
    with pytest.raises(ValueError, match="positions"):
        config(10, decoder="transformer", positions="rotary")
    with pytest.raises(ValueError, match="an RNN has"):
        config(10, decoder="attention", layers=3)
    assert config(10, decoder="transformer", layers=4).family.alpha
    assert not config(10, decoder="vanilla").family.alpha


def test_old_configs_without_the_new_fields_still_load():
    old = {"vocab_size": 30, "cell": "gru", "emb_dim": 8, "hidden": 8, "layers": 1, "bidirectional": True,
           "decoder": "attention", "score": "additive", "max_src_len": 200}  # fmt: skip
    cfg = families.config_from_dict(old)
    assert cfg.decoder == "attention" and cfg.placement == "bahdanau" and cfg.family.imposable_alpha


def test_shapes(model, tokenizer):
    batch = make_batch(PAIRS, tokenizer)  # src (B, S), tgt (B, T)
    b, s, t = batch.src.size(0), batch.src.size(1), batch.tgt_in.size(1)
    logits, alpha = model(batch)
    assert logits.shape == (b, t, tokenizer.vocab_size) and alpha.shape == (b, t, s)
    enc, state = model.encode(batch.src, batch.src_len)
    assert enc.h.shape == (b, s, 32) and enc.self_attention.shape == (b, 2, 4, s, s)
    step = model.decode_step(batch.tgt_in[:, 0], state, enc)
    assert step.logits.shape == (b, tokenizer.vocab_size) and step.alpha.shape == (b, s)
    assert step.heads.shape == (b, 2, 4, s) and step.self_heads.shape == (b, 2, 4, 1)
    step2 = model.decode_step(batch.tgt_in[:, 1], step.state, enc)
    assert step2.self_heads.shape == (b, 2, 4, 2) and step2.state[0].shape == (
        2,
        b,
        4,
        2,
        8,
    )  # per layer: K; V, heads split
    # α is the last layer's head average, and padding gets no weight
    assert torch.allclose(step.alpha, step.heads[:, -1].mean(1))
    assert torch.allclose(step.alpha.sum(-1), torch.ones(b))
    assert float(step.heads.detach()[~enc.mask[:, None, None, :].expand_as(step.heads)].abs().max()) == 0.0


def test_masked_self_attention_never_sees_the_future(model, tokenizer):
    batch = make_batch([Example("abcdef", "fedcba")], tokenizer)
    logits, _ = model(batch)
    changed = batch.tgt_in.clone()
    changed[0, 4] = tokenizer.encode("z")[0]  # a later target token
    logits2, _ = model(type(batch)(batch.src, batch.src_len, changed, batch.tgt_out))
    assert torch.allclose(logits[0, :4], logits2[0, :4], atol=1e-6)  # earlier positions unchanged
    assert not torch.allclose(logits[0, 4:], logits2[0, 4:], atol=1e-4)  # from there on it matters


def test_teacher_forced_forward_equals_step_by_step(model, tokenizer):
    batch = make_batch(PAIRS, tokenizer)
    with torch.no_grad():
        logits, alpha = model(batch)
        steps = stepped(model, batch)
    assert torch.allclose(torch.stack([s.logits for s in steps], 1), logits, atol=1e-5)
    assert torch.allclose(torch.stack([s.alpha for s in steps], 1), alpha, atol=1e-6)


def test_scheduled_sampling_decodes_step_by_step(model, tokenizer):
    batch = make_batch(PAIRS, tokenizer)
    logits, alpha = model(batch, teacher_forcing=0.0, generator=torch.Generator().manual_seed(0))
    assert logits.shape[:2] == batch.tgt_in.shape and alpha.shape[1] == batch.tgt_in.size(1)


def test_select_state_reorders_the_cache(model, tokenizer):
    batch = make_batch(PAIRS, tokenizer)
    enc, state = model.encode(batch.src, batch.src_len)
    step = model.decode_step(batch.tgt_in[:, 0], state, enc)
    index = torch.tensor([2, 0])
    picked = select_state(step.state, index)
    assert torch.equal(picked[0], step.state[0][:, index]) and torch.equal(picked[1], step.state[1][:, index])


# --- the inference step against a straightforward reference -----------------------------------------


def reference_step(model: Transformer, y_prev: torch.Tensor, state: tuple, enc) -> StepOutput:
    """``decode_step`` as it was written before it was made cheap: nn.Module calls, the heads
    split at every step from enc.keys and a cache (K, V), each (L, B, t, d_model)."""
    cache_k, cache_v = state
    t = cache_k.size(2)
    y = model.embed_at(y_prev[:, None], start=t)  # (B, 1, d)
    new_k, new_v, cross, selfw, last = [], [], [], [], None
    for i, layer in enumerate(model.dec_layers):
        h = layer.norm1(y)
        sa, ca = layer.self_attn, layer.cross
        k = torch.cat([cache_k[i], sa.k(h)], 1)  # (B, t+1, d)
        v = torch.cat([cache_v[i], sa.v(h)], 1)
        new_k.append(k)
        new_v.append(v)
        out, w_self, _ = sa.attend(sa.split(sa.q(h)), sa.split(k), sa.split(v), None)
        y = y + out
        ek, ev = enc.keys[:, :, i, 0], enc.keys[:, :, i, 1]
        out, w_cross, scores = ca.attend(ca.split(ca.q(layer.norm2(y))), ca.split(ek), ca.split(ev),
                                         enc.mask[:, None, None, :])  # fmt: skip
        y = y + out
        y = y + layer.ff(layer.norm3(y))
        selfw.append(w_self[:, :, 0])
        cross.append(w_cross[:, :, 0])
        last = (out[:, 0], scores[:, :, 0])
    s = model.dec_norm(y[:, 0])
    heads = torch.stack(cross, 1)
    return StepOutput(
        s=s,
        state=(torch.stack(new_k), torch.stack(new_v)),
        context=last[0],
        alpha=heads[:, -1].mean(1),
        energies=last[1].mean(1).masked_fill(~enc.mask, float("-inf")),
        logits=model.out(s),
        heads=heads,
        self_heads=torch.stack(selfw, 1),
    )


def reference_start(model: Transformer, batch_size: int) -> tuple:
    empty = torch.zeros(model.cfg.layers, batch_size, 0, model.cfg.d_model)
    return empty, empty


def as_reference_state(state: tuple) -> tuple:
    """``decode_step``'s cache (per layer (2, B, H, t, d_k)) in the reference's layout."""
    k, v = ([kv[j].transpose(1, 2).reshape(kv.size(1), kv.size(3), -1) for kv in state] for j in (0, 1))
    return torch.stack(k), torch.stack(v)


def assert_same_step(fast: StepOutput, ref: StepOutput, atol: float = 1e-6) -> None:
    for name in ("logits", "alpha", "heads", "self_heads", "s", "context"):
        got, want = getattr(fast, name), getattr(ref, name)
        assert got.shape == want.shape, name
        assert torch.allclose(got, want, atol=atol), (name, float((got - want).abs().max()))
    finite = torch.isfinite(ref.energies)
    assert torch.equal(torch.isfinite(fast.energies), finite)  # padding at -inf, both
    assert torch.allclose(fast.energies[finite], ref.energies[finite], atol=atol)
    for got, want in zip(as_reference_state(fast.state), ref.state, strict=True):
        assert got.shape == want.shape and torch.allclose(got, want, atol=atol)


def test_decode_step_equals_the_reference_with_padding_and_after_beam_reordering(model, tokenizer):
    """The cheap step computes what the straightforward one computes: logits, α, every head's
    weights (cross and self), e_t, ctx_t, s_t and the cache, for a padded batch of 2, then
    with the rows reordered and repeated as beam search does (the StepPlan's rows follow)."""
    batch = make_batch([Example("abcdefg", "gfedcba"), Example("ab", "ba")], tokenizer)  # the 2nd padded
    assert not bool(batch.src.ne(0).all())
    with torch.no_grad():
        enc, state = model.encode(batch.src, batch.src_len)
        ref_state = reference_start(model, 2)
        for t in range(3):
            fast = model.decode_step(batch.tgt_in[:, t], state, enc)
            ref = reference_step(model, batch.tgt_in[:, t], ref_state, enc)
            assert_same_step(fast, ref)
            state, ref_state = fast.state, ref.state
        assert float(fast.heads[1, :, :, int(batch.src_len[1]) :].abs().max()) == 0.0  # no weight on padding
        index = torch.tensor([1, 0, 1, 1])  # beam search: rows reordered, repeated
        enc = enc.index_select(index)
        assert enc.prepared is not None  # the plan followed the rows, not rebuilt
        state, ref_state = select_state(state, index), select_state(ref_state, index)
        y = torch.tensor([tokenizer.encode(c)[0] for c in "zazb"])
        for _ in range(3):
            fast = model.decode_step(y, state, enc)
            ref = reference_step(model, y, ref_state, enc)
            assert_same_step(fast, ref)
            state, ref_state, y = fast.state, ref.state, fast.logits.argmax(-1)


def test_the_step_plan_never_outlives_what_it_was_made_from(model, tokenizer):
    """The plan (cross-attention K/V split per head, W_Q;W_K;W_V joined) is made per encoded
    input: new weights (an optimiser step) reach the next decode; keys changed in place or
    replaced are noticed; a plan made without autograd is not used with it."""
    batch = make_batch(PAIRS, tokenizer)
    y = batch.tgt_in[:, 0]
    with torch.no_grad():
        enc, state = model.encode(batch.src, batch.src_len)
        model.decode_step(y, state, enc)
        plan = enc.prepared
        assert model.decode_step(y, state, enc) is not None and enc.prepared is plan  # reused
        enc.keys.mul_(0.5)  # in place
        assert_same_step(model.decode_step(y, state, enc), reference_step(model, y, reference_start(model, 3), enc))
        assert enc.prepared is not plan
        moved = replace(enc, keys=enc.keys * 2)  # a new tensor: replace() does not carry the plan over
        assert moved.prepared is None
        assert_same_step(model.decode_step(y, state, moved), reference_step(model, y, reference_start(model, 3), moved))
    # training the weights, then decoding again: the new W_Q, W_K, W_V are used
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    logits, _ = model(batch)
    logits.sum().backward()
    opt.step()
    with torch.no_grad():
        enc, state = model.encode(batch.src, batch.src_len)
        assert_same_step(model.decode_step(y, state, enc), reference_step(model, y, reference_start(model, 3), enc))
    # gradients flow through the step as through the reference (attribution, scheduled sampling)
    grads = []
    for fast in (True, False):
        step = model.decode_step if fast else partial(reference_step, model)
        model.zero_grad()
        enc, state = model.encode(batch.src, batch.src_len)
        start = state if fast else reference_start(model, 3)
        out = step(y, start, enc)
        padded = batch.tgt_in[:, 1].clone()
        padded[0] = 0  # <pad>, as a finished row feeds in scheduled sampling: no gradient to its embedding
        step(padded, out.state, enc).logits.logsumexp(-1).sum().backward()
        tensors = [model.dec_layers[0].self_attn.k.weight, model.enc_layers[0].attn.q.weight, model.embed.weight]
        if model.cfg.positions == "learned":
            tensors.append(model.positions.weight)
        grads.append([p.grad.clone() for p in tensors])
    for got, want in zip(*grads, strict=True):
        assert torch.allclose(got, want, atol=1e-5)
    assert float(grads[0][2][0].abs().max()) == 0.0
    with torch.no_grad():
        enc, state = model.encode(batch.src, batch.src_len)
        model.decode_step(y, state, enc)  # a plan without autograd
    with torch.enable_grad():
        model.decode_step(y, state, enc).logits.sum().backward()  # rebuilt with it: reaches the weights
    assert model.dec_layers[0].self_attn.q.weight.grad is not None


def test_searches_and_trace_record_every_head(model, tokenizer):
    out = greedy(model, tokenizer, ["abc", "hello"])
    assert len(out.ids) == 2
    tr = trace(model, tokenizer, "abcd", forced={2: tokenizer.encode("q")[0]})
    assert tr.has_attention and tr.has_heads and tr.n_layers == 2 and tr.n_heads == 4
    assert tr.steps[1].token == "q" and tr.steps[1].forced
    assert len(tr.steps[2].self_heads[0][0]) == 3  # step 3 reads y_0..y_2
    assert len(tr.encoder_attention) == 2 and len(tr.encoder_attention[0][0]) == 5  # 4 chars + </s>
    cross, selfa = tr.cross_attention(), tr.decoder_self_attention()
    assert cross.shape == (2, 4, len(tr.steps), 5)
    assert (selfa[:, :, 0, 1:] == 0).all()  # above the diagonal: the future
    one = tr.with_head(0, 3)
    assert one.steps[0].alpha == tr.steps[0].heads[0][3]
    data = json.loads(tr.to_json())
    assert len(data["cross_attention"]) == 2 and len(data["cross_attention"][0][0]) == len(tr.steps)
    assert DecodeTrace(**{k: v for k, v in data.items() if k in DecodeTrace.__dataclass_fields__}).decoder == (
        "transformer"
    )
    scored = score_targets(model, tokenizer, ["abc"], ["cba"])[0]
    assert len(scored.alpha) == 4 and len(scored.alpha[0]) == 4


def test_beam_search_runs_and_its_nodes_carry_alpha_and_heads(model, tokenizer):
    tree = beam_search(model, tokenizer, "abcd", width=3, max_len=6)
    assert tree.decoder == "transformer" and len(tree.nodes) > 3
    for node in tree.nodes[1:]:
        assert len(node.alpha) == 5 and abs(sum(node.alpha) - 1) < 1e-5
        assert len(node.heads) == 2 and len(node.heads[0]) == 4
    one = beam_search(model, tokenizer, "abcd", width=1)
    assert one.nbest[0].text == trace(model, tokenizer, "abcd").output  # width 1 = greedy


def test_checkpoint_round_trip(model, tokenizer, tmp_path):
    ckpt = checkpoint.Checkpoint(model, tokenizer, ReverseTask())
    path = checkpoint.save(ckpt, tmp_path / "t.safetensors")
    back = checkpoint.load(path)
    assert isinstance(back.model, Transformer) and back.model.cfg == model.cfg
    batch = make_batch(PAIRS, tokenizer)
    with torch.no_grad():
        assert torch.equal(back.model(batch)[0], model(batch)[0])
    # a file whose config says RNN but holds Transformer weights is refused
    raw = checkpoint.to_bytes(ckpt)
    data = raw.replace(b'\\"transformer\\"', b'\\"attention\\"  ')  # same length: header stays valid
    assert data != raw
    with pytest.raises(CheckpointError, match="weights do not match"):
        checkpoint.load_bytes(data, "bad.safetensors")


def test_learned_positions_are_weights_sinusoids_are_not(tokenizer):
    learned, fixed = tiny(tokenizer, positions="learned"), tiny(tokenizer)
    assert "positions.weight" in learned.state_dict()
    assert not any("sinus" in k or "position" in k for k in fixed.state_dict())


def test_a_short_training_run_learns(tokenizer):
    """A few dozen teacher-forced steps lower the loss (the parallel forward trains)."""
    model = tiny(tokenizer).train()
    batch = make_batch([Example(s, s[::-1]) for s in ("abc", "hello", "world", "xyz", "lecture")], tokenizer)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    losses = []
    for _ in range(40):
        logits, _ = model(batch)
        loss = torch.nn.functional.cross_entropy(logits.transpose(1, 2), batch.tgt_out, ignore_index=0)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    assert losses[-1] < 0.5 * losses[0]


def test_figures_draw_every_head_and_both_self_attentions(model, tokenizer):
    from seq2seq import figures

    tr = trace(model, tokenizer, "abcd", forced={1: tokenizer.encode("d")[0]})
    grid = figures.heads_grid(tr, step=2)
    assert len(grid.data) == 2 * 4  # one panel per layer × head
    assert len(grid.layout.shapes) == 8  # the current step outlined in every panel
    assert (grid.data[5].z == tr.cross_attention()[1, 1]).all()
    for width in (600, figures.WIDE):  # each panel's title fits its panel (they ran into each other at 600)
        narrow = figures.heads_grid(tr, step=2, width=width)
        room = (width - 60 - 20) * (narrow.layout.xaxis.domain[1] - narrow.layout.xaxis.domain[0])
        assert all(figures.text_width(a.text, a.font.size) <= room for a in narrow.layout.annotations)
    dec = figures.decoder_self_attention(tr, layer=1, head=None, step=2)
    z = dec.data[0].z
    assert np.isnan(z[0, 1]) and not np.isnan(z[1, 0])  # the future is blank
    assert np.allclose(np.nansum(z, axis=1), 1.0)
    enc = figures.encoder_self_attention(tr, layer=0, head=2)
    assert enc.data[0].z.shape == (5, 5)
    # the head picker's copy: any α figure draws one head
    one = tr.with_head(1, 0)
    assert figures.attention_heatmap(one).data[0].z.tolist() == tr.cross_attention()[1, 0].tolist()
    vanilla = trace(families.build(config(tokenizer.vocab_size, decoder="vanilla")).eval(), tokenizer, "ab")
    with pytest.raises(ValueError):
        figures.heads_grid(vanilla)
    assert vanilla.with_head(0, 0) is vanilla


def test_cli_trains_evaluates_and_traces_a_transformer(tmp_path):
    from .clitest import cli

    out = tmp_path / "tf.safetensors"
    proc = cli("train", "--decoder", "transformer", "--layers", "3", "--heads", "2", "--d-model", "16",
               "--ff-dim", "32", "--positions", "learned", "--max-len", "5", "--max-steps", "4", "--eval-every", "2",
               "--n-train", "200", "--n-valid", "20", "--out", str(out))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1])["decoder"] == "transformer"
    assert json.loads(cli("eval", str(out), "--n", "30").stdout)["decoder"] == "transformer"
    data = json.loads(cli("translate", str(out), "abc", "--json", "--beam", "2").stdout)
    steps = len(data["steps"])
    assert data["decoder"] == "transformer" and len(data["attention"]) == steps
    cross = data["cross_attention"]  # [layer][head][t][i]
    assert len(cross) == 3 and len(cross[0]) == 2 and len(cross[0][0]) == steps and len(cross[0][0][0]) == 4
    assert len(data["self_attention"][2][1][steps - 1]) == steps
    assert all(len(node["heads"]) == 3 for node in data["tree"]["nodes"][1:])
    bad = cli("train", "--decoder", "attention", "--layers", "3", "--out", str(tmp_path / "x.safetensors"))
    assert bad.returncode != 0 and "an RNN has 1..2 layers" in bad.stderr and "Traceback" not in bad.stderr


# --- one head's Q, K, V (the Lecture's section after the notes) ---------------------------------------


@pytest.mark.parametrize("step", [1, 4])
def test_head_view_is_the_notes_weighted_sum_computed_three_ways(model, tokenizer, step):
    src = "abcde"
    result = trace(model, tokenizer, src)
    prefix = [s.token_id for s in result.steps[: step - 1]]
    view = head_view(model, tokenizer, src, prefix, layer=1, head=2)
    n_src = len(result.source_tokens)
    assert view.step == step and view.d_k == 32 // 4
    assert np.array(view.keys).shape == np.array(view.values).shape == (n_src, 8)
    assert len(view.weights) == len(view.scores) == n_src and len(view.context) == 32
    # the model's own weights are the trace's, and the softmax of the scores it shows
    assert np.allclose(view.weights, result.steps[step - 1].heads[1][2], atol=1e-6)
    e = np.array(view.scores)
    assert np.allclose(view.weights, np.exp(e - e.max()) / np.exp(e - e.max()).sum(), atol=1e-6)
    # softmax(qKᵀ/√d_k)V = Σ α v_i = W_V c_t + b_V = what the model computed inside
    for form in (view.matrix_form(), view.sum_form(), np.array(view.through_v)):
        assert np.allclose(form, view.output, atol=1e-5)
    # another head reads other numbers
    other = head_view(model, tokenizer, src, prefix, layer=1, head=0)
    assert not np.allclose(other.output, view.output)


def test_head_view_refuses_what_does_not_exist(model, tokenizer):
    with pytest.raises(ValueError, match="no head 5 in layer 1"):
        head_view(model, tokenizer, "abc", [], layer=0, head=4)
    rnn = families.build(config(tokenizer.vocab_size, hidden=8, emb_dim=8))
    with pytest.raises(ValueError, match="only the Transformer"):
        head_view(rnn, tokenizer, "abc", [], layer=0, head=0)


def test_training_pass_keeps_no_weights_it_does_not_return(model, tokenizer):
    batch = make_batch(PAIRS, tokenizer)
    enc, _ = model.encode(batch.src, batch.src_len, keep_weights=False)
    assert enc.self_attention is None
    kept, _ = model.encode(batch.src, batch.src_len)
    assert torch.allclose(enc.h, kept.h, atol=1e-6)  # the fused kernel computes the same states
