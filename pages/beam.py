"""Beam search you can see: the whole tree, what it kept and what it threw away.

Query parameters: model, src, beam (width), alpha (length penalty), node (the selected node
of the tree; an id that is not in the tree is ignored).
"""

import pandas as pd
import streamlit as st

from seq2seq import figures, limits
from seq2seq.core.search import beam_search, trace
from seq2seq.errors import InputError
from seq2seq.ui import charts, examples, frame, lang, models, sidebar
from seq2seq.ui.lang import say, t
from seq2seq.ui.text import md_escape, md_token, note_length, require_input, show_answer, show_output, warn_unknown

frame.ensure()
MAX_WIDTH = limits.MAX_BEAM_WIDTH
WIDTH_KEY = "beam_width"  # the field; the link's ?beam= is read and written by hand (see below)

look = lang.look()
presenting = lang.presenting()
st.title(t("beam.title"))
if not presenting:
    st.caption(t("beam.caption"))
ckpt = sidebar.require_model()


def clamp_width() -> None:
    """A width typed or linked outside 1..MAX_WIDTH becomes the nearest allowed one, in the field itself."""
    try:
        wanted = int(st.session_state.get(WIDTH_KEY, 5))
    except (TypeError, ValueError):
        wanted = 5
    used = min(max(wanted, 1), MAX_WIDTH)
    if used != wanted:
        st.session_state["_beam_clamped"] = (wanted, used)
    st.session_state[WIDTH_KEY] = used


raw = st.query_params.get("beam")
if raw is not None and WIDTH_KEY not in st.session_state:  # a link's width, before the field exists
    try:
        st.session_state[WIDTH_KEY] = int(raw)
    except ValueError:
        st.session_state[WIDTH_KEY] = 5
    clamp_width()
examples.apply_pending(ckpt, width_key=WIDTH_KEY)  # the "try this" search, before the widgets it fills
st.session_state.setdefault(WIDTH_KEY, 5)  # the field's default, set here: a field never gets both a value and a key's

# One row: the input, the width, both outputs and the right answer; the tree follows on the same screen.
c1, c2, c3, c4, c5 = st.columns([2.2, 1.4, 2, 2, 2])
source = c1.text_input(
    t("common.input_x"),
    value=ckpt.task.demo() if ckpt.task else "",
    key="src",
    bind="query-params",
    help=t("beam.input_help"),
)
width = c2.number_input(
    t("beam.width"), min_value=1, step=1, key=WIDTH_KEY, on_change=clamp_width, help=t("beam.width_help", top=MAX_WIDTH)
)
# No max_value and no bind: the callback clamps a typed 99 to 16 in the field itself and says so
# (with a max_value the field kept showing "99"), and the link's ?beam= is written here, clamped.
st.query_params["beam"] = str(st.session_state[WIDTH_KEY])
if "_beam_clamped" in st.session_state:
    wanted, used = st.session_state.pop("_beam_clamped")
    st.info(t("beam.clamped", wanted=wanted, top=MAX_WIDTH, used=used))
width = min(max(int(width), 1), MAX_WIDTH)
with st.expander(t("beam.options"), expanded=not presenting):
    a1, a2 = st.columns(2)
    alpha = a1.number_input(
        t("beam.alpha"), min_value=0.0, max_value=2.0, step=0.1, key="alpha", bind="query-params",
        help=t("beam.alpha_help"),
    )  # fmt: skip
    show_pruned = a2.toggle(t("beam.show_pruned"), value=True, key="show_pruned", bind="query-params")
source = require_input(source, ckpt.task)
try:
    tree = beam_search(ckpt.model, ckpt.tokenizer, source, width=width, length_alpha=float(alpha))
    greedy = trace(ckpt.model, ckpt.tokenizer, source)
except InputError as exc:
    st.error(say(exc))
    st.stop()
warn_unknown(greedy.unknown)
note_length(ckpt, source)

