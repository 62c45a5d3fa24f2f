"""Reporting periods: parse what reports write, resolve it against the document's own period.

Canonical forms (``Period.period``), one per ``period_type``:

========  =====================  ==========================================
type      canonical              meaning
========  =====================  ==========================================
month     ``2020-08``            a month, or a stock at the month's end
ytd       ``2020-01..2020-08``   January to a month of one year (1-8月)
range     ``2020-02..2020-08``   any other run of whole months, or of
          ``2020Q1..2021Q1``     whole quarters
quarter   ``2021Q1``             a calendar quarter
half      ``2020H1``             a half year
year      ``2020``               a calendar year (or a stock at its end)
week      ``2021-W05``           an ISO 8601 week (Monday to Sunday)
========  =====================  ==========================================

Text without a year (8月, 上半年, 一季度, 上月, 同期) needs ``ref``, the document's own period.
It is put in the reference's year unless it would reach more than two months past the
reference's end, in which case it is the year before: a January report's 「12月」 and
「1-12月」 are last year's, an August report's 「10月」 and 「四季度」 this year's (months and
month runs are judged by their last day, quarters, halves and weeks by their first).

The reference may carry ``asof``, the document's reference date (its date line, distinct from
the period its data are about; ``Period.at``). Relative words resolve as a writer means them
(the rows of :data:`RELATIVE_WORDS`):

* 今年/本年/当年, 上年 (the year before the data: 上年末, 比上年) and bare 年末/年底/全年 count
  from the data period — an annual report issued in January 2021 about 2020 still means 2020;
  a bare 今年 is the year so far (「其中今年新增4009个」 in a May report is January to May);
* 去年/前年/明年 count from the date line when there is one (a 2016 news story's 去年 is 2015);
* 目前/日前/近日/当前 are the month of the date line; 本周/上周 the week of the data or the
  date line; 今年以来/今年累计/年初以来 the year to date of the data period.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from extract.normalize.numbers import chinese_to_int, squeeze, to_halfwidth

PERIOD_TYPES: tuple[str, ...] = ("month", "ytd", "range", "quarter", "half", "year", "week")
_CN_DIGITS = "〇一二三四"


def _month_end(y: int, m: int) -> datetime.date:
    return datetime.date(y, m, calendar.monthrange(y, m)[1])


def _check_year(y: int) -> None:
    if not 1 <= y <= 9998:
        raise ValueError(f"year out of range: {y}")


@dataclass(frozen=True)
class Period:
    """A reporting period: its canonical key, its type and its first and last day."""

    period: str
    period_type: str
    start: datetime.date
    end: datetime.date
    #: The document's reference date when this period is a document's own (not part of equality).
    asof: datetime.date | None = field(default=None, compare=False, repr=False)

    def at(self, asof: datetime.date | None) -> Period:
        """This period as the data period of a document dated ``asof`` (its date line).

        >>> p = Period.year(2015).at(datetime.date(2016, 4, 2))
        >>> p.asof, p == Period.year(2015)
        (datetime.date(2016, 4, 2), True)
        """
        return replace(self, asof=asof)

    # --- constructors -------------------------------------------------------------------
    @classmethod
    def month(cls, y: int, m: int) -> Period:
        """Month ``m`` of year ``y``.

        >>> Period.month(2020, 8)
        Period(period='2020-08', period_type='month', start=datetime.date(2020, 8, 1), end=datetime.date(2020, 8, 31))
        """
        _check_year(y)
        return cls(f"{y:04d}-{m:02d}", "month", datetime.date(y, m, 1), _month_end(y, m))

    @classmethod
    def ytd(cls, y: int, m: int) -> Period:
        """January to month ``m`` of year ``y`` (1-8月).

        >>> Period.ytd(2020, 8).period
        '2020-01..2020-08'
        """
        _check_year(y)
        return cls(f"{y:04d}-01..{y:04d}-{m:02d}", "ytd", datetime.date(y, 1, 1), _month_end(y, m))

    @classmethod
    def months(cls, y1: int, m1: int, y2: int, m2: int) -> Period:
        """A run of whole months; January-based runs within one year are ``ytd``.

        >>> Period.months(2020, 2, 2020, 8).period, Period.months(2020, 1, 2020, 8).period_type
        ('2020-02..2020-08', 'ytd')
        """
        _check_year(y1)
        _check_year(y2)
        if y1 == y2 and m1 == 1:
            return cls.ytd(y2, m2)
        if (y1, m1) >= (y2, m2):
            raise ValueError("a range must run forwards")
        return cls(
            f"{y1:04d}-{m1:02d}..{y2:04d}-{m2:02d}", "range", datetime.date(y1, m1, 1), _month_end(y2, m2)
        )

    @classmethod
    def quarter(cls, y: int, q: int) -> Period:
        """Quarter ``q`` of year ``y``.

        >>> Period.quarter(2021, 1).end
        datetime.date(2021, 3, 31)
        """
        _check_year(y)
        if not 1 <= q <= 4:
            raise ValueError(f"no quarter {q}")
        return cls(f"{y:04d}Q{q}", "quarter", datetime.date(y, 3 * q - 2, 1), _month_end(y, 3 * q))

    @classmethod
    def quarters(cls, y1: int, q1: int, y2: int, q2: int) -> Period:
        """A run of whole quarters (2020年一季度到2021年一季度).

        >>> Period.quarters(2020, 1, 2021, 1).period, Period.quarters(2020, 1, 2021, 1).end
        ('2020Q1..2021Q1', datetime.date(2021, 3, 31))
        """
        a, b = cls.quarter(y1, q1), cls.quarter(y2, q2)
        if a.start >= b.start:
            raise ValueError("a range must run forwards")
        return cls(f"{a.period}..{b.period}", "range", a.start, b.end)

    @classmethod
    def half(cls, y: int, h: int) -> Period:
        """Half ``h`` (1 or 2) of year ``y``.

        >>> Period.half(2020, 2).start
        datetime.date(2020, 7, 1)
        """
        _check_year(y)
        if h not in (1, 2):
            raise ValueError(f"no half {h}")
        return cls(f"{y:04d}H{h}", "half", datetime.date(y, 6 * h - 5, 1), _month_end(y, 6 * h))

    @classmethod
    def year(cls, y: int) -> Period:
        """The calendar year ``y``.

        >>> Period.year(2020).period
        '2020'
        """
        _check_year(y)
        return cls(f"{y:04d}", "year", datetime.date(y, 1, 1), datetime.date(y, 12, 31))

    @classmethod
    def week(cls, y: int, w: int) -> Period:
        """ISO week ``w`` of ISO year ``y``.

        >>> p = Period.week(2021, 5); p.period, p.start, p.end
        ('2021-W05', datetime.date(2021, 2, 1), datetime.date(2021, 2, 7))
        """
        _check_year(y)
        start = datetime.date.fromisocalendar(y, w, 1)
        return cls(f"{y:04d}-W{w:02d}", "week", start, start + datetime.timedelta(days=6))

    # --- views --------------------------------------------------------------------------
    def format(self) -> str:
        """The canonical key (``parse_canonical(p.format()) == p``)."""
        return self.period

    def as_dict(self) -> dict[str, str]:
        """JSON-ready, dates in ISO form.

        >>> Period.ytd(2020, 8).as_dict()
        {'period': '2020-01..2020-08', 'period_type': 'ytd', 'start': '2020-01-01', 'end': '2020-08-31'}
        """
        return {
            "period": self.period,
            "period_type": self.period_type,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }

    def year_earlier(self) -> Period:
        """The same period a year before (同期, 去年同期).

        >>> Period.ytd(2020, 8).year_earlier().period, Period.month(2020, 2).year_earlier().period
        ('2019-01..2019-08', '2019-02')
        """
        return _shift_years(self, -1)

    def previous(self) -> Period:
        """The period just before, of the same length (上月 for a month, 上季度 for a quarter).

        >>> Period.month(2021, 1).previous().period, Period.quarter(2021, 1).previous().period
        ('2020-12', '2020Q4')
        """
        if self.period_type == "range" and "Q" in self.period:
            return Period.quarter(self.end.year, (self.end.month + 2) // 3).previous()
        if self.period_type in ("month", "ytd", "range"):
            y, m = self.end.year, self.end.month
            return Period.month(y, m - 1) if m > 1 else Period.month(y - 1, 12)
        if self.period_type == "quarter":
            q = (self.start.month + 2) // 3
            return Period.quarter(self.start.year, q - 1) if q > 1 else Period.quarter(self.start.year - 1, 4)
        if self.period_type == "half":
            return (
                Period.half(self.start.year, 1)
                if self.start.month > 6
                else Period.half(self.start.year - 1, 2)
            )
        if self.period_type == "week":
            y, w, _ = (self.start - datetime.timedelta(days=7)).isocalendar()
            return Period.week(y, w)
        return Period.year(self.start.year - 1)


def day_range_period(y: int, m1: int, d1: int, m2: int, d2: int) -> Period | None:
    """A printed run of days as a period: one Monday–Sunday week, or one whole month; else None.

    >>> day_range_period(2018, 2, 5, 2, 11).period, day_range_period(2020, 8, 1, 8, 31).period
    ('2018-W06', '2020-08')
    >>> day_range_period(2018, 2, 6, 2, 12) is None, day_range_period(2018, 2, 30, 3, 1) is None
    (True, True)
    """
    try:
        a, b = datetime.date(y, m1, d1), datetime.date(y, m2, d2)
    except ValueError:
        return None
    if a.weekday() == 0 and (b - a).days == 6:
        iy, iw, _ = a.isocalendar()
        return Period.week(iy, iw)
    if a.day == 1 and m1 == m2 and b == _month_end(y, m2):
        return Period.month(y, m1)
    return None


#: Module-level shorthands for the constructors (``from extract.normalize.periods import month``).
month = Period.month
ytd = Period.ytd
months = Period.months
quarter = Period.quarter
half = Period.half
year = Period.year
week = Period.week


def _shift_years(p: Period, n: int) -> Period:
    y0, y1 = p.start.year + n, p.end.year + n
    t = p.period_type
    if t == "month":
        return Period.month(y1, p.end.month)
    if t == "range" and "Q" in p.period:
        return Period.quarters(y0, (p.start.month + 2) // 3, y1, (p.end.month + 2) // 3)
    if t in ("ytd", "range"):
        return Period.months(y0, p.start.month, y1, p.end.month)
    if t == "quarter":
        return Period.quarter(y0, (p.start.month + 2) // 3)
    if t == "half":
        return Period.half(y0, 1 if p.start.month == 1 else 2)
    if t == "week":
        y, w, _ = p.start.isocalendar()
        return Period.week(y + n, min(w, 52))
    return Period.year(y0)


_CANONICAL = [
    (re.compile(r"(\d{4})-(\d{2})"), lambda m: Period.month(int(m[1]), int(m[2]))),
    (
        re.compile(r"(\d{4})-(\d{2})\.\.(\d{4})-(\d{2})"),
        lambda m: Period.months(int(m[1]), int(m[2]), int(m[3]), int(m[4])),
    ),
    (re.compile(r"(\d{4})Q([1-4])"), lambda m: Period.quarter(int(m[1]), int(m[2]))),
    (
        re.compile(r"(\d{4})Q([1-4])\.\.(\d{4})Q([1-4])"),
        lambda m: Period.quarters(int(m[1]), int(m[2]), int(m[3]), int(m[4])),
    ),
    (re.compile(r"(\d{4})H([12])"), lambda m: Period.half(int(m[1]), int(m[2]))),
    (re.compile(r"(\d{4})"), lambda m: Period.year(int(m[1]))),
    (re.compile(r"(\d{4})-W(\d{2})"), lambda m: Period.week(int(m[1]), int(m[2]))),
]


def parse_canonical(text: str) -> Period | None:
    """A canonical key back to its Period (None when it is not one).

    >>> [parse_canonical(s).period_type for s in ["2020-08", "2020-01..2020-08", "2021Q1", "2020H1", "2020", "2021-W05"]]
    ['month', 'ytd', 'quarter', 'half', 'year', 'week']
    >>> parse_canonical("2020-13") is None, parse_canonical("2020-02..2020-01") is None
    (True, True)
    """
    if not isinstance(text, str):
        return None
    s = text.strip()
    for pattern, build in _CANONICAL:
        m = pattern.fullmatch(s)
        if m:
            try:
                p = build(m)
            except ValueError:
                return None
            return p if p.period == s else None
    return None


def format_period(p: Period) -> str:
    """The canonical key (same as ``p.format()``)."""
    return p.period


def _cn(n: int) -> str:
    return "一二三四"[n - 1]


def period_text(p: Period) -> str:
    """The period written the way reports write it (parses back with :func:`parse_period`).

    >>> [period_text(parse_canonical(s)) for s in ["2020-08", "2020-01..2020-08", "2021Q1", "2020H2", "2021-W05"]]
    ['2020年8月', '2020年1-8月', '2021年第一季度', '2020年下半年', '2021年第5周']
    """
    t = p.period_type
    if t == "month":
        return f"{p.start.year}年{p.start.month}月"
    if t == "ytd":
        return f"{p.end.year}年1-{p.end.month}月"
    if t == "range" and "Q" in p.period:
        a, b = p.period.split("..")
        return f"{a[:4]}年第{_cn(int(a[5]))}季度至{b[:4]}年第{_cn(int(b[5]))}季度"
    if t == "range":
        if p.start.year == p.end.year:
            return f"{p.end.year}年{p.start.month}-{p.end.month}月"
        return f"{p.start.year}年{p.start.month}月至{p.end.year}年{p.end.month}月"
    if t == "quarter":
        return f"{p.start.year}年第{_cn((p.start.month + 2) // 3)}季度"
    if t == "half":
        return f"{p.start.year}年{'上' if p.start.month == 1 else '下'}半年"
    if t == "week":
        y, w, _ = p.start.isocalendar()
        return f"{y}年第{w}周"
    return f"{p.start.year}年"


# --- the grammar ------------------------------------------------------------------------

_Y = r"(?:(?<![0-9])(?P<y>(?:19|20|21)[0-9]{2})年|(?P<rel>今年|本年|当年|去年|上年|前年|明年))"
_YYYY = r"(?:19|20|21)[0-9]{2}"
_M_CHARS = r"1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]"
_DASH = r"(?:-{1,2}|—{1,2}|–|~|～|至|到)"
_MONTH_SUFFIX = r"(?:份|底|末|初|中旬|上旬|下旬)?"


def _m(name: str) -> str:
    return rf"(?<![0-9.])(?P<{name}>{_M_CHARS})(?![0-9])"


_REL_YEAR = {"今年": 0, "本年": 0, "当年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}
#: Relative years counted from the writer's "now" (the date line) rather than from the data period.
_WRITER_RELATIVE = frozenset({"去年", "前年", "明年"})


def _num(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return chinese_to_int(text)


class _Need(Exception):
    """The text needs a reference period that was not given."""


def _year(m: re.Match[str], ref: Period | None) -> int | None:
    """The explicit or relative year of a match; None when there is none."""
    if m.groupdict().get("y"):
        return int(m["y"])
    rel = m.groupdict().get("rel")
    if rel:
        if ref is None:
            raise _Need
        base = ref.asof.year if rel in _WRITER_RELATIVE and ref.asof is not None else ref.end.year
        return base + _REL_YEAR[rel]
    return None


def _two_months_after(d: datetime.date) -> datetime.date:
    y, m = (d.year, d.month + 2) if d.month <= 10 else (d.year + 1, d.month - 10)
    return _month_end(y, m)


def _in_ref_year(build: Callable[[int], Period], ref: Period | None, by_end: bool) -> Period:
    """A period given without a year: in the reference's year, or the year before when it
    would reach more than two months past the reference (see the module docstring)."""
    if ref is None:
        raise _Need
    p = build(ref.end.year)
    if (p.end if by_end else p.start) > _two_months_after(ref.end):
        p = build(ref.end.year - 1)
    return p


def _dated(
    m: re.Match[str], ref: Period | None, build: Callable[[int], Period], by_end: bool = True
) -> Period:
    y = _year(m, ref)
    return build(y) if y is not None else _in_ref_year(build, ref, by_end)


def _b_date(m: re.Match[str], ref: Period | None) -> Period | None:
    return None  # a day: never a period


def _b_cross_range(m: re.Match[str], ref: Period | None) -> Period | None:
    return Period.months(int(m["y1"]), _num(m["m1"]) or 0, int(m["y2"]), _num(m["m2"]) or 0)


def _b_range(m: re.Match[str], ref: Period | None) -> Period | None:
    m1, m2 = _num(m["m1"]), _num(m["m2"])
    if m1 is None or m2 is None or m1 > m2 or (m1 == m2 and m1 != 1):
        return None
    return _dated(m, ref, lambda y: Period.months(y, m1, y, m2))


def _b_first_months(m: re.Match[str], ref: Period | None) -> Period | None:
    n = _num(m["n"])
    if n is None or not 1 <= n <= 12:
        return None
    return _dated(m, ref, lambda y: Period.ytd(y, n))


def _b_first_quarters(m: re.Match[str], ref: Period | None) -> Period | None:
    n = _num(m["n"])
    if n is None or not 1 <= n <= 4:
        return None
    return _dated(m, ref, lambda y: Period.ytd(y, 3 * n))


def _b_month(m: re.Match[str], ref: Period | None) -> Period | None:
    month = _num(m["m"])
    if month is None or not 1 <= month <= 12:
        return None
    if not m["m"].isdigit() and not (m["y"] or m["rel"] or m["fen"]):
        return None  # 统一月: a Chinese-numeral month needs a year or 份
    return _dated(m, ref, lambda y: Period.month(y, month))


def _b_quarter_range(m: re.Match[str], ref: Period | None) -> Period | None:
    q1, q2 = _num(m["q1"] or m["q1b"]), _num(m["q2"] or m["q2b"])
    if q1 is None or q2 is None:
        return None
    return Period.quarters(int(m["y1"]), q1, int(m["y2"]), q2)


def _b_quarter(m: re.Match[str], ref: Period | None) -> Period | None:
    q = _num(m["q"])
    if q is None or not 1 <= q <= 4:
        return None
    y = m.groupdict().get("y2")
    if y:
        return Period.quarter(int(y), q)
    return _dated(m, ref, lambda y: Period.quarter(y, q), by_end=False)


def _b_half(m: re.Match[str], ref: Period | None) -> Period | None:
    groups = m.groupdict()
    if groups.get("hq"):
        h = 1 if groups["hq"][0] in "一1" else 2
    else:
        h = 1 if m["h"] in ("上", "1") else 2
    y = m.groupdict().get("y2")
    if y:
        return Period.half(int(y), h)
    return _dated(m, ref, lambda y: Period.half(y, h), by_end=False)


def _b_year(m: re.Match[str], ref: Period | None) -> Period | None:
    """A year; 「2020年底」「截至2020年末」「上年末」「年末」 is a point in time: the stock at December."""
    y = _year(m, ref)
    if y is None:
        if ref is None:
            raise _Need
        y = ref.end.year
    if m.group(0).endswith(("年底", "年末", "年度末")) or (
        m.groupdict().get("rel") and m.group(0).endswith(("末", "底"))
    ):
        return Period.month(y, 12)
    if m.group(0).lstrip("截至止到") in ("今年", "本年") and ref is not None and y == ref.end.year:
        return _year_to_date(m, ref)  # 「其中今年新增4009个」 in a May report: January to May
    return Period.year(y)


def _need_ref(ref: Period | None) -> Period:
    if ref is None:
        raise _Need
    return ref


def _asof_month(m: re.Match[str], ref: Period | None) -> Period | None:
    """目前/日前/近日: the month of the document's date line."""
    asof = _need_ref(ref).asof
    if asof is None:
        raise _Need
    return Period.month(asof.year, asof.month)


