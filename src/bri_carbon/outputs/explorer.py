"""The flow explorer: every region, year and flow of one source in one offline HTML page.

``results/{source}/explorer.html`` (rule ``explorer``) holds a world map coloured by a chosen
measure, a year control, a view of regions or of the groups of the grouping file, the
accounts and the largest embodied flows in and out of a selected region or group (drawn on
the map and listed with Mt CO2 and share), the BRI blocks of the flow matrix and every
reading of the headline findings with the paper's values, for every configured year.

The page loads nothing: the map (:mod:`bri_carbon.outputs.explorer_map`), the data (JSON in a
``<script type="application/json">`` element), the styles and the script
(``explorer.css``, ``explorer.js`` beside this module, vanilla JavaScript) are inline, and a
Content-Security-Policy forbids every request. Numbers go into the page as the tables show
them (:func:`bri_carbon.outputs.typeset.format_cell`: Mt CO2 to 0.1, billion USD to 0.1,
percent to 0.1, ratios to 0.01, intensities to three significant digits); the page colours
the map and sorts from those strings and writes them, as shown, into its CSV downloads.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import matplotlib
import numpy as np
import pandas as pd
from matplotlib.ticker import LogLocator, MaxNLocator

from bri_carbon.core.intensities import intensity_ratio
from bri_carbon.outputs import captions, maps, typeset
from bri_carbon.outputs.explorer_map import MapShapes, group_anchors, region_members
from bri_carbon.outputs.report import provenance_summary
from bri_carbon.outputs.tables import ACCOUNT_COLUMNS, headline_display, headline_table
from bri_carbon.outputs.typeset import Column
from bri_carbon.results.store import read_accounts, read_flows, read_headline
from bri_carbon.runtime.errors import WorkflowInputError

#: The explorer's files beside this module: page template, styles and script.
TEMPLATE = "explorer.html.jinja"
STYLES = "explorer.css"
SCRIPT = "explorer.js"
#: How many partners the explorer lists (and draws) for each region, flows out and flows in;
#: the rest is one line "other regions".
TOP_PARTNERS = 10
#: The intensity ratio's column (computed from the two intensity columns).
RATIO = "production_to_consumption_intensity_ratio"
#: Stops of each colour scale (evenly spaced on its scale, interpolated in the page).
SCALE_STOPS = 11
#: Percentiles that set the limits of the sequential scales (as the report's maps).
LOW_PERCENTILE, HIGH_PERCENTILE = 2.0, 98.0


@dataclass(frozen=True)
class Measure:
    """A measure the map can show: an account column (or :data:`RATIO`), its label, unit and
    the colour scale it shares with other measures (``family``)."""

    key: str
    label: str
    unit: str
    family: str


MEASURES = (
    Measure("production_mt", "Production-based CO2", "Mt CO2", "emissions"),
    Measure("consumption_mt", "Consumption-based CO2", "Mt CO2", "emissions"),
    Measure("net_export_mt", "Net embodied exports", "Mt CO2", "net"),
    Measure(
        "production_intensity_kg_per_usd",
        "Production-based intensity",
        "kg CO2 per USD",
        "intensity",
    ),
    Measure(
        "consumption_intensity_kg_per_usd",
        "Consumption-based intensity",
        "kg CO2 per USD",
        "intensity",
    ),
    Measure(RATIO, "Production / consumption intensity", "", "ratio"),
)
#: Colour map and kind of each scale family: the report's YlOrRd for emissions and
#: intensities (logarithmic), its diverging RdBu_r centred on 1 for the ratio (logarithmic)
#: and on 0 for net exports (linear, red: net exporter).
FAMILIES = {
    "emissions": (maps.INTENSITY_CMAP, "log", maps.NO_DATA),
    "net": (maps.RATIO_CMAP, "linear", maps.NO_DATA),
    "intensity": (maps.INTENSITY_CMAP, "log", maps.NO_DATA),
    "ratio": (maps.RATIO_CMAP, "log", maps.RATIO_NO_DATA),
}


@dataclass(frozen=True)
class YearFiles:
    """The results of one year the explorer reads (see docs/outputs.md)."""

    accounts: Path
    flows: Path
    group_accounts: Path
    group_flows: Path
    bri_blocks: Path
    headline: Path
    provenance: Path


@dataclass(frozen=True)
class YearTables:
    """One year's results: ``accounts`` indexed by region, ``flows`` origin x destination
    (Mt CO2), ``group_accounts`` indexed by group, ``group_flows`` group x group (Mt CO2),
    ``bri_blocks`` (``block``, ``co2_mt``, ``share_of_world_pct``), ``headline`` (as
    groups/headline.csv) and the ``provenance`` record."""

    accounts: pd.DataFrame
    flows: pd.DataFrame
    group_accounts: pd.DataFrame
    group_flows: pd.DataFrame
    bri_blocks: pd.DataFrame
    headline: pd.DataFrame
    provenance: Mapping[str, Any]


def read_year(files: YearFiles) -> YearTables:
    """Read one year's results; a file that cannot be read stops the rule with a message
    naming it and the rule that writes it."""
    try:
        blocks = pd.read_csv(files.bri_blocks, keep_default_na=False, na_values={"co2_mt": [""]})
    except (OSError, ValueError, pd.errors.ParserError) as err:
        raise WorkflowInputError(
            f"cannot read the BRI blocks {files.bri_blocks}: {err}; rerun the findings rule."
        ) from err
    try:
        provenance = json.loads(files.provenance.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise WorkflowInputError(
            f"cannot read {files.provenance}: {err}; rerun the provenance rule."
        ) from err
    return YearTables(
        accounts=read_accounts(files.accounts, "region"),
        flows=read_flows(files.flows),
        group_accounts=read_accounts(files.group_accounts, "group"),
        group_flows=read_flows(files.group_flows),
        bri_blocks=blocks,
        headline=read_headline(files.headline),
        provenance=provenance,
    )


# --- Numbers as the tables show them --------------------------------------------------------


def with_ratio(accounts: pd.DataFrame) -> pd.DataFrame:
    """``accounts`` with the column :data:`RATIO`: production- over consumption-based
    intensity (dimensionless; empty where either is missing)."""
    ratio = intensity_ratio(
        accounts["production_intensity_kg_per_usd"], accounts["consumption_intensity_kg_per_usd"]
    )
    return accounts.assign(**{RATIO: ratio})


def shown_columns(accounts: pd.DataFrame) -> list[Column]:
    """The account columns the explorer shows, in the tables' order (those of
    :data:`bri_carbon.outputs.tables.ACCOUNT_COLUMNS` the frame has)."""
    return [column for key, column in ACCOUNT_COLUMNS.items() if key in accounts.columns]


def header(column: Column) -> str:
    """A column's header with its unit, CO2 with a subscript two (U+2082)."""
    return typeset.full_header(column).replace("CO2", "CO\u2082")


