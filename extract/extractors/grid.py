"""Region × period grids (spreadsheet imports) → facts with method ``import``."""

from __future__ import annotations

from ..model import Document, Fact
from ..normalize.indicators import Indicator, open_indicator, resolve_indicator
from ..normalize.numbers import to_halfwidth
from ..normalize.periods import parse_period
from ..normalize.quantities import Quantity, parse_quantity
from ..normalize.regions import resolve_region
from .context import DocContext, make_fact


def grid_indicator(name: str, unit: str) -> tuple[Indicator, tuple[str, ...]]:
    """The catalogue indicator for a sheet's 指标, or an uncatalogued one kept under its own name."""
    found = resolve_indicator(name)
    if found:
        return found, ()
    guessed = open_indicator(name, unit)
    return Indicator(name=name, category=guessed.category, unit=unit, kind=guessed.kind, catalogued=False), ()


def extract_grid(doc: Document, ctx: DocContext) -> list[Fact]:
    out: list[Fact] = []
    raw_unit = doc.meta.get("unit", "")
    indicator, flags = grid_indicator(doc.meta.get("indicator", doc.title), raw_unit)
    if not raw_unit:
        flags = (*flags, "unit_assumed")
    for table in (t for page in doc.pages for t in page.tables):
        header, body = table.rows[0], table.rows[1:]
        periods = [parse_period(to_halfwidth(h)) if i else None for i, h in enumerate(header)]
        for row in body:
            if not row or not row[0].strip():
                continue
            match = resolve_region(row[0].strip())
            if match.region is None:
                continue
            for i, cell in enumerate(row[1:], start=1):
                period = periods[i] if i < len(periods) else None
                text = to_halfwidth(cell).strip().replace(",", "")
                if period is None or not text or text in ("-", "…", "...", "NA", "—"):
                    continue
                q = parse_quantity(text + raw_unit) if raw_unit else parse_quantity(text)
                if q is None:
                    continue
                if not raw_unit:
                    q = Quantity(q.value, indicator.unit, q.raw_value, "", ())
                f = make_fact(
                    ctx,
                    page=table.page,
                    method="import",
                    indicator=indicator,
                    region=match.region,
                    period=period,
                    measure="value",
                    quantity=q,
                    snippet=row[0].strip(),
                    flags=(*flags, *(f for f in match.flags if f == "ambiguous_region")),
                )
                if f:
                    out.append(f)
    return mark_conflicts(out, doc)


def mark_conflicts(facts: list[Fact], doc: Document) -> list[Fact]:
    """A region and period given twice with different values (two rows for one province): both facts
    are flagged ``inconsistent`` and the document says so; a repeated equal value is kept once.

    >>> from extract.model import Document
    >>> f = [Fact("t.csv", 1, "import", "x", "其他", "河南省", "410000", "province", "", "", "2016", "year",
    ...      "2016-01-01", "2016-12-31", "value", v, "户", str(v), "", "河南省") for v in (1.0, 2.0, 1.0)]
    >>> doc = Document(name="t.csv", pages=[])
    >>> [x.flags for x in mark_conflicts(f, doc)], doc.warnings
    (['inconsistent', 'inconsistent'], ['2 cells give different values for the same region and period (河南省 2016)'])
    """
    by_key: dict[tuple[str, str], list[Fact]] = {}
    for f in facts:
        by_key.setdefault((f.region, f.period), []).append(f)
    out: list[Fact] = []
    clashes: list[str] = []
    n = 0
    for (region, period), group in by_key.items():
        distinct = list({round(f.value, 9): f for f in group}.values())
        if len(distinct) > 1:
            for f in distinct:
                f.add_flag("inconsistent")
            clashes.append(f"{region} {period}")
            n += len(distinct)
        out.extend(distinct)
    if clashes:
        doc.warnings.append(
            f"{n} cells give different values for the same region and period "
            f"({', '.join(clashes[:5])}{' …' if len(clashes) > 5 else ''})"
        )
    return out
