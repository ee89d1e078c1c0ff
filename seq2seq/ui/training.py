"""The Train page's work beyond its layout: the settings a person picks, the job they start,
saving a result into the model folder, and the page's uploaders and replay."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from .. import checkpoint, figures, limits
from ..checkpoint import Checkpoint
from ..errors import CheckpointError, InputError
from ..jobs import RunSpec, TrainingJob
from ..pairs import read_pairs
from ..pipeline import DataConfig, TokenizerConfig, make_tokenizer, prepare_data
from ..results import TrainingHistory
from ..tasks import Example, Task, make_task
from ..tokenizers import EOS, SPECIAL_TOKENS
from ..training import TrainConfig
from . import charts, models
from .lang import t
from .text import md_escape

EMB_DIM = 32  # token embeddings of browser-trained models (not a setting: the states matter more)
N_VALID = 500  # held-out pairs validated during training
EVAL_EVERY = 25  # optimizer steps between validations: the live curves' resolution
SAVE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,47}")  # a file stem that is safe on every system and in a URL


@dataclass
class Settings:
    """What the Train page's form asks for (defaults: the form's)."""

    tokenizer_kind: str = "char"  # char | word | sentencepiece
    vocab_size: int = 200  # sentencepiece only
    cell: str = "gru"
    hidden: int = 64  # encoder state size per direction
    layers: int = 1
    bidirectional: bool = True
    decoder: str = "attention"  # vanilla | attention | transformer (heads, d_model: ModelConfig defaults)
    score: str = "additive"  # attention score function
    both: bool = False  # train a vanilla and an attention model one after the other, same data
    teacher_forcing: float = 1.0
    lr: float = 5e-3
    batch_size: int = 128
    n_train: int = 20_000
    seconds: float = 60.0  # time budget per model
    target: float = 0.99  # stop at this held-out exact match

    @property
    def decoders(self) -> list[str]:
        return ["vanilla", "attention"] if self.both else [self.decoder]


def start(task: Task, settings: Settings, pairs: list[Example] | None, state: dict) -> TrainingJob:
    """Queue a training of ``settings`` on ``task`` (``pairs``: the uploaded ones) and keep it
    in ``state`` (the browser's shelf), with the tokens of the probe whose α the page draws live.
    InputError (already worded for the page) when the settings cannot train."""
    model_options = {"cell": settings.cell, "emb_dim": EMB_DIM, "hidden": int(settings.hidden),
                     "layers": int(settings.layers), "bidirectional": settings.bidirectional,
                     "score": settings.score}  # fmt: skip
    tok_cfg = TokenizerConfig(kind=settings.tokenizer_kind, vocab_size=int(settings.vocab_size))
    data_cfg = DataConfig(n_train=int(settings.n_train), n_valid=N_VALID, seed=0)
    train_cfg = TrainConfig(lr=float(settings.lr), batch_size=int(settings.batch_size),
                            teacher_forcing=float(settings.teacher_forcing), max_seconds=float(settings.seconds),
                            target_accuracy=float(settings.target), eval_every=EVAL_EVERY)  # fmt: skip
    try:  # explain impossible settings now, not after a wait in the queue
        train_set, valid_set = prepare_data(task, data_cfg, pairs)
        tokenizer = make_tokenizer(task, train_set, tok_cfg)
    except InputError as exc:
        raise InputError(t("train.cannot", error=exc)) from None
    probe = valid_set[0]  # the first probe the trainer records (pipeline.N_PROBES)
    kwargs = {"task": task, "train_cfg": train_cfg, "data_cfg": data_cfg, "tokenizer_options": tok_cfg, "pairs": pairs}
    job = TrainingJob(
        [RunSpec(dec, kwargs=kwargs | {"model_options": model_options | {"decoder": dec}}) for dec in settings.decoders]
    )
    job.start()  # InputError when the server's queue is full
    state.update(
        train_job=job,
        train_published=False,
        train_names={},
        train_budget=float(settings.seconds),
        train_probe=(
            [*tokenizer.tokenize(probe.source), SPECIAL_TOKENS[EOS]],
            [*tokenizer.tokenize(probe.target), SPECIAL_TOKENS[EOS]],
        ),
    )
    return job


def save_to_models(ckpt: Checkpoint, wanted: str) -> Path:
    """Write ``ckpt`` into the app's model folder as ``wanted``.safetensors; InputError (worded
    for the page) for a name that is not a safe file stem or is already taken."""
    if not SAVE_NAME.fullmatch(wanted):
        raise InputError(t("train.bad_name"))
    target = models.CHECKPOINT_DIR / f"{wanted}{checkpoint.SUFFIX}"
    if target.exists():
        raise InputError(t("train.exists", name=wanted))
    return checkpoint.save(ckpt, target)


# --- the page's widgets that are more than layout ---------------------------------------------------


def pairs_upload() -> tuple[Task, list[Example]]:
    """The pair file uploader: the task and pairs it holds (at most MAX_TRAIN_PAIRS), with
    what reading it noticed; stops the page until a readable file is there."""
    upload = st.file_uploader(t("train.pairs_file"), type=["tsv", "csv", "txt"], key="pairs_file")
    if upload is None:
        st.info(t("train.upload_prompt"))
        st.stop()
    try:
        loaded = read_pairs(upload.getvalue(), upload.name)
    except InputError as exc:
        st.error(str(exc))
        st.stop()
    if len(loaded.examples) > limits.MAX_TRAIN_PAIRS:
        st.warning(t("train.first_pairs", limit=limits.MAX_TRAIN_PAIRS, n=len(loaded.examples)))
    pairs = loaded.examples[: limits.MAX_TRAIN_PAIRS]
    st.success(loaded.summary())
    for note in loaded.notes:
        st.caption(f"⚠ {md_escape(note)}")
    return make_task("pairs", source_name=upload.name, n_pairs=len(pairs), examples=(pairs[0].source,)), pairs


def checkpoint_upload() -> None:
    """Upload a .safetensors into this browser's models (validated like every checkpoint)."""
    with st.expander(t("train.load_ckpt")):
        uploaded = st.file_uploader(t("train.ckpt_label"), type=["safetensors"], key="ckpt_upload")
        loaded_ids = st.session_state.setdefault("uploaded_ids", {})
        if uploaded is not None and uploaded.file_id not in loaded_ids:
            try:
                ckpt = checkpoint.load_bytes(uploaded.getvalue(), uploaded.name)
            except CheckpointError as exc:
                st.error(t("train.refused", error=exc))
            else:
                name = uploaded.name.removesuffix(checkpoint.SUFFIX)
                loaded_ids[uploaded.file_id] = models.add_session_model(ckpt, name)
        if uploaded is not None and uploaded.file_id in loaded_ids:
            st.success(t("train.loaded_as", name=md_escape(loaded_ids[uploaded.file_id])))


def replay(history: TrainingHistory, look: figures.Look) -> None:
    """The attention of the first probe at a chosen validation: alignment forming, replayed."""
    st.subheader(t("train.replay"))
    snapshots, probe = history.attention, history.probes[0]
    k = st.select_slider(
        t("train.replay_step"), options=list(range(len(snapshots))), value=len(snapshots) - 1,
        format_func=lambda i: t("train.replay_format", step=snapshots[i]["step"]), key="replay",
    )  # fmt: skip
    title = look.t("train.replay_title", source=figures.display_token(probe["source"]), step=snapshots[k]["step"])
    charts.show(
        figures.alignment_heatmap(snapshots[k]["alpha"][0], probe["source_tokens"], probe["target_tokens"],
                                  title=title, look=look),
        "replay_heatmap",
        "attention-replay",
    )  # fmt: skip
