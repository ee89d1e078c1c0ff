"""The sidebar every page shares; pages read its choice through ``current_model``."""

from __future__ import annotations

import streamlit as st

from ..checkpoint import Checkpoint
from ..errors import CheckpointError
from . import models

MODEL_KEY = "model"  # also the query parameter: ?model=<checkpoint file stem>
PREFERRED = "reverse-attention"  # the default model when it exists


def render() -> None:
    """Draw the model picker (called by app.py before the page runs)."""
    found = models.available()
    with st.sidebar:
        st.header("Model")
        names = list(found) + list(models.session_models())
        if not names:
            st.error(f"No checkpoints in {models.CHECKPOINT_DIR}. Rebuild them with `make checkpoints`.")
            return
        st.selectbox(
            "Checkpoint",
            names,
            index=names.index(PREFERRED) if PREFERRED in names else 0,
            key=MODEL_KEY,
            bind="query-params",
            help="Pretrained models shipped in checkpoints/, and (★) the ones you trained or uploaded in this "
            "session. The name goes into the page's link (?model=…).",
        )
        ckpt, problem = current_model()
        if problem:
            st.error(problem)
        else:
            st.markdown(models.describe(ckpt))
        job = st.session_state.get("train_job")
        if job is not None and not job.finished:
            _training_status(job)


@st.fragment(run_every=3.0)
def _training_status(job) -> None:
    """While this session trains, every page keeps the training alive (the heartbeat that tells
    a closed tab from a visit to another page) and says how far it is."""
    if job.finished:
        st.caption(f"Training {job.state}: see the Train page.")
        return
    job.beat()
    label = next((s.label for s in job.specs if s.label not in job.results), "")
    st.caption(
        f"⏳ Training the {label} model: {job.seconds.get(label, 0.0):.0f} s"
        if job.state == "running"
        else f"⏳ Training queued (position {job.queue_position})"
    )


def current_model() -> tuple[Checkpoint | None, str | None]:
    """(the model picked in the sidebar, None) or (None, why there is none)."""
    found = models.available()
    name = st.session_state.get(MODEL_KEY)
    if name in models.session_models():
        return models.session_models()[name], None
    if name not in found:
        return None, "No model is selected: pick one in the sidebar."
    try:
        return models.load(found[name]), None
    except CheckpointError as exc:
        return None, f"Could not load {name}: {exc}"
