"""Every reading of the three findings on a hand-checkable five-region world.

Flows E (origin x destination, Mt CO2), household direct CO2 (hh), primary inputs (PI) and
final demand (FD, million USD); PBA = row sum + hh, CBA = column sum + hh:

          AAA  BBB  CCC  DDD  EEE | rows hh  PBA | PI   FD
    AAA     7    2    6    5    0 |  20   2   22 |  10    8
    BBB     1    6    2    1    3 |  13   0   13 |   5    6
    CCC     1    1   20    2    0 |  24   1   25 |  40   46
    DDD     4    1    4   10    1 |  20   0   20 |  20   15
    EEE     0    2    3    0    4 |   9   0    9 |  10   10
    columns 13   12   35   18    8
    CBA     15   12   36   18    8      (world PBA = CBA = 89, PI = FD = 85)
    NEE      7    1  -11    2    1

AAA and BBB are BRI (groups "Group one", "Group two"); CCC ("Land C") and DDD ("Land D")
are the developed groups, CCC alone the driver group; EEE ("Rest") is neither. The US + EU28
list names CCC, AAA (a BRI region that is also an EU member) and ZZZ (not in the data). The
"without" variant leaves AAA out. Every expected value below is worked out from this table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bri_carbon.core import compare, findings, grouping, robustness, trends
from bri_carbon.core.readings import Drivers
from bri_carbon.sources import config_tables

from ..support.workflow import REPO

CODES = ["AAA", "BBB", "CCC", "DDD", "EEE"]
GROUPS = ["Group one", "Group two", "Land C", "Land D", "Rest"]
BRI = [True, True, False, False, False]
FLOWS = [
    [7.0, 2.0, 6.0, 5.0, 0.0],
    [1.0, 6.0, 2.0, 1.0, 3.0],
    [1.0, 1.0, 20.0, 2.0, 0.0],
    [4.0, 1.0, 4.0, 10.0, 1.0],
    [0.0, 2.0, 3.0, 0.0, 4.0],
]
HOUSEHOLD = [2.0, 0.0, 1.0, 0.0, 0.0]
PRIMARY_INPUTS = [10.0, 5.0, 40.0, 20.0, 10.0]
FINAL_DEMAND = [8.0, 6.0, 46.0, 15.0, 10.0]
DRIVERS = ["Land C"]
DEVELOPED = ["Land C", "Land D"]
US_EU28 = ["CCC", "AAA", "ZZZ"]
PAPER = config_tables.read_paper_values(REPO / "data" / "paper_values.csv")


@pytest.fixture
def regions() -> pd.DataFrame:
    return pd.DataFrame(
        {"name": CODES, "bri": BRI, "group": GROUPS}, index=pd.Index(CODES, name="iso3")
    )


@pytest.fixture
def flows() -> pd.DataFrame:
    frame = pd.DataFrame(FLOWS, index=CODES, columns=CODES)
    frame.index.name, frame.columns.name = "origin", "destination"
    return frame


def _accounts(flows: pd.DataFrame, index: list[str]) -> pd.DataFrame:
    household = np.array(HOUSEHOLD)
    production = flows.sum(axis=1).to_numpy() + household
    consumption = flows.sum(axis=0).to_numpy() + household
    return pd.DataFrame(
        {
            "bri": BRI,
            "production_mt": production,
            "consumption_mt": consumption,
            "household_direct_mt": household,
            "net_export_mt": production - consumption,
            "primary_inputs_musd": PRIMARY_INPUTS,
            "final_demand_musd": FINAL_DEMAND,
        },
        index=pd.Index(index),
    )


def _headline(flows, regions, drivers=DRIVERS, paper=PAPER) -> pd.DataFrame:
    return findings.headline(
        _accounts(flows, CODES),
        _accounts(flows, GROUPS),
        flows,
        regions,
        drivers,
        DEVELOPED,
        paper,
        without_regions=["AAA"],
        us_eu28=US_EU28,
    )


@pytest.fixture
def headline(flows, regions) -> pd.DataFrame:
    return _headline(flows, regions)


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
        (22 / 10) / (15 / 8)
    )
    assert value(headline, "emission_ratio", "group", "Group one") == pytest.approx(22 / 15)
    assert value(headline, "intensity_difference_kg_per_usd", "group", "Group two") == (
        pytest.approx((13 / 5 - 12 / 6) * 1e3)
    )
    assert value(headline, "intensity_ratio", "group", "Land C") == pytest.approx(
        (25 / 40) / (36 / 46)
    )
    bri = (35 / 15) / (27 / 14)
    developed = (45 / 60) / (54 / 61)
    assert value(headline, "intensity_ratio", "block", "BRI") == pytest.approx(bri)
    assert value(headline, "emission_ratio", "block", "BRI") == pytest.approx(35 / 27)
    assert value(headline, "intensity_ratio", "block", "developed") == pytest.approx(developed)
    assert value(headline, "intensity_ratio_gap", "block", "BRI over developed") == (
        pytest.approx(bri / developed)
    )
    assert value(headline, "emission_ratio_gap", "block", "BRI over developed") == (
        pytest.approx((35 / 27) / (45 / 54))
    )
    # The world: production = consumption and primary inputs = final demand, so both
    # ratios are 1 on this basis.
    assert value(headline, "emission_ratio", "block", "world") == pytest.approx(1.0)
    assert value(headline, "intensity_ratio", "block", "world") == pytest.approx(1.0)


def test_finding_a_counts_the_regions_with_a_ratio_above_one(headline):
    # AAA: (22 / 10) / (15 / 8) = 1.17; BBB: (13 / 5) / (12 / 6) = 1.3; CCC: 0.80; DDD: 0.83.
    assert value(headline, "regions_intensity_ratio_above_one", "region", "BRI") == 2.0
    assert value(headline, "regions_intensity_ratio_above_one_pct", "region", "BRI") == 100.0
    assert value(headline, "regions_intensity_ratio_above_one", "region", "developed") == 0.0
    assert value(headline, "regions_intensity_ratio_above_one_pct", "region", "developed") == 0.0


def test_regions_without_both_intensities_are_left_out_of_the_count(flows, regions):
    accounts = _accounts(flows, CODES)
    accounts.loc["DDD", "final_demand_musd"] = -1.0  # negative inventories can do that
    headline = findings.headline(
        accounts, _accounts(flows, GROUPS), flows, regions, DRIVERS, DEVELOPED, PAPER
    )
    assert value(headline, "regions_intensity_ratio_above_one", "region", "developed") == 0.0
    row = headline[headline["statistic"] == "regions_intensity_ratio_above_one"].iloc[-1]
    assert "1 developed regions" in row["definition"] and "1 regions without" in row["definition"]


def test_finding_b_at_four_levels_and_without_a_region(headline):
    # Positive net exports by region: AAA 7, BBB 1, DDD 2, EEE 1 (11); BRI 8.
    assert value(headline, "positive_net_export_share", "region", "BRI") == pytest.approx(
        100 * 8 / 11
    )
    assert value(headline, "positive_net_export_share", "group", "BRI") == pytest.approx(
        100 * 8 / 11
    )
    # Positive net flows of the pairs by exporter: AAA 1 + 5 + 1, BBB 1 + 1, DDD 2 + 1,
    # EEE 3 (15).
    assert value(headline, "positive_net_export_share", "region_pair", "BRI") == (
        pytest.approx(100 * 9 / 15)
    )
    assert value(headline, "positive_net_export_share", "group_pair", "BRI") == (
        pytest.approx(100 * 9 / 15)
    )
    # Without AAA: its share left out, the world's total with it (11, 15) or without (4, 8).
    assert value(headline, "positive_net_export_share", "region", "BRI without AAA") == (
        pytest.approx(100 * 1 / 11)
    )
    assert value(
        headline, "positive_net_export_share", "region", "BRI without AAA, world without AAA"
    ) == pytest.approx(100 * 1 / 4)
    assert value(headline, "positive_net_export_share", "region_pair", "BRI without AAA") == (
        pytest.approx(100 * 2 / 15)
    )
    assert value(
        headline, "positive_net_export_share", "region_pair", "BRI without AAA, world without AAA"
    ) == pytest.approx(100 * 2 / 8)
    assert value(headline, "net_embodied_exports_mt", "block", "BRI") == pytest.approx(8.0)
    assert value(headline, "net_embodied_exports_mt", "block", "BRI without AAA") == 1.0


def test_finding_b_with_the_world_of_bri_and_developed_regions(headline):
    # AAA 7, BBB 1, DDD 2: EEE's 1 is not in this world.
    assert value(headline, "positive_net_export_share_bri_developed", "region", "BRI") == (
        pytest.approx(100 * 8 / 10)
    )
    assert value(
        headline, "positive_net_export_share_bri_developed", "region", "BRI without AAA"
    ) == pytest.approx(100 * 1 / 10)
    assert value(
        headline,
        "positive_net_export_share_bri_developed",
        "region",
        "BRI without AAA, world without AAA",
    ) == pytest.approx(100 * 1 / 3)


def test_finding_b_net_flows_to_the_developed_regions_and_gross_exports(headline):
    # Net flows into CCC + DDD: from AAA (6 + 5) - (1 + 4) = 6, BBB (2 + 1) - (1 + 1) = 1,
    # EEE (3 + 0) - (0 + 1) = 2: 9, the developed CBA - PBA (36 + 18) - (25 + 20).
    assert value(headline, "net_flow_to_developed_share", "block", "BRI") == pytest.approx(
        100 * 7 / 9
    )
    assert value(headline, "net_flow_to_developed_share", "block", "BRI without AAA") == (
        pytest.approx(100 * 1 / 9)
    )
    assert value(
        headline, "net_flow_to_developed_share", "block", "BRI without AAA, world without AAA"
    ) == pytest.approx(100 * 1 / 3)
    # Gross exports (rows without the diagonal): AAA 13, BBB 7, CCC 4, DDD 10, EEE 5 (39).
    assert value(headline, "gross_export_share", "region", "BRI") == pytest.approx(100 * 20 / 39)
    assert value(headline, "gross_export_share", "region", "BRI without AAA") == pytest.approx(
        100 * 7 / 39
    )
    assert value(
        headline, "gross_export_share", "region", "BRI without AAA, world without AAA"
    ) == pytest.approx(100 * 7 / 26)


def test_finding_c_driven_exported_and_consumed(headline):
    assert value(headline, "driven_share", "group", "Group one") == pytest.approx(100 * 6 / 20)
    assert value(headline, "driven_share", "group", "Group two") == pytest.approx(100 * 2 / 13)
    assert value(headline, "bri_groups_within_25_35_pct", "group", "BRI groups") == 1.0
    assert value(headline, "driven_share", "block", "BRI") == pytest.approx(100 * 8 / 33)
    assert value(headline, "driven_share", "block", "BRI without AAA") == pytest.approx(
        100 * 2 / 13
    )
    assert value(headline, "driven_share", "region", "median") == pytest.approx(
        (30 + 100 * 2 / 13) / 2
    )
    assert value(headline, "driven_share", "region", "min") == pytest.approx(100 * 2 / 13)
    assert value(headline, "driven_share", "region", "max") == pytest.approx(30.0)
    # Exports: AAA 13 of which 6 to CCC; BBB 7 of which 2; the BRI block 11 + 6 = 17.
    assert value(headline, "export_share_to_drivers", "group", "Group one") == pytest.approx(
        100 * 6 / 13
    )
    assert value(headline, "export_share_to_drivers", "group", "Group two") == pytest.approx(
        100 * 2 / 7
    )
    assert value(headline, "export_share_to_drivers", "block", "BRI") == pytest.approx(100 * 8 / 17)
    assert value(headline, "driver_consumption_from_bri", "block", "Land C") == (
        pytest.approx(100 * 8 / 36)
    )
    assert value(
        headline, "driver_consumption_from_bri", "block", "Land C (BRI without AAA)"
    ) == pytest.approx(100 * 2 / 36)


def test_finding_c_with_other_drivers_and_denominators(headline):
    # All developed regions drive AAA's 6 + 5 and BBB's 2 + 1 of 33.
    assert value(headline, "driven_share_all_developed", "block", "BRI") == pytest.approx(
        100 * 14 / 33
    )
    assert value(headline, "driven_share_all_developed", "block", "BRI without AAA") == (
        pytest.approx(100 * 3 / 13)
    )
    # US + EU28 = CCC and AAA: AAA's own demand (7) does not count; BBB's demand from AAA
    # (1) does.
    assert value(headline, "driven_share_us_eu28", "block", "BRI") == pytest.approx(
        100 * (6 + 2 + 1) / 33
    )
    assert value(headline, "driven_share_us_eu28", "region", "median") == pytest.approx(
        (100 * 6 / 20 + 100 * 3 / 13) / 2
    )
    # Over production-based emissions, household direct emissions included: 22 + 13.
    assert value(headline, "driven_share_pba", "block", "BRI") == pytest.approx(100 * 8 / 35)
    # BRI consumption-based 15 + 12, of which emitted in CCC and DDD: 1 + 1 + 4 + 1.
    assert value(headline, "consumption_share_from_developed", "block", "BRI") == (
        pytest.approx(100 * 7 / 27)
    )
    assert value(headline, "consumption_share_from_developed", "block", "BRI without AAA") == (
        pytest.approx(100 * 2 / 12)
    )
    assert value(headline, "developed_share_of_world_cba", "block", "developed") == (
        pytest.approx(100 * 54 / 89)
    )


def test_several_driver_groups_are_also_read_one_by_one(flows, regions):
    headline = _headline(flows, regions, drivers=DEVELOPED)
    assert value(headline, "driven_share", "block", "BRI") == pytest.approx(100 * 14 / 33)
    assert value(headline, "driver_consumption_from_bri", "group", "Land C") == pytest.approx(
        100 * 8 / 36
    )
    assert value(headline, "driver_consumption_from_bri", "group", "Land D") == pytest.approx(
        100 * 6 / 18
    )
    assert value(headline, "driver_consumption_from_bri", "block", "Land C + Land D") == (
        pytest.approx(100 * 14 / 54)
    )
    regional = _headline(flows, regions, drivers=Drivers("CCC and AAA", ("CCC", "AAA")))
    assert value(regional, "driven_share", "block", "BRI") == pytest.approx(100 * 9 / 33)


def test_every_reading_keeps_its_formula(headline):
    assert headline["definition"].str.len().gt(20).all()
    shares = headline[headline["statistic"] == "gross_export_share"].set_index("subject")
    assert (
        "without the terms of AAA" in shares.loc["BRI without AAA, world without AAA"]["definition"]
    )
    assert "without the terms" not in shares.loc["BRI without AAA"]["definition"]


def test_paper_values_attach_only_where_a_sentence_gives_them(headline):
    paper = headline.set_index(["statistic", "level", "subject"])
    net = paper.loc[("positive_net_export_share", "region", "BRI")]
    assert net["paper_value"] == 95.0
    assert net["paper_wording"] == "more than 95% (J. Geogr. Sci.); up to 95% (Acta Geogr. Sin.)"
    assert net["paper_statement"].startswith("J. Geogr. Sci.: \u201c")
    assert "; Acta Geogr. Sin.: \u201cUp to 95%" in net["paper_statement"]
    assert paper.loc[("driven_share", "group", "Group one"), "paper_value"] == 30.0
    assert paper.loc[("driven_share", "group", "Group two"), "paper_value"] == 30.0
    # The BRI block and the variant without AAA are no reading of the sentences' numbers.
    assert np.isnan(paper.loc[("driven_share", "block", "BRI"), "paper_value"])
    assert paper.loc[("driven_share", "block", "BRI"), "paper_wording"] == ""
    assert np.isnan(
        paper.loc[("positive_net_export_share", "region", "BRI without AAA")]["paper_value"]
    )
    literal = paper.loc[("consumption_share_from_developed", "block", "BRI")]
    assert literal["paper_wording"] == "about 30% (Acta Geogr. Sin.)"
    # The project's reading of "most BR regions" is a definition, never the paper's words.
    band = paper.loc[("bri_groups_within_25_35_pct", "group", "BRI groups")]
    assert "the project's reading" in band["definition"]
    assert "project" not in band["paper_statement"]
    assert set(headline["level"]) <= set(findings.LEVELS)
    assert list(headline.columns) == list(findings.HEADLINE_COLUMNS)


def test_every_statistic_of_the_issue_is_in_the_headline(headline):
    named = {
        "regions_intensity_ratio_above_one",
        "emission_ratio_gap",
        "positive_net_export_share_bri_developed",
        "net_flow_to_developed_share",
        "gross_export_share",
        "driven_share_all_developed",
        "driven_share_us_eu28",
        "driven_share_pba",
        "consumption_share_from_developed",
        "developed_share_of_world_cba",
    }
    assert named <= set(headline["statistic"])


def test_a_paper_value_for_a_reading_that_does_not_exist_is_an_error(flows, regions):
    wrong = PAPER.assign(level=["nowhere", *PAPER["level"][1:]])
    with pytest.raises(ValueError, match="do not compute"):
        _headline(flows, regions, paper=wrong)


def test_robustness_holds_every_reading_under_every_variant(headline, flows, regions):
    drivers = robustness.driver_variants(DEVELOPED, regions, CODES, US_EU28)
    table = robustness.robustness_table(
        headline,
        {
            name: (lambda found=found: _headline(flows, regions, found))
            for name, found in drivers.items()
        },
    )
    assert list(table.columns) == list(robustness.ROBUSTNESS_COLUMNS)
    assert list(dict.fromkeys(table["variant"])) == [
        "baseline",
        "drivers_developed",
        "drivers_us_eu28",
    ]
    baseline = table[table["variant"] == "baseline"]
    assert baseline["value"].equals(headline["value"].reset_index(drop=True))
    by = table.set_index(["variant", "statistic", "level", "subject"])["value"]
    assert by["drivers_developed", "driven_share", "block", "BRI"] == pytest.approx(100 * 14 / 33)
    assert by["drivers_us_eu28", "driven_share", "block", "BRI"] == pytest.approx(100 * 9 / 33)
    # A reading that does not depend on the drivers keeps its value.
    assert by["drivers_us_eu28", "positive_net_export_share", "region", "BRI"] == (
        pytest.approx(100 * 8 / 11)
    )


def test_sector_hotspots_sum_to_the_group_flows(regions):
    sector_flows = np.zeros((5, 2, 5))
    sector_flows[:, 0, :] = np.array(FLOWS) * 0.25
    sector_flows[:, 1, :] = np.array(FLOWS) * 0.75
    long = grouping.sector_flows_by_group(sector_flows, CODES, ["farms", "mills"], regions)
    assert list(long.columns) == ["origin", "sector", "destination_group", "co2_mt"]
    hotspots = findings.sector_hotspots(long, regions)
    one_to_c = hotspots[
        (hotspots["origin_group"] == "Group one") & (hotspots["destination_group"] == "Land C")
    ].set_index("sector")
    assert one_to_c.loc["mills", "co2_mt"] == pytest.approx(6.0 * 0.75)
    assert one_to_c.loc["farms", "share_pct"] == pytest.approx(25.0)
    assert hotspots["co2_mt"].sum() == pytest.approx(np.sum(FLOWS))


def test_comparison_of_readings_and_flows_on_common_regions(headline, flows, regions):
    other = headline.assign(value=headline["value"] * 1.1)
    third = headline[headline["statistic"] != "driven_share"].assign(value=headline["value"] * 2)
    table = compare.headline_differences({"eora26": headline, "exiobase3": other, "c": third})
    assert len(table) == len(headline)
    row = table[(table["statistic"] == "driven_share") & (table["subject"] == "Group one")]
    assert row["value_exiobase3"].iloc[0] == pytest.approx(33.0)
    assert row["relative_difference_exiobase3"].iloc[0] == pytest.approx(0.1)
    assert np.isnan(row["value_c"].iloc[0]) and np.isnan(row["relative_difference_c"].iloc[0])
    assert row["unit"].iloc[0] == headline.loc[row.index[0], "unit"]
    fewer = flows.drop(index="DDD", columns="DDD")
    group_flows = compare.common_group_flows({"a": flows, "b": fewer * 2, "c": flows * 3}, regions)
    assert set(group_flows["origin"]) == {"Group one", "Group two", "Land C", "Rest"}
    one_to_c = group_flows[
        (group_flows["origin"] == "Group one") & (group_flows["destination"] == "Land C")
    ]
    assert one_to_c["co2_mt_a"].iloc[0] == 6.0 and one_to_c["co2_mt_b"].iloc[0] == 12.0
    assert one_to_c["co2_mt_c"].iloc[0] == 18.0 and one_to_c["difference_c"].iloc[0] == 12.0


def test_trends_carry_the_same_reading_names(headline):
    series = trends.headline_series({2016: headline, 2015: headline})
    assert list(series["year"].unique()) == [2015, 2016]
    keys = series[series["year"] == 2015][["statistic", "level", "subject"]]
    assert keys.reset_index(drop=True).equals(
        headline[["statistic", "level", "subject"]].reset_index(drop=True)
    )
    shares = trends.figure_series(series)
    assert shares.loc[2015, "positive_net_export_share"] == pytest.approx(100 * 8 / 11)
