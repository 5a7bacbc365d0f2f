"""Shared helpers for the rule files (targets, paths, resource estimates)."""

import math
import os
import shlex
import sys
from pathlib import Path

from bri_carbon.sources import databases as bri_databases

SOURCES = ["synthetic", "eora26", "exiobase3"]
#: The {source} wildcard: a database, i.e. a source or a source and a release joined by
#: "@" (exiobase3@3.8.2), see bri_carbon.sources.databases.
DATABASE = bri_databases.pattern(SOURCES)
EORA_SECTORS = 26
EORA_COUNTRIES = 189
EXIOBASE_SECTORS = {"ixi": 163, "pxp": 200}
EXIOBASE_REGIONS = 49


def config_years():
    """Years of the run, as strings, in config order."""
    return [str(year) for year in config["years"]]


def system_size(source, native=False):
    """Number of region-sectors n of the source's tables (drives memory requests).

    Raw tables (retrieve, harmonize): Eora26 and the synthetic world 26 sectors per country
    plus Eora's ROW entry (189 x 26 + 1 = 4915), EXIOBASE 3 49 regions x 163 industries
    (ixi) or 200 products (pxp). ``native``: the system of the accounts stage, the source's
    own regions and sectors without Eora's ROW entry (4914; EXIOBASE as above).
    """
    source = bri_databases.source_of(source)
    if source == "exiobase3":
        regions = EXIOBASE_REGIONS
        sectors = EXIOBASE_SECTORS[config["exiobase3"]["system"]]
        extra = 0
    else:
        countries = config["synthetic"]["countries"] if source == "synthetic" else None
        regions = len(countries) if countries else EORA_COUNTRIES
        sectors, extra = EORA_SECTORS, 1
    return regions * sectors + (0 if native else extra)


def mem_mb_for(copies, base_mb=400, source=None, native=False):
    """Memory request in MB: ``copies`` dense n x n float64 matrices plus ``base_mb``.

    Formula: mem_mb = base_mb + copies * n^2 * 8 bytes / 2^20, rounded up to 100 MB,
    with n from :func:`system_size` of ``source`` (default: the job's source wildcard) and
    ``native``. ``base_mb`` covers the interpreter, the imported libraries (about 200 MB)
    and the small arrays. For accounts, copies = 1 on the native n covers the one n x n
    matrix of bri_carbon.core.accounts.regional_accounts: float64 when leontief_precision is
    float64 or the mixed solve falls back, float32 (half) otherwise; Z is read in row blocks
    of 16 MB and the n x regions arrays (final demand, solution, residual) fit in base_mb.
    """

    def estimate(wildcards):
        n = system_size(source or wildcards.source, native=native)
        need = base_mb + copies * n * n * 8 / 2**20
        return int(math.ceil(need / 100.0) * 100)

    return estimate


# --- Where a run writes (bri_carbon.runtime.scenario, config key run.name) -------------

from bri_carbon.runtime import scenario as bri_scenario

#: The run's path segment: "" for the unnamed run, "{run.name}/" for a named one.
RUN_PREFIX = bri_scenario.run_prefix(config["run"]["name"])
#: The run's results and logs: results/ and logs/, or results/{name}/ and logs/{name}/.
RESULTS = f"results/{RUN_PREFIX}"
LOGS = f"logs/{RUN_PREFIX}"
#: The run's synthetic raw tables and harmonized datasets, with their logs: shared under
#: resources/ unless a named run changes a setting that shapes them.
RESOURCES_PREFIX = RUN_PREFIX if bri_scenario.own_resources(config, DEFAULT_CONFIG) else ""
RESOURCES = f"resources/{RESOURCES_PREFIX}"
RESOURCE_LOGS = f"logs/{RESOURCES_PREFIX}"

