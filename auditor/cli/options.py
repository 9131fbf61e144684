"""Options shared by the commands, defined once (as sqlite-utils shares ``output_options``).

An :class:`OptionGroup` is a set of Typer options; :func:`shared` adds groups to a command's
signature and hands the command one :class:`Options` holding their values, so every command that
reads a corpus takes the same input, model, cache and output options, with the same help.
"""

import functools
import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

import typer

from auditor import defaults
from auditor.corpus.roles import ROLES, TEXT

#: The corpus roles an exposure log has too: its times, and its cohorts as groups.
FEED_ROLES = ("group", "time")


@dataclass(frozen=True)
class OptionGroup:
    name: str
    parameters: tuple[inspect.Parameter, ...]

    def without(self, *names: str) -> "OptionGroup":
        return OptionGroup(self.name, tuple(p for p in self.parameters if p.name not in names))


def _group(group: str, /, **options: tuple[Any, Any]) -> OptionGroup:
    return OptionGroup(group, tuple(
        inspect.Parameter(key, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=annotation)
        for key, (annotation, option) in options.items()))


INPUT = _group(
    "input",
    **{role.keyword: (Optional[str], typer.Option(None, role.flag, help=role.help)) for role in (TEXT, *ROLES)},
    encoding=(str, typer.Option("utf-8", "--encoding", help="Text encoding of the input files.")),
    skip_invalid=(bool, typer.Option(False, "--skip-invalid", help="Drop rows with empty or non-text values instead of failing.")),
)
FEED = _group(
    "feed",
    user_col=(Optional[str], typer.Option(None, "--user-col", help="Exposure log: the column naming the user each item was shown to (reads the input as a feed: auditor feed).")),
    item_col=(Optional[str], typer.Option(None, "--item-col", help="Exposure log: the column with each item's id (with --catalog, the id looked up there; else items are told apart by their text).")),
    catalog=(Optional[Path], typer.Option(None, "--catalog", help="Exposure log: a table of the items (their ids, in the --item-col column or 'id', and their texts) when the log holds only ids.")),
)
MODEL = _group(
    "model",
    model=(Optional[str], typer.Option(None, "--model", help="Sentence-transformers model name or local path (default: all-MiniLM-L6-v2, bundled).")),
    device=(str, typer.Option("auto", "--device", help="auto, cpu, cuda or mps.")),
    backend=(Optional[str], typer.Option(None, "--backend", help="torch (default: the model as published, fp32) or onnx (the default model quantized to int8 with ONNX Runtime: about 3x faster on a CPU; vectors of its own identity).")),
)
CACHE = _group(
    "cache",
    cache_dir=(Optional[Path], typer.Option(None, "--cache-dir", help="Embedding cache folder (default: ~/.cache/auditor or $AUDITOR_CACHE_DIR).")),
    no_cache=(bool, typer.Option(False, "--no-cache", help="Do not read or write the embedding cache.")),
)
AUDIT = _group(
    "audit",
    sample=(Optional[int], typer.Option(None, "--sample", help="Audit a seeded random sample of N texts.")),
    seed=(int, typer.Option(defaults.SEED, "--seed", help="Seed for every random choice (same input + same seed = same numbers).")),
    threshold=(Optional[float], typer.Option(None, "--threshold", help="An explicit near-duplicate cut on the calibrated scale (0: unrelated texts, 1: identical): texts at or above it count as near-duplicates by meaning alone. Default: the calibrated rule (the model reads them as one text, or almost word for word).")),
    resamples=(int, typer.Option(defaults.RESAMPLES, "--resamples", help="Half-samples for the confidence intervals (0: no intervals).")),
    ci_level=(float, typer.Option(defaults.CI_LEVEL, "--ci-level", help="Confidence level of the intervals.")),
    no_lexical=(bool, typer.Option(False, "--no-lexical", help="Skip the lexical metrics and stock phrases.")),
    clusters=(str, typer.Option("hdbscan", "--clusters", help="hdbscan, kmeans, or none (no map and no clusters: faster).")),
    freq=(Optional[str], typer.Option(None, "--freq", help="Period for the trend with --time-col: year, quarter, month or decade (default: from the date span).")),
    reference=(Optional[Path], typer.Option(None, "--reference", help="A reference corpus (e.g. generic AI copy): how close each group sits to it, and who drifts toward it.")),
    permutations=(int, typer.Option(defaults.PERMUTATIONS, "--permutations", help="Label permutations for the MMD and PERMANOVA p-values.")),
    recompute=(bool, typer.Option(False, "--recompute", help="Recompute every metric even when this exact audit was run before (embeddings still come from the cache).")),
)
ENGINE = _group(
    "engine",
    engine=(str, typer.Option("local", "--engine", help="local (this process) or ray (Ray Data: the files as one dataset, embedded by a pool of actors; pip install \"auditor[ray]\").")),
    ray_address=(Optional[str], typer.Option(None, "--ray-address", help="With --engine ray: the cluster to join (default: start a local Ray instance and shut it down).")),
    workers=(int, typer.Option(defaults.RAY_WORKERS, "--workers", help="With --engine ray: embedding actors (each loads the model once).")),
    sample_size=(int, typer.Option(defaults.SAMPLE_SIZE, "--sample-size", help="With --engine ray: rows kept for the sampled parts (map, clusters, phrases, intervals); the similarity, Vendi and distinct-n metrics are exact for every text.")),
    verbose=(bool, typer.Option(False, "--verbose", help="With --engine ray: let Ray print its own log lines (by default only its errors reach you, as one error line).")),
)
OUTPUT = _group(
    "output",
    out=(Path, typer.Option(Path("reports"), "--out", help="Folder for the HTML and JSON reports (and index.html).")),
    name=(Optional[str], typer.Option(None, "--name", help="Base name of the report files (default: the input's name).")),
    no_text=(bool, typer.Option(False, "--no-text", help="Leave every raw text out of the reports (ids and numbers only).")),
)
QUIET = _group("quiet", quiet=(bool, typer.Option(False, "--quiet", "-q", help="No summary and no progress: audit and compare print only the report paths a script reads; snapshot prints nothing (a cron job mails whatever it prints).")))


