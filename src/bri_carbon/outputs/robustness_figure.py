"""The robustness figure: each finding's readings under every variant, with the paper's value.

One panel per finding, (a), (b), (c), one row per reading (:data:`FIGURE_READINGS`, those
the table holds), one marker per variant (:data:`VARIANT_STYLE`) on the value axis.
Where the abstracts give a number for a reading, a dashed vertical line marks it and an open
black diamond sits on the rows it belongs to; the panel's title gives the abstracts' words for
it. Panel (a) shows ratios with a grey line at 1 (the world's value by construction), panels
(b) and (c) percentages on an axis from 0 to 100.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from bri_carbon.outputs import figures
from bri_carbon.outputs.tables import reading_name

#: Stands for the subject "BRI without X, world without X" of whatever regions X config key
#: findings.without_regions leaves out.
WITHOUT = "BRI without X, world without X"
#: The readings drawn, per finding panel: (statistic, level, subject).
FIGURE_READINGS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "a": (
        ("intensity_ratio", "block", "BRI"),
        ("intensity_ratio", "block", "developed"),
        ("intensity_ratio_gap", "block", "BRI over developed"),
        ("emission_ratio", "block", "BRI"),
        ("emission_ratio", "block", "developed"),
        ("emission_ratio_gap", "block", "BRI over developed"),
    ),
    "b": (
        ("positive_net_export_share", "region", "BRI"),
        ("positive_net_export_share", "group", "BRI"),
        ("positive_net_export_share", "region_pair", "BRI"),
        ("positive_net_export_share", "group_pair", "BRI"),
        ("positive_net_export_share_bri_developed", "region", "BRI"),
        ("net_flow_to_developed_share", "block", "BRI"),
        ("gross_export_share", "region", "BRI"),
        ("positive_net_export_share", "region", WITHOUT),
    ),
    "c": (
        ("driven_share", "region", "median"),
        ("driven_share", "block", "BRI"),
        ("driven_share_all_developed", "block", "BRI"),
        ("driven_share_us_eu28", "region", "median"),
        ("driven_share_us_eu28", "block", "BRI"),
        ("driven_share_pba", "block", "BRI"),
        ("consumption_share_from_developed", "block", "BRI"),
        ("developed_share_of_world_cba", "block", "developed"),
    ),
}
#: Marker, colour (Okabe-Ito; the baseline black and filled) and legend label of each
#: variant (:data:`bri_carbon.core.robustness.VARIANTS` says what each changes).
VARIANT_STYLE = {
    "baseline": ("o", "#000000", "as configured"),
    "no_inventories": ("s", "#E69F00", "without inventories and valuables"),
    "drivers_developed": ("^", "#0072B2", "drivers (c): all developed groups"),
    "drivers_us_eu28": ("v", "#009E73", "drivers (c): United States + EU28"),
}
PANEL_TITLES = {
    "a": "Production over consumption, ratio",
    "b": "Belt and Road share of embodied exports, %",
    "c": "Shares of emissions driven or consumed, %",
}


def _matches(subject: str, pattern: str) -> bool:
    """``subject`` is ``pattern``, or :data:`WITHOUT` stands for it (any "BRI without X,
    world without X")."""
    if pattern != WITHOUT:
        return subject == pattern
    return subject.startswith("BRI without ") and ", world without " in subject


def _readings_of(table: pd.DataFrame, finding: str) -> list[tuple[str, str, str]]:
    """The :data:`FIGURE_READINGS` of ``finding`` that ``table`` holds, in that order."""
    keys = list(dict.fromkeys(map(tuple, table[["statistic", "level", "subject"]].to_numpy())))
    return [
        key
        for statistic, level, pattern in FIGURE_READINGS[finding]
        for key in keys
        if key[:2] == (statistic, level) and _matches(key[2], pattern)
    ]


def _panel(
    ax: Axes, table: pd.DataFrame, headline: pd.DataFrame, keys: list[tuple[str, str, str]]
) -> str:
    """Draw one finding's rows; returns the abstracts' words for its paper values."""
    positions = np.arange(len(keys))[::-1]
    values = table.set_index(["statistic", "level", "subject", "variant"])["value"]
    for variant, (marker, colour, label) in VARIANT_STYLE.items():
        xs = [values.get((*key, variant), np.nan) for key in keys]
        ax.scatter(
            xs,
            positions,
            marker=marker,
            s=14 if variant == "baseline" else 11,
            facecolors=colour if variant == "baseline" else "none",
            edgecolors=colour,
            linewidths=0.8,
            zorder=3,
            label=label,
        )
    paper = headline.set_index(["statistic", "level", "subject"])
    wordings: list[str] = []
    for position, key in zip(positions, keys, strict=True):
        if key not in paper.index or pd.isna(paper.loc[key, "paper_value"]):
            continue
        value = float(paper.loc[key, "paper_value"])
        ax.scatter(
            [value], [position], marker="D", s=22, facecolors="none", edgecolors="black",
            linewidths=0.7, zorder=2, label="the abstract's number",
        )  # fmt: skip
        ax.axvline(value, color="black", linestyle="--", linewidth=0.7, zorder=1)
        wordings += [w for w in str(paper.loc[key, "paper_wording"]).split("; ") if w]
    labels = [
        "\n".join(textwrap.wrap(f"{reading_name(s, lv)}: {subject}", 46)) for s, lv, subject in keys
    ]
    ax.set_yticks(positions, labels)
    ax.tick_params(axis="y", labelsize=6)
    ax.grid(axis="y", visible=False)
    return "; ".join(dict.fromkeys(wordings))


def robustness_figure(
    table: pd.DataFrame, headline: pd.DataFrame, source: str, year: int, synthetic: bool
) -> Figure:
    """The readings of ``table`` (groups/robustness.csv) across its variants, one panel per
    finding, with the paper's values of ``headline`` (groups/headline.csv); two columns
    wide, the legend under the panels."""
    panels = {finding: _readings_of(table, finding) for finding in FIGURE_READINGS}
    panels = {finding: keys for finding, keys in panels.items() if keys}
    rows = sum(len(keys) for keys in panels.values())
    fig = figures.new_figure(figures.DOUBLE_COLUMN_MM, 40.0 + 5.5 * rows + 12.0 * len(panels))
    grid = fig.add_gridspec(
        len(panels) + 1, 1, height_ratios=[*(len(k) + 1.5 for k in panels.values()), 1.6]
    )
    axes = []
    for row, (finding, keys) in enumerate(panels.items()):
        ax = fig.add_subplot(grid[row])
        words = _panel(ax, table, headline, keys)
        title = f"({finding}) {PANEL_TITLES[finding]}" + (f"; paper: {words}" if words else "")
        ax.set_title("\n".join(textwrap.wrap(title, 72)), loc="left")
        if finding == "a":
            ax.axvline(1.0, color="#999999", linewidth=0.7, zorder=1)
        else:
            ax.set_xlim(-2, 102)
        axes.append(ax)
    holder = fig.add_subplot(grid[len(panels)])
    holder.set_axis_off()
    handles, labels = [], []
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    holder.legend(handles, labels, loc="upper center", ncol=2, handlelength=1.2)
    fig.suptitle("How the readings of the findings move under other choices", x=0.01, ha="left")
    figures.stamp(fig, source, year, synthetic)
    return fig
