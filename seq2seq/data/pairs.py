"""Your own pairs: reading a TSV or CSV file of source/target pairs, defensively.

Accepted: UTF-8 (with or without BOM) or UTF-16 with BOM; tab-separated (the format of
the PyTorch translation tutorial and the Tatoeba/Anki downloads, ``source<TAB>target<TAB>
attribution``, read as is: columns after the second are ignored) or comma-separated with
standard CSV quoting; CRLF or LF line ends. Lines that cannot be used (one column, an empty
side, a field over the length cap) are skipped and named in ``notes``; a file that cannot be
used at all (empty, binary, not UTF-8, too big, too many rows, nothing usable) raises an
``InputError`` whose message names the line and the problem. Nothing is ever written.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from seq2seq import limits
from seq2seq.data.tasks import Example
from seq2seq.errors import InputError

_BREAKS = re.compile(r"[\r\n\t]+")  # a quoted CSV field may span lines: one line of text per side


@dataclass
class PairsFile:
    examples: list[Example]
    source_name: str
    notes: list[str] = field(default_factory=list)  # one line each: "line 7: only one column"
    skipped: int = 0  # unusable lines (empty lines not counted)

    def summary(self) -> str:
        text = f"{len(self.examples):,} pairs read from {self.source_name}"
        return text + (f"; {self.skipped:,} lines skipped" if self.skipped else "")


def load_pairs(path: str | os.PathLike) -> PairsFile:
    """Read a pair file from disk (size checked before reading)."""
    path = Path(path)
    if not path.is_file():
        raise InputError.of("no_pair_file", path=str(path))
    _refuse_oversize(path.name, path.stat().st_size)
    return read_pairs(path.read_bytes(), path.name)


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError.of("bad_utf16", name=name) from None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError.of("binary_pairs", name=name, line=line)
    try:
        return data.decode("utf-8-sig")  # drops a UTF-8 BOM
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError.of("not_utf8", name=name, line=line, column=column, byte=f"{data[exc.start]:02x}") from None


def _refuse_oversize(name: str, size: int) -> None:
    if size > limits.MAX_PAIR_FILE_BYTES:
        top = limits.MAX_PAIR_FILE_BYTES // 2**20
        raise InputError.of("pairs_too_big", name=name, mb=f"{size / 2**20:.1f}", top=top)


def read_pairs(data: bytes, name: str = "pairs") -> PairsFile:
    """Parse the bytes of a pair file; see the module docstring for what is accepted."""
    _refuse_oversize(name, len(data))
    text = _decode(data, name)
    if not text.strip():
        raise InputError.of("pairs_empty", name=name)
    lines = text.splitlines()
    tab_separated = any("\t" in line for line in lines[:1000])
    if tab_separated:
        rows = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    else:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=",")
    result = PairsFile([], name)
    extra_columns = False

    def skip(line_no: int, problem: str) -> None:
        result.skipped += 1
        if len(result.notes) < limits.MAX_PAIR_NOTES:
            result.notes.append(f"line {line_no}: {problem}")

    try:
        for row in rows:
            line_no = rows.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) < 2:
                sep = "a tab" if tab_separated else "a comma"
                skip(line_no, f"only one column (expected source and target separated by {sep})")
                continue
            extra_columns |= len(row) > 2
            source, target = (_BREAKS.sub(" ", cell).strip() for cell in row[:2])
            if not source or not target:
                skip(line_no, "the source is empty" if not source else "the target is empty")
            elif max(len(source), len(target)) > limits.MAX_PAIR_FIELD_CHARS:
                skip(
                    line_no,
                    f"{max(len(source), len(target)):,} characters (at most {limits.MAX_PAIR_FIELD_CHARS} per side)",
                )
            else:
                result.examples.append(Example(source, target))
                if len(result.examples) > limits.MAX_PAIR_ROWS:
                    raise InputError.of("too_many_pairs", name=name, top=f"{limits.MAX_PAIR_ROWS:,}")
    except csv.Error as exc:
        raise InputError(f"{name}, line {rows.line_num}: {exc}") from None
    if result.skipped > limits.MAX_PAIR_NOTES:
        result.notes.append(f"… and {result.skipped - limits.MAX_PAIR_NOTES:,} more lines skipped")
    if extra_columns:
        result.notes.append("columns after the second were ignored (e.g. Tatoeba's attribution)")
    if not result.examples:
        detail = f": {result.notes[0]}" if result.notes else ""
        raise InputError(f"{name} has no usable source/target pairs{detail}")
    return result
