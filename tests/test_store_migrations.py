"""Originals in the store, schema versions and migrations, and copying a whole store (issue 16).

- the source page renders from a process whose files folder is another, empty one (the original comes
  from the database), on both stores; ``zhibiao original`` writes it back byte for byte;
- stores made by the release before schema versions (the committed data/zhibiao.sqlite of
  :data:`BASELINE`, and a store that release's code makes on either database) are upgraded on open with
  every fact (count and checksum over the contract columns) and every original kept, the originals moved
  from their folder into the database, and the schema then equal to :mod:`extract.store.schema`;
- several processes opening one fresh database at once all succeed;
- ``zhibiao db copy`` copies every table, originals included, and refuses a destination with data.
"""

from __future__ import annotations

import filecmp
import hashlib
import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Table, create_engine, text
from sqlalchemy.engine import Connection

from extract.cli import main
from extract.files import file_sha256
from extract.model import FACT_COLUMNS
from extract.paths import DEFAULT_DB_PATH
from extract.store import Store
from extract.store.copy import OWN_TABLES, row_counts
from extract.store.migrate import head
from extract.store.schema import metadata

from .conftest import REPO, fixture, run_cli

MONTHLY = "henan-internet-monthly-2020-08.pdf"
#: the last commit of the release before schema versions ("Store package"): its code and its committed
#: data/zhibiao.sqlite with data/files are the stores to upgrade
BASELINE = "f5f4f2eca0d3375242686e312350ae6e1fb9dd84"


def baseline_checkout(folder: Path) -> Path:
    """extract/ and data/ of :data:`BASELINE`, unpacked into ``folder`` (skips without the git history)."""
    proc = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", BASELINE, "extract", "data"],
        capture_output=True,
        timeout=120,
    )
    if proc.returncode != 0:
        pytest.skip(f"the baseline commit {BASELINE[:7]} is not in this checkout's history")
    with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def facts_digest(url: str) -> tuple[int, str]:
    """(number of facts, sha256 over their ids and contract columns in id order), read with plain SQL so
    that reading does not upgrade the database."""
    engine = create_engine(url)
    columns = ", ".join(f'"{c}"' for c in ("id", *FACT_COLUMNS))
    digest = hashlib.sha256()
    n = 0
    try:
        with engine.connect() as conn:
            for row in conn.execute(text(f"SELECT {columns} FROM facts ORDER BY id")):
                digest.update(repr(tuple(row)).encode())
                n += 1
    finally:
        engine.dispose()
    return n, digest.hexdigest()


def documents_of(url: str) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [
                tuple(r)
                for r in conn.execute(text("SELECT sha256, name, file_path FROM documents ORDER BY id"))
            ]
    finally:
        engine.dispose()


def table_rows(conn: Connection, table: Table) -> list[tuple]:
    """Every row of a table, in an order that does not depend on the database (NULLs last)."""
    rows = [tuple(r) for r in conn.execute(table.select())]
    return sorted(rows, key=lambda r: [(v is None, 0 if v is None else v) for v in r])


def schema_differences(url: str) -> list:
    """What differs between the database's tables and :mod:`extract.store.schema` (empty: the same)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    finally:
        engine.dispose()


#: renders a fact's source page the way the dashboard does, in a process of its own; prints its size
RENDER = """
import json, sys
from dashboard.source import render_page
from extract.store import Store
url, sha256, page, box = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
img = render_page(Store(url), sha256, page, tuple(box) if box else None)
print(json.dumps(None if img is None else list(img.size)))
"""


def test_source_page_renders_from_another_machine_with_only_the_database(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ingest with one files location; render from a process with another, empty one (and an empty
    temporary folder, so nothing cached on this machine helps)."""
    report = fixture(MONTHLY)
    monkeypatch.setenv("ZHIBIAO_FILES_DIR", str(tmp_path / "ingesting"))
    assert main(["--db", db_url, "ingest", str(report)]) == 0
    store = Store(db_url)
    fact = store.facts(with_location=True).dropna(subset=["x0"]).iloc[0]
    box = [float(fact[k]) for k in ("x0", "top", "x1", "bottom")]
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "files").mkdir(parents=True)
    (elsewhere / "tmp").mkdir()
    proc = subprocess.run(
        [sys.executable, "-c", RENDER, db_url, file_sha256(report), str(int(fact["page"])), json.dumps(box)],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(REPO),
            "ZHIBIAO_DB_URL": db_url,
            "ZHIBIAO_FILES_DIR": str(elsewhere / "files"),
            "TMPDIR": str(elsewhere / "tmp"),
        },
    )
    assert proc.returncode == 0, proc.stderr
    width, height = json.loads(proc.stdout)
    assert width > 500 and height > 500  # an A4 page at 144 dpi
    assert not any((elsewhere / "files").iterdir())


