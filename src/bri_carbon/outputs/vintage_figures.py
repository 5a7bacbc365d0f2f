"""Figures across data vintages: trends of the findings and the drivers of change."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from bri_carbon.core.drivers import FACTORS
from bri_carbon.outputs import figures

#: Line styles and labels of the trend readings (statistic -> marker, label template).
TREND_STYLE = {
    "positive_net_export_share": ("o", "BRI share of the world's positive net embodied exports"),
    "driven_share": ("s", "Share of BRI emissions driven by {drivers}"),
    "export_share_to_drivers": ("^", "Share of BRI embodied exports going to {drivers}"),
}


def shares_figure(
    shares: pd.DataFrame, drivers: Sequence[str], source: str, synthetic: bool
) -> Figure:
    """Lines over the years of the trend readings (``shares``: year x statistic, percent;
    see :data:`bri_carbon.core.trends.FIGURE_READINGS`), on an axis from 0 to 100 % so that
    changes are not exaggerated; one column wide, the legend under the axes."""
    fig = figures.new_figure(figures.SINGLE_COLUMN_MM, 95.0)
    ax = fig.add_subplot()
    # Black and greys with their own markers and dashes: readings, not groups, so none of
    # the group colours.
    styles = [("#000000", "-"), ("#555555", "--"), ("#888888", ":")]
    for (statistic, (marker, label)), (colour, dashes) in zip(
        TREND_STYLE.items(), styles, strict=True
    ):
        if statistic in shares.columns:
            ax.plot(
                shares.index,
                shares[statistic],
                marker=marker,
                markersize=3.5,
                color=colour,
                linestyle=dashes,
                label="\n".join(textwrap.wrap(label.format(drivers=" + ".join(drivers)), 48)),
            )
    ax.set_xlabel("Year")
    ax.set_ylabel("Share (%)")
    ax.set_ylim(0, 100)
    years = shares.index.to_numpy()
    ax.set_xticks(years if len(years) <= 8 else np.unique(years[:: max(len(years) // 6, 1)]))
    ax.set_title("Belt and Road embodied CO2 over time", loc="left")
    figures.legend_axes(fig, ax, ncol=1, height_ratio=0.45)
    span = f"{years.min()}-{years.max()}" if len(years) > 1 else str(years[0])
    figures.stamp(fig, source, span, synthetic)
    return fig


#: Colours and legend labels of the effects in figures.
EFFECT_STYLE = {
    "intensity": ("#D55E00", "Emission intensity (s)"),
    "leontief": ("#0072B2", "Production structure (Leontief L)"),
    "mix": ("#009E73", "Final-demand mix by origin"),
    "level": ("#E69F00", "Final-demand level"),
}


def effects_figure(
    table: pd.DataFrame, source: str, years: tuple[int, int], synthetic: bool
) -> Figure:
    """Stacked horizontal bars of the four effects per quantity (Mt CO2), change as a dot;
    two columns wide, the legend under the axes and above the stamp.

    Positive effects stack right of zero, negative ones left; the black dot is the
    observed change, which the bars add up to.
    """
    labels = [
        f"{'Consumption' if kind == 'consumption' else 'Flow'}: {name}"
        for kind, name in zip(table["kind"], table["quantity"], strict=True)
    ]
    positions = np.arange(len(table))[::-1]
    fig = figures.new_figure(figures.DOUBLE_COLUMN_MM, 40.0 + 5.0 * len(table))
    ax = fig.add_subplot()
    right = np.zeros(len(table))
    left = np.zeros(len(table))
    for factor in FACTORS:
        colour, label = EFFECT_STYLE[factor]
        values = table[f"{factor}_effect_mt"].to_numpy()
        start = np.where(values >= 0, right, left)
        ax.barh(positions, values, left=start, color=colour, label=label, height=0.7)
        right += np.clip(values, 0, None)
        left += np.clip(values, None, 0)
    ax.scatter(table["change_mt"], positions, color="black", zorder=3, s=8, label="Observed change")
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_yticks(positions, labels)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(f"Change in embodied CO2, {years[0]} to {years[1]} (Mt CO2)")
    ax.set_title(f"Drivers of change in embodied CO2, {years[0]}-{years[1]}", loc="left")
    figures.legend_axes(fig, ax, ncol=3, height_ratio=0.1)
    figures.stamp(fig, source, f"{years[0]} and {years[1]}", synthetic)
    return fig