#: Every result of one source and year lives under this folder; rules write their output
#: paths once, below it, and later rules take them from ``rules.<name>.output``.
RESULT = f"{RESULTS}{{source}}/{{year}}"
#: The results across years of one source, a drivers decomposition and a source comparison.
TRENDS = f"{RESULTS}{{source}}/trends"
DRIVERS = f"{RESULTS}{{source}}/drivers/{{base}}_{{target}}"
COMPARE = f"{RESULTS}compare/{{year}}"
#: The harmonized (native) dataset of one source and year.
HARMONIZED = f"{RESOURCES}harmonized/{{source}}/{{year}}.nc"


def raw_dir(database):
    """The folder of a database's raw upstream files: the synthetic world's belongs to the
    run's resources; real downloads are shared by every run under resources/raw/{source}/,
    in a folder per release for a source with releases (their files share upstream names)."""
    source = bri_databases.source_of(database)
    if source == "synthetic":
        return f"{RESOURCES}raw/synthetic"
    release = bri_databases.release_of(config, database)
    return f"resources/raw/{source}/{release}" if release else f"resources/raw/{source}"


def database_config(database):
    """The configuration the results of ``database`` are computed with (its release in
    config key {source}.version), see bri_carbon.sources.databases.database_config."""
    return bri_databases.database_config(config, database)


def folder_record(wildcards):
    """Param ``record`` of the fingerprint rule, the record of the configuration for the results
    folder ``wildcards.folder`` (a path below RESULTS): that of its database for the folders
    of one database (so the release is part of the fingerprint), the run's for the rest."""
    kind = bri_scenario.folder_kind(wildcards.folder)
    settings = config
    if kind != "compare":
        settings = database_config(wildcards.folder.split("/")[0])
    return bri_scenario.folder_record(settings, kind, CONFIGURED_DIGESTS)


def fingerprint_of(folder_pattern):
    """Input ``fingerprint`` of every rule that writes into ``folder_pattern`` (RESULT,
    TRENDS, DRIVERS or COMPARE): the record of the configuration that made the folder,
    written by rule fingerprint, which empties the folder first when the record changes."""
    return f"{folder_pattern}/{bri_scenario.RECORD_NAME}"
#: The HTML report of one source: every configured year's findings, figures and tables.
REPORT = f"{RESULTS}{{source}}/report.html"

#: The figures of one source and year (results/{source}/{year}/figures/{name}.png|pdf): the
#: paper's six, the sector hot spots of the BRI groups and, as a supplementary full page,
#: the driven-by shares of every BRI region.
FIGURES = (
    "study_area",
    "intensity_maps",
    "intensity_gap",
    "flows_chord",
    "net_exports_by_group",
    "driven_by",
    "driven_by_regions",
    "sector_hotspots",
)
#: The paper's four tables (results/{source}/{year}/tables/{name}.csv|md|tex).
TABLES = ("region_membership", "group_accounts", "group_flows", "headline")


def run_context(wildcards):
    """What every script needs to label its outputs, passed once as the param ``context``:
    the source, the year (None for rules across years) and whether the data is synthetic."""
    year = getattr(wildcards, "year", None)
    return {
        "source": wildcards.source,
        "year": int(year) if year else None,
        "synthetic": bri_databases.source_of(wildcards.source) == "synthetic",
    }


#: The inputs each paper figure reads, by name (see result_inputs).
FIGURE_INPUTS = {
    "study_area": ("accounts", "regions", "boundaries", "iso3_fixes"),
    "intensity_maps": ("accounts", "regions", "boundaries", "iso3_fixes"),
    "intensity_gap": ("group_accounts",),
    "flows_chord": ("group_accounts", "group_flows"),
    "net_exports_by_group": ("group_accounts", "headline"),
    "driven_by": ("driven_by", "headline", "regions"),
    "driven_by_regions": ("driven_by", "headline", "regions"),
    "sector_hotspots": ("sector_hotspots", "regions"),
}
#: The inputs each paper table reads, by name (see result_inputs).
TABLE_INPUTS = {
    "region_membership": ("accounts", "regions"),
    "group_accounts": ("group_accounts",),
    "group_flows": ("group_accounts", "group_flows"),
    "headline": ("headline",),
}


