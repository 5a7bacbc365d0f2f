"""Table builders on small frames and the four tables and decomposition files of the tiny run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bri_carbon.outputs import tables

RESULT = "results/synthetic/2015"
TABLES = ("region_membership", "group_accounts", "group_flows", "headline")


def test_region_membership_lists_regions_of_the_data():
    regions = pd.DataFrame(
        {
            "name": ["Alpha", "Beta", "Gamma", "Delta"],
            "bri": [True, True, False, True],
            "group": ["One", "One", "Two", "One"],
        },
        index=["AAA", "BBB", "CCC", "DDD"],
    )
    table = tables.region_membership(regions, ["BBB", "AAA", "CCC"])
    assert list(table.index) == ["One", "Two"]
    assert table.loc["One", "regions"] == 2
    assert table.loc["One", "members"] == "Alpha (AAA), Beta (BBB)"
    assert bool(table.loc["Two", "bri"]) is False


def test_flow_matrix_totals():
    flows = pd.DataFrame([[1.0, 2.0], [3.0, 4.0]], index=["A", "B"], columns=["A", "B"])
    table = tables.flow_matrix_with_totals(flows)
    assert table.loc["Total", "Total"] == 10.0
    assert table.loc["A", "Total"] == 3.0 and table.loc["Total", "B"] == 6.0


def test_latex_options_keep_the_default():
    frame = pd.DataFrame({"value": [1.0]}, index=pd.Index(["x"], name="row"))
    plain = tables.to_latex(frame, "Caption", "tab:x")
    assert r"\begin{tabular}{lr}" in plain and "resizebox" not in plain
    fitted = tables.to_latex(frame, "Caption", "tab:x", align="lp{3cm}", fit_width=True)
    assert r"\resizebox{\textwidth}{!}{%" in fitted and r"\begin{tabular}{lp{3cm}}" in fitted
    assert fitted.index(r"\end{tabular}") < fitted.rindex("}\n\\end{table}")


def test_caption_labels_synthetic_data():
    assert "synthetic data" in tables.table_caption("T", "synthetic", 2015, True, "Mt")
    assert tables.table_caption("T", "eora26", 2015, False, "Mt") == "T, 2015 (eora26): Mt"


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
