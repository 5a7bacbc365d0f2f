"""World maps from the shipped Natural Earth 1:110m boundaries (pyshp + matplotlib).

Country polygons are read with pyshp, their ISO3 codes fixed from
``data/naturalearth_iso3_fixes.csv`` (``name,iso3``), merged by ISO3 (e.g. Northern Cyprus
into Cyprus) and projected with the Equal Earth projection (Savric, Patterson & Jenny 2018,
closed-form, equal-area). Regions of ``config/regions.csv`` without a polygon are reported by
:func:`join_regions`, so that callers can log them.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.path import Path as MplPath

from bri_carbon.runtime.errors import WorkflowInputError

log = logging.getLogger(__name__)

# Equal Earth polynomial coefficients.
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = np.sqrt(3.0) / 2.0
#: Southern edge of the maps (degrees); rings entirely south of it (Antarctica) are dropped.
SOUTH_LIMIT = -58.0


def equal_earth(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Equal Earth projection of longitude and latitude (degrees) on the unit sphere.

    theta = asin(sqrt(3)/2 sin(lat)); x = 2 sqrt(3) lon cos(theta) / (3 (9 A4 theta^8 +
    7 A3 theta^6 + 3 A2 theta^2 + A1)); y = A4 theta^9 + A3 theta^7 + A2 theta^3 + A1 theta.
    Same-shape arrays in, same-shape arrays out (dimensionless map units).
    """
    lam = np.radians(np.asarray(lon, dtype=float))
    phi = np.radians(np.asarray(lat, dtype=float))
    theta = np.arcsin(_M * np.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    denominator = 3.0 * (9.0 * _A4 * t6 * t2 + 7.0 * _A3 * t6 + 3.0 * _A2 * t2 + _A1)
    x = 2.0 * np.sqrt(3.0) * lam * np.cos(theta) / denominator
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


@dataclass(frozen=True)
class Boundaries:
    """Projected country outlines: one compound matplotlib path per ISO3 code."""

    paths: Mapping[str, MplPath]
    names: Mapping[str, str]


def read_iso3_fixes(path: Path) -> pd.Series:
    """``name -> iso3`` for Natural Earth records whose code is missing or non-standard."""
    try:
        fixes = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as err:
        raise WorkflowInputError(f"cannot read Natural Earth ISO3 fixes {path}: {err}") from err
    if list(fixes.columns) != ["name", "iso3"]:
        raise WorkflowInputError(f"{path} must have the columns name,iso3")
    return fixes.set_index("name")["iso3"]


def _ring_path(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = equal_earth(points[:, 0], np.maximum(points[:, 1], SOUTH_LIMIT))
    vertices = np.column_stack([x, y])
    codes = np.full(len(vertices), MplPath.LINETO, dtype=np.uint8)
    codes[0] = MplPath.MOVETO
    codes[-1] = MplPath.CLOSEPOLY
    return vertices, codes


def read_boundaries(shp_path: Path, iso3_fixes: pd.Series) -> Boundaries:
    """Read the Natural Earth shapefile and merge its polygons by fixed ISO3 code.

    ``shp_path``: the ``.shp`` file (``.shx``, ``.dbf`` and ``.cpg`` beside it).
    Records whose ``name`` is in ``iso3_fixes`` get that code. Records that still have no
    three-letter code are skipped and logged.
    """
    import shapefile

    try:
        reader = shapefile.Reader(str(shp_path))
    except (OSError, shapefile.ShapefileException) as err:
        raise WorkflowInputError(f"cannot read the map boundaries {shp_path}: {err}") from err
    vertices: dict[str, list[np.ndarray]] = {}
    codes: dict[str, list[np.ndarray]] = {}
    names: dict[str, str] = {}
    with reader:
        for record in reader.iterShapeRecords():
            name = str(record.record["name"])
            iso3 = str(iso3_fixes.get(name, record.record["iso_a3"]))
            if len(iso3) != 3 or not iso3.isalpha():
                log.warning("boundary %r has no ISO3 code (%s); not drawn", name, iso3)
                continue
            points = np.asarray(record.shape.points, dtype=float)
            starts = [*record.shape.parts, len(points)]
            for start, stop in itertools.pairwise(starts):
                if points[start:stop, 1].max() < SOUTH_LIMIT:
                    continue
                ring_vertices, ring_codes = _ring_path(points[start:stop])
                vertices.setdefault(iso3, []).append(ring_vertices)
                codes.setdefault(iso3, []).append(ring_codes)
            if iso3 in vertices:
                names.setdefault(iso3, name)
    paths = {
        iso3: MplPath(np.concatenate(vertices[iso3]), np.concatenate(codes[iso3]))
        for iso3 in sorted(vertices)
    }
    return Boundaries(paths=paths, names=names)


def join_regions(boundaries: Boundaries, regions: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Split the region codes of ``regions`` (indexed by code) into drawn and missing.

    Returns (codes with a polygon, codes without one), each in the order of ``regions``.
    """
    drawn = [code for code in regions.index if code in boundaries.paths]
    missing = [code for code in regions.index if code not in boundaries.paths]
    return drawn, missing


def log_missing(missing: list[str], regions: pd.DataFrame, purpose: str) -> None:
    """Log every region of the grouping file that the boundaries cannot draw."""
    if missing:
        listed = ", ".join(f"{code} ({regions.loc[code, 'name']})" for code in missing)
        log.warning(
            "%s: %d regions have no 1:110m polygon, not drawn: %s", purpose, len(missing), listed
        )
    else:
        log.info("%s: every region has a polygon", purpose)


def boundaries_for(
    shp_path: Path, iso3_fixes_path: Path, regions: pd.DataFrame, purpose: str
) -> Boundaries:
    """Read the boundaries with their ISO3 fixes and log the regions they cannot draw."""
    boundaries = read_boundaries(shp_path, read_iso3_fixes(iso3_fixes_path))
    _, missing = join_regions(boundaries, regions)
    log_missing(missing, regions, purpose)
    return boundaries


def draw_countries(
    ax: Axes,
    boundaries: Boundaries,
    colours: Mapping[str, object],
    background: str = "#eeeeee",
    edge: str = "white",
) -> None:
    """Fill each country of ``colours`` (ISO3 -> colour); all others in ``background``.

    Sets an equal aspect, the map extent and hides the axes frame.
    """
    others = [path for code, path in boundaries.paths.items() if code not in colours]
    ax.add_collection(
        PathCollection(others, facecolors=background, edgecolors=edge, linewidths=0.2)
    )
    coloured = [code for code in boundaries.paths if code in colours]
    ax.add_collection(
        PathCollection(
            [boundaries.paths[code] for code in coloured],
            facecolors=[colours[code] for code in coloured],
            edgecolors=edge,
            linewidths=0.2,
        )
    )
    _frame(ax)


def _extent() -> tuple[float, float, float, float]:
    """(x_min, x_max, y_min, y_max) of the maps: the Equal Earth outline from
    :data:`SOUTH_LIMIT` to the pole with a margin of 1% across and 2% up and down."""
    x_max, _ = equal_earth(np.array(180.0), np.array(0.0))
    _, y_min = equal_earth(np.array(0.0), np.array(SOUTH_LIMIT))
    _, y_max = equal_earth(np.array(0.0), np.array(90.0))
    return -float(x_max) * 1.01, float(x_max) * 1.01, float(y_min) * 1.02, float(y_max) * 1.02


def map_aspect() -> float:
    """Width over height of the map extent (dimensionless)."""
    x_min, x_max, y_min, y_max = _extent()
    return (x_max - x_min) / (y_max - y_min)


def _frame(ax: Axes) -> None:
    """Equal Earth outline as the map frame; no axes, ticks or grid."""
    lat = np.linspace(SOUTH_LIMIT, 90.0, 100)
    east_x, east_y = equal_earth(np.full_like(lat, 180.0), lat)
    west_x, west_y = equal_earth(np.full_like(lat, -180.0), lat[::-1])
    ax.plot(
        np.r_[east_x, west_x, east_x[:1]],
        np.r_[east_y, west_y, east_y[:1]],
        color="#bbbbbb",
        linewidth=0.5,
    )
    x_min, x_max, y_min, y_max = _extent()
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(y_min, y_max)
    ax.set_aspect("equal")
    ax.set_axis_off()