def result_inputs(wildcards, names):
    """The named inputs of a figure or table of one source and year, from the outputs of the
    rules that write them and the configured files."""
    patterns = {
        "accounts": rules.accounts.output.accounts,
        "group_accounts": rules.groups.output.accounts,
        "group_flows": rules.groups.output.flows,
        "headline": rules.findings.output.headline,
        "driven_by": rules.findings.output.driven_by,
        "sector_hotspots": rules.findings.output.sector_hotspots,
        "regions": config["regions"],
        "boundaries": config["natural_earth"]["shapefile"],
        "iso3_fixes": config["natural_earth"]["iso3_fixes"],
    }
    return {
        name: patterns[name].format(source=wildcards.source, year=wildcards.year)
        for name in names
    }


def figure_inputs(wildcards):
    """Inputs of the figure rule: those of FIGURE_INPUTS for the wildcard figure."""
    return result_inputs(wildcards, FIGURE_INPUTS[wildcards.figure])


def table_inputs(wildcards):
    """Inputs of the table rule: those of TABLE_INPUTS for the wildcard table."""
    return result_inputs(wildcards, TABLE_INPUTS[wildcards.table])


def report_inputs(wildcards):
    """The files the report shows, named by kind, year and name: figure_{year}_{name} (PNG),
    table_{year}_{name} (CSV), headline_{year}, provenance_{year}; with several years
    trends_headline and trends_figure; with a decomposition drivers_effects and
    drivers_figure; with a comparison of databases comparison_{year} (group accounts) and
    comparison_headline_{year} (the findings' readings)."""
    source = wildcards.source
    inputs = {}
    for year in config_years():
        where = dict(source=source, year=year)
        for name in FIGURES:
            inputs[f"figure_{year}_{name}"] = rules.figure.output.png.format(figure=name, **where)
        for name in TABLES:
            inputs[f"table_{year}_{name}"] = rules.table.output.csv.format(table=name, **where)
        inputs[f"headline_{year}"] = rules.findings.output.headline.format(**where)
        inputs[f"provenance_{year}"] = rules.provenance.output.provenance.format(**where)
    if len(config_years()) > 1:
        inputs["trends_headline"] = rules.trends.output.headline.format(source=source)
        inputs["trends_figure"] = rules.trends.output.png.format(source=source)
    drivers = drivers_years()
    if drivers:
        between = dict(source=source, base=drivers[0], target=drivers[1])
        inputs["drivers_effects"] = rules.drivers.output.effects.format(**between)
        inputs["drivers_figure"] = rules.drivers.output.png.format(**between)
    if COMPARED:
        for year in config_years():
            inputs[f"comparison_{year}"] = rules.compare_sources.output.csv.format(year=year)
            inputs[f"comparison_headline_{year}"] = rules.compare_sources.output.headline.format(
                year=year
            )
    return inputs


def compared_files(pattern):
    """Input function of the comparison: ``pattern`` (a rule output of one database and
    year) for every compared database, in the order of config key compare.sources."""

    def files(wildcards):
        return [pattern.format(source=database, year=wildcards.year) for database in COMPARED]

    return files


def target_folders():
    """The results folders this run writes or reads, as paths below RESULTS (see
    bri_carbon.runtime.scenario.FOLDER)."""
    source, years = config["source"], config_years()
    folders = [f"{source}/{year}" for year in years]
    if len(years) > 1:
        folders.append(f"{source}/trends")
    drivers = drivers_years()
    if drivers:
        folders.append(f"{source}/drivers/{drivers[0]}_{drivers[1]}")
    for year in years if COMPARED else ():
        folders += [f"{database}/{year}" for database in COMPARED]
        folders.append(f"compare/{year}")
    return list(dict.fromkeys(folders))


def warn_of_stale_folders():
    """Name the results folders of this run's results root that another configuration made
    and that this run leaves as they are (e.g. the trends of other years)."""
    expected = {
        kind: bri_scenario.folder_record(config, kind, CONFIGURED_DIGESTS)["fingerprint"]
        for kind in bri_scenario.FOLDER_KINDS
    }
    stale = bri_scenario.stale_folders(Path(RESULTS), expected, set(target_folders()))
    if stale:
        logger.warning(
            "These results folders were made with another configuration (or other years), "
            f"and this run leaves them as they are: {', '.join(RESULTS + f for f in stale)}. "
            "Delete them, or give each configuration its own run.name (docs/quickstart.md)."
        )


