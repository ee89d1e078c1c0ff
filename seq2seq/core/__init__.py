"""The model core: model families, attention, the Seq2Seq contract, searches, result objects, checkpoints."""
