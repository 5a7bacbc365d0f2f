"""The explorer's world map: Natural Earth 1:110m countries as SVG paths in Equal Earth.

The country polygons are those of the report's maps (:func:`bri_carbon.outputs.geography.
read_boundaries`: merged per ISO3 code, cut at the maps' southern edge and projected to Equal
Earth, EPSG:8857, metres), simplified with a tolerance of :data:`TOLERANCE_M` and written as
SVG path data in units of :data:`UNIT_M` (integers, y
pointing down, relative moves), so that the page draws them without projecting anything.
Each region also gets an anchor, a point inside its largest polygon, where flow lines start
and end.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from bri_carbon.outputs.geography import MAP_CRS, SOUTH_LIMIT
from bri_carbon.outputs.gis import CRS

#: Tolerance of the simplification (metres): about a third of a pixel of a map 1,000 pixels
#: wide (the projected world is about 34,000 km across).
TOLERANCE_M = 12_000.0
#: One unit of the SVG coordinates (metres): coordinates are written as integers.
UNIT_M = 10_000.0
#: Frame points per side of the map outline (the meridians of 180 degrees east and west).
FRAME_POINTS = 60


@dataclass(frozen=True)
class MapShapes:
    """The map as the page draws it.

    ``paths``: SVG path data per ISO3 code (in the order of the codes); ``anchors``: (x, y)
    per code in SVG units, a point inside its largest polygon; ``areas``: projected area per
    code (square km); ``frame``: path data of the Equal Earth outline from
    :data:`SOUTH_LIMIT` to the North Pole; ``view_box``: (x, y, width, height) of the map.
    """

    paths: Mapping[str, str]
    anchors: Mapping[str, tuple[int, int]]
    areas: Mapping[str, float]
    frame: str
    view_box: tuple[int, int, int, int]


def _svg_point(x: float, y: float) -> tuple[int, int]:
    """A projected point (metres) in SVG units: rounded to :data:`UNIT_M`, y pointing down."""
    return round(x / UNIT_M), round(-y / UNIT_M)


def ring_path(coordinates: np.ndarray) -> str:
    """SVG path data of one closed ring (``coordinates``: k x 2 projected metres): an
    absolute move, relative lines, ``z``; points that round onto the previous one are left
    out. An empty string for rings with fewer than three distinct points."""
    points = [_svg_point(x, y) for x, y in coordinates]
    kept = [points[0]]
    for point in points[1:]:
        if point != kept[-1]:
            kept.append(point)
    if len(kept) > 1 and kept[-1] == kept[0]:
        kept.pop()
    if len(kept) < 3:
        return ""
    steps = " ".join(f"{x - px} {y - py}" for (px, py), (x, y) in itertools.pairwise(kept))
    return f"M{kept[0][0]} {kept[0][1]}l{steps}z"


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry]
    if isinstance(geometry, MultiPolygon):
        return list(geometry.geoms)
    if hasattr(geometry, "geoms"):  # a collection left by the cut
        return [part for item in geometry.geoms for part in _polygons(item)]
    return []


def geometry_path(geometry: BaseGeometry) -> str:
    """SVG path data of a (multi)polygon: every outer ring and hole (filled even-odd)."""
    rings = []
    for polygon in _polygons(geometry):
        for ring in (polygon.exterior, *polygon.interiors):
            rings.append(ring_path(np.asarray(ring.coords)[:, :2]))
    return "".join(ring for ring in rings if ring)


def simplified(boundaries: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """The projected ``boundaries`` (indexed by ISO3, in metres) simplified by
    :data:`TOLERANCE_M`, topology kept per polygon; codes left with nothing are dropped."""
    simple = boundaries.geometry.simplify(TOLERANCE_M, preserve_topology=True)
    return simple[~simple.is_empty]


def anchor(geometry: BaseGeometry) -> tuple[float, float]:
    """A point inside the largest polygon of ``geometry`` (projected metres)."""
    largest = max(_polygons(geometry), key=lambda polygon: polygon.area)
    point = largest.representative_point()
    return point.x, point.y


def frame_path() -> str:
    """SVG path data of the Equal Earth outline between :data:`SOUTH_LIMIT` and 90 N."""
    to_map = pyproj.Transformer.from_crs(CRS, MAP_CRS, always_xy=True)
    latitudes = np.linspace(SOUTH_LIMIT, 90.0, FRAME_POINTS)
    east = to_map.transform(np.full_like(latitudes, 180.0), latitudes)
    west = to_map.transform(np.full_like(latitudes, -180.0), latitudes[::-1])
    ring = np.column_stack([np.r_[east[0], west[0]], np.r_[east[1], west[1]]])
    return ring_path(ring)


def map_shapes(boundaries: gpd.GeoDataFrame) -> MapShapes:
    """The map of the country ``boundaries`` (indexed by ISO3 code, in Equal Earth: see
    :func:`bri_carbon.outputs.geography.read_boundaries`), ready for the page."""
    shapes = simplified(boundaries)
    paths = {code: geometry_path(shape) for code, shape in shapes.items()}
    paths = {code: path for code, path in paths.items() if path}
    anchors = {code: _svg_point(*anchor(shapes[code])) for code in paths}
    areas = {code: float(shapes[code].area) / 1e6 for code in paths}
    to_map = pyproj.Transformer.from_crs(CRS, MAP_CRS, always_xy=True)
    x_max, _ = to_map.transform(180.0, 0.0)
    _, y_max = to_map.transform(0.0, 90.0)
    _, y_min = to_map.transform(0.0, SOUTH_LIMIT)
    left, top = _svg_point(-x_max, y_max)
    right, bottom = _svg_point(x_max, y_min)
    margin = 10
    view_box = (left - margin, top - margin, right - left + 2 * margin, bottom - top + 2 * margin)
    return MapShapes(paths, anchors, areas, frame_path(), view_box)


def group_anchors(
    shapes: MapShapes, members: Mapping[str, Iterable[str]]
) -> dict[str, tuple[int, int]]:
    """The anchor of each group: that of its member with the largest area on the map
    (``members``: group -> region codes); groups without a member on the map get none."""
    anchors = {}
    for group, codes in members.items():
        drawn = [code for code in codes if code in shapes.anchors]
        if drawn:
            largest = max(drawn, key=lambda code: (shapes.areas[code], code))
            anchors[group] = shapes.anchors[largest]
    return anchors


def region_members(regions: pd.DataFrame) -> dict[str, list[str]]:
    """Region codes per group (``regions`` indexed by code with a ``group`` column), groups
    in order of first appearance."""
    members: dict[str, list[str]] = {}
    for code, group in regions["group"].items():
        members.setdefault(str(group), []).append(str(code))
    return members


def path_bytes(shapes: MapShapes) -> int:
    """Size of all path data (bytes), for the logs."""
    return sum(len(path) for path in shapes.paths.values()) + len(shapes.frame)
