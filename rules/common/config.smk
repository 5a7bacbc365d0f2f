"""The configuration as the rules read it: years, the drivers years, labels and the
datasets table entry of a source."""

from bri_carbon.runtime import errors as bri_errors
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


def upstream_dataset(source):
    """The source's entry of the datasets table (config key datasets)."""
    return bri_datasets.read_dataset(config["datasets"], source)


def eora26_stressors():
    """Config key stressors.eora26 as a list of {stressor, source} labels tried in order
    (one mapping is a list of one)."""
    labels = config["stressors"]["eora26"]
    return [labels] if isinstance(labels, dict) else list(labels)


def excluded_categories(source):
    """Final-demand categories left out of the consumption-based accounts of ``source``
    (config key final_demand.exclude; the synthetic world uses Eora26's labels)."""
    table_source = "eora26" if source == "synthetic" else source
    return list(config["final_demand"]["exclude"].get(table_source, []))


def inventory_categories(source):
    """The final-demand categories of changes in inventories and valuables of ``source``,
    left out in the robustness variant no_inventories (config key
    robustness.inventory_categories; the synthetic world uses Eora26's labels)."""
    table_source = "eora26" if source == "synthetic" else source
    return list(config["robustness"]["inventory_categories"].get(table_source, []))
