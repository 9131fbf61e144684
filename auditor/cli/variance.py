"""``auditor select`` and ``auditor rerank``: keep the varied, re-rank for variance."""

import json
from pathlib import Path
from typing import Any, Optional

import typer

from auditor import defaults
from auditor.cli.app import app, fail, run_guarded
from auditor.cli.options import CACHE, INPUT, MODEL, QUIET, Options, shared

#: Figures of a selection, as the terminal shows them: (key, label).
FIGURE_ROWS = (("calibrated_similarity", "Similarity (0 = unrelated texts)"), ("vendi_per_text", "Vendi score per text"),
               ("near_duplicate_rate", "Near-duplicate rate"), ("template_share", "Templated texts"),
               ("distinct_variants", "Distinct variants per stratum"))


def emit(result: Any, fmt: str, quiet: bool, summary: str, written: str) -> None:
    """Print a selection's or re-ranking's JSON (alone on stdout) or its summary, then the file written."""
    if fmt == "json":
        typer.echo(json.dumps(result.as_dict(), indent=2, allow_nan=False))
    elif not quiet:
        typer.echo(summary)
    typer.echo(written, err=fmt == "json")


def figures_text(figures: dict[str, Any]) -> str:
    """The before / after / random table of a selection."""
    lines = [f"  {'':<34} {'before':>10} {'chosen':>10} {'random':>10}",
             f"  {'texts':<34} {figures['before']['n_texts']:>10,} {figures['after']['n_texts']:>10,} "
             f"{figures['random']['n_texts']:>10,}"]
    for key, label in FIGURE_ROWS:
        if key in figures["after"]:
            lines.append(f"  {label:<34}" + "".join(f" {figures[s][key]:>10.3f}" for s in ("before", "after", "random")))
    share = figures["share_of_random_subsets_more_varied"]
    lines.append(f"  {share:.1%} of {figures['random_subsets']} random subsets of the same size are less alike "
                 "than the chosen texts.")
    return "\n".join(lines)


@app.command()
@shared(INPUT.without("locale_col", "translation_col"), MODEL, CACHE, QUIET)
def select(
    path: Path = typer.Argument(..., metavar="CORPUS", help="The corpus to choose from (any input `auditor audit` reads)."),
    k: Optional[int] = typer.Option(None, "-k", help="How many texts to keep in all."),
    per_stratum: Optional[int] = typer.Option(None, "--per-stratum", help="With --strata: how many texts to keep per brief, product or prompt (instead of -k)."),
    strategy: str = typer.Option("mmr", "--strategy", help="mmr (default), dpp, msd, ssd or cover (pyversity's algorithms)."),
    score_col: Optional[str] = typer.Option(None, "--score-col", help="A column of quality or relevance scores to trade off against variance."),
    diversity: Optional[float] = typer.Option(None, "--diversity", help="0 (the scores alone) to 1 (variance alone); default 1 without --score-col, 0.5 with it."),
    output: Path = typer.Option(..., "--output", "-o", help="CSV of the chosen texts: every input column in selection order, with selection_rank and nearest_chosen_similarity."),
    seed: int = typer.Option(defaults.SEED, "--seed", help="Seed of the random subsets and the sampled figures."),
    threshold: Optional[float] = typer.Option(None, "--threshold", help="An explicit near-duplicate cut on the calibrated scale (0: unrelated texts, 1: identical): texts at or above it count as near-duplicates by meaning alone. Default: the calibrated rule (the model reads them as one text, or almost word for word)."),
    fmt: str = typer.Option("text", "--format", help="What to print: text (the figures) or json."),
    opts: Optional[Options] = None,
) -> None:
    """Keep the K texts (or K per brief) that leave the corpus most varied.

    Shows the audit's figures before and after, next to a random subset of the same size."""
    if fmt not in ("text", "json"):
        fail(f"unknown --format {fmt!r}; use text or json")

    def work() -> Any:
        from auditor.audit import AuditSettings
        from auditor.guard import OutputGuard
        from auditor.ownership import write_owned_text
        from auditor.variance import select as run_select

        options = opts.settings(seed=seed, threshold=threshold, progress=False)
        AuditSettings(**options)  # every setting checked before any work
        OutputGuard().protect(path, "the input").file(output, "--output")
        chosen = run_select(path, k, per_stratum=per_stratum, strategy=strategy, score_col=score_col,
                            diversity=diversity, **options, **opts.columns())
        write_owned_text(output, chosen.frame().to_csv(index=False))
        return chosen

    chosen = run_guarded(work)
    emit(chosen, fmt, opts.quiet, figures_text(chosen.figures), f"chosen: {output}")


def curve_text(curve: list[dict[str, Any]]) -> str:
    """The trade-off table of a re-ranking: per diversity weight, the lists' similarity and the
    relevance given up."""
    lines = [f"  {'diversity':>9} {'within-list similarity':>23} {'score given up per item':>24}"]
    lines += [f"  {row['diversity']:>9.2f} {row['within_list_similarity']:>23.3f} {row['relevance_given_up']:>24.4f}"
              for row in curve]
    return "\n".join(lines)


@app.command()
@shared(MODEL, CACHE, QUIET)
def rerank(
    path: Path = typer.Argument(..., metavar="CANDIDATES", help="One row per candidate item for a user (the exposure or candidate files `auditor feed` reads)."),
    user_col: str = typer.Option(..., "--user-col", help="The column naming each candidate's user."),
    score_col: str = typer.Option(..., "--score-col", help="The column of relevance scores (the engine's)."),
    k: int = typer.Option(10, "-k", help="Items per re-ranked list."),
    diversity: float = typer.Option(0.5, "--diversity", help="Weight on variance, 0 (the engine's list) to 1 (variance alone)."),
    item_col: Optional[str] = typer.Option(None, "--item-col", help="The column with each candidate's item id (with --catalog, looked up there)."),
    text_col: Optional[str] = typer.Option(None, "--text-col", help="The column with each candidate's text (default: 'text', or the only text column)."),
    catalog: Optional[Path] = typer.Option(None, "--catalog", help="A table of the items' ids and texts, when the candidates hold only ids."),
    output: Path = typer.Option(..., "--output", "-o", help="CSV of the re-ranked lists: user, rank, item, score, engine_rank."),
    fmt: str = typer.Option("text", "--format", help="What to print: text (the trade-off table) or json."),
    opts: Optional[Options] = None,
) -> None:
    """Re-rank each user's candidates for variance, and show what it costs.

    For each diversity weight, from the engine's list (0) to variance alone (1): the within-list
    similarity and the relevance given up."""
    if fmt not in ("text", "json"):
        fail(f"unknown --format {fmt!r}; use text or json")

    def work() -> Any:
        from auditor.audit import AuditSettings
        from auditor.guard import OutputGuard
        from auditor.ownership import write_owned_text
        from auditor.variance.rerank import rerank as run_rerank

        options = opts.settings(progress=False)
        AuditSettings(**options)
        OutputGuard().protect(path, "the input").protect(catalog, "the catalogue").file(output, "--output")
        result = run_rerank(path, user_col=user_col, score_col=score_col, k=k, diversity=diversity,
                            item_col=item_col, text_col=text_col, catalog=catalog, **options)
        write_owned_text(output, result.lists.to_csv(index=False))
        return result

    result = run_guarded(work)
    emit(result, fmt, opts.quiet, curve_text(result.curve), f"re-ranked: {output}")
