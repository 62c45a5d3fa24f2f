"""Telecom operators: 河南移动公司 → 中国移动 (region hint 河南), and the words that only look like one.

``data/operators.csv`` holds, by ``kind``:

* ``name`` — full names that are an operator wherever they appear (中国移动, 中国联合网络通信);
* ``short`` — short names that are also ordinary words (移动互联网, 电信业务, 联通亚非拉).  In
  running text a short name is an operator only when (a) a company word follows it (移动公司,
  联通分公司, 电信集团), or (b) a region name stands right before it (河南移动, 河南省联通), or
  (c) it sits in a 、/和/及 list next to an operator (河南移动、联通、电信公司).  Rules (b) and (c)
  give way to ``not_followed_by`` (河南移动互联网) and every rule to ``not_preceded_by`` (增值电信公司);
* ``all`` — phrases meaning every operator together (三家基础电信企业): never an operator value,
  see :func:`is_all_operators`;
* ``suffix`` — the company words of rule (a);
* ``region`` — the province names of rule (b).  Callers may pass more (cities) to :func:`find_operators`.

The region hint is returned as printed (``河南``); resolving it to 河南省 is the region normaliser's job.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from extract.normalize.numbers import squeeze, to_halfwidth
from extract.paths import data_file

OPERATORS: tuple[str, ...] = ("中国移动", "中国联通", "中国电信", "中国广电")
_LIST_SEPARATORS = ("以及", "、", "和", "及", "与", "/")
_INFIXES = ("通信集团", "网络通信集团", "集团", "通信", "")
_BRANCH = re.compile(r"[\u4e00-\u9fff]{2,6}?分公司")


@dataclass(frozen=True)
class OperatorMatch:
    """An operator, and the region printed before or inside its name ('' when none)."""

    operator: str
    region_hint: str = ""


@dataclass(frozen=True)
class _Alias:
    alias: str
    operator: str
    kind: str
    not_followed_by: tuple[str, ...]
    not_preceded_by: tuple[str, ...]


@cache
def _aliases() -> tuple[_Alias, ...]:
    rows = []
    with open(data_file("operators.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            alias = row["alias"].strip()
            if not alias:
                continue
            rows.append(
                _Alias(
                    alias,
                    row["operator"].strip(),
                    row["kind"].strip(),
                    tuple(w for w in (row.get("not_followed_by") or "").split("|") if w),
                    tuple(w for w in (row.get("not_preceded_by") or "").split("|") if w),
                )
            )
    return tuple(sorted(rows, key=lambda a: -len(a.alias)))


def _of_kind(kind: str) -> tuple[_Alias, ...]:
    return tuple(a for a in _aliases() if a.kind == kind)


@cache
def _suffixes() -> tuple[str, ...]:
    return tuple(a.alias for a in _of_kind("suffix"))


@cache
def _regions() -> tuple[str, ...]:
    return tuple(a.alias for a in _of_kind("region"))


def _clean(text: str) -> tuple[str, list[int]]:
    return squeeze(to_halfwidth(text))


def _all_spans(s: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for a in _of_kind("all"):
        i = s.find(a.alias)
        while i >= 0:
            if not any(st <= i < en for st, en in spans):
                spans.append((i, i + len(a.alias)))
            i = s.find(a.alias, i + 1)
    return spans


def is_all_operators(text: str) -> bool:
    """Whether the phrase means all operators together (三家基础电信企业), not one of them.

    >>> is_all_operators("三家基础电信企业"), is_all_operators("各基础电信运营公司"), is_all_operators("河南移动")
    (True, True, False)
    """
    if not isinstance(text, str) or not text:
        return False
    return bool(_all_spans(_clean(text)[0]))


def _region_before(s: str, i: int, regions: tuple[str, ...]) -> tuple[int, str]:
    """A region name ending at ``i`` (optionally followed by 省/市): its start and text."""
    j = i
    if j > 0 and s[j - 1] in "省市":
        j -= 1
    for name in regions:
        if s.startswith(name, j - len(name)) and j - len(name) >= 0:
            return j - len(name), s[j - len(name) : i]
    return i, ""


def _region_after(s: str, i: int, regions: tuple[str, ...]) -> tuple[int, str]:
    for name in regions:
        if s.startswith(name, i):
            end = i + len(name)
            if end < len(s) and s[end] in "省市" and not name.endswith(("省", "市", "区")):
                end += 1
            return end, s[i:end]
    return i, ""


def _suffix_at(s: str, i: int, regions: tuple[str, ...], plain: bool = False) -> tuple[int, str]:
    """After a name: [通信][集团][region]公司-like word.  Returns the end and the region found.

    ``plain`` allows no infix (移动公司, but not 移动通信有限公司, which many companies are called).
    """
    for infix in ("",) if plain else _INFIXES:
        if not s.startswith(infix, i):
            continue
        j = i + len(infix)
        end, region = _region_after(s, j, regions) if infix.endswith("集团") else (j, "")
        for suffix in _suffixes():
            if s.startswith(suffix, end):
                end += len(suffix)
                if suffix.endswith("有限公司"):  # …有限公司河南省分公司: a provincial branch
                    branch_end, branch = _region_after(s, end, regions)
                    if branch and s.startswith("分公司", branch_end):
                        return branch_end + 3, branch
                    other = _BRANCH.match(s, end)
                    if other:  # a city branch: kept in the span, the province hint stays
                        return other.end(), region
                return end, region
        if infix.endswith("集团"):
            return j, ""
    return i, ""


def _blocked(a: _Alias, s: str, start: int, end: int) -> tuple[bool, bool]:
    """(blocked by what precedes, blocked by what follows)."""
    before = any(s.startswith(w, start - len(w)) and start - len(w) >= 0 for w in a.not_preceded_by)
    after = any(s.startswith(w, end) for w in a.not_followed_by)
    return before, after


@dataclass
class _Hit:
    start: int
    end: int
    operator: str
    region: str
    alias_start: int
    alias_end: int


def _scan(s: str, regions: tuple[str, ...]) -> list[_Hit]:
    taken = [False] * len(s)
    for st, en in _all_spans(s):
        for k in range(st, en):
            taken[k] = True
    hits: list[_Hit] = []

    def free(a: int, b: int) -> bool:
        return not any(taken[a:b])

    def take(h: _Hit) -> None:
        for k in range(h.start, h.end):
            taken[k] = True
        hits.append(h)

    for a in _of_kind("name"):
        i = s.find(a.alias)
        while i >= 0:
            j = i + len(a.alias)
            if free(i, j) and not _blocked(a, s, i, j)[0]:  # 其中移动电话 is not 中移动
                end, region = _suffix_at(s, j, regions)
                rstart, rtext = _region_before(s, i, regions)
                if rtext and not free(rstart, i):
                    rstart, rtext = i, ""
                take(_Hit(rstart, end, a.operator, region or rtext, i, j))
            i = s.find(a.alias, j)
    shorts = _of_kind("short")
    pending: list[tuple[_Alias, int, int]] = []
    for a in shorts:
        i = s.find(a.alias)
        while i >= 0:
            j = i + len(a.alias)
            if free(i, j):
                pending.append((a, i, j))
            i = s.find(a.alias, i + 1)
    pending.sort(key=lambda p: p[1])
    rest: list[tuple[_Alias, int, int]] = []
    for a, i, j in pending:
        if not free(i, j):
            continue
        before_blocked, after_blocked = _blocked(a, s, i, j)
        if before_blocked:
            continue
        rstart, rtext = _region_before(s, i, regions)
        if rtext and not free(rstart, i):
            rstart, rtext = i, ""
        end, region = _suffix_at(s, j, regions, plain=not rtext)
        if end > j and free(j, end):
            take(_Hit(rstart, end, a.operator, region or rtext, i, j))
        elif rtext and not after_blocked:
            take(_Hit(rstart, j, a.operator, rtext, i, j))
        elif not after_blocked:
            rest.append((a, i, j))
    changed = True
    while changed and rest:  # rule (c): lists
        changed = False
        for item in list(rest):
            a, i, j = item
            if not free(i, j):
                rest.remove(item)
                continue
            for h in hits:
                if _adjacent(s, h.end, i) or _adjacent(s, j, h.start):
                    take(_Hit(i, j, a.operator, "", i, j))
                    rest.remove(item)
                    changed = True
                    break
    hits.sort(key=lambda h: h.start)
    _share_regions(s, hits)
    return hits


def _adjacent(s: str, left_end: int, right_start: int) -> bool:
    """Whether only a list separator lies between the two positions."""
    between = s[left_end:right_start]
    return between in _LIST_SEPARATORS


def _share_regions(s: str, hits: list[_Hit]) -> None:
    """Members of one list without a region take the region of the list member before them."""
    for k in range(1, len(hits)):
        h, prev = hits[k], hits[k - 1]
        if not h.region and prev.region and _adjacent(s, prev.end, h.start):
            h.region = prev.region
    for k in range(len(hits) - 2, -1, -1):
        h, nxt = hits[k], hits[k + 1]
        if not h.region and nxt.region and _adjacent(s, h.end, nxt.start) and nxt.start == nxt.alias_start:
            h.region = nxt.region


def find_operators(text: str, regions: Iterable[str] = ()) -> list[tuple[int, int, OperatorMatch]]:
    """Operator mentions in running text with their ``[start, end)`` spans in ``text``.

    A span covers the region before the name and the company word after it.  ``regions``
    adds names (e.g. cities from the gazetteer) that may stand before a short name.

    >>> text = "河南移动、联通、电信公司IPTV用户分别为989.2万户；移动互联网用户新增51.2万户"
    >>> [(text[s:e], m.operator, m.region_hint) for s, e, m in find_operators(text)]
    [('河南移动', '中国移动', '河南'), ('联通', '中国联通', '河南'), ('电信公司', '中国电信', '河南')]
    >>> find_operators("增值电信业务经营单位822家，三家基础电信企业")
    []
    """
    if not isinstance(text, str) or not text:
        return []
    s, where = _clean(text)
    extra = tuple(r for r in (to_halfwidth(x).strip() for x in regions) if r)
    names = tuple(sorted(set(_regions() + extra), key=len, reverse=True))
    return [
        (where[h.start], where[h.end - 1] + 1, OperatorMatch(h.operator, h.region)) for h in _scan(s, names)
    ]


def resolve_operator(text: str) -> OperatorMatch | None:
    """A whole phrase naming one operator, or None.

    >>> resolve_operator("河南移动公司")
    OperatorMatch(operator='中国移动', region_hint='河南')
    >>> [resolve_operator(t).operator for t in ["移动", "中移动", "联通", "中国联合网络通信集团有限公司", "广电网络"]]
    ['中国移动', '中国移动', '中国联通', '中国联通', '中国广电']
    >>> resolve_operator("中国移动通信集团河南有限公司").region_hint
    '河南'
    >>> resolve_operator("三家基础电信企业") is None, resolve_operator("移动互联网") is None
    (True, True)
    """
    if not isinstance(text, str):
        return None
    s, _ = _clean(text)
    if not s or is_all_operators(s):
        return None
    for a in _of_kind("short") + _of_kind("name"):
        if s == a.alias:
            return OperatorMatch(a.operator)
    hits = _scan(s, _regions())
    if len(hits) == 1 and hits[0].start == 0 and hits[0].end == len(s):
        return OperatorMatch(hits[0].operator, hits[0].region)
    # a short name with a region and a company word, e.g. 河南省移动分公司, is found by _scan;
    # anything longer or shorter is not one operator
    return None