def all_targets():
    """Every final output of the configured source and years, from the rules' own output
    patterns (called by rule all, after every rule is defined)."""
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
    targets += expand(rules.report.output, source=config["source"])
    return list(dict.fromkeys(targets))


#: The command line of the main Snakemake process. Jobs inherit it through the environment
#: (also SLURM jobs: sbatch --export=ALL), so provenance.json names the user's command, not a
#: job's. Read by scripts/provenance.py; not a rule param, so that another command line does
#: not trigger reruns.
os.environ.setdefault("BRI_CARBON_COMMAND_LINE", shlex.join(sys.argv))


def drivers_years():
    """(base, target) of the drivers-of-change decomposition as strings, or None if unset.

    Both must be configured years; otherwise the run stops with a message naming the key.
    """
    base, target = config["drivers"]["base"], config["drivers"]["target"]
    if base is None and target is None:
        return None
    years = [int(year) for year in config["years"]]
    if base is None or target is None or base == target or not {base, target} <= set(years):
        raise bri_errors.WorkflowInputError(
            f"config key drivers: base={base}, target={target} must be two different years "
            f"of the config key years ({years}), or both null to skip the decomposition."
        )
    return str(base), str(target)


def deflator_input(wildcards):
    """The price index table of drivers.deflator as the rule input ``deflator``, if set."""
    deflator = config["drivers"]["deflator"]
    return {"deflator": deflator} if deflator else {}


def datasets_input(wildcards):
    """The datasets table (config key datasets: versions, licenses) as input ``datasets``,
    if the file exists."""
    table = config.get("datasets")
    return {"datasets": table} if table and os.path.exists(table) else {}


# --- Raw upstream files per source (datasets table, local_data first) -----------------

from bri_carbon.runtime import config_check as bri_config_check
from bri_carbon.sources import datasets as bri_datasets
from bri_carbon.runtime import errors as bri_errors
from bri_carbon.sources import eora26_layout as bri_eora26_layout
from bri_carbon.sources import local_data as bri_local_data
from pathlib import Path
from snakemake.logging import logger


def upstream_dataset(database):
    """The database's entry of the datasets table (config key datasets), in its release."""
    source = bri_databases.source_of(database)
    release = bri_databases.release_of(config, database)
    return bri_datasets.read_dataset(config["datasets"], source, release)


def run_databases():
    """The databases this run computes: the configured source and the compared ones."""
    return list(dict.fromkeys([config["source"], *COMPARED]))


def check_upstream_years():
    """Stop before any job when a database of the run (config keys source and
    compare.sources) is asked for years its release does not cover, or when local_data holds
    a file of a source with releases outside a release folder; warn of the known defects
    (caveats) of the years used."""
    for database in run_databases():
        if bri_databases.source_of(database) == "synthetic":
            continue
        dataset = upstream_dataset(database)
        for year in config["years"]:
            dataset.check_year(year)
        if dataset.systems:
            dataset.check_system(config[dataset.source]["system"])
        if dataset.releases:
            system = config[dataset.source].get("system")
            names = [
                dataset.file(role, year, system).name
                for role in dataset.files
                for year in config["years"]
            ]
            bri_local_data.check_release_folder(
                config["local_data"], dataset.source, dataset.version, names
            )
        if workflow.is_main_process:
            for caveat, years in dataset.caveats_for(config["years"]):
                logger.warning(
                    f"{dataset.label}, {', '.join(map(str, years))}: {caveat.text} "
                    f"(data/datasets.yaml, caveats of {dataset.label}; also in provenance.json)"
                )


def exiobase3_archive(year="{year}", database="exiobase3"):
    """resources/raw/exiobase3/{version}/IOT_{year}_{system}.zip of the database's release
    and the configured system."""
    return f"{raw_dir(database)}/IOT_{year}_{config['exiobase3']['system']}.zip"


