"""Evaluate check rules against an audit result (and a baseline), pointing at offending texts."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from auditor.check.config import DERIVED, Rule
from auditor.check.findings import Finding, FindingGroup, capped, groups_of
from auditor.errors import AuditorError, SettingsError
from auditor.vocabulary import FEED, WITHIN_STRATA, feed_field, info

@dataclass
class Verdict:
    """The outcome of one rule: status is "pass", "fail", "warn" (a failed warning) or "skip"."""

    rule: Rule
    status: str
    value: float | None
    message: str
    baseline: float | None = None
    groups: list[FindingGroup] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        """Every text the rule names, group after group."""
        return [f for group in self.groups for f in group.findings]

    @property
    def failed(self) -> bool:
        return self.status == "fail"

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.name, "metric": self.rule.metric, "severity": self.rule.severity,
            "status": self.status, "value": self.value, "baseline": self.baseline,
            "max": self.rule.max, "min": self.rule.min, "max_regression": self.rule.max_regression,
            "message": self.message,
            "findings": [{"id": f.id, "file": f.file, "line": f.line, "message": f.message}
                         for f in self.findings],
            "groups": [g.as_dict() for g in self.groups],
        }


@dataclass
class CheckOutcome:
    """The verdict of every rule, notes, and (with ``--suggest``) the texts to regenerate."""

    verdicts: list[Verdict]
    notes: list[str] = field(default_factory=list)
    suggestions: list[Finding] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not any(v.failed for v in self.verdicts)


def metric_value(data: dict[str, Any], metric: str) -> float:
    """A metric's value in an audit JSON, including the derived ones rules may name."""
    if metric == "vendi_score_per_100_texts":
        return 100.0 * metric_value(data, "vendi_score_per_text")
    feed = feed_field(metric)
    if feed is not None:
        table = data.get("feed")
        entry = table.get(feed[0]) if isinstance(table, dict) else None
        value = entry.get(feed[1]) if isinstance(entry, dict) else entry if feed[1] == "value" else None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise KeyError(metric)
        return float(value)
    if metric.startswith(WITHIN_STRATA):
        strata = data.get("strata")
        table = strata.get("metrics") if isinstance(strata, dict) else None
        entry = table.get(metric[len(WITHIN_STRATA):]) if isinstance(table, dict) else None
    else:
        table = data.get("metrics")
        entry = table.get(metric) if isinstance(table, dict) else None
    value = entry.get("value") if isinstance(entry, dict) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise KeyError(metric)  # absent, or not a finite number (a hand-edited or foreign baseline)
    return float(value)


#: The largest baseline file read (a result JSON is a few MB at most).
MAX_BASELINE_BYTES = 64 * 1024 * 1024


def read_baseline(path: Any) -> dict[str, Any]:
    """The baseline JSON at ``path``: an object with a ``metrics`` table, read within bounds."""
    import json
    from pathlib import Path

    path = Path(path)
    try:
        if path.stat().st_size > MAX_BASELINE_BYTES:
            raise AuditorError(f"{path}: too large for a baseline ({path.stat().st_size} bytes)")
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError("baseline", f"{path} does not exist (create it with {{}})", "update_baseline") from None
    except OSError as exc:
        raise AuditorError(f"{path}: cannot read the baseline ({exc.strerror or exc})") from None
    except RecursionError:
        raise AuditorError(f"{path}: not a valid baseline JSON (nested too deeply)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise AuditorError(f"{path}: not a valid baseline JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict):
        raise AuditorError(f"{path}: not an auditor result (no 'metrics' table)")
    return data


def check_baseline(baseline: dict[str, Any], rules: list[Rule], where: str = "the baseline") -> None:
    """Refuse, before any work, a baseline that a ``max_regression`` rule cannot be evaluated
    against: its model is not a table, or the rule's metric has no numeric value in it. A rule
    that cannot be evaluated never passes."""
    if not isinstance(baseline.get("model", {}), dict):
        raise AuditorError(f"{where}: its 'model' is not a table of name and revision; not an auditor result")
    for rule in rules:
        if rule.max_regression is None:
            continue
        try:
            metric_value(baseline, rule.metric)
        except (KeyError, TypeError, AttributeError):
            raise AuditorError(f"{where}: rule {rule.name!r} compares {rule.metric} with the baseline, which has "
                               f"no numeric value for it (metrics.{rule.metric}.value)") from None


def _model_identity(data: dict[str, Any]) -> tuple[Any, Any]:
    model = data.get("model")
    return (model.get("name"), model.get("revision")) if isinstance(model, dict) else (None, None)


def _label(metric: str) -> str:
    feed = feed_field(metric)
    if feed is not None:
        base = info(FEED + feed[0]).label
        return base if feed[1] in ("value", "slope") else f"{base} ({feed[1].replace('_', ' ')})"
    return DERIVED.get(metric) or info(metric).label


