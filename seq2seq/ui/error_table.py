"""The Errors page's glue: an error analysis computed once per model and inputs (shared like
the length curves), and its rows as a table that links each input to the Translate page."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from seq2seq import i18n
from seq2seq.analysis import mistakes
from seq2seq.analysis.mistakes import RISK, ErrorAnalysis
from seq2seq.data.pairs import read_pairs
from seq2seq.data.tasks import Example
from seq2seq.ui import lang, models
from seq2seq.ui.lang import t

N_CHOICES = (100, 200, 500, 1000, 2000)
SEED = 2024  # the page's inputs: the same for every visitor, so a link shows the same rows


def from_url(param: str, options: list[str], default: str, prefix: str = "errors") -> str:
    """The session-state key (``prefix_param``) of a translated picker kept in the URL by hand
    (``?param=``): a bound widget with ``format_func`` would write the translated label into the
    link. Seeds the picker from the link, or ``default`` when it holds no valid choice."""
    key = f"{prefix}_{param}"
    if st.session_state.get(key) not in options:
        wanted = st.query_params.get(param)
        st.session_state[key] = wanted if wanted in options else default
    return key


def to_url(param: str, value: str, default: str) -> None:
    """Write a picker's choice back to the link (left out when it is the default)."""
    if value == default:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = value


def analyze(name: str, inputs: str, n: int, pairs: tuple[bytes, str] | None = None) -> ErrorAnalysis:
    """``mistakes.analyze`` of model ``name`` on ``n`` generated inputs of kind ``inputs``
    ("heldout" | "longer") or on an uploaded pairs file (``pairs``: its bytes and name), with a
    progress bar, computed once (``models.per_model``)."""
    what = ("errors", inputs, n, SEED)
    if pairs is not None:
        what = ("errors", "pairs", hashlib.sha256(pairs[0]).hexdigest())

    def compute(ckpt) -> ErrorAnalysis:
        if pairs is not None:
            examples: list[Example] = read_pairs(*pairs).examples
        else:
            examples = mistakes.inputs_for(ckpt, inputs, n, SEED)
        bar = st.progress(0.0, text=t("errors.decoding", n=len(examples)))
        try:
            return mistakes.analyze(ckpt, examples, progress=lambda f: bar.progress(f))
        finally:
            bar.empty()

    return models.per_model(name, what, compute)


def translate_link(model: str, source: str) -> str:
    """The Translate page at this input (relative, so it works under any base path)."""
    query = {"model": model, "src": source}
    if lang.current() != i18n.DEFAULT:
        query[lang.LANG_KEY] = lang.current()
    return "translate?" + urlencode(query)


def table(result: ErrorAnalysis, model: str, show: str, sort: str) -> pd.DataFrame:
    """The rows to list: ``show`` "all" | "wrong" | "right", most suspicious ``sort`` first
    (``RISK``'s direction), a link to Translate first, the fields the rows lack left out."""
    rows = [r for r in result.rows if show == "all" or r.correct == (show == "right")]
    rows.sort(key=lambda r: -RISK[sort] * getattr(r, sort))
    scored = result.rows and result.rows[0].chrf is not None  # real sentences: the score that judged them
    fields = ["source", "target", "output", "correct", *(["chrf"] if scored else []), *result.available()]
    frame = pd.DataFrame([{f: getattr(r, f) for f in fields} for r in rows], columns=fields)
    frame.insert(0, "open", [translate_link(model, r.source) for r in rows])
    frame["correct"] = frame["correct"].map({True: "✅", False: "❌"})
    return frame


def column_config(result: ErrorAnalysis) -> dict:
    """Localised headers, number formats and the link column."""
    number = st.column_config.NumberColumn
    config = {
        "open": st.column_config.LinkColumn(t("errors.col.open"), display_text=t("errors.col.open_text"), width=80),
        "source": st.column_config.TextColumn(t("errors.col.source"), width="medium"),
        "target": st.column_config.TextColumn(t("errors.col.target"), width="medium"),
        "output": st.column_config.TextColumn(t("errors.col.output"), width="medium"),
        "correct": st.column_config.TextColumn(t("errors.col.correct"), width="small"),
    }
    formats = {"log_prob": "%.3f", "entropy": "%.3f", "coverage_deficit": "%d", "aer": "%.2f", "length": "%d"}
    if result.rows and result.rows[0].chrf is not None:  # a real sentence: one of its translations, not "the answer"
        config["target"] = st.column_config.TextColumn(
            t("errors.col.reference"), width="medium", help=t("errors.help.reference")
        )
        config["chrf"] = number(t("errors.col.chrf"), format="%.1f", help=t("errors.help.chrf"))
    for name in result.available():
        config[name] = number(t(f"errors.col.{name}"), format=formats[name], help=t(f"errors.help.{name}"))
    return config


def predictors(result: ErrorAnalysis) -> pd.DataFrame:
    """``mistakes.predictive_power`` as a small table with localised headers."""
    return pd.DataFrame(
        [
            {
                t("errors.predict.field"): t(f"errors.col.{p.name}"),
                t("errors.predict.auc"): "–" if p.auc is None else f"{p.auc:.2f}",
                t("errors.predict.top"): f"{p.top_error_rate:.1%} (n={p.top_n})",
                t("errors.predict.bottom"): f"{p.bottom_error_rate:.1%} (n={p.bottom_n})",
            }
            for p in mistakes.predictive_power(result)
        ]
    )
