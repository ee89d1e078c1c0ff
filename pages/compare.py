"""Compare: two models on the same input — the bottleneck of the fixed c, and attention removing it.

Query parameters: left, right (checkpoint file stems), src.
"""

import streamlit as st

from seq2seq import figures
from seq2seq.analysis.experiments import compatible
from seq2seq.core.search import trace
from seq2seq.errors import InputError
from seq2seq.ui import charts, frame, lang, models, sidebar
from seq2seq.ui.lang import say, t
from seq2seq.ui.text import md_escape, md_marked, note_length, require_input, warn_unknown

frame.ensure()

look = lang.look()
st.title(t("compare.title"))
st.caption(t("compare.caption"))
names = models.all_names()
if not names:
    st.error(t("common.no_checkpoints"))
    st.stop()
current, _ = sidebar.current_model()
base = current.name if current is not None else names[0]
pair = models.vanilla_first({base, models.sibling(base) or base})

c1, c2 = st.columns(2)
picked = []
for col, key, default in ((c1, "left", pair[0]), (c2, "right", pair[-1])):
    sidebar.note_missing(key, names)
    picked.append(col.selectbox(t(f"compare.{key}"), names, index=names.index(default), key=key, bind="query-params",
                                on_change=sidebar.forget_missing, args=(key,)))  # fmt: skip
    sidebar.show_missing(key)
left_name, right_name = picked
left, right = models.get(left_name), models.get(right_name)
problem = compatible(left, right)
if problem:
    st.error(t("compare.incompatible", problem=problem))
    st.stop()
task = left.task

source = st.text_input(t("common.input_x"), value=task.demo() if task else "", key="src", bind="query-params")
if task is not None and task.character_task:
    top = int(1.5 * task.max_len)

    def generate() -> None:
        import random

        st.session_state["src"] = task.sample(random.Random(), length=st.session_state["gen_len"]).source

    g1, g2 = st.columns([3, 1])
    g1.slider(
        t("compare.gen_len"),
        1,
        top,
        value=min(task.max_len, 20),
        key="gen_len",
        help=t("compare.gen_len_help", lo=task.min_len, hi=task.max_len),
    )
    g2.button(t("compare.generate"), on_click=generate, width="stretch")

source = require_input(source, task)
reference = task.reference(source) if task is not None else None
cols = st.columns(2)
for side, col, ckpt in zip(("left", "right"), cols, (left, right), strict=True):  # keys by side: both may be one model
    with col:
        st.subheader(ckpt.name)
        try:
            result = trace(ckpt.model, ckpt.tokenizer, source)
        except InputError as exc:
            st.error(say(exc))
            continue
        warn_unknown(result.unknown)
        note_length(ckpt, source)
        ref_tokens = ckpt.tokenizer.target.tokenize(reference.target) if reference else None
        shown = [tok for tok in result.output_tokens if tok != "</s>"]
        if reference is None and task is not None and task.has_splits:  # as a reader writes it, as on Translate
            st.markdown(t("compare.output") + md_escape(task.detokenize_target(result.output)))
        else:
            st.markdown(t("compare.output") + md_marked(shown, ref_tokens, lang.current(), ckpt.tokenizer.target.kind))
        if reference is not None:
            st.markdown(t("compare.correct") if result.output == reference.target else t("compare.wrong"))
        charts.show(
            figures.target_probabilities(
                result.output_tokens,
                [s.prob for s in result.steps],
                look.t("fig.output_probs.title"),
                look,
                output=True,
            ),
            f"probs-{side}",
            f"{ckpt.name}-probs",
        )
        if result.has_attention:
            charts.show(figures.attention_heatmap(result, look=look), f"context-{side}", f"{ckpt.name}-heatmap")
            st.caption(t("compare.context_attention"))
        else:
            charts.show(figures.context_strip(result, look=look), f"context-{side}", f"{ckpt.name}-context")
            st.caption(t("compare.context_vanilla"))

st.subheader(t("compare.bottleneck"))
on_curve = [left_name, right_name]
if st.toggle(t("compare.all_families"), key="families", bind="query-params", help=t("compare.all_families_help")):
    on_curve = models.all_families(on_curve)
colours = models.colours(on_curve)
if task is not None and task.has_splits:  # real sentences: BLEU and chrF by length, exact match is ~0
    scores = models.score_curves(on_curve)
    fig = figures.score_curve(scores, task.source_unit, look, width=figures.WIDE, colours=colours)
    charts.show(fig, "length_curve", "score-curve")
    n_test = sum(row["n"] for row in next(iter(scores.values())))
    st.caption(t("compare.score_caption", n=n_test, k=len(next(iter(scores.values())))))
else:
    curves = models.length_curves(on_curve)
    fig = figures.length_curve(curves, left.card.source_chars, look, width=figures.WIDE, colours=colours)
    charts.show(fig, "length_curve", "length-curve")
    st.caption(t("compare.curve_caption", n=models.N_CURVE))

if lang.presenting():  # the training histories are a detail for another day
    st.stop()
st.subheader(t("compare.learned"))
h1, h2 = st.columns(2)
histories = {left_name: left.card.history} | {right_name: right.card.history}
# real sentences: held-out BLEU where the histories have it (exact match is ~0 on real text)
with_bleu = any("bleu" in row for history in histories.values() for row in history.valid)
with h1:
    charts.show(figures.training_curves(histories, "loss", look, colours=colours), "loss_curves", "training-loss")
with h2:
    charts.show(
        figures.training_curves(histories, "bleu" if with_bleu else "exact_match", look, colours=colours),
        "accuracy_curves",
        "training-accuracy",
    )
