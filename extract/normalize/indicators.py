"""The indicator catalogue (``data/indicators.csv``): canonical names, categories, units, synonyms.

Names are compared after a light normalisation that keeps one character for one character
(apart from whitespace, which is dropped): fullwidth → halfwidth, （）→ (), Latin letters
lower-cased.  So ``IPTV（网络电视）用户``, ``IPTV(网络电视)用户`` and ``iptv (网络电视) 用户``
are the same key, and a name wrapped across lines (``互联\\n网宽带接入用户``) is still found.

:func:`resolve_indicator` also tolerates a trailing 数/数量/总数/规模, a trailing unit or
remark in parentheses (``电信业务总量(亿元)``, ``数据及互联网业务收入（含固定和移动）``) and
a leading ``指标：`` (the NBS export header).

**The user catalogue** (:class:`UserEntry`, kept in the store by a reviewer): a printed name the
catalogue does not know, mapped to a catalogue indicator or added as an indicator of its own. It is
merged with ``data/indicators.csv`` at ingest: :func:`user_index` resolves each entry against the
catalogue once, and :func:`apply_user_catalogue` gives every fact flagged ``uncatalogued_indicator``
whose printed name is an entry the indicator (and category) it stands for, without the flag.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache

from extract.model import Fact
from extract.normalize.numbers import squeeze, to_halfwidth
from extract.paths import data_file

#: Endings that do not change which indicator is meant (互联网用户数 = 互联网用户).
TRAILING_WORDS: tuple[str, ...] = ("总数", "数量", "规模", "数")
_PAREN = str.maketrans({"（": "(", "）": ")"})
_LIST_SEPARATOR = "、"
_ITEM_STOPS = "，。；：,;:!?！？()（）“”\"'、\n"


@dataclass(frozen=True)
class Indicator:
    """One catalogue row (synonyms kept for reference, not compared)."""

    name: str
    category: str
    unit: str
    kind: str
    synonyms: tuple[str, ...] = field(default=(), compare=False, repr=False)
    #: False for an indicator read from the report's own words (open vocabulary), not the catalogue.
    catalogued: bool = field(default=True, compare=False)

    def as_dict(self) -> dict[str, str]:
        """JSON-ready, as ``python -m extract resolve indicator`` prints it.

        >>> resolve_indicator("移动互联网流量").as_dict()
        {'indicator': '移动互联网接入流量', 'category': '流量', 'unit': 'GB'}
        """
        return {"indicator": self.name, "category": self.category, "unit": self.unit}


def normalize_name(text: str) -> str:
    """The comparison key of a name.

    >>> normalize_name(" IPTV（网络电视）用户 "), normalize_name("AI 指数")
    ('iptv(网络电视)用户', 'ai指数')
    """
    return _normalize(text)[0]


def _normalize(text: str) -> tuple[str, list[int]]:
    s, where = squeeze(to_halfwidth(text))
    return s.translate(_PAREN).lower(), where


@cache
def catalogue() -> tuple[Indicator, ...]:
    """Every indicator, in file order.

    >>> catalogue()[0].name
    '互联网用户'
    """
    out = []
    with open(data_file("indicators.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            name = (row.get("indicator") or "").strip()
            if not name:
                continue
            synonyms = tuple(s.strip() for s in (row.get("synonyms") or "").split("|") if s.strip())
            out.append(
                Indicator(name, row["category"].strip(), row["unit"].strip(), row["kind"].strip(), synonyms)
            )
    return tuple(out)


#: Scope words that open a printed indicator phrase without changing what is counted
#: (全省移动电话基站 counts 移动电话基站). Qualifiers (5G, 千兆, 农村, 固定) are kept.
SCOPE_PREFIXES: tuple[str, ...] = (
    "全国",
    "全省",
    "全市",
    "全区",
    "全州",
    "全盟",
    "全县",
    "我国",
    "我省",
    "我市",
    "我区",
    "我州",
    "本省",
    "本市",
    "全年",
    "累计",
    "共计",
    "合计",
    "总计",
    "当月",
    "共",
    "境内",
    "国内市场",
    "国内",
    "全行业",
    "中国",
    "省级",
    "市级",
    "地市级",
)
#: Marks that do not change a name: quotation marks around a coined term (“大联接”用户).
_QUOTES = str.maketrans("", "", "“”‘’\"'「」『』")
#: Endings dropped from a printed name (…总数 = …); 总量/数量 are kept, they are part of many names.
OPEN_TRAILING: tuple[str, ...] = ("总数",)


@dataclass(frozen=True)
class HeadRule:
    """A row of ``data/indicator_heads.csv``: a printed name matching ``pattern`` belongs to ``category``."""

    pattern: re.Pattern[str]
    category: str
    kind: str
    example: str


@cache
def head_rules() -> tuple[HeadRule, ...]:
    """The head-noun rules, in file order (the first that matches wins).

    >>> all(r.pattern.search(r.example) for r in head_rules())
    True
    """
    with open(data_file("indicator_heads.csv"), encoding="utf-8", newline="") as f:
        return tuple(
            HeadRule(re.compile(r["pattern"]), r["category"], r["kind"], r["example"])
            for r in csv.DictReader(f)
        )


def guess_category(name: str) -> tuple[str, str]:
    """The category and kind of an uncatalogued indicator, from its head noun; else 其他.

    >>> guess_category("移动电话基站"), guess_category("5G手机出货量"), guess_category("什么东西")
    (('基础设施', 'stock'), ('终端', 'flow'), ('其他', 'stock'))
    """
    for rule in head_rules():
        if rule.pattern.search(name):
            return rule.category, rule.kind
    return "其他", "stock"


def printed_name(phrase: str) -> str:
    """A printed indicator phrase as a name: scope words and 总数 dropped, spaces removed,
    halfwidth letters and digits, Chinese brackets kept.

    >>> printed_name("全省移动电话基站总数"), printed_name("累计 5G 套餐用户"), printed_name("ＣＮ域名")
    ('移动电话基站', '5G套餐用户', 'CN域名')
    >>> printed_name("“大联接”用户"), printed_name("境内被篡改网站数量")
    ('大联接用户', '被篡改网站数量')
    """
    s = squeeze(to_halfwidth(phrase))[0].translate(_QUOTES).strip("：:，,、 ")
    changed = True
    while changed:
        changed = False
        for word in SCOPE_PREFIXES:
            if s.startswith(word) and len(s) > len(word) + 1:
                s, changed = s[len(word) :], True
        for word in OPEN_TRAILING:
            if s.endswith(word) and len(s) > len(word) + 1:
                s, changed = s[: -len(word)], True
    return s


def open_indicator(phrase: str, unit: str = "") -> Indicator:
    """The catalogue indicator a printed phrase names, else an uncatalogued one under its printed
    name (``catalogued`` False; facts made from it carry the flag ``uncatalogued_indicator``).

    >>> open_indicator("全省固定宽带接入用户").name
    '互联网宽带接入用户'
    >>> ind = open_indicator("全省通信杆路", "万公里"); ind.name, ind.category, ind.catalogued
    ('通信杆路', '基础设施', False)
    """
    found = resolve_indicator(phrase)
    name = printed_name(phrase)
    if found is None:
        found = resolve_indicator(name)
    if found is not None:
        return found
    category, kind = guess_category(name)
    return Indicator(name=name, category=category, unit=unit, kind=kind, catalogued=False)


UNCATALOGUED_FLAG = "uncatalogued_indicator"


@dataclass(frozen=True)
class UserEntry:
    """A printed name mapped by a person: to the catalogue indicator ``indicator`` names, or (when that
    is not a catalogue name) to a new indicator of that name with ``category``, ``unit`` and ``kind``."""

    printed: str
    indicator: str
    category: str = ""
    unit: str = ""
    kind: str = ""


def user_indicator(entry: UserEntry) -> Indicator:
    """The indicator an entry stands for: the catalogue's, else a new one (counted as catalogued).

    >>> user_indicator(UserEntry("移动电话用户数合计", "移动电话用户")).category
    '用户'
    >>> ind = user_indicator(UserEntry("通信杆路", "通信杆路长度", "基础设施", "公里", "stock"))
    >>> ind.name, ind.category, ind.catalogued
    ('通信杆路长度', '基础设施', True)
    """
    found = resolve_indicator(entry.indicator)
    if found is not None:
        return found
    category, kind = guess_category(entry.indicator)
    return Indicator(
        entry.indicator, entry.category or category, entry.unit, entry.kind or kind, (entry.printed,)
    )


def user_index(entries: Iterable[UserEntry]) -> dict[str, Indicator]:
    """Comparison key of each printed name → the indicator it stands for (the latest entry wins)."""
    return {normalize_name(e.printed): user_indicator(e) for e in entries}


def apply_user_catalogue(facts: Iterable[Fact], index: dict[str, Indicator]) -> list[Fact]:
    """The facts with every uncatalogued indicator that the user catalogue knows replaced by its entry.

    >>> f = Fact("a.pdf", 1, "prose", "通信杆路", "基础设施", "河南省", "410000", "province", "", "", "2020",
    ...          "year", "2020-01-01", "2020-12-31", "value", 1e5, "公里", "10", "万公里", "", UNCATALOGUED_FLAG)
    >>> out = apply_user_catalogue([f], user_index([UserEntry("通信杆路", "通信杆路长度")]))[0]
    >>> out.indicator, out.flags
    ('通信杆路长度', '')
    """
    out = []
    for f in facts:
        hit = index.get(normalize_name(f.indicator)) if UNCATALOGUED_FLAG in f.flags.split(";") else None
        if hit is not None:
            flags = ";".join(x for x in f.flags.split(";") if x and x != UNCATALOGUED_FLAG)
            f = replace(f, indicator=hit.name, category=hit.category, flags=flags)
        out.append(f)
    return out


def indicator_key(name: str) -> str:
    """The key two indicator names are compared by (answer-key scoring): the catalogue name when
    the name resolves, else the printed name without scope words and trailing 数/数量/总数/规模.

    >>> indicator_key("移动电话基站数量") == indicator_key("全省移动电话基站")
    True
    >>> indicator_key("固定宽带用户")
    '互联网宽带接入用户'
    >>> indicator_key("感染网络病毒的主机数量") == indicator_key("境内感染网络病毒主机数量")
    True
    """
    ind = open_indicator(name)
    if ind.catalogued:
        return ind.name
    plain = open_indicator(ind.name.replace("的", ""))  # 被植入后门的网站 = 被植入后门网站
    if plain.catalogued:
        return plain.name
    return _strip_trailing(normalize_name(plain.name))


def _strip_trailing(key: str) -> str:
    for word in TRAILING_WORDS:
        if key.endswith(word) and len(key) > len(word) + 1:
            return key[: -len(word)]
    return key


@cache
def _index() -> dict[str, Indicator]:
    """Exact keys of names and synonyms (first one wins on a clash; tests forbid clashes)."""
    index: dict[str, Indicator] = {}
    for ind in catalogue():
        for surface in (ind.name, *ind.synonyms):
            index.setdefault(normalize_name(surface), ind)
    return index


@cache
def _loose_index() -> dict[str, Indicator]:
    """Keys with a trailing 数/数量/总数/规模 removed, where that is unambiguous."""
    loose: dict[str, Indicator | None] = {}
    for key, ind in _index().items():
        short = _strip_trailing(key)
        if short != key:
            if short in loose and loose[short] != ind:
                loose[short] = None
            else:
                loose.setdefault(short, ind)
    return {k: v for k, v in loose.items() if v is not None}


def clashes() -> list[tuple[str, str, str]]:
    """Surface forms listed for two different indicators: (key, first, second).

    >>> clashes()
    []
    """
    seen: dict[str, str] = {}
    out = []
    for ind in catalogue():
        for surface in (ind.name, *ind.synonyms):
            key = normalize_name(surface)
            if key in seen and seen[key] != ind.name:
                out.append((key, seen[key], ind.name))
            seen.setdefault(key, ind.name)
    return out


def _lookup(key: str) -> Indicator | None:
    if not key:
        return None
    hit = _index().get(key)
    if hit is None:
        hit = _index().get(_strip_trailing(key))
    if hit is None:
        hit = _loose_index().get(key) or _loose_index().get(_strip_trailing(key))
    return hit


def _without_parens(key: str) -> str:
    out, depth = [], 0
    for ch in key:
        if ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif not depth:
            out.append(ch)
    return "".join(out)


def resolve_indicator(text: str) -> Indicator | None:
    """The indicator a name or synonym stands for, or None.

    >>> resolve_indicator("移动互联网接入流量消费").name, resolve_indicator("固定宽带接入用户").name
    ('移动互联网接入流量', '互联网宽带接入用户')
    >>> resolve_indicator("互联网宽带接入用户(万户)").name, resolve_indicator("IPv4地址总数").name
    ('互联网宽带接入用户', 'IPv4地址数量')
    >>> resolve_indicator("指标：电信业务总量(亿元)").name, resolve_indicator("流量") is None
    ('电信业务总量', True)
    """
    if not isinstance(text, str):
        return None
    key = normalize_name(text)
    for prefix in ("指标:", "指标：", "指标"):
        if key.startswith(prefix) and len(key) > len(prefix):
            key = key[len(prefix) :]
            break
    hit = _lookup(key)
    if hit is None and key.endswith(")") and "(" in key:
        hit = _lookup(key[: key.rfind("(")])
    if hit is None and "(" in key:
        hit = _lookup(_without_parens(key))
    return hit


def resolve_header(text: str) -> tuple[Indicator | None, str]:
    """A table or export header: the indicator and the unit printed in parentheses after it.

    >>> ind, unit = resolve_header("固定长途电话通话时长(万分钟)"); ind.name, unit
    ('固定长途电话通话时长', '万分钟')
    >>> resolve_header("访问量（亿次）")[1]
    '亿次'
    """
    if not isinstance(text, str):
        return None, ""
    from extract.normalize.quantities import resolve_unit

    s = to_halfwidth(text).strip().translate(_PAREN)
    unit = ""
    if s.endswith(")") and "(" in s:
        inner = s[s.rfind("(") + 1 : -1].strip()
        if resolve_unit(inner) is not None:
            unit = "".join(inner.split())
    return resolve_indicator(text), unit


@cache
def _by_first_char() -> dict[str, tuple[tuple[str, Indicator], ...]]:
    table: dict[str, list[tuple[str, Indicator]]] = {}
    for key, ind in _index().items():
        table.setdefault(key[0], []).append((key, ind))
    return {c: tuple(sorted(v, key=lambda kv: -len(kv[0]))) for c, v in table.items()}


def _matches(s: str) -> list[tuple[int, int, Indicator]]:
    """Longest-first, non-overlapping matches of catalogue keys in a normalised string."""
    first = _by_first_char()
    found = []
    for i, ch in enumerate(s):
        for key, ind in first.get(ch, ()):
            if s.startswith(key, i):
                found.append((i, i + len(key), ind))
    found.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
    taken = [False] * len(s)
    chosen = []
    for start, end, ind in found:
        if not any(taken[start:end]):
            for k in range(start, end):
                taken[k] = True
            chosen.append((start, end, ind))
    return sorted(chosen, key=lambda m: m[0])


def _list_items(s: str, start: int, end: int, taken: list[bool]) -> list[tuple[int, int, Indicator]]:
    """For a match preceded by 「A、B、」, the indicators A and B name with the match's tail
    (智慧公共事业、智能制造终端用户 → 智慧公共事业终端用户 and 智能制造终端用户)."""
    surface = s[start:end]
    if start == 0 or s[start - 1] != _LIST_SEPARATOR:
        return []
    segments: list[tuple[int, int]] = []
    pos = start - 1
    while pos > 0 and s[pos] == _LIST_SEPARATOR:
        seg_end = pos
        seg_start = seg_end
        while seg_start > 0 and s[seg_start - 1] not in _ITEM_STOPS and not taken[seg_start - 1]:
            seg_start -= 1
        if seg_start == seg_end:
            break
        segments.append((seg_start, seg_end))
        pos = seg_start - 1
        if pos < 0 or s[pos] != _LIST_SEPARATOR:
            break
    for cut in range(1, len(surface) - 1):
        tail = surface[cut:]
        if len(tail) < 2:
            break
        out = []
        for seg_start, seg_end in segments:
            item = None
            for k in range(seg_start, seg_end - 1):
                hit = _index().get(s[k:seg_end] + tail)
                if hit is not None:
                    item = (k, seg_end, hit)
                    break
            if item is None:
                break
            out.append(item)
        if out:
            return out
    return []


def find_indicators(text: str, lists: bool = True) -> list[tuple[int, int, Indicator]]:
    """Indicator names in running text, longest match first, with ``[start, end)`` spans in ``text``.

    With ``lists``, items of a 、-list that share the last item's tail are found too.

    >>> text = "互联网宽带接入用户新增24.3万户，河南移动公司用户访问互联网流量为5493432T"
    >>> [(text[s:e], i.name) for s, e, i in find_indicators(text)]
    [('互联网宽带接入用户', '互联网宽带接入用户'), ('用户访问互联网流量', '互联网访问流量')]
    >>> text = "智慧公共事业、智能制造、智慧农业终端用户分别达到2263.8万户"
    >>> [(text[s:e], i.name) for s, e, i in find_indicators(text)]
    [('智慧公共事业', '智慧公共事业终端用户'), ('智能制造', '智能制造终端用户'), ('智慧农业终端用户', '智慧农业终端用户')]
    """
    if not isinstance(text, str) or not text:
        return []
    s, where = _normalize(text)
    chosen = _matches(s)
    if lists:
        taken = [False] * len(s)
        for start, end, _ in chosen:
            for k in range(start, end):
                taken[k] = True
        extra = []
        for start, end, _ in chosen:
            for item in _list_items(s, start, end, taken):
                if not any(taken[item[0] : item[1]]):
                    extra.append(item)
                    for k in range(item[0], item[1]):
                        taken[k] = True
        chosen = sorted(chosen + extra, key=lambda m: m[0])
    return [(where[a], where[b - 1] + 1, ind) for a, b, ind in chosen]
