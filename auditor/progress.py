"""Stage timing and progress: every stage of an audit (load, embed, metrics, each section,
report) is timed; the same timings go into the result JSON and, on the command line, into a live
Rich display on a terminal, one line per stage start and end otherwise, or nothing with ``-q``.
A display starts showing only when :meth:`StageTimer.show` is called, once the input has been
validated, so that bad input still prints one ``error:`` line and nothing else.

>>> timer = StageTimer()
>>> with timer.stage("load"):
...     pass
>>> list(timer.timings)
['load']
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Any, Iterator, TextIO


class StageTimer:
    """Times stages (``with timer.stage(name): ...``); subclasses also show them."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self.showing = False
        self._running: list[str] = []

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        self._running.append(name)
        if self.showing:
            self.started(name)
        try:
            yield
        finally:
            seconds = time.perf_counter() - start
            self._running.remove(name)
            self.timings[name] = round(self.timings.get(name, 0.0) + seconds, 4)
            if self.showing:
                self.finished(name, seconds)

    def show(self) -> None:
        """Start showing: the stages finished so far, then the running ones, then live."""
        if self.showing:
            return
        self.showing = True
        self.opened()
        for name, seconds in self.timings.items():
            self.started(name)
            self.finished(name, seconds)
        for name in self._running:
            self.started(name)

    def opened(self) -> None:
        """Called when showing starts."""

    def started(self, name: str) -> None:
        """Called when a stage starts."""

    def finished(self, name: str, seconds: float) -> None:
        """Called when a stage ends."""

    def close(self) -> None:
        """Called when the run is over."""


class LineProgress(StageTimer):
    """One line per stage start and end (for logs and CI)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__()
        self.stream = stream or sys.stderr

    def started(self, name: str) -> None:
        print(f"auditor: {name} …", file=self.stream, flush=True)

    def finished(self, name: str, seconds: float) -> None:
        print(f"auditor: {name} done in {seconds:.1f} s", file=self.stream, flush=True)


class LiveProgress(StageTimer):
    """A live Rich display on a terminal: the finished stages with their times, and the running
    one with a spinner and its elapsed time."""

    def __init__(self) -> None:
        super().__init__()
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress: Any = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                                       console=Console(stderr=True), transient=False)
        self._tasks: dict[str, Any] = {}

    def opened(self) -> None:
        self._progress.start()

    def started(self, name: str) -> None:
        self._tasks[name] = self._progress.add_task(name, total=1)

    def finished(self, name: str, seconds: float) -> None:
        self._progress.update(self._tasks[name], completed=1, description=f"{name} ({seconds:.1f} s)")

    def close(self) -> None:
        if self.showing:
            self._progress.stop()


def progress_for(quiet: bool, stream: TextIO | None = None) -> StageTimer:
    """The display the command line uses: none with ``quiet``, live on a terminal, else lines."""
    stream = stream or sys.stderr
    if quiet:
        return StageTimer()
    return LiveProgress() if stream.isatty() else LineProgress(stream)
