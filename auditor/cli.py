"""The ``auditor`` command line: parse options, call the library, print, choose the exit code.

Exit codes: 0 success, 2 bad input or usage, 3 an unexpected internal error.
Heavy libraries (pandas, torch, sentence-transformers) are imported only inside commands.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(
    name="auditor",
    help="Measure content homogenization: how far a body of text has converged toward a generic mean.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_USAGE = 2
EXIT_INTERNAL = 3


@app.callback()
def main() -> None:
    """auditor: content homogenization audits."""


def fail(message: str, code: int = EXIT_USAGE) -> None:
    """Print a one-line error to stderr and exit."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def run_guarded(func, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Call ``func``, turning input errors into exit 2 and crashes into a one-line exit 3."""
    from auditor.errors import AuditorError

    try:
        return func(*args, **kwargs)
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


def cluster_method(clusters: str) -> Optional[str]:
    """The ``--clusters`` value as the library takes it (None for "none"); exits 2 when unknown."""
    if clusters not in {"hdbscan", "kmeans", "none"}:
        fail(f"unknown --clusters {clusters!r}; use hdbscan, kmeans or none")
    return None if clusters == "none" else clusters


def report_name(path: Path, name: Optional[str]) -> str:
    """The report's base name: ``--name``, else the input's file (or folder) name without suffix."""
    if name:
        if not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
            fail(f"--name {name!r} may hold only letters, digits, '-', '_' and '.'")
        return name
    resolved = path.resolve()
    return resolved.stem if resolved.is_file() else resolved.name or "corpus"


def output_paths(out: Path, name: str, inputs: list[Path]) -> dict[str, Path]:
    """The report files to write; refuses any that would overwrite an input."""
    paths = {"html": out / f"{name}.html", "json": out / f"{name}.json"}
    taken = {p.resolve() for p in inputs}
    for target in paths.values():
        if target.resolve() in taken:
            fail(f"refusing to overwrite the input {target}; pass --out or --name")
    return paths


def print_summary(result) -> None:  # type: ignore[no-untyped-def]
    """The short summary table printed after an audit."""
    from auditor.report.html import _fmt

    data = result.data
    typer.echo(data["verdict"]["headline"])
    summary = data.get("trend", {}).get("convergence", {}).get("summary")
    if summary:
        typer.echo(summary)
    typer.echo("")
    rows = [(m["label"], _fmt(m["value"]),
             f"[{_fmt(m['ci_low'])}, {_fmt(m['ci_high'])}]" if "ci_low" in m else "")
            for m in data["metrics"].values()]
    width = max(len(label) for label, _, _ in rows)
    for label, value, ci in rows:
        typer.echo(f"  {label:<{width}}  {value:>10}  {ci}".rstrip())
    if data["groups"]:
        typer.echo("")
        typer.echo(f"  {'group':<24} {'texts':>7} {'similarity':>11} {'vendi/text':>11}")
        for group, entry in data["groups"].items():
            m = entry["metrics"]
            mps = _fmt(m["mean_pairwise_similarity"]["value"]) if m else "-"
            vpt = _fmt(m["vendi_score_per_text"]["value"]) if m else "-"
            typer.echo(f"  {group[:24]:<24} {entry['n_texts']:>7} {mps:>11} {vpt:>11}")


