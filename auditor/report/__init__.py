"""Renderers: they read a finished result and never compute a metric."""
