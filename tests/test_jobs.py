"""Background training jobs: one slot per server, a bounded queue, stop and tab-closed."""

import time

import pytest

from seq2seq import limits
from seq2seq.errors import InputError
from seq2seq.training import jobs
from seq2seq.training.jobs import RunSpec, TrainingJob
from seq2seq.training.trainer import TrainEvent


def fake_training(callback, steps: int, pause: float = 0.01) -> str:
    """A stand-in for a real training (runs in the worker process): ``steps`` events unless
    the callback says stop."""
    for step in range(1, steps + 1):
        time.sleep(pause)  # a training step's work, simulated (not a wait for anything)
        if callback(TrainEvent(step, 1, step * pause, 1.0 / step, {"exact_match": step / steps})):
            break
    return f"model after {step}"


def broken_training(callback) -> str:
    raise InputError("a vocabulary of 3 cannot hold the data")


def crashing_training(callback) -> str:
    import os

    os._exit(3)


def fake_run(steps: int, pause: float = 0.01) -> dict:
    return {"fn": fake_training, "kwargs": {"steps": steps, "pause": pause}}


def wait_until(condition, seconds: float = 60) -> bool:
    """Whether ``condition()`` came true within ``seconds`` (a worker process's start, torch's
    import, is slow on a loaded machine)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)  # a pause between two looks of a bounded poll
    return True


def test_a_job_runs_and_publishes_progress():
    job = TrainingJob([RunSpec("attention", **fake_run(5))])
    job.start()
    job.join(60)  # returns when done: a worker process's start (torch's import) is slow on a loaded machine
    assert job.state == "done" and job.results == {"attention": "model after 5"}
    assert [s for s, _ in job.losses["attention"]] == [1, 2, 3, 4, 5]


def test_stop_keeps_what_was_learned():
    job = TrainingJob([RunSpec("attention", **fake_run(10_000))])
    job.start()
    assert wait_until(lambda: job.losses)  # the worker process has started training
    job.stop()
    job.join(60)
    assert job.state == "stopped" and job.results["attention"].startswith("model after")


def test_one_training_at_a_time_and_the_rest_wait(monkeypatch):
    monkeypatch.setattr(limits, "HEARTBEAT_SECONDS", 600)  # nobody beats here: a slow queue must not look abandoned
    first = TrainingJob([RunSpec("a", **fake_run(400))])
    second = TrainingJob([RunSpec("b", **fake_run(3))])
    first.start()
    assert wait_until(lambda: first.losses)  # the first holds the slot and trains
    second.start()
    deadline = time.monotonic() + 60
    while True:  # the second waits, first in the queue, for as long as the first trains
        seen = second.state, second.queue_position  # read before: the first may end right after
        if first.finished:
            break
        assert seen == ("queued", 1) and time.monotonic() < deadline
        first.join(0.05)
    second.join(60)
    assert second.state == "done"


def test_the_queue_is_bounded(monkeypatch):
    monkeypatch.setattr(limits, "MAX_QUEUE", 0)
    with pytest.raises(InputError, match="waiting"):
        TrainingJob([RunSpec("a", **fake_run(1))]).start()


def test_a_closed_tab_stops_its_training(monkeypatch):
    monkeypatch.setattr(limits, "HEARTBEAT_SECONDS", 0.2)
    job = TrainingJob([RunSpec("a", **fake_run(10_000))])
    job.start()  # nobody calls job.beat() any more: the page is gone
    job.join(60)
    assert job.state == "stopped" and "closed" in job.message


def test_failures_are_one_message():
    job = TrainingJob([RunSpec("a", broken_training)])
    job.start()
    job.join(60)
    assert job.state == "failed" and "vocabulary" in job.message
    assert jobs._slot.acquire(timeout=1)  # the slot was given back
    jobs._slot.release()


def test_a_crashed_training_process_is_reported():
    job = TrainingJob([RunSpec("a", crashing_training)])
    job.start()
    job.join(60)
    assert job.state == "failed" and "exit code 3" in job.message
