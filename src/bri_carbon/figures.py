"""Figures in one style: colour-blind-safe palette, units on axes, source stamp.

Every figure is saved as PNG (300 dpi) and PDF, atomically, and carries a stamp with the
data source and year; figures made from the synthetic world say "SYNTHETIC DATA" visibly.
"""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from bri_carbon.atomic import atomic_path

#: Okabe-Ito colour-blind-safe palette.
PALETTE = {
    "bri": "#D55E00",
    "non_bri": "#0072B2",
    "neutral": "#999999",
    "accent": "#009E73",
    "highlight": "#E69F00",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "purple": "#CC79A7",
}

DPI = 300


def apply_style() -> None:
    """Set the shared matplotlib style (fonts, grid, spines)."""
    plt.rcParams.update(
        {
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "axes.titlesize": 10,
            "axes.labelsize": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.color": "#dddddd",
            "grid.linewidth": 0.6,
            "legend.frameon": False,
            "savefig.dpi": DPI,
            "pdf.fonttype": 42,
        }
    )


def stamp(fig: Figure, source: str, year: int, synthetic: bool) -> None:
    """Write the data source and year at the bottom; a visible label for synthetic data."""
    fig.text(0.01, 0.005, f"Data: {source}, {year}", fontsize=7, color="#555555", va="bottom")
    if synthetic:
        fig.text(
            0.99,
            0.005,
            "SYNTHETIC DATA - not real emissions",
            fontsize=8,
            color=PALETTE["bri"],
            ha="right",
            va="bottom",
            fontweight="bold",
        )


def save(fig: Figure, png: str | os.PathLike[str], pdf: str | os.PathLike[str]) -> None:
    """Save ``fig`` as PNG (300 dpi) and PDF atomically, then close it."""
    for target in (png, pdf):
        with atomic_path(target) as tmp:
            fig.savefig(tmp, dpi=DPI, bbox_inches="tight", format=str(target).rsplit(".", 1)[-1])
    plt.close(fig)


def net_exports_by_group(
    group_accounts: pd.DataFrame, source: str, year: int, synthetic: bool
) -> Figure:
    """Horizontal bars of net embodied CO2 exports (PBA - CBA, Mt) per group, sorted.

    ``group_accounts``: indexed by group with ``bri`` and ``net_export_mt``. The title gives
    the BRI share of the world's positive net exports.
    """
    apply_style()
    data = group_accounts.sort_values("net_export_mt")
    positive = data["net_export_mt"].clip(lower=0)
    share = positive[data["bri"]].sum() / positive.sum() * 100 if positive.sum() > 0 else 0.0
    colours = [PALETTE["bri"] if bri else PALETTE["non_bri"] for bri in data["bri"]]
    fig, ax = plt.subplots(figsize=(6.5, 0.35 * len(data) + 1.6))
    ax.barh(data.index, data["net_export_mt"], color=colours)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("Net embodied CO2 exports, production minus consumption (Mt CO2)")
    ax.set_title(
        f"Net embodied CO2 exports by group: BRI groups supply {share:.1f}% of the world's "
        "positive net exports",
        loc="left",
    )
    ax.grid(axis="y", visible=False)
    handles = [
        matplotlib.patches.Patch(color=PALETTE["bri"], label="Belt and Road group"),
        matplotlib.patches.Patch(color=PALETTE["non_bri"], label="Other group"),
    ]
    ax.legend(handles=handles, loc="lower right")
    stamp(fig, source, year, synthetic)
    return fig