def shown_cells(accounts: pd.DataFrame, order: Sequence[str]) -> dict[str, list[str]]:
    """Each shown account column of ``accounts`` (indexed by code) as formatted text, in the
    order of the codes ``order``; codes the frame lacks get empty cells."""
    table = accounts.reindex(list(order))
    return {
        column.key: [typeset.format_cell(value, column) for value in table[column.key]]
        for column in shown_columns(accounts)
    }


def mt(value: float) -> str:
    """Mt CO2 as the tables show it."""
    return typeset.format_number(value, "Mt CO2")


def percent(part: float, whole: float) -> str:
    """``part`` as a percentage of ``whole``, as the tables show it; empty if ``whole`` is
    not positive."""
    return typeset.format_number(part / whole * 100.0, "%") if whole > 0 else ""


def flow_lists(matrix: pd.DataFrame, order: Sequence[str], top: int) -> dict[str, dict]:
    """The flows out of and into each code of ``order`` as the explorer lists them.

    ``matrix``: origin x destination (Mt CO2); codes the matrix lacks count as zero. For
    direction ``out`` (the row: emitted in the code, driven by final demand elsewhere) and
    ``in`` (the column: emitted elsewhere, driven by the code's final demand), per code:
    ``total`` (the row or column sum) with its ``total_share`` (100.0, or empty for a zero
    total), ``domestic`` (the diagonal) and its share of the
    total, ``partners`` (positions in ``order`` of the ``top`` largest other flows, largest
    first, those shown as 0.0 left out), their ``mt`` and ``share`` of the total, and the
    rest as ``other`` (with its ``other_share`` and the number of partners ``others``).
    Every number is formatted (Mt to 0.1, shares in percent to 0.1).
    """
    codes = list(order)
    values = matrix.reindex(index=codes, columns=codes).fillna(0.0).to_numpy(dtype=float)
    result = {}
    for direction, table in (("out", values), ("in", values.T)):
        lists: dict[str, list] = {
            key: []
            for key in (
                "total",
                "total_share",
                "domestic",
                "domestic_share",
                "partners",
                "mt",
                "share",
                "other",
                "other_share",
                "others",
            )
        }
        for position, row in enumerate(table):
            total, domestic = float(row.sum()), float(row[position])
            others = np.delete(np.arange(len(codes)), position)
            ranked = others[np.argsort(-row[others], kind="stable")]
            candidates = [(int(p), mt(row[p])) for p in ranked[:top]]
            shown = [(p, text) for p, text in candidates if text not in ("0.0", "")]
            rest = np.ones(len(codes), dtype=bool)
            rest[[position, *(p for p, _ in shown)]] = False
            rest_value = float(row[rest].sum())
            lists["total"].append(mt(total))
            lists["total_share"].append(percent(total, total))
            lists["domestic"].append(mt(domestic))
            lists["domestic_share"].append(percent(domestic, total))
            lists["partners"].append([p for p, _ in shown])
            lists["mt"].append([text for _, text in shown])
            lists["share"].append([percent(row[p], total) for p, _ in shown])
            lists["other"].append(mt(rest_value))
            lists["other_share"].append(percent(rest_value, total))
            lists["others"].append(int(np.count_nonzero(row[rest] > 0)))
        result[direction] = lists
    return result