def _this_week(m: re.Match[str], ref: Period | None) -> Period:
    """本周: the report's own week, or the week of its date line."""
    ref = _need_ref(ref)
    if ref.period_type == "week":
        return ref
    if ref.asof is None:
        raise _Need
    y, w, _ = ref.asof.isocalendar()
    return Period.week(y, w)


def _last_week(m: re.Match[str], ref: Period | None) -> Period | None:
    return _this_week(m, ref).previous()


def _year_to_date(m: re.Match[str], ref: Period | None) -> Period | None:
    """今年以来/今年累计/年初以来: January to the end of the data period (the whole year in an annual report)."""
    ref = _need_ref(ref)
    y, mo = ref.end.year, ref.end.month
    return Period.year(y) if mo == 12 else Period.ytd(y, mo)


def _year_end(m: re.Match[str], ref: Period | None) -> Period | None:
    """A bare 年末/年底 (「年末固定电话用户26699万户」): December of the data year."""
    return Period.month(_need_ref(ref).end.year, 12)


@dataclass(frozen=True)
class RelativeWord:
    """A relative period word: a pattern, what it resolves to, and a sentence of the genre."""

    pattern: str
    meaning: str
    example: str
    build: Callable[[re.Match[str], Period | None], Period | None]


#: Relative period words beyond the numbered grammar (tried with the other rules, leftmost-longest).
RELATIVE_WORDS: tuple[RelativeWord, ...] = (
    RelativeWord(
        r"(?:截至|截止到|截止)?(?:目前|当前|日前|近日|现阶段|至今)",
        "the month of the date line",
        "目前，全省3家运营商已建成近350个5G试验基站",
        _asof_month,
    ),
    RelativeWord(
        r"(?:本周|当周)",
        "the report's week, or the week of the date line",
        "本周，境内感染网络病毒的主机数量约为18.4万个",
        _this_week,
    ),
    RelativeWord(r"上周", "the week before", "较上周下降5%", _last_week),
    RelativeWord(
        r"(?:今年|本年|年初)(?:以来|至今)|(?:今年|本年)累计",
        "January to the end of the data period",
        "今年累计，中国电信移动用户数净增1566万户",
        _year_to_date,
    ),
    RelativeWord(
        r"(?<![0-9年今去上本当前明])(?:年末|年底)",
        "December of the data year",
        "年末固定电话用户26699万户",
        _year_end,
    ),
)


