"""The dashboard's fast selections against the straightforward pandas computations they replace.

Each fast path (codes of the categoricals instead of ``Categorical.isin``, groupby and drop_duplicates; the
rows of an indicator or region looked up in the shared frame's index) is compared, on realistic frames,
with the pandas code it replaced: a synthetic store of about 50,000 facts shaped like the reports
(bench/synth.py: 全国, provinces and cities, operators, 1–N月 figures, 同比) and the embedded database of
real reports. A drift of a fast path from its reference fails here.
"""

from __future__ import annotations

import gc
import importlib.util
import random
import shutil
import sys
import weakref
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import charts, data, rules, selection
from dashboard.pages_ import operators, overview, regions, table, trend
from extract.model import Fact
from extract.store import Store

REPO = Path(__file__).resolve().parents[1]


def _synth_module():
    # loaded from its file: putting bench/ on sys.path would let bench/dashboard.py shadow the dashboard package
    spec = importlib.util.spec_from_file_location("bench_synth_fast", REPO / "bench" / "synth.py")
    assert spec is not None and spec.loader is not None
    synth = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = synth  # its dataclasses look their module up there
    spec.loader.exec_module(synth)
    return synth


@pytest.fixture(scope="module", params=["synthetic", "embedded"])
def store_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "synthetic":
        db = folder / "synth.sqlite"
        synth = _synth_module()
        synth.build(f"sqlite:///{db}", **synth.shape(50_000))
    else:
        db = folder / "zhibiao.sqlite"
        shutil.copyfile(REPO / "data" / "zhibiao.sqlite", db)
    return f"sqlite:///{db}"


