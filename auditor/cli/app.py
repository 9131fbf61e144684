"""The Typer applications every command registers on, and the exit-code discipline.

Exit codes: 0 success, 2 bad input or usage, 3 an unexpected internal error.
"""

import os
from typing import Any, Callable, NoReturn

import typer

app = typer.Typer(
    name="auditor",
    help="Measure content homogenization: how far a body of text has converged toward a generic mean.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
history_app = typer.Typer(help="Inspect and manage stored snapshots.", no_args_is_help=True)
app.add_typer(history_app, name="history")

EXIT_USAGE = 2
EXIT_INTERNAL = 3


@app.callback()
def main() -> None:
    """auditor: content homogenization audits."""


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print a one-line error to stderr and exit."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def run_guarded(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``func``, turning input errors into exit 2 (a setting named by its flag) and crashes
    into a one-line exit 3."""
    from auditor.audit.settings import flag_for
    from auditor.errors import AuditorError, SettingsError

    try:
        return func(*args, **kwargs)
    except SettingsError as exc:
        fail(f"{flag_for(exc.param)} {exc.problem}")
    except AuditorError as exc:
        fail(str(exc))
    except (ValueError, TypeError) as exc:
        if os.environ.get("AUDITOR_DEBUG"):
            raise
        fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    except MemoryError:
        fail("out of memory; try --sample N to audit a subset", EXIT_INTERNAL)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except Exception as exc:  # noqa: BLE001 - the CLI must never show a traceback
        if os.environ.get("AUDITOR_DEBUG"):
            raise
        first = str(exc).splitlines()[0] if str(exc) else ""
        fail(f"unexpected {type(exc).__name__}: {first} (set AUDITOR_DEBUG=1 for details)", EXIT_INTERNAL)
