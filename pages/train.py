"""Train in the browser: watch the loss fall and the attention of a probe sharpen into the alignment."""

import random
import re

import pandas as pd
import streamlit as st

from seq2seq import checkpoint, figures, limits
from seq2seq.attention import SCORES
from seq2seq.errors import CheckpointError, InputError
from seq2seq.jobs import RunSpec, TrainingJob
from seq2seq.pairs import read_pairs
from seq2seq.pipeline import DataConfig, TokenizerConfig, make_tokenizer, prepare_data
from seq2seq.tasks import BUILT_IN, make_task
from seq2seq.training import TrainConfig
from seq2seq.ui import charts, frame, models
from seq2seq.ui.text import md_escape

frame.ensure()
OWN = "your own pairs (upload)"

st.title("Train")
st.caption(
    "Train a small encoder-decoder here and now. The defaults reach 99 % on reversing 3-12 letters in well "
    "under a minute; tick *both* to train a vanilla and an attention model with the same budget and watch "
    "the bottleneck appear live."
)

# --- what to learn ---------------------------------------------------------------------------
choice = st.selectbox("Task", [*BUILT_IN, OWN], index=BUILT_IN.index("reverse"), key="train_task")
pairs = None
if choice == OWN:
    upload = st.file_uploader(
        "Pairs file: TSV (source⇥target, extra columns ignored, e.g. Tatoeba's) or CSV; UTF-8 or UTF-16",
        type=["tsv", "csv", "txt"],
        key="pairs_file",
    )
    if upload is None:
        st.info("Upload a file of source/target pairs to train on.")
        st.stop()
    try:
        loaded = read_pairs(upload.getvalue(), upload.name)
    except InputError as exc:
        st.error(f"{exc}.")
        st.stop()
    if len(loaded.examples) > limits.MAX_TRAIN_PAIRS:
        st.warning(f"Using the first {limits.MAX_TRAIN_PAIRS:,} of {len(loaded.examples):,} pairs.")
    pairs = loaded.examples[: limits.MAX_TRAIN_PAIRS]
    st.success(loaded.summary())
    for note in loaded.notes:
        st.caption(f"⚠ {md_escape(note)}")
    task = make_task("pairs", source_name=upload.name, n_pairs=len(pairs), examples=(pairs[0].source,))
    sample = pairs[:5]
else:
    if choice in ("copy", "reverse", "sort"):
        lo, hi = st.slider("String lengths", 1, 40, (3, 12), key="train_lengths")
        task = make_task(choice, min_len=lo, max_len=hi)
    else:
        task = make_task(choice)
    st.caption(task.description)
    rng = random.Random(0)
    sample = [task.sample(rng) for _ in range(5)]
st.dataframe(
    pd.DataFrame([{"source": ex.source, "target": ex.target} for ex in sample]), hide_index=True, width="stretch"
)

# --- how -------------------------------------------------------------------------------------
with st.form("train_settings"):
    a, b, c = st.columns(3)
    kinds = ["char", "word", "sentencepiece"]
    tokenizer_kind = a.selectbox("Tokenizer", kinds, index=kinds.index(task.tokenizer_kind), key="tr_tokenizer")
    vocab_size = a.number_input(
        "Sentencepiece vocabulary",
        8,
        limits.MAX_VOCAB,
        200,
        help="Only for the sentencepiece tokenizer.",
        key="tr_vocab",
    )
    cell = a.selectbox("Encoder/decoder cell", ["gru", "lstm", "rnn"], key="tr_cell")
    hidden = b.number_input("Hidden size (per direction)", 1, limits.MAX_HIDDEN, 64, key="tr_hidden")
    layers = b.selectbox("Layers", [1, 2], key="tr_layers")
    bidirectional = b.checkbox("Bidirectional encoder", value=True, key="tr_bidirectional")
    decoder = c.selectbox("Decoder", ["attention", "vanilla"], key="tr_decoder")
    score = c.selectbox("Attention score", SCORES, index=SCORES.index("additive"), key="tr_score")
    both = c.checkbox("Train both: vanilla and attention, same budget", value=False, key="tr_both")
    d, e, f = st.columns(3)
    teacher_forcing = d.slider("Teacher-forcing ratio", 0.0, 1.0, 1.0, 0.05, key="tr_teacher_forcing")
    lr = d.number_input("Learning rate", 1e-5, 1e-1, 5e-3, format="%.4f", key="tr_lr")
    batch_size = e.number_input("Batch size", 1, limits.MAX_BATCH, 128, key="tr_batch")
    n_train = e.number_input(
        "Training pairs (generated)", 100, limits.MAX_TRAIN_PAIRS, 20_000, step=1000, key="tr_n_train"
    )
    seconds = f.number_input("Time budget (s)", 5, limits.MAX_TRAIN_SECONDS, 60, key="tr_seconds")
    target = f.slider("Stop at held-out exact match", 0.5, 1.0, 0.99, 0.01, key="tr_target")
    # a callback, not the return value: it survives a rerun that happens before the page body runs
    st.form_submit_button("▶ Train", type="primary", on_click=lambda: st.session_state.update(train_requested=True))

