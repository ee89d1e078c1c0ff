"""The model card: what a checkpoint says about its model, in typed parts.

A card is written once by ``training.pipeline.train_on_task`` (every trained model: CLI, zoo,
Train page), validated once by ``checkpoint.load`` and read everywhere else as attributes:

    ModelCard ─┬─ train_config: TrainConfig   how it was trained (the trainer's own config)
               ├─ data:         DataUsed      which data (DataConfig + how much was used)
               ├─ tokenizer:    TokenizerCard  kind and size per side (the vocabulary is in the
               │                               checkpoint's tokenizer metadata, not here)
               └─ metrics:      Scores        final held-out scores

The recipe dataclasses (``TrainConfig``, ``DataConfig``, ``TokenizerConfig``) live here, in the
core, because a checkpoint carries them; ``training`` builds and consumes them. Every card this
app ever wrote loads (missing keys take their defaults; a part the card never had is None), and
a field of the wrong JSON type is a ``ValueError`` naming it.
"""

from __future__ import annotations

import types
import typing
from dataclasses import asdict, dataclass, field, fields

from seq2seq.core.results import TrainingHistory

# --- the recipe: how a model is trained (nanoGPT-style configs with commented defaults) ---------


@dataclass
class TrainConfig:
    batch_size: int = 128  # examples per step
    lr: float = 2e-3  # Adam learning rate
    clip: float = 1.0  # max gradient norm
    lr_decay: bool = False  # decay the learning rate linearly to 0 over max_steps (settles the weights)
    teacher_forcing: float = 1.0  # probability of feeding the true y_{t-1}
    max_steps: int = 100_000  # hard cap on optimizer steps
    max_seconds: float = 60.0  # wall-clock budget
    target_accuracy: float | None = 0.99  # stop when held-out exact match reaches it (None = never)
    eval_every: int = 50  # optimizer steps between held-out evaluations
    seed: int = 0  # seeds weights, batch order and teacher-forcing coin flips
    threads: int | None = None  # intra-op threads while training (None = leave as is)
    bucket_pool: int = 0  # 0 = mix lengths in a batch; k = batches of similar length from pools of k batches
    coverage_loss: float = 0.0  # λ: penalise attending again where cov_t = Σ past α is already high (0 = off)
    # halve the learning rate after this many validations in a row without a new best exact match
    # (0 = off): settles the weights without knowing how long the run will be, unlike lr_decay
    lr_plateau: int = 0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> TrainConfig:
        return _typed(cls, data, "train_config")


@dataclass
class DataConfig:
    n_train: int = 20_000  # generated training pairs (an epoch)
    n_valid: int = 500  # held-out pairs for validation during training
    seed: int = 0  # seeds the data; the held-out set excludes every training source

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class DataUsed(DataConfig):
    """The card's data: the recipe's ``DataConfig`` and how many pairs training really had (a
    corpus task or a pair file may hold fewer than asked for)."""

    n_train_used: int = 0
    n_valid_used: int = 0

    @classmethod
    def from_dict(cls, data: dict) -> DataUsed:
        return _typed(cls, data, "data")


@dataclass
class TokenizerConfig:
    kind: str | None = None  # char | word | sentencepiece; None = the task's natural unit
    vocab_size: int = 200  # sentencepiece only
    model_type: str = "unigram"  # sentencepiece only: unigram | bpe
    min_count: int = 1  # char and word units seen fewer times in training read as <unk> (smaller models)

    def to_dict(self) -> dict:
        return asdict(self)


# --- what the card says about the tokenizer and the scores -------------------------------------