def exiobase3_archive_input(wildcards):
    """Input ``archive`` of the EXIOBASE harmonize step: the archive of the wildcard database."""
    return exiobase3_archive(wildcards.year, wildcards.source)


def eora26_needs_indices(year):
    """Whether the Eora26 archive of ``year`` lacks the label files (as real downloads do).

    Looks into the local or the retrieved archive (central directory only), see
    bri_carbon.sources.local_data.archive_lacks.
    """
    name = bri_eora26_layout.archive_name(int(year))
    return bri_local_data.archive_lacks(
        config["local_data"],
        "eora26",
        name,
        Path(f"resources/raw/eora26/{name}"),
        bri_eora26_layout.LABEL_FILES,
    )


def eora26_archive_inputs(wildcards):
    """The Eora26-layout archive, plus indices.zip when the labels are not inside it."""
    inputs = {"archive": f"{raw_dir(wildcards.source)}/Eora26_{wildcards.year}_bp.zip"}
    if wildcards.source == "eora26" and eora26_needs_indices(wildcards.year):
        inputs["indices"] = "resources/raw/eora26/indices.zip"
    return inputs


def raw_inputs(wildcards):
    """The raw upstream files of one source and year (as the harmonize rules read them)."""
    if bri_databases.source_of(wildcards.source) == "exiobase3":
        return {"archive": exiobase3_archive_input(wildcards)}
    return eora26_archive_inputs(wildcards)


def eora26_stressors():
    """Config key stressors.eora26 as a list of {stressor, source} labels tried in order
    (one mapping is a list of one)."""
    labels = config["stressors"]["eora26"]
    return [labels] if isinstance(labels, dict) else list(labels)


def excluded_categories(source):
    """Final-demand categories left out of the consumption-based accounts of ``source``
    (config key final_demand.exclude; the synthetic world uses Eora26's labels)."""
    source = bri_databases.source_of(source)
    table_source = "eora26" if source == "synthetic" else source
    return list(config["final_demand"]["exclude"].get(table_source, []))


def check_local_data():
    """Config key local_data, when set, must name a folder outside resources/, results/,
    logs/ and .snakemake/; one that is gone after files were copied from it only warns
    (bri_carbon.sources.local_data.check_local_data). A refusal is one paragraph, without
    a traceback."""
    warning = bri_local_data.check_local_data(config["local_data"], Path.cwd())
    if warning:
        logger.warning(warning)


def exiobase3_concordance():
    """The sector concordance of the configured EXIOBASE system (shipped under data/)."""
    return f"data/concordances/exio3_{config['exiobase3']['system']}.csv"


def content_of(*keys, paths=()):
    """Param ``content`` of a rule: the sha256 of the files it reads that the configuration
    names (``keys``, dotted config keys as in docs/configuration.md; unset optional keys
    count for nothing) and of shipped reference ``paths``. A changed file reruns what depends
    on it even when its modification time is older (a copy with cp -p, wget, rsync -a), and a
    config key that names another file reruns it too. (A function of the wildcards only:
    Snakemake tracks such params, not those computed from the inputs.)"""
    files = bri_config_check.configured_files(config)
    tracked = [files[key] for key in keys if key in files] + list(paths)

    def digests(wildcards):
        return ";".join(f"{path}={bri_config_check.file_digest(path)}" for path in tracked)

    return digests


# Checks before any job: each problem ends the run in its one paragraph, without a traceback.
with bri_errors.stop_on_input_error(logger.error):
    #: The databases of config key compare.sources, in their one name (empty: no comparison).
    COMPARED = bri_databases.compared_databases(config, SOURCES)
    bri_config_check.check_configured_files(config, Path.cwd())
    check_upstream_years()
    check_local_data()
    drivers_years()

#: The sha256 of every file the configuration names (dotted config key -> sha256).
CONFIGURED_DIGESTS = {
    key: bri_config_check.file_digest(path)
    for key, path in bri_config_check.configured_files(config).items()
}
if workflow.is_main_process:
    warn_of_stale_folders()
