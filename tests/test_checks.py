"""Consistency checks: reports whose numbers contradict each other are flagged, through the real CLI
and store; each check on its own small hand-made frame."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from extract.checks import SETTINGS, run_checks

from .conftest import query, run_cli

cli = run_cli


def test_operators_that_add_up_to_more_than_the_total_are_flagged(tmp_path: Path, db_url: str) -> None:
    report = tmp_path / "ops.txt"
    report.write_text(
        "2021年10月河南省通信业运行情况\n截至2021年10月底，全省移动电话用户总数达到1000万户。"
        "河南移动公司移动电话用户600万户，河南联通公司移动电话用户300万户，"
        "河南电信公司移动电话用户200万户。\n",
        encoding="utf-8",
    )
    db = db_url
    proc = cli("--db", str(db), "ingest", str(report))
    assert proc.returncode == 0 and "1 consistency check(s) failed" in proc.stderr, proc.stderr
    proc = cli("--db", str(db), "check")
    assert proc.returncode == 1
    assert proc.stdout.startswith("parts_total") and "1100" in proc.stdout.replace("1.1e+07", "1100")
    [(flagged,)] = query(db, "SELECT count(*) FROM facts WHERE flags LIKE '%check_failed%'")
    assert flagged == 4  # the total and the three operators


def test_a_stated_yoy_that_contradicts_the_stored_values_is_flagged(tmp_path: Path, db_url: str) -> None:
    a = tmp_path / "a.txt"
    a.write_text(
        "2020年8月河南省通信业运行情况\n截至2020年8月底，全省移动电话用户达到100万户。\n", encoding="utf-8"
    )
    b = tmp_path / "b.txt"
    b.write_text(
        "2021年8月河南省通信业运行情况\n截至2021年8月底，全省移动电话用户达到120万户，同比增长5.0%。\n",
        encoding="utf-8",
    )
    db = db_url
    assert cli("--db", str(db), "ingest", str(a), str(b)).returncode == 0
    proc = cli("--db", str(db), "check", "--document", "b.txt")
    assert proc.returncode == 1
    assert "stated_yoy" in proc.stdout and "同比 20.0%" in proc.stdout and "同比 5.0%" in proc.stdout
    assert cli("--db", str(db), "delete", "b.txt").returncode == 0
    b.write_text(b.read_text(encoding="utf-8").replace("5.0%", "20.0%"), encoding="utf-8")
    assert cli("--db", str(db), "ingest", str(b)).returncode == 0
    proc = cli("--db", str(db), "check")
    assert proc.returncode == 0, proc.stdout  # a correct report clears the failure and its flags
    assert query(db, "SELECT count(*) FROM facts WHERE flags LIKE '%check_failed%'") == [(0,)]


# -- each check on a hand-made frame -----------------------------------------------------------------------
def frame(rows: list[dict]) -> pd.DataFrame:
    base = {
        "document": "r.pdf",
        "page": 1,
        "method": "prose",
        "category": "用户",
        "region": "河南省",
        "region_code": "410000",
        "region_level": "province",
        "operator": "",
        "subject": "",
        "measure": "value",
        "raw_unit": "",
        "snippet": "",
        "flags": "",
        "period_type": "month",
        "unit": "户",
    }
    out = []
    for i, r in enumerate(rows):
        row = {**base, "id": i + 1, **r}
        row.setdefault("raw_value", f"{row['value']:g}")
        p = row["period"]
        if "period_start" not in row:
            start = pd.Timestamp(f"{p}-01")
            row["period_start"], row["period_end"] = start, start + pd.offsets.MonthEnd(0)
        out.append(row)
    return pd.DataFrame(out)


def checks_of(rows: list[dict]) -> list[str]:
    return [f.check for f in run_checks(frame(rows))]


def test_rounding_never_fails_a_check() -> None:
    rows = [
        {"indicator": "移动电话用户", "period": "2021-10", "value": 100.0e4, "raw_value": "100"},
        {
            "indicator": "移动电话用户",
            "operator": "中国移动",
            "period": "2021-10",
            "value": 60.4e4,
            "raw_value": "60.4",
        },
        {
            "indicator": "移动电话用户",
            "operator": "中国联通",
            "period": "2021-10",
            "value": 39.9e4,
            "raw_value": "39.9",
        },
    ]
    assert checks_of(rows) == []  # 100.3 against a total printed as 100 (100 ± 0.5)


def test_shares_of_operators_over_100_are_flagged_but_overlapping_subjects_are_not() -> None:
    ops = [
        {
            "indicator": "移动电话用户",
            "operator": o,
            "measure": "share_pct",
            "period": "2021-10",
            "value": v,
            "unit": "%",
        }
        for o, v in (("中国移动", 60.0), ("中国联通", 30.0), ("中国电信", 20.0))
    ]
    assert checks_of(ops) == ["shares_sum"]
    risks = [{**r, "operator": "", "subject": s} for r, s in zip(ops, ("广告", "漏洞", "隐私"), strict=True)]
    assert checks_of(risks) == []


def test_year_to_date_totals_that_shrink_are_flagged() -> None:
    rows = [
        {
            "indicator": "电信业务收入",
            "period": p,
            "period_type": "ytd",
            "period_start": pd.Timestamp("2020-01-01"),
            "period_end": pd.Timestamp(e),
            "value": v,
            "unit": "元",
        }
        for p, e, v in (
            ("2020-01..2020-07", "2020-07-31", 60.3e8),
            ("2020-01..2020-08", "2020-08-31", 50.7e8),
        )
    ]
    assert checks_of(rows) == ["ytd_order"]


def test_the_same_fact_stated_twice_must_agree() -> None:
    rows = [
        {"indicator": "互联网用户", "period": "2020-08", "value": 11636.5e4, "raw_value": "11636.5"},
        {
            "indicator": "互联网用户",
            "period": "2020-08",
            "value": 11636.5e4,
            "raw_value": "11636.5",
            "document": "b.pdf",
        },
    ]
    assert checks_of(rows) == []
    rows[1] = {**rows[1], "value": 11663.5e4, "raw_value": "11663.5"}
    assert checks_of(rows) == ["restated"]


def test_ranks_shares_and_rates_out_of_range_are_flagged() -> None:
    rows = [
        {"indicator": "互联网用户", "measure": "rank", "period": "2020-08", "value": 35.0, "unit": "位"},
        {"indicator": "互联网用户", "measure": "share_pct", "period": "2020-08", "value": 130.0, "unit": "%"},
        {"indicator": "移动电话普及率", "period": "2020-08", "value": 1123.0, "unit": "部/百人"},
    ]
    assert checks_of(rows) == ["range", "range", "range"]


def test_a_value_ten_thousand_times_off_is_flagged() -> None:
    rows = [
        {"indicator": "移动电话用户", "region": r, "period": "2020-08", "value": v}
        for r, v in (
            ("河南省", 1.1e8),
            ("河北省", 8.2e7),
            ("山东省", 1.2e8),
            ("山西省", 4.0e7),
            ("江苏省", 1.0e8),
            ("安徽省", 6.8e3),
        )
    ]  # 6800 户: the 万 of 6800万户 lost
    assert checks_of(rows) == ["magnitude"]
    assert SETTINGS.magnitude_decades <= 4


def test_checks_run_after_an_ingest_through_the_api_too(tmp_path: Path, db_url: str) -> None:
    """The dashboard's upload calls ingest() directly: its documents are checked like the CLI's."""
    from extract.ingest import ingest
    from extract.store import Store

    report = tmp_path / "ops.txt"
    report.write_text(
        "2021年10月河南省通信业运行情况\n截至2021年10月底，全省移动电话用户总数达到1000万户。"
        "河南移动公司移动电话用户600万户，河南联通公司移动电话用户300万户，"
        "河南电信公司移动电话用户200万户。\n",
        encoding="utf-8",
    )
    store = Store(db_url)
    notes: list[str] = []
    assert [r.status for r in ingest([report], store, note=notes.append)] == ["stored"]
    assert store.check_failures()["check_name"].tolist() == ["parts_total"]
    assert any("1 consistency check(s) failed" in n for n in notes)


def test_a_bound_over_a_group_does_not_contradict_a_members_exact_value() -> None:
    """「西藏、青海、云南和新疆4省（区）10月份当月DOU均超过19GB/户·月，其中西藏高达23.4GB/户·月」: 19 is a bound
    (flagged approximate) for 西藏 as for the others; 23.4 is 西藏's value. Two exact values still must agree."""
    dou = {
        "indicator": "户均移动互联网接入流量",
        "region": "西藏自治区",
        "period": "2021-10",
        "unit": "GB/户·月",
    }
    rows = [
        {**dou, "value": 19.0, "raw_value": "19", "flags": "approximate"},
        {**dou, "value": 23.4, "raw_value": "23.4"},
    ]
    assert checks_of(rows) == []
    rows[0] = {**rows[0], "flags": ""}
    assert checks_of(rows) == ["restated"]


def test_checks_after_an_ingest_read_the_stored_text_columns(tmp_path: Path, db_url: str) -> None:
    """The stored facts come back with text columns of pandas' string dtype: every check must run on them,
    also when a check has nothing to compare (the 1–N月 order check used to stop the whole run there with
    a TypeError, "the consistency checks could not run", after any ingest of a single 1–N月 figure)."""
    from extract.ingest import ingest
    from extract.store import Store

    reports = []
    for months, value in (("1-7月", "60.3"), ("1-8月", "50.7")):
        report = tmp_path / f"henan-{months}.txt"
        report.write_text(
            f"2020年{months}河南省通信业运行情况\n2020年{months}，河南省电信业务收入累计完成{value}亿元。\n",
            encoding="utf-8",
        )
        reports.append(report)
    store = Store(db_url)
    notes: list[str] = []
    for report in reports:  # the first alone: a 1–N月 series of one period, nothing to compare
        assert [r.status for r in ingest([report], store, note=notes.append)] == ["stored"]
        assert not [n for n in notes if "could not run" in n], notes
    assert store.check_failures()["check_name"].tolist() == ["ytd_order"]
