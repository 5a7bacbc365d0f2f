"""The streaming EXIOBASE 3 reader against pymrio's parser: identical arrays in the cache.

Two kinds of archives: the project's fixture world (tests/support/fixtures.py) in every
layout variant (v3.8 ``satellite/`` with and without Z, v3.9+ one folder per extension, at
the zip root and in a top folder, ixi and pxp), and tiny archives written here by hand from
the layout pymrio's own code reads (``pymrio/core/fileio.py::load``: ``pd.read_csv(sep="\\t",
index_col=range(nr_index_col), header=range(nr_header))``; pymrio's mock
``tests/mock_mrios/exio3_mock/satellite/file_parameters.json`` with the legacy key ``F_hh``)
and the folder names MARIO ``mario/parsers/exiobase_iot.py`` opens in 3.9+ archives.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pymrio
import pytest
import xarray as xr

from bri_carbon.harmonize import harmonized
from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import exiobase3_reader

from ..support.fixtures import exiobase3_world, write_exiobase3

YEAR = 2015
CO2 = list(exiobase3_reader.CO2_STRESSORS)
MONEY = 1.1  # USD per EUR of the test; any factor will do


def _cache(archive: Path, target: Path, system: str = "ixi", threads: int = 2) -> xr.Dataset:
    tables = exiobase3_reader.read_exiobase3(archive, YEAR, system, threads=threads)
    harmonized.write_source_year(
        tables,
        target,
        source="exiobase3",
        year=YEAR,
        regions=pd.Series(tables.regions, index=tables.regions),
        common_sectors=tables.sectors,
        money_per_million=MONEY,
    )
    with xr.open_dataset(target, engine="h5netcdf") as dataset:
        return dataset.load()


def assert_pymrio_arrays(archive: Path, dataset: xr.Dataset, emissions: str, value_added: str):
    """The cache holds pymrio's parse of ``archive`` bit for bit (money times MONEY, kg to Mt)."""
    system = pymrio.parse_exiobase3(archive)
    Z = system.Z if system.Z is not None else pymrio.calc_Z(system.A, system.x)
    n = Z.shape[0]
    r, k = dataset.sizes["region"], dataset.sizes["category"]
    assert list(dataset["region"].values) == list(dict.fromkeys(Z.index.get_level_values(0)))
    np.testing.assert_array_equal(dataset["Z"].values.reshape(n, n), Z.to_numpy() * MONEY)
    np.testing.assert_array_equal(
        dataset["Y"].values.reshape(n, r * k), system.Y.to_numpy() * MONEY
    )
    co2 = getattr(system, emissions)
    np.testing.assert_array_equal(
        dataset["F"].values.ravel(), co2.F.loc[CO2].sum(axis=0).to_numpy() * 1e-9
    )
    np.testing.assert_array_equal(
        dataset["F_Y"].values.ravel(), co2.F_Y.loc[CO2].sum(axis=0).to_numpy() * 1e-9
    )
    va = getattr(system, value_added).F.loc[list(exiobase3_reader.VALUE_ADDED_ROWS)]
    np.testing.assert_array_equal(dataset["VA"].values.ravel(), va.sum(axis=0).to_numpy() * MONEY)


@pytest.fixture(scope="module")
def world():
    return exiobase3_world(YEAR, "ixi", regions=("CN", "WA"))


@pytest.mark.parametrize(
    ("options", "emissions", "value_added"),
    [
        ({"layout": "3.8"}, "satellite", "satellite"),
        ({"layout": "3.8", "with_z": False}, "satellite", "satellite"),
        ({"layout": "3.9", "top_folder": False}, "air_emissions", "factor_inputs"),
        ({"layout": "3.9", "top_folder": True}, "air_emissions", "factor_inputs"),
    ],
)
def test_fixture_layouts_give_pymrios_arrays(world, tmp_path, options, emissions, value_added):
    archive = write_exiobase3(tmp_path / "raw", world, **options)
    dataset = _cache(archive, tmp_path / "cache.nc")
    assert_pymrio_arrays(archive, dataset, emissions, value_added)


