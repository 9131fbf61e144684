"""Step timing and progress: every step of an audit (load, embed, metrics, each section, report)
is timed (a *step* is a timed piece of the work; the replaceable reducer, clusterer and vectorizer
are *stages*, :mod:`auditor.stages`); the same timings go into the result JSON and, on the command line, into a live
Rich display on a terminal, one line per step start and end otherwise, or nothing with ``-q``.
A display starts showing only when :meth:`StepTimer.show` is called, once the input has been
validated, so that bad input still prints one ``error:`` line and nothing else.

Code deep inside a step says how far it is with :func:`report` (``done`` of ``total`` texts:
counts, a rate and the time left) and :func:`note` (what it is doing now), without being handed
the display: the running step's timer is found through a context variable.

>>> timer = StepTimer()
>>> with timer.step("load"):
...     pass
>>> list(timer.timings)
['load']
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Iterator, TextIO

#: The timer whose step is running in this context (None outside an audit).
_ACTIVE: ContextVar["StepTimer | None"] = ContextVar("auditor_step_timer", default=None)


def _listening() -> tuple["StepTimer", str] | None:
    """The shown timer of this context and its running step, or None."""
    timer = _ACTIVE.get()
    return (timer, timer._running[-1]) if timer is not None and timer.showing and timer._running else None


def report(done: int, total: int, unit: str = "texts") -> bool:
    """Tell the running step that ``done`` of ``total`` ``unit`` are through; False when no
    display is listening (the caller may show its own)."""
    listening = _listening()
    if listening is not None:
        listening[0].counted(listening[1], done, total, unit)
    return listening is not None


def note(text: str) -> None:
    """Tell the running step what it is doing now (e.g. "fitting the map on 2,000 texts")."""
    listening = _listening()
    if listening is not None:
        listening[0].noted(listening[1], text)


def pace(done: int, total: int, seconds: float, unit: str) -> str:
    """``"3,000 of 10,000 texts (30%), 105 texts/s, about 1 min 7 s left"``."""
    text = f"{done:,} of {total:,} {unit} ({done / total:.0%})" if total else f"{done:,} {unit}"
    if seconds > 0 and done:
        rate = done / seconds
        text += f", {rate:,.0f} {unit}/s" if rate >= 10 else f", {rate:.1f} {unit}/s"
        if total and done < total:
            left = round((total - done) / rate)
            text += f", about {left // 60} min {left % 60} s left" if left >= 60 else f", about {left} s left"
    return text


class StepTimer:
    """Times steps (``with timer.step(name): ...``); subclasses also show them."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self.showing = False
        self._running: list[str] = []
        self._started: dict[str, float] = {}

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        self._running.append(name)
        self._started[name] = start
        token = _ACTIVE.set(self)
        if self.showing:
            self.started(name)
        try:
            yield
        finally:
            _ACTIVE.reset(token)
            seconds = time.perf_counter() - start
            self._running.remove(name)
            self.timings[name] = round(self.timings.get(name, 0.0) + seconds, 4)
            if self.showing:
                self.finished(name, seconds)

    def show(self) -> None:
        """Start showing: the steps finished so far, then the running ones, then live."""
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
        """Called when a step starts."""

    def finished(self, name: str, seconds: float) -> None:
        """Called when a step ends."""

    def counted(self, name: str, done: int, total: int, unit: str) -> None:
        """Called when the running step reports ``done`` of ``total``."""

    def noted(self, name: str, text: str) -> None:
        """Called when the running step says what it is doing."""

    def elapsed(self, name: str) -> float:
        return time.perf_counter() - self._started.get(name, time.perf_counter())

    def close(self) -> None:
        """Called when the run is over."""


class LineProgress(StepTimer):
    """One line per step start and end (for logs and CI), and while a step counts, a line at
    every further tenth of the way or every :attr:`EVERY` seconds, whichever comes first."""

    EVERY = 30.0

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__()
        self.stream = stream or sys.stderr
        self._last: dict[str, tuple[int, float]] = {}

    def counted(self, name: str, done: int, total: int, unit: str) -> None:
        tenth, at = self._last.get(name, (0, self._started.get(name, time.perf_counter())))
        now_tenth = int(10 * done / total) if total else 0
        if now_tenth > tenth or time.perf_counter() - at >= self.EVERY:
            self._last[name] = (now_tenth, time.perf_counter())
            print(f"auditor: {name}: {pace(done, total, self.elapsed(name), unit)}", file=self.stream, flush=True)

    def noted(self, name: str, text: str) -> None:
        print(f"auditor: {name}: {text}", file=self.stream, flush=True)

    def started(self, name: str) -> None:
        print(f"auditor: {name} …", file=self.stream, flush=True)

    def finished(self, name: str, seconds: float) -> None:
        print(f"auditor: {name} done in {seconds:.1f} s", file=self.stream, flush=True)


class LiveProgress(StepTimer):
    """A live Rich display on a terminal: the finished steps with their times, and the running
    one with a spinner, its elapsed time and, while it counts, a bar with the counts, the rate
    and the time left."""

    def __init__(self, console: Any = None) -> None:
        super().__init__()
        from rich.console import Console
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress: Any = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(bar_width=24),
                                       TimeElapsedColumn(), console=console or Console(stderr=True), transient=False)
        self._tasks: dict[str, Any] = {}

    def counted(self, name: str, done: int, total: int, unit: str) -> None:
        self._progress.update(self._tasks[name], total=total, completed=done,
                              description=f"{name}: {pace(done, total, self.elapsed(name), unit)}")

    def noted(self, name: str, text: str) -> None:
        self._progress.update(self._tasks[name], description=f"{name}: {text}")

    def opened(self) -> None:
        self._progress.start()

    def started(self, name: str) -> None:
        self._tasks[name] = self._progress.add_task(name, total=None)

    def finished(self, name: str, seconds: float) -> None:
        self._progress.update(self._tasks[name], total=1, completed=1, description=f"{name} ({seconds:.1f} s)")

    def close(self) -> None:
        if self.showing:
            self._progress.stop()


def progress_for(quiet: bool, stream: TextIO | None = None) -> StepTimer:
    """The display the command line uses: none with ``quiet``, live on a terminal, else lines."""
    stream = stream or sys.stderr
    if quiet:
        return StepTimer()
    return LiveProgress() if stream.isatty() else LineProgress(stream)
