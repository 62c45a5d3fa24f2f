"""What an extractor knows about the document as a whole, and how it builds a Fact.

The context is the document's own period (from its title or first statements)
and its province (全省/我省 resolve to it). ``FactBuilder`` turns normalised keys
into contract rows so every extractor fills the columns the same way.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..model import Document, Fact
from ..normalize.indicators import Indicator
from ..normalize.periods import Period, document_period
from ..normalize.quantities import Quantity
from ..normalize.regions import Region, find_regions, resolve_region

NATIONAL = "全国"

#: Explanatory parentheses: 「（指2019年度…）」「（详见图4.1）」 — their numbers and periods are not the text's own.
GLOSS = re.compile(r"[（(](?:指|含|注|即|详见|见)[^）)]*[）)]")
_RELATIVE_PERIOD = re.compile(r"上月|上个月|上年|去年|同期|上季|上期|年初")
_COMPARISON_BASE = re.compile(r"(较|比|相比|与|从)\s*$")


def is_stated_period(text: str, start: int, end: int) -> bool:
    """Whether the period at ``text[start:end]`` is one the text states, rather than 上月/同期
    or the base of a comparison (较2020年3月).

    >>> t = "截至2020年6月，较2020年3月增长，与上月持平"
    >>> is_stated_period(t, 2, 9), is_stated_period(t, 11, 18), is_stated_period(t, 22, 24)
    (True, False, False)
    """
    return not _RELATIVE_PERIOD.search(text[start:end]) and not _COMPARISON_BASE.search(text[max(0, start - 3):start])


@dataclass
class DocContext:
    name: str
    period: Period | None
    province: Region | None

    @property
    def home(self) -> Region | None:
        """The region a statement without one is about: the province, else the nation."""
        return self.province or resolve_region(NATIONAL).region


def document_context(doc: Document) -> DocContext:
    """The document's period and province, read from its first paragraphs."""
    first: list[str] = [doc.title] if doc.title else []
    for page in doc.pages[:3]:
        first.extend(p.text for p in page.paragraphs[:12])
    period = document_period(first)
    province = None
    for text in first[:6]:
        for _s, _e, region in find_regions(text):
            if region.level == "province":
                province = region
                break
        if province:
            break
    return DocContext(name=doc.name, period=period, province=province)


def make_fact(ctx: DocContext, *, page: int, method: str, indicator: Indicator, region: Region | None,
              period: Period | None, measure: str, quantity: Quantity, snippet: str, operator: str = "",
              subject: str = "", flags: tuple[str, ...] = (), bbox=None) -> Fact | None:  # noqa: ANN001
    """A contract row, or None when the number is not finite or a key is missing."""
    if quantity is None or not math.isfinite(quantity.value):
        return None
    period = period or ctx.period
    if period is None:
        return None
    region = region or ctx.home
    unit = quantity.unit
    value = quantity.value
    if measure in ("rank", "rank_change"):
        unit = "位"
    elif measure in ("yoy_pct", "mom_pct", "share_pct") and unit not in ("%", "pp"):
        unit = "%"
    fact = Fact(
        document=ctx.name, page=page, method=method, indicator=indicator.name, category=indicator.category,
        region=region.name if region else "", region_code=region.code if region else "",
        region_level=region.level if region else "", operator=operator, subject=subject,
        period=period.period, period_type=period.period_type, period_start=period.start.isoformat(),
        period_end=period.end.isoformat(), measure=measure, value=float(value), unit=unit,
        raw_value=quantity.raw_value, raw_unit=quantity.raw_unit, snippet=snippet, bbox=bbox,
    )
    if not indicator.catalogued:
        flags = (*flags, "uncatalogued_indicator")
    for flag in (*quantity.flags, *flags):
        fact.add_flag(flag)
    return fact
