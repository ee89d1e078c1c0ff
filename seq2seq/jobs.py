"""Training runs in the background of a shared server: one at a time, bounded, stoppable.

A page starts a ``TrainingJob``; the job waits for the server's single training slot (a
queue of at most ``limits.MAX_QUEUE``), trains on a background thread with a bounded number
of intra-op threads, and publishes its progress in plain attributes the page polls. It stops
when asked (``stop()``), when its time budget runs out, or when the page that started it
has not been seen for ``limits.HEARTBEAT_SECONDS`` (the tab was closed).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from . import limits
from .checkpoint import Checkpoint
from .errors import InputError
from .runtime import limit_threads
from .training import TrainEvent

_slot = threading.BoundedSemaphore(limits.MAX_CONCURRENT_TRAININGS)
_queue_lock = threading.Lock()
_waiting: list[TrainingJob] = []
_torch_threads_lock = threading.Lock()


@dataclass
class RunSpec:
    """One model to train: ``run()`` trains and returns (checkpoint, result), calling back."""

    label: str  # e.g. "attention" / "vanilla"
    run: Callable[[Callable[[TrainEvent], bool | None]], tuple]


@dataclass
class TrainingJob:
    specs: list[RunSpec]
    state: str = "created"  # created | queued | running | done | stopped | failed
    message: str = ""
    started: float = field(default_factory=time.time)
    heartbeat: float = field(default_factory=time.time)
    events: dict[str, list[TrainEvent]] = field(default_factory=dict)  # label -> events with validation
    losses: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    results: dict[str, Checkpoint] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        with _queue_lock:
            if len(_waiting) >= limits.MAX_QUEUE:
                raise InputError(f"{len(_waiting)} trainings are already waiting on this server; try again in a minute")
            _waiting.append(self)
        self.state = "queued"
        self._thread = threading.Thread(target=self._main, name="training", daemon=True)
        self._thread.start()

    @property
    def queue_position(self) -> int:
        """1 = next to run; 0 = not waiting."""
        with _queue_lock:
            return _waiting.index(self) + 1 if self in _waiting else 0

    @property
    def finished(self) -> bool:
        return self.state in ("done", "stopped", "failed")

    def stop(self) -> None:
        self._stop.set()

    def beat(self) -> None:
        """The page is still open (called on every poll)."""
        self.heartbeat = time.time()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _callback(self, label: str) -> Callable[[TrainEvent], bool]:
        def on_event(event: TrainEvent) -> bool:
            self.losses.setdefault(label, []).append((event.step, event.loss))
            self.seconds[label] = event.seconds
            if event.valid:
                self.events.setdefault(label, []).append(event)
            if time.time() - self.heartbeat > limits.HEARTBEAT_SECONDS:
                self.message = "stopped: the page that started it was closed"
                self._stop.set()
            return self._stop.is_set()

        return on_event

    def _main(self) -> None:
        while not _slot.acquire(timeout=0.5):  # wait for the server's training slot
            if self._stop.is_set() or time.time() - self.heartbeat > limits.HEARTBEAT_SECONDS:
                with _queue_lock:
                    if self in _waiting:
                        _waiting.remove(self)
                self.state = "stopped"
                self.message = self.message or "stopped before it started"
                return
        with _queue_lock:
            if self in _waiting:
                _waiting.remove(self)
        self.state = "running"
        try:
            with _torch_threads_lock:
                previous = limit_threads(limits.TRAINING_THREADS)
            try:
                for spec in self.specs:
                    if self._stop.is_set():
                        break
                    ckpt, _ = spec.run(self._callback(spec.label))
                    self.results[spec.label] = ckpt
            finally:
                with _torch_threads_lock:
                    limit_threads(previous)
            self.state = "stopped" if self._stop.is_set() else "done"
        except InputError as exc:
            self.state, self.message = "failed", str(exc)
        except Exception as exc:  # a bug: the page shows one line, the server log the traceback
            import traceback

            traceback.print_exc()
            self.state, self.message = "failed", f"training failed unexpectedly: {type(exc).__name__}: {exc}"
        finally:
            _slot.release()
