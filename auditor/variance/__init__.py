"""Strategic variance: from the diagnosis to what to keep (:func:`select`), what each user is
shown (:func:`rerank`), and what to regenerate (:func:`suggest`)."""

from auditor.variance.select import DEFAULT_STRATEGY, STRATEGIES, Selection, choose, select

__all__ = ["DEFAULT_STRATEGY", "STRATEGIES", "Selection", "choose", "select"]
