"""Map figures: the study area (BRI groups) and production/consumption intensity geography."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import PathCollection
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from bri_carbon.outputs import figures, geography

#: Colour of countries outside the study area or without data.
NO_DATA = "#e6e6e6"
#: Sequential, colour-blind-safe colour map of the intensity geography.
INTENSITY_CMAP = "YlOrRd"


def _not_drawn_note(codes: list[str], regions: pd.DataFrame, what: str) -> str:
    if not codes:
        return ""
    names = ", ".join(str(regions.loc[c, "name"]) for c in codes)
    return f"{what} without a 1:110m polygon (not drawn): {names}"


def study_area(
    boundaries: geography.Boundaries,
    regions: pd.DataFrame,
    source: str,
    year: int,
    synthetic: bool,
) -> Figure:
    """World map of the BRI groups of ``regions`` (indexed by code, ``bri``, ``group``).

    Each BRI group has its own colour; other regions are light grey. BRI regions without a
    polygon are named under the map.
    """
    figures.apply_style()
    bri = regions[regions["bri"].astype(bool)]
    bri_groups = list(dict.fromkeys(bri["group"]))
    colours = figures.categorical_colours(bri_groups)
    fills = {code: colours[group] for code, group in bri["group"].items()}
    fig, ax = plt.subplots(figsize=(7.5, 5.0))
    fig.subplots_adjust(left=0.01, right=0.99, top=0.93, bottom=0.25)
    geography.draw_countries(ax, boundaries, fills, background=NO_DATA)
    counts = bri["group"].value_counts()
    handles = [Patch(color=colours[g], label=f"{g} ({counts[g]})") for g in bri_groups] + [
        Patch(color=NO_DATA, label="Not Belt and Road")
    ]
    fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.085),
        ncol=3,
        fontsize=7,
        title="Belt and Road groups (number of regions)",
        title_fontsize=7.5,
    )
    ax.set_title(
        f"Study area: {len(bri)} Belt and Road regions in {len(bri_groups)} groups", loc="left"
    )
    _, missing = geography.join_regions(boundaries, bri)
    note = _not_drawn_note(missing, regions, "BRI regions")
    if note:
        fig.text(0.01, 0.055, note, fontsize=6, color="#555555", wrap=True)
    fig.text(
        0.01, 0.03, "Boundaries: Natural Earth 1:110m (public domain)", fontsize=6, color="#555555"
    )
    figures.stamp(fig, source, year, synthetic)
    return fig


def intensity_maps(
    boundaries: geography.Boundaries,
    accounts: pd.DataFrame,
    source: str,
    year: int,
    synthetic: bool,
) -> Figure:
    """Two maps, production- and consumption-based intensity (kg CO2/USD), one log scale.

    ``accounts``: region accounts indexed by code with the two intensity columns and
    ``bri``. The colour limits are the 2nd and 98th percentiles of both intensities together
    (values beyond are shown in the end colours); BRI regions are outlined in black.
    """
    figures.apply_style()
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
    fig, axes = plt.subplots(2, 1, figsize=(7.5, 8.0))
    bri_codes = [c for c in accounts.index if bool(accounts.loc[c, "bri"])]
    for ax, (column, title) in zip(axes, columns.items(), strict=True):
        series = values[column].dropna()
        fills = {code: cmap(norm(value)) for code, value in series.items()}
        geography.draw_countries(ax, boundaries, fills, background=NO_DATA)
        outlined = [boundaries.paths[c] for c in bri_codes if c in boundaries.paths]
        ax.add_collection(
            PathCollection(outlined, facecolors="none", edgecolors="black", linewidths=0.35)
        )
        ax.set_title(f"{title} (kg CO2 per USD)", loc="left")
    mappable = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    bar = fig.colorbar(
        mappable,
        ax=list(axes),
        orientation="horizontal",
        fraction=0.035,
        pad=0.03,
        extend="both",
        aspect=40,
    )
    figures.plain_log_ticks(bar.ax.xaxis)
    bar.set_label(
        "Carbon intensity (kg CO2 per USD, log scale); black outline: Belt and Road; grey: no data"
    )
    figures.stamp(fig, source, year, synthetic)
    return fig
