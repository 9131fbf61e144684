"""`auditor check`: pass/fail rules on an audit, for CI."""

from auditor.check.config import DEFAULT_RULES, CheckConfig, ConfigError, Rule, load_config
from auditor.check.evaluate import CheckOutcome, Finding, Verdict, evaluate
from auditor.check.formats import FORMATS, render, step_summary

__all__ = [
    "DEFAULT_RULES", "FORMATS", "CheckConfig", "CheckOutcome", "ConfigError", "Finding", "Rule",
    "Verdict", "evaluate", "load_config", "render", "run_check", "step_summary",
]


def run_check(path, *, config=None, baseline=None, model=None, device="auto", cache=None,
              resamples=0, seed=0):  # type: ignore[no-untyped-def]
    """Audit ``path`` and evaluate the configured rules: returns (result, outcome, config).

    ``config`` is a path or a :class:`CheckConfig`; ``baseline`` an audit JSON path or dict.
    """
    import json
    from pathlib import Path

    from auditor.corpus import load_corpus
    from auditor.errors import AuditorError
    from auditor.pipeline import audit

    cfg = config if isinstance(config, CheckConfig) else load_config(config)
    base = baseline
    if isinstance(baseline, (str, Path)):
        try:
            base = json.loads(Path(baseline).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise AuditorError(f"{baseline}: no such baseline file (create it with --update-baseline)") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise AuditorError(f"{baseline}: not a valid baseline JSON ({exc})") from None
        if not isinstance(base, dict) or "metrics" not in base:
            raise AuditorError(f"{baseline}: not an auditor result (no 'metrics')")
    corpus = load_corpus(path, text_col=cfg.text_col, group_col=cfg.group_col)
    result = audit(corpus, model=model, device=device, cache=cache, seed=seed,
                   threshold=cfg.threshold, resamples=resamples, clusters=None)
    sources = {}
    if "source" in corpus.frame:
        sources = dict(zip(corpus.frame["id"], corpus.frame["source"]))
    outcome = evaluate(result.data, cfg.rules, base, sources)
    return result, outcome, cfg
