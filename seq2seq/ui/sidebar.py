"""The sidebar every page shares; pages read its choice through ``current_model``."""

from __future__ import annotations

import streamlit as st

from ..checkpoint import Checkpoint
from ..errors import CheckpointError
from . import lang, models
from .lang import t

MODEL_KEY = "model"  # also the query parameter: ?model=<checkpoint file stem>
PREFERRED = "reverse-attention"  # the default model when it exists


def render() -> None:
    """Draw the model picker (called by app.py before the page runs)."""
    found = models.available()
    with st.sidebar:
        lang.controls()
        st.header(t("sidebar.model"))
        names = list(found) + list(models.session_models())
        if not names:
            st.error(t("sidebar.no_checkpoints", folder=models.CHECKPOINT_DIR))
            return
        st.selectbox(
            t("sidebar.checkpoint"),
            names,
            index=names.index(PREFERRED) if PREFERRED in names else 0,
            key=MODEL_KEY,
            bind="query-params",
            help=t("sidebar.checkpoint_help"),
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
        st.caption(t("sidebar.training_done", state=t(f"train.state.{job.state}")))
        return
    job.beat()
    label = next((s.label for s in job.specs if s.label not in job.results), "")
    st.caption(
        t("sidebar.training_running", label=label, seconds=job.seconds.get(label, 0.0))
        if job.state == "running"
        else t("sidebar.training_queued", position=job.queue_position)
    )


def require_model() -> Checkpoint:
    """The model picked in the sidebar; without one, the page shows why and stops."""
    ckpt, problem = current_model()
    if problem:
        st.error(problem)
        st.stop()
    return ckpt


def current_model() -> tuple[Checkpoint | None, str | None]:
    """(the model picked in the sidebar, None) or (None, why there is none)."""
    found = models.available()
    name = st.session_state.get(MODEL_KEY)
    if name in models.session_models():
        return models.session_models()[name], None
    if name not in found:
        return None, t("model.none_selected")
    try:
        return models.load(found[name]), None
    except CheckpointError as exc:
        return None, t("model.cannot_load", name=name, error=exc)
