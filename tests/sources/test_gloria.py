"""GLORIA (releases 059 and 060): the streaming reader against pymrio's parse_gloria +
calc_all, on small releases written in the exact layout; its refusals and reports."""

from __future__ import annotations

import json
import logging
import zipfile

import h5py
import numpy as np
import pandas as pd
import pytest

from bri_carbon.core import accounts
from bri_carbon.harmonize.account_inputs import open_account_inputs
from bri_carbon.results import store
from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import config_tables, eora26_layout, gloria
from bri_carbon.sources import gloria_layout as layout
from bri_carbon.sources import synthetic_gloria as synthetic

from ..support import gloria as support
from ..support.workflow import REPO

S = 120


@pytest.fixture(scope="module", params=[59, 60])
def release(request, tmp_path_factory):
    """A small release of each version: DYE empty in the middle of the region list, sectors
    without output, negative inventories, quoted indicator names."""
    folder = tmp_path_factory.mktemp(f"gloria{request.param}")
    files = support.write(folder, version=request.param)
    target = folder / "cache.nc"
    report = support.read(files, target)
    return files, target, report, support.pymrio_reference(files)


def _accounts(target, precision="mixed"):
    with open_account_inputs(target) as inputs:
        result = accounts.regional_accounts(inputs, precision=precision)
    return result, store.accounts_frame(result)


@pytest.mark.parametrize("precision", ["mixed", "float64"])
def test_accounts_equal_pymrio_parse_gloria_and_calc_all(release, precision):
    _, target, _, reference = release
    pba, cba, flows, system = (
        reference.production,
        reference.consumption,
        reference.flows,
        reference.system,
    )
    result, frame = _accounts(target, precision)
    regions = list(pba.index)
    assert sorted(regions) == sorted(frame.index)
    np.testing.assert_allclose(frame["production_mt"].loc[regions], pba * 1e-3, rtol=1e-9)
    np.testing.assert_allclose(frame["consumption_mt"].loc[regions], cba * 1e-3, rtol=1e-9)
    ours = store.flows_frame(result).loc[regions, regions].to_numpy()
    assert support.largest_relative_difference(ours, flows.to_numpy() * 1e-3) <= 1e-9
    # Gross output is pymrio's x, final demand its Y, value added its VA (construct B).
    x = system.x.iloc[:, 0].groupby(level=0, sort=False).sum() * 1e-3
    np.testing.assert_allclose(frame["gross_output_musd"].loc[regions], x, rtol=1e-9)
    demand = system.Y.T.groupby(level=0, sort=False).sum().sum(axis=1) * 1e-3
    np.testing.assert_allclose(frame["final_demand_musd"].loc[regions], demand, rtol=1e-12)
    value_added = reference.value_added * 1e-3
    np.testing.assert_allclose(frame["value_added_musd"].loc[regions], value_added, rtol=1e-12)


def test_the_release_has_the_quirks_of_real_files(release):
    files, _, _, _ = release
    readme = pd.read_excel(files.readme, sheet_name=layout.SATELLITES_SHEET)
    co2 = readme[readme[layout.SATELLITE_HEAD_COLUMN] == layout.CO2_HEAD]
    assert f"'{layout.CO2_INDICATOR}'" in set(co2[layout.SATELLITE_COLUMN])
    with zipfile.ZipFile(files.mrio) as archive:
        names = archive.namelist()
    assert all(f"_0{files.version}_Markup001(full).csv" in name for name in names)
    member = gloria.find_member(files.mrio, "Y", files.version, files.year)
    with zipfile.ZipFile(files.mrio) as archive:
        y = pd.read_csv(archive.open(member.name), header=None).to_numpy()
    inventories = y[:, layout.FINAL_DEMAND_CATEGORIES.index("Changes in inventories P.52") :: 6]
    assert (inventories < 0).any()


