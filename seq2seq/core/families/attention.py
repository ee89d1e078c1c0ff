"""The attention family (Bahdanau et al. 2015, Luong et al. 2015): a fresh c_t = Σ_i α_{t,i} h_i
at every step, with its variants (score, placement, sparse norms, a local window, coverage)."""

from __future__ import annotations

from seq2seq import i18n
from seq2seq.core.families.vanilla import Vanilla
from seq2seq.core.rnn import AttentionConfig, attention_latex


class Attention(Vanilla):
    name = "attention"
    config = AttentionConfig
    order = 20
    labels = ("attention", "注意力")
    descriptions = (
        "an RNN decoder that builds its own context c_t = Σ α_{t,i} h_i at every step",
        "RNN 解码器：每一步构造自己的上下文 c_t = Σ α_{t,i} h_i",
    )
    colour = "#1f77b4"
    alpha = True
    imposable_alpha = True
    fixed_context = False
    variants = True

    @classmethod
    def long_label(cls, cfg: AttentionConfig, lang: str = "en") -> str:
        return i18n.text("model.decoder_attention", lang, score=i18n.variant_name(cfg.variant, lang))

    @classmethod
    def summary(cls, cfg: AttentionConfig) -> str:
        return f"{cls.name} ({cfg.variant})"

    @classmethod
    def variant(cls, cfg: AttentionConfig) -> str:
        return cfg.variant

    @classmethod
    def score(cls, cfg: AttentionConfig) -> str:
        return cfg.score

    @classmethod
    def window(cls, cfg: AttentionConfig) -> int:
        return cfg.window

    @classmethod
    def coverage(cls, cfg: AttentionConfig) -> bool:
        return cfg.coverage

    @classmethod
    def attention_latex(cls, cfg: AttentionConfig) -> list[str]:
        return attention_latex(cfg)
