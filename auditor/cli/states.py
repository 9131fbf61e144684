"""``auditor state`` and ``auditor merge``: the shard workflow for any scheduler."""

from pathlib import Path
from typing import Any, Optional

import typer

from auditor import defaults
from auditor.cli.app import app, fail, run_guarded
from auditor.cli.audit import finish, write_audit
from auditor.cli.options import AUDIT, CACHE, FEED, INPUT, MODEL, OUTPUT, QUIET, Options, shared

STATE_SUFFIX = ".auditor-state"


def check_state_output(output: Path, inputs: list[Path]) -> None:
    """A state is written only to a ``.auditor-state`` path that is not an input and is not some
    other file (an older state there is replaced, atomically)."""
    from auditor.errors import AuditorError
    from auditor.states import load_state

    from auditor.guard import folder_problem

    if not output.name.endswith(STATE_SUFFIX) or output.name == STATE_SUFFIX:
        raise AuditorError(f"-o {output}: a state file's name must end in {STATE_SUFFIX}")
    problem = folder_problem(output.parent)
    if problem:
        raise AuditorError(f"-o {problem}")
    if any(output.resolve() == p.resolve() for p in inputs if str(p) != "-"):
        raise AuditorError(f"-o {output} is one of the inputs; it is never overwritten")
    for folder in (p.resolve() for p in inputs if str(p) != "-" and p.is_dir()):
        if folder in output.resolve().parents:
            raise AuditorError(f"-o {output} is inside the input folder {folder}; write the state elsewhere")
    if output.exists():
        try:
            load_state(output)
        except AuditorError:
            raise AuditorError(f"-o {output} exists and is not an auditor state; it is never overwritten") from None


@app.command()
@shared(INPUT, FEED, MODEL, CACHE, QUIET)
def state(
    shards: list[Path] = typer.Argument(..., help="The shard's corpus files (any input `auditor audit` reads); several are read as one shard, in order."),
    output: Path = typer.Option(..., "--output", "-o", help="The state file to write (NAME.auditor-state)."),
    sample_size: int = typer.Option(defaults.SAMPLE_SIZE, "--sample-size", help="Rows kept for the sampled parts (neighbours, map, clusters, phrases, intervals); a corpus of at most this many texts is kept whole."),
    seed: int = typer.Option(defaults.SEED, "--seed", help="Seed of the sample (every shard of one corpus needs the same)."),
    opts: Optional[Options] = None,
) -> None:
    """Write the mergeable partial state of one shard, for `auditor merge`.

    A corpus's state holds its embeddings' sums, sketches and a sample; with --user-col the shard
    is an exposure log and the state holds its exposures and its items' vectors (`auditor feed`)."""
    def work() -> Any:
        from auditor.audit import AuditSettings
        from auditor.fileio import atomic_write_bytes
        from auditor.states import feed_state, merge_feed_states, merge_states, shard_state, write_state
        from auditor.states.feed_state import feed_state_bytes

        check_state_output(output, shards + ([opts.feed["catalog"]] if opts.feed["catalog"] else []))
        settings = AuditSettings(**opts.settings(seed=seed, progress=False))
        if opts.feed_columns():  # every shard read and validated before any is embedded
            from auditor.feed.log import read_exposures

            logs = [read_exposures(path, **opts.feed_columns()) for path in shards]
            merged = merge_feed_states([feed_state(rows, settings) for rows in logs])
            atomic_write_bytes(output, feed_state_bytes(merged))
            return f"{merged.n_exposures:,} exposures of {len(merged.rows.item_keys):,} items"
        from auditor.corpus import load_corpus

        corpora = [load_corpus(path, **opts.columns()) for path in shards]
        merged = merge_states([shard_state(corpus, settings, sample_size=sample_size) for corpus in corpora])
        write_state(merged, output)
        return f"{merged.n_texts:,} texts, {len(merged.sample):,} kept in the sample"

    summary = run_guarded(work)
    if not opts.quiet:
        typer.echo(summary, err=True)
    typer.echo(f"state: {output}")


@app.command()
@shared(AUDIT.without("sample", "recompute"), OUTPUT, QUIET)
def merge(
    states: list[Path] = typer.Argument(..., help="State files from `auditor state`, in the corpus's order."),
    fmt: str = typer.Option("text", "--format", help="What to print: text (a summary) or json (the result JSON, alone on stdout)."),
    opts: Optional[Options] = None,
) -> None:
    """Merge shards' states into the report and JSON of their union.

    The same report as `auditor audit` (or `auditor feed`) of all the shards; parts computed on the
    merged sample say so."""
    if fmt not in ("text", "json"):
        fail(f"unknown --format {fmt!r}; use text or json")

    def work() -> Any:
        from auditor.errors import AuditorError
        from auditor.report.sets import report_name
        from auditor.states import (
            FeedState,
            audit_feed_state,
            audit_state,
            load_state,
            merge_feed_states,
            merge_states,
        )

        name = report_name(states[0], opts.output["name"] or "merged")
        parts = [load_state(path) for path in states]
        feeds = [isinstance(p, FeedState) for p in parts]
        if any(feeds) and not all(feeds):
            raise AuditorError("the states mix an exposure log's (auditor state --user-col) and a corpus's; "
                               "merge each kind on its own")
        if all(feeds):
            return write_audit(merge_feed_states(parts), name, opts, list(states), run=audit_feed_state)
        return write_audit(merge_states(parts), name, opts, list(states), run=audit_state)

    finish(*run_guarded(work), opts.quiet, fmt, include_text=not opts.output["no_text"])