def _b_week(m: re.Match[str], ref: Period | None) -> Period | None:
    w = _num(m["w"])
    if w is None:
        return None
    y2 = m.groupdict().get("y2")
    if y2:
        return Period.week(int(y2), w)
    y = _year(m, ref)
    if y is not None:
        return Period.week(y, w)
    if ref is None:
        raise _Need
    p = Period.week(ref.end.isocalendar()[0], w)
    if p.start > _two_months_after(ref.end):
        p = Period.week(ref.end.isocalendar()[0] - 1, w)
    return p


def _b_last_month(m: re.Match[str], ref: Period | None) -> Period | None:
    if ref is None:
        raise _Need
    return Period.month(ref.end.year, ref.end.month).previous()


def _b_this_month(m: re.Match[str], ref: Period | None) -> Period | None:
    if ref is None:
        raise _Need
    return Period.month(ref.end.year, ref.end.month)


def _b_same_period(m: re.Match[str], ref: Period | None) -> Period | None:
    if ref is None:
        raise _Need
    return ref.year_earlier()


def _b_quarter_rel(m: re.Match[str], ref: Period | None) -> Period | None:
    if ref is None:
        raise _Need
    this = Period.quarter(ref.end.year, (ref.end.month + 2) // 3)
    return this.previous() if m["which"] in ("上", "上一", "上个") else this


_W = r"(?P<w>[0-9]{1,2}|[一二三四五六七八九十]{1,3})"
_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str], Period | None], Period | None]]] = [
    (
        re.compile(
            rf"(?:(?<![0-9])(?:19|20|21)[0-9]{{2}}年)?{_m('m')}月(?:[0-9]{{1,2}}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[日号]"
            rf"(?:{_DASH}(?:[0-9]{{1,2}}月)?[0-9]{{1,2}}[日号])?"
        ),
        _b_date,
    ),
    (
        re.compile(
            r"(?<![0-9])(?:19|20|21)[0-9]{2}[-/.](?:1[0-2]|0?[1-9])[-/.](?:3[01]|[12][0-9]|0?[1-9])(?![0-9])"
        ),
        _b_date,
    ),
    (
        re.compile(
            rf"(?<![0-9])(?P<y1>(?:19|20|21)[0-9]{{2}})年{_m('m1')}月{_DASH}(?P<y2>(?:19|20|21)[0-9]{{2}})年{_m('m2')}月"
        ),
        _b_cross_range,
    ),
    (re.compile(rf"(?:{_Y})?{_m('m1')}月?份?{_DASH}{_m('m2')}(?P<fen>)月份?(?:累计)?"), _b_range),
    (
        re.compile(rf"(?:{_Y})?前(?P<n>[0-9]{{1,2}}|十[一二]?|[一二三四五六七八九两])个?月份?"),
        _b_first_months,
    ),
    (re.compile(rf"(?:{_Y})?前(?P<n>[1-4一二三四两])个?季度"), _b_first_quarters),
    (
        re.compile(
            rf"(?:截至|截止到|截止|截至到|到)?(?:{_Y})?{_m('m')}月(?P<fen>份)?(?:底|末|初|中旬|上旬|下旬)?"
        ),
        _b_month,
    ),
    (
        re.compile(
            rf"(?<![0-9])(?P<y1>{_YYYY})(?:年第?(?P<q1>[1-4一二三四])季度|年?[Qq](?P<q1b>[1-4]))"
            rf"{_DASH}(?P<y2>{_YYYY})(?:年第?(?P<q2>[1-4一二三四])季度|年?[Qq](?P<q2b>[1-4]))(?![0-9])"
        ),
        _b_quarter_range,
    ),
    (re.compile(rf"(?:{_Y})?第?(?P<q>[1-4一二三四])季度(?:末|底)?"), _b_quarter),
    (re.compile(r"(?<![0-9])(?P<y2>(?:19|20|21)[0-9]{2})年?[Qq](?P<q>[1-4])(?![0-9])"), _b_quarter),
    (re.compile(rf"(?:{_Y})?(?<![A-Za-z0-9])[Qq](?P<q>[1-4])(?![0-9A-Za-z])"), _b_quarter),
    (re.compile(rf"(?:{_Y})?(?P<h>上|下)半年(?:末|底)?"), _b_half),
    # 「第三季度和第四季度」 together are the second half
    (
        re.compile(
            rf"(?:{_Y})?第?(?P<hq>[一1]季度(?:和|与|及|、)第?[二2]|[三3]季度(?:和|与|及|、)第?[四4])季度"
        ),
        _b_half,
    ),
    (re.compile(r"(?<![0-9])(?P<y2>(?:19|20|21)[0-9]{2})年?[Hh](?P<h>[12])(?![0-9])"), _b_half),
    (re.compile(rf"(?:{_Y})?第{_W}周"), _b_week),
    (re.compile(r"(?<![0-9])(?P<y2>(?:19|20|21)[0-9]{2})-?W(?P<w>[0-9]{2})(?![0-9])"), _b_week),
    (re.compile(r"(?:去年|上年)?同期"), _b_same_period),
    (re.compile(r"上一?个?月"), _b_last_month),
    (re.compile(r"(?:本月|当月)"), _b_this_month),
    (re.compile(r"(?P<which>上一|上个|上|本|当)季度"), _b_quarter_rel),
    (
        re.compile(
            r"(?:截至|截止到|截止)?(?:(?<![0-9])(?P<y>(?:19|20|21)[0-9]{2})(?:年度|年全年|全年|年底|年末|年)"
            r"|(?P<rel>今年|本年|当年|去年|上年|前年|明年)(?:全年|年底|年末|末|底)?|全年)"
        ),
        _b_year,
    ),
    *((re.compile(w.pattern), w.build) for w in RELATIVE_WORDS),
]


