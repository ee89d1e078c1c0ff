"""Explain: is attention an explanation? α beside gradient attributions and occlusion, and
what happens to the output when α_t is permuted, flattened, erased or edited by hand.

Query parameters: model, src, step and method (the attribution drawn beside α), so a link on a
slide reopens the exact view. The computations are seq2seq/analysis/attribution.py's.
"""

import streamlit as st

from seq2seq import figures
from seq2seq.analysis import attribution
from seq2seq.errors import InputError
from seq2seq.ui import charts, explain, frame, lang, sidebar, stepper
from seq2seq.ui.lang import say, t
from seq2seq.ui.text import md_escape, md_token, require_input, warn_unknown

frame.ensure()

look = lang.look()
st.title(t("explain.title"))
ckpt = sidebar.require_model()
task, tokenizer = ckpt.task, ckpt.tokenizer
has_alpha = ckpt.model.cfg.family.imposable_alpha
if not lang.presenting():
    st.caption(t("explain.intro"))

OTHERS = [m for m in attribution.METHODS if m != "alpha"]
col_in, col_method, col_steps = st.columns([3, 2, 2])
source = col_in.text_input(
    t("common.input_x"), value=task.demo() if task is not None else "", key="src", bind="query-params"
)
source = require_input(source, ckpt.task)
# ?method= by hand: a bound selectbox would write its language's label (format_func) into the link
wanted = st.query_params.get("method", "ig")
method = col_method.selectbox(
    t("explain.method"),
    OTHERS,
    index=OTHERS.index(wanted if wanted in OTHERS else "ig"),
    format_func=lambda m, look=look: look.t(f"explain.method.{m}"),  # this run's language, also when called later
    key=f"method_{lang.current()}",  # per language: the widget keeps its formatted label, which a switch changes
    help=t("explain.method_help"),
)
st.query_params["method"] = method
ig_steps = col_steps.select_slider(
    t("explain.ig_steps"), [8, 16, 32, 64, 128, 256], value=attribution.IG_STEPS, key="ig_steps",
    help=t("explain.ig_steps_start_help", max_steps=attribution.IG_MAX_STEPS),
)  # fmt: skip

try:
    res = explain.attributions(ckpt, source, ig_steps)
except InputError as exc:
    st.error(say(exc))
    st.stop()
warn_unknown(tokenizer.source.unknown(source), guess=True)

st.markdown(t("explain.output", output=md_escape(res.output), n=len(res.output_tokens)))

left, right = st.columns([3, 2])
with left:
    if has_alpha or res.aer:  # a vanilla decoder has no α to agree with: only AER, with a gold alignment
        st.markdown(t("explain.agreement_head"))
        st.dataframe(explain.agreement_rows(res), hide_index=True, width="stretch")
with right:
    st.markdown(t("explain.reading"))
n_bad = len(res.ig_converged) - sum(res.ig_converged)
if n_bad:  # a sentence a student reads before the table: which rows not to trust, and that they are left out
    st.warning(t("explain.ig_not_converged", bad=n_bad, n=len(res.ig_converged), max_steps=res.ig_max_steps))
elif res.ig_converged:
    st.caption(t("explain.ig_converged_all", k=sum(res.ig_converged), n=len(res.ig_converged), steps=ig_steps,
                 max_steps=res.ig_max_steps))  # fmt: skip
heads = attribution.heads_agreement(res)  # a multi-head model's heads against every attribution ([] otherwise)
best = attribution.best_head(heads, method)
if not has_alpha and not heads:  # what the family has instead: one fixed c (vanilla)
    st.info(t("explain.vanilla_info"))

name = f"{ckpt.name}-{charts.slug(source)}"
n_steps = len(res.output_tokens)
WIDTH = figures.WIDE // 2


