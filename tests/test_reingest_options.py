"""A re-ingest with other reading options reads the file again; with the same options it is unchanged.

(The stored extractor version carries the non-default reading options: OCR mode, a spreadsheet's
indicator and unit — see extract.ingest.reading_version.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import SHARED, run_cli

REPORT = SHARED / "corpus" / "n-nbs-bulletin-2013-telecom.pdf"


def _status(out: str) -> str:
    """The result word of the one file of an ingest run's output."""
    line = next(ln for ln in out.splitlines() if "n-nbs-bulletin" in ln)
    return next(w for w in ("unchanged", "stored", "failed") if w in line)


def test_other_ocr_mode_reads_the_file_again(tmp_path: Path) -> None:
    pdf = tmp_path / REPORT.name
    shutil.copyfile(REPORT, pdf)
    db = ["--db", str(tmp_path / "facts.sqlite")]
    first = run_cli("ingest", *db, "--ocr", "never", str(pdf))
    assert first.returncode == 0, first.stderr
    assert _status(first.stdout + first.stderr) == "stored"
    again = run_cli("ingest", *db, "--ocr", "never", str(pdf))
    assert _status(again.stdout + again.stderr) == "unchanged"
    other = run_cli("ingest", *db, str(pdf))  # the default mode, auto
    assert other.returncode == 0, other.stderr
    assert _status(other.stdout + other.stderr) == "stored", other.stdout + other.stderr
    docs = run_cli("documents", *db)
    assert docs.stdout.count("n-nbs-bulletin-2013-telecom.pdf") == 1, docs.stdout
