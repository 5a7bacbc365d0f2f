"""Checks before any job: each problem ends the run in its one paragraph, without a
traceback; then the digests of the configured files, a warning about results folders of
this source that another configuration made, and the check of the published outputs
against the manifest of the last publish."""

import os
from pathlib import Path

from snakemake.logging import logger

from bri_carbon.runtime import config_check as bri_config_check
from bri_carbon.runtime import errors as bri_errors
from bri_carbon.runtime import publish as bri_publish
from bri_carbon.runtime import scenario as bri_scenario
from bri_carbon.sources import databases as bri_databases
from bri_carbon.sources import gloria_layout as bri_gloria_layout
from bri_carbon.sources import local_data as bri_local_data
from bri_carbon.sources import preflight as bri_preflight


def check_upstream_years():
    """Stop before any job when a database of the run (config keys source and
    compare.sources) is asked for years its release does not cover (e.g. GLORIA 59 and 60:
    1990-2028), or when local_data holds a file of a source with release folders
    (EXIOBASE) outside them; warn of the known defects (caveats) of the years used."""
    for database in run_databases():
        if bri_databases.source_of(database) == "synthetic":
            continue
        dataset = upstream_dataset(database)
        for year in config["years"]:
            dataset.check_year(year)
        if dataset.systems:
            dataset.check_system(config[dataset.source]["system"])
        if dataset.release_folder:
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


def expected_local_files():
    """The upstream files the run looks for in local_data, as paths below
    {local_data}/{source}/, by source (real sources only): every file of each configured
    year of every database of the run (in its release folder, {version}/IOT_..., for a
    source with release folders): Eora26's archive and indices.zip, EXIOBASE's archive,
    GLORIA's two zips and its release's ReadMe."""
    expected = {}
    for database in run_databases():
        source = bri_databases.source_of(database)
        if source == "synthetic":
            continue
        dataset = upstream_dataset(database)
        system = config[source]["system"] if dataset.systems else None
        names = [
            dataset.file(role, int(year), system).local_name
            for year in config_years()
            for role in dataset.files
        ]
        expected[source] = list(dict.fromkeys([*expected.get(source, []), *names]))
    return expected


def check_local_data():
    """Config key local_data, when set, must name a folder outside resources/, results/,
    logs/ and .snakemake/, not one level too deep, without entries that are not regular
    files under the names the run looks for; one that is gone after files were copied from
    it only warns (bri_carbon.sources.local_data.check_local_data). A refusal is one
    paragraph, without a traceback."""
    warning = bri_local_data.check_local_data(
        config["local_data"], Path.cwd(), expected_local_files()
    )
    if warning:
        logger.warning(warning)


def check_gloria_files():
    """Stop before any job when a GLORIA file of a configured year is neither in
    {local_data}/gloria/ nor copied before from that folder (GLORIA is never downloaded; a
    copy made from another local_data folder is not used, as for every source: see
    bri_carbon.sources.local_data.cache_decision); the message names every missing file of
    each GLORIA database of the run (the source or a compared one, gloria@60), in its
    release."""
    for database in run_databases():
        if bri_databases.source_of(database) != "gloria":
            continue
        missing = []
        for year in config_years():
            for path in gloria_files(year, database).values():
                name = Path(path).name
                if bri_local_data.find(config["local_data"], "gloria", name) is not None:
                    continue
                decision = bri_local_data.cache_decision(
                    config["local_data"], "gloria", name, Path(path)
                )
                if decision.token == bri_local_data.DOWNLOAD:
                    missing.append(name)
        if missing:
            raise bri_errors.WorkflowInputError(
                bri_gloria_layout.missing_files_message(
                    int(bri_databases.release_of(config, database)),
                    config["local_data"],
                    list(dict.fromkeys(missing)),
                )
            )


def warn_of_stale_folders():
    """Name the published folders of this run's source (and its comparisons) that another
    configuration made and that this run leaves as they are (e.g. the trends of other
    years); folders of other sources and other run names are none of its business."""
    expected = {
        kind: bri_scenario.folder_record(config, kind, CONFIGURED_DIGESTS)["fingerprint"]
        for kind in bri_scenario.FOLDER_KINDS
    }
    stale = bri_scenario.stale_folders(
        Path(RESULTS), expected, set(published_folders()), config["source"]
    )
    if stale:
        logger.warning(
            "These results folders were made with another configuration (or other years), "
            f"and this run leaves them as they are: {', '.join(RESULTS + f for f in stale)}. "
            "Delete them, or give each configuration its own run.name (docs/quickstart.md)."
        )


def job_memory_limit():
    """(MB, what sets it) a job may use: --resources mem_mb when given, else the machine's
    memory for a local run; (None, "") on a cluster without --resources mem_mb."""
    given = workflow.global_resources.get("mem_mb")
    if given is not None and given.value is not None:
        return int(given.value), "--resources mem_mb"
    if workflow.local_exec:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        return int(memory / 2**20), "the machine's memory"
    return None, ""


def check_accounts_engine():
    """Refuse config key accounts.engine: pymrio before any job when its memory request for a
    source of the run exceeds what a job may use (one paragraph, no traceback)."""
    if config["accounts"]["engine"] != "pymrio":
        return
    limit, origin = job_memory_limit()
    if limit is None:
        return
    for source in run_databases():
        need = mem_mb_for(ACCOUNTS_COPIES["pymrio"], source=source, native=True)(None)
        if need > limit:
            n = system_size(source, native=True)
            raise bri_errors.WorkflowInputError(
                f"config key accounts.engine is pymrio, whose calc_all holds about seven "
                f"dense n x n matrices: for {source} (n = {n}) the accounts job asks for "
                f"{need} MB, more than the {limit} MB a job may use ({origin}). Use the "
                f"default engine (accounts: {{engine: lu}}, about "
                f"{mem_mb_for(ACCOUNTS_COPIES['lu'], source=source, native=True)(None)} MB), "
                "or run where a job may use more memory (docs/performance.md)."
            )


with bri_errors.stop_on_input_error(logger.error):
    #: The databases of config key compare.sources, in their one name (empty: no comparison).
    COMPARED = bri_databases.compared_databases(config, SOURCES)
    bri_config_check.check_configured_files(config, Path.cwd())
    bri_preflight.check_tables(config, Path(".snakemake/bri-carbon/checked-tables"))
    check_upstream_years()
    check_local_data()
    check_gloria_files()
    drivers_years()
    check_accounts_engine()
    if workflow.is_main_process and not workflow.output_settings.dryrun:
        bri_config_check.check_writable([BUILD, RESOURCES, LOGS])

#: The sha256 of every file the configuration names (dotted config key -> sha256).
CONFIGURED_DIGESTS = bri_config_check.configured_digests(config)

# Folders of this run's source that another configuration made: named in a dry run here,
# in a real run when it starts (onstart in the Snakefile); --list-rules and the like say
# nothing about them.
if workflow.is_main_process and workflow.output_settings.dryrun:
    warn_of_stale_folders()

# Published outputs whose content is not what the workflow wrote (edited by hand, replaced,
# deleted) are made anew, each with a note (bri_carbon.runtime.publish).
if workflow.is_main_process:
    for note in bri_publish.regenerate_changed(
        bri_publish.manifest_path(RESULTS, config["source"]),
        dry_run=workflow.output_settings.dryrun,
    ):
        logger.warning(note)
