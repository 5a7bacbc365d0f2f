"""Databases: a source in one release, as the comparison and the results folders name it.

A *database* is a source name (``eora26``, ``exiobase3``, any value of config key
``source``) or a source and a release joined by ``@`` (``exiobase3@3.8.2``). A bare name
means the source in its configured release (config key ``{source}.version``, for sources
published in several releases); ``source@release`` names another release of it. The
configured release is always spelled bare, so one database has one name, one results folder
(``results/{database}/{year}/``) and one harmonized file. A release is spelled without
leading zeros, as config key ``{source}.version`` spells it: GLORIA's release 060 is
``gloria@60`` (``gloria@060`` names the same database).

A new source plugs in by its name: it needs no entry here, only a place in the rules'
``SOURCES``; a source with releases needs a key ``{source}.version`` in the configuration and
``releases`` in the datasets table (:mod:`bri_carbon.sources.datasets`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from typing import Any

from bri_carbon.runtime import scenario
from bri_carbon.runtime.errors import WorkflowInputError

#: Joins a source and a release in a database name.
SEPARATOR = "@"
#: A release as a database name spells it (digits and dots, e.g. 3.10.2 or 60).
RELEASE = r"[0-9]+(?:\.[0-9]+)*"


def pattern(sources: Sequence[str]) -> str:
    """The regular expression (without groups) of a database name over ``sources``, for
    Snakemake's wildcard constraints."""
    names = "|".join(re.escape(source) for source in sources)
    return f"(?:{names})(?:{SEPARATOR}{RELEASE})?"


def normal_release(release: str) -> str:
    """A release as database names spell it: each dotted part without leading zeros
    (``060`` -> ``60``; ``3.10.2`` stays); text that is no release stays as it is."""
    if not re.fullmatch(RELEASE, release):
        return release
    return ".".join(str(int(part)) for part in release.split("."))


def split(database: str) -> tuple[str, str | None]:
    """``(source, release)`` of a database name (the release by :func:`normal_release`);
    release None for a bare source name."""
    source, separator, release = str(database).partition(SEPARATOR)
    return source, (normal_release(release) if separator else None)


def source_of(database: str) -> str:
    """The source of a database name, e.g. ``exiobase3`` of ``exiobase3@3.8.2``."""
    return split(database)[0]


def configured_release(config: Mapping[str, Any], source: str) -> str | None:
    """The release config key ``{source}.version`` names, or None for a source without
    releases."""
    settings = config.get(source)
    if isinstance(settings, Mapping) and settings.get("version") is not None:
        return str(settings["version"])
    return None


def release_of(config: Mapping[str, Any], database: str) -> str | None:
    """The release a database uses: the one its name gives, else the configured one."""
    source, release = split(database)
    return release if release is not None else configured_release(config, source)


def canonical(config: Mapping[str, Any], database: str) -> str:
    """The one name of a database: the bare source name for its configured release."""
    source, release = split(database)
    if release is None or release == configured_release(config, source):
        return source
    return f"{source}{SEPARATOR}{release}"


def database_config(config: Mapping[str, Any], database: str) -> dict[str, Any]:
    """The configuration a database's results are computed with: ``config`` with
    ``{source}.version`` set to the database's release (a deep copy; ``config`` itself for
    a bare name, copied)."""
    settings = copy.deepcopy(dict(config))
    source, release = split(database)
    if release is not None:
        own = dict(settings.get(source) or {})
        configured = own.get("version")
        own["version"] = type(configured)(release) if configured is not None else release
        settings[source] = own
    return settings


def folder_config(config: Mapping[str, Any], folder: str) -> Mapping[str, Any]:
    """The configuration a results folder (a path below a run's results root) is made
    with, which its fingerprint records: that of its database (:func:`database_config`)
    for the folders of one database, so its release is part of the fingerprint
    (``exiobase3@3.10.2/2023`` records ``exiobase3.version`` 3.10.2); ``config`` itself for
    a comparison of databases."""
    if scenario.folder_kind(folder) == "compare":
        return config
    return database_config(config, folder.split("/")[0])


def compared_databases(
    config: Mapping[str, Any], sources: Sequence[str], key: str = "compare.sources"
) -> list[str]:
    """The databases of config key ``key`` (``compare.sources``) in their one name and
    order; checked before any job: each names a known source (``sources``), a release only
    for a source with releases, and no database twice. Errors are one paragraph naming the
    key and the fix."""
    names = list(config.get("compare", {}).get("sources", []) or [])
    found: dict[str, str] = {}
    for name in names:
        source, release = split(name)
        if source not in sources:
            raise WorkflowInputError(
                f"config key {key} names {name!r}, whose source {source!r} is not one of "
                f"{', '.join(sources)}. Name a source, or a source and a release joined by "
                f'"{SEPARATOR}" (e.g. exiobase3{SEPARATOR}3.10.2).'
            )
        if release is not None and configured_release(config, source) is None:
            raise WorkflowInputError(
                f"config key {key} names {name!r}, but {source} has no releases to choose "
                f"from; write {source!r} alone."
            )
        database = canonical(config, name)
        if database in found:
            raise WorkflowInputError(
                f"config key {key} names one database twice: {found[database]!r} and "
                f"{name!r} are both {label(config, database)} (the configured release is "
                f"written {database!r}). List each database once."
            )
        found[database] = name
    if len(found) == 1:
        raise WorkflowInputError(
            f"config key {key} names one database; a comparison needs two or more (or an "
            "empty list for none)."
        )
    return list(found)


def label(config: Mapping[str, Any], database: str) -> str:
    """A database as people name it: ``exiobase3 3.9.6``, ``eora26``."""
    source = source_of(database)
    release = release_of(config, database)
    return f"{source} {release}" if release else source
