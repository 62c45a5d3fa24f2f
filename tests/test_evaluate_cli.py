"""`python -m extract evaluate`: scores, misses and false positives, from files or from a database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import ANSWERS, REPO, fixture

KEY = ANSWERS / "henan-internet-monthly-2020-08.csv"


def evaluate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "extract", *args], cwd=REPO, capture_output=True, text=True, timeout=300
    )


def test_scores_a_report_read_now() -> None:
    proc = evaluate("evaluate", str(KEY), "--", str(fixture("henan-internet-monthly-2020-08.pdf")))
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("overall      P=1.000 R=1.000")
    assert any(ln.startswith("method       prose:") for ln in lines)
    assert any(ln.startswith("measure      rank_change:") for ln in lines)


def test_a_wrong_key_row_is_listed_as_a_miss_and_its_fact_as_a_false_positive(tmp_path: Path) -> None:
    lines = KEY.read_text(encoding="utf-8").splitlines()
    row = next(i for i, ln in enumerate(lines) if ",value,53443,万G," in ln)
    lines[row] = lines[row].replace(",value,53443,万G,", ",value,53444,万G,")
    key = tmp_path / "henan-internet-monthly-2020-08.csv"
    key.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = evaluate("evaluate", str(key), "--", str(fixture("henan-internet-monthly-2020-08.pdf")))
    assert "fn=1" in proc.stdout.splitlines()[0] and "fp=1" in proc.stdout.splitlines()[0]
    assert "misses (1):" in proc.stdout and "= 53444万G" in proc.stdout
    assert "false positives (1):" in proc.stdout and "= 53443万G" in proc.stdout


def test_scores_facts_stored_in_a_database(db_url: str) -> None:
    db = db_url
    assert (
        evaluate("--db", str(db), "ingest", str(fixture("henan-internet-monthly-2020-08.pdf"))).returncode
        == 0
    )
    proc = evaluate("evaluate", str(KEY), "--db", str(db))
    assert proc.stdout.startswith("overall      P=1.000 R=1.000 F1=1.000 (tp=375 fp=0 fn=0)")


def test_usage_without_keys_exits_2() -> None:
    assert evaluate("evaluate").returncode == 2
