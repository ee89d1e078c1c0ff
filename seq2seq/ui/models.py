"""Finding and loading checkpoints for the app (read-only, cached, bounded)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import streamlit as st

from seq2seq.analysis import experiments, mistakes
from seq2seq.core import checkpoint, families, search
from seq2seq.core.checkpoint import Checkpoint
from seq2seq.errors import CheckpointError
from seq2seq.ui import browser, charts, lang, store
from seq2seq.ui.lang import t

T = TypeVar("T")
REPO_ROOT = Path(__file__).resolve().parents[2]
# ATTENTION_LAB_CHECKPOINTS points the app at another folder (tests use it).
CHECKPOINT_DIR = Path(os.environ.get("ATTENTION_LAB_CHECKPOINTS", REPO_ROOT / "checkpoints"))


def available() -> dict[str, Path]:
    """Checkpoint file stem -> path, for the model picker."""
    return {p.stem: p for p in checkpoint.list_checkpoints(CHECKPOINT_DIR)}


@st.cache_resource(max_entries=32, show_spinner="Loading model…")
def _load(path: str, mtime_ns: int) -> Checkpoint:
    # mtime in the key: a checkpoint rebuilt on disk is reloaded, not served stale
    return checkpoint.load(path)


def load(path: Path) -> Checkpoint:
    """A shared, read-only model (never train or modify what this returns)."""
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        raise CheckpointError(f"checkpoint {path.name} is no longer there") from None
    return _load(str(path), mtime)


SESSION_MARK = store.SESSION_MARK


@st.cache_resource
def _shelves() -> store.ShelfStore:
    """Every browser's session models in this server process (bounded: see store.py)."""
    return store.ShelfStore()


def shelf() -> store.Shelf:
    """This browser's shelf: its models and its Train page's state, kept across reloads."""
    return _shelves().shelf(browser.browser_id())


def session_models() -> dict[str, Checkpoint]:
    """Models trained or uploaded in this browser (no other browser sees them)."""
    return shelf().models


def add_session_model(ckpt: Checkpoint, base: str) -> str:
    """Keep ``ckpt`` for this browser under a fresh name ("★ reverse-attention 2"); returns it."""
    return _shelves().add(browser.browser_id(), ckpt, base)


def publish_trained() -> dict[str, str]:
    """The results of this browser's finished training as session models, each added once
    (whichever page is open when it finishes): training label -> model name."""
    state = shelf().state
    job, names = state.get("train_job"), state.setdefault("train_names", {})
    if job is not None and job.finished:
        for label, ckpt in job.results.items():
            if label not in names:
                names[label] = add_session_model(ckpt, f"{ckpt.card.task}-{label}")
    return names


def download_name(name: str) -> str:
    """The file name a session model downloads as: never a shipped checkpoint's name, so a
    student's model cannot be mistaken for (or dropped over) the zoo's."""
    stem = charts.slug(name.removeprefix(SESSION_MARK), limit=60) + "-trained"
    taken, n = set(available()), 1
    while (candidate := stem if n == 1 else f"{stem}-{n}") in taken:
        n += 1
    return f"{candidate}{checkpoint.SUFFIX}"


def describe(ckpt: Checkpoint) -> str:
    """One line for the sidebar: task, decoder and how good it is."""
    cfg = ckpt.model.cfg
    task = ckpt.card.task or "custom"
    if ckpt.task is not None and ckpt.task.character_task:
        task += f" {ckpt.task.min_len}–{ckpt.task.max_len}"
    em, bleu = ckpt.card.exact_match, ckpt.card.metrics.bleu
    if ckpt.task is not None and ckpt.task.has_splits and bleu is not None:  # real text: exact match is ~0
        quality = t("model.quality_bleu", bleu=bleu)
    else:
        quality = t("model.quality", em=em) if em is not None else ""
    return t(
        "model.describe",
        task=task,
        decoder=decoder_name(cfg),
        cell=cfg.family.width(cfg)[0],
        hidden=cfg.family.width(cfg)[1],
        quality=quality,
    )


def decoder_name(cfg) -> str:
    """ "attention (additive)" or "vanilla (fixed c)", in the reader's language (the family's words)."""
    return cfg.family.long_label(cfg, lang.current())


