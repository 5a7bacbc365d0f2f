"""Figures in one style, drawn at their final journal size.

Every figure is drawn at the width it is printed at, single column (85 mm) or double column
(175 mm; :data:`SINGLE_COLUMN_MM`, :data:`DOUBLE_COLUMN_MM`), with every text at least
:data:`MIN_FONT_PT` (6 pt) at that size, and is saved as PNG (300 dpi) and PDF without
rescaling. Groups keep one colour wherever they appear (:func:`group_colours`). Every figure
carries a stamp with the data source and year; figures made from the synthetic world say
"SYNTHETIC DATA" visibly. Saving is byte-reproducible: no dates go into the files.
"""

from __future__ import annotations

import hashlib
import logging
import os
import string
from collections.abc import Iterable, Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.axis
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text

from bri_carbon.runtime.atomic import atomic_path

#: The colour of the "SYNTHETIC DATA" warning stamp (Okabe-Ito vermilion).
SYNTHETIC_STAMP_COLOUR = "#D55E00"

#: Okabe-Ito colours (Okabe & Ito 2008), black left out.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
#: Paul Tol's muted colour-blind-safe scheme (Tol 2021), pale grey left out.
TOL_MUTED = (
    "#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933",
    "#AA4499",
)  # fmt: skip

#: The colour of each group of the shipped grouping (config/regions.csv), fixed so that a
#: group has the same colour in every figure and every run. Belt and Road groups take warm
#: colours (reds, oranges, yellows, purples), the other groups blues, greens and grey, all
#: from the Okabe-Ito and Tol muted schemes.
GROUP_COLOURS = {
    "East Asia": "#D55E00",
    "Southeast Asia": "#E69F00",
    "South Asia": "#CC79A7",
    "Central Asia": "#DDCC77",
    "West Asia and North Africa": "#882255",
    "CIS": "#999933",
    "Central and Eastern Europe": "#CC6677",
    "United States": "#0072B2",
    "Europe outside BRI": "#56B4E9",
    "Japan": "#009E73",
    "Other developed": "#332288",
    "Rest of world": "#999999",
}
#: Colours for groups not in :data:`GROUP_COLOURS` (other groupings), chosen by name.
FALLBACK_COLOURS = (*OKABE_ITO, *TOL_MUTED)

#: Printed widths of journal figures (mm): one column and the full text width.
SINGLE_COLUMN_MM = 85.0
DOUBLE_COLUMN_MM = 175.0
#: Height of a full page of text (A4 portrait with 25 mm margins, mm), for supplementary
#: figures.
FULL_PAGE_MM = 247.0
MM_PER_INCH = 25.4
#: Smallest font size of any text at the printed size (points).
MIN_FONT_PT = 6.0
#: Height of the strip at the bottom of every figure that holds the stamp (inches).
STAMP_STRIP_IN = 0.17

DPI = 300
#: Metadata of saved files: no creation date, so that the same figure gives the same bytes.
SAVE_METADATA = {
    "pdf": {"CreationDate": None, "ModDate": None},
    "png": {},
}


