"""Errors a user can cause and fix: the CLI prints their message as one line, the app shows it.

Everything else (a bug) is allowed to surface with a traceback in tests and logs.
"""


class Seq2SeqError(Exception):
    """Base class: a problem with the user's input, file or settings, with a readable message."""


class InputError(Seq2SeqError):
    """Text to translate or settings that the model cannot accept."""


class CheckpointError(Seq2SeqError):
    """A checkpoint file that is missing, corrupt, hostile or of an unknown format."""
