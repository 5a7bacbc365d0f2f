"""The streaming Eora26 reader against pymrio's parser: identical arrays in the native cache.

Two kinds of archives: the project's fixture world (tests/support/fixtures.py, written by
the synthetic world's writer) in both release layouts, and tiny archives written here by
hand, independently of that writer and of ``bri_carbon.sources.eora26_layout``, from
strings seen in public code that reads the real files (cited beside each string).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pymrio
import pytest
import xarray as xr

from bri_carbon.harmonize import harmonized
from bri_carbon.sources import eora26, eora26_reader

from ..support.fixtures import eora26_world, write_eora26

YEAR = 2015

# --- Hand-written release strings ---------------------------------------------------------
#: Sectors verbatim, typos included ("Restraurants", "Finacial"): theplatters/GNGS
#: results/co2_res.csv (pymrio.parse_eora26 on Eora26 2017) and spjuhel/BoARIO-MRIOT-Tools
#: config/mriot_params/eora26_full_sectors.csv.
HAND_SECTORS = [
    "Agriculture",
    "Fishing",
    "Mining and Quarrying",
    "Food & Beverages",
    "Textiles and Wearing Apparel",
    "Wood and Paper",
    "Petroleum, Chemical and Non-Metallic Mineral Products",
    "Metal Products",
    "Electrical and Machinery",
    "Transport Equipment",
    "Other Manufacturing",
    "Recycling",
    "Electricity, Gas and Water",
    "Construction",
    "Maintenance and Repair",
    "Wholesale Trade",
    "Retail Trade",
    "Hotels and Restraurants",
    "Transport",
    "Post and Telecommunications",
    "Finacial Intermediation and Business Activities",
    "Public Administration",
    "Education, Health and Other Services",
    "Private Households",
    "Others",
    "Re-export & Re-import",
]
#: labels_T.txt / labels_FD.txt lines: name, code, "Industries" / "Final Demand", label
#: (pymrio tests/mock_mrios/eora26_mock/labels_T.txt and labels_FD.txt).
HAND_COUNTRIES = [("Afghanistan", "AFG"), ("Gaza Strip", "PSE"), ("South Sudan", "SDS")]
#: Final demand categories per country, as a public script that reads labels_FD.txt maps them.
HAND_CATEGORIES = [
    "Household final consumption P.3h",
    "Non-profit institutions serving households P.3n",
    "Government final consumption P.3g",
    "Gross fixed capital formation P.51",
    "Changes in inventories P.52",
    "Acquisitions less disposals of valuables P.53",
]
#: labels_VA.txt: theplatters/GNGS src/share_functions.py reads
#: VA.F.loc[("Primary input", "Compensation of employees D.1")].
HAND_VA = [
    ("Primary input", "Compensation of employees D.1"),
    ("Primary input", "Taxes on production D.29"),
    ("Primary input", "Subsidies on production D.39"),
    ("Primary input", "Net operating surplus B.2n"),
    ("Primary input", "Net mixed income B.3n"),
    ("Primary input", "Consumption of fixed capital K.1"),
]
#: labels_Q.txt: the EDGAR total as DaguenetYannis/Remaster src/abm_v5/accounting.py matches
#: it in raw label files; pymrio's mock "I-GHG-CO2 emissions (kg)"; a PRIMAP row whose unit
#: sits in the stressor code (no parentheses).
HAND_Q = [
    ("I-GHG-CO2 emissions (kg)", "emission_type1"),
    ("Total CO2 emissions (Gg) from EDGAR", "Total"),
    ("PRIMAP|CO2|TOTAL|Gg", "Total"),
]
#: The discrepancy line, last: MARIO mario/parsers/eora.py drops ("ROW", ..., "TOTAL").
HAND_ROW = ("ROW", "ROW", "Total", "TOTAL")


def _text(rows: list[list[str]], end: str) -> bytes:
    return "".join("\t".join(row) + end for row in rows).encode()


def _numbers(rng: np.random.Generator, shape: tuple[int, int]) -> list[list[str]]:
    """Cells as upstream writes them: 8 significant digits, exponents, zeros, negatives."""
    values = rng.lognormal(2.0, 3.0, shape) * rng.choice([1, 1, 1, 0, -1], shape)
    return [[f"{value:.8g}" for value in row] for row in values]


def hand_written_archive(
    folder: Path, *, trailing_tab: bool, line_end: str, indices: bool, seed: int = 0
) -> Path:
    """A tiny Eora26 archive (three countries + ROW) written without the project's writer."""
    rng = np.random.default_rng(seed)
    tab = "\t" if trailing_tab else ""
    t_labels = [
        [name, code, "Industries", sector + tab]
        for name, code in HAND_COUNTRIES
        for sector in HAND_SECTORS
    ]
    t_labels.append([*HAND_ROW[:3], HAND_ROW[3] + tab])
    fd_labels = [
        [name, code, "Final Demand", category + tab]
        for name, code in [*HAND_COUNTRIES, ("ROW", "ROW")]
        for category in HAND_CATEGORIES
    ]
    n, m = len(t_labels), len(fd_labels)
    tables = {
        "T": _numbers(rng, (n, n)),
        "FD": _numbers(rng, (n, m)),
        "VA": _numbers(rng, (len(HAND_VA), n)),
        "Q": _numbers(rng, (len(HAND_Q), n)),
        "QY": _numbers(rng, (len(HAND_Q), m)),
    }
    labels = {
        "labels_T.txt": _text(t_labels, line_end),
        "labels_FD.txt": _text(fd_labels, line_end),
        "labels_VA.txt": _text([[a, b + tab] for a, b in HAND_VA], line_end),
        "labels_Q.txt": _text([[a, b + tab] for a, b in HAND_Q], line_end),
    }
    members = {f"Eora26_{YEAR}_bp_{key}.txt": _text(rows, line_end) for key, rows in tables.items()}
    folder.mkdir(parents=True, exist_ok=True)
    archive = folder / f"Eora26_{YEAR}_bp.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        for name, payload in {**members, **({} if indices else labels)}.items():
            handle.writestr(name, payload)
    if indices:
        with zipfile.ZipFile(folder / "indices.zip", "w", zipfile.ZIP_DEFLATED) as handle:
            for name, payload in labels.items():
                handle.writestr(name, payload)
    return archive


