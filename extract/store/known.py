"""Which files are stored already: (status, extractor version, name) of each stored document among some
sha256 digests — the first question of an ingest, and for unchanged files the only one.

Algorithm, for a SQLite file (the default store):

1. a file that does not exist holds nothing: ``{}``, and it is not created by asking;
2. it is opened read-only with the standard library's :mod:`sqlite3` (a ``file:…?mode=ro`` URI: nothing
   can be written, the schema is not upgraded), waiting for another process's lock as a :class:`Store`
   does (:func:`busy_timeout_s`); every store keeps its database in WAL mode, where a reader never waits
   for a writer;
3. without a ``documents`` table (an empty file, a database no store has set up yet) it holds nothing:
   ``{}``;
4. else, in one read transaction, ``SELECT sha256, status, extractor_version, name FROM documents WHERE
   sha256 IN (…)``, 500 digests a query. These columns are the same in every schema revision (and in the
   unversioned store of the release before revisions), so a database at an older revision is answered as
   it is; the next store that opens it upgrades it, as before;
5. any other SQLite error (a damaged file, a lock held past the wait, a WAL index that cannot be made in a
   read-only folder): the question goes to the door proper, :meth:`Store.stored_versions`, so the caller
   meets the store's own errors and messages.

Any other database (PostgreSQL, in-memory SQLite) is asked through :meth:`Store.stored_versions`.

Why not always the store: importing it loads SQLAlchemy, pandas and numpy (about 1–2 s of a re-ingest's
start on this project's machines), opening it checks the schema revision; this module imports only the
standard library and :mod:`extract.paths`, so a re-ingest of unchanged files costs little more than
hashing them. :func:`stored_versions` gives exactly what :meth:`Store.stored_versions` gives on the same
database (``tests/test_unchanged_fast.py``). A read-only connection cannot checkpoint: when it had to
create them, it leaves an empty ``-wal`` file and the ``-shm`` index beside the database, removed by the
next store that closes it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from ..paths import resolve_url, sqlite_path

#: digests asked in one query (SQLite allows 999 parameters before 3.32)
BATCH = 500


def busy_timeout_s(lock_wait_s: float) -> float:
    """How long one SQLite statement waits for a lock another process holds, for a store whose writes wait
    ``lock_wait_s`` for the write lock: at most 30 s, at least 0.1 s.

    >>> busy_timeout_s(120), busy_timeout_s(1), busy_timeout_s(0)
    (30.0, 1.0, 0.1)
    """
    return float(min(30.0, max(0.1, lock_wait_s)))


def stored_versions(
    url: str | None, digests: Iterable[str], lock_wait_s: float = 120.0
) -> dict[str, tuple[str, str, str]]:
    """(status, extractor version, name) of the stored documents among ``digests`` (sha256), by sha256, in
    the database at ``url`` (a URL or a path, as for :class:`Store`; None: the default). See the module's
    algorithm; errors are those of opening a :class:`Store` on ``url``."""
    want = list(dict.fromkeys(digests))
    if not want:
        return {}
    url = resolve_url(url)
    path = sqlite_path(url)
    if path is not None:
        if not path.exists():
            return {}
        try:
            return _read_sqlite(path, want, busy_timeout_s(lock_wait_s))
        except sqlite3.Error:
            pass  # the store says what is wrong, in its own words
    from .core import Store

    return Store(url, lock_wait_s=lock_wait_s).stored_versions(want)


def _read_sqlite(path: Path, want: list[str], timeout_s: float) -> dict[str, tuple[str, str, str]]:
    conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=timeout_s)
    conn.isolation_level = None  # the transaction is begun below
    try:
        conn.execute("BEGIN")  # one snapshot for every query
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'documents'"
        ).fetchone()
        found: dict[str, tuple[str, str, str]] = {}
        if has_table is None:
            return found
        for start in range(0, len(want), BATCH):
            part = want[start : start + BATCH]
            rows = conn.execute(
                "SELECT sha256, status, extractor_version, name FROM documents "
                f"WHERE sha256 IN ({', '.join('?' * len(part))})",
                part,
            )
            for sha, status, version, name in rows:
                found[str(sha)] = (str(status), str(version), str(name))
        return found
    finally:
        conn.close()