def blocks_html(blocks: pd.DataFrame) -> str:
    """The BRI blocks of the flow matrix (groups/bri_blocks.csv) as an HTML table."""
    columns = [
        Column("block", "Block"),
        Column("co2_mt", "Embodied CO2", "number", "Mt CO2"),
        Column("share_of_world_pct", "Share of the world", "number", "%"),
    ]
    return typeset.to_html(typeset.display(columns, [("", blocks)]))


def headline_html(headline: pd.DataFrame) -> str:
    """Every reading of groups/headline.csv as the report's headline table shows them, one
    block per paper statement, each value next to the paper's."""
    return typeset.to_html(headline_display(headline_table(headline)))


# --- Colour scales ----------------------------------------------------------------------------


def _label(value: float) -> str:
    """A tick label: three significant digits (as the report's ratio scale), thousands with
    separators, U+2212 as the minus."""
    text = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
    return text.replace("-", typeset.MINUS)


def _stops(cmap_name: str) -> list[str]:
    cmap = matplotlib.colormaps[cmap_name]
    return [matplotlib.colors.to_hex(cmap(i / (SCALE_STOPS - 1))) for i in range(SCALE_STOPS)]


def scale_limits(family: str, values: np.ndarray) -> tuple[float, float]:
    """(low, high) of a scale family over ``values`` (every year and measure of the family).

    Logarithmic scales: the 2nd and 98th percentiles of the positive values (the ratio:
    :func:`bri_carbon.outputs.maps.ratio_limits`, symmetric around 1); net exports: -h to h
    with h the 98th percentile of the absolute values. Degenerate data give a range around
    the value (or around 1).
    """
    finite = values[np.isfinite(values)]
    if family == "ratio":
        return maps.ratio_limits(pd.Series(finite))
    if family == "net":
        reach = float(np.percentile(np.abs(finite), HIGH_PERCENTILE)) if finite.size else 0.0
        reach = reach if reach > 0 else 1.0
        return -reach, reach
    positive = finite[finite > 0]
    if not positive.size:
        return 0.1, 1.0
    low, high = (float(v) for v in np.percentile(positive, [LOW_PERCENTILE, HIGH_PERCENTILE]))
    if not high > low:
        low, high = low / 2.0, low * 2.0
    return low, high