def test_the_empty_region_is_dropped_and_reported(release):
    files, target, report, _ = release
    assert report.dropped == ("DYE",) and "DYE" not in report.regions
    assert report.t_reads == 1 and report.diagonal_supply
    with h5py.File(target) as file:
        assert json.loads(file.attrs["dropped_regions"]) == ["DYE"]
        assert [str(code) for code in file["region"].asstr()[...]] == [
            code for code in support.REGIONS if code != "DYE"
        ]
        assert file.attrs["gloria_version"] == f"0{files.version}"
        assert len(file["sector"]) == S


def test_units_are_million_usd_and_mt(release):
    _, target, _, reference = release
    system = reference.system
    with h5py.File(target) as file:
        household = file["F_Y"][...].sum()
        assert file["F"].attrs["units"] == "Mt CO2"
        z = file["Z"]
        assert z.shape == (4, S, 4, S)
    assert household == pytest.approx(system.co2.F_Y.to_numpy().sum() * 1e-3, rel=1e-12)


def test_another_co2_row_is_chosen_by_its_name(tmp_path):
    files = support.write(tmp_path, regions=("CHN", "USA"), empty=())
    edgar, oecd = tmp_path / "edgar.nc", tmp_path / "oecd.nc"
    support.read(files, edgar)
    support.read(files, oecd, head=layout.CO2_OECD_HEAD, indicator=f"'{layout.CO2_OECD_INDICATOR}'")
    _, frame = _accounts(edgar)
    _, other = _accounts(oecd)
    # Both rows are written with seven significant digits.
    np.testing.assert_allclose(other["production_mt"], 0.98 * frame["production_mt"], rtol=1e-6)


def test_a_missing_or_ambiguous_co2_row_is_an_error(tmp_path):
    files = support.write(tmp_path, regions=("CHN", "USA"), empty=())
    labels = gloria.read_labels(files.readme)
    with pytest.raises(WorkflowInputError, match=r"no row 'co2_total'.*CO2 rows it has"):
        gloria.satellite_row(labels, layout.CO2_HEAD, "co2_total", files.readme)
    twice = gloria.Labels(
        **{
            **labels.__dict__,
            "satellite_heads": (*labels.satellite_heads, layout.CO2_HEAD),
            "satellite_indicators": (*labels.satellite_indicators, layout.CO2_INDICATOR),
            "satellite_units": (*labels.satellite_units, "kilotonnes"),
        }
    )
    with pytest.raises(WorkflowInputError, match=r"2 times.*ambiguous"):
        gloria.satellite_row(twice, layout.CO2_HEAD, layout.CO2_INDICATOR, files.readme)


def test_files_of_the_other_release_are_refused_by_name(tmp_path):
    files = support.write(tmp_path, version=60, regions=("CHN", "USA"), empty=())
    with pytest.raises(WorkflowInputError, match=r"no member whose name ends in .*_059_Markup001"):
        gloria.find_member(files.mrio, "T", 59, files.year)


def test_a_region_with_transactions_only_is_kept_after_a_second_pass(tmp_path):
    # DYE (region 0) sells its first product to China's (region 1) first industry, in T
    # only: it has no final demand, value added or CO2.
    first_product_of_dye, first_industry_of_china = S, 2 * S
    files = support.write(
        tmp_path,
        regions=("DYE", "CHN", "USA"),
        edits={"T": [(first_product_of_dye, first_industry_of_china, 5.0e4)]},
    )
    report = support.read(files, tmp_path / "cache.nc")
    assert report.dropped == () and report.t_reads == 2
    reference = support.pymrio_reference(files)
    pba, cba = (
        values.rename(index=support.region_map())  # DYE is reported under YEM
        for values in (reference.production, reference.consumption)
    )
    _, frame = _accounts(tmp_path / "cache.nc")
    np.testing.assert_allclose(frame["production_mt"].loc[pba.index], pba * 1e-3, rtol=1e-9)
    np.testing.assert_allclose(frame["consumption_mt"].loc[cba.index], cba * 1e-3, rtol=1e-9)