@dataclass
class TokenizerCard:
    """A tokenizer as the card shows it: ``kind`` and ``vocab_size``, its other settings in
    ``options`` (e.g. sentencepiece's ``model_type``); a tokenizer per side (``kind`` "pair")
    has ``source`` and ``target`` instead."""

    kind: str = ""  # char | word | sentencepiece | pair
    vocab_size: int = 0  # 0 for a pair: each side has its own
    options: dict = field(default_factory=dict)
    source: TokenizerCard | None = None
    target: TokenizerCard | None = None

    def to_dict(self) -> dict:
        if self.source is not None and self.target is not None:
            return {"kind": self.kind, "source": self.source.to_dict(), "target": self.target.to_dict()}
        return {"kind": self.kind} | self.options | {"vocab_size": self.vocab_size}

    @classmethod
    def from_dict(cls, data: dict, where: str = "tokenizer") -> TokenizerCard:
        if not isinstance(data, dict):
            raise ValueError(f"card field '{where}' must be an object")
        if "source" in data or "target" in data:
            return cls(
                kind=_typed_value(data.get("kind", "pair"), str, f"{where}.kind"),
                source=cls.from_dict(data.get("source"), f"{where}.source"),
                target=cls.from_dict(data.get("target"), f"{where}.target"),
            )
        return cls(
            kind=_typed_value(data.get("kind", ""), str, f"{where}.kind"),
            vocab_size=_typed_value(data.get("vocab_size", 0), int, f"{where}.vocab_size"),
            options={k: v for k, v in data.items() if k not in ("kind", "vocab_size")},
        )


@dataclass
class Scores:
    """Final held-out scores (``training.trainer.evaluate``'s JSON); a score the model or task
    has none of is None (AER: no gold alignments; α entropy: no single α)."""

    n: int = 0  # held-out pairs scored
    exact_match: float | None = None  # share of outputs equal to a reference, in [0, 1]
    token_accuracy: float | None = None  # share of target tokens right, position by position
    bleu: float | None = None  # sacrebleu, 0–100, tokenised by the target's script
    chrf: float | None = None  # sacrebleu chrF, 0–100
    aer: float | None = None  # alignment error rate of argmax α against gold alignments
    attention_entropy: float | None = None  # mean entropy of α rows, nats
    # source-length bucket ("3-5") -> {"exact_match", "n"} (+ "bleu", "chrf" on a corpus task)
    by_length: dict[str, dict[str, float]] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)  # scores a newer version wrote: kept, written back

    def to_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}
        return self.extra | {k: v for k, v in out.items() if v is not None and (k != "by_length" or v)}

    @classmethod
    def from_dict(cls, data: dict) -> Scores:
        scores = _typed(cls, data, "metrics")
        for bucket, row in scores.by_length.items():
            if not isinstance(row, dict):
                raise ValueError(f"card field 'metrics.by_length.{bucket}' must be an object")
            for key, value in row.items():
                _typed_value(value, float, f"metrics.by_length.{bucket}.{key}")
        return scores


# --- the card -----------------------------------------------------------------------------------


