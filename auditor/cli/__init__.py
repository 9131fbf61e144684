"""The ``auditor`` command line: each command parses options, calls the library, prints, and
chooses the exit code (0 success, 1 a failed check, 2 bad input or usage, 3 an internal error).
Heavy libraries (pandas, torch, sentence-transformers) are imported only inside commands."""

import sys

from auditor.cli import audit, check, export, feed, history, states, variance  # noqa: F401  (register the commands)
from auditor.cli.app import app

__all__ = ["app", "entry"]


def entry() -> None:
    """Console-script entry point."""
    try:
        app()
    except BrokenPipeError:
        sys.exit(0)
