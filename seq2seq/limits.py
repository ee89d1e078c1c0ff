"""Caps that keep a shared teaching server healthy, in one place (documented in the README).

A class of students can type anything and press Train many times; every cap here turns a
request that would hang or starve the server into a clear message.
"""

MAX_INPUT_CHARS = 1_000  # text typed into a page (a model accepts at most its own max_src_len)
MAX_BEAM_WIDTH = 16  # beam page and CLI (the CLI allows 64)
MAX_TRAIN_SECONDS = 180  # one training run in the browser
MAX_TRAIN_PAIRS = 50_000  # generated or uploaded training pairs for one run
MAX_HIDDEN = 256  # encoder state size per direction, browser training
MAX_EMB = 256
MAX_BATCH = 512
MAX_VOCAB = 5_000  # sentencepiece vocabulary, browser training
TRAINING_THREADS = 1  # intra-op threads while training in the browser: the other core serves the pages
MAX_CONCURRENT_TRAININGS = 1  # per server process; further requests wait in a queue
MAX_QUEUE = 4  # waiting trainings; more are refused with a message
HEARTBEAT_SECONDS = 15  # a training whose page has not been seen for this long stops (tab closed)
# Models trained or uploaded in a browser, kept on the server for that browser (seq2seq/ui/store.py)
SESSION_MODELS_PER_BROWSER = 8  # the oldest goes when a ninth arrives
SESSION_MODEL_BYTES = 256 * 1024 * 1024  # all browsers together; least recently seen browsers' models go first
SESSION_MAX_AGE_S = 12 * 3600  # a browser not seen for this long loses its models
SESSION_MAX_BROWSERS = 1_000
