"""``auditor audit``, ``auditor compare`` and ``auditor schema``."""

import json
from pathlib import Path
from typing import Any, Optional

import typer

from auditor.cli.app import app, fail, run_guarded
from auditor.cli.options import AUDIT, CACHE, ENGINE, INPUT, MODEL, OUTPUT, QUIET, Options, shared


def write_audit(corpus: Any, name: str, opts: Options, inputs: list[Path], source: Optional[Path] = None,
                run: Any = None, **extra: Any) -> tuple[Any, dict[str, Path]]:
    """Validate the settings and the report paths, audit ``corpus`` (a path, or the paths of a
    comparison with ``extra``; with ``run``, whatever that audit function reads), write the report
    set; returns the result and its paths. ``source``: the input the report is named after (no
    report of another corpus is replaced)."""
    from auditor.audit import AuditSettings
    from auditor.audit.compare import compare
    from auditor.audit.run import audit as run_audit
    from auditor.report.sets import report_paths, write_report_set

    from auditor.progress import progress_for

    settings = AuditSettings(**opts.settings(progress=False))  # the step display replaces the embedding bar
    reference = opts.audit["reference"]
    paths = report_paths(opts.output["out"], name, inputs + ([reference] if reference else []), source=source)
    run = run or (compare if isinstance(corpus, list) else run_audit)
    reporter = progress_for(opts.quiet)
    try:
        result = run(corpus, settings=settings, reference=reference, reporter=reporter, **opts.stages(),
                     **opts.columns(), **extra)
        with reporter.step("report"):
            write_report_set(result, paths, include_text=not opts.output["no_text"])
    finally:
        reporter.close()
    return result, paths


def finish(result: Any, paths: dict[str, Path], quiet: bool, fmt: str = "text", include_text: bool = True) -> None:
    """Print the summary (unless quiet) and the report paths; with ``fmt`` "json", the result
    JSON alone on stdout and the paths on stderr (unless quiet)."""
    from auditor.report.text import summary_text

    if fmt == "json":
        typer.echo(result.to_json(include_text=include_text), nl=False)
        if not quiet:
            typer.echo(f"report: {paths['html']}\njson:   {paths['json']}", err=True)
        return
    if not quiet:
        typer.echo(summary_text(result.data))
        typer.echo("")
    typer.echo(f"report: {paths['html']}")
    typer.echo(f"json:   {paths['json']}")


@app.command()
@shared(INPUT, MODEL, CACHE, AUDIT, ENGINE, OUTPUT, QUIET)
def audit(
    paths: list[Path] = typer.Argument(..., metavar="PATH...", help="CSV, TSV, JSONL, JSON, Parquet, a text file (one text per line), a folder of .txt/.md files, or - for standard input (JSONL or one text per line). With --engine ray: CSV, JSONL, JSON or Parquet files or globs, read as one corpus."),
    fmt: str = typer.Option("text", "--format", help="What to print: text (a summary) or json (the result JSON, alone on stdout)."),
    opts: Optional[Options] = None,
) -> None:
    """Audit a corpus: write reports/<name>.html and reports/<name>.json and print a summary."""
    if fmt not in ("text", "json"):
        fail(f"unknown --format {fmt!r}; use text or json")
    engine = opts.engine
    if engine["engine"] not in ("local", "ray"):
        fail(f"unknown --engine {engine['engine']!r}; use local or ray")
    if engine["engine"] == "local" and len(paths) > 1:
        fail("auditor audit reads one corpus; read several files as one with --engine ray, "
             "or audit each shard with `auditor state` and `auditor merge`")

    def work() -> Any:
        from auditor.report.sets import report_name

        named = opts.output["name"]
        if engine["engine"] == "ray":
            from functools import partial

            from auditor.engines.ray_engine import import_ray, ray_audit

            import_ray()
            run = partial(ray_audit, address=engine["ray_address"], workers=engine["workers"],
                          sample_size=engine["sample_size"], verbose=engine["verbose"])
            return write_audit(list(paths), report_name(paths[0], named), opts, list(paths), run=run)
        path = paths[0]
        source = None if named or str(path) == "-" else path
        return write_audit(path, report_name(path, named), opts, [path], source=source)

    finish(*run_guarded(work), opts.quiet, fmt, include_text=not opts.output["no_text"])


@app.command()
@shared(INPUT.without("group_col"), MODEL, CACHE, AUDIT, OUTPUT, QUIET)
def compare(
    paths: list[Path] = typer.Argument(..., help="Two or more corpora (any input `auditor audit` reads), or one corpus with --by."),
    by: Optional[str] = typer.Option(None, "--by", help="Split one corpus by this column instead of comparing files."),
    labels: Optional[str] = typer.Option(None, "--labels", help="Comma-separated names for the corpora (default: their file names)."),
    opts: Optional[Options] = None,
) -> None:
    """Compare corpora: human vs generated, this year vs last, our brand vs competitors.

    Writes one report with each corpus's metrics at a common size, how distinct each is (centroid
    distance, classifier AUC), the similarity heatmap and MMD / PERMANOVA permutation tests.
    """
    def work() -> Any:
        from auditor.audit.compare import comparison_name, corpus_labels
        from auditor.report.sets import report_name

        names = corpus_labels(paths, [p.strip() for p in labels.split(",")] if labels else None, by)
        name = report_name(paths[0], opts.output["name"] or comparison_name(names, by))
        return write_audit(list(paths), name, opts, list(paths), labels=names if by is None else None, by=by)

    finish(*run_guarded(work), opts.quiet)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the audit result (the JSON that `auditor audit` writes)."""
    from auditor.audit.schema import result_schema

    typer.echo(json.dumps(result_schema(), indent=2))
