"""Tokenizers: text <-> token ids, with the four special tokens every model shares.

Ids 0-3 are reserved in every tokenizer so that batches, masks and searches never need to
ask which tokenizer they are working with:

    0 <pad>   fills batches to a common length (masked out everywhere)
    1 <s>     y_0, the token the decoder starts from
    2 </s>    end of sequence: appended to every source and target
    3 <unk>   any input unit the model never saw in training

Three kinds behind one interface (``Tokenizer``):

    char           one token per Unicode code point
    word           whitespace-separated words
    sentencepiece  subword pieces (unigram or BPE) trained in-process on the task's
                   training text; the trained model rides inside the checkpoint

A model reads its source with ``tokenizer.source`` and writes its target with
``tokenizer.target``: one tokenizer of the three kinds is both (a toy task's two sides share
their units), a ``TokenizerPair`` has one per side (English words in, Chinese characters out).

A tokenizer travels in a checkpoint as ``to_dict()`` (JSON metadata) plus ``tensors()``
(the sentencepiece model as a uint8 tensor), and comes back through ``tokenizer_from_dict``.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import torch

from seq2seq import limits
from seq2seq.errors import CheckpointError, InputError

PAD, BOS, EOS, UNK = 0, 1, 2, 3
SPECIAL_TOKENS = ("<pad>", "<s>", "</s>", "<unk>")
KINDS = ("char", "word", "sentencepiece")
SENTENCEPIECE_TENSOR = "tokenizer.sentencepiece_model"


# Tokens that would be invisible or confusing when shown.
_VISIBLE = {" ": "␣", "\t": "⇥", "\n": "↵"}


def visible_token(token: str) -> str:
    """A token with spaces and control characters made visible (plain text, for labels and messages)."""
    if token in _VISIBLE:
        return _VISIBLE[token]
    if len(token) == 1 and (ord(token) < 32 or 0x7F <= ord(token) < 0xA0):
        return f"U+{ord(token):04X}"
    return token.replace(" ", "␣")


class Tokenizer(Protocol):
    kind: str

    @property
    def source(self) -> Tokenizer:
        """The tokenizer of the model's input (this one, for a tokenizer of both sides)."""
        ...

    @property
    def target(self) -> Tokenizer:
        """The tokenizer of the model's output (this one, for a tokenizer of both sides)."""
        ...

    @property
    def vocab_size(self) -> int: ...

    def tokenize(self, text: str) -> list[str]:
        """The units the model sees, as figures should label them."""

    def encode(self, text: str) -> list[int]:
        """Token ids without <s>/</s>; unknown units become <unk>."""

    def decode(self, ids: Sequence[int]) -> str:
        """Text of ``ids``: stops at the first </s>, skips the other specials."""

    def id_to_token(self, i: int) -> str: ...

    def unknown(self, text: str) -> list[str]:
        """The distinct units of ``text`` that the vocabulary lacks, in order of appearance."""

    def to_dict(self) -> dict: ...

    def tensors(self) -> dict[str, torch.Tensor]: ...


class _BothSides:
    """One tokenizer serving both sides: it is its own source and target tokenizer
    (``TokenizerPair`` has one each); callers always say which side they mean."""

    @property
    def source(self) -> Tokenizer:
        return self

    @property
    def target(self) -> Tokenizer:
        return self


@dataclass
class _VocabTokenizer(_BothSides):
    """Shared machinery of tokenizers with an explicit list of units (char, word)."""

    units: list[str] = field(default_factory=list)  # the non-special vocabulary, ids 4..
    kind: str = ""
    joiner: str = ""  # between decoded units

    def __post_init__(self) -> None:
        self._ids = {u: i + len(SPECIAL_TOKENS) for i, u in enumerate(self.units)}

    @property
    def vocab_size(self) -> int:
        return len(SPECIAL_TOKENS) + len(self.units)

    # each subclass defines split(text) -> list of units

    def tokenize(self, text: str) -> list[str]:
        return self.split(text)

    def encode(self, text: str) -> list[int]:
        return [self._ids.get(u, UNK) for u in self.split(text)]

    def decode(self, ids: Sequence[int]) -> str:
        out = []
        for i in ids:
            i = int(i)
            if i == EOS:
                break
            if len(SPECIAL_TOKENS) <= i < self.vocab_size:
                out.append(self.units[i - len(SPECIAL_TOKENS)])
        return self.joiner.join(out)

    def id_to_token(self, i: int) -> str:
        i = int(i)
        return SPECIAL_TOKENS[i] if i < len(SPECIAL_TOKENS) else self.units[i - len(SPECIAL_TOKENS)]

    def unknown(self, text: str) -> list[str]:
        return list(dict.fromkeys(u for u in self.split(text) if u not in self._ids))

    def to_dict(self) -> dict:
        return {"kind": self.kind, "units": list(self.units)}

    def tensors(self) -> dict[str, torch.Tensor]:
        return {}


