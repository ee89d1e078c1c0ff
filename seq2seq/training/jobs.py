"""Training runs in the background of a shared server: one at a time, bounded, stoppable,
and in a process of their own.

A page starts a ``TrainingJob``; the job waits for the server's single training slot (a
queue of at most ``limits.MAX_QUEUE``), then trains each ``RunSpec`` in a separate process
(``spawn``) with ``limits.TRAINING_THREADS`` intra-op threads. A separate process, not a
thread: a training thread shares the server's Python interpreter lock with every student's
page rerun, and was measured pushing their p95 latency to 5 s. Progress comes back over a
queue into plain attributes the page polls; the trained model comes back as the bytes of a
checkpoint and goes through the same validation as any upload. A job stops when asked
(``stop()``), when its time budget runs out, or when no page of its session has been seen
for ``limits.HEARTBEAT_SECONDS`` (the tab was closed).
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from seq2seq import limits
from seq2seq.core.checkpoint import Checkpoint, load_bytes, to_bytes
from seq2seq.core.results import TrainingHistory
from seq2seq.errors import InputError
from seq2seq.training.trainer import TrainEvent
from seq2seq.workers import without_main_script

_slot = threading.BoundedSemaphore(limits.MAX_CONCURRENT_TRAININGS)
_queue_lock = threading.Lock()
_waiting: list[TrainingJob] = []
_context = mp.get_context("spawn")  # never fork a process that runs threads (the server, OpenMP)


def train_model(callback: Callable[[TrainEvent], bool | None], **kwargs) -> Checkpoint:
    """What a RunSpec for a real model runs: ``pipeline.train_on_task`` with one callback."""
    from seq2seq.training.pipeline import train_on_task

    ckpt, _ = train_on_task(callbacks=[callback], **kwargs)
    return ckpt


@dataclass
class RunSpec:
    """One model to train: ``fn(callback, **kwargs)`` in a worker process. ``fn`` must be a
    module-level function and ``kwargs`` picklable (they cross a process boundary)."""

    label: str  # e.g. "attention" / "vanilla"
    fn: Callable[..., Any] = train_model
    kwargs: dict = field(default_factory=dict)


def _worker(fn, kwargs, events, stop, threads: int) -> None:
    """The training process: report every event, honour stop, send the result back."""
    from seq2seq.runtime import limit_threads

    limit_threads(threads)

    def callback(event: TrainEvent) -> bool:
        events.put(("event", event))
        return stop.is_set()

    try:
        result = fn(callback, **kwargs)
        events.put(("result", to_bytes(result) if isinstance(result, Checkpoint) else result))
    except InputError as exc:
        events.put(("failed", str(exc)))
    except Exception as exc:  # a bug: the page shows one line, the server log the traceback
        traceback.print_exc()
        events.put(("failed", f"training failed unexpectedly: {type(exc).__name__}: {exc}"))


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
    results: dict[str, Any] = field(default_factory=dict)
    _stop: Any = field(default_factory=_context.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        with _queue_lock:
            if len(_waiting) >= limits.MAX_QUEUE:
                raise InputError.of("queue_full", n=len(_waiting))
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
        """A page of this session is still open (called on every poll)."""
        self.heartbeat = time.time()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _abandoned(self) -> bool:
        if time.time() - self.heartbeat > limits.HEARTBEAT_SECONDS:
            self.message = self.message or "stopped: the page that started it was closed"
            self._stop.set()
        return self._stop.is_set()

    def history(self, label: str) -> TrainingHistory:
        """What run ``label`` has recorded so far: every loss, and exact match (and for attention
        runs the probes' attention entropy and AER) at every validation."""
        keep = ("exact_match", "attention_entropy", "aer")
        valid = [{"step": e.step} | {k: e.valid[k] for k in keep if k in e.valid} for e in self.events.get(label, [])]
        return TrainingHistory(loss=list(self.losses.get(label, [])), valid=valid)

    def latest_probe(self, label: str | None = None) -> TrainEvent | None:
        """The last validation of run ``label`` that recorded the probes' α (runs whose decoder
        attends); ``label`` None: of the last run that has one (attention or Transformer)."""
        labels = [label] if label is not None else [spec.label for spec in reversed(self.specs)]
        for name in labels:
            found = next((e for e in reversed(self.events.get(name, [])) if e.probe_alpha), None)
            if found is not None:
                return found
        return None

    def _record(self, label: str, event: TrainEvent) -> None:
        self.losses.setdefault(label, []).append((event.step, event.loss))
        self.seconds[label] = event.seconds
        if event.valid:
            self.events.setdefault(label, []).append(event)

    def _run(self, spec: RunSpec) -> None:
        """Train one spec in its own process, relaying its events until it ends."""
        events = _context.Queue()
        process = _context.Process(
            target=_worker,
            args=(spec.fn, spec.kwargs, events, self._stop, limits.TRAINING_THREADS),
            name=f"training-{spec.label}",
            daemon=True,
        )
        with without_main_script():
            process.start()
        outcome = None
        try:
            while outcome is None:
                try:
                    kind, payload = events.get(timeout=0.5)
                except queue.Empty:
                    self._abandoned()
                    if not process.is_alive():
                        outcome = ("failed", f"the training process ended unexpectedly (exit code {process.exitcode})")
                    continue
                if kind == "event":
                    self._record(spec.label, payload)
                    self._abandoned()
                else:
                    outcome = (kind, payload)
        finally:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
        kind, payload = outcome
        if kind == "failed":
            raise InputError(payload)
        self.results[spec.label] = (
            load_bytes(payload, f"{spec.label}.safetensors") if isinstance(payload, bytes) else payload
        )

    def _main(self) -> None:
        while not _slot.acquire(timeout=0.5):  # wait for the server's training slot
            if self._abandoned():
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
            for spec in self.specs:
                if self._stop.is_set():
                    break
                self._run(spec)
            self.state = "stopped" if self._stop.is_set() else "done"
        except InputError as exc:
            self.state, self.message = "failed", str(exc)
        except Exception as exc:  # a bug in the relay itself
            traceback.print_exc()
            self.state, self.message = "failed", f"training failed unexpectedly: {type(exc).__name__}: {exc}"
        finally:
            _slot.release()
