"""What a model family is, and the registry that finds one.

A family (vanilla, attention, Transformer, ...) is one subclass of ``Family``: defining the
class registers it under its ``name`` (the Inseq pattern: ``FeatureAttribution`` subclasses
found by ``method_name``). It declares its config dataclass, builds its model, and says what
it offers — one α_t over the source per step, attention heads, a local window, coverage — with
its names in both languages, its equations and its training defaults. Pages, figures, the CLI,
training and analysis ask the family (``cfg.family``, ``get(name)``, ``all_families()``);
nothing outside the family modules compares a family's name.

Adding a family is one new module with a ``Family`` subclass (imported by
``families/__init__.py``, or by whoever defines it, as a test does) and its tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from seq2seq.errors import CheckpointError

if TYPE_CHECKING:
    from seq2seq.core.model import ModelConfig, Seq2Seq

_REGISTRY: dict[str, type[Family]] = {}
REQUIRED = ("build", "width", "decoder_latex")  # what every family must define itself


class Family:
    """One model family. Subclasses set the class attributes and override what differs."""

    name: ClassVar[str]  # stored as the config's ``decoder`` in every checkpoint; stable
    config: ClassVar[type[ModelConfig]]  # the family's config dataclass (a ModelConfig subclass of its own)
    order: ClassVar[int] = 100  # place in the story: the notes' two first, then the lecture after them
    labels: ClassVar[tuple[str, str]]  # the family's name for a reader, (English, 中文) as in i18n.STRINGS
    descriptions: ClassVar[tuple[str, str]]  # one sentence: what the decoder reads at each step
    colour: ClassVar[str] = "#7f7f7f"  # its line and bar colour wherever families are compared

    # --- what it offers ---------------------------------------------------------------------------
    alpha: ClassVar[bool] = False  # an α_t over the source at every step (traces, heatmaps, beam nodes)
    imposable_alpha: ClassVar[bool] = False  # that α_t alone builds the context c_t = Σ_i α_{t,i} h_i,
    # so it can be replaced (interventions), scored against attributions and read as "where it looked"
    heads: ClassVar[bool] = False  # several attention heads per layer (α_t is their average)
    recurrent: ClassVar[bool] = False  # RNN states (cell, hidden, bidirectional; s_t carried step to step)
    fixed_context: ClassVar[bool] = False  # the decoder reads one fixed c = h_T at every step (the bottleneck)
    variants: ClassVar[bool] = False  # score, placement, norm, local window and coverage options
    in_notes: ClassVar[bool] = False  # one of the two decoders the notes compare (vanilla vs attention)

    # --- training defaults ------------------------------------------------------------------------
    lr_scale: ClassVar[float] = 1.0  # times the form's learning rate (the Transformer trains lower)

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__:  # an intermediate base, not a family
            return
        if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
            raise ValueError(f"a model family named {cls.name!r} exists already")
        if "family" in cls.config.__dict__ and cls.config.family is not cls:
            raise ValueError(f"{cls.config.__name__} belongs to {cls.config.family.name!r} already")
        missing = [m for m in REQUIRED if getattr(cls, m).__func__ is getattr(Family, m).__func__]
        if missing:
            raise TypeError(f"model family {cls.name!r} must define {', '.join(missing)}")
        cls.config.family = cls
        _REGISTRY[cls.name] = cls

    # --- how it is built --------------------------------------------------------------------------
    @classmethod
    def build(cls, cfg: ModelConfig) -> Seq2Seq:
        """A freshly initialised model for ``cfg`` (an instance of ``cls.config``). Required."""

    @classmethod
    def make_config(cls, vocab_size: int, strict: bool = False, **options) -> ModelConfig:
        """This family's config from flat options (the CLI's flags, the Train page's form, a zoo
        recipe): the options of other families are left out, so one dict serves every family.
        ``strict``: an option this family does not have is a ValueError instead."""
        mine = cls.config.field_names() - {"vocab_size", "decoder"}
        foreign = sorted(set(options) - mine)
        if strict and foreign:
            raise ValueError(f"a {cls.name} model has no {', '.join(foreign)}")
        return cls.config(vocab_size=vocab_size, **{k: v for k, v in options.items() if k in mine})

    # --- what a reader sees -----------------------------------------------------------------------
    @classmethod
    def label(cls, lang: str = "en") -> str:
        return _in(cls.labels, lang)

    @classmethod
    def description(cls, lang: str = "en") -> str:
        return _in(cls.descriptions, lang)

    @classmethod
    def long_label(cls, cfg: ModelConfig, lang: str = "en") -> str:
        """The family's name with what sets this config apart, for a reader (Home's table, a
        model's one-line description): e.g. "attention (additive)", "普通（固定 c）"."""
        return cls.label(lang)

    @classmethod
    def summary(cls, cfg: ModelConfig) -> str:
        """The family and what sets this config apart, in one short line (the zoo's index)."""
        return cls.name

    @classmethod
    def variant(cls, cfg: ModelConfig) -> str | None:
        """The attention variant's stable name (e.g. "luong+general"); None without variants."""
        return None

    @classmethod
    def score(cls, cfg: ModelConfig) -> str | None:
        """The attention score (dot, general, additive, scaled-dot); None where there is none."""
        return None

    @classmethod
    def window(cls, cfg: ModelConfig) -> int:
        """D of a local-p window (each step attends to [p_t − D, p_t + D]); 0 = every h_i."""
        return 0

    @classmethod
    def coverage(cls, cfg: ModelConfig) -> bool:
        """Whether the score reads the coverage cov_t = Σ past α."""
        return False

    @classmethod
    def width(cls, cfg: ModelConfig) -> tuple[str, int]:
        """(what the size counts, the size) for a model's one-line summary, e.g. ("GRU", 128). Required."""

    @classmethod
    def decoder_latex(cls, cfg: ModelConfig) -> str:
        """The decoder's step as an equation (LaTeX), for this config. Required."""

    @classmethod
    def attention_latex(cls, cfg: ModelConfig) -> list[str]:
        """The attention's equations (LaTeX), one line each; empty without attention."""
        return []


