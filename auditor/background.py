"""Work an audit starts early, in background threads, to overlap the encoder (the corpus's
compression, the map's imports): such a thread runs at the lowest scheduling priority, so that it
takes the cycles the encoder leaves idle rather than slowing the encoder down."""

from __future__ import annotations

import os
import sys
import threading


def lower_priority() -> None:
    """Give the calling thread the lowest scheduling priority (nice 19). Linux keeps a nice value
    per thread; elsewhere it would apply to the whole process, so this does nothing there."""
    if sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        except OSError:  # a sandbox that forbids it: the work still runs, at normal priority
            pass
