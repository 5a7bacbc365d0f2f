"""The configuration as the rules read it: years, the drivers years, labels, the databases
of a run and the datasets table entry of a database."""

from bri_carbon.runtime import errors as bri_errors
from bri_carbon.sources import databases as bri_databases
from bri_carbon.sources import datasets as bri_datasets


def config_years():
    """Years of the run, as strings, in config order."""
    return [str(year) for year in config["years"]]


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


#: The datasets table's entry of each database asked for (the table is read once each).
_UPSTREAM_DATASETS = {}


def upstream_dataset(database):
    """The database's entry of the datasets table (config key datasets), in its release."""
    if database not in _UPSTREAM_DATASETS:
        source = bri_databases.source_of(database)
        release = bri_databases.release_of(config, database)
        _UPSTREAM_DATASETS[database] = bri_datasets.read_dataset(
            config["datasets"], source, release
        )
    return _UPSTREAM_DATASETS[database]


def database_config(database):
    """The configuration the results of ``database`` are computed with (its release in
    config key {source}.version), see bri_carbon.sources.databases.database_config."""
    return bri_databases.database_config(config, database)


def run_databases():
    """The databases this run computes: the configured source and the compared ones
    (COMPARED, set by the checks before any job)."""
    return list(dict.fromkeys([config["source"], *COMPARED]))


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


def inventory_categories(source):
    """The final-demand categories of changes in inventories and valuables of ``source``,
    left out in the robustness variant no_inventories (config key
    robustness.inventory_categories; the synthetic world uses Eora26's labels)."""
    table_source = "eora26" if source == "synthetic" else source
    return list(config["robustness"]["inventory_categories"].get(table_source, []))