def step_view(step: int) -> None:
    """Everything that changes with the step t: the outlined rows, the bars and the interventions."""
    st.markdown(t("explain.step", t=step, n=n_steps, token=md_token(res.output_tokens[step - 1])))
    a, b = st.columns(2)
    if has_alpha:
        with a:
            charts.show(figures.attribution_heatmap(res, "alpha", step, look, WIDTH), "heat_alpha", f"{name}-alpha")
    elif best is not None:  # a Transformer: the head that agrees best with the method, beside it
        with a:
            figure = figures.head_heatmap(res, best.layer, best.head, step, look, WIDTH)
            charts.show(figure, "heat_head", f"{name}-L{best.layer}H{best.head}")
    else:
        a.info(t("explain.no_alpha_heads") if ckpt.model.cfg.family.heads else t("explain.no_alpha"))
    with b:
        charts.show(figures.attribution_heatmap(res, method, step, look, WIDTH), "heat_method", f"{name}-{method}")
    charts.show(figures.attribution_bars(res, step, look, figures.WIDE), "attr_bars", f"{name}-bars-step{step}")
    if not has_alpha:
        return
    st.subheader(t("explain.interventions_head"))
    st.caption(t("explain.interventions_caption"))
    ivs = explain.interventions(ckpt, source)
    row = ivs.steps[step - 1]
    st.dataframe(explain.intervention_rows(row, res.source_tokens), hide_index=True, width="stretch")
    adv = explain.adversarial(ckpt, source).steps[step - 1]
    st.markdown(t("explain.adversarial", jsd=adv.jsd, tvd=adv.tvd, eps=explain.ADVERSARIAL_EPSILON,
                  y=md_token(adv.token_after), same=t("common.unchanged") if adv.token_after == adv.token
                  else t("common.changed")))  # fmt: skip
    figure = figures.adversarial_bars(res.source_tokens, adv, look, figures.WIDE)
    charts.show(figure, "adversarial", f"{name}-adversarial-step{step}")
    edit_view(step, row.alpha)


def edit_view(step: int, alpha: list[float]) -> None:
    """Sliders for α_t, one per source token; on submit the decoder goes on from step t with them."""
    st.markdown(t("explain.edit_head", t=step))
    owner = (ckpt.name, source, step)
    with st.form(f"edit-{step}"):
        per_row = 10
        for start in range(0, len(alpha), per_row):
            cols = st.columns(per_row)
            for i in range(start, min(start + per_row, len(alpha))):
                label = res.source_tokens[i] if res.source_tokens[i].strip() else "␣"
                cols[i - start].slider(label, 0.0, 1.0, round(alpha[i], 2), 0.01, key=f"edit-{step}-{i}")
        st.form_submit_button(
            t("explain.edit_run"), type="primary", on_click=explain.run_edit, args=(ckpt, source, owner)
        )
    found = st.session_state.get(explain.EDIT_KEY)
    if found is None or found[0] != owner:
        return
    edited = found[1]
    if isinstance(edited, str):
        st.error(edited)
        return
    changed = edited.output != res.output
    st.markdown(
        t(
            "explain.edit_result",
            t=step,
            before=md_token(edited.token_before),
            after=md_token(edited.token_after),
            tvd=edited.tvd,
            output=md_escape(edited.output),
            original=md_escape(res.output),
        )
    )
    if changed:
        st.success(t("explain.edit_changed"))
    else:
        st.info(t("explain.edit_same"))


stepper.section(n_steps, step_view)

if heads:  # the heads × measure table, under the maps (the maps and the step control stay on one screen)
    st.markdown(t("explain.heads_head", method=t(f"explain.method.{method}")))
    if best is not None:
        st.markdown(t("explain.best_head", method=t(f"explain.method.{method}"), name=explain.head_label(best),
                      tau=best.tau))  # fmt: skip
    st.dataframe(explain.head_rows(heads, method), hide_index=True, width="stretch")

# --- over many held-out inputs -----------------------------------------------------------------------
st.subheader(t("explain.summary_head", n=explain.N_SUMMARY))
st.caption(t("explain.summary_ig", steps=attribution.SUMMARY_IG_STEPS, max_steps=attribution.SUMMARY_IG_MAX_STEPS))
summary = explain.summary(ckpt.name, compute_now=False)
if summary is None:
    if task is None or not task.generative:
        st.info(t("explain.summary_no_task"))
    else:
        button = st.empty()  # gone once the numbers are in (the next rerun would not draw it)
        with button:
            run = explain.requested("summary_run", t("explain.summary_run", n=explain.N_SUMMARY))
        if run:
            try:
                summary = explain.summary(ckpt.name)
                button.empty()
            except InputError as exc:
                st.error(say(exc))
if summary is not None:
    left, right = st.columns([3, 2])
    with left:
        st.dataframe(explain.summary_rows(summary), hide_index=True, width="stretch")
        if summary.permute_flip_rate is not None:
            st.markdown(
                t(
                    "explain.summary_flips",
                    n=summary.n_inputs,
                    steps=summary.n_steps,
                    perm=summary.permute_flip_rate,
                    tvd=summary.permute_tvd_median,
                    uniform=summary.uniform_flip_rate,
                    emax=summary.erase_max_flip_rate,
                    erand=summary.erase_random_flip_rate,
                )
            )
    with right:
        if summary.points:
            charts.show(figures.faithfulness_scatter(summary.points, look, WIDTH), "faithfulness", f"{name}-scatter")

explain.zoo_view(ckpt)
