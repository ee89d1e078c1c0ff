import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from seq2seq.core.attention import NORMS, SCORES, AdditiveEnergy, Attention, masked_softmax, normalize


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
    context, alpha, e, position = att(s, att.project_keys(h), h, mask)
    assert position is None  # global attention
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
    ctx, alpha, e, _ = att(torch.randn(3, q), keys, h, torch.ones(3, 5, dtype=torch.bool))
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


# --- variants: sparse norms, local-p windows, coverage, all steps at once ------------------------


@pytest.mark.parametrize("norm", ["sparsemax", "entmax15"])
def test_sparse_rows_sum_to_one_with_exact_zeros(norm):
    torch.manual_seed(0)
    e = torch.randn(64, 12) * 4  # peaked enough that some weights fall to exactly zero
    mask = torch.arange(12)[None, :] < torch.randint(2, 13, (64,))[:, None]
    alpha = normalize(e, mask, norm)
    assert torch.allclose(alpha.sum(-1), torch.ones(64), atol=1e-5)
    assert (alpha[~mask] == 0).all()  # padding: exactly zero
    assert ((alpha == 0) & mask).any()  # and real positions with exactly zero weight
    assert (alpha >= 0).all() and torch.isfinite(alpha).all()
    assert (normalize(e, mask, "softmax")[mask] > 0).all()  # softmax never gives a zero


def test_sparsemax_keeps_one_token_when_one_score_dominates():
    alpha = normalize(torch.tensor([[0.0, 5.0, 0.1]]), torch.ones(1, 3, dtype=torch.bool), "sparsemax")
    assert alpha.tolist() == [[0.0, 1.0, 0.0]]


def test_unknown_norm_and_coverage_without_additive_are_refused():
    with pytest.raises(ValueError, match="norm"):
        Attention("dot", 4, 4, norm="sparse")
    with pytest.raises(ValueError, match="additive"):
        Attention("general", 4, 4, coverage=True)


@pytest.mark.parametrize("norm", NORMS)
def test_local_p_weights_vanish_outside_the_window(norm):
    torch.manual_seed(1)
    window = 2
    att = Attention("general", 8, 8, norm=norm, window=window)
    lengths = torch.tensor([15, 9, 4])
    h = torch.randn(3, 15, 8)
    mask = torch.arange(15)[None, :] < lengths[:, None]
    out = att(torch.randn(3, 8), att.project_keys(h), h, mask)
    p = out.position
    assert p.shape == (3,) and (p >= 0).all() and (p <= (lengths - 1)).all()  # p_t in [0, S-1]
    dist = (torch.arange(15)[None, :] - p[:, None]).abs()
    assert (out.alpha[dist > window] == 0).all()  # nothing outside [p_t - D, p_t + D]
    assert (out.alpha[~mask] == 0).all()
    assert (out.alpha.sum(-1) <= 1 + 1e-6).all()  # the Gaussian only takes weight away
    inside = (dist <= window) & mask
    gauss = torch.exp(-(dist**2) / (2 * (window / 2) ** 2))
    base = normalize(out.energies, inside, norm)
    assert torch.allclose(out.alpha, base * gauss, atol=1e-6)  # α = align · exp(-(i-p_t)^2 / 2σ^2), σ = D/2


def test_coverage_changes_the_energies():
    torch.manual_seed(2)
    att = Attention("additive", 6, 6, coverage=True)
    h, s = torch.randn(2, 5, 6), torch.randn(2, 6)
    keys, mask = att.project_keys(h), torch.ones(2, 5, dtype=torch.bool)
    zero = att(s, keys, h, mask, torch.zeros(2, 5))
    used = att(s, keys, h, mask, torch.tensor([[3.0, 0, 0, 0, 0]] * 2))
    assert not torch.allclose(zero.energies[:, 0], used.energies[:, 0])
    assert torch.allclose(zero.energies[:, 1:], used.energies[:, 1:])  # cov_{t,i} only moves e_{t,i}


@pytest.mark.parametrize("score", SCORES)
@pytest.mark.parametrize("window", [0, 3])
def test_all_steps_at_once_equal_step_by_step(score, window):
    torch.manual_seed(3)
    att = Attention(score, 8, 8, norm="entmax15" if window else "softmax", window=window)
    h, q = torch.randn(2, 7, 8), torch.randn(2, 4, 8)
    mask = torch.arange(7)[None, :] < torch.tensor([7, 5])[:, None]
    keys = att.project_keys(h)
    together = att(q, keys, h, mask)
    for t in range(4):
        one = att(q[:, t], keys, h, mask)
        assert torch.allclose(together.alpha[:, t], one.alpha, atol=1e-6)
        assert torch.allclose(together.context[:, t], one.context, atol=1e-5)


@settings(max_examples=25, deadline=None)
@given(
    batch=st.integers(1, 4),
    steps=st.sampled_from([None, 1, 3]),  # None: one step (k (B, S, A), q (B, 1, A)); else all T at once
    length=st.integers(1, 7),
    width=st.integers(1, 9),
    seed=st.integers(0, 2**16),
)
def test_the_fused_additive_energy_is_v_dot_tanh_with_its_gradients(batch, steps, length, width, seed):
    """AdditiveEnergy gives what nn.Linear(A, 1)(tanh(k + q)) gives, values and gradients
    (float32 to rounding; float64 through torch.autograd.gradcheck)."""
    gen = torch.Generator().manual_seed(seed)
    if steps is None:
        k_shape, q_shape = (batch, length, width), (batch, 1, width)
    else:
        k_shape, q_shape = (batch, 1, length, width), (batch, steps, 1, width)
    k = (2 * torch.randn(k_shape, generator=gen)).requires_grad_()
    q = (2 * torch.randn(q_shape, generator=gen)).requires_grad_()
    v = torch.randn(width, generator=gen).requires_grad_()
    fused = AdditiveEnergy.apply(k, q, v)
    plain = (torch.tanh(k + q) * v).sum(-1)
    assert fused.shape == plain.shape
    torch.testing.assert_close(fused, plain, atol=1e-5, rtol=1e-5)
    grad_e = torch.randn(plain.shape, generator=gen)
    torch.testing.assert_close(
        torch.autograd.grad(fused, (k, q, v), grad_e),
        torch.autograd.grad(plain, (k, q, v), grad_e),
        atol=1e-4,
        rtol=1e-4,
    )
    doubles = [x.detach().double().requires_grad_() for x in (k, q, v)]
    assert torch.autograd.gradcheck(AdditiveEnergy.apply, doubles)


def test_the_fused_additive_energy_skips_gradients_nobody_asked_for():
    k, q = torch.randn(2, 5, 3, requires_grad=True), torch.randn(2, 1, 3)
    v = torch.randn(3)
    (grad_k,) = torch.autograd.grad(AdditiveEnergy.apply(k, q, v).sum(), (k,))
    assert grad_k.shape == k.shape and q.grad is None and v.grad is None
