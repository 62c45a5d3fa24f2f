"""The 审核 page in a real browser: a reviewer names themself, corrects a number of a failed check, and the
correction shows on 趋势 and in the 数据 page's CSV and Excel downloads (read back and compared), survives
``ingest --force`` and is in ``review log`` with who, when, before and after.

The server, browser and waits are those of tests/test_browser.py (every wait is for a condition).
Run with ``.venv/bin/python -m pytest tests/test_browser_review.py``.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pandas as pd
import pytest

from .conftest import run_cli
from .test_browser import (  # noqa: F401 - browser and page are fixtures used by name
    REPORTS,
    WAIT_MS,
    browser,
    expect,
    no_exception,
    page,
    settle,
    shoot,
    streamlit_server,
)

pytestmark = [pytest.mark.browser]

HENAN = REPORTS[0]
WHO = "浏览器审核员"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The Henan monthly report stored, and a server for it."""
    tmp = tmp_path_factory.mktemp("browser_review")
    db = tmp / "zhibiao.sqlite"
    assert run_cli("--db", str(db), "ingest", str(HENAN)).returncode == 0
    with streamlit_server(db, tmp / "streamlit.log") as base:
        yield base, db


def income_points(pg, base: str) -> list[tuple[str, float]]:
    """(hover value, y) of every point the 趋势 page draws for 互联网业务收入 in 河南省, read from Plotly's
    own view of the drawn traces (``_fullData``: the arrays decoded)."""
    pg.goto(base + "/trend?ind=" + quote("互联网业务收入") + "&region=" + quote("河南省"))
    settle(pg)
    expect(pg.locator(".js-plotly-plot .scatterlayer .trace").first).to_be_attached()
    no_exception(pg)
    got = pg.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(gd =>
        gd._fullData.flatMap(t => Array.from(t.y || [], (y, i) => [String((t.customdata || [])[i]?.[0]), y])))""")
    return [(s, round(float(y), 6)) for s, y in got]


def downloads(pg, base: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 数据 page's CSV and Excel downloads of 互联网业务收入 in 河南省, read back."""
    pg.goto(base + "/data?ind=" + quote("互联网业务收入") + "&region=" + quote("河南省"))
    settle(pg)
    expect(pg.get_by_text("条数据，来自").first).to_be_visible()
    frames = []
    for label in ("下载 CSV", "下载 Excel"):
        if label == "下载 Excel":  # the workbook is made on the server first
            pg.get_by_role("button", name="生成 Excel").click()
            expect(pg.get_by_role("button", name="下载 Excel")).to_be_enabled()
            settle(pg)
        with pg.expect_download(timeout=WAIT_MS) as dl:
            pg.get_by_role("button", name=label).click()
        raw = Path(dl.value.path()).read_bytes()
        if label.endswith("CSV"):
            frames.append(
                pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype=str, keep_default_na=False)
            )
        else:
            rows = list(openpyxl.load_workbook(io.BytesIO(raw))["facts"].iter_rows(values_only=True))
            frames.append(pd.DataFrame(rows[1:], columns=rows[0]).fillna("").astype(str))
    return frames[0], frames[1]


def corrected_rows(df: pd.DataFrame) -> list[tuple[str, str, bool]]:
    rows = df[(df["measure"] == "value") & df["raw_value"].isin(["50.7", "70.7"])]
    return [(r.raw_value, f"{float(r.value):.1f}", "corrected" in r.flags) for r in rows.itertuples()]


def test_a_correction_in_the_browser(server, page) -> None:  # noqa: F811 - the page fixture
    base, db = server
    pg = page
    # before: the number as printed, marked as failing its check (and the server holds the facts read)
    assert ("⚠ 50.7亿元", 50.7) in income_points(pg, base)
    pg.goto(base + "/review")
    settle(pg)
    no_exception(pg)
    expect(pg.get_by_text("C1").first).to_be_visible()  # the failed 1–N月 check, first in the queue
    expect(pg.get_by_role("button", name="保存更正")).to_have_count(0)  # not before the reviewer is named
    pg.get_by_role("textbox", name="审核人姓名", exact=True).fill(WHO)
    pg.get_by_role("button", name="开始审核").click()
    expect(pg.get_by_text(f"审核人：{WHO}")).to_be_visible()
    settle(pg)

    # the check's second fact: 互联网业务收入50.7亿元 (1–8月)
    box = pg.locator('[data-testid="stSelectbox"]').filter(has_text="该校验涉及的数据")
    box.scroll_into_view_if_needed()
    box.click()
    pg.get_by_role("option").filter(has_text="= 50.7亿元").click()
    expect(box.get_by_role("combobox")).to_have_value(re.compile(r"= 50\.7亿元"))
    settle(pg)
    expect(pg.locator('[data-testid="stImage"] img').first).to_be_visible()  # the page, number boxed
    value = pg.get_by_role("textbox", name="数值（含单位，如 8643.5万户）", exact=True)
    expect(value).to_have_value("50.7亿元")
    value.fill("70.7亿元")
    # the note is in the correction's form, sent with it (a note outside it could be lost to a rerun)
    pg.get_by_role("textbox", name="更正说明（记入审核日志）", exact=True).fill("报告表中为1-8月")
    pg.get_by_role("button", name="保存更正").click()
    expect(pg.get_by_text("已更正").first).to_be_visible()
    settle(pg)
    no_exception(pg)
    shoot(pg, "review")

    points = income_points(pg, base)
    assert ("70.7亿元", 70.7) in points and not [p for p in points if p[1] == 50.7], points

    csv_rows, xlsx_rows = downloads(pg, base)
    assert corrected_rows(csv_rows) == corrected_rows(xlsx_rows) == [("70.7", "7070000000.0", True)]
    assert csv_rows.to_dict("records") == xlsx_rows.to_dict("records")

    proc = run_cli("--db", str(db), "ingest", str(HENAN), "--force")
    assert proc.returncode == 0 and "stored" in proc.stdout, proc.stdout + proc.stderr
    assert ("70.7亿元", 70.7) in income_points(pg, base)
    csv_again, _ = downloads(pg, base)
    assert corrected_rows(csv_again) == [("70.7", "7070000000.0", True)]

    log = run_cli("--db", str(db), "review", "log").stdout.splitlines()
    (line,) = [x for x in log if "correct" in x]
    at, who = line.split()[:2]
    assert who == WHO and re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d", at)
    before = json.loads(line.split("before=")[1].split("  after=")[0])
    after = json.loads(line.split("after=")[1].split("  note=")[0])
    assert (before["raw_value"], before["value"]) == ("50.7", 5070000000.0)
    assert (after["raw_value"], after["value"]) == ("70.7", 7070000000.0)
    assert line.endswith("note=报告表中为1-8月")
