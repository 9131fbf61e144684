"""``auditor check``: pass/fail rules for CI."""

import os
from pathlib import Path
from typing import Any, Optional

import typer

from auditor.cli.app import app, fail, run_guarded
from auditor.cli.options import CACHE, FEED, INPUT, MODEL, QUIET, Options, shared


@app.command()
@shared(INPUT, FEED, MODEL, CACHE, QUIET)
def check(
    path: Path = typer.Argument(..., help="The batch to check: any input `auditor audit` reads (a folder of .txt/.md files, a CSV, ...)."),
    config: Optional[Path] = typer.Option(None, "--config", help="Rules file (default: ./auditor.toml, else the tool.auditor.check table of ./pyproject.toml, else the built-in rules)."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", help="An earlier result JSON for the max_regression rules."),
    update_baseline: bool = typer.Option(False, "--update-baseline", help="Write this run's result to --baseline (atomically) instead of comparing with it."),
    fmt: str = typer.Option("text", "--format", help="text, json, junit, github, sarif or rdjsonl (reviewdog)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the formatted result to this file instead of stdout."),
    resamples: int = typer.Option(0, "--resamples", help="Half-samples for confidence intervals in the JSON (0, the default, skips them: faster)."),
    suggest: bool = typer.Option(False, "--suggest", help="For each failing rule, list the texts to regenerate so that it passes (in every format, and in DIR/<name>-regenerate.csv)."),
    out: Path = typer.Option(Path("reports"), "--out", help="With --suggest: the folder of <name>-regenerate.csv."),
    opts: Optional[Options] = None,
) -> None:
    """Fail (exit 1) when a batch is too homogeneous, too near-duplicate, or worse than the baseline.

    Exit codes: 0 every rule passed (warnings allowed), 1 a rule failed, 2 usage or input error.
    """
    from auditor.check.formats import FORMATS

    if fmt not in FORMATS:
        fail(f"unknown --format {fmt!r}; use one of {', '.join(FORMATS)}")
    if update_baseline and baseline is None:
        fail("--update-baseline needs --baseline PATH")
    def work() -> Any:
        from auditor import __version__
        from auditor.audit import AuditSettings
        from auditor.check import append_step_summary, render, run_check
        from auditor.check.formats import regenerate_csv
        from auditor.errors import AuditorError
        from auditor.ownership import write_owned_text
        from auditor.report.sets import report_name

        AuditSettings(**opts.settings(resamples=resamples))  # every setting checked before any work
        regenerate = guard_outputs(path, config, baseline, update_baseline, output, opts.feed["catalog"],
                                   (out, report_name(path)) if suggest else None)
        summary_path = os.environ.get("GITHUB_STEP_SUMMARY") if fmt == "github" else None
        if summary_path and (Path(summary_path).is_dir() or not Path(summary_path).parent.is_dir()):
            raise AuditorError(f"$GITHUB_STEP_SUMMARY {summary_path} is not a file that can be appended to")
        result, outcome, _ = run_check(path, config=config, baseline=None if update_baseline else baseline,
                                       updating_baseline=update_baseline, suggest=suggest,
                                       **opts.settings(resamples=resamples),
                                       **(opts.feed_columns() or opts.columns()))
        text = render(fmt, outcome, result.to_dict(include_text=False), __version__)
        if update_baseline:
            result.to_json(baseline, include_text=False)
        if regenerate is not None and outcome.suggestions:
            frame = result.corpus.frame
            write_owned_text(regenerate, regenerate_csv(outcome, dict(zip(frame["id"], frame["text"]))))
        if output is not None:
            write_owned_text(output, text)
        elif not opts.quiet:
            typer.echo(text, nl=False)
        if summary_path:
            append_step_summary(outcome, summary_path)
        return outcome

    outcome = run_guarded(work)
    if update_baseline and not opts.quiet:
        typer.echo(f"baseline written: {baseline}", err=True)
    raise typer.Exit(0 if outcome.passed else 1)


def guard_outputs(path: Path, config: Optional[Path], baseline: Optional[Path], update_baseline: bool,
                  output: Optional[Path], catalog: Optional[Path] = None,
                  regenerate: Optional[tuple[Path, str]] = None) -> Optional[Path]:
    """Check, before any work, that --output, an updated --baseline and the regenerate CSV (in
    folder ``regenerate[0]``, named after ``regenerate[1]``) write over nothing the user supplied:
    the batch (and a feed's catalogue), the rules files, the baseline being read. Returns the
    regenerate CSV's path."""
    from auditor.guard import OutputGuard

    guard = OutputGuard().protect(path, "the input").protect(catalog, "the catalogue").protect(config, "the config")
    for rules in ("auditor.toml", "pyproject.toml"):
        guard.protect(rules, "the config")
    if not update_baseline:
        guard.protect(baseline, "the baseline")
    if output is not None:
        guard.file(output, "--output")
    if update_baseline:
        guard.file(baseline, "--baseline")
    if regenerate is not None:
        folder = guard.folder(regenerate[0])
        return guard.file(folder / f"{regenerate[1]}-regenerate.csv", "--out")
    return None