def test_supply_off_the_diagonal_is_applied_as_pymrio_does(tmp_path):
    # Industry 3 of China also makes some of China's product 7 (a secondary product).
    edits = {"T": [(3, S + 7, 2.0e5)]}
    files = support.write(tmp_path, regions=("CHN", "USA", "DEU"), empty=(), edits=edits)
    report = support.read(files, tmp_path / "cache.nc")
    assert not report.diagonal_supply and report.t_reads == 2
    reference = support.pymrio_reference(files)
    pba, cba, flows = reference.production, reference.consumption, reference.flows
    result, frame = _accounts(tmp_path / "cache.nc")
    np.testing.assert_allclose(frame["production_mt"].loc[pba.index], pba * 1e-3, rtol=1e-9)
    np.testing.assert_allclose(frame["consumption_mt"].loc[cba.index], cba * 1e-3, rtol=1e-9)
    ours = store.flows_frame(result).loc[flows.index, flows.columns].to_numpy()
    assert support.largest_relative_difference(ours, flows.to_numpy() * 1e-3) <= 1e-9


def test_emissions_of_an_industry_without_output_are_reported(tmp_path, caplog):
    world = synthetic.make_world(("CHN", "USA"), support.sectors(), seed=2015)
    idle = int(np.flatnonzero(world.output == 0)[0])
    column = (idle // S) * 2 * S + idle % S  # the industry column of that sector in TQ
    files = support.write(
        tmp_path,
        regions=("CHN", "USA"),
        empty=(),
        edits={"TQ": [(world.co2_row, column, 123.0)]},
    )
    with caplog.at_level(logging.WARNING):
        report = support.read(files, tmp_path / "cache.nc")
    assert report.lost_emissions == pytest.approx(0.123)
    assert "cannot carry them" in caplog.text


def test_the_release_names_of_both_versions():
    assert layout.release_files(59, 2015) == {
        "mrio": "GLORIA_MRIOs_59_2015.zip",
        "satellites": "GLORIA_SatelliteAccounts_059_2015.zip",
        "readme": "GLORIA_ReadMe_059.xlsx",
    }
    assert layout.release_files(60, 2020)["mrio"] == "GLORIA_MRIOs_60_2020.zip"
    assert layout.member_suffix("T", 60, 2019) == (
        "_120secMother_AllCountries_002_T-Results_2019_060_Markup001(full).csv"
    )
    assert layout.unquoted(" 'co2' ") == "co2" and layout.unquoted("it's") == "it's"


def test_missing_files_message_names_each_file_and_where_to_get_them():
    message = layout.missing_files_message(60, "/data/mrio", ["GLORIA_MRIOs_60_2015.zip"])
    assert "/data/mrio/gloria/" in message and "GLORIA_MRIOs_60_2015.zip" in message
    assert "https://ielab.info/labs/ielab-gloria" in message and "\n" not in message


def test_the_concordance_maps_the_120_sectors_once():
    concordance = config_tables.read_concordance(support.CONCORDANCE)
    assert len(concordance) == 120 and concordance.index.is_unique
    assert set(concordance) <= set(eora26_layout.SECTORS)
    # Spellings of GLORIA_ReadMe_059.xlsx, sheet "Sectors", kept verbatim.
    for name in ("Alcoholic and other  beverages", "Basic Copper", "Growing cereals n.e.c"):
        assert name in concordance.index
    assert concordance["Hard coal"] == "Mining and Quarrying"
    assert concordance["Electric power generation, transmission and distribution"] == (
        "Electricity, Gas and Water"
    )


def test_region_codes_cover_gloria_and_the_grouping():
    codes = pd.read_csv(REPO / "data" / "region_codes.csv", keep_default_na=False)
    rows = codes[codes["source"] == "gloria"].set_index("source_code")["region"]
    assert len(rows) == 164 and rows.index.is_unique
    assert rows["SDS"] == "SSD" and rows["DYE"] == "YEM"
    assert all(rows[code] == code for code in layout.AGGREGATES)
    grouping = config_tables.read_regions(REPO / "config" / "regions.csv")
    assert set(rows) <= set(grouping.index)
