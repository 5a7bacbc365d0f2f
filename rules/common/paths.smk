"""Where a run reads and writes: the run's roots, the results folders and the raw files.

The roots come from bri_carbon.runtime.scenario (config key run.name); every rule writes
its output paths once, below these patterns, and later rules take them from
``rules.<name>.output``.
"""

from bri_carbon.runtime import publish as bri_publish
from bri_carbon.runtime import scenario as bri_scenario
from bri_carbon.sources import databases as bri_databases
from bri_carbon.sources import gloria_layout as bri_gloria_layout

#: The sources a run can read.
SOURCES = ["synthetic", "eora26", "exiobase3", "gloria"]
#: The wildcard ``source``: a database, i.e. a source or a source and a release joined by
#: "@" (exiobase3@3.8.2, gloria@60), see bri_carbon.sources.databases.
DATABASE = bri_databases.pattern(SOURCES)

#: The run's path segment: "" for the unnamed run, "{run.name}/" for a named one.
RUN_PREFIX = bri_scenario.run_prefix(config["run"]["name"])
#: The run's published results and logs: results/ and logs/, or results/{name}/ and
#: logs/{name}/.
RESULTS = f"results/{RUN_PREFIX}"
LOGS = f"logs/{RUN_PREFIX}"
#: The run's build tree: every rule writes below it, never into the published folders;
#: rule publish replaces each published folder under RESULTS whole when the run's last
#: job has succeeded (bri_carbon.runtime.publish).
BUILD = f"{bri_publish.build_root(RESULTS).as_posix()}/"
#: The run's synthetic raw tables and harmonized datasets, with their logs: shared under
#: resources/ unless a named run changes a setting that shapes them.
RESOURCES_PREFIX = RUN_PREFIX if bri_scenario.own_resources(config, DEFAULT_CONFIG) else ""
RESOURCES = f"resources/{RESOURCES_PREFIX}"
RESOURCE_LOGS = f"logs/{RESOURCES_PREFIX}"

#: Every result of one database and year is built under this folder (published as
#: RESULTS/{source}/{year}); rules write their output paths once, below it, and later rules
#: take them from ``rules.<name>.output``.
RESULT = f"{BUILD}{{source}}/{{year}}"
#: The results across years of one source, a drivers decomposition and the comparison of
#: databases of one year (published as RESULTS/compare/{year}).
TRENDS = f"{BUILD}{{source}}/trends"
DRIVERS = f"{BUILD}{{source}}/drivers/{{base}}_{{target}}"
COMPARE = f"{BUILD}compare/{{year}}"
#: The harmonized (native) dataset of one source and year.
HARMONIZED = f"{RESOURCES}harmonized/{{source}}/{{year}}.nc"
#: The HTML report of one source: every configured year's findings, figures and tables
#: (built here, published as RESULTS/{source}/report.html with the folders it describes).
REPORT = f"{BUILD}{{source}}/report.html"
#: The flow explorer of one source, beside the report: every configured year in one page
#: (built here, published as RESULTS/{source}/explorer.html with the report).
EXPLORER = f"{BUILD}{{source}}/explorer.html"


def raw_dir(database):
    """The folder of a database's raw upstream files: the synthetic world's belongs to the
    run's resources; real downloads are shared by every run under resources/raw/{source}/,
    in a folder per release for a source whose releases share upstream file names
    (EXIOBASE; GLORIA's names carry the release, so its releases share resources/raw/gloria/,
    as they share {local_data}/gloria/)."""
    source = bri_databases.source_of(database)
    if source == "synthetic":
        return f"{RESOURCES}raw/synthetic"
    folder = upstream_dataset(database).release_folder
    return f"resources/raw/{source}/{folder}" if folder else f"resources/raw/{source}"


def exiobase3_archive(year="{year}", database="exiobase3"):
    """resources/raw/exiobase3/{version}/IOT_{year}_{system}.zip of the database's release
    and the configured system."""
    return f"{raw_dir(database)}/IOT_{year}_{config['exiobase3']['system']}.zip"


def exiobase3_concordance():
    """The sector concordance of the configured EXIOBASE system (shipped under data/)."""
    return f"data/concordances/exio3_{config['exiobase3']['system']}.csv"


#: The GLORIA sector concordance (120 sectors -> 26 common sectors), shipped under data/.
GLORIA_CONCORDANCE = "data/concordances/gloria.csv"


def gloria_files(year, database="gloria"):
    """The three upstream files of one GLORIA year in the release of ``database`` (``gloria``:
    config key gloria.version; ``gloria@60``: release 60), by role (mrio, satellites,
    readme), as copied to resources/raw/gloria/ from {local_data}/gloria/."""
    release = int(bri_databases.release_of(config, database))
    names = bri_gloria_layout.release_files(release, int(year))
    return {role: f"{raw_dir(database)}/{name}" for role, name in names.items()}


def fingerprint_of(folder_pattern):
    """Input ``fingerprint`` of every rule that writes into ``folder_pattern`` (RESULT,
    TRENDS, DRIVERS or COMPARE): the record of the configuration that makes the folder,
    written by rule fingerprint, which runs again when the configuration changes."""
    return f"{folder_pattern}/{bri_scenario.RECORD_NAME}"
