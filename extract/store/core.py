"""The :class:`Store`: the reading (:mod:`.read`), writing (:mod:`.write`) and originals (:mod:`.files`)
halves joined over one SQLAlchemy engine, the schema brought to the newest revision on open
(:mod:`.migrate`). Imported through the package (``from extract.store import Store``), which loads this
module — and with it SQLAlchemy, pandas and numpy — only on first use.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from sqlalchemy.engine import Engine

from ..paths import resolve_url
from .known import busy_timeout_s
from .migrate import upgrade
from .read import Reads
from .schema import make_engine
from .write import Writes


class Store(Writes, Reads):
    """A connection to one fact database.

    Writes take the write lock when their transaction begins (SQLite ``BEGIN IMMEDIATE``), so a
    busy database is noticed before anything is written and the whole transaction is retried until
    ``lock_wait_s`` has passed (``on_wait`` is told once, to say so); then :class:`StoreBusy`.

    Opening brings the schema to the newest revision (:mod:`.migrate`); an existing database upgraded is
    reported through ``on_note`` (default :func:`note_on_stderr`). ``schema_before`` is the revision it
    had (None: fresh or unversioned), ``schema`` the one it has.
    """

    def __init__(
        self,
        url: str | None = None,
        lock_wait_s: float = 120.0,
        on_wait: Callable[[str], None] | None = None,
        on_note: Callable[[str], None] | None = None,
    ):
        self.url = resolve_url(url)
        self.lock_wait_s = lock_wait_s
        self.on_wait = on_wait
        self.engine: Engine = make_engine(self.url, busy_timeout_s=busy_timeout_s(lock_wait_s))
        self.schema_before, self.schema = upgrade(self.engine, self._write, on_note or note_on_stderr)


def note_on_stderr(text: str) -> None:
    """The default for a store's notes (an upgrade of its schema): one line on standard error, so that
    what a command writes to standard output (``zhibiao export``) stays clean."""
    print(f"zhibiao: {text}", file=sys.stderr)
