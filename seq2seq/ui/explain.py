"""The Explain page's glue: attributions and interventions kept per session, the summary over
many inputs computed once per model (``models.per_model``), and the tables the page shows."""

from __future__ import annotations

import streamlit as st

from seq2seq import workers
from seq2seq.analysis import attribution
from seq2seq.core.checkpoint import Checkpoint
from seq2seq.errors import InputError
from seq2seq.ui import models
from seq2seq.ui.lang import say, t

MAX_KEPT = 4  # attributions / interventions kept per session
N_SUMMARY = 100  # held-out inputs of the "over n inputs" button
DRAWS = 10  # random permutations of α_t per step
N_ZOO = 30  # held-out inputs per model in the table of the task's shipped models
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


def requested(key: str, label: str) -> bool:
    """A button whose click is kept by its callback (``key``'s flag), so it survives a rerun that
    happens before the page body runs (``frame.ensure``): True once, on the run after the click."""
    flag = f"_{key}_requested"
    st.button(label, key=key, on_click=lambda: st.session_state.update({flag: True}))
    return bool(st.session_state.pop(flag, False))


def summary(name: str, n: int | None = None, compute_now: bool = True) -> attribution.FaithfulnessSummary | None:
    """``attribution.summarize`` over ``n`` held-out inputs (default N_SUMMARY, read when called),
    once per model, with a progress bar."""
    n = N_SUMMARY if n is None else n
    bar = st.progress(0.0, text=t("explain.measuring", n=n)) if compute_now else None
    try:
        have = models.per_model(
            name,
            ("faithfulness", n, DRAWS),
            lambda ckpt: attribution.summarize(ckpt, n=n, draws=DRAWS, progress=bar.progress),
            compute_now=compute_now,
        )
    finally:
        if bar is not None:
            bar.empty()
    if have is None:
        workers.start()  # the measurement's worker processes fork from it: its imports happen while the reader reads
    return have


EDIT_KEY = "_explain_edit"  # (model, source, step) and its attribution.EditedDecode (or an error message)


def run_edit(ckpt: Checkpoint, source: str, owner: tuple) -> None:
    """Form callback: decode on from step t with the sliders' α_t (kept until another edit)."""
    step = owner[-1]
    n = len(ckpt.tokenizer.source.encode(source)) + 1
    weights = [float(st.session_state.get(f"edit-{step}-{i}", 0.0)) for i in range(n)]
    try:
        edited = attribution.edit_alpha(ckpt.model, ckpt.tokenizer, source, step, weights)
    except InputError as exc:
        edited = say(exc)
    st.session_state[EDIT_KEY] = (owner, edited)


def _num(value: float | None, fmt: str = "{:.2f}") -> str:
    return "—" if value is None else fmt.format(value)


def agreement_rows(res: attribution.Attributions) -> list[dict]:
    """One row per attribution method: mean τ(α, method), top-1 agreement with α, AER of its argmax,
    and the steps they cover (integrated gradients: only the steps where they add up)."""
    rows = []
    for method in res.methods:
        agree = res.agreement.get(method)
        kept = res.trusted(method)
        rows.append(
            {
                t("explain.col_method"): t(f"explain.method.{method}"),
                t("explain.col_tau"): "—" if method == "alpha" or agree is None else _num(agree.mean_tau),
                t("explain.col_top1"): "—" if method == "alpha" or agree is None else _num(agree.top1_rate, "{:.0%}"),
                "AER": _num(res.aer.get(method)),
                t("explain.col_steps"): t("explain.steps_of", k=sum(kept), n=len(kept)),
            }
        )
    return rows


def head_label(h: attribution.HeadAgreement) -> str:
    if h.head is None:
        return t("explain.head_average", layer=h.layer)
    return t("explain.head_name", layer=h.layer, head=h.head)


def head_rows(heads: list[attribution.HeadAgreement], method: str) -> list[dict]:
    """The heads × measure table against ``method``: one row per head (and per layer's average)."""
    return [
        {
            t("explain.col_head"): head_label(h),
            t("explain.col_tau_method"): _num(h.tau),
            t("explain.col_top1_method"): _num(h.top1, "{:.0%}"),
            t("explain.col_aer_head"): _num(h.aer),
            t("explain.col_steps"): str(h.steps),
        }
        for h in heads
        if h.method == method
    ]


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
                t("explain.col_steps"): t(
                    "explain.steps_of", k=s.ig_converged_steps if method == "ig" else s.n_steps, n=s.n_steps
                ),
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


