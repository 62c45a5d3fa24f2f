"""Quantities: a number with its unit, as printed and in canonical form.

Units and their factors live in ``data/units.csv`` (raw_unit → unit, factor).  Traffic follows
the binary rule used by the telecom reports: 1 T = 1024 GB, 1 PB = 1024 TB, 1 GB = 1024 MB.
A bare multiplier (``9.40 亿``, ``增长4430万``) is a count with no unit noun: canonical unit
``''`` and the flag ``unit_assumed``.

Values are computed in decimal (``Decimal(raw) * factor``) and rounded to a float once, so
``912.2万户`` is exactly ``9122000.0``.  ``raw_value`` keeps the number as printed (after
fullwidth → halfwidth, sign words excluded), ``raw_unit`` the unit as printed.

Sign words right before the number carry the sign into the value: 下降 / 减少 / 下滑 / 降低 / 净减
(and ↓) make it negative (``raw_value`` stays as printed, 912.2); 增长 / 增加 / 提升 / 上升 (and ↑)
keep it as printed (so do 新增 / 净增), so 同比增长-10.5% stays -10.5.  A ``了`` may sit between (下降了1位).
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from functools import cache

from extract.normalize.numbers import NUMBER_PATTERN, chinese_to_int, to_halfwidth
from extract.paths import data_file

UNIT_ASSUMED = "unit_assumed"
APPROXIMATE = "approximate"

NEGATIVE_WORDS: tuple[str, ...] = (
    "净减少",
    "下降",
    "减少",
    "下滑",
    "降低",
    "净减",
    "缩小",
    "收窄",
    "后退",
    "回落",
    "↓",
)
POSITIVE_WORDS: tuple[str, ...] = ("净增加", "增长", "增加", "提升", "上升", "新增", "净增", "前进", "↑")
_SIGN_WORDS = sorted(NEGATIVE_WORDS + POSITIVE_WORDS, key=len, reverse=True)

#: Words around a number that mean "about"/"more than" (only read by :func:`parse_quantity`).
_APPROX_BEFORE = ("超过", "约为", "接近", "达到", "约", "近", "超", "逾", "达", "为", "共")
_APPROX_AFTER = ("以上", "左右", "多", "余")
_NOT_APPROX = ("达到", "达", "为", "共")

_RANK_UNITS = ("位", "名")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ALNUM = _LETTERS + "0123456789"

#: A unit is not a unit when the text goes on with these (个月 is a duration, 家庭 a household).
_UNIT_BLOCKERS: dict[str, tuple[str, ...]] = {
    "个": ("月", "小时", "季度", "工作日", "星期", "年头", "阶段", "体", "人", "性", "案"),
    "家": ("庭", "族", "居", "乡", "长", "电"),
    "点": ("击", "位", "赞"),
    "位": ("于", "置", "数"),
    "人": ("员", "才", "工", "口", "士", "群", "均", "们"),
    "户": ("籍", "外", "型", "口"),
    "张": ("家口",),
    "条": ("件", "例", "款"),
    "次": ("数", "日", "年", "月", "序"),
    "名": ("称", "单", "字", "义"),
}
#: After a bare multiplier (亿, 万) or a Latin unit (G, T, MB) only these may follow in running
#: text; anything else means the real unit is a word Zhibiao does not know (亿吨, 400G以太网).
_QUANTITY_FOLLOWERS = (
    "的",
    "同比",
    "环比",
    "较",
    "比",
    "占",
    "和",
    "与",
    "及",
    "或",
    "至",
    "到",
    "左右",
    "以上",
    "多",
    "余",
    "、",
    "，",
    "。",
    "；",
    "：",
    "）",
    "」",
    "”",
    "》",
    "】",
    "(",
    "（",
    "相比",
    "分别",
    "增长",
    "下降",
    "提升",
    "减少",
    "增加",
    "上升",
    "下滑",
    "降低",
    "居全",
    "居第",
    "居首",
    "位居",
    "排名",
)
_NUMBER_RE = re.compile(NUMBER_PATTERN)
_CHINESE_RUN_RE = re.compile(r"[零〇一二两三四五六七八九十百千]+")
_SPACES = " \t"


@dataclass(frozen=True)
class Unit:
    """One row of ``data/units.csv``."""

    raw: str
    unit: str
    factor: Decimal
    note: str = ""


@dataclass(frozen=True)
class Quantity:
    """A number with its unit: canonical ``value``/``unit`` and the printed ``raw_value``/``raw_unit``."""

    value: float
    unit: str
    raw_value: str
    raw_unit: str
    flags: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: whole values as ints, flags only when there are some.

        >>> parse_quantity("53443万G").as_dict()
        {'value': 534430000, 'unit': 'GB', 'raw_value': '53443', 'raw_unit': '万G'}
        >>> parse_quantity("下降3.2%").as_dict()["value"]
        -3.2
        """
        value: float | int = self.value
        if self.value.is_integer() and abs(self.value) < 2**53:
            value = int(self.value)
        d: dict[str, object] = {
            "value": value,
            "unit": self.unit,
            "raw_value": self.raw_value,
            "raw_unit": self.raw_unit,
        }
        if self.flags:
            d["flags"] = list(self.flags)
        return d


