"""``python -m auditor.cli``: the same as the ``auditor`` command."""

from auditor.cli import entry

entry()
