"""The datasets table (``data/datasets.yaml``): upstream files, URLs, checksums, licences.

One entry per real-data source (``eora26``, ``exiobase3``). The retrieve rules and scripts
read everything they need from here: which file names exist for a year (and EXIOBASE
system), where to download them, which checksums to verify, which years the release covers
and whether an account is needed, and how the server wants it: a form login (``login``,
which checks the account and sets a session cookie) and, per file, the account as URL query
parameters (``files.<role>.credentials_in_query``). The synthetic source is made locally and
has no entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.runtime.yaml_files import check_yaml

#: Checksum algorithms the table may give per file, in the order they are verified.
CHECKSUM_ALGORITHMS = ("md5", "sha256")
#: Keys a file of the table may have.
FILE_KEYS = ("name", "url", "credentials_in_query")
#: Host names of the loopback interface: a test server there may take an account over HTTP.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def safe_for_account(url: str) -> bool:
    """Whether an account may be sent to ``url``: HTTPS, or HTTP to a test server on the
    loopback interface (never leaving the machine)."""
    parts = urlsplit(url)
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS)


def check_account_urls(dataset: Dataset, where: str) -> None:
    """Every URL of a dataset that needs an account (its login and its files, which get the
    session cookie or the account in the query) must be :func:`safe_for_account`."""
    if dataset.credentials is None:
        return
    urls = {f"{where}.files.{role}.url": spec["url"] for role, spec in dataset.files.items()}
    if dataset.login is not None:
        urls[f"{where}.login.url"] = dataset.login.url
    for key, url in urls.items():
        if not safe_for_account(url):
            raise WorkflowInputError(
                f"{key} is {url}, which is not an https:// address: the {dataset.source} "
                "account (or its session) would travel in clear text, so nothing is sent "
                "there. Write the https:// address (only a test server on 127.0.0.1 or "
                "localhost may use http://)."
            )


@dataclass(frozen=True)
class CredentialSpec:
    """Where an account comes from: two environment variables, else ``~/.netrc``."""

    email_variable: str
    password_variable: str
    netrc_host: str


@dataclass(frozen=True)
class LoginSpec:
    """A form login: POST ``email_field``/``password_field`` (plus ``extra_fields``) to
    ``url``; a response containing any of ``failure_markers`` means wrong credentials."""

    url: str
    email_field: str
    password_field: str
    extra_fields: dict[str, str] = field(default_factory=dict)
    failure_markers: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryCredentials:
    """A file the server gives only with the account in the URL's query: the account's email
    goes in the query field ``email_field``, its password in ``password_field``."""

    email_field: str
    password_field: str


@dataclass(frozen=True)
class RemoteFile:
    """One upstream file: its name, URL (without any secret) and the checksums known for it
    (None = unknown); ``credentials_in_query`` when the account must be in the URL's query."""

    role: str
    name: str
    url: str
    md5: str | None = None
    sha256: str | None = None
    credentials_in_query: QueryCredentials | None = None


@dataclass(frozen=True)
class Dataset:
    """One source's entry of the datasets table.

    ``files`` maps a role to its ``name`` and ``url`` templates; ``credentials_in_query``
    maps a role to how that file carries the account in its URL (roles absent: it does not).
    """

    source: str
    title: str
    version: str
    homepage: str
    license: str
    citation: str
    first_year: int
    last_year: int
    files: dict[str, dict[str, str]]
    checksums: dict[str, dict[str, str | None]]
    systems: tuple[str, ...] = ()
    credentials: CredentialSpec | None = None
    login: LoginSpec | None = None
    checksum_listing: str | None = None
    credentials_in_query: dict[str, QueryCredentials] = field(default_factory=dict)

    def check_year(self, year: int) -> None:
        """Fail with a clear message unless the release covers ``year``."""
        if not self.first_year <= int(year) <= self.last_year:
            raise WorkflowInputError(
                f"{self.source} {self.version} covers the years {self.first_year}-"
                f"{self.last_year}; config key years asks for {year}. Choose years in that range."
            )

    def check_system(self, system: str | None) -> None:
        """Fail unless ``system`` is one of the release's systems (when it has any)."""
        if self.systems and system not in self.systems:
            raise WorkflowInputError(
                f"{self.source} has the systems {list(self.systems)}; got {system!r} "
                f"(config key {self.source}.system)."
            )

    def file(self, role: str, year: int | None = None, system: str | None = None) -> RemoteFile:
        """The upstream file of ``role`` (``archive``, ``indices``) for one year and system."""
        if role not in self.files:
            raise WorkflowInputError(
                f"datasets table: {self.source} has no file {role!r}; it has {sorted(self.files)}"
            )
        spec = self.files[role]
        values = {"year": "" if year is None else int(year), "system": system or ""}
        name = spec["name"].format(**values)
        known = self.checksums.get(name, {})
        return RemoteFile(
            role=role,
            name=name,
            url=spec["url"].format(**values),
            md5=_checksum(known.get("md5")),
            sha256=_checksum(known.get("sha256")),
            credentials_in_query=self.credentials_in_query.get(role),
        )


