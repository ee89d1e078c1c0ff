"""Attention Lab's library: toy seq2seq tasks, RNN encoder-decoders with and without
attention, training, searches that record what the decoder did, and checkpoints.

The core (everything but ``figures`` and ``ui``) imports neither streamlit nor plotly.
"""

from seq2seq import runtime  # noqa: F401  (must run before torch is imported anywhere)

__version__ = "0.1.0"
