"""The dashboard shows only true numbers: every hover belongs to its own point, labels keep the
subject, pages do not crash on the indicators they offer (issue: 趋势 hover labels, 互联网业务收入).

Runs the real app in AppTest on a store filled through the real ingest from the shared fixtures,
then checks every trace of every chart: the value in a point's hover text, read back as a number,
is its plotted y times the axis scale, and the hover's period is the point's own x.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from extract.model import Fact
from extract.normalize.quantities import parse_quantity

from .test_dashboard import APP, REPO, SHARED, arr

NBS = SHARED / "data" / "nbs"
TENCENT = SHARED / "fixtures" / "tencent-cloud-ai-whitepaper-2021.pdf"
HENAN = SHARED / "fixtures" / "henan-internet-monthly-2020-08.pdf"

pytestmark = pytest.mark.skipif(not TENCENT.exists(), reason=f"shared fixtures not found at {SHARED}")

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from streamlit.testing.v1 import AppTest  # noqa: E402


@pytest.fixture(scope="module")
def store_db(tmp_path_factory) -> Path:
    from extract.ingest import ingest
    from extract.store import Store

    db = tmp_path_factory.mktemp("truth") / "zhibiao.sqlite"
    results = ingest([NBS / "电信业务总量分省年度数据.csv", TENCENT, HENAN], Store(str(db)))
    assert all(r.status == "stored" for r in results), [r.line() for r in results]
    return db


def run(db: Path, monkeypatch: pytest.MonkeyPatch, page: str, **query: str) -> AppTest:
    monkeypatch.setenv("ZHIBIAO_DB_URL", str(db))
    at = AppTest.from_file(APP, default_timeout=180)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(f"pages_/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def hover_points(at: AppTest) -> list[tuple[str, float, float, str, str]]:
    """(trace, y, hover value as a number, x, hover period) for every point of every line chart."""
    out = []
    for el in at.get("plotly_chart"):
        fig = json.loads(el.proto.spec)
        for tr in fig["data"]:
            custom = tr.get("customdata")
            if not custom or tr.get("type") not in (None, "scatter"):
                continue
            ys, xs = arr(tr["y"]), arr(tr["x"])
            for y, x, cd in zip(ys, xs, custom, strict=True):
                q = parse_quantity(str(cd[0]))
                assert q is not None, cd
                out.append((tr.get("name", ""), float(y), q.value, str(x), str(cd[3])))
    return out


def test_every_trend_hover_is_its_own_points_value(store_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(store_db, monkeypatch, "trend", ind="电信业务总量", region="北京市")
    points = hover_points(at)
    assert len(points) >= 8
    ratios = sorted(h / y for _, y, h, _, _ in points if y)
    scale = ratios[len(ratios) // 2]  # the axis scale (亿), the same for every point
    wrong = [(name, y, h) for name, y, h, _, _ in points if y and abs(h / y / scale - 1) > 1e-3]
    assert not wrong, f"hover values that are not the point's own (printed precision aside): {wrong[:5]}"
    for _, _, _, x, when in points:
        assert when.startswith(str(pd.Timestamp(x).year)), (x, when)


def _fact(indicator: str, subject: str, period: str, value: float, unit: str, raw: str) -> Fact:
    year = period[:4]
    return Fact(document="handmade.pdf", page=1, method="prose", indicator=indicator, category="收入",
                region="全国", region_code="100000", region_level="national", operator="", subject=subject,
                period=period, period_type="year", period_start=f"{year}-01-01", period_end=f"{year}-12-31",
                measure="value", value=value, unit=unit, raw_value=raw, raw_unit="", snippet=f"{subject}{raw}")


@pytest.fixture(scope="module")
def subject_db(tmp_path_factory) -> Path:
    """A small hand-made store: an index stated for one subject only, and a revenue stated both in
    total and for one company, over two years."""
    from extract.store import Store

    db = tmp_path_factory.mktemp("subjects") / "zhibiao.sqlite"
    rows = [_fact("AI指数", "金融", "2020", 200.0, "点", "200"),
            _fact("互联网业务收入", "", "2019", 1.2e12, "元", "12000"),
            _fact("互联网业务收入", "", "2020", 1.3e12, "元", "13000"),
            _fact("互联网业务收入", "腾讯", "2019", 3.0e11, "元", "3000"),
            _fact("互联网业务收入", "腾讯", "2020", 3.5e11, "元", "3500")]
    Store(str(db)).save_document(name="handmade.pdf", sha256="ab" * 32, pages=1, size=1, kind="pdf",
                                 title="hand-made", version="test", fact_rows=rows)
    return db


def test_a_single_series_label_keeps_its_subject(subject_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """AI指数 200 is the 金融 index: the label must say so, not a bare 全国."""
    at = run(subject_db, monkeypatch, "trend", ind="AI指数")
    labels = [m.label for m in at.metric]
    assert labels and all("金融" in lab for lab in labels), labels


def test_trend_with_total_and_subject_rows_draws(subject_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A total (no subject) and a company over time: two series, labelled 合计 and 腾讯, no crash."""
    at = run(subject_db, monkeypatch, "trend", ind="互联网业务收入")
    names = sorted(tr.get("name", "") for el in at.get("plotly_chart")
                   for tr in json.loads(el.proto.spec)["data"])
    assert names == ["全国 · 合计", "全国 · 腾讯"], names
    points = hover_points(at)
    assert len(points) == 4
