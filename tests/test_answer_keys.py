"""Extraction scored against answer keys written by hand from reading the PDFs (tests/answers/)."""

from __future__ import annotations

import pandas as pd
import pytest

from extract.api import read_report
from extract.evaluate import evaluate, read_key

from .conftest import ANSWERS, NBS, fixture

MONTHLY_KEY = ANSWERS / "henan-internet-monthly-2020-08.csv"


def score(key_paths, facts_by_doc, method=None):
    return evaluate(key_paths, facts_by_doc, method)


@pytest.fixture(scope="module")
def monthly_facts() -> pd.DataFrame:
    return read_report(fixture("henan-internet-monthly-2020-08.pdf"))


def test_monthly_report_prose_meets_the_quality_bar(monthly_facts: pd.DataFrame) -> None:
    report = score([MONTHLY_KEY], {"henan-internet-monthly-2020-08.pdf": monthly_facts}, "prose")
    assert report.overall.precision >= 0.98, report.false_positives[:5]
    assert report.overall.recall >= 0.95, report.misses[:5]


def test_monthly_report_tables_meet_the_quality_bar(monthly_facts: pd.DataFrame) -> None:
    report = score([MONTHLY_KEY], {"henan-internet-monthly-2020-08.pdf": monthly_facts}, "table")
    assert report.overall.precision >= 0.99, report.false_positives[:5]
    assert report.overall.recall >= 0.98, report.misses[:5]


@pytest.mark.parametrize("variant, recall", [("cidfont", 0.98), ("wordstyle", 0.98), ("threeline", 0.98)])
def test_hard_copies_of_the_monthly_report(variant: str, recall: float, tmp_path) -> None:
    """The same content as a CID-font, a fake-bold/fullwidth and a three-line-table PDF."""
    name = f"henan-internet-monthly-2020-08-{variant}.pdf"
    key = tmp_path / f"henan-internet-monthly-2020-08-{variant}.csv"
    key.write_bytes(MONTHLY_KEY.read_bytes())
    report = score([key], {name: read_report(fixture(name))})
    assert report.overall.precision >= 0.98, report.false_positives[:5]
    assert report.overall.recall >= recall, report.misses[:5]


def test_nbs_spreadsheets_import_exactly() -> None:
    files = sorted(p for p in NBS.glob("*.csv"))
    if not files:
        pytest.skip("NBS exports not available")
    facts = {p.name: read_report(p) for p in files}
    report = score(sorted((ANSWERS / "nbs").glob("*.csv")), facts, "import")
    assert report.overall.precision >= 0.99 and report.overall.recall >= 0.98, report.misses[:5]
    assert report.overall.tp == sum(len(read_key(k)) for k in (ANSWERS / "nbs").glob("*.csv"))


def test_every_snippet_occurs_in_the_document_text(monthly_facts: pd.DataFrame) -> None:
    from extract.layout import squeeze_cjk_spaces
    from extract.readers import read_document

    doc = read_document(fixture("henan-internet-monthly-2020-08.pdf"))
    text = squeeze_cjk_spaces("".join(p.text for page in doc.pages for p in page.paragraphs))
    rows = {" ".join(c for c in r if c) for page in doc.pages for t in page.tables for r in t.rows}
    for snippet in monthly_facts["snippet"]:
        assert snippet in text or snippet in rows, snippet


@pytest.fixture(scope="module")
def issue_facts() -> pd.DataFrame:
    return read_report(fixture("henan-internet-2020-09-issue.pdf"))


def test_cnnic_summary_in_the_magazine_issue(issue_facts: pd.DataFrame) -> None:
    """The national CNNIC summary (pages 12–16) of a Henan magazine: 我国 figures, not 河南省 ones."""
    cnnic = issue_facts[issue_facts["page"].between(12, 16)]
    report = score(
        [ANSWERS / "henan-internet-2020-09-issue.cnnic.csv"], {"henan-internet-2020-09-issue.pdf": cnnic}
    )
    assert report.overall.precision >= 0.95, report.false_positives[:5]
    assert report.overall.recall >= 0.93, report.misses[:5]


def test_monthly_statistics_inside_the_magazine_issue(issue_facts: pd.DataFrame, tmp_path) -> None:
    """The issue's last part is the same monthly report, laid out inside a 92-page magazine."""
    monthly = issue_facts[issue_facts["page"] >= 80]
    key = tmp_path / "henan-internet-2020-09-issue.csv"
    key.write_bytes(MONTHLY_KEY.read_bytes())
    report = score([key], {"henan-internet-2020-09-issue.pdf": monthly})
    assert report.overall.precision >= 0.95, report.false_positives[:5]
    assert report.overall.recall >= 0.95, report.misses[:5]


def test_news_pages_yield_no_invented_statistics() -> None:
    """Seeds 000–002 are news: targets, dates and narrative numbers are not facts."""
    facts = pd.concat(
        [
            read_report(fixture(f"{n}.pdf"))
            for n in ("cernet-industry-news-2026-04", "wuzhen-faces-2025", "wic-wuzhen-2025-newspaper")
        ]
    )
    assert len(facts) <= 3, facts[["indicator", "snippet"]].to_string()
    assert set(facts["indicator"]) <= {"跨境电商进出口规模"}


@pytest.fixture(scope="module")
def tencent_facts() -> pd.DataFrame:
    return read_report(fixture("tencent-cloud-ai-whitepaper-2021.pdf"))


def test_tencent_rank_tables_side_by_side_groups_and_industry_ranks(tencent_facts: pd.DataFrame) -> None:
    report = score(
        [ANSWERS / "tencent-cloud-ai-whitepaper-2021.csv"],
        {"tencent-cloud-ai-whitepaper-2021.pdf": tencent_facts},
        "table",
    )
    assert report.overall.precision >= 0.99, report.false_positives[:5]
    assert report.overall.recall >= 0.98, report.misses[:5]


def test_prose_over_all_answer_keys(monthly_facts, tencent_facts, issue_facts) -> None:
    """The prose quality bar, over every hand-written key together."""
    from extract.evaluate import Report

    total = Report()
    for key, name, facts in [
        ("henan-internet-monthly-2020-08.csv", "henan-internet-monthly-2020-08.pdf", monthly_facts),
        ("tencent-cloud-ai-whitepaper-2021.csv", "tencent-cloud-ai-whitepaper-2021.pdf", tencent_facts),
        (
            "henan-internet-2020-09-issue.cnnic.csv",
            "henan-internet-2020-09-issue.pdf",
            issue_facts[issue_facts["page"].between(12, 16)],
        ),
    ]:
        total.overall.add(score([ANSWERS / key], {name: facts}, "prose").overall)
    assert total.overall.precision >= 0.98 and total.overall.recall >= 0.95, total.overall.line()
