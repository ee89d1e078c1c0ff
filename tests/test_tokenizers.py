import pytest
from hypothesis import given
from hypothesis import strategies as st

from seq2seq.data.tokenizers import BOS, EOS, PAD, UNK, CharTokenizer, tokenizer_from_dict
from seq2seq.errors import CheckpointError

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


# --- word and sentencepiece -----------------------------------------------------------------------

import torch  # noqa: E402

from seq2seq.data.tokenizers import (  # noqa: E402
    SENTENCEPIECE_TENSOR,
    SentencePieceTokenizer,
    WordTokenizer,
    build_tokenizer,
)
from seq2seq.errors import InputError  # noqa: E402

WORDS = ["the", "big", "dog", "sees", "a", "cat"]
SENTENCES = ["the big dog sees a cat", "a cat sees the dog", "the dog sees a big cat"] * 30


@given(st.lists(st.sampled_from(WORDS), max_size=12))
def test_word_round_trip(words):
    wt = WordTokenizer.build(SENTENCES)
    text = " ".join(words)
    assert wt.decode(wt.encode(text)) == text and wt.tokenize(text) == words


def test_word_unknowns():
    wt = WordTokenizer.build(SENTENCES)
    assert wt.unknown("the purple dog  sees a unicorn") == ["purple", "unicorn"]
    assert wt.encode("purple")[0] == UNK


@pytest.fixture(scope="module")
def sp():
    return SentencePieceTokenizer.train(SENTENCES, vocab_size=40, model_type="bpe")


@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12))
def test_sentencepiece_round_trip(sp, words):
    text = " ".join(words)
    assert sp.decode(sp.encode(text)) == text
    assert "".join(sp.tokenize(text)).replace("▁", " ").strip() == text  # the pieces, as they are


def test_sentencepiece_reserves_the_special_ids_and_travels_as_a_tensor(sp):
    assert [sp.id_to_token(i) for i in range(4)] == ["<pad>", "<s>", "</s>", "<unk>"]
    assert sp.unknown("the dog 🙂") == ["🙂"]
    tensors = sp.tensors()
    assert tensors[SENTENCEPIECE_TENSOR].dtype == torch.uint8
    again = tokenizer_from_dict(sp.to_dict(), tensors)
    assert again.encode("the big cat") == sp.encode("the big cat") and again.vocab_size == sp.vocab_size
    assert len(sp.model_proto) < 5000  # identity normalisation keeps the model tiny


def test_sentencepiece_problems_are_explained(sp):
    with pytest.raises(InputError, match="at least"):
        SentencePieceTokenizer.train(SENTENCES, vocab_size=8)
    with pytest.raises(InputError, match="unigram or bpe"):
        SentencePieceTokenizer.train(SENTENCES, model_type="word")
    with pytest.raises(CheckpointError, match="corrupt"):
        tokenizer_from_dict(sp.to_dict(), {SENTENCEPIECE_TENSOR: torch.tensor([1, 2, 3], dtype=torch.uint8)})
    with pytest.raises(CheckpointError, match="missing"):
        tokenizer_from_dict(sp.to_dict(), {})


def test_build_tokenizer_by_kind():
    assert build_tokenizer("char", ["ab"]).kind == "char"
    assert build_tokenizer("word", ["a b"]).kind == "word"
    assert build_tokenizer("sentencepiece", SENTENCES, vocab_size=30).kind == "sentencepiece"
    with pytest.raises(InputError):
        build_tokenizer("bytes", ["a"])
