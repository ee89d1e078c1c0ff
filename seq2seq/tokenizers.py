"""Tokenizers: text <-> token ids, with the four special tokens every model shares.

Ids 0-3 are reserved in every tokenizer so that batches, masks and searches never need to
ask which tokenizer they are working with:

    0 <pad>   fills batches to a common length (masked out everywhere)
    1 <s>     y_0, the token the decoder starts from
    2 </s>    end of sequence: appended to every source and target
    3 <unk>   any input unit the model never saw in training

A tokenizer is a plain object with ``to_dict()`` so that it travels as JSON inside a
checkpoint's metadata (see ``checkpoint.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .errors import CheckpointError

PAD, BOS, EOS, UNK = 0, 1, 2, 3
SPECIAL_TOKENS = ("<pad>", "<s>", "</s>", "<unk>")


@dataclass
class CharTokenizer:
    """One token per Unicode code point; the vocabulary is fixed when built.

    >>> tok = CharTokenizer.build(["abc"])
    >>> tok.encode("cab"), tok.decode(tok.encode("cab"))
    ([6, 4, 5], 'cab')
    """

    chars: list[str] = field(default_factory=list)  # the non-special vocabulary, ids 4..
    kind: str = "char"

    def __post_init__(self) -> None:
        self._ids = {ch: i + len(SPECIAL_TOKENS) for i, ch in enumerate(self.chars)}

    @classmethod
    def build(cls, texts: Iterable[str]) -> CharTokenizer:
        """Vocabulary = every character in ``texts``, sorted so the result is deterministic."""
        return cls(chars=sorted({ch for text in texts for ch in text}))

    # ids 0..3 are the specials, then one id per known character
    @property
    def vocab_size(self) -> int:
        return len(SPECIAL_TOKENS) + len(self.chars)

    @property
    def pad_id(self) -> int:
        return PAD

    @property
    def bos_id(self) -> int:
        return BOS

    @property
    def eos_id(self) -> int:
        return EOS

    @property
    def unk_id(self) -> int:
        return UNK

    def tokenize(self, text: str) -> list[str]:
        """The units the model sees, as figures should label them (unknown ones shown as-is)."""
        return list(text)

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text`` without <s>/</s>; unknown characters become <unk>."""
        return [self._ids.get(ch, UNK) for ch in text]

    def decode(self, ids: Sequence[int]) -> str:
        """Text of ``ids``: stops at the first </s>, skips the other specials."""
        out = []
        for i in ids:
            i = int(i)
            if i == EOS:
                break
            if i >= len(SPECIAL_TOKENS):
                out.append(self.chars[i - len(SPECIAL_TOKENS)])
        return "".join(out)

    def id_to_token(self, i: int) -> str:
        i = int(i)
        if i < len(SPECIAL_TOKENS):
            return SPECIAL_TOKENS[i]
        return self.chars[i - len(SPECIAL_TOKENS)]

    def unknown(self, text: str) -> list[str]:
        """The distinct units of ``text`` that the vocabulary lacks, in order of appearance."""
        return list(dict.fromkeys(ch for ch in text if ch not in self._ids))

    def to_dict(self) -> dict:
        return {"kind": self.kind, "chars": list(self.chars)}


def tokenizer_from_dict(data: dict) -> CharTokenizer:
    """Rebuild a tokenizer from checkpoint metadata, refusing anything malformed."""
    if not isinstance(data, dict):
        raise CheckpointError("tokenizer metadata is not an object")
    kind = data.get("kind")
    if kind == "char":
        chars = data.get("chars")
        if not isinstance(chars, list) or not all(isinstance(c, str) and len(c) == 1 for c in chars):
            raise CheckpointError("char tokenizer metadata: 'chars' must be a list of single characters")
        if len(set(chars)) != len(chars):
            raise CheckpointError("char tokenizer metadata: 'chars' has duplicates")
        return CharTokenizer(chars=chars)
    raise CheckpointError(f"unknown tokenizer kind {kind!r}")
