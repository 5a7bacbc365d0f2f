"""Decomposition and headline functions on a hand-made four-region world with known answers."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from bri_carbon.core import findings
from bri_carbon.results import store
from bri_carbon.runtime.errors import WorkflowInputError
from bri_carbon.sources import config_tables

from ..support.workflow import REPO

CODES = ["AAA", "BBB", "CCC", "DDD"]


@pytest.fixture
def regions() -> pd.DataFrame:
    """Two BRI regions in two BRI groups, two non-BRI regions in the driver groups."""
    return pd.DataFrame(
        {
            "name": ["Alpha", "Beta", "Gamma", "Delta"],
            "bri": [True, True, False, False],
            "group": ["Group one", "Group two", "Land C", "Land D"],
        },
        index=pd.Index(CODES, name="iso3"),
    )


@pytest.fixture
def flows() -> pd.DataFrame:
    """Origin x destination, Mt CO2. Row AAA: 20 Mt, 8 of them for CCC + DDD (40%);
    row BBB: 10 Mt, 5 for CCC + DDD (50%)."""
    matrix = [
        [10.0, 2.0, 3.0, 5.0],
        [1.0, 4.0, 4.0, 1.0],
        [1.0, 1.0, 20.0, 2.0],
        [0.0, 2.0, 2.0, 10.0],
    ]
    frame = pd.DataFrame(matrix, index=CODES, columns=CODES)
    frame.index.name, frame.columns.name = "origin", "destination"
    return frame


def test_bri_blocks_split_the_matrix(flows, regions):
    blocks = findings.bri_blocks(flows, regions["bri"])
    assert list(blocks.index) == list(findings.BLOCKS)
    expected = {
        "BRI domestic": 14.0,
        "BRI to BRI across borders": 3.0,
        "BRI to non-BRI": 13.0,
        "non-BRI to BRI": 4.0,
        "non-BRI to non-BRI": 34.0,
    }
    for block, value in expected.items():
        assert blocks.loc[block, "co2_mt"] == pytest.approx(value)
        assert blocks.loc[block, "share_of_world_pct"] == pytest.approx(value / 68.0 * 100)
    assert blocks["co2_mt"].sum() == pytest.approx(flows.to_numpy().sum())


def test_driven_by_gives_each_bri_row_by_destination_group(flows, regions):
    driven = findings.driven_by(flows, regions)
    assert list(driven.columns) == [
        "region",
        "name",
        "group",
        "destination_group",
        "co2_mt",
        "share_pct",
    ]
    assert sorted(set(driven["region"])) == ["AAA", "BBB"]  # only BRI regions
    alpha = driven[driven["region"] == "AAA"].set_index("destination_group")["share_pct"]
    assert alpha.to_dict() == pytest.approx(
        {"Group one": 50.0, "Group two": 10.0, "Land C": 15.0, "Land D": 25.0}
    )
    assert driven.groupby("region")["share_pct"].sum().to_numpy() == pytest.approx([100, 100])
    shares = findings.driver_shares(driven, ["Land C", "Land D"])
    assert shares.to_dict() == pytest.approx({"AAA": 40.0, "BBB": 50.0})


def test_driven_by_leaves_out_bri_regions_without_emissions(flows, regions, caplog):
    flows.loc["BBB"] = 0.0
    driven = findings.driven_by(flows, regions)
    assert set(driven["region"]) == {"AAA"}
    assert "BBB" in caplog.text


def test_positive_net_export_share():
    net = pd.Series({"AAA": 30.0, "BBB": 10.0, "CCC": -35.0, "DDD": 10.0})
    bri = pd.Series({"AAA": True, "BBB": True, "CCC": False, "DDD": False})
    assert findings.positive_net_export_share(net, bri) == pytest.approx(80.0)
    assert math.isnan(findings.positive_net_export_share(net * 0, bri))


def _accounts() -> pd.DataFrame:
    """Group accounts: Group one has production intensity 2 kg/USD, consumption 1 kg/USD."""
    return pd.DataFrame(
        {
            "bri": [True, True, False, False],
            "production_mt": [20.0, 10.0, 24.0, 14.0],
            "consumption_mt": [10.0, 10.0, 29.0, 19.0],
            "net_export_mt": [10.0, 0.0, -5.0, -5.0],
            "primary_inputs_musd": [10.0, 10.0, 24.0, 14.0],
            "final_demand_musd": [10.0, 10.0, 24.0, 14.0],
        },
        index=pd.Index(["Group one", "Group two", "Land C", "Land D"], name="group"),
    )


def test_combined_intensity_ratio_sums_before_dividing():
    accounts = _accounts()
    assert findings.combined_intensity_ratio(accounts, ["Group one"]) == pytest.approx(2.0)
    assert findings.combined_intensity_ratio(accounts, ["Group two"]) == pytest.approx(1.0)
    # (30 / 20) / (20 / 20), not the mean of 2 and 1
    assert findings.combined_intensity_ratio(accounts, ["Group one", "Group two"]) == pytest.approx(
        1.5
    )
    assert findings.combined_intensity_ratio(accounts, ["Land C", "Land D"]) == pytest.approx(
        (38 / 38) / (48 / 38)
    )
    assert math.isnan(findings.combined_intensity_ratio(accounts, ["Nowhere"]))
    ratios = findings.intensity_ratios(accounts)
    assert ratios["Group one"] == pytest.approx(2.0)


def test_configured_groups_must_exist(regions):
    findings.check_groups(["Land C"], regions, "findings.driver_groups")
    with pytest.raises(WorkflowInputError, match=r"findings\.driver_groups.*Atlantis"):
        findings.check_groups(["Atlantis"], regions, "findings.driver_groups")
    with pytest.raises(WorkflowInputError, match="empty"):
        findings.check_groups([], regions, "findings.developed_groups")


def test_read_accounts_keeps_namibia(tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text(
        "region,name,bri,group,production_mt,production_intensity_kg_per_usd\n"
        "NA,Namibia,false,Rest of world,3.5,\n"
        "CHN,China,true,East Asia,10,0.5\n"
    )
    accounts = store.read_accounts(path)
    assert list(accounts.index) == ["NA", "CHN"]
    assert accounts["bri"].tolist() == [False, True]
    assert math.isnan(accounts.loc["NA", "production_intensity_kg_per_usd"])
    assert accounts.loc["CHN", "production_mt"] == 10.0


def test_paper_values_give_both_abstracts_words_and_a_number_only_with_its_words():
    paper = config_tables.read_paper_values(REPO / "data" / "paper_values.csv")
    net = paper[
        (paper["statistic"] == "positive_net_export_share")
        & (paper["level"] == "region")
        & (paper["subject"] == "BRI")
    ].set_index("journal")
    assert net.loc["J. Geogr. Sci.", "paper_wording"] == "more than 95%"
    assert net.loc["Acta Geogr. Sin.", "paper_wording"] == "up to 95%"
    assert (net["paper_value"] == 95).all()
    # The BRI block's driven share is no reading of "about 30% ... in most BR regions":
    # the sentence is attached, its number is not.
    block = paper[(paper["statistic"] == "driven_share") & (paper["level"] == "block")]
    assert block["paper_value"].isna().all() and (block["paper_wording"] == "").all()
    assert (paper["paper_wording"] != "").eq(paper["paper_value"].notna()).all()
    for row in paper.itertuples():
        assert row.paper_wording.lower() in row.paper_statement.lower()
    assert paper["citation"].str.contains("Geogr").all()
    assert set(paper["level"]) <= set(findings.LEVELS)


def test_a_paper_value_without_its_words_in_the_sentence_is_refused(tmp_path):
    paper = (REPO / "data" / "paper_values.csv").read_text().splitlines()
    header, first_b = paper[0], next(line for line in paper if line.startswith("b,"))
    path = tmp_path / "paper_values.csv"
    path.write_text(f"{header}\n{first_b.replace('more than 95%,', 'about 95%,', 1)}\n")
    with pytest.raises(WorkflowInputError, match="'about 95%' is not in the statement"):
        config_tables.read_paper_values(path)
    path.write_text(f"{header}\n{first_b.replace(',95,', ',90,', 1)}\n")
    with pytest.raises(WorkflowInputError, match="does not give the value 90"):
        config_tables.read_paper_values(path)
