import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from seq2seq.attention import SCORES, Attention, masked_softmax


@st.composite
def attention_case(draw):
    batch = draw(st.integers(1, 5))
    lengths = draw(st.lists(st.integers(1, 9), min_size=batch, max_size=batch))
    dim = draw(st.sampled_from([1, 4, 16]))
    seed = draw(st.integers(0, 2**16))
    return lengths, dim, seed


@pytest.mark.parametrize("score", SCORES)
@settings(max_examples=40, deadline=None)
@given(case=attention_case())
def test_alpha_is_a_distribution_over_real_positions(score, case):
    lengths, dim, seed = case
    torch.manual_seed(seed)
    att = Attention(score, dim, dim)
    batch, width = len(lengths), max(lengths) + 2  # always some padding
    h = torch.randn(batch, width, dim)
    mask = torch.arange(width)[None, :] < torch.tensor(lengths)[:, None]
    h = h * 1e3 * ~mask[..., None] + h * mask[..., None]  # garbage on padding must not matter
    s = torch.randn(batch, dim)
    context, alpha, e = att(s, att.project_keys(h), h, mask)
    assert context.shape == (batch, dim) and alpha.shape == e.shape == (batch, width)
    assert torch.allclose(alpha.sum(-1), torch.ones(batch), atol=1e-5)  # Σ_i α_{t,i} = 1
    assert (alpha[~mask] == 0).all()  # exactly zero on padding
    assert torch.isfinite(alpha).all() and (alpha >= 0).all()
    # c_t = Σ_i α_{t,i} h_i uses real positions only
    expected = torch.einsum("bs,bsd->bd", alpha * mask, h * mask[..., None])
    assert torch.allclose(context, expected, atol=1e-3, rtol=1e-4)


@pytest.mark.parametrize("score", SCORES)
def test_shapes_agree_across_scores_with_different_widths(score):
    q, k = (6, 6) if score in ("dot", "scaled-dot") else (6, 10)
    att = Attention(score, q, k, attn_dim=7)
    h = torch.randn(3, 5, k)
    keys = att.project_keys(h)
    ctx, alpha, e = att(torch.randn(3, q), keys, h, torch.ones(3, 5, dtype=torch.bool))
    assert ctx.shape == (3, k) and alpha.shape == (3, 5) and e.shape == (3, 5)


def test_scaled_dot_is_dot_over_sqrt_d():
    h, s = torch.randn(2, 4, 9), torch.randn(2, 9)
    dot, scaled = Attention("dot", 9, 9), Attention("scaled-dot", 9, 9)
    assert torch.allclose(scaled.energies(s, h), dot.energies(s, h) / 3.0)


def test_all_masked_row_gives_zeros_not_nan():
    alpha = masked_softmax(torch.randn(2, 3), torch.tensor([[True, False, False], [False, False, False]]))
    assert alpha.tolist()[0] == [1.0, 0.0, 0.0]
    assert alpha.tolist()[1] == [0.0, 0.0, 0.0]


def test_invalid_configurations_are_refused():
    with pytest.raises(ValueError):
        Attention("cosine", 4, 4)
    with pytest.raises(ValueError):
        Attention("dot", 4, 8)
