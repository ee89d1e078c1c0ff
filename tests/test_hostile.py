"""Hostile input, generated: every case gets a clear message (page) or one readable line and a
non-zero exit (CLI); no traceback, no hang, no file written, no code executed."""

import os
import pickle
import struct
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from seq2seq import limits
from seq2seq.core import checkpoint
from seq2seq.data.pairs import read_pairs
from seq2seq.errors import CheckpointError, InputError
from seq2seq.limits import MAX_PAIR_FILE_BYTES

from .clitest import cli
from .conftest import CHECKPOINTS, REPO

MARKER = Path("/tmp/attention-lab-hostile-marker")

TEXTS = {
    "empty": "",
    "whitespace": " \t  ",
    "emoji": "👩‍🔬🙂🧪",
    "rtl": "مرحبا بالعالم",
    "combining": "e\u0301a\u0308o\u0302",
    "control": "ab\x07c\x1bd",
    "nul": "ab\x00cd",
    "mixed": "abc日本語абв",
    "long-10k": "a" * 10_000,
    "long-1m": "b" * 1_000_000,
    "markdown": "**bold** <script>alert(1)</script> $x$",
    "newlines": "ab\ncd\r\nef",
    "zero-width": "a\u200bb\u200dc",
    "bidi-override": "\u202eabc\u202c",
    "ideographic-space": "a\u3000b",
}
PAGES = ["pages/translate.py", "pages/beam.py", "pages/compare.py", "pages/lecture.py"]


def run_page(page: str, **query) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page)
    at.run()
    return at


def messages(at: AppTest) -> str:
    return " ".join(str(e.value) for e in [*at.error, *at.warning, *at.info, *at.success])


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("name", list(TEXTS))
def test_hostile_text_on_every_page(page, name):
    at = run_page(page)
    at.text_input(key="src").set_value(TEXTS[name]).run()
    assert not at.exception, at.exception
    if name in ("empty", "whitespace"):
        assert "Type an input" in messages(at)
    elif name.startswith("long"):
        assert "at most" in messages(at)
    else:
        assert "⟨unk⟩" in messages(at)  # the characters the model does not know are named


QUERIES = [
    {"model": "no-such-model"},
    {"model": "../../etc/passwd"},
    {"step": "-1"},
    {"step": "1000000000"},
    {"step": "three"},
    {"beam": "0"},
    {"beam": "1000"},
    {"beam": "many"},
    {"alpha": "-1"},
    {"alpha": "nan"},
    {"force": "garbage"},
    {"force": "1:99999"},
    {"force": "999:4"},
    {"left": "x", "right": "y"},
    {"src": "a" * 5000},
    {"lang": "xx"},
    {"step": ""},
    {"model": ""},
    {"beam": "16.5"},
    {"present": "banana"},
    {"lang": "zh", "present": "1"},
    {"section": "s99"},
    {"att": "../../etc/passwd"},
]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("query", QUERIES, ids=[",".join(f"{k}={v[:12]}" for k, v in q.items()) for q in QUERIES])
def test_bad_query_strings_never_break_a_page(page, query):
    at = run_page(page, **query)
    assert not at.exception, at.exception
    # the page rendered (a Lecture slide's title is its section header, "3 · Training vs inference")
    assert at.title or any(" · " in h.value for h in at.main.header)


@pytest.mark.parametrize("name", ["empty", "whitespace", "long-10k", "long-1m"])
def test_hostile_text_in_the_cli_fails_with_one_line(name):
    text = TEXTS[name]
    if name == "long-1m":  # too long for one argv entry on some systems: still one line
        text = text[:100_000]
    proc = cli("translate", str(CHECKPOINTS / "reverse-attention.safetensors"), text)
    assert proc.returncode != 0 and len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


@pytest.mark.parametrize("name", ["emoji", "rtl", "combining", "control", "mixed", "markdown"])
def test_unknown_characters_in_the_cli_are_noted(name):
    proc = cli("translate", str(CHECKPOINTS / "reverse-attention.safetensors"), TEXTS[name])
    assert proc.returncode == 0 and "not in this model's vocabulary" in proc.stderr and "Traceback" not in proc.stderr


