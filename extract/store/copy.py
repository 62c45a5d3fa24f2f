"""Copying a whole store from one database to another (``zhibiao db copy SRC DST``), e.g. a SQLite file
into a team's PostgreSQL server: every table of the schema, originals included, row for row with their ids.

Algorithm: open both stores (each brought to the newest schema revision first, so their tables are the
same); refuse a destination that holds any row unless ``replace``; then, in one write transaction on the
destination (all or nothing), empty its tables (children first) and copy each table in dependency order
(parents first), reading the source with a streaming cursor in batches of :data:`BATCH_ROWS` rows
(:data:`BLOB_BATCH_ROWS` for a table with binary columns: chunks of originals are up to 4 MB each), so
memory stays bounded whatever the size. On PostgreSQL the id sequences are then set past the copied ids,
so that the next insert does not collide with a copied row. The destination keeps its own log of changed
facts and gets a new identity (``store_meta``), which tells any snapshot of it to start again. A PostgreSQL
destination is vacuumed and analysed afterwards.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Integer, LargeBinary, Table, delete, func, select, text
from sqlalchemy.engine import Connection

from . import Store
from .schema import metadata, renew_identity

BATCH_ROWS = 5000
BLOB_BATCH_ROWS = 4


class NotEmpty(RuntimeError):
    """The destination already holds data (and ``replace`` was not asked for)."""

    def __init__(self, counts: dict[str, int]):
        self.counts = counts
        held = ", ".join(f"{n} {table}" for table, n in counts.items() if n)
        super().__init__(f"the destination is not empty ({held})")


def row_counts(conn: Connection) -> dict[str, int]:
    """Rows of every table of the schema."""
    return {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar() or 0) for t in _tables()}


def copy_store(
    source: str,
    destination: str,
    *,
    replace: bool = False,
    note: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Copy every table of the store at ``source`` into the one at ``destination`` (see the module's
    algorithm); the rows copied, by table. Raises :class:`NotEmpty` for a destination with data unless
    ``replace``, ValueError when both are the same database."""
    src = Store(source, on_note=note)
    dst = Store(destination, on_note=note)
    if src.engine.url == dst.engine.url:
        raise ValueError("the source and the destination are the same database")
    with dst.engine.connect() as conn:
        held = row_counts(conn)
    if any(held.values()) and not replace:
        raise NotEmpty(held)
    copied: dict[str, int] = {}
    with dst._write() as out:
        for table in reversed(_tables()):
            out.execute(delete(table))
        for table in _tables():
            copied[table.name] = _copy_table(src, out, table)
            if note:
                note(f"{table.name}: {copied[table.name]} rows")
        if out.dialect.name == "postgresql":
            _advance_sequences(out)
        renew_identity(out)
    _analyse(dst)
    return copied


def _analyse(store: Store) -> None:
    """PostgreSQL: vacuum and analyse the copied tables, so that the planner knows their sizes and the
    covering indexes serve index-only scans at once (their visibility map is set) instead of after
    autovacuum gets round to it — the dashboard's first full read of 10 M copied facts depends on it."""
    if store.engine.dialect.name != "postgresql":
        return
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in _tables():
            conn.execute(text(f'VACUUM ANALYZE "{table.name}"'))


#: Not copied: the store's identity and its log of changed facts belong to the destination; the copy gets a
#: new identity, so that a snapshot of what the destination held before is not taken for its new content.
OWN_TABLES = ("store_meta", "fact_changes")


def _tables() -> list[Table]:
    return [t for t in metadata.sorted_tables if t.name not in OWN_TABLES]


def _copy_table(src: Store, out: Connection, table: Table) -> int:
    batch = BLOB_BATCH_ROWS if any(isinstance(c.type, LargeBinary) for c in table.columns) else BATCH_ROWS
    n = 0
    with src.engine.connect() as conn:
        result = conn.execution_options(yield_per=batch).execute(select(table))
        for rows in result.partitions(batch):
            out.execute(table.insert(), [dict(r._mapping) for r in rows])
            n += len(rows)
    return n


def _advance_sequences(out: Connection) -> None:
    """PostgreSQL: each serial id's sequence continues after the highest copied id."""
    for table in _tables():
        for column in table.primary_key.columns:
            if isinstance(column.type, Integer) and column.autoincrement is True:
                out.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                        f'COALESCE(MAX("{column.name}"), 0) + 1, false) FROM "{table.name}"'
                    )
                )
