"""Map figures: the study area (BRI groups) and production/consumption intensity geography."""

from __future__ import annotations

import textwrap

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import Colormap, LogNorm, Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import NullLocator

from bri_carbon.core import intensities
from bri_carbon.outputs import figures, geography

#: Colour of countries outside the study area or without data.
NO_DATA = "#e6e6e6"
#: Sequential, colour-blind-safe colour map of the intensity geography.
INTENSITY_CMAP = "YlOrRd"
#: Diverging, colour-blind-safe colour map of the intensity ratio (ColorBrewer RdBu, blue
#: below 1, red above).
RATIO_CMAP = "RdBu_r"
#: Colour of regions without a ratio: darker than NO_DATA, which is close to the scale's
#: near-white middle (ratio 1).
RATIO_NO_DATA = "#b0b0b0"
#: Width over height of the Equal Earth frame of :func:`geography.draw_countries`.
MAP_ASPECT = geography.map_aspect()
#: Layout of the intensity maps (inches): outer margin, gap between maps, a title line, a
#: colour bar with its distance from the map, and its tick labels and label.
MARGIN_IN = 0.05
GAP_IN = 0.12
TITLE_IN = 0.17
COLOURBAR_IN = 0.16
COLOURBAR_LABELS_IN = 0.36


def _not_drawn_note(codes: list[str], regions: pd.DataFrame, what: str) -> str:
    if not codes:
        return ""
    names = ", ".join(str(regions.loc[c, "name"]) for c in codes)
    return f"{what} without a 1:110m polygon (not drawn): {names}"


def study_area(
    boundaries: gpd.GeoDataFrame,
    regions: pd.DataFrame,
    source: str,
    year: int,
    synthetic: bool,
) -> Figure:
    """World map of the BRI groups of ``regions`` (indexed by code, ``bri``, ``group``); two
    columns wide.

    Each BRI group has its fixed colour (:func:`bri_carbon.outputs.figures.group_colours`);
    other regions are light grey. BRI regions without a polygon are named under the map.
    """
    bri = regions[regions["bri"].astype(bool)]
    bri_groups = list(dict.fromkeys(bri["group"]))
    colours = figures.group_colours(bri_groups)
    fills = {code: colours[group] for code, group in bri["group"].items()}
    _, missing = geography.join_regions(boundaries, bri)
    note = _not_drawn_note(missing, regions, "BRI regions")
    notes = [*textwrap.wrap(note, 140), "Boundaries: Natural Earth 1:110m (public domain)."]
    fig = figures.new_figure(figures.DOUBLE_COLUMN_MM, 110.0, notes=notes)
    ax = fig.add_subplot()
    geography.draw_countries(ax, boundaries, fills, background=NO_DATA)
    counts = bri["group"].value_counts()
    handles = [Patch(color=colours[g], label=f"{g} ({counts[g]})") for g in bri_groups] + [
        Patch(color=NO_DATA, label="Not Belt and Road")
    ]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=4,
        title="Belt and Road groups (number of regions)",
        handlelength=1.2,
        columnspacing=1.2,
    )
    ax.set_title(
        f"Study area: {len(bri)} Belt and Road regions in {len(bri_groups)} groups", loc="left"
    )
    figures.stamp(fig, source, year, synthetic)
    return fig


def _intensity_panel(
    ax: Axes,
    boundaries: gpd.GeoDataFrame,
    values: pd.Series,
    norm: Normalize,
    cmap: Colormap,
    bri_codes: list[str],
    title: str,
    background: str = NO_DATA,
) -> None:
    """One map: ``values`` by region code in ``cmap`` through ``norm``, BRI outlined,
    regions without a value in ``background``."""
    series = values.dropna()
    fills = {code: cmap(norm(value)) for code, value in series.items()}
    geography.draw_countries(ax, boundaries, fills, background=background)
    geography.outline_countries(ax, boundaries, bri_codes)
    ax.set_title(title, loc="left")


def ratio_limits(ratios: pd.Series) -> tuple[float, float]:
    """Limits of the ratio scale, symmetric around 1 on a log scale: (1 / r, r) with r the
    larger of the 98th percentile and 1 / the 2nd percentile of the positive ``ratios``
    (dimensionless), at least 1.5."""
    finite = ratios[np.isfinite(ratios) & (ratios > 0)].to_numpy()
    if not finite.size:
        return 1 / 1.5, 1.5
    low, high = np.percentile(finite, [2, 98])
    reach = max(float(high), 1.0 / float(low), 1.5)
    return 1.0 / reach, reach


def ratio_ticks(low: float, high: float) -> list[float]:
    """Tick values of the ratio scale between ``low`` and ``high``: 1 and the pairs k, 1/k
    for k in 1.25, 1.5, 2, 3, 5, 10, 20, 50, 100: the four largest k that fit (dimensionless)."""
    steps = [1.25, 1.5, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0, 100.0]
    above = [k for k in steps if k <= high * (1 + 1e-9)]
    chosen = above[-4:]
    below = [1.0 / k for k in chosen if 1.0 / k >= low * (1 - 1e-9)]
    return sorted([*below, 1.0, *chosen])


