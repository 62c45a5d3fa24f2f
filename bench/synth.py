"""A realistic synthetic fact store for developing and benchmarking the dashboard.

``python bench/synth.py --db /tmp/synth.sqlite --facts 1000000`` writes, for every month,
a national monthly report (全国 figures and the provinces' national ranks) and one monthly
report per province (the province's figures, its four operators, and its cities), through
:meth:`extract.store.Store.save_document` — exactly the path a real ingest takes.

The shape follows the reports Zhibiao reads:

* regions: 全国, the 31 provinces and their prefecture-level cities from ``data/regions.csv``;
* 40 indicators from ``data/indicators.csv``, taken across the categories (users, revenue,
  traffic, websites, security, indices, other) — revenue is printed as 1–N月 cumulative
  figures (period type ``ytd``), everything else per month;
* the telecom indicators (users, traffic, revenue) broken down by the 4 operators, with the
  operators' 占比 stated for the provinces;
* 同比 stated for every growth-capable figure from the second year on;
* cities report a handful of core indicators; their number is scaled so the store holds about
  ``--facts`` facts (1,000,000 for the benchmark: 120 months → about 1.0 M).

Past about a million facts the whole shape grows with the size asked for (:func:`shape`), as a
team's store grows: more years (up to 20: 240 months), more of the catalogue's indicators (up to
about 100), more of them broken down by operator, more indicators reported by the cities and,
from 2 M facts on, the cities' figures in reports of their own (one per province and month). The
regions are the whole gazetteer already at 1 M (全国, 31 provinces, 355 cities). 10 M facts:
240 months, 99 indicators, 15,360 reports.

Memory stays bounded whatever the size: one month is generated and written at a time (a document
per write, through :meth:`extract.store.Store.save_document`), and only the last 13 months of
printed values are kept (for 同比 and 1–N月 cumulation).

Values follow a smooth trend with seasonality and noise; 同比 and 占比 are derived from the
generated values, so they are mutually consistent.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import hashlib
import math
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from extract.model import FACT_COLUMNS, Fact  # noqa: E402
from extract.normalize.indicators import Indicator  # noqa: E402
from extract.store import Store  # noqa: E402

#: Stored as the documents' extractor version: tells a store of this shape from older ones.
VERSION = "synthetic-3"
OPERATORS = ("中国移动", "中国联通", "中国电信", "中国广电")
OP_SHARE = {"中国移动": 0.56, "中国联通": 0.21, "中国电信": 0.20, "中国广电": 0.03}
PREFIX = {1: "", 10_000: "万", 100_000_000: "亿"}
UNITS = ("户", "人", "元", "GB", "个", "%", "点", "次", "家")
RATES = ("%", "点")
#: Operator breakdowns exist for these categories and units (users, traffic, revenue).
OPERATOR_CATEGORIES = {"用户": "户", "流量": "GB", "收入": "元"}
MAX_OPERATOR_INDICATORS = 10
RANKED_INDICATORS = 2


class SynthFact(Fact):
    """A fact whose :meth:`row` is the same dict built without ``dataclasses.asdict`` (which deep-copies
    every field: a third of the time of writing a 10 M store through ``save_document``)."""

    def row(self) -> dict[str, object]:
        return {c: getattr(self, c) for c in FACT_COLUMNS}


@dataclass(frozen=True)
class Region:
    name: str
    code: str
    level: str
    weight: float  # share of national size
    province: str  # the province a city belongs to (itself for a province, 全国 for the nation)


def _read_csv(name: str) -> list[dict[str, str]]:
    path = REPO / "data" / name
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def regions(cities_per_province: int | None = None) -> list[Region]:
    """全国, the 31 provinces and their cities (all of them when ``cities_per_province`` is None)."""
    rows = _read_csv("regions.csv")
    provinces = [r for r in rows if r["level"] == "province" and r["code"][:2] not in ("71", "81", "82")]
    rng = random.Random(7)
    out = [Region("全国", "100000", "national", 1.0, "全国")]
    weights = [rng.uniform(0.4, 3.0) for _ in provinces]
    total = sum(weights)
    for p, w in zip(provinces, weights, strict=True):
        share = w / total
        out.append(Region(p["name"], p["code"], "province", share, p["name"]))
        cities = [r for r in rows if r["level"] == "city" and r["parent_code"] == p["code"]]
        if cities_per_province is not None:
            cities = cities[:cities_per_province]
        for c in cities:
            out.append(Region(c["name"], c["code"], "city", share * rng.uniform(0.03, 0.3), p["name"]))
    if len(out) == 1:  # no gazetteer yet: a handful of well-known provinces
        for name, code in (
            ("河南省", "410000"),
            ("广东省", "440000"),
            ("江苏省", "320000"),
            ("北京市", "110000"),
        ):
            out.append(Region(name, code, "province", 0.05, name))
    return out


def indicators(n: int) -> list[Indicator]:
    """``n`` indicators taken in turn from each category of the catalogue (users first)."""
    rows = _read_csv("indicators.csv")
    if not rows:
        rows = [{"indicator": "互联网用户", "category": "用户", "unit": "户", "kind": "stock"}]
    by_cat: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        if r["unit"] in UNITS:
            by_cat.setdefault(r["category"], []).append(r)
    picked: list[dict[str, str]] = []
    while len(picked) < n and any(by_cat.values()):
        for rows_of_cat in by_cat.values():
            if rows_of_cat and len(picked) < n:
                picked.append(rows_of_cat.pop(0))
    return [Indicator(r["indicator"], r["category"], r["unit"], r["kind"]) for r in picked]


def operator_indicators(inds: list[Indicator], n: int = MAX_OPERATOR_INDICATORS) -> set[str]:
    """The telecom indicators (users, traffic, revenue) reported per operator (at most ``n``)."""
    names = [i.name for i in inds if OPERATOR_CATEGORIES.get(i.category) == i.unit]
    return set(names[:n])


def city_indicators(inds: list[Indicator], n: int) -> list[str]:
    """The core indicators cities report, taken in turn: users, traffic, revenue."""
    groups = [[i.name for i in inds if i.unit == unit] for unit in ("户", "GB", "元")]
    out: list[str] = []
    while len(out) < n and any(groups):
        for g in groups:
            if g and len(out) < n:
                out.append(g.pop(0))
    return out


def _national_level(ind: Indicator, rng: random.Random) -> float:
    return {
        "户": rng.uniform(2e8, 1.6e9),
        "人": rng.uniform(1e8, 1e9),
        "元": rng.uniform(5e9, 1.5e11),
        "GB": rng.uniform(5e9, 2.5e10),
        "个": rng.uniform(1e6, 4e8),
        "次": rng.uniform(1e9, 1e11),
        "家": rng.uniform(1e3, 5e4),
        "%": rng.uniform(40, 95),
        "点": rng.uniform(80, 400),
    }.get(ind.unit, 1000.0)


def _printed(value: float, unit: str) -> tuple[str, str]:
    """How a report would print this value: (raw_value, raw_unit)."""
    if unit in RATES:
        return f"{value:.1f}", unit
    factor = 100_000_000 if abs(value) >= 1e8 else 10_000 if abs(value) >= 1e4 else 1
    return f"{value / factor:.1f}".rstrip("0").rstrip("."), PREFIX[factor] + unit


def _month_bounds(year: int, month: int) -> tuple[str, str]:
    last = calendar.monthrange(year, month)[1]
    return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}"


def generate(
    months: int = 120,
    n_indicators: int = 40,
    cities_per_province: int | None = 2,
    start_year: int = 2015,
    operators: bool = True,
    seed: int = 1,
    city_indicators_n: int = 4,
    per_province: bool = True,
    operator_indicators_n: int = MAX_OPERATOR_INDICATORS,
    city_reports: bool = False,
) -> Iterator[tuple[str, list[Fact]]]:
    """Yield (document name, [Fact]) per report: per month, the national report, then one per province
    (and with ``city_reports`` one more per province for its cities).

    ``per_province=False`` writes one report per month holding everything (fewer, larger documents).
    Only the current month's facts and the last 13 months of printed values are held.
    """
    rng = random.Random(seed)
    regs = regions(cities_per_province)
    inds = indicators(n_indicators)
    with_ops = operator_indicators(inds, operator_indicators_n) if operators else set()
    in_cities = set(city_indicators(inds, city_indicators_n))
    ranked = [i for i in inds if i.unit not in RATES][:RANKED_INDICATORS]
    base = {i.name: _national_level(i, rng) for i in inds}
    growth = {i.name: rng.uniform(-0.02, 0.25) for i in inds}
    region_noise = {r.name: rng.uniform(0.85, 1.15) for r in regs}
    # what the reports print (ytd: cumulative), per key, for the last 13 months only
    printed: dict[tuple[str, str, str], dict[int, float]] = {}
    provinces = [r for r in regs if r.level == "province"]
    for m in range(months):
        year, month = start_year + m // 12, m % 12 + 1
        period = f"{year:04d}-{month:02d}"
        m_start, m_end = _month_bounds(year, month)
        docs: dict[str, list[Fact]] = {}

        def doc_of(reg: Region, period: str = period) -> str:
            if not per_province:
                return f"synthetic-monthly-{period}.pdf"
            if reg.level == "national":
                return f"全国互联网发展月报-{period}.pdf"
            if reg.level == "city" and city_reports:
                return f"{reg.province}各地市互联网发展月报-{period}.pdf"
            return f"{reg.province}互联网发展月报-{period}.pdf"

        for k, ind in enumerate(inds):
            ytd = ind.unit == "元" and ind.kind == "flow"
            t = m / 12
            season = 1 + 0.04 * math.sin(2 * math.pi * (month - 3) / 12) if ind.kind == "flow" else 1.0
            if ytd:
                p_start, p_end, p_text, p_type = f"{year:04d}-01-01", m_end, f"{year:04d}-01..{period}", "ytd"
                when = f"{year}年1-{month}月"
            else:
                p_start, p_end, p_text, p_type = m_start, m_end, period, "month"
                when = f"截至{year}年{month}月末，" if ind.kind == "stock" else f"{year}年{month}月，"
            for reg in regs:
                if reg.level == "city" and ind.name not in in_cities:
                    continue
                name = doc_of(reg)
                facts = docs.setdefault(name, [])
                page = 2 + (k % 20) if reg.level != "city" else 22 + (k % 4)
                if ind.unit in RATES:
                    level = base[ind.name] * (1 + 0.02 * t) * region_noise[reg.name]
                    level = min(level, 99.9) if ind.unit == "%" else level
                else:
                    level = (
                        base[ind.name]
                        * reg.weight
                        * region_noise[reg.name]
                        * (1 + growth[ind.name]) ** t
                        * season
                    )
                ops = [""] + (list(OPERATORS) if ind.name in with_ops and reg.level != "city" else [])
                for op in ops:
                    value = level * (OP_SHARE[op] * (1 + 0.02 * math.sin(m / 9 + len(op))) if op else 1.0)
                    value *= 1 + rng.gauss(0, 0.01)
                    value = round(value, 1) if ind.unit in RATES else float(round(value))
                    key = (ind.name, reg.name, op)
                    if ytd and month > 1:
                        value = printed[key][m - 1] + value
                    history = printed.setdefault(key, {})
                    history[m] = value
                    history.pop(m - 13, None)
                    raw, raw_unit = _printed(value, ind.unit)
                    who = f"{reg.name}{op}"
                    snippet = f"{when}{who}{ind.name}{'累计' if ytd else ''}达到{raw}{raw_unit}。"
                    common = dict(
                        document=name,
                        page=page,
                        method="table",
                        indicator=ind.name,
                        category=ind.category,
                        region=reg.name,
                        region_code=reg.code,
                        region_level=reg.level,
                        operator=op,
                        subject="",
                        period=p_text,
                        period_type=p_type,
                        period_start=p_start,
                        period_end=p_end,
                    )
                    row = len(facts) % 30
                    box = (72.0, 100.0 + row * 20, 520.0, 114.0 + row * 20)
                    facts.append(
                        SynthFact(
                            **common,
                            measure="value",
                            value=value,
                            unit=ind.unit,
                            raw_value=raw,
                            raw_unit=raw_unit,
                            snippet=snippet,
                            bbox=box,
                        )
                    )
                    prev = printed[key].get(m - 12)
                    if prev and ind.unit not in RATES:
                        yoy = round((value / prev - 1) * 100, 1)
                        facts.append(
                            SynthFact(
                                **common,
                                measure="yoy_pct",
                                value=yoy,
                                unit="%",
                                raw_value=f"{yoy}",
                                raw_unit="%",
                                snippet=f"{who}{ind.name}同比增长{yoy}%。",
                                bbox=box,
                            )
                        )
                    if op and reg.level == "province":
                        total = printed[(ind.name, reg.name, "")][m]
                        share = round(value / total * 100, 1)
                        facts.append(
                            SynthFact(
                                **common,
                                measure="share_pct",
                                value=share,
                                unit="%",
                                raw_value=f"{share}",
                                raw_unit="%",
                                snippet=f"{who}{ind.name}占全省的{share}%。",
                                bbox=box,
                            )
                        )
        # the national report ranks the provinces on a few indicators
        national = docs.setdefault(doc_of(regs[0]), [])
        for k, ind in enumerate(ranked):
            ind_name = ind.name
            ytd = ind.unit == "元" and ind.kind == "flow"
            order = sorted(provinces, key=lambda r: -printed[(ind_name, r.name, "")][m])
            for rank, reg in enumerate(order, 1):
                last = printed[(ind_name, reg.name, "")][m]
                raw, raw_unit = _printed(last, ind.unit)
                national.append(
                    SynthFact(
                        document=doc_of(regs[0]),
                        page=30 + k,
                        method="table",
                        indicator=ind_name,
                        category=ind.category,
                        region=reg.name,
                        region_code=reg.code,
                        region_level="province",
                        operator="",
                        subject="",
                        period=f"{year:04d}-01..{period}" if ytd else period,
                        period_type="ytd" if ytd else "month",
                        period_start=f"{year:04d}-01-01" if ytd else m_start,
                        period_end=m_end,
                        measure="rank",
                        value=float(rank),
                        unit="位",
                        raw_value=str(rank),
                        raw_unit="位",
                        snippet=f"{reg.name}{ind_name}{raw}{raw_unit}，居全国第{rank}位。",
                        bbox=(72.0, 100.0 + rank * 18, 520.0, 114.0 + rank * 18),
                    )
                )
        yield from docs.items()


#: Up to this size the shape is the benchmark's original one (120 months, 40 indicators); past it the
#: shape grows with the size (:func:`shape`).
BASE_FACTS = 1_040_000
MAX_MONTHS = 240


def count(
    months: int = 120,
    n_indicators: int = 40,
    city_indicators_n: int = 4,
    operator_indicators_n: int = MAX_OPERATOR_INDICATORS,
    **_: object,
) -> int:
    """About how many facts :func:`generate` writes with these arguments (all cities)."""
    regs = regions(None)
    inds = indicators(n_indicators)
    n_cities = sum(r.level == "city" for r in regs)
    n_top = len(regs) - n_cities  # the nation and the provinces
    growth_capable = sum(i.unit not in RATES for i in inds)
    n_ops = len(operator_indicators(inds, operator_indicators_n))
    k = min(city_indicators_n, len(city_indicators(inds, 999)))
    yoy_share = max(0, months - 12) / max(1, months)
    top = months * (
        n_top * (len(inds) + growth_capable * yoy_share)
        + n_ops * len(OPERATORS) * (n_top * (1 + yoy_share) + (n_top - 1))
        + RANKED_INDICATORS * (n_top - 1)
    )
    return round(top + k * months * n_cities * (1 + yoy_share))


def shape(facts: int, months: int = 120, n_indicators: int = 40) -> dict:
    """generate() arguments giving about ``facts`` facts.

    Up to :data:`BASE_FACTS`: ``months`` and ``n_indicators`` as given (fewer months below ~0.7 M),
    all cities, as many city indicators as fit. Past it, with s = facts / BASE_FACTS, the store grows as a team's would:
    months × s^0.3 (whole years, at most 240), indicators and operator breakdowns × s^0.4 (within the
    catalogue), the cities' own reports from 2 M facts; then as many city indicators as fit.
    """
    scale = max(1.0, facts / BASE_FACTS)
    if scale > 1:
        months = min(MAX_MONTHS, max(months, 12 * round(months * scale**0.3 / 12)))
        n_indicators = min(len(indicators(999)), round(n_indicators * scale**0.4))
    n_ops = round(MAX_OPERATOR_INDICATORS * scale**0.4)
    kw = dict(
        months=months,
        start_year=2025 - months // 12,  # the series end in December 2024 whatever their length
        n_indicators=n_indicators,
        cities_per_province=None,
        operator_indicators_n=n_ops,
        city_reports=facts >= 2_000_000,
    )
    most = len(city_indicators(indicators(n_indicators), 999))
    without = count(**kw, city_indicators_n=0)
    if without > facts:  # smaller than the 1 M shape without city figures: fewer months
        kw["months"] = months = max(13, months * facts // without)
        kw["start_year"] = 2025 - -(-months // 12)
        without = count(**kw, city_indicators_n=0)
    per_city_indicator = count(**kw, city_indicators_n=1) - without
    kw["city_indicators_n"] = max(0, min(most, round((facts - without) / per_city_indicator)))
    return kw


def build(db: str, **kw) -> int:
    """Write the store through :meth:`Store.save_document`, one report at a time; the number of facts."""
    import resource

    store = Store(db)
    n = docs = 0
    t0 = time.perf_counter()
    months = int(kw.get("months", 120))
    last_period = ""
    for name, facts in generate(**kw):
        sha = hashlib.sha256(name.encode()).hexdigest()
        store.save_document(
            name=name,
            sha256=sha,
            pages=36,
            size=0,
            kind="pdf",
            title=name.removesuffix(".pdf"),
            version=VERSION,
            fact_rows=facts,
        )
        n += len(facts)
        docs += 1
        period = name.removesuffix(".pdf")[-7:]
        if period != last_period and period.endswith("-01") and last_period:
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"  {last_period}: {n:,} facts, {docs:,} reports in {time.perf_counter() - t0:.0f}s "
                f"({n / (time.perf_counter() - t0):,.0f} facts/s, peak RSS {rss:,.0f} MiB, {months} months)",
                file=sys.stderr,
                flush=True,
            )
        last_period = period
    where = store.url.split("@")[-1]  # no password in the log
    print(f"{n} facts in {time.perf_counter() - t0:.1f}s → {where}", file=sys.stderr)
    return n


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", required=True, help="SQLite path or database URL to fill")
    p.add_argument("--months", type=int, default=120)
    p.add_argument("--indicators", type=int, default=40)
    p.add_argument("--cities", type=int, default=None, help="cities per province (default: all)")
    p.add_argument("--city-indicators", type=int, default=4, help="indicators the cities report")
    p.add_argument(
        "--facts",
        type=int,
        help="aim for about this many facts (all cities; scales --city-indicators, and past 1 M the "
        "months, indicators and reports; --months and --indicators are the 1 M shape)",
    )
    args = p.parse_args(argv)
    if args.facts:
        kw = shape(args.facts, args.months, args.indicators)
    else:
        kw = dict(
            months=args.months,
            n_indicators=args.indicators,
            cities_per_province=args.cities,
            city_indicators_n=args.city_indicators,
        )
    build(args.db, **kw)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
