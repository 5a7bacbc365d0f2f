"""Generators of upstream-layout files and a fake upstream HTTP server, for tests.

- Eora26: ``Eora26_{year}_bp.zip`` with the label files inside, or the real-download layout
  with the labels in a separate ``indices.zip`` (the tables come from the synthetic world).
- EXIOBASE 3: ``IOT_{year}_{system}.zip`` in the v3.8 layout (top folder, ``satellite/`` and
  ``impacts/``) and the v3.9 layout (``air_emissions/``, ``factor_inputs/``,
  ``employment/``), with the real 163 ixi / 200 pxp sector names from pymrio's
  classification and real EXIOBASE region codes; tiny numbers of regions.
- :class:`FakeUpstream`: an HTTP server on 127.0.0.1 (ephemeral port) that serves files
  with ``Range`` support and can cut a response, answer 503 first, require a login cookie
  or the account in the query of each file's URL, and publish a Zenodo-like record listing.
"""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import sys
import threading
import time
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import numpy as np
import pandas as pd
import pymrio

from bri_carbon.sources import eora26_layout, synthetic

from .workflow import REPO

ZIP_DATE = (1980, 1, 1, 0, 0, 0)

# --------------------------------------------------------------------------- Eora26

#: Eora26 countries of the tiny fixture world (two BRI, two not).
EORA_COUNTRIES = ("CHN", "DEU", "IND", "USA")


def eora26_world(
    year: int = 2015, countries: tuple[str, ...] = EORA_COUNTRIES, seed: int = 7
) -> synthetic.SyntheticWorld:
    """A tiny synthetic world in the Eora26 layout (with its ``ROW`` row and column)."""
    codes = pd.read_csv(REPO / "data" / "region_codes.csv", keep_default_na=False)
    rows = codes[codes["source"] == "eora26"].set_index("source_code").loc[list(countries)]
    economies = pd.DataFrame(
        {
            "name": rows["name"],
            "gdp_musd": np.linspace(1e6, 4e6, len(countries)),
            "population": np.full(len(countries), 1e8),
        },
        index=rows.index,
    )
    return synthetic.make_world(economies, year, seed)


def _write_zip(target: Path, members: dict[str, bytes]) -> Path:
    """A deterministic zip with ``members`` (fixed timestamps, deflated)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w") as archive:
        for name, payload in members.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, payload)
    return target


def rewrite_member(archive: Path, member: str, transform) -> None:
    """Replace ``member`` of the zip ``archive`` by ``transform(text)``; None drops it."""
    with zipfile.ZipFile(archive) as handle:
        contents = {name: handle.read(name) for name in handle.namelist()}
    new = transform(contents[member].decode())
    if new is None:
        del contents[member]
    else:
        contents[member] = new.encode()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        for name, payload in contents.items():
            handle.writestr(name, payload)


def write_eora26(
    folder: Path,
    year: int = 2015,
    labels_inside: bool = True,
    world: synthetic.SyntheticWorld | None = None,
) -> Path:
    """Write ``Eora26_{year}_bp.zip`` into ``folder``; with ``labels_inside=False`` the label
    files go to ``folder/indices.zip`` instead, as in real downloads. Returns the archive."""
    world = world or eora26_world(year)
    archive = Path(folder) / eora26_layout.archive_name(year)
    synthetic.write_eora26_zip(world, archive)
    if labels_inside:
        return archive
    with zipfile.ZipFile(archive) as handle:
        members = {name: handle.read(name) for name in handle.namelist()}
    labels = {name: members.pop(name) for name in eora26_layout.LABEL_FILES}
    _write_zip(archive, members)
    _write_zip(Path(folder) / "indices.zip", labels)
    return archive


# --------------------------------------------------------------------------- EXIOBASE 3

#: Real EXIOBASE region codes: two countries, one BRI country, one rest-of-world aggregate.
EXIO_REGIONS = ("CN", "DE", "US", "WA")
EXIO_CO2_ROWS = (
    "CO2 - combustion - air",
    "CO2 - non combustion - Cement production - air",
    "CO2 - non combustion - Lime production - air",
    "CO2 - waste - fossil - air",
)
#: Air rows that are not fossil CO2 (must not enter the co2 extension).
EXIO_OTHER_AIR_ROWS = ("CO2 - waste - biogenic - air", "CH4 - combustion - air")
#: EXIOBASE 3 value-added rows and the share of value added each gets in the fixture.
EXIO_VALUE_ADDED = {
    "Taxes less subsidies on products purchased: Total": 0.05,
    "Other net taxes on production": 0.02,
    "Compensation of employees; wages, salaries, & employers' social contributions: "
    "Low-skilled": 0.15,
    "Compensation of employees; wages, salaries, & employers' social contributions: "
    "Medium-skilled": 0.2,
    "Compensation of employees; wages, salaries, & employers' social contributions: "
    "High-skilled": 0.15,
    "Operating surplus: Consumption of fixed capital": 0.12,
    "Operating surplus: Rents on land": 0.01,
    "Operating surplus: Royalties on resources": 0.02,
    "Operating surplus: Remaining net operating surplus": 0.28,
}
EXIO_EMPLOYMENT_ROW = "Employment: Low-skilled male"


def exiobase3_sectors(system: str) -> list[str]:
    """The real EXIOBASE 3 sector (ixi) or product (pxp) names, from pymrio's classification."""
    return list(pymrio.get_classification(f"exio3_{system}").sectors["ExioName"])