best = tree.nbest[0] if tree.nbest else None
# the right answer where the task knows it, as on Translate: wrong tokens in red, a verdict under each;
# a real sentence: each output's sentence BLEU against all its references
reference = ckpt.task.reference(source) if ckpt.task is not None and not greedy.unknown else None
differs = best is not None and best.text != greedy.output
for col, label, text, tokens in (
    (c3, t("beam.greedy_output"), greedy.output, greedy.output_tokens),
    (c4, t("beam.beam_output", k=width) + (t("beam.differs") if differs else ""), best.text if best else "",
     best.tokens if best else []),
):  # fmt: skip
    show_output(col, label, text, tokens, ckpt, source, reference)
if reference is not None:
    with c5:
        st.markdown(t("translate.correct_answer"))
        show_answer(reference.target)
if not presenting:  # a slide keeps its screen for the tree; the offer is a click away in normal mode
    examples.offer_beam_example(ckpt, source, width_key=WIDTH_KEY)

# The selected node: a click on the tree, kept in the link (?node=ID) so the link reopens it.
# A new tree (input, width, α) starts from its winner; only the first tree of a session takes
# the link's node, and an id that is not in the tree is ignored quietly.
tree_id = f"{ckpt.name}|{source}|{width}|{float(alpha)}"
if st.session_state.get("_beam_tree") != tree_id:
    linked = st.query_params.get("node") if "_beam_tree" not in st.session_state else None
    st.session_state["_beam_tree"] = tree_id
    st.session_state["beam_node"] = best.node if best else None
    if linked is not None and linked.isdigit() and 0 < int(linked) < len(tree.nodes):
        st.session_state["beam_node"] = int(linked)
    elif "node" in st.query_params:
        del st.query_params["node"]


def remember_click() -> None:
    picked = charts.selected_customdata(st.session_state.get("tree"))
    if picked:
        st.session_state["beam_node"] = int(picked[0])
        st.query_params["node"] = str(int(picked[0]))


room = lang.SCREEN_HEIGHT - 430 if presenting else None  # the tree fits the screen below the input row
fig = figures.beam_tree(tree, st.session_state.get("beam_node"), show_pruned=show_pruned, look=look.fit(room))
charts.show(fig, "tree", f"{ckpt.name}-beam-{charts.slug(source)}", on_select=remember_click)
left, right = st.columns([2, 3])
with left:
    st.markdown(t("beam.nbest"))
    st.dataframe(
        pd.DataFrame(
            [
                {t("beam.col_rank"): r, t("beam.col_output"): h.text, t("beam.col_finished"): h.finished,
                 t("beam.col_logp"): h.score, t("beam.col_norm"): h.norm_score}
                for r, h in enumerate(tree.nbest, start=1)
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={t("beam.col_logp"): st.column_config.NumberColumn(format="%.3f"),
                       t("beam.col_norm"): st.column_config.NumberColumn(format="%.3f")},
    )  # fmt: skip
with right:
    node_id = st.session_state.get("beam_node")
    if node_id is not None and 0 < node_id < len(tree.nodes):
        node = tree.nodes[node_id]
        path = tree.path(node_id)
        prefix = " ".join(md_token(n.token) for n in path)
        st.markdown(
            t("beam.selected", step=node.step, status=t(f"beam.status.{node.status}"), prefix=prefix,
              logp=node.logp, score=node.score, norm=node.norm_score)
        )  # fmt: skip
        if path[-1].alpha is not None:
            charts.show(
                figures.alignment_heatmap(
                    [n.alpha for n in path],
                    tree.source_tokens,
                    [n.token for n in path],
                    step=len(path),
                    title=look.t("fig.node_alpha.title"),
                    look=look,
                ),
                "node_heatmap",
                f"{ckpt.name}-beam-node-{node_id}",
            )
        else:
            st.info(t("beam.vanilla_node"))
    else:
        st.caption(t("beam.click_hint"))

other = models.sibling(ckpt.name)
if other and not presenting and st.toggle(t("beam.side_by_side", other=other), key="side_by_side"):
    other_ckpt = models.get(other)
    try:
        other_tree = beam_search(other_ckpt.model, other_ckpt.tokenizer, source, width, float(alpha))
    except InputError as exc:
        st.error(f"{other}: {say(exc)}")
    else:
        st.markdown(f"**{other}**: {md_escape(other_tree.nbest[0].text if other_tree.nbest else '')}")
        charts.show(figures.beam_tree(other_tree, show_pruned=show_pruned, look=look), "other_tree", f"{other}-beam")
