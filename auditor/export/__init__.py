"""Exports of a finished audit for other tools (Vale styles)."""