@dataclass
class ModelCard:
    """What a checkpoint says about its model: where it came from, how it was trained and how
    good it is. The model's architecture is not here: it is ``ckpt.model.cfg`` (the card's
    ``decoder``, ``score`` and ``variant`` are copies for people reading the JSON)."""

    task: str | None = None  # the task's name ("reverse"); None: unknown origin
    task_description: str = ""  # in English
    decoder: str | None = None  # copy of cfg.decoder
    score: str | None = None  # copy of the family's score (attention models)
    variant: str | None = None  # copy of the family's variant (e.g. "luong+general"); older cards: none
    tokenizer: TokenizerCard | None = None  # None: the card does not say
    parameters: int = 0  # trainable weights
    train_config: TrainConfig | None = None  # None: the card does not say
    data: DataUsed | None = None  # None: the card does not say (e.g. an upload of unknown origin)
    source_chars: tuple[int, int] | None = None  # shortest and longest training input, in characters
    source_tokens: tuple[int, int] | None = None  # the same in tokens
    train_seconds: float = 0.0
    steps: int = 0  # optimizer steps
    stopped_because: str = ""  # "target" | "time" | "steps" | "callback"
    metrics: Scores = field(default_factory=Scores)
    history: TrainingHistory = field(default_factory=TrainingHistory)
    created: str = ""  # local time, "YYYY-MM-DD HH:MM:SS"
    machine: str = ""  # where it was trained
    recipe: str | None = None  # the zoo recipe that built it (shipped models)
    uploaded_as: str | None = None  # the file name it was uploaded under (session models)
    extra: dict = field(default_factory=dict)  # keys a newer version wrote: kept, written back unchanged

    @property
    def exact_match(self) -> float | None:
        """Held-out exact match in [0, 1], None when the card has none."""
        return self.metrics.exact_match

    def to_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _PARTS and f.name != "extra"}
        out["source_chars"] = list(self.source_chars) if self.source_chars else None
        out["source_tokens"] = list(self.source_tokens) if self.source_tokens else None
        out["history"] = self.history.to_dict()
        for name in _PARTS:  # a part the card does not have is written as {}, as cards always were
            part = getattr(self, name)
            out[name] = {} if part is None else part.to_dict()
        for key in ("recipe", "uploaded_as", "variant"):  # absent rather than null, as cards were written before
            if out[key] is None:
                del out[key]
        return self.extra | out

    @classmethod
    def from_dict(cls, data: dict) -> ModelCard:
        """Rebuild from JSON (any card this app ever wrote: missing keys take their defaults);
        ValueError naming the field when one has the wrong type."""
        if not isinstance(data, dict):
            raise ValueError("the card must be an object")
        known = {f.name for f in fields(cls)} - {"extra"}
        card = cls(extra={k: v for k, v in data.items() if k not in known})
        for name, kinds in _PLAIN.items():
            value = data.get(name)
            if value is not None:
                setattr(card, name, _typed_value(value, kinds, name))
        for name in ("source_chars", "source_tokens"):
            span = data.get(name)
            if span is None:
                continue
            if not isinstance(span, list) or len(span) != 2 or not all(isinstance(x, int) for x in span):
                raise ValueError(f"card field '{name}' must be [shortest, longest]")
            setattr(card, name, (span[0], span[1]))
        for name, part in _PARTS.items():
            value = data.get(name)
            if value:  # {} or missing: the card does not say
                setattr(card, name, part.from_dict(value))
        card.history = TrainingHistory.from_dict(data.get("history") or {})
        return card


_PLAIN = {  # JSON type of each plain card field (None allowed everywhere: the default stays)
    "task": str,
    "task_description": str,
    "decoder": str,
    "score": str,
    "variant": str,
    "parameters": int,
    "train_seconds": float,
    "steps": int,
    "stopped_because": str,
    "created": str,
    "machine": str,
    "recipe": str,
    "uploaded_as": str,
}
_PARTS = {"tokenizer": TokenizerCard, "train_config": TrainConfig, "data": DataUsed, "metrics": Scores}


def _typed_value(value, kind, where: str):
    """``value`` if it is JSON of type ``kind`` (a float field takes an int; a bool is never a
    number), else ValueError naming the field."""
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        if value is None and type(None) in typing.get_args(kind):
            return None
        kind = next(k for k in typing.get_args(kind) if k is not type(None))
    base = typing.get_origin(kind) or kind
    accepted = (int, float) if base is float else base
    if (isinstance(value, bool) and base is not bool) or not isinstance(value, accepted):
        raise ValueError(f"card field '{where}' has the wrong type ({type(value).__name__})")
    return float(value) if base is float else value


def _typed(cls, data: dict, where: str):
    """A card part from its JSON: the fields it has, type-checked; missing ones take their
    defaults; keys it does not know go to ``extra`` where the part keeps them, else are dropped
    (a newer version's training option changes nothing this version can do)."""
    if not isinstance(data, dict):
        raise ValueError(f"card field '{where}' must be an object")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in fields(cls)} - {"extra"}
    values = {k: _typed_value(v, hints[k], f"{where}.{k}") for k, v in data.items() if k in names}
    if "extra" in hints:
        values["extra"] = {k: v for k, v in data.items() if k not in names}
    return cls(**values)
