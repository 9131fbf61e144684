"""Exceptions the library raises for bad input; the CLI turns them into one-line errors."""

from __future__ import annotations


class AuditorError(Exception):
    """Base class for every error caused by the user's input or options (exit code 2)."""


class CorpusError(AuditorError):
    """The corpus could not be read or is not usable (missing file, bad rows, bad encoding...)."""


class ModelError(AuditorError):
    """The embedding model could not be found or loaded."""


class SettingsError(AuditorError, ValueError):
    """A setting out of its range; ``param`` is the library parameter's name."""

    def __init__(self, param: str, problem: str) -> None:
        super().__init__(f"{param} {problem}")
        self.param, self.problem = param, problem


class AuditorWarning(UserWarning):
    """Something the user should know that did not stop the work; the CLI prints it as one
    ``warning: …`` line."""
