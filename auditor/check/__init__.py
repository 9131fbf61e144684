"""`auditor check`: pass/fail rules on an audit, for CI."""

from auditor.check.config import DEFAULT_RULES, CheckConfig, ConfigError, Rule, load_config
from auditor.check.evaluate import CheckOutcome, Finding, Verdict, evaluate
from auditor.check.formats import FORMATS, append_step_summary, render, step_summary

__all__ = [
    "DEFAULT_RULES", "FORMATS", "append_step_summary", "CheckConfig", "CheckOutcome", "ConfigError", "Finding", "Rule",
    "Verdict", "evaluate", "load_config", "render", "run_check", "step_summary",
]


def run_check(path, *, config=None, baseline=None, updating_baseline=False, **options):  # type: ignore[no-untyped-def]
    """Audit ``path`` (without map or clusters) and evaluate the configured rules: returns
    (result, outcome, config).

    ``config`` is a path or a :class:`CheckConfig`; ``baseline`` an audit JSON path or dict;
    ``options`` are :func:`auditor.audit` options (columns given here override the config's;
    ``resamples`` defaults to 0 and ``threshold`` to the config's). ``updating_baseline``: this
    run's result becomes the baseline (the notes say so instead of "no baseline given").
    """
    import json
    from pathlib import Path

    from auditor.audit.run import audit
    from auditor.audit.settings import split_options
    from auditor.corpus import load_corpus
    from auditor.errors import AuditorError
    from auditor.vocabulary import WITHIN_STRATA

    cfg = config if isinstance(config, CheckConfig) else load_config(config)
    settings, columns = split_options(None, {"resamples": 0, "threshold": cfg.threshold, **options})
    columns = {"text_col": cfg.text_col, "group_col": cfg.group_col, "strata": cfg.strata,
               **{k: v for k, v in columns.items() if v is not None}}
    needs_strata = [r.name for r in cfg.rules if r.metric.startswith(WITHIN_STRATA)]
    if needs_strata and columns["strata"] is None:
        raise AuditorError(f"rule {needs_strata[0]!r} reads a metric within strata; name the strata column "
                           "with --strata (or strata = \"…\" in the configuration)")
    base = baseline
    if isinstance(baseline, (str, Path)):
        try:
            base = json.loads(Path(baseline).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise AuditorError(f"{baseline}: no such baseline file (create it with --update-baseline)") from None
        except OSError as exc:
            raise AuditorError(f"{baseline}: cannot read the baseline ({exc.strerror or exc})") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise AuditorError(f"{baseline}: not a valid baseline JSON ({exc})") from None
        if not isinstance(base, dict) or not isinstance(base.get("metrics"), dict):
            raise AuditorError(f"{baseline}: not an auditor result (no 'metrics' table)")
    corpus = load_corpus(path, **columns)
    result = audit(corpus, settings, clusterer=None)
    sources = {}
    if "source" in corpus.frame:
        sources = dict(zip(corpus.frame["id"], corpus.frame["source"]))
    no_baseline = ("this run becomes the baseline (--update-baseline), regression not checked"
                   if updating_baseline else "no baseline given (--baseline), regression not checked")
    outcome = evaluate(result.data, cfg.rules, base, sources, no_baseline)
    return result, outcome, cfg
