"""The dashboard shows only true numbers: every hover belongs to its own point, labels keep the
subject, pages do not crash on the indicators they offer (issue 13).

Runs the real app in AppTest on a store filled through the real ingest from the shared fixtures, and on
a small hand-made store, then checks every trace of every chart of every page: the value in a point's
hover text, read back as a number, is the plotted value (y; x for horizontal bars; z or the marker
colour on maps) times the axis scale, the printed precision aside.
"""

from __future__ import annotations

import json
import re
import sys

import pandas as pd
import pytest

from extract.model import Fact
from extract.normalize.quantities import parse_quantity

from .conftest import use_database
from .test_dashboard import APP, REPO, SHARED, arr, metrics, texts

NBS = SHARED / "data" / "nbs"
TENCENT = SHARED / "fixtures" / "tencent-cloud-ai-whitepaper-2021.pdf"
HENAN = SHARED / "fixtures" / "henan-internet-monthly-2020-08.pdf"

pytestmark = pytest.mark.skipif(not TENCENT.exists(), reason=f"shared fixtures not found at {SHARED}")

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from streamlit.testing.v1 import AppTest  # noqa: E402


@pytest.fixture(scope="module")
def store_db(new_db) -> str:
    from extract.ingest import ingest
    from extract.store import Store

    db = new_db("truth")
    with pytest.MonkeyPatch.context() as mp:
        use_database(mp, db)  # the originals go where the app will look for them
        results = ingest([NBS / "电信业务总量分省年度数据.csv", TENCENT, HENAN], Store(db))
    assert all(r.status == "stored" for r in results), [r.line() for r in results]
    return db


