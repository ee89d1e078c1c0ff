"""Translate: type an input and watch the decoder work, one step at a time.

Query parameters: model, src, step (bound to widgets) and force (what-if tokens, see
seq2seq/ui/whatif.py), so a link on a slide reopens the exact view.
"""

import streamlit as st

from seq2seq import figures, metrics
from seq2seq.errors import InputError
from seq2seq.results import alignment_csv
from seq2seq.search import score_targets, trace
from seq2seq.tokenizers import visible_token
from seq2seq.ui import charts, frame, sidebar, whatif
from seq2seq.ui.text import md_escape, md_token, md_token_with_codepoint, require_input

frame.ensure()
PLAY_SECONDS = 1.2  # per step while playing

st.title("Translate")
ckpt, problem = sidebar.current_model()
if problem:
    st.error(problem)
    st.stop()

task, cfg, tokenizer = ckpt.task, ckpt.model.cfg, ckpt.tokenizer
if task is not None:
    st.caption(task.description)

source = st.text_input(
    "Input x",
    value=task.demo() if task is not None else "",
    key="src",
    bind="query-params",
    help="The source sequence. Press Enter to decode it.",
)
require_input(source)

forced = whatif.current(f"{ckpt.name}|{source}")
try:
    result = trace(ckpt.model, tokenizer, source, forced=forced)
except InputError as exc:
    if not forced:
        st.error(f"{exc}.")
        st.stop()
    st.warning(f"The what-if in the link does not apply: {exc}. Showing the model's own choices.")
    whatif.undo()
    result = trace(ckpt.model, tokenizer, source)

if result.unknown:
    names = ", ".join(md_token_with_codepoint(ch) for ch in result.unknown)
    st.warning(f"Not in this model's vocabulary, read as ⟨unk⟩: {names}. The output for them is a guess.")
trained = ckpt.card.get("source_chars")
if trained and not trained[0] <= len(source) <= trained[1]:
    st.info(
        f"This model was trained on inputs of {trained[0]}–{trained[1]} characters; "
        f"yours has {len(source)}, so expect mistakes."
    )

reference = task.reference(source) if task is not None and not result.unknown else None
col_out, col_check = st.columns([3, 2])
with col_out:
    st.markdown("**Output y**" + (" — with a what-if (forced tokens in purple below)" if result.forced_steps else ""))
    st.code(result.output or " ", language=None)
with col_check:
    if reference is not None:
        st.markdown("**Correct answer**")
        st.code(reference.target, language=None)
        if result.output == reference.target:
            st.success("The model's output is correct.")
        else:
            st.error("The model's output differs from the correct answer.")
if not result.finished:
    st.warning(f"Decoding stopped at the length limit ({len(result.steps)} steps) before the model emitted </s>.")

# --- the step control: slider (in the URL), previous / play / next ----------------------------
n_steps = len(result.steps)
if st.session_state.get("step", 1) > n_steps:  # a shorter output than the step in the link
    st.session_state["step"] = n_steps


def move(delta: int) -> None:
    st.session_state["step"] = min(max(st.session_state.get("step", 1) + delta, 1), n_steps)
    st.session_state["playing"] = False


def toggle_play() -> None:
    playing = not st.session_state.get("playing", False)
    if playing and st.session_state.get("step", 1) >= n_steps:
        st.session_state["step"] = 1  # play from the start again
    st.session_state["playing"] = playing


if n_steps > 1:
    step = st.slider(
        "Decoding step t",
        min_value=1,
        max_value=n_steps,
        value=1,
        key="step",
        bind="query-params",
        help="Step t emits y_t. Everything below shows step t.",
    )
else:
    step = 1
playing = st.session_state.get("playing", False)
b1, b2, b3, _ = st.columns([1, 1, 1, 5])
b1.button("⏮ Previous", key="prev", on_click=move, args=(-1,), disabled=step <= 1, width="stretch")
b2.button("⏸ Pause" if playing else "▶ Play", key="play", on_click=toggle_play, disabled=n_steps <= 1, width="stretch")
b3.button("Next ⏭", key="next", on_click=move, args=(1,), disabled=step >= n_steps, width="stretch")


@st.fragment(run_every=PLAY_SECONDS if playing else None)
def play_ticker() -> None:
    """While playing, advance one step per tick and redraw the page."""
    if not st.session_state.get("playing"):
        return
    if st.session_state.get("step", 1) < n_steps:
        st.session_state["step"] = st.session_state.get("step", 1) + 1
    else:
        st.session_state["playing"] = False
    st.rerun(scope="app")


play_ticker()

chosen = result.steps[step - 1]
so_far = " ".join(
    f"**:red[{md_token(s.token)}]**" if t == step else md_token(s.token) for t, s in enumerate(result.steps[:step], 1)
)
forced_note = " (**forced** by your what-if)" if chosen.forced else ""
st.markdown(
    f"Step **t = {step}** of {n_steps}: the decoder emits **{md_token(chosen.token)}** with probability "
    f"**{chosen.prob:.3f}**{forced_note}. Output so far: {so_far}"
)

