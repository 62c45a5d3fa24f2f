"""A new user's first run: the `zhibiao` command from anywhere, one database-address resolver,
an honest `evaluate`, a quiet closed pipe, and documented rules for what a folder ingest takes."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from extract.paths import database_url

from .conftest import ANSWERS, FIXTURES, REPO, fixture, run_cli

ZHIBIAO = REPO / ".venv" / "bin" / "zhibiao"
MONTHLY = "henan-internet-monthly-2020-08"


cli = run_cli


# -- the console command -----------------------------------------------------------------------------
@pytest.mark.skipif(
    not (REPO / ".venv").exists(), reason="no .venv: the setup step (make setup) installs zhibiao"
)
def test_zhibiao_command_works_from_any_directory(tmp_path: Path) -> None:
    assert ZHIBIAO.exists(), "make setup must install the zhibiao command into .venv (pip install -e .)"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [str(ZHIBIAO), "--help"], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=60
    )
    assert out.returncode == 0 and "ingest" in out.stdout and "evaluate" in out.stdout
    out = subprocess.run(
        [str(ZHIBIAO), "resolve", "region", "延边州"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert out.returncode == 0 and '"code": "222400"' in out.stdout


# -- one resolver for the database address -----------------------------------------------------------
def test_database_url_takes_urls_and_plain_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ZHIBIAO_DB_URL", raising=False)
    assert database_url("x.sqlite") == f"sqlite:///{tmp_path / 'x.sqlite'}"
    assert database_url("sqlite:///x.sqlite") == f"sqlite:///{tmp_path / 'x.sqlite'}"
    assert database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("ZHIBIAO_DB_URL", "sub/y.sqlite")
    assert database_url() == f"sqlite:///{tmp_path / 'sub' / 'y.sqlite'}"
    assert database_url("z.sqlite") == f"sqlite:///{tmp_path / 'z.sqlite'}"  # --db wins over the variable


def test_env_variable_with_a_plain_path_works_in_the_cli(tmp_path: Path) -> None:
    report = fixture(f"{MONTHLY}.pdf")
    proc = cli("ingest", str(report), cwd=tmp_path, env={"ZHIBIAO_DB_URL": "plain.sqlite"})
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert (tmp_path / "plain.sqlite").exists()  # relative to the working directory
    proc = cli("documents", cwd=tmp_path, env={"ZHIBIAO_DB_URL": str(tmp_path / "plain.sqlite")})
    assert proc.returncode == 0 and f"{MONTHLY}.pdf" in proc.stdout


def test_dashboard_reads_the_same_address(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import data

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZHIBIAO_DB_URL", "d.sqlite")
    assert data.db_url() == database_url() == f"sqlite:///{tmp_path / 'd.sqlite'}"


# -- evaluate never reads as a perfect score over nothing --------------------------------------------
def test_evaluate_fails_when_a_key_has_no_document(tmp_path: Path) -> None:
    proc = cli("evaluate", str(ANSWERS / f"{MONTHLY}.csv"), "--", str(tmp_path / "missing.pdf"))
    assert proc.returncode == 1
    assert "missing.pdf: no such file" in proc.stderr
    assert f"{MONTHLY}.csv matches no file" in proc.stderr
    assert "P=1.000" not in proc.stdout


def test_evaluate_fails_when_a_document_cannot_be_read(tmp_path: Path) -> None:
    broken = tmp_path / f"{MONTHLY}.pdf"
    broken.write_bytes(b"%PDF-1.4\n% not really\n")
    proc = cli("evaluate", str(ANSWERS / f"{MONTHLY}.csv"), "--", str(broken))
    assert proc.returncode == 1
    assert "could not be read" in proc.stderr


def test_evaluate_fails_when_a_key_matches_no_stored_document(db_url: str) -> None:
    db = db_url
    proc = cli("--db", str(db), "evaluate", str(ANSWERS / f"{MONTHLY}.csv"))
    assert proc.returncode == 1 and "matches no stored document" in proc.stderr


# -- a closed pipe ends quietly ------------------------------------------------------------------------
def test_closed_pipe_ends_without_a_traceback(tmp_path: Path) -> None:
    """`zhibiao documents | head -1` on a store whose listing is larger than a pipe's buffer."""
    from extract.store import Store

    db = tmp_path / "many.sqlite"
    store = Store(str(db))
    for i in range(1500):  # 1,500 failed-document rows: ~150 kB of listing, more than a pipe holds
        store.save_document(
            name=f"report-{i:04d}.pdf",
            sha256=f"{i:064x}",
            pages=0,
            size=1,
            kind="pdf",
            title="",
            version="test",
            fact_rows=[],
            status="failed",
            error="not a PDF",
        )
    proc = subprocess.Popen(
        [sys.executable, "-m", "extract", "--db", str(db), "documents"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipeError" not in err
    assert proc.returncode == 0


# -- folder ingest: what is taken ----------------------------------------------------------------------
@pytest.fixture
def report_folder(tmp_path: Path) -> Path:
    """A folder as users keep them: a report, its markup source in src/, a hidden cache folder, a
    copy of the same report rendered differently, and a file of another type."""
    root = tmp_path / "reports"
    (root / "src").mkdir(parents=True)
    (root / ".cache").mkdir()
    (root / "copy").mkdir()
    shutil.copy(fixture(f"{MONTHLY}.pdf"), root / f"{MONTHLY}.pdf")
    shutil.copy(FIXTURES / "src" / f"{MONTHLY}.txt", root / "src" / f"{MONTHLY}.txt")
    shutil.copy(fixture("tencent-cloud-ai-whitepaper-2021.pdf"), root / ".cache" / "hidden.pdf")
    shutil.copy(fixture(f"{MONTHLY}-threeline.pdf"), root / "copy" / "henan-august.pdf")
    (root / "notes.md").write_text("# notes\n", encoding="utf-8")
    return root


def stored_names(db: Path) -> set[str]:
    with sqlite3.connect(db) as con:
        return {r[0] for r in con.execute("SELECT name FROM documents")}


def test_folder_ingest_skips_hidden_markup_and_other_types_and_notes_the_same_report_twice(
    report_folder: Path, tmp_path: Path
) -> None:
    db = tmp_path / "f.sqlite"
    proc = cli("--db", str(db), "ingest", str(report_folder))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert stored_names(db) == {f"{MONTHLY}.pdf", "henan-august.pdf"}
    assert f"skipped    {report_folder / 'src' / (MONTHLY + '.txt')}" in proc.stdout
    assert "state the same" in proc.stderr and "henan-august.pdf" in proc.stderr
    assert "1 skipped" in proc.stderr


def test_folder_ingest_include_and_exclude(report_folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "g.sqlite"
    proc = cli("--db", str(db), "ingest", str(report_folder), "--exclude", "copy/*")
    assert proc.returncode == 0, proc.stderr
    assert stored_names(db) == {f"{MONTHLY}.pdf"}
    assert "state the same" not in proc.stderr
    db2 = tmp_path / "h.sqlite"
    proc = cli("--db", str(db2), "ingest", str(report_folder), "--include", "*.txt")
    assert proc.returncode == 0, proc.stderr
    assert stored_names(db2) == {f"{MONTHLY}.txt"}
