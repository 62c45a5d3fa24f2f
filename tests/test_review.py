"""Review: the queue, decisions through the CLI, and corrections that survive re-extraction."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest

from extract.ingest import Options, extract_file, extractor_version
from extract.store import Store

from .conftest import fixture, run_cli

MONTHLY = "henan-internet-monthly-2020-08.pdf"


cli = run_cli


def export_rows(db: str) -> list[dict[str, str]]:
    out = cli("--db", str(db), "export", "--format", "csv", "--with-ids")
    assert out.returncode == 0, out.stderr
    return list(csv.DictReader(io.StringIO(out.stdout)))


def reextract(db: str) -> None:
    """The document extracted again and stored anew: ``ingest --force``, and a new extractor version."""
    proc = cli("--db", str(db), "ingest", str(fixture(MONTHLY)), "--force")
    assert proc.returncode == 0 and "stored     " in proc.stdout, proc.stdout + proc.stderr


def new_extractor_version(db: str) -> None:
    """The same content stored by another extractor version (what an upgrade does on the next ingest)."""
    ex = extract_file(fixture(MONTHLY), Options(max_memory_mb=0))
    Store(str(db)).save_document(
        name=ex.name,
        sha256=ex.sha256,
        pages=ex.pages,
        size=ex.size,
        kind=ex.kind,
        title=ex.title,
        version=extractor_version() + "+next",
        fact_rows=ex.facts,
    )


@pytest.fixture
def db(db_url: str) -> str:
    assert cli("--db", db_url, "ingest", str(fixture(MONTHLY))).returncode == 0
    return db_url


def the_fact(rows: list[dict[str, str]], raw_value: str, measure: str = "value") -> dict[str, str]:
    hits = [
        r for r in rows if r["raw_value"] == raw_value and r["measure"] == measure and r["region"] == "河南省"
    ]
    assert hits, raw_value
    return hits[0]


def test_a_correction_shows_in_exports_is_audited_and_survives_reextraction(db: str, tmp_path: Path) -> None:
    fact = the_fact(export_rows(db), "8643.5")  # 全省移动互联网用户总数达到8643.5万户
    proc = cli("--db", str(db), "review", "correct", f"F{fact['fact_id']}", "region=郑州市", "--note", "test")
    assert proc.returncode == 0, proc.stderr
    after = [r for r in export_rows(db) if r["raw_value"] == "8643.5" and r["measure"] == "value"]
    assert [(r["region"], "corrected" in r["flags"]) for r in after] == [("郑州市", True)]
    log = cli("--db", str(db), "review", "log").stdout
    assert (
        "correct" in log
        and '"region": "河南省"' in log
        and '"region": "郑州市"' in log
        and "note=test" in log
    )
    for again_by in (reextract, new_extractor_version):
        again_by(db)
        again = [r for r in export_rows(db) if r["raw_value"] == "8643.5" and r["measure"] == "value"]
        assert [(r["region"], "corrected" in r["flags"]) for r in again] == [("郑州市", True)], again_by
    book = openpyxl.load_workbook(io.BytesIO(_xlsx(db, tmp_path)))
    assert book.sheetnames == ["facts", "documents", "review"]
    assert any("郑州市" in str(c) for row in book["review"].iter_rows(values_only=True) for c in row)


def _xlsx(db: str, folder: Path) -> bytes:
    out = folder / "x.xlsx"
    assert cli("--db", str(db), "export", "--format", "xlsx", "-o", str(out)).returncode == 0
    return out.read_bytes()


def test_a_rejected_fact_stays_out_after_reextraction(db: str) -> None:
    rows = export_rows(db)
    fact = the_fact(rows, "8643.5")
    assert cli("--db", str(db), "review", "reject", fact["fact_id"]).returncode == 0
    assert not [r for r in export_rows(db) if r["raw_value"] == "8643.5" and r["measure"] == "value"]
    assert len(export_rows(db)) == len(rows) - 1
    reextract(db)
    assert len(export_rows(db)) == len(rows) - 1
    new_extractor_version(db)
    assert len(export_rows(db)) == len(rows) - 1


def test_a_decision_whose_fact_is_gone_goes_back_to_the_queue(db: str) -> None:
    fact = the_fact(export_rows(db), "8643.5")
    assert cli("--db", str(db), "review", "accept", fact["fact_id"]).returncode == 0
    store = Store(str(db))
    ex = extract_file(fixture(MONTHLY), Options(max_memory_mb=0))
    kept = [f for f in ex.facts if not (f.raw_value == "8643.5" and f.measure == "value")]
    store.save_document(
        name=ex.name,
        sha256=ex.sha256,
        pages=ex.pages,
        size=ex.size,
        kind=ex.kind,
        title=ex.title,
        version="changed",
        fact_rows=kept,
    )
    listing = cli("--db", str(db), "review", "list", "--kind", "unanchored", "--json")
    items = [json.loads(line) for line in listing.stdout.splitlines()]
    assert len(items) == 1 and "8643.5" in items[0]["what"]


def test_the_queue_puts_failed_checks_first(tmp_path: Path, db_url: str) -> None:
    report = tmp_path / "ops.txt"
    report.write_text(
        "2021年10月河南省通信业运行情况\n截至2021年10月底，全省移动电话用户总数达到1000万户。"
        "河南移动公司移动电话用户600万户，河南联通公司移动电话用户300万户，"
        "河南电信公司移动电话用户200万户。\n",
        encoding="utf-8",
    )
    db = db_url
    assert cli("--db", str(db), "ingest", str(report)).returncode == 0
    items = [json.loads(x) for x in cli("--db", str(db), "review", "list", "--json").stdout.splitlines()]
    assert items[0]["kind"] == "check" and len(items[0]["facts"]) == 4
    assert (
        cli("--db", str(db), "review", "accept", items[0]["id"], "--note", "report's own figures").returncode
        == 0
    )
    log = cli("--db", str(db), "review", "log").stdout.splitlines()
    assert len(log) == 4 and all("accept" in line for line in log)


def test_a_bad_correction_is_refused_with_the_reason(db: str) -> None:
    fact = the_fact(export_rows(db), "8643.5")
    proc = cli("--db", str(db), "review", "correct", fact["fact_id"], "region=火星")
    assert proc.returncode == 1 and "region '火星'" in proc.stderr
    proc = cli("--db", str(db), "review", "correct", fact["fact_id"], "colour=red")
    assert proc.returncode == 1 and "cannot change 'colour'" in proc.stderr