@dataclass
class CharTokenizer(_VocabTokenizer):
    """One token per Unicode code point.

    >>> tok = CharTokenizer.build(["abc"])
    >>> tok.encode("cab"), tok.decode(tok.encode("cab"))
    ([6, 4, 5], 'cab')
    """

    kind: str = "char"

    @classmethod
    def build(cls, texts: Iterable[str], min_count: int = 1) -> CharTokenizer:
        """Vocabulary = every character seen at least ``min_count`` times in ``texts``, sorted so
        the result is deterministic (rarer ones read as <unk>)."""
        return cls(units=_frequent((ch for text in texts for ch in text), min_count))

    def split(self, text: str) -> list[str]:
        return list(text)


@dataclass
class WordTokenizer(_VocabTokenizer):
    """Whitespace-separated words; decoding joins them with single spaces."""

    kind: str = "word"
    joiner: str = " "

    @classmethod
    def build(cls, texts: Iterable[str], min_count: int = 1) -> WordTokenizer:
        """Vocabulary = every word seen at least ``min_count`` times in ``texts``, sorted."""
        return cls(units=_frequent((w for text in texts for w in text.split()), min_count))

    def split(self, text: str) -> list[str]:
        return text.split()


class SentencePieceTokenizer(_BothSides):
    """Subword pieces from a sentencepiece model trained on the task's training text.

    Normalisation is the identity (pieces show the text as typed; only runs of spaces are
    collapsed), and the model file is a few kilobytes.
    """

    kind = "sentencepiece"

    def __init__(self, model_proto: bytes, model_type: str) -> None:
        import sentencepiece as spm

        self.model_proto = bytes(model_proto)
        self.model_type = model_type
        self._sp = spm.SentencePieceProcessor()
        try:
            self._sp.load_from_serialized_proto(self.model_proto)
        except (RuntimeError, OSError) as exc:
            raise CheckpointError(f"the sentencepiece model is corrupt ({str(exc).splitlines()[0][:120]})") from None
        if [self._sp.id_to_piece(i) for i in range(4)] != list(SPECIAL_TOKENS):
            raise CheckpointError("the sentencepiece model does not reserve ids 0-3 for <pad> <s> </s> <unk>")

    @classmethod
    def train(cls, texts: Sequence[str], vocab_size: int = 200, model_type: str = "unigram") -> SentencePieceTokenizer:
        """Train in-process on ``texts``; the vocabulary may end up smaller than asked when
        the text is too small to support it (hard_vocab_limit=False)."""
        import sentencepiece as spm

        if model_type not in ("unigram", "bpe"):
            raise InputError(f"sentencepiece model type must be unigram or bpe, got {model_type!r}")
        texts = [t for t in texts if t.strip()]
        if not texts:
            raise InputError("sentencepiece needs some non-empty training text")
        n_chars = len({ch for t in texts for ch in t if not ch.isspace()})
        if vocab_size < n_chars + len(SPECIAL_TOKENS) + 1:
            raise InputError(
                f"a sentencepiece vocabulary of {vocab_size} cannot hold the {n_chars} distinct characters "
                f"of the training text plus the 4 special tokens; ask for at least {n_chars + 5}"
            )
        buffer = io.BytesIO()
        try:
            spm.SentencePieceTrainer.train(
                sentence_iterator=iter(texts),
                model_writer=buffer,
                vocab_size=min(vocab_size, limits.MAX_TOKENIZER_UNITS),
                model_type=model_type,
                pad_id=PAD,
                bos_id=BOS,
                eos_id=EOS,
                unk_id=UNK,
                character_coverage=1.0,
                hard_vocab_limit=False,
                normalization_rule_name="identity",
                num_threads=1,
                minloglevel=2,
            )
        except RuntimeError as exc:
            raise InputError(f"sentencepiece training failed: {str(exc).splitlines()[0][:200]}") from None
        return cls(buffer.getvalue(), model_type)

    @property
    def vocab_size(self) -> int:
        return self._sp.get_piece_size()

    def tokenize(self, text: str) -> list[str]:
        return self._sp.encode(text, out_type=str)

    def encode(self, text: str) -> list[int]:
        return self._sp.encode(text)

    def decode(self, ids: Sequence[int]) -> str:
        ids = [int(i) for i in ids]
        if EOS in ids:
            ids = ids[: ids.index(EOS)]
        return self._sp.decode([i for i in ids if i >= len(SPECIAL_TOKENS)])

    def id_to_token(self, i: int) -> str:
        return self._sp.id_to_piece(int(i))

    def unknown(self, text: str) -> list[str]:
        """Characters that only <unk> can cover (sentencepiece splits everything else)."""
        return list(dict.fromkeys(ch for ch in text if not ch.isspace() and UNK in self._sp.encode(ch)))

    def to_dict(self) -> dict:
        return {"kind": self.kind, "model_type": self.model_type, "vocab_size": self.vocab_size}

    def tensors(self) -> dict[str, torch.Tensor]:
        return {SENTENCEPIECE_TENSOR: torch.frombuffer(bytearray(self.model_proto), dtype=torch.uint8)}


