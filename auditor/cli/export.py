"""``auditor export vale``: a finished audit's stock phrases as a Vale style."""

from pathlib import Path
from typing import Any

import typer

from auditor.cli.app import app, run_guarded

export_app = typer.Typer(help="Export a finished audit for other tools.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("vale")
def vale(
    report: Path = typer.Argument(..., help="An audit JSON (reports/<name>.json)."),
    output: Path = typer.Option(..., "--output", "-o", help="The style folder to write, e.g. styles/Auditor/."),
    level: str = typer.Option("warning", "--level", help="suggestion, warning or error."),
) -> None:
    """Write a Vale style: one existence rule per stock phrase, with its frequency in the message."""
    def work() -> Any:
        from auditor.export.vale import export_vale

        return export_vale(report, output, level)

    files = run_guarded(work)
    typer.echo(f"{len(files)} {'rule' if len(files) == 1 else 'rules'} written to {output}")
