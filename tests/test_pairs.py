"""Reading users' pair files: every problem is named with its line, nothing crashes."""

import pytest

from seq2seq.data.pairs import load_pairs, read_pairs
from seq2seq.errors import InputError
from seq2seq.limits import MAX_PAIR_FIELD_CHARS, MAX_PAIR_FILE_BYTES

TATOEBA = (
    "Go.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272 (CM) & #1158250 (Wittydev)\n"
    "Hi.\tSalut !\tCC-BY 2.0 (France) Attribution: tatoeba.org #538123 (CM) & #509819 (Aiji)\n"
)


def test_tatoeba_export_loads_as_is():
    result = read_pairs(TATOEBA.encode(), "fra.txt")
    assert [(e.source, e.target) for e in result.examples] == [("Go.", "Va !"), ("Hi.", "Salut !")]
    assert any("ignored" in n for n in result.notes)


@pytest.mark.parametrize(
    ("data", "pairs"),
    [
        (b"a\tb\r\nc\td\r\n", [("a", "b"), ("c", "d")]),  # CRLF
        ("\ufeffa\tb\n".encode(), [("a", "b")]),  # UTF-8 BOM
        ("a\tb\nc\td\n".encode("utf-16"), [("a", "b"), ("c", "d")]),  # UTF-16 with BOM
        (b'a,b\n"x, y","z ""q"""\n', [("a", "b"), ("x, y", 'z "q"')]),  # CSV quoting
        (b'"multi\nline",b\n', [("multi line", "b")]),  # a quoted newline becomes a space
        (b"a\tb\n\n\n\nc\td\n", [("a", "b"), ("c", "d")]),  # empty lines
        ("日本\t二\n".encode(), [("日本", "二")]),
    ],
)
def test_accepted_shapes(data, pairs):
    assert [(e.source, e.target) for e in read_pairs(data).examples] == pairs


def test_bad_lines_are_skipped_and_named():
    data = (
        b"a\tb\nonly-one-column\n\tmissing source\nmissing target\t\n"
        + b"x" * (MAX_PAIR_FIELD_CHARS + 1)
        + b"\ty\nc\td\n"
    )
    result = read_pairs(data, "f.tsv")
    assert [(e.source, e.target) for e in result.examples] == [("a", "b"), ("c", "d")]
    assert result.skipped == 4
    assert result.notes[:4] == [
        "line 2: only one column (expected source and target separated by a tab)",
        "line 3: the source is empty",
        "line 4: the target is empty",
        f"line 5: {MAX_PAIR_FIELD_CHARS + 1} characters (at most {MAX_PAIR_FIELD_CHARS} per side)",
    ]
    assert "2 pairs read" in result.summary() and "4 lines skipped" in result.summary()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n\n \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        ("café\tcoffee\n".encode("latin-1"), "line 1, column 4: byte 0xe9 is not UTF-8"),
        (b"ok\tfine\n" + "é\tx\n".encode("latin-1"), "line 2"),
        (b"just one column\nand another\n", "no usable"),
        (b"\xff\xfe\x00\xd8", "UTF-16"),
    ],
)
def test_unusable_files_are_refused_with_the_line(data, message):
    with pytest.raises(InputError, match=message):
        read_pairs(data)


def test_size_and_row_caps(tmp_path, monkeypatch):
    with pytest.raises(InputError, match="at most"):
        read_pairs(b"a\tb\n" * (MAX_PAIR_FILE_BYTES // 4 + 1))
    big = tmp_path / "big.tsv"
    with big.open("wb") as f:
        f.truncate(MAX_PAIR_FILE_BYTES + 1)
    with pytest.raises(InputError, match="MB"):
        load_pairs(big)
    monkeypatch.setattr("seq2seq.limits.MAX_PAIR_ROWS", 3)
    with pytest.raises(InputError, match="more than 3 pairs"):
        read_pairs(b"a\tb\n" * 4)


def test_missing_file():
    with pytest.raises(InputError, match="no such"):
        load_pairs("/nonexistent.tsv")
