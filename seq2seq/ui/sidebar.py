"""The sidebar every page shares; pages read its choice through ``current_model``."""

from __future__ import annotations

import streamlit as st

from seq2seq.core.checkpoint import Checkpoint
from seq2seq.errors import CheckpointError
from seq2seq.ui import browser, lang, models
from seq2seq.ui.lang import t
from seq2seq.ui.text import md_escape

MODEL_KEY = "model"  # also the query parameter: ?model=<checkpoint file stem>
# The default model by the reader's language, when it exists: in 中文 the class's own language
# pair, English -> 中文 on real sentences. A link's ?model= and a reader's pick always win.
PREFERRED = {"en": "reverse-attention", "zh": "en-zh-attention"}
_PICKED = "_model_picked"  # the reader (or the link) chose the model: the language no longer does
_DEFAULT_SET = "_model_default_set"  # the default last put into the picker (anything else there was chosen)


def default_model(names: list[str]) -> str:
    """The model a reader who has not picked one sees: the language's preferred, else English's, else the first."""
    for name in (PREFERRED.get(lang.current()), PREFERRED["en"]):
        if name in names:
            return name
    return names[0]


def _picked(key: str) -> None:
    st.session_state[_PICKED] = True
    forget_missing(key)


def render() -> None:
    """Draw the model picker (called by app.py before the page runs)."""
    found = models.available()
    models.publish_trained()  # a training that finished while another page was open
    with st.sidebar:
        lang.controls()
        browser.remember()
        st.header(t("sidebar.model"))
        names = list(found) + list(models.session_models())
        if not names:
            st.error(t("sidebar.no_checkpoints", folder=models.CHECKPOINT_DIR))
            return
        note_missing(MODEL_KEY, names)
        if "_model_link_seen" not in st.session_state:  # a link's ?model= is the reader's pick
            st.session_state["_model_link_seen"] = True
            if st.query_params.get(MODEL_KEY) in names:
                st.session_state[_PICKED] = True
        shown, set_by_us = st.session_state.get(MODEL_KEY), st.session_state.get(_DEFAULT_SET)
        if shown in names and set_by_us is not None and shown != set_by_us:
            st.session_state[_PICKED] = True  # set by a page (Train's "use this model") or a link followed
        if not st.session_state.get(_PICKED) or shown not in names:
            st.session_state[MODEL_KEY] = st.session_state[_DEFAULT_SET] = default_model(names)  # follows the language
        st.selectbox(
            t("sidebar.checkpoint"),
            names,
            key=MODEL_KEY,
            bind="query-params",
            help=t("sidebar.checkpoint_help"),
            on_change=_picked,
            args=(MODEL_KEY,),
        )
        ckpt, problem = current_model()
        if problem:
            st.error(problem)
        else:
            st.markdown(models.describe(ckpt))
        job = models.shelf().state.get("train_job")
        if job is not None and not job.finished:
            _training_status(job)
    show_missing(MODEL_KEY)


_MISSING = "_missing_models"  # widget key -> the model name a link asked for that is not here


def note_missing(key: str, names: list[str]) -> None:
    """Before a model picker bound to ``?key=`` is drawn: remember a name the link asks for that
    is not available here (Streamlit would silently show the default instead)."""
    wanted = st.query_params.get(key)
    if wanted is not None and wanted not in names:
        st.session_state.setdefault(_MISSING, {})[key] = wanted


def forget_missing(key: str) -> None:
    """The reader picked a model: the notice about the link's missing one has served."""
    st.session_state.get(_MISSING, {}).pop(key, None)


def show_missing(key: str) -> None:
    """The notice, in the page (the sidebar may be collapsed), naming what was asked and what is shown."""
    wanted = st.session_state.get(_MISSING, {}).get(key)
    if wanted is None:
        return
    why = t("model.missing_session") if wanted.startswith(models.SESSION_MARK) else t("model.missing_file")
    st.warning(
        t("model.missing", wanted=md_escape(wanted), shown=md_escape(str(st.session_state.get(key, "–"))), why=why),
        icon="⚠️",
    )


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
        t(
            "sidebar.training_running",
            label=lang.decoder_label(label) if label else "",
            seconds=job.seconds.get(label, 0.0),
        )
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
