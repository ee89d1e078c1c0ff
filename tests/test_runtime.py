"""seq2seq/runtime.py: OMP_WAIT_POLICY=PASSIVE before torch loads, and a warning when it comes too late."""

import ast
import importlib
import os
import subprocess
import sys
import warnings

import pytest

import seq2seq.runtime

from .conftest import REPO


def test_warns_when_torch_came_first_and_no_policy_was_chosen(monkeypatch):
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    assert "torch" in sys.modules  # the test session has loaded it
    with pytest.warns(RuntimeWarning, match="torch was imported before seq2seq"):
        importlib.reload(seq2seq.runtime)
    assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE"  # still set, for child processes


def test_an_operators_own_policy_is_kept_without_a_warning(monkeypatch):
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        importlib.reload(seq2seq.runtime)
    assert os.environ["OMP_WAIT_POLICY"] == "ACTIVE"


@pytest.mark.parametrize(("first", "warns"), [("seq2seq", False), ("torch", True)])
def test_import_order_in_a_fresh_interpreter(first, warns):
    second = "torch" if first == "seq2seq" else "seq2seq"
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"} | {"PYTHONPATH": str(REPO)}
    code = f"import {first}, {second}, os; print(os.environ['OMP_WAIT_POLICY'])"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "PASSIVE"
    assert ("torch was imported before seq2seq" in proc.stderr) == warns


def first_import_line(tree: ast.Module, package: str) -> int | None:
    for node in tree.body:
        names = (
            [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if isinstance(node, ast.ImportFrom) else []
        )  # fmt: skip
        if any(n == package or n.startswith(f"{package}.") for n in names):
            return node.lineno
    return None


def test_benchmarks_import_seq2seq_before_torch():
    """A benchmark that loads torch first measures without OMP_WAIT_POLICY=PASSIVE, unlike the app."""
    checked = 0
    for script in sorted((REPO / "benchmarks").glob("*.py")):
        if script.name == "joey_launcher.py":  # the peer's entry point; bench.py starts it with its environment
            continue
        tree = ast.parse(script.read_text())
        torch_line = first_import_line(tree, "torch")
        if torch_line is None:
            continue
        seq2seq_line = first_import_line(tree, "seq2seq")
        assert seq2seq_line is not None and seq2seq_line < torch_line, f"{script.name} imports torch first"
        checked += 1
    assert checked >= 4  # bench, beam_speed, time_to_accuracy, cuda_check