def test_original_command_writes_the_stored_bytes_back(db_url: str, tmp_path: Path) -> None:
    report = fixture(MONTHLY)
    copy = tmp_path / "again.pdf"
    copy.write_bytes(report.read_bytes())
    assert main(["--db", db_url, "ingest", str(report)]) == 0
    out = tmp_path / "out" / "written.pdf"
    proc = run_cli("--db", db_url, "original", MONTHLY, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert subprocess.run(["cmp", str(report), str(out)]).returncode == 0
    assert filecmp.cmp(report, out, shallow=False)
    # no such name; by id; the original goes with its document
    assert run_cli("--db", db_url, "original", "nope.pdf", "-o", str(out)).returncode == 1
    doc_id = str(int(Store(db_url).documents()["id"].iloc[0]))
    by_id = tmp_path / "by-id.pdf"
    assert run_cli("--db", db_url, "original", doc_id, "--id", "-o", str(by_id)).returncode == 0
    assert by_id.read_bytes() == report.read_bytes()
    assert main(["--db", db_url, "delete", doc_id, "--id", "--yes"]) == 0
    assert Store(db_url).original_info(file_sha256(report)) is None


def test_original_command_refuses_an_ambiguous_name(db_url: str, tmp_path: Path) -> None:
    """Two different documents stored under one name: refuse, list the ids, write nothing."""
    names = []
    for i in (1, 2):
        folder = tmp_path / f"r{i}"
        folder.mkdir()
        report = folder / "report.txt"
        report.write_text(f"2020年{i}月，全省互联网宽带接入用户达到{1000 + i}万户。\n", encoding="utf-8")
        names.append(report)
        assert main(["--db", db_url, "ingest", str(report)]) == 0
    out = tmp_path / "out.txt"
    proc = run_cli("--db", db_url, "original", "report.txt", "-o", str(out))
    assert proc.returncode == 1 and not out.exists()
    ids = Store(db_url).documents()["id"].tolist()
    assert all(f"--id {i}" in proc.stderr for i in ids)
    assert run_cli("--db", db_url, "original", str(ids[1]), "--id", "-o", str(out)).returncode == 0
    assert out.read_bytes() == names[1].read_bytes()


def test_the_committed_store_of_the_last_release_is_upgraded_keeping_every_fact_and_original(
    tmp_path: Path,
) -> None:
    """A copy of the committed data/zhibiao.sqlite and data/files of the release before schema versions,
    upgraded by opening it (``zhibiao export``): the note on standard error, the CSV clean on standard
    output, every fact the same, every original in the database; one file removed before: noted, its
    document and facts kept."""
    old = baseline_checkout(tmp_path / "old") / "data"
    url = f"sqlite:///{old / 'zhibiao.sqlite'}"
    before = facts_digest(url)
    docs = documents_of(url)
    assert before[0] > 3000 and len(docs) > 20
    kept = {sha: old / "files" / path for sha, _, path in docs if path}
    assert kept and all(p.is_file() for p in kept.values())
    lost_sha, lost_name = next((sha, name) for sha, name, path in docs if path)
    kept.pop(lost_sha).unlink()

    proc = run_cli("--db", url, "export", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    assert "upgrading the database" in proc.stderr and head() in proc.stderr
    assert f"moved {len(kept)} of {len(kept) + 1} originals" in proc.stderr and lost_name in proc.stderr
    exported = pd.read_csv(io.StringIO(proc.stdout), dtype=str, keep_default_na=False)
    assert list(exported.columns) == list(FACT_COLUMNS) and len(exported) == before[0]

    assert facts_digest(url) == before
    assert documents_of(url) == docs
    store = Store(url)
    assert store.schema_before == store.schema == head()
    for sha, path in kept.items():
        assert store.original_bytes(sha) == path.read_bytes()
    assert store.original_info(lost_sha) is None
    assert schema_differences(url) == []


def test_a_store_made_by_the_last_release_is_upgraded_on_either_database(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last release's own code ingests a PDF and a spreadsheet (its schema, its originals in a files
    folder); this release's ``zhibiao db upgrade`` keeps every fact and moves both originals in, and the
    upgraded schema is the one of :mod:`extract.store.schema`, on SQLite and on PostgreSQL."""
    old = baseline_checkout(tmp_path / "old")
    files = tmp_path / "old-files"
    reports = [fixture(MONTHLY), *sorted((REPO.parent / "shared" / "data" / "nbs").glob("*.csv"))[:1]]
    proc = subprocess.run(
        [sys.executable, "-m", "extract", "--db", db_url, "ingest", *map(str, reports)],
        cwd=old,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(old), "ZHIBIAO_FILES_DIR": str(files)},
    )
    assert proc.returncode == 0, proc.stderr
    before = facts_digest(db_url)
    assert before[0] > 300 and len(documents_of(db_url)) == len(reports)
    monkeypatch.setenv("ZHIBIAO_FILES_DIR", str(files))
    up = run_cli("--db", db_url, "db", "upgrade")
    assert up.returncode == 0, up.stderr
    assert f"moved {len(reports)} of {len(reports)} originals" in up.stdout
    assert facts_digest(db_url) == before
    store = Store(db_url)
    for report in reports:
        assert store.original_bytes(file_sha256(report)) == report.read_bytes()
    assert schema_differences(db_url) == []
    again = run_cli("--db", db_url, "db", "upgrade")
    assert again.returncode == 0 and "nothing to do" in again.stdout


@pytest.mark.serial  # four processes race for the lock: run alone (make test)
def test_a_fresh_database_opened_by_several_processes_at_once(db_url: str) -> None:
    """Four processes create the same fresh database at once: all succeed, one version row, the newest."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "extract", "--db", db_url, "db", "upgrade"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    assert all(code == 0 for code, _ in results), results
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            assert [tuple(r) for r in conn.execute(text("SELECT version_num FROM alembic_version"))] == [
                (head(),)
            ]
    finally:
        engine.dispose()
    assert schema_differences(db_url) == []


def test_db_copy_moves_a_whole_store_with_its_originals(db_url: str, tmp_path: Path) -> None:
    """The committed store (SQLite) copied into a fresh database on either store: every row of every
    table equal, every original byte for byte; the copy takes new documents (ids continue); a second copy
    is refused unless --replace."""
    source = tmp_path / "source.sqlite"
    source.write_bytes(DEFAULT_DB_PATH.read_bytes())
    src_url = f"sqlite:///{source}"
    src = Store(src_url)
    assert src.schema_before == head(), "the committed data/zhibiao.sqlite is at the newest schema"
    proc = run_cli("db", "copy", str(source), db_url)
    assert proc.returncode == 0, proc.stderr
    dst = Store(db_url)
    with src.engine.connect() as a, dst.engine.connect() as b:
        counts = row_counts(a)
        assert row_counts(b) == counts and counts["facts"] > 3000 and counts["originals"] > 20
        own = [sorted(tuple(r) for r in c.execute(text("SELECT key, value FROM store_meta"))) for c in (a, b)]
        assert own[0] != own[1]  # the copy is a store of its own (its snapshots are not the source's)
        for table in metadata.sorted_tables:
            if table.name in OWN_TABLES:
                continue
            order = [c.name for c in table.columns]
            rows = [
                sorted(tuple(r) for r in c.execute(table.select().order_by(*table.columns))) for c in (a, b)
            ]
            assert rows[0] == rows[1], f"{table.name} differs ({order})"
    for sha in src.documents()["sha256"]:
        assert dst.original_bytes(sha) == src.original_bytes(sha)
    assert facts_digest(db_url) == facts_digest(src_url)

    renamed = tmp_path / "new-report.txt"
    renamed.write_text("2020年8月，全省互联网宽带接入用户达到3456万户。\n", encoding="utf-8")
    assert main(["--db", db_url, "ingest", str(renamed)]) == 0
    assert len(Store(db_url).documents()) == counts["documents"] + 1
    refused = run_cli("db", "copy", str(source), db_url)
    assert refused.returncode == 1 and "not empty" in refused.stderr
    replaced = run_cli("db", "copy", str(source), db_url, "--replace")
    assert replaced.returncode == 0, replaced.stderr
    assert len(Store(db_url).documents()) == counts["documents"]
