"""The model core: model families, attention, the Seq2Seq contract, searches, result objects, checkpoints.

Importing the core registers the shipped model families (``families/``), so a config of any
of them knows its family (``cfg.family``) however it was imported."""

from seq2seq.core import families  # noqa: F401  (registers vanilla, attention, Transformer)
