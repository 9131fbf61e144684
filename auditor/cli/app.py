"""The Typer applications every command registers on, and the exit-code discipline.

Exit codes: 0 success, 2 bad input or usage, 3 an unexpected internal error.
"""

import inspect
import os
import sys
import warnings
from typing import Any, Callable, NoReturn

import typer
from typer.core import TyperGroup


class OneLineErrors(TyperGroup):
    """Usage errors (an unknown option, a missing argument, a bad value) as one ``error: …``
    line and exit 2, like every other input error, instead of a framed usage box. (Typer
    vendors its own click, so its usage errors are recognised by their interface.)"""

    def main(self, args: Any = None, prog_name: Any = None, complete_var: Any = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        from auditor.escape import one_line

        warnings.showwarning = _show_warning
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.Abort:
            typer.echo("error: aborted", err=True)
            code = 1
        except Exception as exc:  # noqa: BLE001 - only click's usage errors are handled here
            if not (callable(getattr(exc, "format_message", None)) and isinstance(getattr(exc, "exit_code", None), int)):
                raise
            if type(exc).__name__ == "NoArgsIsHelpError":  # `auditor` alone: the help, as asked
                exc.show()
                code = 0
            else:
                typer.echo(f"error: {one_line(exc.format_message())}", err=True)
                code = exc.exit_code
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        return readable_help(command) if command is not None else None


def readable_help(command: Any) -> Any:
    """``command`` with help that reads well: its on/off flags (``--quiet``, ``--help``…) without a
    type (Typer prints ``<bool>`` beside them, as if they took a value), and each paragraph of
    its description one paragraph (Typer keeps the source's line breaks after the first, cutting
    sentences in the middle)."""
    if command.help:
        paragraphs = inspect.cleandoc(command.help).split("\n\n")
        command.help = "\n\n".join(p if p.startswith("\b") else " ".join(p.split()) for p in paragraphs)
    for param in command.params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    if not getattr(command, "_plain_help", False):
        make_help = command.get_help_option

        def help_option(ctx: Any) -> Any:
            option = make_help(ctx)
            if option is not None:
                option.metavar = ""
            return option

        command.get_help_option, command._plain_help = help_option, True
    return command


_default_showwarning = warnings.showwarning


def _show_warning(message: Any, category: type, *args: Any, **kwargs: Any) -> None:
    """The library's own warnings as one ``warning: …`` line on stderr; others as Python shows them."""
    from auditor.errors import AuditorWarning
    from auditor.escape import one_line

    if issubclass(category, AuditorWarning):
        typer.echo(f"warning: {one_line(message)}", err=True)
    else:
        _default_showwarning(message, category, *args, **kwargs)


app = typer.Typer(
    name="auditor",
    help="Measure content homogenization: how far a body of text has converged toward a generic mean.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    cls=OneLineErrors,
)
history_app = typer.Typer(help="Inspect and manage stored snapshots.", no_args_is_help=True, cls=OneLineErrors)
app.add_typer(history_app, name="history")

EXIT_USAGE = 2
EXIT_INTERNAL = 3


def _print_version(value: bool) -> None:
    if value:
        from auditor import __version__

        typer.echo(f"auditor {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", help="Print the version and exit.",
                                 callback=_print_version, is_eager=True),
) -> None:
    """auditor: content homogenization audits."""


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print a one-line error to stderr and exit."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def run_guarded(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``func``, turning input errors into exit 2 (a setting named by its flag) and crashes
    into a one-line exit 3."""
    from auditor.audit.settings import flag_for
    from auditor.errors import AuditorError

    try:
        return func(*args, **kwargs)
    except AuditorError as exc:  # the library names parameters; here they are the flags that set them
        fail(exc.worded(flag_for))
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
