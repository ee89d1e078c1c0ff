"""Errors a user can cause and fix: the CLI prints their message as one line, the app shows it.

Everything else (a bug) is allowed to surface with a traceback in tests and logs.

An error made with ``.of(key, **params)`` is worded by seq2seq/i18n.py's ``error.<key>``: its
message is the English, and a page in another language words it again from ``key`` and
``params`` (``seq2seq.ui.lang.say``), so a 中文 reader never meets an English sentence. An
error made from a plain message stays that message.
"""

from __future__ import annotations

from seq2seq import i18n


class Seq2SeqError(Exception):
    """Base class: a problem with the user's input, file or settings, with a readable message."""

    def __init__(self, message: str = "", key: str | None = None, /, **params) -> None:
        super().__init__(message)
        self.key = key  # i18n's "error.<key>", or None: the message is all there is
        self.params = params

    @classmethod
    def of(cls, key: str, /, **params) -> Seq2SeqError:
        """The error worded by ``error.<key>`` of seq2seq/i18n.py, filled with ``params``."""
        return cls(i18n.text(f"error.{key}", "en", **params), key, **params)

    def __reduce__(self):  # across a worker process, with its key and params
        return _rebuild, (type(self), str(self), self.key, self.params)


def _rebuild(cls, message: str, key: str | None, params: dict) -> Seq2SeqError:
    return cls(message, key, **params)


class InputError(Seq2SeqError):
    """Text to translate or settings that the model cannot accept."""


class CheckpointError(Seq2SeqError):
    """A checkpoint file that is missing, corrupt, hostile or of an unknown format."""
