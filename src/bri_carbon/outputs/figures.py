"""Figures in one style: colour-blind-safe palette, units on axes, source stamp.

Every figure is saved as PNG (300 dpi) and PDF, atomically, and carries a stamp with the
data source and year; figures made from the synthetic world say "SYNTHETIC DATA" visibly.
"""

from __future__ import annotations

import logging
import os

import matplotlib

matplotlib.use("Agg")

import matplotlib.axis
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from bri_carbon.runtime.atomic import atomic_path

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

#: Okabe-Ito colours in the order used for categorical series (black left out).
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
#: Further colour-blind-distinguishable colours (Tol's muted set) when more are needed.
EXTRA_COLOURS = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#882255", "#AA4499")

DPI = 300


def categorical_colours(names: list[str]) -> dict[str, str]:
    """One colour per name, in order: Okabe-Ito first, then Tol's muted colours, cycled."""
    colours = [*OKABE_ITO, *EXTRA_COLOURS]
    return {name: colours[i % len(colours)] for i, name in enumerate(names)}


def plain_log_ticks(axis: matplotlib.axis.Axis) -> None:
    """Plain-number labels (0.2, 0.5, 1, 2) on a log axis instead of powers of ten."""
    from matplotlib.ticker import FuncFormatter, LogLocator

    def label(value: float, _position: int) -> str:
        mantissa = value / 10 ** np.floor(np.log10(value)) if value > 0 else 0
        return f"{value:g}" if round(mantissa) in (1, 2, 3, 5) else ""

    axis.set_major_locator(LogLocator(base=10))
    axis.set_minor_locator(LogLocator(base=10, subs=(2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0)))
    axis.set_major_formatter(FuncFormatter(label))
    axis.set_minor_formatter(FuncFormatter(label))


def data_label(source: str, synthetic: bool) -> str:
    """``synthetic data`` for the synthetic world, else the source name."""
    return "synthetic data" if synthetic else source


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
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    for target in (png, pdf):
        with atomic_path(target) as tmp:
            fig.savefig(tmp, dpi=DPI, bbox_inches="tight", format=str(target).rsplit(".", 1)[-1])
    plt.close(fig)


