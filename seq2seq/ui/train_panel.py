"""The Train page's work beyond its layout: the settings a person picks, the job they start,
saving a result into the model folder, and the page's uploaders and replay."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import streamlit as st

from seq2seq import figures, limits
from seq2seq.core import checkpoint, families
from seq2seq.core.attention import NORMS, SCORES
from seq2seq.core.card import DataConfig, TokenizerConfig, TrainConfig
from seq2seq.core.checkpoint import Checkpoint
from seq2seq.core.results import TrainingHistory
from seq2seq.core.rnn import MAX_WINDOW, PLACEMENTS
from seq2seq.data.pairs import read_pairs
from seq2seq.data.tasks import Example, Task, make_task
from seq2seq.data.tokenizers import EOS, SPECIAL_TOKENS
from seq2seq.errors import CheckpointError, InputError
from seq2seq.training.jobs import RunSpec, TrainingJob
from seq2seq.training.pipeline import make_tokenizer, prepare_data
from seq2seq.ui import charts, lang, models
from seq2seq.ui.lang import say, t
from seq2seq.ui.text import md_escape

EMB_DIM = 32  # token embeddings of browser-trained models (not a setting: the states matter more)
N_VALID = 500  # held-out pairs validated during training
EVAL_EVERY = 25  # optimizer steps between validations: the live curves' resolution
SAVE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,47}")  # a file stem that is safe on every system and in a URL


@dataclass
class Settings:
    """What the Train page's form asks for (defaults: the form's)."""

    tokenizer_kind: str = "char"  # char | word | sentencepiece | PER_SIDE (the task's unit on each side)
    vocab_size: int = 200  # sentencepiece only
    cell: str = "gru"
    hidden: int = 64  # encoder state size per direction
    layers: int = 1
    bidirectional: bool = True
    decoder: str = "attention"  # a model family's name (seq2seq/core/families)
    heads: int = 4  # the Transformer's heads per layer (its d_model is ``hidden``, its ff_dim twice that)
    score: str = "additive"  # attention score function
    placement: str = "bahdanau"  # bahdanau | luong (the attention variants: rnn.AttentionConfig)
    input_feeding: bool = False
    attention_norm: str = "softmax"
    window: int = 0
    coverage: bool = False
    coverage_loss: float = 0.0
    together: str = "one"  # one: ``decoder`` | pair: the notes' two (vanilla, attention) | three: every family
    teacher_forcing: float = 1.0
    lr: float = 5e-3
    batch_size: int = 128
    n_train: int = 20_000
    seconds: float = 60.0  # time budget per model
    target: float = 0.99  # stop at this held-out exact match

    @property
    def decoders(self) -> list[str]:
        """The models trained one after the other on the same data and budget."""
        everyone = families.all_families()
        chosen = {"one": [families.get(self.decoder)], "pair": [f for f in everyone if f.in_notes], "three": everyone}
        return [f.name for f in chosen[self.together]]

    def model_options(self, decoder: str) -> dict:
        """The fields (but the vocabulary) of ``decoder``'s config, picked from the form by the
        family (``Family.make_config``): one width serves an RNN's state and a Transformer's d_model."""
        form = {"cell": self.cell, "emb_dim": EMB_DIM, "hidden": int(self.hidden), "layers": int(self.layers),
                "bidirectional": self.bidirectional, "score": self.score, "placement": self.placement,
                "input_feeding": bool(self.input_feeding), "attention_norm": self.attention_norm,
                "window": int(self.window), "coverage": bool(self.coverage), "heads": int(self.heads),
                "d_model": int(self.hidden), "ff_dim": 2 * int(self.hidden)}  # fmt: skip
        mine = families.get(decoder).config.field_names()
        return {"decoder": decoder} | {k: v for k, v in form.items() if k in mine}

    def run_options(self, decoder: str, train_cfg: TrainConfig) -> dict:
        """``pipeline.train_on_task``'s model options and training config for ``decoder``, at the
        family's share of the form's rate (``Family.lr_scale``: the Transformer trains at a fifth)."""
        train_cfg = replace(train_cfg, lr=train_cfg.lr * families.get(decoder).lr_scale)
        return {"model_options": self.model_options(decoder), "train_cfg": train_cfg}

    def check(self) -> None:
        """InputError (worded for the page) for a variant that cannot be built, before any data is made."""
        for decoder in self.decoders:
            try:
                options = self.model_options(decoder)
                families.make_config(options.pop("decoder"), 8, **options)
            except ValueError as exc:
                raise InputError(t("train.cannot", error=exc)) from None


TOGETHER = ("one", "pair", "three")  # Settings.together
PER_SIDE = "per side"  # Settings.tokenizer_kind: a tokenizer per side in the task's units (TokenizerPair)
SETTINGS_OPEN = "train_settings_open"  # the key of the presenter's settings expander


def _request_training() -> None:
    """▶ Train's callback: ask the page body to queue a training, and fold the presenter's
    settings away so the curves it draws are on the screen (not scrolled off above)."""
    st.session_state.update({"train_requested": True, SETTINGS_OPEN: False})


def settings_form(task: Task) -> Settings:
    """The Train page's settings, as ``Settings``: which decoders to train first (outside the form,
    so that picking one redraws the form), then a form with the fields those decoders read — the
    RNN's cell and direction only when an RNN is trained, the attention variant only for the
    attention decoder, the heads only for the Transformer (a field not shown keeps its default)."""
    top = st.columns(3)
    offered = sorted(families.names(), key=lambda n: not families.get(n).imposable_alpha)  # attention first
    decoder = top[0].selectbox(t("train.decoder"), offered, key="tr_decoder", format_func=lang.decoder_label)
    together = top[1].selectbox(t("train.together"), TOGETHER, key="tr_together",
                                format_func=lambda k: t(f"train.together.{k}"))  # fmt: skip
    chosen = [families.get(name) for name in Settings(decoder=decoder, together=together).decoders]
    rnn = any(f.recurrent for f in chosen)
    fields: dict = {"decoder": decoder, "together": together}
    with st.form("train_settings"):
        a, b, c = st.columns(3)
        d, e, f = st.columns(3)
        sided = task.source_unit != task.target_unit  # e.g. English words in, Chinese characters out
        kinds = [PER_SIDE] * sided + ["char", "word", "sentencepiece"]
        per_side = t("train.tokenizer.per_side", source=task.source_unit, target=task.target_unit)
        fields |= {
            "tokenizer_kind": a.selectbox(t("train.tokenizer"), kinds,
                                          index=0 if sided else kinds.index(task.tokenizer_kind), key="tr_tokenizer",
                                          format_func=lambda k: per_side if k == PER_SIDE else k),
            "vocab_size": a.number_input(t("train.vocab"), 8, limits.MAX_VOCAB, 200, help=t("train.vocab_help"),
                                         key="tr_vocab"),
            "hidden": b.number_input(t("train.hidden") if rnn else t("train.d_model"), 1, limits.MAX_HIDDEN, 64,
                                     key="tr_hidden", help=t("train.hidden_help")),
            "layers": b.selectbox(t("train.layers"), [1, 2, 3, 4], key="tr_layers", help=t("train.layers_help")),
        }  # fmt: skip
        if rnn:
            fields |= {
                "cell": a.selectbox(t("train.cell"), ["gru", "lstm", "rnn"], key="tr_cell"),
                "bidirectional": b.checkbox(t("train.bidirectional"), value=True, key="tr_bidirectional"),
            }
        if any(f.heads for f in chosen):
            fields["heads"] = c.number_input(t("train.heads"), 1, limits.MODEL_LIMITS["heads"], 4, key="tr_heads")
        if any(f.variants for f in chosen):
            fields |= {
                "score": c.selectbox(t("train.score"), SCORES, index=SCORES.index("additive"), key="tr_score",
                                     format_func=lang.score_name),
                "placement": a.selectbox(t("train.placement"), PLACEMENTS, key="tr_placement",
                                         format_func=lambda p: t(f"train.placement.{p}")),
                "input_feeding": a.checkbox(t("train.input_feeding"), value=False, key="tr_input_feeding"),
                "attention_norm": b.selectbox(t("train.norm"), NORMS, key="tr_norm",
                                              format_func=lambda n: t(f"train.norm.{n}")),
                "window": b.number_input(t("train.window"), 0, MAX_WINDOW, 0, key="tr_window"),
                "coverage": c.checkbox(t("train.coverage"), value=False, key="tr_coverage"),
                "coverage_loss": c.number_input(t("train.coverage_loss"), 0.0, 10.0, 0.0, 0.5,
                                                key="tr_coverage_loss"),
            }  # fmt: skip
        fields |= {
            "teacher_forcing": d.slider(t("train.teacher_forcing"), 0.0, 1.0, 1.0, 0.05, key="tr_teacher_forcing"),
            "lr": d.number_input(t("train.lr"), 1e-5, 1e-1, 5e-3, format="%.4f", key="tr_lr", help=t("train.lr_help")),
            "batch_size": e.number_input(t("train.batch"), 1, limits.MAX_BATCH, 128, key="tr_batch"),
            "n_train": e.number_input(t("train.n_train"), 100, limits.MAX_TRAIN_PAIRS, 20_000, step=1000,
                                      key="tr_n_train"),
            "seconds": f.number_input(t("train.seconds"), 5, limits.MAX_TRAIN_SECONDS, 60, key="tr_seconds"),
            "target": f.slider(t("train.target"), 0.5, 1.0, 0.99, 0.01, key="tr_target"),
        }  # fmt: skip
        # a callback, not the return value: it survives a rerun that happens before the page body runs
        st.form_submit_button(t("train.submit"), type="primary", on_click=_request_training)
    return Settings(**fields)


def start(task: Task, settings: Settings, pairs: list[Example] | None, state: dict) -> TrainingJob:
    """Queue a training of ``settings`` on ``task`` (``pairs``: the uploaded ones) and keep it
    in ``state`` (the browser's shelf), with the tokens of the probe whose α the page draws live.
    InputError (already worded for the page) when the settings cannot train."""
    settings.check()
    per_side = settings.tokenizer_kind == PER_SIDE
    tok_cfg = TokenizerConfig(
        kind=None if per_side else settings.tokenizer_kind,
        vocab_size=int(settings.vocab_size),
        min_count=2 if task.has_splits else 1,
    )  # fmt: skip  (a real corpus: rare words <unk>)
    data_cfg = DataConfig(n_train=int(settings.n_train), n_valid=N_VALID, seed=0)
    train_cfg = TrainConfig(lr=float(settings.lr), batch_size=int(settings.batch_size),
                            teacher_forcing=float(settings.teacher_forcing), max_seconds=float(settings.seconds),
                            target_accuracy=float(settings.target), eval_every=EVAL_EVERY,
                            coverage_loss=float(settings.coverage_loss))  # fmt: skip
    try:  # explain impossible settings now, not after a wait in the queue
        train_set, valid_set = prepare_data(task, data_cfg, pairs)
        tokenizer = make_tokenizer(task, train_set, tok_cfg)
    except InputError as exc:
        raise InputError(t("train.cannot", error=exc)) from None
    probe = valid_set[0]  # the first probe the trainer records (pipeline.N_PROBES)
    kwargs = {"task": task, "train_cfg": train_cfg, "data_cfg": data_cfg, "tokenizer_options": tok_cfg, "pairs": pairs}
    job = TrainingJob([RunSpec(dec, kwargs=kwargs | settings.run_options(dec, train_cfg)) for dec in settings.decoders])
    job.start()  # InputError when the server's queue is full
    state.update(
        train_job=job,
        train_published=False,
        train_names={},
        train_budget=float(settings.seconds),
        train_probe=(
            [*tokenizer.source.tokenize(probe.source), SPECIAL_TOKENS[EOS]],
            [*tokenizer.target.tokenize(probe.target), SPECIAL_TOKENS[EOS]],
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
        st.error(say(exc))
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
    if any("attention_entropy" in v for v in history.valid):  # how alignment formed, under the replay's slider
        charts.show(figures.alignment_curves({"": history}, look), "replay_alignment", "alignment-curves")
    title = look.t("train.replay_title", source=figures.display_token(probe["source"]), step=snapshots[k]["step"])
    charts.show(
        figures.alignment_heatmap(snapshots[k]["alpha"][0], probe["source_tokens"], probe["target_tokens"],
                                  title=title, look=look),
        "replay_heatmap",
        "attention-replay",
    )  # fmt: skip
