"""The user catalogue and facts made of set-aside numbers (issue 15), through the command line and the
审核 page: taken now, kept for every later extraction (``ingest --force``, another report), audited."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

from extract.ingest import Options, extract_file, extractor_version
from extract.store import Store

from .conftest import REPO, run_cli

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from streamlit.testing.v1 import AppTest

APP = str(REPO / "dashboard" / "app.py")
#: 光缆线路 and 通信杆路 are not in data/indicators.csv; 1.2 (万座) is a number nothing explains.
OCTOBER = (
    "2021年10月河南省通信业运行情况\n截至2021年10月底，全省光缆线路达到150万公里，"
    "全省通信杆路达到10万公里。全省新建通信铁塔1.2万座。\n"
)
NOVEMBER = "2021年11月河南省通信业运行情况\n截至2021年11月底，全省光缆线路达到152万公里。\n"


def cli_ok(*args: str) -> str:
    proc = run_cli(*args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "oct.txt"
    path.write_text(OCTOBER, encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path: Path, report: Path) -> Path:
    path = tmp_path / "c.sqlite"
    cli_ok("--db", str(path), "ingest", str(report))
    return path


def facts(db: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(cli_ok("--db", str(db), "export", "--format", "csv"))))


def by_raw(db: Path) -> dict[str, tuple[str, str, str]]:
    """raw_value → (indicator, category, flags) of every fact."""
    return {r["raw_value"]: (r["indicator"], r["category"], r["flags"]) for r in facts(db)}


def queue(db: Path, kind: str = "") -> list[dict]:
    out = cli_ok("--db", str(db), "review", "list", "--json", *(["--kind", kind] if kind else []))
    return [json.loads(line) for line in out.splitlines()]


def test_a_mapped_name_applies_now_after_reextraction_and_to_new_reports(db: Path, report: Path) -> None:
    assert by_raw(db)["150"] == ("光缆线路", "基础设施", "uncatalogued_indicator")
    assert {i["kind"] for i in queue(db)} == {"uncatalogued_indicator", "number"}
    aside = queue(db, "set_aside")  # numbers set aside with a reason: listed when asked for
    assert aside and all(i["kind"] == "set_aside" and i["why"].startswith("set aside: ") for i in aside)
    cli_ok("--db", str(db), "review", "map", "光缆线路", "--to", "光缆线路总长度", "--note", "同一指标")
    cli_ok("--db", str(db), "review", "map", "通信杆路", "--new", "--unit", "公里")
    expected = {"150": ("光缆线路长度", "基础设施", ""), "10": ("通信杆路", "基础设施", "")}
    assert {k: by_raw(db)[k] for k in expected} == expected
    assert [i["kind"] for i in queue(db)] == ["number"]
    listing = cli_ok("--db", str(db), "review", "catalogue")
    assert "光缆线路 → 光缆线路长度" in listing and "通信杆路 → 通信杆路" in listing

    cli_ok("--db", str(db), "ingest", str(report), "--force")
    assert {k: by_raw(db)[k] for k in expected} == expected
    november = report.with_name("nov.txt")
    november.write_text(NOVEMBER, encoding="utf-8")
    cli_ok("--db", str(db), "ingest", str(november))
    assert by_raw(db)["152"] == ("光缆线路长度", "基础设施", "")

    log = [x for x in cli_ok("--db", str(db), "review", "log").splitlines() if " map " in x]
    assert len(log) == 2 and "光缆线路长度" in log[0] and "note=同一指标" in log[0]


def test_mapping_to_a_name_outside_the_catalogue_is_refused(db: Path) -> None:
    proc = run_cli("--db", str(db), "review", "map", "光缆线路", "--to", "光缆")
    assert proc.returncode == 1 and "not in the catalogue" in proc.stderr
    assert by_raw(db)["150"][0] == "光缆线路"


def number_item(db: Path) -> str:
    (item,) = [i for i in queue(db) if i["kind"] == "number"]
    assert item["what"].startswith("1.2 in")
    return item["id"]


MADE = ("新建通信铁塔", "河南省", "2021-10", "12000.0", "1.2", "万座")


def made(db: Path) -> list[tuple[str, ...]]:
    return [
        (r["indicator"], r["region"], r["period"], r["value"], r["raw_value"], r["raw_unit"])
        for r in facts(db)
        if "corrected" in r["flags"]
    ]


def test_a_fact_made_of_a_number_survives_reextraction_or_goes_back_to_the_queue(
    db: Path, report: Path
) -> None:
    n = number_item(db)
    words = ["indicator=新建通信铁塔", "region=河南省", "period=2021-10", "value=1.2万座"]
    cli_ok("--db", str(db), "review", "make", n, *words, "--note", "文中数字")
    assert made(db) == [MADE]
    assert "number" not in {i["kind"] for i in queue(db)}
    tally = Store(str(db)).number_tallies().iloc[0]
    assert (tally["facts"], tally["unexplained"]) == (3, 0)

    cli_ok("--db", str(db), "ingest", str(report), "--force")
    assert made(db) == [MADE]
    assert "number" not in {i["kind"] for i in queue(db)}
    (line,) = [x for x in cli_ok("--db", str(db), "review", "log").splitlines() if " make " in x]
    assert '"number": "1.2"' in line and '"indicator": "新建通信铁塔"' in line and "note=文中数字" in line

    # another extractor makes a fact of that number itself (it is no longer set aside): the made fact
    # comes back to the queue instead of doubling the number
    ex = extract_file(report, Options(max_memory_mb=0))
    Store(str(db)).save_document(
        name=ex.name,
        sha256=ex.sha256,
        pages=ex.pages,
        size=ex.size,
        kind=ex.kind,
        title=ex.title,
        version=extractor_version() + "+next",
        fact_rows=ex.facts,
        numbers=[o for o in ex.numbers if o.number != "1.2"],
    )
    assert made(db) == []
    assert [i["id"] for i in queue(db) if i["kind"] == "unanchored"] == ["M1"]


def test_a_fact_needs_its_indicator_region_period_and_value(db: Path) -> None:
    proc = run_cli(
        "--db", str(db), "review", "make", number_item(db), "indicator=新建通信铁塔", "value=1.2万座"
    )
    assert proc.returncode == 1 and "needs region, period" in proc.stderr
    assert made(db) == []


# -- the same through the 审核 page ---------------------------------------------------------------------
def open_review(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("ZHIBIAO_DB_URL", str(db))
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["rv_who"] = "审核员戊"
    at.run()
    at.switch_page("pages_/review.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def choose(at: AppTest, item: str) -> AppTest:
    """Select the queue row ``item`` as a user does (the table's row selection)."""
    rows = list(at.dataframe[0].value["编号"])
    at.session_state["rv_table"] = {"selection": {"rows": [rows.index(item)], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_map_and_make_on_the_page(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(str(db))
    fid = int(store.facts(with_location=True).query("raw_value == '150'")["id"].iloc[0])
    at = choose(open_review(db, monkeypatch), f"F{fid}")
    at.selectbox(key=f"rv_map_to_{fid}").set_value("光缆线路长度")
    at.button(key=f"rv_map_save_{fid}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已将「光缆线路」映射为「光缆线路长度」" in s.value for s in at.success)
    assert by_raw(db)["150"] == ("光缆线路长度", "基础设施", "")

    # 新建通信铁塔 added to the catalogue first (AppTest cannot type a new option into a select box)
    cli_ok(
        "--db", str(db), "review", "map", "新建通信铁塔", "--new", "--category", "基础设施", "--unit", "座"
    )
    n = number_item(db)
    at = choose(at, n)
    assert at.text_input(key=f"rv_m_region_{n[1:]}").value == "河南省"  # the report's usual region and period
    assert at.text_input(key=f"rv_m_period_{n[1:]}").value == "2021-10"
    at.selectbox(key=f"rv_m_indicator_{n[1:]}").set_value("新建通信铁塔")
    at.text_input(key=f"rv_m_value_{n[1:]}").set_value("1.2万座")
    at.button(key=f"rv_m_save_{n[1:]}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert made(db) == [MADE]
    assert by_raw(db)["1.2"][1] == "基础设施"  # the category of the entry added
    aside = queue(db, "set_aside")[0]["id"]  # a number set aside with a reason
    at.multiselect(key="rv_kind").set_value(["set_aside"]).run()
    at = choose(at, aside)
    assert f"rv_m_save_{aside[1:]}" in [b.key for b in at.button]  # may be made a fact too
    log = store.audit_log()
    assert list(log["action"]) == ["map", "map", "make"] and list(log["who"])[2] == "审核员戊"