@pytest.fixture
def facts(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[pd.DataFrame]:
    """The shared frame of :func:`data.facts` (indexed), for the store of ``store_url``."""
    monkeypatch.setenv("ZHIBIAO_DB_URL", store_url)
    data.clear_caches()
    st.cache_data.clear()
    df = data.facts()
    assert data.index_of(df) is not None
    yield df
    data.clear_caches()
    st.cache_data.clear()


def reference_default_indicator(
    df: pd.DataFrame, chosen: tuple[str, ...] = (), offered: list[str] | None = None
) -> str:
    """selection.default_indicator as it was written first (groupby over the rows)."""
    for i in chosen:
        if offered is None or i in offered:
            return i
    if offered is not None:
        df = df[df["indicator"].isin(offered)]
    if df.empty:
        return offered[0] if offered else ""
    periods = df.groupby("indicator", observed=True)["month"].nunique()
    counts = df.groupby("indicator", observed=True).size()
    candidates = [i for i in offered if i in periods.index] if offered is not None else list(periods.index)
    return str(max(candidates, key=lambda i: (int(periods[i]), int(counts[i]))))


def reference_mask(df: pd.DataFrame, f: data.Filters, dims: dict[str, bool]) -> np.ndarray:
    """data.mask as it was written first: pandas comparisons over every row."""
    keep = np.ones(len(df), dtype=bool)
    if dims["indicators"] and f.indicators:
        keep &= df["indicator"].isin(f.indicators).to_numpy()
    if dims["regions"] and f.regions:
        keep &= df["region"].isin(f.regions).to_numpy()
    if dims["operators"] and f.operators:
        keep &= df["operator"].isin(f.operators).to_numpy()
    if dims["period"] and f.start:
        keep &= (df["month"] >= f.start).to_numpy()
    if dims["period"] and f.end:
        keep &= (df["month"] <= f.end).to_numpy()
    return keep


def random_filters(df: pd.DataFrame, n: int, seed: int = 3) -> list[data.Filters]:
    rng = random.Random(seed)
    inds = sorted(map(str, df["indicator"].unique()))
    regs = sorted(map(str, df["region"].unique()))
    ops = sorted(map(str, df["operator"].unique()))
    months = sorted(m for m in map(str, df["month"].unique()) if m)
    out = [data.Filters()]
    for _ in range(n):
        a, b = sorted(rng.sample(range(len(months)), 2)) if len(months) > 1 else (0, 0)
        out.append(
            data.Filters(
                indicators=tuple(rng.sample(inds, rng.choice([0, 1, 1, 2, 3])))
                + (("不存在的指标",) if rng.random() < 0.1 else ()),
                regions=tuple(rng.sample(regs, min(len(regs), rng.choice([0, 0, 1, 2, 12])))),
                operators=tuple(rng.sample(ops, min(len(ops), rng.choice([0, 0, 1, 2])))),
                start=months[a] if rng.random() < 0.4 else "",
                end=months[b] if rng.random() < 0.4 else "",
            )
        )
    return out


DIMS = [
    dict(indicators=True, regions=True, operators=True, period=True),
    dict(indicators=False, regions=True, operators=True, period=True),
    dict(indicators=True, regions=False, operators=True, period=False),
    dict(indicators=False, regions=False, operators=True, period=True),
]


def test_isin_on_codes_is_pandas_isin(facts: pd.DataFrame) -> None:
    rng = random.Random(5)
    for column in ("indicator", "region", "operator", "measure", "region_level", "document"):
        values = sorted(map(str, facts[column].unique()))
        for k in (0, 1, 3, 9, 40):
            chosen = rng.sample(values, min(k, len(values))) + ["不在其中"]
            assert (data.isin(facts, column, chosen) == facts[column].isin(chosen).to_numpy()).all()
            part = facts.iloc[::7]
            assert (data.isin(part, column, chosen) == part[column].isin(chosen).to_numpy()).all()


def test_mask_and_positions_are_the_pandas_mask(facts: pd.DataFrame) -> None:
    for f in random_filters(facts, 40):
        for dims in DIMS:
            want = reference_mask(facts, f, dims)
            active = data.mask(facts, f, **dims)
            got = np.ones(len(facts), dtype=bool) if active is None else active
            assert (got == want).all(), (f, dims)
            pos = data.positions(facts, f, **dims)
            assert (np.arange(len(facts)) if pos is None else pos).tolist() == np.flatnonzero(want).tolist()
            part = facts.iloc[::3]  # not the indexed frame: codes only
            sub = data.mask(part, f, **dims)
            assert (
                (np.ones(len(part), dtype=bool) if sub is None else sub) == reference_mask(part, f, dims)
            ).all()
        assert data.has_rows(facts, f) == bool(reference_mask(facts, f, DIMS[0]).any())


def test_select_is_the_filtered_rows_of_the_indicators(facts: pd.DataFrame) -> None:
    for f in random_filters(facts, 15, seed=8):
        inds = f.indicators or (str(facts["indicator"].iloc[len(facts) // 2]),)
        keep = reference_mask(facts, f, DIMS[0]) & facts["indicator"].isin(inds).to_numpy()
        want = facts[keep]
        pd.testing.assert_frame_equal(data.select(f, inds), want)
        pd.testing.assert_frame_equal(trend.selected(f, inds), want)
        pd.testing.assert_frame_equal(data.take(facts, np.flatnonzero(keep)), want)


def test_default_indicator_on_codes_is_the_groupby_choice(facts: pd.DataFrame) -> None:
    inds = sorted(map(str, facts["indicator"].unique()))
    rng = random.Random(11)
    for f in random_filters(facts, 12, seed=12):
        rows = facts[reference_mask(facts, f, DIMS[0])][["indicator", "month"]]
        for offered in (None, inds, rng.sample(inds, min(3, len(inds))) + ["不存在的指标"], []):
            for chosen in ((), ("不存在的指标",), tuple(inds[:1])):
                fast = selection.default_indicator(rows, chosen, offered)
                assert fast == reference_default_indicator(rows, chosen, offered), (f, offered, chosen)


def reference_options(df: pd.DataFrame) -> dict:
    """data._options as it was written first (groupby and drop_duplicates over every row)."""
    cat = data.catalogue()
    counts = df.groupby("indicator", sort=False).size()
    inds = list(counts.index)
    order = {c: i for i, c in enumerate(data.CATEGORY_ORDER)}
    first_cat = df.drop_duplicates("indicator").set_index("indicator")["category"].to_dict()
    cat_of = {i: (first_cat.get(i) or cat.get(i, ("其他", ""))[0]) for i in inds}
    pos = {name: i for i, name in enumerate(cat)}
    inds.sort(key=lambda i: (order.get(cat_of[i], 99), pos.get(i, 999), i))
    level_order = {"national": 0, "macro_region": 1, "province": 2, "city": 3, "county": 4}
    regs = df.drop_duplicates("region")[["region", "region_code", "region_level"]]
    regs = regs.assign(o=regs["region_level"].astype(str).map(level_order).fillna(9)).sort_values(
        ["o", "region_code", "region"]
    )
    ops = set(df["operator"].unique())
    months = sorted(m for m in df["month"].unique() if m)
    default = reference_default_indicator(df[["indicator", "month"]], offered=inds)
    return {
        "indicators": inds,
        "category": cat_of,
        "regions": list(regs["region"]),
        "region_level": dict(zip(regs["region"], regs["region_level"], strict=True)),
        "operators": [o for o in ("", *data.OPERATORS) if o in ops]
        + sorted(o for o in ops if o not in data.OPERATORS and o),
        "months": months,
        "default_indicator": default,
    }


def test_options_are_the_groupby_options(facts: pd.DataFrame) -> None:
    assert data.options() == reference_options(facts)
    # the first rows of each code, as drop_duplicates keeps them, also when codes first appear late
    codes = np.r_[
        np.zeros(200_000, dtype="int16"), np.arange(5, dtype="int16")[::-1], -np.ones(3, dtype="int16")
    ]
    seen = np.ones(6, dtype=bool)
    got = data._first_rows(codes, seen)
    assert got.tolist() == pd.Series(codes).drop_duplicates().index.tolist()


def test_overview_defaults_and_counts(facts: pd.DataFrame) -> None:
    for f in random_filters(facts, 12, seed=21):
        keep = data.mask(facts, f, regions=False, indicators=False)
        scoped = data.rows(facts, keep, ["region", "measure", "operator"])
        want = overview._default_region(scoped if not scoped.empty else facts)  # the pandas code
        assert overview.default_region(facts, keep) == want
    assert overview.loaded_counts() == (
        len(facts),
        facts["indicator"].nunique(),
        facts["region"].nunique(),
    )


def test_latest_row_is_the_stable_sort(facts: pd.DataFrame) -> None:
    vals = facts[facts["measure"] == "value"]
    for ind, g in list(vals.groupby("indicator", observed=True))[:25]:
        for kind in ("flow", "stock"):
            for part in (g, g.iloc[::-1], g[g["region"] == g["region"].iloc[0]]):
                preferred = "ytd" if kind == "flow" else "month"
                order = part.assign(_pref=(part["period_type"].astype(str) == preferred).astype(int))
                want = order.sort_values(["period_end", "_pref"], kind="stable").iloc[-1]
                got = selection.latest_row(part, kind)
                assert got.name == want.name and got.equals(want.drop("_pref")), (ind, kind)


def test_regions_scope_is_the_groupby_scope(facts: pd.DataFrame) -> None:
    version = data.run_version()
    for f in random_filters(facts, 10, seed=31):
        scope = data.both(
            facts["region_level"].isin(regions.LEVELS).to_numpy(),
            reference_mask(facts, f, dict(indicators=True, regions=False, operators=True, period=False)),
        )
        n, inds, by_level = regions.scope_summary(version, f.indicators, f.operators)
        assert n == int(scope.sum())
        multi = (
            facts.loc[scope, ["indicator", "region"]].groupby("indicator", observed=True)["region"].nunique()
        )
        # multi.get(i, 0), as the page asked before, can fail inside pandas (a category code past int8 in a
        # CategoricalIndex of fewer categories: OverflowError); the same look-up through a dict
        regions_of = dict(zip(map(str, multi.index), multi.tolist(), strict=True))
        want = [i for i in data.options()["indicators"] if regions_of.get(i, 0) >= 2] or [
            str(i) for i in multi.index
        ]
        assert inds == want
        for level in regions.LEVELS:
            want_regions = set(facts["region"][scope & (facts["region_level"] == level).to_numpy()].unique())
            assert set(by_level.get(level, [])) == want_regions
        if inds:
            rows = facts.loc[scope, ["indicator", "month"]]
            for offered in (inds, [i for i in inds if i != reference_default_indicator(rows, (), inds)]):
                assert regions.scope_default(version, f.indicators, f.operators, tuple(offered)) == (
                    reference_default_indicator(rows, (), offered)
                )
            ind = inds[-1]
            pd.testing.assert_frame_equal(
                regions.scope_rows(ind, f), facts[scope & (facts["indicator"] == ind).to_numpy()]
            )


def test_operators_scope_is_the_pandas_scope(facts: pd.DataFrame) -> None:
    version = data.run_version()
    for f in random_filters(facts, 10, seed=41):
        scope = reference_mask(facts, f, dict(indicators=True, regions=False, operators=False, period=True))
        by_op = scope & ((facts["operator"] != "") & (facts["subject"] == "")).to_numpy()
        assert (operators.by_operator(facts, f) == by_op).all()
        have = set(facts["indicator"][by_op].unique())
        any_rows, inds = operators.operator_indicators(version, f)
        assert any_rows == bool(by_op.any())
        assert inds == [i for i in data.options()["indicators"] if i in have]
        if inds:
            keep = by_op & facts["measure"].isin(["value", "share_pct"]).to_numpy()
            rows = facts.loc[keep, ["indicator", "month"]]
            assert operators.operator_default(version, f, tuple(inds)) == reference_default_indicator(
                rows, (), inds
            )


@pytest.mark.parametrize("columns", [("document",), ("measure",), ("region_level",), data.SCOPE_AXES])
def test_the_frame_s_count_tables_are_the_groupby_counts(
    facts: pd.DataFrame, columns: tuple[str, ...]
) -> None:
    """data.cross_counts (counted once per frame) equals counting the rows by pandas,
    a missing value in each axis's last slot."""
    table = data.cross_counts(facts, columns)
    assert table is not None
    cats = [facts[c].cat.categories for c in columns]
    want = facts.groupby(list(columns), observed=True, dropna=False).size()
    assert table.sum() == len(facts) == want.sum()
    for key, n in want.items():
        key = key if isinstance(key, tuple) else (key,)
        slot = tuple(len(c) if pd.isna(k) else c.get_loc(k) for k, c in zip(key, cats, strict=True))
        assert table[slot] == n, (key, n)


def test_a_missing_value_is_counted_in_the_last_slot() -> None:
    df = pd.DataFrame(
        {"x": pd.Categorical(["a", None, "b", "a", None]), "y": pd.Categorical(["u", "u", None, "v", "v"])}
    )
    ix = data.FrameIndex(df)
    assert ix.cross_counts(("x",)).tolist() == [2, 1, 2]
    assert ix.cross_counts(("x", "y")).tolist() == [[1, 1, 0], [0, 0, 1], [1, 1, 0]]


def test_table_values_present(facts: pd.DataFrame) -> None:
    for f in random_filters(facts, 8, seed=51):
        keep = data.mask(facts, f)
        for column in ("measure", "document"):
            want = set(facts[column].unique() if keep is None else facts[column][keep].unique())
            assert table.present(facts, column, keep) == want
        got_docs = len([d for d in table.present(facts, "document", keep) if d == d])
        assert got_docs == (facts["document"] if keep is None else facts["document"][keep]).nunique()


def test_sources_order_is_count_then_first_seen() -> None:
    rng = random.Random(2)
    for _ in range(50):
        docs = [rng.choice("abcdefg") for _ in range(rng.randint(1, 30))]
        df = pd.DataFrame({"document": docs, "page": 1, "period_end": pd.Timestamp("2020-01-31")})
        counts = df["document"].value_counts(sort=True)
        want = sorted(counts.index.astype(str), key=lambda d: (-int(counts[d]), list(counts.index).index(d)))
        assert charts.sources(df) == want


def test_derived_rows_are_those_of_the_filtered_selection(facts: pd.DataFrame) -> None:
    version = data.run_version()
    for f in random_filters(facts, 6, seed=61):
        inds = f.indicators or (selection.default_indicator(facts[["indicator", "month"]]),)
        whole = facts[reference_mask(facts, replace(f, indicators=inds), DIMS[0])]
        for measure, derive_fn in trend.DERIVERS.items():
            want = derive_fn(whole)
            if len(want):
                want = want.assign(month=want["period_end"].dt.strftime("%Y-%m"))
            pd.testing.assert_frame_equal(trend.derived(version, f, inds, measure), want)


def test_a_measure_is_offered_exactly_when_rows_of_it_are_derived(facts: pd.DataFrame) -> None:
    """The 口径 switch asks :func:`trend.derivable` (pairs of periods found on keys, derive.can_grow) instead
    of deriving the rows: it says yes exactly when deriving gives a row, for the whole selection and for the
    series of each first sample."""
    version = data.run_version()
    checked = 0
    for f in random_filters(facts, 8, seed=67):
        inds = f.indicators or (selection.default_indicator(facts[["indicator", "month"]]),)
        sel = trend.selected(f, inds)
        sources = sel.loc[(sel["measure"] == "value").to_numpy(), trend.SCOPE_COLUMNS]
        samples = trend.first_samples(sources, f) if len(sources) else []
        for measure in trend.DERIVERS:
            whole = len(trend.derived(version, f, inds, measure)) > 0
            for hint in [None, trend.EVERYTHING, *samples]:
                assert trend.derivable(version, f, inds, measure, hint) == whole, (f, measure, hint)
            for scope in samples:
                some = len(trend.derived(version, f, inds, measure, scope)) > 0
                assert trend._derives_any(version, f, inds, measure, scope) == some, (f, measure, scope)
                checked += some
    assert checked


def test_best_indicator_for_a_period_range_is_the_groupby_choice(facts: pd.DataFrame) -> None:
    version = data.run_version()
    months = sorted(m for m in map(str, facts["month"].unique()) if m)
    rng = random.Random(71)
    ranges = [("", ""), (months[0], ""), ("", months[-1])] + [
        tuple(sorted(rng.sample(months, 2))) for _ in range(8) if len(months) > 1
    ]
    for start, end in ranges:
        f = data.Filters(start=start, end=end)
        rows = facts[reference_mask(facts, f, DIMS[0])][["indicator", "month"]]
        assert trend.best_indicator(version, f) == reference_default_indicator(rows), (start, end)
    for f in random_filters(facts, 8, seed=72):  # other filters: counted over the rows
        f = replace(f, indicators=())
        rows = facts[reference_mask(facts, f, DIMS[0])][["indicator", "month"]]
        assert trend.best_indicator(version, f) == reference_default_indicator(rows), f


def reference_key_figures(df: pd.DataFrame, region: str, indicators: tuple[str, ...] = ()) -> pd.DataFrame:
    """overview.key_figures as it was first written: a frame per indicator, latest_row and year_change."""
    d = df[(df["region"] == region) & (df["operator"] == "") & (df["subject"] == "")]
    if indicators:
        d = d[d["indicator"].isin(indicators)]
    vals = selection.dedupe(d[d["measure"] == "value"])
    if vals.empty:
        return pd.DataFrame()
    yoy = selection.dedupe(d[d["measure"] == "yoy_pct"]).set_index(["indicator", "period"])["value"]
    rows = []
    for ind, g in vals.groupby("indicator", sort=False, observed=True):
        last = selection.latest_row(g, rules.indicator_kind(str(ind)))
        hist = g[g["period_type"] == last["period_type"]].sort_values("period_end", kind="stable")
        stated = yoy.get((ind, last["period"]))
        change, change_unit, note = (
            (stated, "%", "") if stated is not None else selection.year_change(hist, last, str(last["unit"]))
        )
        rows.append(
            {
                "indicator": ind,
                "period": last["period"],
                "value": last["value"],
                "yoy": change,
                "yoy_unit": change_unit,
                "break_note": note,
                "history": [float(v) for v in hist["value"].tail(24)],
                "periods": g["month"].nunique(),
                "document": str(last["document"]),
                "page": int(last["page"]),
            }
        )
    return pd.DataFrame(rows)


def test_key_figures_are_the_per_indicator_figures(facts: pd.DataFrame) -> None:
    regions_with_values = facts.loc[facts["measure"] == "value", "region"].astype(str).value_counts()
    names = list(regions_with_values.index[:6]) + list(regions_with_values.index[-3:])
    checked = 0
    for region in names:
        for f in (data.Filters(), *random_filters(facts, 3, seed=len(region))):
            scope = replace(f, regions=(region,), indicators=())
            rows = data.take(facts, data.positions(facts, scope))
            got = overview.key_figures(rows, region, f.indicators[:3])
            want = reference_key_figures(rows, region, f.indicators[:3])
            assert len(got) == len(want), region
            if want.empty:
                continue
            got = got.set_index("indicator").sort_index()
            want = want.set_index("indicator").sort_index()
            for col in (
                "period",
                "value",
                "yoy_unit",
                "break_note",
                "history",
                "periods",
                "document",
                "page",
            ):
                assert got[col].tolist() == want[col].tolist(), (region, col)
            assert np.allclose(got["yoy"].astype(float), want["yoy"].astype(float), equal_nan=True), region
            checked += len(want)
    assert checked > 20


def random_series_frame(seed: int) -> pd.DataFrame:
    """Rows of a few indicators with mixed period types, equal period ends, missing ends and values a year
    apart (some 2–5 days off): the cases the latest row and the year-earlier lookup must decide."""
    rng = random.Random(seed)
    n = rng.randint(1, 60)
    base = pd.Timestamp("2019-01-31")
    ends = []
    for _ in range(n):
        if rng.random() < 0.05:
            ends.append(pd.NaT)
            continue
        end = base + pd.DateOffset(months=rng.choice([0, 1, 12, 13, 24]))
        ends.append(end + pd.Timedelta(days=rng.choice([0, 0, 0, -2, 3, 5])))
    types = [rng.choice(["month", "ytd", "year", "quarter"]) for _ in range(n)]
    inds = [rng.choice(["移动电话用户", "电信业务收入", "固定宽带接入用户", None]) for _ in range(n)]
    return pd.DataFrame(
        {
            "indicator": pd.Categorical(inds),
            "region": "全国",
            "period": [f"p{i}" for i in range(n)],
            "period_type": pd.Categorical(types),
            "period_end": pd.to_datetime(ends),
            "month": pd.to_datetime(ends).strftime("%Y-%m"),
            "value": [float(rng.randint(0, 9)) for _ in range(n)],
            "unit": rng.choice(["户", "%", "元"]),
        }
    )


@pytest.mark.parametrize("seed", range(60))
def test_latest_by_is_latest_row_per_group(seed: int) -> None:
    df = random_series_frame(seed)
    got = selection.latest_by(df, "indicator", rules.indicator_kind)
    groups = list(df.groupby("indicator", sort=False, observed=True))
    assert got.names == [str(ind) for ind, _ in groups]
    values = df["value"].to_numpy(dtype=float)
    ends = df["period_end"].to_numpy()
    for (ind, g), row, hist, periods in zip(groups, got.rows, got.history, got.periods, strict=True):
        last = selection.latest_row(g, rules.indicator_kind(str(ind)))
        assert df.index[row] == last.name, ind
        want_hist = g[g["period_type"] == last["period_type"]].sort_values("period_end", kind="stable")
        assert df.index[hist].tolist() == want_hist.index.tolist(), ind
        assert periods == g["month"].nunique()
        unit = str(df["unit"].iloc[0])
        want = selection.year_change(want_hist, last, unit)
        before = selection.year_before(values, ends, hist, int(row))
        mine = (
            (None, "", "")
            if before is None
            else selection.change_on(
                float(last["value"]), last["period_end"], *before, str(ind), "全国", unit
            )
        )
        assert mine == want, ind


def reference_dedupe_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The rows selection.dedupe kept as it was first written: sort by id, then two passes of duplicated."""
    d = df.sort_values("id", kind="stable")
    return d[~d.duplicated(selection.FACT_KEYS, keep="last").to_numpy()]


@pytest.mark.parametrize("seed", range(40))
def test_dedupe_keeps_the_rows_the_two_pass_dedupe_kept(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(1, 80)

    def pick(*choices: object) -> list:
        return [rng.choice(choices) for _ in range(n)]

    df = pd.DataFrame(
        {
            "indicator": pd.Categorical(pick("移动电话用户", "电信业务收入")),
            "region": pd.Categorical(pick("全国", "河南省", None)),
            "operator": pd.Categorical(pick("", "中国移动")),
            "subject": pick("", "5G"),
            "period": pick("2020-01", "2020-02", "2020"),
            "measure": pick("value", "yoy_pct"),
            "id": rng.sample(range(1, 10 * n + 1), n) if seed % 2 else list(range(1, n + 1)),
            "value": [float(rng.randint(0, 3)) for _ in range(n)],
            "document": pick("a.pdf", "b.pdf"),
            "page": pick(1, 2),
        }
    )
    got = selection.dedupe(df)
    want = reference_dedupe_rows(df)
    assert got.index.tolist() == want.index.tolist()
    stated_twice = df.duplicated(selection.FACT_KEYS, keep=False)
    assert got["sources"].isna().all() or stated_twice.any()


def test_rows_shown_from_the_sampled_series_are_the_rows_derived_for_the_scope(
    facts: pd.DataFrame, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """趋势 takes the derived rows of its scope from the series it derived to settle the scope, when those
    hold every series of the scope: the same rows as deriving for the scope."""
    version = data.run_version()
    settle = trend.settle_scope
    used = 0
    for f in [data.Filters(), *random_filters(facts, 8, seed=71)]:
        inds = f.indicators or (selection.default_indicator(facts[["indicator", "month"]]),)
        sel = trend.selected(f, inds)
        for measure in ("value", "yoy_pct", "mom_pct"):
            monkeypatch.setattr(trend, "settle_scope", settle)
            got, notes = trend.rows_shown(version, f, inds, sel, measure, True)
            cols = trend.SCOPE_COLUMNS
            stated, sources = sel[sel["measure"] == measure], sel[sel["measure"] == "value"]
            used += settle(version, f, inds, measure, stated[cols], sources[cols])[2] is not None

            def derive_again(*args: object) -> tuple:
                scope, evidence, _ = settle(*args)  # type: ignore[arg-type]
                return scope, evidence, None

            monkeypatch.setattr(trend, "settle_scope", derive_again)
            want, want_notes = trend.rows_shown(version, f, inds, sel, measure, True)
            pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))
            assert notes == want_notes
    if "synth" in store_url:  # the synthetic store's operators and levels make the shortcut apply
        assert used


def _sorted_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The rows in one order (id, then what tells derived rows apart), index dropped."""
    keys = ["id", *selection.FACT_KEYS, "method"]
    out = df.sort_values(keys, kind="stable").reset_index(drop=True)
    cats = [c for c in out.columns if isinstance(out[c].dtype, pd.CategoricalDtype)]
    return out.astype({c: object for c in cats})  # how concat combined categories is not compared


def test_rows_shown_are_every_stated_fact_once_and_every_derived_row_narrowed_to_the_view(
    facts: pd.DataFrame,
) -> None:
    """趋势's rows for a measure are, by definition, every stated fact of the selection once (deduplicated)
    and every row derivable from the selection, narrowed by default_scope: the page decides the series
    first, derives for them only and deduplicates their rows only — the same rows and notes."""
    version = data.run_version()
    for f in [data.Filters(), *random_filters(facts, 10, seed=83)]:
        inds = f.indicators or (selection.default_indicator(facts[["indicator", "month"]]),)
        sel = trend.selected(f, inds)
        for measure in ("value", "yoy_pct", "mom_pct", "share_pct"):
            for with_derived in (True, False):
                got, notes = trend.rows_shown(version, f, inds, sel, measure, with_derived)
                parts = [selection.dedupe(sel[sel["measure"] == measure])]
                if with_derived and measure in trend.DERIVERS:
                    parts.append(trend.derived(version, f, inds, measure))
                want, want_notes = trend.default_scope(pd.concat(parts, ignore_index=True), f)
                # the derived rows' own columns (how a row was computed) come with derived rows only
                extra = want.columns.difference(got.columns)
                assert want[extra].isna().all().all(), (f, measure, list(extra))
                want = want[got.columns]
                pd.testing.assert_frame_equal(_sorted_rows(got), _sorted_rows(want), check_dtype=False)
                assert notes == want_notes, (f, measure)


def test_a_narrow_selection_is_copied_by_position_and_is_the_masked_rows(facts: pd.DataFrame) -> None:
    """data.select copies a small part of the indicators' rows straight from the shared frame, and narrows
    the indicators' held rows otherwise: both are the rows the filters keep, in the frame's order."""
    direct = 0
    for f in random_filters(facts, 30, seed=29):
        inds = f.indicators or (str(facts["indicator"].iloc[0]),)
        got = data.select(f, inds)
        want = facts[reference_mask(facts, replace(f, indicators=inds), DIMS[0])]
        pd.testing.assert_frame_equal(got, want)
        direct += data.index_of(data.facts()) is not None and 0 < len(got) <= data.DIRECT_SHARE * int(
            facts["indicator"].isin(inds).sum()
        )
    assert direct  # some selections took the direct path


def reference_key_total(
    df: pd.DataFrame, f: data.Filters, ind: str, region: str, period: str
) -> pd.DataFrame:
    """The rows operators.key_total read as it was first written (masks over the indicator's rows)."""
    return selection.dedupe(
        df[
            data.both(
                data.mask(df, f, operators=False, regions=False),
                (df["indicator"] == ind)
                & (df["region"] == region)
                & (df["operator"] == "")
                & (df["subject"] == "")
                & (df["measure"] == "value")
                & (df["period"] == period),
            )
        ]
    )


def test_operator_rows_are_the_masked_rows_of_the_indicator(facts: pd.DataFrame) -> None:
    version = data.run_version()
    checked = 0
    for f in [data.Filters(), *random_filters(facts, 10, seed=81)]:
        _, inds = operators.operator_indicators(version, f)
        for ind in inds[:2]:
            rows = data.indicator_rows((ind,))
            d_ind = rows[operators.by_operator(rows, f)]
            want_regions = [
                str(r)
                for r in d_ind.groupby("region", observed=True).size().sort_values(ascending=False).index
            ]
            pos, got_regions = operators.operator_rows(f, ind)
            assert got_regions == want_regions
            for region in want_regions[:2] + want_regions[-1:]:
                d = d_ind[d_ind["region"] == region]
                pd.testing.assert_frame_equal(operators.region_rows(pos, region), d)
                for period in d["period"].astype(str).unique()[-2:]:
                    want = reference_key_total(rows, f, ind, region, period)
                    got = operators.key_total(f, ind, region, period)
                    if want.empty:
                        assert got == ""
                    else:
                        printed = selection.with_printed(want.tail(1), data.provenance)
                        assert got == selection.shown_column(printed)[0]
                    checked += 1
    assert checked


def reference_operator_yoy(d: pd.DataFrame, period: str) -> dict[str, tuple[object, bool]]:
    """同比 per operator as operators.operator_table first computed it: from every period's deduplicated values."""
    all_vals = selection.dedupe(d[d["measure"] == "value"])
    at = d[d["period"] == period]
    vals = all_vals[all_vals["period"] == period]
    vals = vals.set_index(vals["operator"].astype(str))
    yoy = selection.dedupe(at[at["measure"] == "yoy_pct"]).set_index("operator")["value"]
    out = {}
    for o in vals.index:
        r = vals.loc[o]
        change, derived = yoy.get(o), False
        if change is None and not rules.is_rate(str(r["unit"])):
            hist = all_vals[(all_vals["operator"] == o) & (all_vals["period_type"] == r["period_type"])]
            change, derived = selection.year_change(hist, r, str(r["unit"]))[0], True
        out[o] = (change, derived and change is not None)
    return out


def operator_views(facts: pd.DataFrame, n: int, seed: int) -> Iterator[tuple[str, str, pd.DataFrame]]:
    """(indicator, region, the region's operator rows) as 运营商 shows them, for random filters: two
    indicators and two regions of each."""
    version = data.run_version()
    for f in [data.Filters(), *random_filters(facts, n, seed=seed)]:
        _, inds = operators.operator_indicators(version, f)
        for ind in inds[:2]:
            pos, regions_ = operators.operator_rows(f, ind)
            for region in regions_[:2]:
                yield ind, region, operators.region_rows(pos, region)


def test_operator_table_yoy_is_the_yoy_from_every_period(facts: pd.DataFrame) -> None:
    checked = 0
    for ind, region, d in operator_views(facts, 6, seed=91):
        for period in d["period"].astype(str).unique()[-3:]:
            tab = operators.operator_table(d, period)
            want = reference_operator_yoy(d, period)
            if tab.empty:
                assert not want
                continue
            tab = tab.set_index("运营商")
            for o, (change, derived) in want.items():
                got = tab.loc[o, "yoy"]
                assert (got is None or got != got) == (change is None), (ind, region, period, o)
                if change is not None:
                    assert got == pytest.approx(change)
                assert bool(tab.loc[o, "yoy_derived"]) == derived
                checked += 1
    assert checked


def test_the_operator_table_reads_the_printed_values_fetched_for_the_chart(
    facts: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """运营商 deduplicates its values and fetches their printed text once: the table built from the chart's
    rows is the table built from the region's rows by asking the store, and asks the store for nothing more."""
    checked = 0
    asked: list[int] = []
    real = data.Store.facts_by_id

    def counted(self: data.Store, ids: object, *args: object, **kw: object) -> pd.DataFrame:
        asked.append(1)
        return real(self, ids, *args, **kw)  # type: ignore[arg-type]

    for _, _, d in operator_views(facts, 4, seed=97):
        vals = selection.with_printed(selection.dedupe(d[d["measure"] == "value"]), data.provenance)
        for period in d["period"].astype(str).unique()[-2:]:
            want = operators.operator_table(d, period, provenance=data.provenance)
            asked.clear()
            monkeypatch.setattr(data.Store, "facts_by_id", counted)
            got = operators.operator_table(d, period, values=vals)
            monkeypatch.setattr(data.Store, "facts_by_id", real)
            pd.testing.assert_frame_equal(got, want)
            assert not asked
            checked += 1
    assert checked


def test_the_all_operator_total_is_the_latest_report_s_when_restated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A later report that restates the region's total with another figure is the one 运营商 shows."""
    db = tmp_path / "restated.sqlite"

    def fact(doc: str, operator: str, value: float, raw: str) -> Fact:
        return Fact(doc, 1, "prose", "移动电话用户", "用户", "河南省", "410000", "province", operator, "",
                    "2020-08", "month", "2020-08-01", "2020-08-31", "value", value, "户", raw, "万户",
                    f"{operator or '全省'}移动电话用户{raw}万户")  # fmt: skip

    for n, (doc, total) in enumerate([("first.pdf", ("11000", 1.1e8)), ("second.pdf", ("11200", 1.12e8))]):
        rows = [fact(doc, "", total[1], total[0]), fact(doc, "中国移动", 6.0e7, "6000")]
        Store(str(db)).save_document(
            name=doc, sha256=str(n) * 64, pages=1, size=0, kind="pdf", title=doc, version="t", fact_rows=rows
        )
    monkeypatch.setenv("ZHIBIAO_DB_URL", f"sqlite:///{db}")
    data.clear_caches()
    try:
        assert operators.key_total(data.Filters(), "移动电话用户", "河南省", "2020-08") == "11200万户"
    finally:
        data.clear_caches()


def reference_operator_indicators(df: pd.DataFrame, f: data.Filters) -> tuple[bool, list[str]]:
    """operators.operator_indicators as it was first written: the rows by operator, grouped."""
    rows = df[operators.by_operator(df, f)]
    have = {str(i) for i in rows["indicator"].dropna().unique()}
    return len(rows) > 0, [i for i in data.options()["indicators"] if i in have]


def reference_operator_default(df: pd.DataFrame, f: data.Filters, offered: tuple[str, ...]) -> str:
    """operators.operator_default as it was first written: default_indicator over the rows."""
    keep = operators.by_operator(df, f) & df["measure"].isin(["value", "share_pct"]).to_numpy()
    rows = df.loc[keep, ["indicator", "month"]].astype(object)  # no categoricals: pandas decides
    return selection.default_indicator(rows, (), list(offered))


def test_operator_indicators_and_default_from_the_count_tables_are_those_of_the_rows(
    facts: pd.DataFrame,
) -> None:
    """运营商's indicators and default indicator, read from its counts per indicator × month, are those its
    rows by operator give, for any indicators and period chosen."""
    version = data.run_version()
    months = sorted(m for m in map(str, facts["month"].unique()) if m)
    filters_ = [data.Filters(), *random_filters(facts, 12, seed=101)]
    filters_ += [data.Filters(start=months[len(months) // 2]), data.Filters(end=months[0])]
    for f in filters_:
        f = replace(f, regions=(), operators=())  # the page reads indicators and the period only
        want = reference_operator_indicators(facts, f)
        assert operators.operator_indicators(version, f) == want, f
        if want[1]:
            for offered in (tuple(want[1]), tuple(want[1][::-1][:3])):
                got = operators.operator_default(version, f, offered)
                assert got == reference_operator_default(facts, f, offered), (f, offered)


def test_the_operator_page_defaults_to_the_indicator_with_most_periods_not_most_facts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many operators' figures for one month weigh less than one operator's figures for three months."""
    db = tmp_path / "periods.sqlite"

    def fact(indicator: str, operator: str, month: int) -> Fact:
        return Fact("a.pdf", 1, "table", indicator, "用户", "全国", "100000", "national", operator, "",
                    f"2020-0{month}", "month", f"2020-0{month}-01", f"2020-0{month}-28", "value", 1e6,
                    "户", "100", "万户", "")  # fmt: skip

    many = [fact("固定电话用户", o, 1) for o in data.OPERATORS]
    long = [fact("移动电话用户", "中国移动", m) for m in (1, 2, 3)]
    Store(str(db)).save_document(
        name="a.pdf",
        sha256="p" * 64,
        pages=1,
        size=0,
        kind="pdf",
        title="",
        version="t",
        fact_rows=many + long,
    )
    monkeypatch.setenv("ZHIBIAO_DB_URL", f"sqlite:///{db}")
    data.clear_caches()
    st.cache_data.clear()
    operators.operator_counts.clear()
    try:
        version = data.run_version()
        offered = tuple(operators.operator_indicators(version, data.Filters())[1])
        assert set(offered) == {"固定电话用户", "移动电话用户"}
        assert operators.operator_default(version, data.Filters(), offered) == "移动电话用户"
    finally:
        data.clear_caches()


def test_the_frame_of_an_earlier_load_is_freed(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the dashboard loads the facts again with every cache emptied (Streamlit's "Clear caches", the
    bench's cold reruns: the store object goes too), the frame held before is freed — not kept for good
    by the garbage collector's freeze (at 10 M facts the bench's cold reruns kept ~0.4 GB each)."""
    monkeypatch.setenv("ZHIBIAO_DB_URL", store_url)
    data.clear_caches()
    at = AppTest.from_file(str(REPO / "dashboard" / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages_/table.py").run()
    regions = data.options()["regions"]
    for region in regions[:3]:
        before = weakref.ref(data.facts())
        at.multiselect(key="f_region").set_value([region])
        st.cache_data.clear()
        st.cache_resource.clear()
        at.run()
        assert not at.exception
        gc.collect()  # a frozen object is never looked at by a collection: the load unfroze what it froze
        assert before() is None, region
    data.clear_caches()
