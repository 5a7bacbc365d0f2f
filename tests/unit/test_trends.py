"""Trends across years: indicator formulas on a hand-checkable example (the two-year run:
tests/workflow/test_trends.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bri_carbon.core import trends
from bri_carbon.runtime.errors import WorkflowInputError

GROUPS = ["East Asia", "South Asia", "United States", "Europe outside BRI", "Japan"]
BRI = [True, True, False, False, False]


def _example(scale: float = 1.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Five groups; flows E[origin, destination] in Mt, no household emissions."""
    flows = scale * np.array(
        [
            [100.0, 5.0, 30.0, 20.0, 10.0],
            [2.0, 50.0, 8.0, 6.0, 4.0],
            [3.0, 1.0, 80.0, 2.0, 1.0],
            [4.0, 2.0, 3.0, 60.0, 1.0],
            [2.0, 1.0, 1.0, 1.0, 20.0],
        ]
    )
    matrix = pd.DataFrame(flows, index=GROUPS, columns=GROUPS)
    long = matrix.stack().rename("co2_mt").rename_axis(["origin", "destination"]).reset_index()
    accounts = pd.DataFrame(
        {
            "bri": BRI,
            "production_mt": matrix.sum(axis=1),
            "consumption_mt": matrix.sum(axis=0),
        },
        index=pd.Index(GROUPS, name="group"),
    )
    accounts["net_export_mt"] = accounts["production_mt"] - accounts["consumption_mt"]
    return accounts, long


def test_indicators_follow_their_definitions():
    accounts, flows = _example()
    values = trends.headline_indicators(accounts, flows, ["United States", "Europe outside BRI"])
    # BRI -> non-BRI: 30 + 20 + 10 + 8 + 6 + 4 = 78; non-BRI -> BRI: 3+1+4+2+2+1 = 13.
    assert values["bri_exports_to_non_bri_mt"] == pytest.approx(78.0)
    assert values["non_bri_exports_to_bri_mt"] == pytest.approx(13.0)
    assert values["bri_net_export_mt"] == pytest.approx(78.0 - 13.0)
    # To US + Europe: 30 + 20 + 8 + 6 = 64; back: 3 + 1 + 4 + 2 = 10.
    assert values["destination_share_of_bri_net_exports_pct"] == pytest.approx(100 * (64 - 10) / 65)
    assert values["destination_share_of_bri_exports_pct"] == pytest.approx(100 * 64 / 78)
    positive = accounts["net_export_mt"].clip(lower=0)
    assert values["bri_share_of_positive_net_exports_pct"] == pytest.approx(
        100 * positive[accounts["bri"]].sum() / positive.sum()
    )
    assert values["world_production_mt"] == pytest.approx(accounts["production_mt"].sum())


def test_destination_groups_are_checked():
    accounts, flows = _example()
    with pytest.raises(WorkflowInputError, match="Mars"):
        trends.headline_indicators(accounts, flows, ["Mars"])
    with pytest.raises(WorkflowInputError, match="East Asia"):
        trends.headline_indicators(accounts, flows, ["East Asia"])


def test_tables_are_sorted_by_year_and_scale_with_the_data():
    first, first_flows = _example()
    second, second_flows = _example(scale=2.0)
    headline = trends.headline_table(
        {2016: second, 2015: first}, {2015: first_flows, 2016: second_flows}, ["United States"]
    )
    assert list(headline["year"].unique()) == [2015, 2016]
    wide = headline.pivot(index="year", columns="finding", values="value")
    assert wide.loc[2016, "bri_net_export_mt"] == pytest.approx(
        2 * wide.loc[2015, "bri_net_export_mt"]
    )
    assert wide.loc[2016, "bri_share_of_positive_net_exports_pct"] == pytest.approx(
        wide.loc[2015, "bri_share_of_positive_net_exports_pct"]
    )
    series = trends.group_series({2016: second, 2015: first})
    assert list(series.columns) == ["year", "group", "bri", *trends.GROUP_COLUMNS]
    assert len(series) == 2 * len(GROUPS)
