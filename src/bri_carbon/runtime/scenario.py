"""Scenarios: where a run writes, and which configuration made each results folder.

A run may be named (config key ``run.name``, as in PyPSA-Eur); a named run writes its results
under ``results/{name}/`` and its logs under ``logs/{name}/``, and never into another run's
folders. Intermediate files under ``resources/`` are shared with the unnamed run as long as
the settings that shape them (:data:`RESOURCE_KEYS`) are those of ``config/config.yaml``;
a named run that changes one of them keeps its own under ``resources/{name}/``.

Every results folder (one database and year, the trends, a drivers decomposition, the
comparison of databases of one year) records the :func:`folder_record` of the
configuration that made it in ``fingerprint.json``. When the record changes, every rule
that writes into the folder runs again (they take the record as input), and the folder is
published whole (:mod:`bri_carbon.runtime.publish`), so it never mixes the outputs of two
configurations.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

#: Top-level config keys that change how a run executes, not what it computes.
EXECUTION_KEYS = ("run", "source", "local_data", "download", "compute_threads")
#: Top-level config keys of the folders across years; a folder of one year ignores them.
ACROSS_YEAR_KEYS = ("years", "drivers", "compare")
#: Per kind of results folder, the keys of ACROSS_YEAR_KEYS that shape it.
FOLDER_KINDS: dict[str, tuple[str, ...]] = {
    "year": (),
    "trends": ("years",),
    "drivers": ("drivers",),
    "compare": ("compare",),
}
#: Top-level config keys whose values shape the files under resources/ (the synthetic raw
#: tables and the harmonized datasets); real raw downloads are shared by every run.
RESOURCE_KEYS = (
    "synthetic",
    "region_codes",
    "natural_earth",
    "stressors",
    "exiobase3",
    "gloria",
    "exchange_rates",
)
#: The name of the record file in every results folder.
RECORD_NAME = "fingerprint.json"


def run_prefix(name: str | None) -> str:
    """The path segment of a run: ``"{name}/"`` for a named run, ``""`` otherwise."""
    return f"{name}/" if name else ""


def own_resources(config: Mapping[str, Any], defaults: Mapping[str, Any]) -> bool:
    """Whether a named run needs its own resources folder: some of :data:`RESOURCE_KEYS`
    differ between ``config`` (the run's resolved configuration) and ``defaults`` (the
    workflow's config/config.yaml). The unnamed run always uses resources/ itself."""
    if not config.get("run", {}).get("name"):
        return False
    return any(config.get(key) != defaults.get(key) for key in RESOURCE_KEYS)


def folder_settings(config: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """The configuration that shapes a results folder of ``kind`` (a key of
    :data:`FOLDER_KINDS`): every top-level key except :data:`EXECUTION_KEYS` and the keys
    across years that this kind does not use."""
    if kind not in FOLDER_KINDS:
        raise ValueError(f"unknown results folder kind {kind!r}; known: {sorted(FOLDER_KINDS)}")
    left_out = set(EXECUTION_KEYS) | (set(ACROSS_YEAR_KEYS) - set(FOLDER_KINDS[kind]))
    return {key: value for key, value in sorted(config.items()) if key not in left_out}


def folder_record(
    config: Mapping[str, Any], kind: str, file_digests: Mapping[str, str]
) -> dict[str, Any]:
    """The record of a results folder: its settings (:func:`folder_settings`), the sha256 of
    the files the configuration names (``file_digests``: dotted config key -> sha256; keys
    under left-out settings are dropped) and ``fingerprint``, the sha256 of both."""
    settings = folder_settings(config, kind)
    files = {
        key: digest for key, digest in sorted(file_digests.items()) if key.split(".")[0] in settings
    }
    canonical = json.dumps(
        {"settings": settings, "files": files}, sort_keys=True, separators=(",", ":"), default=str
    )
    return {
        "fingerprint": hashlib.sha256(canonical.encode()).hexdigest(),
        "kind": kind,
        "settings": settings,
        "files": files,
    }


def _short_digest(value: Any) -> str:
    """The first 10 hex digits of the sha256 of ``value`` as canonical JSON."""
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:10]


def setting_digests(
    config: Mapping[str, Any], kind: str, file_digests: Mapping[str, str]
) -> dict[str, str]:
    """A short digest per setting that shapes a results folder of ``kind``: one per
    second-level key of a mapping setting (``findings.driver_groups``), one per other
    setting (``identity_rtol``) and one per configured file (``file regions``, its sha256).
    Together they say what :func:`folder_record`'s fingerprint covers, key by key."""
    record = folder_record(config, kind, file_digests)
    digests = {}
    for key, value in record["settings"].items():
        if isinstance(value, Mapping) and value:
            for sub, item in value.items():
                digests[f"{key}.{sub}"] = _short_digest(item)
        else:
            digests[key] = _short_digest(value)
    for key, digest in record["files"].items():
        digests[f"file {key}"] = digest[:10]
    return digests


def setting_names(config: Mapping[str, Any], file_digests: Mapping[str, str]) -> list[str]:
    """Every name :func:`setting_digests` gives for some kind of folder, sorted."""
    names = set()
    for kind in FOLDER_KINDS:
        names |= set(setting_digests(config, kind, file_digests))
    return sorted(names)


def param_name(name: str) -> str:
    """A Python identifier for the setting ``name`` (a Snakemake param name)."""
    return "setting_" + re.sub(r"\W+", "_", name).strip("_")


def recorded_fingerprint(folder: Path) -> str | None:
    """The fingerprint in ``folder``/fingerprint.json, or None when there is none (or it
    cannot be read)."""
    try:
        return json.loads((folder / RECORD_NAME).read_text())["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


#: A database as a results folder names it: a source, or a source and a release joined by
#: "@" (bri_carbon.sources.databases).
_DATABASE = r"[a-z0-9]+(?:@[0-9]+(?:\.[0-9]+)*)?"
#: The results folders below a run's results root, by kind: the comparison of databases of
#: one year (first: ``compare`` is no database), one database and year, the trends of a
#: source, a drivers decomposition.
FOLDER_PATTERNS = {
    "compare": r"compare/\d{4}",
    "year": rf"{_DATABASE}/\d{{4}}",
    "trends": rf"{_DATABASE}/trends",
    "drivers": rf"{_DATABASE}/drivers/\d{{4}}_\d{{4}}",
}
#: Any results folder (a wildcard constraint without groups, as Snakemake needs).
FOLDER = re.compile("|".join(f"(?:{pattern})" for pattern in FOLDER_PATTERNS.values()))


def folder_kind(folder: str) -> str:
    """The kind (a key of :data:`FOLDER_KINDS`) of a results folder given by its path
    below the run's results root, e.g. ``synthetic/2015`` -> ``year``."""
    for kind, pattern in FOLDER_PATTERNS.items():
        if re.fullmatch(pattern, folder):
            return kind
    raise ValueError(f"{folder!r} is not a results folder (e.g. synthetic/2015)")


def compared_databases(folder: Path) -> list[str]:
    """The databases a comparison folder's record names (its settings' compare.sources);
    empty when there is no readable record."""
    try:
        record = json.loads((folder / RECORD_NAME).read_text())
        return [str(name) for name in record["settings"]["compare"]["sources"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def concerns(folder: str, source: str, compared: Sequence[str] = ()) -> bool:
    """True when the results folder ``folder`` (a path below a results root) holds results
    of ``source``: one of its own folders (of any release), or a comparison whose databases
    (``compared``, as its record names them: ``eora26``, ``exiobase3@3.10.2``) include it."""
    parts = folder.split("/")
    if parts[0] == "compare":
        return any(name.split("@")[0] == source for name in compared)
    return parts[0].split("@")[0] == source


def stale_folders(
    root: Path, expected: Mapping[str, str], targeted: set[str], source: str
) -> list[str]:
    """Results folders of ``source`` below ``root`` (a run's results root) that this run
    leaves alone although another configuration made them: a record whose fingerprint
    differs from ``expected`` (folder kind -> fingerprint of the current configuration), in
    folders not among ``targeted`` (paths below ``root``). Folders of other sources and of
    named runs (below ``root``/{name}/) are left out. Sorted paths below ``root``."""
    stale = []
    for record in sorted(root.glob(f"**/{RECORD_NAME}")):
        folder = record.parent.relative_to(root).as_posix()
        if folder in targeted or not FOLDER.fullmatch(folder):
            continue
        if not concerns(folder, source, compared_databases(record.parent)):
            continue
        if recorded_fingerprint(record.parent) != expected[folder_kind(folder)]:
            stale.append(folder)
    return stale