def test_pxp_gives_pymrios_arrays(tmp_path):
    archive = write_exiobase3(tmp_path / "raw", exiobase3_world(YEAR, "pxp", ("DE",)), "3.9")
    dataset = _cache(archive, tmp_path / "cache.nc", system="pxp", threads=1)
    assert dataset.sizes["sector"] == 200
    assert_pymrio_arrays(archive, dataset, "air_emissions", "factor_inputs")


# --- Hand-written archives ------------------------------------------------------------------
HAND_REGIONS = ["AT", "CN"]
HAND_SECTORS = [
    "Cultivation of paddy rice",
    "Manufacture of cement, lime and plaster",
    "Production of electricity by coal",
]
HAND_CATEGORIES = [
    "Final consumption expenditure by households",
    "Final consumption expenditure by non-profit organisations serving households (NPISH)",
    "Final consumption expenditure by government",
    "Gross fixed capital formation",
    "Changes in inventories",
    "Changes in valuables",
    "Exports: Total (fob)",
]
HAND_AIR = [*CO2, "CO2 - waste - biogenic - air", "CH4 - combustion - air"]
HAND_VA = ["Taxes less subsidies on products purchased: Total", *exiobase3_reader.VALUE_ADDED_ROWS]


def _cells(rng: np.random.Generator, rows: int, columns: int) -> list[list[str]]:
    values = rng.lognormal(1.0, 2.0, (rows, columns)) * rng.choice([1, 1, 0], (rows, columns))
    return [[repr(float(v)) if v else "0" for v in row] for row in values]


def _table(header: list[list[str]], labels: list[list[str]], cells: list[list[str]]) -> bytes:
    lines = ["\t".join(line) for line in header]
    lines += ["\t".join([*label, *row]) for label, row in zip(labels, cells, strict=True)]
    return ("\n".join(lines) + "\n").encode()


def _parameters(files: dict[str, tuple[str, int, int]], kind: str, name: str | None) -> bytes:
    content: dict = {
        "files": {
            key: {"name": file, "nr_index_col": str(index), "nr_header": str(header)}
            for key, (file, index, header) in files.items()
        },
        "systemtype": kind,
    }
    if name:
        content["name"] = name
    return json.dumps(content).encode()