def _checksum(value: Any) -> str | None:
    """A hex digest in lower case, or None when the table leaves it empty."""
    if value is None or str(value).strip() == "":
        return None
    return str(value).strip().lower()


def _required(entry: dict[str, Any], key: str, where: str) -> Any:
    if key not in entry:
        raise WorkflowInputError(f"datasets table {where} lacks the key {key!r}")
    return entry[key]


def parse_query_credentials(value: Any, where: str) -> QueryCredentials:
    """Read a ``credentials_in_query`` value: ``{email: FIELD, password: FIELD}`` naming two
    different URL query fields. Errors name ``where`` (file and key) and show the form."""
    example = "{email: email, password: pass}"
    if not isinstance(value, dict) or set(value) != {"email", "password"}:
        keys = sorted(map(str, value)) if isinstance(value, dict) else type(value).__name__
        raise WorkflowInputError(
            f"{where}.credentials_in_query must map exactly the keys email and password to "
            f"the names of the URL query fields that carry them, e.g. {example}; got {keys}."
        )
    email, password = value["email"], value["password"]
    if not all(isinstance(name, str) and name.strip() for name in (email, password)):
        raise WorkflowInputError(
            f"{where}.credentials_in_query: the query field names must be non-empty text, "
            f"e.g. {example}."
        )
    if email.strip() == password.strip():
        raise WorkflowInputError(
            f"{where}.credentials_in_query: email and password need two different query "
            f"fields, e.g. {example}."
        )
    return QueryCredentials(email_field=email.strip(), password_field=password.strip())


def parse_entry(source: str, entry: dict[str, Any], path: Path) -> Dataset:
    """Build a :class:`Dataset` from one entry of the table; errors name ``path``."""
    where = f"{path}: {source}"
    years = _required(entry, "years", where)
    files = _required(entry, "files", where)
    in_query = {}
    for role, spec in files.items():
        for key in ("name", "url"):
            _required(spec, key, f"{where}.files.{role}")
        unknown = sorted(set(spec) - set(FILE_KEYS))
        if unknown:
            raise WorkflowInputError(
                f"{where}.files.{role}: unknown keys {unknown}; a file has {list(FILE_KEYS)}"
            )
        if spec.get("credentials_in_query") is not None:
            in_query[role] = parse_query_credentials(
                spec["credentials_in_query"], f"{where}.files.{role}"
            )
            if not entry.get("credentials"):
                raise WorkflowInputError(
                    f"{where}.files.{role}.credentials_in_query needs the entry's key "
                    "credentials (the environment variables and ~/.netrc host of the account)."
                )
    checksums = entry.get("checksums") or {}
    for name, values in checksums.items():
        unknown = sorted(set(values or {}) - set(CHECKSUM_ALGORITHMS))
        if unknown:
            raise WorkflowInputError(
                f"{where}.checksums.{name}: unknown algorithms {unknown}; "
                f"use {list(CHECKSUM_ALGORITHMS)}"
            )
    credentials = entry.get("credentials")
    login = entry.get("login")
    dataset = Dataset(
        source=source,
        title=str(entry.get("title", source)),
        version=str(_required(entry, "version", where)),
        homepage=str(entry.get("homepage", "")),
        license=str(_required(entry, "license", where)),
        citation=str(entry.get("citation", "")),
        first_year=int(_required(years, "first", f"{where}.years")),
        last_year=int(_required(years, "last", f"{where}.years")),
        files={
            role: {"name": str(spec["name"]), "url": str(spec["url"])}
            for role, spec in files.items()
        },
        checksums={name: dict(values or {}) for name, values in checksums.items()},
        systems=tuple(entry.get("systems") or ()),
        credentials=CredentialSpec(**credentials) if credentials else None,
        login=(
            LoginSpec(
                url=login["url"],
                email_field=login["email_field"],
                password_field=login["password_field"],
                extra_fields={k: str(v) for k, v in (login.get("extra_fields") or {}).items()},
                failure_markers=tuple(login.get("failure_markers") or ()),
            )
            if login
            else None
        ),
        checksum_listing=entry.get("checksum_listing"),
        credentials_in_query=in_query,
    )
    check_account_urls(dataset, where)
    return dataset


def read_datasets(path: Path) -> dict[str, Dataset]:
    """Read and check the whole datasets table at ``path``."""
    check_yaml(Path(path))
    try:
        table = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise WorkflowInputError(f"cannot read the datasets table {path}: {err}") from None
    if not isinstance(table, dict):
        raise WorkflowInputError(f"{path} must map source names to dataset entries")
    return {source: parse_entry(source, entry, Path(path)) for source, entry in table.items()}


def read_dataset(path: Path, source: str) -> Dataset:
    """The entry of ``source`` in the datasets table at ``path``."""
    table = read_datasets(path)
    if source not in table:
        raise WorkflowInputError(
            f"the datasets table {path} has no entry {source!r}; it lists {sorted(table)}"
        )
    return table[source]
