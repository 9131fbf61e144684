"""Engines that run an audit across machines. The metric core (:mod:`auditor.metrics`,
:mod:`auditor.states`) never imports them."""