def hand_written_archive(folder: Path, layout: str, top: bool, legacy_f_hh: bool) -> Path:
    """A tiny EXIOBASE 3 IOT archive written line by line (2 regions x 3 sectors)."""
    rng = np.random.default_rng(5)
    nodes = [[region, sector] for region in HAND_REGIONS for sector in HAND_SECTORS]
    fd = [[region, category] for region in HAND_REGIONS for category in HAND_CATEGORIES]
    n, m = len(nodes), len(fd)
    core_header = [
        ["region", "", *(node[0] for node in nodes)],
        ["sector", "", *(node[1] for node in nodes)],
        ["region", "sector", *([""] * n)],
    ]
    y_header = [
        ["region", "", *(column[0] for column in fd)],
        ["category", "", *(column[1] for column in fd)],
        ["region", "sector", *([""] * m)],
    ]
    ext_header = [
        ["region", *(node[0] for node in nodes)],
        ["sector", *(node[1] for node in nodes)],
        ["stressor", *([""] * n)],
    ]
    ext_y_header = [
        ["region", *(column[0] for column in fd)],
        ["category", *(column[1] for column in fd)],
        ["stressor", *([""] * m)],
    ]
    root = f"IOT_{YEAR}_ixi/" if top else ""
    f_y = "F_hh" if legacy_f_hh else "F_Y"
    members = {
        f"{root}Z.txt": _table(core_header, nodes, _cells(rng, n, n)),
        f"{root}Y.txt": _table(y_header, nodes, _cells(rng, n, m)),
        f"{root}unit.txt": _table([["region", "sector", "unit"]], nodes, [["M.EUR"]] * n),
        f"{root}metadata.json": json.dumps(
            {"description": "hand", "name": "EXIO", "system": "ixi", "version": "v3", "history": []}
        ).encode(),
        f"{root}file_parameters.json": _parameters(
            {"Z": ("Z.txt", 2, 2), "Y": ("Y.txt", 2, 2), "unit": ("unit.txt", 2, 1)},
            "IOSystem",
            None,
        ),
    }

    def extension(name: str, rows: list[str], units: str, with_y: bool) -> None:
        files = {"F": ("F.txt", 1, 2), "unit": ("unit.txt", 1, 1)}
        members[f"{root}{name}/F.txt"] = _table(
            ext_header, [[row] for row in rows], _cells(rng, len(rows), n)
        )
        members[f"{root}{name}/unit.txt"] = _table(
            [["stressor", "unit"]], [[row] for row in rows], [[units]] * len(rows)
        )
        if with_y:
            files[f_y] = (f"{f_y}.txt", 1, 2)
            members[f"{root}{name}/{f_y}.txt"] = _table(
                ext_y_header, [[row] for row in rows], _cells(rng, len(rows), m)
            )
        members[f"{root}{name}/file_parameters.json"] = _parameters(files, "Extension", name)

    if layout == "3.8":
        files = {"F": ("F.txt", 1, 2), f_y: (f"{f_y}.txt", 1, 2), "unit": ("unit.txt", 1, 1)}
        rows = [*HAND_VA, *HAND_AIR]
        members[f"{root}satellite/F.txt"] = _table(
            ext_header, [[r] for r in rows], _cells(rng, len(rows), n)
        )
        members[f"{root}satellite/{f_y}.txt"] = _table(
            ext_y_header, [[r] for r in rows], _cells(rng, len(rows), m)
        )
        members[f"{root}satellite/unit.txt"] = _table(
            [["stressor", "unit"]],
            [[r] for r in rows],
            [["M.EUR"]] * len(HAND_VA) + [["kg"]] * len(HAND_AIR),
        )
        members[f"{root}satellite/file_parameters.json"] = _parameters(
            files, "Extension", "satellite"
        )
    else:
        extension("air_emissions", HAND_AIR, "kg", with_y=True)
        extension("factor_inputs", HAND_VA, "M.EUR", with_y=False)
        extension("employment", ["Employment: Low-skilled male"], "1000 p.", with_y=False)
    folder.mkdir(parents=True, exist_ok=True)
    archive = folder / f"IOT_{YEAR}_ixi.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        for name, payload in members.items():
            handle.writestr(name, payload)
    return archive


@pytest.mark.parametrize(
    ("layout", "top", "legacy_f_hh", "emissions", "value_added"),
    [
        ("3.8", True, True, "satellite", "satellite"),
        ("3.8", True, False, "satellite", "satellite"),
        ("3.9", False, False, "air_emissions", "factor_inputs"),
        ("3.9", True, False, "air_emissions", "factor_inputs"),
    ],
)
def test_hand_written_archive_gives_pymrios_arrays(
    tmp_path, layout, top, legacy_f_hh, emissions, value_added
):
    archive = hand_written_archive(tmp_path / "raw", layout, top, legacy_f_hh)
    dataset = _cache(archive, tmp_path / "cache.nc", threads=1)
    assert list(dataset["region"].values) == HAND_REGIONS
    assert list(dataset["sector"].values) == HAND_SECTORS
    assert list(dataset["category"].values) == HAND_CATEGORIES
    assert json.loads(dataset.attrs["co2_rows"]) == CO2
    assert_pymrio_arrays(archive, dataset, emissions, value_added)


def test_a_missing_co2_row_is_named(tmp_path):
    archive = hand_written_archive(tmp_path / "raw", "3.9", False, False)
    with pytest.raises(WorkflowInputError, match=r"CO2 - typo - air.*stressors\.exiobase3"):
        exiobase3_reader.read_exiobase3(archive, YEAR, "ixi", ["CO2 - typo - air"])


def test_the_other_system_is_refused(tmp_path):
    archive = hand_written_archive(tmp_path / "raw", "3.8", True, False)
    with pytest.raises(WorkflowInputError, match=r"exiobase3\.system"):
        exiobase3_reader.read_exiobase3(archive, YEAR, "pxp")
