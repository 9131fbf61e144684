"""A real headless Chromium for report tests (Debian's `chromium`, driven through Playwright).

Skips when Chromium or Playwright is missing; `.ci/run` installs both.
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from typing import Iterator

import pytest

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("Chromium is not installed (apt-get install chromium)")


@contextmanager
def browser_page() -> Iterator[object]:
    """A fresh page in a fresh headless Chromium with an empty profile; network requests fail."""
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = chromium_path()
    with tempfile.TemporaryDirectory() as profile, sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1200, "height": 900})
        try:
            page = context.new_page()
            yield page
        finally:
            context.close()
