"""Translate: type an input, see the output, the alignment and each decoding step.

Query parameters (bound to the widgets): model, src, step.
"""

import streamlit as st

from seq2seq import figures
from seq2seq.errors import InputError
from seq2seq.search import trace
from seq2seq.ui import frame, sidebar
from seq2seq.ui.text import md_token, md_token_with_codepoint

frame.ensure()

st.title("Translate")
ckpt, problem = sidebar.current_model()
if problem:
    st.error(problem)
    st.stop()

task = ckpt.task
cfg = ckpt.model.cfg
if task is not None:
    st.caption(task.description)

source = st.text_input(
    "Input x",
    value=task.demo() if task is not None else "",
    key="src",
    bind="query-params",
    help="The source sequence. Press Enter to decode it.",
)

if not source.strip():
    st.info("Type an input above to decode it.")
    st.stop()

try:
    result = trace(ckpt.model, ckpt.tokenizer, source)
except InputError as exc:
    st.error(f"{exc}.")
    st.stop()

if result.unknown:
    names = ", ".join(md_token_with_codepoint(ch) for ch in result.unknown)
    st.warning(f"Not in this model's vocabulary, read as ⟨unk⟩: {names}. The output for them is a guess.")
trained = ckpt.card.get("source_chars")
if trained and not trained[0] <= len(source) <= trained[1]:
    st.info(
        f"This model was trained on inputs of {trained[0]}–{trained[1]} characters; "
        f"yours has {len(source)}, so expect mistakes."
    )

expected = task.answer(source) if task is not None and not result.unknown else None
col_out, col_check = st.columns([3, 2])
with col_out:
    st.markdown("**Output y**")
    st.code(result.output or " ", language=None)
with col_check:
    if expected is not None:
        st.markdown("**Correct answer**")
        st.code(expected, language=None)
        if result.output == expected:
            st.success("The model's output is correct.")
        else:
            st.error("The model's output differs from the correct answer.")
if not result.finished:
    st.warning(f"Decoding stopped at the length limit ({len(result.steps)} steps) before the model emitted </s>.")

n_steps = len(result.steps)
if n_steps > 1:
    if st.session_state.get("step", 1) > n_steps:  # a shorter output than the step in the link
        st.session_state["step"] = n_steps
    step = st.slider(
        "Decoding step t",
        min_value=1,
        max_value=n_steps,
        value=1,
        key="step",
        bind="query-params",
        help="Step t emits y_t. The heatmap outlines row t; the bars show what the decoder saw and chose.",
    )
else:
    step = 1
chosen = result.steps[step - 1]
st.markdown(
    f"Step **t = {step}** of {n_steps}: the decoder emits **{md_token(chosen.token)}** "
    f"with probability **{chosen.prob:.3f}**."
)

if result.has_attention:
    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(figures.attention_heatmap(result, step), key="heatmap", theme=None)
    with right:
        st.plotly_chart(figures.alpha_bars(result, step), key="alpha_bars", theme=None)
        st.plotly_chart(figures.topk_bars(result, step), key="topk", theme=None)
else:
    st.info(
        "This is a **vanilla** decoder: it has no attention, so there is no α to draw. "
        f"At every step it reads the same fixed vector **c = h_T** ({cfg.enc_dim} numbers), "
        "whatever the input's length — the rows below are identical."
    )
    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(figures.context_strip(result, list(range(1, n_steps + 1))), key="context", theme=None)
    with right:
        st.plotly_chart(figures.topk_bars(result, step), key="topk", theme=None)