PAIR_FILES = {
    "empty": b"",
    "binary": bytes(range(256)) * 4,
    "utf16-no-bom": "a\tb\n".encode("utf-16-le"),
    "latin1": "café\tcoffee\n".encode("latin-1"),
    "no-separator": b"just words here\nand more words\n",
    "one-column": b"a\nb\nc\n",
    "ten-columns": b"\t".join([b"x"] * 10) + b"\n",
    "quoted-tabs": b'"a\tb"\tc\n',
    "quoted-newlines": b'"a\nb",c\n',
    "huge-line": b"a\t" + b"x" * 10_000_000 + b"\n",
    "over-size": b"a\tb\n" * (MAX_PAIR_FILE_BYTES // 4 + 10),
    "bom-only": b"\xef\xbb\xbf",
    "crlf": b"a\tb\r\nc\td\r\n",
    "whitespace-only": b" \n\t\n \n",
    "unbalanced-quote": b'"a,b\nc,d\n',
    "nul-in-middle": b"a\tb\nc\x00\td\n",
}


@pytest.mark.parametrize("name", list(PAIR_FILES))
def test_hostile_pair_files(name):
    try:
        result = read_pairs(PAIR_FILES[name], f"{name}.tsv")
    except InputError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:  # accepted: every pair is a non-empty, bounded pair of strings
        assert result.examples and all(0 < len(e.source) <= 500 and 0 < len(e.target) <= 500 for e in result.examples)


def test_a_million_rows_are_refused_quickly(monkeypatch):
    """Refused at the limit: the rows past it are never turned into pairs (no wall-clock bound,
    which a loaded machine breaks; the number of rows read is what makes it quick)."""
    import csv

    from seq2seq.data import pairs

    read, reader = [], csv.reader

    class CountingReader:  # csv.reader's rows, counted
        def __init__(self, *args, **kwargs):
            self.rows = reader(*args, **kwargs)
            read.append(0)

        def __iter__(self):
            return self

        def __next__(self):
            row = next(self.rows)
            read[-1] += 1
            return row

        @property
        def line_num(self):
            return self.rows.line_num

    monkeypatch.setattr(pairs.csv, "reader", CountingReader)
    with pytest.raises(InputError, match=f"more than {limits.MAX_PAIR_ROWS:,} pairs"):
        read_pairs(b"a\tb\n" * 1_000_000)
    assert read and limits.MAX_PAIR_ROWS < read[-1] <= limits.MAX_PAIR_ROWS + 1


class Payload:
    def __reduce__(self):
        return (os.system, (f"touch {MARKER}",))


def good_bytes() -> bytes:
    return (CHECKPOINTS / "reverse-attention.safetensors").read_bytes()


def with_metadata(**changes) -> bytes:
    from safetensors import safe_open
    from safetensors.torch import save

    with safe_open(str(CHECKPOINTS / "reverse-attention.safetensors"), "pt") as f:
        meta, tensors = dict(f.metadata()), {k: f.get_tensor(k) for k in f.keys()}
    meta.update(changes)
    return save(tensors, metadata=meta)


CHECKPOINT_FILES = {
    "truncated": lambda: good_bytes()[:5000],
    "random": lambda: os.urandom(50_000),
    "pickle": lambda: pickle.dumps(Payload(), protocol=4),
    "pickle-proto2": lambda: pickle.dumps(Payload(), protocol=2),
    "empty": lambda: b"",
    "header-claims-huge": lambda: struct.pack("<Q", 2**62) + b"{}",
    "future-version": lambda: with_metadata(format_version="7"),
    "config-huge-sizes": lambda: with_metadata(config='{"vocab_size": 30, "hidden": 100000000}'),
    "config-mismatch": lambda: with_metadata(config='{"vocab_size": 30, "hidden": 32}'),
    "metadata-not-json": lambda: with_metadata(card="{{{"),
    "card-not-an-object": lambda: with_metadata(card="[1, 2]"),
    "card-wrong-types": lambda: with_metadata(card='{"steps": "many", "metrics": []}'),
    "card-bad-history": lambda: with_metadata(card='{"history": {"loss": [[1]], "valid": [{"step": "x"}]}}'),
    "card-bad-span": lambda: with_metadata(card='{"source_chars": [3, "z"]}'),
    "other-format": lambda: with_metadata(format="not-ours"),
}


@pytest.mark.parametrize("name", list(CHECKPOINT_FILES))
@pytest.mark.parametrize("suffix", [".safetensors", ".pt"])
def test_hostile_checkpoints_are_refused_and_never_run(tmp_path, name, suffix):
    MARKER.unlink(missing_ok=True)
    data = CHECKPOINT_FILES[name]()
    path = tmp_path / f"evil{suffix}"
    path.write_bytes(data)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(CheckpointError):
        checkpoint.load(path)
    with pytest.raises(CheckpointError):
        checkpoint.load_bytes(data, path.name)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written
    assert not MARKER.exists()  # nothing executed


@pytest.mark.parametrize("name", ["pickle", "truncated", "future-version"])
def test_hostile_checkpoints_in_the_cli(tmp_path, name):
    MARKER.unlink(missing_ok=True)
    path = tmp_path / "evil.safetensors"
    path.write_bytes(CHECKPOINT_FILES[name]())
    proc = cli("translate", str(path), "abc")
    assert proc.returncode != 0 and len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert not MARKER.exists()
