"""Ray Data as the engine of an audit (``pip install "auditor[ray]"``).

The files are read as one Ray Dataset (CSV, JSONL/JSON or Parquet; globs expanded), embedded by
``map_batches`` on a pool of actors that each load the model once (GPU actors when the cluster
has GPUs), with the vectors kept in the object store. Each block's partial state
(:mod:`auditor.states`) is computed by a task and merged on the driver in the files' order; a
second pass scores every text's typicality against the merged centroid and keeps the most
typical texts of the whole corpus; the merged sample then gives the usual report
(:func:`auditor.states.audit_state`). The metric core never imports Ray.

Without an address a local Ray instance is started (``workers`` actors, one CPU each) and shut
down at the end.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import warnings
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np
import pandas as pd

from auditor.audit.languages import choose_model, with_languages
from auditor.audit.settings import AuditSettings, split_options
from auditor.corpus import from_frame
from auditor.defaults import RAY_WORKERS
from auditor.errors import AuditorError, CorpusError, SettingsError
from auditor.progress import StepTimer
from auditor.result import AuditResult

#: Texts per embedding batch sent to an actor.
BATCH_TEXTS = 512
#: Rows read on the driver before any work, to check the columns.
HEAD_ROWS = 50
_READERS = {".csv": "read_csv", ".jsonl": "read_json", ".json": "read_json", ".parquet": "read_parquet"}


def import_ray() -> Any:
    """``ray`` (with Ray Data), or a one-line error naming the extra to install."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise SettingsError("engine", 'ray needs Ray Data: pip install "auditor[ray]"') from None
    return ray


def expand(paths: Sequence[str | Path]) -> list[str]:
    """The files named by ``paths`` (globs expanded, in order), all of one readable format."""
    files: list[str] = []
    for path in map(str, paths):
        found = sorted(glob.glob(path)) if glob.has_magic(path) else [path]
        if not found:
            raise CorpusError(f"{path}: no file matches")
        for name in found:
            if not Path(name).is_file():
                raise CorpusError(f"{name}: no such file (the Ray engine reads CSV, JSONL, JSON and Parquet files)")
        files += found
    suffixes = {Path(f).suffix.lower() for f in files}
    if not suffixes <= set(_READERS) or len({_READERS[s] for s in suffixes}) > 1:
        raise CorpusError(f"the Ray engine reads files of one format among CSV, JSONL, JSON and Parquet; got "
                          f"{', '.join(sorted(suffixes))}")
    return files


def read_dataset(ray: Any, files: list[str], columns: list[str]) -> Any:
    """The files as one Ray dataset. CSV: quoted values may hold line breaks (copy often does;
    Arrow's reader splits on every newline unless told), and every column is read as text (Arrow
    infers a column's type from its first rows, and a column empty there, such as a translation
    the source rows lack, would be typed null and fail at its first value)."""
    reader = _READERS[Path(files[0]).suffix.lower()]
    if reader != "read_csv":
        return getattr(ray.data, reader)(files)
    import pyarrow as pa
    from pyarrow import csv

    return ray.data.read_csv(files, parse_options=csv.ParseOptions(newlines_in_values=True),
                             convert_options=csv.ConvertOptions(column_types={c: pa.string() for c in columns}))


def _head(path: str, rows: int = HEAD_ROWS) -> pd.DataFrame:
    """The first ``rows`` rows of a file, read without Ray."""
    suffix = Path(path).suffix.lower()
    try:
        if suffix == ".csv":
            return pd.read_csv(path, nrows=rows)
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            return next(pq.ParquetFile(path).iter_batches(batch_size=rows)).to_pandas()
        return pd.read_json(path, lines=suffix == ".jsonl", nrows=rows if suffix == ".jsonl" else None).head(rows)
    except (ValueError, OSError, StopIteration) as exc:
        raise CorpusError(f"{path}: could not read it ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})") from None


#: Seconds to wait for a Ray cluster's address to answer before saying it cannot be reached.
CONNECT_SECONDS = 5.0


def reachable(address: str) -> None:
    """Refuse, within :data:`CONNECT_SECONDS`, a ``host:port`` (or ``ray://host:port``) address
    nothing listens at (Ray itself retries for minutes); "auto" and other forms are left to Ray."""
    import socket

    target = address.split("://", 1)[-1]
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit():
        return
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_SECONDS):
            pass
    except OSError as exc:
        raise SettingsError("ray_address", f"{address}: no Ray cluster answers there ({exc.strerror or exc})") from None


