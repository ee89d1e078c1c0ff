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


def _candidates(ckpt: Checkpoint) -> int:
    """How many inputs the search looks at: a real corpus's test sentences are fewer (each one beamed)."""
    corpus = ckpt.task is not None and ckpt.task.has_splits
    return experiments.CORPUS_BEAM_SENTENCES if corpus else BEAM_INPUTS


def beam_finding(name: str, compute: bool) -> experiments.BeamSearchFinding | None:
    """The search's result for model ``name``; None when it has not run and ``compute`` is False."""
    return models.per_model(name, ("beam_example", BEAM_WIDTH, BEAM_INPUTS), _search, compute_now=compute)


def _use(example: experiments.BeamExample, width_key: str | None, src_key: str = "src") -> None:
    st.session_state[src_key] = example.source
    if width_key is not None:  # the Beam page: the width and length penalty the example was found with
        st.session_state[width_key] = example.width
        st.session_state["alpha"] = 0.0


def _ask() -> None:
    st.session_state[_PENDING] = True


def apply_pending(ckpt: Checkpoint, width_key: str | None = None, src_key: str = "src") -> None:
    """Call before the page's input widget: run the search the button asked for (with a
    spinner; cached after the first time) and put its input into session key ``src_key`` (the
    page's input; Lecture §4: its own, so the rest of the lecture keeps its input)."""
    if not st.session_state.pop(_PENDING, False):
        return
    with st.spinner(t("examples.beam_searching", n=_candidates(ckpt), k=BEAM_WIDTH)):
        finding = beam_finding(ckpt.name, compute=True)
    if finding.example is not None:
        _use(finding.example, width_key, src_key)


def offer_beam_example(ckpt: Checkpoint, source: str, width_key: str | None = None, src_key: str = "src") -> None:
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
            help=t("examples.beam_find_help", n=_candidates(ckpt)),
        )
        return
    example = finding.example
    if example is None:
        if ckpt.task.has_splits:
            st.caption(t("examples.beam_bleu_none", n=finding.tried, k=BEAM_WIDTH))
        else:
            st.caption(t("examples.beam_none", n=finding.tried, k=BEAM_WIDTH))
        return
    if example.beam_bleu is not None:  # a real sentence: scored against its references, not right or wrong
        _offer_bleu(ckpt, finding, source, width_key, src_key)
        return
    verdict = t("examples.beam_fixes") if example.fixes_greedy else t("examples.beam_likelier")
    if not example.in_range:
        verdict += " " + t("examples.beam_longer")
    numbers = dict(source=md_escape(example.source), k=example.width, g=example.greedy_logp, b=example.beam_logp)
    _offer(example, source, ("examples.beam_this_one", "examples.beam_found"), numbers | {"verdict": verdict},
           verdict, finding.tried, (width_key, src_key))  # fmt: skip


def _offer_bleu(
    ckpt: Checkpoint, finding: experiments.BeamSearchFinding, source: str, width_key: str | None, src_key: str
) -> None:
    """The offer on a real corpus: the test sentence where the beam's output scores the higher
    sentence BLEU against every reference, both scores in the caption, the sentence's Tatoeba
    credit on the button's hover (and under the input once it is in: ``text.require_input``)."""
    example = finding.example
    numbers = dict(
        source=md_escape(example.source), k=example.width, g=example.greedy_bleu, b=example.beam_bleu,
        tokenize=example.bleu_tokenize, refs=len(ckpt.task.references(example.source)),
    )  # fmt: skip
    credit = t("examples.beam_bleu_credit", credit=ckpt.task.credit(example.source) or "Tatoeba")
    _offer(example, source, ("examples.beam_bleu_this_one", "examples.beam_bleu_found"), numbers, credit,
           finding.tried, (width_key, src_key))  # fmt: skip


def _offer(example, source: str, keys: tuple[str, str], numbers: dict, hover: str, tried: int, into: tuple) -> None:
    """The example: a caption when it is already the input (``keys[0]``), else a button that
    puts it there (``into``: the width key and the source key) and a caption (``keys[1]``)."""
    this_one, found = keys
    if source == example.source:
        st.caption(t(this_one, **numbers))
        return
    st.button(t("examples.beam_try", source=example.source), key="beam_example_try", on_click=_use,
              args=(example, *into), help=hover)  # fmt: skip
    st.caption(t(found, n=tried, **numbers))
