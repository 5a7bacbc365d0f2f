"""Table builders on small frames (the tables of the tiny run: tests/workflow/)."""

from __future__ import annotations

import pandas as pd

from bri_carbon.outputs import tables


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