@app.command()
def audit(
    path: Path = typer.Argument(..., help="CSV, TSV, JSONL, JSON, Parquet, a text file (one text per line) or a folder of .txt/.md files."),
    text_col: Optional[str] = typer.Option(None, "--text-col", help="Column holding the text (default: 'text', or the only text column)."),
    group_col: Optional[str] = typer.Option(None, "--group-col", help="Column to split the corpus by (brand, source, locale...)."),
    time_col: Optional[str] = typer.Option(None, "--time-col", help="Column with a date or year for each text."),
    id_col: Optional[str] = typer.Option(None, "--id-col", help="Column with a unique id per row (default: 'id' if present, else the row number)."),
    model: Optional[str] = typer.Option(None, "--model", help="Sentence-transformers model name or local path (default: all-MiniLM-L6-v2, bundled)."),
    device: str = typer.Option("auto", "--device", help="auto, cpu, cuda or mps."),
    out: Path = typer.Option(Path("reports"), "--out", help="Folder for the HTML and JSON reports."),
    name: Optional[str] = typer.Option(None, "--name", help="Base name of the report files (default: the input's name)."),
    sample: Optional[int] = typer.Option(None, "--sample", help="Audit a seeded random sample of N texts."),
    seed: int = typer.Option(0, "--seed", help="Seed for every random choice (same input + same seed = same numbers)."),
    threshold: float = typer.Option(0.95, "--threshold", help="Cosine at or above which two texts count as near-duplicates."),
    resamples: int = typer.Option(200, "--resamples", min=0, help="Half-samples for the confidence intervals (0: no intervals)."),
    ci_level: float = typer.Option(0.95, "--ci-level", min=0.5, max=0.999, help="Confidence level of the intervals."),
    no_lexical: bool = typer.Option(False, "--no-lexical", help="Skip the lexical metrics and stock phrases."),
    clusters: str = typer.Option("hdbscan", "--clusters", help="hdbscan, kmeans, or none (no map and no clusters: faster)."),
    encoding: str = typer.Option("utf-8", "--encoding", help="Text encoding of the input files."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Drop rows with empty or non-text values instead of failing."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Embedding cache folder (default: ~/.cache/auditor or $AUDITOR_CACHE_DIR)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the embedding cache."),
    recompute: bool = typer.Option(False, "--recompute", help="Recompute every metric even when this exact audit was run before (embeddings still come from the cache)."),
    no_text: bool = typer.Option(False, "--no-text", help="Leave every raw text out of the reports (ids and numbers only)."),
    freq: Optional[str] = typer.Option(None, "--freq", help="Period for the trend with --time-col: year, quarter, month or decade (default: from the date span)."),
    reference: Optional[Path] = typer.Option(None, "--reference", help="A reference corpus (e.g. generic AI copy): how close each group sits to it, and who drifts toward it."),
    permutations: int = typer.Option(999, "--permutations", min=99, help="Label permutations for the MMD and PERMANOVA p-values."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the paths of the reports."),
) -> None:
    """Audit a corpus: write reports/<name>.html and reports/<name>.json and print a summary."""
    method = cluster_method(clusters)
    paths = output_paths(out, report_name(path, name), [path] + ([reference] if reference else []))

    def corpus():  # type: ignore[no-untyped-def]
        from auditor.corpus import load_corpus

        return load_corpus(path, text_col=text_col, group_col=group_col, time_col=time_col,
                           id_col=id_col, encoding=encoding, skip_invalid=skip_invalid)

    result = run_guarded(audit_and_write, corpus, paths, no_text=no_text, model=model, device=device,
                         sample=sample, seed=seed, threshold=threshold,
                         cache=False if no_cache else cache_dir, resamples=resamples, ci_level=ci_level,
                         lexical=not no_lexical, clusters=method,
                         reuse_results=not recompute, freq=freq, reference=reference,
                         permutations=permutations)
    finish(result, paths, quiet)


def audit_and_write(corpus_fn, paths: dict[str, Path], *, no_text: bool, reference: Optional[Path],
                    **options):  # type: ignore[no-untyped-def]
    """Load the corpus, audit it, and write the JSON and HTML reports atomically."""
    from auditor.fileio import atomic_write_text
    from auditor.pipeline import audit as run_audit

    if reference is not None:
        from auditor.corpus import load_corpus

        reference = load_corpus(reference)
    result = run_audit(corpus_fn(), reference=reference, **options)
    html = result.to_html(include_text=not no_text)
    json_text = result.to_json(include_text=not no_text)
    atomic_write_text(paths["json"], json_text)
    atomic_write_text(paths["html"], html)
    from auditor.report.index import write_index

    write_index(paths["html"].parent)
    return result


def finish(result, paths: dict[str, Path], quiet: bool) -> None:  # type: ignore[no-untyped-def]
    """Print the summary (unless quiet) and the report paths."""
    if not quiet:
        print_summary(result)
        typer.echo("")
    typer.echo(f"report: {paths['html']}")
    typer.echo(f"json:   {paths['json']}")


@app.command()
def compare(
    paths: list[Path] = typer.Argument(..., help="Two or more corpora (any input `auditor audit` reads), or one corpus with --by."),
    by: Optional[str] = typer.Option(None, "--by", help="Split one corpus by this column instead of comparing files."),
    labels: Optional[str] = typer.Option(None, "--labels", help="Comma-separated names for the corpora (default: their file names)."),
    text_col: Optional[str] = typer.Option(None, "--text-col", help="Column holding the text in every corpus."),
    time_col: Optional[str] = typer.Option(None, "--time-col", help="Column with a date or year (in every corpus)."),
    freq: Optional[str] = typer.Option(None, "--freq", help="Period for the trend: year, quarter, month or decade (default: from the date span)."),
    reference: Optional[Path] = typer.Option(None, "--reference", help="A reference corpus (e.g. generic AI copy) to measure each corpus against."),
    model: Optional[str] = typer.Option(None, "--model", help="Sentence-transformers model name or local path."),
    device: str = typer.Option("auto", "--device", help="auto, cpu, cuda or mps."),
    out: Path = typer.Option(Path("reports"), "--out", help="Folder for the HTML and JSON reports."),
    name: Optional[str] = typer.Option(None, "--name", help="Base name of the report files (default: compare-<a>-vs-<b>)."),
    seed: int = typer.Option(0, "--seed", help="Seed for every random choice."),
    resamples: int = typer.Option(200, "--resamples", min=0, help="Half-samples for the confidence intervals (0: none)."),
    permutations: int = typer.Option(999, "--permutations", min=99, help="Label permutations for the MMD and PERMANOVA p-values."),
    no_lexical: bool = typer.Option(False, "--no-lexical", help="Skip the lexical metrics."),
    clusters: str = typer.Option("hdbscan", "--clusters", help="hdbscan, kmeans, or none."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Embedding cache folder."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the embedding cache."),
    no_text: bool = typer.Option(False, "--no-text", help="Leave every raw text out of the reports."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the paths of the reports."),
) -> None:
    """Compare corpora: human vs generated, this year vs last, our brand vs competitors.

    Writes one report with each corpus's metrics at a common size, how distinct each is (centroid
    distance, classifier AUC), the similarity heatmap and MMD / PERMANOVA permutation tests.
    """
    method = cluster_method(clusters)
    if by is None and len(paths) < 2:
        fail("compare needs two or more corpora, or one corpus and --by COLUMN")
    if by is not None and len(paths) != 1:
        fail("--by splits one corpus; pass exactly one path with it")
    names = [p.strip() for p in labels.split(",")] if labels else None
    if names is not None and (by is not None or len(names) != len(paths)):
        fail(f"--labels needs one name per corpus ({len(paths)}), without --by")
    stems = names or [report_name(p, None) for p in paths]
    if by is None and len(set(stems)) != len(stems):
        fail("two corpora have the same file name; name them with --labels a,b")
    default = "compare-" + ("-".join(stems) + f"-by-{by}" if by else "-vs-".join(stems))
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in default)[:120]
    out_paths = output_paths(out, report_name(paths[0], name or safe), list(paths) + ([reference] if reference else []))

    def corpus():  # type: ignore[no-untyped-def]
        from auditor.corpus import combine, load_corpus

        if by is not None:
            return load_corpus(paths[0], text_col=text_col, group_col=by, time_col=time_col)
        return combine([load_corpus(p, text_col=text_col, time_col=time_col) for p in paths], stems)

    result = run_guarded(audit_and_write, corpus, out_paths, no_text=no_text, model=model, device=device,
                         seed=seed, cache=False if no_cache else cache_dir, resamples=resamples,
                         lexical=not no_lexical, clusters=method,
                         freq=freq, reference=reference, permutations=permutations)
    finish(result, out_paths, quiet)


@app.command()
def check(
    path: Path = typer.Argument(..., help="The batch to check: any input `auditor audit` reads (a folder of .txt/.md files, a CSV, ...)."),
    config: Optional[Path] = typer.Option(None, "--config", help="Rules file (default: ./auditor.toml, else [tool.auditor.check] in ./pyproject.toml, else the built-in rules)."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", help="An earlier result JSON for the max_regression rules."),
    update_baseline: bool = typer.Option(False, "--update-baseline", help="Write this run's result to --baseline (atomically) instead of comparing with it."),
    fmt: str = typer.Option("text", "--format", help="text, json, junit, github or sarif."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the formatted result to this file instead of stdout."),
    model: Optional[str] = typer.Option(None, "--model", help="Sentence-transformers model name or local path."),
    device: str = typer.Option("auto", "--device", help="auto, cpu, cuda or mps."),
    resamples: int = typer.Option(0, "--resamples", min=0, help="Half-samples for confidence intervals in the JSON (0, the default, skips them: faster)."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Embedding cache folder."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the embedding cache."),
) -> None:
    """Fail (exit 1) when a batch is too homogeneous, too near-duplicate, or worse than the baseline.

    Exit codes: 0 every rule passed (warnings allowed), 1 a rule failed, 2 usage or input error.
    """
    from auditor.check.formats import FORMATS

    if fmt not in FORMATS:
        fail(f"unknown --format {fmt!r}; use one of {', '.join(FORMATS)}")
    if update_baseline and baseline is None:
        fail("--update-baseline needs --baseline PATH")
    inputs = [path] + ([config] if config else [])
    for target in [p for p in (output, baseline if update_baseline else None) if p is not None]:
        if target.resolve() in {p.resolve() for p in inputs}:
            fail(f"refusing to overwrite the input {target}")

    def work():  # type: ignore[no-untyped-def]
        from auditor import __version__
        from auditor.check import render, run_check, step_summary
        from auditor.fileio import atomic_write_text

        result, outcome, _ = run_check(
            path, config=config, baseline=None if update_baseline else baseline, model=model,
            device=device, cache=False if no_cache else cache_dir, resamples=resamples)
        text = render(fmt, outcome, result.to_dict(include_text=False), __version__)
        if update_baseline:
            result.to_json(baseline, include_text=False)
        if output is not None:
            atomic_write_text(output, text)
        else:
            typer.echo(text, nl=False)
        summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
        if fmt == "github" and summary_path:
            with open(summary_path, "a", encoding="utf-8") as fh:
                fh.write(step_summary(outcome))
        return outcome

    outcome = run_guarded(work)
    if update_baseline:
        typer.echo(f"baseline written: {baseline}", err=True)
    raise typer.Exit(0 if outcome.passed else 1)


from auditor import cli_history  # noqa: E402,F401  (registers snapshot, history and trend)


def entry() -> None:
    """Console-script entry point."""
    try:
        app()
    except BrokenPipeError:
        sys.exit(0)


if __name__ == "__main__":
    entry()
