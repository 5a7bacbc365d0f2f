"""Every reading of the three findings on a hand-checkable four-region world.

Flows E (origin x destination, Mt CO2), no household emissions, so PBA = row sums and
CBA = column sums:

          AAA  BBB  CCC  DDD | PBA  VA   CBA  FD   NEE
    AAA    10    2    3    5 |  20  10    16   8    4
    BBB     1    6    2    1 |  10   5    10   6    0
    CCC     1    1   20    2 |  24  40    29  50   -5
    DDD     4    1    4   10 |  19  20    18  25    1

AAA and BBB are BRI (groups "Group one", "Group two"); CCC and DDD are the driver and the
developed groups ("Land C", "Land D"). The "without" variant leaves AAA out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bri_carbon.core import compare, findings, grouping, trends

CODES = ["AAA", "BBB", "CCC", "DDD"]
GROUPS = ["Group one", "Group two", "Land C", "Land D"]
FLOWS = [
    [10.0, 2.0, 3.0, 5.0],
    [1.0, 6.0, 2.0, 1.0],
    [1.0, 1.0, 20.0, 2.0],
    [4.0, 1.0, 4.0, 10.0],
]
VALUE_ADDED = [10.0, 5.0, 40.0, 20.0]
FINAL_DEMAND = [8.0, 6.0, 50.0, 25.0]
DRIVERS = ["Land C", "Land D"]
PAPER = pd.DataFrame(
    {
        "finding": ["b", "c"],
        "statistic": ["positive_net_export_share", "driven_share"],
        "level": ["region", "group"],
        "subject": ["BRI", findings.ANY_SUBJECT],
        "paper_value": [95.0, 30.0],
        "unit": ["%", "%"],
        "paper_statement": ["more than 95%", "about 30%"],
        "citation": ["Han et al. 2018", "Han et al. 2018"],
    }
)


@pytest.fixture
def regions() -> pd.DataFrame:
    return pd.DataFrame(
        {"name": CODES, "bri": [True, True, False, False], "group": GROUPS},
        index=pd.Index(CODES, name="iso3"),
    )


@pytest.fixture
def flows() -> pd.DataFrame:
    frame = pd.DataFrame(FLOWS, index=CODES, columns=CODES)
    frame.index.name, frame.columns.name = "origin", "destination"
    return frame


def _accounts(flows: pd.DataFrame, index: list[str], bri: list[bool]) -> pd.DataFrame:
    production = flows.sum(axis=1).to_numpy()
    consumption = flows.sum(axis=0).to_numpy()
    return pd.DataFrame(
        {
            "bri": bri,
            "production_mt": production,
            "consumption_mt": consumption,
            "net_export_mt": production - consumption,
            "value_added_musd": VALUE_ADDED,
            "final_demand_musd": FINAL_DEMAND,
        },
        index=pd.Index(index),
    )


@pytest.fixture
def headline(flows, regions) -> pd.DataFrame:
    region_accounts = _accounts(flows, CODES, [True, True, False, False])
    group_accounts = _accounts(flows, GROUPS, [True, True, False, False])
    return findings.headline(
        region_accounts,
        group_accounts,
        flows,
        regions,
        DRIVERS,
        DRIVERS,
        PAPER,
        without_regions=["AAA"],
    )


def value(headline: pd.DataFrame, statistic: str, level: str, subject: str) -> float:
    row = headline[
        (headline["statistic"] == statistic)
        & (headline["level"] == level)
        & (headline["subject"] == subject)
    ]
    assert len(row) == 1, (statistic, level, subject, len(row))
    return float(row["value"].iloc[0])


def test_finding_a_intensity_and_emission_ratios(headline):
    assert value(headline, "intensity_ratio", "group", "Group one") == pytest.approx(
        (20 / 10) / (16 / 8)
    )
    assert value(headline, "emission_ratio", "group", "Group one") == pytest.approx(20 / 16)
    assert value(headline, "intensity_difference_kg_per_usd", "group", "Group two") == (
        pytest.approx((10 / 5 - 10 / 6) * 1e3)
    )
    assert value(headline, "intensity_ratio", "group", "Land C") == pytest.approx(
        (24 / 40) / (29 / 50)
    )
    bri = (30 / 15) / (26 / 14)
    developed = (43 / 60) / (47 / 75)
    assert value(headline, "intensity_ratio", "block", "BRI") == pytest.approx(bri)
    assert value(headline, "emission_ratio", "block", "BRI") == pytest.approx(30 / 26)
    assert value(headline, "intensity_ratio", "block", "developed") == pytest.approx(developed)
    assert value(headline, "intensity_ratio_gap", "block", "BRI over developed") == (
        pytest.approx(bri / developed)
    )
    # The world: production = consumption, so the emission ratio is 1 and the intensity
    # ratio is final demand over value added.
    assert value(headline, "emission_ratio", "block", "world") == pytest.approx(1.0)
    assert value(headline, "intensity_ratio", "block", "world") == pytest.approx(89 / 75)


def test_finding_b_at_four_levels_and_without_a_region(headline):
    # Positive net exports by region: AAA 4, DDD 1; BRI 4 of 5.
    assert value(headline, "positive_net_export_share", "region", "BRI") == pytest.approx(80.0)
    assert value(headline, "positive_net_export_share", "group", "BRI") == pytest.approx(80.0)
    # Net flows of the pairs: AAA exports 1 + 2 + 1, BBB 1 (to CCC), DDD 2 (to CCC).
    assert value(headline, "positive_net_export_share", "region_pair", "BRI") == (
        pytest.approx(100 * 5 / 7)
    )
    assert value(headline, "positive_net_export_share", "group_pair", "BRI") == (
        pytest.approx(100 * 5 / 7)
    )
    assert value(headline, "positive_net_export_share", "region", "BRI without AAA") == 0.0
    assert value(headline, "positive_net_export_share", "region_pair", "BRI without AAA") == (
        pytest.approx(100 / 7)
    )
    assert value(headline, "net_embodied_exports_mt", "block", "BRI") == pytest.approx(4.0)


def test_finding_c_driven_exported_and_consumed(headline):
    assert value(headline, "driven_share", "group", "Group one") == pytest.approx(40.0)
    assert value(headline, "driven_share", "group", "Group two") == pytest.approx(30.0)
    assert value(headline, "bri_groups_within_25_35_pct", "group", "BRI groups") == 1.0
    assert value(headline, "driven_share", "block", "BRI") == pytest.approx(100 * 11 / 30)
    assert value(headline, "driven_share", "block", "BRI without AAA") == pytest.approx(30.0)
    assert value(headline, "driven_share", "region", "median") == pytest.approx(35.0)
    assert value(headline, "driven_share", "region", "min") == pytest.approx(30.0)
    assert value(headline, "driven_share", "region", "max") == pytest.approx(40.0)
    assert value(headline, "export_share_to_drivers", "group", "Group one") == (pytest.approx(80.0))
    assert value(headline, "export_share_to_drivers", "group", "Group two") == (pytest.approx(75.0))
    assert value(headline, "export_share_to_drivers", "block", "BRI") == pytest.approx(100.0)
    assert value(headline, "driver_consumption_from_bri", "group", "Land C") == (
        pytest.approx(100 * 5 / 29)
    )
    assert value(headline, "driver_consumption_from_bri", "block", "Land C + Land D") == (
        pytest.approx(100 * 11 / 47)
    )
    assert value(
        headline, "driver_consumption_from_bri", "block", "Land C + Land D (BRI without AAA)"
    ) == pytest.approx(100 * 3 / 47)


def test_paper_values_attach_to_the_readings_they_name(headline):
    paper = headline.set_index(["statistic", "level", "subject"])["paper_value"]
    assert paper["positive_net_export_share", "region", "BRI"] == 95.0
    assert np.isnan(paper["positive_net_export_share", "group", "BRI"])
    assert paper["driven_share", "group", "Group one"] == 30.0
    assert paper["driven_share", "group", "Group two"] == 30.0
    assert set(headline["level"]) <= set(findings.LEVELS)
    assert list(headline.columns) == list(findings.HEADLINE_COLUMNS)


def test_a_paper_value_for_a_reading_that_does_not_exist_is_an_error(headline):
    wrong = PAPER.assign(level=["nowhere", "group"])
    with pytest.raises(ValueError, match="do not compute"):
        findings.with_paper_values(
            headline.drop(columns=["paper_value", "paper_statement", "citation"]), wrong
        )


def test_sector_hotspots_sum_to_the_group_flows(regions):
    sector_flows = np.zeros((4, 2, 4))
    sector_flows[:, 0, :] = np.array(FLOWS) * 0.25
    sector_flows[:, 1, :] = np.array(FLOWS) * 0.75
    long = grouping.sector_flows_by_group(sector_flows, CODES, ["farms", "mills"], regions)
    assert list(long.columns) == ["origin", "sector", "destination_group", "co2_mt"]
    hotspots = findings.sector_hotspots(long, regions)
    one_to_c = hotspots[
        (hotspots["origin_group"] == "Group one") & (hotspots["destination_group"] == "Land C")
    ].set_index("sector")
    assert one_to_c.loc["mills", "co2_mt"] == pytest.approx(3.0 * 0.75)
    assert one_to_c.loc["farms", "share_pct"] == pytest.approx(25.0)
    assert hotspots["co2_mt"].sum() == pytest.approx(np.sum(FLOWS))


def test_comparison_of_readings_and_flows_on_common_regions(headline, flows, regions):
    other = headline.assign(value=headline["value"] * 1.1)
    third = headline[headline["statistic"] != "driven_share"].assign(value=headline["value"] * 2)
    table = compare.headline_differences({"eora26": headline, "exiobase3": other, "c": third})
    assert len(table) == len(headline)
    row = table[(table["statistic"] == "driven_share") & (table["subject"] == "Group one")]
    assert row["value_exiobase3"].iloc[0] == pytest.approx(44.0)
    assert row["relative_difference_exiobase3"].iloc[0] == pytest.approx(0.1)
    assert np.isnan(row["value_c"].iloc[0]) and np.isnan(row["relative_difference_c"].iloc[0])
    assert row["unit"].iloc[0] == headline.loc[row.index[0], "unit"]
    fewer = flows.drop(index="DDD", columns="DDD")
    group_flows = compare.common_group_flows({"a": flows, "b": fewer * 2, "c": flows * 3}, regions)
    assert set(group_flows["origin"]) == {"Group one", "Group two", "Land C"}
    one_to_c = group_flows[
        (group_flows["origin"] == "Group one") & (group_flows["destination"] == "Land C")
    ]
    assert one_to_c["co2_mt_a"].iloc[0] == 3.0 and one_to_c["co2_mt_b"].iloc[0] == 6.0
    assert one_to_c["co2_mt_c"].iloc[0] == 9.0 and one_to_c["difference_c"].iloc[0] == 6.0


def test_trends_carry_the_same_reading_names(headline):
    series = trends.headline_series({2016: headline, 2015: headline})
    assert list(series["year"].unique()) == [2015, 2016]
    keys = series[series["year"] == 2015][["statistic", "level", "subject"]]
    assert keys.reset_index(drop=True).equals(
        headline[["statistic", "level", "subject"]].reset_index(drop=True)
    )
    shares = trends.figure_series(series)
    assert shares.loc[2015, "positive_net_export_share"] == pytest.approx(80.0)