# --- the shipped models of a task, side by side ----------------------------------------------------------


def shipped_attention_models(ckpt: Checkpoint) -> list[str]:
    """The shipped attention models that read ``ckpt``'s inputs (the task's zoo), in listing order."""
    shipped = models.available()
    return [name for name, other in models.readers_of(ckpt)
            if name in shipped and other.model.cfg.family.imposable_alpha]  # fmt: skip


def zoo_summaries(names: list[str], compute_now: bool) -> dict[str, attribution.FaithfulnessSummary] | None:
    """``summarize`` over N_ZOO inputs for every model of ``names``, each computed once per server
    (``models.per_model``) with one progress bar over them all; None until asked (``compute_now``)."""
    have = {n: models.per_model(n, ("faithfulness", N_ZOO, DRAWS), None, compute_now=False) for n in names}
    if all(v is not None for v in have.values()):
        return have
    if not compute_now:
        return None
    bar = st.progress(0.0, text=t("explain.zoo_measuring", k=len(names), n=N_ZOO))
    try:
        for i, name in enumerate(names):

            def report(p: float, i: int = i) -> None:
                bar.progress(min(1.0, (i + p) / len(names)))

            have[name] = models.per_model(
                name, ("faithfulness", N_ZOO, DRAWS),
                lambda ckpt, report=report: attribution.summarize(ckpt, n=N_ZOO, draws=DRAWS, progress=report),
            )  # fmt: skip
    finally:
        bar.empty()
    return have


def zoo_rows(summaries: dict[str, attribution.FaithfulnessSummary]) -> list[dict]:
    from seq2seq.ui import lang

    rows = []
    for name, s in summaries.items():
        rows.append({
            t("explain.col_model"): name,
            t("explain.col_variant"): lang.variant_name(models.get(name).model.cfg.variant),
            "τ(α, IG)": _num(s.mean_tau.get("ig")),
            t("explain.col_top1_ig"): _num(s.top1_rate.get("ig"), "{:.0%}"),
            "AER α": _num(s.aer.get("alpha")),
            "AER IG": _num(s.aer.get("ig")),
            "AER occl.": _num(s.aer.get("occlusion")),
            t("explain.col_perm_flips"): _num(s.permute_flip_rate, "{:.0%}"),
        })  # fmt: skip
    return rows


def zoo_sentence(summaries: dict[str, attribution.FaithfulnessSummary]) -> str | None:
    """The model whose α is furthest from the alignment the output depends on (AER of α minus
    the better of IG's and occlusion's), said from the measured numbers; None without gold."""
    gaps = {}
    for name, s in summaries.items():
        found = [s.aer[m] for m in ("ig", "occlusion") if s.aer.get(m) is not None]
        if s.aer.get("alpha") is not None and found:
            gaps[name] = (s.aer["alpha"] - min(found), min(found))
    if not gaps:
        return None
    name, (gap, best) = max(gaps.items(), key=lambda item: item[1][0])
    s = summaries[name]
    if gap < 0.2:
        return t("explain.zoo_agree", k=len(summaries))
    return t("explain.zoo_off", name=name, a=s.aer["alpha"], b=best, flips=s.permute_flip_rate or 0.0)


def zoo_view(ckpt: Checkpoint) -> None:
    """The table of the task's shipped attention models (a button measures what is missing)."""
    names = shipped_attention_models(ckpt)
    if len(names) < 2:
        return
    st.subheader(t("explain.zoo_head"))
    st.caption(t("explain.zoo_caption", n=N_ZOO, steps=attribution.SUMMARY_IG_STEPS))
    summaries = zoo_summaries(names, compute_now=False)
    if summaries is None and requested("zoo_run", t("explain.zoo_run", k=len(names))):
        try:
            summaries = zoo_summaries(names, compute_now=True)
        except InputError as exc:
            st.error(say(exc))
    if summaries is not None:
        st.dataframe(zoo_rows(summaries), hide_index=True, width="stretch")
        said = zoo_sentence(summaries)
        if said:
            st.markdown(said)
