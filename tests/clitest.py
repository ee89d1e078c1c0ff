"""What the CLI tests share: ``python -m seq2seq`` as a process, the same command run in this
process (fast: no second import of torch), and the one-line error every failure must be."""

import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO

from seq2seq import cli as seq2seq_cli

from .conftest import REPO


def cli_process(*args, timeout=300) -> subprocess.CompletedProcess:
    """``python -m seq2seq ARGS`` as a terminal runs it."""
    env = os.environ | {"PYTHONPATH": str(REPO)}
    env.pop("SEQ2SEQ_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "seq2seq", *args], capture_output=True, text=True, timeout=timeout, cwd=REPO, env=env
    )


def cli(*args) -> subprocess.CompletedProcess:
    """The same command run by ``cli.main`` in this process: exit status, stdout and stderr."""
    out, err = StringIO(), StringIO()
    debug = os.environ.pop("SEQ2SEQ_DEBUG", None)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = seq2seq_cli.main([str(a) for a in args])
            except SystemExit as exc:  # argparse: usage errors exit 2
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        if debug is not None:
            os.environ["SEQ2SEQ_DEBUG"] = debug
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def assert_one_line_error(proc):
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in proc.stderr
