"""Teaching examples found by searching generated inputs (``analysis``), offered on the pages.

The beam example ("try this: an input where beam search beats greedy") is searched when a
person asks for it, then kept per model (``models.per_model``): the first visit to a page
never waits for it. Clicking the offer puts the input into the page's ``src`` widget, so
its link (?src=…) reopens the example.
"""

from __future__ import annotations

import streamlit as st

from seq2seq.analysis import experiments
from seq2seq.core.checkpoint import Checkpoint
from seq2seq.ui import models
from seq2seq.ui.lang import t
from seq2seq.ui.text import md_escape

BEAM_WIDTH = 5  # the width the example is searched with: the Beam page's default, the Lecture's
BEAM_INPUTS = 300  # generated inputs per round of the search
_PENDING = "_beam_example_pending"  # set by the search button, served before the input widget


def _search(ckpt: Checkpoint) -> experiments.BeamSearchFinding:
    return experiments.find_beam_example(ckpt, width=BEAM_WIDTH, n=BEAM_INPUTS)


def beam_finding(name: str, compute: bool) -> experiments.BeamSearchFinding | None:
    """The search's result for model ``name``; None when it has not run and ``compute`` is False."""
    return models.per_model(name, ("beam_example", BEAM_WIDTH, BEAM_INPUTS), _search, compute_now=compute)


def _use(example: experiments.BeamExample, width_key: str | None) -> None:
    st.session_state["src"] = example.source
    if width_key is not None:  # the Beam page: the width and length penalty the example was found with
        st.session_state[width_key] = example.width
        st.session_state["alpha"] = 0.0


def _ask() -> None:
    st.session_state[_PENDING] = True


def apply_pending(ckpt: Checkpoint, width_key: str | None = None) -> None:
    """Call before the page's input widget: run the search the button asked for (with a
    spinner; cached after the first time) and put its input into the page."""
    if not st.session_state.pop(_PENDING, False):
        return
    with st.spinner(t("examples.beam_searching", n=BEAM_INPUTS, k=BEAM_WIDTH)):
        finding = beam_finding(ckpt.name, compute=True)
    if finding.example is not None:
        _use(finding.example, width_key)


def offer_beam_example(ckpt: Checkpoint, source: str, width_key: str | None = None) -> None:
    """The "try this" offer: a button that searches, then the example found (one click puts
    it into the input), or a plain word that none was found."""
    if ckpt.task is None or not ckpt.task.generative:
        return
    finding = beam_finding(ckpt.name, compute=False)
    if finding is None:
        st.button(
            t("examples.beam_find", k=BEAM_WIDTH),
            key="beam_example_find",
            on_click=_ask,
            help=t("examples.beam_find_help", n=BEAM_INPUTS),
        )
        return
    example = finding.example
    if example is None:
        st.caption(t("examples.beam_none", n=finding.tried, k=BEAM_WIDTH))
        return
    verdict = t("examples.beam_fixes") if example.fixes_greedy else t("examples.beam_likelier")
    if not example.in_range:
        verdict += " " + t("examples.beam_longer")
    numbers = dict(source=md_escape(example.source), k=example.width, g=example.greedy_logp, b=example.beam_logp)
    if source == example.source:
        st.caption(t("examples.beam_this_one", verdict=verdict, **numbers))
        return
    st.button(
        t("examples.beam_try", source=example.source),
        key="beam_example_try",
        on_click=_use,
        args=(example, width_key),
        help=verdict,
    )
    st.caption(t("examples.beam_found", n=finding.tried, verdict=verdict, **numbers))
