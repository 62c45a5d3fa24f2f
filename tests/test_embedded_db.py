"""The committed embedded database (data/zhibiao.sqlite) is ready as it is: at the schema's head revision and
in WAL mode, so opening and reading it — as `make dashboard` does — changes not one byte of the checkout."""

from __future__ import annotations

import shutil
from pathlib import Path

from extract.paths import DATA_DIR
from extract.store import Store
from extract.store.migrate import head, revision

EMBEDDED = DATA_DIR / "zhibiao.sqlite"


def test_opening_and_reading_the_embedded_database_changes_nothing(tmp_path: Path) -> None:
    copy = tmp_path / "zhibiao.sqlite"
    shutil.copyfile(EMBEDDED, copy)
    store = Store(f"sqlite:///{copy}")
    with store.engine.connect() as conn:
        assert revision(conn) == head()
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert store.count_facts() > 0
    assert len(store.facts_columnar()) == store.count_facts()
    assert len(store.facts_frame()) == store.count_facts()  # the dashboard's load (a snapshot elsewhere)
    store.snapshots.wait_saved()
    store.engine.dispose()
    assert copy.read_bytes() == EMBEDDED.read_bytes()
