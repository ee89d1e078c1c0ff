"""Compare: two models on the same input — the bottleneck of the fixed c, and attention removing it.

Query parameters: left, right (checkpoint file stems), src.
"""

import streamlit as st

from seq2seq import figures
from seq2seq.analysis import compatible
from seq2seq.errors import InputError
from seq2seq.search import trace
from seq2seq.tasks import CharTask
from seq2seq.ui import charts, frame, models, sidebar
from seq2seq.ui.text import md_marked, md_token_with_codepoint, require_input

frame.ensure()
N_CURVE = 1000  # held-out inputs per model for the length curve

st.title("Compare")
st.caption(
    "The same input through two models. By default the vanilla and the attention model of one task: same "
    "encoder, same training budget — the only difference is whether the decoder reads one fixed c or a "
    "fresh c_t at every step."
)
names = models.all_names()
if not names:
    st.error("No checkpoints found. Rebuild them with `make checkpoints`.")
    st.stop()
current, _ = sidebar.current_model()
base = current.name if current is not None else names[0]
pair = sorted({base, models.sibling(base) or base}, key=lambda n: "attention" in n)  # vanilla left

c1, c2 = st.columns(2)
left_name = c1.selectbox("Left model", names, index=names.index(pair[0]), key="left", bind="query-params")
right_name = c2.selectbox("Right model", names, index=names.index(pair[-1]), key="right", bind="query-params")
left, right = models.get(left_name), models.get(right_name)
problem = compatible(left, right)
if problem:
    st.error(f"These two models cannot be compared on the same inputs: {problem}. Pick two models of one task.")
    st.stop()
task = left.task

source = st.text_input("Input x", value=task.demo() if task else "", key="src", bind="query-params")
if isinstance(task, CharTask):
    top = int(1.5 * task.max_len)

    def generate() -> None:
        import random

        st.session_state["src"] = task.sample(random.Random(), length=st.session_state["gen_len"]).source

    g1, g2 = st.columns([3, 1])
    g1.slider(
        "Length of a generated input",
        1,
        top,
        value=min(task.max_len, 20),
        key="gen_len",
        help=f"The models were trained on {task.min_len}–{task.max_len}; try longer.",
    )
    g2.button("Generate an input of this length", on_click=generate, width="stretch")

require_input(source)
reference = task.reference(source) if task is not None else None
cols = st.columns(2)
for col, ckpt in zip(cols, (left, right), strict=True):
    with col:
        st.subheader(ckpt.name)
        try:
            result = trace(ckpt.model, ckpt.tokenizer, source)
        except InputError as exc:
            st.error(f"{exc}.")
            continue
        if result.unknown:
            st.warning("Read as ⟨unk⟩: " + ", ".join(md_token_with_codepoint(u) for u in result.unknown))
        ref_tokens = ckpt.tokenizer.tokenize(reference.target) if reference else None
        shown = [t for t in result.output_tokens if t != "</s>"]
        st.markdown("**Output** " + md_marked(shown, ref_tokens))
        if reference is not None:
            st.markdown("✅ correct" if result.output == reference.target else "❌ wrong (red tokens differ)")
        charts.show(
            figures.target_probabilities(
                result.output_tokens, [s.prob for s in result.steps], "p(y<sub>t</sub>) of each output token"
            ),
            f"probs-{ckpt.name}",
            f"{ckpt.name}-probs",
        )
        if result.has_attention:
            charts.show(figures.attention_heatmap(result), f"context-{ckpt.name}", f"{ckpt.name}-heatmap")
            st.caption("Its context: a fresh c_t = Σ α_{t,i} h_i at every step.")
        else:
            charts.show(figures.context_strip(result), f"context-{ckpt.name}", f"{ckpt.name}-context")
            st.caption("Its context: the one fixed c = h_T, the same at every step.")

st.subheader("Where the fixed vector gives out")
bar = st.progress(0.0, text="Measuring exact match by input length…")
curves = {}
for i, name in enumerate((left_name, right_name)):
    curves[name] = models.length_curve(name, N_CURVE, lambda f, i=i: bar.progress((i + f) / 2))
bar.empty()
trained = left.card.get("source_chars")
charts.show(figures.length_curve(curves, tuple(trained) if trained else None), "length_curve", "length-curve")
st.caption(
    f"Exact match on about {N_CURVE:,} fresh inputs per model, by source length (hover for the number of inputs "
    "per point); the grey band is the range of lengths seen in training. Bahdanau et al. (2015), Fig. 2, "
    "on a toy task."
)

st.subheader("How they learned")
h1, h2 = st.columns(2)
histories = {left_name: left.card.get("history", {}), right_name: right.card.get("history", {})}
with h1:
    charts.show(figures.training_curves(histories, "loss"), "loss_curves", "training-loss")
with h2:
    charts.show(figures.training_curves(histories, "exact_match"), "accuracy_curves", "training-accuracy")
