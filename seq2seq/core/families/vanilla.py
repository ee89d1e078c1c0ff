"""The vanilla family (Cho et al. 2014): the decoder reads one fixed c = h_T at every step."""

from __future__ import annotations

from seq2seq.core.families.base import Family, _in
from seq2seq.core.rnn import RNNConfig, RNNSeq2Seq, decoder_latex


class Vanilla(Family):
    name = "vanilla"
    config = RNNConfig
    order = 10
    labels = ("vanilla", "普通")
    descriptions = (
        "an RNN decoder that reads the same fixed c = h_T at every step",
        "RNN 解码器：每一步都读取同一个固定的 c = h_T",
    )
    long_labels = ("vanilla (fixed c)", "普通（固定 c）")
    colour = "#d62728"
    recurrent = True
    fixed_context = True
    in_notes = True

    @classmethod
    def build(cls, cfg: RNNConfig) -> RNNSeq2Seq:
        return RNNSeq2Seq(cfg)

    @classmethod
    def long_label(cls, cfg: RNNConfig, lang: str = "en") -> str:
        return _in(cls.long_labels, lang)

    @classmethod
    def width(cls, cfg: RNNConfig) -> tuple[str, int]:
        return cfg.cell.upper(), cfg.hidden

    @classmethod
    def decoder_latex(cls, cfg: RNNConfig) -> str:
        return decoder_latex(cfg)
