"""The 审核 page: its pure selection functions, and a correction made through it in AppTest that shows on
趋势 (in the same session) and in the CSV/XLSX exports, survives ``ingest --force`` and is in ``review log``.
"""

from __future__ import annotations

import csv
import doctest
import io
import json
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from extract import review
from extract.store import Store

from .conftest import REPO, fixture, run_cli
from .test_dashboard import arr
from .test_review import new_extractor_version, reextract

APP = str(REPO / "dashboard" / "app.py")
MONTHLY = "henan-internet-monthly-2020-08.pdf"

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from streamlit.testing.v1 import AppTest  # noqa: E402

from dashboard.pages_ import review as page  # noqa: E402


# -- the pure functions ---------------------------------------------------------------------------
def test_doctests() -> None:
    assert doctest.testmod(page).failed == 0


def _queue() -> pd.DataFrame:
    items = [
        review.Item("C1", "check", "a.pdf", 2, "ytd_order", "expected", (11, 12)),
        review.Item("F5", "unit_assumed", "b.pdf", 1, "x", "flagged unit_assumed", (5,)),
        review.Item("N7", "number", "a.pdf", 3, "12 in «…»", "unexplained"),
        review.Item("F9", "uncatalogued_indicator", "a.pdf", 4, "y", "flagged", (9,)),
    ]
    return page.queue_frame(
        items, {11: "互联网业务收入", 12: "互联网业务收入", 5: "移动电话用户", 9: "通信杆路"}
    )


def test_the_filters_keep_queue_order_and_combine() -> None:
    q = _queue()
    assert page.select_items(q)["id"].tolist() == ["C1", "F5", "N7", "F9"]
    aside = page.queue_frame(
        [review.Item("N8", "set_aside", "a.pdf", 1, "2020 in «…»", "set aside: date")], {}
    )
    both = pd.concat([q, aside.assign(rank=9)])
    assert page.select_items(both)["id"].tolist() == ["C1", "F5", "N7", "F9"]  # shown when chosen only
    assert page.select_items(both, kinds=["set_aside"])["id"].tolist() == ["N8"]
    assert page.select_items(q, document="a.pdf")["id"].tolist() == ["C1", "N7", "F9"]
    assert page.select_items(q, document="a.pdf", kinds=["uncatalogued_indicator", "check"])[
        "id"
    ].tolist() == [
        "C1",
        "F9",
    ]
    assert page.select_items(q, indicator="互联网业务收入")["id"].tolist() == ["C1"]
    assert page.select_items(q, document="b.pdf", indicator="互联网业务收入").empty
    view = page.table_view(page.select_items(q, kinds=["number"]))
    assert view.to_dict("records") == [
        {
            "编号": "N7",
            "类别": "未解释的数字",
            "报告": "a.pdf",
            "页": 3,
            "指标": "",
            "内容": "12 in «…»",
            "原因": "unexplained",
        }
    ]


def test_only_changed_fields_are_corrected() -> None:
    fact = {"indicator": "互联网业务收入", "region": "河南省", "operator": "", "subject": "", "period": "2020-01..2020-08",
            "measure": "value", "raw_value": "50.7", "raw_unit": "亿元", "unit": "元"}  # fmt: skip
    before = page.form_defaults(fact)
    assert page.correction_words(before, dict(before)) == []
    after = {**before, "value": "70.7亿元", "operator": "中国移动"}
    assert page.correction_words(before, after) == ["operator=中国移动", "value=70.7亿元"]
    changes = review.parse_changes(page.correction_words(before, after))
    assert changes["value"] == pytest.approx(7.07e9) and changes["raw_value"] == "70.7"


# -- a correction through the page ----------------------------------------------------------------
@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "r.sqlite"
    assert run_cli("--db", str(path), "ingest", str(fixture(MONTHLY))).returncode == 0
    return path


def the_fact(db: Path, raw_value: str) -> dict:
    rows = Store(str(db)).facts(with_location=True)
    hit = rows[(rows["raw_value"] == raw_value) & (rows["measure"] == "value") & (rows["region"] == "河南省")]
    assert len(hit) == 1, raw_value
    return hit.iloc[0].to_dict()