def exiobase3_final_demand() -> list[str]:
    """EXIOBASE 3's seven final-demand categories (pymrio's classification)."""
    return list(pymrio.get_classification("exio3_ixi").finaldemand["ExioName"])


@dataclass
class ExioWorld:
    """Tables of a tiny balanced EXIOBASE world (money in M.EUR, air emissions in kg)."""

    year: int
    system: str
    Z: pd.DataFrame
    Y: pd.DataFrame
    x: pd.DataFrame
    value_added: pd.DataFrame
    air: pd.DataFrame
    air_final_demand: pd.DataFrame
    employment: pd.DataFrame


def exiobase3_world(
    year: int = 2015, system: str = "ixi", regions: tuple[str, ...] = EXIO_REGIONS, seed: int = 3
) -> ExioWorld:
    """Draw a tiny balanced EXIOBASE 3 world: x = Z 1 + Y 1 and x = 1'Z + value added."""
    rng = np.random.default_rng([seed, year])
    sectors = exiobase3_sectors(system)
    categories = exiobase3_final_demand()
    nodes = pd.MultiIndex.from_product([regions, sectors], names=["region", "sector"])
    fd_columns = pd.MultiIndex.from_product([regions, categories], names=["region", "category"])
    n = len(nodes)
    A = rng.uniform(0, 1, (n, n)) * (rng.uniform(size=(n, n)) < 0.03)
    A *= 0.4 / np.maximum(A.sum(axis=0), 1e-12)
    demand = np.round(rng.uniform(50, 500, n), 3)
    x = np.linalg.solve(np.eye(n) - A, demand)
    Z = np.round(A * x[None, :], 6)
    weights = rng.uniform(0.1, 1, (n, len(fd_columns)))
    weights[:, len(categories) - 1 :: len(categories)] = 0.0  # "Exports: Total (fob)" is empty
    # Stocks drawn down in the first region: negative "Changes in inventories", as in real
    # tables (the rows still sum to the positive final demand of each sector).
    weights[:, categories.index("Changes in inventories")] *= -0.5
    weights /= weights.sum(axis=1, keepdims=True)
    Y = np.round(demand[:, None] * weights, 6)
    x = Z.sum(axis=1) + Y.sum(axis=1)
    value_added_total = x - Z.sum(axis=0)
    shares = np.array(list(EXIO_VALUE_ADDED.values()))
    value_added = shares[:, None] * value_added_total[None, :]

    is_sector = {name: np.array([s == name for _, s in nodes]) for name in sectors}
    combustion = x * rng.lognormal(np.log(2e5), 0.8, n)
    cement = x * 4e6 * is_sector.get("Manufacture of cement, lime and plaster", np.zeros(n))
    lime = x * 1e6 * is_sector.get("Manufacture of cement, lime and plaster", np.zeros(n))
    incineration = np.array(["ncineration" in s for _, s in nodes])
    waste = x * 5e5 * incineration
    air_rows = np.vstack(
        [combustion, cement, lime, waste, x * 1e4, x * 3e2]
    )  # the four CO2 rows, then biogenic CO2 and CH4
    households = np.array([c == categories[0] for _, c in fd_columns])
    region_demand = Y.sum(axis=0)
    air_final_demand = np.zeros((air_rows.shape[0], len(fd_columns)))
    air_final_demand[0] = region_demand * 6e4 * households
    air_final_demand[4] = region_demand * 1e3 * households
    air_names = pd.Index([*EXIO_CO2_ROWS, *EXIO_OTHER_AIR_ROWS], name="stressor")
    return ExioWorld(
        year=year,
        system=system,
        Z=pd.DataFrame(Z, index=nodes, columns=nodes),
        Y=pd.DataFrame(Y, index=nodes, columns=fd_columns),
        x=pd.DataFrame({"indout": x}, index=nodes),
        value_added=pd.DataFrame(
            np.round(value_added, 6),
            index=pd.Index(list(EXIO_VALUE_ADDED), name="stressor"),
            columns=nodes,
        ),
        air=pd.DataFrame(np.round(air_rows, 3), index=air_names, columns=nodes),
        air_final_demand=pd.DataFrame(
            np.round(air_final_demand, 3), index=air_names, columns=fd_columns
        ),
        employment=pd.DataFrame(
            np.round(x[None, :] * 1e-3, 6),
            index=pd.Index([EXIO_EMPLOYMENT_ROW], name="stressor"),
            columns=nodes,
        ),
    )


