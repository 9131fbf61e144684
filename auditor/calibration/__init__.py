"""Calibration: what a model makes of unrelated texts, so a verdict means the same under any model."""

from auditor.calibration.baseline import Baseline, baseline, mixed_baseline

__all__ = ["Baseline", "baseline", "mixed_baseline"]
