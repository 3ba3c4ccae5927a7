"""User-facing errors: the CLI prints them as one line and exits 2, never a traceback."""

from __future__ import annotations


class OpenIMRError(Exception):
    """Bad input or an impossible request; the message is one line naming the file/field."""

    exit_code = 2


class InputError(OpenIMRError):
    """A file or value the user gave us is malformed."""


class KnowledgeBaseError(OpenIMRError):
    """A knowledge-base data file is invalid (names the file and row)."""


class NotFoundError(OpenIMRError):
    """A case, reviewer, guideline row or file does not exist."""


class StateError(OpenIMRError):
    """An action not allowed in the current state (signing by the wrong reviewer, illegal transition)."""
