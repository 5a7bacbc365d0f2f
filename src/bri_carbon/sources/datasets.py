"""The datasets table (``data/datasets.yaml``): upstream files, URLs, checksums, licences.

One entry per real-data source (``eora26``, ``exiobase3``). The retrieve rules and scripts
read everything they need from here: which file names exist for a year (and EXIOBASE
system), where to download them, which checksums to verify, which years the release covers
and whether an account is needed, and how the server wants it: a form login (``login``,
which checks the account and sets a session cookie) and, per file, the account as URL query
parameters (``files.<role>.credentials_in_query``). The synthetic source is made locally and
has no entry.

A source published in several releases lists them under ``releases``, keyed by version
(config key ``{source}.version`` picks one): each release has its own record, years,
licence, citation, notes, caveats and checksums (and its own ``files`` where its upstream
names differ), and the entry's ``homepage``, ``doi``, ``checksum_listing`` and file URLs
may name ``{version}`` and ``{record}``. Where releases share upstream file names
(EXIOBASE), the local and cached copies of a release live in a folder named after it
(:attr:`RemoteFile.local_name`); where every release's names are its own (GLORIA's carry
the release number), they lie in the source's folder itself (:attr:`Dataset.flat`). This
module is the only reader of the table: the retrieve scripts, the checks before any job
and provenance.json all use it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.runtime.yaml_files import check_yaml, load_yaml

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


#: Keys of an entry of the table (besides ``releases``).
ENTRY_KEYS = (
    "title",
    "version",
    "homepage",
    "doi",
    "license",
    "citation",
    "years",
    "systems",
    "credentials",
    "login",
    "checksum_listing",
    "files",
    "checksums",
    "published",
    "notes",
    "caveats",
)
#: Keys a release of a multi-release entry may have (they override the entry's).
RELEASE_KEYS = (
    "record",
    "title",
    "homepage",
    "doi",
    "license",
    "citation",
    "years",
    "published",
    "notes",
    "caveats",
    "checksums",
    "files",
)
#: Placeholders a release fills in the entry's homepage, doi, checksum listing and URLs.
RELEASE_FIELDS = ("version", "record")
#: Keys of a dataset that describe it (what provenance.json records), in this order.
DESCRIPTIVE_KEYS = ("title", "version", "homepage", "doi", "license", "citation", "published")


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
    (None = unknown); ``credentials_in_query`` when the account must be in the URL's query;
    ``folder``: the release folder its local and cached copies live in (empty for a source
    with one release)."""

    role: str
    name: str
    url: str
    md5: str | None = None
    sha256: str | None = None
    credentials_in_query: QueryCredentials | None = None
    folder: str = ""

    @property
    def local_name(self) -> str:
        """The file's path below ``{local_data}/{source}/`` and ``resources/raw/{source}/``:
        ``{folder}/{name}`` for a release of a multi-release source, else ``name``."""
        return f"{self.folder}/{self.name}" if self.folder else self.name


@dataclass(frozen=True)
class Caveat:
    """A known defect of some years (``first``-``last``) of a release, as the table says."""

    first: int
    last: int
    text: str

    def covers(self, year: int) -> bool:
        """Whether ``year`` lies in the caveat's years."""
        return self.first <= int(year) <= self.last

    @property
    def years(self) -> str:
        """The caveat's years as text: ``2023`` or ``2023-2024``."""
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"


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
    doi: str = ""
    published: str | None = None
    notes: str = ""
    caveats: tuple[Caveat, ...] = ()
    #: Every release of the source (by version, in table order) when it has several.
    releases: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: Whether the files of the source's releases lie side by side in its folder, with no
    #: release folder: true when no two releases share a file name (GLORIA's names carry
    #: the release), so that the name alone tells the release.
    flat: bool = False

    @property
    def release_folder(self) -> str:
        """The folder of this release's local and cached copies: its version for a source
        with several releases that share file names, else empty (:attr:`flat`)."""
        return self.version if self.releases and not self.flat else ""

    @property
    def label(self) -> str:
        """The dataset as people name it, e.g. ``exiobase3 3.9.6``."""
        return f"{self.source} {self.version}"

    def covers(self, year: int) -> bool:
        """Whether the release has tables for ``year``."""
        return self.first_year <= int(year) <= self.last_year

    def check_year(self, year: int) -> None:
        """Fail with one paragraph naming the config key, the release and its years unless
        the release covers ``year``; for a source with several releases, name those that
        do."""
        if self.covers(year):
            return
        key = f"config key {self.source}.version" if self.releases else "the datasets table"
        others = [
            version
            for version, (first, last) in self.releases.items()
            if first <= int(year) <= last
        ]
        hint = (
            f" Releases with {year}: {', '.join(others)} (set {self.source}.version)."
            if others
            else ""
        )
        raise WorkflowInputError(
            f"config key years asks for {year}, but {self.label} ({key}) "
            f"covers the years {self.first_year}-{self.last_year}. Choose years in that "
            f"range.{hint}"
        )

    def caveats_for(self, years: Sequence[int]) -> list[tuple[Caveat, list[int]]]:
        """The caveats of the release that concern some of ``years``, each with those years."""
        found = []
        for caveat in self.caveats:
            hit = [int(year) for year in years if caveat.covers(year)]
            if hit:
                found.append((caveat, hit))
        return found

    def description(self, year: int | None = None) -> dict[str, Any]:
        """What provenance.json records of the dataset: :data:`DESCRIPTIVE_KEYS` that are
        set, the years it covers, its notes and, for ``year``, the caveats of that year."""
        values = {
            "title": self.title,
            "version": self.version,
            "homepage": self.homepage,
            "doi": self.doi,
            "license": self.license,
            "citation": self.citation,
            "published": self.published,
        }
        described: dict[str, Any] = {key: values[key] for key in DESCRIPTIVE_KEYS if values[key]}
        described["years"] = f"{self.first_year}-{self.last_year}"
        if self.notes:
            described["notes"] = self.notes
        if year is not None:
            described["caveats"] = [c.text for c in self.caveats if c.covers(year)]
        return described

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
            folder=self.release_folder,
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