@cache
def unit_table() -> dict[str, Unit]:
    """``data/units.csv`` keyed by raw unit.

    >>> unit_table()["万G"]
    Unit(raw='万G', unit='GB', factor=Decimal('10000'), note='')
    >>> unit_table()["万款"].factor, "万名" in unit_table()
    (Decimal('10000'), False)
    """
    table: dict[str, Unit] = {}
    with open(data_file("units.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            raw = row["raw_unit"].strip()
            if raw:
                table[raw] = Unit(
                    raw, row["unit"].strip(), Decimal(row["factor"].strip()), row.get("note") or ""
                )
    for raw, unit in list(
        table.items()
    ):  # 208万款, 3亿张: a multiplier before a counting word the table knows
        if (
            len(raw) == 1
            and "\u4e00" <= raw <= "\u9fff"
            and unit.factor == 1
            and raw not in _RANK_UNITS + ("点",)
        ):
            for word, factor in _MULTIPLIERS:
                table.setdefault(
                    word + raw, Unit(word + raw, unit.unit, factor, "derived: multiplier and counting word")
                )
    return table


#: Multipliers that may stand before any counting word (万款 = 10000 款).
_MULTIPLIERS = (("万", Decimal(10000)), ("亿", Decimal(100000000)))


@cache
def _max_unit_len() -> int:
    return max(len(u) for u in unit_table())


def resolve_unit(raw: str) -> Unit | None:
    """The table row for a printed unit (fullwidth, spaces and 个/名 variants tolerated).

    >>> resolve_unit("万户").factor, resolve_unit("ＴＢ").unit, resolve_unit("部／百户").unit
    (Decimal('10000'), 'GB', '部/百户')
    >>> resolve_unit("个 百分点").unit, resolve_unit("斤") is None
    ('pp', True)
    """
    if not isinstance(raw, str):
        return None
    key = "".join(to_halfwidth(raw).split())
    return unit_table().get(key)


def _to_float(number: Decimal) -> float | None:
    try:
        value = float(number)
    except (OverflowError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _make(
    raw_value: str, number: Decimal, unit: Unit | None, negative_word: bool, extra: tuple[str, ...] = ()
) -> Quantity | None:
    """Build a Quantity from its parts (None when the value is not finite)."""
    with localcontext() as ctx:
        ctx.prec = 60
        scaled = number * (unit.factor if unit else Decimal(1))
    if negative_word:
        scaled = -abs(scaled)
    value = _to_float(scaled)
    if value is None:
        return None
    if value == 0:
        value = 0.0  # no negative zero
    flags: list[str] = []
    if unit is None or unit.unit == "":
        flags.append(UNIT_ASSUMED)
    flags.extend(f for f in extra if f not in flags)
    return Quantity(value, unit.unit if unit else "", raw_value, unit.raw if unit else "", tuple(flags))


def _decimal(text: str) -> Decimal | None:
    try:
        d = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def _strip_sign_word(s: str) -> tuple[str, bool | None]:
    """Remove a leading sign word (and 了); None when there was none, else whether it is negative."""
    for word in _SIGN_WORDS:
        if s.startswith(word):
            rest = s[len(word) :].lstrip(_SPACES).removeprefix("了").lstrip(_SPACES)
            return rest, word in NEGATIVE_WORDS
    return s, None


def parse_quantity(text: str, default_unit: str = "") -> Quantity | None:
    """A whole short phrase as one quantity, or None.

    ``default_unit`` is the unit to assume when the phrase has none (a table cell whose
    unit is printed in the header).

    >>> parse_quantity("53443万G")
    Quantity(value=534430000.0, unit='GB', raw_value='53443', raw_unit='万G', flags=())
    >>> parse_quantity("减少912.2万户").value, parse_quantity("2993 万户").value
    (-9122000.0, 29930000.0)
    >>> parse_quantity("11185496 T").value == 11185496 * 1024
    True
    >>> parse_quantity("6.1 个百分点").unit, parse_quantity("第十三位").value
    ('pp', 13.0)
    >>> parse_quantity("9.40 亿")
    Quantity(value=940000000.0, unit='', raw_value='9.40', raw_unit='亿', flags=('unit_assumed',))
    >>> parse_quantity("8479.1", default_unit="亿次").value
    847910000000.0
    >>> parse_quantity("5G用户") is None, parse_quantity("") is None
    (True, True)
    """
    if not isinstance(text, str):
        return None
    s = to_halfwidth(text).strip()
    if not s or len(s) > 200:
        return None
    approx = False
    for word in _APPROX_BEFORE:
        if s.startswith(word) and len(s) > len(word):
            s = s[len(word) :].lstrip(_SPACES)
            approx = approx or word not in _NOT_APPROX
            break
    s, sign = _strip_sign_word(s)
    s = s.removeprefix("第").lstrip(_SPACES) if s.startswith("第") else s
    m = _NUMBER_RE.match(s)
    if m:
        raw_value = m.group()
        number = _decimal(raw_value)
    else:
        c = re.match(r"负?[零〇一二两三四五六七八九十百千万亿]+", s)
        if not c:
            return None
        raw_value = c.group()
        n = chinese_to_int(raw_value.removeprefix("负"))
        number = None if n is None else Decimal(-n if raw_value.startswith("负") else n)
    if number is None:
        return None
    rest = s[len(raw_value) :].strip()
    for word in _APPROX_AFTER:
        if rest.endswith(word) and (len(rest) > len(word) or default_unit):
            rest = rest[: -len(word)].rstrip()
            approx = True
            break
    if rest[:1] in ("多", "余") and len(rest) > 1:
        rest = rest[1:].lstrip()
        approx = True
    if not rest:
        rest = default_unit
    unit = resolve_unit(rest) if rest else None
    if rest and unit is None:
        return None
    return _make(raw_value, number, unit, bool(sign), (APPROXIMATE,) if approx else ())


def format_quantity(q: Quantity) -> str:
    """The quantity written back in its raw unit, so that it parses to the same value.

    >>> format_quantity(parse_quantity("减少912.2万户"))
    '-912.2万户'
    >>> format_quantity(parse_quantity("11185496 T"))
    '11185496T'
    >>> format_quantity(parse_quantity("９．４０亿"))
    '9.4亿'
    """
    unit = resolve_unit(q.raw_unit) if q.raw_unit else None
    factor = unit.factor if unit else Decimal(1)
    with localcontext() as ctx:
        ctx.prec = 60
        number = Decimal(repr(q.value)) / factor
    text = format(number.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text + q.raw_unit


def _unit_at(s: str, pos: int, running: bool) -> Unit | None:
    """The longest known unit starting at ``pos`` that the following text does not contradict."""
    table = unit_table()
    for length in range(min(_max_unit_len(), len(s) - pos), 0, -1):
        unit = table.get(s[pos : pos + length])
        if unit is None:
            continue
        after = s[pos + length :]
        if running and not _unit_fits(unit, after):
            continue
        return unit
    return None


def _unit_fits(unit: Unit, after: str) -> bool:
    """Whether the text after a unit lets it stand as a unit in running text."""
    last = unit.raw[-1]
    if any(after.startswith(w) for w in _UNIT_BLOCKERS.get(last, ())):
        return False
    latin = last in _LETTERS
    if latin and after[:1] and after[:1] in _ALNUM:
        return False  # 1.6Tbps, 5GHz
    if not latin and unit.unit != "":
        return True
    rest = after.lstrip(_SPACES)
    if not rest:
        return True
    if rest != after and rest[0] in _ALNUM:
        return False  # 400G MSA
    if not "\u3400" <= rest[0] <= "\u9fff":
        return True  # punctuation, end of line, a digit
    return any(rest.startswith(w) for w in _QUANTITY_FOLLOWERS)


def _sign_before(s: str, start: int) -> tuple[int, bool | None]:
    """A sign word (and 了, spaces) ending at ``start``: its start and whether it is negative."""
    i = start
    while i > 0 and s[i - 1] in _SPACES:
        i -= 1
    if i > 0 and s[i - 1] == "了":
        i -= 1
    for word in _SIGN_WORDS:
        if s.startswith(word, i - len(word)) and i - len(word) >= 0:
            return i - len(word), word in NEGATIVE_WORDS
    return start, None


def find_quantities(text: str) -> list[tuple[int, int, Quantity]]:
    """Number + unit tokens in running text, with their ``[start, end)`` spans in ``text``.

    A span includes a sign word and 第 before the number.  Numbers with no known unit
    (years, dates, months, section numbers, 5G, IPv4) are not quantities.  Ranks
    (位/名) need 第 or a sign word before them.

    >>> [(text[s:e], q.value, q.unit) for text in ["1-8月，全省物联网终端用户减少912.2万户，总数达到6131万户，居全国第7位"]
    ...  for s, e, q in find_quantities(text)]
    [('减少912.2万户', -9122000.0, '户'), ('6131万户', 61310000.0, '户'), ('第7位', 7.0, '位')]
    >>> text = "2020年8月29日，5G基站、IPv6地址较上月下降了1位"
    >>> [(text[s:e], q.value) for s, e, q in find_quantities(text)]
    [('下降了1位', -1.0)]
    """
    if not isinstance(text, str) or not text:
        return []
    s = to_halfwidth(text)
    found: list[tuple[int, int, Quantity]] = []
    taken_until = 0
    candidates: list[tuple[int, int, str, bool]] = []  # start, end of number, text, chinese?
    for m in _NUMBER_RE.finditer(s):
        candidates.append((m.start(), m.end(), m.group(), False))
    for m in _CHINESE_RUN_RE.finditer(s):
        candidates.append((m.start(), m.end(), m.group(), True))
    candidates.sort()
    for start, end, raw, chinese in candidates:
        if start < taken_until:
            continue
        q = _token(s, start, end, raw, chinese)
        if q is None:
            continue
        span_start, span_end, quantity = q
        if span_start < taken_until:
            continue
        found.append((span_start, span_end, quantity))
        taken_until = span_end
    for m in _FIRST_PLACE.finditer(s):
        a, b = m.start(1), m.end(1)
        if not any(x < b and a < y for x, y, _q in found):
            found.append((a, b, Quantity(1.0, "位", "1", "", ())))
    return sorted(found, key=lambda t: t[0])


#: A ranking verb, optionally with the field ranked in (排全国第十五, 在全国和西部的排名分别为第十五和第四).
_RANK_VERB = re.compile(
    r"(?:(排名|位列|位居|居|排在|排|列)(?:全国|全省|全市|全区|西部|东部|中部|东北)?"
    r"|(?:排名|排位|名次)(?:分别)?(?:为|是))\s*$"
)
#: The next rank of a list: 「第十五和第四」.
_RANK_LIST = re.compile(
    r"第[零〇一二两三四五六七八九十百\d]+(?:位|名)?\s*[和、及与]\s*(?:全国|全省|西部|东部|中部|东北)?\s*$"
)
#: 「排在全国首位」「居首位」: rank 1.
_FIRST_PLACE = re.compile(r"(?:排名|位列|位居|居|排在|排|列)(?:全国|全省|全市|全区)?(首位|第一位|榜首)")


def _bare_rank(s: str, start: int, end: int, raw: str, chinese: bool) -> tuple[int, int, Quantity] | None:
    """「济南排名第七」「位列第四」: a rank printed without 位.

    >>> [(t[a:b], q.value, q.unit, q.raw_unit) for t in ["济南排名第七，重庆"] for a, b, q in find_quantities(t)]
    [('第七', 7.0, '位', '')]
    >>> [(t[a:b], q.value) for t in ["增速在全国和西部的排名分别为第十五和第四"] for a, b, q in find_quantities(t)]
    [('第十五', 15.0), ('第四', 4.0)]
    >>> [(t[a:b], q.value) for t in ["增速居全国第八、西部第二"] for a, b, q in find_quantities(t)]
    [('第八', 8.0), ('第二', 2.0)]
    >>> [(t[a:b], q.value) for t in ["增速排全国第十五，用户排在全国首位"] for a, b, q in find_quantities(t)]
    [('第十五', 15.0), ('首位', 1.0)]
    """
    before = s[max(0, start - 12) : start - 1]
    if start < 1 or s[start - 1] != "第" or not (_RANK_VERB.search(before) or _RANK_LIST.search(before)):
        return None
    n = chinese_to_int(raw) if chinese else (int(raw) if raw.isdigit() else None)
    if n is None or not 0 < n < 10000:
        return None
    return start - 1, end, Quantity(float(n), "位", raw, "", ())


#: A move in a ranking whose number is printed without 位/名: 「排名上升均超过150」.
_RANK_MOVE = re.compile(r"排名(上升|提升|前进|下降|下滑|后退)了?\s*均?\s*(?:超过|超|约|近|逾)?\s*$")


def _bare_rank_move(
    s: str, start: int, end: int, raw: str, chinese: bool
) -> tuple[int, int, Quantity] | None:
    """「排名上升均超过150。」: a rank change printed without its unit, at the end of a clause.

    >>> [(t[a:b], q.value, q.unit) for t in ["两市排名上升均超过 150。", "排名下降12，"] for a, b, q in find_quantities(t)]
    [('150', 150.0, '位'), ('12', -12.0, '位')]
    """
    move = _RANK_MOVE.search(s, max(0, start - 16), start)
    if (
        chinese
        or move is None
        or not raw.isdigit()
        or not re.match(r"\s*(?:[，。；、,;!?！？）)]|$)", s[end:])
    ):
        return None
    value = -float(raw) if move.group(1) in ("下降", "下滑", "后退") else float(raw)
    return start, end, Quantity(value, "位", raw, "", ())


def _token(s: str, start: int, end: int, raw: str, chinese: bool) -> tuple[int, int, Quantity] | None:
    """Read the quantity whose number is ``s[start:end]``, or None."""
    prev = s[start - 1] if start > 0 else ""
    dash = False
    if raw[0] in "+-":
        if prev and (prev in _ALNUM or prev in ".%)）"):
            raw, start = raw[1:], start + 1  # 1-8, 30%-40%: a dash, not a sign
            prev, dash = s[start - 1], prev == "%"
    if not chinese and prev and not dash and (prev in _ALNUM or prev in ".-_/:@#"):
        return None  # IPv4, www.163.com, GPT-3, 2020/8
    if end < len(s) and s[end] == "." and end + 1 < len(s) and s[end + 1].isdigit():
        return None
    pos = end
    while pos < len(s) and pos - end < 2 and s[pos] in _SPACES:
        pos += 1
    extra: tuple[str, ...] = ()
    if s[pos : pos + 1] in ("余", "多") and pos == end and not chinese:
        pos += 1  # 300多万户, 2000余家
        extra = (APPROXIMATE,)
    unit = _unit_at(s, pos, running=True)
    if unit is None:
        return _bare_rank(s, start, end, raw, chinese) or _bare_rank_move(s, start, end, raw, chinese)
    unit_end = pos + len(unit.raw)
    if unit.unit == "" and s[unit_end : unit_end + 1] in ("余", "多"):
        # 5万余人, 300多万户: an approximate count with its unit noun after 余/多
        noun = _unit_at(s, unit_end + 1, running=True)
        combined = unit_table().get(unit.raw + noun.raw) if noun and noun.unit else None
        if combined is not None and noun is not None:
            unit, extra, unit_end = combined, (APPROXIMATE,), unit_end + 1 + len(noun.raw)
    back = start
    while back > 0 and s[back - 1] in _SPACES:
        back -= 1
    ordinal = prev == "第" or (back > 0 and s[back - 1] == "第")  # 第 49 次
    first = back - 1 if ordinal else start
    span_start, sign = _sign_before(s, first)
    rank = unit.raw in _RANK_UNITS
    if chinese and not rank:
        return None
    if rank and not ordinal and sign is None:
        return None  # 前5位, 5位专家
    if ordinal and not rank:
        return None  # 第3个, 第62期
    if prev == "前" and not ordinal:
        return None
    if (
        not chinese
        and unit.raw == "G"
        and "." not in raw
        and raw.lstrip("+-") in ("1", "2", "3", "4", "5", "6")
    ):
        return None  # 5G: a network generation
    if chinese:
        n = chinese_to_int(raw)
        if n is None:
            return None
        number: Decimal | None = Decimal(n)
    else:
        number = _decimal(raw)
    if number is None:
        return None
    q = _make(raw, number, unit, bool(sign), extra)
    if q is None:
        return None
    return span_start, unit_end, q