@dataclass
class TokenizerPair:
    """One tokenizer per side: the source's units (e.g. English words) and the target's (e.g.
    Chinese characters). The model's encoder embeds ``source``'s ids, its decoder embeds and
    predicts ``target``'s (``ModelConfig.src_vocab_size`` and ``vocab_size``)."""

    source: Tokenizer
    target: Tokenizer
    kind = "pair"

    @property
    def vocab_size(self) -> int:
        """The target's: what the output layer predicts over (the source's: ``source.vocab_size``)."""
        return self.target.vocab_size

    def to_dict(self) -> dict:
        return {"kind": self.kind, "source": self.source.to_dict(), "target": self.target.to_dict()}

    def tensors(self) -> dict[str, torch.Tensor]:
        """Each side's tensors under its own name (``tokenizer.source.…``, ``tokenizer.target.…``)."""
        return {
            _side_key(side, key): value
            for side, tok in (("source", self.source), ("target", self.target))
            for key, value in tok.tensors().items()
        }


def in_units(tokenizer: Tokenizer, unit: str | None) -> bool:
    """Both sides are written in ``unit`` ("char", "word"): a task's gold alignment, given in that
    unit, then lines up with the model's tokens on both axes."""
    return unit is not None and tokenizer.source.kind == unit == tokenizer.target.kind


def _side_key(side: str, key: str) -> str:
    """``tokenizer.sentencepiece_model`` of one side of a pair -> ``tokenizer.source.sentencepiece_model``."""
    return key.replace("tokenizer.", f"tokenizer.{side}.", 1)


# every name a checkpoint may store a tokenizer's tensor under: one tokenizer's, or each side's of a pair
TENSOR_NAMES = frozenset(
    {SENTENCEPIECE_TENSOR, *(_side_key(side, SENTENCEPIECE_TENSOR) for side in ("source", "target"))}
)


def _frequent(units: Iterable[str], min_count: int) -> list[str]:
    counts = Counter(units)
    return sorted(u for u, n in counts.items() if n >= min_count)


def build_tokenizer(
    kind: str, texts: Sequence[str], vocab_size: int = 200, model_type: str = "unigram", min_count: int = 1
) -> Tokenizer:
    """A tokenizer of ``kind`` whose vocabulary covers ``texts`` (the training sources and targets);
    char and word units seen fewer than ``min_count`` times are left to <unk>."""
    if kind == "char":
        return CharTokenizer.build(texts, min_count)
    if kind == "word":
        return WordTokenizer.build(texts, min_count)
    if kind == "sentencepiece":
        return SentencePieceTokenizer.train(texts, vocab_size, model_type)
    raise InputError(f"unknown tokenizer {kind!r}; choose from {', '.join(KINDS)}")


def tokenizer_from_dict(data: dict, tensors: dict[str, torch.Tensor] | None = None) -> Tokenizer:
    """Rebuild a tokenizer from checkpoint metadata (and tensors), refusing anything malformed."""
    if not isinstance(data, dict):
        raise CheckpointError("tokenizer metadata is not an object")
    kind = data.get("kind")
    if kind == "pair":
        sides = []
        for side in ("source", "target"):
            part = data.get(side)
            if not isinstance(part, dict) or part.get("kind") == "pair":
                raise CheckpointError(f"tokenizer pair metadata: the {side} side must be one tokenizer")
            stored = (tensors or {}).get(_side_key(side, SENTENCEPIECE_TENSOR))
            sides.append(tokenizer_from_dict(part, {} if stored is None else {SENTENCEPIECE_TENSOR: stored}))
        return TokenizerPair(*sides)
    if kind in ("char", "word"):
        units = data.get("units", data.get("chars"))
        if not isinstance(units, list) or not all(isinstance(u, str) and u for u in units):
            raise CheckpointError(f"{kind} tokenizer metadata: 'units' must be a list of non-empty strings")
        if kind == "char" and not all(len(u) == 1 for u in units):
            raise CheckpointError("char tokenizer metadata: every unit must be a single character")
        if len(set(units)) != len(units):
            raise CheckpointError(f"{kind} tokenizer metadata: 'units' has duplicates")
        if len(units) > limits.MAX_TOKENIZER_UNITS:
            raise CheckpointError(f"{kind} tokenizer metadata: {len(units):,} units is implausibly many")
        return CharTokenizer(units=units) if kind == "char" else WordTokenizer(units=units)
    if kind == "sentencepiece":
        proto = (tensors or {}).get(SENTENCEPIECE_TENSOR)
        if proto is None or proto.dtype != torch.uint8 or proto.dim() != 1:
            raise CheckpointError("sentencepiece tokenizer: the model tensor is missing or not a uint8 vector")
        model_type = data.get("model_type")
        if model_type not in ("unigram", "bpe"):
            raise CheckpointError(f"sentencepiece tokenizer: unknown model type {model_type!r}")
        return SentencePieceTokenizer(proto.numpy().tobytes(), model_type)
    raise CheckpointError(f"unknown tokenizer kind {kind!r}")