def overview() -> list[dict]:
    """One row per available checkpoint for the Home page's table (loads are cached)."""
    rows = []
    for name, path in available().items():
        try:
            ckpt = load(path)
        except CheckpointError as exc:
            rows.append(
                {
                    t("home.col_model"): name,
                    t("home.col_task"): "—",
                    t("home.col_decoder"): t("model.cannot_load_row", error=exc),
                }
            )
            continue
        cfg, metrics = ckpt.model.cfg, ckpt.card.metrics
        rows.append(
            {
                t("home.col_model"): name,
                t("home.col_task"): ckpt.card.task or "—",
                t("home.col_decoder"): decoder_name(cfg),
                t("home.col_exact"): metrics.exact_match,
                "BLEU": metrics.bleu,
                "AER": _aer_cell(ckpt),
            }
        )
    return rows


def _aer_cell(ckpt: Checkpoint) -> str:
    """The Home table's AER: the card's number, "no gold alignments" where the task has none
    (real sentence pairs), "—" where the model has no α to align with."""
    if ckpt.card.metrics.aer is not None:
        return f"{ckpt.card.metrics.aer:.2f}"
    if ckpt.task is not None and not mistakes.has_gold_alignments(ckpt):
        return t("aer.no_gold")
    return "—"


def readers_of(ckpt: Checkpoint) -> Iterator[tuple[str, Checkpoint]]:
    """(name, model) of every model that reads ``ckpt``'s inputs (``experiments.compatible``),
    shipped then this browser's, in listing order; models that no longer load are skipped."""
    for name in all_names():
        try:
            other = get(name)
        except CheckpointError:
            continue
        if experiments.compatible(ckpt, other) is None:
            yield name, other


def _partner_rank(base: Checkpoint, name: str, other: Checkpoint) -> tuple:
    """Sort key of a model to set beside ``base``: trained on the same pairs first, then the
    family's plain model, shipped before this browser's own, then the shorter name."""
    return (other.card.data != base.card.data, *_plainness(other), name in session_models(), len(name), name)


def sibling(name: str) -> str | None:
    """The model to set beside ``name``: one of the other decoder (``cfg.decoder``) that reads
    the same task's inputs — trained on the same pairs where there is one
    (reverse-attention <-> reverse-vanilla); shipped models before this browser's own."""
    try:
        ckpt = get(name)
    except CheckpointError:
        return None
    ranks = [
        _partner_rank(ckpt, other_name, other)
        for other_name, other in readers_of(ckpt)
        if other.model.cfg.family is not ckpt.model.cfg.family
    ]
    return min(ranks)[-1] if ranks else None


def _plainness(ckpt: Checkpoint) -> tuple[bool, bool]:
    """Sort key part: the lecture's plain model of a family first — Bahdanau attention with the
    additive score and a softmax before any variant (Luong, local, entmax, coverage) or other score."""
    cfg = ckpt.model.cfg
    variant, score = cfg.family.variant(cfg), cfg.family.score(cfg)
    return (variant is not None and variant != score, score is not None and score != "additive")


def families_of(names) -> dict[str, type[families.Family]]:
    """Model name -> its family (``cfg.family``); gone models left out."""
    out = {}
    for name in names:
        try:
            out[name] = get(name).model.cfg.family
        except CheckpointError:
            continue
    return out


def colours(names) -> dict[str, str]:
    """Model name -> its family's colour, for the figures' lines; gone models left out."""
    return {name: family.colour for name, family in families_of(names).items()}


def vanilla_first(names) -> list[str]:
    """``names`` in the story's order of their families (``Family.order``: vanilla, attention,
    Transformer), then by name (Compare's left and right, the Lecture's bottleneck curve)."""
    found = families_of(names)
    return sorted(names, key=lambda n: (found[n].order if n in found else 10**6, n))


def all_families(names) -> list[str]:
    """``names`` plus, for every family (``cfg.decoder``) none of them has, one model of it that
    reads the same task's inputs (trained on the same pairs where there is one; shipped models
    first), in the story's order: Compare's length curve with all three families at once."""
    names = list(dict.fromkeys(names))
    found = families_of(names)
    if not found:
        return names
    base = get(names[0])
    missing = set(families.all_families()) - set(found.values())
    best: dict[type[families.Family], tuple] = {}
    for other_name, other in readers_of(base):
        family = other.model.cfg.family
        if family in missing:
            rank = _partner_rank(base, other_name, other)
            best[family] = min(best.get(family, rank), rank)
    return vanilla_first(names + [rank[-1] for rank in best.values()])


