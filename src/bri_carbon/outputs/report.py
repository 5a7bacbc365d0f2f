"""The HTML report: one self-contained file with the findings, figures and tables of a run.

``results/{source}/report.html`` (rule ``report``) opens with the headline findings of every
year next to the paper's values, then shows per year every figure (the PNG embedded as a
``data:`` URI) and every table (as an HTML table with human headers and units, from the
table's CSV through :mod:`bri_carbon.outputs.typeset`), each with its title and caption
visible (:mod:`bri_carbon.outputs.captions`); for several years the trends and the drivers of
change, the source comparison when configured, and the provenance of each year. It loads
nothing from the network and needs no JavaScript.
"""

from __future__ import annotations

import base64
import json
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import pandas as pd
import yaml

from bri_carbon.core import plausibility
from bri_carbon.core.plausibility import negative_co2_note
from bri_carbon.outputs import captions, typeset
from bri_carbon.outputs.tables import (
    DISPLAYS,
    TABLE_TITLES,
    comparison_display,
    comparison_headline_display,
    headline_display,
    headline_table,
    read_comparison,
    read_comparison_headline,
    read_table,
    reading_name,
)
from bri_carbon.outputs.typeset import Column
from bri_carbon.results.store import read_headline
from bri_carbon.runtime.errors import WorkflowInputError

#: The readings of the headline section, in this order: (statistic, level, subject) of
#: groups/headline.csv. The subjects are the names bri_carbon.core.findings gives them.
KEY_READINGS = (
    ("intensity_ratio", "block", "BRI"),
    ("intensity_ratio", "block", "developed"),
    ("intensity_ratio_gap", "block", "BRI over developed"),
    ("emission_ratio_gap", "block", "BRI over developed"),
    ("regions_intensity_ratio_above_one_pct", "region", "BRI"),
    ("regions_intensity_ratio_above_one_pct", "region", "developed"),
    ("positive_net_export_share", "region", "BRI"),
    ("positive_net_export_share", "group", "BRI"),
    ("positive_net_export_share", "region_pair", "BRI"),
    ("positive_net_export_share", "group_pair", "BRI"),
    ("positive_net_export_share_bri_developed", "region", "BRI"),
    ("net_flow_to_developed_share", "block", "BRI"),
    ("driven_share", "region", "median"),
    ("bri_groups_within_25_35_pct", "group", "BRI groups"),
    ("driven_share", "block", "BRI"),
    ("driven_share_us_eu28", "region", "median"),
    ("driven_share_all_developed", "block", "BRI"),
    ("consumption_share_from_developed", "block", "BRI"),
)
#: The figure of each year that the report shows right after the headline tables.
LEADING_FIGURE = "robustness"
TEMPLATE = "report.html.jinja"


@dataclass(frozen=True)
class Item:
    """One figure (``image``: a data URI) or table (``table``: HTML) with its caption."""

    anchor: str
    title: str
    caption: str
    image: str = ""
    table: str = ""


@dataclass(frozen=True)
class Section:
    """A titled part of the report (a year, the trends, ...) holding figures and tables."""

    anchor: str
    title: str
    items: tuple[Item, ...]
    intro: str = ""


@dataclass(frozen=True)
class Provenance:
    """The provenance of one year as the report lists it (from provenance.json): the
    dataset's title, release (``dataset``), DOI, citation, licence and the known defects of
    the year (``caveats``)."""

    year: int
    dataset: str
    licence: str
    commit: str
    dirty: bool
    command: str
    files: tuple[tuple[str, str, str], ...]
    fingerprint: str = "unknown"
    title: str = ""
    doi: str = ""
    citation: str = ""
    caveats: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """Everything the report shows; ``headline``: (year, HTML table) per year."""

    source: str
    synthetic: bool
    years: tuple[int, ...]
    introduction: str
    headline_intro: str
    headline: tuple[tuple[int, str], ...]
    sections: tuple[Section, ...]
    leading: tuple[Item, ...] = ()
    warnings: tuple[str, ...] = ()
    provenance_intro: str = ""
    provenance: tuple[Provenance, ...] = ()
    config: str = ""
    run_name: str = ""
    release: str = ""


def png_data_uri(path: Path) -> str:
    """The PNG file ``path`` as a ``data:image/png;base64,...`` URI."""
    data = path.read_bytes()
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise WorkflowInputError(f"{path} is not a PNG file; rerun the rule that draws it.")
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


#: Resolution assumed for a PNG without a pHYs chunk (dots per inch; the figures' own).
DEFAULT_DPI = 300.0
PNG_PREFIX = "data:image/png;base64,"