def format_value(metric: str, x: float) -> str:
    """A rule's value or limit as people read it: shares and rates as percentages, other figures
    with three decimals (four significant digits when smaller), thousands separated."""
    if _is_share(metric):
        return f"{x:.1%}"
    if x == 0 or 0.001 <= abs(x) < 1000:
        return f"{x:.3f}"
    return f"{x:,.1f}" if abs(x) >= 1000 else f"{x:.4g}"


def format_difference(metric: str, x: float) -> str:
    """A difference between two values of ``metric`` (percentage points for a share)."""
    return f"{x * 100:.1f} percentage points" if _is_share(metric) else format_value(metric, x)


def _is_share(metric: str) -> bool:
    base = metric.rpartition(".")[2]
    return base.endswith(("_rate", "_share")) or base in ("coverage", "overlap")


def rule_problems(rule: Rule, value: float, base_value: float | None = None) -> list[str]:
    """What is wrong with ``value`` under ``rule`` (its limits, and its regression from
    ``base_value`` when there is one); empty when it passes."""
    label = _label(rule.metric)
    problems = []
    fmt = partial(format_value, rule.metric)
    if rule.max is not None and value > rule.max:
        problems.append(f"{label} {fmt(value)} is above the maximum {fmt(rule.max)}")
    if rule.min is not None and value < rule.min:
        problems.append(f"{label} {fmt(value)} is below the minimum {fmt(rule.min)}")
    if rule.max_regression is not None and base_value is not None:
        direction = info(FEED + feed_field(rule.metric)[0] if feed_field(rule.metric) else rule.metric)
        worse = value - base_value if direction.higher_means == "homogeneous" else base_value - value
        if worse > rule.max_regression + 1e-12:
            problems.append(f"{label} {fmt(value)} is worse than the baseline {fmt(base_value)} by "
                            f"{format_difference(rule.metric, worse)} (allowed "
                            f"{format_difference(rule.metric, rule.max_regression)})")
    return problems


def evaluate(
    data: dict[str, Any],
    rules: list[Rule],
    baseline: dict[str, Any] | None = None,
    sources: dict[str, Any] | None = None,
    no_baseline: str = "no baseline given (--baseline), regression not checked",
) -> CheckOutcome:
    """Apply ``rules`` to the audit JSON ``data``. ``baseline`` is an earlier audit JSON for the
    ``max_regression`` rules; ``sources`` maps row ids to ``file:line`` locations; ``no_baseline``
    is the note for a regression rule without a baseline."""
    sources = sources or {}
    verdicts: list[Verdict] = []
    notes: list[str] = []
    if baseline is not None:
        check_baseline(baseline, rules)
        if any(r.max_regression is not None for r in rules) and _model_identity(baseline) != _model_identity(data):
            raise AuditorError("the baseline was computed with another model ({} @ {}) than this run ({} @ {}); its "
                               "numbers are not comparable: update the baseline with this model".format(
                                   *_model_identity(baseline), *_model_identity(data)))
    for rule in rules:
        try:
            value = metric_value(data, rule.metric)
        except KeyError:
            why = (data.get("metrics_unavailable") or {}).get(rule.metric, "the audit did not compute it")
            raise AuditorError(f"rule {rule.name!r} needs {rule.metric}, which this audit has no value for ({why})") from None
        label = _label(rule.metric)
        base_value = metric_value(baseline, rule.metric) if baseline is not None and rule.max_regression is not None \
            else None
        problems = rule_problems(rule, value, base_value)
        skipped = False
        if rule.max_regression is not None and baseline is None:
            skipped = rule.max is None and rule.min is None
            notes.append(f"rule {rule.name!r}: {no_baseline}")
        if skipped:
            verdicts.append(Verdict(rule, "skip", value,
                                    f"{label} {format_value(rule.metric, value)}: no baseline to compare with"))
            continue
        if problems:
            status = "fail" if rule.severity == "error" else "warn"
            verdicts.append(Verdict(rule, status, value, "; ".join(problems), base_value,
                                    capped(groups_of(rule.metric, data, sources))))
        else:
            fmt = partial(format_value, rule.metric)
            limits = [f"max {fmt(rule.max)}" if rule.max is not None else "",
                      f"min {fmt(rule.min)}" if rule.min is not None else "",
                      f"baseline {fmt(base_value)} ± {format_difference(rule.metric, rule.max_regression)}"
                      if base_value is not None else ""]
            verdicts.append(Verdict(rule, "pass", value,
                                    f"{label} {fmt(value)} ({', '.join(x for x in limits if x)})", base_value))
    return CheckOutcome(verdicts, notes)