class EmbedBatch:
    """A Ray Data actor: validates a batch as a corpus and embeds it (the model loaded once)."""

    def __init__(self, encoder: Any, settings: AuditSettings, columns: dict[str, Any]) -> None:
        from auditor.audit.run import as_embedder

        self.embedder = as_embedder(encoder, settings.replace(progress=False))
        self.columns = columns

    def __call__(self, batch: pd.DataFrame) -> dict[str, np.ndarray]:
        from auditor.states.audit import TRANSLATION_SIMILARITY, state_frame

        corpus = from_frame(batch.reset_index(drop=True), **self.columns)
        vectors = self.embedder.encode(corpus.texts)
        frame = state_frame(corpus, vectors, self.embedder)
        out = {c: frame[c].to_numpy(dtype=object) for c in ("id", "text", "language", "group", "stratum", "locale")
               if c in frame}
        out["vector"] = vectors
        if TRANSLATION_SIMILARITY in frame:
            out[TRANSLATION_SIMILARITY] = frame[TRANSLATION_SIMILARITY].to_numpy(dtype=np.float64)
        if "time" in frame:
            out["time"] = np.array([t.isoformat() for t in frame["time"]], dtype=object)
        return out


def _block_state(batch: dict[str, np.ndarray], spec: dict[str, Any]) -> dict[str, np.ndarray]:
    """One block's partial state, as the bytes of a state file."""
    from auditor.states import build_state, state_bytes

    frame = pd.DataFrame({k: v for k, v in batch.items() if k != "vector"})
    state = build_state(frame, batch["vector"], model=spec["model"], columns=spec["columns"],
                        calibration=spec["calibration"], seed=spec["seed"], sample_size=spec["sample_size"])
    return {"state": np.array([np.frombuffer(state_bytes(state), dtype=np.uint8)], dtype=object)}


def _most_typical(batch: dict[str, np.ndarray], direction: np.ndarray, top: int) -> dict[str, np.ndarray]:
    """One row per block: its size and its ``top`` texts of highest typicality (cosine with the
    corpus's centroid direction) with their rows in the block."""
    scores = np.asarray(batch["vector"], dtype=np.float64) @ direction
    keep = np.argsort(-scores, kind="stable")[:top]
    return {"n": np.array([len(scores)]), "row": _one(keep), "id": _one(batch["id"][keep]),
            "text": _one(batch["text"][keep]), "typicality": _one(scores[keep])}


def _one(values: np.ndarray) -> np.ndarray:
    out = np.empty(1, dtype=object)
    out[0] = values
    return out


def most_typical(blocks: list[dict[str, Any]], sizes: list[int], ids_are_rows: bool, top: int) -> list[dict[str, Any]]:
    """The ``top`` most typical texts of the corpus from each block's (blocks in the order of
    ``sizes``, the texts in each part of the merged state), with the corpus's ids."""
    if [int(b["n"]) for b in blocks] != list(sizes):
        raise RuntimeError("the typicality pass saw other blocks than the state pass")
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).tolist()
    rows = []
    for start, block in zip(starts, blocks):
        for row, text_id, text, score in zip(block["row"], block["id"], block["text"], block["typicality"]):
            rows.append({"id": str(start + int(row) + 1) if ids_are_rows else str(text_id), "text": str(text),
                         "typicality": float(score)})
    return sorted(rows, key=lambda r: -r["typicality"])[:top]


def checked_inputs(paths: Sequence[str | Path], columns: dict[str, Any], address: str | None,
                   workers: int) -> tuple[list[str], pd.DataFrame, Any]:
    """Before Ray starts: the files, the first file's first rows and their corpus, once every
    file's columns, the cluster's address and the number of workers are known to be usable."""
    files = expand(paths)
    if address is None and workers > (os.cpu_count() or 1):
        raise SettingsError("workers", f"is {workers}, more than this machine's {os.cpu_count()} cores (a local "
                                       "Ray instance runs one actor per core)")
    if address is not None:
        reachable(address)
    heads = [_head(f) for f in files]  # every file's columns, before any work
    head = from_frame(heads[0], **columns, source=files[0])
    for path, frame in zip(files[1:], heads[1:]):
        from_frame(frame, **{**columns, "text_col": head.columns["text"]}, source=path)
    return files, heads[0], head


def no_restarts(dataset: Any) -> dict[str, Any]:
    """``max_restarts=0`` for the embedding actors while Ray still takes free remote arguments (a
    failure is reported, not retried; and Ray then does not log at error level that a restart
    could lose the actors' constructor arguments, ray-project/ray#57733). Nothing once Ray stops
    taking them (announced for 2.64)."""
    import inspect

    kinds = {p.kind for p in inspect.signature(dataset.map_batches).parameters.values()}
    return {"max_restarts": 0} if inspect.Parameter.VAR_KEYWORD in kinds else {}


