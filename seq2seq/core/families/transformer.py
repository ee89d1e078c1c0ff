"""The Transformer family (Vaswani et al. 2017, the lecture after the notes): attention without
recurrence, several heads per layer; its α_t is the last layer's head average."""

from __future__ import annotations

from seq2seq import i18n
from seq2seq.core.families.base import Family
from seq2seq.core.transformer import Transformer as TransformerModel
from seq2seq.core.transformer import TransformerConfig

# softmax(QKᵀ/√d_k)V: the same weighted sum as the notes' c_t, once per head
DECODER_LATEX = (
    r"\mathrm{head}_j = \mathrm{softmax}\!\left(\frac{Q_j K_j^\top}{\sqrt{d_k}}\right) V_j, \qquad"
    r" y_t = \mathrm{softmax}(W_y\, \mathrm{LN}(z_t) + b_y)"
)


class Transformer(Family):
    name = "transformer"
    config = TransformerConfig
    order = 30
    labels = ("Transformer", "Transformer 模型")
    descriptions = (
        "attention without recurrence: every layer's heads attend to the source, α_t is their average",
        "没有循环的注意力：每层多个注意力头关注源句，α_t 是它们的平均",
    )
    colour = "#2ca02c"
    alpha = True
    heads = True
    lr_scale = 0.2  # Adam without warm-up at an RNN's rate makes its loss jump about (the zoo's recipe: 1e-3)

    @classmethod
    def build(cls, cfg: TransformerConfig) -> TransformerModel:
        return TransformerModel(cfg)

    @classmethod
    def long_label(cls, cfg: TransformerConfig, lang: str = "en") -> str:
        positions = i18n.text(f"positions.{cfg.positions}", lang)
        return i18n.text("model.decoder_transformer", lang, layers=cfg.layers, heads=cfg.heads, positions=positions)

    @classmethod
    def summary(cls, cfg: TransformerConfig) -> str:
        return f"{cls.name} ({cfg.layers}×{cfg.heads} heads, d={cfg.d_model}, {cfg.positions})"

    @classmethod
    def width(cls, cfg: TransformerConfig) -> tuple[str, int]:
        return "d =", cfg.d_model

    @classmethod
    def decoder_latex(cls, cfg: TransformerConfig) -> str:
        return DECODER_LATEX
