"""Re-ingesting unchanged files costs little more than hashing them (bench target: ≥ 100× faster than the
first ingest), without opening a door to the database beside :mod:`extract.store`.

- a re-ingest of unchanged files, in a fresh interpreter through the command line's entry, reports every
  file unchanged and imports none of pandas, numpy, SQLAlchemy, pdfplumber and pypdfium2;
- the light lookup (:func:`extract.store.known.stored_versions`) answers as :meth:`Store.stored_versions`
  on the same SQLite database: documents stored ok and failed, content kept under other names, digests
  not stored, asked twice, more than one query's worth; also on the unversioned store of the last
  release, which asking neither upgrades nor changes;
- a database file that does not exist is not created by asking; a damaged one fails each file by name
  with the store's own reason (no traceback) and is left as it was; a WAL database whose write lock
  another process holds is read without waiting;
- ``from extract.store import …`` gives every name it gave before;
- on both stores (SQLite and PostgreSQL) a second ingest of the same files says unchanged.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extract.files import file_sha256
from extract.ingest import Options, ingest
from extract.store import Store

from .conftest import REPO, SHARED, run_cli

#: the libraries a re-ingest of unchanged files must not import (each costs a second or more to load)
HEAVY = ("pandas", "numpy", "sqlalchemy", "pdfplumber", "pypdfium2")
PDFS = [SHARED / "corpus" / "p-shenyang-2021-q3.pdf", SHARED / "corpus" / "n-miit-2021-q1.pdf"]


def _text_report(path: Path, n: int) -> Path:
    path.write_text(
        f"2020年8月河南省互联网发展情况\n全省互联网用户总数达到{1000 + n}万户，同比增长{n % 9 + 1}.5%。\n",
        encoding="utf-8",
    )
    return path


def _quiet(_text: str) -> None:
    pass


def _fresh_ingest(db: str, files: list[Path], *extra: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    """``extract.cli.main(["--db", db, "ingest", *files])`` in a fresh interpreter; its output and the heavy
    libraries it had imported by the end."""
    code = (
        "import json, sys\n"
        "from extract.cli import main\n"
        "code = main(sys.argv[1:])\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {set(HEAVY)!r})\n"
        "print('MODULES ' + json.dumps(heavy))\n"
        "sys.exit(code)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "--db", db, "ingest", *map(str, files), *extra],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    marks = [ln for ln in proc.stdout.splitlines() if ln.startswith("MODULES ")]
    assert marks, proc.stdout + proc.stderr
    return proc, json.loads(marks[-1][len("MODULES ") :])


def _lines(out: str) -> list[str]:
    return [ln for ln in out.splitlines() if not ln.startswith("MODULES ")]


def test_a_reingest_of_unchanged_files_imports_no_heavy_library(tmp_path: Path) -> None:
    files = [p for p in PDFS if p.exists()] + [_text_report(tmp_path / "a.txt", 1)]
    if len(files) < 3:
        pytest.skip("the corpus PDFs are not available")
    db = str(tmp_path / "facts.sqlite")
    first = run_cli("--db", db, "ingest", *map(str, files))
    assert first.returncode == 0 and first.stdout.count("stored     ") == 3, first.stdout + first.stderr

    again, heavy = _fresh_ingest(db, files)
    assert again.returncode == 0, again.stdout + again.stderr
    lines = _lines(again.stdout)
    assert len(lines) == 3 and all(ln.startswith("未变化 unchanged") for ln in lines), lines
    assert "3 unchanged" in again.stderr
    assert heavy == [], f"a re-ingest of unchanged files imported {sorted({m.split('.')[0] for m in heavy})}"


def test_a_changed_file_among_unchanged_ones_is_still_stored(tmp_path: Path) -> None:
    """The light lookup only decides what is unchanged: anything else goes through the store as before."""
    db = str(tmp_path / "facts.sqlite")
    a, b = _text_report(tmp_path / "a.txt", 1), _text_report(tmp_path / "b.txt", 2)
    assert run_cli("--db", db, "ingest", str(a), str(b)).returncode == 0
    _text_report(b, 3)
    proc, _ = _fresh_ingest(db, [a, b])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = {Path(ln.split(": ")[0].split()[-1]).name: ln for ln in _lines(proc.stdout)}
    assert lines["a.txt"].startswith("未变化 unchanged"), lines
    assert lines["b.txt"].startswith("已入库 stored"), lines


def _mixed_store(tmp_path: Path) -> tuple[str, list[str]]:
    """A SQLite store holding documents stored ok, one that failed, content stored under two names; and the
    digests to ask about (those, one not stored, one asked twice)."""
    folder = tmp_path / "reports"
    folder.mkdir()
    reports = [_text_report(folder / f"r{i}.txt", i) for i in range(3)]
    broken = folder / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really a PDF\n")
    twin = folder / "twin.txt"
    twin.write_bytes(reports[0].read_bytes())
    url = f"sqlite:///{tmp_path / 'facts.sqlite'}"
    results = ingest([*reports, broken, twin], url, Options(max_memory_mb=0))
    assert sorted(r.status for r in results) == ["failed", "stored", "stored", "stored", "unchanged"], results
    unknown = _text_report(folder / "new.txt", 9)
    digests = [file_sha256(p) for p in (*reports, broken, twin, unknown)] + [file_sha256(reports[1])]
    return url, digests


def test_the_light_lookup_answers_as_the_store(tmp_path: Path) -> None:
    from extract.store.known import stored_versions

    url, digests = _mixed_store(tmp_path)
    light = stored_versions(url, digests)
    store = Store(url, on_note=_quiet)
    assert light == store.stored_versions(digests)
    assert sorted(status for status, _, _ in light.values()) == ["failed", "ok", "ok", "ok"]
    assert {name for _, _, name in light.values()} == {"r0.txt", "r1.txt", "r2.txt", "broken.pdf"}
    many = [f"{i:064x}" for i in range(1200)] + digests  # more digests than one query takes
    assert stored_versions(url, many) == store.stored_versions(many) == light
    assert stored_versions(url, []) == {}


def test_the_light_lookup_reads_an_older_schema_without_upgrading_it(tmp_path: Path) -> None:
    """The committed store of the release before schema versions: asked as it is (no ``alembic_version``,
    not one byte changed), the same answer as the store gives once it has upgraded it."""
    from extract.store.known import stored_versions

    from .test_store_migrations import baseline_checkout

    old = baseline_checkout(tmp_path / "old") / "data" / "zhibiao.sqlite"
    with sqlite3.connect(old) as conn:
        digests = [row[0] for row in conn.execute("SELECT sha256 FROM documents ORDER BY id")]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert digests and "alembic_version" not in tables
    before = old.read_bytes()
    url = f"sqlite:///{old}"
    light = stored_versions(url, [*digests, "0" * 64])
    assert old.read_bytes() == before
    assert len(light) == len(digests)
    store = Store(url, on_note=_quiet)
    assert store.schema_before is None  # it was not upgraded by the lookup
    assert light == store.stored_versions([*digests, "0" * 64])


def test_asking_does_not_create_a_database(tmp_path: Path) -> None:
    from extract.store.known import stored_versions

    missing = tmp_path / "none" / "facts.sqlite"
    assert stored_versions(f"sqlite:///{missing}", ["0" * 64]) == {}
    assert not missing.exists() and not missing.parent.exists()
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    assert stored_versions(f"sqlite:///{empty}", ["0" * 64]) == {}
    assert empty.read_bytes() == b""


def test_a_damaged_database_fails_each_file_by_name(tmp_path: Path) -> None:
    db = tmp_path / "facts.sqlite"
    garbage = bytes(range(256)) * 32
    db.write_bytes(garbage)
    files = [_text_report(tmp_path / f"r{i}.txt", i) for i in range(2)]
    proc = run_cli("--db", str(db), "ingest", *map(str, files))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 2, lines
    assert all(
        ln.startswith("失败") and "could not open the database" in ln and "file is not a database" in ln
        for ln in lines
    ), lines
    assert "2 failed" in proc.stderr
    assert db.read_bytes() == garbage


@pytest.mark.serial  # holds the write lock and measures the wait: run alone (make test)
def test_a_held_write_lock_does_not_delay_the_unchanged(tmp_path: Path) -> None:
    """Another process holds the write lock of the (WAL) database: the unchanged files are reported at
    once, the lock neither waited for nor surfacing as an error."""
    db = tmp_path / "facts.sqlite"
    files = [_text_report(tmp_path / f"r{i}.txt", i) for i in range(2)]
    assert run_cli("--db", str(db), "ingest", *map(str, files)).returncode == 0
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        t0 = time.monotonic()
        proc = run_cli("--db", str(db), "ingest", *map(str, files), "--lock-wait", "60")
        took = time.monotonic() - t0
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("未变化 unchanged") == 2, proc.stdout
    assert took < 60, f"the re-ingest waited for the lock ({took:.1f} s)"


def test_every_name_of_the_store_package_is_still_there() -> None:
    import extract.store as package

    for name in package.__all__:
        assert getattr(package, name) is not None, name
    from extract.store import (
        CHECK_FLAG,
        Store,
        StoreBusy,
        StoredDocument,
        columnar,
        note_on_stderr,
        typed_facts,
    )

    assert Store.__name__ == "Store" and issubclass(StoreBusy, Exception) and callable(typed_facts)
    assert (
        isinstance(CHECK_FLAG, str)
        and callable(note_on_stderr)
        and StoredDocument.__name__ == "StoredDocument"
    )
    assert columnar.__name__ == "extract.store.columnar"
    assert set(package.__all__) <= set(dir(package))
    with pytest.raises(AttributeError):
        package.NoSuchName  # noqa: B018


def test_a_second_ingest_says_unchanged_on_either_store(db_url: str, tmp_path: Path) -> None:
    files = [_text_report(tmp_path / f"r{i}.txt", i) for i in range(2)]
    first = run_cli("--db", db_url, "ingest", *map(str, files))
    assert first.returncode == 0 and first.stdout.count("stored     ") == 2, first.stdout + first.stderr
    again = run_cli("--db", db_url, "ingest", *map(str, files))
    assert again.returncode == 0, again.stdout + again.stderr
    lines = again.stdout.splitlines()
    assert len(lines) == 2 and all(ln.startswith("未变化 unchanged") for ln in lines), lines
    assert "2 unchanged" in again.stderr
