"""Translate: type an input and watch the decoder work, one step at a time.

Query parameters: model, src, step (bound to widgets) and force (what-if tokens, see
seq2seq/ui/whatif.py), so a link on a slide reopens the exact view.
"""

import streamlit as st

from seq2seq import figures
from seq2seq.analysis import experiments
from seq2seq.core.search import score_targets
from seq2seq.data.tokenizers import in_units, visible_token
from seq2seq.errors import InputError
from seq2seq.ui import charts, downloads, frame, heads, lang, models, player, sidebar, stepper, whatif
from seq2seq.ui.lang import say, t
from seq2seq.ui.text import md_escape, note_length, require_input, show_answer, show_decoded, step_summary, warn_unknown

frame.ensure()

look = lang.look()
presenting = lang.presenting()
st.title(t("translate.title"))
ckpt = sidebar.require_model()

task, cfg, tokenizer = ckpt.task, ckpt.model.cfg, ckpt.tokenizer
if task is not None and not presenting:
    st.caption(task.describe(lang.current()))

# One row for what goes in, what comes out and whether it is right: on a projector the step
# control and the heatmap must follow on the same screen.
col_in, col_out, col_check = st.columns(3)
source = col_in.text_input(
    t("common.input_x"),
    value=task.demo() if task is not None else "",
    key="src",
    bind="query-params",
    help=t("translate.input_help"),
)
source = require_input(source, ckpt.task)

forced = whatif.current(f"{ckpt.name}|{source}")
try:
    result = models.trace(ckpt, source, forced)
except InputError as exc:
    if not forced:
        st.error(say(exc))
        st.stop()
    st.warning(t("translate.whatif_not_applied", error=exc))
    whatif.undo()
    result = models.trace(ckpt, source)

warn_unknown(result.unknown, guess=True)
note_length(ckpt, source)

reference = task.reference(source) if task is not None and not result.unknown else None
with col_out:
    st.markdown(
        t("translate.output") + (t("translate.output_whatif") if result.forced_steps else ""),
        help=t("translate.whatif_legend") if result.forced_steps else None,  # a tooltip: the row stays one row
    )
    show_decoded(result, ckpt, reference)
with col_check:
    if reference is not None:
        verdict = t("translate.correct") if result.output == reference.target else t("translate.wrong")
        st.markdown(t("translate.correct_answer") + " · " + verdict)
        show_answer(reference.target)
if not result.finished:
    st.warning(t("translate.unfinished", n=len(result.steps)))
elif task is not None and (problem := task.output_problem(result.output, lang.current())):
    st.warning(problem)

# --- the step control and the pictures of step t: a fragment, so a step reruns only this ------
WIDE_COL = figures.WIDE * 3 // 5  # px of the wider of two columns [3, 2]: titles wrap, labels thin to it
name = f"{ckpt.name}-{charts.slug(source)}"
gold = None
if reference is not None and reference.alignment and in_units(tokenizer, task.alignment_unit):
    gold = set(reference.alignment)
outline = gold if result.output == (reference.target if reference else None) else None
# the same at every step: computed once, here
aer = experiments.example_aer(ckpt, source, reference.target, gold) if gold and result.has_attention else None
# In presentation mode the figures share what is left of one screen below the step control.
room = lang.SCREEN_HEIGHT - 470 if presenting else None
n_steps = len(result.steps)
result = heads.picker(ckpt, result)  # a Transformer: α = the picked head (default: last layer's average)


def step_view(step: int) -> None:
    """Everything that changes with the step t (stepper.section reruns it alone)."""
    chosen = result.steps[step - 1]
    st.markdown(step_summary(result, step), unsafe_allow_html=True)  # tokens escaped; spans colour them
    if result.has_attention:
        left, right = st.columns([3, 2])
        with left:
            heatmap = figures.attention_heatmap(result, step, outline, look.fit(room), width=WIDE_COL)
            charts.show(heatmap, "heatmap", f"{name}-heatmap")
            if aer is not None:
                st.caption(t("translate.aer", aer=aer) + ("" if outline else t("translate.aer_no_outline")))
            elif task is not None and task.has_splits and not presenting:
                st.caption(t("translate.no_gold"))
        with right:
            half = look.fit(room // 2 if room else None)
            charts.show(figures.attention_flow(result, step, half), "flow", f"{name}-flow-step{step}")
            charts.show(figures.alpha_bars(result, step, half), "alpha_bars", f"{name}-alpha-step{step}")
    else:
        left, right = st.columns([3, 2])
        with left:
            charts.show(figures.attention_flow(result, step, look.fit(room)), "flow", f"{name}-flow-step{step}")
        right.info(t("translate.vanilla_info", D=cfg.enc_dim))

    left, right = st.columns([2, 3])
    with left:
        charts.show(figures.topk_bars(result, step, look), "topk", f"{name}-top-k-step{step}")
        st.markdown(t("translate.whatif"))
        cands = st.columns(len(chosen.top_k))
        for col, cand in zip(cands, chosen.top_k, strict=True):
            col.button(
                visible_token(cand.token),
                key=f"force-{step}-{cand.token_id}",
                on_click=whatif.force,  # reruns the whole page: the output changes
                args=(step, cand.token_id),
                disabled=cand.token_id == chosen.token_id,
                help=f"p = {cand.prob:.3f}",
                width="stretch",
            )
        if result.forced_steps:
            st.button(t("translate.undo"), key="undo", on_click=whatif.undo_clicked)
    with right:
        charts.show(figures.context_strip(result, step, look, width=WIDE_COL), "context", f"{name}-context")
    heads.grid(result, step, name)  # a Transformer: every layer × head, and both self-attentions


def animation(start: int):
    """The whole decode, animated: ▶ Play sends it once and the browser plays it."""
    return player.animation(result, outline, look.fit(room), figures.WIDE, start)


stepper.section(n_steps, step_view, animation, f"{name}-play")

# --- why not this answer? --------------------------------------------------------------------
# Drawn only while open (a rerun on opening): closed, it would cost every visit a scoring run
# and two charts that nobody sees.
why_not = st.expander(t("translate.why_not"), key="why_not", on_change="rerun")
if why_not.open:
    with why_not:
        st.caption(t("translate.why_not_caption"))
        typed = st.text_input(
            t("translate.target_y"), value=reference.target if reference else result.output, key="target"
        )
        if typed.strip():
            try:
                (scored,) = score_targets(ckpt.model, tokenizer, [source], [typed])
            except InputError as exc:
                st.error(say(exc))
            else:
                warn_unknown(tokenizer.source.unknown(typed))
                st.markdown(
                    t(
                        "translate.target_logp",
                        target=scored.log_prob,
                        output=result.log_prob,
                        text=md_escape(result.output),
                    )
                )
                charts.show(
                    figures.target_probabilities(
                        scored.target_tokens, scored.probs, look.t("fig.target_probs.title"), look, figures.WIDE
                    ),
                    "target_probs",
                    f"{name}-target-probs",
                )
                if scored.alpha is not None:
                    charts.show(
                        figures.alignment_heatmap(
                            scored.alpha,
                            scored.source_tokens,
                            scored.target_tokens,
                            title=look.t("fig.target_alpha.title"),
                            look=look,
                            width=figures.WIDE,
                        ),
                        "target_heatmap",
                        f"{name}-target-heatmap",
                    )

# --- export (an advanced control: hidden in presentation mode) ----------------------------------
if lang.presenting():
    st.stop()
export = st.expander(t("translate.export"), key="export", on_change="rerun")  # drawn only while open, as above
if export.open:
    with export:
        downloads.decode(result, name, outline, look)