def _candidates(s: str, ref: Period | None) -> list[tuple[int, int, Period | None]]:
    """Every rule's matches in ``s`` (already halfwidth and squeezed), leftmost-longest."""
    found: list[tuple[int, int, Period | None, bool]] = []
    for pattern, build in _RULES:
        for m in pattern.finditer(s):
            if m.end() == m.start():
                continue
            try:
                p = build(m, ref)
                ok = True
            except _Need:
                p, ok = None, False
            except ValueError:
                p, ok = None, True
            if build is _b_date:
                ok = True
            if p is None and build is not _b_date and ok:
                continue
            found.append((m.start(), m.end(), p, ok))
    found.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    chosen: list[tuple[int, int, Period | None]] = []
    until = 0
    for start, end, p, _ok in found:
        if start >= until:
            chosen.append((start, end, p))
            until = end
    return chosen


def find_periods(text: str, ref: Period | None = None) -> list[tuple[int, int, Period]]:
    """Period expressions in running text with their ``[start, end)`` spans in ``text``.

    Dates (8月29日) are skipped, and so is anything that needs ``ref`` when none is given.

    >>> text = "8月份，全省互联网用户新增75.5万户；1-8月，新增621.6万户。9 月 14 日举行。"
    >>> [(text[s:e], p.period) for s, e, p in find_periods(text, Period.month(2020, 8))]
    [('8月份', '2020-08'), ('1-8月', '2020-01..2020-08')]
    """
    if not isinstance(text, str) or not text:
        return []
    s, where = squeeze(to_halfwidth(text), near_cjk_only=True)
    out = []
    for start, end, p in _candidates(s, ref):
        if p is not None:
            out.append((where[start], where[end - 1] + 1, p))
    return out


