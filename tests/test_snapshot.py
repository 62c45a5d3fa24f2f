"""The dashboard's frame (Store.facts_frame) is refreshed from the store's log of changed facts and a
snapshot on disk instead of reading every fact again — and must always equal a fresh read of the store
(Store.facts_columnar), on SQLite and PostgreSQL: after imports, deletions, re-extraction, review
decisions, a mapped indicator, check runs, and changes made by another process."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from extract.checks import Failure
from extract.ingest import Options, ingest
from extract.normalize.indicators import UserEntry
from extract.paths import cache_dir
from extract.store import Store
from extract.store.review import map_indicator
from extract.store.snapshot import Snapshots, SnapshotSettings, load, merge
from tests.conftest import SHARED

REPORTS = [
    SHARED / "corpus" / "n-nbs-bulletin-2013-telecom.pdf",
    SHARED / "corpus" / "p-guizhou-2024-10-monthly.pdf",
    SHARED / "corpus" / "p-shenyang-2021-q3.pdf",
]
#: a refresh never falls back to reading everything (the changes are what is tested)
INCREMENTAL = SnapshotSettings(full_read_share=1e9)


def quiet(_: str) -> None:
    pass


def fresh(store: Store) -> pd.DataFrame:
    return store.facts_columnar()


def same(snaps: Snapshots, store: Store, how: str | tuple[str, ...]) -> pd.DataFrame:
    got = snaps.frame()
    assert snaps.last_refresh in ((how,) if isinstance(how, str) else how)
    pd.testing.assert_frame_equal(got, fresh(store))
    return got


def test_every_change_is_followed(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url, on_note=quiet)
    snaps = Snapshots(store.engine, store.url, tmp_path / "cache", INCREMENTAL)
    same(snaps, store, "full")  # empty store
    ingest(REPORTS[:1], store)
    same(snaps, store, "changes")
    same(snaps, store, "held")  # nothing changed: the same frame, no query of facts
    ingest(REPORTS[1:], store)
    frame = same(snaps, store, "changes")
    ids = frame["id"].to_numpy()

    # a person corrects a fact (indicator, region, value) and rejects another
    store.review(
        int(ids[5]), "correct", {"value": 98765.0, "region": "新疆维吾尔自治区", "indicator": "新指标甲"}, "t"
    )
    store.review(int(ids[6]), "reject", {}, "t")
    same(snaps, store, "changes")

    # a check run flags facts, the next one clears them
    store.replace_check_failures([Failure("parts_total", (int(ids[10]), int(ids[11])), "1", "2", "±0", "x")])
    same(snaps, store, "changes")
    store.replace_check_failures([])
    same(snaps, store, "changes")

    # an uncatalogued printed name mapped to an indicator of the catalogue
    printed = frame.loc[frame["flags"].astype(str).str.contains("uncatalogued"), "indicator"]
    if len(printed):
        entry = UserEntry(printed=str(printed.iloc[0]), indicator="移动电话用户")
        map_indicator(store, entry, "t")
        same(snaps, store, "changes")

    # a document deleted (its facts' ids may be given again to the next import, on SQLite)
    docs = store.documents()
    store.delete_document(int(docs["id"].max()))
    same(snaps, store, "changes")
    ingest(REPORTS[2:], store)
    same(snaps, store, "changes")

    # re-extraction of everything
    ingest(REPORTS, store, Options(force=True))
    same(snaps, store, "changes")


def test_a_second_process_starts_from_the_snapshot_on_disk(db_url: str, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    store = Store(db_url, on_note=quiet)
    ingest(REPORTS[:2], store)
    first = Snapshots(store.engine, store.url, cache, INCREMENTAL)
    same(first, store, "full")
    first.wait_saved()

    other = Store(db_url, on_note=quiet)
    second = Snapshots(other.engine, other.url, cache, INCREMENTAL)
    same(second, store, "disk")  # nothing read but the state
    ingest(REPORTS[2:], other)  # a change made by another process …
    same(first, store, "changes")  # … is followed by the first
    first.wait_saved()
    third = Snapshots(store.engine, store.url, cache, INCREMENTAL)
    same(third, store, "disk")


def test_a_snapshot_of_another_or_an_older_store_is_not_used(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    path = tmp_path / "s.sqlite"
    store = Store(str(path), on_note=quiet)
    ingest(REPORTS[:2], store)
    backup = tmp_path / "backup.sqlite"
    snaps = Snapshots(store.engine, store.url, cache, INCREMENTAL)
    snaps.frame()
    snaps.wait_saved()
    with sqlite3.connect(path) as src, sqlite3.connect(backup) as dst:
        src.backup(dst)  # the store as it is now …
    facts = fresh(store)
    store.review(int(facts["id"].iloc[3]), "correct", {"value": 1.5}, "t")
    store.delete_document(int(store.documents()["id"].min()))
    newer = Snapshots(store.engine, store.url, cache, INCREMENTAL)
    newer.frame()
    newer.wait_saved()

    store.engine.dispose()
    for left in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        left.unlink(missing_ok=True)
    shutil.copy(backup, path)  # … restored from the backup: older than the snapshot on disk
    restored = Store(str(path), on_note=quiet)
    again = Snapshots(restored.engine, restored.url, cache, INCREMENTAL)
    same(again, restored, "full")

    restored.engine.dispose()
    for left in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        left.unlink(missing_ok=True)  # another store at the same address
    other = Store(str(path), on_note=quiet)
    ingest(REPORTS[2:], other)
    fourth = Snapshots(other.engine, other.url, cache, INCREMENTAL)
    same(fourth, other, "full")


def test_damaged_or_missing_cache_folder_means_a_full_read(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "s.sqlite"), on_note=quiet)
    ingest(REPORTS[:1], store)
    cache = tmp_path / "cache"
    snaps = Snapshots(store.engine, store.url, cache, INCREMENTAL)
    snaps.frame()
    snaps.wait_saved()
    (home,) = [p for p in cache.iterdir()]
    current = home / (home / "current").read_text().strip()
    (current / "value.npy").write_bytes(b"not numpy")
    damaged = Snapshots(store.engine, store.url, cache, INCREMENTAL)
    same(damaged, store, "full")
    nowhere = Snapshots(store.engine, store.url, None, INCREMENTAL)  # no cache folder at all
    same(nowhere, store, "full")


def test_too_many_changes_read_everything_again(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "s.sqlite"), on_note=quiet)
    ingest(REPORTS[:1], store)
    snaps = Snapshots(store.engine, store.url, None, SnapshotSettings(full_read_share=0.005))
    snaps.frame()
    ingest(REPORTS[1:], store)  # more new facts than the share allows (of at least 1,000)
    same(snaps, store, "full")


def test_the_log_records_updates_and_deletions_of_facts(db_url: str) -> None:
    store = Store(db_url, on_note=quiet)
    ingest(REPORTS[:1], store)
    v0 = store.data_version()
    facts = fresh(store)
    store.review(int(facts["id"].iloc[0]), "accept", {}, "t")
    v1 = store.data_version()
    assert v1[5] > v0[5]  # an update: logged
    store.delete_document(int(store.documents()["id"].iloc[0]))
    v2 = store.data_version()
    assert v2[5] >= v1[5] + len(facts) - 1  # every deleted fact logged


@pytest.mark.serial  # a lock released by a timer: run alone (make test)
def test_postgresql_writers_take_turns(db_url: str) -> None:
    """Two writers never commit out of the order of the ids they were given (a reader that saw a change
    number saw every earlier one): on PostgreSQL the second waits for the first, as on SQLite."""
    first = Store(db_url, on_note=quiet)
    said: list[str] = []
    second = Store(db_url, on_note=quiet, on_wait=said.append, lock_wait_s=30)
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with first._write():
            holding.set()
            release.wait(20)

    t = threading.Thread(target=hold)
    t.start()
    assert holding.wait(20)
    threading.Timer(1.5, release.set).start()
    with second._write():
        pass
    t.join()
    assert said and "waiting for another process" in said[0]


def test_merge_keeps_id_order_and_first_appearance() -> None:
    base = pd.DataFrame(
        {
            "id": np.array([1, 3, 5, 7], dtype="int64"),
            "value": [1.0, 3.0, 5.0, 7.0],
            "unit": pd.Categorical(["万户", "亿元", "万户", "%"]),
        }
    )
    rows = pd.DataFrame(
        {
            "id": np.array([2, 5, 9], dtype="int64"),
            "value": [2.0, 50.0, 9.0],
            "unit": pd.Categorical(["GB", "亿元", "万户"]),
        }
    )
    out = merge(base, np.array([1, 5, 9, 2]), rows)  # 1 deleted, 5 changed, 2 and 9 new
    expected = pd.DataFrame(
        {
            "id": np.array([2, 3, 5, 7, 9], dtype="int64"),
            "value": [2.0, 3.0, 50.0, 7.0, 9.0],
            "unit": pd.Categorical.from_codes(
                [0, 1, 1, 2, 3], categories=pd.Index(["GB", "亿元", "%", "万户"], dtype=object)
            ),
        }
    )
    pd.testing.assert_frame_equal(out, expected)


def test_snapshot_files_are_memory_mapped_and_read_only(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "s.sqlite"), on_note=quiet)
    ingest(REPORTS[:1], store)
    snaps = Snapshots(store.engine, store.url, tmp_path / "cache", INCREMENTAL)
    snaps.frame()
    snaps.wait_saved()
    (home,) = list((tmp_path / "cache").iterdir())
    snap = load(home / (home / "current").read_text().strip())
    values = snap.frame["value"].to_numpy()
    with pytest.raises(ValueError):
        values[0] = 1.0
    assert sqlite3.connect(tmp_path / "s.sqlite").execute("select count(*) from facts").fetchone()[0] == len(
        values
    )


def test_columns_a_decision_leaves_alone_are_not_written_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    store = Store(str(tmp_path / "s.sqlite"), on_note=quiet)
    ingest(REPORTS[:2], store)
    snaps = Snapshots(store.engine, store.url, cache, INCREMENTAL)
    snaps.frame()
    snaps.wait_saved()
    reader = Snapshots(store.engine, store.url, cache, INCREMENTAL)
    facts = reader.frame()  # memory-mapped from the files just written
    assert reader.last_refresh == "disk"
    (home,) = list(cache.iterdir())
    before = home / (home / "current").read_text().strip()
    inodes = {p.name: p.stat().st_ino for p in before.glob("*.npy")}
    store.review(int(facts["id"].iloc[7]), "correct", {"value": 4321.0}, "t")
    same(reader, store, "changes")
    reader.wait_saved()
    after = home / (home / "current").read_text().strip()
    assert after != before
    relinked = {p.name for p in after.glob("*.npy") if p.stat().st_ino == inodes.get(p.name)}
    assert "value.npy" not in relinked  # the corrected column was written anew …
    assert {"id.npy", "region.npy", "indicator.npy", "period_end.npy"} <= relinked  # … the others linked
    again = Snapshots(store.engine, store.url, cache, INCREMENTAL)
    same(again, store, "disk")


def test_a_cache_folder_that_cannot_be_made_costs_only_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ZHIBIAO_CACHE_DIR", str(blocker / "cache"))
    assert cache_dir() is None
    store = Store(str(tmp_path / "s.sqlite"), on_note=quiet)
    ingest(REPORTS[:1], store)
    pd.testing.assert_frame_equal(store.facts_frame(), fresh(store))
    monkeypatch.setenv("ZHIBIAO_CACHE_DIR", str(tmp_path / "made"))
    assert cache_dir() == tmp_path / "made" and (tmp_path / "made").is_dir()