def run(db: str, monkeypatch: pytest.MonkeyPatch, page: str, **query: str) -> AppTest:
    use_database(monkeypatch, db)
    at = AppTest.from_file(APP, default_timeout=180)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(f"pages_/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# -- reading a hover back ------------------------------------------------------------------------
def _scale(title: object) -> float:
    """The factor an axis or colour-bar title puts on the plotted numbers (万人 → 10⁴, % → 1)."""
    text = re.sub(r"[（(].*?[）)]", "", str(title or "")).strip()
    if not text or text in ("名次",):
        return 1.0
    q = parse_quantity("1" + text)
    return q.value if q is not None else 1.0


def _plotted(tr: dict, layout: dict) -> tuple[list, float]:
    """The numbers a trace plots and the factor of its axis (or colour bar)."""
    kind = tr.get("type") or "scatter"
    if kind == "choropleth":
        return arr(tr["z"]), _scale(tr.get("colorbar", {}).get("title", {}).get("text"))
    if kind == "scattergeo":
        marker = tr.get("marker", {})
        return arr(marker.get("color")), _scale(marker.get("colorbar", {}).get("title", {}).get("text"))
    if kind == "bar" and tr.get("orientation") == "h":
        return arr(tr["x"]), _scale(layout.get("xaxis", {}).get("title", {}).get("text"))
    return arr(tr["y"]), _scale(layout.get("yaxis", {}).get("title", {}).get("text"))


def _tolerance(q) -> float:
    """Half a unit in the last printed digit, in canonical units (8643.5万户 → ±500户)."""
    digits = q.raw_value.split(".")[1] if "." in q.raw_value else ""
    unit = parse_quantity("1" + q.raw_unit) if q.raw_unit else None
    return 0.5 * 10.0 ** -len(digits) * (unit.value if unit is not None else 1.0)


def _bare(text: str) -> str:
    """A shown number without the qualifier the report printed with it (不足3亿户 → 3亿户)."""
    from dashboard import rules

    for w in sorted(rules._QUALIFIER_BEFORE, key=len, reverse=True):
        if text.startswith(w):
            text = text[len(w) :]
            break
    return next((text[: -len(w)] for w in rules._QUALIFIER_AFTER if text.endswith(w)), text)


def hover_points(at: AppTest) -> list[dict]:
    """For every point of every trace that has a hover: its plotted value (times the axis scale) and
    the value its hover text states; traces whose hover is switched off (map outlines) are skipped."""
    out = []
    for n, el in enumerate(at.get("plotly_chart")):
        fig = json.loads(el.proto.spec)
        for tr in fig["data"]:
            if tr.get("hoverinfo") == "skip" or "hovertemplate" not in tr or "无数据" in tr["hovertemplate"]:
                continue  # no hover, or one that says the region has no value
            template = tr["hovertemplate"]
            assert "%{customdata[0]}" in template, f"the hover does not state the point's value: {template}"
            values, scale = _plotted(tr, fig["layout"])
            custom = tr["customdata"]
            assert len(custom) == len(values), (tr.get("name"), len(custom), len(values))
            for v, cd in zip(values, custom, strict=True):
                text = str(cd[0])
                q = parse_quantity(_bare(text).lstrip("+"))
                assert q is not None, text
                out.append(
                    {
                        "chart": n,
                        "trace": tr.get("name", ""),
                        "plotted": float(v) * scale,
                        "text": text,
                        "hover": q.value if not text.startswith("-") or q.value < 0 else -q.value,
                        "tol": _tolerance(q),
                        "rank": q.unit == "位",
                        "cd": cd,
                    }
                )
    return out


def assert_hovers_true(at: AppTest, at_least: int = 1) -> list[dict]:
    points = [p for p in hover_points(at) if not p["rank"]]
    assert len(points) >= at_least, points
    wrong = [
        (p["trace"], p["plotted"], p["text"])
        for p in points
        if abs(p["hover"] - p["plotted"]) > p["tol"] + 1e-9 * abs(p["plotted"])
    ]
    assert not wrong, f"hover values that are not the point's own (printed precision aside): {wrong[:5]}"
    return points


# -- the shared fixtures: 电信业务总量 by province (NBS), the Henan report, the Tencent white paper --------
def test_every_trend_hover_is_its_own_points_value(store_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(store_db, monkeypatch, "trend", ind="电信业务总量", region="北京市")
    points = assert_hovers_true(at, at_least=8)
    for p in points:  # and the hover's period is the point's own
        assert str(p["cd"][2])[:4].isdigit(), p


@pytest.mark.parametrize(
    ("indicator", "measure"),
    [
        ("电信业务总量", "value"),
        ("电信业务总量", "yoy_pct"),  # 同比 derived from the NBS years
        ("互联网业务收入", "yoy_pct"),
        ("互联网访问流量", "share_pct"),
        ("AI指数", "mom_pct"),
        ("移动互联网用户", "change"),
        ("移动互联网接入流量", "value"),
    ],
)  # the last: 当月 derived from 1–N月
def test_trend_hovers_in_every_measure(
    store_db: str, monkeypatch: pytest.MonkeyPatch, indicator: str, measure: str
) -> None:
    at = run(store_db, monkeypatch, "trend", ind=indicator, measure=measure)
    assert at.session_state["t_measure"] == measure
    assert at.get("plotly_chart") or at.metric, "nothing drawn"
    assert_hovers_true(at, at_least=0)
    for m in at.metric:  # one period only: the cards state a number
        assert parse_quantity(m.value.lstrip("+")) is not None, m.value


def test_region_bar_and_map_hovers(store_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(store_db, monkeypatch, "regions", r_ind="电信业务总量")
    points = assert_hovers_true(at, at_least=60)  # 31 bars and 31 provinces on the map
    assert {p["chart"] for p in points} == {0, 1}


def test_city_bubble_hovers(store_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(store_db, monkeypatch, "regions", r_ind="互联网访问流量", r_level="city")
    assert_hovers_true(at, at_least=10)


def test_operator_bar_hovers(store_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(store_db, monkeypatch, "operators", op_ind="IPTV用户", op_region="河南省")
    points = assert_hovers_true(at, at_least=6)  # three shares and three values
    assert len({p["chart"] for p in points}) == 2


# -- a hand-made store: operators over time, the same facts in two reports, printed precision -------
def _f(
    indicator: str,
    period: str,
    value: float,
    unit: str,
    raw: str,
    raw_unit: str,
    *,
    doc: str = "a.pdf",
    region: str = "河南省",
    code: str = "410000",
    operator: str = "",
    subject: str = "",
    snippet: str = "",
    level: str = "province",
    category: str = "用户",
) -> Fact:
    if len(period) == 4:
        start, end, ptype = f"{period}-01-01", f"{period}-12-31", "year"
    else:
        start = f"{period}-01"
        end = str((pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date())
        ptype = "month"
    return Fact(
        document=doc,
        page=2,
        method="table",
        indicator=indicator,
        category=category,
        region=region,
        region_code=code,
        region_level=level,
        operator=operator,
        subject=subject,
        period=period,
        period_type=ptype,
        period_start=start,
        period_end=end,
        measure="value",
        value=value,
        unit=unit,
        raw_value=raw,
        raw_unit=raw_unit,
        snippet=snippet or f"{indicator}{raw}{raw_unit}",
    )


PROVINCES = [
    ("河南省", "410000", "4110.50"),
    ("河北省", "130000", "3956"),
    ("广东省", "440000", "8024"),
    ("山东省", "370000", "5207"),
    ("江苏省", "320000", "4513"),
    ("浙江省", "330000", "3632"),
]
MONTHS = ("2019-08", "2020-06", "2020-07", "2020-08")
OPERATORS = {
    "中国移动": (9800.0, 10100.0, 10200.0, 10250.3),
    "中国联通": (3000.0, 3100.0, 3150.0, 3188.8),
    "中国电信": (2000.0, 2200.0, 2210.0, 2230.4),
}


def _handmade_rows() -> dict[str, list[Fact]]:
    a, b = [], []
    for name, code, raw in PROVINCES:  # a regional series with one printed precision and one qualifier
        for year, scale in (("2015", 0.9), ("2016", 1.0)):
            v = float(raw) * scale
            text = raw if year == "2016" else f"{v:.1f}"
            snippet = f"{name}上网人数约{text}万人" if name == "广东省" else f"{name}上网人数{text}万人"
            a.append(
                _f(
                    "互联网上网人数",
                    year,
                    v * 1e4,
                    "人",
                    text,
                    "万人",
                    region=name,
                    code=code,
                    snippet=snippet,
                )
            )
    for op, values in OPERATORS.items():
        for month, v in zip(MONTHS, values, strict=True):
            fact = _f(
                "移动电话用户",
                month,
                v * 1e4,
                "户",
                f"{v:g}" if v != 10250.3 else "10250.3",
                "万户",
                operator=op,
            )
            a.append(fact)
            if month == "2020-07":  # the same facts stated again by a second report
                b.append(Fact(**{**fact.__dict__, "document": "b.pdf", "page": 5}))
        for year, rate in (("2019", 60.0), ("2020", 70.0)):
            a.append(
                _f(
                    "IPv4地址使用率",
                    year,
                    rate,
                    "%",
                    f"{rate:g}",
                    "%",
                    operator=op,
                    region="全国",
                    code="100000",
                    level="national",
                    category="其他",
                )
            )
    for month, v in zip(MONTHS, (14800.0, 15400.0, 15560.0, 15669.5), strict=True):
        a.append(
            _f(
                "移动电话用户",
                month,
                v * 1e4,
                "户",
                f"{v:g}",
                "万户",
                snippet=f"移动电话用户超过{v:g}万户" if month == "2020-08" else "",
            )
        )
        if month == "2020-07":
            b.append(_f("移动电话用户", month, v * 1e4, "户", f"{v:g}", "万户", doc="b.pdf"))
    return {"a.pdf": a, "b.pdf": b}


@pytest.fixture(scope="module")
def hand_db(new_db) -> str:
    from extract.store import Store

    db = new_db("handmade")
    store = Store(db)
    for i, (name, rows) in enumerate(_handmade_rows().items()):
        store.save_document(
            name=name,
            sha256=f"{i}" * 64,
            pages=8,
            size=1,
            kind="pdf",
            title=name,
            version="test",
            fact_rows=rows,
        )
    return db


def test_operator_area_hovers_in_both_modes(hand_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for mode in ("share", "value"):
        at = run(hand_db, monkeypatch, "operators", op_ind="移动电话用户", op_region="河南省", op_mode=mode)
        area = json.loads(at.get("plotly_chart")[0].proto.spec)
        assert {t["name"] for t in area["data"]} == set(OPERATORS)
        assert all(len(arr(t["x"])) == len(MONTHS) for t in area["data"])  # 2020-07 drawn once, not twice
        assert_hovers_true(at, at_least=3 * len(MONTHS) + 6)


def test_a_fact_stated_twice_is_drawn_once_with_both_sources(
    hand_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = run(hand_db, monkeypatch, "trend", ind="移动电话用户", region="河南省")
    (spec,) = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
    (trace,) = spec["data"]
    assert len(arr(trace["x"])) == len(MONTHS)
    july = next(cd for cd in trace["customdata"] if cd[2] == "2020年7月")
    assert "a.pdf" in july[1] and "b.pdf" in july[1], july
    assert_hovers_true(at, at_least=len(MONTHS))
    assert "b.pdf" in texts(at)  # the source line lists every report


def test_trend_with_many_series_labels_line_ends_in_distinct_colours(
    hand_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = run(hand_db, monkeypatch, "trend", ind="互联网上网人数")
    (spec,) = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
    names = [t["name"] for t in spec["data"]]
    assert len(names) == len(PROVINCES)
    labels = [a["text"] for a in spec["layout"].get("annotations", [])]
    assert sorted(labels) == sorted(names)  # each line named at its end
    colours = [t["line"]["color"] for t in spec["data"]]
    assert _min_gap(colours) >= 25, colours
    assert_hovers_true(at, at_least=2 * len(PROVINCES))


def _lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of a #RRGGBB colour."""

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(int(colour.lstrip("#")[i : i + 2], 16) / 255) for i in (0, 2, 4))
    xyz = (
        (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
        0.2126 * r + 0.7152 * g + 0.0722 * b,
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
    )

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = (f(t) for t in xyz)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def _min_gap(colours: list[str]) -> float:
    """The smallest colour difference (CIE76 ΔE) between two colours of the list."""
    labs = [_lab(c) for c in colours]
    return min(
        sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5
        for i, a in enumerate(labs)
        for b in labs[i + 1 :]
    )


def test_the_palettes_have_distinct_hues() -> None:
    """No two near-identical blues or oranges: every palette colour is far (ΔE ≥ 25) from every other."""
    from dashboard import charts

    assert _min_gap(list(charts.REGION_PALETTE)) >= 25, charts.REGION_PALETTE
    assert _min_gap(list(charts.OPERATOR_COLORS.values())) >= 40


def test_region_labels_keep_printed_precision_and_qualifier(
    hand_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = run(hand_db, monkeypatch, "regions", r_ind="互联网上网人数", r_period="2016")
    bar = next(
        json.loads(el.proto.spec)
        for el in at.get("plotly_chart")
        if json.loads(el.proto.spec)["data"][0]["type"] == "bar"
    )
    labels = dict(zip(arr(bar["data"][0]["y"]), arr(bar["data"][0]["text"]), strict=True))
    assert labels["河南省"] == "4110.50万人"  # as printed, not 4110.5万人
    assert labels["广东省"] == "约8024万人"
    assert_hovers_true(at, at_least=2 * len(PROVINCES) - 1)


def test_regions_say_when_the_sidebar_period_holds_nothing(
    hand_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sidebar asks for 2020-06 onwards; 互联网上网人数 stops in 2016: the page says so."""
    at = run(hand_db, monkeypatch, "regions", r_ind="互联网上网人数", **{"from": "2020-06"})
    assert at.selectbox(key="f_from").value == "2020-06"
    assert "侧栏所选期间（2020年6月起）内没有这一指标的地区数据" in texts(at)
    assert at.selectbox(key="r_period").value == "2016"


def test_operator_cards_printed_with_derived_yoy_never_for_rates(
    hand_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = run(hand_db, monkeypatch, "operators", op_ind="移动电话用户", op_region="河南省")
    m = metrics(at)
    assert m["中国移动"][0] == "10250.3万户"  # as printed, not 1.03亿户
    assert m["中国移动"][1] == f"+{(10250.3 / 9800 - 1) * 100:.1f}% 同比（推算）"
    assert "合计：超过15669.5万户" in texts(at).replace("\\", "")  # as rendered (Markdown escapes dropped)
    at = run(hand_db, monkeypatch, "operators", op_ind="IPv4地址使用率", op_region="全国")
    m = metrics(at)
    assert m["中国移动"] == ("70%", "")  # a rate: no relative 同比, no share
    assert not any(
        json.loads(el.proto.spec)["layout"].get("barmode") == "stack" for el in at.get("plotly_chart")
    )


def test_overview_card_and_its_sparkline_agree(hand_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(hand_db, monkeypatch, "overview", o_region="河南省")
    card = next(m for m in at.metric if m.label == "移动电话用户")
    assert card.value == "超过15669.5万户"
    spark = list(card.proto.chart_data)
    assert len(spark) == len(MONTHS)  # each period once, though two reports state 2020-07
    q = parse_quantity(card.value)
    assert abs(spark[-1] - q.value) <= _tolerance(q)
    assert "a.pdf" in texts(at)


def test_data_sparklines_draw_each_period_once(hand_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run(hand_db, monkeypatch, "table", ind="移动电话用户", region="河南省")
    df = at.dataframe(key="facts_table").value
    for _, row in df.iterrows():
        line = row["走势"]
        same = df[(df["运营商"] == row["运营商"]) & (df["口径"] == row["口径"])]
        periods = same["期间"].nunique()
        if periods >= 3:
            assert line is not None and len(line) == periods, (row["运营商"], line)
            q = parse_quantity(row["数值"])
            assert any(abs(v - q.value) <= _tolerance(q) for v in line)
        else:
            assert line is None or len(line) == 0
    mobile = df[(df["运营商"] == "中国移动") & (df["期间"] == "2020年8月")].iloc[0]
    assert mobile["原值"] == "10250.3 万户"  # the number and unit as printed
    assert mobile["数值"] == "10250.3万户"  # not 1.03亿户


def test_data_sparkline_only_from_three_points() -> None:
    from dashboard.pages_.table import sparklines

    d = pd.DataFrame(
        {
            "indicator": "a",
            "region": "r",
            "operator": "",
            "subject": "",
            "measure": "value",
            "period_type": "month",
            "value": [1.0, 2.0],
            "period": ["2020-01", "2020-02"],
            "period_end": pd.to_datetime(["2020-01-31", "2020-02-29"]),
        }
    )
    assert sparklines(d).tolist() == [None, None]


def test_the_map_uses_its_width(store_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The map is not shrunk (projection scale 1) and its colour bar lies under it, not beside it."""
    from dashboard import geo

    if not geo.available("province"):
        pytest.skip("no offline map")
    at = run(store_db, monkeypatch, "regions", r_ind="电信业务总量")
    spec = next(
        json.loads(el.proto.spec)
        for el in at.get("plotly_chart")
        if json.loads(el.proto.spec)["data"][0]["type"] != "bar"
    )
    assert spec["layout"]["geo"]["projection"].get("scale", 1) >= 1
    bar = next(t for t in spec["data"] if t.get("name") == "data")["colorbar"]
    assert bar.get("orientation") == "h"
    assert spec["layout"]["margin"]["l"] == 0 and spec["layout"]["margin"]["r"] == 0


# -- labels keep their subject (hand-made) ---------------------------------------------------------
def _fact(indicator: str, subject: str, period: str, value: float, unit: str, raw: str) -> Fact:
    year = period[:4]
    return Fact(
        document="handmade.pdf",
        page=1,
        method="prose",
        indicator=indicator,
        category="收入",
        region="全国",
        region_code="100000",
        region_level="national",
        operator="",
        subject=subject,
        period=period,
        period_type="year",
        period_start=f"{year}-01-01",
        period_end=f"{year}-12-31",
        measure="value",
        value=value,
        unit=unit,
        raw_value=raw,
        raw_unit="",
        snippet=f"{subject}{raw}",
    )


@pytest.fixture(scope="module")
def subject_db(new_db) -> str:
    """A small hand-made store: an index stated for one subject only, and a revenue stated both in
    total and for one company, over two years."""
    from extract.store import Store

    db = new_db("subjects")
    rows = [
        _fact("AI指数", "金融", "2020", 200.0, "点", "200"),
        _fact("互联网业务收入", "", "2019", 1.2e12, "元", "12000"),
        _fact("互联网业务收入", "", "2020", 1.3e12, "元", "13000"),
        _fact("互联网业务收入", "腾讯", "2019", 3.0e11, "元", "3000"),
        _fact("互联网业务收入", "腾讯", "2020", 3.5e11, "元", "3500"),
    ]
    Store(db).save_document(
        name="handmade.pdf",
        sha256="ab" * 32,
        pages=1,
        size=1,
        kind="pdf",
        title="hand-made",
        version="test",
        fact_rows=rows,
    )
    return db


def test_a_single_series_label_keeps_its_subject(subject_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """AI指数 200 is the 金融 index: the label must say so, not a bare 全国."""
    at = run(subject_db, monkeypatch, "trend", ind="AI指数")
    labels = [m.label for m in at.metric]
    assert labels and all("金融" in lab for lab in labels), labels


def test_trend_with_total_and_subject_rows_draws(subject_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A total (no subject) and a company over time: two series, labelled 合计 and 腾讯, no crash."""
    at = run(subject_db, monkeypatch, "trend", ind="互联网业务收入")
    names = sorted(
        tr.get("name", "") for el in at.get("plotly_chart") for tr in json.loads(el.proto.spec)["data"]
    )
    assert names == ["全国 · 合计", "全国 · 腾讯"], names
    assert len(assert_hovers_true(at)) == 4


# -- report text is shown literally everywhere ---------------------------------------------------------
EVIL = "**粗体** <img src=x onerror=alert(1)> [链接](http://example.com) :red[红]"
_UNESCAPED = re.compile(r"(?<!\\)(\*\*粗体|<img|\]\(http|:red\[)")


@pytest.fixture(scope="module")
def evil_db(new_db) -> str:
    """A report whose name, indicator and subject are Markdown and HTML: by province, operator and year."""
    from extract.store import Store

    db = new_db("evil")
    doc = EVIL[:40] + ".pdf"
    rows = []
    for region, code in (("河南省", "410000"), ("河北省", "130000")):
        for op, share in (("", 1.0), ("中国移动", 0.6), ("中国联通", 0.4)):
            for year, v in (("2019", 100.0), ("2020", 120.0)):
                rows.append(
                    _f(
                        EVIL,
                        year,
                        v * share * 1e4,
                        "户",
                        f"{v * share:g}",
                        "万户",
                        doc=doc,
                        region=region,
                        code=code,
                        operator=op,
                        snippet=f"{EVIL}{v * share:g}万户",
                    )
                )
    rows.append(_f("互联网用户", "2020", 5e7, "户", "5000", "万户", doc=doc, subject=EVIL))
    Store(db).save_document(
        name=doc, sha256="e" * 64, pages=3, size=1, kind="pdf", title=EVIL, version="test", fact_rows=rows
    )
    return db


def _strings(obj: object):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


@pytest.mark.parametrize("page", ["overview", "trend", "regions", "operators", "table", "imports"])
def test_report_text_is_shown_literally_on_every_page(
    evil_db: str, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    """Markdown sinks get fmt.md_escape, Plotly gets charts.plain: no document text is ever markup."""
    at = run(evil_db, monkeypatch, page, ind=EVIL, o_region="河南省")
    shown = [
        e.value
        for kind in (
            "markdown",
            "caption",
            "info",
            "success",
            "warning",
            "error",
            "subheader",
            "title",
            "header",
        )
        for e in at.get(kind)
        if isinstance(getattr(e, "value", None), str)
    ]
    shown += [m.label for m in at.metric] + [m.proto.help for m in at.metric]
    bad = [s for s in shown if _UNESCAPED.search(s)]
    assert not bad, bad
    for el in at.get("plotly_chart"):
        raw = [s for s in _strings(json.loads(el.proto.spec)) if "<img" in s]
        assert not raw, raw[:3]
