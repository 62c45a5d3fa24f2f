"""The tests' PostgreSQL server (tests/pgserver.py) and what the run does without one.

A cluster is started for real: it answers on 127.0.0.1 only, is not run by root, keeps Chinese text, and
leaves neither its folder nor its port behind. Without server binaries, pytest is run in a process of
its own on one test that takes ``db_url``: its PostgreSQL half is skipped with the reason in the
summary, and with ``CI`` set the run fails instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from .conftest import REPO, listening
from .pgserver import PgUnavailable, pg_cluster

#: one quick test that takes db_url (no fixtures of ../shared needed)
DB_URL_TEST = "tests/test_checks.py::test_checks_run_after_an_ingest_through_the_api_too"


@pytest.mark.serial  # its port must be free after: no other worker's server may take it (make test)
def test_a_cluster_answers_on_loopback_only_and_leaves_nothing_behind() -> None:
    try:
        cluster = pg_cluster("zhibiao_check")
        url = cluster.__enter__()
    except PgUnavailable as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not available: {exc}")
    try:
        port = int(make_url(url).port or 0)
        assert url.startswith("postgresql+psycopg://") and make_url(url).database == "zhibiao_check"
        assert listening(port) == ["0100007F"]  # 127.0.0.1, nothing else
        engine = create_engine(url)
        with engine.begin() as conn:
            data = Path(conn.execute(text("SHOW data_directory")).scalar_one())
            assert conn.execute(text("SELECT '河南省 8643.5万户'")).scalar_one() == "河南省 8643.5万户"
            assert conn.execute(text("SHOW server_encoding")).scalar_one() == "UTF8"
        engine.dispose()
        assert data.stat().st_uid != 0, "the server must not run as root"
        folder = data.parent
    finally:
        cluster.__exit__(None, None, None)
    assert not folder.exists()
    assert listening(port) == []


def _pytest_without_server(ci: bool) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    env["ZHIBIAO_PG_BIN"] = "/nonexistent/postgresql/bin"
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", DB_URL_TEST],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )


def test_without_a_server_the_postgresql_half_is_skipped_with_the_reason() -> None:
    proc = _pytest_without_server(ci=False)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "1 passed, 1 skipped" in proc.stdout
    summary = next(line for line in proc.stdout.splitlines() if line.startswith("stores:"))
    assert "SQLite 1 passed" in summary and "PostgreSQL 1 skipped" in summary
    assert "no PostgreSQL server binaries" in summary


def test_without_a_server_ci_fails_the_run() -> None:
    proc = _pytest_without_server(ci=True)
    assert proc.returncode == 1, proc.stdout[-3000:]
    assert "PostgreSQL must run in CI: no PostgreSQL server binaries" in proc.stdout
    assert "1 passed, 1 error" in proc.stdout
