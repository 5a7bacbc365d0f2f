"""The four tables and the decomposition files of the tiny workflow run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bri_carbon.outputs import tables

RESULT = "results/synthetic/2015"
TABLES = ("region_membership", "group_accounts", "group_flows", "headline")


@pytest.mark.parametrize("name", TABLES)
def test_tables_are_written_in_three_formats(finished_run, name):
    folder = finished_run / RESULT / "tables"
    csv = pd.read_csv(folder / f"{name}.csv")
    assert len(csv) > 0
    markdown = (folder / f"{name}.md").read_text()
    assert "synthetic data" in markdown and "|---" in markdown
    latex = (folder / f"{name}.tex").read_text()
    for command in (r"\toprule", r"\midrule", r"\bottomrule", r"\caption{", r"\label{"):
        assert command in latex


def test_headline_matches_the_region_results(finished_run):
    base = finished_run / RESULT
    headline = tables.read_headline(base / "groups" / "headline.csv").set_index(
        ["statistic", "level", "subject"]
    )
    share = ("positive_net_export_share", "region", "BRI")
    median = ("driven_share", "region", "median")
    accounts = pd.read_csv(base / "accounts.csv", keep_default_na=False, index_col="region")
    bri = accounts["bri"].astype(str).str.lower() == "true"
    positive = accounts["net_export_mt"].clip(lower=0)
    expected = positive[bri].sum() / positive.sum() * 100
    assert headline.loc[share, "value"] == pytest.approx(expected, rel=1e-9)
    assert headline.loc[share, "paper_value"] == 95
    assert headline.loc[median, "paper_value"] == 30
    assert headline["synthetic"].astype(str).str.lower().eq("true").all()
    assert 0 <= headline.loc[median, "value"] <= 100
    # Every BRI group of the data has its driven share (finding c), next to "about 30%".
    groups = pd.read_csv(base / "groups" / "accounts.csv", keep_default_na=False)
    bri_groups = groups.loc[groups["bri"].astype(str).str.lower() == "true", "group"]
    for group in bri_groups:
        assert headline.loc[("driven_share", "group", group), "paper_value"] == 30
    # The world's production and consumption are equal: its emission ratio is 1.
    assert headline.loc[("emission_ratio", "block", "world"), "value"] == pytest.approx(1.0)
    driven = pd.read_csv(base / "groups" / "driven_by.csv", keep_default_na=False)
    assert set(driven["region"]) == set(accounts.index[bri])
    np.testing.assert_allclose(driven.groupby("region")["share_pct"].sum(), 100.0, rtol=1e-9)
    blocks = pd.read_csv(base / "groups" / "bri_blocks.csv", index_col="block")
    flows = pd.read_csv(base / "flows.csv", keep_default_na=False)
    assert blocks["co2_mt"].sum() == pytest.approx(flows["co2_mt"].sum(), rel=1e-9)
    assert blocks["share_of_world_pct"].sum() == pytest.approx(100.0)
