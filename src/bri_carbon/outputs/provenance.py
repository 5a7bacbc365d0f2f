"""Provenance of one source and year: what went in, with which code, from which command.

``results/{source}/{year}/provenance.json`` records the sha256 of every raw input file, the
dataset's release, DOI, licence, citation and the caveats of the year, the CO2 satellite
rows used, the resolved configuration (credential-like keys removed), the versions of every
distribution the run uses (read from the environment), the git commit and the command line
of the run.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
import platform
import re
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bri_carbon.runtime.config_check import configured_files, file_digest
from bri_carbon.runtime.digests import sha256_file
from bri_carbon.runtime.errors import WorkflowInputError

log = logging.getLogger(__name__)

#: The distribution of this workflow; the packages a run uses are its requirements.
PROJECT = "bri-carbon"
#: Extras of :data:`PROJECT` that belong to a run's environment (the SLURM executor plugin
#: of cluster runs; envs/bri-carbon.yaml installs it too). The test extra does not.
RUNTIME_EXTRAS = ("slurm",)

#: Config keys that are never recorded (credentials come from the environment only).
_SECRET_KEY = re.compile(r"pass(word|wd)?|token|secret|credential|api[_-]?key|auth", re.I)
_YEAR_IN_NAME = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")


def raw_files(raw_dir: Path, year: int, names: Sequence[str] | None = None) -> list[Path]:
    """The raw files of one year under ``raw_dir``, sorted.

    A file belongs to the year when its path names that year, or names no year at all
    (files shared by every year, such as label tables). Hidden files (partial downloads)
    are skipped. ``names``, when given, keeps only the files of those names and their
    records (``{name}.json``): the release's own files where several releases share one
    folder (GLORIA's ``resources/raw/gloria/``).
    """
    if not raw_dir.is_dir():
        raise WorkflowInputError(
            f"raw data folder {raw_dir} does not exist; run the retrieve step."
        )
    selected = []
    for path in sorted(raw_dir.rglob("*")):
        relative = path.relative_to(raw_dir)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        if names is not None and path.name.removesuffix(".json") not in names:
            continue
        years = {int(match.group(0)) for match in _YEAR_IN_NAME.finditer(str(relative))}
        if not years or year in years:
            selected.append(path)
    return selected


def file_manifest(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """``path`` (as given), ``bytes`` and ``sha256`` of each file."""
    return [
        {
            "path": path.as_posix(),
            "bytes": path.stat().st_size,
            "sha256": sha256_file(path),
        }
        for path in paths
    ]


def without_secrets(value: Any) -> Any:
    """A copy of a config structure without keys that look like credentials."""
    if isinstance(value, Mapping):
        return {
            str(key): without_secrets(item)
            for key, item in value.items()
            if not _SECRET_KEY.search(str(key))
        }
    if isinstance(value, list | tuple):
        return [without_secrets(item) for item in value]
    return value


def runtime_distributions(
    project: str = PROJECT, extras: Sequence[str] = RUNTIME_EXTRAS
) -> list[str]:
    """The distributions a run uses: ``project`` and, transitively, every requirement its
    installed metadata declares whose environment marker holds here (``extras`` of
    ``project`` included, no other extras), by their normalized names, sorted. A requirement
    that is not installed is listed too (:func:`package_versions` records it as such)."""
    found: set[str] = set()
    pending: list[tuple[str, frozenset[str]]] = [(project, frozenset(extras))]
    while pending:
        name, wanted = pending.pop()
        key = canonicalize_name(name)
        if key in found:
            continue
        found.add(key)
        try:
            requires = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for text in requires:
            requirement = Requirement(text)
            marker = requirement.marker
            holds = marker is None or any(
                marker.evaluate({"extra": extra}) for extra in ("", *sorted(wanted))
            )
            if holds:
                pending.append((requirement.name, frozenset(requirement.extras)))
    return sorted(found)


def package_versions(names: Sequence[str] | None = None) -> dict[str, str]:
    """Installed version of each distribution (default: :func:`runtime_distributions`;
    ``not installed`` when absent) and of Python, read from the environment's metadata
    (importlib.metadata)."""
    versions = {"python": platform.python_version()}
    for name in runtime_distributions() if names is None else names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_commit(directory: Path) -> dict[str, Any]:
    """``commit`` (HEAD, or ``unknown`` outside a git checkout) and ``dirty`` (uncommitted
    changes; null when unknown) of the repository holding ``directory``."""

    def git(*args: str) -> str | None:
        try:
            result = subprocess.run(
                ["git", "-C", str(directory), *args],
                capture_output=True,
                text=True,
                timeout=30,
                check=True,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return result.stdout.strip()

    commit = git("rev-parse", "HEAD")
    if not commit:
        return {"commit": "unknown", "dirty": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def provenance_record(
    *,
    source: str,
    year: int,
    raw_dir: Path,
    dataset: Mapping[str, Any],
    config: Mapping[str, Any],
    command_line: str,
    repository: Path,
    harmonized_attrs: Mapping[str, Any] | None = None,
    fingerprint: str | None = None,
    raw_names: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The JSON-ready provenance of one source and year (see the module docstring).

    ``dataset``: the description of the dataset (title, release, DOI, licence, citation,
    caveats of the year: bri_carbon.sources.datasets.describe, which reads the datasets
    table with the parser of the retrieve rules).

    ``fingerprint``: that of the configuration which made the results folder
    (bri_carbon.runtime.scenario; the folder's fingerprint.json holds its settings).

    ``harmonized_attrs``: the attributes of the harmonized dataset; the satellite rows that
    make up its CO2 account (``co2_rows``) and the exchange rate used, if any, are recorded.

    ``raw_names``: the names of the year's raw files where ``raw_dir`` holds several
    releases (see :func:`raw_files`); None records every raw file of the year there.
    """
    files = raw_files(raw_dir, year, raw_names)
    if not files:
        raise WorkflowInputError(
            f"no raw input files of {source} {year} under {raw_dir}; run the retrieve step."
        )
    return {
        "source": source,
        "year": year,
        "raw_inputs": file_manifest(files),
        "dataset": dict(dataset),
        "config": without_secrets(config),
        "configured_files": configured_file_manifest(config),
        "packages": package_versions(),
        "git": git_commit(repository),
        "command_line": command_line,
        "fingerprint": fingerprint,
        **harmonization_record(harmonized_attrs or {}),
    }


def configured_file_manifest(config: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """The files the configuration names, by config key: path and sha256 (the content the
    results were computed from; a rerun follows the content, not the modification time)."""
    return {
        key: {"path": path, "sha256": file_digest(path)}
        for key, path in sorted(configured_files(config).items())
        if Path(path).is_file()
    }


#: Attributes the GLORIA reader leaves in the harmonized dataset (JSON text where marked):
#: the release, the valuation, the regions dropped for having no entry, and what the
#: construct could not carry (bri_carbon.harmonize.gloria_year.YearReport).
GLORIA_ATTRS = {
    "gloria_version": False,
    "valuation": False,
    "dropped_regions": True,
    "lost_emissions_mt": False,
    "lost_value_added_musd": False,
    "lost_inputs_musd": False,
}


def harmonization_record(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """What the harmonize step chose: the CO2 satellite rows used (as the file labels them),
    the USD per EUR rate with its source (EXIOBASE), and GLORIA's release, the regions it
    dropped and what its construct could not carry (:data:`GLORIA_ATTRS`)."""
    record: dict[str, Any] = {}
    if "co2_rows" in attrs:
        record["co2_rows"] = json.loads(str(attrs["co2_rows"]))
    for key in ("usd_per_eur", "exchange_rate_source"):
        if key in attrs:
            record[key] = attrs[key]
    for key, is_json in GLORIA_ATTRS.items():
        if key in attrs:
            record[key] = json.loads(str(attrs[key])) if is_json else attrs[key]
    return record
