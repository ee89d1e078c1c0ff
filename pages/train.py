"""Train in the browser: watch the loss fall and the attention of a probe sharpen into the alignment."""

import random

import pandas as pd
import streamlit as st

from seq2seq import checkpoint, figures, limits
from seq2seq.attention import SCORES
from seq2seq.errors import InputError
from seq2seq.jobs import TrainingJob
from seq2seq.tasks import BUILT_IN, TASKS, make_task
from seq2seq.ui import charts, frame, lang, models, training
from seq2seq.ui.lang import t
from seq2seq.ui.text import md_escape

frame.ensure()
OWN = "pairs"  # the task select's value for an uploaded file

look = lang.look()
st.title(t("train.title"))
st.caption(t("train.caption"))

presenting = lang.presenting()
kept = models.shelf().state  # this browser's training: still here after a reload
job: TrainingJob | None = kept.get("train_job")
# On a projector the live curves are what the room watches: while a training exists they come
# first, and the settings fold away above them.
live_slot = st.container()
settings_box = st.expander(t("train.settings"), expanded=job is None) if presenting else st.container()
with settings_box:
    # --- what to learn ---------------------------------------------------------------------------
    choice = st.selectbox(
        t("train.task"),
        [*BUILT_IN, OWN],
        index=BUILT_IN.index("reverse"),
        key="train_task",
        format_func=lambda name: t("train.own_pairs") if name == OWN else name,
    )
    pairs = None
    if choice == OWN:
        task, pairs = training.pairs_upload()
        sample = pairs[:5]
    else:
        if TASKS[choice].character_task:
            lo, hi = st.slider(t("train.lengths"), 1, 40, (3, 12), key="train_lengths")
            task = make_task(choice, min_len=lo, max_len=hi)
        else:
            task = make_task(choice)
        st.caption(task.describe(lang.current()))
        rng = random.Random(0)
        sample = [task.sample(rng) for _ in range(5)]
    st.dataframe(
        pd.DataFrame([{t("train.col_source"): ex.source, t("train.col_target"): ex.target} for ex in sample]),
        hide_index=True,
        width="stretch",
    )

    # --- how -------------------------------------------------------------------------------------
    with st.form("train_settings"):
        a, b, c = st.columns(3)
        d, e, f = st.columns(3)
        kinds = ["char", "word", "sentencepiece"]
        settings = training.Settings(
            tokenizer_kind=a.selectbox(t("train.tokenizer"), kinds, index=kinds.index(task.tokenizer_kind),
                                       key="tr_tokenizer"),
            vocab_size=a.number_input(t("train.vocab"), 8, limits.MAX_VOCAB, 200, help=t("train.vocab_help"),
                                      key="tr_vocab"),
            cell=a.selectbox(t("train.cell"), ["gru", "lstm", "rnn"], key="tr_cell"),
            hidden=b.number_input(t("train.hidden"), 1, limits.MAX_HIDDEN, 64, key="tr_hidden"),
            layers=b.selectbox(t("train.layers"), [1, 2], key="tr_layers"),
            bidirectional=b.checkbox(t("train.bidirectional"), value=True, key="tr_bidirectional"),
            decoder=c.selectbox(t("train.decoder"), ["attention", "vanilla", "transformer"], key="tr_decoder",
                                format_func=lang.decoder_label),
            score=c.selectbox(t("train.score"), SCORES, index=SCORES.index("additive"), key="tr_score",
                              format_func=lang.score_name),
            both=c.checkbox(t("train.both"), value=False, key="tr_both"),
            teacher_forcing=d.slider(t("train.teacher_forcing"), 0.0, 1.0, 1.0, 0.05, key="tr_teacher_forcing"),
            lr=d.number_input(t("train.lr"), 1e-5, 1e-1, 5e-3, format="%.4f", key="tr_lr"),
            batch_size=e.number_input(t("train.batch"), 1, limits.MAX_BATCH, 128, key="tr_batch"),
            n_train=e.number_input(t("train.n_train"), 100, limits.MAX_TRAIN_PAIRS, 20_000, step=1000,
                                   key="tr_n_train"),
            seconds=f.number_input(t("train.seconds"), 5, limits.MAX_TRAIN_SECONDS, 60, key="tr_seconds"),
            target=f.slider(t("train.target"), 0.5, 1.0, 0.99, 0.01, key="tr_target"),
        )  # fmt: skip
        # a callback, not the return value: it survives a rerun that happens before the page body runs
        st.form_submit_button(
            t("train.submit"), type="primary", on_click=lambda: st.session_state.update(train_requested=True)
        )


