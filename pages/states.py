"""States: the encoder's h_i and the decoder's s_t as paths in fixed PCA axes, and the training
steps whose s_t is nearest to the current one (Seq2Seq-Vis).

Query parameters: model (the sidebar's), src, step (bound to widgets), dims (2 | 3),
colour (position | token), growth (the fixed c of inputs of growing length), k (neighbours).
"""

import streamlit as st

from seq2seq import figures
from seq2seq.analysis import states
from seq2seq.errors import InputError, Seq2SeqError
from seq2seq.ui import charts, error_table, frame, lang, models, sidebar, state_view, stepper
from seq2seq.ui.lang import say, t
from seq2seq.ui.text import require_input, step_summary, warn_unknown

frame.ensure()

look = lang.look()
st.title(t("states.title"))
if not lang.presenting():
    st.caption(t("states.caption"))
ckpt = sidebar.require_model()
name = st.session_state[sidebar.MODEL_KEY]
task, cfg = ckpt.task, ckpt.model.cfg

pairs = None
if state_view.needs_pairs(name):  # trained on a user's file: the axes and the index need its pairs
    upload = st.file_uploader(t("states.upload"), type=["tsv", "csv", "txt"], key="states_pairs")
    if upload is None:
        st.info(t("states.upload_needed"))
        st.stop()
    pairs = (upload.getvalue(), upload.name)

c_in, c_dims, c_colour, c_growth = st.columns([3, 1.2, 1.6, 2], vertical_alignment="bottom")
source = c_in.text_input(
    t("common.input_x"), value=task.demo() if task is not None else "", key="src", bind="query-params",
    help=t("translate.input_help"),
)  # fmt: skip
source = require_input(source, ckpt.task)
key = error_table.from_url("dims", ["2", "3"], "2", prefix="states")
dims = c_dims.segmented_control(t("states.dims"), ["2", "3"], format_func=lambda d: t(f"states.dims.{d}"), key=key,
                                required=True)  # fmt: skip
error_table.to_url("dims", dims, "2")
key = error_table.from_url("colour", list(figures.STATE_VIEWS), "position", prefix="states")
colour = c_colour.segmented_control(t("states.colour"), figures.STATE_VIEWS, key=key, required=True,
                                    format_func=lambda c: t(f"states.colour.{c}"))  # fmt: skip
error_table.to_url("colour", colour, "position")
growth_on = c_growth.toggle(
    t("states.growth"), value=cfg.family.fixed_context, key="growth", bind="query-params", help=t("states.growth_help")
)

try:
    result = models.trace(ckpt, source)
    space = state_view.space(name, pairs)
    index = state_view.index(name, pairs)
except (InputError, Seq2SeqError, ValueError) as exc:
    st.error(say(exc))
    st.stop()
warn_unknown(result.unknown, guess=True)

path = states.trajectory(space, result)
growth = states.growing_contexts(ckpt, space, source) if growth_on else None
st.caption(
    t("states.fitted", n=space.n_inputs, examples=len(index.examples), rows=len(index))
    + (" " + t("states.transformer_note") if not cfg.family.recurrent else "")
)
slug = f"{name}-{charts.slug(source)}"
room = lang.SCREEN_HEIGHT - 520 if lang.presenting() else None


def step_view(step: int) -> None:
    """The figure with s_t ringed and the training steps nearest to s_t (stepper.section reruns it alone)."""
    st.markdown(step_summary(result, step), unsafe_allow_html=True)
    fig = figures.state_paths(
        path, step, look.fit(room), figures.WIDE, dims=int(dims), colour=colour, growth=growth,
        show_c=True if growth_on else None,
    )  # fmt: skip
    charts.show(fig, "states", f"{slug}-states-step{step}")
    st.subheader(t("states.nearest", t=step))
    k = st.columns([1, 3])[0].select_slider(t("states.k"), [3, 5, 10, 20], value=5, key="k", bind="query-params")
    found = index.nearest(result.steps[step - 1].state, k=k)
    st.html(state_view.neighbours_html(found, task))
    st.caption(t("states.nearest_caption") if cfg.family.alpha else t("states.nearest_caption_vanilla"))


stepper.section(len(result.steps), step_view)