def printed_width_mm(uri: str) -> float:
    """The printed width (mm) of the PNG in the data URI ``uri``: its width in pixels over
    its resolution (the pHYs chunk in pixels per metre; :data:`DEFAULT_DPI` without one).

    The report shows each figure at this width (CSS ``mm``), so that figures of one and two
    journal columns (85 and 175 mm) show their text at the same size.
    """
    if not uri.startswith(PNG_PREFIX):
        raise ValueError("not a PNG data URI")
    # IHDR and pHYs come before the image data: the first few kB hold them.
    head = base64.b64decode(uri[len(PNG_PREFIX) : len(PNG_PREFIX) + 4096])
    width, at, per_metre = None, 8, None
    while at + 8 <= len(head):
        length, kind = struct.unpack(">I4s", head[at : at + 8])
        body = head[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            width = struct.unpack(">I", body[:4])[0]
        elif kind == b"pHYs" and len(body) == 9 and body[8] == 1:
            per_metre = struct.unpack(">I", body[:4])[0]
        elif kind == b"IDAT":
            break
        at += 12 + length
    if width is None:
        raise ValueError("the PNG has no IHDR chunk")
    if not per_metre:
        return width / DEFAULT_DPI * 25.4
    return width / per_metre * 1000.0


def key_readings(headline: pd.DataFrame) -> pd.DataFrame:
    """The rows of a headline table (groups/headline.csv) named in :data:`KEY_READINGS`, in
    that order; readings the table lacks are left out."""
    index = headline.set_index(["statistic", "level", "subject"], drop=False)
    present = [key for key in KEY_READINGS if key in index.index]
    return index.loc[present].reset_index(drop=True)


def headline_summary(headline: pd.DataFrame) -> typeset.Display:
    """The key readings of one year as the headline table shows them: one block per paper
    statement, each reading's value next to the paper's."""
    return headline_display(headline_table(key_readings(headline)))


def trends_display(series: pd.DataFrame) -> typeset.Display:
    """The key readings across years (trends/headline.csv: ``year``, ``statistic``,
    ``level``, ``subject``, ``value``, ``unit``, ``paper_wording``): one row per reading, one
    column per year, each value rounded by its unit, and the abstracts' words."""
    years = sorted(series["year"].unique())
    rows = []
    for statistic, level, subject in KEY_READINGS:
        match = series[
            (series["statistic"] == statistic)
            & (series["level"] == level)
            & (series["subject"] == subject)
        ]
        if match.empty:
            continue
        first = match.iloc[0]
        row = {
            "reading": reading_name(statistic, level),
            "subject": subject,
            "unit": first["unit"],
            "paper_wording": first.get("paper_wording", ""),
        }
        row.update(
            {str(year): value for year, value in zip(match["year"], match["value"], strict=True)}
        )
        rows.append(row)
    columns = [
        Column("reading", "Reading"),
        Column("subject", "Subject"),
        *(Column(str(year), str(year), "number", unit_key="unit") for year in years),
        Column("unit", "Unit"),
        Column("paper_wording", "Paper (abstract)"),
    ]
    frame = pd.DataFrame(rows, columns=[c.key for c in columns])
    return typeset.display(columns, [("", frame)], stub=2)


#: The headings of the two kinds of rows of the drivers' effects.csv.
EFFECT_KINDS = {
    "consumption": "Consumption-based emissions (industry part) by group",
    "block": "Belt and Road blocks of the flow matrix",
}


def effects_display(effects: pd.DataFrame, base: str, target: str) -> typeset.Display:
    """The drivers' effects.csv as shown: per quantity the base and target value, the change
    and its four effects, Mt CO2; one block per kind of quantity."""
    mt = "Mt CO2"
    columns = [
        Column("quantity", "Quantity"),
        Column("base_mt", base, "number", mt),
        Column("target_mt", target, "number", mt),
        Column("change_mt", "Change", "number", mt),
        Column("intensity_effect_mt", "Intensity effect", "number", mt, spanner="Effects"),
        Column("leontief_effect_mt", "Leontief effect", "number", mt, spanner="Effects"),
        Column("mix_effect_mt", "Mix effect", "number", mt, spanner="Effects"),
        Column("level_effect_mt", "Level effect", "number", mt, spanner="Effects"),
    ]
    blocks = [
        (EFFECT_KINDS.get(kind, str(kind)), rows)
        for kind, rows in effects.groupby("kind", sort=False)
    ]
    return typeset.display(columns, blocks)


def provenance_summary(record: Mapping[str, Any]) -> Provenance:
    """The parts of one provenance.json the report lists: dataset version and licence, the
    git commit, the command line, every input file with its sha256 and the fingerprint of
    the configuration that made the year's folder."""
    dataset = record.get("dataset") or {}
    git = record.get("git") or {}
    files = [
        (entry["path"], f"{entry['bytes']:,} bytes", entry["sha256"])
        for entry in record.get("raw_inputs", [])
    ]
    files += [
        (entry["path"], f"config key {key}", entry["sha256"])
        for key, entry in sorted((record.get("configured_files") or {}).items())
    ]
    return Provenance(
        year=int(record["year"]),
        dataset=str(dataset.get("version") or dataset.get("title") or "unknown"),
        licence=str(dataset.get("license") or "unknown"),
        commit=str(git.get("commit", "unknown")),
        dirty=bool(git.get("dirty", False)),
        command=str(record.get("command_line", "unknown")),
        files=tuple(files),
        fingerprint=str(record.get("fingerprint") or "unknown"),
        title=str(dataset.get("title") or ""),
        doi=str(dataset.get("doi") or ""),
        citation=str(dataset.get("citation") or ""),
        caveats=tuple(str(text) for text in dataset.get("caveats") or ()),
    )


def config_text(record: Mapping[str, Any]) -> str:
    """The resolved configuration of a provenance record as YAML."""
    return yaml.safe_dump(record.get("config") or {}, sort_keys=False, allow_unicode=True, width=96)


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["text"] = lambda text: markupsafe.Markup(typeset.html_text(str(text)))
    environment.filters["html"] = markupsafe.Markup
    environment.filters["printed_mm"] = lambda uri: f"{printed_width_mm(uri):.1f}"
    return environment


def render(report: Report) -> str:
    """The report as one HTML document (the template ``report.html.jinja`` beside this
    module; texts escaped, CO2 with a subscript 2)."""
    return _environment().get_template(TEMPLATE).render(report=report)


def year_sections(
    years: Sequence[int],
    figures: Mapping[int, Sequence[Item]],
    tables: Mapping[int, Sequence[Item]],
) -> list[Section]:
    """One section per year with its figures, then its tables."""
    return [
        Section(
            anchor=f"year-{year}",
            title=f"Results {year}",
            items=(*figures.get(year, ()), *tables.get(year, ())),
        )
        for year in years
    ]


@dataclass(frozen=True)
class Inputs:
    """The files a report shows, by year and name (the rule's inputs, see rules/report.smk):
    figures (PNG) and tables (CSV) per year, each year's groups/headline.csv, diagnostics.json
    and provenance.json; the trends (headline.csv and figure) with several years; the drivers'
    effects.csv and figure between ``drivers`` (base, target); the comparison's
    group_accounts.csv (``comparison``) and headline.csv (``comparison_headline``) per year
    of the databases ``compared`` (as the CSV columns name them), shown as
    ``compared_labels``."""

    years: tuple[int, ...]
    figures: Mapping[int, Mapping[str, Path]]
    tables: Mapping[int, Mapping[str, Path]]
    headline: Mapping[int, Path]
    provenance: Mapping[int, Path]
    diagnostics: Mapping[int, Path] | None = None
    trends: tuple[Path, Path] | None = None
    drivers: tuple[str, str] | None = None
    drivers_files: tuple[Path, Path] | None = None
    compared: tuple[str, ...] | None = None
    comparison: Mapping[int, Path] | None = None
    comparison_headline: Mapping[int, Path] | None = None
    compared_labels: tuple[str, ...] | None = None


def _figure_item(name: str, path: Path, year: int, fields: Mapping[str, object]) -> Item:
    title, caption = captions.FIGURES.get(name, (name.replace("_", " ").capitalize(), "{data}"))
    return Item(f"{name}-{year}", title, captions.fill(caption, fields), image=png_data_uri(path))


def _table_item(name: str, path: Path, year: int, fields: Mapping[str, object]) -> Item:
    title, _units = TABLE_TITLES[name]
    caption = captions.fill(captions.TABLES.get(name, "{data}"), fields)
    shown = typeset.to_html(DISPLAYS[name](read_table(name, path)))
    return Item(f"{name}-{year}", title, caption, table=shown)


def build(
    inputs: Inputs,
    source: str,
    synthetic: bool,
    driver_groups: Sequence[str],
    developed_groups: Sequence[str],
    run_name: str = "",
) -> Report:
    """The report of one source from its files (see :class:`Inputs`); ``run_name``: the
    scenario (config key run.name), empty for the unnamed run. The dataset's release is
    taken from the provenance of the years (one release per run)."""
    records = [_read_json(inputs.provenance[year]) for year in inputs.years]
    provenance = [provenance_summary(record) for record in records]
    release = "" if synthetic or not provenance else provenance[0].dataset
    fields: dict[str, object] = {
        "source": source,
        "driver_groups": " + ".join(driver_groups),
        "developed_groups": ", ".join(developed_groups),
        "data": captions.data_note(source, synthetic, release),
        **dict.fromkeys(captions.PAPER_FIELDS, captions.NO_PAPER_WORDS),
    }
    headline, figures, shown_tables, leading, warnings = [], {}, {}, [], []
    if inputs.years:
        fields.update(captions.paper_fields(read_headline(inputs.headline[inputs.years[-1]])))
    for year in inputs.years:
        readings = read_headline(inputs.headline[year])
        yearly = {**fields, **captions.paper_fields(readings), "year": year}
        headline.append((year, typeset.to_html(headline_summary(readings))))
        figures[year] = [
            _figure_item(name, path, year, yearly)
            for name, path in inputs.figures[year].items()
            if name != LEADING_FIGURE
        ]
        if LEADING_FIGURE in inputs.figures[year]:
            leading.append(
                _figure_item(LEADING_FIGURE, inputs.figures[year][LEADING_FIGURE], year, yearly)
            )
        if inputs.diagnostics:
            warnings += data_warnings(year, _read_json(inputs.diagnostics[year]))
        shown_tables[year] = [
            _table_item(name, path, year, yearly) for name, path in inputs.tables[year].items()
        ]
    sections = year_sections(inputs.years, figures, shown_tables)
    if inputs.trends:
        series, figure = inputs.trends
        title, caption = captions.TRENDS
        trends = typeset.to_html(trends_display(pd.read_csv(series, keep_default_na=False)))
        sections.append(
            Section(
                "trends",
                title,
                (
                    Item(
                        "trends-figure",
                        "Headline shares over time",
                        captions.TRENDS_FIGURE,
                        png_data_uri(figure),
                    ),
                    Item(
                        "trends-table",
                        "Headline readings by year",
                        captions.TRENDS_TABLE,
                        table=trends,
                    ),
                ),
                intro=captions.fill(caption, fields),
            )
        )
    if inputs.drivers and inputs.drivers_files:
        base, target = inputs.drivers
        effects, figure = inputs.drivers_files
        between = {**fields, "base": base, "target": target}
        title, caption = (captions.fill(text, between) for text in captions.DRIVERS)
        table = typeset.to_html(effects_display(pd.read_csv(effects), base, target))
        sections.append(
            Section(
                "drivers",
                title,
                (
                    Item(
                        "drivers-figure", "Effects", captions.DRIVERS_FIGURE, png_data_uri(figure)
                    ),
                    Item(
                        "drivers-table", "Effects by quantity", captions.DRIVERS_TABLE, table=table
                    ),
                ),
                intro=caption,
            )
        )
    if inputs.compared and inputs.comparison:
        sections.append(comparison_section(inputs, fields))
    return Report(
        source=source,
        synthetic=synthetic,
        years=tuple(inputs.years),
        introduction=captions.INTRODUCTION,
        headline_intro=captions.fill(captions.HEADLINE, fields),
        headline=tuple(headline),
        sections=tuple(sections),
        leading=tuple(leading),
        warnings=tuple(warnings),
        provenance_intro=captions.PROVENANCE,
        provenance=tuple(provenance),
        config=config_text(records[0]) if records else "",
        run_name=run_name,
        release=release,
    )


def data_warnings(year: int, diagnostics: Mapping[str, Any]) -> list[str]:
    """The warnings of one year's diagnostics.json that the report's banner shows: the
    plausibility of the magnitudes and the intensity basis
    (:func:`bri_carbon.core.plausibility.run_warnings`) and negative CO2 cells
    (:func:`bri_carbon.core.plausibility.negative_co2_note`)."""
    found = [f"{year}: {text}" for text in plausibility.run_warnings(dict(diagnostics))]
    negative = negative_co2_note(diagnostics.get("negative_co2") or {}, str(year))
    return [*found, negative] if negative else found


def comparison_section(inputs: Inputs, fields: Mapping[str, object]) -> Section:
    """The findings across databases: per year the key readings of every compared database
    side by side, then their group accounts with the relative differences."""
    names = tuple(inputs.compared or ())
    labels = tuple(inputs.compared_labels or names)
    listed = {**fields, "databases": ", ".join(labels), "reference": labels[0]}
    items = []
    for year, path in (inputs.comparison or {}).items():
        yearly = {**listed, "year": year}
        if inputs.comparison_headline:
            readings = key_readings(read_comparison_headline(inputs.comparison_headline[year]))
            title, caption = (captions.fill(text, yearly) for text in captions.COMPARISON_READINGS)
            table = typeset.to_html(comparison_headline_display(readings, names, labels))
            items.append(Item(f"comparison-readings-{year}", title, caption, table=table))
        title, caption = (captions.fill(text, yearly) for text in captions.COMPARISON)
        frame = read_comparison(path, names)
        table = typeset.to_html(comparison_display(frame, names, labels))
        items.append(Item(f"comparison-{year}", title, caption, table=table))
    title, intro = (captions.fill(text, listed) for text in captions.COMPARISON_SECTION)
    return Section("comparison", title, tuple(items), intro=intro)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise WorkflowInputError(f"cannot read {path}: {err}; rerun its rule.") from err
