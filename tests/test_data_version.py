"""The dashboard's cache key (Store.data_version) changes with every change of what the store shows: a
document stored, a decision taken by another process (``zhibiao review``), a check run that flags facts."""

from __future__ import annotations

from pathlib import Path

from extract.checks import Failure
from extract.store import Store
from tests.conftest import SHARED, run_cli

REPORT = SHARED / "corpus" / "n-nbs-bulletin-2013-telecom.pdf"


def test_a_decision_from_the_command_line_changes_the_version(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    empty = store.data_version()
    assert run_cli("ingest", "--db", db_url, str(REPORT)).returncode == 0
    stored = store.data_version()
    assert stored != empty
    fact_id = int(store.facts(with_location=True)["id"].iloc[0])
    decided = run_cli("review", "accept", str(fact_id), "--db", db_url)
    assert decided.returncode == 0, decided.stdout + decided.stderr
    after_decision = store.data_version()
    assert after_decision != stored  # same documents, but a fact changed: cached pages must reload
    assert store.data_version() == after_decision  # and it is stable while nothing changes


def test_a_check_run_that_flags_facts_changes_the_version(db_url: str) -> None:
    store = Store(db_url)
    assert run_cli("ingest", "--db", db_url, str(REPORT)).returncode == 0
    before = store.data_version()
    ids = tuple(int(i) for i in store.facts(with_location=True)["id"].iloc[:2])
    store.replace_check_failures([Failure("parts_total", ids, "1", "2", "±0", REPORT.name)])
    assert store.data_version() != before
