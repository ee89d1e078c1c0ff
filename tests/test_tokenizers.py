import pytest
from hypothesis import given
from hypothesis import strategies as st

from seq2seq.errors import CheckpointError
from seq2seq.tokenizers import BOS, EOS, PAD, UNK, CharTokenizer, tokenizer_from_dict

ALPHABET = "abcdefghijklmnopqrstuvwxyz"
tok = CharTokenizer.build([ALPHABET])


def test_specials_have_fixed_ids():
    assert (PAD, BOS, EOS, UNK) == (0, 1, 2, 3)
    assert [tok.id_to_token(i) for i in range(4)] == ["<pad>", "<s>", "</s>", "<unk>"]
    assert tok.vocab_size == 4 + 26


@given(st.text(alphabet=ALPHABET, max_size=50))
def test_round_trip_over_the_vocabulary(text):
    assert tok.decode(tok.encode(text)) == text
    assert tok.tokenize(text) == list(text)
    assert tok.unknown(text) == []


@given(st.text(max_size=40))
def test_any_text_encodes_and_unknowns_become_unk(text):
    ids = tok.encode(text)
    assert len(ids) == len(text)
    unknown = set(tok.unknown(text))
    for ch, i in zip(text, ids, strict=True):
        assert (i == UNK) == (ch in unknown)


def test_unknown_lists_each_character_once_in_order():
    assert tok.unknown("héllo wörld é") == ["é", " ", "ö"]
    assert tok.unknown("🙂a🙂") == ["🙂"]


def test_decode_stops_at_eos_and_skips_specials():
    ids = [BOS, *tok.encode("ab"), PAD, EOS, *tok.encode("zz")]
    assert tok.decode(ids) == "ab"


def test_build_is_deterministic():
    assert CharTokenizer.build(["cba", "b"]).units == ["a", "b", "c"]


def test_dict_round_trip():
    again = tokenizer_from_dict(tok.to_dict())
    assert again.units == tok.units and again.encode("hello") == tok.encode("hello")


@pytest.mark.parametrize(
    "bad",
    [
        None,
        [],
        {"kind": "bpe"},
        {"kind": "char", "chars": "abc"},
        {"kind": "char", "chars": ["ab"]},
        {"kind": "char", "chars": ["a", "a"]},
        {"kind": "char", "chars": [1]},
    ],
)
def test_malformed_metadata_is_refused(bad):
    with pytest.raises(CheckpointError):
        tokenizer_from_dict(bad)
