"""Train in the browser: watch the loss fall and the attention of a probe sharpen into the alignment."""

import random

import pandas as pd
import streamlit as st

from seq2seq import figures
from seq2seq.core import checkpoint, families
from seq2seq.data.tasks import BUILT_IN, TASKS, make_task
from seq2seq.errors import InputError
from seq2seq.training.jobs import TrainingJob
from seq2seq.ui import charts, frame, lang, models, train_panel
from seq2seq.ui.lang import say, t
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
# first, and the settings fold away below them (▶ Train closes them: train_panel.SETTINGS_OPEN).
live_slot = st.container()
settings_box = (
    st.expander(t("train.settings"), expanded=job is None, key=train_panel.SETTINGS_OPEN, on_change="rerun")
    if presenting
    else st.container()
)
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
        task, pairs = train_panel.pairs_upload()
        sample = pairs[:5]
    else:
        if TASKS[choice].character_task:
            lo, hi = st.slider(t("train.lengths"), 1, 40, (3, 12), key="train_lengths")
            task = make_task(choice, min_len=lo, max_len=hi)
        else:
            task = make_task(choice)
        st.caption(task.describe(lang.current()))
        if task.has_splits:  # a real corpus: say what a few minutes can and cannot do
            st.caption(t("train.real_note"))
        rng = random.Random(0)
        sample = [task.sample(rng) for _ in range(5)]
    st.dataframe(
        pd.DataFrame([{t("train.col_source"): ex.source, t("train.col_target"): ex.target} for ex in sample]),
        hide_index=True,
        width="stretch",
    )

    # --- how -------------------------------------------------------------------------------------
    settings = train_panel.settings_form(task)

if not presenting:  # an advanced control
    train_panel.checkpoint_upload()

if st.session_state.pop("train_requested", False):
    if job is not None and not job.finished:
        st.warning(t("train.still_running"))
    else:
        try:
            job = train_panel.start(task, settings, pairs, kept)
        except InputError as exc:
            st.error(say(exc))
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
    shown = {label: lang.decoder_label(label) for label in labels}  # the legends, in the reader's language
    histories = {shown[label]: job.history(label) for label in labels}
    colours = {shown[label]: families.get(label).colour for label in labels}
    # presentation mode: the curves and the probe side by side, all on the screen with the stop button
    h1, h2, h3 = st.columns(3) if presenting else (*st.columns(2), st.container())
    fitted = look.fit(lang.SCREEN_HEIGHT - 420 if presenting else None)
    with h1:
        charts.show(figures.training_curves(histories, "loss", fitted, colours=colours), "live_loss", "training-loss")
        if any("attention_entropy" in v for h in histories.values() for v in h.valid):  # under the loss
            charts.show(figures.alignment_curves(histories, fitted, colours=colours), "live_align", "alignment-curves")
    with h2:  # real sentences: held-out BLEU (their exact match stays near 0)
        metric = "bleu" if any("bleu" in v for h in histories.values() for v in h.valid) else "exact_match"
        charts.show(
            figures.training_curves(histories, metric, fitted, colours=colours),
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
                st.success(t("train.saved", file=train_panel.save_to_models(ckpt, wanted).name))
            except InputError as exc:
                st.error(say(exc))

attention = next((r for r in reversed(job.results.values()) if r.card.history.replayable), None)
if attention is not None and attention.card.history.replayable:
    train_panel.replay(attention.card.history, look)
