"""A progress line on stderr for runs that take a while on a terminal.

Nothing is shown for the first second (most runs are over by then), nothing at all when
stderr is not a terminal (CI logs, pre-commit, pipes) or with ``--quiet``; the line is
erased before the report is printed.
"""
from __future__ import annotations

import time
from typing import Callable, TextIO

DELAY = 1.0  # seconds before the first update
INTERVAL = 0.1  # seconds between updates


class Progress:
    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic):
        self.stream = stream
        self.clock = clock
        self.start = clock()
        self.next = self.start + DELAY
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if now < self.next:
            return
        self.next = now + INTERVAL
        self.shown = True
        self.stream.write(f"\r\033[Kk8slint: checking file {done} of {total} ({now - self.start:.0f} s)")
        self.stream.flush()

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


def for_terminal(stream: TextIO, quiet: bool) -> "Progress | None":
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return Progress(stream) if tty and not quiet else None
