"""``auditor snapshot``, ``auditor history …`` and ``auditor trend``: scheduled reports over time."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Optional

import typer

from auditor.cli import app, cluster_method, fail, report_name, run_guarded

history_app = typer.Typer(help="Inspect and manage stored snapshots.", no_args_is_help=True)
app.add_typer(history_app, name="history")

HISTORY_HELP = "History database: an SQLite file path or an SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db (default: ./auditor-history.db)."


@app.command()
def snapshot(
    path: Path = typer.Argument(..., help="The corpus to audit (any input `auditor audit` reads)."),
    name: str = typer.Option(..., "--name", help="The series this snapshot belongs to, e.g. brand-copy."),
    history: Optional[str] = typer.Option(None, "--history", help=HISTORY_HELP),
    text_col: Optional[str] = typer.Option(None, "--text-col", help="Column holding the text."),
    group_col: Optional[str] = typer.Option(None, "--group-col", help="Column to split the corpus by."),
    time_col: Optional[str] = typer.Option(None, "--time-col", help="Column with a date or year."),
    freq: Optional[str] = typer.Option(None, "--freq", help="year, quarter, month or decade."),
    model: Optional[str] = typer.Option(None, "--model", help="Sentence-transformers model name or local path."),
    device: str = typer.Option("auto", "--device", help="auto, cpu, cuda or mps."),
    out: Path = typer.Option(Path("reports"), "--out", help="Folder for the reports and index.html."),
    seed: int = typer.Option(0, "--seed", help="Seed for every random choice."),
    resamples: int = typer.Option(200, "--resamples", min=0, help="Half-samples for the intervals."),
    no_lexical: bool = typer.Option(False, "--no-lexical", help="Skip the lexical metrics."),
    clusters: str = typer.Option("hdbscan", "--clusters", help="hdbscan, kmeans, or none."),
    no_text: bool = typer.Option(False, "--no-text", help="Leave raw text out of the reports."),
) -> None:
    """Audit a corpus and store the result as a snapshot in the history database."""
    report_name(path, name)  # validates the name's characters
    method = cluster_method(clusters)

    def work():  # type: ignore[no-untyped-def]
        from auditor.corpus import load_corpus
        from auditor.history.runs import take_snapshot

        corpus = load_corpus(path, text_col=text_col, group_col=group_col, time_col=time_col)
        return take_snapshot(corpus, name=name, history=history, out=out, include_text=not no_text,
                             model=model, device=device, seed=seed, resamples=resamples, freq=freq,
                             lexical=not no_lexical, clusters=method)

    done = run_guarded(work)
    typer.echo(done["result"].data["verdict"]["headline"])
    typer.echo(f"snapshot {done['id']} stored as {name!r}")
    typer.echo(f"report: {done['html']}")


@app.command()
def trend(
    name: str = typer.Option(..., "--name", help="The snapshot series to chart."),
    history: Optional[str] = typer.Option(None, "--history", help=HISTORY_HELP),
    out: Path = typer.Option(Path("reports"), "--out", help="Folder for the trend report and index.html."),
) -> None:
    """Write <out>/<name>-trend.html: every metric across the snapshots, the convergence index over
    runs, the groups that moved most, and flags on runs with a different model or settings."""
    def work():  # type: ignore[no-untyped-def]
        from auditor.history.runs import write_trend

        return write_trend(name, history=history, out=out)

    done = run_guarded(work)
    t = done["trend"]
    flagged = [r for r in t["runs"] if r["not_comparable"]]
    typer.echo(f"{len(t['runs'])} snapshots of {name!r}" + (f"; {len(flagged)} not comparable with the run before" if flagged else ""))
    typer.echo(f"report: {done['html']}")


def _store(history: Optional[str]):  # type: ignore[no-untyped-def]
    from auditor.history import HistoryStore

    return HistoryStore(history)


@history_app.command("list")
def history_list(
    name: Optional[str] = typer.Option(None, "--name", help="Only this series."),
    history: Optional[str] = typer.Option(None, "--history", help=HISTORY_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List snapshots, oldest first."""
    def work():  # type: ignore[no-untyped-def]
        with _store(history) as store:
            return [s.summary() for s in store.list(name)]

    rows = run_guarded(work)
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        typer.echo("no snapshots")
        return
    typer.echo(f"{'id':>5}  {'name':<24} {'created':<25} {'texts':>7}  model")
    for r in rows:
        typer.echo(f"{r['id']:>5}  {r['name'][:24]:<24} {r['created_at']:<25} {r['n_texts'] or 0:>7}  {r['model']}")


@history_app.command("show")
def history_show(
    snapshot_id: int = typer.Argument(..., help="Snapshot id (see `history list`)."),
    history: Optional[str] = typer.Option(None, "--history", help=HISTORY_HELP),
) -> None:
    """Print one snapshot's stored result as JSON."""
    def work():  # type: ignore[no-untyped-def]
        with _store(history) as store:
            s = store.get(snapshot_id)
            return {**s.summary(), "result": s.data}

    typer.echo(json.dumps(run_guarded(work), indent=2, ensure_ascii=False))


@history_app.command("export")
def history_export(
    output: Path = typer.Option(..., "--output", "-o", help="File to write (.csv or .json)."),
    name: Optional[str] = typer.Option(None, "--name", help="Only this series."),
    fmt: Optional[str] = typer.Option(None, "--format", help="csv or json (default: from the file suffix)."),
    history: Optional[str] = typer.Option(None, "--history", help=HISTORY_HELP),
) -> None:
    """Export every metric of every snapshot: one row per snapshot, scope, group and metric."""
    kind = fmt or output.suffix.lstrip(".").lower()
    if kind not in {"csv", "json"}:
        fail(f"unknown export format {kind!r}; use --format csv or json")
    if history and Path(history).exists() and output.resolve() == Path(history).resolve():
        fail(f"refusing to overwrite the history database {output}")

    def work():  # type: ignore[no-untyped-def]
        from auditor.fileio import atomic_write_text

        with _store(history) as store:
            rows = store.metric_table(name)
        if kind == "json":
            atomic_write_text(output, json.dumps(rows, indent=2, ensure_ascii=False))
        else:
            buffer = io.StringIO()
            fields = ["snapshot_id", "name", "created_at", "model_name", "fingerprint", "scope", "group_name",
                      "metric", "value", "ci_low", "ci_high"]
            writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
            atomic_write_text(output, buffer.getvalue())
        return len(rows)

    typer.echo(f"{run_guarded(work)} rows written to {output}")


@history_app.command("delete")
def history_delete(
    snapshot_id: int = typer.Argument(..., help="Snapshot id to delete."),
    history: Optional[str] = typer.Option(None, "--history", help=HISTORY_HELP),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Delete one snapshot (its report files stay)."""
    if not yes and not typer.confirm(f"delete snapshot {snapshot_id}?"):
        fail("not deleted", 1)

    def work():  # type: ignore[no-untyped-def]
        with _store(history) as store:
            store.delete(snapshot_id)

    run_guarded(work)
    typer.echo(f"snapshot {snapshot_id} deleted")