def intensity_maps(
    boundaries: gpd.GeoDataFrame,
    accounts: pd.DataFrame,
    source: str,
    year: int,
    synthetic: bool,
) -> Figure:
    """Three maps, two columns wide: (a) production- and (b) consumption-based intensity
    (kg CO2 per USD, one shared log scale), (c) their ratio (production / consumption,
    dimensionless, a diverging log scale centred on 1).

    ``accounts``: region accounts indexed by code with the two intensity columns and
    ``bri``. The limits of (a) and (b) are the 2nd and 98th percentiles of both intensities
    together, those of (c) :func:`ratio_limits`; values beyond take the end colours. BRI
    regions are outlined in black.
    """
    columns = {
        "production_intensity_kg_per_usd": "Production-based intensity",
        "consumption_intensity_kg_per_usd": "Consumption-based intensity",
    }
    values = accounts[list(columns)].where(accounts[list(columns)] > 0)
    finite = values.to_numpy().ravel()
    finite = finite[np.isfinite(finite)]
    low, high = np.percentile(finite, [2, 98]) if finite.size else (0.1, 1.0)
    if not high > low:
        low, high = low / 2, low * 2
    norm = LogNorm(vmin=low, vmax=high)
    cmap = plt.get_cmap(INTENSITY_CMAP)
    ratio = intensities.intensity_ratio(
        accounts["production_intensity_kg_per_usd"], accounts["consumption_intensity_kg_per_usd"]
    )
    ratio_norm = LogNorm(*ratio_limits(ratio))
    ratio_cmap = plt.get_cmap(RATIO_CMAP)
    bri_codes = [c for c in accounts.index if bool(accounts.loc[c, "bri"])]
    notes = [
        "Black outline: Belt and Road region; grey: no data. "
        "Boundaries: Natural Earth 1:110m (public domain)."
    ]
    # Laid out by hand, top to bottom, in inches: maps keep the Equal Earth aspect.
    width = figures.mm(figures.DOUBLE_COLUMN_MM)
    small_width = (width - 2 * MARGIN_IN - GAP_IN) / 2
    small_height = small_width / MAP_ASPECT
    large_width = width - 2 * MARGIN_IN
    large_height = large_width / MAP_ASPECT
    bottom_room = figures.STAMP_STRIP_IN + figures.NOTE_LINE_IN * len(notes)
    height = (
        MARGIN_IN + 2 * (TITLE_IN + COLOURBAR_IN + COLOURBAR_LABELS_IN) + small_height
        + GAP_IN + large_height + bottom_room
    )  # fmt: skip
    fig = figures.new_figure(figures.DOUBLE_COLUMN_MM, height * figures.MM_PER_INCH, notes=notes)
    fig.set_layout_engine("none")

    def axes(left: float, top: float, w: float, h: float) -> Axes:
        return fig.add_axes((left / width, (height - top - h) / height, w / width, h / height))

    cursor = MARGIN_IN + TITLE_IN
    top = [
        axes(MARGIN_IN, cursor, small_width, small_height),
        axes(MARGIN_IN + small_width + GAP_IN, cursor, small_width, small_height),
    ]
    cursor += small_height + COLOURBAR_IN / 2
    bar_axes = axes(width * 0.2, cursor, width * 0.6, COLOURBAR_IN / 2)
    cursor += COLOURBAR_IN / 2 + COLOURBAR_LABELS_IN + GAP_IN + TITLE_IN
    bottom = axes(MARGIN_IN, cursor, large_width, large_height)
    cursor += large_height + COLOURBAR_IN / 2
    ratio_bar_axes = axes(width * 0.2, cursor, width * 0.6, COLOURBAR_IN / 2)
    for ax, (column, title) in zip(top, columns.items(), strict=True):
        _intensity_panel(ax, boundaries, values[column], norm, cmap, bri_codes, title)
    _intensity_panel(
        bottom,
        boundaries,
        ratio,
        ratio_norm,
        ratio_cmap,
        bri_codes,
        "Ratio of production- to consumption-based intensity",
        background=RATIO_NO_DATA,
    )
    figures.panel_labels([*top, bottom])
    bar = fig.colorbar(
        plt.cm.ScalarMappable(norm=norm, cmap=cmap),
        cax=bar_axes,
        orientation="horizontal",
        extend="both",
    )
    figures.plain_log_ticks(bar.ax.xaxis)
    bar.set_label("(a), (b): carbon intensity (kg CO2 per USD, log scale)")
    ratio_bar = fig.colorbar(
        plt.cm.ScalarMappable(norm=ratio_norm, cmap=ratio_cmap),
        cax=ratio_bar_axes,
        orientation="horizontal",
        extend="both",
    )
    ticks = ratio_ticks(ratio_norm.vmin, ratio_norm.vmax)
    ratio_bar.set_ticks(ticks, labels=[f"{t:.3g}" for t in ticks])
    ratio_bar.ax.xaxis.set_minor_locator(NullLocator())
    ratio_bar.set_label(
        "(c): production / consumption intensity (log scale); above 1 (red): "
        "the region's output is more carbon-intensive than its final demand"
    )
    figures.stamp(fig, source, year, synthetic)
    return fig
