"""The spine: real PDFs in, a durable fact table with provenance out."""

from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd
import pytest

from extract.cli import main
from extract.model import FACT_COLUMNS
from extract.store import Store

from .conftest import REPO, fixture, query

MONTHLY = "henan-internet-monthly-2020-08.pdf"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "extract", *args], cwd=REPO, capture_output=True, text=True, timeout=300
    )


def test_bad_files_fail_clearly_while_the_good_one_is_stored(db_url: str) -> None:
    good = fixture(MONTHLY)
    bad = [
        fixture("henan-internet-monthly-2020-08-encrypted.pdf"),
        fixture("henan-internet-monthly-2020-08-truncated.pdf"),
        fixture("henan-internet-monthly-2020-08-scanned.pdf"),
    ]
    proc = run_cli("--db", db_url, "ingest", "--ocr", "never", *map(str, bad), str(good))  # the scan: no OCR
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert "encrypted.pdf: the PDF is password-protected; give the password with --password" in out
    assert "truncated.pdf: the PDF is damaged or truncated" in out
    assert "scanned.pdf: the PDF has no text layer" in out
    stored = [line for line in out.splitlines() if line.startswith("已入库")]
    assert len(stored) == 1 and MONTHLY in stored[0]
    docs = Store(db_url).documents()
    ok = docs[docs["status"] == "ok"]
    assert list(ok["name"]) == [MONTHLY]
    assert Store(db_url).count_facts() == int(ok["facts"].iloc[0]) > 100


def test_password_opens_the_encrypted_copy(db_url: str) -> None:
    enc = fixture("henan-internet-monthly-2020-08-encrypted.pdf")
    assert main(["--db", db_url, "ingest", str(enc), "--password", "wrong"]) == 1
    assert main(["--db", db_url, "ingest", str(enc), "--password", "s3cret"]) == 0
    df = Store(db_url).facts()
    assert (df["document"] == enc.name).all() and len(df) > 100


def test_reingest_is_a_noop_that_says_so(db_url: str) -> None:
    good = fixture(MONTHLY)
    assert run_cli("--db", db_url, "ingest", str(good)).returncode == 0
    before = query(db_url, "select id, ingested_at from documents")
    again = run_cli("--db", db_url, "ingest", str(good))
    assert again.returncode == 0
    assert "unchanged" in again.stdout and "skipped" in again.stdout
    after = query(db_url, "select id, ingested_at from documents")
    assert before == after


def test_facts_keep_document_page_snippet_and_location(db_url: str) -> None:
    good = fixture(MONTHLY)
    main(["--db", db_url, "ingest", str(good)])
    df = Store(db_url).facts(with_location=True)
    assert (df["snippet"].str.len() > 0).all()
    assert df["page"].between(1, 11).all()
    assert df[["x0", "top", "x1", "bottom"]].notna().all(axis=1).mean() > 0.95
    docs = Store(db_url).documents()
    assert docs["file_path"].iloc[0].endswith(".pdf")
    assert Store(db_url).original_bytes(docs["sha256"].iloc[0]) == good.read_bytes()
    # the income table row, read with its unit from the header
    row = df[(df["subject"] == "互联网平台业务") & (df["measure"] == "value")].iloc[0]
    assert row["raw_value"] == "39.3" and row["unit"] == "元" and row["value"] == pytest.approx(3.93e9)
    assert row["period"] == "2020-01..2020-07" and "inconsistent" in row["flags"]


def test_export_csv_and_xlsx_round_trip(db_url: str, tmp_path) -> None:
    main(["--db", db_url, "ingest", str(fixture(MONTHLY))])
    stored = Store(db_url).facts()
    proc = run_cli("--db", db_url, "export", "--format", "csv")
    assert proc.returncode == 0
    csv_df = pd.read_csv(io.StringIO(proc.stdout), dtype=str, keep_default_na=False)
    assert list(csv_df.columns) == list(FACT_COLUMNS)
    assert len(csv_df) == len(stored)
    assert sorted(csv_df["value"].astype(float).round(6)) == sorted(stored["value"].round(6))
    xlsx = tmp_path / "facts.xlsx"
    assert main(["--db", db_url, "export", "--format", "xlsx", "-o", str(xlsx)]) == 0
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert set(sheets) == {"facts", "documents", "review"}
    assert len(sheets["facts"]) == len(stored) and list(sheets["facts"].columns) == list(FACT_COLUMNS)
    assert sheets["documents"]["name"].tolist() == [MONTHLY]


def test_export_filters(db_url: str) -> None:
    main(["--db", db_url, "ingest", str(fixture(MONTHLY))])
    proc = run_cli(
        "--db", db_url, "export", "--indicator", "网站访问量", "--from", "2020-08", "--to", "2020-08"
    )
    df = pd.read_csv(io.StringIO(proc.stdout), dtype=str, keep_default_na=False)
    assert len(df) > 0 and set(df["indicator"]) == {"网站访问量"} and set(df["period"]) == {"2020-08"}


def test_documents_command_lists_what_is_stored(db_url: str) -> None:
    assert "no documents stored yet" in run_cli("--db", db_url, "documents").stdout
    main(["--db", db_url, "ingest", str(fixture(MONTHLY))])
    out = run_cli("--db", db_url, "documents").stdout
    assert MONTHLY in out and "ok" in out


def test_usage_error_exits_2() -> None:
    assert run_cli("frobnicate").returncode == 2


def test_read_report_api_returns_typed_facts() -> None:
    import extract

    df = extract.read_report(fixture(MONTHLY))
    assert list(df.columns) == list(FACT_COLUMNS)
    assert df["value"].dtype == "float64" and str(df["period_start"].dtype).startswith("datetime64")