_NUMERIC = [
    (
        re.compile(r"((?:19|20|21)[0-9]{2})[./年-](1[0-2]|0?[1-9])月?"),
        lambda m: Period.month(int(m[1]), int(m[2])),
    ),
    (re.compile(r"((?:19|20|21)[0-9]{2})(1[0-2]|0[1-9])"), lambda m: Period.month(int(m[1]), int(m[2]))),
    (re.compile(r"((?:19|20|21)[0-9]{2})年?全年"), lambda m: Period.year(int(m[1]))),
]


#: Years a statistic can be about: a bare "1000" or "3000" in a header is a number, not a year.
_PLAUSIBLE_YEARS = (1900, 2199)


def parse_period(text: str, ref: Period | None = None) -> Period | None:
    """A whole phrase as one period, resolved against ``ref`` (the document's period).

    >>> ref = Period.month(2020, 8)
    >>> [parse_period(s, ref).period for s in ["8月份", "1-8月", "1至8月", "截至8月底", "上半年", "上月", "同期"]]
    ['2020-08', '2020-01..2020-08', '2020-01..2020-08', '2020-08', '2020H1', '2020-07', '2019-08']
    >>> [parse_period(s).period for s in ["2021年第一季度", "2021Q1", "2020全年", "2021年第5周", "2020-08"]]
    ['2021Q1', '2021Q1', '2020', '2021-W05', '2020-08']
    >>> parse_period("12月", Period.month(2021, 1)).period
    '2020-12'
    >>> parse_period("8月") is None, parse_period("8月29日", ref) is None, parse_period("1000") is None
    (True, True, True)
    """
    if not isinstance(text, str):
        return None
    raw = text.strip()
    if not raw or len(raw) > 60:
        return None
    p = parse_canonical(raw)
    if p is not None:
        return p if _PLAUSIBLE_YEARS[0] <= p.start.year <= _PLAUSIBLE_YEARS[1] else None
    s = "".join(to_halfwidth(raw).split())
    s = re.sub(r"(?:以来|期间|的|时|里|内|中)$", "", s)
    for pattern, build in _NUMERIC:
        m = pattern.fullmatch(s)
        if m:
            try:
                return build(m)
            except ValueError:
                return None
    s = re.sub(
        r"^((?:今年|去年|本年|上年)?)(十[一二]?|[一二三四五六七八九])月$",
        lambda m: f"{m[1]}{_num(m[2])}月",
        s,
    )
    cands = _candidates(s, ref)
    if len(cands) == 1 and cands[0][0] == 0 and cands[0][1] == len(s):
        return cands[0][2]
    return None


def document_period(texts: list[str]) -> Period | None:
    """Guess a report's own period from its title and first lines.

    The first period with an explicit year wins; a year-to-date run (2020年1-8月) is the
    month it ends with, as a monthly report is keyed by that month.

    >>> document_period(["河南省互联网发展状况（2020年8月）"]).period
    '2020-08'
    >>> document_period(["互联网发展状况", "截至2020年8月底，全省…"]).period
    '2020-08'
    >>> document_period(["2020年1-8月全省通信业运行情况"]).period
    '2020-08'
    >>> document_period(["9 月 14 日，活动举行"]) is None
    True
    """
    for text in texts or []:
        for _start, _end, p in find_periods(text, None):
            if p.period_type in ("ytd", "range"):
                return Period.month(p.end.year, p.end.month)
            return p
    return None
