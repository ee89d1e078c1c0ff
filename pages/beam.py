"""Beam search you can see: the whole tree, what it kept and what it threw away.

Query parameters: model, src, beam (width), alpha (length penalty).
"""

import pandas as pd
import streamlit as st

from seq2seq import figures, limits
from seq2seq.errors import InputError
from seq2seq.search import beam_search, trace
from seq2seq.ui import charts, frame, lang, models, sidebar
from seq2seq.ui.lang import t
from seq2seq.ui.text import md_escape, md_token, require_input, warn_unknown

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
    """A width typed or linked outside 1..16 becomes the nearest allowed one, in the field itself."""
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
st.session_state.setdefault(WIDTH_KEY, 5)  # the field's default, set here: a field never gets both a value and a key's

# One row: the input, the width and both outputs; the tree follows on the same screen.
c1, c2, c3, c4 = st.columns([3, 1, 2, 2])
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
        t("beam.alpha"), min_value=0.0, max_value=2.0, value=0.0, step=0.1, key="alpha", bind="query-params",
        help=t("beam.alpha_help"),
    )  # fmt: skip
    show_pruned = a2.toggle(t("beam.show_pruned"), value=True, key="show_pruned", bind="query-params")
require_input(source)
try:
    tree = beam_search(ckpt.model, ckpt.tokenizer, source, width=width, alpha=float(alpha))
    greedy = trace(ckpt.model, ckpt.tokenizer, source)
except InputError as exc:
    st.error(str(exc))
    st.stop()
warn_unknown(greedy.unknown)

best = tree.nbest[0] if tree.nbest else None
c3.markdown(t("beam.greedy_output"))
c3.code(greedy.output or " ", language=None)
c4.markdown(
    t("beam.beam_output", k=width) + (t("beam.differs") if best is not None and best.text != greedy.output else "")
)
c4.code(best.text if best else " ", language=None)

# The selected node lives in this session (clicks on the tree), reset when the tree changes.
tree_id = f"{ckpt.name}|{source}|{width}|{float(alpha)}"
if st.session_state.get("_beam_tree") != tree_id:
    st.session_state["_beam_tree"] = tree_id
    st.session_state["beam_node"] = best.node if best else None


def remember_click() -> None:
    picked = charts.selected_customdata(st.session_state.get("tree"))
    if picked:
        st.session_state["beam_node"] = int(picked[0])


room = lang.SCREEN_HEIGHT - 380 if presenting else None  # the tree fits the screen below the input row
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
        st.error(f"{other}: {exc}")
    else:
        st.markdown(f"**{other}**: {md_escape(other_tree.nbest[0].text if other_tree.nbest else '')}")
        charts.show(figures.beam_tree(other_tree, show_pruned=show_pruned, look=look), "other_tree", f"{other}-beam")