with st.expander("Load a checkpoint file (.safetensors) into this session"):
    uploaded = st.file_uploader("Checkpoint", type=["safetensors"], key="ckpt_upload")
    loaded_ids = st.session_state.setdefault("uploaded_ids", {})
    if uploaded is not None and uploaded.file_id not in loaded_ids:
        try:
            ckpt = checkpoint.load_bytes(uploaded.getvalue(), uploaded.name)
        except CheckpointError as exc:
            st.error(f"This file was refused: {exc}.")
        else:
            loaded_ids[uploaded.file_id] = models.add_session_model(ckpt, uploaded.name.removesuffix(".safetensors"))
    if uploaded is not None and uploaded.file_id in loaded_ids:
        st.success(f"Loaded as {md_escape(loaded_ids[uploaded.file_id])}: pick it in the sidebar.")

job: TrainingJob | None = st.session_state.get("train_job")
if st.session_state.pop("train_requested", False):
    if job is not None and not job.finished:
        st.warning("Your previous training is still running: stop it first.")
    else:
        model_options = {"cell": cell, "emb_dim": 32, "hidden": int(hidden), "layers": int(layers),
                         "bidirectional": bidirectional, "score": score}  # fmt: skip
        tok_cfg = TokenizerConfig(kind=tokenizer_kind, vocab_size=int(vocab_size))
        data_cfg = DataConfig(n_train=int(n_train), n_valid=500, seed=0)
        train_cfg = TrainConfig(lr=float(lr), batch_size=int(batch_size), teacher_forcing=float(teacher_forcing),
                                max_seconds=float(seconds), target_accuracy=float(target), eval_every=25)  # fmt: skip
        try:  # explain impossible settings now, not after a wait in the queue
            train_set, valid_set = prepare_data(task, data_cfg, pairs)
            tokenizer = make_tokenizer(task, train_set, tok_cfg)
        except InputError as exc:
            st.error(f"These settings cannot train: {exc}.")
            st.stop()
        probe = valid_set[0]  # the first probe the trainer records (pipeline.N_PROBES)
        st.session_state["train_probe"] = (
            [*tokenizer.tokenize(probe.source), "</s>"],
            [*tokenizer.tokenize(probe.target), "</s>"],
        )
        decoders = ["vanilla", "attention"] if both else [decoder]

        job = TrainingJob(
            [
                RunSpec(
                    dec,
                    kwargs={
                        "task": task,
                        "model_options": model_options | {"decoder": dec},
                        "train_cfg": train_cfg,
                        "data_cfg": data_cfg,
                        "tokenizer_options": tok_cfg,
                        "pairs": pairs,
                    },
                )
                for dec in decoders
            ]
        )
        try:
            job.start()
        except InputError as exc:
            st.error(f"{exc}.")
            st.stop()
        st.session_state["train_job"] = job
        st.session_state["train_published"] = False
        st.session_state["train_names"] = {}

if job is None:
    st.stop()