def _cache(archive: Path, target: Path, threads: int = 2) -> xr.Dataset:
    tables = eora26_reader.read_eora26(archive, YEAR, threads=threads)
    harmonized.write_source_year(
        tables,
        target,
        source="eora26",
        year=YEAR,
        regions=pd.Series(tables.regions, index=tables.regions),
        common_sectors=tuple(dict.fromkeys(tables.sectors)),
    )
    with xr.open_dataset(target, engine="h5netcdf") as dataset:
        return dataset.load()


def assert_pymrio_arrays(archive: Path, dataset: xr.Dataset, co2: tuple[str, str]) -> None:
    """The cache holds pymrio's parse of ``archive``, bit for bit (times the unit factors:
    thousand USD to million USD, Gg to Mt)."""
    folder = archive.parent / "pymrio"
    folder.mkdir(exist_ok=True)
    for name in (archive.name, "indices.zip"):
        if (archive.parent / name).exists() and not (folder / name).exists():
            (folder / name).symlink_to(archive.parent / name)
    with pytest.warns(pd.errors.PerformanceWarning):
        system = pymrio.parse_eora26(folder, year=YEAR)
    n = system.Z.shape[0]
    r, s, k = dataset.sizes["region"], dataset.sizes["sector"], dataset.sizes["category"]
    assert n == r * s and system.Y.shape[1] == r * k
    assert list(dataset["region"].values) == list(dict.fromkeys(system.Z.index.get_level_values(0)))
    assert list(dataset["sector"].values) == list(dict.fromkeys(system.Z.index.get_level_values(1)))
    assert list(dataset["category"].values) == list(
        dict.fromkeys(system.Y.columns.get_level_values(1))
    )
    money = 1e-3
    np.testing.assert_array_equal(dataset["Z"].values.reshape(n, n), system.Z.to_numpy() * money)
    np.testing.assert_array_equal(
        dataset["Y"].values.reshape(n, r * k), system.Y.to_numpy() * money
    )
    np.testing.assert_array_equal(
        dataset["VA"].values.ravel(), system.VA.F.to_numpy().sum(axis=0) * money
    )
    unit = system.Q.unit.loc[co2].iloc[0]
    factor = {"Gg": 1e-3, "kg": 1e-9}[unit]
    np.testing.assert_array_equal(
        dataset["F"].values.ravel(), system.Q.F.loc[co2].to_numpy() * factor
    )
    np.testing.assert_array_equal(
        dataset["F_Y"].values.ravel(), system.Q.F_Y.loc[co2].to_numpy() * factor
    )


