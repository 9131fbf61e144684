"""Exceptions the library raises for bad input; the CLI turns them into one-line errors."""

from __future__ import annotations

from typing import Callable


#: Stands for a parameter in an error's message: the library writes the parameter's name there,
#: the command line its flag (``CorpusError(f"{path}: pass {PARAM}", "skip_invalid")``).
PARAM = "\x1f"


class AuditorError(Exception):
    """Base class for every error caused by the user's input or options (exit code 2).
    ``params``: the parameters the message mentions, one per :data:`PARAM` in it."""

    def __init__(self, message: str = "", *params: str) -> None:
        self.message, self.params = message, params
        super().__init__(self.worded(str))

    def worded(self, name: Callable[[str], str]) -> str:
        """The message with every parameter named by ``name`` (e.g. its CLI flag)."""
        parts = self.message.split(PARAM)
        if len(parts) != len(self.params) + 1:  # a PARAM character in user text: leave the text as it is
            return self.message.replace(PARAM, "?")
        return parts[0] + "".join(name(param) + part for param, part in zip(self.params, parts[1:]))

    def __reduce__(self) -> tuple:  # across processes (the Ray engine's workers) with its parameters
        return (_rebuilt, (type(self), self.message, self.params))


def _rebuilt(cls: type, message: str, params: tuple) -> "AuditorError":
    error = Exception.__new__(cls)
    AuditorError.__init__(error, message, *params)
    return error


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
        text = problem.format(*[PARAM] * len(others)) if others else problem
        super().__init__(f"{PARAM} {text}", param, *others)


class AuditorWarning(UserWarning):
    """Something the user should know that did not stop the work; the CLI prints it as one
    ``warning: …`` line."""