# --- live ------------------------------------------------------------------------------------
@st.fragment(run_every=1.0 if not job.finished else None)
def live() -> None:
    job.beat()
    budget = float(seconds)
    if job.state == "queued":
        st.info(f"Waiting for the server's training slot (position {job.queue_position} in the queue)…")
    elif job.state == "running":
        label = next((s.label for s in job.specs if s.label not in job.results), "")
        done = job.seconds.get(label, 0.0)
        last = job.events.get(label, [])
        acc = f", held-out exact match {last[-1].valid['exact_match']:.1%}" if last else ""
        st.progress(min(1.0, done / budget), text=f"Training the {label} model: {done:.0f} s of {budget:.0f}{acc}")
        st.button("■ Stop (keep what it has learned)", on_click=job.stop, key="stop_training")
    elif job.state == "failed":
        st.error(job.message)
    else:
        st.success(f"Training {job.state}{': ' + job.message if job.message else ''}.")
    histories = {
        label: {"loss": job.losses.get(label, []),
                "valid": [{"step": e.step, "exact_match": e.valid["exact_match"]} for e in job.events.get(label, [])]}
        for label in [s.label for s in job.specs]
    }  # fmt: skip
    h1, h2 = st.columns(2)
    with h1:
        charts.show(figures.training_curves(histories, "loss"), "live_loss", "training-loss")
    with h2:
        charts.show(figures.training_curves(histories, "exact_match"), "live_accuracy", "training-accuracy")
    attention_events = [e for e in job.events.get("attention", []) if e.probe_alpha]
    if attention_events and "train_probe" in st.session_state:
        latest = attention_events[-1]
        source_tokens, target_tokens = st.session_state["train_probe"]
        charts.show(
            figures.alignment_heatmap(
                latest.probe_alpha[0],
                source_tokens,
                target_tokens,
                title=f"Attention of a held-out probe input at step {latest.step}",
            ),
            "live_probe",
            "probe-attention",
        )
    if job.finished and not st.session_state.get("train_published"):
        st.session_state["train_published"] = True
        st.rerun(scope="app")


live()

if not job.finished or not job.results:
    st.stop()

# --- afterwards: use it, keep it, replay it ------------------------------------------------------
names = st.session_state.setdefault("train_names", {})
for label, ckpt in job.results.items():
    if label not in names:
        names[label] = models.add_session_model(ckpt, f"{ckpt.card.get('task')}-{label}")
st.subheader("Your models")
for label, ckpt in job.results.items():
    name = names[label]
    metrics = ckpt.card.get("metrics", {})
    st.markdown(
        f"**{md_escape(name)}**: held-out exact match **{metrics.get('exact_match', 0):.1%}** after "
        f"{ckpt.card.get('steps')} steps ({ckpt.card.get('train_seconds', 0):.0f} s). It is now in the sidebar's "
        "model list on every page of this session (and only this session)."
    )
    u1, u2, u3 = st.columns([1, 1, 2])
    u1.button("Use it", key=f"use-{label}", on_click=lambda n=name: st.session_state.update({"model": n}))
    u2.download_button(
        "Download .safetensors",
        lambda c=ckpt: checkpoint.to_bytes(c),
        file_name=f"{name.removeprefix(models.SESSION_MARK).replace(' ', '-')}.safetensors",
        key=f"download-{label}",
    )
    with u3.form(f"save-{label}"):
        wanted = st.text_input("Save to checkpoints/ as", value=f"my-{ckpt.card.get('task')}-{label}")
        if st.form_submit_button("Save"):
            target = models.CHECKPOINT_DIR / f"{wanted}{checkpoint.SUFFIX}"
            if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,47}", wanted):
                st.error("Use 1-48 lowercase letters, digits, '-' or '_' (starting with a letter or digit).")
            elif target.exists():
                st.error(f"{wanted} already exists; shipped and saved models are never overwritten.")
            else:
                checkpoint.save(ckpt, target)
                st.success(f"Saved as checkpoints/{target.name}.")

attention = job.results.get("attention")
history = attention.card.get("history", {}) if attention else {}
if history.get("attention") and history.get("probes"):
    st.subheader("Replay: attention learning to align")
    snapshots = history["attention"]
    probe = history["probes"][0]
    k = st.select_slider(
        "Validation step", options=list(range(len(snapshots))), value=len(snapshots) - 1,
        format_func=lambda i: f"step {snapshots[i]['step']}", key="replay",
    )  # fmt: skip
    charts.show(
        figures.alignment_heatmap(
            snapshots[k]["alpha"][0], probe["source_tokens"], probe["target_tokens"],
            title=f"α of “{figures.display_token(probe['source'])}” at step {snapshots[k]['step']}",
        ),
        "replay_heatmap",
        "attention-replay",
    )  # fmt: skip
