"""``auditor snapshot``, ``auditor history …`` and ``auditor trend``: scheduled reports over time."""

import json
from pathlib import Path
from typing import Any, Optional

import typer

from auditor.cli.app import app, fail, history_app, run_guarded
from auditor.cli.options import AUDIT, CACHE, INPUT, MODEL, OUTPUT, QUIET, Options, shared

HISTORY_HELP = "History database: an SQLite file path or an SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db (default: ./auditor-history.db)."


@app.command()
@shared(INPUT, MODEL, CACHE, AUDIT, OUTPUT.without("name"), QUIET)
def snapshot(
    path: Path = typer.Argument(..., help="The corpus to audit (any input `auditor audit` reads)."),
    name: str = typer.Option(..., "--name", help="The series this snapshot belongs to, e.g. brand-copy."),
    history: Optional[str] = typer.Option(None, "--history", help=HISTORY_HELP),
    opts: Optional[Options] = None,
) -> None:
    """Audit a corpus and store the result as a snapshot in the history database."""
    def work() -> Any:
        from auditor.audit import AuditSettings
        from auditor.history.runs import take_snapshot

        from auditor.progress import progress_for

        settings = AuditSettings(**opts.settings(progress=False))  # the step display replaces the embedding bar
        reporter = progress_for(opts.quiet)
        try:
            return take_snapshot(path, name=name, history=history, out=opts.output["out"],
                                 include_text=not opts.output["no_text"], settings=settings, reporter=reporter,
                                 reference=opts.audit["reference"], **opts.stages(), **opts.columns())
        finally:
            reporter.close()

    done = run_guarded(work)
    if not opts.quiet:  # quiet: nothing at all, so that a cron job mails nothing when all is well
        typer.echo(done["result"].data["verdict"]["headline"])
        typer.echo(f"snapshot {done['id']} stored as {name!r}")
        typer.echo(f"report: {done['html']}")


@app.command()
def trend(
    name: str = typer.Option(..., "--name", help="The snapshot series to chart."),
    history: Optional[str] = typer.Option(None, "--history", help=HISTORY_HELP),
    out: Path = typer.Option(Path("reports"), "--out", help="Folder for the trend report and index.html."),
) -> None:
    """Write <out>/<name>-trend.html: every metric across the snapshots.

    Also the convergence index over runs, the groups that moved most, and flags on runs with a
    different model or settings."""
    def work() -> Any:
        from auditor.history.runs import write_trend

        return write_trend(name, history=history, out=out)

    done = run_guarded(work)
    t = done["trend"]
    flagged = [r for r in t["runs"] if r["not_comparable"]]
    typer.echo(f"{len(t['runs'])} snapshots of {name!r}" + (f"; {len(flagged)} not comparable with the run before" if flagged else ""))
    typer.echo(f"report: {done['html']}")


def _in_store(history: Optional[str], read: Any) -> Any:
    """``read(store)`` on an existing history database (never created here), inside the
    exit-code guard."""
    def work() -> Any:
        from auditor.history import HistoryStore

        with HistoryStore(history, must_exist=True) as store:
            return read(store)

    return run_guarded(work)


@history_app.command("list")
def history_list(
    name: Optional[str] = typer.Option(None, "--name", help="Only this series."),
    history: Optional[str] = typer.Option(None, "--history", help=HISTORY_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List snapshots, oldest first."""
    rows = _in_store(history, lambda store: [s.summary() for s in store.list(name)])
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        typer.echo("no snapshots")
        return
    from auditor.escape import one_line

    typer.echo(f"{'id':>5}  {'name':<24} {'created':<25} {'texts':>7}  model")
    for r in rows:
        typer.echo(f"{r['id']:>5}  {one_line(r['name'])[:24]:<24} {r['created_at']:<25} {r['n_texts'] or 0:>7}  "
                   f"{one_line(r['model'])}")


@history_app.command("show")
def history_show(
    snapshot_id: int = typer.Argument(..., help="Snapshot id (see `history list`)."),
    history: Optional[str] = typer.Option(None, "--history", help=HISTORY_HELP),
) -> None:
    """Print one snapshot's stored result as JSON."""
    def read(store: Any) -> Any:
        s = store.get(snapshot_id)
        return {**s.summary(), "result": s.data}

    typer.echo(json.dumps(_in_store(history, read), indent=2, ensure_ascii=False))


@history_app.command("export")
def history_export(
    output: Path = typer.Option(..., "--output", "-o", help="File to write (.csv or .json)."),
    name: Optional[str] = typer.Option(None, "--name", help="Only this series."),
    fmt: Optional[str] = typer.Option(None, "--format", help="csv or json (default: from the file suffix)."),
    history: Optional[str] = typer.Option(None, "--history", help=HISTORY_HELP),
) -> None:
    """Export every metric of every snapshot: one row per snapshot, scope, group and metric."""
    def work() -> int:
        from auditor.history.export import export_metrics

        return export_metrics(output, history=history, name=name, fmt=fmt)

    typer.echo(f"{run_guarded(work)} rows written to {output}")


@history_app.command("delete")
def history_delete(
    snapshot_id: int = typer.Argument(..., help="Snapshot id to delete."),
    history: Optional[str] = typer.Option(None, "--history", help=HISTORY_HELP),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Delete one snapshot (its report files stay)."""
    from auditor.escape import one_line

    found = _in_store(history, lambda store: store.get(snapshot_id))  # a missing id is an error before any question
    if not yes and not typer.confirm(f"delete snapshot {snapshot_id} ({one_line(found.name)}, {found.created_at})?"):
        fail("not deleted", 1)
    _in_store(history, lambda store: store.delete(snapshot_id))
    typer.echo(f"snapshot {snapshot_id} deleted")
