"""Input functions and params the rules share: the inputs of figures, tables and the
report, the raw upstream files of a source, the run context and the content digests."""

import os
from pathlib import Path

from bri_carbon.runtime import config_check as bri_config_check
from bri_carbon.runtime import errors as bri_errors
from bri_carbon.runtime import scenario as bri_scenario
from bri_carbon.sources import databases as bri_databases
from bri_carbon.sources import eora26_layout as bri_eora26_layout
from bri_carbon.sources import local_data as bri_local_data


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
    "robustness": ("robustness", "headline"),
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
        "robustness": rules.findings.output.robustness,
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
    table_{year}_{name} (CSV), headline_{year}, diagnostics_{year}, provenance_{year}; with
    several years
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
        inputs[f"diagnostics_{year}"] = rules.accounts.output.diagnostics.format(**where)
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


def explorer_inputs(wildcards):
    """The results the explorer reads, named ``{kind}_{year}`` for every configured year
    (the fields of bri_carbon.outputs.explorer.YearFiles)."""
    inputs = {}
    for year in config_years():
        where = dict(source=wildcards.source, year=year)
        inputs[f"accounts_{year}"] = rules.accounts.output.accounts.format(**where)
        inputs[f"flows_{year}"] = rules.accounts.output.flows.format(**where)
        inputs[f"group_accounts_{year}"] = rules.groups.output.accounts.format(**where)
        inputs[f"group_flows_{year}"] = rules.groups.output.flows.format(**where)
        inputs[f"bri_blocks_{year}"] = rules.findings.output.bri_blocks.format(**where)
        inputs[f"headline_{year}"] = rules.findings.output.headline.format(**where)
        inputs[f"provenance_{year}"] = rules.provenance.output.provenance.format(**where)
    return inputs


def compared_files(pattern):
    """Input function of the comparison: ``pattern`` (a rule output of one database and
    year) for every compared database, in the order of config key compare.sources."""

    def files(wildcards):
        return [pattern.format(source=database, year=wildcards.year) for database in COMPARED]

    return files


def deflator_input(wildcards):
    """The price index table of drivers.deflator as the rule input ``deflator``, if set."""
    deflator = config["drivers"]["deflator"]
    return {"deflator": deflator} if deflator else {}


def datasets_input(wildcards):
    """The datasets table (config key datasets: versions, licenses) as input ``datasets``,
    if the file exists."""
    table = config.get("datasets")
    return {"datasets": table} if table and os.path.exists(table) else {}


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


def gloria_inputs(wildcards):
    """Inputs mrio, satellites and readme of the harmonize_gloria jobs: the files of the
    wildcard database's release."""
    return gloria_files(wildcards.year, wildcards.source)


def exiobase3_archive_input(wildcards):
    """Input ``archive`` of the EXIOBASE harmonize step: the archive of the wildcard database."""
    return exiobase3_archive(wildcards.year, wildcards.source)


def raw_inputs(wildcards):
    """The raw upstream files of one database and year (as the harmonize rules read them)."""
    source = bri_databases.source_of(wildcards.source)
    if source == "gloria":
        return gloria_inputs(wildcards)
    if source == "exiobase3":
        return {"archive": exiobase3_archive_input(wildcards)}
    return eora26_archive_inputs(wildcards)


def shared_raw_names(wildcards):
    """The param raw_names of the provenance rule: the names of the database's raw inputs
    when its raw folder holds the files of several releases side by side (GLORIA, whose file
    names carry the release), else None (every raw file of the year in the folder)."""
    source = bri_databases.source_of(wildcards.source)
    if source == "synthetic" or not upstream_dataset(wildcards.source).flat:
        return None
    return sorted(Path(path).name for path in raw_inputs(wildcards).values())


#: The setting digests of each results folder asked for, computed once per folder.
_FOLDER_DIGESTS = {}


def fingerprint_params():
    """Params of the fingerprint rule, one per setting (dotted config key) and configured
    file: ``key=`` and a short hash of what the results folder is made with
    (bri_carbon.runtime.scenario.setting_digests of bri_carbon.sources.databases.folder_config:
    a folder of one database in that database's release). Snakemake reruns the job when
    one changes, and its reason names just the changed keys."""
    names = bri_scenario.setting_names(config, CONFIGURED_DIGESTS)

    def digest_of(name):
        def digest(wildcards):
            folder = wildcards.folder
            if folder not in _FOLDER_DIGESTS:
                kind = bri_scenario.folder_kind(folder)
                _FOLDER_DIGESTS[folder] = bri_scenario.setting_digests(
                    bri_databases.folder_config(config, folder), kind, CONFIGURED_DIGESTS
                )
            return f"{name}={_FOLDER_DIGESTS[folder].get(name, 'not used')}"

        return digest

    return {bri_scenario.param_name(name): digest_of(name) for name in names}


def publish_files(wildcards):
    """Input ``files`` of the publish rule (the build files of every folder it publishes)."""
    return build_targets()


def published_target(wildcards):
    """Input of the published rule, of which no job ever runs (a published file is no
    target of its own, and asking for one stops the run with this explanation)."""
    raise bri_errors.WorkflowInputError(
        f"{RESULTS}{wildcards.path} is published whole with its folder by a complete run, "
        "not made on its own. Run without targets (or with --until RULE), or ask for its "
        f"build file {BUILD}{wildcards.path}."
    )


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