def _tsv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(sep="\t", lineterminator="\n").encode()


def _params(files: dict[str, tuple[str, int, int]], systemtype: str, name: str | None) -> bytes:
    content: dict[str, object] = {
        "files": {
            key: {"name": file, "nr_index_col": str(index), "nr_header": str(header)}
            for key, (file, index, header) in files.items()
        },
        "systemtype": systemtype,
    }
    if name:
        content["name"] = name
    return json.dumps(content, indent=4).encode()


def _extension(
    folder: str, name: str, F: pd.DataFrame, F_Y: pd.DataFrame | None, units: list[str]
) -> dict[str, bytes]:
    files = {"F": ("F.txt", 1, 2), "unit": ("unit.txt", 1, 1)}
    members = {
        f"{folder}F.txt": _tsv(F),
        f"{folder}unit.txt": _tsv(pd.DataFrame({"unit": units}, index=F.index)),
    }
    if F_Y is not None:
        files["F_Y"] = ("F_Y.txt", 1, 2)
        members[f"{folder}F_Y.txt"] = _tsv(F_Y)
    members[f"{folder}file_parameters.json"] = _params(files, "Extension", name)
    return members


def write_exiobase3(
    folder: Path,
    world: ExioWorld,
    layout: str = "3.8",
    top_folder: bool = True,
    with_z: bool = True,
) -> Path:
    """Write ``IOT_{year}_{system}.zip`` into ``folder`` in the v3.8, v3.9 or v3.10 layout.

    v3.8: ``satellite/`` holds value added, employment and air emissions (with F_Y);
    ``impacts/`` one characterised row. v3.9: ``air_emissions/`` (F, F_Y),
    ``factor_inputs/`` (value added, no F_Y), ``employment/``. v3.10: as v3.9 without
    ``employment/``, as the 2023 and 2024 now-casts of 3.10.2 ship (graebnerc/ecol-taxonomy
    R/get_data_exiobase.R: those archives lack the employment, energy and water extensions;
    3.10.2 zips have no top folder, so give ``top_folder=False``). ``with_z=False`` ships A
    and x without Z, as older releases did. Returns the archive path.
    """
    stem = f"IOT_{world.year}_{world.system}"
    root = f"{stem}/" if top_folder else ""
    core_files = {"Y": ("Y.txt", 2, 2), "x": ("x.txt", 2, 1), "unit": ("unit.txt", 2, 1)}
    members = {
        f"{root}Y.txt": _tsv(world.Y),
        f"{root}x.txt": _tsv(world.x),
        f"{root}unit.txt": _tsv(pd.DataFrame({"unit": "M.EUR"}, index=world.Z.index)),
    }
    if with_z:
        core_files["Z"] = ("Z.txt", 2, 2)
        members[f"{root}Z.txt"] = _tsv(world.Z)
    else:
        core_files["A"] = ("A.txt", 2, 2)
        A = world.Z / world.x["indout"].to_numpy()[None, :]
        members[f"{root}A.txt"] = _tsv(A)
    members[f"{root}file_parameters.json"] = _params(core_files, "IOSystem", None)
    # What the real files say: the 3.8.2 release names itself "exio382_ntnu" with version
    # "v3.81" (pymrio's printout of a 3.8.2 IOT_2012_pxp.zip in open-risk/matrix2json
    # python/pymrio_test.py); 3.9 releases "EXIO_IOT_{year}_{system}".
    metadata = {
        "description": f"Data for {world.year}",
        "name": "exio382_ntnu" if layout == "3.8" else f"EXIO_IOT_{world.year}_{world.system}",
        "system": world.system,
        "version": {"3.8": "v3.81", "3.9": "v3.9.6", "3.10": "v3.10.2"}.get(layout, layout),
        "history": [],
    }
    members[f"{root}metadata.json"] = json.dumps(metadata, indent=4).encode()
    va_units = ["M.EUR"] * len(world.value_added)
    air_units = ["kg"] * len(world.air)
    if layout == "3.8":
        satellite = pd.concat([world.value_added, world.employment, world.air])
        satellite_Y = pd.concat(
            [
                pd.DataFrame(
                    0.0, index=world.value_added.index, columns=world.air_final_demand.columns
                ),
                pd.DataFrame(
                    0.0, index=world.employment.index, columns=world.air_final_demand.columns
                ),
                world.air_final_demand,
            ]
        )
        members |= _extension(
            f"{root}satellite/",
            "satellite",
            satellite,
            satellite_Y,
            [*va_units, "1000 p.", *air_units],
        )
        gwp = pd.Index(["GHG emissions (GWP100) | Problem oriented approach"], name="impact")
        members |= _extension(
            f"{root}impacts/",
            "impacts",
            pd.DataFrame([world.air.iloc[:4].sum().to_numpy()], index=gwp, columns=world.Z.index),
            pd.DataFrame(
                [world.air_final_demand.iloc[:4].sum().to_numpy()],
                index=gwp,
                columns=world.Y.columns,
            ),
            ["kg CO2 eq."],
        )
    elif layout in ("3.9", "3.10"):
        members |= _extension(
            f"{root}air_emissions/", "air_emissions", world.air, world.air_final_demand, air_units
        )
        members |= _extension(
            f"{root}factor_inputs/", "factor_inputs", world.value_added, None, va_units
        )
        if layout == "3.9":
            members |= _extension(
                f"{root}employment/", "employment", world.employment, None, ["1000 p."]
            )
    else:
        raise ValueError(f"unknown EXIOBASE layout {layout!r}")
    return _write_zip(Path(folder) / f"{stem}.zip", members)