def open_app(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("ZHIBIAO_DB_URL", str(db))
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    return at


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def exported(db: Path) -> tuple[list[dict[str, str]], list[dict[str, object]]]:
    """The CSV and the XLSX facts sheet written by ``zhibiao export``, read back from the files."""
    out_csv, out_xlsx = db.parent / "facts.csv", db.parent / "facts.xlsx"
    for fmt, out in (("csv", out_csv), ("xlsx", out_xlsx)):
        proc = run_cli("--db", str(db), "export", "--format", fmt, "-o", str(out))
        assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))
    sheet = openpyxl.load_workbook(out_xlsx)["facts"].iter_rows(values_only=True)
    head = next(sheet)
    return rows, [dict(zip(head, r, strict=True)) for r in sheet]


def income_points(at: AppTest) -> list[tuple[str, float]]:
    """Every point of the 趋势 chart of 互联网业务收入 in 河南省: (hover value, y in the axis' unit)."""
    at.multiselect(key="f_ind").set_value(["互联网业务收入"]).run()
    at.multiselect(key="f_region").set_value(["河南省"]).run()
    ok(at)
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return [
        (str(c[0]), round(y, 6))
        for s in specs
        for t in s["data"]
        for c, y in zip(t.get("customdata") or [], arr(t["y"]), strict=True)
    ]


def test_a_correction_on_the_page_shows_everywhere_and_survives_reextraction(db, monkeypatch) -> None:
    fact = the_fact(
        db, "50.7"
    )  # 互联网业务收入50.7亿元 (1–8月): fails the 1–N月 order check with 60.3 (1–7月)
    fid = int(fact["id"])
    at = ok(open_app(db, monkeypatch))
    at.switch_page("pages_/review.py").run()
    ok(at)
    assert f"rv_c_save_{fid}" not in [b.key for b in at.button]  # no decisions before the reviewer is named
    at.text_input(key="rv_who_input").set_value("审核员甲")
    at.button(key="rv_who_ok").click().run()
    ok(at)
    table = at.dataframe[0].value
    assert table["编号"].tolist()[0] == "C1" and table["类别"].tolist()[0] == "校验未通过"
    at.selectbox(key="rv_fact_of_C1").set_value(fid).run()
    ok(at)
    assert at.get("imgs") or at.get("image"), "the report page is shown"
    at.text_input(key=f"rv_c_value_{fid}").set_value("70.7亿元")
    at.text_input(key=f"rv_note_{fid}").set_value("只在确认或剔除时用")
    at.text_input(key=f"rv_c_note_{fid}").set_value("表中为1-8月")  # the correction's own note wins
    at.button(key=f"rv_c_save_{fid}").click().run()
    ok(at)
    assert any("已更正" in s.value for s in at.success)

    # 趋势, in the same session: the corrected value, not the printed one
    at.switch_page("pages_/trend.py").run()
    points = income_points(ok(at))
    assert ("70.7亿元", 70.7) in points and not [p for p in points if "50.7" in p[0] or p[1] == 50.7], points

    # the exports, written and read back
    for rows in exported(db):
        got = [r for r in rows if r["raw_value"] == "70.7" and r["measure"] == "value"]
        assert len(got) == 1 and float(got[0]["value"]) == pytest.approx(7.07e9), got
        assert "corrected" in str(got[0]["flags"])
        assert not [r for r in rows if r["raw_value"] == "50.7" and r["measure"] == "value"]

    # the audit: who, when, before, after, note
    log = run_cli("--db", str(db), "review", "log").stdout.splitlines()
    (line,) = [x for x in log if "correct" in x]
    assert "审核员甲" in line and '"raw_value": "50.7"' in line and '"raw_value": "70.7"' in line
    assert "note=表中为1-8月" in line and line[:4].isdigit()

    # extracted again: the correction is re-applied, the page and 趋势 still show it
    for again_by in (reextract, new_extractor_version):  # ingest --force, and another extractor version
        again_by(db)
        rows, _ = exported(db)
        assert [(r["value"], "corrected" in r["flags"]) for r in rows if r["raw_value"] == "70.7"] == [
            ("7070000000.0", True)
        ], again_by
    at = ok(open_app(db, monkeypatch))
    at.switch_page("pages_/trend.py").run()
    assert ("70.7亿元", 70.7) in income_points(ok(at))