def _name_slot(name: str, size: int) -> int:
    """A slot in ``range(size)`` from the SHA-256 of ``name`` (stable across runs, unlike
    Python's salted ``hash``)."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big") % size


def group_colours(names: Iterable[str]) -> dict[str, str]:
    """One colour per group name, the same in every figure, run and call order.

    Groups of the shipped grouping take :data:`GROUP_COLOURS`. Any other name takes the
    colour of :data:`FALLBACK_COLOURS` at a slot given by its name's SHA-256; when that
    colour is already taken by another group of ``names``, the next free one (names handled
    in sorted order, so the result does not depend on the order of ``names``). With more
    groups than colours, colours repeat.
    """
    unique = sorted(set(names))
    colours = {name: GROUP_COLOURS[name] for name in unique if name in GROUP_COLOURS}
    taken = set(colours.values())
    others = sorted(
        (n for n in unique if n not in colours),
        key=lambda n: (_name_slot(n, len(FALLBACK_COLOURS)), n),
    )
    for name in others:
        slot = _name_slot(name, len(FALLBACK_COLOURS))
        free = [
            FALLBACK_COLOURS[(slot + step) % len(FALLBACK_COLOURS)]
            for step in range(len(FALLBACK_COLOURS))
        ]
        colour = next((c for c in free if c not in taken), free[0])
        colours[name] = colour
        taken.add(colour)
    return colours


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
    """Set the shared matplotlib style: font sizes for print (6-8 pt), thin lines, grid
    lines behind the data (``axes.axisbelow``)."""
    plt.rcParams.update(
        {
            "font.family": "DejaVu Sans",
            "font.size": 7,
            "axes.titlesize": 7.5,
            "axes.labelsize": 7,
            "xtick.labelsize": 6.5,
            "ytick.labelsize": 6.5,
            "legend.fontsize": 6.5,
            "legend.title_fontsize": 6.5,
            "figure.titlesize": 8,
            "axes.linewidth": 0.6,
            "xtick.major.width": 0.6,
            "ytick.major.width": 0.6,
            "xtick.major.size": 2.5,
            "ytick.major.size": 2.5,
            "xtick.minor.width": 0.4,
            "ytick.minor.width": 0.4,
            "lines.linewidth": 1.0,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "axes.axisbelow": True,
            "grid.color": "#dddddd",
            "grid.linewidth": 0.5,
            "legend.frameon": False,
            "savefig.dpi": DPI,
            "pdf.fonttype": 42,
        }
    )


def mm(value: float) -> float:
    """Millimetres to inches."""
    return value / MM_PER_INCH


#: Height of one line of a 6 pt note under a figure (inches).
NOTE_LINE_IN = 0.105


def new_figure(width_mm: float, height_mm: float, notes: Sequence[str] = ()) -> Figure:
    """An empty figure of the printed size (mm) in the shared style.

    Matplotlib's constrained layout places the axes, titles and figure legends above the
    stamp strip and the ``notes`` (6 pt lines, bottom left, above the stamp).
    """
    apply_style()
    height = mm(height_mm)
    fig = plt.figure(figsize=(mm(width_mm), height), layout="constrained")
    bottom = STAMP_STRIP_IN + NOTE_LINE_IN * len(notes)
    # rect: (left, bottom, width, height) in figure fractions.
    fig.get_layout_engine().set(
        rect=(0.0, bottom / height, 1.0, 1.0 - (bottom + 0.03) / height), w_pad=0.03, h_pad=0.03
    )
    for line, note in enumerate(reversed(notes)):
        fig.text(
            0.01,
            (STAMP_STRIP_IN + NOTE_LINE_IN * line) / height,
            note,
            fontsize=6,
            color="#555555",
            va="bottom",
        )
    return fig


def panel_labels(axes: Sequence[Axes]) -> None:
    """Label the panels (a), (b), ... in order: each axes' left title starts with its
    letter, e.g. "(a) Production-based intensity"."""
    for letter, ax in zip(string.ascii_lowercase, axes, strict=False):
        title = ax.get_title(loc="left")
        ax.set_title(f"({letter}) {title}".rstrip(), loc="left")


def stamp(fig: Figure, source: str, year: int | str | None, synthetic: bool) -> None:
    """Write the data source and year at the bottom; a visible label for synthetic data."""
    when = "" if year is None else f", {year}"
    y = 0.04 / fig.get_figheight()
    fig.text(0.01, y, f"Data: {source}{when}", fontsize=6, color="#555555", va="bottom")
    if synthetic:
        fig.text(
            0.99,
            y,
            "SYNTHETIC DATA - not real emissions",
            fontsize=6.5,
            color=SYNTHETIC_STAMP_COLOUR,
            ha="right",
            va="bottom",
            fontweight="bold",
        )


def save(fig: Figure, png: str | os.PathLike[str], pdf: str | os.PathLike[str]) -> None:
    """Save ``fig`` at its own size as PNG (300 dpi) and PDF atomically, then close it.

    No tight bounding box: the files are as wide as the figure was drawn (85 or 175 mm).
    No creation date is written, so saving the same figure twice gives the same bytes.
    """
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    for target in (png, pdf):
        kind = str(target).rsplit(".", 1)[-1]
        with atomic_path(target) as tmp:
            fig.savefig(tmp, dpi=DPI, format=kind, metadata=SAVE_METADATA.get(kind))
    plt.close(fig)


def bri_label_weights(labels: Iterable[Text], bri: pd.Series) -> None:
    """Write the labels of Belt and Road groups (``bri``: bool by group name) in bold."""
    for label in labels:
        name = label.get_text()
        if name in bri.index and bool(bri[name]):
            label.set_fontweight("bold")


def net_exports_by_group(
    group_accounts: pd.DataFrame,
    source: str,
    year: int,
    synthetic: bool,
    region_share: float | None = None,
    paper_wording: str = "",
) -> Figure:
    """Horizontal bars of net embodied CO2 exports (PBA - CBA, Mt) per group, sorted; one
    column wide.

    ``group_accounts``: indexed by group with ``bri`` and ``net_export_mt``. Bars take the
    groups' colours; Belt and Road groups are named in bold. The title gives the BRI share
    (%) of the world's positive net exports over groups and, when given, over regions
    (``region_share``) and the abstracts' words for it (``paper_wording``).
    """
    data = group_accounts.sort_values("net_export_mt")
    positive = data["net_export_mt"].clip(lower=0)
    share = positive[data["bri"]].sum() / positive.sum() * 100 if positive.sum() > 0 else 0.0
    colours = group_colours(data.index)
    fig = new_figure(SINGLE_COLUMN_MM, 36.0 + 4.5 * len(data), notes=["Bold: Belt and Road group."])
    ax = fig.add_subplot()
    ax.barh(data.index, data["net_export_mt"], color=[colours[g] for g in data.index])
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_xlabel("Net embodied exports (Mt CO2):\nproduction minus consumption")
    ax.grid(axis="y", visible=False)
    bri_label_weights(ax.get_yticklabels(), data["bri"].astype(bool))
    over = f"{share:.1f}% over groups"
    if region_share is not None:
        over += f", {region_share:.1f}% over regions"
    paper = "".join(f"\npaper: {part}" for part in paper_wording.split("; ") if part)
    fig.suptitle(
        f"Net embodied CO2 exports by group\nBRI share of the world's positive net exports:\n"
        f"{over}{paper}",
        x=0.01,
        ha="left",
        fontsize=7,
    )
    stamp(fig, source, year, synthetic)
    return fig


def intensity_gap(
    group_accounts: pd.DataFrame,
    developed_groups: list[str],
    source: str,
    year: int,
    synthetic: bool,
    production_denominator: str = "primary_inputs",
    consumption_denominator: str = "final_demand",
) -> Figure:
    """Dumbbell chart of production- vs consumption-based carbon intensity per group; one
    column wide.

    ``group_accounts``: indexed by group with ``bri``, ``production_mt``, ``consumption_mt``
    and the ``{denominator}_musd`` columns (Mt CO2, million USD). Two summary rows on top
    (black): BRI groups combined and ``developed_groups`` combined. x: kg CO2 per USD (log
    scale); the ratio production/consumption intensity is written at the right of each row.
    Groups take their colours; Belt and Road groups are named in bold.
    """
    from bri_carbon.core.findings import combined_intensity_ratio
    from bri_carbon.core.units import KG_PER_USD_PER_MT_PER_MUSD

    denominators = (f"{production_denominator}_musd", f"{consumption_denominator}_musd")

    def intensities(members: list[str]) -> tuple[float, float]:
        rows = group_accounts.loc[members]
        production = rows["production_mt"].sum() / rows[denominators[0]].sum()
        consumption = rows["consumption_mt"].sum() / rows[denominators[1]].sum()
        return production * KG_PER_USD_PER_MT_PER_MUSD, consumption * KG_PER_USD_PER_MT_PER_MUSD

    bri = group_accounts["bri"].astype(bool)
    bri_groups = [g for g in group_accounts.index if bri[g]]
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
    colours = {**group_colours(ordered), labels[-2]: "black", labels[-1]: "black"}
    fig = new_figure(
        SINGLE_COLUMN_MM,
        48.0 + 4.3 * len(labels),
        notes=["Filled: production-based; open: consumption-based.", "Bold: Belt and Road."],
    )
    ax = fig.add_subplot()
    for y, (label, group_members) in enumerate(zip(labels, members, strict=True)):
        production, consumption = intensities(group_members)
        colour = colours[label]
        ax.plot([consumption, production], [y, y], color=colour, linewidth=1.6, alpha=0.6)
        ax.scatter([production], [y], color=colour, marker="o", s=14, zorder=3, linewidth=0)
        ax.scatter(
            [consumption],
            [y],
            facecolor="white",
            edgecolor=colour,
            marker="o",
            s=14,
            zorder=3,
            linewidth=1.0,
        )
        ratio = combined_intensity_ratio(
            group_accounts, group_members, production_denominator, consumption_denominator
        )
        ax.annotate(
            f"{ratio:.2f}",
            (1.0, y),
            xycoords=("axes fraction", "data"),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=6.5,
        )
    ax.axhline(len(ordered) - 0.5, color="#999999", linewidth=0.6)
    ax.set_yticks(range(len(labels)), labels)
    bri_label_weights(ax.get_yticklabels(), pd.Series(True, index=[*bri_groups, labels[-1]]))
    ax.set_xscale("log")
    ax.set_xlabel(
        "Intensity, kg CO2 per USD (log scale)\n"
        f"filled: of {production_denominator.replace('_', ' ')}\n"
        f"open: of {consumption_denominator.replace('_', ' ')}"
    )
    ax.set_ylim(-0.6, len(labels) - 0.4)
    ax.grid(axis="y", visible=False)
    ax.annotate(
        "ratio",
        (1.0, 1.0),
        xycoords="axes fraction",
        xytext=(3, 1),
        textcoords="offset points",
        fontsize=6.5,
        va="bottom",
    )
    ax.set_title("Production- vs consumption-based\ncarbon intensity by group", loc="left")
    plain_log_ticks(ax.xaxis)
    stamp(fig, source, year, synthetic)
    return fig


#: Column of the driven-by figures for the part of the emissions driven by the row's own
#: group (its domestic final demand included).
OWN_GROUP = "Own group (incl. domestic demand)"


def driven_by_categories(
    driver_groups: Sequence[str], group_order: Sequence[str], bri_groups: Sequence[str]
) -> list[str]:
    """Destination groups of the driven-by figures from the left: the driver groups, the
    other non-BRI groups, the BRI groups (for rows of another group), then :data:`OWN_GROUP`."""
    others = [g for g in group_order if g not in bri_groups and g not in driver_groups]
    bri = [g for g in group_order if g in bri_groups and g not in driver_groups]
    return [*driver_groups, *others, *bri, OWN_GROUP]


def driven_by_table(
    shares: pd.DataFrame, own_group: pd.Series, categories: Sequence[str]
) -> pd.DataFrame:
    """Shares (%) by row and destination group, with the row's own group moved to
    :data:`OWN_GROUP`.

    ``shares``: rows (regions or groups) x destination groups, percent; ``own_group``: the
    group of each row; ``categories``: the columns of :func:`driven_by_categories`.
    """
    table = pd.DataFrame(0.0, index=shares.index, columns=list(categories))
    for row in shares.index:
        for group, value in shares.loc[row].items():
            column = OWN_GROUP if group == own_group[row] else group
            table.loc[row, column] += value
    return table


def _stacked_shares(ax: Axes, table: pd.DataFrame, colours: dict[str, str], height: float) -> None:
    """Stacked horizontal bars of ``table`` (rows from the top, columns from the left)."""
    left = np.zeros(len(table))
    positions = np.arange(len(table))[::-1]
    for category in table.columns:
        values = table[category].to_numpy()
        ax.barh(
            positions,
            values,
            left=left,
            color=colours[category],
            height=height,
            label=category,
            linewidth=0,
        )
        left = left + values
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.6, len(table) - 0.4)
    ax.grid(axis="y", visible=False)


def legend_axes(fig: Figure, ax: Axes, ncol: int, height_ratio: float) -> Axes:
    """A legend of ``ax``'s labelled artists in its own frameless axes under ``ax``, so that
    the constrained layout keeps it inside the figure and clear of the stamp.

    ``ax`` must be the figure's only axes; ``height_ratio``: height of the legend's row
    relative to ``ax``'s.
    """
    grid = fig.add_gridspec(2, 1, height_ratios=[1.0, height_ratio])
    ax.set_subplotspec(grid[0])
    holder = fig.add_subplot(grid[1])
    holder.set_axis_off()
    holder.legend(
        *ax.get_legend_handles_labels(),
        loc="upper center",
        ncol=ncol,
        handlelength=1.2,
        columnspacing=1.2,
        borderaxespad=0.0,
    )
    return holder


def _driven_colours(categories: Sequence[str]) -> dict[str, str]:
    colours = group_colours([c for c in categories if c != OWN_GROUP])
    colours[OWN_GROUP] = "#dddddd"
    return colours


def driven_by_shares(
    group_shares: pd.DataFrame,
    driver_groups: list[str],
    group_order: list[str],
    bri_groups: list[str],
    source: str,
    year: int,
    synthetic: bool,
    paper_value: float | None = None,
    paper_wording: str = "",
) -> Figure:
    """Stacked bars, one per BRI group: its industry CO2 emissions split by the group whose
    final demand drives them (%); two columns wide.

    ``group_shares``: long frame ``group``, ``destination_group``, ``share_pct`` of
    :func:`bri_carbon.core.findings.driven_by_groups`. Segments from the left: the
    ``driver_groups``, the other non-BRI groups, the other BRI groups, the row's own group
    (its domestic final demand included), each in its group's colour. The share driven by
    the driver groups is written at the right; ``paper_value`` (the number the abstract
    gives for each group, in the words ``paper_wording``) is a dashed line.
    """
    shares = group_shares.pivot_table(
        index="group", columns="destination_group", values="share_pct", sort=False
    ).fillna(0.0)
    rows = [g for g in bri_groups if g in shares.index]
    categories = driven_by_categories(driver_groups, group_order, bri_groups)
    table = driven_by_table(shares.loc[rows], pd.Series(rows, index=rows), categories)
    colours = _driven_colours(categories)
    fig = new_figure(DOUBLE_COLUMN_MM, 50.0 + 7.0 * len(rows))
    ax = fig.add_subplot()
    _stacked_shares(ax, table, colours, height=0.7)
    positions = np.arange(len(table))[::-1]
    ax.set_yticks(positions, list(table.index))
    driver_share = table[list(driver_groups)].sum(axis=1)
    for y, row in zip(positions, table.index, strict=True):
        ax.annotate(
            f"{driver_share[row]:.1f}%",
            (1.0, y),
            xycoords=("axes fraction", "data"),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=6.5,
        )
    ax.annotate(
        "driven by\ndriver groups",
        (1.0, 1.0),
        xycoords="axes fraction",
        xytext=(3, 2),
        textcoords="offset points",
        va="bottom",
        fontsize=6,
    )
    drivers = " + ".join(driver_groups)
    title = "Industry CO2 of each Belt and Road group by the group whose final demand drives it"
    if paper_value is not None:
        ax.axvline(paper_value, color="black", linestyle="--", linewidth=0.8)
        words = paper_wording or f"{paper_value:g}%"
        title += f"\ndashed: the abstract's number, {words}; right: the share driven by {drivers}"
    fig.suptitle(title, x=0.01, ha="left", fontsize=7.5)
    ax.set_xlabel("Share of the group's industry CO2 emissions (%), by destination group")
    legend_axes(fig, ax, ncol=4, height_ratio=0.22)
    stamp(fig, source, year, synthetic)
    return fig


def driven_by_regions(
    driven: pd.DataFrame,
    driver_groups: list[str],
    group_order: list[str],
    bri_groups: list[str],
    source: str,
    year: int,
    synthetic: bool,
    paper_median: float | None = None,
    paper_wording: str = "",
) -> Figure:
    """Supplementary figure, a full A4 page: stacked bars of each BRI region's industry
    emissions split by the group whose final demand drives them (%).

    ``driven``: the long frame of :func:`bri_carbon.core.findings.driven_by`. Segments as in
    :func:`driven_by_shares`; regions sorted by group (named at the right), then by the
    share driven by ``driver_groups``. The median of that share over the regions is a
    dotted line, ``paper_median`` (the paper's value, %, in the words ``paper_wording``) a
    dashed one.
    """
    shares = driven.pivot_table(
        index="region", columns="destination_group", values="share_pct", sort=False
    ).fillna(0.0)
    first = driven.drop_duplicates("region").set_index("region")
    region_group, region_name = first["group"], first["name"]
    categories = driven_by_categories(driver_groups, group_order, bri_groups)
    table = driven_by_table(shares, region_group, categories)
    driver_share = table[list(driver_groups)].sum(axis=1)
    group_rank = {g: i for i, g in enumerate(group_order)}
    order = sorted(table.index, key=lambda r: (group_rank[region_group[r]], -driver_share[r]))
    table = table.loc[order]
    colours = _driven_colours(categories)
    fig = new_figure(DOUBLE_COLUMN_MM, FULL_PAGE_MM)
    ax = fig.add_subplot()
    _stacked_shares(ax, table, colours, height=0.8)
    positions = np.arange(len(table))[::-1]
    ax.set_yticks(positions, [str(region_name[r]) for r in table.index], fontsize=6)
    ax.tick_params(axis="y", length=0, pad=2)
    groups_in_plot = [region_group[r] for r in table.index]
    for i in range(1, len(table)):
        if groups_in_plot[i] != groups_in_plot[i - 1]:
            ax.axhline(positions[i] + 0.5, color="black", linewidth=0.6)
    for group in dict.fromkeys(groups_in_plot):
        rows = [positions[i] for i, g in enumerate(groups_in_plot) if g == group]
        ax.annotate(
            group.replace(" and ", " and\n") if len(group) > 18 else group,
            (1.0, (rows[0] + rows[-1]) / 2),
            xycoords=("axes fraction", "data"),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=6.5,
            fontweight="bold",
        )
    median = float(driver_share.median())
    drivers = " + ".join(driver_groups)
    ax.axvline(median, color="black", linestyle=":", linewidth=0.9)
    lines = f"dotted: median over the regions, {median:.1f}%"
    if paper_median is not None:
        ax.axvline(paper_median, color="black", linestyle="--", linewidth=0.9)
        lines += f"; dashed: the paper's value, {paper_wording or f'{paper_median:g}%'}"
    fig.suptitle(
        "Industry CO2 of each Belt and Road region by the group whose final demand drives it\n"
        f"Share driven by {drivers}: {lines}",
        x=0.01,
        ha="left",
        fontsize=7.5,
    )
    ax.set_xlabel("Share of the region's industry CO2 emissions (%), by destination group")
    legend_axes(fig, ax, ncol=4, height_ratio=0.04)
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
    groups' final demand (Mt CO2, horizontal bars in the group's colour, one panel per BRI
    group, labelled (a), (b), ...); two columns wide.

    ``hotspots``: the table of :func:`bri_carbon.core.findings.sector_hotspots`.
    """
    to_drivers = hotspots[hotspots["destination_group"].isin(driver_groups)]
    by_sector = to_drivers.groupby(["origin_group", "sector"], sort=False)["co2_mt"].sum()
    panels = [g for g in bri_groups if g in by_sector.index.get_level_values(0)]
    columns = 2
    rows = max(1, -(-len(panels) // columns))
    colours = group_colours(panels)
    fig = new_figure(DOUBLE_COLUMN_MM, 14.0 + 31.0 * rows)
    axes = fig.subplots(rows, columns, squeeze=False)
    for ax, group in zip(axes.ravel(), panels, strict=False):
        values = by_sector.loc[group].sort_values(ascending=False).head(top)[::-1]
        ax.barh(range(len(values)), values.to_numpy(), color=colours[group], height=0.65)
        ax.set_yticks(range(len(values)), [_short(s) for s in values.index])
        ax.set_title(group, loc="left")
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("Mt CO2")
    for ax in axes.ravel()[len(panels) :]:
        ax.set_visible(False)
    panel_labels(axes.ravel()[: len(panels)])
    fig.suptitle(
        f"Sectors of the Belt and Road groups carrying embodied CO2 to "
        f"{' + '.join(driver_groups)} (top {top} per group)",
        x=0.01,
        ha="left",
        fontsize=7.5,
    )
    stamp(fig, source, year, synthetic)
    return fig


def _short(sector: str, width: int = 34) -> str:
    """A sector name cut to ``width`` characters for axis labels."""
    return sector if len(sector) <= width else sector[: width - 1] + "…"
