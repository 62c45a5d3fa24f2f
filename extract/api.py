"""The Python API for notebooks; the CLI and the dashboard are thin layers over it."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pandas as pd

from .model import FACT_COLUMNS


def read_report(
    path: str | Path,
    password: str | None = None,
    *,
    ocr: str | None = None,
    indicator: str | None = None,
    unit: str | None = None,
) -> pd.DataFrame:
    """The facts of one report as a typed DataFrame, without touching a database.

    ``ocr``, ``indicator`` and ``unit`` are passed to :func:`extract.readers.read_document`.
    Raises :class:`extract.model.InputError` for files that cannot be read.
    """
    from .extractors import extract_facts
    from .readers import read_document
    from .store import typed_facts

    doc = read_document(path, password=password, ocr=ocr, indicator=indicator, unit=unit)
    facts = extract_facts(doc)
    return typed_facts(pd.DataFrame([f.row() for f in facts], columns=list(FACT_COLUMNS)))


def load(
    db: str | None = None,
    indicator: str | list[str] | None = None,
    region: str | list[str] | None = None,
    operator: str | list[str] | None = None,
    start: str | None = None,
    end: str | None = None,
) -> pd.DataFrame:
    """Stored facts, filtered, as a typed DataFrame with the contract columns."""
    from .store import Store

    return Store(db).facts(indicator=indicator, region=region, operator=operator, start=start, end=end)


def resolve(
    kind: str, text: str, period: str | None = None, region: str | None = None
) -> tuple[dict | None, str]:
    """How Zhibiao reads one phrase: a JSON-ready dict, or None and the reason."""
    if kind == "region":
        from .normalize.regions import resolve_region

        m = resolve_region(text, province=region)
        if m.region is None:
            return None, m.reason or "unknown region"
        r = m.region
        out: dict[str, object] = {"name": r.name, "code": r.code, "level": r.level, "parent": r.parent}
        if m.flags:
            out["flags"] = list(m.flags)
        return out, ""
    if kind == "operator":
        from .normalize.operators import resolve_operator
        from .normalize.regions import resolve_region

        op = resolve_operator(text)
        if op is None:
            return None, "not an operator (三家基础电信企业 and the like mean all operators)"
        hint = resolve_region(op.region_hint).region if op.region_hint else None
        return {"operator": op.operator, "region": hint.name if hint else ""}, ""
    if kind == "period":
        from .normalize.periods import parse_canonical, parse_period

        ref = parse_canonical(period) if period else None
        p = parse_period(text, ref)
        if p is None:
            return None, "no period recognised" + ("" if ref else " (give --period for relative phrases)")
        return {
            "period": p.period,
            "period_type": p.period_type,
            "start": p.start.isoformat(),
            "end": p.end.isoformat(),
        }, ""
    if kind == "quantity":
        from .normalize.quantities import parse_quantity

        q = parse_quantity(text)
        if q is None:
            return None, "no number with a unit recognised"
        d = asdict(q)
        d["value"] = int(d["value"]) if float(d["value"]).is_integer() else d["value"]
        d["flags"] = list(d.get("flags") or [])
        if not d["flags"]:
            d.pop("flags")
        return d, ""
    if kind == "indicator":
        from .normalize.indicators import resolve_indicator

        ind = resolve_indicator(text)
        if ind is None:
            return None, "not in the indicator catalogue (data/indicators.csv)"
        return {"indicator": ind.name, "category": ind.category, "unit": ind.unit}, ""
    return None, f"unknown kind {kind}"
