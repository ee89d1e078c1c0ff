"""Shared fixtures: the shipped checkpoints and small untrained models."""

from __future__ import annotations

import json
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import pytest

import seq2seq  # noqa: F401  (configures torch first)
from seq2seq import figures
from seq2seq.core import checkpoint, families
from seq2seq.core.model import ModelConfig, Seq2Seq
from seq2seq.data.tasks import ReverseTask
from seq2seq.data.tokenizers import CharTokenizer

from .browser import CHROMIUM_ARGS, DESKTOP, SCREEN, new_page

REPO = Path(__file__).resolve().parents[1]
CHECKPOINTS = REPO / "checkpoints"
OUTPUT = REPO / "tests" / "output"  # screenshots and other artefacts a person should look at

# The app builds its figures without Plotly's checks, for speed (seq2seq/figures/look.py); in the tests
# (unit and AppTest) every figure is built both ways: Plotly checks every property, and what the
# app would send to the browser must equal what the checked figure sends. (The browser tests'
# server runs as the app does.) Both switches live in figures.look, where figure() reads them.
figures.look.VALIDATE = True
_plotly_figure = figures.look.plotly_figure


def _sent(fig) -> dict:
    data = json.loads(pio.to_json(fig, validate=False))
    data["layout"] = {k: v for k, v in data.get("layout", {}).items() if v != []}  # checked: [] is left out
    return data


def _figure_checked_both_ways(data, layout, frames=None):
    fast = go.Figure(data=data, layout=layout, frames=frames, _validate=False)
    checked = _plotly_figure(data, layout, frames)
    assert _sent(fast) == _sent(checked), "an unvalidated figure differs from the validated one"
    return checked


figures.look.plotly_figure = _figure_checked_both_ways


@pytest.fixture(scope="session")
def attention_ckpt() -> checkpoint.Checkpoint:
    return checkpoint.load(CHECKPOINTS / "reverse-attention.safetensors")


@pytest.fixture(scope="session")
def vanilla_ckpt() -> checkpoint.Checkpoint:
    return checkpoint.load(CHECKPOINTS / "reverse-vanilla.safetensors")


@pytest.fixture
def tokenizer() -> CharTokenizer:
    return CharTokenizer.build([ReverseTask().alphabet])


def config(vocab_size: int, decoder: str = "attention", **fields) -> ModelConfig:
    """Family ``decoder``'s config with exactly ``fields`` (a field it does not have: ValueError)."""
    return families.make_config(decoder, vocab_size, strict=True, **fields)


def small_model(tokenizer: CharTokenizer, **options) -> Seq2Seq:
    """An untrained model small enough to build by the hundred in property tests."""
    options = {"emb_dim": 8, "hidden": 8} | options  # an RNN's; a Transformer takes its own
    return families.build(
        families.make_config(options.pop("decoder", "attention"), tokenizer.vocab_size, **options)
    ).eval()


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT


# --- real browser: one streamlit server and one headless Chromium per test session -------------
# (what the browser tests share besides these fixtures: tests/browser.py)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_url():
    """A real `streamlit run app.py` on a free loopback port, stopped after the session."""
    import os
    import subprocess
    import sys
    import time
    import urllib.request

    port = _free_port()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    log = (OUTPUT / "streamlit-server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
        # the Lecture's timing chart in 12 s, not 45: the test checks the chart and its screen, not the timings
        env=os.environ | {"PYTHONPATH": str(REPO), "ATTENTION_LAB_STEP_TIMING_SECONDS": "12"},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start; see {OUTPUT / 'streamlit-server.log'}")
            time.sleep(0.3)  # a pause between two looks of a bounded poll
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def browser():
    import shutil

    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Debian's chromium is not installed (make test installs it); browser tests cannot run")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh context (cookies, storage: a new person) on the session's browser, a tall desktop window."""
    with new_page(browser, DESKTOP) as pg:
        yield pg


@pytest.fixture
def projector(browser):
    """A fresh context at a projector's 1920×1080."""
    with new_page(browser, SCREEN, timeout_ms=90_000) as pg:
        yield pg


def stepped(model, batch) -> list:
    """The teacher-forced pass of ``batch`` by stepping ``decode_step`` one target token at a
    time (a StepOutput per step) — what a model's parallel ``forward`` must equal."""
    enc, state = model.encode(batch.src, batch.src_len)
    steps = []
    for t in range(batch.tgt_in.size(1)):
        steps.append(model.decode_step(batch.tgt_in[:, t], state, enc))
        state = steps[-1].state
    return steps
