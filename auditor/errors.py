"""Exceptions the library raises for bad input; the CLI turns them into one-line errors."""

from __future__ import annotations

from typing import Callable


class AuditorError(Exception):
    """Base class for every error caused by the user's input or options (exit code 2)."""


class CorpusError(AuditorError):
    """The corpus could not be read or is not usable (missing file, bad rows, bad encoding...)."""


class ModelError(AuditorError):
    """The embedding model could not be found or loaded."""


class SettingsError(AuditorError, ValueError):
    """A setting out of its range or at odds with another; ``param`` is the library parameter's
    name, and each ``{}`` in ``problem`` stands for one of ``others`` (more parameters). The
    library says parameters; the command line says the flags (:meth:`worded`)."""

    def __init__(self, param: str, problem: str, *others: str) -> None:
        self.param, self.problem, self.others = param, problem, others
        super().__init__(self.worded(str))

    def worded(self, name: Callable[[str], str]) -> str:
        """The message with every parameter named by ``name`` (e.g. its CLI flag)."""
        problem = self.problem.format(*map(name, self.others)) if self.others else self.problem
        return f"{name(self.param)} {problem}"


class AuditorWarning(UserWarning):
    """Something the user should know that did not stop the work; the CLI prints it as one
    ``warning: …`` line."""
