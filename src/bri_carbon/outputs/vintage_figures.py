"""Figures across data vintages: trends of the findings and the drivers of change."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
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
    see :data:`bri_carbon.core.trends.FIGURE_READINGS`), on an axis from 0 to 100 %."""
    figures.apply_style()
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    colours = [figures.PALETTE["bri"], figures.PALETTE["non_bri"], "#009E73"]
    for (statistic, (marker, label)), colour in zip(TREND_STYLE.items(), colours, strict=True):
        if statistic in shares.columns:
            ax.plot(
                shares.index,
                shares[statistic],
                marker=marker,
                color=colour,
                label=label.format(drivers=" + ".join(drivers)),
            )
    ax.set_xlabel("Year")
    ax.set_ylabel("Share (%)")
    ax.set_ylim(0, 100)
    years = shares.index.to_numpy()
    ax.set_xticks(years if len(years) <= 12 else np.unique(years[:: max(len(years) // 9, 1)]))
    ax.set_title("Belt and Road embodied CO2 over time", loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.16))
    fig.subplots_adjust(bottom=0.36)
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
    """Stacked horizontal bars of the four effects per quantity (Mt CO2), change as a dot.

    Positive effects stack right of zero, negative ones left; the black dot is the
    observed change, which the bars add up to.
    """
    figures.apply_style()
    labels = [
        f"{'Consumption' if kind == 'consumption' else 'Flow'}: {name}"
        for kind, name in zip(table["kind"], table["quantity"], strict=True)
    ]
    positions = np.arange(len(table))[::-1]
    fig, ax = plt.subplots(figsize=(7.0, 0.32 * len(table) + 1.8))
    right = np.zeros(len(table))
    left = np.zeros(len(table))
    for factor in FACTORS:
        colour, label = EFFECT_STYLE[factor]
        values = table[f"{factor}_effect_mt"].to_numpy()
        start = np.where(values >= 0, right, left)
        ax.barh(positions, values, left=start, color=colour, label=label, height=0.7)
        right += np.clip(values, 0, None)
        left += np.clip(values, None, 0)
    ax.scatter(
        table["change_mt"], positions, color="black", zorder=3, s=14, label="Observed change"
    )
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(positions, labels)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(f"Change in embodied CO2, {years[0]} to {years[1]} (Mt CO2)")
    ax.set_title(f"Drivers of change in embodied CO2, {years[0]}-{years[1]}", loc="left")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 1.0 / len(table)), ncol=3)
    figures.stamp(fig, source, f"{years[0]} and {years[1]}", synthetic)
    return fig
