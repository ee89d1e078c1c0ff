"""Tasks and data, the bottom floor: toy tasks and users' pairs, tokenizers, padded batches."""
