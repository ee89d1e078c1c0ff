"""The Explain page's glue: attributions and interventions kept per session, the summary over
many inputs computed once per model (``models.per_model``), and the tables the page shows."""

from __future__ import annotations

import streamlit as st

from .. import attribution
from ..checkpoint import Checkpoint
from ..errors import InputError
from . import models
from .lang import t

MAX_KEPT = 4  # attributions / interventions kept per session
N_SUMMARY = 100  # held-out inputs of the "over n inputs" button
DRAWS = 10  # random permutations of α_t per step
ADVERSARIAL_EPSILON = 0.05  # the TVD of p(y_t) an adversarial α̃_t may cause (Jain & Wallace use 0.01–0.05)


def _memo(kind: str, key: tuple, compute):
    """``compute()`` once per ``key`` for this session (the last MAX_KEPT); read-only results."""
    memo = st.session_state.setdefault(f"_explain_{kind}", {})
    hit = memo.pop(key, None)
    if hit is None:
        hit = compute()
    memo[key] = hit
    while len(memo) > MAX_KEPT:
        memo.pop(next(iter(memo)))
    return hit


def attributions(ckpt: Checkpoint, source: str, ig_steps: int) -> attribution.Attributions:
    return _memo(
        "attr",
        (id(ckpt.model), source, ig_steps),
        lambda: attribution.attribute(ckpt.model, ckpt.tokenizer, source, ig_steps=ig_steps, task=ckpt.task),
    )


def interventions(ckpt: Checkpoint, source: str) -> attribution.Interventions:
    return _memo(
        "intervene",
        (id(ckpt.model), source),
        lambda: attribution.intervene(ckpt.model, ckpt.tokenizer, source, draws=DRAWS),
    )


def adversarial(ckpt: Checkpoint, source: str) -> attribution.AdversarialAttention:
    """Jain & Wallace's adversarial α̃ at every step of ``source`` (ε = ADVERSARIAL_EPSILON)."""
    return _memo(
        "adversarial",
        (id(ckpt.model), source),
        lambda: attribution.adversarial(ckpt.model, ckpt.tokenizer, source, epsilon=ADVERSARIAL_EPSILON),
    )


def summary(name: str, n: int = N_SUMMARY, compute_now: bool = True) -> attribution.FaithfulnessSummary | None:
    """``attribution.summarize`` over ``n`` held-out inputs, once per model, with a progress bar."""
    bar = st.progress(0.0, text=t("explain.measuring", n=n)) if compute_now else None
    try:
        return models.per_model(
            name,
            ("faithfulness", n, DRAWS),
            lambda ckpt: attribution.summarize(ckpt, n=n, draws=DRAWS, progress=bar.progress),
            compute_now=compute_now,
        )
    finally:
        if bar is not None:
            bar.empty()


EDIT_KEY = "_explain_edit"  # (model, source, step) and its attribution.EditedDecode (or an error message)


def run_edit(ckpt: Checkpoint, source: str, owner: tuple) -> None:
    """Form callback: decode on from step t with the sliders' α_t (kept until another edit)."""
    step = owner[-1]
    n = len(ckpt.tokenizer.encode(source)) + 1
    weights = [float(st.session_state.get(f"edit-{step}-{i}", 0.0)) for i in range(n)]
    try:
        edited = attribution.edit_alpha(ckpt.model, ckpt.tokenizer, source, step, weights)
    except InputError as exc:
        edited = str(exc)
    st.session_state[EDIT_KEY] = (owner, edited)


def _num(value: float | None, fmt: str = "{:.2f}") -> str:
    return "—" if value is None else fmt.format(value)


def agreement_rows(res: attribution.Attributions) -> list[dict]:
    """One row per attribution method: mean τ(α, method), top-1 agreement with α, AER of its argmax."""
    rows = []
    for method in res.methods:
        agree = res.agreement.get(method)
        rows.append(
            {
                t("explain.col_method"): t(f"explain.method.{method}"),
                t("explain.col_tau"): "—" if method == "alpha" or agree is None else _num(agree.mean_tau),
                t("explain.col_top1"): "—" if method == "alpha" or agree is None else _num(agree.top1_rate, "{:.0%}"),
                "AER": _num(res.aer.get(method)),
            }
        )
    return rows


def summary_rows(s: attribution.FaithfulnessSummary) -> list[dict]:
    rows = []
    for method in attribution.METHODS:
        if method not in s.aer and method not in s.mean_tau:
            continue
        rows.append(
            {
                t("explain.col_method"): t(f"explain.method.{method}"),
                t("explain.col_tau"): _num(s.mean_tau.get(method)),
                t("explain.col_top1"): _num(s.top1_rate.get(method), "{:.0%}"),
                "AER": _num(s.aer.get(method)),
            }
        )
    return rows


def intervention_rows(step: attribution.StepIntervention, source_tokens: list[str]) -> list[dict]:
    """What each intervention at one step does to y_t: the new argmax and the TVD of p(y_t)."""
    import numpy as np

    flips = step.permuted_flips
    col_what, col_y, col_tvd = t("explain.col_intervention"), t("explain.col_new_y"), t("explain.col_tvd")
    return [
        {
            col_what: t("explain.iv_permuted", n=len(step.permuted_tokens), flips=flips),
            col_y: " ".join(sorted(set(step.permuted_tokens))),
            col_tvd: f"{float(np.median(step.permuted_tvd)):.3f}",
        },
        {col_what: t("explain.iv_uniform"), col_y: step.uniform_token, col_tvd: f"{step.uniform_tvd:.3f}"},
        {
            col_what: t("explain.iv_erase_max", x=source_tokens[step.erased_max]),
            col_y: step.erase_max_token,
            col_tvd: f"{step.erase_max_tvd:.3f}",
        },
        {
            col_what: t("explain.iv_erase_random", x=source_tokens[step.erased_random]),
            col_y: step.erase_random_token,
            col_tvd: f"{step.erase_random_tvd:.3f}",
        },
    ]