def scale_ticks(family: str, low: float, high: float) -> list[float]:
    """Tick values of a scale: 1, 2, 5 times powers of ten on logarithmic scales (the ratio:
    :func:`bri_carbon.outputs.maps.ratio_ticks`), round steps on the linear one."""
    if family == "ratio":
        ticks = maps.ratio_ticks(low, high)
    elif FAMILIES[family][1] == "log":
        ticks = list(LogLocator(base=10, subs=(1.0, 2.0, 5.0)).tick_values(low, high))
        if len([t for t in ticks if low <= t <= high]) > 6:
            ticks = list(LogLocator(base=10, subs=(1.0,)).tick_values(low, high))
    else:
        ticks = list(MaxNLocator(nbins=4, symmetric=True).tick_values(low, high))
    inside = [float(t) for t in ticks if low * (1 - 1e-9) <= t <= high * (1 + 1e-9) or t == 0]
    return [t for t in inside if low <= t <= high] or [low, high]


def scale_position(family: str, value: float, low: float, high: float) -> float:
    """Where ``value`` sits on the scale from ``low`` (0) to ``high`` (1)."""
    if FAMILIES[family][1] == "log":
        return (math.log(value) - math.log(low)) / (math.log(high) - math.log(low))
    return (value - low) / (high - low)


def colour_scale(family: str, values: np.ndarray) -> dict[str, Any]:
    """A colour scale of the page: ``kind`` (log or linear), ``low``, ``high``, ``stops``
    (hex colours evenly spaced on the scale), ``no_data`` (colour of regions without a
    value) and ``ticks`` ([position 0..1, label])."""
    cmap, kind, no_data = FAMILIES[family]
    low, high = scale_limits(family, values)
    ticks = [
        [round(scale_position(family, t, low, high), 4), _label(t)]
        for t in scale_ticks(family, low, high)
    ]
    return {
        "kind": kind,
        "low": low,
        "high": high,
        "stops": _stops(cmap),
        "no_data": no_data,
        "ticks": ticks,
    }


def colour_scales(frames: Sequence[pd.DataFrame]) -> dict[str, dict[str, Any]]:
    """One colour scale per family over the account frames of every year (with
    :data:`RATIO`), each family pooling its measures."""
    scales = {}
    for family in FAMILIES:
        keys = [m.key for m in MEASURES if m.family == family]
        pooled = [frame[key].to_numpy(dtype=float) for frame in frames for key in keys]
        scales[family] = colour_scale(family, np.concatenate(pooled) if pooled else np.array([]))
    return scales


# --- The page ---------------------------------------------------------------------------------


def _labels(frames: Sequence[pd.DataFrame], columns: Sequence[str]) -> pd.DataFrame:
    """The ``columns`` of every row label of ``frames``, from the first frame that has the
    label (labels in order of first appearance)."""
    stacked = pd.concat([frame[list(columns)] for frame in frames])
    return stacked[~stacked.index.duplicated()]


def dataset_label(records: Sequence[Mapping[str, Any]]) -> str:
    """The dataset version(s) of the provenance records, each once, in year order."""
    versions = [provenance_summary(record).dataset for record in records]
    return "; ".join(dict.fromkeys(versions))