@st.cache_resource
def _results() -> dict:
    """Shared store of results computed from read-only shipped models (bounded in ``per_model``)."""
    return {}


MAX_RESULTS = 64  # entries per store; the oldest goes first


def per_model(name: str, what: tuple, compute: Callable[[Checkpoint], T], compute_now: bool = True) -> T | None:
    """``compute(model)`` once per shipped file version, shared by every session, or once per
    session for a session's own model (never shared). ``what`` names the computation and its
    arguments. ``compute_now=False`` only looks: None when nothing has been computed yet.

    (Not st.cache_data: a first computation may report progress to the page.)
    """
    if name in session_models():
        ckpt = session_models()[name]
        store, key = st.session_state.setdefault("_session_results", {}), (name, id(ckpt), *what)
    else:
        path = available()[name]
        ckpt, store, key = None, _results(), (str(path), path.stat().st_mtime_ns, *what)
    if key not in store:
        if not compute_now:
            return None
        value = compute(ckpt if ckpt is not None else load(path))
        if len(store) >= MAX_RESULTS:
            store.pop(next(iter(store)))
        store[key] = value
    return store[key]


def length_curve(name: str, n: int, progress=None) -> list[dict]:
    """``experiments.accuracy_by_length`` of a model, computed once (``per_model``)."""
    return per_model(
        name, ("length_curve", n), lambda ckpt: experiments.accuracy_by_length(ckpt, n=n, progress=progress)
    )


def all_names() -> list[str]:
    """Shipped checkpoints, then this session's models."""
    return list(available()) + list(session_models())


def get(name: str) -> Checkpoint:
    """A shipped or session model by name (CheckpointError if it is gone)."""
    if name in session_models():
        return session_models()[name]
    found = available()
    if name not in found:
        raise CheckpointError(f"there is no model named {name}")
    return load(found[name])


N_CURVE = 1000  # held-out inputs per model for the length curve (Compare and Lecture share the cache)


def length_curves(names: list[str], n: int = N_CURVE) -> dict[str, list[dict]]:
    """``length_curve`` of each model, with one progress bar on the page while they compute."""
    bar = st.progress(0.0, text=t("common.measuring_length"))
    curves = {
        name: length_curve(name, n, lambda f, i=i: bar.progress((i + f) / len(names))) for i, name in enumerate(names)
    }
    bar.empty()
    return curves


def score_curves(names: list[str]) -> dict[str, list[dict]]:
    """``experiments.scores_by_length`` of each model (a real corpus's test split: BLEU and chrF
    by source length), computed once per model (``per_model``), one progress bar while they compute."""
    bar = st.progress(0.0, text=t("common.measuring_length"))
    curves = {
        name: per_model(
            name,
            ("score_curve", experiments.SCORE_BUCKETS),
            lambda ckpt, i=i: experiments.scores_by_length(ckpt, progress=lambda f: bar.progress((i + f) / len(names))),
        )
        for i, name in enumerate(names)
    }
    bar.empty()
    return curves


MAX_TRACES = 4  # per session


def trace(ckpt: Checkpoint, source: str, forced: dict[int, int] | None = None) -> search.DecodeTrace:
    """``search.trace`` of a model on an input, kept for this session (the last MAX_TRACES):
    a full rerun that changes neither (play starting or stopping, an undone what-if, the
    language) does not decode again. Read-only: never modify what this returns."""
    memo = st.session_state.setdefault("_traces", {})
    key = (id(ckpt.model), source, tuple(sorted((forced or {}).items())))
    hit = memo.pop(key, None)
    if hit is None or hit[0] is not ckpt.model:  # the model kept with it: an id is never reused while held
        hit = (ckpt.model, search.trace(ckpt.model, ckpt.tokenizer, source, forced=forced or None))
    memo[key] = hit  # the newest last
    while len(memo) > MAX_TRACES:
        memo.pop(next(iter(memo)))
    return hit[1]
