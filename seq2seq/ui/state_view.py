"""The States page's glue: a model's PCA axes and its index of training steps, each computed
once per model (shared by every session for shipped models, kept per session for a session's
own), and the neighbours drawn as source and target with the matching tokens marked."""

from __future__ import annotations

import hashlib
import html
from pathlib import Path

import streamlit as st

from seq2seq.analysis import states
from seq2seq.analysis.states import NeighbourIndex, StateSpace
from seq2seq.data.pairs import read_pairs
from seq2seq.data.tasks import Example, generate
from seq2seq.data.tokenizers import visible_token
from seq2seq.figures import HIGHLIGHT
from seq2seq.training.pipeline import heldout
from seq2seq.ui import models
from seq2seq.ui.lang import t

N_AXES = 500  # held-out inputs whose states fit the axes
N_INDEX = 5000  # training examples whose teacher-forced steps are indexed
SEED = 4242  # the axes' held-out inputs: the same for every visitor, so a link shows the same picture
MAX_INDEXES = 3  # shipped models' indexes kept by the server (~37 MB each for 5,000 examples, D = 128)
ALIGNED = "#c6dbef"  # the aligned source position's background: the heatmaps' blue


def needs_pairs(name: str) -> bool:
    """A model trained on a user's pairs: its training data is not in the file, upload it."""
    task = models.get(name).task
    return task is None or not task.generative


def _digest(pairs: tuple[bytes, str] | None) -> str | None:
    return None if pairs is None else hashlib.sha256(pairs[0]).hexdigest()


def training_examples(ckpt, pairs: tuple[bytes, str] | None = None, n: int = N_INDEX) -> list[Example]:
    """``n`` pairs the model trained on: a real corpus's training split as the card's seed cut it
    (``Task.training_data``), ``n`` of them spread evenly over it (it runs shortest first, so every
    length is there, each pair once); a generated task's first ``n``, regenerated from the card's
    task and seed (``tasks.generate`` is deterministic, so its first n are the training set's
    first n); or those of an uploaded pair file."""
    if pairs is not None:
        return read_pairs(*pairs).examples[:n]
    data, task = ckpt.card.data, ckpt.task
    if task.has_splits:
        trained, _ = task.training_data(10**9 if data is None else data.n_train, 0, 0 if data is None else data.seed)
        return [trained[i * len(trained) // n] for i in range(n)] if len(trained) > n else trained
    return generate(task, n if data is None else min(n, data.n_train), 0 if data is None else data.seed)


def space(name: str, pairs: tuple[bytes, str] | None = None) -> StateSpace:
    """The model's axes, fitted once on N_AXES held-out inputs (a pair file: its pairs)."""

    def compute(ckpt) -> StateSpace:
        examples = training_examples(ckpt, pairs, N_AXES) if pairs is not None else heldout(ckpt, N_AXES, SEED)
        with st.spinner(t("states.fitting", n=len(examples))):
            return states.fit_state_space(ckpt, examples)

    return models.per_model(name, ("state_space", N_AXES, SEED, _digest(pairs)), compute)


@st.cache_resource(max_entries=MAX_INDEXES, show_spinner=False)
def _shipped_index(path: str, mtime_ns: int, n: int) -> NeighbourIndex:
    ckpt = models.load(Path(path))
    return states.build_index(ckpt, training_examples(ckpt, n=n))


def index(name: str, pairs: tuple[bytes, str] | None = None) -> NeighbourIndex:
    """The model's index of N_INDEX training examples, built once (a spinner the first time)."""
    if name not in models.session_models():
        path = models.available()[name]
        with st.spinner(t("states.indexing", n=N_INDEX)):
            return _shipped_index(str(path), path.stat().st_mtime_ns, N_INDEX)
    ckpt = models.session_models()[name]
    key = (name, id(ckpt), _digest(pairs))
    slot = st.session_state.setdefault("_state_index", {})  # one index per session
    if key not in slot:
        examples = training_examples(ckpt, pairs)
        with st.spinner(t("states.indexing", n=len(examples))):
            built = states.build_index(ckpt, examples)
        slot.clear()
        slot[key] = built
    return slot[key]


def _tokens(tokens: list[str], marked: int | None, style: str) -> str:
    shown = []
    for i, token in enumerate(tokens):
        text = html.escape(visible_token(token), quote=False)
        shown.append(f'<span class="mark" style="{style}">{text}</span>' if i == marked else text)
    return " ".join(shown)


def neighbours_html(found: list[states.Neighbour], task=None) -> str:
    """The neighbours as a table: similarity, the source with the position the step attended to
    most on a blue ground (argmax α), the target with the step's token in red; a corpus
    sentence's Tatoeba credit on the row's hover (``task.credit``)."""
    heads = (t("states.col_sim"), t("states.col_source"), t("states.col_target"))
    head = "".join(f'<th style="width:{w}">{h}</th>' for h, w in zip(heads, ("12%", "44%", "44%"), strict=True))
    rows = []
    for n in found:
        source = _tokens(n.source_tokens, n.position, f"background:{ALIGNED};font-weight:700;padding:0 2px")
        target = _tokens(n.target_tokens, n.step - 1, f"color:{HIGHLIGHT};font-weight:700")
        credit = task.credit(n.source) if task is not None else None
        hover = f' title="{html.escape(credit + " · CC BY 2.0 FR")}"' if credit else ""
        rows.append(
            f"<tr{hover}><td>{n.similarity:.3f}</td><td>{source}</td>"
            f"<td>{target} <small>(t = {n.step})</small></td></tr>"
        )
    return (
        '<table class="neighbours" style="width:100%;border-collapse:collapse;font-size:1.05rem;'
        "font-family:'Source Code Pro',monospace\">"
        f"<thead style='text-align:left'><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
