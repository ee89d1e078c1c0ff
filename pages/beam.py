"""Beam search you can see: the whole tree, what it kept and what it threw away.

Query parameters: model, src, beam (width), alpha (length penalty).
"""

import pandas as pd
import streamlit as st

from seq2seq import figures
from seq2seq.errors import InputError
from seq2seq.search import beam_search, trace
from seq2seq.ui import charts, frame, models, sidebar
from seq2seq.ui.text import md_escape, md_token, md_token_with_codepoint, require_input

frame.ensure()
MAX_WIDTH = 16

st.title("Beam search")
st.caption(
    "Greedy decoding keeps one candidate per step; beam search keeps the *width* most likely prefixes, "
    "scored by their total log-probability, and finishes when enough of them have emitted </s>. "
    "Faded nodes are candidates the beam threw away; diamonds are finished hypotheses with their "
    "length-normalised score; the red path is the winner. Click a node to inspect it."
)
ckpt, problem = sidebar.current_model()
if problem:
    st.error(problem)
    st.stop()

# A width in the link outside 1..16 is clamped with a note, not silently dropped.
raw = st.query_params.get("beam")
if raw is not None and "beam" not in st.session_state:
    try:
        wanted = int(raw)
    except ValueError:
        wanted = None
    if wanted is not None and not 1 <= wanted <= MAX_WIDTH:
        st.session_state["beam"] = min(max(wanted, 1), MAX_WIDTH)
        st.info(f"Beam width {wanted} is outside 1–{MAX_WIDTH}; using {st.session_state['beam']}.")

c1, c2, c3 = st.columns([3, 1, 1])
source = c1.text_input(
    "Input x",
    value=ckpt.task.demo() if ckpt.task else "",
    key="src",
    bind="query-params",
    help="Press Enter to search.",
)
width = c2.number_input(
    "Beam width", min_value=1, max_value=MAX_WIDTH, value=5, step=1, key="beam", bind="query-params"
)
alpha = c3.number_input(
    "Length penalty α",
    min_value=0.0,
    max_value=2.0,
    value=0.0,
    step=0.1,
    key="alpha",
    bind="query-params",
    help="GNMT: score / ((5 + |y|) / 6)^α. 0 = off (raw log-probability, which favours short outputs).",
)
show_pruned = st.toggle("Show pruned candidates", value=True, key="show_pruned")
require_input(source)
try:
    tree = beam_search(ckpt.model, ckpt.tokenizer, source, width=int(width), alpha=float(alpha))
    greedy = trace(ckpt.model, ckpt.tokenizer, source)
except InputError as exc:
    st.error(f"{exc}.")
    st.stop()
if greedy.unknown:
    names = ", ".join(md_token_with_codepoint(u) for u in greedy.unknown)
    st.warning(f"Not in this model's vocabulary, read as ⟨unk⟩: {names}.")

best = tree.nbest[0] if tree.nbest else None
g1, g2 = st.columns(2)
g1.markdown("**Greedy output**")
g1.code(greedy.output or " ", language=None)
g2.markdown(f"**Beam output (width {int(width)})**")
g2.code(best.text if best else " ", language=None)
if best is not None and best.text != greedy.output:
    st.success("Beam search found a different output than greedy decoding.")

# The selected node lives in this session (clicks on the tree), reset when the tree changes.
tree_id = f"{ckpt.name}|{source}|{int(width)}|{float(alpha)}"
if st.session_state.get("_beam_tree") != tree_id:
    st.session_state["_beam_tree"] = tree_id
    st.session_state["beam_node"] = best.node if best else None


def remember_click() -> None:
    picked = charts.selected_customdata(st.session_state.get("tree"))
    if picked:
        st.session_state["beam_node"] = int(picked[0])


fig = figures.beam_tree(tree, st.session_state.get("beam_node"), show_pruned=show_pruned)
charts.show(fig, "tree", f"{ckpt.name}-beam-{charts.slug(source)}", on_select=remember_click)
left, right = st.columns([2, 3])
with left:
    st.markdown("**n-best list**")
    st.dataframe(
        pd.DataFrame(
            [
                {"rank": r, "output": h.text, "finished": h.finished, "log p": h.score, "normalised": h.norm_score}
                for r, h in enumerate(tree.nbest, start=1)
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={"log p": st.column_config.NumberColumn(format="%.3f"),
                       "normalised": st.column_config.NumberColumn(format="%.3f")},
    )  # fmt: skip
with right:
    node_id = st.session_state.get("beam_node")
    if node_id is not None and 0 < node_id < len(tree.nodes):
        node = tree.nodes[node_id]
        path = tree.path(node_id)
        prefix = " ".join(md_token(n.token) for n in path)
        st.markdown(
            f"**Selected hypothesis** (step {node.step}, {node.status}): {prefix}  \n"
            f"log p(token) = {node.logp:.3f} · cumulative log p = {node.score:.3f} · "
            f"normalised = {node.norm_score:.3f}"
        )
        if path[-1].alpha is not None:
            charts.show(
                figures.alignment_heatmap(
                    [n.alpha for n in path],
                    tree.source_tokens,
                    [n.token for n in path],
                    step=len(path),
                    title="α along this hypothesis",
                ),
                "node_heatmap",
                f"{ckpt.name}-beam-node-{node_id}",
            )
        else:
            st.info("A vanilla decoder has no α: every step of every hypothesis reads the same c.")
    else:
        st.caption("Click a node of the tree to see its hypothesis, its scores and its attention.")

other = models.sibling(ckpt.name)
if other and st.toggle(f"Side by side with {other}", key="side_by_side"):
    other_ckpt = models.get(other)
    try:
        other_tree = beam_search(other_ckpt.model, other_ckpt.tokenizer, source, int(width), float(alpha))
    except InputError as exc:
        st.error(f"{other}: {exc}.")
    else:
        st.markdown(f"**{other}**: {md_escape(other_tree.nbest[0].text if other_tree.nbest else '')}")
        charts.show(figures.beam_tree(other_tree, show_pruned=show_pruned), "other_tree", f"{other}-beam")