if not presenting:  # an advanced control
    training.checkpoint_upload()

if st.session_state.pop("train_requested", False):
    if job is not None and not job.finished:
        st.warning(t("train.still_running"))
    else:
        try:
            job = training.start(task, settings, pairs, kept)
        except InputError as exc:
            st.error(str(exc))
            st.stop()

if job is None:
    st.stop()


# --- live ------------------------------------------------------------------------------------
@st.fragment(run_every=1.0 if not job.finished else None)
def live() -> None:
    job.beat()
    budget = kept.get("train_budget", 60.0)
    if job.state == "queued":
        st.info(t("train.queued", position=job.queue_position))
    elif job.state == "running":
        label = next((s.label for s in job.specs if s.label not in job.results), "")
        done = job.seconds.get(label, 0.0)
        last = job.events.get(label, [])
        acc = t("train.progress_acc", acc=last[-1].valid["exact_match"]) if last else ""
        st.progress(
            min(1.0, done / budget),
            text=t("train.progress", label=lang.decoder_label(label), done=done, budget=budget, acc=acc),
        )
        st.button(t("train.stop"), on_click=job.stop, key="stop_training")
    elif job.state == "failed":
        st.error(job.message)
    else:
        st.success(
            t("train.done", state=t(f"train.state.{job.state}"), message=": " + job.message if job.message else "")
        )
    labels = [spec.label for spec in job.specs]  # the decoders
    histories, decoders = {label: job.history(label) for label in labels}, {label: label for label in labels}
    # presentation mode: the curves and the probe side by side, all on the screen with the stop button
    h1, h2, h3 = st.columns(3) if presenting else (*st.columns(2), st.container())
    fitted = look.fit(lang.SCREEN_HEIGHT - 420 if presenting else None)
    with h1:
        charts.show(figures.training_curves(histories, "loss", fitted, decoders=decoders), "live_loss", "training-loss")
    with h2:
        charts.show(
            figures.training_curves(histories, "exact_match", fitted, decoders=decoders),
            "live_accuracy",
            "training-accuracy",
        )
    latest = job.latest_probe()
    if latest is not None and "train_probe" in kept:
        source_tokens, target_tokens = kept["train_probe"]
        with h3:
            charts.show(
                figures.alignment_heatmap(
                    latest.probe_alpha[0],
                    source_tokens,
                    target_tokens,
                    title=look.t("train.probe_title", step=latest.step),
                    look=fitted,
                ),
                "live_probe",
                "probe-attention",
            )
    if job.finished and not kept.get("train_published"):
        kept["train_published"] = True
        st.rerun(scope="app")


if presenting:  # above the folded settings
    with live_slot:
        live()
else:
    live()

if not job.finished or not job.results:
    st.stop()

# --- afterwards: use it, keep it, replay it ------------------------------------------------------
names = models.publish_trained()
st.subheader(t("train.your_models"))
for label, ckpt in job.results.items():
    name = names[label]
    card = ckpt.card
    st.markdown(t("train.result", name=md_escape(name), em=card.exact_match or 0, steps=card.steps,
                  seconds=card.train_seconds))  # fmt: skip
    u1, u2, u3 = st.columns([1, 1, 2])
    u1.button(t("train.use"), key=f"use-{label}", on_click=lambda n=name: st.session_state.update({"model": n}))
    u2.download_button(
        t("train.download"),
        lambda c=ckpt: checkpoint.to_bytes(c),
        file_name=models.download_name(name),
        key=f"download-{label}",
    )
    with u3.form(f"save-{label}"):
        wanted = st.text_input(t("train.save_as"), value=f"my-{card.task}-{label}")
        if st.form_submit_button(t("train.save")):
            try:
                st.success(t("train.saved", file=training.save_to_models(ckpt, wanted).name))
            except InputError as exc:
                st.error(str(exc))

attention = next((r for r in reversed(job.results.values()) if r.card.history.replayable), None)
if attention is not None and attention.card.history.replayable:
    training.replay(attention.card.history, look)
