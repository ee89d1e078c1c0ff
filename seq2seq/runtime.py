"""The one place where the library configures PyTorch for a shared teaching machine.

Import this module (``seq2seq/__init__.py`` does) before anything imports ``torch``.

Why: PyTorch's OpenMP threads busy-wait ("spin") between parallel regions by default. On a
2-core server where another process (a second user's training, the Streamlit server
itself) keeps one core busy, a training step was measured going from ~50 ms to several
seconds, because the spinning worker thread fights the other process for the core.
``OMP_WAIT_POLICY=PASSIVE`` makes idle OpenMP threads sleep instead; with it the same step
stayed at ~60-100 ms. The variable is read once, when the OpenMP runtime loads, so it must
be in the environment before ``import torch``.
"""

from __future__ import annotations

import os
import sys
import warnings

# Looked at *before* setting the variable: once set, it would always read PASSIVE. Too late
# means torch (and with it the OpenMP runtime) was loaded while nobody had chosen a policy;
# an operator who set one before starting Python has chosen, whatever the import order.
_too_late = "torch" in sys.modules and "OMP_WAIT_POLICY" not in os.environ

# setdefault: an operator who knows better (e.g. a dedicated benchmark box) can still override.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

if _too_late:
    warnings.warn(
        "torch was imported before seq2seq; OMP_WAIT_POLICY=PASSIVE could not take effect"
        " (import seq2seq first, or set OMP_WAIT_POLICY in the environment)",
        RuntimeWarning,
        stacklevel=2,
    )

import torch  # noqa: E402  (after the variable is set: the point of this module)


def default_device() -> torch.device:
    """CUDA when present (the models are tiny, but the code runs there too), else CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def limit_threads(n: int) -> int:
    """Cap PyTorch's intra-op threads at ``n`` (at least 1); returns the previous value.

    Training on a shared server gets a bounded share of the cores so that other users'
    page reruns (which also run small forward passes) stay responsive.
    """
    previous = torch.get_num_threads()
    torch.set_num_threads(max(1, int(n)))
    return previous
