"""The configuration checked before any job: short messages that name the key, the value
given and what is allowed; the files it names exist and can be read.

Snakemake's own schema validation prints the whole schema (hundreds of lines) for one wrong
key; the Snakefile runs :func:`config_problems` first and stops with at most a few lines,
then lets ``snakemake.utils.validate`` fill in the defaults. Values from ``--config`` arrive
as text (``--config 'synthetic={"seed": 5}'`` gives the string ``"5"``);
:func:`coerce_numbers` turns such text into the numbers the schema asks for.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from bri_carbon.runtime.digests import sha256_file
from bri_carbon.runtime.errors import WorkflowInputError

#: A year range "first-last", both ends included.
YEAR_RANGE = re.compile(r"\s*(\d{4})\s*-\s*(\d{4})\s*")
#: Problems listed in one message (the first ones; the rest are counted).
SHOWN_PROBLEMS = 3
_SENTENCE_END = re.compile(r"(?<=[a-z)])\.\s+(?=[A-Z])")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _year_item(item: Any, position: int) -> Any:
    """One item of ``years``: a year given as text (``"2015"``, `` 2015 ``) as the number;
    a year written with quotes inside the text (``"'2015'"``) is named as such."""
    if not isinstance(item, str):
        return item
    text = item.strip()
    if text.isdigit():
        return int(text)
    bare = text.strip("'\"").strip()
    if bare.isdigit() and bare != text:
        raise WorkflowInputError(
            f"config key years (item {position + 1}): {item!r} is a year with quotes inside "
            f"the text; write it as a number: {bare}."
        )
    return item


def expand_years(value: Any) -> Any:
    """``years`` as a list of integers: one year (a number or text), a list (text items
    converted) or a range string ``"1990-2016"``. A reversed range, a year with quotes in
    its text and a year listed twice are errors that say so and how to write it; other
    values are returned unchanged for the schema to judge."""
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    if isinstance(value, str):
        match = YEAR_RANGE.fullmatch(value)
        if not match:
            single = _year_item(value, 0)
            return [single] if isinstance(single, int) else value
        first, last = int(match.group(1)), int(match.group(2))
        if first > last:
            raise WorkflowInputError(
                f"config key years: the range {value.strip()!r} runs backwards (from {first} "
                f"down to {last}); write it from the first year to the last, e.g. "
                f"years={last}-{first}."
            )
        return list(range(first, last + 1))
    if isinstance(value, list):
        years = [_year_item(item, position) for position, item in enumerate(value)]
        twice = sorted({y for y in years if isinstance(y, int) and years.count(y) > 1})
        if twice:
            raise WorkflowInputError(
                f"config key years lists {', '.join(map(str, twice))} more than once "
                f"({value}); list each year once."
            )
        return years
    return value


def _types(schema: Mapping[str, Any], root: Mapping[str, Any]) -> set[str]:
    """The JSON types a (sub)schema allows, following $ref, oneOf and anyOf."""
    schema = _resolved(schema, root)
    kinds = schema.get("type", [])
    found = {kinds} if isinstance(kinds, str) else set(kinds)
    for key in ("oneOf", "anyOf"):
        for option in schema.get(key, []):
            found |= _types(option, root)
    return found


def _resolved(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    """``schema`` with a local ``$ref`` (``#/$defs/name``) followed."""
    reference = schema.get("$ref")
    if not reference:
        return schema
    target: Any = root
    for part in reference.removeprefix("#/").split("/"):
        target = target[part]
    return target


def _number(text: str, kinds: set[str]) -> Any:
    """``text`` as an int or float where the schema wants one, else ``text`` unchanged."""
    if not _NUMBER.fullmatch(text.strip()):
        return text
    value = float(text)
    if "integer" in kinds and value.is_integer() and re.fullmatch(r"\s*[+-]?\d+\s*", text):
        return int(value)
    return value if "number" in kinds else text


def coerce_numbers(
    value: Any, schema: Mapping[str, Any], root: Mapping[str, Any] | None = None
) -> Any:
    """``value`` with the text of numeric fields turned into numbers, as the schema types
    them, and the text ``null`` into None where the schema allows null (``--config
    local_data=null`` gives that text); nested mappings and lists included; everything
    else unchanged."""
    root = root if root is not None else schema
    schema = _resolved(schema, root)
    kinds = _types(schema, root)
    if isinstance(value, str) and "null" in kinds and value.strip() == "null":
        return None
    if isinstance(value, str) and kinds & {"integer", "number"} and "string" not in kinds:
        return _number(value, kinds)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        return {
            key: coerce_numbers(item, properties[key], root) if key in properties else item
            for key, item in value.items()
        }
    if isinstance(value, list):
        items = schema.get("items")
        if items is None:
            options = [_resolved(o, root) for o in schema.get("oneOf", [])]
            items = next((o["items"] for o in options if "items" in o), None)
        return [coerce_numbers(item, items, root) for item in value] if items else value
    return value


def _key(error: ValidationError) -> str:
    """The dotted config key an error is about (``(top level)`` for the root); list items
    are named by their key and position, e.g. ``years (item 1)``."""
    keys = [str(part) for part in error.absolute_path if not isinstance(part, int)]
    items = [part for part in error.absolute_path if isinstance(part, int)]
    name = ".".join(keys) if keys else "(top level)"
    return f"{name} (item {items[-1] + 1})" if items else name


def _allowed(error: ValidationError) -> str:
    """What the schema allows at the place of ``error``, in a few words."""
    schema = error.schema
    if error.validator == "additionalProperties":
        known = sorted(schema.get("properties", {}))
        return f"known keys here: {', '.join(known)}"
    if error.validator == "enum":
        return f"allowed: {', '.join(map(str, error.validator_value))}"
    if error.validator == "not" and "enum" in error.validator_value:
        return f"not allowed here: {', '.join(map(str, error.validator_value['enum']))}"
    bounds = {
        "minimum": "at least",
        "maximum": "at most",
        "exclusiveMinimum": "more than",
        "exclusiveMaximum": "less than",
        "minItems": "at least this many items:",
        "maxItems": "at most this many items:",
    }
    if error.validator in bounds:
        return f"allowed: {bounds[error.validator]} {error.validator_value}"
    description = " ".join(str(schema.get("description", "")).split())
    if description:
        return shortened(_SENTENCE_END.split(description)[0], 200)
    return "see docs/configuration.md"


def shortened(text: str, limit: int) -> str:
    """``text`` cut at the last word boundary within ``limit`` characters, marked with
    "..." when cut (never in the middle of a word)."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " ..."


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    """The most specific errors under ``error`` (oneOf/anyOf alternatives explained by the
    first alternative's own errors, when it has any)."""
    if error.context:
        deepest = max(error.context, key=lambda e: len(e.absolute_path))
        if len(deepest.absolute_path) > len(error.absolute_path):
            yield from _leaves(deepest)
            return
    yield error


def config_problems(config: Mapping[str, Any], schema: Mapping[str, Any]) -> list[str]:
    """One line per problem of ``config`` against ``schema``: the key, the value given
    (shortened) and what is allowed. Empty when the configuration is valid."""
    validator = Draft202012Validator(schema)
    problems = []
    for error in sorted(validator.iter_errors(config), key=lambda e: list(map(str, e.path))):
        for leaf in _leaves(error):
            given = repr(leaf.instance)
            given = given if len(given) <= 80 else given[:77] + "..."
            if leaf.validator == "additionalProperties":
                unknown = sorted(set(leaf.instance) - set(leaf.schema.get("properties", {})))
                problems.append(
                    f"config key {_key(leaf)}: unknown key(s) {', '.join(unknown)}; "
                    f"{_allowed(leaf)}."
                )
            elif leaf.validator == "not":
                problems.append(f"config key {_key(leaf)}: {given} is reserved; {_allowed(leaf)}.")
            else:
                problems.append(
                    f"config key {_key(leaf)}: {given} is not valid ({leaf.message[:120]}); "
                    f"{_allowed(leaf)}."
                )
    return list(dict.fromkeys(problems))


def check_config(config: Mapping[str, Any], schema: Mapping[str, Any]) -> None:
    """Raise :class:`WorkflowInputError` with at most :data:`SHOWN_PROBLEMS` problems when
    ``config`` does not fit ``schema`` (the full reference is docs/configuration.md)."""
    problems = config_problems(config, schema)
    if problems:
        more = len(problems) - SHOWN_PROBLEMS
        lines = problems[:SHOWN_PROBLEMS] + ([f"... and {more} more."] if more > 0 else [])
        raise WorkflowInputError(
            "\n".join([*lines, "Every key is described in docs/configuration.md."])
        )


#: Config keys that name a file the workflow reads (dotted), checked before any job.
FILE_KEYS = (
    "regions",
    "region_codes",
    "datasets",
    "exchange_rates",
    "natural_earth.shapefile",
    "natural_earth.iso3_fixes",
    "findings.paper_values",
    "findings.us_eu28",
    "drivers.deflator",
)
#: Files a shapefile needs beside the .shp (the attribute table and the index).
SHAPEFILE_PARTS = (".dbf", ".shx")


def _get(config: Mapping[str, Any], dotted: str) -> Any:
    value: Any = config
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


#: Config keys (dotted) that name a folder.
FOLDER_KEYS = ("local_data",)


def expand_user(config: MutableMapping[str, Any]) -> None:
    """Expand a leading ``~`` (the home folder, as a shell would) in every config value
    that names a file or folder (:data:`FILE_KEYS`, :data:`FOLDER_KEYS`), in place."""
    for key in (*FILE_KEYS, *FOLDER_KEYS):
        *parents, last = key.split(".")
        holder: Any = config
        for part in parents:
            holder = holder.get(part) if isinstance(holder, Mapping) else None
        value = holder.get(last) if isinstance(holder, Mapping) else None
        if isinstance(value, str) and value.startswith("~"):
            holder[last] = os.path.expanduser(value)


def configured_files(config: Mapping[str, Any]) -> dict[str, str]:
    """The files the configuration names: config key (dotted) -> path, for the keys of
    :data:`FILE_KEYS` that are set (a shapefile's .dbf and .shx under the same key)."""
    files = {}
    for key in FILE_KEYS:
        path = _get(config, key)
        if path:
            files[key] = str(path)
            if key == "natural_earth.shapefile":
                stem = str(path).removesuffix(".shp")
                for suffix in SHAPEFILE_PARTS:
                    files[f"{key} ({suffix})"] = stem + suffix
    return files


def _unreadable(path: str) -> str | None:
    """Why ``path`` cannot be read as a file, or None when it can."""
    target = Path(path)
    if target.is_symlink() and not target.exists():
        return "is a link to nothing (a dangling or looping symbolic link)"
    if not target.exists():
        return "does not exist"
    if not target.is_file():
        return "is not a file"
    try:
        with target.open("rb") as handle:
            handle.read(1)
    except OSError as err:
        return f"cannot be read ({err.strerror or err})"
    return None


def check_configured_files(config: Mapping[str, Any], workdir: Path) -> None:
    """Stop before any job when a file the configuration names is missing or unreadable:
    one paragraph per file naming the key, the path and the fix."""
    problems = []
    for key, path in configured_files(config).items():
        reason = _unreadable(path)
        if reason:
            where = path if Path(path).is_absolute() else f"{path} (in {workdir})"
            problems.append(
                f"config key {key} names {where}, which {reason}. Fix the path in your config "
                "file or on the command line (paths are relative to the folder Snakemake "
                "runs in), or make the file readable."
            )
    if problems:
        raise WorkflowInputError("\n".join(problems))


@cache
def file_digest(path: str) -> str:
    """sha256 of a small file (configured and reference tables), once per process."""
    return sha256_file(path)


def configured_digests(config: Mapping[str, Any]) -> dict[str, str]:
    """The sha256 of every file the configuration names (dotted config key -> sha256)."""
    return {key: file_digest(path) for key, path in configured_files(config).items()}


def check_writable(folders: Sequence[str]) -> None:
    """Each of ``folders`` (or, where it does not exist yet, the nearest folder above it
    that does) takes a new file: otherwise the run stops before any job, in one paragraph
    naming the folder, the reason and the fix (a full or read-only file system, no
    permission, an immutable folder). Nothing is left behind."""
    for folder in folders:
        existing = Path(folder)
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        try:
            handle, probe = tempfile.mkstemp(dir=existing, prefix=".write-test.", suffix=".part")
            os.close(handle)
            os.unlink(probe)
        except OSError as err:
            if err.errno in (errno.ENOSPC, errno.EDQUOT):
                fix = f"free space on its file system (df -h {existing})"
            elif err.errno == errno.EROFS:
                fix = "run in a folder on a writable file system"
            else:
                fix = (
                    "make it writable for the user who runs the workflow (chmod u+w; an "
                    "immutable folder: lsattr, chattr -i)"
                )
            raise WorkflowInputError(
                f"the workflow cannot write in {existing}/ (for {folder}): "
                f"{err.strerror or err}. Before any job runs: {fix}, then run again; "
                "nothing was changed."
            ) from None