# --------------------------------------------------------------------------- HTTP server


def md5_of(payload: bytes) -> str:
    return hashlib.md5(payload, usedforsecurity=False).hexdigest()


def zip_payload(size: int = 300_000, seed: int = 1) -> bytes:
    """A stored (uncompressed) zip of about ``size`` random bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        info = zipfile.ZipInfo("payload.bin", date_time=ZIP_DATE)
        archive.writestr(info, np.random.default_rng(seed).bytes(size))
    return buffer.getvalue()


@dataclass
class FakeUpstream:
    """Behaviour and request log of the fake upstream server.

    ``files``: path -> bytes. ``fail_first``: path -> HTTP statuses answered before the file.
    ``cut_first``: path -> number of responses cut after half of the body. ``stall_first``:
    path -> number of requests answered only after ``stall_seconds`` (to provoke client
    timeouts). ``accounts``: email -> password for ``POST /login`` (form fields
    ``email``/``pass``); a wrong password gets ``deny_status`` (401) or, with
    ``deny_status=200``, a page saying "Sorry, wrong password provided".

    ``protected``: paths that need an account. With ``auth="cookie"`` they need the cookie
    set by a successful login; with ``auth="query"`` (as Eora serves its tables) they need
    the account as the query fields ``email`` and ``pass`` of the URL and ignore the cookie;
    ``query_accounts`` (default: ``accounts``) are the accounts accepted there. Refused
    requests get ``deny_status``: 401/403, or with 200 an HTML login page.
    """

    files: dict[str, bytes] = field(default_factory=dict)
    fail_first: dict[str, list[int]] = field(default_factory=dict)
    cut_first: dict[str, int] = field(default_factory=dict)
    stall_first: dict[str, int] = field(default_factory=dict)
    stall_seconds: float = 1.0
    protected: set[str] = field(default_factory=set)
    accounts: dict[str, str] = field(default_factory=dict)
    deny_status: int = 401
    auth: str = "cookie"
    query_accounts: dict[str, str] | None = None
    records: dict[str, dict] = field(default_factory=dict)
    requests: list[dict] = field(default_factory=list)
    token: str = field(default_factory=lambda: secrets.token_hex(8))
    url: str = ""

    def requests_for(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"] == path]


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeUpstream/1"

    def log_message(self, format, *args):  # silence the default stderr log
        return

    @property
    def upstream(self) -> FakeUpstream:
        return self.server.upstream  # type: ignore[attr-defined]

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None):
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        self.upstream.requests.append(
            {"method": "POST", "path": self.path, "fields": sorted(form), "range": None}
        )
        if self.path != "/login":
            return self._send(404)
        if self.upstream.accounts.get(form.get("email", "")) == form.get("pass"):
            return self._send(
                200, b"welcome", {"Set-Cookie": f"session={self.upstream.token}; Path=/"}
            )
        if self.upstream.deny_status == 200:
            return self._send(200, b"<html>Sorry, wrong password provided</html>")
        return self._send(self.upstream.deny_status, b"denied")

    def _allowed(self, path: str, query: dict[str, str]) -> bool:
        """Whether a GET of ``path`` may have the file (see :class:`FakeUpstream`)."""
        upstream = self.upstream
        if path not in upstream.protected:
            return True
        if upstream.auth == "query":
            accounts = (
                upstream.accounts if upstream.query_accounts is None else upstream.query_accounts
            )
            email, password = query.get("email"), query.get("pass")
            return email in accounts and accounts[email] == password
        return f"session={upstream.token}" in (self.headers.get("Cookie") or "")

    def do_GET(self):
        upstream = self.upstream
        path, _, raw_query = self.path.partition("?")
        query = {k: v[0] for k, v in parse_qs(raw_query, keep_blank_values=True).items()}
        upstream.requests.append(
            {
                "method": "GET",
                "path": path,
                "range": self.headers.get("Range"),
                "query": bool(raw_query),
                "query_fields": sorted(query),
                "cookie": f"session={upstream.token}" in (self.headers.get("Cookie") or ""),
            }
        )
        if path in upstream.records:
            return self._send(
                200,
                json.dumps(upstream.records[path]).encode(),
                {"Content-Type": "application/json"},
            )
        if not self._allowed(path, query):
            if upstream.deny_status == 200:
                page = b"<!DOCTYPE html>\n<html><body><form>Please log in</form></body></html>"
                return self._send(200, page, {"Content-Type": "text/html"})
            return self._send(upstream.deny_status, b"login first")
        if upstream.stall_first.get(path, 0) > 0:
            upstream.stall_first[path] -= 1
            time.sleep(upstream.stall_seconds)
        failures = upstream.fail_first.get(path)
        if failures:
            return self._send(failures.pop(0), b"busy")
        if path not in upstream.files:
            return self._send(404, b"no such file")
        body = upstream.files[path]
        start = 0
        requested = self.headers.get("Range")
        if requested and requested.startswith("bytes="):
            start = int(requested[len("bytes=") :].split("-")[0])
            if start >= len(body):
                return self._send(416, b"", {"Content-Range": f"bytes */{len(body)}"})
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        part = body[start:]
        self.send_header("Content-Length", str(len(part)))
        self.send_header("Content-Type", "application/zip")
        self.end_headers()
        if upstream.cut_first.get(path, 0) > 0:
            upstream.cut_first[path] -= 1
            self.wfile.write(part[: len(part) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(part)


class _QuietServer(ThreadingHTTPServer):
    """Ignores clients that hang up early (timeouts provoked on purpose)."""

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], BrokenPipeError | ConnectionResetError):
            super().handle_error(request, client_address)


class UpstreamServer:
    """Context manager running :class:`FakeUpstream` on 127.0.0.1 in a thread."""

    def __init__(self, upstream: FakeUpstream) -> None:
        self.upstream = upstream
        self.httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self.httpd.upstream = upstream  # type: ignore[attr-defined]
        self.httpd.daemon_threads = True
        upstream.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> FakeUpstream:
        self.thread.start()
        return self.upstream

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def files_containing(root: Path, secret: str) -> list[Path]:
    """Every file under ``root`` whose bytes contain ``secret`` (UTF-8)."""
    needle = secret.encode()
    return [p for p in Path(root).rglob("*") if p.is_file() and needle in p.read_bytes()]
