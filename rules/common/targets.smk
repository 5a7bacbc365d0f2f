"""What a run makes: the figures and tables of a year, the results folders it publishes,
their build files (rule publish), the final output (rule all) and the run's last words."""

import json
import os
from pathlib import Path

from snakemake.io import strip_wildcard_constraints

from bri_carbon.core import plausibility as bri_plausibility

#: The figures of one source and year (results/{source}/{year}/figures/{name}.png|pdf): the
#: paper's six, the sector hot spots of the BRI groups, as a supplementary full page the
#: driven-by shares of every BRI region, and the readings under the robustness variants.
FIGURES = (
    "study_area",
    "intensity_maps",
    "intensity_gap",
    "flows_chord",
    "net_exports_by_group",
    "driven_by",
    "driven_by_regions",
    "sector_hotspots",
    "robustness",
)
#: The paper's four tables (results/{source}/{year}/tables/{name}.csv|md|tex).
TABLES = ("region_membership", "group_accounts", "group_flows", "headline")


def published_folders():
    """The results folders this run publishes, as paths below RESULTS (see
    bri_carbon.runtime.scenario.FOLDER): every year of the source, its trends and drivers
    decomposition when configured, the comparison of databases of each year. (A comparison
    reads the other databases' results from the build tree; their published folders stay as
    they are.)"""
    source, years = config["source"], config_years()
    folders = [f"{source}/{year}" for year in years]
    if len(years) > 1:
        folders.append(f"{source}/trends")
    drivers = drivers_years()
    if drivers:
        folders.append(f"{source}/drivers/{drivers[0]}_{drivers[1]}")
    for year in years if COMPARED else ():
        folders.append(f"compare/{year}")
    return folders


def build_targets():
    """Every output of the configured source and years in the build tree, from the rules'
    own output patterns (the inputs of rule publish)."""
    per_year = dict(source=config["source"], year=config_years())
    targets = expand(rules.accounts.output, **per_year)
    targets += expand(rules.groups.output, **per_year)
    targets += expand(rules.findings.output, **per_year)
    targets += expand(rules.figure.output, figure=FIGURES, **per_year)
    targets += expand(rules.maps.output, **per_year)
    targets += expand(rules.table.output, table=TABLES, **per_year)
    targets += expand(rules.provenance.output, **per_year)
    if len(config_years()) > 1:
        targets += expand(rules.trends.output, source=config["source"])
    drivers = drivers_years()
    if drivers:
        targets += expand(
            rules.drivers.output, source=config["source"], base=drivers[0], target=drivers[1]
        )
    if COMPARED:
        targets += expand(rules.compare_sources.output, year=config_years())
    targets += expand(rules.fingerprint.output, folder=published_folders())
    return list(dict.fromkeys(targets))


def all_targets():
    """The final output of the run: the manifest of rule publish for the configured source
    (called by rule all, after every rule is defined)."""
    return expand(rules.publish.output, source=config["source"])


def finished_message():
    """The last words of a successful run: where its pages are. Every HTML output of a rule
    at the level of a source (the report, and the explorer where a rule makes one), found
    by the rules' own output patterns, at its published place, if it is there."""
    source_folder = f"{BUILD}{{source}}/"
    pages = []
    for declared in workflow.rules:
        for pattern in map(strip_wildcard_constraints, declared.output):
            name = pattern.removeprefix(source_folder)
            if pattern.startswith(source_folder) and name.endswith(".html"):
                if len(Path(name).parts) == 1 and "{" not in name:
                    pages.append(f"{RESULTS}{config['source']}/{name}")
    shown = [page for page in dict.fromkeys(pages) if os.path.isfile(page)]
    if not shown:
        return (
            f"The outputs are in {BUILD}; {RESULTS}{config['source']}/ is published by a "
            "run of every target (without --until or file targets)."
        )
    return "Open " + " and ".join(shown) + f" (results in {RESULTS}{config['source']}/)."


def data_warnings():
    """Warnings about the data of the run's published years (negative CO2 cells, computed
    as given), from each year's diagnostics.json; one line each."""
    notes = []
    for year in config_years():
        folder = f"{RESULTS}{config['source']}/{year}"
        try:
            diagnostics = json.loads(Path(folder, "diagnostics.json").read_text())
        except (OSError, ValueError):
            continue
        note = bri_plausibility.negative_co2_note(diagnostics.get("negative_co2") or {}, folder)
        if note:
            notes.append(note)
    return notes