def test_accepting_a_whole_check_empties_it_from_the_queue(db, monkeypatch) -> None:
    at = ok(open_app(db, monkeypatch))
    at.session_state["rv_who"] = "审核员乙"
    at.switch_page("pages_/review.py").run()
    ok(at)
    at.button(key="rv_accept_all_C1").click().run()
    ok(at)
    assert "C1" not in [i.id for i in review.queue(Store(str(db)))]
    assert any("审核队列为空" in s.value for s in at.success)
    log = Store(str(db)).audit_log()
    assert len(log) == 2 and set(log["who"]) == {"审核员乙"} and set(log["action"]) == {"accept"}


def test_exposed_without_an_editor_the_queue_shows_but_no_decision(db, monkeypatch) -> None:
    for name in ("ZHIBIAO_EDITOR_PASSWORD", "ZHIBIAO_EDITORS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ZHIBIAO_EXPOSE", "1")
    at = ok(open_app(db, monkeypatch))
    at.session_state["rv_who"] = "审核员丙"
    at.switch_page("pages_/review.py").run()
    ok(at)
    assert at.dataframe[0].value["编号"].tolist()[0] == "C1"  # reading is open to all
    assert not [b for b in at.button if str(b.key).startswith(("rv_accept", "rv_reject", "rv_c_save"))]
    assert not [t for t in at.text_input if str(t.key).startswith("rv_")]


# -- numbers that failed a check are marked on every page -------------------------------------------
OPERATORS_REPORT = (
    "2021年10月河南省通信业运行情况\n截至2021年10月底，全省移动电话用户总数达到1000万户。"
    "河南移动公司移动电话用户600万户，河南联通公司移动电话用户300万户，"
    "河南电信公司移动电话用户200万户。\n"
)


@pytest.fixture
def ops_db(tmp_path: Path) -> Path:
    """A report whose operators (600 + 300 + 200万户) do not add up to its total (1000万户)."""
    report = tmp_path / "ops.txt"
    report.write_text(OPERATORS_REPORT, encoding="utf-8")
    db = tmp_path / "ops.sqlite"
    assert run_cli("--db", str(db), "ingest", str(report)).returncode == 0
    flags = Store(str(db)).facts()["flags"]
    assert flags.str.contains("check_failed").sum() == 4
    return db


def shown_values(at: AppTest) -> list[str]:
    """Every number the page shows: cards, chart labels and hovers, the 数据 table's 数值."""
    out = [m.value for m in at.metric]
    for c in at.get("plotly_chart"):
        for t in json.loads(c.proto.spec)["data"]:
            out += [str(x) for x in arr(t.get("text"))]
            out += [str(row[0]) for row in t.get("customdata") or []]
    out += [v for d in at.dataframe if "数值" in d.value.columns for v in d.value["数值"]]
    return out


PAGES = {
    "overview": {"o_region": "河南省"},
    "trend": {"ind": "移动电话用户", "region": "河南省"},
    "regions": {"r_ind": "移动电话用户"},
    "operators": {"op_ind": "移动电话用户", "op_region": "河南省"},
    "table": {"ind": "移动电话用户"},
}


@pytest.mark.parametrize("name", list(PAGES))
def test_a_number_that_failed_a_check_is_marked_until_a_person_settles_it(ops_db, monkeypatch, name) -> None:
    monkeypatch.setenv("ZHIBIAO_DB_URL", str(ops_db))

    def values() -> list[str]:
        at = AppTest.from_file(APP, default_timeout=180)
        for k, v in PAGES[name].items():
            at.query_params[k] = v
        at.run()
        at.switch_page(f"pages_/{name}.py").run()
        return [v for v in shown_values(ok(at)) if "万户" in v]

    got = values()
    assert got and all(v.startswith("⚠ ") for v in got), got
    store = Store(str(ops_db))
    for fid in store.facts(with_location=True)["id"]:
        review.decide(store, f"F{fid}", "accept", [], "审核员丁")
    from dashboard import data

    data.clear_caches()
    got = values()
    assert got and not [v for v in got if "⚠" in v], got