def _fill(text: Any, values: Mapping[str, str]) -> Any:
    """``text`` with the release placeholders (``{version}``, ``{record}``) of ``values``
    filled in; other placeholders (``{year}``, ``{system}``) are left for :meth:`Dataset.file`."""
    if not isinstance(text, str):
        return text
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


_CAVEAT_YEARS = re.compile(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?")


def parse_caveats(value: Any, where: str) -> tuple[Caveat, ...]:
    """Read ``caveats``: a mapping of a year or ``"first-last"`` to the text of a defect."""
    if not value:
        return ()
    if not isinstance(value, Mapping):
        raise WorkflowInputError(
            f'{where}.caveats must map years ("2023" or "2023-2024") to a text; got '
            f"{type(value).__name__}"
        )
    caveats = []
    for years, text in value.items():
        match = _CAVEAT_YEARS.fullmatch(str(years))
        if not match or not isinstance(text, str) or not text.strip():
            raise WorkflowInputError(
                f'{where}.caveats: {years!r} must be a year or "first-last" with a text'
            )
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last < first:
            raise WorkflowInputError(f"{where}.caveats: the years {years!r} run backwards")
        caveats.append(Caveat(first, last, " ".join(text.split())))
    return tuple(caveats)


def _unknown_keys(entry: Mapping[str, Any], allowed: Sequence[str], where: str) -> None:
    unknown = sorted(set(map(str, entry)) - set(allowed))
    if unknown:
        raise WorkflowInputError(f"{where}: unknown keys {unknown}; allowed: {list(allowed)}")


def parse_entry(
    source: str, entry: dict[str, Any], path: Path, release_of: str | None = None
) -> Dataset:
    """Build a :class:`Dataset` from one entry of the table, or from release ``release_of``
    merged into its entry; errors name ``path`` and the key."""
    where = f"{path}: {source}"
    if release_of is not None:
        where = f"{where}.releases.{release_of}"
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
    first, last = (int(_required(years, key, f"{where}.years")) for key in ("first", "last"))
    if last < first:
        raise WorkflowInputError(f"{where}.years: first {first} is after last {last}")
    dataset = Dataset(
        source=source,
        title=str(entry.get("title", source)),
        version=str(_required(entry, "version", where)),
        homepage=str(entry.get("homepage", "")),
        license=" ".join(str(_required(entry, "license", where)).split()),
        citation=" ".join(str(entry.get("citation", "")).split()),
        first_year=first,
        last_year=last,
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
        doi=str(entry.get("doi") or ""),
        published=None if entry.get("published") is None else str(entry["published"]),
        notes=" ".join(str(entry.get("notes") or "").split()),
        caveats=parse_caveats(entry.get("caveats"), where),
    )
    check_account_urls(dataset, where)
    return dataset


@dataclass(frozen=True)
class SourceEntry:
    """One source of the table with its release(s): ``datasets`` by version (one for a
    source published once); ``multi_release`` when the entry lists ``releases``."""

    source: str
    datasets: dict[str, Dataset]
    multi_release: bool

    def release(self, version: str | None, path: Path) -> Dataset:
        """The dataset of release ``version`` (None: the only one of a single release)."""
        if not self.multi_release:
            return next(iter(self.datasets.values()))
        if version is None:
            raise WorkflowInputError(
                f"the datasets table {path} lists several releases of {self.source} "
                f"({', '.join(self.datasets)}); config key {self.source}.version picks one."
            )
        if str(version) not in self.datasets:
            raise WorkflowInputError(
                f"config key {self.source}.version is {version!r}, but the datasets table "
                f"{path} lists the releases {', '.join(self.datasets)} of {self.source}. "
                "Choose one of them (docs/data.md describes each)."
            )
        return self.datasets[str(version)]


def parse_source(source: str, entry: Any, path: Path) -> SourceEntry:
    """Read and check one entry of the table and each of its releases."""
    where = f"{path}: {source}"
    if not isinstance(entry, Mapping):
        raise WorkflowInputError(f"{where} must be a mapping of the dataset's keys")
    _unknown_keys(entry, (*ENTRY_KEYS, "releases"), where)
    if "releases" not in entry:
        dataset = parse_entry(source, dict(entry), path)
        return SourceEntry(source, {dataset.version: dataset}, False)
    releases = entry["releases"]
    if not isinstance(releases, Mapping) or not releases:
        raise WorkflowInputError(f"{where}.releases must map each version to its keys")
    if "version" in entry:
        raise WorkflowInputError(
            f"{where}: an entry with releases has no key version; each release is keyed by it"
        )
    base = {key: value for key, value in entry.items() if key != "releases"}
    merged = {}
    for version, release in releases.items():
        at = f"{where}.releases.{version}"
        if not isinstance(release, Mapping):
            raise WorkflowInputError(f"{at} must be a mapping of the release's keys")
        _unknown_keys(release, RELEASE_KEYS, at)
        values = {
            "version": str(version),
            **{k: str(release[k]) for k in RELEASE_FIELDS[1:] if k in release},
        }
        combined = {**base, **{k: v for k, v in release.items() if k != "record"}}
        combined["version"] = str(version)
        templates = {
            key: combined[key] for key in ("homepage", "doi", "checksum_listing") if key in combined
        }
        templates |= {
            f"files.{role}.url": spec.get("url")
            for role, spec in (combined.get("files") or {}).items()
        }
        unfilled = [
            key
            for key, text in templates.items()
            if isinstance(text, str) and "{record}" in text and "record" not in values
        ]
        if unfilled:
            raise WorkflowInputError(f"{at} lacks the key record that {unfilled} name")
        for key in ("homepage", "doi", "checksum_listing"):
            if key in combined:
                combined[key] = _fill(combined[key], values)
        combined["files"] = {
            role: {**spec, "url": _fill(spec.get("url"), values)}
            for role, spec in (combined.get("files") or {}).items()
        }
        merged[str(version)] = combined
    parsed = {
        version: parse_entry(source, values, path, version) for version, values in merged.items()
    }
    years = {version: (d.first_year, d.last_year) for version, d in parsed.items()}
    names = [{spec["name"] for spec in d.files.values()} for d in parsed.values()]
    flat = sum(map(len, names)) == len(set().union(*names))
    datasets = {version: replace(d, releases=years, flat=flat) for version, d in parsed.items()}
    return SourceEntry(source, datasets, True)


def read_datasets(path: Path) -> dict[str, SourceEntry]:
    """Read and check the whole datasets table at ``path``, every release of every source."""
    check_yaml(Path(path))
    try:
        table = load_yaml(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise WorkflowInputError(f"cannot read the datasets table {path}: {err}") from None
    if not isinstance(table, dict):
        raise WorkflowInputError(f"{path} must map source names to dataset entries")
    return {source: parse_source(source, entry, Path(path)) for source, entry in table.items()}


def read_dataset(path: Path, source: str, version: str | None = None) -> Dataset:
    """The entry of ``source`` in the datasets table at ``path``; for a source with several
    releases, that of release ``version`` (config key ``{source}.version``)."""
    table = read_datasets(path)
    if source not in table:
        raise WorkflowInputError(
            f"the datasets table {path} has no entry {source!r}; it lists {sorted(table)}"
        )
    return table[source].release(version, Path(path))


def release_versions(path: Path, source: str) -> tuple[str, ...]:
    """The releases the datasets table lists for ``source`` (empty: a single release)."""
    entry = read_datasets(path).get(source)
    return tuple(entry.datasets) if entry is not None and entry.multi_release else ()


def describe(
    source: str, datasets_file: Path | None, config: Mapping[str, Any], year: int | None = None
) -> dict[str, Any]:
    """What provenance.json records of the dataset of ``source`` for ``year``.

    The synthetic world is described from its config (seed); other sources by their entry in
    the datasets table ``datasets_file`` (config key ``datasets``), in the release of config
    key ``{source}.version`` for a source with several (:meth:`Dataset.description`): read
    by :func:`read_dataset`, as the retrieve rules read it, so a table they refuse is refused
    here too.
    """
    if source == "synthetic":
        synthetic = config.get("synthetic", {})
        return {
            "version": f"synthetic world, seed {synthetic.get('seed')}",
            "license": "generated locally by bri_carbon.sources.synthetic; not real data. Economy "
            "sizes from Natural Earth (public domain)",
            "countries": synthetic.get("countries"),
        }
    if datasets_file is None:
        raise WorkflowInputError(
            f"the description of {source} needs the datasets table (config key datasets)"
        )
    settings = config.get(source)
    version = settings.get("version") if isinstance(settings, Mapping) else None
    return read_dataset(
        datasets_file, source, None if version is None else str(version)
    ).description(year)
