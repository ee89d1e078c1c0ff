"""seq2seq/workers.py: worker processes forked from a fork server, the page script never re-run."""

import contextlib
import os
import sys
import time
import types

import pytest

from seq2seq import workers

_state = {}


def _init(tag: str) -> None:
    _state["tag"] = tag


def _job(x: int) -> tuple[int, int, str, str]:
    time.sleep(0.05 * x)  # a task's work, simulated: later tasks finish later
    main = sys.modules["__mp_main__"] if "__mp_main__" in sys.modules else sys.modules["__main__"]
    return x, os.getpid(), _state["tag"], getattr(main, "MARKER", "")


def _die(x: int) -> int:
    if x == 1:
        os._exit(3)  # a worker killed halfway (e.g. by the out-of-memory killer)
    time.sleep(1)  # a task's work, simulated: still running when the other worker dies
    return x


def test_tasks_run_in_other_processes_set_up_once_and_come_back_as_they_finish():
    results = list(workers.run_unordered(_job, [(3,), (1,), (2,)], 2, _init, ("ready",)))
    assert sorted(r[0] for r in results) == [1, 2, 3]
    assert {r[2] for r in results} == {"ready"}  # the initializer ran in every worker
    assert os.getpid() not in {r[1] for r in results}
    assert len({r[1] for r in results}) <= 2


def test_the_page_script_is_not_run_again_in_a_worker(tmp_path, monkeypatch):
    """Inside Streamlit, __main__ is the page script: a worker must not execute it."""
    script = tmp_path / "page.py"
    ran = tmp_path / "ran"
    script.write_text(f"open({str(ran)!r}, 'w').close()\nMARKER = 'page'\n")
    page = types.ModuleType("__main__")
    page.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", page)
    results = list(workers.run_unordered(_job, [(0,), (0,)], 2, _init, ("x",)))
    assert [r[3] for r in results] == ["", ""] and not ran.exists()
    assert sys.modules["__main__"] is page  # put back


def test_a_dead_worker_is_an_exception_not_a_hang():
    start = time.perf_counter()
    with pytest.raises(workers.BrokenProcessPool):
        list(workers.run_unordered(_die, [(1,), (2,), (3,)], 2, _init, ("x",)))
    assert time.perf_counter() - start < 30


def test_leaving_early_cancels_what_has_not_started():
    results = workers.run_unordered(_job, [(1,)] + [(20,)] * 8, 1, _init, ("x",))
    start = time.perf_counter()
    with contextlib.closing(results):
        assert next(results)[0] == 1
    assert time.perf_counter() - start < 5  # not 8 more tasks of 1 s: they were cancelled


def test_cores_is_at_least_one():
    assert workers.cores() >= 1
