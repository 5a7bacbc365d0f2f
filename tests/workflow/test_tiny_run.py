"""One real Snakemake run of the whole workflow on the tiny scenario (config/test/tiny.yaml):
output contract, identities, diagnostics, rerun and command-line overrides."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from ..support.workflow import TINY, TINY_COUNTRIES, png_size, snakemake

RESULT = "results/synthetic/2015"


def test_outputs_follow_the_contract(finished_run):
    accounts = pd.read_csv(finished_run / RESULT / "accounts.csv", keep_default_na=False)
    assert list(accounts.columns[:4]) == ["region", "name", "bri", "group"]
    for column in (
        "production_mt",
        "consumption_mt",
        "household_direct_mt",
        "net_export_mt",
        "primary_inputs_musd",
        "final_demand_musd",
        "value_added_musd",
        "production_intensity_kg_per_usd",
        "consumption_intensity_kg_per_usd",
    ):
        assert column in accounts.columns
    assert sorted(accounts["region"]) == sorted(TINY_COUNTRIES)
    assert set(accounts["bri"].astype(str).str.lower()) == {"true", "false"}
    flows = pd.read_csv(finished_run / RESULT / "flows.csv", keep_default_na=False)
    assert list(flows.columns) == ["origin", "destination", "co2_mt"]
    assert len(flows) == len(TINY_COUNTRIES) ** 2


def test_identities_hold_in_the_written_files(finished_run):
    accounts = pd.read_csv(finished_run / RESULT / "accounts.csv", index_col="region")
    flows = pd.read_csv(finished_run / RESULT / "flows.csv")
    rows = flows.groupby("origin")["co2_mt"].sum().reindex(accounts.index)
    columns = flows.groupby("destination")["co2_mt"].sum().reindex(accounts.index)
    industry_pba = accounts["production_mt"] - accounts["household_direct_mt"]
    industry_cba = accounts["consumption_mt"] - accounts["household_direct_mt"]
    np.testing.assert_allclose(rows, industry_pba, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(columns, industry_cba, rtol=1e-9, atol=1e-9)
    total_pba, total_cba = accounts["production_mt"].sum(), accounts["consumption_mt"].sum()
    assert abs(total_pba - total_cba) <= 1e-9 * total_pba
    np.testing.assert_allclose(
        accounts["net_export_mt"],
        accounts["production_mt"] - accounts["consumption_mt"],
        rtol=1e-9,
        atol=1e-9,
    )


def test_group_results_sum_the_regions(finished_run):
    regions = pd.read_csv(finished_run / RESULT / "accounts.csv", index_col="region")
    groups = pd.read_csv(finished_run / RESULT / "groups" / "accounts.csv", index_col="group")
    summed = regions.groupby("group")["production_mt"].sum()
    np.testing.assert_allclose(groups["production_mt"].loc[summed.index], summed, rtol=1e-9)
    group_flows = pd.read_csv(finished_run / RESULT / "groups" / "flows.csv")
    assert group_flows["co2_mt"].sum() == pytest.approx(
        (regions["production_mt"] - regions["household_direct_mt"]).sum(), rel=1e-9
    )


def test_diagnostics_report_zero_output_sectors(finished_run):
    diagnostics = json.loads((finished_run / RESULT / "diagnostics.json").read_text())
    assert diagnostics["synthetic"] is True
    # The dissolved Former USSR has no economy: all 26 of its sectors have zero output.
    assert diagnostics["zero_output_sectors"] >= 26
    assert max(diagnostics["identity_gaps"].values()) <= 1e-9
    # The default mixed-precision solve converged without falling back to float64.
    solve = diagnostics["leontief_solve"]
    assert solve["precision"] == "mixed" and not solve["fell_back"] and solve["steps"] >= 1
    assert solve["estimated_relative_error"] <= 1e-12
    # Eora's ROW discrepancy, dropped by pymrio, is measured and reported per region.
    discrepancy = diagnostics["source_discrepancy"]
    assert discrepancy["purchases_from_discrepancy_musd"] > 0
    table = pd.read_csv(finished_run / RESULT / "source_discrepancy.csv", index_col="region")
    assert sorted(table.index) == sorted(TINY_COUNTRIES)
    np.testing.assert_allclose(
        table["sales_to_discrepancy_musd"].sum(), discrepancy["sales_to_discrepancy_musd"]
    )
    for region, row in discrepancy["by_region"].items():
        assert row["sales_to_discrepancy_musd"] == pytest.approx(
            table.loc[region, "sales_to_discrepancy_musd"]
        )
    # Real-table quirks of the synthetic world are computed and listed as warnings.
    warnings = diagnostics["sector_warnings"]
    assert warnings["negative_value_added"] and warnings["input_share_at_least_one"]
    assert {item["sector"] for item in warnings["negative_value_added"]} == {
        item["sector"] for item in warnings["input_share_at_least_one"]
    }
    log = (finished_run / "logs" / "accounts" / "synthetic_2015.log").read_text()
    assert "sectors with negative value added (computed anyway" in log
    assert diagnostics["n"] == len(TINY_COUNTRIES) * 26


def test_world_intensity_ratio_is_one_and_robustness_holds_every_reading(finished_run):
    accounts = pd.read_csv(finished_run / RESULT / "accounts.csv", index_col="region")
    world = (accounts["production_mt"].sum() / accounts["primary_inputs_musd"].sum()) / (
        accounts["consumption_mt"].sum() / accounts["final_demand_musd"].sum()
    )
    assert world == pytest.approx(1.0, abs=1e-9)
    diagnostics = json.loads((finished_run / RESULT / "diagnostics.json").read_text())
    assert diagnostics["world_intensity"]["ratio"] == pytest.approx(1.0, abs=1e-9)
    assert diagnostics["plausibility_warnings"] == []
    variant = diagnostics["variants"]["no_inventories"]
    assert variant["categories_left_out"] == [
        "Changes in inventories P.52",
        "Acquisitions less disposals of valuables P.53",
    ]
    assert variant["world_intensity"]["ratio"] == pytest.approx(1.0, abs=1e-9)
    headline = pd.read_csv(finished_run / RESULT / "groups" / "headline.csv")
    robustness = pd.read_csv(finished_run / RESULT / "groups" / "robustness.csv")
    assert list(dict.fromkeys(robustness["variant"])) == [
        "baseline",
        "no_inventories",
        "drivers_developed",
        "drivers_us_eu28",
    ]
    baseline = robustness[robustness["variant"] == "baseline"].reset_index(drop=True)
    assert baseline["value"].equals(headline["value"])
    without = pd.read_csv(finished_run / RESULT / "no_inventories" / "accounts.csv")
    assert without["final_demand_musd"].sum() < accounts["final_demand_musd"].sum()


def test_figure_and_tables_are_written(finished_run):
    png = finished_run / RESULT / "figures" / "net_exports_by_group.png"
    width, height = png_size(png)
    assert width > 1000 and height > 500  # 300 dpi
    assert (finished_run / RESULT / "figures" / "net_exports_by_group.pdf").read_bytes()[:4] == (
        b"%PDF"
    )
    markdown = (finished_run / RESULT / "tables" / "group_accounts.md").read_text()
    assert "synthetic data" in markdown
    latex = (finished_run / RESULT / "tables" / "group_accounts.tex").read_text()
    assert r"\toprule" in latex and r"\bottomrule" in latex


def test_rerun_is_byte_identical_and_nothing_left_to_do(finished_run, tmp_path):
    dry = snakemake(finished_run, "-n", "--configfile", TINY)
    assert "Nothing to be done" in dry.stdout + dry.stderr
    first = {p: p.read_bytes() for p in (finished_run / RESULT).rglob("*.csv")}
    snakemake(finished_run, "--cores", "2", "--configfile", TINY, "--forceall")
    for path, content in first.items():
        assert path.read_bytes() == content, f"{path} changed on rerun"


def test_a_command_line_override_changes_the_plan(finished_run):
    other_year = snakemake(finished_run, "-n", "--configfile", TINY, "--config", "years=[2014]")
    assert "results/synthetic/2014/accounts.csv" in other_year.stdout + other_year.stderr


def test_the_terminal_shows_one_line_per_finished_job(finished_run):
    """No Python warnings, no "Shell command: None", no scheduler chatter; the job count of
    the plan and then one progress line per finished job, naming it."""
    lines = (finished_run / "logs" / "terminal.txt").read_text().splitlines()
    text = "\n".join(lines)
    for noise in ("Warning", "never awaited", "Shell command", "Select jobs", "Execute 1 jobs"):
        assert noise not in text
    done = [line for line in lines if " steps (" in line]
    total = int(done[-1].split(" of ")[1].split()[0])
    assert len(done) == total and done[-1].endswith("(100%) done: all")
    assert any(line.endswith("done: accounts (synthetic, 2015)") for line in done)
    assert len(lines) <= total + 30, text