def _in(words: tuple[str, str], lang: str) -> str:
    """(English, 中文) in ``lang`` (anything but "zh" reads English), as ``i18n.text`` does."""
    return words[1] if lang == "zh" else words[0]


def get(name: str) -> type[Family]:
    """The family registered as ``name`` (ValueError naming the choices otherwise)."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown decoder {name!r}; choose from {', '.join(names())}") from None


def all_families() -> list[type[Family]]:
    """Every registered family, in the story's order."""
    return sorted(_REGISTRY.values(), key=lambda f: (f.order, f.name))


def names() -> list[str]:
    return [f.name for f in all_families()]


def make_config(decoder: str, vocab_size: int, strict: bool = False, **options) -> ModelConfig:
    """The config of family ``decoder`` from flat options (see ``Family.make_config``)."""
    return get(decoder).make_config(vocab_size, strict, **options)


def build(cfg: ModelConfig) -> Seq2Seq:
    """A freshly initialised model of the family that owns ``cfg``."""
    return cfg.family.build(cfg)


def config_from_dict(data: dict) -> ModelConfig:
    """A stored config (checkpoint metadata) as its family's config. Checkpoints written before
    the configs were split per family stored every family's fields: fields that belong to another
    registered family are dropped (they never affected this model); any other unknown key, or a
    bad value, raises CheckpointError."""
    if not isinstance(data, dict):
        raise CheckpointError("model config is not an object")
    decoder = data.get("decoder", "attention")  # the field's default before it was always written
    if not isinstance(decoder, str) or decoder not in _REGISTRY:
        raise CheckpointError(f"model config names an unknown decoder {decoder!r}; known: {', '.join(names())}")
    family = _REGISTRY[decoder]
    elsewhere = set().union(*(f.config.field_names() for f in _REGISTRY.values())) - family.config.field_names()
    return family.config.from_dict({k: v for k, v in data.items() if k not in elsewhere})
