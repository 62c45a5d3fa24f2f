"""Schema versions: the database is brought to the newest revision of ``migrations/versions`` (Alembic,
configured here in code: no alembic.ini) when a store is opened, or by ``zhibiao db upgrade``.

Algorithm: read the database's revision (Alembic's ``alembic_version`` table; none for a fresh database
or one made before schema versions). At the newest, nothing is done. Otherwise take the write lock —
SQLite ``BEGIN IMMEDIATE`` (the store's write transaction), PostgreSQL ``pg_advisory_xact_lock`` — read
the revision again (another process may have upgraded meanwhile) and run the missing revisions inside
that one transaction: several processes opening a fresh database at once wait for each other and all
succeed, and a failed upgrade changes nothing. A database that already holds tables is upgraded with a
note (``note``, one line each: what is upgraded, what the migrations say); a fresh one is created at
the newest revision silently.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPTS = Path(__file__).with_name("migrations")
#: Alembic's table of the database's revision (its default name)
VERSION_TABLE = "alembic_version"
#: the key of the PostgreSQL advisory lock that serialises upgrades (any constant shared by all)
PG_LOCK_KEY = 0x7A6869626961  # "zhibia"


def _config(conn: Connection | None = None, note: Callable[[str], None] | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    cfg.attributes["connection"] = conn
    cfg.attributes["note"] = note
    return cfg


@lru_cache(maxsize=1)
def head() -> str:
    """The newest revision: the name of the highest-numbered file of ``versions/`` (each revision is
    named as its file, ``0002_originals``; a test checks that Alembic agrees), read without importing
    Alembic, which opening a store at the newest revision does not need."""
    return max(p.stem for p in (SCRIPTS / "versions").glob("[0-9]*.py"))


def revision(conn: Connection) -> str | None:
    """The database's revision (None: fresh, or made before schema versions)."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def upgrade(
    engine: Engine, write: Callable[[], AbstractContextManager[Connection]], note: Callable[[str], None]
) -> tuple[str | None, str]:
    """Bring the database to the newest revision (see the module's algorithm); (revision before, after)."""
    with engine.connect() as conn:
        before = revision(conn)
    if before == head():
        return before, before
    with write() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
        before = revision(conn)
        if before != head():
            if inspect(conn).has_table("documents"):
                note(
                    f"upgrading the database {engine.url.render_as_string(hide_password=True)} from schema "
                    f"revision {before or '0001_baseline (unversioned)'} to {head()}"
                )
            from alembic import command

            command.upgrade(_config(conn, note), "head")
    return before, head()