class Options:
    """The values of the shared options a command was given, by group: ``opts.input["text_col"]``."""

    def __init__(self, values: dict[str, dict[str, Any]]) -> None:
        self._values = values

    def __getattr__(self, group: str) -> dict[str, Any]:
        try:
            return self._values[group]
        except KeyError:
            raise AttributeError(group) from None

    def get(self, group: str) -> dict[str, Any]:
        return self._values.get(group, {})

    @property
    def quiet(self) -> bool:
        return bool(self.get("quiet").get("quiet"))

    def settings(self, **overrides: Any) -> dict[str, Any]:
        """The library's audit settings (``AuditSettings`` fields) from the model, cache and
        audit options."""
        from auditor.audit.settings import settings_from_options

        model, cache, audit = self.get("model"), self.get("cache"), self.get("audit")
        out: dict[str, Any] = {k: v for k, v in model.items() if v is not None or k != "backend"}
        if cache:
            out["cache"] = False if cache["no_cache"] else cache["cache_dir"]
        return {**out, **settings_from_options(audit), **overrides}

    def stages(self) -> dict[str, Any]:
        """The stages chosen on the command line (the ``--clusters`` preset)."""
        clusters = self.get("audit").get("clusters")
        return {} if clusters is None else {"clusterer": clusters}

    def columns(self) -> dict[str, Any]:
        """How to read the corpus (``load_corpus`` keywords)."""
        return dict(self.get("input"))

    def feed_columns(self) -> dict[str, Any]:
        """How to read an exposure log (``load_feed`` keywords); {} without --user-col."""
        feed = self.get("feed")
        if not feed or feed.get("user_col") is None:
            return {}
        from auditor.errors import SettingsError

        given = self.get("input")
        for role in ROLES:  # a log has times and cohorts (--group-col); the other roles are a corpus's
            if role.column not in FEED_ROLES and given.get(role.keyword) is not None:
                raise SettingsError(role.keyword, "does not apply to an exposure log (--user-col)")
        columns = {k: v for k, v in given.items() if k in (TEXT.keyword, "encoding", "skip_invalid")
                   or k in (role.keyword for role in ROLES if role.column in FEED_ROLES)}
        return {**columns, "user_col": feed["user_col"], "item_col": feed["item_col"], "catalog": feed["catalog"]}


def shared(*groups: OptionGroup) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add ``groups``' options to a command; the command takes them as one ``opts: Options``."""
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        sig = inspect.signature(func)
        own = [p for p in sig.parameters.values() if p.name != "opts"]
        extra = [p for g in groups for p in g.parameters]

        @functools.wraps(func)
        def command(**kwargs: Any) -> Any:
            values = {g.name: {p.name: kwargs.pop(p.name) for p in g.parameters} for g in groups}
            return func(**kwargs, opts=Options(values))

        command.__signature__ = sig.replace(parameters=own + extra)  # type: ignore[attr-defined]
        return command
    return decorate
