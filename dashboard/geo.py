"""Offline map data: province / city polygons and the nine-dash line from data/geo/.

Expected files (GeoJSON, WGS84): ``provinces.geojson`` and ``cities.geojson`` with an
``adcode`` property (GB/T 2260), and ``nine_dash_line.geojson`` (lines). Every
function returns None when a file is missing so pages can fall back to bar charts.
"""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import pandas as pd

from extract.paths import DATA_DIR

GEO_DIR = DATA_DIR / "geo"
FILES = {
    "province": "provinces.geojson",
    "city": "cities.geojson",
    "nine_dash": "nine_dash_line.geojson",
    "undetermined": "undetermined_border.geojson",
}


class Shared(dict):
    """Map geometry shared by every figure: never modified, so copying it is pointless.

    Plotly deep-copies trace data when a figure is built and again when it is serialised; for a
    GeoJSON of several hundred kilobytes that alone took about 0.2 s per rerun of the 地区 page.
    """

    def __deepcopy__(self, memo: dict) -> Shared:
        return self


@lru_cache(maxsize=4)
def load(kind: str) -> dict | None:
    path = GEO_DIR / FILES[kind]
    if not path.is_file():
        return None
    try:
        gj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for feat in gj.get("features", []):
        props = feat.setdefault("properties", {})
        code = props.get("adcode", props.get("code", ""))
        props["adcode"] = str(code).split(".")[0]
    return Shared(gj)


@lru_cache(maxsize=1)
def points() -> pd.DataFrame | None:
    """Representative points (inside each polygon, unlike centroids) for bubbles: code, lon, lat."""
    path = GEO_DIR / "representative_points.csv"
    if not path.is_file():
        return None
    pts = pd.read_csv(path, dtype={"code": str})
    return pts[["code", "lon", "lat"]]


def available(level: str = "province") -> bool:
    return load(level) is not None


def codes(level: str) -> set[str]:
    gj = load(level)
    return {f["properties"]["adcode"] for f in gj["features"]} if gj else set()


def nine_dash_traces() -> list[dict]:
    """The nine-dash line and the undetermined boundary sections as map line traces."""
    out = []
    for kind, dash in (("nine_dash", "solid"), ("undetermined", "dash")):
        trace = _line_trace(kind, dash)
        if trace is not None:
            out.append(trace)
    return out


def _line_trace(kind: str, dash: str) -> dict | None:
    coords = _line_coordinates(kind)
    if coords is None:
        return None
    return {
        "type": "scattergeo",
        "lon": coords[0],
        "lat": coords[1],
        "mode": "lines",
        "line": {"color": "#6B7785", "width": 1.2, "dash": dash},
        "hoverinfo": "skip",
        "showlegend": False,
        "name": kind,
    }


@lru_cache(maxsize=4)
def _line_coordinates(kind: str) -> tuple[np.ndarray, np.ndarray] | None:
    """The lines of map file ``kind`` as (longitudes, latitudes), NaN between lines (a gap when drawn)."""
    gj = load(kind)
    if not gj:
        return None
    lons: list[float] = []
    lats: list[float] = []

    def add(line):
        for lon, lat, *_ in line:
            lons.append(lon)
            lats.append(lat)
        lons.append(np.nan)
        lats.append(np.nan)

    for feat in gj.get("features", []):
        g = feat.get("geometry") or {}
        if g.get("type") == "LineString":
            add(g["coordinates"])
        elif g.get("type") == "MultiLineString":
            for line in g["coordinates"]:
                add(line)
        elif g.get("type") == "Polygon":
            for ring in g["coordinates"]:
                add(ring)
        elif g.get("type") == "MultiPolygon":
            for poly in g["coordinates"]:
                for ring in poly:
                    add(ring)
    if not lons:
        return None
    lon, lat = np.array(lons, dtype=float), np.array(lats, dtype=float)
    lon.flags.writeable = lat.flags.writeable = False  # shared by every figure
    return lon, lat


def outline_trace(level: str = "province", exclude: set[str] | None = None) -> dict | None:
    """Grey polygons for the regions of the level that have no data (so the whole territory is drawn);
    ``exclude`` are the codes the data trace draws itself (keeps the page payload small)."""
    gj = load(level)
    if not gj:
        return None
    exclude = exclude or set()
    feats = [f for f in gj["features"] if f["properties"]["adcode"] not in exclude]
    if not feats:
        return None
    gj = Shared({"type": "FeatureCollection", "features": feats})
    ids = [f["properties"]["adcode"] for f in feats]
    return {
        "type": "choropleth",
        "geojson": gj,
        "locations": ids,
        "z": [0] * len(ids),
        "featureidkey": "properties.adcode",
        "colorscale": [[0, "#E4E8ED"], [1, "#E4E8ED"]],
        "showscale": False,
        "text": [f["properties"].get("name", "") for f in feats],
        "hovertemplate": "%{text}：无数据<extra></extra>",
        "marker": {"line": {"color": "#9AA5B1", "width": 0.6}},
        "name": "outline",
    }
