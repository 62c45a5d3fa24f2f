"""A progress bar on stderr, drawn only when stderr is a terminal."""

from __future__ import annotations

import time
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO, width: int = 30):
        self.stream = stream
        self.width = width
        self.total = 0
        self.done = 0
        self.started = time.monotonic()
        self.live = hasattr(stream, "isatty") and stream.isatty()

    def start(self, total: int) -> None:
        self.total, self.done, self.started = total, 0, time.monotonic()
        self._draw()

    def step(self) -> None:
        self.done += 1
        self._draw()

    def clear(self) -> None:
        if self.live:
            self.stream.write("\r\033[K")

    def finish(self) -> None:
        self.clear()
        if self.live:
            self.stream.flush()

    def _draw(self) -> None:
        if not self.live or not self.total:
            return
        filled = int(self.width * self.done / self.total)
        rate = self.done / max(time.monotonic() - self.started, 1e-6)
        bar = "█" * filled + "░" * (self.width - filled)
        self.stream.write(f"\r{bar} {self.done}/{self.total} files  {rate:.1f}/s")
        self.stream.flush()