# --- the pictures of step t ------------------------------------------------------------------
name = f"{ckpt.name}-{charts.slug(source)}"
gold = None
if reference is not None and reference.alignment and task.alignment_unit == tokenizer.kind:
    gold = set(reference.alignment)

if result.has_attention:
    left, right = st.columns([3, 2])
    with left:
        outline = gold if result.output == (reference.target if reference else None) else None
        charts.show(figures.attention_heatmap(result, step, outline), "heatmap", f"{name}-heatmap")
        if gold is not None:
            (scored,) = score_targets(ckpt.model, tokenizer, [source], [reference.target])
            links = metrics.alignment_links(scored.alpha, len(scored.target_tokens) - 1, len(scored.source_tokens) - 1)
            aer = metrics.alignment_error_rate([links], [gold])
            st.caption(
                f"Dotted orange cells: the gold alignment of the correct output. AER of this example "
                f"(argmax-α of the correct output vs gold): **{aer:.2f}** — 0 means the model looks exactly "
                "where the task says it should."
                + ("" if outline else " The model's output differs from the correct one, so no outline is drawn.")
            )
    with right:
        charts.show(figures.attention_flow(result, step), "flow", f"{name}-flow-step{step}")
        charts.show(figures.alpha_bars(result, step), "alpha_bars", f"{name}-alpha-step{step}")
else:
    st.info(
        "This is a **vanilla** decoder: it has no attention, so there is no α to draw. "
        f"At every step it reads the same fixed vector **c = h_T** ({cfg.enc_dim} numbers), "
        "whatever the input's length — the rows of the context strip below are identical."
    )
    charts.show(figures.attention_flow(result, step), "flow", f"{name}-flow-step{step}")

left, right = st.columns([2, 3])
with left:
    charts.show(figures.topk_bars(result, step), "topk", f"{name}-top-k-step{step}")
    st.markdown("**What if?** Force another candidate at this step and decode on from there:")
    cands = st.columns(len(chosen.top_k))
    for col, cand in zip(cands, chosen.top_k, strict=True):
        col.button(
            visible_token(cand.token),
            key=f"force-{step}-{cand.token_id}",
            on_click=whatif.force,
            args=(step, cand.token_id),
            disabled=cand.token_id == chosen.token_id,
            help=f"p = {cand.prob:.3f}",
            width="stretch",
        )
    if result.forced_steps:
        st.button("↩ Undo the what-if (back to the model's own choices)", key="undo", on_click=whatif.undo)
with right:
    charts.show(figures.context_strip(result, step), "context", f"{name}-context")

# --- why not this answer? --------------------------------------------------------------------
with st.expander("Why not this answer? Score a target of your own with teacher forcing"):
    st.caption(
        "The model reads your target one token at a time (teacher forcing) and says how likely it finds each "
        "token — and, for attention models, where it looks while producing it."
    )
    typed = st.text_input("Target y", value=reference.target if reference else result.output, key="target")
    if typed.strip():
        try:
            (scored,) = score_targets(ckpt.model, tokenizer, [source], [typed])
        except InputError as exc:
            st.error(f"{exc}.")
        else:
            unknown = tokenizer.unknown(typed)
            if unknown:
                st.warning(
                    "Not in this model's vocabulary (scored as ⟨unk⟩): "
                    + ", ".join(md_token_with_codepoint(u) for u in unknown)
                )
            st.markdown(
                f"log p(y | x) = **{scored.log_prob:.2f}** for this target, against **{result.log_prob:.2f}** "
                f"for the output above ({md_escape(result.output)})."
            )
            charts.show(
                figures.target_probabilities(scored.target_tokens, scored.probs, "p(y<sub>t</sub>) of your target"),
                "target_probs",
                f"{name}-target-probs",
            )
            if scored.alpha is not None:
                charts.show(
                    figures.alignment_heatmap(
                        scored.alpha, scored.source_tokens, scored.target_tokens, title="α while reading your target"
                    ),
                    "target_heatmap",
                    f"{name}-target-heatmap",
                )

# --- export ------------------------------------------------------------------------------------
with st.expander("Export"):
    e1, e2 = st.columns(2)
    if result.has_attention:
        e1.download_button(
            "Alignment α (CSV)",
            lambda: alignment_csv(result.source_tokens, result.output_tokens, result.attention_matrix()),
            file_name=f"{name}-alignment.csv",
            mime="text/csv",
            key="csv",
        )
    e2.download_button(  # the files are made only when clicked (a callable), not on every rerun
        "The whole trace (JSON)",
        lambda: result.to_json(indent=1),
        file_name=f"{name}-trace.json",
        mime="application/json",
        key="json",
    )
    st.caption("Every chart's camera icon (top right of the chart) saves it as a PNG at twice the screen resolution.")