@pytest.mark.parametrize("labels_inside", [True, False])
def test_fixture_world_gives_pymrios_arrays(tmp_path, labels_inside):
    archive = write_eora26(tmp_path / "raw", YEAR, labels_inside, eora26_world(YEAR))
    dataset = _cache(archive, tmp_path / "cache.nc")
    assert_pymrio_arrays(archive, dataset, ("Total CO2 emissions from EDGAR", "Total"))


@pytest.mark.parametrize(
    ("trailing_tab", "line_end", "indices"),
    [(False, "\n", False), (True, "\n", True), (True, "\r\n", False)],
)
def test_hand_written_archive_gives_pymrios_arrays(tmp_path, trailing_tab, line_end, indices):
    archive = hand_written_archive(
        tmp_path / "raw", trailing_tab=trailing_tab, line_end=line_end, indices=indices
    )
    dataset = _cache(archive, tmp_path / "cache.nc", threads=1)
    assert list(dataset["region"].values) == ["AFG", "PSE", "SDS"]
    assert "Finacial Intermediation and Business Activities" in dataset["sector"].values
    assert "ROW" not in dataset["region"].values
    assert dataset.attrs["co2_rows"] == '["Total CO2 emissions from EDGAR / Total"]'
    assert_pymrio_arrays(archive, dataset, ("Total CO2 emissions from EDGAR", "Total"))


def test_a_co2_row_in_kilograms_is_converted(tmp_path):
    """pymrio's mock labels its CO2 rows in kg; the reader takes the unit from the label."""
    archive = hand_written_archive(
        tmp_path / "raw", trailing_tab=False, line_end="\n", indices=False
    )
    tables = eora26_reader.read_eora26(archive, YEAR, [("I-GHG-CO2 emissions", "emission_type1")])
    assert tables.emission_unit == "kg" and tables.co2_rows == (
        "I-GHG-CO2 emissions / emission_type1",
    )


def test_discrepancy_matches_the_pymrio_reference_path(tmp_path):
    """The ROW entry measured while T streams equals the reference's second pass over the
    tables (numbers parsed by Python's float there, so equal to the last bits only nearly)."""
    archive = hand_written_archive(tmp_path / "raw", trailing_tab=True, line_end="\n", indices=True)
    reference = eora26.discrepancy(archive, YEAR)
    tables = eora26_reader.read_eora26(archive, YEAR)
    assert tables.discrepancy() is None  # known only once Z has been read
    for _ in tables.intermediate():
        pass
    found = tables.discrepancy()
    for name in ("inputs_from", "final_demand_from", "sales_to"):
        np.testing.assert_allclose(getattr(found, name), getattr(reference, name), rtol=1e-13)
    assert found.value_added_of_row == pytest.approx(reference.value_added_of_row, rel=1e-13)
    assert found.row_to_row == pytest.approx(reference.row_to_row, rel=1e-13)


def test_the_cache_equals_the_pymrio_reference_route(tmp_path):
    """The streamed cache and the one written from pymrio's parse (harmonized.harmonize, the
    reference route) hold the same variables, bit for bit, and the same attributes."""
    archive = write_eora26(tmp_path / "raw", YEAR, False, eora26_world(YEAR))
    streamed = _cache(archive, tmp_path / "streamed.nc")
    parsed = eora26.parse_co2_system(archive, YEAR)
    regions = list(dict.fromkeys(parsed.system.get_regions()))
    reference = harmonized.harmonize(
        parsed,
        source="eora26",
        year=YEAR,
        regions=pd.Series(regions, index=regions),
        common_sectors=tuple(streamed["sector"].values),
    )
    harmonized.write(reference, tmp_path / "reference.nc")
    with xr.open_dataset(tmp_path / "reference.nc", engine="h5netcdf") as written:
        xr.testing.assert_identical(written.load(), streamed)