def _states_on_ray(ray: Any, dataset: Any, embedder: Any, settings: AuditSettings, columns: dict[str, Any],
                   roles: dict[str, Any], workers: int, sample_size: int | None) -> tuple[Any, Any]:
    """The dataset embedded by a pool of actors, and the merged state of its blocks."""
    from auditor.audit.run import as_embedder
    from auditor.calibration.texts import ALL_TEXTS
    from auditor.states import DEFAULT_SAMPLE_SIZE, merge_states, state_from_bytes

    local = as_embedder(embedder, settings.replace(progress=False))
    calibration = local.encode(list(ALL_TEXTS))
    gpus = 1 if ray.cluster_resources().get("GPU", 0) >= 1 and settings.device != "cpu" else 0
    embedded = dataset.map_batches(
        EmbedBatch, fn_constructor_kwargs={"encoder": embedder, "settings": settings, "columns": columns},
        compute=ray.data.ActorPoolStrategy(size=workers), batch_size=BATCH_TEXTS, batch_format="pandas",
        num_cpus=0 if gpus else 1, num_gpus=gpus, **no_restarts(dataset)).materialize()
    spec = {"model": local.model_info, "columns": roles, "calibration": calibration, "seed": settings.seed,
            "sample_size": sample_size or DEFAULT_SAMPLE_SIZE}
    blocks = embedded.map_batches(_block_state, fn_kwargs={"spec": spec}, batch_size=None,
                                  batch_format="numpy").take_all()
    states = [state_from_bytes(np.asarray(row["state"], dtype=np.uint8).tobytes(), f"block {k + 1}")
              for k, row in enumerate(blocks)]
    for k, state in enumerate(states):
        state.sources = [f"block{k + 1}"]
    return embedded, merge_states(states)


@contextlib.contextmanager
def quiet_ray() -> Iterator[None]:
    """Ray without its chatter on stderr while an audit runs: its Python loggers (``ray``,
    ``ray.data``) at ERROR, so that neither Ray Data's execution plans nor the notice about the
    local cluster's token authentication (which stays on) are printed, and its deprecation
    notices silenced; restored afterwards."""
    names = ("ray", "ray.data")
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():  # Ray's notices of its own API changes are not the user's business
            warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"ray(\.|$)")
            warnings.filterwarnings("ignore", message=r".*is deprecated and will be removed in Ray")
            yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def ray_audit(paths: Sequence[str | Path], settings: AuditSettings | None = None, *, address: str | None = None,
              workers: int = RAY_WORKERS, embedder: Any = None, sample_size: int | None = None,
              reporter: StepTimer | None = None, verbose: bool = False, **options: Any) -> AuditResult:
    """Audit the files ``paths`` on Ray Data (see the module docstring). ``options``: the
    columns and :class:`AuditSettings` fields of :func:`auditor.audit`, and its stages;
    ``embedder``: a model name, or an encoder object Ray can pickle; ``verbose``: let Ray and
    Ray Data print their own log lines (quiet by default: errors reach the caller as errors)."""
    from auditor.states import audit_state
    from auditor.states.exact import ExactValues

    ray = import_ray()
    if workers < 1:
        raise SettingsError("workers", f"must be ≥ 1, got {workers}")
    stage_options = {k: options.pop(k) for k in ("clusterer", "reducer", "vectorizer", "reference") if k in options}
    settings, columns = split_options(settings, options)
    columns = {k: v for k, v in columns.items() if k != "encoding"}
    if settings.sample is not None:
        raise SettingsError("sample", "does not apply with the Ray engine (its sample is {})", "sample_size")
    files, head_frame, head = checked_inputs(paths, columns, address, workers)
    roles = dict(head.columns)
    settings = choose_model(settings, with_languages(head), embedder)  # the first rows' languages choose the model
    timer = reporter or StepTimer()
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    started = not ray.is_initialized()
    with contextlib.nullcontext() if verbose else quiet_ray():
        if started:
            ray.init(address=address, num_cpus=None if address else workers + 1, include_dashboard=False,
                     log_to_driver=verbose, logging_level=logging.INFO if verbose else logging.ERROR,
                     configure_logging=False)
        try:
            context = ray.data.DataContext.get_current()
            context.execution_options.preserve_order = True  # the union's order: states merge in it
            context.enable_progress_bars = False
            with timer.step("load"):
                dataset = read_dataset(ray, files, list(head_frame.columns))
            with timer.step("embed"):
                embedded, merged = _states_on_ray(ray, dataset, embedder, settings, {**columns, "text_col": roles["text"]},
                                                  roles, workers, sample_size)
            with timer.step("typicality"):
                direction = merged.whole.total / max(np.linalg.norm(merged.whole.total), 1e-12)
                blocks = embedded.map_batches(_most_typical, fn_kwargs={"direction": direction, "top": settings.top},
                                              batch_size=None, batch_format="numpy").take_all()
                ranked = most_typical(blocks, merged.sizes, roles["id"] is None, settings.top)
        except AuditorError:
            raise
        except Exception as exc:  # a worker's input error arrives wrapped by Ray: give it back as itself
            cause = getattr(exc, "cause", None)
            if isinstance(cause, AuditorError):
                raise cause from None
            raise
        finally:
            if started:
                ray.shutdown()
    exact = ExactValues(merged, most_typical=ranked)
    source = files[0] if len(files) == 1 else f"{files[0]} and {len(files) - 1} more"
    return audit_state(merged, settings, reporter=timer, exact=exact, source=source, **stage_options)
