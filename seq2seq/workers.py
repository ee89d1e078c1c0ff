"""Worker processes: the library's way to use every core for work that splits over inputs.

Why processes: the Explain page's aggregate (``attribution.summarize``) is many small forward
and backward passes. Measured on the 2-core server (200 held-out inputs, reverse-attention),
one process with 2 intra-op threads took 25–28 s, the same process with 1 thread 1.06× as long
(the tensors are too small for a second thread to help), two Python threads 23 s (they queue on
the interpreter lock), and two processes of one thread each 18.5 s.

Why ``forkserver``: a worker forked from a server process that has already imported torch and
Captum starts in milliseconds, where a ``spawn``ed one pays ~4 s of imports; and nothing forks
the Streamlit server itself (threads, OpenMP). ``start()`` launches the fork server in the
background (a page can call it when it is opened, long before the work is asked for);
``run_unordered`` starts it if nobody did.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import sys
import threading
import types
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

_PRELOAD = ["seq2seq.analysis.attribution", "captum.attr"]  # what every worker needs, imported once by the fork server
_context = mp.get_context("forkserver")
_main_lock = threading.Lock()
T = TypeVar("T")


@contextlib.contextmanager
def without_main_script() -> Iterator[None]:
    """Start a child process without re-running the page script in it.

    ``spawn`` and ``forkserver`` re-import the parent's ``__main__`` in the child, and inside a
    Streamlit server ``__main__`` is the page script being run: the worker would execute app.py
    — dozens of "missing ScriptRunContext" warnings, and the time to build a page nobody sees.
    The child needs only the library, so ``__main__`` is hidden while it starts.
    """
    with _main_lock:
        main = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")  # no __file__, no __spec__: nothing to re-import
        try:
            yield
        finally:
            if main is not None:
                sys.modules["__main__"] = main


def start() -> None:
    """Launch the fork server if it is not running (returns at once; it imports in the background)."""
    from multiprocessing import forkserver

    _context.set_forkserver_preload(_PRELOAD)
    with without_main_script():
        forkserver.ensure_running()


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def run_unordered(
    fn: Callable[..., T], tasks: Sequence[tuple], workers: int, initializer: Callable[..., None], initargs: tuple
) -> Iterator[T]:
    """``fn(*task)`` for every task over ``workers`` processes, each set up once by
    ``initializer(*initargs)`` (e.g. a model loaded from a checkpoint's bytes); yields the
    results as they finish. Use it in ``contextlib.closing``: when the caller stops early (an
    exception out of a progress callback when a page is left), the tasks not yet started are
    cancelled and nothing waits for the running ones. ``fn`` and ``initializer`` are
    module-level functions; tasks and results cross a process boundary (picklable)."""
    start()
    executor = ProcessPoolExecutor(workers, mp_context=_context, initializer=initializer, initargs=initargs)
    try:
        with without_main_script():  # the processes start on the first submit
            futures = [executor.submit(fn, *task) for task in tasks]
        for future in as_completed(futures):
            yield future.result()
    finally:
        executor.shutdown(wait=False, cancel_futures=True)


__all__ = ["BrokenProcessPool", "cores", "run_unordered", "start", "without_main_script"]
