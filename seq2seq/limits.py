"""The caps, in one place (documented in docs/class.md, "Caps").

A class of students can type anything, upload anything and press Train many times; a
terminal user can mistype a number; a checkpoint file can be hostile. Every cap here turns
a request that would hang, starve or crash the server into a clear message. Each says
where it is used. (A few UI ranges are still written where they are used, e.g. the Beam
page's length-penalty field, which stops at 2.0.)
"""

import os

# --- the pages (a shared teaching server) ---
MAX_INPUT_CHARS = 1_000  # text typed into a page (ui/text.py; a model accepts at most its own max_src_len)
MAX_BEAM_WIDTH = 16  # beam width on the Beam page (pages/beam.py clamps to it)
MAX_TRAIN_SECONDS = 180  # one training run in the browser (pages/train.py)
# the Lecture's step-time measurement, RNN vs Transformer (ui/lecture.py): 45 s, or fewer where
# the server sets ATTENTION_LAB_STEP_TIMING_SECONDS (a busy class server; the browser tests: 12)
MAX_STEP_TIMING_SECONDS = min(45, max(5, int(os.environ.get("ATTENTION_LAB_STEP_TIMING_SECONDS") or 45)))
MAX_TRAIN_PAIRS = 50_000  # generated or uploaded training pairs for one run in the browser (pages/train.py)
MAX_HIDDEN = 256  # encoder state size per direction, browser training (pages/train.py)
MAX_BATCH = 512  # batch size, browser training (pages/train.py)
MAX_VOCAB = 5_000  # sentencepiece vocabulary, browser training (pages/train.py)
TRAINING_THREADS = 1  # intra-op threads while training in the browser: the other core serves the pages
MAX_CONCURRENT_TRAININGS = 1  # per server process; further requests wait in a queue (jobs.py)
MAX_QUEUE = 4  # waiting trainings; more are refused with a message (jobs.py)
SUMMARY_WORKERS = 4  # processes of the Explain page's aggregate and explain --n, one per core up to this (workers.py)
HEARTBEAT_SECONDS = 15  # a training whose page has not been seen for this long stops (tab closed; jobs.py)
# Models trained or uploaded in a browser, kept on the server for that browser (seq2seq/ui/store.py)
SESSION_MODELS_PER_BROWSER = 8  # the oldest goes when a ninth arrives
SESSION_MODEL_BYTES = 256 * 1024 * 1024  # all browsers together; least recently seen browsers' models go first
SESSION_MAX_AGE_S = 12 * 3600  # a browser not seen for this long loses its models (and its cookie expires)
SESSION_MAX_BROWSERS = 1_000

# --- the command line (seq2seq/cli.py): one user on their own machine, so wider than the pages ---
MAX_BEAM_WIDTH_CLI = 64  # translate --beam, eval --beam
MAX_LENGTH_ALPHA_CLI = 5.0  # translate --alpha (GNMT length penalty); the Beam page's field stops at 2
MAX_TOP_K = 100  # translate --top-k
MAX_EVAL_EXAMPLES = 100_000  # eval --n
MAX_EXPLAIN_INPUTS = 10_000  # explain --n (every input: all attributions and interventions)
MAX_ADVERSARIAL_ITERATIONS = 2_000  # attribution.adversarial's Adam steps (explain --adversarial)
MAX_IG_STEPS = 1_024  # explain --ig-steps, attribution.attribute's integration steps
MAX_VALID_EXAMPLES = 50_000  # train --n-valid (validated every --eval-every steps)
MAX_COUNT = 1_000_000  # train --max-steps, --eval-every, --n-train: a typo must not run for days
MAX_TASK_LEN = 1_000  # train --min-len/--max-len of copy/reverse/sort strings
MAX_BATCH_CLI = 4_096  # train --batch-size
MAX_THREADS = 256  # train --threads
MAX_BUCKET_POOL = 10_000  # train --bucket-pool

# --- files a user hands in: checkpoints (checkpoint.py) and pair files (pairs.py) ---
MAX_CHECKPOINT_BYTES = 256 * 1024 * 1024  # far above any model this app trains (~1-4 MB)
MAX_METADATA_CHARS = 20_000_000  # one JSON metadata field (history with attention snapshots included)
MAX_TOKENIZER_BYTES = 16 * 1024 * 1024  # a sentencepiece model stored in a checkpoint
MAX_PAIR_FILE_BYTES = 20 * 1024 * 1024  # a pair file of 200,000 short sentences is ~10 MB
MAX_PAIR_ROWS = 200_000
MAX_PAIR_FIELD_CHARS = 500  # per side; longer "sentences" are not what these models are for
MAX_PAIR_NOTES = 10  # skipped lines named one by one; the rest are counted

# --- a model's size (model.py checks a config, e.g. from a checkpoint, before allocating any tensor:
# a hostile file could otherwise ask for a 10^12-parameter model; the CLI's --hidden/--emb use the same) ---
MODEL_LIMITS = {
    "vocab_size": 100_000,
    "emb_dim": 1024,
    "hidden": 1024,
    "layers": 4,  # the Transformer's; an RNN has at most MAX_RNN_LAYERS
    "max_src_len": 10_000,
    "heads": 8,  # the Transformer's attention heads per layer
    "d_model": 256,  # the Transformer's width
    "ff_dim": 1024,  # the Transformer's feed-forward size
}
MAX_RNN_LAYERS = 2
MAX_TOKENIZER_UNITS = MODEL_LIMITS[
    "vocab_size"
]  # char/word units in a checkpoint, sentencepiece training (tokenizers.py)
