"""``auditor feed``: the exposure audit of a personalised feed."""

from pathlib import Path
from typing import Any, Optional

import typer

from auditor.cli.app import app, fail, run_guarded
from auditor.cli.audit import finish
from auditor.cli.options import AUDIT, CACHE, FEED, INPUT, MODEL, OUTPUT, QUIET, Options, shared


@app.command()
@shared(INPUT.without("strata", "locale_col", "translation_col", "id_col"), FEED, MODEL, CACHE,
        AUDIT.without("sample", "reference"), OUTPUT, QUIET)
def feed(
    log: Path = typer.Argument(..., metavar="LOG", help="The exposure log: one row per item shown to a user (any input `auditor audit` reads)."),
    fmt: str = typer.Option("text", "--format", help="What to print: text (a summary) or json (the result JSON, alone on stdout)."),
    opts: Optional[Options] = None,
) -> None:
    """Audit a personalised feed: is each user's feed narrowing, are all users shown the same?

    Writes reports/<name>.html and .json with a `feed` section: within-user and between-user
    similarity, narrowing and convergence over periods (--time-col, --freq), novelty, coverage,
    Gini and overlap; with --group-col (each user's cohort) every figure per cohort and their
    differences (permutation tests over users). --user-col is required.
    """
    if fmt not in ("text", "json"):
        fail(f"unknown --format {fmt!r}; use text or json")
    if opts.feed["user_col"] is None:
        fail("auditor feed needs --user-col: the column naming the user each item was shown to")

    def work() -> Any:
        from auditor.audit import AuditSettings
        from auditor.feed import audit_feed
        from auditor.progress import progress_for
        from auditor.report.sets import report_name, report_paths, write_report_set

        settings = AuditSettings(**opts.settings(progress=False))
        catalog = opts.feed["catalog"]
        source = None if opts.output["name"] or str(log) == "-" else log
        paths = report_paths(opts.output["out"], report_name(log, opts.output["name"]),
                             [log] + ([catalog] if catalog else []), source=source)
        reporter = progress_for(opts.quiet)
        try:
            result = audit_feed(log, settings=settings, reporter=reporter, **opts.stages(), **opts.feed_columns())
            with reporter.step("report"):
                write_report_set(result, paths, include_text=not opts.output["no_text"])
        finally:
            reporter.close()
        return result, paths

    finish(*run_guarded(work), opts.quiet, fmt, include_text=not opts.output["no_text"])