def explorer_data(
    years: Mapping[int, YearTables],
    shapes: MapShapes,
    source: str,
    synthetic: bool,
    run_name: str = "",
    top: int = TOP_PARTNERS,
) -> dict[str, Any]:
    """Everything the page shows, as the JSON it embeds (see explorer.js for the reader).

    ``meta``: source, synthetic flag, run name, dataset version(s), git commit, years;
    ``regions`` (codes sorted, names, groups, BRI flags, anchors on the map or null) and
    ``groups`` (names in the grouping's order, BRI flags, number of regions, anchors);
    ``columns`` (key and header of each shown account column); ``measures``; ``scales``
    per view (``regions``, ``groups``) and scale family; ``years``: per year the formatted
    ``regions`` and ``groups`` cells by column, their ``flows`` (:func:`flow_lists`), the
    ``blocks`` and ``headline`` tables as HTML.
    """
    if not years:
        raise WorkflowInputError("the explorer needs at least one year of results")
    ordered = [years[year] for year in sorted(years)]
    region_frames = [with_ratio(tables.accounts) for tables in ordered]
    group_frames = [with_ratio(tables.group_accounts) for tables in ordered]
    regions = _labels(region_frames, ["name", "group", "bri"]).sort_index()
    groups = _labels(group_frames, ["bri"])
    codes, group_names = [str(c) for c in regions.index], [str(g) for g in groups.index]
    members = region_members(regions)
    anchors_of_groups = group_anchors(shapes, members)
    records = [tables.provenance for tables in ordered]
    commit = str((records[-1].get("git") or {}).get("commit", "unknown"))
    per_year = {}
    for year, tables, region_frame, group_frame in zip(
        sorted(years), ordered, region_frames, group_frames, strict=True
    ):
        per_year[str(year)] = {
            "regions": shown_cells(region_frame, codes),
            "groups": shown_cells(group_frame, group_names),
            "flows": {
                "regions": flow_lists(tables.flows, codes, top),
                "groups": flow_lists(tables.group_flows, group_names, len(group_names)),
            },
            "blocks": blocks_html(tables.bri_blocks),
            "headline": headline_html(tables.headline),
        }
    columns = shown_columns(region_frames[0])
    return {
        "meta": {
            "source": source,
            "synthetic": synthetic,
            "run_name": run_name,
            "dataset": dataset_label(records),
            "commit": commit,
            "years": [str(year) for year in sorted(years)],
            "top": top,
        },
        "regions": {
            "codes": codes,
            "names": [str(name) for name in regions["name"]],
            "groups": [str(group) for group in regions["group"]],
            "bri": [bool(flag) for flag in regions["bri"]],
            "anchors": [list(shapes.anchors[c]) if c in shapes.anchors else None for c in codes],
        },
        "groups": {
            "names": group_names,
            "bri": [bool(flag) for flag in groups["bri"]],
            "regions": [len(members.get(name, [])) for name in group_names],
            "anchors": [
                list(anchors_of_groups[g]) if g in anchors_of_groups else None for g in group_names
            ],
        },
        "columns": [{"key": c.key, "header": header(c)} for c in columns],
        "measures": [
            {
                "key": m.key,
                "label": m.label.replace("CO2", "CO\u2082"),
                "unit": m.unit.replace("CO2", "CO\u2082"),
                "family": m.family,
            }
            for m in MEASURES
        ],
        "scales": {"regions": colour_scales(region_frames), "groups": colour_scales(group_frames)},
        "years": per_year,
    }


def not_on_map(data: Mapping[str, Any]) -> list[str]:
    """Names (with codes) of the regions without a polygon on the map."""
    regions = data["regions"]
    return [
        f"{name} ({code})"
        for code, name, anchor in zip(
            regions["codes"], regions["names"], regions["anchors"], strict=True
        )
        if anchor is None
    ]


def json_for_html(data: Mapping[str, Any]) -> markupsafe.Markup:
    """``data`` as JSON safe inside a ``<script>`` element (``<``, ``>`` and ``&`` as
    escapes), without spaces."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    escaped = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return markupsafe.Markup(escaped)


def _asset(name: str) -> markupsafe.Markup:
    text = (Path(__file__).parent / name).read_text(encoding="utf-8")
    if "</" in text:
        raise ValueError(f"{name} must not contain '</' (it is inlined into the page)")
    return markupsafe.Markup(text)


def render(data: Mapping[str, Any], shapes: MapShapes) -> str:
    """The explorer as one HTML document (template :data:`TEMPLATE` with :data:`STYLES`,
    :data:`SCRIPT`, the map and ``data`` inline)."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    meta = data["meta"]
    codes = set(data["regions"]["codes"])
    return environment.get_template(TEMPLATE).render(
        meta=meta,
        title_years=_year_span(meta["years"]),
        data_note=captions.data_note(meta["source"], meta["synthetic"]),
        shapes=shapes,
        in_data=codes,
        not_on_map=not_on_map(data),
        data_json=json_for_html(data),
        styles=_asset(STYLES),
        script=_asset(SCRIPT),
    )


def _year_span(years: Sequence[str]) -> str:
    """The years for the title: ``2015``, ``1990-2016`` (three or more consecutive years,
    with an en dash) or ``2010, 2015``."""
    numbers = [int(year) for year in years]
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]}\u2013{numbers[-1]}"
    return ", ".join(years)
