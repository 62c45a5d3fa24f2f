"""What may be derived from stored facts, and how a stored number is written: rules by unit and kind.

The rules (also in ``data/README.md``, "Derived values"):

* **Rates** — units ``%``, ``pp``, ``点`` (indices) and per-hundred units (``部/百户``, ``部/百人``) —
  are never turned into relative growth (43.4 % after 39.2 % is +4.2 个百分点, not +10.7 %). For
  ``%`` the change in points may be shown; for the others nothing.
* **Ratios** (a unit with ``/``: ``GB/户·月``) are not additive either: no shares of them.
* **Shares** are computed only from additive quantities whose parts and total share one unit.
* **当月 from 1–N月** is derived only for flows (the catalogue's ``kind``; an uncatalogued indicator's kind
  is guessed from its head noun) — a stock's year-to-date figure is not a sum of months.
* **Series breaks** (``data/dashboard/series_breaks.csv``): no 同比/环比 is derived across a documented break,
  and the chart says where a series has one.
* A number is shown **as printed** (8643.5万户 stays 8643.5万户) with its **qualifier** (超过, 约, 近,
  以上) when the report gives one.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

import pandas as pd

from extract.normalize.indicators import open_indicator
from extract.paths import data_file

#: Units of rates and indices: their change is a difference, never a growth rate.
RATE_UNITS = frozenset({"%", "pp", "点", "‰"})
_PER_HUNDRED = re.compile(r"^[^/]*/百")


def is_rate(unit: str) -> bool:
    """Whether a unit is a rate or index (no relative 同比, no shares).

    >>> [is_rate(u) for u in ("%", "点", "部/百户", "部/百人", "户", "GB/户·月")]
    [True, True, True, True, False, False]
    """
    return unit in RATE_UNITS or bool(_PER_HUNDRED.match(unit or ""))


def is_additive(unit: str) -> bool:
    """Whether values in this unit add up (parts to a total): counts and amounts, not rates or ratios.

    >>> [is_additive(u) for u in ("户", "元", "GB", "%", "GB/户·月", "部/百户")]
    [True, True, True, False, False, False]
    """
    return not is_rate(unit) and "/" not in (unit or "")


@cache
def indicator_kind(indicator: str) -> str:
    """``flow`` or ``stock`` (``index``/``rate`` for head nouns that say so), from the catalogue.

    >>> indicator_kind("电信业务收入"), indicator_kind("移动电话用户")
    ('flow', 'stock')
    """
    return open_indicator(indicator).kind or "stock"


@dataclass(frozen=True)
class SeriesBreak:
    indicator: str
    region: str  # empty: every region
    first_period: pd.Timestamp  # the first period of the new basis
    note: str
    source: str


@cache
def series_breaks() -> tuple[SeriesBreak, ...]:
    """The documented breaks of ``data/dashboard/series_breaks.csv``."""
    with open(data_file("dashboard/series_breaks.csv"), encoding="utf-8", newline="") as f:
        return tuple(
            SeriesBreak(
                r["indicator"],
                r["region"],
                pd.Timestamp(
                    f"{r['first_period']}-01-01" if len(r["first_period"]) == 4 else f"{r['first_period']}-01"
                ),
                r["note"],
                r["source"],
            )
            for r in csv.DictReader(f)
        )


def break_between(
    indicator: str, region: str, before_end: pd.Timestamp, after_end: pd.Timestamp
) -> str | None:
    """The note of a documented break that falls after ``before_end`` and by ``after_end``, if any.

    >>> break_between("电信业务总量", "北京市", pd.Timestamp("2010-12-31"), pd.Timestamp("2011-12-31"))[:9]
    '2010年及以前按'
    >>> break_between("电信业务总量", "北京市", pd.Timestamp("2011-12-31"), pd.Timestamp("2012-12-31")) is None
    True
    """
    for b in series_breaks():
        if b.indicator == indicator and b.region in ("", region) and before_end < b.first_period <= after_end:
            return b.note
    return None


def breaks_in(indicator: str, region: str, start: pd.Timestamp, end: pd.Timestamp) -> list[SeriesBreak]:
    """Documented breaks inside a drawn range (for the note under a chart)."""
    return [
        b
        for b in series_breaks()
        if b.indicator == indicator and b.region in ("", region) and start < b.first_period <= end
    ]


#: Words around a printed number that make it a bound or an approximation (before, after).
#: (高达 "as much as" is emphasis, not a bound: the figure after it is exact, so it is not one of them.)
_QUALIFIER_BEFORE = ("超过", "超", "逾", "约", "近", "将近", "接近", "不足", "不到", "达到近")
_QUALIFIER_AFTER = ("以上", "多", "余", "左右")
#: Any qualifier word, for finding the few snippets that hold one (a column at a time).
QUALIFIER_PATTERN = "|".join(sorted({*_QUALIFIER_BEFORE, *_QUALIFIER_AFTER}, key=len, reverse=True))
_BEFORE_SET = frozenset(_QUALIFIER_BEFORE)
_BEFORE_LENGTHS = tuple(sorted({len(w) for w in _QUALIFIER_BEFORE}, reverse=True))  # the longest word first
_BEFORE_ENDS = frozenset(w[-1] for w in _QUALIFIER_BEFORE)
_AFTER_STARTS = frozenset(w[0] for w in _QUALIFIER_AFTER)


def qualifier(snippet: str, raw_value: str, raw_unit: str = "") -> tuple[str, str]:
    """The qualifier a report printed with a number: (before, after), e.g. ('超过', '') for 超过3亿户.

    >>> qualifier("IPTV用户超过3亿户", "3", "亿户"), qualifier("用户约1.2亿", "1.2")
    (('超过', ''), ('约', ''))
    >>> qualifier("上网人数达到1000万以上", "1000", "万"), qualifier("用户11636.5万户", "11636.5", "万户")
    (('', '以上'), ('', ''))
    """
    if not snippet or not raw_value:
        return "", ""
    at = snippet.find(raw_value)
    if at < 0:
        return "", ""
    head = snippet[:at]
    tail = snippet[at + len(raw_value) :]
    if raw_unit and tail.startswith(raw_unit):
        tail = tail[len(raw_unit) :]
    before = (
        next((head[-k:] for k in _BEFORE_LENGTHS if head[-k:] in _BEFORE_SET), "")
        if head[-1:] in _BEFORE_ENDS
        else ""
    )
    after = next((w for w in _QUALIFIER_AFTER if tail.startswith(w)), "") if tail[:1] in _AFTER_STARTS else ""
    if before == "达到近":
        before = "近"
    return before, after
