"""Checks of the configured tables before any job: what can be known from the configuration
and the files it names is checked before the first job starts, so that a mistake never
surfaces half-way through a run.

- The grouping file (config key ``regions``) is read as every rule reads it
  (:func:`bri_carbon.sources.config_tables.read_regions`: one ``bri`` value per group, group
  names trimmed, two spellings of one group refused) and must group every region of each
  source of the run (the codes of ``data/region_codes.csv``; the synthetic world's
  configured countries).
- Every group named by a config key (:data:`GROUP_KEYS`) is a group of that file, and every
  region named by one (:data:`REGION_KEYS`) is a region of the data, grouped as BRI.
- The configured tables with numbers (exchange rates, the deflator, the paper's values) hold
  numbers in every cell the workflow reads, or the message names the file, line and column.

:func:`check_tables` runs them all; with a memo file it reads nothing again for a
configuration and tables that passed before (the memo holds the digest of the last that
passed), so that a rerun's Snakemake process does not import pandas (about 0.3 s): the
readers of :mod:`bri_carbon.sources.config_tables` are imported only when tables are read.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib.util
import json
import logging
from collections.abc import Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bri_carbon.runtime import atomic
from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources.databases import source_of

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

#: Config keys (dotted) whose values name groups of the grouping file.
GROUP_KEYS = ("findings.driver_groups", "findings.developed_groups")
#: Config keys (dotted) whose values name BRI regions (output region codes).
REGION_KEYS = ("findings.without_regions",)


def _get(config: Mapping[str, Any], dotted: str) -> Any:
    value: Any = config
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _set(config: MutableMapping[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    target: Any = config
    for part in parents:
        target = target[part]
    target[last] = value


def source_regions(
    region_codes: pd.DataFrame, source: str, countries: Sequence[str] | None = None
) -> list[str]:
    """The output region codes of ``source``'s data, from the region code table: every
    region the table maps the source's codes to (the synthetic world: Eora26's codes, or
    only those of its configured ``countries``), in table order."""
    table_source = "eora26" if source == "synthetic" else source
    rows = region_codes[region_codes["source"] == table_source]
    if source == "synthetic" and countries:
        rows = rows[rows["source_code"].isin(list(countries))]
    return list(dict.fromkeys(rows["region"]))


def run_sources(config: Mapping[str, Any]) -> list[str]:
    """The sources a run computes: its source and those of the compared databases
    (``exiobase3@3.10.2`` is source ``exiobase3``; releases share regions and tables)."""
    databases = [config["source"], *(config["compare"]["sources"] or [])]
    return list(dict.fromkeys(source_of(database) for database in databases))


def _closest(name: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def trim_names(config: MutableMapping[str, Any]) -> None:
    """Trim the names that the config keys of :data:`GROUP_KEYS` and :data:`REGION_KEYS`
    give (as text), in place."""
    for key in (*GROUP_KEYS, *REGION_KEYS):
        _set(config, key, [str(name).strip() for name in _get(config, key) or []])


def check_grouping(config: MutableMapping[str, Any]) -> pd.DataFrame:
    """Check the grouping file against the data's regions and the config keys that name
    groups and regions; trim the names those keys give. Returns the grouping."""
    from bri_carbon.sources import config_tables

    trim_names(config)
    path = Path(config["regions"])
    regions = config_tables.read_regions(path)
    codes = config_tables.read_region_codes(Path(config["region_codes"]))
    countries = (config.get("synthetic") or {}).get("countries")
    data_regions: dict[str, list[str]] = {}
    for source in run_sources(config):
        data_regions[source] = source_regions(codes, source, countries)
        missing = [code for code in data_regions[source] if code not in regions.index]
        if missing:
            raise WorkflowInputError(
                f"{path} (config key regions) does not group these regions of the {source} "
                f"data: {missing}. Add one row per code (iso3,name,bri,group); every region "
                "of the data must belong to a group."
            )
    groups = list(dict.fromkeys(regions["group"]))
    for key in GROUP_KEYS:
        names = _get(config, key)
        for name in names:
            if name not in groups:
                raise WorkflowInputError(
                    f"config key {key} names the group {name!r}{_closest(name, groups)}, "
                    f"which {path} (config key regions) does not have; its groups: {groups}. "
                    f"Set {key} to groups of that file (e.g. after renaming a group there)."
                )
    known = set().union(*data_regions.values())
    for key in REGION_KEYS:
        names = _get(config, key)
        for name in names:
            if name not in known:
                raise WorkflowInputError(
                    f"config key {key} names the region {name!r}{_closest(name, sorted(known))}, "
                    f"which is not a region of the data of this run ({', '.join(data_regions)}). "
                    f"Use region codes of {path}, or remove it ({key}: [] for none)."
                )
            if not regions.loc[name, "bri"]:
                raise WorkflowInputError(
                    f"config key {key} names the region {name!r}, which {path} groups as not "
                    f"BRI ({regions.loc[name, 'group']!r}); it lists BRI regions to leave out "
                    "of the BRI readings. Remove it, or mark its group BRI."
                )
    return regions


def _number_tables(config: Mapping[str, Any]) -> list[tuple[Path, str]]:
    """(file, name of its reader in :mod:`bri_carbon.sources.config_tables`) of every
    configured table of numbers the run uses."""
    tables = [(config["findings"]["paper_values"], "read_paper_values")]
    if "exiobase3" in run_sources(config):
        tables.append((config["exchange_rates"], "read_exchange_rates"))
    deflator = (config.get("drivers") or {}).get("deflator")
    if deflator:
        tables.append((deflator, "read_price_index"))
    return [(Path(path), reader) for path, reader in tables]


def check_number_tables(config: Mapping[str, Any]) -> None:
    """Read the configured tables of numbers the run uses, as the rules read them: a cell
    that is not a number stops the run before any job, naming the file, line and column."""
    from bri_carbon.sources import config_tables

    for path, reader in _number_tables(config):
        getattr(config_tables, reader)(path)


def _table_paths(config: Mapping[str, Any]) -> list[Path]:
    """The files :func:`check_grouping` and :func:`check_number_tables` read."""
    grouping = [Path(config["regions"]), Path(config["region_codes"])]
    return grouping + [path for path, _ in _number_tables(config)]


def checked_digest(config: Mapping[str, Any]) -> str | None:
    """sha256 of what the checks depend on: the configuration, the bytes of every table
    they read and the code that reads them; None when a table cannot be read (the checks
    then say why)."""
    readers = importlib.util.find_spec("bri_carbon.sources.config_tables")
    code = [Path(__file__), Path(readers.origin)] if readers and readers.origin else []
    if not code:
        return None
    digest = hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode())
    try:
        for path in (*_table_paths(config), *code):
            digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    except OSError:
        return None
    return digest.hexdigest()


def check_tables(config: MutableMapping[str, Any], memo: Path | None = None) -> None:
    """Every check of this module (see the module docstring), before any job.

    ``memo``: a file holding the :func:`checked_digest` of the last configuration and
    tables that passed; when it matches, nothing is read again. It is written after the
    checks pass (a memo that cannot be read or written only costs the reading).
    """
    trim_names(config)
    digest = checked_digest(config) if memo is not None else None
    if digest is not None and memo is not None:
        try:
            if memo.read_text().strip() == digest:
                return
        except OSError:
            pass
    check_grouping(config)
    check_number_tables(config)
    if digest is not None and memo is not None:
        try:
            memo.parent.mkdir(parents=True, exist_ok=True)
            atomic.write_text(memo, digest + "\n")
        except OSError as err:
            log.debug("memo of the checked tables not written (%s): %s", memo, err)
