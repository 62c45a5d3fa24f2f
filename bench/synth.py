"""A realistic synthetic fact store for developing and benchmarking the dashboard.

``python bench/synth.py --db /tmp/synth.sqlite --months 120 --indicators 40`` writes
one synthetic monthly report per month (31 provinces, a few cities per province,
4 operators plus the all-operator total, indicators from ``data/indicators.csv``)
through :meth:`extract.store.Store.save_document`, so it exercises exactly the
path a real ingest takes. Values follow a smooth trend with seasonality and
noise; 同比 and operator 占比 are derived from the generated values so they are
mutually consistent. ``--facts N`` scales the region/indicator mix to roughly N
facts in total (1,000,000 for the benchmark).
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
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from extract.model import Fact  # noqa: E402
from extract.store import Store  # noqa: E402

OPERATORS = ("中国移动", "中国联通", "中国电信", "中国广电")
OP_SHARE = {"中国移动": 0.56, "中国联通": 0.21, "中国电信": 0.20, "中国广电": 0.03}
PREFIX = {1: "", 10_000: "万", 100_000_000: "亿"}


@dataclass(frozen=True)
class Region:
    name: str
    code: str
    level: str
    weight: float  # share of national size


@dataclass(frozen=True)
class Indicator:
    name: str
    category: str
    unit: str
    kind: str


def _read_csv(name: str) -> list[dict[str, str]]:
    path = REPO / "data" / name
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def regions(cities_per_province: int = 2) -> list[Region]:
    """全国, the 31 provinces and the first cities of each, with GB/T 2260 codes."""
    rows = _read_csv("regions.csv")
    provinces = [r for r in rows if r["level"] == "province" and r["code"][:2] not in ("71", "81", "82")]
    rng = random.Random(7)
    out = [Region("全国", "100000", "national", 1.0)]
    weights = [rng.uniform(0.4, 3.0) for _ in provinces]
    total = sum(weights)
    for p, w in zip(provinces, weights, strict=True):
        share = w / total
        out.append(Region(p["name"], p["code"], "province", share))
        cities = [r for r in rows if r["level"] == "city" and r["parent_code"] == p["code"]][:cities_per_province]
        for c in cities:
            out.append(Region(c["name"], c["code"], "city", share * rng.uniform(0.08, 0.3)))
    if len(out) == 1:  # no gazetteer yet: a handful of well-known provinces
        for name, code in (("河南省", "410000"), ("广东省", "440000"), ("江苏省", "320000"), ("北京市", "110000")):
            out.append(Region(name, code, "province", 0.05))
    return out


def indicators(n: int) -> list[Indicator]:
    rows = _read_csv("indicators.csv")
    if not rows:
        rows = [{"indicator": "互联网用户", "category": "用户", "unit": "户", "kind": "stock"}]
    picked = [r for r in rows if r["unit"] in ("户", "人", "元", "GB", "个", "%", "点", "次", "家")]
    return [Indicator(r["indicator"], r["category"], r["unit"], r["kind"]) for r in picked[:n]]


def _national_level(ind: Indicator, rng: random.Random) -> float:
    return {
        "户": rng.uniform(2e8, 1.6e9), "人": rng.uniform(1e8, 1e9), "元": rng.uniform(5e10, 1.5e12),
        "GB": rng.uniform(5e9, 2.5e10), "个": rng.uniform(1e6, 4e8), "次": rng.uniform(1e9, 1e11),
        "家": rng.uniform(1e3, 5e4), "%": rng.uniform(40, 95), "点": rng.uniform(80, 400),
    }.get(ind.unit, 1000.0)


def _printed(value: float, unit: str) -> tuple[str, str]:
    """How a report would print this value: (raw_value, raw_unit)."""
    if unit in ("%", "点"):
        return f"{value:.1f}", unit
    factor = 100_000_000 if abs(value) >= 1e8 else 10_000 if abs(value) >= 1e4 else 1
    return f"{value / factor:.1f}".rstrip("0").rstrip("."), PREFIX[factor] + unit


def _month_bounds(year: int, month: int) -> tuple[str, str]:
    last = calendar.monthrange(year, month)[1]
    return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}"


def generate(months: int = 120, n_indicators: int = 40, cities_per_province: int = 2, start_year: int = 2015,
             operators: bool = True, seed: int = 1):
    """Yield (document name, [Fact]) per month."""
    rng = random.Random(seed)
    regs = regions(cities_per_province)
    inds = indicators(n_indicators)
    base = {i.name: _national_level(i, rng) for i in inds}
    growth = {i.name: rng.uniform(-0.02, 0.25) for i in inds}
    region_noise = {r.name: rng.uniform(0.85, 1.15) for r in regs}
    series: dict[tuple[str, str, str], dict[int, float]] = {}
    for m in range(months):
        year, month = start_year + m // 12, m % 12 + 1
        period = f"{year:04d}-{month:02d}"
        start, end = _month_bounds(year, month)
        name = f"synthetic-monthly-{period}.pdf"
        facts: list[Fact] = []
        page = 1
        for ind in inds:
            page = page % 24 + 1
            t = m / 12
            season = 1 + 0.04 * math.sin(2 * math.pi * (month - 3) / 12) if ind.kind == "flow" else 1.0
            for reg in regs:
                if ind.unit in ("%", "点"):
                    level = base[ind.name] * (1 + 0.02 * t) * region_noise[reg.name]
                    level = min(level, 99.9) if ind.unit == "%" else level
                else:
                    level = base[ind.name] * reg.weight * region_noise[reg.name] * (1 + growth[ind.name]) ** t * season
                ops = [""] + (list(OPERATORS) if operators and ind.unit not in ("%", "点") else [])
                for op in ops:
                    value = level * (OP_SHARE[op] * (1 + 0.02 * math.sin(m / 9 + len(op))) if op else 1.0)
                    value *= 1 + rng.gauss(0, 0.01)
                    if ind.unit not in ("%", "点"):
                        value = round(value)
                    else:
                        value = round(value, 1)
                    key = (ind.name, reg.name, op)
                    series.setdefault(key, {})[m] = value
                    raw, raw_unit = _printed(value, ind.unit)
                    who = f"{reg.name}{op}"
                    snippet = f"截至{year}年{month}月末，{who}{ind.name}达到{raw}{raw_unit}。"
                    common = dict(document=name, page=page, method="table", indicator=ind.name,
                                  category=ind.category, region=reg.name, region_code=reg.code,
                                  region_level=reg.level, operator=op, subject="", period=period,
                                  period_type="month", period_start=start, period_end=end)
                    box = (72.0, 100.0 + (len(facts) % 30) * 20, 520.0, 114.0 + (len(facts) % 30) * 20)
                    facts.append(Fact(**common, measure="value", value=float(value), unit=ind.unit,
                                      raw_value=raw, raw_unit=raw_unit, snippet=snippet, bbox=box))
                    prev = series[key].get(m - 12)
                    if prev and ind.unit not in ("%", "点"):
                        yoy = round((value / prev - 1) * 100, 1)
                        facts.append(Fact(**common, measure="yoy_pct", value=yoy, unit="%", raw_value=f"{yoy}",
                                          raw_unit="%", snippet=f"{who}{ind.name}同比增长{yoy}%。", bbox=box))
                    if op and reg.level == "province":
                        total = series[(ind.name, reg.name, "")][m]
                        share = round(value / total * 100, 1)
                        facts.append(Fact(**common, measure="share_pct", value=share, unit="%",
                                          raw_value=f"{share}", raw_unit="%",
                                          snippet=f"{who}{ind.name}占全省的{share}%。", bbox=box))
        yield name, facts


def build(db: str, **kw) -> int:
    store = Store(db)
    n = 0
    t0 = time.perf_counter()
    for name, facts in generate(**kw):
        sha = hashlib.sha256(name.encode()).hexdigest()
        store.save_document(name=name, sha256=sha, pages=24, size=0, kind="pdf",
                            title=name.removesuffix(".pdf"), version="synthetic", fact_rows=facts)
        n += len(facts)
    print(f"{n} facts in {time.perf_counter() - t0:.1f}s → {store.url}", file=sys.stderr)
    return n


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", required=True, help="SQLite path or database URL to fill")
    p.add_argument("--months", type=int, default=120)
    p.add_argument("--indicators", type=int, default=40)
    p.add_argument("--cities", type=int, default=2, help="cities per province")
    p.add_argument("--facts", type=int, help="aim for about this many facts (scales --cities)")
    args = p.parse_args(argv)
    cities = args.cities
    n_ind = args.indicators
    if args.facts:  # about 12 facts per province, indicator and month (value, 同比, 占比 × total + 4 operators)
        cities = 0
        n_ind = max(2, min(60, round(args.facts / (args.months * 32 * 12))))
    build(args.db, months=args.months, n_indicators=n_ind, cities_per_province=cities)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
