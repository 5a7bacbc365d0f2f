"""Table builders on small frames (the tables of the tiny run: tests/workflow/)."""

from __future__ import annotations

import pandas as pd

from bri_carbon.outputs import tables, typeset
from bri_carbon.results import store


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
    assert table.index.name == "origin"
    assert table.loc["Total", "Total"] == 10.0
    assert table.loc["A", "Total"] == 3.0 and table.loc["Total", "B"] == 6.0


def test_caption_labels_synthetic_data():
    assert "synthetic data" in tables.table_caption("T", "synthetic", 2015, True, "Mt")
    assert tables.table_caption("T", "eora26", 2015, False, "Mt") == "T, 2015 (eora26): Mt"


def _accounts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "bri": [True, False],
            "production_mt": [7052.714, 535.58],
            "consumption_mt": [6979.54, 622.36],
            "net_export_mt": [73.17, -86.78],
            "primary_inputs_musd": [14674867.46, 1630991.63],
            "production_intensity_kg_per_usd": [0.48061, 0.0],
            "production_to_consumption_intensity_ratio": [0.98789, float("nan")],
        },
        index=pd.Index(["East & South", "Rest^2 {x}"], name="group"),
    )


def test_group_accounts_show_units_rounding_and_two_parts():
    shown = tables.group_accounts_display(_accounts())
    headers = [typeset.full_header(c) for c in shown.columns]
    assert headers[:4] == [
        "Group",
        "BRI",
        "Production-based (Mt CO2)",
        "Consumption-based (Mt CO2)",
    ]
    assert "Primary inputs (billion USD)" in headers
    assert "Production-based intensity (kg CO2 per USD)" in headers
    first, second = shown.blocks[0].rows
    assert first == (
        "East & South",
        "yes",
        "7,052.7",
        "6,979.5",
        "73.2",
        "14,674.9",
        "0.481",
        "0.99",
    )
    assert second[4] == "\u221286.8" and second[6] == "0" and second[7] == ""
    latex = typeset.to_latex(shown, "Caption CO2", "tab:x")
    # Emissions in one tabular, money and intensities in a second one; never scaled.
    assert latex.count(r"\begin{tabular}{@{}") == 2 and "resizebox" not in latex
    assert r"East \& South" in latex and r"Rest\textasciicircum{}2 \{x\}" in latex
    assert r"$-$86.8" in latex and r"\caption{Caption CO$_2$}" in latex
    assert r"\multicolumn{3}{c}{CO$_2$ emissions (Mt CO$_2$)}" in latex


def test_flow_matrix_splits_into_parts_as_wide_as_the_page():
    names = [f"Group number {i} with a long name" for i in range(14)]
    flows = pd.DataFrame(
        [[1000.0 * (i + j) for j in range(14)] for i in range(14)], index=names, columns=names
    )
    shown = tables.group_flows_display(tables.flow_matrix_with_totals(flows))
    assert shown.blocks[1].rows[0][0] == "Total"
    parts = typeset._parts(shown)
    assert len(parts) >= 2 and sorted(i for part in parts for i in part) == list(range(1, 16))
    budget = typeset.TEXT_WIDTH_CM * typeset.PT_PER_CM
    _, headers = typeset._layered_headers(shown.columns)
    for part in parts:
        width = sum(typeset._column_width_pt(shown, i, headers[i]) for i in [0, *part])
        assert width <= budget
    latex = typeset.to_latex(shown, "Flows", "tab:f")
    assert latex.count(r"\begin{tabular}{@{}") == len(parts)
    assert latex.count("Emitted in") == len(parts)


def test_headline_table_keeps_the_statement_of_each_block():
    higher = "Acta Geogr. Sin.: \u201chigher | lower\u201d"
    share = "J. Geogr. Sci.: \u201cmore than > 95%\u201d"
    headline = pd.DataFrame(
        {
            "finding": ["a", "a", "b", "b"],
            "statistic": ["intensity_ratio", "emission_ratio", "positive_net_export_share"] * 1
            + ["positive_net_export_share"],
            "level": ["group", "group", "region", "region_pair"],
            "subject": ["East Asia", "East Asia", "BRI", "BRI"],
            "value": [0.98789, 1.0105, 85.2912, 76.27],
            "unit": ["ratio", "ratio", "%", "%"],
            "paper_value": [float("nan"), float("nan"), 95.0, 95.0],
            "paper_wording": ["", "", "more than > 95% (J.)", "more than > 95% (J.)"],
            "paper_statement": [higher, "", share, share],
        }
    )
    table = tables.headline_table(headline)
    assert list(table.index) == ["a", "a", "b", "b"]
    assert list(table["paper_statement"]) == [higher] * 2 + [share] * 2
    shown = tables.headline_display(table)
    assert [b.heading for b in shown.blocks] == [f"(a) {higher}", f"(b) {share}"]
    assert shown.blocks[1].rows[0][2:] == ("85.3", "%", "more than > 95% (J.)")
    latex = typeset.to_latex(shown, "Headline", "tab:h")
    assert r"more than \textgreater{} 95\%" in latex and r"higher \textbar{} lower" in latex
    assert r"\begin{longtable}" in latex
    markdown = typeset.to_markdown(shown, "Headline")
    assert "**(a) Acta Geogr. Sin.: \u201chigher \\| lower\u201d**" in markdown


def test_tables_read_back_as_written(tmp_path):
    membership = pd.DataFrame(
        {"bri": [True], "regions": [2], "members": ["A (AAA), B (NA)"]},
        index=pd.Index(["NA"], name="group"),
    )
    store.write_csv(membership, tmp_path / "m.csv")
    back = tables.read_table("region_membership", tmp_path / "m.csv")
    assert tables.region_membership_display(back) == tables.region_membership_display(membership)
    flows = tables.flow_matrix_with_totals(
        pd.DataFrame([[1.0, 2.0], [3.0, 4.0]], index=["NA", "B"], columns=["NA", "B"])
    )
    store.write_csv(flows, tmp_path / "f.csv")
    back = tables.read_table("group_flows", tmp_path / "f.csv")
    assert tables.group_flows_display(back) == tables.group_flows_display(flows)