def net_exports_by_group(
    group_accounts: pd.DataFrame,
    source: str,
    year: int,
    synthetic: bool,
    region_share: float | None = None,
    paper_share: float | None = None,
) -> Figure:
    """Horizontal bars of net embodied CO2 exports (PBA - CBA, Mt) per group, sorted.

    ``group_accounts``: indexed by group with ``bri`` and ``net_export_mt``. The title gives
    the BRI share of the world's positive net exports. When given, ``region_share`` (the
    same share computed over regions, %) and ``paper_share`` (the paper's value, %) are
    written in a box on the plot.
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
    ax.legend(handles=handles, loc="best")
    fig.subplots_adjust(bottom=0.75 / fig.get_figheight())
    if region_share is not None:
        paper = f" (paper: more than {paper_share:.0f}%)" if paper_share is not None else ""
        ax.set_title(
            "Net embodied CO2 exports by group. BRI share of the world's positive net\n"
            f"exports: {share:.1f}% over groups, {region_share:.1f}% over regions{paper}",
            loc="left",
        )
    stamp(fig, source, year, synthetic)
    return fig


def intensity_gap(
    group_accounts: pd.DataFrame,
    developed_groups: list[str],
    source: str,
    year: int,
    synthetic: bool,
    production_denominator: str = "value_added",
    consumption_denominator: str = "final_demand",
) -> Figure:
    """Dumbbell chart of production- vs consumption-based carbon intensity per group.

    ``group_accounts``: indexed by group with ``bri``, ``production_mt``, ``consumption_mt``
    and the ``{denominator}_musd`` columns (Mt CO2, million USD). Two summary rows on top:
    BRI groups combined and ``developed_groups`` combined. x: kg CO2 per USD (log scale);
    the ratio production/consumption intensity is written at the right of each row.
    """
    from bri_carbon.core.findings import combined_intensity_ratio
    from bri_carbon.core.units import KG_PER_USD_PER_MT_PER_MUSD

    apply_style()
    denominators = (f"{production_denominator}_musd", f"{consumption_denominator}_musd")

    def intensities(members: list[str]) -> tuple[float, float]:
        rows = group_accounts.loc[members]
        production = rows["production_mt"].sum() / rows[denominators[0]].sum()
        consumption = rows["consumption_mt"].sum() / rows[denominators[1]].sum()
        return production * KG_PER_USD_PER_MT_PER_MUSD, consumption * KG_PER_USD_PER_MT_PER_MUSD

    bri_groups = [g for g in group_accounts.index if bool(group_accounts.loc[g, "bri"])]
    ratios = {
        g: combined_intensity_ratio(
            group_accounts, [g], production_denominator, consumption_denominator
        )
        for g in group_accounts.index
    }
    ordered = sorted(group_accounts.index, key=lambda g: ratios[g])
    developed = [g for g in developed_groups if g in group_accounts.index]
    labels = [*ordered, "Developed groups combined", "BRI groups combined"]
    members = [*([g] for g in ordered), developed, bri_groups]
    is_bri = [*(bool(group_accounts.loc[g, "bri"]) for g in ordered), False, True]
    fig, ax = plt.subplots(figsize=(6.5, 0.32 * len(labels) + 2.0))
    for y, (group_members, bri) in enumerate(zip(members, is_bri, strict=True)):
        production, consumption = intensities(group_members)
        colour = PALETTE["bri"] if bri else PALETTE["non_bri"]
        ax.plot([consumption, production], [y, y], color=colour, linewidth=2, alpha=0.6)
        ax.scatter([production], [y], color=colour, marker="o", s=28, zorder=3)
        ax.scatter(
            [consumption],
            [y],
            facecolor="white",
            edgecolor=colour,
            marker="o",
            s=28,
            zorder=3,
            linewidth=1.2,
        )
        ratio = combined_intensity_ratio(
            group_accounts, group_members, production_denominator, consumption_denominator
        )
        ax.annotate(
            f"{ratio:.2f}",
            (1.0, y),
            xycoords=("axes fraction", "data"),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=7.5,
        )
    ax.axhline(len(ordered) - 0.5, color="#999999", linewidth=0.8)
    ax.set_yticks(range(len(labels)), labels)
    for tick, label in zip(ax.get_yticklabels(), labels, strict=True):
        if label.endswith("combined"):
            tick.set_fontweight("bold")
    ax.set_xscale("log")
    ax.set_xlabel(
        f"Carbon intensity (kg CO2 per USD; production: per USD of "
        f"{production_denominator.replace('_', ' ')}, consumption: per USD of "
        f"{consumption_denominator.replace('_', ' ')})"
    )
    ax.set_ylim(-0.6, len(labels) - 0.4)
    ax.grid(axis="y", visible=False)
    ax.annotate(
        "production /\nconsumption",
        (1.0, 1.0),
        xycoords="axes fraction",
        xytext=(4, 2),
        textcoords="offset points",
        fontsize=7,
        va="bottom",
    )
    ax.set_title("Production- vs consumption-based carbon intensity by group", loc="left")
    handles = [
        matplotlib.lines.Line2D(
            [], [], color="#555555", marker="o", linestyle="none", label="production-based (filled)"
        ),
        matplotlib.lines.Line2D(
            [],
            [],
            color="#555555",
            marker="o",
            markerfacecolor="white",
            linestyle="none",
            label="consumption-based (open)",
        ),
        matplotlib.patches.Patch(color=PALETTE["bri"], label="Belt and Road"),
        matplotlib.patches.Patch(color=PALETTE["non_bri"], label="Other"),
    ]
    height = fig.get_figheight()
    fig.subplots_adjust(bottom=1.15 / height, top=1 - 0.45 / height)
    fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.22 / height),
        ncol=4,
        fontsize=7.5,
    )
    plain_log_ticks(ax.xaxis)
    stamp(fig, source, year, synthetic)
    return fig


def driven_by_shares(
    driven: pd.DataFrame,
    driver_groups: list[str],
    group_order: list[str],
    bri_groups: list[str],
    source: str,
    year: int,
    synthetic: bool,
    paper_median: float | None = None,
) -> Figure:
    """Stacked bars: share (%) of each BRI region's industry emissions by destination group.

    ``driven``: long frame of :func:`bri_carbon.core.findings.driven_by`. Segments from the
    left: ``driver_groups``, the other non-BRI groups of ``group_order``, the other BRI
    groups, and the region's own group (which contains its domestic final demand). Regions
    are sorted by group, then by the driver share; the median driver share and
    ``paper_median`` (the paper's value, %) are marked as vertical lines.
    """
    apply_style()
    shares = driven.pivot_table(
        index="region", columns="destination_group", values="share_pct", sort=False
    ).fillna(0.0)
    region_group = driven.drop_duplicates("region").set_index("region")["group"]
    region_name = driven.drop_duplicates("region").set_index("region")["name"]
    non_bri_others = [g for g in group_order if g not in bri_groups and g not in driver_groups]
    own, other_bri = "Own BRI group (incl. domestic)", "Other BRI groups"
    categories = [*driver_groups, *non_bri_others, other_bri, own]
    table = pd.DataFrame(0.0, index=shares.index, columns=categories)
    for region in shares.index:
        for group, value in shares.loc[region].items():
            if group in driver_groups:
                table.loc[region, group] += value
            elif group == region_group[region]:
                table.loc[region, own] += value
            elif group in bri_groups:
                table.loc[region, other_bri] += value
            else:
                table.loc[region, group] += value
    driver_share = table[list(driver_groups)].sum(axis=1)
    group_rank = {g: i for i, g in enumerate(group_order)}
    order = sorted(table.index, key=lambda r: (-group_rank[region_group[r]], driver_share[r]))
    table = table.loc[order]
    colours = dict(zip(driver_groups, (PALETTE["bri"], PALETTE["highlight"]), strict=False))
    rest = (PALETTE["purple"], PALETTE["sky"], PALETTE["non_bri"], *EXTRA_COLOURS)
    for i, group in enumerate([g for g in driver_groups if g not in colours] + non_bri_others):
        colours[group] = rest[i % len(rest)]
    colours[other_bri] = PALETTE["accent"]
    colours[own] = "#d9d9d9"
    height = 0.12 * len(table) + 2.2
    fig, ax = plt.subplots(figsize=(7.0, height))
    left = pd.Series(0.0, index=table.index)
    positions = range(len(table))
    for category in categories:
        ax.barh(
            positions,
            table[category],
            left=left,
            color=colours[category],
            height=0.8,
            label=category,
            linewidth=0,
        )
        left = left + table[category]
    ax.set_yticks(positions, [f"{region_name[r]}" for r in table.index], fontsize=5.5)
    ax.set_ylim(-0.6, len(table) - 0.4)
    ax.set_xlim(0, 100)
    ax.set_xlabel(
        "Share of the region's industry CO2 emissions (%), by group whose final demand drives them"
    )
    ax.grid(axis="y", visible=False)
    groups_in_plot = [region_group[r] for r in table.index]
    for y in range(1, len(table)):
        if groups_in_plot[y] != groups_in_plot[y - 1]:
            ax.axhline(y - 0.5, color="black", linewidth=0.6)
    for group in dict.fromkeys(groups_in_plot):
        rows = [y for y, g in enumerate(groups_in_plot) if g == group]
        ax.annotate(
            group,
            (1.0, (rows[0] + rows[-1]) / 2),
            xycoords=("axes fraction", "data"),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
            fontweight="bold",
        )
    median = float(driver_share.median())
    ax.axvline(median, color="black", linestyle=":", linewidth=1.0)
    label = f"median share driven by {' + '.join(driver_groups)}: {median:.1f}%"
    if paper_median is not None:
        ax.axvline(paper_median, color="black", linestyle="--", linewidth=1.0)
        label += f"\ndashed: paper, about {paper_median:.0f}%"
    ax.set_title(
        f"Share of each BRI region's emissions driven by final demand elsewhere\ndotted: {label}",
        loc="left",
        fontsize=9,
    )
    fig.subplots_adjust(bottom=1.35 / height, top=1 - 0.75 / height)
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(
        handles, labels, loc="lower center", bbox_to_anchor=(0.5, 0.2 / height), ncol=4, fontsize=7
    )
    stamp(fig, source, year, synthetic)
    return fig


def sector_hotspots(
    hotspots: pd.DataFrame,
    bri_groups: list[str],
    driver_groups: list[str],
    source: str,
    year: int,
    synthetic: bool,
    top: int = 5,
) -> Figure:
    """Top ``top`` common sectors of each BRI group by embodied CO2 driven by the driver
    groups' final demand (Mt CO2, horizontal bars, one panel per BRI group).

    ``hotspots``: the table of :func:`bri_carbon.core.findings.sector_hotspots`.
    """
    apply_style()
    to_drivers = hotspots[hotspots["destination_group"].isin(driver_groups)]
    by_sector = to_drivers.groupby(["origin_group", "sector"], sort=False)["co2_mt"].sum()
    panels = [g for g in bri_groups if g in by_sector.index.get_level_values(0)]
    columns = 2
    rows = max(1, -(-len(panels) // columns))
    fig, axes = plt.subplots(rows, columns, figsize=(7.0, 1.45 * rows + 0.9), squeeze=False)
    for ax, group in zip(axes.ravel(), panels, strict=False):
        values = by_sector.loc[group].sort_values(ascending=False).head(top)[::-1]
        ax.barh(range(len(values)), values.to_numpy(), color=PALETTE["bri"], height=0.65)
        ax.set_yticks(range(len(values)), [_short(s) for s in values.index], fontsize=7)
        ax.set_title(group, loc="left", fontsize=8)
        ax.grid(axis="y", visible=False)
        ax.set_axisbelow(True)
        ax.tick_params(axis="x", labelsize=7)
    for ax in axes.ravel()[len(panels) :]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("Mt CO2", fontsize=7)
    fig.suptitle(
        f"Sectors of the BRI groups carrying embodied CO2 to {' + '.join(driver_groups)}",
        x=0.01,
        ha="left",
        fontsize=9,
    )
    fig.tight_layout(rect=(0, 0.03, 1, 0.97))
    stamp(fig, source, year, synthetic)
    return fig


def _short(sector: str, width: int = 28) -> str:
    """A sector name cut to ``width`` characters for axis labels."""
    return sector if len(sector) <= width else sector[: width - 1] + "…"
