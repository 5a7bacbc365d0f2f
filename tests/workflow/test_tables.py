"""The four tables of the tiny workflow run, their LaTeX compiled, and the findings files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bri_carbon.outputs import tables, typeset
from bri_carbon.outputs.typeset import Column
from bri_carbon.results import store

from ..support.latex import compile_table, layout_problems, needs_pdflatex

RESULT = "results/synthetic/2015"
TABLES = ("region_membership", "group_accounts", "group_flows", "headline")


@pytest.mark.parametrize("name", TABLES)
def test_tables_are_written_in_three_formats(finished_run, name):
    folder = finished_run / RESULT / "tables"
    csv = pd.read_csv(folder / f"{name}.csv")
    assert len(csv) > 0
    assert all(column == column.strip() for column in csv.columns)
    markdown = (folder / f"{name}.md").read_text()
    assert "synthetic data" in markdown and "|---" in markdown
    latex = (folder / f"{name}.tex").read_text()
    for command in (r"\toprule", r"\midrule", r"\bottomrule", r"\caption{", r"\label{"):
        assert command in latex
    assert r"\footnotesize" in latex and "resizebox" not in latex and "_mt" not in latex


def test_tables_show_human_headers_and_rounded_numbers(finished_run):
    folder = finished_run / RESULT / "tables"
    csv = pd.read_csv(folder / "group_accounts.csv", index_col="group")
    assert {"production_mt", "primary_inputs_musd", "value_added_musd"} <= set(csv.columns)
    markdown = (folder / "group_accounts.md").read_text()
    assert "| Production-based (Mt CO2) |" in markdown
    assert "| Primary inputs (billion USD) |" in markdown
    first = csv.iloc[0]
    row = next(line for line in markdown.splitlines() if line.startswith(f"| {csv.index[0]} |"))
    assert f"| {first['production_mt']:,.1f} |" in row
    assert f"| {first['primary_inputs_musd'] / 1000:,.1f} |" in row
    negative = csv["net_export_mt"].idxmin()
    assert f"\u2212{abs(csv.loc[negative, 'net_export_mt']):,.1f}" in markdown
    latex = (folder / "group_accounts.tex").read_text()
    assert f"$-${abs(csv.loc[negative, 'net_export_mt']):,.1f}" in latex
    assert "CO$_2$" in latex


@needs_pdflatex
@pytest.mark.parametrize("name", TABLES)
def test_latex_tables_compile_within_an_a4_text_width(finished_run, tmp_path, name):
    log = compile_table(finished_run / RESULT / "tables" / f"{name}.tex", tmp_path)
    assert layout_problems(log) == []


@needs_pdflatex
def test_latex_of_hostile_names_compiles(tmp_path):
    """Group names as users may write them, in a table of two parts and in a long table."""
    names = [r"A^B ~C", r"{braces}", "back\\slash", "pipe|bar", "R&D 100% $", "snake_case #1"]
    names += ["<less> >more", "[bracket] *star*", "\u2212minus", "C\u00f4te d\u2019Ivoire"]
    matrix = pd.DataFrame(
        [[-1234.5 * (i - j) for j in range(len(names))] for i in range(len(names))],
        index=names,
        columns=names,
    )
    shown = tables.group_flows_display(tables.flow_matrix_with_totals(matrix))
    folder = tmp_path / "flows"
    folder.mkdir()
    (folder / "flows.tex").write_text(typeset.to_latex(shown, "Flows of {names} & 100%", "tab:f"))
    log = compile_table(folder / "flows.tex", folder / "build")
    assert layout_problems(log) == []
    frame = pd.DataFrame({"name": names, "note": [f"[{n}]" for n in names]})
    columns = [Column("name", "Name ^ ~"), Column("note", "Note", fill=True)]
    long = typeset.display(columns, [(n, frame) for n in names[:3]], stub=0, long=True)
    (folder / "long.tex").write_text(typeset.to_latex(long, "Long ~ table", "tab:l"))
    log = compile_table(folder / "long.tex", folder / "build_long")
    assert layout_problems(log) == []


def test_headline_matches_the_region_results(finished_run):
    base = finished_run / RESULT
    headline = store.read_headline(base / "groups" / "headline.csv").set_index(
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
